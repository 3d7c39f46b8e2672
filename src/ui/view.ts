// What the page draws, computed once per committed change: nodes, pods, services, ingresses, policies, recent
// requests and events, each with its place on the map. The page only paints these boxes; it never lays out.
import { findResource } from '../api/resources.js';
import { matchesLabelSelector } from '../api/labels.js';
import type { Ingress, KubeObject, NetworkPolicy, Node, Pod, Service } from '../api/types.js';
import { inCIDR, isIPv4 } from '../util/ip.js';
import { MAX_FLOWS, recentFlows, type FlowRecord } from '../net/flows.js';
import { describeObject } from '../printers/describe/index.js';
import { getObject, listObjects } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface ViewNode extends Box {
  id: string;
  name: string;
  role: string;
  ip: string;
  podCIDR: string;
  ready: boolean;
}

export interface ViewPod extends Box {
  id: string;
  namespace: string;
  name: string;
  node: string;
  ip: string;
  phase: string;
  ready: boolean;
  /** Names of the NetworkPolicies that select this pod (drawn as a fence). */
  fencedBy: string[];
}

export interface ViewService extends Box {
  id: string;
  namespace: string;
  name: string;
  type: string;
  clusterIP: string;
  /** "80/TCP", "80:30080/TCP"... */
  ports: string[];
  externalIP?: string;
  /** Pod ids of its ready endpoints. */
  endpoints: string[];
}

export interface ViewIngress extends Box {
  id: string;
  namespace: string;
  name: string;
  rules: string[];
  /** Service ids its rules send to. */
  backends: string[];
}

export interface ViewPolicy extends Box {
  id: string;
  namespace: string;
  name: string;
  types: string[];
  pods: string[];
}

/** One recent request as the map draws it; the full trace is fetched on click (/api/flow?seq=). */
export interface ViewFlow {
  seq: number;
  time: string;
  what: string;
  source: string;
  /** The node the client's address belongs to ('node/NAME'). */
  sourceNode?: string;
  service?: string;
  backend?: string;
  backendNode?: string;
  verdict: string;
  status?: number;
  via: string;
}

export interface ViewEvent {
  time: string;
  type: string;
  reason: string;
  object: string;
  message: string;
}

export interface UiView {
  rv: number;
  width: number;
  height: number;
  workstation: Box & { id: 'workstation' };
  nodes: ViewNode[];
  pods: ViewPod[];
  services: ViewService[];
  ingresses: ViewIngress[];
  policies: ViewPolicy[];
  flows: ViewFlow[];
  events: ViewEvent[];
}

const POD_W = 260;
const POD_H = 58;
const GAP = 14;
const PAD = 18;
const NODE_HEAD = 76;
const TOP_W = 260;
const TOP_H = 78;
const FLOWS_SHOWN = 40;
const EVENTS_SHOWN = 40;

export interface ViewOptions {
  /** Only this namespace's objects (nodes are always drawn); otherwise every namespace but the system ones. */
  namespace?: string;
}

/** The cluster's own machinery: drawn only when asked for by -n, as the lessons leave it off their pictures. */
const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);

export const podId = (ns: string, name: string) => `pod/${ns}/${name}`;
export const svcId = (ns: string, name: string) => `svc/${ns}/${name}`;

function nodeIP(n: Node): string {
  return n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? '';
}

function servicePorts(s: Service): string[] {
  return (s.spec?.ports ?? []).map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`);
}

/** Ready endpoint pods of a service, from its EndpointSlices (what kube-proxy programs). */
function endpointPods(state: ClusterState, s: Service & KubeObject): string[] {
  const ns = s.metadata.namespace ?? 'default';
  const out = new Set<string>();
  for (const slice of listObjects<{ endpoints?: { conditions?: { ready?: boolean }; targetRef?: { kind?: string; name?: string; namespace?: string } }[] }>(state, 'endpointslices', ns)) {
    if (slice.metadata.labels?.['kubernetes.io/service-name'] !== s.metadata.name) continue;
    for (const e of slice.endpoints ?? []) {
      if (e.conditions?.ready === false || e.targetRef?.kind !== 'Pod' || !e.targetRef.name) continue;
      out.add(podId(e.targetRef.namespace ?? ns, e.targetRef.name));
    }
  }
  return [...out].sort();
}

function ingressBackends(ing: Ingress & KubeObject): { rules: string[]; backends: string[] } {
  const ns = ing.metadata.namespace ?? 'default';
  const rules: string[] = [];
  const backends = new Set<string>();
  const def = ing.spec?.defaultBackend?.service?.name;
  if (def) {
    rules.push(`* -> ${def}`);
    backends.add(svcId(ns, def));
  }
  for (const r of ing.spec?.rules ?? []) {
    for (const p of r.http?.paths ?? []) {
      const name = p.backend?.service?.name;
      if (!name) continue;
      rules.push(`${r.host ?? '*'}${p.path ?? '/'} -> ${name}`);
      backends.add(svcId(ns, name));
    }
  }
  return { rules, backends: [...backends] };
}

function podReady(p: Pod): boolean {
  return p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** A row of equal boxes from x0, wrapping at maxW; returns the height used. */
function row<T extends Box>(items: T[], x0: number, y0: number, maxW: number): number {
  let x = x0;
  let y = y0;
  for (const it of items) {
    if (x > x0 && x + it.w > x0 + maxW) {
      x = x0;
      y += TOP_H + GAP;
    }
    it.x = x;
    it.y = y;
    x += it.w + GAP;
  }
  return items.length ? y + TOP_H - y0 : 0;
}

/** The view of a state: every box placed (services and ingresses above the nodes, pods inside their node). */
export function buildView(state: ClusterState, opts: ViewOptions = {}): UiView {
  const shown = (o: KubeObject) => (opts.namespace ? o.metadata.namespace === opts.namespace : !SYSTEM_NAMESPACES.has(o.metadata.namespace ?? ''));
  const nodes = listObjects<Node>(state, 'nodes').sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  const pods = listObjects<Pod>(state, 'pods').filter(shown).sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
  const policies = listObjects<NetworkPolicy>(state, 'networkpolicies').filter(shown);

  const fences = new Map<string, string[]>();
  const vPolicies: ViewPolicy[] = policies.map((np) => {
    const ns = np.metadata.namespace ?? 'default';
    const selected = pods.filter((p) => p.metadata.namespace === ns && matchesLabelSelector(np.spec?.podSelector ?? {}, p.metadata.labels)).map((p) => podId(ns, p.metadata.name));
    for (const id of selected) fences.set(id, [...(fences.get(id) ?? []), np.metadata.name]);
    return { id: `netpol/${ns}/${np.metadata.name}`, namespace: ns, name: np.metadata.name, types: np.spec?.policyTypes ?? ['Ingress'], pods: selected, x: 0, y: 0, w: TOP_W, h: TOP_H };
  });

  // Pods by node, in a grid of columns sized so the busiest node stays roughly square.
  const byNode = new Map<string, (Pod & KubeObject)[]>();
  for (const p of pods) {
    const n = p.spec?.nodeName ?? '';
    byNode.set(n, [...(byNode.get(n) ?? []), p]);
  }
  const busiest = Math.max(1, ...[...byNode.values()].map((l) => l.length));
  const cols = Math.max(2, Math.min(10, Math.ceil(Math.sqrt(busiest / 2))));
  const nodeW = PAD * 2 + cols * POD_W + (cols - 1) * GAP;
  const nodeNames = nodes.map((n) => n.metadata.name);
  if (byNode.has('')) nodeNames.push('');
  const rows = Math.max(1, ...nodeNames.map((n) => Math.ceil((byNode.get(n)?.length ?? 0) / cols)));
  const nodeH = NODE_HEAD + rows * (POD_H + GAP) + PAD;
  // Nodes in a near-square grid: 4 nodes as 2 x 2, which keeps the map wide rather than tall on a projector.
  const perLine = Math.max(1, Math.ceil(Math.sqrt(nodeNames.length)));
  const width = Math.max(perLine * (nodeW + GAP * 2), 4 * (TOP_W + GAP) + PAD);

  // The top band: the workstation, ingresses, services, policies.
  const workstation = { id: 'workstation' as const, x: PAD, y: PAD, w: TOP_W, h: TOP_H };
  const services: ViewService[] = listObjects<Service>(state, 'services')
    .filter(shown)
    .sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`))
    .map((s) => {
      const ns = s.metadata.namespace ?? 'default';
      const lb = s.status?.loadBalancer?.ingress?.[0];
      return {
        id: svcId(ns, s.metadata.name),
        namespace: ns,
        name: s.metadata.name,
        type: s.spec?.type ?? 'ClusterIP',
        clusterIP: s.spec?.clusterIP ?? '',
        ports: servicePorts(s),
        ...(lb?.ip || lb?.hostname ? { externalIP: lb.ip ?? lb.hostname } : {}),
        endpoints: endpointPods(state, s),
        x: 0,
        y: 0,
        w: TOP_W,
        h: TOP_H,
      };
    });
  const ingresses: ViewIngress[] = listObjects<Ingress>(state, 'ingresses').filter(shown).map((ing) => ({
    id: `ing/${ing.metadata.namespace ?? 'default'}/${ing.metadata.name}`,
    namespace: ing.metadata.namespace ?? 'default',
    name: ing.metadata.name,
    ...ingressBackends(ing),
    x: 0,
    y: 0,
    w: TOP_W,
    h: TOP_H,
  }));
  let y = PAD;
  const bandX = PAD + TOP_W + GAP * 2;
  const bandW = width - bandX - PAD;
  const ingH = row(ingresses, bandX, y, bandW);
  y += ingH ? ingH + GAP * 2 : 0;
  const svcH = row(services, bandX, y, bandW);
  y += svcH ? svcH + GAP * 2 : 0;
  const polH = row(vPolicies, bandX, y, bandW);
  y += polH ? polH + GAP * 2 : 0;
  y = Math.max(y, PAD + TOP_H + GAP * 2) + GAP * 3;

  const vNodes: ViewNode[] = [];
  const vPods: ViewPod[] = [];
  nodeNames.forEach((name, i) => {
    const nx = PAD + (i % perLine) * (nodeW + GAP * 2);
    const ny = y + Math.floor(i / perLine) * (nodeH + GAP * 2);
    const n = nodes.find((x) => x.metadata.name === name);
    vNodes.push({
      id: name ? `node/${name}` : 'node/',
      name: name || '(not scheduled)',
      role: n ? (n.metadata.labels?.['node-role.kubernetes.io/control-plane'] !== undefined ? 'control-plane' : 'worker') : '',
      ip: n ? nodeIP(n) : '',
      podCIDR: n?.spec?.podCIDR ?? '',
      ready: n?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
      x: nx,
      y: ny,
      w: nodeW,
      h: nodeH,
    });
    (byNode.get(name) ?? []).forEach((p, j) => {
      const ns = p.metadata.namespace ?? 'default';
      const id = podId(ns, p.metadata.name);
      vPods.push({
        id,
        namespace: ns,
        name: p.metadata.name,
        node: name,
        ip: p.status?.podIP ?? '',
        phase: p.metadata.deletionTimestamp ? 'Terminating' : (p.status?.phase ?? 'Pending'),
        ready: podReady(p),
        fencedBy: fences.get(id) ?? [],
        x: nx + PAD + (j % cols) * (POD_W + GAP),
        y: ny + NODE_HEAD + Math.floor(j / cols) * (POD_H + GAP),
        w: POD_W,
        h: POD_H,
      });
    });
  });
  const lines = Math.ceil(nodeNames.length / perLine);
  const height = y + lines * (nodeH + GAP * 2) + PAD;
  return { rv: state.resourceVersion, width, height, workstation, nodes: vNodes, pods: vPods, services, ingresses, policies: vPolicies, flows: readFlows(state, nodes), events: recentEvents(state, shown) };
}

/** The last events, newest last, as the side panel lists them. */
function recentEvents(state: ClusterState, shown: (o: KubeObject) => boolean): ViewEvent[] {
  const time = (e: KubeObject) => String((e as { lastTimestamp?: string; eventTime?: string }).lastTimestamp ?? (e as { eventTime?: string }).eventTime ?? '');
  return listObjects(state, 'events')
    .filter(shown)
    .sort((a, b) => time(a).localeCompare(time(b)) || a.metadata.name.localeCompare(b.metadata.name))
    .slice(-EVENTS_SHOWN)
    .map((e) => {
      const ev = e as KubeObject & { type?: string; reason?: string; message?: string; involvedObject?: { kind?: string; name?: string } };
      return { time: time(e), type: ev.type ?? 'Normal', reason: ev.reason ?? '', object: `${(ev.involvedObject?.kind ?? '').toLowerCase()}/${ev.involvedObject?.name ?? ''}`, message: ev.message ?? '' };
    });
}

/** The stored ring of recent requests (src/net/flows.ts), newest last, without their traces. */
function readFlows(state: ClusterState, nodes: (Node & KubeObject)[]): ViewFlow[] {
  // The node a client sent from, by its address: a one-off pod that --rm deleted is drawn from its node.
  const nodeOf = (client: string) => {
    const ip = client.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
    const n = nodes.find((x) => nodeIP(x) === ip || (isIPv4(ip) && !!x.spec?.podCIDR && inCIDR(ip, x.spec.podCIDR)));
    return n ? `node/${n.metadata.name}` : undefined;
  };
  return recentFlows(state, FLOWS_SHOWN).map((f) => ({
    seq: f.seq,
    time: f.time,
    what: f.what,
    source: f.source,
    ...(f.source !== 'workstation' && nodeOf(f.client) ? { sourceNode: nodeOf(f.client) } : {}),
    ...(f.service ? { service: f.service } : {}),
    ...(f.backend ? { backend: f.backend } : {}),
    ...(f.backendNode ? { backendNode: f.backendNode } : {}),
    verdict: f.verdict,
    ...(f.status !== undefined ? { status: f.status } : {}),
    via: f.via,
  }));
}

/** The describe text of one object, as `kubesim describe` prints it; undefined when there is no such object. */
export function describeText(state: ClusterState, resource: string, namespace: string, name: string, now: Date): string | undefined {
  const info = findResource(resource);
  if (!info || !name) return undefined;
  const obj = getObject(state, info.resource, info.namespaced ? namespace || 'default' : undefined, name);
  if (!obj) return undefined;
  return describeObject(state, info, obj, { now, showEvents: true });
}

/** The full record of one request (its hop-by-hop trace included), while the ring still keeps it. */
export function flowDetail(state: ClusterState, seq: number): FlowRecord | undefined {
  if (!Number.isSafeInteger(seq)) return undefined;
  return recentFlows(state, MAX_FLOWS).find((f) => f.seq === seq);
}
