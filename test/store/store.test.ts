import assert from 'node:assert/strict';
import { statSync, writeFileSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { tempCluster, savedState } from '../support/cli.js';

test('first use creates the default kind-shaped cluster, private to its owner', () => {
  const c = tempCluster();
  try {
    const r = c.run(['cluster', 'info']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Kubernetes control plane is running at https:\/\/172\.18\.0\.2:6443$/m);
    assert.equal(statSync(c.state).mode & 0o777, 0o600);
    const s = savedState(c.state);
    assert.equal(s.schemaVersion, 4);
    assert.deepEqual(
      s.cluster.nodes.map((n: { name: string; internalIP: string; podCIDR: string }) => `${n.name} ${n.internalIP} ${n.podCIDR}`),
      ['kind-control-plane 172.18.0.2 10.244.0.0/24', 'kind-worker 172.18.0.3 10.244.1.0/24', 'kind-worker2 172.18.0.4 10.244.2.0/24', 'kind-worker3 172.18.0.5 10.244.3.0/24'],
    );
  } finally {
    c.cleanup();
  }
});

test('a damaged state file is reported with its path and the way out, and left untouched', () => {
  const c = tempCluster();
  try {
    writeFileSync(c.state, '{"kind":"KubesimState","schemaVersion":1,');
    const r = c.run(['cluster', 'info']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.ok(r.stderr.startsWith(`error: the state file "${c.state}" is damaged (not valid JSON:`), r.stderr);
    assert.match(r.stderr, /kubesim cluster delete/);
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
    assert.equal(readFileSync(c.state, 'utf8'), '{"kind":"KubesimState","schemaVersion":1,');
  } finally {
    c.cleanup();
  }
});

test('a foreign JSON file is refused, not overwritten', () => {
  const c = tempCluster();
  try {
    writeFileSync(c.state, '{"apiVersion":"v1","kind":"Config"}');
    const r = c.run(['cluster', 'info']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `error: "${c.state}" is not a kubesim state file; it was left untouched. Point --state or KUBESIM_STATE at another path\n`);
    assert.equal(readFileSync(c.state, 'utf8'), '{"apiVersion":"v1","kind":"Config"}');
  } finally {
    c.cleanup();
  }
});

test('a state file from a newer kubesim is refused with the versions named', () => {
  const c = tempCluster();
  try {
    c.run(['cluster', 'create']);
    const s = savedState(c.state);
    s.schemaVersion = 99;
    writeFileSync(c.state, JSON.stringify(s));
    const r = c.run(['cluster', 'info']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /has schema version 99, written by a newer kubesim; this kubesim reads up to version 4/);
  } finally {
    c.cleanup();
  }
});

test('cluster create refuses to replace an existing cluster; delete removes it', () => {
  const c = tempCluster();
  try {
    assert.equal(c.run(['cluster', 'create', '--seed', '5']).code, 0);
    const again = c.run(['cluster', 'create']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^error: a cluster already exists in ".*"; remove it first with 'kubesim cluster delete'\n$/);
    const del = c.run(['cluster', 'delete']);
    assert.equal(del.code, 0);
    assert.equal(del.stdout, `Deleted cluster "kind" (${c.state}).\n`);
  } finally {
    c.cleanup();
  }
});

test('a list read one object at a time (get of many pods) sees what a whole read sees, and what the command changed', async () => {
  const { readState } = await import('../../src/store/store.js');
  const c = tempCluster();
  try {
    assert.equal(c.run(['create', 'deployment', 'web', '--image=nginx', '--replicas=5']).code, 0);
    assert.equal(c.run(['create', 'namespace', 'dev']).code, 0);
    assert.equal(c.run(['run', 'solo', '--image=nginx', '-n', 'dev']).code, 0);
    const names = (objs: unknown[]) => objs.map((o) => { const m = (o as { metadata: { namespace: string; name: string } }).metadata; return `${m.namespace}/${m.name}`; });
    const whole = readState(c.state)!.objects.list('pods');
    const state = readState(c.state)!;
    assert.deepEqual([...state.objects.scan('pods')], whole);
    assert.deepEqual(names([...state.objects.scan('pods', 'dev')]), ['dev/solo']);
    // A pod this command changed is seen as changed, one it removed is not seen; nothing is kept otherwise.
    const [first, second] = names(whole);
    const changed = state.objects.get('pods', first) as { metadata: { labels?: Record<string, string> } };
    changed.metadata.labels = { ...changed.metadata.labels, seen: 'yes' };
    state.objects.remove('pods', second);
    const scanned = [...state.objects.scan('pods')] as { metadata: { labels?: Record<string, string> } }[];
    assert.equal(scanned.length, whole.length - 1);
    assert.equal(scanned[0].metadata.labels?.seen, 'yes');
    assert.ok(!names(scanned).includes(second));
    assert.deepEqual(state.objects.loadedKeys('pods'), [first]);
  } finally {
    c.cleanup();
  }
});

test('state export prints the cluster as YAML or JSON from the built command, the same document either way', async () => {
  const { parse } = await import('yaml');
  const c = tempCluster();
  try {
    assert.equal(c.run(['create', 'namespace', 'dev']).code, 0);
    const y = c.run(['state', 'export', '-o', 'yaml']);
    assert.equal(y.code, 0, y.stderr);
    assert.match(y.stdout, /^kind: KubesimState\n/);
    const j = c.run(['state', 'export']);
    assert.equal(j.code, 0, j.stderr);
    assert.deepEqual(parse(y.stdout), JSON.parse(j.stdout));
  } finally {
    c.cleanup();
  }
});
