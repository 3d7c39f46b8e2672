// Projections: the small part of an object that its kind's index keeps beside its location, so that some
// questions are answered without reading the objects (src/store/object-store.ts). A pod's is what controllers
// read when they list pods; an event's is what expiry and describe need.
import type { KubeObject, Pod, Service } from './types.js';

type PodObj = Pod & KubeObject;

/**
 * An event's: its object's uid (describe), its last time (expiry), its series (the recorder counts repeats),
 * its aggregate group and message (the recorder combines similar events; see src/cluster/events.ts).
 */
export interface EventProjection {
  u: string;
  t: number;
  k: string;
  /** hash of the aggregate key: source, object, type, reason (not the message) */
  g?: string;
  /** hash of the message; "" for an event that combines similar ones */
  m?: string;
  o?: string[];
}

/** The message prefix of an event that stands for similar events (client-go EventAggregatorByReasonMessageFunc). */
export const COMBINED_PREFIX = '(combined from similar events): ';

/** The aggregate group of an event (client-go EventAggregatorByReasonFunc, without the message). */
export function aggregateHash(e: { source?: { component?: string; host?: string }; involvedObject?: { kind?: string; namespace?: string; name?: string; uid?: string; apiVersion?: string }; type?: string; reason?: string }): string {
  const io = e.involvedObject ?? {};
  return seriesHash(JSON.stringify([e.source?.component ?? '', e.source?.host ?? '', io.kind ?? '', io.namespace ?? '', io.name ?? '', io.uid ?? '', io.apiVersion ?? '', e.type ?? '', e.reason ?? '']));
}

/** A short hash of an event series' identity (FNV-1a, 32 bits): candidates are checked against the event. */
export function seriesHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36);
}

/** The projection kept for an object of this kind, or undefined for kinds that keep none. */
export function projectionOf(kind: string, obj: unknown): unknown {
  if (kind === 'pods') return thinPod(obj as PodObj);
  const o = ownerUIDs(obj as KubeObject);
  if (kind === 'endpointslices') {
    // The Service a slice belongs to: the endpoints controllers find a Service's slices by it.
    const labels = (obj as KubeObject).metadata?.labels;
    const s = labels?.['kubernetes.io/service-name'];
    if (s === undefined && !o) return undefined;
    return { ...(s === undefined ? {} : { s, e: sliceSummary(obj as SliceLike, labels!) }), ...(o ? { o } : {}) };
  }
  if (kind === 'nodes') return { n: nodePlacementOf(obj as KubeObject), ...(o ? { o } : {}) };
  if (kind === 'services') {
    // Its selector (null: none), so a pod's change finds the Services selecting it without reading them all;
    // its addresses and ports, so the network finds the Service an address belongs to the same way.
    const sel = (obj as { spec?: { selector?: Record<string, string> } }).spec?.selector;
    return { sel: sel ?? null, net: serviceNetOf(obj as Service & KubeObject), ...(o ? { o } : {}) };
  }
  if (kind === 'events') {
    const e = obj as { involvedObject?: { kind?: string; namespace?: string; name?: string; uid?: string; apiVersion?: string; fieldPath?: string }; type?: string; reason?: string; message?: string; source?: { component?: string; host?: string }; lastTimestamp?: string; firstTimestamp?: string; metadata?: { creationTimestamp?: string } };
    const t = Date.parse(e.lastTimestamp ?? e.firstTimestamp ?? e.metadata?.creationTimestamp ?? '');
    const io = e.involvedObject;
    const k = seriesHash(JSON.stringify([io?.uid, e.reason, e.message, io?.fieldPath ?? null, e.source?.component]));
    const msg = String(e.message ?? '');
    const p: EventProjection = { u: io?.uid ?? '', t: Number.isFinite(t) ? t : 0, k, g: aggregateHash(e), m: msg.startsWith(COMBINED_PREFIX) ? '' : seriesHash(msg) };
    if (o) p.o = o;
    return p;
  }
  // Every other kind: its owners, so the garbage collector finds dependents without reading objects.
  return o ? { o } : undefined;
}

interface SliceLike {
  ports?: unknown[];
  endpoints?: { addresses?: string[]; targetRef?: { name?: string }; conditions?: { serving?: boolean; terminating?: boolean } }[] | null;
}

/**
 * What the endpointslice reconciler needs of a slice it does not rewrite (src/cluster/endpointslice-delta.ts):
 * its labels and ports, the pods its endpoints name (in order), how many of them serve or not while not
 * terminating (the Endpoints' ready and not-ready counts), and its first and last address (the controller keeps
 * a slice's endpoints in IP order). About 3 KB for a full slice.
 */
export interface SliceSummary {
  l: Record<string, string>;
  p: unknown[];
  t: string[];
  r: number;
  u: number;
  a?: [string, string];
}

function sliceSummary(obj: SliceLike, labels: Record<string, string>): SliceSummary {
  const eps = obj.endpoints ?? [];
  let r = 0;
  let u = 0;
  for (const e of eps) {
    if (e.conditions?.terminating) continue;
    if (e.conditions?.serving) r++;
    else u++;
  }
  const out: SliceSummary = { l: labels, p: obj.ports ?? [], t: eps.map((e) => e.targetRef?.name ?? ''), r, u };
  if (eps.length) out.a = [eps[0].addresses?.[0] ?? '', eps[eps.length - 1].addresses?.[0] ?? ''];
  return out;
}

/** A slice's summary from its projection: undefined when the projection predates it. */
export function sliceSummaryInProjection(p: unknown): SliceSummary | undefined {
  const e = p && typeof p === 'object' && 'e' in p ? (p as { e: SliceSummary }).e : undefined;
  return e && (e.a || e.t.length === 0) ? e : undefined;
}

function ownerUIDs(obj: KubeObject): string[] | undefined {
  const refs = obj?.metadata?.ownerReferences;
  return refs?.length ? refs.map((r) => r.uid) : undefined;
}

/**
 * What the network and the kubelet's service variables ask of every Service: its type, clusterIP, creation
 * time, ports, externalIPs and LoadBalancer ingress IPs (kube-proxy's addresses; the rules themselves need
 * the object and its EndpointSlices, read for the Services a connection reaches).
 */
export interface ServiceNet {
  type?: string;
  ip?: string;
  ts?: string;
  ports: { port: number; protocol?: string; name?: string; nodePort?: number }[];
  ext?: string[];
  lb?: string[];
}

export function serviceNetOf(svc: Service & KubeObject): ServiceNet {
  const spec = svc.spec ?? {};
  const out: ServiceNet = { ports: (spec.ports ?? []).map((p) => ({ port: p.port, protocol: p.protocol, name: p.name, nodePort: p.nodePort })) };
  if (spec.type !== undefined) out.type = spec.type;
  if (spec.clusterIP !== undefined) out.ip = spec.clusterIP;
  if (svc.metadata?.creationTimestamp !== undefined) out.ts = svc.metadata.creationTimestamp;
  if (spec.externalIPs?.length) out.ext = spec.externalIPs;
  const lb = (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '');
  if (lb.length) out.lb = lb;
  return out;
}

/**
 * What the scheduler asks of every node to place a pod: its labels, its spec (taints, unschedulable) and what it
 * can hold (status.allocatable, else capacity); so placing one pod reads the nodes' index, not every node.
 */
export interface NodePlacement {
  l?: Record<string, string>;
  s?: unknown;
  a?: Record<string, unknown>;
}

function nodePlacementOf(node: KubeObject): NodePlacement {
  const status = node.status as { allocatable?: Record<string, unknown>; capacity?: Record<string, unknown> } | undefined;
  const out: NodePlacement = {};
  if (node.metadata?.labels) out.l = node.metadata.labels;
  if (node.spec !== undefined) out.s = node.spec;
  const a = status?.allocatable ?? status?.capacity;
  if (a) out.a = a;
  return out;
}

/** A node as the scheduler sees it, from its projection (name, labels, spec, allocatable); undefined when the projection predates it. */
export function nodeInProjection(name: string, p: unknown): KubeObject | undefined {
  const n = p && typeof p === 'object' && 'n' in p ? (p as { n: NodePlacement }).n : undefined;
  if (!n) return undefined;
  const node: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name } };
  if (n.l) node.metadata.labels = n.l;
  if (n.s !== undefined) node.spec = n.s as KubeObject['spec'];
  if (n.a) node.status = { allocatable: n.a };
  return node;
}

/** A Service's network facts from its projection, or undefined when the projection predates them. */
export function serviceNetInProjection(p: unknown): ServiceNet | undefined {
  return p && typeof p === 'object' && 'net' in p ? (p as { net: ServiceNet }).net : undefined;
}

/** A Service's selector from its projection: null for none, undefined when the projection predates it. */
export function selectorInProjection(p: unknown): Record<string, string> | null | undefined {
  return p && typeof p === 'object' && 'sel' in p ? (p as { sel: Record<string, string> | null }).sel : undefined;
}

/** The owner uids a projection records (a pod's thin ownerReferences, or the others' "o"). */
export function ownersInProjection(kind: string, p: unknown): string[] {
  if (!p) return [];
  if (kind === 'pods') return ((p as KubeObject).metadata?.ownerReferences ?? []).map((r) => r.uid);
  return (p as { o?: string[] }).o ?? [];
}

/**
 * What the controllers read of a pod for lists: identity, labels and owners, placement, addresses, readiness,
 * ports (endpoints resolve named ports), restarts (scale-down ranks by them), readiness delays (rollouts predict
 * availability), resource requests and required anti-affinity (the scheduler). Everything else (images, env,
 * volumes, events) needs the object itself.
 */
export function thinPod(p: PodObj): PodObj {
  const m = p.metadata;
  const spec = p.spec;
  const st = p.status;
  const meta: Record<string, unknown> = { name: m.name, namespace: m.namespace, uid: m.uid, creationTimestamp: m.creationTimestamp };
  if (m.labels) meta.labels = m.labels;
  // Owners by uid only: lists ask for the controller (claiming, ranking), the garbage collector for all.
  if (m.ownerReferences?.length) meta.ownerReferences = m.ownerReferences.map((r) => (r.controller ? { uid: r.uid, controller: true } : { uid: r.uid }));
  if (m.deletionTimestamp) meta.deletionTimestamp = m.deletionTimestamp;
  const s: Record<string, unknown> = {};
  if (spec) {
    for (const f of ['nodeName', 'hostNetwork', 'hostname', 'subdomain', 'restartPolicy'] as const) if (spec[f] !== undefined) s[f] = spec[f];
    s.containers = (spec.containers ?? []).map(thinContainer);
    // Every init container, for its requests (the scheduler counts the largest); sidecars keep their policy.
    if (spec.initContainers?.length) s.initContainers = spec.initContainers.map((c) => (c.restartPolicy ? { ...thinContainer(c), restartPolicy: c.restartPolicy } : thinContainer(c)));
    if (spec.overhead) s.overhead = spec.overhead;
    // Required pod anti-affinity: the scheduler keeps other pods off this pod's topology domain.
    const anti = spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    if (anti?.length) s.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: anti } };
  }
  const status: Record<string, unknown> = {};
  if (st) {
    for (const f of ['phase', 'podIP', 'podIPs', 'startTime'] as const) if (st[f] !== undefined) status[f] = st[f];
    const ready = st.conditions?.find((c) => c.type === 'Ready');
    if (ready) status.conditions = [{ type: 'Ready', status: ready.status, lastTransitionTime: ready.lastTransitionTime }];
    if (st.containerStatuses) status.containerStatuses = st.containerStatuses.map((c) => ({ name: c.name, ready: c.ready, restartCount: c.restartCount }));
  }
  return { apiVersion: 'v1', kind: 'Pod', metadata: meta, spec: s, status } as unknown as PodObj;
}

function thinContainer(c: NonNullable<Pod['spec']>['containers'][number]): Record<string, unknown> {
  const out: Record<string, unknown> = { name: c.name };
  if (c.ports) out.ports = c.ports;
  // Requests (and limits, which stand in for absent requests): the scheduler sums them per node. Defaulting
  // always sets resources, so a projection without it predates this field and the informer reads the object.
  if (c.resources) out.resources = pickResources(c.resources);
  const delay = c.readinessProbe?.initialDelaySeconds;
  if (delay !== undefined) out.readinessProbe = { initialDelaySeconds: delay };
  return out;
}


function pickResources(r: NonNullable<Pod['spec']>['containers'][number]['resources']): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (r?.requests && Object.keys(r.requests).length) out.requests = r.requests;
  if (r?.limits && Object.keys(r.limits).length) out.limits = r.limits;
  return out;
}
