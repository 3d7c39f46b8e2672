// The sharded kinds' indexes (src/store/layout.ts) grow in shards as the kind grows: a commit that would write a
// shard past its limit doubles the kind's shards. The limits are lowered here so a small cluster crosses them;
// what a user sees (get, list, describe's events) must not change, and neither must an older state's reading.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { MIN_SHARDS, setShardLimits, strayFiles, type StoreHead } from '../../src/store/layout.js';
import { readState } from '../../src/store/store.js';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';

before(() => setShardLimits({ pods: 8, events: 16, endpointslices: 2, logs: 8 }));
after(() => setShardLimits(undefined));

const headOf = (c: InProcessCluster): StoreHead => JSON.parse(readFileSync(c.state, 'utf8')).store;
const shardsOf = (c: InProcessCluster, kind: string) => (headOf(c).kinds[kind] as (number | null)[]).length;

/** Entries of each index file of a kind on disk (one row a line). */
function shardSizes(c: InProcessCluster, kind: string): number[] {
  const dir = `${c.state}.d`;
  return readdirSync(dir)
    .filter((f) => f.startsWith(`${kind}.`) && f.endsWith('.idx'))
    .map((f) => readFileSync(join(dir, f), 'utf8').split('\n').length);
}

async function ok(c: InProcessCluster, args: string[]): Promise<string> {
  const r = await c.run(args);
  assert.equal(r.code, 0, `kubesim ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const webPods = async (c: InProcessCluster) => (await ok(c, ['get', 'pods', '-l', 'app=web', '-o', 'name'])).trim().split('\n').filter(Boolean);

/** Every web pod (or every `every`th) answers get and describe, with the kubelet's events of it. */
async function assertEveryPodFound(c: InProcessCluster, replicas: number, every = 1): Promise<void> {
  const pods = await webPods(c);
  assert.equal(pods.length, replicas);
  assert.equal(await ok(c, ['get', 'deployment', 'web', '-o', 'jsonpath={.status.readyReplicas}']), String(replicas));
  for (const p of pods.filter((_, i) => i % every === 0)) {
    const name = p.slice('pod/'.length);
    assert.equal(await ok(c, ['get', 'pod', name, '-o', 'jsonpath={.metadata.name}']), name);
    const d = await ok(c, ['describe', 'pod', name]);
    assert.match(d, new RegExp(`Successfully assigned default/${name} to `), `describe pod ${name} shows its events`);
    assert.match(d, /Started container nginx/);
  }
}

test('a kind whose shard grows past its limit doubles its shards; every pod and its events are still found', async () => {
  const c = inProcessCluster();
  try {
    await ok(c, ['cluster', 'create', '--workers', '3']);
    await ok(c, ['create', 'deployment', 'web', '--image=nginx', '--replicas=4']);
    assert.equal(shardsOf(c, 'pods'), MIN_SHARDS, 'a small kind keeps the minimum');
    // Growing a few pods at a time: each doubling comes from the commit that would write a shard too big.
    const counts = new Set<number>();
    for (const n of [40, 80, 130, 200]) {
      await ok(c, ['scale', 'deployment', 'web', `--replicas=${n}`]);
      const count = shardsOf(c, 'pods');
      counts.add(count);
      assert.ok([32, 64, 128, 256, 512].includes(count), `a power of two times 32: ${count}`);
      assert.ok(Math.max(...shardSizes(c, 'pods')) <= 8, `no pods shard above the limit at ${n} replicas: ${shardSizes(c, 'pods')}`);
    }
    assert.ok(counts.size >= 2 && shardsOf(c, 'pods') > MIN_SHARDS, `pods were resharded: ${[...counts]}`);
    assert.ok(shardsOf(c, 'events') > MIN_SHARDS, 'events were resharded');
    // The old shard files are gone: only what the head names is left.
    assert.deepEqual(strayFiles(c.state, headOf(c)), []);
    await assertEveryPodFound(c, 200);
    const all = await ok(c, ['get', 'events', '-o', 'jsonpath={range .items[*]}{.involvedObject.name}{"\\n"}{end}']);
    for (const p of await webPods(c)) assert.ok(all.includes(`${p.slice(4)}\n`), `get events lists ${p}'s`);
    // And they go on working: down and up again, with the recorder finding each object's series.
    await ok(c, ['scale', 'deployment', 'web', '--replicas=150']);
    await ok(c, ['scale', 'deployment', 'web', '--replicas=170']);
    await assertEveryPodFound(c, 170, 5);
  } finally {
    c.cleanup();
  }
});

test('resharding is deterministic: the same commands write the same files, byte for byte', async () => {
  const dirs: InProcessCluster[] = [inProcessCluster(), inProcessCluster()];
  try {
    for (const c of dirs) {
      await ok(c, ['cluster', 'create', '--workers', '2']);
      await ok(c, ['create', 'deployment', 'web', '--image=nginx', '--replicas=60']);
      await ok(c, ['scale', 'deployment', 'web', '--replicas=120']);
    }
    const files = (c: InProcessCluster) => {
      const dir = `${c.state}.d`;
      return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
    };
    assert.ok(shardsOf(dirs[0], 'pods') > MIN_SHARDS);
    assert.deepEqual(files(dirs[0]), files(dirs[1]));
    assert.equal(readFileSync(dirs[0].state, 'utf8'), readFileSync(dirs[1].state, 'utf8'));
  } finally {
    for (const c of dirs) c.cleanup();
  }
});

test('a state of 32 shards fuller than the limit (an older kubesim) reads as it is, and its next write reshards it', async () => {
  const c = inProcessCluster();
  try {
    setShardLimits(undefined);
    await ok(c, ['cluster', 'create', '--workers', '3']);
    await ok(c, ['create', 'deployment', 'web', '--image=nginx', '--replicas=100']);
    assert.equal(shardsOf(c, 'pods'), MIN_SHARDS);
    // About 3 pods a shard now: any shard the next write touches is past this limit.
    setShardLimits({ pods: 2, events: 16, endpointslices: 2, logs: 8 });
    const headBefore = readFileSync(c.state, 'utf8');
    await assertEveryPodFound(c, 100);
    assert.equal(readFileSync(c.state, 'utf8'), headBefore, 'reading wrote nothing');
    await ok(c, ['scale', 'deployment', 'web', '--replicas=110']);
    assert.ok(shardsOf(c, 'pods') > MIN_SHARDS);
    assert.deepEqual(strayFiles(c.state, headOf(c)), []);
    await assertEveryPodFound(c, 110);
  } finally {
    setShardLimits({ pods: 8, events: 16, endpointslices: 2, logs: 8 });
    c.cleanup();
  }
});

test('a pods index of one file (from before sharding) is read, and split into shards by the next write', async () => {
  const c = inProcessCluster();
  try {
    await ok(c, ['cluster', 'create', '--workers', '2']);
    await ok(c, ['create', 'deployment', 'web', '--image=nginx', '--replicas=10']);
    // Merge the pods shards into the single index an unsharded store had.
    const doc = JSON.parse(readFileSync(c.state, 'utf8'));
    const dir = `${c.state}.d`;
    const gens = doc.store.kinds.pods as (number | null)[];
    const rows: string[] = [];
    gens.forEach((g, s) => {
      if (g === null) return;
      const f = join(dir, `pods.${s}-${g}.idx`);
      rows.push(...(JSON.parse(readFileSync(f, 'utf8')) as unknown[]).map((r) => JSON.stringify(r)));
      unlinkSync(f);
    });
    writeFileSync(join(dir, `pods-${doc.store.generation}.idx`), `[${rows.join(',\n')}]`);
    doc.store.kinds.pods = doc.store.generation;
    // The pod summary is of the same pods: it stays valid for the index they are now in.
    doc.store.podSummary.of = JSON.stringify(doc.store.kinds.pods);
    writeFileSync(c.state, JSON.stringify(doc));
    await assertEveryPodFound(c, 10);
    await ok(c, ['scale', 'deployment', 'web', '--replicas=12']);
    assert.ok(Array.isArray(headOf(c).kinds.pods) && shardsOf(c, 'pods') >= MIN_SHARDS);
    assert.deepEqual(strayFiles(c.state, headOf(c)), []);
    await assertEveryPodFound(c, 12);
  } finally {
    c.cleanup();
  }
});

test('a reader holding the head from before a doubling finds its files gone, reads the new head and finds every object', async () => {
  const c = inProcessCluster();
  try {
    await ok(c, ['cluster', 'create', '--workers', '3']);
    await ok(c, ['create', 'deployment', 'web', '--image=nginx', '--replicas=20']);
    const keys = (await webPods(c)).map((p) => `default/${p.slice(4)}`);
    const reader = readState(c.state)!;
    const countBefore = reader.objects.shardCount('pods');
    // A writer doubles the pods' (and events') shards and removes the files the reader's head names.
    await ok(c, ['scale', 'deployment', 'web', '--replicas=120']);
    assert.ok(shardsOf(c, 'pods') > countBefore);
    for (const k of keys) {
      const pod = reader.objects.get('pods', k) as { metadata: { name: string; uid: string } } | undefined;
      assert.equal(pod?.metadata.name, k.slice('default/'.length), `the reader finds ${k}`);
    }
    assert.equal(reader.objects.shardCount('pods'), shardsOf(c, 'pods'), 'the reader moved to the new head');
    // Events too: the shard of an object's events is the new head's.
    const late = readState(c.state)!;
    await ok(c, ['scale', 'deployment', 'web', '--replicas=300']);
    const pod = late.objects.get('pods', keys[0]) as { metadata: { uid: string } };
    const near = late.objects.projectionsNear('events', `${keys[0]}.0`);
    assert.ok([...near.values()].some((p) => (p as { u?: string }).u === pod.metadata.uid), 'the pod\'s events are in its shard of the new head');
  } finally {
    c.cleanup();
  }
});
