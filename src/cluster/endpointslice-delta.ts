// The endpoints controllers' incremental path, as the real endpointslice reconciler works: when a Service itself
// did not change and only some of its pods did, only the slices holding those pods' endpoints are read and
// rewritten, and the Endpoints (v1) is derived from what it held, without listing the Service's pods. The
// slices index's projections (src/api/projections.ts sliceSummary) say which slice holds which pod and how full
// each is. The result is the full reconcile's (runEndpointsController without changes), byte for byte: that
// path stays the oracle (test/cluster/endpoints-delta.test.ts, test/cluster/equivalence.test.ts).
import { sliceSummaryInProjection, type SliceSummary } from '../api/projections.js';
import type { EndpointAddress, EndpointPort, EndpointSubset, KubeObject, Pod, Service } from '../api/types.js';
import { getObject } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';
import { ipv4Key, sortByIP } from '../util/ip.js';
import type { Ctx } from './context.js';
import {
  applySlices,
  compareUID,
  endpointIdentity,
  LABEL_MANAGED_BY,
  LABEL_SERVICE_NAME,
  MAX_ENDPOINTS_ADDRESSES,
  MAX_ENDPOINTS_PER_SLICE,
  OVER_CAPACITY,
  podSliceEndpoint,
  podV1Items,
  repackSubsets,
  sameEndpoint,
  serviceLabels,
  SLICE_CONTROLLER,
  sliceKey,
  selectedPod,
  sliceToFill,
  writeEndpoints,
  writtenByController,
  type SliceEndpoint,
  type SlicePlan,
  type SlicePort,
  type SliceWork,
  type V1Item,
} from './endpoints.js';
import type { Round, Scope } from './informer.js';

type PodObj = Pod & KubeObject;
type Svc = Service & KubeObject;

// ---------------------------------------------------------------------------------------------------------
// What the reconcile's watch learned of each queued Service

/** Since the endpoints controllers last ran: the pods whose change queued the Service, and whether it was written. */
export interface Learned {
  pods: Set<string>;
  /** The Service or its Endpoints was written (by someone else than this controller): the full path. */
  written: boolean;
}

const LEARNED = new WeakMap<Scope, Map<string, Learned>>();

function learnedOf(scope: Scope, service: string): Learned {
  let m = LEARNED.get(scope);
  if (!m) LEARNED.set(scope, (m = new Map()));
  let l = m.get(service);
  if (!l) m.set(service, (l = { pods: new Set(), written: false }));
  return l;
}

/** A pod the Service selected or selects changed ("namespace/name" both). */
export function notePodChange(scope: Scope, service: string, pod: string): void {
  learnedOf(scope, service).pods.add(pod);
}

/** The Service or its Endpoints was written or removed; the controller's own Endpoints write is told apart later. */
export function noteServiceWrite(state: ClusterState, scope: Scope, kind: string, service: string): void {
  if (kind === 'endpoints' && writtenByController(state.objects.get('endpoints', service) as object | undefined)) {
    learnedOf(scope, service);
    return;
  }
  learnedOf(scope, service).written = true;
}

/** What was learned for this run of the controllers (and forgotten, as the queue is emptied). */
export function takeLearned(scope: Scope): Map<string, Learned> {
  const m = LEARNED.get(scope) ?? new Map<string, Learned>();
  LEARNED.delete(scope);
  return m;
}

// ---------------------------------------------------------------------------------------------------------
// The incremental reconcile of one Service

interface SliceInfo {
  key: string;
  name: string;
  pk: string;
  sum: SliceSummary;
  /** Read when needed. */
  obj?: KubeObject;
  /** The endpoints it keeps (affected slices). */
  kept?: SliceEndpoint[];
  affected: boolean;
}

interface Change {
  key: string;
  name: string;
  pod: PodObj | undefined;
  /** Its endpoint in the slices, if any, with the port key of its slice. */
  want?: { pk: string; ep: SliceEndpoint; id: string };
}

/**
 * Reconciles a Service from its changed pods only. Returns false, having written nothing, when the full path must
 * run instead: no Endpoints or slices yet, projections of an older shape (refreshed at the next commit), slices
 * whose labels are not the Service's, or every slice going (the placeholder rules).
 * `trigger`: this sync's last-change-trigger-time (src/cluster/trigger-time.ts), from the changed pods alone.
 */
export function reconcileIncrementally(state: ClusterState, ctx: Ctx, r: Round, svc: Svc, learned: Learned, projections: [string, unknown][], trigger: string | undefined): boolean {
  const ns = svc.metadata.namespace ?? 'default';
  const current = getObject(state, 'endpoints', ns, svc.metadata.name);
  if (!current) return false;
  const labels = serviceLabels(svc, { [LABEL_MANAGED_BY]: SLICE_CONTROLLER, [LABEL_SERVICE_NAME]: svc.metadata.name });
  const labelsJSON = JSON.stringify(labels);
  const infos: SliceInfo[] = [];
  for (const [key, p] of projections) {
    const sum = sliceSummaryInProjection(p);
    if (!sum) {
      state.objects.reproject.add('endpointslices');
      return false;
    }
    if (sum.l[LABEL_MANAGED_BY] !== SLICE_CONTROLLER) continue;
    if (JSON.stringify(sum.l) !== labelsJSON) return false;
    infos.push({ key, name: key.slice(key.indexOf('/') + 1), pk: sliceKey(sum.p), sum, affected: false });
  }
  if (infos.length === 0) return false;
  infos.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  // The changed pods, in list order, and what each should have in the slices.
  const changes = new Map<string, Change>();
  for (const key of [...learned.pods].filter((k) => k.startsWith(`${ns}/`)).sort()) {
    const pod = r.pods.get(key);
    const c: Change = { key, name: key.slice(ns.length + 1), pod: selectedPod(svc, pod) };
    const got = c.pod && podSliceEndpoint(svc, c.pod);
    if (got) c.want = { pk: sliceKey(got.ports), ep: got.ep, id: endpointIdentity(got.ep) };
    changes.set(c.name, c);
  }

  // 1. The slices holding a changed pod keep its endpoint in its new version when its identity is the same.
  const byPorts = new Map<string, SliceInfo[]>();
  const claimed = new Set<string>();
  const changedSlices = new Set<SliceInfo>();
  for (const s of infos) {
    const l = byPorts.get(s.pk);
    if (l) l.push(s);
    else byPorts.set(s.pk, [s]);
    if (!s.sum.t.some((n) => changes.has(n))) continue;
    s.affected = true;
    s.obj = state.objects.get('endpointslices', s.key) as KubeObject;
    const old = (s.obj.endpoints ?? []) as SliceEndpoint[];
    const kept: SliceEndpoint[] = [];
    let changed = false;
    for (const e of old) {
      const c = e.targetRef?.namespace === ns ? changes.get(e.targetRef.name) : undefined;
      if (!c) {
        kept.push(e);
        continue;
      }
      if (!c.want || c.want.pk !== s.pk || claimed.has(c.name) || c.want.id !== endpointIdentity(e)) continue;
      claimed.add(c.name);
      kept.push(c.want.ep);
      if (!changed && !sameEndpoint(c.want.ep, e)) changed = true;
    }
    s.kept = kept;
    if (changed || kept.length !== old.length) changedSlices.add(s);
  }
  // The endpoints to place, per port set, in the order the full reconcile lists them (by IP, then pod).
  const fresh = new Map<string, SliceEndpoint[]>();
  const freshPods = [...changes.values()].filter((c) => c.want && !claimed.has(c.name));
  for (const c of sortByIP(freshPods, (x) => x.want!.ep.addresses[0])) {
    const l = fresh.get(c.want!.pk);
    if (l) l.push(c.want!.ep);
    else fresh.set(c.want!.pk, [c.want!.ep]);
  }
  const size = (s: SliceInfo): number => (s.kept ? s.kept.length : s.sum.t.length);
  const total = (pk: string): number => (byPorts.get(pk) ?? []).reduce((n, s) => n + size(s), 0) + (fresh.get(pk)?.length ?? 0);
  // The port sets something happens to, in the order of their first pod (the full reconcile's desired order).
  const touched = new Set<string>([...fresh.keys(), ...[...changedSlices].map((s) => s.pk)]);
  let groups = [...touched].filter((pk) => total(pk) > 0);
  if (groups.length > 1) {
    const first = new Map<string, string>();
    for (const pk of groups) {
      let min: string | undefined;
      const see = (n: string) => {
        if (min === undefined || n < min) min = n;
      };
      for (const s of byPorts.get(pk) ?? []) for (const n of s.kept ? s.kept.map((e) => e.targetRef?.name ?? '') : s.sum.t) see(n);
      for (const e of fresh.get(pk) ?? []) see(e.targetRef?.name ?? '');
      first.set(pk, min ?? '');
    }
    groups = groups.sort((a, b) => (first.get(a)! < first.get(b)! ? -1 : first.get(a)! > first.get(b)! ? 1 : 0));
  }

  const plan: SlicePlan = { toWrite: [], toCreate: [], toDelete: [] };
  const read = (s: SliceInfo): KubeObject => (s.obj ??= state.objects.get('endpointslices', s.key) as KubeObject);
  for (const pk of groups) {
    const ports = JSON.parse(pk) as SlicePort[];
    const updated: SliceWork[] = [];
    const unchanged: SliceInfo[] = [];
    for (const s of byPorts.get(pk) ?? []) {
      if (!changedSlices.has(s)) unchanged.push(s);
      else if (s.kept!.length === 0) plan.toDelete.push(s.obj!);
      else updated.push({ slice: s.obj, ports, endpoints: s.kept! });
    }
    const rest = fresh.get(pk) ?? [];
    let next = 0;
    const fill = (w: SliceWork): void => {
      while (w.endpoints.length < MAX_ENDPOINTS_PER_SLICE && next < rest.length) w.endpoints.push(rest[next++]);
    };
    // 2. Slices written anyway take new endpoints first, the fullest first; 3. then the unchanged slice they fit best, then new slices.
    if (next < rest.length) for (const w of [...updated].sort((a, b) => b.endpoints.length - a.endpoints.length)) fill(w);
    while (next < rest.length) {
      const left = rest.length - next;
      const s = left < MAX_ENDPOINTS_PER_SLICE ? sliceToFill(unchanged, left, size) : undefined;
      let w: SliceWork;
      if (s) {
        unchanged.splice(unchanged.indexOf(s), 1);
        w = { slice: read(s), ports, endpoints: [...(s.kept ?? ((read(s).endpoints ?? []) as SliceEndpoint[]))] };
        updated.push(w);
      } else plan.toCreate.push((w = { ports, endpoints: [] }));
      fill(w);
    }
    plan.toWrite.push(...updated);
  }
  // Slices of port sets no longer wanted go (in the order of their first slice's name).
  for (const [pk, slices] of byPorts) if (total(pk) === 0) for (const s of slices) plan.toDelete.push(read(s));
  // Every slice going: the placeholder rules of the full path decide.
  if (plan.toDelete.length === infos.length && plan.toCreate.length === 0) return false;

  // The Endpoints, then the slices (the full path's order of writes).
  const { subsets, cut } = endpointsSubsets(state, svc, current, changes, infos, plan);
  writeEndpoints(state, ctx, svc, subsets, trigger, cut);
  applySlices(state, ctx, svc, plan, labels, trigger ?? null);
  return true;
}

// ---------------------------------------------------------------------------------------------------------
// The Endpoints (v1), from what it held or from the slices

/**
 * The subsets computeSubsets would give over the Service's pods now. An Endpoints that lists every address (not
 * truncated) is its own record: its items, less the changed pods', plus theirs now. A truncated one with a single
 * subset keeps the first 1,000 ready addresses: known without the slices while enough of them stay below its last.
 * Otherwise the slices hold every endpoint (v1 lists those not terminating, or all when publishing not-ready ones).
 */
function endpointsSubsets(state: ClusterState, svc: Svc, current: KubeObject, changes: Map<string, Change>, infos: SliceInfo[], plan: SlicePlan): { subsets: EndpointSubset[]; cut?: boolean } {
  const ns = svc.metadata.namespace ?? 'default';
  const isChanged = (a: EndpointAddress): boolean => a.targetRef?.namespace === ns && changes.has(a.targetRef.name ?? '');
  const changedItems: V1Item[] = [];
  for (const c of changes.values()) if (c.pod) podV1Items(svc, c.pod, changedItems);
  const stored = (current.subsets ?? []) as EndpointSubset[];
  if (current.metadata.annotations?.[OVER_CAPACITY] !== 'truncated') {
    const items: V1Item[] = [];
    for (const s of stored) {
      const ports: (EndpointPort | undefined)[] = s.ports?.length ? s.ports : [undefined];
      for (const [list, ready] of [[s.addresses, true], [s.notReadyAddresses, false]] as const) {
        for (const addr of list ?? []) if (!isChanged(addr)) for (const port of ports) items.push({ port, addr, ready });
      }
    }
    return { subsets: repackSubsets([...items, ...changedItems]) };
  }
  // The slices after the plan: the ones written or created, and the others as stored.
  const written = new Map<string, SliceWork>();
  for (const w of plan.toWrite) written.set(w.slice!.metadata.name, w);
  const gone = new Set(plan.toDelete.map((s) => s.metadata.name));
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const v1Ready = (e: SliceEndpoint): boolean => publishNotReady || (!!e.conditions.serving && !e.conditions.terminating);
  const shortcut = truncatedShortcut(svc, stored, changedItems, isChanged, () => {
    const pks = new Set<string>();
    let ready = 0;
    const count = (eps: SliceEndpoint[]) => eps.reduce((n, e) => n + (v1Ready(e) ? 1 : 0), 0);
    for (const s of infos) {
      if (gone.has(s.name)) continue;
      pks.add(s.pk);
      const w = written.get(s.name);
      ready += w ? count(w.endpoints) : publishNotReady ? s.sum.t.length : s.sum.r;
    }
    for (const w of plan.toCreate) {
      pks.add(sliceKey(w.ports));
      ready += count(w.endpoints);
    }
    return { pks, ready };
  }, (last, k) => {
    // The k first ready addresses after `last`: from the slices written now, then from the others in the order of
    // their first address, read until the next one starts past the k-th found.
    // Only the k first found so far are kept.
    let found: EndpointAddress[] = [];
    const take = (eps: SliceEndpoint[]): void => {
      const more: EndpointAddress[] = [];
      for (const e of eps) {
        if (!v1Ready(e)) continue;
        const a = v1Address(e);
        if (compareAddr(a, last) > 0) more.push(a);
      }
      if (more.length) found = sortByIP([...found, ...more], (a) => a.ip, compareUID).slice(0, k);
    };
    for (const w of [...plan.toWrite, ...plan.toCreate]) take(w.endpoints);
    const rest = infos.filter((s) => !gone.has(s.name) && !written.has(s.name) && s.sum.t.length > 0 && !(s.sum.a && compareIP(s.sum.a[1], last.ip) < 0));
    rest.sort((x, y) => compareIP(x.sum.a?.[0] ?? '', y.sum.a?.[0] ?? ''));
    for (const s of rest) {
      if (found.length >= k && s.sum.a && compareIP(found[k - 1].ip, s.sum.a[0]) < 0) break;
      const obj = (s.obj ??= state.objects.get('endpointslices', s.key) as KubeObject);
      take((obj.endpoints ?? []) as SliceEndpoint[]);
    }
    return found;
  });
  if (shortcut) return { subsets: shortcut, cut: true };
  const items: V1Item[] = [];
  const add = (ports: SlicePort[], eps: SliceEndpoint[]): void => {
    const v1: (EndpointPort | undefined)[] = ports.map(v1Port);
    if (v1.length === 0) {
      if ((svc.spec?.ports ?? []).length > 0 || svc.spec?.clusterIP !== 'None') return;
      v1.push(undefined);
    }
    for (const e of eps) {
      if (e.conditions.terminating && !publishNotReady) continue;
      const addr = v1Address(e);
      for (const port of v1) items.push({ port, addr, ready: publishNotReady || !!e.conditions.serving });
    }
  };
  for (const s of infos) {
    if (gone.has(s.name)) continue;
    const w = written.get(s.name);
    if (w) add(w.ports, w.endpoints);
    else {
      const obj = (s.obj ??= state.objects.get('endpointslices', s.key) as KubeObject);
      add((obj.ports ?? []) as SlicePort[], (obj.endpoints ?? []) as SliceEndpoint[]);
    }
  }
  for (const w of plan.toCreate) add(w.ports, w.endpoints);
  return { subsets: repackSubsets(items) };
}

/** A slice's endpoint as the Endpoints lists its address. */
function v1Address(e: SliceEndpoint): EndpointAddress {
  const addr: EndpointAddress = { ip: e.addresses[0] };
  if (e.hostname) addr.hostname = e.hostname;
  if (e.nodeName) addr.nodeName = e.nodeName;
  if (e.targetRef) addr.targetRef = e.targetRef;
  return addr;
}

/** A slice's port as the Endpoints lists it. */
function v1Port(p: SlicePort): EndpointPort {
  const ep: EndpointPort = { port: p.port!, protocol: p.protocol ?? 'TCP' };
  if (p.name) ep.name = p.name;
  if (p.appProtocol) ep.appProtocol = p.appProtocol;
  return ep;
}

/**
 * A truncated Endpoints of one subset and no not-ready addresses held more than 1,000 ready ones and lists the
 * first 1,000 (by IP, then pod uid). While the Service keeps one port set and more than 1,000 ready endpoints,
 * it lists the first 1,000 again: the ready addresses up to its last listed one are the listed ones less the
 * changed pods', plus the changed pods' ready ones that sort before it; the rest (when a listed one went) are
 * the first ones after it, which `next` finds in the few slices whose addresses reach past it.
 */
function truncatedShortcut(
  svc: Svc,
  stored: EndpointSubset[],
  changedItems: V1Item[],
  isChanged: (a: EndpointAddress) => boolean,
  after: () => { pks: Set<string>; ready: number },
  next: (last: EndpointAddress, k: number) => EndpointAddress[],
): EndpointSubset[] | undefined {
  if (stored.length !== 1) return undefined;
  const s = stored[0];
  if (s.notReadyAddresses !== undefined || s.addresses?.length !== MAX_ENDPOINTS_ADDRESSES || !s.ports?.length) return undefined;
  const { pks, ready } = after();
  if (pks.size !== 1 || ready <= MAX_ENDPOINTS_ADDRESSES) return undefined;
  const ports = (JSON.parse([...pks][0]) as SlicePort[]).map(v1Port);
  // The subset's ports as repackSubsets orders them must be the stored ones.
  const sorted = ports.sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '') || (a.port ?? 0) - (b.port ?? 0) || (a.protocol ?? '').localeCompare(b.protocol ?? ''));
  if (JSON.stringify(sorted) !== JSON.stringify(s.ports)) return undefined;
  const last = s.addresses[MAX_ENDPOINTS_ADDRESSES - 1];
  const before = (a: EndpointAddress): boolean => compareAddr(a, last) <= 0;
  const seen = new Set<string>();
  const added: EndpointAddress[] = [];
  for (const it of changedItems) {
    const id = `${it.addr.ip}/${it.addr.targetRef?.uid ?? ''}`;
    if (!it.ready || seen.has(id)) continue;
    seen.add(id);
    if (before(it.addr)) added.push(it.addr);
  }
  const kept = s.addresses.filter((a) => !isChanged(a));
  // Fewer than 1,000 up to the last listed: the next ones are in the slices.
  const missing = MAX_ENDPOINTS_ADDRESSES - kept.length - added.length;
  if (missing > 0) added.push(...next(last, missing));
  // The listed ones are in order already: the few others are merged in.
  const more = sortByIP(added, (a) => a.ip, compareUID);
  const addresses: EndpointAddress[] = [];
  for (let i = 0, j = 0; addresses.length < MAX_ENDPOINTS_ADDRESSES && (i < kept.length || j < more.length); ) {
    addresses.push(j >= more.length || (i < kept.length && compareAddr(kept[i], more[j]) < 0) ? kept[i++] : more[j++]);
  }
  return [{ addresses, ports: s.ports }];
}

/** sortByIP's order of addresses (numerically for IPv4, as text otherwise), then by pod uid. */
function compareAddr(a: EndpointAddress, b: EndpointAddress): number {
  return compareIP(a.ip, b.ip) || compareUID(a, b);
}

function compareIP(a: string, b: string): number {
  const na = ipv4Key(a);
  const nb = ipv4Key(b);
  return na >= 0 && nb >= 0 ? na - nb : a < b ? -1 : a > b ? 1 : 0;
}
