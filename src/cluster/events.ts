// Events as the components of a real cluster record them (core/v1 Event objects).
import type { KubeObject } from '../api/types.js';
import { aggregateHash, COMBINED_PREFIX, projectionOf, seriesHash, type EventProjection } from '../api/projections.js';
import { getObject, putObject } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';
import { rfc3339 } from '../util/clock.js';
import type { Ctx } from './context.js';

export interface EventSpec {
  type?: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** e.g. "spec.containers{kubia}" */
  fieldPath?: string;
  component: string;
  host?: string;
  /** When it happened; defaults to now. */
  at?: Date;
}

/**
 * Records an event about obj. Like client-go's recorder, an identical event (same object, reason, message,
 * source) within the series is counted instead of repeated. Names are `<object>.<hex nanoseconds>` as
 * the recorder makes them; a per-state counter keeps them unique under a fixed clock.
 */
export function recordEvent(state: ClusterState, ctx: Ctx, obj: KubeObject, spec: EventSpec, aggregate = true): KubeObject {
  const at = spec.at ?? ctx.clock.now();
  if (aggregate) {
    const combined = combineSimilar(state, ctx, obj, spec, at);
    if (combined) return combined;
  }
  const [key, same] = lookupSeries(state, obj, spec.reason, spec.message, spec.fieldPath, spec.component);
  if (same) {
    same.count = ((same.count as number) ?? 1) + 1;
    same.lastTimestamp = rfc3339(at);
    remember(state, obj, key, same);
    return putObject(state, 'events', same);
  }
  const event = newEvent(state, ctx, obj, spec, at, spec.message, true);
  remember(state, obj, key, event);
  return putObject(state, 'events', event);
}

/** `<object>.<hex nanoseconds>`, as the recorder names events; a per-state counter keeps them unique under a fixed clock. */
function eventName(state: ClusterState, obj: KubeObject, ns: string, at: Date): string {
  const nanos = BigInt(at.getTime()) * 1000000n + BigInt(state.resourceVersion % 1000000);
  let name = `${obj.metadata.name}.${nanos.toString(16)}`;
  while (getObject(state, 'events', ns, name)) name += '0';
  return name;
}

/**
 * A new event about obj (count 1, first and last seen at `at`). withReporting: the recorder's reporting
 * controller and instance; the aggregator's combined event is made without them.
 */
function newEvent(state: ClusterState, ctx: Ctx, obj: KubeObject, spec: EventSpec, at: Date, message: string, withReporting: boolean): KubeObject {
  const ns = obj.metadata.namespace ?? 'default';
  const ts = rfc3339(at);
  const event: KubeObject = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: eventName(state, obj, ns, at), namespace: ns, uid: ctx.random.uuid(), creationTimestamp: ts },
    involvedObject: {
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: eventUID(obj),
      resourceVersion: obj.metadata.resourceVersion,
      ...(spec.fieldPath ? { fieldPath: spec.fieldPath } : {}),
    },
    reason: spec.reason,
    message,
    source: spec.host ? { component: spec.component, host: spec.host } : { component: spec.component },
    firstTimestamp: ts,
    lastTimestamp: ts,
    count: 1,
    type: spec.type ?? 'Normal',
    eventTime: null,
    reportingComponent: withReporting ? spec.component : '',
    reportingInstance: withReporting ? spec.host ?? '' : '',
  };
  if (!obj.metadata.namespace) (event.involvedObject as Record<string, unknown>).namespace = undefined;
  return event;
}

/** client-go's EventAggregator: similar events (differing only by message) seen this many times within... */
const AGGREGATE_MAX_EVENTS = 10;
/** ...this interval are recorded as one event that combines them. */
const AGGREGATE_INTERVAL_MS = 600_000;

/** The involvedObject and source an event about obj carries. */
function aboutOf(obj: KubeObject, spec: EventSpec) {
  return {
    source: { component: spec.component, host: spec.host ?? '' },
    involvedObject: { kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name, uid: eventUID(obj), apiVersion: obj.apiVersion },
    type: spec.type ?? 'Normal',
    reason: spec.reason,
  };
}

/**
 * The recorder's aggregation (client-go EventCorrelator): once events about one object from one source with the
 * same type and reason have carried AGGREGATE_MAX_EVENTS different messages within AGGREGATE_INTERVAL_MS, each
 * further one is counted on a single event whose message is COMBINED_PREFIX and the latest message. So a
 * ReplicaSet that creates 10,000 pods has nine "Created pod" events and one combined event, as on a real
 * cluster. The recorder's memory is derived from the stored events (their projections), so it survives
 * between commands. Returns the combined event when this one was folded into it.
 */
function combineSimilar(state: ClusterState, ctx: Ctx, obj: KubeObject, spec: EventSpec, at: Date): KubeObject | undefined {
  const about = aboutOf(obj, spec);
  const g = aggregateHash(about);
  const since = at.getTime() - AGGREGATE_INTERVAL_MS;
  const recent = (eventGroups(state, obj).get(g) ?? []).filter((e) => e.t >= since);
  if (recent.length === 0) return undefined;
  const mine = (e: KubeObject | undefined): e is KubeObject => {
    const io = e?.involvedObject as { uid?: string; kind?: string; name?: string } | undefined;
    const src = e?.source as { component?: string; host?: string } | undefined;
    return !!e && io?.uid === about.involvedObject.uid && io?.name === obj.metadata.name && e.reason === spec.reason && (e.type ?? 'Normal') === about.type && src?.component === spec.component && (src?.host ?? '') === about.source.host;
  };
  const ts = rfc3339(at);
  for (const r of recent) {
    if (r.m !== '') continue;
    const e = state.objects.get('events', r.key) as KubeObject | undefined;
    if (!mine(e)) continue;
    e.count = ((e.count as number) ?? 1) + 1;
    e.message = COMBINED_PREFIX + spec.message;
    e.lastTimestamp = ts;
    r.t = at.getTime();
    return putObject(state, 'events', e);
  }
  const messages = new Set(recent.map((r) => r.m));
  messages.add(seriesHash(spec.message));
  if (messages.size < AGGREGATE_MAX_EVENTS) return undefined;
  // The aggregator's event is made afresh with only these fields: no reporting controller or instance.
  const event = newEvent(state, ctx, obj, spec, at, COMBINED_PREFIX + spec.message, false);
  remember(state, obj, seriesKey(eventUID(obj), spec.reason, event.message, spec.fieldPath, spec.component), event);
  return putObject(state, 'events', event);
}

/** The series an event belongs to (same object, reason, message, fieldPath, component), as the index keeps it. */
export function seriesKey(uid: string | undefined, reason: unknown, message: unknown, fieldPath: unknown, component: unknown): string {
  return seriesHash(JSON.stringify([uid, reason, message, fieldPath ?? null, component]));
}

// Event keys by series hash, per events index shard (an object's events share one: layout.ts), built from the
// shard's projections the first time a command records an event about an object there (no event is read), and
// kept up to date as it records more. A hash may name several events: each is checked against the event.
const INDEXES = new WeakMap<ClusterState, Map<string, Map<string, string[]>>>();
/** Per shard: aggregate group hash -> its events (key, last time, message hash; "" for a combined event). */
const GROUPS = new WeakMap<ClusterState, Map<string, Map<string, GroupEntry[]>>>();
interface GroupEntry {
  key: string;
  t: number;
  m: string;
}

/** The key an event about this object would have, for finding its shard. */
function sampleKey(obj: KubeObject): string {
  return `${obj.metadata.namespace ?? 'default'}/${obj.metadata.name}.0`;
}

function eventIndex(state: ClusterState, obj: KubeObject): Map<string, string[]> {
  return shardIndexes(state, obj)[0];
}

function eventGroups(state: ClusterState, obj: KubeObject): Map<string, GroupEntry[]> {
  return shardIndexes(state, obj)[1];
}

function shardIndexes(state: ClusterState, obj: KubeObject): [Map<string, string[]>, Map<string, GroupEntry[]>] {
  let byShard = INDEXES.get(state);
  if (!byShard) INDEXES.set(state, (byShard = new Map()));
  let groupsByShard = GROUPS.get(state);
  if (!groupsByShard) GROUPS.set(state, (groupsByShard = new Map()));
  const sample = sampleKey(obj);
  // Shards are numbered anew when a commit doubles them (a long-lived state commits again): keyed by both.
  const shard = `${state.objects.shardCount('events')}/${state.objects.shardOf('events', sample)}`;
  let idx = byShard.get(shard);
  let groups = groupsByShard.get(shard);
  if (!idx || !groups) {
    idx = new Map();
    groups = new Map();
    for (const [k, raw] of state.objects.projectionsNear('events', sample)) {
      let p = raw as EventProjection | undefined;
      if (p?.k === undefined) continue;
      // A projection from before aggregation was kept: the event itself says, and the next save writes the
      // events read so again, with projections of the new shape.
      if (p.g === undefined) {
        p = projectionOf('events', state.objects.get('events', k)) as EventProjection;
        state.objects.reproject.add('events');
      }
      const l = idx.get(p.k);
      if (l) l.push(k);
      else idx.set(p.k, [k]);
      const entry = { key: k, t: p.t, m: p.m ?? '' };
      const gl = groups.get(p.g!);
      if (gl) gl.push(entry);
      else groups.set(p.g!, [entry]);
    }
    byShard.set(shard, idx);
    groupsByShard.set(shard, groups);
  }
  return [idx, groups];
}

function remember(state: ClusterState, obj: KubeObject, hash: string, e: KubeObject): void {
  const [idx, groups] = shardIndexes(state, obj);
  const k = `${e.metadata.namespace}/${e.metadata.name}`;
  const l = idx.get(hash);
  if (!l) idx.set(hash, [k]);
  else if (!l.includes(k)) l.push(k);
  const p = projectionOf('events', e) as EventProjection;
  const gl = groups.get(p.g!);
  const entry = { key: k, t: p.t, m: p.m ?? '' };
  const known = gl?.find((x) => x.key === k);
  if (known) known.t = entry.t;
  else if (gl) gl.push(entry);
  else groups.set(p.g!, [entry]);
}

function lookupSeries(state: ClusterState, obj: KubeObject, reason: string, message: string, fieldPath: string | undefined, component: string): [string, KubeObject | undefined] {
  const hash = seriesKey(eventUID(obj), reason, message, fieldPath, component);
  for (const k of eventIndex(state, obj).get(hash) ?? []) {
    const e = state.objects.get('events', k) as KubeObject | undefined;
    const io = e?.involvedObject as { uid?: string; fieldPath?: string } | undefined;
    const src = e?.source as { component?: string } | undefined;
    if (e && io?.uid === eventUID(obj) && e.reason === reason && e.message === message && (io?.fieldPath ?? null) === (fieldPath ?? null) && src?.component === component) return [hash, e];
  }
  return [hash, undefined];
}

/** The stored event of one series (same object, reason, message, fieldPath and component), if any. */
export function findSeries(state: ClusterState, obj: KubeObject, reason: string, message: string, fieldPath: string | undefined, component: string): KubeObject | undefined {
  return lookupSeries(state, obj, reason, message, fieldPath, component)[1];
}

/**
 * The uid an object's events carry: a mirror pod's are the kubelet's events about its static pod, whose uid is
 * the manifest's hash (the kubernetes.io/config.mirror annotation), as kubectl describe knows.
 */
export function eventUID(obj: KubeObject): string | undefined {
  return obj.metadata.annotations?.['kubernetes.io/config.mirror'] ?? obj.metadata.uid;
}

/**
 * Events about one object, as describe fetches them (by uid): the recorder names an event after its object,
 * so they are all in that object's events shard, found by its projections.
 */
export function eventsFor(state: ClusterState, obj: KubeObject): KubeObject[] {
  const out: KubeObject[] = [];
  const uid = eventUID(obj);
  if (!uid) return out;
  for (const [k, p] of state.objects.projectionsNear('events', sampleKey(obj))) {
    if ((p as EventProjection | undefined)?.u !== uid) continue;
    const e = state.objects.get('events', k) as KubeObject | undefined;
    if (e) out.push(e);
  }
  return out;
}

/**
 * Brings one event series in line with what happened by now: `count` occurrences from `firstMs` to `lastMs`.
 * The kubelet's repeated events (back-offs, failed probes) are computed from time, not recorded one by one.
 */
export function syncSeries(state: ClusterState, ctx: Ctx, obj: KubeObject, spec: EventSpec, count: number, firstMs: number, lastMs: number): void {
  if (count <= 0) return;
  const last = rfc3339(new Date(lastMs));
  const e = findSeries(state, obj, spec.reason, spec.message, spec.fieldPath, spec.component);
  if (e) {
    if (e.count === count && e.lastTimestamp === last) return;
    e.count = count;
    e.lastTimestamp = last;
    putObject(state, 'events', e);
    return;
  }
  // A series computed from time is one event counted, not occurrences for the aggregator to combine.
  const ev = recordEvent(state, ctx, obj, { ...spec, at: new Date(firstMs) }, false);
  ev.count = count;
  ev.lastTimestamp = last;
}
