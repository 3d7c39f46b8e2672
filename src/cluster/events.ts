// Events as the components of a real cluster record them (core/v1 Event objects).
import type { KubeObject } from '../api/types.js';
import { putObject, getObject } from '../store/objects.js';
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
  const index = eventIndex(state);
  const key = seriesKey(obj.metadata.uid, spec.reason, spec.message, spec.fieldPath, spec.component);
  const same = liveEvent(state, index.get(key));
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
      uid: obj.metadata.uid,
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
  index.set(key, event);
  return putObject(state, 'events', event);
}

function seriesKey(uid: string | undefined, reason: unknown, message: unknown, fieldPath: unknown, component: unknown): string {
  return JSON.stringify([uid, reason, message, fieldPath ?? null, component]);
}

// Events of a state by series key, built by one scan the first time a command records an event: a
// controller may record hundreds, and each must find its series without scanning them all.
const INDEXES = new WeakMap<ClusterState, Map<string, KubeObject>>();

function eventIndex(state: ClusterState): Map<string, KubeObject> {
  let idx = INDEXES.get(state);
  if (!idx) {
    idx = new Map();
    for (const e of Object.values(state.objects.events ?? {})) {
      const io = e.involvedObject as { uid?: string; fieldPath?: string } | undefined;
      const src = e.source as { component?: string } | undefined;
      idx.set(seriesKey(io?.uid, e.reason, e.message, io?.fieldPath, src?.component), e);
    }
    INDEXES.set(state, idx);
  }
  return idx;
}

/** The indexed event, if it is still stored (a namespace deletion may have removed it). */
function liveEvent(state: ClusterState, e: KubeObject | undefined): KubeObject | undefined {
  if (!e) return undefined;
  return state.objects.events?.[`${e.metadata.namespace}/${e.metadata.name}`] === e ? e : undefined;
}

/** The stored event of one series (same object, reason, message, fieldPath and component), if any. */
export function findSeries(state: ClusterState, obj: KubeObject, reason: string, message: string, fieldPath: string | undefined, component: string): KubeObject | undefined {
  return liveEvent(state, eventIndex(state).get(seriesKey(obj.metadata.uid, reason, message, fieldPath, component)));
}

/** Events about one object, as describe fetches them (by uid). */
export function eventsFor(state: ClusterState, obj: KubeObject): KubeObject[] {
  const out: KubeObject[] = [];
  for (const e of Object.values(state.objects.events ?? {})) {
    const io = e.involvedObject as { uid?: string };
    if (io?.uid && io.uid === obj.metadata.uid) out.push(e);
  }
  return out;
}
