// CronJobs (batch/v1): defaulting and validation as the API server does them, and the CronJob controller
// (pkg/controller/cronjob, the v2 controller of kube-controller-manager 1.32) on the simulated clock: a Job per
// due schedule time, named <cronjob>-<scheduled time in minutes since the epoch>, concurrencyPolicy, suspend,
// startingDeadlineSeconds, the active list, and the finished Jobs kept by the history limits.
//
// The controller is taken to run all along on the simulated clock: when the clock has moved past several
// schedule times since the last look, each gets its Job, created at that time (so every read shows the same
// Jobs, whichever commands were run in between). Past 100 due times at once, the controller's own guard
// applies: only the most recent one is started, with the TooManyMissedTimes warning.
import { InvalidError, type FieldError } from '../api/errors.js';
import { resourceByName } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { checkSubdomain, metadataCauses } from '../api/validation.js';
import { getObject, listObjects, putObject } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';
import { fixedClock, rfc3339 } from '../util/clock.js';
import { CronError, nextActivation, parseCron, validZone, zoneOffset, type CronSchedule } from '../util/cron.js';
import { createObject, deleteObject } from './apiserver.js';
import type { Ctx } from './context.js';
import { namespaceTerminating } from './namespaces.js';
import { findSeries, recordEvent } from './events.js';
import { canonicalJSON } from './hash.js';
import type { Round } from './informer.js';
import { jobFinished, jobSpecCauses, jobCondition, syncJob, type JobObj, type JobSpec } from './jobs.js';
import type { Strategy } from './strategies.js';
import { defaultPodTemplate } from './workloads.js';

export const SCHEDULED_TIMESTAMP = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

interface ObjectReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  resourceVersion?: string;
  uid?: string;
}

export interface CronJobSpec {
  schedule?: string;
  timeZone?: string;
  startingDeadlineSeconds?: number;
  concurrencyPolicy?: string;
  suspend?: boolean;
  jobTemplate?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: JobSpec };
  successfulJobsHistoryLimit?: number;
  failedJobsHistoryLimit?: number;
}

export interface CronJobStatus {
  active?: ObjectReference[];
  lastScheduleTime?: string;
  lastSuccessfulTime?: string;
}

export type CronJobObj = KubeObject & { spec?: CronJobSpec; status?: CronJobStatus };

/** Many missed start times: the controller stops counting (and warns) past 100. */
const MANY_MISSED = 101;

export function defaultCronJob(cj: CronJobObj): void {
  const spec = (cj.spec ??= {});
  spec.concurrencyPolicy ??= 'Allow';
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  const jt = spec.jobTemplate;
  if (jt) {
    // The job template's metadata carries the zero creationTimestamp, as the template's does.
    const meta = (jt.metadata ??= {}) as Record<string, unknown>;
    if (meta.creationTimestamp === undefined) meta.creationTimestamp = null;
    defaultPodTemplate(jt.spec?.template);
  }
}

const TZ_PART = /^[A-Za-z.\-_0-9+]{1,14}$/;

function validateCronJob(cj: CronJobObj, old: CronJobObj | undefined): void {
  const name = cj.metadata?.name ?? '';
  const causes: FieldError[] = name ? checkSubdomain('metadata.name', name) : [{ type: 'Required value', field: 'metadata.name', detail: 'name or generateName is required' }];
  // The Jobs it makes add 11 characters (a dash and the minutes since the epoch): 52 at most.
  if (name.length > 52) causes.push({ type: 'Invalid value', field: 'metadata.name', value: name, detail: 'must be no more than 52 characters' });
  causes.push(...metadataCauses(cj.metadata));
  const spec = cj.spec ?? {};
  const schedule = spec.schedule;
  if (!schedule) causes.push({ type: 'Required value', field: 'spec.schedule' });
  else {
    try {
      parseCron(schedule);
    } catch (e) {
      if (!(e instanceof CronError)) throw e;
      causes.push({ type: 'Invalid value', field: 'spec.schedule', value: schedule, detail: e.message });
    }
    const oldSchedule = old?.spec?.schedule ?? '';
    const allowTZ = !!old && oldSchedule.includes('TZ');
    if (allowTZ && schedule.includes('TZ') && spec.timeZone !== undefined) causes.push({ type: 'Invalid value', field: 'spec.schedule', value: schedule, detail: 'cannot use both timeZone field and TZ or CRON_TZ in schedule' });
    else if (!allowTZ && schedule.includes('TZ')) causes.push({ type: 'Invalid value', field: 'spec.schedule', value: schedule, detail: 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead' });
  }
  const tz = spec.timeZone;
  if (tz !== undefined) {
    if (tz === '') causes.push({ type: 'Invalid value', field: 'spec.timeZone', value: '', detail: 'timeZone must be nil or non-empty string' });
    else if (tz.split('/').some((p) => p === '.' || p === '..' || p.startsWith('-') || !TZ_PART.test(p)) || !validZone(tz) || tz === 'Local') {
      causes.push({ type: 'Invalid value', field: 'spec.timeZone', value: tz, detail: `unknown time zone ${tz}` });
    }
  }
  const cp = spec.concurrencyPolicy;
  if (!cp) causes.push({ type: 'Required value', field: 'spec.concurrencyPolicy' });
  else if (!['Allow', 'Forbid', 'Replace'].includes(cp)) causes.push({ type: 'Unsupported value', field: 'spec.concurrencyPolicy', value: cp, detail: 'supported values: "Allow", "Forbid", "Replace"' });
  for (const f of ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit'] as const) {
    const v = spec[f];
    if (typeof v === 'number' && v < 0) causes.push({ type: 'Invalid value', field: `spec.${f}`, value: v, detail: 'must be greater than or equal to 0' });
  }
  const jt = spec.jobTemplate?.spec;
  if (!jt) causes.push({ type: 'Required value', field: 'spec.jobTemplate.spec.template' });
  else causes.push(...jobSpecCauses(jt, 'spec.jobTemplate.spec', !!jt.manualSelector));
  if (causes.length) throw new InvalidError('CronJob', name, causes);
}

export const cronJobStrategy: Strategy = {
  hasGeneration: true,
  validate(obj, _state, old) {
    defaultCronJob(obj as CronJobObj);
    validateCronJob(obj as CronJobObj, old as CronJobObj | undefined);
  },
  prepareForCreate(obj) {
    obj.status = {};
  },
  prepareForUpdate(obj, old, state, _ctx, opts) {
    defaultCronJob(obj as CronJobObj);
    if ((old as CronJobObj).spec?.suspend && !(obj as CronJobObj).spec?.suspend && !opts.dryRun) {
      let set = RESUMED.get(state);
      if (!set) RESUMED.set(state, (set = new Set()));
      set.add(`${obj.metadata.namespace}/${obj.metadata.name}`);
    }
  },
};

/**
 * CronJobs resumed by this command's write. The times they missed while suspended are not replayed: as for the
 * real controller after a resume, only the most recent unmet time is started (the reconcile of the same
 * command runs at the resume's time).
 */
const RESUMED = new WeakMap<ClusterState, Set<string>>();

// ---------------------------------------------------------------------------------------------------------
// The controller

function scheduleOf(cj: CronJobObj): CronSchedule | undefined {
  try {
    return parseCron(cj.spec?.schedule ?? '');
  } catch {
    return undefined;
  }
}

/** mostRecentScheduleTime: the latest schedule time ≤ now since the last one (or creation), and how many were missed. */
export function mostRecentScheduleTime(cj: CronJobObj, nowMs: number, s: CronSchedule): { time?: number; missed: number } {
  const zone = cj.spec?.timeZone;
  let earliest = Date.parse(cj.status?.lastScheduleTime ?? cj.metadata.creationTimestamp ?? '');
  if (Number.isNaN(earliest)) earliest = nowMs;
  const sds = cj.spec?.startingDeadlineSeconds;
  if (sds !== undefined) earliest = Math.max(earliest, nowMs - sds * 1000);
  const t1 = nextActivation(s, earliest, zone);
  if (t1 === undefined || nowMs < t1) return { missed: 0 };
  const t2 = nextActivation(s, t1, zone);
  if (t2 === undefined || nowMs < t2) return { time: t1, missed: 1 };
  const between = Math.round((t2 - t1) / 1000);
  if (between < 1) return { missed: 0 };
  const elapsed = Math.floor((nowMs - t1) / 1000);
  const missed = Math.floor(elapsed / between) + 1;
  // From a potential earliest time, step to the most recent one (as the controller does, for speed).
  const potentialEarliest = t1 + (missed - 2) * between * 1000;
  let recent: number | undefined;
  for (let t = nextActivation(s, potentialEarliest, zone), guard = 0; t !== undefined && t <= nowMs && guard < 100000; t = nextActivation(s, t, zone), guard++) recent = t;
  return { time: recent, missed: missed > 100 ? MANY_MISSED : missed };
}

/** The next schedule time after now (for `describe` and for tests). */
export function nextScheduleTime(cj: CronJobObj, nowMs: number): number | undefined {
  const s = scheduleOf(cj);
  return s && nextActivation(s, nowMs, cj.spec?.timeZone);
}

function jobRef(job: KubeObject): ObjectReference {
  return { apiVersion: 'batch/v1', kind: 'Job', name: job.metadata.name, namespace: job.metadata.namespace, resourceVersion: job.metadata.resourceVersion, uid: job.metadata.uid };
}

/** RFC 3339 in the schedule's zone, as the scheduled-timestamp annotation carries it. */
function rfc3339In(ms: number, zone: string | undefined): string {
  const off = zoneOffset(ms, zone);
  if (off === 0) return rfc3339(new Date(ms));
  const wall = new Date(ms + off).toISOString().slice(0, 19);
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off) / 60000;
  return `${wall}${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

function jobFromTemplate(cj: CronJobObj, scheduled: number): KubeObject {
  const jt = cj.spec?.jobTemplate ?? {};
  const annotations: Record<string, string> = { ...(jt.metadata?.annotations ?? {}), [SCHEDULED_TIMESTAMP]: rfc3339In(scheduled, cj.spec?.timeZone) };
  const metadata: KubeObject['metadata'] = {
    name: `${cj.metadata.name}-${Math.floor(scheduled / 60000)}`,
    namespace: cj.metadata.namespace,
    annotations,
    ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: cj.metadata.name, uid: cj.metadata.uid!, controller: true, blockOwnerDeletion: true }],
  };
  if (jt.metadata?.labels && Object.keys(jt.metadata.labels).length) metadata.labels = { ...jt.metadata.labels };
  return { apiVersion: 'batch/v1', kind: 'Job', metadata, spec: structuredClone(jt.spec ?? {}) };
}

function finishedType(job: JobObj): string | undefined {
  return jobCondition(job, 'Complete') ? 'Complete' : jobCondition(job, 'Failed') ? 'Failed' : undefined;
}

/** When the Job finished (its Complete or Failed condition), or undefined while it runs. */
function finishedAtMs(job: JobObj): number | undefined {
  const c = jobCondition(job, 'Complete') ?? jobCondition(job, 'Failed');
  return c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : undefined;
}

/**
 * The schedule times to act on since the last one (or the CronJob's creation), oldest first. The controller
 * runs all along on the simulated clock, so each time gets its Job at that time; past 100 of them (the clock
 * moved a long way at once), only the most recent, with the controller's TooManyMissedTimes warning.
 */
function dueTimes(state: ClusterState, cj: CronJobObj, nowMs: number, s: CronSchedule): { times: number[]; tooMany: boolean; late: boolean } {
  const zone = cj.spec?.timeZone;
  let earliest = Date.parse(cj.status?.lastScheduleTime ?? cj.metadata.creationTimestamp ?? '');
  if (Number.isNaN(earliest)) earliest = nowMs;
  const times: number[] = [];
  if (RESUMED.get(state)?.delete(`${cj.metadata.namespace}/${cj.metadata.name}`)) {
    const { time, missed } = mostRecentScheduleTime(cj, nowMs, s);
    return { times: time === undefined ? [] : [time], tooMany: missed === MANY_MISSED, late: true };
  }
  for (let t = nextActivation(s, earliest, zone); t !== undefined && t <= nowMs; t = nextActivation(s, t, zone)) {
    times.push(t);
    if (times.length > 100) {
      const { time } = mostRecentScheduleTime(cj, nowMs, s);
      return { times: time === undefined ? [] : [time], tooMany: true, late: true };
    }
  }
  return { times, tooMany: false, late: false };
}

function syncCronJob(state: ClusterState, ctx: Ctx, cj: CronJobObj, r: Round): void {
  // In a terminating namespace its Jobs could not be created: it waits to be deleted.
  if (namespaceTerminating(state, cj.metadata.namespace)) return;
  const nowMs = ctx.clock.now().getTime();
  const uid = cj.metadata.uid;
  const ns = cj.metadata.namespace;
  const status: CronJobStatus = structuredClone(cj.status ?? {});
  const jobs = new Map<string, JobObj>();
  for (const j of listObjects<JobSpec>(state, 'jobs', ns) as JobObj[]) if (j.metadata.ownerReferences?.some((x) => x.controller && x.uid === uid)) jobs.set(j.metadata.uid ?? '', j);
  const active = new Map((status.active ?? []).map((x) => [x.uid ?? '', x]));
  const at = (t: number): Ctx => ({ ...ctx, clock: fixedClock(new Date(t)) });
  /** The active list as it was at time t: finished Jobs leave it (SawCompletedJob), unlisted running ones join. */
  const refreshActive = (t: number) => {
    for (const [u, j] of jobs) {
      const fin = finishedAtMs(j);
      const done = fin !== undefined && fin <= t;
      if (!done && !active.has(u) && Date.parse(j.metadata.creationTimestamp ?? '') <= t) active.set(u, jobRef(j));
      else if (done && active.has(u)) {
        active.delete(u);
        recordEvent(state, at(fin!), cj, { reason: 'SawCompletedJob', message: `Saw completed job: ${j.metadata.name}, condition: ${finishedType(j)}`, component: 'cronjob-controller' });
      }
      if (done && finishedType(j) === 'Complete' && j.status?.completionTime && (!status.lastSuccessfulTime || status.lastSuccessfulTime < j.status.completionTime)) status.lastSuccessfulTime = j.status.completionTime;
    }
    for (const [u, ref] of [...active]) {
      if (jobs.has(u)) continue;
      active.delete(u);
      recordEvent(state, at(t), cj, { type: 'Warning', reason: 'MissingJob', message: `Active job went missing: ${ref.name}`, component: 'cronjob-controller' });
    }
  };
  /** cleanupFinishedJobs at time t: the oldest Jobs finished by then beyond the history limits go (by start time). */
  const cleanup = (t: number) => {
    if (cj.metadata.deletionTimestamp) return;
    const finished = [...jobs.values()].filter((j) => (finishedAtMs(j) ?? Infinity) <= t);
    const start = (j: JobObj) => j.status?.startTime ?? j.metadata.creationTimestamp ?? '';
    for (const [type, limit] of [
      ['Complete', cj.spec?.successfulJobsHistoryLimit],
      ['Failed', cj.spec?.failedJobsHistoryLimit],
    ] as const) {
      if (limit === undefined) continue;
      const list = finished.filter((j) => finishedType(j) === type).sort((a, b) => start(a).localeCompare(start(b)) || a.metadata.name.localeCompare(b.metadata.name));
      for (const j of list.slice(0, Math.max(0, list.length - limit))) {
        jobs.delete(j.metadata.uid ?? '');
        if (!getObject(state, 'jobs', ns, j.metadata.name)) continue;
        deleteObject(state, at(t), resourceByName('jobs'), ns, j.metadata.name, { reconcile: false });
        recordEvent(state, at(t), cj, { reason: 'SuccessfulDelete', message: `Deleted job ${j.metadata.name}`, component: 'cronjob-controller' });
      }
    }
  };
  const s = scheduleOf(cj);
  if (!cj.metadata.deletionTimestamp && !cj.spec?.suspend && s) {
    const { times, tooMany, late } = dueTimes(state, cj, nowMs, s);
    if (tooMany) {
      recordEvent(state, ctx, cj, { type: 'Warning', reason: 'TooManyMissedTimes', message: 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew', component: 'cronjob-controller' });
    }
    const sds = cj.spec?.startingDeadlineSeconds;
    for (const scheduled of times) {
      // A live controller starts each Job at its time; only a time picked up late (after a long jump) can miss its deadline.
      const when = late ? nowMs : scheduled;
      const actx = at(when);
      refreshActive(when);
      cleanup(when);
      const name = `${cj.metadata.name}-${Math.floor(scheduled / 60000)}`;
      if (sds !== undefined && scheduled + sds * 1000 < when) {
        recordEvent(state, actx, cj, { type: 'Warning', reason: 'MissSchedule', message: `Missed scheduled time to start a job: ${rfc1123z(scheduled)}`, component: 'cronjob-controller' });
        status.lastScheduleTime = rfc3339(new Date(scheduled));
        continue;
      }
      if ([...active.values()].some((x) => x.name === name) || getObject(state, 'jobs', ns, name)) continue;
      const policy = cj.spec?.concurrencyPolicy ?? 'Allow';
      let actx2 = actx;
      if (policy === 'Forbid' && active.size > 0) {
        // The schedule time stays unmet (lastScheduleTime does not move), so a later look sees the same skip:
        // the event is recorded once per skipped time.
        const message = 'Not starting job because prior execution is running and concurrency policy is Forbid';
        const seen = findSeries(state, cj, 'JobAlreadyActive', message, undefined, 'cronjob-controller');
        if (!seen || Date.parse(String(seen.lastTimestamp ?? '')) < when) recordEvent(state, actx, cj, { reason: 'JobAlreadyActive', message, component: 'cronjob-controller' });
        // Still the most recent unmet time when the running Job ends before the next one: started then.
        const ends = [...active.keys()].map((u) => (jobs.get(u) ? finishedAtMs(jobs.get(u)!) : when));
        const free = ends.every((e) => e !== undefined) ? Math.max(...(ends as number[])) : undefined;
        const following = nextActivation(s, scheduled, cj.spec?.timeZone);
        const lateOK = sds === undefined || scheduled + sds * 1000 >= (free ?? 0);
        if (free === undefined || free > nowMs || (following !== undefined && free >= following) || !lateOK) continue;
        actx2 = at(free);
        refreshActive(free);
        cleanup(free);
      }
      if (policy === 'Replace') {
        for (const [u, ref] of [...active]) {
          const j = jobs.get(u);
          active.delete(u);
          if (!j) continue;
          deleteObject(state, actx2, resourceByName('jobs'), ns, j.metadata.name, { reconcile: false });
          recordEvent(state, actx2, cj, { reason: 'SuccessfulDelete', message: `Deleted job ${ref.name}`, component: 'cronjob-controller' });
          jobs.delete(u);
        }
      }
      const job = createObject(state, actx2, jobFromTemplate(cj, scheduled), { namespace: ns!, reconcile: false }) as JobObj;
      recordEvent(state, actx2, cj, { reason: 'SuccessfulCreate', message: `Created job ${job.metadata.name}`, component: 'cronjob-controller' });
      active.set(job.metadata.uid ?? '', jobRef(job));
      status.lastScheduleTime = rfc3339(new Date(scheduled));
      // The job controller runs the new Job from its creation up to now: when it finishes is then known.
      syncJob(state, ctx, job, r);
      jobs.set(job.metadata.uid ?? '', (getObject<JobSpec>(state, 'jobs', ns, job.metadata.name) as JobObj | undefined) ?? job);
      const done = actx2.clock.now().getTime();
      refreshActive(done);
      cleanup(done);
    }
  }
  refreshActive(nowMs);
  cleanup(nowMs);
  const next: CronJobStatus = {};
  const refs = [...active.values()].sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''));
  if (refs.length) next.active = refs;
  if (status.lastScheduleTime) next.lastScheduleTime = status.lastScheduleTime;
  if (status.lastSuccessfulTime) next.lastSuccessfulTime = status.lastSuccessfulTime;
  if (canonicalJSON(next) !== canonicalJSON(cj.status ?? {})) {
    cj.status = next;
    putObject(state, 'cronjobs', cj);
  }
}

/** Go's time.RFC1123Z in UTC: "Mon, 02 Jan 2006 15:04:05 +0000". */
function rfc1123z(ms: number): string {
  const d = new Date(ms);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]}, ${p(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** The CronJob controller over the queued CronJobs (all of them in a full reconcile). */
export function runCronJobController(state: ClusterState, ctx: Ctx, r: Round): void {
  if (!r.scope) {
    for (const cj of listObjects<CronJobSpec>(state, 'cronjobs') as CronJobObj[]) syncCronJob(state, ctx, cj, r);
    return;
  }
  for (let guard = 0; guard < 10000; guard++) {
    r.refresh?.();
    const next = [...r.scope.workloads].filter((k) => k.startsWith('cronjobs/')).sort()[0];
    if (next === undefined) return;
    r.scope.workloads.delete(next);
    const [, ns, name] = next.split('/');
    const cj = getObject<CronJobSpec>(state, 'cronjobs', ns, name) as CronJobObj | undefined;
    if (cj) syncCronJob(state, ctx, cj, r);
  }
}

/** A CronJob that is not suspended always has a next schedule time: time alone changes it. */
export function cronJobUnsettled(cj: CronJobObj): boolean {
  return !cj.spec?.suspend || (cj.status?.active?.length ?? 0) > 0;
}

export { jobFinished };
