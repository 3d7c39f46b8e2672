// The kubelet: starts scheduled pods (sandbox address, images, containers, init containers first) and keeps
// their status in step with time. It computes container state from timestamps when it runs, so
// CrashLoopBackOff, restarts, probes and readiness move on as time passes without any daemon.
import { createHash } from 'node:crypto';
import { containerOutcome } from '../apps/runtime.js';
import { openProcess, startArgv } from '../apps/process.js';
import type { Container, ContainerStatus, KubeObject, Pod } from '../api/types.js';
import { openNet } from '../net/index.js';
import { getObject, listObjects, putObject } from '../store/objects.js';
import type { ClusterState, NodeConfig } from '../store/state.js';
import { rfc3339 } from '../util/clock.js';
import { addToIPv4 } from '../util/ip.js';
import type { Ctx } from './context.js';
import { containerConfigError, settleContainerConfig, waitForVolumes, waitingOnConfig } from './containerconfig.js';
import { findSeries, recordEvent, syncSeries } from './events.js';
import { ensureImage, IMAGE_WAITING_REASONS, imageID, normalizeImage, refreshImageBackOff } from './image-pulls.js';
import { sortKeys, type PodInformer, type Round } from './informer.js';
import { allocatePodIP, nodeConfig, nodeGatewayIP } from './pods.js';
import { containerIDPrefix, runtimeImageID, runtimeImageName } from './shape.js';
import { killedExitCode, probePlan, syncProbeEvents, type ProbePlan, type ProbeVerdict } from './probes.js';

type PodObj = Pod & KubeObject;

const BACKOFF_START_MS = 10_000;
const BACKOFF_MAX_MS = 300_000;

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

interface RunTimeline {
  /** restarts completed by `now` */
  restartCount: number;
  state: { running?: { startedAt: string }; waiting?: { reason: string; message?: string }; terminated?: Terminated };
  lastState: { terminated?: Terminated };
  ready: boolean;
  started: boolean;
  /** when the kubelet began the latest back-off, for the BackOff event */
  backoffs: { first?: string; last?: string; count: number };
}

interface Terminated {
  exitCode: number;
  reason: string;
  startedAt: string;
  finishedAt: string;
  containerID?: string;
}

/**
 * Where a container is at `now`, given when the pod started and what its process does (runs forever or exits
 * after some time with a code), under the pod's restart policy: the same arithmetic the kubelet's back-off follows.
 */
export function containerTimeline(startMs: number, nowMs: number, outcome: ReturnType<typeof containerOutcome>, restartPolicy: string, readyDelayMs: number | undefined, who = ''): RunTimeline {
  const iso = (ms: number) => rfc3339(new Date(ms));
  if (outcome.kind === 'runs') {
    const readyAt = startMs + (readyDelayMs ?? 0);
    return { restartCount: 0, state: { running: { startedAt: iso(startMs) } }, lastState: {}, ready: nowMs >= readyAt, started: true, backoffs: { count: 0 } };
  }
  const restarts = restartPolicy === 'Always' || (restartPolicy === 'OnFailure' && outcome.exitCode !== 0);
  const reason = outcome.exitCode === 0 ? 'Completed' : 'Error';
  let runStart = startMs;
  let restartCount = 0;
  let last: Terminated | undefined;
  // The kubelet restarts a container the first time it exits at once; each later exit waits out the back-off.
  let backoff = 0;
  const backoffs: RunTimeline['backoffs'] = { count: 0 };
  for (let guard = 0; guard < 100000; guard++) {
    const runEnd = runStart + outcome.afterMs;
    if (nowMs < runEnd) {
      return { restartCount, state: { running: { startedAt: iso(runStart) } }, lastState: last ? { terminated: last } : {}, ready: nowMs >= runStart + (readyDelayMs ?? 0), started: true, backoffs };
    }
    const term: Terminated = { exitCode: outcome.exitCode, reason, startedAt: iso(runStart), finishedAt: iso(runEnd) };
    if (!restarts) {
      return { restartCount, state: { terminated: term }, lastState: last ? { terminated: last } : {}, ready: false, started: false, backoffs };
    }
    const nextStart = runEnd + backoff;
    if (backoff > 0) {
      backoffs.count += 1;
      backoffs.first ??= iso(runEnd);
      backoffs.last = iso(Math.min(nowMs, nextStart));
    }
    if (nowMs < nextStart) {
      return {
        restartCount,
        state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${humanBackoff(backoff)} restarting failed ${who}` } },
        lastState: { terminated: term },
        ready: false,
        started: false,
        backoffs,
      };
    }
    last = term;
    restartCount += 1;
    runStart = nextStart;
    backoff = backoff === 0 ? BACKOFF_START_MS : Math.min(backoff * 2, BACKOFF_MAX_MS);
  }
  return { restartCount, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: last ? { terminated: last } : {}, ready: false, started: false, backoffs };
}

function humanBackoff(ms: number): string {
  const s = ms / 1000;
  return s >= 60 ? `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : '0s'}` : `${s}s`;
}

/**
 * Starts scheduled pods (IP, events, status) and keeps running pods' status in step with time.
 * Writes only when something changed, so that reads stay pure.
 */
export function runKubelet(state: ClusterState, ctx: Ctx, r: Round): void {
  const nowMs = ctx.clock.now().getTime();
  // Scoped: the pods that changed and those whose status still moves with time; full: every pod.
  const pods = r.scope ? sortKeys(r.scope.pods).map((k) => r.pods.object(k)) : listObjects<Pod>(state, 'pods');
  for (const pod of pods) {
    if (!pod) continue;
    const nodeName = pod.spec?.nodeName;
    if (!nodeName || pod.metadata.deletionTimestamp) continue;
    if (pod.status?.phase === 'Failed' && !pod.status.startTime) continue; // rejected at admission (scheduler.ts)
    const status = (pod.status ??= {});
    const before = JSON.stringify(pod.status);
    // A pod whose sandbox got no address yet is retried, as the kubelet retries sandbox creation.
    const noSandbox = !pod.spec?.hostNetwork && !status.podIP;
    // Volumes are set up before the sandbox: a missing ConfigMap or Secret keeps the pod ContainerCreating.
    const waiting = !status.startTime && waitForVolumes(state, ctx, pod, nowMs);
    if (waiting || ((!status.startTime || noSandbox) && !startPod(state, ctx, pod, nodeName, r.pods))) {
      if (JSON.stringify(pod.status) !== before) putObject(state, 'pods', pod);
      continue;
    }
    const wasWaiting = waitingOnConfig(pod);
    refreshPodStatus(state, ctx, pod, nowMs);
    settleContainerConfig(state, ctx, pod, nowMs, wasWaiting);
    if (JSON.stringify(pod.status) !== before) putObject(state, 'pods', pod);
  }
}

/**
 * Makes the pod's sandbox (an address from host-local IPAM), pulls its images and starts its containers.
 * False when the node's podCIDR has no free address: the pod stays ContainerCreating with kindnet's error.
 */
function startPod(state: ClusterState, ctx: Ctx, pod: PodObj, nodeName: string, pods: PodInformer): boolean {
  const node = nodeConfig(state, nodeName);
  const now = ctx.clock.now();
  const hostIP = node?.internalIP ?? '';
  const podIP = pod.spec?.hostNetwork ? hostIP : allocatePodIP(state, nodeName, pods);
  const status = pod.status!;
  status.hostIP = hostIP;
  status.hostIPs = [{ ip: hostIP }];
  status.startTime ??= rfc3339(now);
  if (!podIP) {
    sandboxFailed(state, ctx, pod, node);
    return false;
  }
  status.podIP = podIP;
  status.podIPs = [{ ip: podIP }];
  const init = pod.spec?.initContainers ?? [];
  if (init.length) {
    // Init containers run first, one by one (refreshInit creates each when its turn comes); the app
    // containers wait for them.
    status.initContainerStatuses = init.map((c) => waitingStatus(c, 'PodInitializing'));
    status.containerStatuses = (pod.spec?.containers ?? []).map((c) => waitingStatus(c, 'PodInitializing'));
    return true;
  }
  withNodeImages(state, nodeName, (images) => {
    status.containerStatuses = (pod.spec?.containers ?? []).map((c) => createContainer(state, ctx, pod, c, 'containers', images));
  });
  return true;
}

type NodeImage = { names: string[]; sizeBytes: number };

/** Runs fn with the node's image list (node.status.images), saving the node if fn pulled anything. */
function withNodeImages(state: ClusterState, nodeName: string, fn: (images: NodeImage[]) => void): void {
  const nodeObj = getObject(state, 'nodes', undefined, nodeName);
  const nodeStatus = (nodeObj?.status ?? {}) as { images?: NodeImage[] };
  const images = (nodeStatus.images ??= []);
  const before = JSON.stringify(images);
  fn(images);
  // A node written for nothing would wake every DaemonSet (a node change may change where they run).
  if (nodeObj && JSON.stringify(images) !== before) putObject(state, 'nodes', nodeObj);
}

function waitingStatus(c: Container, reason: string, message?: string): ContainerStatus {
  return { name: c.name, image: c.image ?? '', imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: message ? { reason, message } : { reason } } };
}

/**
 * Creates one container at `atMs` (default now): its image first, then the container. Its ID is stable for the
 * pod's life. A container whose image is not there is never created: no ID, the image as the spec names it,
 * and the kubelet's waiting reason.
 */
function createContainer(state: ClusterState, ctx: Ctx, pod: PodObj, c: Container, field: 'containers' | 'initContainers', images: NodeImage[], atMs?: number): ContainerStatus {
  const nodeName = pod.spec?.nodeName ?? '';
  const at = atMs === undefined ? undefined : new Date(atMs);
  const fieldPath = `spec.${field}{${c.name}}`;
  const step = ensureImage(state, ctx, pod, c, nodeName, images, fieldPath, at);
  if (step.kind === 'failed') return waitingStatus(c, step.reason, step.message);
  // A container whose environment cannot be made is not created (settleContainerConfig keeps it waiting).
  const configError = containerConfigError(state, pod, c);
  if (configError) recordEvent(state, ctx, pod, { type: 'Warning', reason: 'Failed', message: `Error: ${configError}`, fieldPath, component: 'kubelet', host: nodeName, at });
  else {
    recordEvent(state, ctx, pod, { reason: 'Created', message: `Created container: ${c.name}`, fieldPath, component: 'kubelet', host: nodeName, at });
    recordEvent(state, ctx, pod, { reason: 'Started', message: `Started container ${c.name}`, fieldPath, component: 'kubelet', host: nodeName, at });
  }
  return {
    name: c.name,
    image: runtimeImageName(state.cluster, normalizeImage(c.image ?? '')),
    imageID: runtimeImageID(state.cluster, imageID(c.image ?? '')),
    containerID: `${containerIDPrefix(state.cluster)}${ctx.random.hex(64)}`,
    ready: false,
    restartCount: 0,
    started: false,
    state: { waiting: { reason: 'ContainerCreating' } },
  };
}

/** No address left in the node's range: the CNI's error, as the kubelet reports a failed sandbox. */
function sandboxFailed(state: ClusterState, ctx: Ctx, pod: PodObj, node: NodeConfig | undefined): void {
  const status = pod.status!;
  status.phase = 'Pending';
  status.containerStatuses = (pod.spec?.containers ?? []).map((c) => ({
    name: c.name,
    image: c.image ?? '',
    imageID: '',
    ready: false,
    restartCount: 0,
    started: false,
    state: { waiting: { reason: 'ContainerCreating' } },
  }));
  const [base, bits] = (node?.podCIDR ?? '0.0.0.0/32').split('/');
  const size = 2 ** (32 - Number(bits));
  const range = `${addToIPv4(base, 1)}-${addToIPv4(base, size - 2)}`;
  // One sandbox id per pod, so that retries count up one event series instead of flooding the namespace.
  const sandbox = digest(`sandbox:${pod.metadata.uid}`);
  recordEvent(state, ctx, pod, {
    type: 'Warning',
    reason: 'FailedCreatePodSandBox',
    message:
      state.cluster.cni?.plugin === 'calico'
        ? `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "${sandbox}": plugin type="calico" failed (add): failed to request 1 IPv4 addresses. IPAM allocated only 0`
        : `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "${sandbox}": plugin type="ptp" failed (add): failed to allocate for range 0: no IP addresses available in range set: ${range}`,
    component: 'kubelet',
    host: pod.spec?.nodeName,
  });
}

function refreshPodStatus(state: ClusterState, ctx: Ctx, pod: PodObj, nowMs: number): void {
  const status = pod.status!;
  const startMs = new Date(status.startTime!).getTime();
  const started = status.startTime!;
  const restartPolicy = pod.spec?.restartPolicy ?? 'Always';
  const init = pod.spec?.initContainers?.length ? refreshInit(state, ctx, pod, startMs, nowMs) : undefined;
  if (init && init.mainStartMs === undefined) {
    // Still initializing, or an init container failed for good (restartPolicy Never).
    status.phase = init.failed ? 'Failed' : 'Pending';
    const unready = (pod.spec?.containers ?? []).map((c) => c.name);
    status.conditions = podConditions(status, { done: init.failed, initialized: false, incomplete: init.incomplete, ready: false, unready, startedAt: started, readyAt: started });
    return;
  }
  const mainStartMs = init?.mainStartMs ?? startMs;
  if (init) {
    // The init containers are done: the app containers are created now (at the moment the last one ended).
    withNodeImages(state, pod.spec?.nodeName ?? '', (images) => {
      status.containerStatuses = (pod.spec?.containers ?? []).map((c) => {
        const cs = status.containerStatuses?.find((x) => x.name === c.name);
        return cs && (cs.containerID || cs.state?.waiting?.reason !== 'PodInitializing') ? cs : createContainer(state, ctx, pod, c, 'containers', images, mainStartMs);
      });
    });
  }
  const statuses = status.containerStatuses ?? [];
  let allReady = init?.sidecarsReady ?? true;
  let anyRunning = false;
  let anyWaiting = false;
  let allSucceeded = true;
  let anyFailed = false;
  let neverStarted = false;
  const plans = containerProbePlans(state, ctx, pod);
  for (const c of pod.spec?.containers ?? []) {
    const cs = statuses.find((s) => s.name === c.name);
    if (!cs) continue;
    const waiting = cs.state?.waiting;
    if (!cs.containerID && waiting && IMAGE_WAITING_REASONS.has(waiting.reason ?? '')) {
      // Never created: its image is not there. The pod stays Pending until a pull succeeds.
      cs.state = { waiting: refreshImageBackOff(state, ctx, pod, c, `spec.containers{${c.name}}`, mainStartMs, nowMs, { reason: waiting.reason!, message: waiting.message }) };
      neverStarted = true;
      allReady = false;
      allSucceeded = false;
      continue;
    }
    const plan = plans.get(c.name)!;
    const t = runContainer(state, ctx, pod, c, cs, plan, 'containers', mainStartMs, nowMs, restartPolicy);
    if (t.state.running) anyRunning = true;
    if (t.state.waiting) anyWaiting = true;
    if (!t.ready) allReady = false;
    if (!(t.state.terminated && t.state.terminated.exitCode === 0)) allSucceeded = false;
    if (t.state.terminated && t.state.terminated.exitCode !== 0) anyFailed = true;
  }
  // The kubelet's getPhase: a container that has never run keeps the pod Pending.
  if (neverStarted) status.phase = 'Pending';
  else if (anyRunning || anyWaiting) status.phase = 'Running';
  else if (allSucceeded) status.phase = 'Succeeded';
  else if (anyFailed) status.phase = 'Failed';
  const podReady = allReady && anyRunning;
  const containersDone = status.phase === 'Succeeded' || status.phase === 'Failed';
  const unready = (pod.spec?.containers ?? []).filter((c) => !statuses.find((s) => s.name === c.name)?.ready).map((c) => c.name);
  status.conditions = podConditions(status, {
    done: containersDone,
    initialized: true,
    initializedAt: init ? rfc3339(new Date(mainStartMs)) : started,
    incomplete: [],
    ready: podReady,
    unready,
    startedAt: started,
    readyAt: podReady ? latestReadyTime(pod, mainStartMs, plans) : started,
  });
}

/** The pod's conditions as the kubelet's status manager sets them. */
function podConditions(
  status: NonNullable<Pod['status']>,
  o: { done: boolean; initialized: boolean; initializedAt?: string; incomplete: string[]; ready: boolean; unready: string[]; startedAt: string; readyAt: string },
): NonNullable<Pod['status']>['conditions'] {
  const nul = null as unknown as string;
  const notReady = o.done ? { reason: 'PodCompleted' } : { reason: 'ContainersNotReady', message: `containers with unready status: [${o.unready.join(' ')}]` };
  const initialized = o.initialized
    ? { type: 'Initialized', status: 'True', lastProbeTime: nul, lastTransitionTime: o.initializedAt ?? o.startedAt, ...(o.done ? { reason: 'PodCompleted' } : {}) }
    : { type: 'Initialized', status: 'False', lastProbeTime: nul, lastTransitionTime: o.startedAt, reason: 'ContainersNotInitialized', message: `containers with incomplete status: [${o.incomplete.join(' ')}]` };
  return [
    { type: 'PodReadyToStartContainers', status: o.done ? 'False' : 'True', lastProbeTime: nul, lastTransitionTime: o.startedAt },
    initialized,
    { type: 'Ready', status: o.ready ? 'True' : 'False', lastProbeTime: nul, lastTransitionTime: o.readyAt, ...(o.ready ? {} : notReady) },
    { type: 'ContainersReady', status: o.ready ? 'True' : 'False', lastProbeTime: nul, lastTransitionTime: o.readyAt, ...(o.ready ? {} : notReady) },
    { type: 'PodScheduled', status: 'True', lastProbeTime: nul, lastTransitionTime: status.conditions?.find((c) => c.type === 'PodScheduled')?.lastTransitionTime ?? o.startedAt },
  ];
}

/**
 * One container's runs from `runStartMs` to now under the restart policy, with what its probes decide, written
 * into its status; the back-off and probe events are counted up to now.
 */
function runContainer(state: ClusterState, ctx: Ctx, pod: PodObj, c: Container, cs: ContainerStatus, plan: ProbePlan, field: 'containers' | 'initContainers', runStartMs: number, nowMs: number, restartPolicy: string): RunTimeline {
  let outcome = containerOutcome(pod, c, state, ctx);
  // Failing liveness or startup probes end the run, unless the process ends first.
  if (plan.killAfterMs !== undefined && (outcome.kind === 'runs' || outcome.afterMs > plan.killAfterMs)) {
    outcome = { kind: 'exits', exitCode: killedExitCode(c, ctx.images ?? []), afterMs: plan.killAfterMs };
  }
  const t = containerTimeline(runStartMs, nowMs, outcome, restartPolicy, plan.readyAfterMs, `container=${c.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`);
  const containerID = cs.containerID;
  cs.restartCount = t.restartCount;
  cs.ready = t.ready;
  cs.started = t.started;
  cs.state = t.state.terminated ? { terminated: { ...t.state.terminated, containerID } } : (t.state as typeof cs.state);
  if (t.lastState.terminated) cs.lastState = { terminated: { ...t.lastState.terminated, containerID } };
  else delete cs.lastState;
  if (t.backoffs.count > 0) recordBackOff(state, ctx, pod, c.name, field, t.backoffs);
  if (plan.startedAfterMs !== undefined && t.state.running) cs.started = nowMs >= Date.parse(t.state.running.startedAt) + plan.startedAfterMs;
  if (plan.failing.length) {
    const runStart = t.state.running ? Date.parse(t.state.running.startedAt) : undefined;
    const lastKill = t.state.terminated?.finishedAt ?? t.lastState.terminated?.finishedAt;
    const sync = (type: 'Normal' | 'Warning', reason: string, message: string, count: number, first: number, last: number) =>
      syncSeries(state, ctx, pod, { type, reason, message, fieldPath: `spec.${field}{${c.name}}`, component: 'kubelet', host: pod.spec?.nodeName }, count, first, last);
    syncProbeEvents(sync, c, plan, runStartMs, runStart, t.restartCount, nowMs, lastKill ? Date.parse(lastKill) : undefined);
  }
  return t;
}

interface InitProgress {
  /** When the app containers start: every init container has completed (sidecars have started). */
  mainStartMs?: number;
  /** An init container failed under restartPolicy Never: the pod has failed. */
  failed: boolean;
  /** Init containers not done yet (the Initialized condition's message). */
  incomplete: string[];
  /** Every sidecar (init container with restartPolicy Always) is ready. */
  sidecarsReady: boolean;
}

/**
 * Init containers, one after the other from the pod's start: each is created when the previous one has
 * completed, and must exit 0 (restarted with the back-off when it fails, unless the pod's policy is Never).
 * A sidecar starts and lets the next one go once its startup probe passes; it keeps running beside the app.
 */
function refreshInit(state: ClusterState, ctx: Ctx, pod: PodObj, startMs: number, nowMs: number): InitProgress {
  const init = pod.spec?.initContainers ?? [];
  const status = pod.status!;
  const statuses = (status.initContainerStatuses ??= init.map((c) => waitingStatus(c, 'PodInitializing')));
  const policy = pod.spec?.restartPolicy === 'Never' ? 'Never' : 'OnFailure';
  const gateway = nodeGatewayIP(state, pod.spec?.nodeName ?? '') ?? '';
  const progress: InitProgress = { failed: false, incomplete: [], sidecarsReady: true };
  const stop = (i: number, failed = false): InitProgress => ({ ...progress, failed, incomplete: init.slice(i).map((c) => c.name) });
  let t = startMs;
  for (let i = 0; i < init.length; i++) {
    const c = init[i];
    if (t > nowMs) return stop(i);
    let k = statuses.findIndex((x) => x.name === c.name);
    if (k < 0) k = statuses.push(waitingStatus(c, 'PodInitializing')) - 1;
    if (!statuses[k].containerID && !IMAGE_WAITING_REASONS.has(statuses[k].state?.waiting?.reason ?? '')) {
      withNodeImages(state, pod.spec?.nodeName ?? '', (images) => (statuses[k] = createContainer(state, ctx, pod, c, 'initContainers', images, t)));
    }
    const cs = statuses[k];
    const waiting = cs.state?.waiting;
    if (!cs.containerID) {
      cs.state = { waiting: refreshImageBackOff(state, ctx, pod, c, `spec.initContainers{${c.name}}`, t, nowMs, { reason: waiting?.reason ?? 'ErrImagePull', message: waiting?.message }) };
      return stop(i);
    }
    if (c.restartPolicy === 'Always') {
      const plan = probePlan(pod, c, gateway, ctx, (command) => execProbe(state, ctx, pod, c, command));
      const tl = runContainer(state, ctx, pod, c, cs, plan, 'initContainers', t, nowMs, 'Always');
      if (!tl.ready) progress.sidecarsReady = false;
      t += plan.startedAfterMs ?? 0;
      if (!Number.isFinite(t) || t > nowMs) return stop(i);
      continue;
    }
    const tl = runContainer(state, ctx, pod, c, cs, { failing: [] }, 'initContainers', t, nowMs, policy);
    const term = tl.state.terminated;
    if (term && term.exitCode === 0) {
      // A completed init container counts as ready.
      cs.ready = true;
      t = Math.max(t, Date.parse(term.finishedAt));
      continue;
    }
    // The prober marks a regular init container ready only once it has exited 0: while it runs it is not.
    cs.ready = false;
    return stop(i, !!term);
  }
  return { ...progress, mainStartMs: t };
}

function latestReadyTime(pod: PodObj, startMs: number, plans: Map<string, ProbePlan>): string {
  let latest = startMs;
  for (const c of pod.spec?.containers ?? []) {
    const d = plans.get(c.name)?.readyAfterMs;
    if (d && Number.isFinite(d)) latest = Math.max(latest, startMs + d);
  }
  return rfc3339(new Date(latest));
}

/** Each container's probe plan: its probes run once against the pod as it is now. */
export function containerProbePlans(state: ClusterState, ctx: Ctx, pod: PodObj): Map<string, ProbePlan> {
  const plans = new Map<string, ProbePlan>();
  const gateway = nodeGatewayIP(state, pod.spec?.nodeName ?? '') ?? '';
  for (const c of pod.spec?.containers ?? []) {
    const probed = c.readinessProbe || c.livenessProbe || c.startupProbe;
    plans.set(c.name, probed ? probePlan(pod, c, gateway, ctx, (command) => execProbe(state, ctx, pod, c, command)) : { failing: [] });
  }
  return plans;
}

/** An exec probe: the command runs in the container through the simulated shell; exit 0 passes. */
function execProbe(state: ClusterState, ctx: Ctx, pod: PodObj, c: Container, command: string[]): ProbeVerdict {
  const net = openNet(state, ctx, { images: ctx.images });
  const host = net.topo.podByKey.get(`${pod.metadata.namespace}/${pod.metadata.name}`);
  if (!host) return { ok: false, output: '' };
  const p = openProcess(net, host, c, { stdoutTTY: false, tty: false, images: ctx.images });
  const r = startArgv(p, command, '');
  if (r.kind === 'not-found') return { ok: false, output: `OCI runtime exec failed: exec failed: unable to start container process: exec: "${r.binary}": executable file not found in $PATH: unknown` };
  return { ok: r.code === 0, output: r.out.stdout + r.out.stderr };
}

function recordBackOff(state: ClusterState, ctx: Ctx, pod: PodObj, container: string, field: 'containers' | 'initContainers', b: RunTimeline['backoffs']): void {
  const message = `Back-off restarting failed container ${container} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
  const fieldPath = `spec.${field}{${container}}`;
  const e = findSeries(state, pod, 'BackOff', message, fieldPath, 'kubelet');
  if (e) {
    if (e.count === b.count && e.lastTimestamp === b.last) return;
    e.count = b.count;
    e.lastTimestamp = b.last;
    putObject(state, 'events', e);
    return;
  }
  const ev = recordEvent(state, ctx, pod, { type: 'Warning', reason: 'BackOff', message, fieldPath, component: 'kubelet', host: pod.spec?.nodeName, at: new Date(b.first!) });
  ev.count = b.count;
  ev.lastTimestamp = b.last;
}
