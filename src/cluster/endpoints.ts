// The endpoints controllers: Endpoints (v1) and EndpointSlices (discovery.k8s.io/v1) in step with pods and
// services, as kube-controller-manager's endpoints, endpointslice and endpointslicemirroring controllers keep
// them. One pass indexes pods by namespace and label, so the cost grows with pods + services, not their product.
import { InvalidError, type FieldError } from '../api/errors.js';
import type { EndpointAddress, EndpointPort, EndpointSubset, KubeObject, Pod, Service, ServicePort } from '../api/types.js';
import { checkSubdomain } from '../api/validation.js';
import { getObject, listObjects, putObject, removeObject } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';
import { rfc3339 } from '../util/clock.js';
import { isIPv4, sortByIP } from '../util/ip.js';
import type { Ctx } from './context.js';
import { sortKeys, PodInformer, type Round } from './informer.js';
import type { Strategy } from './strategies.js';
import { reconcileIncrementally, takeLearned } from './endpointslice-delta.js';
import { forgetService, forgetServicesBut, syncTriggerTime } from './trigger-time.js';

type PodObj = Pod & KubeObject;
type Svc = Service & KubeObject;

export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
export const LABEL_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
export const LABEL_SKIP_MIRROR = 'endpointslice.kubernetes.io/skip-mirror';
export const LABEL_HEADLESS = 'service.kubernetes.io/headless';
export const SLICE_CONTROLLER = 'endpointslice-controller.k8s.io';
export const MIRROR_CONTROLLER = 'endpointslicemirroring-controller.k8s.io';
export const TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';
export const MAX_ENDPOINTS_PER_SLICE = 100;
/** The endpoints controller's maxCapacity: an Endpoints object holds at most this many addresses. */
export const MAX_ENDPOINTS_ADDRESSES = 1000;
/** v1.EndpointsOverCapacity, set to "truncated" on an Endpoints object cut to MAX_ENDPOINTS_ADDRESSES. */
export const OVER_CAPACITY = 'endpoints.kubernetes.io/over-capacity';

export interface SliceEndpoint {
  addresses: string[];
  conditions: { ready?: boolean; serving?: boolean; terminating?: boolean };
  hostname?: string;
  nodeName?: string;
  targetRef?: { kind: string; name: string; namespace?: string; uid?: string };
}

export interface SlicePort {
  name?: string;
  port?: number;
  protocol?: string;
  appProtocol?: string;
}

// ---------------------------------------------------------------------------------------------------------
// Pod index

interface PodIndex {
  /** namespace -> pods (in name order) */
  byNamespace: Map<string, PodObj[]>;
  /** "namespace\0key=value" -> pods carrying that label */
  byLabel: Map<string, PodObj[]>;
}

function indexPods(pods: PodObj[]): PodIndex {
  const byNamespace = new Map<string, PodObj[]>();
  const byLabel = new Map<string, PodObj[]>();
  for (const pod of pods) {
    const ns = pod.metadata.namespace ?? 'default';
    let list = byNamespace.get(ns);
    if (!list) byNamespace.set(ns, (list = []));
    list.push(pod);
    for (const [k, v] of Object.entries(pod.metadata.labels ?? {})) {
      const key = `${ns}\0${k}=${v}`;
      let l = byLabel.get(key);
      if (!l) byLabel.set(key, (l = []));
      l.push(pod);
    }
  }
  return { byNamespace, byLabel };
}

/** Pods matching a map selector: start from the rarest label's posting list, then check the rest. */
function selectPods(index: PodIndex, ns: string, selector: Record<string, string>): PodObj[] {
  const entries = Object.entries(selector);
  if (entries.length === 0) return index.byNamespace.get(ns) ?? [];
  let best: PodObj[] | undefined;
  for (const [k, v] of entries) {
    const l = index.byLabel.get(`${ns}\0${k}=${v}`);
    if (!l) return [];
    if (!best || l.length < best.length) best = l;
  }
  return best!.filter((p) => entries.every(([k, v]) => p.metadata.labels?.[k] === v));
}

// ---------------------------------------------------------------------------------------------------------
// Per-pod facts

function podIP(pod: PodObj): string | undefined {
  return pod.status?.podIP || pod.status?.podIPs?.[0]?.ip || undefined;
}

export function isPodReady(pod: PodObj): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function isTerminal(pod: PodObj): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** podutil.FindPort: a number as is; a name from the pod's containerPorts with the same protocol. */
export function findPort(pod: PodObj, sp: ServicePort): number | undefined {
  const target = sp.targetPort;
  if (typeof target === 'number') return target;
  if (typeof target === 'string' && target !== '') {
    if (/^\d+$/.test(target)) return Number(target);
    const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
    for (const c of containers) {
      for (const p of c.ports ?? []) {
        if (p.name === target && (p.protocol ?? 'TCP') === (sp.protocol ?? 'TCP')) return p.containerPort;
      }
    }
    return undefined;
  }
  return sp.port;
}

/** The pod, when the Service selects it (same namespace, every selector label). */
export function selectedPod(svc: Svc, pod: PodObj | undefined): PodObj | undefined {
  if (!pod || pod.metadata.namespace !== svc.metadata.namespace) return undefined;
  const sel = svc.spec?.selector ?? {};
  for (const k in sel) if (pod.metadata.labels?.[k] !== sel[k]) return undefined;
  return pod;
}

function shouldSetHostname(pod: PodObj, svc: Svc): boolean {
  return !!pod.spec?.hostname && pod.spec.subdomain === svc.metadata.name && pod.metadata.namespace === svc.metadata.namespace;
}

function targetRef(pod: PodObj) {
  return { kind: 'Pod', name: pod.metadata.name, namespace: pod.metadata.namespace, uid: pod.metadata.uid };
}

// ---------------------------------------------------------------------------------------------------------
// Endpoints (v1)

/** One address of an Endpoints object for one port (undefined: a headless Service without ports). */
export interface V1Item {
  port: EndpointPort | undefined;
  addr: EndpointAddress;
  ready: boolean;
}

/** A pod's addresses in the Service's Endpoints, one per resolved port (shouldPodBeInEndpoints and the ports). */
export function podV1Items(svc: Svc, pod: PodObj, out: V1Item[]): void {
  const spec = svc.spec ?? {};
  const publishNotReady = spec.publishNotReadyAddresses === true;
  const ip = podIP(pod);
  if (!ip || isTerminal(pod)) return;
  if (!publishNotReady && pod.metadata.deletionTimestamp) return;
  const ready = publishNotReady || isPodReady(pod);
  const addr: EndpointAddress = { ip };
  if (shouldSetHostname(pod, svc)) addr.hostname = pod.spec!.hostname;
  if (pod.spec?.nodeName) addr.nodeName = pod.spec.nodeName;
  addr.targetRef = targetRef(pod);
  const ports = spec.ports ?? [];
  if (ports.length === 0) {
    if (spec.clusterIP === 'None') out.push({ port: undefined, addr, ready });
    return;
  }
  for (const sp of ports) {
    const n = findPort(pod, sp);
    if (n === undefined) continue;
    const ep: EndpointPort = { port: n, protocol: sp.protocol ?? 'TCP' };
    if (sp.name) ep.name = sp.name;
    if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
    out.push({ port: ep, addr, ready });
  }
}

/**
 * The subsets the endpoints controller computes: per pod and service port an address, then RepackSubsets:
 * ports offered by the same set of addresses (with the same readiness) share a subset.
 */
export function computeSubsets(svc: Svc, pods: PodObj[]): EndpointSubset[] {
  const items: V1Item[] = [];
  for (const pod of pods) podV1Items(svc, pod, items);
  return repackSubsets(items);
}

/** RepackSubsets over the addresses: the result depends only on the set of items, not on their order. */
export function repackSubsets(items: V1Item[]): EndpointSubset[] {
  const byPort = new Map<string, { port: EndpointPort | undefined; addrs: Map<string, { addr: EndpointAddress; ready: boolean }> }>();
  for (const { port, addr, ready } of items) {
    const key = port ? JSON.stringify([port.name ?? '', port.port, port.protocol, port.appProtocol ?? '']) : '';
    let e = byPort.get(key);
    if (!e) byPort.set(key, (e = { port, addrs: new Map() }));
    e.addrs.set(`${addr.ip}/${addr.targetRef?.uid ?? ''}`, { addr, ready });
  }
  const groups = new Map<string, { addrs: { addr: EndpointAddress; ready: boolean }[]; ports: EndpointPort[] }>();
  for (const { port, addrs } of byPort.values()) {
    const list = sortByIP([...addrs.values()], (x) => x.addr.ip, (a, b) => compareUID(a.addr, b.addr));
    const key = JSON.stringify(list.map((x) => [x.addr.ip, x.addr.targetRef?.uid, x.ready]));
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { addrs: list, ports: [] }));
    if (port) g.ports.push(port);
  }
  const subsets: EndpointSubset[] = [];
  for (const g of groups.values()) {
    const subset: EndpointSubset = {};
    const ready = g.addrs.filter((x) => x.ready).map((x) => x.addr);
    const notReady = g.addrs.filter((x) => !x.ready).map((x) => x.addr);
    if (ready.length) subset.addresses = ready;
    if (notReady.length) subset.notReadyAddresses = notReady;
    if (g.ports.length) subset.ports = g.ports.sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '') || (a.port ?? 0) - (b.port ?? 0) || (a.protocol ?? '').localeCompare(b.protocol ?? ''));
    subsets.push(subset);
  }
  const first = (s: EndpointSubset): string => (s.addresses ?? s.notReadyAddresses ?? [])[0]?.ip ?? '';
  return sortByIP(subsets, first, (a, b) => JSON.stringify(a.ports ?? []).localeCompare(JSON.stringify(b.ports ?? [])));
}

/** The order of addresses with the same IP within a subset: by pod uid. */
export function compareUID(a: EndpointAddress, b: EndpointAddress): number {
  return (a.targetRef?.uid ?? '').localeCompare(b.targetRef?.uid ?? '');
}

export function serviceLabels(svc: Svc, extra: Record<string, string>): Record<string, string> {
  const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
  if (svc.spec?.clusterIP === 'None') labels[LABEL_HEADLESS] = '';
  else delete labels[LABEL_HEADLESS];
  return { ...labels, ...extra };
}

function stampNew(obj: KubeObject, ctx: Ctx): void {
  obj.metadata.uid = ctx.random.uuid();
  obj.metadata.creationTimestamp = rfc3339(ctx.clock.now());
}

/**
 * truncateEndpoints: past MAX_ENDPOINTS_ADDRESSES, each subset keeps its share (rounded up, within what is
 * left) of the ready addresses, and the not-ready ones go; when the ready ones fit, only the not-ready are cut.
 * Returns whether anything was cut. Consumers that need every endpoint (kube-proxy, DNS) read the slices.
 */
export function truncateSubsets(subsets: EndpointSubset[]): boolean {
  let ready = 0;
  let notReady = 0;
  for (const s of subsets) {
    ready += s.addresses?.length ?? 0;
    notReady += s.notReadyAddresses?.length ?? 0;
  }
  if (ready + notReady <= MAX_ENDPOINTS_ADDRESSES) return false;
  const cutReady = ready > MAX_ENDPOINTS_ADDRESSES;
  const max = cutReady ? MAX_ENDPOINTS_ADDRESSES : MAX_ENDPOINTS_ADDRESSES - ready;
  const total = cutReady ? ready : notReady;
  let room = max;
  for (const s of subsets) {
    const n = (cutReady ? s.addresses : s.notReadyAddresses)?.length ?? 0;
    const take = Math.min(Math.ceil((n / total) * max), room);
    if (cutReady) {
      if (s.addresses) s.addresses = s.addresses.slice(0, take);
      delete s.notReadyAddresses;
      room -= s.addresses?.length ?? 0;
    } else {
      if (s.notReadyAddresses) s.notReadyAddresses = s.notReadyAddresses.slice(0, take);
      room -= s.notReadyAddresses?.length ?? 0;
    }
  }
  return true;
}

function syncEndpoints(state: ClusterState, ctx: Ctx, svc: Svc, pods: PodObj[], trigger: string | undefined): void {
  writeEndpoints(state, ctx, svc, computeSubsets(svc, pods), trigger);
}

/**
 * Stores the Service's Endpoints with these subsets (truncated here) unless it already says so, with this sync's
 * last-change-trigger-time (src/cluster/trigger-time.ts; undefined: none, the annotation goes).
 */
export function writeEndpoints(state: ClusterState, ctx: Ctx, svc: Svc, subsets: EndpointSubset[], trigger: string | undefined, cut?: boolean): void {
  const ns = svc.metadata.namespace;
  // `cut`: subsets already truncated (the incremental path keeps the first addresses of a truncated one).
  const truncated = cut ?? truncateSubsets(subsets);
  const labels = serviceLabels(svc, {});
  const current = getObject(state, 'endpoints', ns, svc.metadata.name);
  if (current) {
    const same =
      JSON.stringify(current.subsets ?? []) === JSON.stringify(subsets) &&
      JSON.stringify(current.metadata.labels ?? {}) === JSON.stringify(labels) &&
      (current.metadata.annotations?.[OVER_CAPACITY] === 'truncated') === truncated;
    if (same) return;
  }
  const obj: KubeObject = current
    ? { ...current, metadata: { ...current.metadata } }
    : { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: svc.metadata.name, namespace: ns } };
  if (Object.keys(labels).length) obj.metadata.labels = labels;
  else delete obj.metadata.labels;
  const annotations: Record<string, string> = { ...(obj.metadata.annotations ?? {}) };
  if (trigger !== undefined) annotations[TRIGGER_TIME] = trigger;
  else delete annotations[TRIGGER_TIME];
  if (truncated) annotations[OVER_CAPACITY] = 'truncated';
  else delete annotations[OVER_CAPACITY];
  if (Object.keys(annotations).length) obj.metadata.annotations = annotations;
  else delete obj.metadata.annotations;
  if (subsets.length) obj.subsets = subsets;
  else delete obj.subsets;
  if (!current) stampNew(obj, ctx);
  putObject(state, 'endpoints', obj);
  OWN_WRITES.add(obj);
}

/** The Endpoints objects this controller wrote: its own write, seen by the watch, is no change to the Service. */
const OWN_WRITES = new WeakSet<object>();

/** Whether the stored Endpoints is the one this controller last wrote. */
export function writtenByController(obj: object | undefined): boolean {
  return !!obj && OWN_WRITES.has(obj);
}

// ---------------------------------------------------------------------------------------------------------
// EndpointSlices

interface DesiredSlice {
  ports: SlicePort[];
  endpoints: SliceEndpoint[];
}

/** A pod's endpoint in the Service's slices and the resolved ports of its slice, or undefined for none. */
export function podSliceEndpoint(svc: Svc, pod: PodObj): { ports: SlicePort[]; ep: SliceEndpoint } | undefined {
  const spec = svc.spec ?? {};
  const publishNotReady = spec.publishNotReadyAddresses === true;
  const ip = podIP(pod);
  if (!ip || isTerminal(pod)) return undefined;
  const ports: SlicePort[] = [];
  for (const sp of spec.ports ?? []) {
    const n = findPort(pod, sp);
    if (n === undefined) continue;
    const p: SlicePort = { name: sp.name ?? '', port: n, protocol: sp.protocol ?? 'TCP' };
    if (sp.appProtocol) p.appProtocol = sp.appProtocol;
    ports.push(p);
  }
  const podReady = isPodReady(pod);
  const terminating = !!pod.metadata.deletionTimestamp;
  const ready = (publishNotReady || podReady) && (!terminating || publishNotReady);
  const ep: SliceEndpoint = { addresses: [ip], conditions: { ready, serving: podReady, terminating } };
  if (shouldSetHostname(pod, svc)) ep.hostname = pod.spec!.hostname;
  if (pod.spec?.nodeName) ep.nodeName = pod.spec.nodeName;
  ep.targetRef = targetRef(pod);
  return { ports, ep };
}

/** Endpoints grouped by their resolved port list, as the endpointslice reconciler maps them. */
export function computeSlices(svc: Svc, pods: PodObj[]): DesiredSlice[] {
  const groups = new Map<string, DesiredSlice>();
  for (const pod of pods) {
    const got = podSliceEndpoint(svc, pod);
    if (!got) continue;
    const key = JSON.stringify(got.ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports: got.ports, endpoints: [] }));
    g.endpoints.push(got.ep);
  }
  for (const g of groups.values()) g.endpoints = sortByIP(g.endpoints, (e) => e.addresses[0]);
  return [...groups.values()];
}

function ownerRef(owner: KubeObject) {
  return { apiVersion: owner.apiVersion, blockOwnerDeletion: true, controller: true, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid ?? '' };
}

export function sliceKey(ports: unknown): string {
  return JSON.stringify(ports ?? []);
}

/** What makes two endpoints the same one (the reconciler's endpoint hash): addresses, hostname, the pod. */
export function endpointIdentity(e: SliceEndpoint): string {
  return `${e.addresses.join(',')}|${e.hostname ?? ''}|${e.targetRef?.namespace ?? ''}/${e.targetRef?.name ?? ''}`;
}

/** Whether a stored endpoint equals the desired one, field by field (cheaper than serializing 10,000). */
export function sameEndpoint(a: SliceEndpoint, b: SliceEndpoint): boolean {
  const ca = a.conditions ?? {};
  const cb = b.conditions ?? {};
  const ra = a.targetRef;
  const rb = b.targetRef;
  return (
    ca.ready === cb.ready && ca.serving === cb.serving && ca.terminating === cb.terminating &&
    a.nodeName === b.nodeName && a.hostname === b.hostname &&
    a.addresses.length === b.addresses.length && a.addresses.every((x, i) => x === b.addresses[i]) &&
    ra?.kind === rb?.kind && ra?.name === rb?.name && ra?.namespace === rb?.namespace && ra?.uid === rb?.uid &&
    Object.keys(a).length === Object.keys(b).length && Object.keys(ca).length === Object.keys(cb).length
  );
}

/** A slice being filled: an existing one (its new endpoints) or one to create. */
export interface SliceWork {
  slice?: KubeObject;
  ports: SlicePort[];
  endpoints: SliceEndpoint[];
}

/** The unchanged slice that comes closest to full when `n` endpoints are added, if one has the room. */
export function sliceToFill<T>(candidates: T[], n: number, size: (c: T) => number): T | undefined {
  let best: T | undefined;
  let closest = MAX_ENDPOINTS_PER_SLICE;
  for (const c of candidates) {
    const diff = MAX_ENDPOINTS_PER_SLICE - (n + size(c));
    if (diff >= 0 && diff < closest) {
      closest = diff;
      best = c;
      if (diff === 0) break;
    }
  }
  return best;
}

/**
 * Makes the given owner's slices match `desired` as the endpointslice reconciler does: an endpoint stays in the
 * slice that holds it (updated in place when its conditions change, dropped when it goes); new endpoints fill
 * the slices being updated anyway, fullest first, then the unchanged slice they fill closest to full, then new
 * slices of at most 100; a slice left empty is deleted, and a slice to create takes the name of one to delete.
 * So one pod more or less in a 10,000-endpoint Service rewrites one slice. The real reconciler appends in map
 * order; kubesim keeps each slice's endpoints in IP order, so the result is the same whatever the history.
 * With nothing desired, one placeholder slice without ports or endpoints remains.
 */
function reconcileSlices(state: ClusterState, ctx: Ctx, owner: KubeObject, existing: KubeObject[], desired: DesiredSlice[], labels: Record<string, string>, placeholder: boolean, triggerAt?: string | null): void {
  const ns = owner.metadata.namespace;
  const labelsJSON = JSON.stringify(labels);
  const byPorts = new Map<string, KubeObject[]>();
  for (const s of [...existing].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0))) {
    const k = sliceKey(s.ports);
    const l = byPorts.get(k);
    if (l) l.push(s);
    else byPorts.set(k, [s]);
  }
  const toWrite: SliceWork[] = [];
  const toCreate: SliceWork[] = [];
  let toDelete: KubeObject[] = [];
  const wantedPorts = new Set<string>();
  for (const d of desired) {
    if (d.endpoints.length === 0) continue;
    const pk = sliceKey(d.ports);
    wantedPorts.add(pk);
    const want = new Map<string, SliceEndpoint>();
    for (const e of d.endpoints) want.set(endpointIdentity(e), e);
    const updated: SliceWork[] = [];
    const unchanged: SliceWork[] = [];
    // 1. Existing slices keep the endpoints still wanted, in their new version.
    for (const s of byPorts.get(pk) ?? []) {
      const old = (s.endpoints ?? []) as SliceEndpoint[];
      const kept: SliceEndpoint[] = [];
      let changed = false;
      for (const e of old) {
        const id = endpointIdentity(e);
        const got = want.get(id);
        if (!got) continue;
        kept.push(got);
        if (!changed && !sameEndpoint(got, e)) changed = true;
        want.delete(id);
      }
      const work: SliceWork = { slice: s, ports: d.ports, endpoints: kept };
      if (changed || kept.length !== old.length) {
        if (kept.length === 0) toDelete.push(s);
        else updated.push(work);
      } else if (JSON.stringify(s.metadata.labels ?? {}) !== labelsJSON) updated.push(work);
      else unchanged.push(work);
    }
    const rest = want.values();
    const fill = (w: SliceWork): void => {
      while (w.endpoints.length < MAX_ENDPOINTS_PER_SLICE && want.size > 0) {
        const e = rest.next().value as SliceEndpoint;
        want.delete(endpointIdentity(e));
        w.endpoints.push(e);
      }
    };
    // 2. Slices written anyway take new endpoints first, the fullest first.
    if (want.size > 0) for (const w of [...updated].sort((a, b) => b.endpoints.length - a.endpoints.length)) fill(w);
    // 3. Then the unchanged slice they fit best, then new slices.
    while (want.size > 0) {
      let w = want.size < MAX_ENDPOINTS_PER_SLICE ? sliceToFill(unchanged, want.size, (c) => c.endpoints.length) : undefined;
      if (w) {
        unchanged.splice(unchanged.indexOf(w), 1);
        updated.push(w);
      } else toCreate.push((w = { ports: d.ports, endpoints: [] }));
      fill(w);
    }
    toWrite.push(...updated);
  }
  // Slices of port sets no longer wanted go.
  for (const [pk, slices] of byPorts) if (!wantedPorts.has(pk)) toDelete.push(...slices);
  if (placeholder && toDelete.length === existing.length && toCreate.length === 0) {
    const p = toDelete.length === 1 ? toDelete[0] : undefined;
    const isPlaceholder = p && !(p.ports as unknown[] | undefined)?.length && !(p.endpoints as unknown[] | undefined)?.length && JSON.stringify(p.metadata.labels ?? {}) === labelsJSON;
    if (isPlaceholder) toDelete = [];
    else toCreate.push({ ports: [], endpoints: [] });
  }
  applySlices(state, ctx, owner, { toWrite, toCreate, toDelete }, labels, triggerAt);
}

/** What a reconcile of one owner's slices does: slices to rewrite, to create and to delete, in this order. */
export interface SlicePlan {
  toWrite: SliceWork[];
  toCreate: SliceWork[];
  toDelete: KubeObject[];
}

/**
 * Carries out a plan; a slice to create reuses the name of one to delete (an update instead of a delete and a create).
 * `triggerAt`: the sync's last-change-trigger-time for the slices written, null for none (the annotation goes),
 * undefined for now (the mirroring controller).
 */
export function applySlices(state: ClusterState, ctx: Ctx, owner: KubeObject, plan: SlicePlan, labels: Record<string, string>, triggerAt?: string | null): void {
  const ns = owner.metadata.namespace;
  const { toWrite, toCreate, toDelete } = plan;
  while (toCreate.length > 0 && toDelete.length > 0) {
    const w = toCreate.pop()!;
    w.slice = toDelete.shift();
    toWrite.push(w);
  }
  const now = triggerAt === undefined ? rfc3339(ctx.clock.now()) : triggerAt;
  const annotate = (was: Record<string, string> | undefined): Record<string, string> | undefined => {
    const out: Record<string, string> = { ...(was ?? {}) };
    if (now === null) delete out[TRIGGER_TIME];
    else out[TRIGGER_TIME] = now;
    return Object.keys(out).length ? out : undefined;
  };
  for (const w of toWrite) {
    const cur = w.slice!;
    const endpoints = w.endpoints.length ? sortByIP(w.endpoints, (e) => e.addresses[0]) : null;
    const next: KubeObject = { ...cur, metadata: { ...cur.metadata, labels, annotations: annotate(cur.metadata.annotations) }, endpoints };
    if (!next.metadata.annotations) delete next.metadata.annotations;
    if (w.ports.length) next.ports = w.ports;
    else delete next.ports;
    next.metadata.generation = ((cur.metadata.generation as number | undefined) ?? 1) + 1;
    putObject(state, 'endpointslices', next);
  }
  for (const w of toCreate) {
    const base = `${owner.metadata.name}-`.slice(0, 58);
    let name: string;
    do name = base + ctx.random.nameSuffix(5);
    while (getObject(state, 'endpointslices', ns, name));
    const slice: KubeObject = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name,
        generateName: `${owner.metadata.name}-`,
        namespace: ns,
        labels,
        annotations: annotate(undefined),
        ownerReferences: [ownerRef(owner)],
        generation: 1,
      },
      addressType: 'IPv4',
      endpoints: w.endpoints.length ? sortByIP(w.endpoints, (e) => e.addresses[0]) : null,
    };
    if (!slice.metadata.annotations) delete slice.metadata.annotations;
    if (w.ports.length) slice.ports = w.ports;
    stampNew(slice, ctx);
    putObject(state, 'endpointslices', slice);
  }
  for (const s of toDelete) removeObject(state, 'endpointslices', ns, s.metadata.name);
}

/** endpointslicemirroring: a selectorless Service's user-made Endpoints, copied into slices for consumers. */
function mirrorDesired(ep: KubeObject): DesiredSlice[] {
  const out: DesiredSlice[] = [];
  for (const subset of (ep.subsets ?? []) as EndpointSubset[]) {
    const ports: SlicePort[] = (subset.ports ?? []).map((p) => {
      const sp: SlicePort = { name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' };
      if (p.appProtocol) sp.appProtocol = p.appProtocol;
      return sp;
    });
    const endpoints: SliceEndpoint[] = [];
    const conv = (a: EndpointAddress, ready: boolean): SliceEndpoint => {
      const e: SliceEndpoint = { addresses: [a.ip], conditions: { ready } };
      if (a.hostname) e.hostname = a.hostname;
      if (a.nodeName) e.nodeName = a.nodeName;
      if (a.targetRef) e.targetRef = a.targetRef as SliceEndpoint['targetRef'];
      return e;
    };
    for (const a of subset.addresses ?? []) if (isIPv4(a.ip)) endpoints.push(conv(a, true));
    for (const a of subset.notReadyAddresses ?? []) if (isIPv4(a.ip)) endpoints.push(conv(a, false));
    const same = out.find((d) => sliceKey(d.ports) === sliceKey(ports));
    if (same) same.endpoints.push(...endpoints);
    else out.push({ ports, endpoints });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// The controller

/**
 * The endpoints, endpointslice and mirroring controllers. Full: every Service, with a label index over every
 * pod. Scoped (r.scope): the Services queued for this round, each selecting from its namespace's pods and
 * finding its slices through the slices index's projections, so a change costs what it touches.
 */
export function runEndpointsController(state: ClusterState, ctx: Ctx, r: Round = { pods: PodInformer.build(state, false) }): void {
  const scoped = r.scope;
  let select: (ns: string, selector: Record<string, string>) => PodObj[];
  if (scoped) {
    select = (ns, selector) => {
      const entries = Object.entries(selector);
      return r.pods.list(ns).filter((p) => entries.every(([k, v]) => p.metadata.labels?.[k] === v));
    };
  } else {
    const index = indexPods(r.pods.list());
    select = (ns, selector) => selectPods(index, ns, selector);
  }
  const queued = scoped ? sortKeys(scoped.services) : undefined;
  if (scoped) scoped.services.clear();
  // What the watch learned of each queued Service: one that only saw some of its pods change takes the
  // incremental path (src/cluster/endpointslice-delta.ts), its slices read only as it needs them.
  const learned = scoped ? takeLearned(scoped) : undefined;
  const byService = queued ? (queued.length ? sliceProjections(state, new Set(queued)) : new Map<string, [string, unknown][]>()) : undefined;
  const incremental = new Set<string>();
  for (const [key, l] of learned ?? []) if (!l.written) incremental.add(key);
  // Slices by owning service name, split by which controller manages them.
  const managed = new Map<string, KubeObject[]>();
  const mirrored = new Map<string, KubeObject[]>();
  const sort = (slices: Iterable<KubeObject>): void => {
    for (const s of slices) {
      const labels = s.metadata.labels ?? {};
      const svcName = labels[LABEL_SERVICE_NAME];
      if (!svcName) continue;
      const by = labels[LABEL_MANAGED_BY] === SLICE_CONTROLLER ? managed : labels[LABEL_MANAGED_BY] === MIRROR_CONTROLLER ? mirrored : undefined;
      if (!by) continue;
      const key = `${s.metadata.namespace}/${svcName}`;
      let l = by.get(key);
      if (!l) by.set(key, (l = []));
      l.push(s);
    }
  };
  sort(byService ? readSlices(state, byService, (k) => !incremental.has(k)) : listObjects(state, 'endpointslices'));
  const seen = new Set<string>();
  const services = queued ? queued.map((k) => state.objects.get('services', k) as Svc | undefined).filter((s): s is Svc => !!s) : listObjects<Service>(state, 'services');
  for (const svc of services) {
    const ns = svc.metadata.namespace ?? 'default';
    const key = `${ns}/${svc.metadata.name}`;
    seen.add(key);
    const selector = svc.spec?.selector;
    if (!selector) {
      if (incremental.has(key)) sort(readSlices(state, byService!, (k) => k === key));
      // No selector: the user's Endpoints (if any) is left alone and mirrored into slices.
      const ep = getObject(state, 'endpoints', ns, svc.metadata.name);
      const mirror = ep && ep.metadata.labels?.[LABEL_SKIP_MIRROR] !== 'true' && svc.spec?.type !== 'ExternalName';
      const existing = mirrored.get(key) ?? [];
      if (mirror) {
        const labels: Record<string, string> = { ...(ep.metadata.labels ?? {}), [LABEL_SERVICE_NAME]: svc.metadata.name, [LABEL_MANAGED_BY]: MIRROR_CONTROLLER };
        reconcileSlices(state, ctx, ep, existing, mirrorDesired(ep), labels, false);
      } else if (existing.length) reconcileSlices(state, ctx, svc, existing, [], {}, false);
      continue;
    }
    // ExternalName services receive no endpoints from these controllers (kubernetes/kubernetes#105986).
    if (svc.spec?.type === 'ExternalName') continue;
    let trigger: string | undefined;
    let tracked = false;
    if (incremental.has(key)) {
      const l = learned!.get(key)!;
      // Nothing but this controller's own Endpoints write: nothing to do.
      if (l.pods.size === 0) continue;
      // Only the changed pods can have a trigger time the tracker has not seen.
      trigger = syncTriggerTime(state, svc, [...l.pods].map((k): [string, PodObj | undefined] => [k, selectedPod(svc, r.pods.get(k))]), false);
      tracked = true;
      if (reconcileIncrementally(state, ctx, r, svc, l, byService!.get(key) ?? [], trigger)) continue;
      sort(readSlices(state, byService!, (k) => k === key));
    }
    const pods = select(ns, selector);
    if (!tracked) trigger = syncTriggerTime(state, svc, pods.map((p): [string, PodObj] => [`${ns}/${p.metadata.name}`, p]), true);
    syncEndpoints(state, ctx, svc, pods, trigger);
    const labels = serviceLabels(svc, { [LABEL_MANAGED_BY]: SLICE_CONTROLLER, [LABEL_SERVICE_NAME]: svc.metadata.name });
    reconcileSlices(state, ctx, svc, managed.get(key) ?? [], computeSlices(svc, pods), labels, true, trigger ?? null);
  }
  // DeleteService: the tracker forgets the Services found gone.
  if (queued) {
    for (const k of queued) if (!state.objects.get('services', k)) forgetService(state, k);
  } else forgetServicesBut(state, seen);
  // Mirrored slices whose Service is gone.
  for (const [key, slices] of mirrored) {
    if (seen.has(key)) continue;
    for (const s of slices) removeObject(state, 'endpointslices', s.metadata.namespace, s.metadata.name);
  }
}

/** The slices' projections by the service they are labelled for ("namespace/name"), for these services. */
function sliceProjections(state: ClusterState, services: Set<string>): Map<string, [string, unknown][]> {
  const out = new Map<string, [string, unknown][]>();
  for (const [key, p] of state.objects.projections('endpointslices')) {
    const svcName = (p as { s?: string } | undefined)?.s;
    if (svcName === undefined) continue;
    const svc = `${key.slice(0, key.indexOf('/'))}/${svcName}`;
    if (!services.has(svc)) continue;
    let l = out.get(svc);
    if (!l) out.set(svc, (l = []));
    l.push([key, p]);
  }
  return out;
}

/** The slices of the services `which` picks, read, in the index's order. */
function readSlices(state: ClusterState, byService: Map<string, [string, unknown][]>, which: (service: string) => boolean): KubeObject[] {
  const out: KubeObject[] = [];
  for (const [svc, l] of byService) {
    if (!which(svc)) continue;
    for (const [k] of l) {
      const s = state.objects.get('endpointslices', k) as KubeObject | undefined;
      if (s) out.push(s);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// User-written Endpoints: the API server's checks that matter for routing.

function validateEndpoints(obj: KubeObject): FieldError[] {
  const out: FieldError[] = [];
  const name = obj.metadata.name ?? '';
  if (!name) out.push({ type: 'Required value', field: 'metadata.name', detail: 'name or generateName is required' });
  else out.push(...checkSubdomain('metadata.name', name));
  ((obj.subsets ?? []) as EndpointSubset[]).forEach((s, i) => {
    const check = (list: EndpointAddress[] | undefined, field: string): void => {
      (list ?? []).forEach((a, j) => {
        if (!isIPv4(a.ip ?? '') && !(a.ip ?? '').includes(':')) {
          out.push({ type: 'Invalid value', field: `subsets[${i}].${field}[${j}].ip`, value: a.ip ?? '', detail: 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)' });
        }
      });
    };
    check(s.addresses, 'addresses');
    check(s.notReadyAddresses, 'notReadyAddresses');
    (s.ports ?? []).forEach((p, j) => {
      if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) {
        out.push({ type: 'Invalid value', field: `subsets[${i}].ports[${j}].port`, value: p.port, detail: 'must be between 1 and 65535, inclusive' });
      }
      if ((s.ports ?? []).length > 1 && !p.name) out.push({ type: 'Required value', field: `subsets[${i}].ports[${j}].name` });
    });
  });
  return out;
}

/** SetDefaults_EndpointPort: protocol TCP. */
function defaultEndpoints(obj: KubeObject): void {
  for (const s of (obj.subsets ?? []) as EndpointSubset[]) for (const p of s.ports ?? []) p.protocol ??= 'TCP';
}

export const endpointsStrategy: Strategy = {
  validate(obj) {
    defaultEndpoints(obj);
    const causes = validateEndpoints(obj);
    if (causes.length) throw new InvalidError('Endpoints', obj.metadata.name ?? '', causes);
  },
};
