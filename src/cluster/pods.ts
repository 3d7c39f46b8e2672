// Pods: the API server's defaulting, the scheduler, host-local IP address management and the kubelet.
// The kubelet computes container state from timestamps when it runs, so CrashLoopBackOff, restarts and
// readiness move on as time passes without any daemon.
import { createHash } from 'node:crypto';
import { containerOutcome } from '../apps/runtime.js';
import type { Container, KubeObject, Pod } from '../api/types.js';
import { validateObject } from '../api/validation.js';
import { getObject, listObjects, putObject } from '../store/objects.js';
import type { ClusterState, NodeConfig } from '../store/state.js';
import { rfc3339 } from '../util/clock.js';
import { addToIPv4, ipv4ToInt, intToIPv4 } from '../util/ip.js';
import type { Ctx } from './context.js';
import { sortKeys, type PodInformer, type Round } from './informer.js';
import { findSeries, recordEvent } from './events.js';
import { settleContainerConfig, startContainerEvents, waitForVolumes, waitingOnConfig } from './containerconfig.js';
import type { Strategy } from './strategies.js';

type PodObj = Pod & KubeObject;

const NOT_READY_TOLERATIONS = [
  { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
  { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
];

/** imagePullPolicy default: Always for :latest or no tag, else IfNotPresent. */
export function defaultPullPolicy(image: string): string {
  const lastSlash = image.lastIndexOf('/');
  const tagPart = image.slice(lastSlash + 1);
  if (image.includes('@')) return 'IfNotPresent';
  const colon = tagPart.indexOf(':');
  if (colon < 0) return 'Always';
  return tagPart.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(c: Container, apiAccessVolume: string | undefined): void {
  c.imagePullPolicy ??= defaultPullPolicy(c.image ?? '');
  c.resources ??= {};
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  if (apiAccessVolume && !c.volumeMounts?.some((m) => m.mountPath === '/var/run/secrets/kubernetes.io/serviceaccount')) {
    (c.volumeMounts ??= []).push({ mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: apiAccessVolume, readOnly: true });
  }
}

/** API server defaulting plus the admission plugins every cluster runs (ServiceAccount, DefaultTolerationSeconds). */
export function defaultPod(pod: PodObj, ctx: Ctx): void {
  const spec = (pod.spec ??= { containers: [] });
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.enableServiceLinks ??= true;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  spec.priority ??= 0;
  spec.restartPolicy ??= 'Always';
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  spec.serviceAccountName ??= spec.serviceAccount ?? 'default';
  spec.serviceAccount ??= spec.serviceAccountName;
  spec.terminationGracePeriodSeconds ??= 30;
  const tolerations = (spec.tolerations ??= []);
  for (const t of NOT_READY_TOLERATIONS) {
    if (!tolerations.some((x) => x.key === t.key && x.effect === t.effect)) tolerations.push({ ...t });
  }
  let apiAccess: string | undefined;
  if (spec.automountServiceAccountToken !== false) {
    apiAccess = spec.volumes?.find((v) => v.name.startsWith('kube-api-access-'))?.name;
    if (!apiAccess) {
      apiAccess = `kube-api-access-${ctx.random.nameSuffix(5)}`;
      (spec.volumes ??= []).push({
        name: apiAccess,
        projected: {
          defaultMode: 420,
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
            {
              downwardAPI: {
                items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }],
              },
            },
          ],
        },
      });
    }
  }
  for (const c of spec.initContainers ?? []) defaultContainer(c, apiAccess);
  for (const c of spec.containers ?? []) defaultContainer(c, apiAccess);
  pod.status = { phase: 'Pending', qosClass: qosClass(pod) };
}

function qosClass(pod: PodObj): string {
  const all = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  let anySet = false;
  let guaranteed = all.length > 0;
  for (const c of all) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) anySet = true;
    for (const r of ['cpu', 'memory']) {
      const l = (lim as Record<string, unknown>)[r];
      const q = (req as Record<string, unknown>)[r] ?? l;
      if (l === undefined || String(l) !== String(q)) guaranteed = false;
    }
  }
  if (!anySet) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

export const podStrategy: Strategy = {
  validate(obj, _state, old) {
    validateObject(obj, old);
  },
  prepareForCreate(obj, _state, ctx) {
    defaultPod(obj as PodObj, ctx);
  },
  prepareForUpdate(obj, old) {
    // Pod spec is immutable but for images and a few fields; kubesim keeps the old spec's defaults.
    const o = old as PodObj;
    const p = obj as PodObj;
    p.spec = { ...o.spec!, containers: o.spec!.containers.map((c, i) => ({ ...c, image: p.spec?.containers?.[i]?.image ?? c.image })) };
    p.status = o.status;
  },
};

// ---------------------------------------------------------------------------------------------------------
// Scheduler

type Taint = { key: string; effect: string; value?: string };

/** The first NoSchedule/NoExecute taint of the node that the pod does not tolerate. */
function untoleratedTaint(pod: PodObj, node: KubeObject): Taint | undefined {
  const taints = ((node.spec as { taints?: Taint[] })?.taints ?? []).filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
  return taints.find(
    (t) =>
      !(pod.spec?.tolerations ?? []).some(
        (tol) => (tol.operator === 'Exists' && (!tol.key || tol.key === t.key)) || (tol.key === t.key && (tol.value ?? '') === (t.value ?? '')),
      ),
  );
}

/** How many pods the node admits (status.allocatable.pods, 110 by default). */
function podCapacity(node: KubeObject): number {
  const n = Number((node.status as { allocatable?: { pods?: string } } | undefined)?.allocatable?.pods ?? 110);
  return Number.isFinite(n) ? n : 110;
}

const NOT_HELPFUL = 'Preemption is not helpful for scheduling';
const NO_VICTIMS = 'No preemption victims found for incoming pod';

/**
 * Why a node cannot take the pod, from the first filter plugin that rejects it, in the default profile's
 * order (NodeUnschedulable, TaintToleration, NodeAffinity, NodeResourcesFit), with what preemption would say.
 */
function filterNode(pod: PodObj, node: KubeObject, active: number): [string, string] | undefined {
  if ((node.spec as { unschedulable?: boolean } | undefined)?.unschedulable) return ['node(s) were unschedulable', NOT_HELPFUL];
  const taint = untoleratedTaint(pod, node);
  if (taint) return [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`, NOT_HELPFUL];
  if (!nodeSelectorMatches(pod, node)) return ["node(s) didn't match Pod's node affinity/selector", NOT_HELPFUL];
  if (active >= podCapacity(node)) return ['Too many pods', NO_VICTIMS];
  return undefined;
}

/** The scheduler's FitError text: a histogram of reasons, each "<count> <reason>", sorted as strings. */
function fitError(nodeCount: number, reasons: [string, string][]): string {
  const histogram = (xs: string[]) => {
    const counts = new Map<string, number>();
    for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
    return [...counts].map(([r, n]) => `${n} ${r}`).sort().join(', ');
  };
  const head = `0/${nodeCount} nodes are available`;
  return `${head}: ${histogram(reasons.map((r) => r[0]))}. preemption: ${head}: ${histogram(reasons.map((r) => r[1]))}.`;
}

function nodeSelectorMatches(pod: PodObj, node: KubeObject): boolean {
  const sel = pod.spec?.nodeSelector ?? {};
  const labels = node.metadata.labels ?? {};
  return Object.entries(sel).every(([k, v]) => labels[k] === v);
}

/**
 * Places pending pods: only schedulable nodes whose taints the pod tolerates; among them the ones with the
 * fewest pods (kube-scheduler's spreading scores), ties broken by the seeded random source.
 */
export function runScheduler(state: ClusterState, ctx: Ctx, r: Round): void {
  const pending = r.pods.pending();
  if (pending.length === 0) return;
  const nodes = listObjects(state, 'nodes');
  const load = new Map<string, number>();
  const active = new Map<string, number>();
  for (const n of nodes) {
    load.set(n.metadata.name, r.pods.podsOn(n.metadata.name));
    active.set(n.metadata.name, r.pods.activeOn(n.metadata.name));
  }
  for (const listed of pending) {
    const pod = r.pods.object(`${listed.metadata.namespace}/${listed.metadata.name}`);
    if (!pod) continue;
    const reasons: [string, string][] = [];
    const fits: KubeObject[] = [];
    for (const n of nodes) {
      const why = filterNode(pod, n, active.get(n.metadata.name) ?? 0);
      if (why) reasons.push(why);
      else fits.push(n);
    }
    if (fits.length === 0) {
      markUnschedulable(state, ctx, pod, fitError(nodes.length, reasons));
      continue;
    }
    const least = Math.min(...fits.map((n) => load.get(n.metadata.name) ?? 0));
    const best = fits.filter((n) => (load.get(n.metadata.name) ?? 0) === least);
    const node = best[ctx.random.int(best.length)];
    bindPod(state, ctx, pod, node.metadata.name);
    load.set(node.metadata.name, least + 1);
    active.set(node.metadata.name, (active.get(node.metadata.name) ?? 0) + 1);
  }
}

/** The PodScheduled=False condition and a FailedScheduling event, again only when the reason changed. */
function markUnschedulable(state: ClusterState, ctx: Ctx, pod: PodObj, message: string): void {
  const status = (pod.status ??= {});
  const cur = status.conditions?.find((c) => c.type === 'PodScheduled');
  if (cur && cur.message === message) return;
  const now = rfc3339(ctx.clock.now());
  status.conditions = [{ type: 'PodScheduled', status: 'False', lastProbeTime: null as unknown as string, lastTransitionTime: cur?.status === 'False' ? cur.lastTransitionTime : now, reason: 'Unschedulable', message }];
  putObject(state, 'pods', pod);
  recordEvent(state, ctx, pod, { type: 'Warning', reason: 'FailedScheduling', message, component: 'default-scheduler' });
}

function bindPod(state: ClusterState, ctx: Ctx, pod: PodObj, nodeName: string): void {
  pod.spec!.nodeName = nodeName;
  const now = rfc3339(ctx.clock.now());
  pod.status = { ...(pod.status ?? {}), phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null as unknown as string, lastTransitionTime: now }] };
  putObject(state, 'pods', pod);
  recordEvent(state, ctx, pod, {
    reason: 'Scheduled',
    message: `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${nodeName}`,
    component: 'default-scheduler',
  });
}

// ---------------------------------------------------------------------------------------------------------
// IP address management (host-local on each node's podCIDR, as kindnet configures it)

function nodeConfig(state: ClusterState, name: string): NodeConfig | undefined {
  return state.cluster.nodes.find((n) => n.name === name);
}

/**
 * The next free address of the node's podCIDR after the last one handed out (host-local keeps moving forward,
 * so a re-created pod gets a new IP). .1 is the node's gateway on the pod network.
 */
export function allocatePodIP(state: ClusterState, nodeName: string, pods: PodInformer): string | undefined {
  const node = nodeConfig(state, nodeName);
  if (!node) return undefined;
  const [base, bitsText] = node.podCIDR.split('/');
  const size = 2 ** (32 - Number(bitsText));
  pods.sync();
  const last = state.ipam[nodeName] ?? 1;
  for (let step = 1; step < size - 2; step++) {
    let offset = last + step;
    if (offset >= size - 1) offset = 2 + ((offset - 2) % (size - 3));
    const ip = addToIPv4(base, offset);
    if (!pods.ipInUse(nodeName, ip)) {
      state.ipam[nodeName] = offset;
      return ip;
    }
  }
  return undefined;
}

/** 10.244.N.1: the node's address on its pod network (what a pod sees when its own node connects). */
export function nodeGatewayIP(state: ClusterState, nodeName: string): string | undefined {
  const node = nodeConfig(state, nodeName);
  if (!node) return undefined;
  return intToIPv4(ipv4ToInt(node.podCIDR.split('/')[0]) + 1);
}

// ---------------------------------------------------------------------------------------------------------
// Kubelet

const BACKOFF_START_MS = 10_000;
const BACKOFF_MAX_MS = 300_000;

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The fully qualified reference containerd reports: docker.io/library/nginx:latest. */
export function normalizeImage(image: string): string {
  let ref = image;
  const first = ref.split('/')[0];
  const hasRegistry = ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasRegistry) ref = ref.includes('/') ? `docker.io/${ref}` : `docker.io/library/${ref}`;
  const last = ref.slice(ref.lastIndexOf('/') + 1);
  if (!last.includes(':') && !ref.includes('@')) ref += ':latest';
  return ref;
}

export function imageID(image: string): string {
  const ref = normalizeImage(image);
  const repo = ref.includes('@') ? ref.slice(0, ref.indexOf('@')) : ref.slice(0, ref.lastIndexOf(':'));
  return `${repo}@sha256:${digest(`image:${repo}`)}`;
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
export function containerTimeline(startMs: number, nowMs: number, outcome: ReturnType<typeof containerOutcome>, restartPolicy: string, readyDelayMs: number | undefined): RunTimeline {
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
  let backoff = BACKOFF_START_MS;
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
    backoffs.count += 1;
    backoffs.first ??= iso(runEnd);
    backoffs.last = iso(Math.min(nowMs, nextStart));
    if (nowMs < nextStart) {
      return {
        restartCount,
        state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${humanBackoff(backoff)} restarting failed container` } },
        lastState: { terminated: term },
        ready: false,
        started: false,
        backoffs,
      };
    }
    last = term;
    restartCount += 1;
    runStart = nextStart;
    backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
  }
  return { restartCount, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: last ? { terminated: last } : {}, ready: false, started: false, backoffs };
}

function humanBackoff(ms: number): string {
  const s = ms / 1000;
  return s >= 60 ? `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : '0s'}` : `${s}s`;
}

function readyDelay(c: Container): number | undefined {
  const probe = c.readinessProbe;
  if (!probe) return undefined;
  return (probe.initialDelaySeconds ?? 0) * 1000;
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
    const status = (pod.status ??= {});
    const before = JSON.stringify(pod.status);
    // A pod whose sandbox got no address yet is retried, as the kubelet retries sandbox creation.
    const noSandbox = !pod.spec?.hostNetwork && !status.podIP;
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
  const containerIDs: Record<string, string> = {};
  const nodeObj = getObject(state, 'nodes', undefined, nodeName);
  const nodeStatus = (nodeObj?.status ?? {}) as { images?: { names: string[]; sizeBytes: number }[] };
  const images = (nodeStatus.images ??= []);
  for (const c of pod.spec?.containers ?? []) {
    const image = c.image ?? '';
    const fieldPath = `spec.containers{${c.name}}`;
    const present = images.some((i) => i.names.includes(normalizeImage(image)));
    if (present && c.imagePullPolicy !== 'Always') {
      recordEvent(state, ctx, pod, { reason: 'Pulled', message: `Container image "${image}" already present on machine`, fieldPath, component: 'kubelet', host: nodeName });
    } else {
      const size = imageSize(image);
      const pullMs = 400 + ctx.random.int(5000);
      const secs = formatPullDuration(pullMs);
      recordEvent(state, ctx, pod, { reason: 'Pulling', message: `Pulling image "${image}"`, fieldPath, component: 'kubelet', host: nodeName });
      recordEvent(state, ctx, pod, {
        reason: 'Pulled',
        message: `Successfully pulled image "${image}" in ${secs} (${secs} including waiting). Image size: ${size} bytes.`,
        fieldPath,
        component: 'kubelet',
        host: nodeName,
      });
      if (!present) images.push({ names: [imageID(image), normalizeImage(image)], sizeBytes: size });
    }
    startContainerEvents(state, ctx, pod, c, nodeName);
    containerIDs[c.name] = `containerd://${ctx.random.hex(64)}`;
  }
  if (nodeObj) putObject(state, 'nodes', nodeObj);
  // Container IDs are stable for the pod's life; refreshPodStatus keeps them.
  status.containerStatuses = (pod.spec?.containers ?? []).map((c) => ({
    name: c.name,
    image: normalizeImage(c.image ?? ''),
    imageID: imageID(c.image ?? ''),
    containerID: containerIDs[c.name],
    ready: false,
    restartCount: 0,
    started: false,
    state: { waiting: { reason: 'ContainerCreating' } },
  }));
  return true;
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
    message: `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "${sandbox}": plugin type="ptp" failed (add): failed to allocate for range 0: no IP addresses available in range set: ${range}`,
    component: 'kubelet',
    host: pod.spec?.nodeName,
  });
}

function formatPullDuration(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(3).replace(/\.?0+$/, '')}s` : `${ms}ms`;
}

function imageSize(image: string): number {
  return 2_000_000 + (parseInt(digest(`size:${normalizeImage(image)}`).slice(0, 8), 16) % 200_000_000);
}

function refreshPodStatus(state: ClusterState, ctx: Ctx, pod: PodObj, nowMs: number): void {
  const status = pod.status!;
  const startMs = new Date(status.startTime!).getTime();
  const restartPolicy = pod.spec?.restartPolicy ?? 'Always';
  const statuses = status.containerStatuses ?? [];
  let allReady = true;
  let anyRunning = false;
  let anyWaiting = false;
  let allSucceeded = true;
  let anyFailed = false;
  for (const c of pod.spec?.containers ?? []) {
    const cs = statuses.find((s) => s.name === c.name);
    if (!cs) continue;
    const outcome = containerOutcome(pod, c, state, ctx);
    const t = containerTimeline(startMs, nowMs, outcome, restartPolicy, readyDelay(c));
    const containerID = cs.containerID;
    cs.restartCount = t.restartCount;
    cs.ready = t.ready;
    cs.started = t.started;
    cs.state = t.state.terminated ? { terminated: { ...t.state.terminated, containerID } } : (t.state as typeof cs.state);
    if (t.lastState.terminated) cs.lastState = { terminated: { ...t.lastState.terminated, containerID } };
    else delete cs.lastState;
    if (t.state.running) anyRunning = true;
    if (t.state.waiting) anyWaiting = true;
    if (!t.ready) allReady = false;
    if (!(t.state.terminated && t.state.terminated.exitCode === 0)) allSucceeded = false;
    if (t.state.terminated && t.state.terminated.exitCode !== 0) anyFailed = true;
    if (t.backoffs.count > 0) {
      recordBackOff(state, ctx, pod, c.name, t.backoffs);
    }
  }
  if (anyRunning || anyWaiting) status.phase = 'Running';
  else if (allSucceeded) status.phase = 'Succeeded';
  else if (anyFailed) status.phase = 'Failed';
  const started = status.startTime!;
  const readyTransition = allReady ? latestReadyTime(pod, startMs) : started;
  const podReady = allReady && (anyRunning || false);
  const initialized = 'True';
  const containersDone = status.phase === 'Succeeded' || status.phase === 'Failed';
  status.conditions = [
    { type: 'PodReadyToStartContainers', status: containersDone ? 'False' : 'True', lastProbeTime: null as unknown as string, lastTransitionTime: started },
    { type: 'Initialized', status: initialized, lastProbeTime: null as unknown as string, lastTransitionTime: started, ...(containersDone ? { reason: 'PodCompleted' } : {}) },
    { type: 'Ready', status: podReady ? 'True' : 'False', lastProbeTime: null as unknown as string, lastTransitionTime: podReady ? readyTransition : started, ...(podReady ? {} : { reason: containersDone ? 'PodCompleted' : 'ContainersNotReady', ...(containersDone ? {} : { message: `containers with unready status: [${(pod.spec?.containers ?? []).filter((c) => !statuses.find((s) => s.name === c.name)?.ready).map((c) => c.name).join(' ')}]` }) }) },
    { type: 'ContainersReady', status: podReady ? 'True' : 'False', lastProbeTime: null as unknown as string, lastTransitionTime: podReady ? readyTransition : started, ...(podReady ? {} : { reason: containersDone ? 'PodCompleted' : 'ContainersNotReady', ...(containersDone ? {} : { message: `containers with unready status: [${(pod.spec?.containers ?? []).filter((c) => !statuses.find((s) => s.name === c.name)?.ready).map((c) => c.name).join(' ')}]` }) }) },
    { type: 'PodScheduled', status: 'True', lastProbeTime: null as unknown as string, lastTransitionTime: status.conditions?.find((c) => c.type === 'PodScheduled')?.lastTransitionTime ?? started },
  ];
}

function latestReadyTime(pod: PodObj, startMs: number): string {
  let latest = startMs;
  for (const c of pod.spec?.containers ?? []) {
    const d = readyDelay(c);
    if (d) latest = Math.max(latest, startMs + d);
  }
  return rfc3339(new Date(latest));
}

function recordBackOff(state: ClusterState, ctx: Ctx, pod: PodObj, container: string, b: RunTimeline['backoffs']): void {
  const message = `Back-off restarting failed container ${container} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
  const fieldPath = `spec.containers{${container}}`;
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
