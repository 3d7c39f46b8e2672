// The endpointslice reconciler's placement: an endpoint stays in the slice that holds it, new endpoints go to
// the slice they fill closest to full, and an emptied slice goes. So one pod more or less in a big Service
// rewrites one slice of its many (what kube-proxy on every node then re-reads), not all of them.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';

let c: InProcessCluster;
before(async () => {
  c = inProcessCluster();
  assert.equal((await c.run(['cluster', 'create', '--workers', '4'])).code, 0);
  assert.equal((await c.run(['create', 'deployment', 'big', '--image=nginx', '--replicas=250', '--port=80'])).code, 0);
  assert.equal((await c.run(['expose', 'deployment', 'big', '--port=80'])).stdout, 'service/big exposed\n');
});
after(() => c.cleanup());

interface SliceView {
  generation: number;
  ips: string[];
}

/** name -> generation and endpoint IPs of the Service's slices. */
async function slices(): Promise<Map<string, SliceView>> {
  const r = await c.run(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=big', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.metadata.generation} {.endpoints[*].addresses[0]}{"\\n"}{end}']);
  assert.equal(r.code, 0, r.stderr);
  const out = new Map<string, SliceView>();
  for (const line of r.stdout.trim().split('\n')) {
    const [name, gen, ...ips] = line.split(' ');
    out.set(name, { generation: Number(gen), ips });
  }
  return out;
}

const podIPs = async () => new Set((await c.run(['get', 'pods', '-l', 'app=big', '-o', 'jsonpath={.items[*].status.podIP}'])).stdout.split(' '));
const sizes = (m: Map<string, SliceView>) => [...m.values()].map((s) => s.ips.length).sort((a, b) => b - a);
const changed = (a: Map<string, SliceView>, b: Map<string, SliceView>) => [...b.keys()].filter((k) => a.get(k)?.generation !== b.get(k)!.generation);

test('250 endpoints are cut into slices of at most 100, each endpoint once', async () => {
  const s = await slices();
  assert.deepEqual(sizes(s), [100, 100, 50]);
  const all = [...s.values()].flatMap((v) => v.ips);
  assert.equal(new Set(all).size, 250);
  assert.deepEqual(new Set(all), await podIPs());
});

test('one more replica goes into the slice with room and leaves the full ones untouched', async () => {
  const before = await slices();
  assert.equal((await c.run(['scale', 'deployment', 'big', '--replicas=251'])).code, 0);
  const after = await slices();
  assert.deepEqual(sizes(after), [100, 100, 51]);
  const moved = changed(before, after);
  assert.equal(moved.length, 1, `slices rewritten: ${moved.join(', ')}`);
  assert.equal(after.get(moved[0])!.ips.length, 51);
  // Every other slice holds exactly the endpoints it held.
  for (const [name, v] of after) if (name !== moved[0]) assert.deepEqual(v.ips, before.get(name)!.ips);
  assert.deepEqual(new Set([...after.values()].flatMap((v) => v.ips)), await podIPs());
});

test('a deleted pod leaves only its own slice, which is not refilled from the others', async () => {
  const before = await slices();
  const [full] = [...before].find(([, v]) => v.ips.length === 100)!;
  const ip = before.get(full)!.ips[0];
  const pod = (await c.run(['get', 'pods', '-l', 'app=big', '--field-selector', `status.podIP=${ip}`, '-o', 'name'])).stdout.trim();
  assert.match(pod, /^pod\/big-/);
  // The ReplicaSet replaces the pod: its endpoint goes into the slice that has just made room, closest to full.
  assert.equal((await c.run(['delete', pod])).code, 0);
  const after = await slices();
  assert.equal(after.get(full)!.ips.includes(ip), false);
  assert.deepEqual(sizes(after), [100, 100, 51]);
  assert.deepEqual(changed(before, after), [full]);
  assert.deepEqual(new Set([...after.values()].flatMap((v) => v.ips)), await podIPs());
});

test('scaling down empties and deletes slices; the Service keeps one placeholder at zero', async () => {
  assert.equal((await c.run(['scale', 'deployment', 'big', '--replicas=0'])).code, 0);
  const s = await slices();
  assert.equal(s.size, 1);
  assert.deepEqual([...s.values()][0].ips, []);
  assert.equal((await c.run(['scale', 'deployment', 'big', '--replicas=3'])).code, 0);
  const back = await slices();
  assert.deepEqual(sizes(back), [3]);
});
