// Name resolution as a pod's resolver and CoreDNS (kubernetes plugin, `pods insecure`) answer it, and as a
// node's or the workstation's resolver does (they know no cluster names).
import { isIPv4 } from '../util/ip.js';
import { readyBackends, type PodHost, type Topology } from './topology.js';

/** kube-dns's ClusterIP in the default cluster (a shaped cluster's is Topology.dnsIP). */
export const CLUSTER_DNS_IP = '10.96.0.10';

/** Who is asking: a pod (ClusterFirst resolver), a node (host resolver) or the workstation. */
export type Resolver = { kind: 'pod'; pod: PodHost } | { kind: 'node'; nodeName: string } | { kind: 'workstation' };

export type DnsAnswer =
  | { kind: 'ok'; name: string; fqdn: string; addresses: string[]; cname?: string; via: 'literal' | 'hosts' | 'cluster-dns' | 'host-resolver'; tried: string[] }
  | { kind: 'nxdomain'; name: string; tried: string[]; noServer?: boolean; /** Why a NetworkPolicy dropped the query. */ dropped?: string[] };

/** The pod's search list (kubelet ClusterFirst): <ns>.svc.<domain> svc.<domain> <domain>. */
export function searchList(topo: Topology, namespace: string): string[] {
  const d = topo.clusterDomain;
  return [`${namespace}.svc.${d}`, `svc.${d}`, d];
}

/** The pod's /etc/resolv.conf, as containerd writes it. */
export function resolvConf(topo: Topology, namespace: string): string {
  return `search ${searchList(topo, namespace).join(' ')}\nnameserver ${topo.dnsIP}\noptions ndots:5\n`;
}

/** The kubelet-managed /etc/hosts of a pod. */
export function hostsFile(pod: PodHost): string {
  const own = pod.hostNetwork ? '' : `${pod.ip}\t${pod.name}\n`;
  return `# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n${own}`;
}

/** CoreDNS's answer for one fully qualified name (no search). */
export function clusterLookup(topo: Topology, fqdn: string): { addresses: string[]; cname?: string } | undefined {
  const name = fqdn.replace(/\.$/, '').toLowerCase();
  const suffixSvc = `.svc.${topo.clusterDomain}`;
  const suffixPod = `.pod.${topo.clusterDomain}`;
  if (name.endsWith(suffixSvc)) {
    const parts = name.slice(0, -suffixSvc.length).split('.');
    if (parts.length === 2) {
      const [svcName, ns] = parts;
      const svc = topo.services.get(`${ns}/${svcName}`);
      if (!svc) return undefined;
      const spec = svc.spec ?? {};
      if (spec.type === 'ExternalName') return { addresses: [], cname: spec.externalName };
      if (spec.clusterIP === 'None') {
        // CoreDNS answers from the Service's EndpointSlices (ready endpoints; publishNotReadyAddresses makes
        // every endpoint ready there).
        const ips = readyBackends(topo.serviceSlices.get(`${ns}/${svcName}`) ?? [], undefined, 'TCP').map((b) => b.ip);
        return ips.length ? { addresses: ips } : undefined;
      }
      return spec.clusterIP ? { addresses: [spec.clusterIP] } : undefined;
    }
    if (parts.length === 3) {
      // <hostname>.<subdomain>.<ns>: as CoreDNS answers it, from the headless Service's EndpointSlices, whose
      // endpoints carry the hostname of each pod whose subdomain names the Service (the endpoints controller
      // sets it). Only ready endpoints answer (publishNotReadyAddresses makes every endpoint ready there).
      const [host, sub, ns] = parts;
      const svc = topo.services.get(`${ns}/${sub}`);
      if (!svc || svc.spec?.clusterIP !== 'None') return undefined;
      const ips = new Set<string>();
      for (const sl of topo.serviceSlices.get(`${ns}/${sub}`) ?? []) {
        for (const e of sl.endpoints ?? []) {
          if (e.hostname !== host || e.conditions?.ready === false || !e.addresses?.[0]) continue;
          ips.add(e.addresses[0]);
        }
      }
      return ips.size ? { addresses: [...ips] } : undefined;
    }
    return undefined;
  }
  if (name.endsWith(suffixPod)) {
    const parts = name.slice(0, -suffixPod.length).split('.');
    if (parts.length === 2) {
      const ip = parts[0].replace(/-/g, '.');
      if (isIPv4(ip) && topo.state.objects.has('namespaces', parts[1])) return { addresses: [ip] };
    }
  }
  return undefined;
}

/**
 * Resolves a name for a client. Pods: /etc/hosts, then with fewer than ndots (5) dots the search list first,
 * then the name as given. Nodes know node names; the workstation only localhost.
 */
export function resolve(topo: Topology, who: Resolver, rawName: string): DnsAnswer {
  const name = rawName.toLowerCase();
  if (isIPv4(name)) return { kind: 'ok', name, fqdn: name, addresses: [name], via: 'literal', tried: [] };
  if (name === 'localhost' || name === 'localhost.') return { kind: 'ok', name, fqdn: 'localhost', addresses: ['127.0.0.1'], via: 'hosts', tried: [] };
  if (who.kind === 'workstation') return { kind: 'nxdomain', name, tried: [name] };
  if (who.kind === 'node') {
    const n = topo.nodeByName.get(name);
    if (n) return { kind: 'ok', name, fqdn: name, addresses: [n.internalIP], via: 'host-resolver', tried: [name] };
    return { kind: 'nxdomain', name, tried: [name] };
  }
  const pod = who.pod;
  if (!pod.hostNetwork && name === pod.name) return { kind: 'ok', name, fqdn: name, addresses: [pod.ip], via: 'hosts', tried: [] };
  // A hostNetwork pod with ClusterFirst gets the node's resolver (kubelet falls back to Default).
  if (pod.hostNetwork && pod.pod.spec?.dnsPolicy !== 'ClusterFirstWithHostNet') return resolve(topo, { kind: 'node', nodeName: pod.node.name }, name);
  // Queries go to the kube-dns Service; with no ready CoreDNS endpoint nobody answers.
  if (!topo.dnsServing) return { kind: 'nxdomain', name, tried: [], noServer: true };
  const candidates: string[] = [];
  if (name.endsWith('.')) candidates.push(name.slice(0, -1));
  else {
    const dots = name.split('.').length - 1;
    const search = searchList(topo, pod.namespace).map((s) => `${name}.${s}`);
    if (dots >= 5) candidates.push(name, ...search);
    else candidates.push(...search, name);
  }
  const tried: string[] = [];
  for (const c of candidates) {
    tried.push(c);
    const hit = clusterLookup(topo, c);
    if (!hit) continue;
    if (hit.cname) {
      // CoreDNS returns the CNAME; the target is resolved outside the cluster (here: only cluster names and IPs).
      const target = hit.cname.replace(/\.$/, '');
      const inner = isIPv4(target) ? { addresses: [target] } : clusterLookup(topo, target);
      if (!inner || inner.addresses.length === 0) return { kind: 'nxdomain', name, tried };
      return { kind: 'ok', name, fqdn: c, addresses: inner.addresses, cname: target, via: 'cluster-dns', tried };
    }
    return { kind: 'ok', name, fqdn: c, addresses: hit.addresses, via: 'cluster-dns', tried };
  }
  return { kind: 'nxdomain', name, tried };
}

