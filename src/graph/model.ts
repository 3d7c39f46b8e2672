// The cluster as the lessons draw it, as plain JSON: nodes with their addresses, the pods on each node,
// Services with edges to the pods behind them (from EndpointSlices), Ingresses with edges to Services,
// NetworkPolicies as fences around the pods they select, and the recent connections as paths through these.
// `kubesim graph` prints it (text, mermaid, dot, svg, json); `kubesim ui` draws it in the browser.
//
// Ids are stable and say what they name: 'node/NAME', 'pod/NS/NAME', 'svc/NS/NAME', 'ing/NS/NAME',
// 'netpol/NS/NAME', 'workstation'. Every list is in a fixed order (etcd's: namespace, then name; nodes as
// the cluster lists them), so the same state gives the same model.
import { matchesLabelSelector } from '../api/labels.js';
import { effectivePolicyTypes } from '../api/network-policy.js';
import type { KubeObject, NetworkPolicy, Pod, Service } from '../api/types.js';
import { recentFlows, type FlowRecord } from '../net/flows.js';
import { isCalico } from '../cluster/shape.js';
import { sortKeys } from '../store/keys.js';
import { getObject, listObjects } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';

export interface GraphNode {
  id: string;
  name: string;
  /** 'control-plane' and/or 'worker' style roles, from the node-role labels (none: ['<none>']). */
  roles: string[];
  internalIP: string;
  podCIDRs: string[];
  ready: boolean;
  /** Ids of the pods scheduled here, in order. */
  pods: string[];
}

export interface GraphPod {
  id: string;
  name: string;
  namespace: string;
  /** '' when the pod has no IP yet. */
  ip: string;
  /** The node id ('' when not scheduled). */
  node: string;
  phase: string;
  ready: boolean;
  labels: Record<string, string>;
  hostNetwork: boolean;
  /** Out of the namespace shown, drawn because a request shown came from or went to it. */
  visitor?: boolean;
}

export interface GraphServicePort {
  name: string;
  port: number;
  targetPort: string;
  protocol: string;
  nodePort?: number;
}

export interface GraphService {
  id: string;
  name: string;
  namespace: string;
  type: string;
  clusterIP: string;
  ports: GraphServicePort[];
  /** Load-balancer ingress IPs (or hostnames) and spec.externalIPs. */
  externalIPs: string[];
  /** Endpoint pod ids (ready or not: see readyEndpoints), from the Service's EndpointSlices. */
  endpoints: string[];
  readyEndpoints: string[];
  /** Endpoint addresses that are not pods (the API server behind 'kubernetes', a Service without selector). */
  otherEndpoints: string[];
}

export interface GraphIngressRule {
  host: string;
  path: string;
  /** Backend service id and port (name or number). */
  service: string;
  port: string;
}

export interface GraphIngress {
  id: string;
  name: string;
  namespace: string;
  className: string;
  /** status.loadBalancer.ingress addresses. */
  addresses: string[];
  rules: GraphIngressRule[];
}

export interface GraphPolicy {
  id: string;
  name: string;
  namespace: string;
  /** 'Ingress' and/or 'Egress'. */
  policyTypes: string[];
  /** Ids of the pods the policy selects (the fence goes around them). */
  pods: string[];
}

export interface GraphPath {
  seq: number;
  time: string;
  what: string;
  verdict: FlowRecord['verdict'];
  status?: number;
  /** Element ids in order: source, service (if any), backend (if any). */
  elements: string[];
  /** One line: workstation -> 172.18.0.3:30080 (NodePort) -> SNAT ... */
  summary: string;
  /** The record itself (addresses, hops). */
  flow: FlowRecord;
}

export interface ClusterGraph {
  cluster: string;
  /** The namespace shown, or null for every namespace. */
  namespace: string | null;
  workstationIP: string;
  nodes: GraphNode[];
  pods: GraphPod[];
  services: GraphService[];
  ingresses: GraphIngress[];
  policies: GraphPolicy[];
  paths: GraphPath[];
}

export interface GraphOptions {
  /** Show one namespace (default 'default'), or all of them. */
  namespace?: string;
  allNamespaces?: boolean;
  /** How many recent connections to include as paths (default 10; 0 for none). */
  flows?: number;
}

const podId = (ns: string, name: string) => `pod/${ns}/${name}`;

function nodeRoles(labels: Record<string, string> | undefined): string[] {
  const roles: string[] = [];
  for (const k of Object.keys(labels ?? {}).sort()) if (k.startsWith('node-role.kubernetes.io/')) roles.push(k.slice('node-role.kubernetes.io/'.length));
  const role = labels?.['kubernetes.io/role'];
  if (role && !roles.includes(role)) roles.push(role);
  return roles.length ? roles : ['<none>'];
}

function isReady(conditions: unknown): boolean {
  return Array.isArray(conditions) && conditions.some((c) => c && c.type === 'Ready' && c.status === 'True');
}

/** Builds the graph of the state (reconciled by the caller) for one namespace or all. */
export function buildClusterGraph(state: ClusterState, opts: GraphOptions = {}): ClusterGraph {
  const ns = opts.allNamespaces ? undefined : (opts.namespace ?? 'default');
  const inScope = (o: KubeObject) => ns === undefined || o.metadata.namespace === ns;

  const nodeObjs = new Map(listObjects(state, 'nodes').map((n) => [n.metadata.name, n]));
  const nodes: GraphNode[] = [];
  const nodeById = new Map<string, GraphNode>();
  for (const cfg of state.cluster.nodes) {
    const obj = nodeObjs.get(cfg.name) as (KubeObject & { spec?: { podCIDR?: string; podCIDRs?: string[] }; status?: { conditions?: unknown; addresses?: { type: string; address: string }[] } }) | undefined;
    const ip = obj?.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? cfg.internalIP;
    // A calico-like CNI hands out addresses from the IPAM blocks a node claimed, not from its podCIDR.
    const cidrs = isCalico(state.cluster) ? (state.ipamBlocks?.[cfg.name] ?? []) : (obj?.spec?.podCIDRs ?? (obj?.spec?.podCIDR ? [obj.spec.podCIDR] : [cfg.podCIDR]));
    const n: GraphNode = {
      id: `node/${cfg.name}`,
      name: cfg.name,
      roles: obj ? nodeRoles(obj.metadata.labels) : [cfg.role],
      internalIP: ip,
      podCIDRs: cidrs,
      ready: obj ? isReady(obj.status?.conditions) : true,
      pods: [],
    };
    nodes.push(n);
    nodeById.set(n.id, n);
  }

  const pods: GraphPod[] = [];
  const podByKey = new Map<string, GraphPod>();
  const addPod = (p: Pod & KubeObject, visitor: boolean) => {
    const nodeName = p.spec?.nodeName ?? '';
    const gp: GraphPod = {
      id: podId(p.metadata.namespace!, p.metadata.name),
      name: p.metadata.name,
      namespace: p.metadata.namespace!,
      ip: p.status?.podIP ?? '',
      node: nodeName ? `node/${nodeName}` : '',
      phase: p.metadata.deletionTimestamp ? 'Terminating' : (p.status?.phase ?? 'Pending'),
      ready: isReady(p.status?.conditions),
      labels: { ...(p.metadata.labels ?? {}) },
      hostNetwork: !!p.spec?.hostNetwork,
      ...(visitor ? { visitor: true } : {}),
    };
    pods.push(gp);
    podByKey.set(`${gp.namespace}/${gp.name}`, gp);
    nodeById.get(gp.node)?.pods.push(gp.id);
  };
  // Pods from the index's projections (name, labels, node, IP, phase, readiness): a map of 500 pods reads no pod.
  const podProjections = state.objects.projections('pods');
  for (const key of sortKeys(podProjections.keys())) {
    const p = podProjections.get(key) as (Pod & KubeObject) | undefined;
    if (p?.metadata && inScope(p)) addPod(p, false);
  }

  // The endpoints of each Service, from its slices (the label the EndpointSlice controller sets).
  const endpointsOf = new Map<string, { all: string[]; ready: string[]; other: string[] }>();
  for (const s of listObjects(state, 'endpointslices', ns)) {
    const svcName = s.metadata.labels?.['kubernetes.io/service-name'];
    if (!svcName) continue;
    const key = `${s.metadata.namespace}/${svcName}`;
    let e = endpointsOf.get(key);
    if (!e) endpointsOf.set(key, (e = { all: [], ready: [], other: [] }));
    for (const ep of ((s as { endpoints?: unknown }).endpoints as { addresses?: string[]; targetRef?: { kind?: string; name?: string; namespace?: string }; conditions?: { ready?: boolean } }[] | undefined) ?? []) {
      const ref = ep?.targetRef;
      if (!ref || ref.kind !== 'Pod' || !ref.name) {
        for (const a of Array.isArray(ep?.addresses) ? ep.addresses : []) if (typeof a === 'string' && !e.other.includes(a)) e.other.push(a);
        continue;
      }
      const id = podId(ref.namespace ?? s.metadata.namespace!, ref.name);
      if (!e.all.includes(id)) e.all.push(id);
      if (ep.conditions?.ready !== false && !e.ready.includes(id)) e.ready.push(id);
    }
  }

  const services: GraphService[] = [];
  for (const s of listObjects<Service>(state, 'services', ns)) {
    if (!inScope(s)) continue;
    const spec = s.spec ?? {};
    const key = `${s.metadata.namespace}/${s.metadata.name}`;
    const e = endpointsOf.get(key) ?? { all: [], ready: [], other: [] };
    const lb = ((s.status as { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } } | undefined)?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname ?? '').filter(Boolean);
    services.push({
      id: `svc/${key}`,
      name: s.metadata.name,
      namespace: s.metadata.namespace!,
      type: spec.type ?? 'ClusterIP',
      clusterIP: spec.clusterIP ?? '',
      ports: (spec.ports ?? []).map((p) => ({
        name: p.name ?? '',
        port: p.port,
        targetPort: String(p.targetPort ?? p.port),
        protocol: p.protocol ?? 'TCP',
        ...(p.nodePort ? { nodePort: p.nodePort } : {}),
      })),
      externalIPs: [...lb, ...((spec as { externalIPs?: string[] }).externalIPs ?? [])],
      endpoints: [...e.all].sort(),
      readyEndpoints: [...e.ready].sort(),
      otherEndpoints: [...e.other].sort(),
    });
  }

  const ingresses: GraphIngress[] = [];
  for (const i of listObjects(state, 'ingresses', ns)) {
    if (!inScope(i)) continue;
    const spec = (i as { spec?: IngressSpec }).spec ?? {};
    const svcRef = (b: IngressBackend | undefined) => (b?.service?.name ? { service: `svc/${i.metadata.namespace}/${b.service.name}`, port: String(b.service.port?.name ?? b.service.port?.number ?? '') } : undefined);
    const rules: GraphIngressRule[] = [];
    const def = svcRef(spec.defaultBackend);
    if (def) rules.push({ host: '*', path: '(default)', ...def });
    for (const r of spec.rules ?? []) {
      for (const p of r?.http?.paths ?? []) {
        const ref = svcRef(p?.backend);
        if (ref) rules.push({ host: r.host || '*', path: p.path || '/', ...ref });
      }
    }
    const addrs = ((i as { status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } } }).status?.loadBalancer?.ingress ?? []).map((a) => a.ip ?? a.hostname ?? '').filter(Boolean);
    ingresses.push({ id: `ing/${i.metadata.namespace}/${i.metadata.name}`, name: i.metadata.name, namespace: i.metadata.namespace!, className: spec.ingressClassName ?? '', addresses: addrs, rules });
  }

  const policies: GraphPolicy[] = [];
  for (const np of listObjects<NetworkPolicy>(state, 'networkpolicies', ns)) {
    if (!inScope(np)) continue;
    const selected = pods.filter((p) => p.namespace === np.metadata.namespace && !p.hostNetwork && matchesLabelSelector(np.spec?.podSelector ?? {}, p.labels)).map((p) => p.id);
    policies.push({ id: `netpol/${np.metadata.namespace}/${np.metadata.name}`, name: np.metadata.name, namespace: np.metadata.namespace!, policyTypes: effectivePolicyTypes(np.spec), pods: selected });
  }

  const paths = (opts.flows ?? 10) > 0 ? recentFlows(state, opts.flows ?? 10).filter((f) => flowInScope(f, ns)).map((f) => pathOf(f, podByKey)) : [];
  // A pod of another namespace that a shown request came from or went to is drawn too (the jumpbox in
  // default calling a Service in dev), marked as a visitor.
  for (const p of paths) {
    for (const id of p.elements) {
      if (!id.startsWith('pod/') || podByKey.has(id.slice(4))) continue;
      const [, pns, pname] = id.split('/');
      const obj = getObject<Pod>(state, 'pods', pns, pname);
      if (obj) addPod(obj, true);
    }
  }

  return { cluster: state.cluster.name, namespace: ns ?? null, workstationIP: state.cluster.workstationIP, nodes, pods, services, ingresses, policies, paths };
}

interface IngressBackend {
  service?: { name?: string; port?: { name?: string; number?: number } };
}
interface IngressSpec {
  ingressClassName?: string;
  defaultBackend?: IngressBackend;
  rules?: { host?: string; http?: { paths?: { path?: string; backend?: IngressBackend }[] } }[];
}

/** A flow belongs to a namespace's view when its source, Service or backend is in that namespace. */
function flowInScope(f: FlowRecord, ns: string | undefined): boolean {
  if (ns === undefined) return true;
  const inNs = (id: string | undefined) => !!id && id.split('/').length === 3 && id.split('/')[1] === ns;
  return inNs(f.source) || inNs(f.service) || inNs(f.backend);
}

/** The path of one flow through the graph's elements, and its one-line summary. */
function pathOf(f: FlowRecord, podByKey: Map<string, GraphPod>): GraphPath {
  const elements = [f.source];
  if (f.service) elements.push(f.service);
  if (f.backend && f.backend !== f.source) elements.push(f.backend);
  const parts = [f.source];
  parts.push(f.via === 'port-forward' ? `port-forward ${f.dst}` : `${f.dst}${viaLabel(f)}`);
  // The example the lessons use: "... (NodePort) -> SNAT -> 10.244.1.5:8080 kiada (kind-worker)"; DNAT is named
  // only when it is the one rewrite.
  if (f.snat) parts.push(`SNAT ${f.snat.split(':')[0]}`);
  else if (f.dnat && f.service) parts.push('DNAT');
  if (f.backend) {
    const name = f.backend.split('/').at(-1)!;
    const node = f.backendNode ?? (f.backend.startsWith('pod/') ? podByKey.get(f.backend.slice(4))?.node.slice(5) : undefined);
    const whereNode = node && !f.backend.startsWith('node/') ? ` (${node})` : '';
    // Dialled directly (no DNAT), the address already shown is the backend's own.
    if (f.dnat) parts.push(`${f.dnat} ${name}${whereNode}`);
    else parts[parts.length - 1] += ` ${name}${whereNode}`;
  }
  let summary = parts.join(' -> ');
  if (f.verdict !== 'ok') summary += ` [${f.verdict}]`;
  else if (f.status !== undefined) summary += ` [${f.status}]`;
  return { seq: f.seq, time: f.time, what: f.what, verdict: f.verdict, ...(f.status !== undefined ? { status: f.status } : {}), elements, summary, flow: f };
}

function viaLabel(f: FlowRecord): string {
  switch (f.via) {
    case 'ClusterIP':
    case 'NodePort':
    case 'LoadBalancer':
    case 'ExternalIP':
      return ` (${f.via})`;
    default:
      return '';
  }
}
