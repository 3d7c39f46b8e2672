// Jobs and CronJobs as a user drives them: kubesim commands, one process each, with the simulated clock moved
// between them (KUBESIM_NOW), asserting what the user sees (tables, describe, events, exit codes).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { reconcile } from '../../src/cluster/controllers.js';
import { readState } from '../../src/store/store.js';
import { fixedClock } from '../../src/util/clock.js';
import { nextActivation, parseCron } from '../../src/util/cron.js';
import { Random } from '../../src/util/random.js';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';
import { skipWithoutKubectl, withKubectl } from '../support/stub-apiserver.js';

const T0 = '2026-11-22T01:30:00Z';
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString().replace('.000Z', 'Z');

const clusters: InProcessCluster[] = [];
after(() => clusters.forEach((c) => c.cleanup()));
function cluster(): InProcessCluster {
  const c = inProcessCluster({ now: T0, seed: 3 });
  clusters.push(c);
  return c;
}

/** `kubesim ARGS` at T0 + seconds; fails the test on a non-zero exit unless `fails`. */
async function run(c: InProcessCluster, seconds: number, args: string[], fails = false): Promise<string> {
  const r = await c.run(args, { env: { KUBESIM_NOW: at(seconds) } });
  if (!fails) assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return fails ? r.stderr : r.stdout;
}

function job(name: string, script: string, spec: Record<string, unknown> = {}, restartPolicy = 'Never'): string {
  return JSON.stringify({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name },
    spec: { ...spec, template: { spec: { restartPolicy, containers: [{ name, image: 'busybox', command: ['sh', '-c', script] }] } } },
  });
}

async function apply(c: InProcessCluster, seconds: number, doc: string): Promise<string> {
  const file = join(c.dir, `m-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, doc);
  return await run(c, seconds, ['apply', '-f', file]);
}

const rows = (table: string) => table.trimEnd().split('\n').map((l) => l.trim().split(/\s{2,}/));

test('a Job running `echo done` completes: Complete 1/1, its pod Completed, the job-controller events', async () => {
  const c = cluster();
  assert.equal(await apply(c, 0, job('hello', 'echo done')), 'job.batch/hello created\n');
  assert.deepEqual(rows(await run(c, 5, ['get', 'jobs'])), [
    ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE'],
    ['hello', 'Complete', '1/1', '0s', '5s'],
  ]);
  const pods = rows(await run(c, 5, ['get', 'pods']));
  assert.equal(pods.length, 2);
  assert.match(pods[1][0], /^hello-[a-z0-9]{5}$/);
  assert.deepEqual(pods[1].slice(1), ['0/1', 'Completed', '0', '5s']);
  assert.equal(await run(c, 5, ['logs', pods[1][0]]), 'done\n');
  const d = await run(c, 5, ['describe', 'job', 'hello']);
  assert.match(d, /^Pods Statuses:\s+0 Active \(0 Ready\) \/ 1 Succeeded \/ 0 Failed$/m);
  assert.match(d, /^Completed At:\s+Sun, 22 Nov 2026 01:30:00 \+0000$/m);
  assert.match(d, new RegExp(`Normal  SuccessfulCreate  5s    job-controller  Created pod: ${pods[1][0]}\n  Normal  Completed         5s    job-controller  Job completed\n$`));
  const conds = await run(c, 5, ['get', 'job', 'hello', '-o', 'jsonpath={range .status.conditions[*]}{.type}={.reason} {end}']);
  assert.equal(conds, 'SuccessCriteriaMet=CompletionsReached Complete=CompletionsReached ');
  // The API server's defaults and the generated selector.
  const spec = JSON.parse(await run(c, 5, ['get', 'job', 'hello', '-o', 'json'])).spec;
  assert.equal(spec.backoffLimit, 6);
  assert.equal(spec.completions, 1);
  assert.equal(spec.parallelism, 1);
  assert.equal(spec.completionMode, 'NonIndexed');
  assert.equal(spec.suspend, false);
  assert.equal(spec.manualSelector, false);
  const uid = spec.selector.matchLabels['batch.kubernetes.io/controller-uid'];
  assert.deepEqual(spec.template.metadata.labels, { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': 'hello', 'controller-uid': uid, 'job-name': 'hello' });
});

test('a Job running `exit 1` is retried after the 10 s, 20 s back-off and fails with BackoffLimitExceeded', async () => {
  const c = cluster();
  await apply(c, 0, job('fail', 'exit 1', { backoffLimit: 2 }));
  assert.deepEqual(rows(await run(c, 5, ['get', 'jobs']))[1], ['fail', 'Running', '0/1', '5s', '5s']);
  // Looked at once, 90 s later: the whole history happened on the simulated clock.
  assert.deepEqual(rows(await run(c, 90, ['get', 'jobs']))[1], ['fail', 'Failed', '0/1', '90s', '90s']);
  const pods = rows(await run(c, 90, ['get', 'pods', '--sort-by=.metadata.creationTimestamp'])).slice(1);
  assert.deepEqual(pods.map((p) => [p[2], p[4]]), [['Error', '90s'], ['Error', '80s'], ['Error', '60s']]);
  const d = await run(c, 90, ['describe', 'job', 'fail']);
  assert.match(d, /^Backoff Limit:\s+2$/m);
  assert.match(d, /^Pods Statuses:\s+0 Active \(0 Ready\) \/ 0 Succeeded \/ 3 Failed$/m);
  assert.match(d, /Warning  BackoffLimitExceeded  60s   job-controller  Job has reached the specified backoff limit\n$/);
  const conds = await run(c, 90, ['get', 'job', 'fail', '-o', 'jsonpath={range .status.conditions[*]}{.type}={.reason}:{.message}|{end}']);
  assert.equal(conds, 'FailureTarget=BackoffLimitExceeded:Job has reached the specified backoff limit|Failed=BackoffLimitExceeded:Job has reached the specified backoff limit|');
});

test('restartPolicy OnFailure: the container restarts in place and its restarts count against backoffLimit', async () => {
  const c = cluster();
  await apply(c, 0, job('retry', 'exit 1', { backoffLimit: 2 }, 'OnFailure'));
  const pods = rows(await run(c, 5, ['get', 'pods']));
  assert.deepEqual(pods[1].slice(1), ['0/1', 'CrashLoopBackOff', '1 (5s ago)', '5s']);
  // Restarts at once and at 10 s (the kubelet's back-off): the second reaches the limit.
  assert.deepEqual(rows(await run(c, 120, ['get', 'jobs']))[1], ['retry', 'Failed', '0/1', '2m', '2m']);
  assert.equal(await run(c, 120, ['get', 'pods']), '');
  assert.equal(await run(c, 120, ['get', 'job', 'retry', '-o', 'jsonpath={.status.conditions[1].lastTransitionTime} {.status.failed}']), '2026-11-22T01:30:10Z 1');
});

test('the same history whether the Job is looked at every few seconds or once', async () => {
  const a = cluster();
  const b = cluster();
  await apply(a, 0, job('fail', 'sleep 3; exit 1', { backoffLimit: 3 }));
  await apply(b, 0, job('fail', 'sleep 3; exit 1', { backoffLimit: 3 }));
  for (let s = 2; s < 200; s += 7) (await run(a, s, ['get', 'pods']));
  const view = async (c: InProcessCluster) => [(await run(c, 200, ['get', 'pods,jobs'])), (await run(c, 200, ['describe', 'job', 'fail']))];
  assert.deepEqual(await view(a), await view(b));
});

test('restartPolicy must be OnFailure or Never: the API server refuses, nothing is stored', async () => {
  const c = cluster();
  await run(c, 0, ['get', 'jobs']);
  const before = readFileSync(c.state);
  const bad = JSON.parse(job('bad', 'true'));
  delete bad.spec.template.spec.restartPolicy;
  const file = join(c.dir, 'bad.json');
  writeFileSync(file, JSON.stringify(bad));
  const r = await c.run(['apply', '-f', file]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'The Job "bad" is invalid: spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"\n');
  bad.spec.template.spec.restartPolicy = 'Always';
  bad.spec.parallelism = -1;
  writeFileSync(file, JSON.stringify(bad));
  const r2 = await c.run(['create', '-f', file]);
  assert.equal(r2.code, 1);
  assert.equal(r2.stderr, 'The Job "bad" is invalid: \n* spec.parallelism: Invalid value: -1: must be greater than or equal to 0\n* spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"\n');
  assert.deepEqual(readFileSync(c.state), before);
});

test('activeDeadlineSeconds fails a Job with DeadlineExceeded and removes its running pod', async () => {
  const c = cluster();
  await apply(c, 0, job('slow', 'sleep 100', { activeDeadlineSeconds: 30 }));
  assert.deepEqual(rows(await run(c, 20, ['get', 'jobs']))[1], ['slow', 'Running', '0/1', '20s', '20s']);
  assert.deepEqual(rows(await run(c, 40, ['get', 'jobs']))[1], ['slow', 'Failed', '0/1', '40s', '40s']);
  assert.equal(await run(c, 40, ['get', 'pods']), '');
  const d = await run(c, 40, ['describe', 'job', 'slow']);
  assert.match(d, /^Active Deadline Seconds:\s+30s$/m);
  assert.match(d, /Warning  DeadlineExceeded  10s   job-controller  Job was active longer than specified deadline\n$/);
});

test('ttlSecondsAfterFinished removes the Job and its pods that long after it finished', async () => {
  const c = cluster();
  await apply(c, 0, job('short', 'sleep 5', { ttlSecondsAfterFinished: 60 }));
  assert.deepEqual(rows(await run(c, 30, ['get', 'jobs']))[1], ['short', 'Complete', '1/1', '5s', '30s']);
  assert.equal(rows(await run(c, 64, ['get', 'pods'])).length, 2);
  assert.equal(await run(c, 66, ['get', 'jobs,pods']), '');
});

test('completions and parallelism: pods two at a time until five succeed', async () => {
  const c = cluster();
  await apply(c, 0, job('batch', 'sleep 10', { completions: 5, parallelism: 2 }));
  assert.deepEqual(rows(await run(c, 5, ['get', 'jobs']))[1], ['batch', 'Running', '0/5', '5s', '5s']);
  assert.deepEqual(rows(await run(c, 15, ['get', 'jobs']))[1], ['batch', 'Running', '2/5', '15s', '15s']);
  assert.deepEqual(rows(await run(c, 60, ['get', 'jobs']))[1], ['batch', 'Complete', '5/5', '30s', '60s']);
  assert.equal(rows(await run(c, 60, ['get', 'pods'])).length, 6);
});

test('an Indexed Job: pods named <job>-<index>-<suffix>, each index once, the completed indexes', async () => {
  const c = cluster();
  await apply(c, 0, job('idx', 'echo hi', { completions: 3, parallelism: 3, completionMode: 'Indexed' }));
  const pods = rows(await run(c, 5, ['get', 'pods'])).slice(1).map((p) => p[0]);
  assert.deepEqual(pods.map((p) => p.replace(/-[a-z0-9]{5}$/, '')), ['idx-0', 'idx-1', 'idx-2']);
  assert.equal(await run(c, 5, ['get', 'pod', pods[1], '-o', "jsonpath={.metadata.annotations['batch\\.kubernetes\\.io/job-completion-index']} {.spec.hostname} {.spec.containers[0].env[0].name}"]), '1 idx-1 JOB_COMPLETION_INDEX');
  assert.match(await run(c, 5, ['describe', 'job', 'idx']), /^Completed Indexes:\s+0-2$/m);
});

test('delete job takes its pods with it (garbage collection by ownerReferences)', async () => {
  const c = cluster();
  await apply(c, 0, job('gc', 'sleep 300'));
  assert.equal(rows(await run(c, 5, ['get', 'pods'])).length, 2);
  assert.equal(await run(c, 6, ['delete', 'job', 'gc']), 'job.batch "gc" deleted\n');
  assert.equal(await run(c, 7, ['get', 'pods']), '');
});

test('create job: the object kubectl builds, and --from=cronjob/NAME', async () => {
  const c = cluster();
  assert.equal(
    await run(c, 0, ['create', 'job', 'x', '--image=busybox', '--dry-run=client', '-o', 'yaml', '--', 'echo', 'done']),
    'apiVersion: batch/v1\nkind: Job\nmetadata:\n  creationTimestamp: null\n  name: x\nspec:\n  template:\n    metadata:\n      creationTimestamp: null\n    spec:\n      containers:\n      - command:\n        - echo\n        - done\n        image: busybox\n        name: x\n        resources: {}\n      restartPolicy: Never\nstatus: {}\n',
  );
  assert.equal(await run(c, 0, ['create', 'job', 'x'], true), 'error: either --image or --from must be specified\n');
  assert.equal(await run(c, 0, ['create', 'job', 'x', '--from=cronjob/nope'], true), 'Error from server (NotFound): cronjobs.batch "nope" not found\n');
  await run(c, 0, ['create', 'cronjob', 'nightly', '--image=busybox', '--schedule=@daily', '--', 'echo', 'backup']);
  assert.equal(await run(c, 10, ['create', 'job', 'now', '--from=cronjob/nightly']), 'job.batch/now created\n');
  const j = JSON.parse(await run(c, 15, ['get', 'job', 'now', '-o', 'json']));
  assert.equal(j.metadata.annotations['cronjob.kubernetes.io/instantiate'], 'manual');
  assert.deepEqual(j.metadata.ownerReferences.map((r: { kind: string; name: string }) => `${r.kind}/${r.name}`), ['CronJob/nightly']);
  assert.equal(j.status.succeeded, 1);
});

test('a CronJob `*/1 * * * *` makes a Job per simulated minute and keeps the last three', async () => {
  const c = cluster();
  assert.equal(await run(c, 20, ['create', 'cronjob', 'tick', '--image=busybox', '--schedule=*/1 * * * *', '--', 'sh', '-c', 'echo tick']), 'cronjob.batch/tick created\n');
  assert.deepEqual(rows(await run(c, 20, ['get', 'cronjobs'])), [
    ['NAME', 'SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE'],
    ['tick', '*/1 * * * *', '<none>', 'False', '0', '<none>', '0s'],
  ]);
  // Minutes since the epoch name each Job: 01:31 is 29921851.
  assert.deepEqual(rows(await run(c, 65, ['get', 'jobs'])).slice(1), [['tick-29921851', 'Complete', '1/1', '0s', '5s']]);
  assert.deepEqual(rows(await run(c, 125, ['get', 'jobs'])).slice(1).map((r) => r[0]), ['tick-29921851', 'tick-29921852']);
  assert.deepEqual(rows(await run(c, 305, ['get', 'jobs'])).slice(1).map((r) => [r[0], r[4]]), [['tick-29921853', '2m5s'], ['tick-29921854', '65s'], ['tick-29921855', '5s']]);
  assert.deepEqual(rows(await run(c, 305, ['get', 'cronjobs']))[1], ['tick', '*/1 * * * *', '<none>', 'False', '0', '5s', '4m45s']);
  const d = await run(c, 305, ['describe', 'cronjob', 'tick']);
  assert.match(d, /^Last Schedule Time:\s+Sun, 22 Nov 2026 01:35:00 \+0000$/m);
  assert.match(d, /Normal  SuccessfulCreate  5s\s+cronjob-controller  Created job tick-29921855\n/);
  assert.match(d, /Normal  SuccessfulDelete  65s\s+cronjob-controller  Deleted job tick-29921851\n/);
});

test('concurrencyPolicy Forbid skips a run while the last one is active; Replace replaces it', async () => {
  const c = cluster();
  const cj = (name: string, policy: string) =>
    JSON.stringify({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name },
      spec: { schedule: '*/1 * * * *', concurrencyPolicy: policy, jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['sleep', '90'] }] } } } } },
    });
  await apply(c, 0, cj('forbid', 'Forbid'));
  await apply(c, 0, cj('replace', 'Replace'));
  const jobs = rows(await run(c, 140, ['get', 'jobs'])).slice(1);
  // Forbid: the 01:31 Job still ran at 01:32, so that minute was skipped. Replace: 01:31's was replaced at 01:32.
  assert.deepEqual(jobs.map((r) => [r[0], r[1]]), [['forbid-29921851', 'Running'], ['replace-29921852', 'Running']]);
  assert.match(await run(c, 140, ['describe', 'cj', 'forbid']), /JobAlreadyActive\s+20s\s+cronjob-controller  Not starting job because prior execution is running and concurrency policy is Forbid/);
  assert.match(await run(c, 140, ['describe', 'cj', 'replace']), /SuccessfulDelete\s+20s\s+cronjob-controller  Deleted job replace-29921851/);
  assert.deepEqual(rows(await run(c, 140, ['get', 'cj'])).slice(1).map((r) => r[4]), ['1', '1']);
});

test('suspend: a suspended Job runs nothing and shows Suspended; resumed, it starts then', async () => {
  const c = cluster();
  await apply(c, 0, job('sus', 'sleep 30', { suspend: true }));
  assert.deepEqual(rows(await run(c, 60, ['get', 'jobs']))[1], ['sus', 'Suspended', '0/1', '60s']);
  assert.equal(await run(c, 60, ['get', 'pods']), '');
  await apply(c, 120, job('sus', 'sleep 30', { suspend: false }));
  assert.deepEqual(rows(await run(c, 130, ['get', 'jobs']))[1], ['sus', 'Running', '0/1', '10s', '2m10s']);
  assert.deepEqual(rows(await run(c, 200, ['get', 'jobs']))[1], ['sus', 'Complete', '1/1', '30s', '3m20s']);
  assert.match(await run(c, 200, ['describe', 'job', 'sus']), /Normal  Suspended\s+3m20s\s+job-controller  Job suspended\n  Normal  Resumed\s+80s\s+job-controller  Job resumed\n/);
});

test('a resumed CronJob starts only the most recent time it missed while suspended', async () => {
  const c = cluster();
  const cj = (suspend: boolean) => JSON.stringify({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'tick' }, spec: { schedule: '*/1 * * * *', suspend, jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['true'] }] } } } } } });
  await apply(c, 0, cj(false));
  await apply(c, 70, cj(true));
  assert.deepEqual(rows(await run(c, 330, ['get', 'cronjobs']))[1].slice(3, 6), ['True', '0', '4m30s']);
  await apply(c, 340, cj(false));
  assert.deepEqual(rows(await run(c, 350, ['get', 'jobs'])).slice(1).map((r) => [r[0], r[4]]), [['tick-29921851', '4m50s'], ['tick-29921855', '10s']]);
});

test('CronJob validation: robfig/cron messages, time zones, TZ= refused', async () => {
  const c = cluster();
  const bad = async (schedule: string, extra = '') => (await run(c, 0, ['create', 'cronjob', 'x', '--image=busybox', `--schedule=${schedule}`, ...(extra ? [extra] : [])], true));
  assert.equal(await bad('61 * * * *'), 'The CronJob "x" is invalid: spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61\n');
  assert.equal(await bad('* * * *'), 'The CronJob "x" is invalid: spec.schedule: Invalid value: "* * * *": expected exactly 5 fields, found 4: [* * * *]\n');
  assert.equal(await bad('TZ=UTC * * * * *'), 'The CronJob "x" is invalid: spec.schedule: Invalid value: "TZ=UTC * * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead\n');
  assert.equal(await run(c, 0, ['get', 'cronjobs']), '');
});

test('cron schedules: ranges, steps, lists, names, descriptors and time zones', async () => {
  const next = (spec: string, from: string, zone?: string) => new Date(nextActivation(parseCron(spec), Date.parse(from), zone)!).toISOString();
  assert.equal(next('*/15 9-17 * * MON-FRI', '2026-11-21T12:00:00Z'), '2026-11-23T09:00:00.000Z'); // a Saturday
  assert.equal(next('0 0 1,15 * *', '2026-11-02T00:00:00Z'), '2026-11-15T00:00:00.000Z');
  assert.equal(next('@hourly', '2026-11-22T01:30:00Z'), '2026-11-22T02:00:00.000Z');
  assert.equal(next('@monthly', '2026-11-22T01:30:00Z'), '2026-12-01T00:00:00.000Z');
  assert.equal(next('30 2 * jan sun', '2026-11-22T01:30:00Z'), '2027-01-03T02:30:00.000Z');
  // Day of month and day of week both restricted: either matches (cron's OR).
  assert.equal(next('0 0 13 * 5', '2026-11-22T00:00:00Z'), '2026-11-27T00:00:00.000Z');
  assert.equal(next('0 3 * * *', '2026-11-22T01:30:00Z', 'Europe/Paris'), '2026-11-22T02:00:00.000Z'); // 02:30 in Paris (UTC+1)
  assert.equal(next('0 3 * * *', '2026-07-22T01:30:00Z', 'Europe/Paris'), '2026-07-23T01:00:00.000Z');
});

test('kubectl describes the Job and CronJob as kubesim does (stub API server)', { skip: skipWithoutKubectl() }, async () => {
  const c = cluster();
  await apply(c, 0, job('fail', 'exit 1', { backoffLimit: 1, ttlSecondsAfterFinished: 600, activeDeadlineSeconds: 900 }));
  await run(c, 0, ['create', 'cronjob', 'tick', '--image=busybox', '--schedule=*/5 * * * *', '--', 'echo', 'hi']);
  await run(c, 400, ['label', 'cronjob', 'tick', 'team=ops']);
  const state = readState(c.state)!;
  reconcile(state, { clock: fixedClock(new Date(at(400))), random: Random.fromState(state.random) });
  const head = (t: string) => t.slice(0, t.indexOf('\nEvents:'));
  await withKubectl(state, async (kubectl) => {
    for (const target of [['job', 'fail'], ['cronjob', 'tick'], ['job', 'tick-29921855']]) {
      const theirs = await kubectl(['describe', ...target]);
      assert.equal(theirs.code, 0, theirs.stderr);
      assert.equal(head(await run(c, 400, ['describe', ...target])), head(theirs.stdout), target.join(' '));
    }
  });
});
