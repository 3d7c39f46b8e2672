// Stage 6: NetworkPolicy (networking.k8s.io/v1), as kindnet's policy agent (kube-network-policies, in kind
// since v0.24) and the common CNIs decide the first packet of a connection:
// - a pod is isolated for a direction when some policy in its namespace selects it and lists that direction
//   (src/api/network-policy.ts computes the directions when a stored object lacks spec.policyTypes);
// - an isolated direction passes only what at least one rule of those policies allows (rules are additive);
// - egress is checked for the client pod against the destination after kube-proxy's DNAT (the endpoint, not
//   the ClusterIP), ingress for the server pod against the source address it sees (after any masquerade);
// - a source address that belongs to the server pod's own node is always allowed in (the API's words: "the
//   traffic source is the pod's local node"), so kubelet probes and node-local traffic pass;
// - hostNetwork pods are their node: they are neither isolated nor matched by pod selectors, only by ipBlock;
// - only the first packet is judged: replies and later packets of an allowed connection pass (conntrack).
// A denied packet is dropped, so the client waits for its timeout.
import { effectivePolicyTypes, type PolicyType } from '../api/network-policy.js';
import { matchesLabelSelector } from '../api/labels.js';
import type { KubeObject, LabelSelector, Namespace, NetworkPolicy } from '../api/types.js';
import { listObjects } from '../store/objects.js';
import { inCIDR } from '../util/ip.js';
import type { Client } from './engine.js';
import type { PodHost, Topology } from './topology.js';

type Spec = NonNullable<NetworkPolicy['spec']>;
type Peer = NonNullable<NonNullable<Spec['ingress']>[number]['from']>[number];
type PolicyPort = NonNullable<NonNullable<Spec['ingress']>[number]['ports']>[number];

interface Policy {
  namespace: string;
  name: string;
  spec: Spec;
  types: PolicyType[];
}

interface PolicyIndex {
  byNamespace: Map<string, Policy[]>;
  nsLabels: Map<string, Record<string, string>>;
}

const indexes = new WeakMap<Topology, PolicyIndex>();

/** The policies and namespace labels, read once per topology (and only when a connection needs them). */
function indexOf(topo: Topology): PolicyIndex {
  let ix = indexes.get(topo);
  if (ix) return ix;
  const byNamespace = new Map<string, Policy[]>();
  for (const np of listObjects<NetworkPolicy>(topo.state, 'networkpolicies')) {
    const ns = np.metadata.namespace ?? 'default';
    const spec = (np.spec ?? {}) as Spec;
    const p: Policy = { namespace: ns, name: np.metadata.name, spec, types: effectivePolicyTypes(spec) };
    const l = byNamespace.get(ns);
    if (l) l.push(p);
    else byNamespace.set(ns, [p]);
  }
  for (const l of byNamespace.values()) l.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const nsLabels = new Map<string, Record<string, string>>();
  if (byNamespace.size > 0) for (const n of listObjects<Namespace>(topo.state, 'namespaces')) nsLabels.set(n.metadata.name, (n.metadata.labels ?? {}) as Record<string, string>);
  ix = { byNamespace, nsLabels };
  indexes.set(topo, ix);
  return ix;
}

/** One end of a flow as policy sees it: a pod on the pod network, or just an address. */
interface End {
  ip: string;
  pod?: PodHost;
}

export interface FlowVerdict {
  allowed: boolean;
  /** Trace lines (egress first, then ingress). */
  lines: string[];
}

/** The policies of the pod's namespace that isolate it for a direction. */
function isolating(ix: PolicyIndex, pod: PodHost, dir: PolicyType): Policy[] {
  const out: Policy[] = [];
  for (const p of ix.byNamespace.get(pod.namespace) ?? []) {
    if (p.types.includes(dir) && matchesLabelSelector(p.spec.podSelector ?? {}, pod.pod.metadata.labels)) out.push(p);
  }
  return out;
}

function ipBlockMatches(block: NonNullable<Peer['ipBlock']>, ip: string): boolean {
  if (!safeInCIDR(ip, block.cidr)) return false;
  return !(block.except ?? []).some((c) => safeInCIDR(ip, c));
}

function safeInCIDR(ip: string, cidr: string | undefined): boolean {
  if (!cidr || !/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(cidr)) return false;
  return inCIDR(ip, cidr);
}

function selectorSet(s: LabelSelector | undefined | null): s is LabelSelector {
  return s !== undefined && s !== null;
}

/** Does a peer (from/to entry) of a policy in `policyNs` match the other end? */
function peerMatches(ix: PolicyIndex, peer: Peer, policyNs: string, other: End): boolean {
  if (peer.ipBlock) return ipBlockMatches(peer.ipBlock, other.ip);
  const podSel = selectorSet(peer.podSelector) ? peer.podSelector : undefined;
  const nsSel = selectorSet(peer.namespaceSelector) ? peer.namespaceSelector : undefined;
  if (!podSel && !nsSel) return false;
  const pod = other.pod;
  if (!pod) return false;
  if (podSel && !matchesLabelSelector(podSel, pod.pod.metadata.labels)) return false;
  if (!nsSel) return pod.namespace === policyNs;
  return matchesLabelSelector(nsSel, ix.nsLabels.get(pod.namespace) ?? {});
}

/** Does a rule's port list admit port/protocol on the destination (named ports resolve on the destination pod)? */
function portMatches(ports: PolicyPort[] | undefined, port: number, protocol: string, dstPod: PodHost | undefined): boolean {
  if (!ports || ports.length === 0) return true;
  for (const pp of ports) {
    if ((pp.protocol ?? 'TCP') !== protocol) continue;
    if (pp.port === undefined || pp.port === null) return true;
    if (typeof pp.port === 'number') {
      if (port === pp.port) return true;
      if (typeof pp.endPort === 'number' && port > pp.port && port <= pp.endPort) return true;
      continue;
    }
    if (/^\d+$/.test(pp.port)) {
      if (port === Number(pp.port)) return true;
      continue;
    }
    for (const c of dstPod?.pod.spec?.containers ?? []) {
      for (const cp of c.ports ?? []) {
        if (cp.name === pp.port && cp.containerPort === port && (cp.protocol ?? 'TCP') === protocol) return true;
      }
    }
  }
  return false;
}

/** The first rule (policy, index) of the isolating policies that admits the flow, if any. */
function admittingRule(ix: PolicyIndex, policies: Policy[], dir: PolicyType, other: End, port: number, protocol: string, dstPod: PodHost | undefined): { policy: Policy; rule: number } | undefined {
  for (const p of policies) {
    const rules = (dir === 'Ingress' ? p.spec.ingress : p.spec.egress) ?? [];
    for (let i = 0; i < rules.length; i++) {
      const r = rules[i] as { from?: Peer[]; to?: Peer[]; ports?: PolicyPort[] };
      if (!portMatches(r.ports, port, protocol, dstPod)) continue;
      const peers = (dir === 'Ingress' ? r.from : r.to) ?? [];
      if (peers.length === 0 || peers.some((peer) => peerMatches(ix, peer, p.namespace, other))) return { policy: p, rule: i };
    }
  }
  return undefined;
}

function endName(e: End): string {
  return e.pod ? `pod ${e.pod.key}` : e.ip;
}

function names(ps: Policy[]): string {
  return ps.map((p) => p.name).join(', ');
}

/**
 * Judges a new connection: `src` is the client pod (when it is on the pod network) with the address the
 * server will see; `dst` the server after DNAT. Only non-hostNetwork pods are ever isolated.
 */
export function judgeFlow(topo: Topology, client: Client, seenIP: string, dst: End, port: number, protocol: string): FlowVerdict {
  const lines: string[] = [];
  const srcPod = client.kind === 'pod' && !client.pod.hostNetwork ? client.pod : undefined;
  const dstPod = dst.pod && !dst.pod.hostNetwork ? dst.pod : undefined;
  // Port-forward arrives on the pod's loopback; a pod dialling its own IP stays in its network namespace.
  if (client.kind === 'portforward' || (srcPod && dstPod === srcPod && (dst.ip.startsWith('127.') || seenIP === srcPod.ip))) return { allowed: true, lines };
  if (!srcPod && !dstPod) return { allowed: true, lines };
  const ix = indexOf(topo);
  if (ix.byNamespace.size === 0) {
    if (dstPod) lines.push(`no NetworkPolicy selects pod ${dstPod.key}: allowed`);
    return { allowed: true, lines };
  }
  const to: End = { ip: dst.ip, pod: dstPod };
  if (srcPod) {
    const ps = isolating(ix, srcPod, 'Egress');
    if (ps.length > 0) {
      const hit = admittingRule(ix, ps, 'Egress', to, port, protocol, dstPod);
      if (!hit) {
        lines.push(`NetworkPolicy egress of pod ${srcPod.key} (isolated by ${names(ps)}): no rule allows ${endName(to)} port ${port}/${protocol}: dropped`);
        return { allowed: false, lines };
      }
      lines.push(`NetworkPolicy ${hit.policy.namespace}/${hit.policy.name} egress rule #${hit.rule + 1} allows pod ${srcPod.key} to reach ${endName(to)} port ${port}/${protocol}`);
    } else lines.push(`no NetworkPolicy isolates pod ${srcPod.key} for egress: allowed`);
  }
  if (dstPod) {
    const ps = isolating(ix, dstPod, 'Ingress');
    if (ps.length === 0) {
      lines.push(`no NetworkPolicy isolates pod ${dstPod.key} for ingress: allowed`);
      return { allowed: true, lines };
    }
    if (seenIP === dstPod.node.internalIP || seenIP === dstPod.node.gateway) {
      lines.push(`pod ${dstPod.key} is isolated for ingress (${names(ps)}), but the source ${seenIP} is its own node ${dstPod.node.name}: always allowed`);
      return { allowed: true, lines };
    }
    const seenPod = topo.podByIP.get(seenIP);
    const from: End = { ip: seenIP, pod: seenPod && !seenPod.hostNetwork ? seenPod : undefined };
    const hit = admittingRule(ix, ps, 'Ingress', from, port, protocol, dstPod);
    if (!hit) {
      lines.push(`NetworkPolicy ingress of pod ${dstPod.key} (isolated by ${names(ps)}): no rule allows ${from.pod ? `pod ${from.pod.key} (${seenIP})` : seenIP} on port ${port}/${protocol}: dropped`);
      return { allowed: false, lines };
    }
    lines.push(`NetworkPolicy ${hit.policy.namespace}/${hit.policy.name} ingress rule #${hit.rule + 1} allows ${from.pod ? `pod ${from.pod.key} (${seenIP})` : seenIP} to pod ${dstPod.key} port ${port}/${protocol}`);
  }
  return { allowed: true, lines };
}

/** Whether any NetworkPolicy exists (callers skip policy work entirely when none does). */
export function hasPolicies(topo: Topology): boolean {
  return indexOf(topo).byNamespace.size > 0;
}

/**
 * A pod's DNS query to the cluster DNS Service (dnsIP:53/UDP, DNAT'd to a CoreDNS pod): the trace lines
 * of the refusal when policy drops it towards every ready CoreDNS endpoint, else undefined.
 */
export function dnsQueryDropped(topo: Topology, client: Extract<Client, { kind: 'pod' }>): string[] | undefined {
  if (client.pod.hostNetwork || !hasPolicies(topo)) return undefined;
  const rule = topo.clusterIPs.get(topo.dnsIP)?.get('53/UDP');
  let first: string[] | undefined;
  for (const b of rule?.ready ?? []) {
    const v = judgeFlow(topo, client, client.pod.ip, { ip: b.ip, pod: topo.podByIP.get(b.ip) }, b.port || 53, 'UDP');
    if (v.allowed) return undefined;
    first ??= v.lines.filter((l) => l.endsWith('dropped'));
  }
  return first;
}
