import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { BIN, tempCluster, savedState } from '../support/cli.js';

const POD = (name: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n  - name: app\n    image: nginx\n`;

test('20 parallel apply processes on one state file lose nothing and get 20 distinct pod IPs', async () => {
  const c = tempCluster();
  try {
    assert.equal(c.run(['cluster', 'create']).code, 0);
    const names = Array.from({ length: 20 }, (_, i) => `par-${i}`);
    const results = await Promise.all(names.map((n) => c.runAsync(['apply', '-f', '-'], { input: POD(n) })));
    for (const [i, r] of results.entries()) assert.deepEqual(r, { code: 0, stdout: `pod/${names[i]} created\n`, stderr: '' });
    const state = savedState(c.state);
    const pods = names.map((n) => state.objects.pods[`default/${n}`]);
    assert.ok(pods.every(Boolean), 'every pod stored');
    const ips = pods.map((p) => p.status.podIP);
    assert.ok(ips.every((ip) => /^10\.244\.\d+\.\d+$/.test(ip)), ips.join(' '));
    assert.equal(new Set(ips).size, 20);
  } finally {
    c.cleanup();
  }
});

test('20 parallel `create namespace` processes on a new state file: all 20 created, all 20 listed afterwards', async () => {
  const c = tempCluster();
  try {
    // No cluster yet: the first writers also race to create the default cluster.
    const names = Array.from({ length: 20 }, (_, i) => `ns${i}`);
    const results = await Promise.all(names.map((n) => c.runAsync(['create', 'namespace', n])));
    for (const [i, r] of results.entries()) assert.deepEqual(r, { code: 0, stdout: `namespace/${names[i]} created\n`, stderr: '' });
    const r = c.run(['get', 'ns', '--no-headers', '-o', 'custom-columns=NAME:.metadata.name']);
    assert.equal(r.code, 0, r.stderr);
    const listed = r.stdout.trim().split('\n');
    assert.deepEqual(listed.filter((n) => /^ns\d+$/.test(n)).sort(), [...names].sort());
    assert.equal(listed.length, 25, 'and the five default namespaces (local-path-storage too), once');
  } finally {
    c.cleanup();
  }
});

test('a process killed while saving never leaves a half-written state file (only *.tmp files can be partial)', async () => {
  const c = tempCluster();
  try {
    assert.equal(c.run(['cluster', 'create']).code, 0);
    // A large state makes each save take long enough to be interrupted.
    const s = savedState(c.state);
    s.logs['default/filler/app'] = Array.from({ length: 200000 }, (_, i) => ({ time: '2026-11-22T01:30:00.000000000Z', line: `filler line ${i} ${'x'.repeat(80)}` }));
    writeFileSync(c.state, JSON.stringify(s));
    for (let i = 0; i < 8; i++) {
      const child = spawn(process.execPath, [BIN, 'apply', '-f', '-'], { env: c.env, stdio: ['pipe', 'ignore', 'ignore'] });
      child.stdin.end(POD(`killed-${i}`));
      await new Promise((r) => setTimeout(r, 120 + i * 40));
      child.kill('SIGKILL');
      await new Promise((r) => child.on('close', r));
      const text = readFileSync(c.state, 'utf8');
      const parsed = JSON.parse(text); // throws if half-written
      assert.equal(parsed.kind, 'KubesimState');
      for (const f of readdirSync(c.dir)) {
        assert.ok(f === 'state.json' || f === 'state.json.d' || f === 'state.json.lock' || f.endsWith('.tmp'), `unexpected file ${f}`);
      }
      // Every file the head names is there and whole: the whole state reads back.
      assert.ok(savedState(c.state).objects.nodes['kind-worker']);
    }
    // the cluster still works afterwards (a stale lock from a killed process is taken over)
    const r = c.run(['apply', '-f', '-'], { input: POD('after-kills') });
    assert.equal(r.code, 0, r.stderr);
  } finally {
    c.cleanup();
  }
});

/** A cluster with room for 1,000 more pods, and a manifest of 1,000 pods for it: a long `apply -f`. */
function thousandPods(c: ReturnType<typeof tempCluster>): string {
  assert.equal(c.run(['cluster', 'create', '--workers', '10']).code, 0);
  const file = `${c.dir}/thousand.yaml`;
  writeFileSync(file, Array.from({ length: 1000 }, (_, i) => POD(`bulk-${i}`)).join('---\n'));
  return file;
}

test('writers that start during a long apply -f of 1,000 pods wait for it: every printed "created" is in the state', { timeout: 120_000 }, async () => {
  const c = tempCluster();
  try {
    const file = thousandPods(c);
    const bulk = c.runAsync(['apply', '-f', file]);
    await new Promise((r) => setTimeout(r, 300));
    const teams = ['team1', 'team2', 'team3'].map((n) => c.runAsync(['create', 'namespace', n]));
    const late = c.runAsync(['run', 'late', '--image=nginx']);
    const [b, ...rest] = await Promise.all([bulk, ...teams, late]);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(b.stdout.split('\n').filter((l) => / created$/.test(l)).length, 1000);
    assert.deepEqual(rest.map((r) => r.stdout), ['namespace/team1 created\n', 'namespace/team2 created\n', 'namespace/team3 created\n', 'pod/late created\n']);
    const ns = c.run(['get', 'ns', 'team1', 'team2', 'team3', '-o', 'name']);
    assert.equal(ns.stdout, 'namespace/team1\nnamespace/team2\nnamespace/team3\n');
    const pods = c.run(['get', 'pods', '-o', 'name']).stdout.trim().split('\n');
    assert.equal(pods.length, 1001);
  } finally {
    c.cleanup();
  }
});

test('five run commands racing a long exec all land', { timeout: 120_000 }, async () => {
  const c = tempCluster();
  try {
    assert.equal(c.run(['cluster', 'create']).code, 0);
    assert.equal(c.run(['run', 'bb', '--image=busybox', '--', 'sleep', 'infinity']).code, 0);
    const long = c.runAsync(['exec', 'bb', '--', 'sh', '-c', 'n=0; for i in $(seq 1 300); do for j in $(seq 1 300); do n=$((n+1)); done; done; echo $n']);
    await new Promise((r) => setTimeout(r, 200));
    const runs = await Promise.all(Array.from({ length: 5 }, (_, i) => c.runAsync(['run', `w${i}`, '--image=nginx'])));
    assert.deepEqual(runs.map((r) => r.stdout), [0, 1, 2, 3, 4].map((i) => `pod/w${i} created\n`));
    assert.equal((await long).stdout, '90000\n');
    assert.equal(c.run(['get', 'pods', 'w0', 'w1', 'w2', 'w3', 'w4', '-o', 'name']).stdout, [0, 1, 2, 3, 4].map((i) => `pod/w${i}\n`).join(''));
  } finally {
    c.cleanup();
  }
});

test('SIGINT or SIGTERM during a long apply -f: the command stops, and the state is the old one or the whole new one', { timeout: 120_000 }, async () => {
  const c = tempCluster();
  try {
    const file = thousandPods(c);
    for (const [signal, delay] of [['SIGINT', 150], ['SIGTERM', 400]] as const) {
      const child = spawn(process.execPath, [BIN, 'apply', '-f', file], { env: c.env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      await new Promise((r) => setTimeout(r, delay));
      child.kill(signal);
      const [code, sig] = await new Promise<[number | null, string | null]>((r) => child.on('close', (a, b) => r([a, b])));
      // Ended by the signal (a shell shows 130 or 143), or finished first; never an error message.
      assert.ok(sig === signal || code === 0, `${signal}: exit ${code} ${sig}`);
      assert.equal(stderr, '');
      const pods = c.run(['get', 'pods', '--no-headers', '-o', 'name']);
      assert.equal(pods.code, 0, pods.stderr);
      const n = pods.stdout === '' ? 0 : pods.stdout.trim().split('\n').length;
      assert.ok(n === 0 || n === 1000, `${signal}: ${n} pods: all or nothing`);
      const check = c.run(['state', 'check', '--repair']);
      assert.equal(check.code, 0, check.stderr);
      if (n === 1000) c.run(['delete', 'pods', '--all']);
    }
  } finally {
    c.cleanup();
  }
});
