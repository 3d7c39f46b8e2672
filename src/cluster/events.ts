// Events as the components of a real cluster record them (core/v1 Event objects).
import type { KubeObject } from '../api/types.js';
import { seriesHash, type EventProjection } from '../api/projections.js';
import { shardOf } from '../store/layout.js';
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
export function recordEvent(state: ClusterState, ctx: Ctx, obj: KubeObject, spec: EventSpec): KubeObject {
  const at = spec.at ?? ctx.clock.now();
  const ns = obj.metadata.namespace ?? 'default';
  const [key, same] = lookupSeries(state, obj, spec.reason, spec.message, spec.fieldPath, spec.component);
  if (same) {
    same.count = ((same.count as number) ?? 1) + 1;
    same.lastTimestamp = rfc3339(at);
    return putObject(state, 'events', same);
  }
  const nanos = BigInt(at.getTime()) * 1000000n + BigInt(state.resourceVersion % 1000000);
  let name = `${obj.metadata.name}.${nanos.toString(16)}`;
  while (getObject(state, 'events', ns, name)) name += '0';
  const ts = rfc3339(at);
  const event: KubeObject = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: ns, uid: ctx.random.uuid(), creationTimestamp: ts },
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
    message: spec.message,
    source: spec.host ? { component: spec.component, host: spec.host } : { component: spec.component },
    firstTimestamp: ts,
    lastTimestamp: ts,
    count: 1,
    type: spec.type ?? 'Normal',
    eventTime: null,
    reportingComponent: spec.component,
    reportingInstance: spec.host ?? '',
  };
  if (!obj.metadata.namespace) (event.involvedObject as Record<string, unknown>).namespace = undefined;
  remember(state, obj, key, event);
  return putObject(state, 'events', event);
}

/** The series an event belongs to (same object, reason, message, fieldPath, component), as the index keeps it. */
export function seriesKey(uid: string | undefined, reason: unknown, message: unknown, fieldPath: unknown, component: unknown): string {
  return seriesHash(JSON.stringify([uid, reason, message, fieldPath ?? null, component]));
}

// Event keys by series hash, per events index shard (an object's events share one: layout.ts), built from the
// shard's projections the first time a command records an event about an object there (no event is read), and
// kept up to date as it records more. A hash may name several events: each is checked against the event.
const INDEXES = new WeakMap<ClusterState, Map<number, Map<string, string[]>>>();

/** The key an event about this object would have, for finding its shard. */
function sampleKey(obj: KubeObject): string {
  return `${obj.metadata.namespace ?? 'default'}/${obj.metadata.name}.0`;
}

function eventIndex(state: ClusterState, obj: KubeObject): Map<string, string[]> {
  let byShard = INDEXES.get(state);
  if (!byShard) INDEXES.set(state, (byShard = new Map()));
  const sample = sampleKey(obj);
  const shard = shardOf('events', sample);
  let idx = byShard.get(shard);
  if (!idx) {
    idx = new Map();
    for (const [k, p] of state.objects.projectionsNear('events', sample)) {
      const h = (p as EventProjection | undefined)?.k;
      if (h === undefined) continue;
      const l = idx.get(h);
      if (l) l.push(k);
      else idx.set(h, [k]);
    }
    byShard.set(shard, idx);
  }
  return idx;
}

function remember(state: ClusterState, obj: KubeObject, hash: string, e: KubeObject): void {
  const idx = eventIndex(state, obj);
  const k = `${e.metadata.namespace}/${e.metadata.name}`;
  const l = idx.get(hash);
  if (!l) idx.set(hash, [k]);
  else if (!l.includes(k)) l.push(k);
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
  const ev = recordEvent(state, ctx, obj, { ...spec, at: new Date(firstMs) });
  ev.count = count;
  ev.lastTimestamp = last;
}
