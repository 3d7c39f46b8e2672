// Jobs (batch/v1): the API server's defaulting, generated selector and validation, and the job controller
// (pkg/controller/job) as kube-controller-manager 1.32 runs it: pods up to parallelism, succeeded and failed
// pods counted, replacements after the pod failure back-off (10 s doubling, at most 10 min), the
// SuccessCriteriaMet/Complete or FailureTarget/Failed conditions, activeDeadlineSeconds, indexed completion,
// and the TTL-after-finished controller.
//
// There is no daemon: a Job's history is replayed on the simulated clock. Each sync finds the earliest moment
// since the Job was last looked at when something happened to it (a pod finished, a back-off ran out, the
// deadline or the TTL fell due) and acts at that moment, so a Job looked at ten minutes after it was created
// shows the pods, times and events it would have had, whatever the commands in between.
import { InvalidError, type FieldError } from '../api/errors.js';
import { matchesLabelSelector } from '../api/labels.js';
import { resourceByName } from '../api/resources.js';
import type { KubeObject, LabelSelector, Pod, PodTemplateSpec } from '../api/types.js';
import { annotationCauses, checkSubdomain, labelMapCauses, labelSelectorCauses, metadataCauses, validatePodSpec } from '../api/validation.js';
import { getObject, listObjects, putObject } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';
import { fixedClock, rfc3339 } from '../util/clock.js';
import { createObject, deleteObject } from './apiserver.js';
import type { Ctx } from './context.js';
import { namespaceTerminating } from './namespaces.js';
import { recordEvent } from './events.js';
import { canonicalJSON } from './hash.js';
import type { Round } from './informer.js';
import { runKubelet } from './kubelet.js';
import { runKubeletAdmission, runScheduler } from './scheduler.js';
import { containerOutcome } from '../apps/runtime.js';
import type { Strategy } from './strategies.js';
import { defaultPodTemplate, goStringMap } from './workloads.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

export const CONTROLLER_UID = 'batch.kubernetes.io/controller-uid';
export const JOB_NAME = 'batch.kubernetes.io/job-name';
export const LEGACY_CONTROLLER_UID = 'controller-uid';
export const LEGACY_JOB_NAME = 'job-name';
export const COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';

/** The job controller's pod failure back-off: DefaultJobPodFailureBackOff and MaxJobPodFailureBackOff. */
export const POD_FAILURE_BACKOFF_MS = 10_000;
export const MAX_POD_FAILURE_BACKOFF_MS = 600_000;

const MAX_INT32 = 2147483647;

export interface JobSpec {
  parallelism?: number;
  completions?: number;
  activeDeadlineSeconds?: number;
  backoffLimit?: number;
  backoffLimitPerIndex?: number;
  selector?: LabelSelector;
  manualSelector?: boolean;
  template?: PodTemplateSpec;
  ttlSecondsAfterFinished?: number;
  completionMode?: string;
  suspend?: boolean;
  podReplacementPolicy?: string;
  podFailurePolicy?: unknown;
}

export interface JobCondition {
  type: string;
  status: string;
  lastProbeTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface JobStatus {
  conditions?: JobCondition[];
  startTime?: string;
  completionTime?: string;
  active?: number;
  succeeded?: number;
  failed?: number;
  terminating?: number;
  completedIndexes?: string;
  uncountedTerminatedPods?: Record<string, unknown>;
  ready?: number;
}

export type JobObj = KubeObject & { spec?: JobSpec; status?: JobStatus };
type PodObj = Pod & KubeObject;

// ---------------------------------------------------------------------------------------------------------
// Defaulting (SetDefaults_Job) and the generated selector (the job strategy's PrepareForCreate)

export function defaultJob(job: JobObj): void {
  const spec = (job.spec ??= {});
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  spec.backoffLimit ??= spec.backoffLimitPerIndex !== undefined ? MAX_INT32 : 6;
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  if (spec.podFailurePolicy === undefined) spec.podReplacementPolicy ??= 'TerminatingOrFailed';
  else spec.podReplacementPolicy ??= 'Failed';
  spec.manualSelector ??= false;
  defaultPodTemplate(spec.template);
}

/** generateSelector: the controller-uid selector and the four labels on the template (not with manualSelector). */
function generateSelector(job: JobObj): void {
  const spec = job.spec!;
  if (spec.manualSelector) return;
  const uid = job.metadata.uid ?? '';
  const t = (spec.template ??= {});
  const meta = (t.metadata ??= {});
  const labels = (meta.labels ??= {});
  labels[CONTROLLER_UID] ??= uid;
  labels[JOB_NAME] ??= job.metadata.name;
  labels[LEGACY_CONTROLLER_UID] ??= uid;
  labels[LEGACY_JOB_NAME] ??= job.metadata.name;
  spec.selector ??= { matchLabels: { [CONTROLLER_UID]: uid } };
}

// ---------------------------------------------------------------------------------------------------------
// Validation (batch/validation, 1.32 wording)

function nonNegative(v: unknown, field: string, causes: FieldError[]): void {
  if (typeof v === 'number' && v < 0) causes.push({ type: 'Invalid value', field, value: v, detail: 'must be greater than or equal to 0' });
}

export function jobSpecCauses(spec: JobSpec, path: string, selectorRequired: boolean): FieldError[] {
  const causes: FieldError[] = [];
  nonNegative(spec.parallelism, `${path}.parallelism`, causes);
  nonNegative(spec.completions, `${path}.completions`, causes);
  nonNegative(spec.activeDeadlineSeconds, `${path}.activeDeadlineSeconds`, causes);
  nonNegative(spec.backoffLimit, `${path}.backoffLimit`, causes);
  nonNegative(spec.ttlSecondsAfterFinished, `${path}.ttlSecondsAfterFinished`, causes);
  const mode = spec.completionMode;
  if (mode !== undefined && mode !== 'NonIndexed' && mode !== 'Indexed') {
    causes.push({ type: 'Unsupported value', field: `${path}.completionMode`, value: mode, detail: 'supported values: "NonIndexed", "Indexed"' });
  }
  if (mode === 'Indexed') {
    if (spec.completions === undefined) causes.push({ type: 'Required value', field: `${path}.completions`, detail: 'when completion mode is Indexed' });
    if ((spec.parallelism ?? 0) > 100000) causes.push({ type: 'Invalid value', field: `${path}.parallelism`, value: spec.parallelism, detail: 'must be less than or equal to 100000 when completion mode is Indexed' });
  }
  const t = spec.template;
  if (!t) causes.push({ type: 'Required value', field: `${path}.template` });
  else {
    causes.push(...annotationCauses(`${path}.template.metadata.annotations`, t.metadata?.annotations));
    causes.push(...labelMapCauses(`${path}.template.metadata.labels`, t.metadata?.labels));
    causes.push(...validatePodSpec(t.spec, `${path}.template.spec`));
  }
  const rp = t?.spec?.restartPolicy;
  if (rp === 'Always' || !rp) causes.push({ type: 'Required value', field: `${path}.template.spec.restartPolicy`, detail: 'valid values: "OnFailure", "Never"' });
  else if (rp !== 'OnFailure' && rp !== 'Never') causes.push({ type: 'Unsupported value', field: `${path}.template.spec.restartPolicy`, value: rp, detail: 'supported values: "OnFailure", "Never"' });
  if (selectorRequired) {
    if (!spec.selector) causes.push({ type: 'Required value', field: `${path}.selector` });
    else {
      causes.push(...labelSelectorCauses(`${path}.selector`, spec.selector));
      if (!matchesLabelSelector(spec.selector, t?.metadata?.labels)) {
        causes.push({ type: 'Invalid value', field: `${path}.template.metadata.labels`, detail: `${goStringMap(t?.metadata?.labels)}: \`selector\` does not match template \`labels\`` });
      }
    }
  }
  return causes;
}

function validateJob(job: JobObj, old: JobObj | undefined): void {
  const name = job.metadata?.name ?? '';
  const causes: FieldError[] = name ? checkSubdomain('metadata.name', name) : [{ type: 'Required value', field: 'metadata.name', detail: 'name or generateName is required' }];
  causes.push(...metadataCauses(job.metadata));
  const spec = job.spec ?? {};
  // The selector is generated after validation on create, unless the user manages it.
  causes.push(...jobSpecCauses(spec, 'spec', !!old || !!spec.manualSelector || !!spec.selector));
  if (spec.completionMode === 'Indexed' && (spec.completions ?? 0) > 0) {
    const host = `${name}-${(spec.completions ?? 1) - 1}`;
    if (host.length > 63) causes.push({ type: 'Invalid value', field: 'metadata.name', value: name, detail: `will not able to create pod with invalid DNS label: ${host}` });
  }
  if (old) {
    const o = old.spec ?? {};
    const immutable = (field: string, a: unknown, b: unknown, value: string) => {
      if (canonicalJSON(a ?? null) !== canonicalJSON(b ?? null)) causes.push({ type: 'Invalid value', field, detail: `${value}: field is immutable` });
    };
    immutable('spec.completions', spec.completions, o.completions, String(spec.completions ?? 'null'));
    immutable('spec.selector', spec.selector, o.selector, 'v1.LabelSelector{...}');
    immutable('spec.template', spec.template, o.template, 'core.PodTemplateSpec{...}');
    immutable('spec.completionMode', spec.completionMode, o.completionMode, JSON.stringify(spec.completionMode ?? ''));
  }
  if (causes.length) throw new InvalidError('Job', name, causes);
}

export const jobStrategy: Strategy = {
  hasGeneration: true,
  validate(obj, _state, old) {
    const job = obj as JobObj;
    if (!old) {
      // A user may not set the generated labels' selector without manualSelector: the API server keeps
      // their selector only when manualSelector is true.
      defaultJob(job);
    } else {
      defaultJob(job);
      // Immutable and generated: carried over from the stored object when the user's input lacks them.
      const o = (old as JobObj).spec ?? {};
      job.spec!.selector ??= o.selector;
      const labels = job.spec!.template?.metadata?.labels;
      const oldLabels = o.template?.metadata?.labels ?? {};
      if (job.spec!.template && !job.spec!.manualSelector) {
        const meta = (job.spec!.template.metadata ??= {});
        meta.labels = { ...oldLabels, ...(labels ?? {}) };
      }
    }
    validateJob(job, old as JobObj | undefined);
  },
  prepareForCreate(obj) {
    const job = obj as JobObj;
    generateSelector(job);
    // SetDefaults_Job gives the Job its template's labels when it has none (after the generated ones).
    if (!job.metadata.labels || Object.keys(job.metadata.labels).length === 0) {
      const tl = job.spec?.template?.metadata?.labels;
      if (tl && Object.keys(tl).length) job.metadata.labels = { ...tl };
    }
    job.status = {};
  },
  prepareForUpdate(obj) {
    defaultJob(obj as JobObj);
  },
};

// ---------------------------------------------------------------------------------------------------------
// The job controller

export function jobCondition(job: JobObj, type: string): JobCondition | undefined {
  return job.status?.conditions?.find((c) => c.type === type && c.status === 'True');
}

/** Complete or Failed: the Job is done and its controller leaves it (but for the TTL). */
export function jobFinished(job: JobObj): boolean {
  return !!(jobCondition(job, 'Complete') || jobCondition(job, 'Failed'));
}

function newCondition(type: string, reason: string, message: string, at: string): JobCondition {
  return { type, status: 'True', lastProbeTime: at, lastTransitionTime: at, reason, message };
}

/** When a pod reached its terminal phase (its last container's finishedAt), or undefined while it runs. */
function finishedAt(p: PodObj): number | undefined {
  const phase = p.status?.phase;
  if (phase !== 'Succeeded' && phase !== 'Failed') return undefined;
  let t = 0;
  for (const cs of p.status?.containerStatuses ?? []) {
    const f = cs.state?.terminated?.finishedAt;
    if (f) t = Math.max(t, Date.parse(f));
  }
  return t || Date.parse(p.metadata.creationTimestamp ?? '') || 0;
}

/** A pod as it was at time t: terminal only once it had finished; its containers' restarts by then. */
interface PodAt {
  pod: PodObj;
  created: number;
  done?: 'Succeeded' | 'Failed';
  finished?: number;
  index?: number;
  restarts: number;
}

/** The kubelet's crash back-off (10 s doubling to 5 min), for when an OnFailure pod's containers restart. */
const KUBELET_BACKOFF_MS = 10_000;
const KUBELET_MAX_BACKOFF_MS = 300_000;

/** When the containers of a restartPolicy=OnFailure pod restarted after failing, up to `until`, in order. */
function restartTimes(state: ClusterState, pod: PodObj, until: number): number[] {
  if (pod.spec?.restartPolicy !== 'OnFailure' || !pod.status?.startTime) return [];
  const start = Date.parse(pod.status.startTime);
  const out: number[] = [];
  for (const c of pod.spec?.containers ?? []) {
    const o = containerOutcome(pod, c, state);
    if (o.kind !== 'exits' || o.exitCode === 0) continue;
    let runStart = start;
    // As kubelet.ts: the first restart at once, then the back-off.
    let backoff = 0;
    for (let i = 0; i < 10000; i++) {
      const next = runStart + o.afterMs + backoff;
      if (next > until) break;
      out.push(next);
      runStart = next;
      backoff = backoff === 0 ? KUBELET_BACKOFF_MS : Math.min(backoff * 2, KUBELET_MAX_BACKOFF_MS);
    }
  }
  return out.sort((a, b) => a - b);
}

function podsAt(state: ClusterState, pods: PodObj[], t: number): PodAt[] {
  const out: PodAt[] = [];
  for (const pod of pods) {
    const created = Date.parse(pod.metadata.creationTimestamp ?? '');
    if (created > t) continue;
    const f = finishedAt(pod);
    const idx = pod.metadata.annotations?.[COMPLETION_INDEX];
    const entry: PodAt = { pod, created, index: idx === undefined ? undefined : Number(idx), restarts: restartTimes(state, pod, t).length };
    if (f !== undefined && f <= t) {
      entry.done = pod.status!.phase as 'Succeeded' | 'Failed';
      entry.finished = f;
    }
    out.push(entry);
  }
  return out;
}


/** The back-off record: failures since the last success and when the last one happened. */
function backoffDue(pods: PodAt[]): number | undefined {
  let lastSuccess = Number.NEGATIVE_INFINITY;
  for (const p of pods) if (p.done === 'Succeeded') lastSuccess = Math.max(lastSuccess, p.finished!);
  const failures = pods.filter((p) => p.done === 'Failed' && p.finished! >= lastSuccess);
  if (failures.length === 0) return undefined;
  const last = Math.max(...failures.map((p) => p.finished!));
  const delay = Math.min(POD_FAILURE_BACKOFF_MS * 2 ** Math.min(failures.length - 1, 30), MAX_POD_FAILURE_BACKOFF_MS);
  return last + delay;
}

/** "1,3-5": the completed indexes as the controller writes them. */
function formatIndexes(ix: number[]): string {
  const s = [...new Set(ix)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < s.length; ) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j] + 1) j++;
    parts.push(j === i ? String(s[i]) : j === i + 1 ? `${s[i]},${s[j]}` : `${s[i]}-${s[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

function ownerRefTo(job: JobObj) {
  return { apiVersion: 'batch/v1', kind: 'Job', name: job.metadata.name, uid: job.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

function podFor(job: JobObj, index: number | undefined): KubeObject {
  const t = job.spec?.template ?? {};
  const labels: Record<string, string> = { ...(t.metadata?.labels ?? {}) };
  const annotations: Record<string, string> = { ...(t.metadata?.annotations ?? {}) };
  const spec = structuredClone(t.spec ?? { containers: [] }) as NonNullable<Pod['spec']>;
  let generateName = `${job.metadata.name}-`;
  if (index !== undefined) {
    generateName = `${job.metadata.name}-${index}-`;
    annotations[COMPLETION_INDEX] = String(index);
    labels[COMPLETION_INDEX] = String(index);
    spec.hostname ??= `${job.metadata.name}-${index}`;
    for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
      const env = (c.env ??= []);
      if (!env.some((e) => e.name === 'JOB_COMPLETION_INDEX')) {
        env.push({ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: `metadata.annotations['${COMPLETION_INDEX}']` } } } as Any);
      }
    }
  }
  const metadata: Any = { name: '', generateName, namespace: job.metadata.namespace, labels, ownerReferences: [ownerRefTo(job)] };
  if (Object.keys(annotations).length) metadata.annotations = annotations;
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec };
}

/** What the controller decides for the Job at time t, given its pods as they were then. */
interface Decision {
  finish?: { type: 'Complete' | 'Failed'; reason: string; message: string };
  create: (number | undefined)[];
  /** Active pods to delete (the job finished, or too many run). */
  remove: PodAt[];
  /** When the next pod may be created, if the back-off holds it. */
  waitUntil?: number;
}

function decide(job: JobObj, pods: PodAt[], t: number, startMs: number | undefined): Decision {
  const spec = job.spec ?? {};
  const active = pods.filter((p) => !p.done && !p.pod.metadata.deletionTimestamp);
  const succeeded = pods.filter((p) => p.done === 'Succeeded');
  const failed = pods.filter((p) => p.done === 'Failed');
  const d: Decision = { create: [], remove: [] };
  const indexed = spec.completionMode === 'Indexed';
  const completions = spec.completions;
  const parallelism = spec.parallelism ?? 1;
  const backoffLimit = spec.backoffLimit ?? 6;
  const onFailure = spec.template?.spec?.restartPolicy === 'OnFailure';

  const doneIndexes = new Set(succeeded.map((p) => p.index).filter((i): i is number => i !== undefined && i < (completions ?? 0)));
  const succeededCount = indexed ? doneIndexes.size : succeeded.length;
  // Success first (a pod that succeeded counts even past the back-off limit).
  const complete = completions !== undefined ? succeededCount >= completions : succeeded.length > 0 && active.length === 0;
  if (complete) {
    d.finish = { type: 'Complete', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' };
    d.remove = active;
    return d;
  }
  // pastBackoffLimitOnFailure: with OnFailure the containers' restarts count against the limit.
  const restarts = onFailure ? active.reduce((s, p) => s + p.restarts, 0) : 0;
  const pastLimit = failed.length > backoffLimit || (onFailure && (backoffLimit === 0 ? restarts > 0 : restarts >= backoffLimit));
  if (pastLimit) {
    d.finish = { type: 'Failed', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
    d.remove = active;
    return d;
  }
  if (spec.activeDeadlineSeconds !== undefined && startMs !== undefined && t >= startMs + spec.activeDeadlineSeconds * 1000) {
    d.finish = { type: 'Failed', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
    d.remove = active;
    return d;
  }
  if (spec.suspend) {
    d.remove = active;
    return d;
  }
  // How many should run: what is left to complete, at most parallelism.
  let want: number;
  if (indexed) {
    const running = new Set(active.map((p) => p.index));
    const missing: number[] = [];
    for (let i = 0; i < (completions ?? 0) && missing.length + running.size < parallelism; i++) if (!doneIndexes.has(i) && !running.has(i)) missing.push(i);
    want = active.length + missing.length;
    if (missing.length) {
      const due = backoffDue(pods);
      if (due !== undefined && due > t) d.waitUntil = due;
      else d.create = missing;
    }
    return d;
  }
  if (completions === undefined) want = succeeded.length > 0 ? active.length : parallelism;
  else want = Math.min(parallelism, completions - succeededCount);
  if (active.length > want) {
    d.remove = [...active].sort((a, b) => b.created - a.created).slice(0, active.length - want);
  } else if (active.length < want) {
    const due = backoffDue(pods);
    if (due !== undefined && due > t) d.waitUntil = due;
    else d.create = Array.from({ length: want - active.length }, () => undefined);
  }
  return d;
}

/** Every moment ≤ now when something may happen to the Job, in order (pod ends, back-off, deadline). */
function candidateTimes(state: ClusterState, job: JobObj, pods: PodObj[], from: number, now: number, startMs: number | undefined): number[] {
  const times = new Set<number>();
  for (const p of pods) {
    const f = finishedAt(p);
    if (f !== undefined && f > from && f <= now) times.add(f);
    for (const r of restartTimes(state, p, now)) if (r > from) times.add(r);
  }
  const due = backoffDue(podsAt(state, pods, now));
  if (due !== undefined && due > from && due <= now) times.add(due);
  const ads = job.spec?.activeDeadlineSeconds;
  if (ads !== undefined && startMs !== undefined) {
    const dl = startMs + ads * 1000;
    if (dl > from && dl <= now) times.add(dl);
  }
  return [...times].sort((a, b) => a - b);
}

function ownedPods(job: JobObj, r: Round): PodObj[] {
  r.pods.sync();
  const out: PodObj[] = [];
  for (const p of r.pods.ownedBy(job.metadata.uid ?? '')) {
    const full = r.pods.object(`${p.metadata.namespace}/${p.metadata.name}`);
    if (full) out.push(full);
  }
  return out;
}

/** The kubelet's view of the new pods at time t: scheduled and started then, then brought up to now. */
function startPodsAt(state: ClusterState, ctx: Ctx, r: Round, keys: string[], t: number, nowMs: number): void {
  if (!keys.length) return;
  const at: Ctx = { ...ctx, clock: fixedClock(new Date(t)) };
  r.pods.sync();
  runScheduler(state, at, r);
  runKubeletAdmission(state, at, r);
  const round: Round = { pods: r.pods, scope: { pods: new Set(keys), services: new Set(), workloads: new Set(), namespaces: new Set() } };
  runKubelet(state, at, round);
  if (t < nowMs) {
    round.scope!.pods = new Set(keys);
    runKubelet(state, ctx, round);
  }
  r.pods.sync();
}

/** One Job, from when it was last synced up to now. */
export function syncJob(state: ClusterState, ctx: Ctx, job: JobObj, r: Round): void {
  if (job.metadata.deletionTimestamp) return;
  const nowMs = ctx.clock.now().getTime();
  const status: JobStatus = structuredClone(job.status ?? {});
  if (jobFinished(job)) {
    ttlCheck(state, ctx, job, nowMs);
    return;
  }
  const created = Date.parse(job.metadata.creationTimestamp ?? '') || nowMs;
  let pods = ownedPods(job, r);
  // suspend: the controller removes the running pods and says so; resuming starts the clock again.
  const nowISO = rfc3339(ctx.clock.now());
  const susp = status.conditions?.find((c) => c.type === 'Suspended');
  if (job.spec?.suspend) {
    if (susp?.status !== 'True') {
      status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== 'Suspended'), newCondition('Suspended', 'JobSuspended', 'Job suspended', nowISO)];
      for (const p of podsAt(state, pods, nowMs).filter((x) => !x.done)) {
        deleteObject(state, ctx, resourceByName('pods'), p.pod.metadata.namespace, p.pod.metadata.name, { reconcile: false });
        recordEvent(state, ctx, job, { reason: 'SuccessfulDelete', message: `Deleted pod: ${p.pod.metadata.name}`, component: 'job-controller' });
      }
      recordEvent(state, ctx, job, { reason: 'Suspended', message: 'Job suspended', component: 'job-controller' });
      pods = ownedPods(job, r);
    }
    writeStatus(state, job, status, podsAt(state, pods, nowMs), 0);
    return;
  }
  if (susp?.status === 'True') {
    const resumed = newCondition('Suspended', 'JobResumed', 'Job resumed', nowISO);
    resumed.status = 'False';
    status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== 'Suspended'), resumed];
    status.startTime = nowISO;
    recordEvent(state, ctx, job, { reason: 'Resumed', message: 'Job resumed', component: 'job-controller' });
  }
  // The history replayed starts at creation, or at the last suspend/resume (what came before is settled).
  const since = status.conditions?.find((c) => c.type === 'Suspended');
  let from = (since?.lastTransitionTime ? Math.max(created, Date.parse(since.lastTransitionTime)) : created) - 1;
  let startMs = status.startTime ? Date.parse(status.startTime) : undefined;
  const podTimes = () => candidateTimes(state, job, pods, from, nowMs, startMs);
  // Replay: the job's moments since it was created (or last changed its conditions), then now.
  for (let guard = 0; guard < 1000; guard++) {
    const pending = podTimes();
    const t = pending.length ? pending[0] : nowMs;
    // The first sync of a Job happens when it is created.
    const at = startMs === undefined && !job.spec?.suspend ? Math.min(t, Math.max(created, from + 1)) : t;
    const atISO = rfc3339(new Date(at));
    const atCtx: Ctx = { ...ctx, clock: fixedClock(new Date(at)) };
    if (startMs === undefined && !job.spec?.suspend) {
      startMs = Math.floor(at / 1000) * 1000;
      status.startTime = rfc3339(new Date(startMs));
    }
    const view = podsAt(state, pods, at);
    const d = decide(job, view, at, startMs);
    const newKeys: string[] = [];
    for (const p of d.remove) {
      deleteObject(state, atCtx, resourceByName('pods'), p.pod.metadata.namespace, p.pod.metadata.name, { reconcile: false });
      recordEvent(state, atCtx, job, { reason: 'SuccessfulDelete', message: `Deleted pod: ${p.pod.metadata.name}`, component: 'job-controller' });
    }
    for (const index of namespaceTerminating(state, job.metadata.namespace) ? [] : d.create) {
      const pod = createObject(state, atCtx, podFor(job, index), { namespace: job.metadata.namespace!, reconcile: false }) as PodObj;
      recordEvent(state, atCtx, job, { reason: 'SuccessfulCreate', message: `Created pod: ${pod.metadata.name}`, component: 'job-controller' });
      newKeys.push(`${pod.metadata.namespace}/${pod.metadata.name}`);
    }
    startPodsAt(state, ctx, r, newKeys, at, nowMs);
    if (d.create.length || d.remove.length) pods = ownedPods(job, r);
    if (d.finish) {
      const conds = [...(status.conditions ?? [])];
      if (d.finish.type === 'Complete') {
        conds.push(newCondition('SuccessCriteriaMet', d.finish.reason, d.finish.message, atISO), newCondition('Complete', d.finish.reason, d.finish.message, atISO));
        status.completionTime = atISO;
        recordEvent(state, atCtx, job, { reason: 'Completed', message: 'Job completed', component: 'job-controller' });
      } else {
        conds.push(newCondition('FailureTarget', d.finish.reason, d.finish.message, atISO), newCondition('Failed', d.finish.reason, d.finish.message, atISO));
        recordEvent(state, atCtx, job, { type: 'Warning', reason: d.finish.reason, message: d.finish.message, component: 'job-controller' });
      }
      status.conditions = conds;
      // The pods the controller deleted on finishing count as failed, as their tracking finalizers are removed.
      writeStatus(state, job, status, podsAt(state, pods, at), d.remove.length);
      ttlCheck(state, ctx, job, nowMs);
      return;
    }
    // Pods made now may finish at once (a command that exits at start): look at this moment again.
    if (d.create.length) {
      from = at - 1;
      continue;
    }
    from = at;
    if (at >= nowMs) break;
  }
  writeStatus(state, job, status, podsAt(state, pods, nowMs), 0);
}

function writeStatus(state: ClusterState, job: JobObj, status: JobStatus, pods: PodAt[], extraFailed: number): void {
  const active = pods.filter((p) => !p.done && !p.pod.metadata.deletionTimestamp);
  const succeeded = pods.filter((p) => p.done === 'Succeeded');
  const failed = pods.filter((p) => p.done === 'Failed').length + extraFailed;
  const ready = active.filter((p) => p.pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
  const next: JobStatus = {};
  if (status.conditions?.length) next.conditions = status.conditions;
  if (status.startTime) next.startTime = status.startTime;
  if (status.completionTime) next.completionTime = status.completionTime;
  if (active.length) next.active = active.length;
  if (succeeded.length) next.succeeded = succeeded.length;
  if (failed) next.failed = failed;
  next.terminating = 0;
  if (job.spec?.completionMode === 'Indexed') {
    const ix = formatIndexes(succeeded.map((p) => p.index).filter((i): i is number => i !== undefined));
    if (ix) next.completedIndexes = ix;
  }
  next.uncountedTerminatedPods = {};
  next.ready = ready;
  if (canonicalJSON(next) !== canonicalJSON(job.status ?? {})) {
    job.status = next;
    putObject(state, 'jobs', job);
  }
}

/** When the TTL-after-finished controller deletes a finished Job, or undefined. */
export function ttlDue(job: JobObj): number | undefined {
  const ttl = job.spec?.ttlSecondsAfterFinished;
  if (ttl === undefined) return undefined;
  const c = jobCondition(job, 'Complete') ?? jobCondition(job, 'Failed');
  if (!c?.lastTransitionTime) return undefined;
  return Date.parse(c.lastTransitionTime) + ttl * 1000;
}

function ttlCheck(state: ClusterState, ctx: Ctx, job: JobObj, nowMs: number): void {
  const due = ttlDue(job);
  if (due === undefined || nowMs < due) return;
  deleteObject(state, ctx, resourceByName('jobs'), job.metadata.namespace, job.metadata.name, { reconcile: false });
}

/** The job controller over the queued Jobs (all of them in a full reconcile). */
export function runJobController(state: ClusterState, ctx: Ctx, r: Round): void {
  if (!r.scope) {
    for (const job of listObjects<JobSpec>(state, 'jobs') as JobObj[]) syncJob(state, ctx, job, r);
    return;
  }
  // Scoped: only the queued keys, each once (a sync may queue more: the loop takes them too).
  for (let guard = 0; guard < 10000; guard++) {
    r.refresh?.();
    const next = [...r.scope.workloads].filter((k) => k.startsWith('jobs/')).sort()[0];
    if (next === undefined) return;
    r.scope.workloads.delete(next);
    const [, ns, name] = next.split('/');
    const job = getObject<JobSpec>(state, 'jobs', ns, name) as JobObj | undefined;
    if (job) syncJob(state, ctx, job, r);
  }
}

/** Whether time alone may still change this Job: it runs, or it has finished and waits for its TTL. */
export function jobUnsettled(job: JobObj): boolean {
  if (!jobFinished(job)) return !job.spec?.suspend || (job.status?.active ?? 0) > 0;
  return job.spec?.ttlSecondsAfterFinished !== undefined;
}
