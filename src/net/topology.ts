// The network as kube-proxy and the kubelet see it, indexed once per command: hosts (nodes, pods), the
// service rules kube-proxy would install (from Services and EndpointSlices, never recomputed here) and the
// sockets each pod's processes listen on. Building it reads the state; walking it (engine.ts) is cheap.
import type { EndpointSlice, KubeObject, Pod, Service, ServicePort } from '../api/types.js';
import { findImage, mainProcess, type ImageSpec, type ListenSpec, type ServerProcess } from '../apps/images.js';
import { getObject, listObjects } from '../store/objects.js';
import type { CNIConfig, ClusterState } from '../store/state.js';
import { clusterDNSIP, cniOf, isCalico, nodeSubnetInfo, nodeSubnetOf, proxyMode } from '../cluster/shape.js';
import { inCIDR, intToIPv4, ipv4ToInt, sortByIP } from '../util/ip.js';

export interface NodeHost {
  name: string;
  internalIP: string;
  /** The node's address on its pod network (10.244.N.1): what local pods see when the node connects. */
  gateway: string;
  podCIDR: string;
  /** Where this node's pods get their addresses: its podCIDR (kindnet), or its calico IPAM blocks. */
  podNets: string[];
  /** calico: the tunnel interface's address (the first of the node's first block); the source of node traffic to remote pods. */
  tunnelIP?: string;
  role: 'control-plane' | 'worker';
}

export interface Socket {
  port: number;
  protocol: 'TCP' | 'UDP';
  bind: ListenSpec['bind'];
  container: string;
  process: ServerProcess;
  image: ImageSpec;
}

export interface PodHost {
  key: string;
  name: string;
  namespace: string;
  /** eth0 address (the node's address for hostNetwork pods). */
  ip: string;
  node: NodeHost;
  hostNetwork: boolean;
  ready: boolean;
  /** Some container is running (a process could hold a socket). */
  running: boolean;
  sockets: Socket[];
  pod: Pod & KubeObject;
}

export interface Backend {
  ip: string;
  port: number;
  /** The node hosting this endpoint, when known (pod endpoints; user endpoints on a node IP). */
  nodeName?: string;
}

/** One service port as kube-proxy programs it. */
export interface PortRule {
  /** "ns/name:portName" (kube-proxy's ServicePortName). */
  key: string;
  namespace: string;
  service: string;
  portName: string;
  protocol: string;
  port: number;
  nodePort?: number;
  ready: Backend[];
  /** Seconds of ClientIP affinity; 0 for none. */
  affinitySeconds: number;
  externalLocal: boolean;
  internalLocal: boolean;
  type: string;
}

/** A read-only map whose values are made when first asked for. */
export interface Lookup<V> {
  get(key: string): V | undefined;
  has(key: string): boolean;
  values(): Iterable<V>;
}

/**
 * The pods as the network sees them: which pod holds each IP comes from the pods index's projections (one
 * index read), and a pod's host (its sockets, from its images) is made only for the pods a connection touches,
 * so a request through a Service with 10,000 endpoints reads a handful of pods, not 10,000.
 */
class PodHosts {
  private readonly keyByIP = new Map<string, string>();
  private readonly eligible = new Map<string, Pod & KubeObject>();
  private readonly hosts = new Map<string, PodHost | null>();
  readonly byIP: Lookup<PodHost>;
  readonly byKey: Lookup<PodHost>;

  constructor(
    private readonly state: ClusterState,
    private readonly nodeByName: Map<string, NodeHost>,
    private readonly images: readonly ImageSpec[],
  ) {
    for (const [key, p] of state.objects.projections('pods')) {
      const thin = p as (Pod & KubeObject) | undefined;
      if (!thin || !nodeByName.has(thin.spec?.nodeName ?? '') || !thin.status?.podIP || thin.metadata.deletionTimestamp) continue;
      this.eligible.set(key, thin);
      if (!thin.spec?.hostNetwork) this.keyByIP.set(thin.status.podIP, key);
    }
    const hosts = this;
    this.byKey = {
      get: (k) => hosts.host(k),
      has: (k) => hosts.eligible.has(k),
      *values() {
        for (const k of hosts.eligible.keys()) {
          const h = hosts.host(k);
          if (h) yield h;
        }
      },
    };
    this.byIP = {
      get: (ip) => {
        const k = hosts.keyByIP.get(ip);
        return k === undefined ? undefined : hosts.host(k);
      },
      has: (ip) => hosts.keyByIP.has(ip),
      *values() {
        for (const k of hosts.keyByIP.values()) {
          const h = hosts.host(k);
          if (h) yield h;
        }
      },
    };
  }

  /** The thin pods (hostname, subdomain, namespace, IP), for DNS questions about many pods at once. */
  thin(): Iterable<[string, Pod & KubeObject]> {
    return this.eligible.entries();
  }

  private host(key: string): PodHost | undefined {
    let h = this.hosts.get(key);
    if (h === undefined) {
      h = null;
      if (this.eligible.has(key)) {
        const i = key.indexOf('/');
        const pod = getObject<Pod>(this.state, 'pods', key.slice(0, i), key.slice(i + 1));
        const node = this.nodeByName.get(pod?.spec?.nodeName ?? '');
        const ip = pod?.status?.podIP;
        if (pod && node && ip && !pod.metadata.deletionTimestamp) {
          const statuses = pod.status?.containerStatuses ?? [];
          h = {
            key,
            name: pod.metadata.name,
            namespace: pod.metadata.namespace ?? 'default',
            ip,
            node,
            hostNetwork: !!pod.spec?.hostNetwork,
            ready: pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
            running: statuses.some((s) => !!s.state?.running),
            sockets: podSockets(pod, this.images),
            pod,
          };
        }
      }
      this.hosts.set(key, h);
    }
    return h ?? undefined;
  }
}

export interface Topology {
  state: ClusterState;
  clusterDomain: string;
  clusterCIDR: string;
  serviceCIDR: string;
  workstationIP: string;
  workstationReachesPods: boolean;
  /** kube-dns's ClusterIP (the tenth address of the service range). */
  dnsIP: string;
  /** The node network (its gateway is the workstation): what host-network interfaces and routes show. */
  nodeNet: { cidr: string; prefix: number; broadcast: string; netmask: string; network: string };
  proxyMode: 'iptables' | 'ipvs' | 'nftables';
  cni: CNIConfig;
  nodes: NodeHost[];
  nodeByName: Map<string, NodeHost>;
  /** Internal IPs and gateways. */
  nodeByIP: Map<string, NodeHost>;
  podByIP: Lookup<PodHost>;
  podByKey: Lookup<PodHost>;
  /** Every pod with an address, as the pods index projects it (no pod is read). */
  podsThin(): Iterable<[string, Pod & KubeObject]>;
  /** clusterIP -> "port/PROTO" -> rule. A known clusterIP with no matching port is a blackhole. */
  clusterIPs: Map<string, Map<string, PortRule>>;
  /** LoadBalancer ingress IPs and externalIPs -> "port/PROTO" -> rule. */
  externalVIPs: Map<string, Map<string, PortRule>>;
  lbIPs: Set<string>;
  /** "nodePort/PROTO" -> rule. */
  nodePorts: Map<string, PortRule>;
  services: Map<string, Service & KubeObject>;
  /** Each Service's EndpointSlices, by "namespace/name". */
  serviceSlices: Map<string, EndpointSlice[]>;
  images: readonly ImageSpec[];
  /** Whether the cluster DNS Service (dnsIP:53/UDP) has a ready endpoint to answer queries. */
  dnsServing: boolean;
}

function nodeGateway(podCIDR: string): string {
  return intToIPv4(ipv4ToInt(podCIDR.split('/')[0]) + 1);
}

function podSockets(pod: Pod & KubeObject, images: readonly ImageSpec[]): Socket[] {
  const out: Socket[] = [];
  const statuses = pod.status?.containerStatuses ?? [];
  for (const c of pod.spec?.containers ?? []) {
    const st = statuses.find((s) => s.name === c.name);
    if (st && !st.state?.running) continue;
    const proc = mainProcess(c.image ?? '', c.command, c.args, images);
    if (proc.kind !== 'server') continue;
    const image = findImage(c.image ?? '', images);
    for (const l of proc.listens) out.push({ ...l, container: c.name, process: proc, image });
  }
  return out;
}

export function ruleKeyOf(port: number, protocol: string): string {
  return `${port}/${protocol}`;
}

/** Indexes the state for the engine. Call once per command (or per benchmark batch). */
export function buildTopology(state: ClusterState, images: readonly ImageSpec[] = []): Topology {
  const cfg = state.cluster;
  const calico = isCalico(cfg);
  const nodes: NodeHost[] = cfg.nodes.map((n) => {
    const blocks = calico ? (state.ipamBlocks?.[n.name] ?? []) : [n.podCIDR];
    // A calico node answers on its tunnel address; kindnet's on the .1 of its podCIDR (the pod bridge side).
    const tunnelIP = calico && blocks.length ? blocks[0].split('/')[0] : undefined;
    return { name: n.name, internalIP: n.internalIP, gateway: tunnelIP ?? (calico ? n.internalIP : nodeGateway(n.podCIDR)), podCIDR: n.podCIDR, podNets: blocks, tunnelIP, role: n.role };
  });
  const nodeByName = new Map(nodes.map((n) => [n.name, n]));
  const nodeByIP = new Map<string, NodeHost>();
  for (const n of nodes) {
    nodeByIP.set(n.internalIP, n);
    nodeByIP.set(n.gateway, n);
  }
  const pods = new PodHosts(state, nodeByName, images);
  const podByIP = pods.byIP;
  const podByKey = pods.byKey;
  const services = new Map<string, Service & KubeObject>();
  for (const s of listObjects<Service>(state, 'services')) services.set(`${s.metadata.namespace}/${s.metadata.name}`, s);
  // kube-proxy programs Services from EndpointSlices (the Endpoints object stops at 1,000 addresses).
  const slices = new Map<string, EndpointSlice[]>();
  for (const sl of listObjects<EndpointSlice & KubeObject>(state, 'endpointslices')) {
    const owner = sl.metadata.labels?.['kubernetes.io/service-name'];
    if (owner === undefined) continue;
    const key = `${sl.metadata.namespace}/${owner}`;
    const l = slices.get(key);
    if (l) l.push(sl);
    else slices.set(key, [sl]);
  }

  const clusterIPs = new Map<string, Map<string, PortRule>>();
  const externalVIPs = new Map<string, Map<string, PortRule>>();
  const lbIPs = new Set<string>();
  const nodePorts = new Map<string, PortRule>();
  const add = (m: Map<string, Map<string, PortRule>>, ip: string, rule: PortRule) => {
    let byPort = m.get(ip);
    if (!byPort) m.set(ip, (byPort = new Map()));
    byPort.set(ruleKeyOf(rule.port, rule.protocol), rule);
  };
  for (const [key, svc] of services) {
    const spec = svc.spec ?? {};
    const type = spec.type ?? 'ClusterIP';
    if (type === 'ExternalName') continue;
    const own = slices.get(key) ?? [];
    for (const sp of spec.ports ?? []) {
      const rule = portRule(svc, sp, own, podByIP, nodeByIP);
      const clusterIP = spec.clusterIP;
      if (clusterIP && clusterIP !== 'None') add(clusterIPs, clusterIP, rule);
      if (type === 'NodePort' || type === 'LoadBalancer') {
        if (sp.nodePort) nodePorts.set(ruleKeyOf(sp.nodePort, rule.protocol), rule);
      }
      if (type === 'LoadBalancer') {
        for (const ing of svc.status?.loadBalancer?.ingress ?? []) {
          if (ing.ip) {
            add(externalVIPs, ing.ip, rule);
            lbIPs.add(ing.ip);
          }
        }
      }
      for (const ip of spec.externalIPs ?? []) add(externalVIPs, ip, rule);
    }
  }
  return {
    state,
    clusterDomain: cfg.clusterDomain,
    clusterCIDR: cfg.clusterCIDR,
    serviceCIDR: cfg.serviceCIDR,
    workstationIP: cfg.workstationIP,
    workstationReachesPods: cfg.workstationReachesPods,
    dnsIP: clusterDNSIP(cfg),
    nodeNet: { cidr: nodeSubnetOf(cfg), ...nodeSubnetInfo(cfg) },
    proxyMode: proxyMode(cfg),
    cni: cniOf(cfg),
    nodes,
    nodeByName,
    nodeByIP,
    podByIP,
    podByKey,
    podsThin: () => pods.thin(),
    clusterIPs,
    externalVIPs,
    lbIPs,
    nodePorts,
    services,
    serviceSlices: slices,
    images,
    dnsServing: (clusterIPs.get(clusterDNSIP(cfg))?.get('53/UDP')?.ready.length ?? 0) > 0,
  };
}

/**
 * The ready endpoints of a Service port across its slices, as kube-proxy merges them: one per address (the
 * first slice wins), in address order. A slice endpoint whose readiness is not set counts as ready.
 */
export function readyBackends(slices: EndpointSlice[], portName: string | undefined, protocol: string): { ip: string; port: number; nodeName: string | undefined }[] {
  const seen = new Set<string>();
  const out: { ip: string; port: number; nodeName: string | undefined }[] = [];
  for (const sl of slices) {
    // Without a port name (a DNS answer) every endpoint counts, and the port is 0.
    let port = 0;
    if (portName !== undefined) {
      const p = (sl.ports ?? []).find((x) => (x.name ?? '') === portName && (x.protocol ?? 'TCP') === protocol);
      if (!p) continue;
      port = p.port ?? 0;
    }
    for (const e of sl.endpoints ?? []) {
      const ip = e.addresses?.[0];
      if (!ip || e.conditions?.ready === false || seen.has(ip)) continue;
      seen.add(ip);
      out.push({ ip, port, nodeName: e.nodeName ?? undefined });
    }
  }
  return sortByIP(out, (b) => b.ip);
}

/** A slice port carries the service port's name ("" for a single unnamed port). */
function portRule(svc: Service & KubeObject, sp: ServicePort, slices: EndpointSlice[], podByIP: Lookup<PodHost>, nodeByIP: Map<string, NodeHost>): PortRule {
  const spec = svc.spec ?? {};
  const protocol = sp.protocol ?? 'TCP';
  const name = sp.name ?? '';
  const ready = readyBackends(slices, name, protocol).map(({ ip, port, nodeName }) => ({
    ip,
    port,
    nodeName: nodeName ?? podByIP.get(ip)?.node.name ?? nodeByIP.get(ip)?.name,
  }));
  const affinity = spec.sessionAffinity === 'ClientIP' ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800) : 0;
  return {
    key: `${svc.metadata.namespace}/${svc.metadata.name}:${name}`,
    namespace: svc.metadata.namespace ?? 'default',
    service: svc.metadata.name,
    portName: name,
    protocol,
    port: sp.port,
    nodePort: sp.nodePort,
    ready,
    affinitySeconds: affinity,
    externalLocal: spec.externalTrafficPolicy === 'Local',
    internalLocal: spec.internalTrafficPolicy === 'Local',
    type: spec.type ?? 'ClusterIP',
  };
}

export function inClusterCIDR(topo: Topology, ip: string): boolean {
  return inCIDR(ip, topo.clusterCIDR);
}
