// The network as kube-proxy and the kubelet see it, indexed once per command: hosts (nodes, pods), the
// service rules kube-proxy would install (from Services and EndpointSlices, never recomputed here) and the
// sockets each pod's processes listen on. Building it reads the state; walking it (engine.ts) is cheap.
import type { EndpointSlice, KubeObject, Pod, Service, ServicePort } from '../api/types.js';
import { findImage, mainProcess, type ImageSpec, type ListenSpec, type ServerProcess } from '../apps/images.js';
import { getObject } from '../store/objects.js';
import { sortKeys } from '../store/keys.js';
import type { CNIConfig, ClusterState } from '../store/state.js';
import { PodSummary } from '../store/pod-summary.js';
import { serviceNetInProjection, serviceNetOf, type ServiceNet } from '../api/projections.js';
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

type PodObj = Pod & KubeObject;

/** The last summary parsed, by its text: a command that opens the network per container start parses it once. */
let parsed: { text: string; summary: PodSummary | undefined } | undefined;

/** The pod summary in this text (read only here: the topology never changes it). */
function summaryOf(store: ClusterState['objects'], text: string | undefined): PodSummary | undefined {
  if (text === undefined) return undefined;
  if (parsed?.text !== text) parsed = { text, summary: PodSummary.parse(text, (ref) => store.podSummaryPart(ref), (node) => store.diskPodIPs(node)) };
  return parsed.summary;
}

/**
 * The pods as the network sees them. Which pod holds an IP comes from the store's pod summary (per node, each
 * IP's pods) and the projections of the few pods asked about, and a pod's host (its sockets, from its images)
 * is made only for the pods a connection touches: a request through a Service with 10,000 endpoints reads a
 * handful of pods. Questions about every pod (values(), thin()) read the pods index's projections, as does
 * every question when the store has no valid summary (a state in memory, an older kubesim's files).
 */
class PodHosts {
  /** Every pod with an address by key, and the pod holding each IP: read from all the projections when needed. */
  private all: { eligible: Map<string, PodObj>; keyByIP: Map<string, string> } | undefined;
  /** The summary of the store's head, undefined when there is none to trust. */
  private readonly summary: PodSummary | undefined;
  /** The pods this command read, wrote or removed, as they were when the topology was built (the summary is the disk's). */
  private readonly touched = new Map<string, PodObj | undefined>();
  private readonly touchedByIP = new Map<string, string[]>();
  private readonly eligibleCache = new Map<string, PodObj | null>();
  private readonly ipCache = new Map<string, string | null>();
  private readonly hosts = new Map<string, PodHost | null>();
  readonly byIP: Lookup<PodHost>;
  readonly byKey: Lookup<PodHost>;

  constructor(
    private readonly state: ClusterState,
    private readonly nodeByName: Map<string, NodeHost>,
    private readonly images: readonly ImageSpec[],
  ) {
    const store = state.objects;
    this.summary = summaryOf(store, store.podSummaryText());
    if (this.summary) {
      for (const e of store.journal) if (e.kind === 'pods' && 'removed' in e) this.touched.set(e.key, undefined);
      for (const key of store.loadedKeys('pods')) {
        const p = store.projection('pods', key) as PodObj | undefined;
        this.touched.set(key, p);
        const ip = p?.status?.podIP;
        if (ip) {
          const l = this.touchedByIP.get(ip);
          if (l) l.push(key);
          else this.touchedByIP.set(ip, [key]);
        }
      }
    } else this.readAll();
    const hosts = this;
    this.byKey = {
      get: (k) => hosts.host(k),
      has: (k) => hosts.eligible(k) !== undefined,
      *values() {
        for (const k of hosts.readAll().eligible.keys()) {
          const h = hosts.host(k);
          if (h) yield h;
        }
      },
    };
    this.byIP = {
      get: (ip) => {
        const k = hosts.keyAt(ip);
        return k === undefined ? undefined : hosts.host(k);
      },
      has: (ip) => hosts.keyAt(ip) !== undefined,
      *values() {
        for (const k of hosts.readAll().keyByIP.values()) {
          const h = hosts.host(k);
          if (h) yield h;
        }
      },
    };
  }

  /** The thin pods (hostname, subdomain, namespace, IP), for DNS questions about many pods at once. */
  thin(): Iterable<[string, PodObj]> {
    return this.readAll().eligible.entries();
  }

  /** Every pod's projection: a pod the network can reach is on a known node, has an address and is not being deleted. */
  private readAll(): NonNullable<PodHosts['all']> {
    if (!this.all) {
      const all = { eligible: new Map<string, PodObj>(), keyByIP: new Map<string, string>() };
      for (const [key, p] of this.state.objects.projections('pods')) {
        const thin = p as PodObj | undefined;
        if (!this.reachable(thin)) continue;
        all.eligible.set(key, thin);
        if (!thin.spec?.hostNetwork) all.keyByIP.set(thin.status!.podIP!, key);
      }
      this.all = all;
    }
    return this.all;
  }

  private reachable(p: PodObj | undefined): p is PodObj {
    return !!p && this.nodeByName.has(p.spec?.nodeName ?? '') && !!p.status?.podIP && !p.metadata.deletionTimestamp;
  }

  private eligible(key: string): PodObj | undefined {
    if (!this.summary || this.all) return this.readAll().eligible.get(key);
    let p = this.eligibleCache.get(key);
    if (p === undefined) {
      const thin = (this.touched.has(key) ? this.touched.get(key) : this.state.objects.diskProjection('pods', key)) as PodObj | undefined;
      p = this.reachable(thin) ? thin : null;
      this.eligibleCache.set(key, p);
    }
    return p ?? undefined;
  }

  /** The pod holding an IP (not a hostNetwork one, whose address is its node's). */
  private keyAt(ip: string): string | undefined {
    if (!this.summary || this.all) return this.readAll().keyByIP.get(ip);
    let k = this.ipCache.get(ip);
    if (k === undefined) {
      const candidates = new Set(this.summary.podsAt(ip).filter((c) => !this.touched.has(c)));
      for (const c of this.touchedByIP.get(ip) ?? []) candidates.add(c);
      const holders = [...candidates].filter((c) => {
        const p = this.eligible(c);
        return p && p.status?.podIP === ip && !p.spec?.hostNetwork;
      });
      // Two pods with one address (a status written by hand): which one answers is the full index's choice.
      if (holders.length > 1) return this.readAll().keyByIP.get(ip);
      k = holders[0] ?? null;
      this.ipCache.set(ip, k);
    }
    return k ?? undefined;
  }

  private host(key: string): PodHost | undefined {
    let h = this.hosts.get(key);
    if (h === undefined) {
      h = null;
      if (this.eligible(key)) {
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

/**
 * A read-only map whose keys are known when it is made (from the Services alone) and whose values (rules, from
 * the EndpointSlices) are made when first asked for: a connection through one Service reads that Service's
 * slices, not every Service's. Iterating it (the kube-proxy rules listing) makes every value, in key order.
 */
export class LazyMap<V> implements Iterable<[string, V]> {
  private readonly made = new Map<string, V>();

  constructor(
    private readonly sources: Map<string, string[]>,
    private readonly make: (key: string, from: string[]) => V,
  ) {}

  has(key: string): boolean {
    return this.sources.has(key);
  }

  get(key: string): V | undefined {
    const from = this.sources.get(key);
    if (!from) return undefined;
    let v = this.made.get(key);
    if (v === undefined) this.made.set(key, (v = this.make(key, from)));
    return v;
  }

  keys(): IterableIterator<string> {
    return this.sources.keys();
  }

  *values(): IterableIterator<V> {
    for (const k of this.sources.keys()) yield this.get(k)!;
  }

  *[Symbol.iterator](): IterableIterator<[string, V]> {
    for (const k of this.sources.keys()) yield [k, this.get(k)!];
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
  clusterIPs: LazyMap<Map<string, PortRule>>;
  /** LoadBalancer ingress IPs and externalIPs -> "port/PROTO" -> rule. */
  externalVIPs: LazyMap<Map<string, PortRule>>;
  lbIPs: Set<string>;
  /** "nodePort/PROTO" -> rule. */
  nodePorts: LazyMap<PortRule>;
  /** Services by "namespace/name", each read when asked for. */
  services: Lookup<Service & KubeObject>;
  /** Every Service's addresses and ports (from the services index), in list order. */
  serviceNets: Map<string, ServiceNet>;
  /** Each Service's EndpointSlices, by "namespace/name". */
  serviceSlices: Lookup<EndpointSlice[]>;
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
  const nets = serviceNets(state);
  const services = serviceObjects(state, nets);
  const slices = serviceSlicesOf(state);
  const rules = new Map<string, PortRule[]>();
  // One rule per port of a Service, made when some address of it is first asked about.
  const rulesOf = (key: string): PortRule[] => {
    let r = rules.get(key);
    if (!r) {
      const svc = services.get(key)!;
      const own = slices.get(key) ?? [];
      rules.set(key, (r = (svc.spec?.ports ?? []).map((sp) => portRule(svc, sp, own, podByIP, nodeByIP))));
    }
    return r;
  };

  // Which Services (in list order) program each address: known from the services index alone.
  const byClusterIP = new Map<string, string[]>();
  const byExternalIP = new Map<string, string[]>();
  const byNodePort = new Map<string, string[]>();
  const lbIPs = new Set<string>();
  const note = (m: Map<string, string[]>, at: string, key: string) => {
    const l = m.get(at);
    if (!l) m.set(at, [key]);
    else if (l[l.length - 1] !== key) l.push(key);
  };
  for (const [key, svc] of nets) {
    const type = svc.type ?? 'ClusterIP';
    if (type === 'ExternalName') continue;
    for (const sp of svc.ports) {
      const clusterIP = svc.ip;
      if (clusterIP && clusterIP !== 'None') note(byClusterIP, clusterIP, key);
      if ((type === 'NodePort' || type === 'LoadBalancer') && sp.nodePort) note(byNodePort, ruleKeyOf(sp.nodePort, sp.protocol ?? 'TCP'), key);
      if (type === 'LoadBalancer') {
        for (const ip of svc.lb ?? []) {
          if (ip) {
            note(byExternalIP, ip, key);
            lbIPs.add(ip);
          }
        }
      }
      for (const ip of svc.ext ?? []) note(byExternalIP, ip, key);
    }
  }
  // Each address's rules as the Services would program them one after the other: a later Service's port
  // takes the place of an earlier one's on the same address and port.
  const portsAt = (ip: string, keys: string[], at: (svc: ServiceNet) => string[]): Map<string, PortRule> => {
    const byPort = new Map<string, PortRule>();
    for (const key of keys) {
      const svc = nets.get(key)!;
      for (const rule of rulesOf(key)) if (at(svc).includes(ip)) byPort.set(ruleKeyOf(rule.port, rule.protocol), rule);
    }
    return byPort;
  };
  const clusterIPs = new LazyMap(byClusterIP, (ip, keys) => portsAt(ip, keys, (svc) => [svc.ip ?? '']));
  const externalVIPs = new LazyMap(byExternalIP, (ip, keys) => portsAt(ip, keys, (svc) => [...(svc.type === 'LoadBalancer' ? (svc.lb ?? []) : []), ...(svc.ext ?? [])]));
  const nodePorts = new LazyMap(byNodePort, (pk, keys) => {
    let found: PortRule | undefined;
    for (const key of keys) for (const rule of rulesOf(key)) if (rule.nodePort && ruleKeyOf(rule.nodePort, rule.protocol) === pk) found = rule;
    return found!;
  });
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
    serviceNets: nets,
    serviceSlices: slices,
    images,
    get dnsServing() {
      return (clusterIPs.get(clusterDNSIP(cfg))?.get('53/UDP')?.ready.length ?? 0) > 0;
    },
  };
}

/**
 * Every Service's addresses and ports, in list order, from the services index's projections: no Service is
 * read. A projection saved before they were kept reads its Service, and the next save projects it anew.
 */
function serviceNets(state: ClusterState): Map<string, ServiceNet> {
  const out = new Map<string, ServiceNet>();
  const projections = state.objects.projections('services');
  for (const key of sortKeys(projections.keys())) {
    let net = serviceNetInProjection(projections.get(key));
    if (!net) {
      const svc = state.objects.get('services', key) as (Service & KubeObject) | undefined;
      if (!svc) continue;
      net = serviceNetOf(svc);
      state.objects.reproject.add('services');
    }
    out.set(key, net);
  }
  return out;
}

/** The Services themselves, read (never changed: peeked, not loaded) when a rule or a DNS answer needs one. */
function serviceObjects(state: ClusterState, nets: Map<string, ServiceNet>): Lookup<Service & KubeObject> {
  const get = (key: string) => (nets.has(key) ? (state.objects.peekMany('services', [key])[0] as (Service & KubeObject) | undefined) : undefined);
  return {
    get,
    has: (key) => nets.has(key),
    *values() {
      yield* state.objects.peekMany('services', [...nets.keys()]) as (Service & KubeObject)[];
    },
  };
}

/**
 * Each Service's EndpointSlices (by "namespace/name", in list order), found through the slices index's
 * projections (which name the Service) and read when that Service is first asked about.
 */
function serviceSlicesOf(state: ClusterState): Lookup<EndpointSlice[]> {
  let keysBySvc: Map<string, string[]> | undefined;
  const index = () => {
    if (!keysBySvc) {
      keysBySvc = new Map();
      for (const [key, p] of state.objects.projections('endpointslices')) {
        const owner = (p as { s?: string } | undefined)?.s;
        if (owner === undefined) continue;
        const svc = `${key.slice(0, key.indexOf('/'))}/${owner}`;
        const l = keysBySvc.get(svc);
        if (l) l.push(key);
        else keysBySvc.set(svc, [key]);
      }
      for (const [svc, l] of keysBySvc) keysBySvc.set(svc, sortKeys(l));
    }
    return keysBySvc;
  };
  const read = new Map<string, EndpointSlice[]>();
  const get = (svc: string): EndpointSlice[] | undefined => {
    let l = read.get(svc);
    if (!l) {
      const keys = index().get(svc);
      if (!keys) return undefined;
      l = state.objects.peekMany('endpointslices', keys) as EndpointSlice[];
      read.set(svc, l);
    }
    return l;
  };
  return {
    get,
    has: (svc) => index().has(svc),
    *values() {
      for (const svc of index().keys()) yield get(svc)!;
    },
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
