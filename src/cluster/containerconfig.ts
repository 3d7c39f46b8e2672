// The kubelet's container config (kubelet_pods.go makeEnvironmentVariables, and the volume manager before it):
// a container's environment from envFrom, env (values with $(VAR) expansion, valueFrom refs) and the service
// links; and the errors that keep a container from starting: a missing ConfigMap, Secret or key
// (CreateContainerConfigError, Warning Failed `Error: ...`) or a volume that cannot be set up (the pod stays
// ContainerCreating, Warning FailedMount). Called from the kubelet in pods.ts; kept apart to keep it small.
import type { Container, KubeObject, Pod } from '../api/types.js';
import { getObject, putObject } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';
import { rfc3339 } from '../util/clock.js';
import type { Ctx } from './context.js';
import { findSeries, recordEvent } from './events.js';
import { fieldRefValue, resourceFieldValue } from './fieldref.js';
import { volumeSetupError } from './volumes.js';

type PodObj = Pod & KubeObject;

export type EnvResult = { env: [string, string][] } | { error: string };

/** expansion.Expand: `$(NAME)` from the lookups, `$$` an escaped `$`, an unknown name left as written. */
export function expandVars(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  let checkpoint = 0;
  for (let i = 0; i < input.length; i++) {
    if (input[i] !== '$' || i + 1 >= input.length) continue;
    out += input.slice(checkpoint, i);
    const rest = input.slice(i + 1);
    let advance = 1;
    if (rest[0] === '$') out += '$';
    else if (rest[0] === '(') {
      const close = rest.indexOf(')');
      if (close < 0) out += '$(';
      else {
        const name = rest.slice(1, close);
        out += lookup(name) ?? `$(${name})`;
        advance = close + 1;
      }
    } else out += `$${rest[0]}`;
    i += advance;
    checkpoint = i + 1;
  }
  return out + input.slice(checkpoint);
}

type Source = 'ConfigMap' | 'Secret';

/** The values of a ConfigMap (data only, as the kubelet reads it) or a Secret (data decoded). */
function sourceData(obj: KubeObject, kind: Source): Map<string, string> {
  const data = (obj.data ?? {}) as Record<string, string>;
  const out = new Map<string, string>();
  for (const k of Object.keys(data)) out.set(k, kind === 'Secret' ? Buffer.from(String(data[k]), 'base64').toString('utf8') : String(data[k]));
  return out;
}

function fetch(state: ClusterState, ns: string, kind: Source, name: string): KubeObject | undefined {
  return getObject(state, kind === 'ConfigMap' ? 'configmaps' : 'secrets', ns, name);
}

/**
 * The container's environment as the kubelet builds it: envFrom first (later sources win, with their prefix),
 * then env in order (each value expanded against what came before and the service variables), then the service
 * variables nobody overrode. An error is the message of CreateContainerConfigError.
 */
export function containerEnv(state: ClusterState, pod: PodObj, c: Container, serviceEnv: [string, string][] = []): EnvResult {
  const ns = pod.metadata.namespace ?? 'default';
  const env = new Map<string, string>();
  const services = new Map(serviceEnv);
  for (const from of c.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref) continue;
    const kind: Source = from.configMapRef ? 'ConfigMap' : 'Secret';
    const obj = fetch(state, ns, kind, ref.name ?? '');
    if (!obj) {
      if (ref.optional) continue;
      return { error: `${kind.toLowerCase()} "${ref.name ?? ''}" not found` };
    }
    for (const [k, v] of [...sourceData(obj, kind)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) env.set(`${from.prefix ?? ''}${k}`, v);
  }
  const lookup = (name: string) => (env.has(name) ? env.get(name) : services.get(name));
  for (const e of c.env ?? []) {
    const vf = e.valueFrom;
    if (!vf) {
      env.set(e.name, expandVars(e.value ?? '', lookup));
      continue;
    }
    const keyRef = vf.configMapKeyRef ?? vf.secretKeyRef;
    if (keyRef) {
      const kind: Source = vf.configMapKeyRef ? 'ConfigMap' : 'Secret';
      const obj = fetch(state, ns, kind, keyRef.name ?? '');
      if (!obj) {
        if (keyRef.optional) continue;
        return { error: `${kind.toLowerCase()} "${keyRef.name ?? ''}" not found` };
      }
      const v = sourceData(obj, kind).get(keyRef.key);
      if (v === undefined) {
        if (keyRef.optional) continue;
        return { error: `couldn't find key ${keyRef.key} in ${kind} ${ns}/${keyRef.name ?? ''}` };
      }
      env.set(e.name, v);
    } else if (vf.fieldRef) {
      const r = fieldRefValue(pod, vf.fieldRef.fieldPath);
      if (r.error) return { error: r.error };
      env.set(e.name, r.value ?? '');
    } else if (vf.resourceFieldRef) {
      const ref = vf.resourceFieldRef;
      const target = ref.containerName ? (pod.spec?.containers ?? []).find((x) => x.name === ref.containerName) : c;
      const r = resourceFieldValue(state, pod, target, ref.resource, ref.divisor);
      if (r.error) return { error: r.error };
      env.set(e.name, r.value ?? '');
    }
  }
  const out: [string, string][] = [...env];
  for (const [k, v] of serviceEnv) if (!env.has(k)) out.push([k, v]);
  return { env: out };
}

/** Why the kubelet cannot make this container's config now (its env refs), or undefined. */
export function containerConfigError(state: ClusterState, pod: PodObj, c: Container): string | undefined {
  const r = containerEnv(state, pod, c);
  return 'error' in r ? r.error : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Kubelet hooks

/** The pod worker's retry period after a failed sync (the kubelet's back-off for a pod that errored). */
const CONFIG_RETRY_MS = 10_000;
/** The volume manager's retries: 500 ms doubling up to 2m2s (nestedpendingoperations' exponential back-off). */
const MOUNT_RETRY_START_MS = 500;
const MOUNT_RETRY_MAX_MS = 122_000;

/** How many attempts a schedule has made by `nowMs` since `startMs`, and when the last one was. */
function attempts(startMs: number, nowMs: number, next: (delay: number) => number, first: number): { count: number; lastMs: number } {
  let count = 1;
  let at = startMs;
  let delay = first;
  for (let guard = 0; guard < 100_000; guard++) {
    if (at + delay > nowMs) break;
    at += delay;
    count++;
    delay = next(delay);
  }
  return { count, lastMs: at };
}

/** An event series whose count and last time follow the kubelet's retries on the simulated clock. */
function retrySeries(state: ClusterState, ctx: Ctx, pod: PodObj, spec: { reason: string; message: string; fieldPath?: string }, startMs: number, a: { count: number; lastMs: number }): void {
  const last = rfc3339(new Date(a.lastMs));
  const e = findSeries(state, pod, spec.reason, spec.message, spec.fieldPath, 'kubelet');
  if (e) {
    if (e.count === a.count && e.lastTimestamp === last) return;
    e.count = a.count;
    e.lastTimestamp = last;
    putObject(state, 'events', e);
    return;
  }
  const ev = recordEvent(state, ctx, pod, { type: 'Warning', ...spec, component: 'kubelet', host: pod.spec?.nodeName, at: new Date(startMs) });
  ev.count = a.count;
  ev.lastTimestamp = last;
}


/**
 * Before the sandbox: a volume that cannot be set up keeps the pod ContainerCreating (no IP, no start time),
 * with the FailedMount event counted at the volume manager's retries. True when the pod must wait.
 */
export function waitForVolumes(state: ClusterState, ctx: Ctx, pod: PodObj, nowMs: number): boolean {
  const err = volumeSetupError(state, pod);
  if (!err) return false;
  const status = (pod.status ??= {});
  const node = state.cluster.nodes.find((n) => n.name === pod.spec?.nodeName);
  status.phase = 'Pending';
  if (node) {
    status.hostIP = node.internalIP;
    status.hostIPs = [{ ip: node.internalIP }];
  }
  status.containerStatuses = (pod.spec?.containers ?? []).map((c) => ({ name: c.name, image: c.image ?? '', imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: { reason: 'ContainerCreating' } } }));
  const scheduled = status.conditions?.find((c) => c.type === 'PodScheduled')?.lastTransitionTime;
  const startMs = scheduled ? new Date(scheduled).getTime() : nowMs;
  const a = attempts(startMs, nowMs, (d) => Math.min(d * 2, MOUNT_RETRY_MAX_MS), MOUNT_RETRY_START_MS);
  retrySeries(state, ctx, pod, { reason: 'FailedMount', message: `MountVolume.SetUp failed for volume "${err.volume}" : ${err.message}` }, startMs, a);
  return true;
}

/**
 * The kubelet's container start: Created and Started, or (its env refs missing) the Warning `Failed` event
 * `Error: <why>` instead. Called from startPod for each container.
 */
export function startContainerEvents(state: ClusterState, ctx: Ctx, pod: PodObj, c: Container, nodeName: string): void {
  const fieldPath = `spec.containers{${c.name}}`;
  const err = containerConfigError(state, pod, c);
  if (err) {
    recordEvent(state, ctx, pod, { type: 'Warning', reason: 'Failed', message: `Error: ${err}`, fieldPath, component: 'kubelet', host: nodeName });
    return;
  }
  recordEvent(state, ctx, pod, { reason: 'Created', message: `Created container: ${c.name}`, fieldPath, component: 'kubelet', host: nodeName });
  recordEvent(state, ctx, pod, { reason: 'Started', message: `Started container ${c.name}`, fieldPath, component: 'kubelet', host: nodeName });
}

/** Containers waiting on their config before this sync (to tell when one finally starts). */
export function waitingOnConfig(pod: PodObj): Set<string> {
  return new Set((pod.status?.containerStatuses ?? []).filter((s) => s.state?.waiting?.reason === 'CreateContainerConfigError').map((s) => s.name));
}

/**
 * After the kubelet's status refresh: a container whose config cannot be made is `waiting:
 * CreateContainerConfigError` (the pod Pending, not ready), its Failed event counted at the pod worker's
 * retries; one whose config has appeared since is created and started now.
 */
export function settleContainerConfig(state: ClusterState, ctx: Ctx, pod: PodObj, nowMs: number, wasWaiting: Set<string>): void {
  const status = pod.status;
  if (!status?.startTime) return;
  let anyError = false;
  for (const c of pod.spec?.containers ?? []) {
    const cs = status.containerStatuses?.find((s) => s.name === c.name);
    if (!cs) continue;
    const err = containerConfigError(state, pod, c);
    const fieldPath = `spec.containers{${c.name}}`;
    if (!err) {
      if (wasWaiting.has(c.name)) {
        recordEvent(state, ctx, pod, { reason: 'Created', message: `Created container: ${c.name}`, fieldPath, component: 'kubelet', host: pod.spec?.nodeName });
        recordEvent(state, ctx, pod, { reason: 'Started', message: `Started container ${c.name}`, fieldPath, component: 'kubelet', host: pod.spec?.nodeName });
      }
      continue;
    }
    anyError = true;
    cs.state = { waiting: { reason: 'CreateContainerConfigError', message: err } };
    cs.ready = false;
    cs.started = false;
    cs.restartCount = 0;
    delete cs.lastState;
    const startMs = new Date(status.startTime).getTime();
    retrySeries(state, ctx, pod, { reason: 'Failed', message: `Error: ${err}`, fieldPath }, startMs, attempts(startMs, nowMs, (d) => d, CONFIG_RETRY_MS));
  }
  if (!anyError) return;
  const running = (status.containerStatuses ?? []).some((s) => s.state?.running);
  if (!running) status.phase = 'Pending';
  const unready = (pod.spec?.containers ?? []).filter((c) => !status.containerStatuses?.find((s) => s.name === c.name)?.ready).map((c) => c.name);
  for (const cond of status.conditions ?? []) {
    if (cond.type !== 'Ready' && cond.type !== 'ContainersReady') continue;
    if (cond.status === 'True') cond.lastTransitionTime = rfc3339(new Date(nowMs));
    cond.status = 'False';
    cond.reason = 'ContainersNotReady';
    cond.message = `containers with unready status: [${unready.join(' ')}]`;
  }
}

