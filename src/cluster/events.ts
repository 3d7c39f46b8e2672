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
  const events = state.objects.events ?? {};
  for (const e of Object.values(events)) {
    const io = e.involvedObject as { uid?: string; fieldPath?: string } | undefined;
    const src = e.source as { component?: string; host?: string } | undefined;
    if (io?.uid === obj.metadata.uid && e.reason === spec.reason && e.message === spec.message && io?.fieldPath === spec.fieldPath && src?.component === spec.component) {
      e.count = ((e.count as number) ?? 1) + 1;
      e.lastTimestamp = rfc3339(at);
      return putObject(state, 'events', e);
    }
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
  return putObject(state, 'events', event);
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
