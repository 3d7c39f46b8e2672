// `kubesim events`: kubectl's events table over the events the simulated components record, --for, --types,
// -A, -o, -w, the messages; and the same bytes as the real kubectl reading the same cluster through the stub.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it, test } from 'node:test';
import type { ClusterState } from '../../src/store/state.js';
import { BIN } from '../support/cli.js';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';
import { Session } from '../../src/cli/session.js';
import { skipWithoutKubectl, withKubectl } from '../support/stub-apiserver.js';

const LATER = { KUBESIM_NOW: '2026-11-22T01:35:00Z' };

describe('events', () => {
  let c: InProcessCluster;
  let uid: string;
  before(async () => {
    c = inProcessCluster();
    assert.equal((await c.run(['run', 'web', '--image=nginx'])).code, 0);
    assert.equal((await c.run(['run', 'crash', '--image=busybox', '--', 'false'])).code, 0);
    uid = (await c.run(['get', 'pod', 'crash', '-o', 'jsonpath={.metadata.uid}'])).stdout;
  });
  after(() => c.cleanup());

  it('prints the namespace\'s events oldest first, a repeated one as "(xN over ...)"', async () => {
    const r = await c.run(['events'], { env: LATER });
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], 'LAST SEEN         TYPE      REASON      OBJECT      MESSAGE');
    assert.equal(lines[1], '5m                Normal    Scheduled   Pod/crash   Successfully assigned default/crash to kind-worker2');
    assert.equal(lines[11], `0s (x5 over 5m)   Warning   BackOff     Pod/crash   Back-off restarting failed container crash in pod crash_default(${uid})`);
    assert.equal(lines.length, 13);
  });

  it('--for TYPE/NAME, --types (any case), -A with its NAMESPACE column, --no-headers', async () => {
    assert.deepEqual(
      (await c.run(['events', '--for', 'pod/web', '--types=normal', '--no-headers'])).stdout.split('\n').map((l) => l.split(/\s{3,}/)[2]),
      ['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started', undefined],
    );
    assert.equal(
      (await c.run(['events', '-A', '--types', 'WARNING'], { env: LATER })).stdout,
      'NAMESPACE   LAST SEEN         TYPE      REASON    OBJECT      MESSAGE\n' +
        `default     0s (x5 over 5m)   Warning   BackOff   Pod/crash   Back-off restarting failed container crash in pod crash_default(${uid})\n`,
    );
  });

  it('nothing to show: a note on stderr, exit 0', async () => {
    const none = await c.run(['events', '--for', 'pod/web', '--types', 'Warning']);
    assert.deepEqual([none.stdout, none.stderr, none.code], ['', 'No events found in default namespace.\n', 0]);
    const ns = await c.run(['events', '-n', 'nosuch']);
    assert.equal(ns.stderr, 'No events found in nosuch namespace.\n');
  });

  it('-o yaml is an EventList; -o jsonpath reads it', async () => {
    const y = (await c.run(['events', '--for', 'pod/crash', '--types', 'Warning', '-o', 'yaml'])).stdout;
    assert.match(y, /^apiVersion: v1\nitems:\n- apiVersion: v1\n  count: 1\n  eventTime: null\n/);
    assert.match(y, /\nkind: EventList\nmetadata: \{\}\n$/);
    assert.equal((await c.run(['events', '--for', 'pod/web', '-o', 'jsonpath={.items[*].reason}'])).stdout, 'Scheduled Pulling Pulled Created Started');
  });

  it('kubectl\'s errors', async () => {
    const cases: [string[], string][] = [
      [['events', '--types', 'Info'], 'error: valid --types are Normal or Warning\n'],
      [['events', '--for', 'pod'], 'error: --for must be in resource/name form\n'],
      [['events', '--for', 'a/b/c'], 'error: arguments in resource/name form may not have more than one slash\n'],
      [['events', '--for', 'nosuch/x'], 'the server doesn\'t have a resource type "nosuch"\n'],
      [['events', '-o', 'wide'], 'error: unable to match a printer suitable for the output format "wide", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml\n'],
      [['events', '-o', 'jsonpath'], 'error: template format specified but no template given\n'],
    ];
    for (const [args, stderr] of cases) {
      const r = await c.run(args);
      assert.deepEqual([r.stderr, r.code], [stderr, 1], args.join(' '));
    }
  });

  it('-w prints the events there are, then new ones as they are recorded', async () => {
    const child = spawn(process.execPath, [BIN, 'events', '-w', '--for', 'pod/late', '--request-timeout=20s'], { env: c.env });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const closed = new Promise((resolve) => child.on('close', resolve));
    await new Promise((r) => setTimeout(r, 700));
    assert.equal(out, '');
    assert.equal((await c.run(['run', 'late', '--image=nginx'])).code, 0);
    for (let i = 0; i < 50 && !out.includes('Started'); i++) await new Promise((r) => setTimeout(r, 100));
    child.kill();
    await closed;
    // the header comes with the first row; each later row is flushed (and aligned) on its own
    assert.equal(
      out,
      'LAST SEEN   TYPE     REASON      OBJECT     MESSAGE\n' +
        '0s          Normal   Scheduled   Pod/late   Successfully assigned default/late to kind-worker\n' +
        '0s    Normal   Pulling   Pod/late   Pulling image "nginx"\n' +
        out.split('\n').slice(3).join('\n'),
    );
    assert.match(out, /\n0s    Normal   Started   Pod\/late   Started container late\n$/);
  });
});

test('events prints what the real kubectl prints for the same cluster', { skip: skipWithoutKubectl() }, async () => {
  // Ages in whole minutes on both sides: the cluster is made 30 minutes before the wall clock kubectl reads.
  const start = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000);
  const c = inProcessCluster({ now: start.toISOString().replace('.000', '') });
  try {
    for (const args of [['create', 'deployment', 'web', '--image=nginx', '--replicas=3'], ['create', 'job', 'hello', '--image=busybox', '--', 'echo', 'hi'], ['create', 'deployment', 'api', '-n', 'kube-public', '--image=nginx']]) {
      assert.equal((await c.run(args)).code, 0);
    }
    assert.equal((await c.run(['scale', 'deploy', 'web', '--replicas=5'], { env: { KUBESIM_NOW: new Date(start.getTime() + 120_000).toISOString() } })).code, 0);
    for (const args of [['events'], ['events', '-A'], ['events', '-n', 'kube-system'], ['events', '--for', 'job/hello'], ['events', '-A', '-o', 'yaml'], ['events', '-o', 'json'], ['events', '-A', '--types', 'Warning']]) {
      for (let attempt = 0; ; attempt++) {
        const env = { KUBESIM_NOW: new Date(Math.floor(Date.now() / 1000) * 1000).toISOString() };
        const mine = await c.run(args, { env });
        const { state } = await new Session({}, { env: { ...c.env, ...env }, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }).read();
        const real = await withKubectl(state as ClusterState, (kubectl) => kubectl(args));
        // a minute may turn between the two runs: try once more
        if (attempt === 0 && mine.stdout !== real.stdout) continue;
        assert.deepEqual([mine.stdout, mine.stderr, mine.code], [real.stdout, real.stderr, real.code], args.join(' '));
        break;
      }
    }
  } finally {
    c.cleanup();
  }
});

test('a ReplicaSet that creates 14 pods records nine "Created pod" events and one that combines the rest, as client-go\'s recorder aggregates', async () => {
  const c = inProcessCluster();
  try {
    assert.equal((await c.run(['create', 'deployment', 'web', '--image=nginx', '--replicas=14'])).code, 0);
    const rs = (await c.run(['get', 'rs', '-o', 'jsonpath={.items[0].metadata.name}'])).stdout;
    const r = await c.run(['get', 'events', '--field-selector', 'involvedObject.kind=ReplicaSet', '-o', 'jsonpath={range .items[*]}{.count} {.message}|{.reportingComponent}{"\\n"}{end}']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 10, r.stdout);
    const single = lines.filter((l) => /^1 Created pod: web-/.test(l) && l.endsWith('|replicaset-controller'));
    assert.equal(single.length, 9, r.stdout);
    const combined = lines.filter((l) => l.startsWith('5 (combined from similar events): Created pod: web-'));
    assert.equal(combined.length, 1, r.stdout);
    assert.ok(combined[0].endsWith('|'), 'the combined event has no reporting component');
    // Scaling on adds to the combined event's count; describe shows it as kubectl does.
    assert.equal((await c.run(['scale', 'deployment', 'web', '--replicas=16'])).code, 0);
    const d = await c.run(['describe', 'rs', rs]);
    assert.match(d.stdout, /Normal {2}SuccessfulCreate {2}0s \(x7 over 0s\) {2}replicaset-controller {2}\(combined from similar events\): Created pod: web-/);
    assert.equal(d.stdout.match(/ Created pod: web-/g)?.length, 10);
  } finally {
    c.cleanup();
  }
});
