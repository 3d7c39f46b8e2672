// Jobs and CronJobs, as kubectl's JobDescriber and CronJobDescriber print them (describe.go, v1.32).
import type { KubeObject, PodTemplateSpec } from '../../api/types.js';
import type { CronJobObj } from '../../cluster/cronjobs.js';
import type { JobObj } from '../../cluster/jobs.js';
import { humanDuration } from '../../util/duration.js';
import { describePodTemplate, printController } from './pod.js';
import { selectorString } from './workloads.js';
import { describeEvents, formatRFC1123Z, LEVEL_0, printAnnotationsMultiline, printLabelsMultiline, tabbedString, type DescribeClock, type PrefixWriter } from './writer.js';

/** capIndexesListOrNone: the completed indexes, cut after the first comma past 50 characters. */
function capIndexes(indexes: string | undefined, softLimit = 50): string {
  if (!indexes) return '<none>';
  let ix = softLimit;
  for (; ix < indexes.length; ix++) if (indexes[ix] === ',') break;
  return ix >= indexes.length ? indexes : `${indexes.slice(0, ix + 1)}...`;
}

export function describeJob(job: JobObj, events: KubeObject[] | undefined, clock: DescribeClock): string {
  return tabbedString((w) => {
    const spec = job.spec ?? {};
    const st = job.status ?? {};
    w.write(LEVEL_0, `Name:\t${job.metadata.name}\n`);
    w.write(LEVEL_0, `Namespace:\t${job.metadata.namespace ?? ''}\n`);
    w.write(LEVEL_0, `Selector:\t${selectorString(spec.selector)}\n`);
    printLabelsMultiline(w, 'Labels', job.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', job.metadata.annotations);
    const controlledBy = printController(job);
    if (controlledBy) w.write(LEVEL_0, `Controlled By:\t${controlledBy}\n`);
    if (spec.parallelism !== undefined) w.write(LEVEL_0, `Parallelism:\t${spec.parallelism}\n`);
    w.write(LEVEL_0, `Completions:\t${spec.completions ?? '<unset>'}\n`);
    if (spec.completionMode !== undefined) w.write(LEVEL_0, `Completion Mode:\t${spec.completionMode}\n`);
    if (spec.suspend !== undefined) w.write(LEVEL_0, `Suspend:\t${spec.suspend}\n`);
    if (spec.backoffLimit !== undefined) w.write(LEVEL_0, `Backoff Limit:\t${spec.backoffLimit}\n`);
    if (spec.ttlSecondsAfterFinished !== undefined) w.write(LEVEL_0, `TTL Seconds After Finished:\t${spec.ttlSecondsAfterFinished}\n`);
    if (st.startTime) w.write(LEVEL_0, `Start Time:\t${formatRFC1123Z(new Date(st.startTime), clock.zone)}\n`);
    if (st.completionTime) w.write(LEVEL_0, `Completed At:\t${formatRFC1123Z(new Date(st.completionTime), clock.zone)}\n`);
    if (st.startTime && st.completionTime) w.write(LEVEL_0, `Duration:\t${humanDuration(Date.parse(st.completionTime) - Date.parse(st.startTime))}\n`);
    if (spec.activeDeadlineSeconds !== undefined) w.write(LEVEL_0, `Active Deadline Seconds:\t${spec.activeDeadlineSeconds}s\n`);
    if (st.ready === undefined) w.write(LEVEL_0, `Pods Statuses:\t${st.active ?? 0} Active / ${st.succeeded ?? 0} Succeeded / ${st.failed ?? 0} Failed\n`);
    else w.write(LEVEL_0, `Pods Statuses:\t${st.active ?? 0} Active (${st.ready} Ready) / ${st.succeeded ?? 0} Succeeded / ${st.failed ?? 0} Failed\n`);
    if (spec.completionMode === 'Indexed') w.write(LEVEL_0, `Completed Indexes:\t${capIndexes(st.completedIndexes)}\n`);
    describePodTemplate(spec.template, w);
    if (events) describeEvents(events, w, clock.now);
  }, clock.zone);
}

function describeJobTemplate(jt: NonNullable<CronJobObj['spec']>['jobTemplate'], w: PrefixWriter): void {
  const spec = jt?.spec ?? {};
  w.write(LEVEL_0, `Selector:\t${spec.selector ? selectorString(spec.selector) : '<unset>'}\n`);
  w.write(LEVEL_0, `Parallelism:\t${spec.parallelism ?? '<unset>'}\n`);
  w.write(LEVEL_0, `Completions:\t${spec.completions ?? '<unset>'}\n`);
  if (spec.activeDeadlineSeconds !== undefined) w.write(LEVEL_0, `Active Deadline Seconds:\t${spec.activeDeadlineSeconds}s\n`);
  describePodTemplate((spec.template ?? {}) as PodTemplateSpec, w);
}

export function describeCronJob(cj: CronJobObj, events: KubeObject[] | undefined, clock: DescribeClock): string {
  return tabbedString((w) => {
    const spec = cj.spec ?? {};
    w.write(LEVEL_0, `Name:\t${cj.metadata.name}\n`);
    w.write(LEVEL_0, `Namespace:\t${cj.metadata.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', cj.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', cj.metadata.annotations);
    w.write(LEVEL_0, `Schedule:\t${spec.schedule ?? ''}\n`);
    w.write(LEVEL_0, `Concurrency Policy:\t${spec.concurrencyPolicy ?? ''}\n`);
    w.write(LEVEL_0, `Suspend:\t${spec.suspend === undefined ? '<unset>' : spec.suspend ? 'True' : 'False'}\n`);
    w.write(LEVEL_0, `Successful Job History Limit:\t${spec.successfulJobsHistoryLimit ?? '<unset>'}\n`);
    w.write(LEVEL_0, `Failed Job History Limit:\t${spec.failedJobsHistoryLimit ?? '<unset>'}\n`);
    w.write(LEVEL_0, `Starting Deadline Seconds:\t${spec.startingDeadlineSeconds === undefined ? '<unset>' : `${spec.startingDeadlineSeconds}s`}\n`);
    describeJobTemplate(spec.jobTemplate, w);
    const last = cj.status?.lastScheduleTime;
    w.write(LEVEL_0, `Last Schedule Time:\t${last ? formatRFC1123Z(new Date(last), clock.zone) : '<unset>'}\n`);
    const active = cj.status?.active ?? [];
    w.write(LEVEL_0, 'Active Jobs:\t');
    if (active.length === 0) w.writeLine('<none>');
    else w.writeLine(active.map((j) => j.name).join(', '));
    if (events) describeEvents(events, w, clock.now);
  }, clock.zone);
}
