// The pod summary (src/store/pod-summary.ts) is derived data: whatever happened to it, the scheduler and the
// IPAM decide as they would from the pods themselves, and the next save writes it right again.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempCluster } from '../support/cli.js';

type Cluster = ReturnType<typeof tempCluster>;

/** The head file itself (savedState gives the exported cluster, without the store's bookkeeping). */
const head = (c: Cluster) => JSON.parse(readFileSync(c.state, 'utf8'));

function summaryPath(c: Cluster): string {
  const gen = head(c).store.podSummary?.gen;
  assert.ok(gen, 'the head names a pod summary');
  return join(`${c.state}.d`, `pods-summary-${gen}.json`);
}

/** Pods per node and their IPs, as `get pods -A -o wide` shows them. */
function podsByNode(c: Cluster): { perNode: Map<string, number>; ips: string[] } {
  const r = c.run(['get', 'pods', '-A', '-o', 'wide', '--no-headers']);
  assert.equal(r.code, 0, r.stderr);
  const perNode = new Map<string, number>();
  const ips: string[] = [];
  for (const line of r.stdout.trim().split('\n')) {
    const cols = line.split(/\s+/);
    // NAMESPACE NAME READY STATUS RESTARTS AGE IP NODE ...
    const [ip, node] = [cols[6], cols[7]];
    if (node !== '<none>') perNode.set(node, (perNode.get(node) ?? 0) + 1);
    if (ip !== '<none>' && !cols[0].startsWith('kube-system')) ips.push(ip);
  }
  return { perNode, ips };
}

function assertSummaryMatchesPods(c: Cluster): void {
  const s = JSON.parse(readFileSync(summaryPath(c), 'utf8')) as { nodes: Record<string, { n: number }> };
  const { perNode } = podsByNode(c);
  const summed = new Map(Object.entries(s.nodes).map(([n, v]) => [n, v.n] as const));
  assert.deepEqual(new Map([...summed].filter(([, n]) => n > 0).sort()), new Map([...perNode].sort()));
}

function assertWebRunning(c: Cluster, replicas: number): void {
  const r = c.run(['get', 'deployment', 'web', '-o', 'jsonpath={.status.readyReplicas}']);
  assert.equal(r.stdout, String(replicas), r.stderr);
  const { ips } = podsByNode(c);
  assert.equal(new Set(ips).size, ips.length, `pod IPs are unique: ${ips.join(' ')}`);
}

test('a missing, damaged or stale pod summary is computed again from the pods, and placement stays right', () => {
  const c = tempCluster();
  try {
    assert.equal(c.run(['cluster', 'create', '--workers', '2']).code, 0);
    const made = c.run(['create', 'deployment', 'web', '--image=nginx', '--replicas=6']);
    assert.equal(made.code, 0, made.stderr);
    assertSummaryMatchesPods(c);
    const firstSummary = readFileSync(summaryPath(c), 'utf8');
    const breakers: [string, () => void][] = [
      ['missing', () => rmSync(summaryPath(c))],
      ['damaged', () => writeFileSync(summaryPath(c), '{"v":2,"count":')],
      [
        'stale',
        () => {
          // A summary of 6 pods that the head says was computed for other pod index files (an older kubesim
          // wrote the pods since): it must not be taken for the 10 there are.
          writeFileSync(summaryPath(c), firstSummary);
          const h = head(c);
          h.store.podSummary.of = '[]';
          writeFileSync(c.state, JSON.stringify(h));
        },
      ],
      [
        'stale, as it was',
        () => {
          const h = head(c);
          h.store.podSummary.of = '[]';
          writeFileSync(c.state, JSON.stringify(h));
        },
      ],
    ];
    let replicas = 6;
    for (const [how, breakIt] of breakers) {
      breakIt();
      replicas += 2;
      const r = c.run(['scale', 'deployment', 'web', `--replicas=${replicas}`]);
      assert.equal(r.code, 0, `${how}: ${r.stderr}`);
      assertWebRunning(c, replicas);
      assertSummaryMatchesPods(c);
      // A stale summary computed again takes its part files with it; a missing, damaged or overwritten one
      // cannot say which they were, and `state check` finds them.
      const check = c.run(['state', 'check']);
      if (how === 'stale, as it was') assert.equal(check.code, 0, `${how}: ${check.stdout}`);
      else {
        assert.match(check.stdout, /Leftover: .*pods-part-/, how);
        assert.equal(c.run(['state', 'check', '--repair']).code, 0);
      }
    }
  } finally {
    c.cleanup();
  }
});

test('a node full of pods turns the next one away with Too many pods, counted from the summary', () => {
  const c = tempCluster();
  try {
    assert.equal(c.run(['cluster', 'create', '--workers', '1']).code, 0);
    assert.equal(c.run(['create', 'deployment', 'web', '--image=nginx', '--replicas=100']).code, 0);
    // A second write, so the scheduler counts from the summary the first one saved (pods of no controller:
    // nothing lists the pods).
    const pods = join(c.dir, 'solo.yaml');
    writeFileSync(pods, Array.from({ length: 20 }, (_, i) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: solo-${i}\nspec:\n  containers:\n  - name: main\n    image: nginx\n`).join('---\n'));
    const r = c.run(['apply', '-f', pods]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(podsByNode(c).perNode.get('kind-worker'), 110);
    const ev = c.run(['get', 'events', '--field-selector', 'reason=FailedScheduling', '-o', 'jsonpath={.items[*].message}']);
    assert.match(ev.stdout, /0\/2 nodes are available: 1 Too many pods, 1 node\(s\) had untolerated taint/);
    assertSummaryMatchesPods(c);
  } finally {
    c.cleanup();
  }
});

test('an exhausted podCIDR leaves the next pod ContainerCreating with the CNI error, the used IPs counted from the summary', () => {
  const c = tempCluster();
  try {
    const file = join(c.dir, 'small.yaml');
    // A /28 per node: 14 addresses for the worker's pods.
    writeFileSync(file, 'kind: Cluster\napiVersion: kubesim.dev/v1alpha1\nnetworking:\n  nodeCIDRMaskSize: 28\nnodes:\n- role: control-plane\n- role: worker\n');
    const made = c.run(['cluster', 'create', '--config', file]);
    assert.equal(made.code, 0, made.stderr);
    assert.equal(c.run(['create', 'deployment', 'web', '--image=nginx', '--replicas=8']).code, 0);
    // The second write allocates against the summary the first one saved: pods no controller owns, so no
    // controller lists the pods and the scheduler and the IPAM answer from the summary alone.
    const pods = join(c.dir, 'solo.yaml');
    writeFileSync(pods, Array.from({ length: 12 }, (_, i) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: solo-${i}\n  labels:\n    app: solo\nspec:\n  containers:\n  - name: main\n    image: nginx\n`).join('---\n'));
    const r = c.run(['apply', '-f', pods]);
    assert.equal(r.code, 0, r.stderr);
    const { ips } = podsByNode(c);
    assert.equal(new Set(ips).size, ips.length, `pod IPs are unique: ${ips.join(' ')}`);
    const waiting = c.run(['get', 'pods', '-l', 'app=solo', '--no-headers']).stdout.split('\n').filter((l) => / ContainerCreating /.test(l));
    assert.ok(waiting.length > 0, 'some pods wait for an address');
    const ev = c.run(['get', 'events', '--field-selector', 'reason=FailedCreatePodSandBox', '-o', 'jsonpath={.items[0].message}']);
    assert.match(ev.stdout, /failed to allocate for range 0: no IP addresses available in range set: 10\.244\.0\.17-10\.244\.0\.30$/);
    assertSummaryMatchesPods(c);
  } finally {
    c.cleanup();
  }
});

test("a ReplicaSet's rows in the summary: a part file of their own, rewritten only when they change, and a damaged row or count makes the next save compute them afresh", () => {
  const c = tempCluster();
  try {
    assert.equal(c.run(['create', 'deployment', 'web', '--image=nginx', '--replicas=6']).code, 0);
    type Counts = { l: Record<string, number>; a: number; al: Record<string, number>; r: Record<string, number>; n: Record<string, number> };
    type Table = { ls: string[]; c: Counts; n: number; p: { r: string; n: number; k: string }[] };
    const tables = () => (JSON.parse(readFileSync(summaryPath(c), 'utf8')) as { owned: Record<string, Table> }).owned;
    // A table this small is one part file.
    const partPath = (t: Table) => {
      assert.equal(t.p.length, 1);
      return join(`${c.state}.d`, `pods-part-${t.p[0].r}.txt`);
    };
    const rowsOf = (t: Table) => readFileSync(partPath(t), 'utf8').split('\n');
    const [rs] = Object.entries(tables()).filter(([, t]) => rowsOf(t)[0].startsWith('default/web-'));
    const before = rowsOf(rs[1]);
    assert.equal(before.length, 6);
    assert.equal(rs[1].n, 6);
    assert.deepEqual([...before].sort(), before, 'rows in key order');
    // A pod no controller owns: the ReplicaSet's part file stays as it was (neither read nor written).
    const part = rs[1].p[0].r;
    assert.equal(c.run(['run', 'solo', '--image=nginx']).code, 0);
    assert.equal(tables()[rs[0]].p[0].r, part, 'the same part file');
    assert.deepEqual(rowsOf(tables()[rs[0]]), before);
    assert.equal(c.run(['scale', 'deployment', 'web', '--replicas=7']).code, 0);
    assert.notEqual(tables()[rs[0]].p[0].r, part, 'a new part file');
    assert.equal(readdirSync(`${c.state}.d`).filter((f) => f === `pods-part-${part}.txt`).length, 0, 'the old part file is removed');
    const after = rowsOf(tables()[rs[0]]);
    assert.equal(after.length, 7);
    assert.deepEqual([...after].sort(), after, 'rows in key order');
    assert.deepEqual(after.filter((r) => before.includes(r)), before, 'the six rows as they were');
    // Scale down picks the victim from the rows; the ReplicaSet's status counts them.
    assert.equal(c.run(['scale', 'deployment', 'web', '--replicas=5']).code, 0);
    assert.equal(rowsOf(tables()[rs[0]]).length, 5);
    assert.equal(c.run(['get', 'rs', '-o', 'jsonpath={.items[0].status.readyReplicas}']).stdout, '5');
    // The counts saved with the table: what a scale by one reads instead of the rows.
    const counts = () => tables()[rs[0]].c;
    assert.equal(counts().a, 5);
    assert.deepEqual(Object.values(counts().l), [5]);
    assert.equal(Object.values(counts().n).reduce((a, b) => a + b), 5);
    // A row that is not kubesim's, found when a scale-down ranks the rows: the ReplicaSet reads its pods
    // instead, and the save writes the rows afresh.
    const rowsFile = partPath(tables()[rs[0]]);
    writeFileSync(rowsFile, readFileSync(rowsFile, 'utf8').replace(/^(default\/web-[^ ]+ [^ ]+ [^ ]+ [^ ]+ )0/, '$1x'));
    assert.match(readFileSync(rowsFile, 'utf8'), / x /);
    assert.equal(c.run(['scale', 'deployment', 'web', '--replicas=4']).code, 0);
    const fixed = rowsOf(tables()[rs[0]]);
    assert.equal(fixed.length, 4);
    assert.ok(fixed.every((r) => / \d+ \S+ [01] \d+$/.test(r)), fixed.join('\n'));
    assert.equal(c.run(['get', 'deploy', 'web', '--no-headers', '-o', 'custom-columns=R:.status.readyReplicas']).stdout.trim(), '4');
    // Counts that do not add up to the rows: the summary is computed again, and the status stays right.
    const saved = readFileSync(summaryPath(c), 'utf8');
    assert.ok(saved.includes('"a":4,'), 'the counts say 4 active rows');
    writeFileSync(summaryPath(c), saved.replace('"a":4,', '"a":40,'));
    assert.equal(c.run(['scale', 'deployment', 'web', '--replicas=6']).code, 0);
    assert.equal(counts().a, 6);
    assert.equal(rowsOf(tables()[rs[0]]).length, 6);
    assert.equal(c.run(['get', 'deploy', 'web', '--no-headers', '-o', 'custom-columns=R:.status.readyReplicas']).stdout.trim(), '6');
    // A part file gone: the rows are read from the pods again on the next scale-down.
    rmSync(partPath(tables()[rs[0]]));
    assert.equal(c.run(['scale', 'deployment', 'web', '--replicas=3']).code, 0);
    assert.equal(rowsOf(tables()[rs[0]]).length, 3);
    assert.equal(c.run(['get', 'deploy', 'web', '--no-headers', '-o', 'custom-columns=R:.status.readyReplicas']).stdout.trim(), '3');
  } finally {
    c.cleanup();
  }
});

test("each node's pod IPs in a part file of its own: placing a pod rewrites its node's alone, and a part gone is made again from the pods", () => {
  const c = tempCluster();
  try {
    assert.equal(c.run(['create', 'deployment', 'web', '--image=nginx', '--replicas=4']).code, 0);
    type Node = { n: number; ips?: { r: string; k: number; lo: string; hi: string } };
    const nodes = () => (JSON.parse(readFileSync(summaryPath(c), 'utf8')) as { nodes: Record<string, Node> }).nodes;
    const partOf = (n: Node) => readFileSync(join(`${c.state}.d`, `pods-part-${n.ips!.r}.txt`), 'utf8');
    const before = nodes();
    const withIPs = Object.entries(before).filter(([, n]) => n.ips);
    assert.ok(withIPs.length >= 2, 'pods on more than one node');
    for (const [, n] of withIPs) assert.equal(partOf(n).split(' ').length, n.ips!.k * 2, 'k counts the "ip key" pairs');
    assert.equal(c.run(['run', 'solo', '--image=nginx']).code, 0);
    const node = c.run(['get', 'pod', 'solo', '-o', 'jsonpath={.spec.nodeName}']).stdout;
    const ip = c.run(['get', 'pod', 'solo', '-o', 'jsonpath={.status.podIP}']).stdout;
    const after = nodes();
    for (const [name, n] of Object.entries(after)) {
      if (name === node) assert.notEqual(n.ips!.r, before[name]?.ips?.r, `${name}: a new part`);
      else assert.deepEqual(n.ips, before[name]?.ips, `${name}: its part as it was`);
    }
    assert.ok(partOf(after[node]).split(' ').includes(ip), 'the new pod IP is in its node\'s part');
    // Every node's part gone: the next placements make them again from the pods, and no IP is given twice.
    for (const [, n] of Object.entries(after)) if (n.ips) rmSync(join(`${c.state}.d`, `pods-part-${n.ips.r}.txt`));
    assert.equal(c.run(['scale', 'deployment', 'web', '--replicas=12']).code, 0);
    assertWebRunning(c, 12);
    assertSummaryMatchesPods(c);
    // Each node that got a pod has a new part listing the IPs of all its pods, the ones placed before the
    // parts went included (a node nothing touched still names its old part, made again when it is needed).
    const wide = c.run(['get', 'pods', '-o', 'wide', '--no-headers']).stdout.trim().split('\n').map((l) => l.split(/\s+/));
    let remade = 0;
    for (const [name, n] of Object.entries(nodes())) {
      if (!n.ips || n.ips.r === after[name]?.ips?.r) continue;
      const want = wide.filter((cols) => cols[6] === name && cols[5] !== '<none>').map((cols) => cols[5]).sort();
      if (after[name]?.ips) remade++;
      assert.deepEqual(partOf(n).split(' ').filter((_, i) => i % 2 === 0).sort(), want, `${name}: the IPs of its pods`);
    }
    assert.ok(remade > 0, 'some node with pods before got a pod');
    // And the network still finds the pods by IP (curl through the Service reaches a backend).
    const r = c.run(['run', 'client', '--rm', '-i', '--restart=Never', '--image=curlimages/curl', '--', 'curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', ip]);
    assert.match(r.stdout, /^200pod "client" deleted/, r.stderr);
  } finally {
    c.cleanup();
  }
});

test("a ReplicaSet's rows in parts of a few hundred: a scale by one rewrites one part, and the status counts all of them", () => {
  const c = tempCluster();
  try {
    assert.equal(c.run(['cluster', 'create', '--workers', '11']).code, 0);
    assert.equal(c.run(['create', 'deployment', 'big', '--image=nginx', '--replicas=1100']).code, 0);
    type Table = { n: number; p: { r: string; n: number; k: string }[] };
    const table = () => Object.values((JSON.parse(readFileSync(summaryPath(c), 'utf8')) as { owned: Record<string, Table> }).owned).reduce((a, b) => (b.n > a.n ? b : a));
    const first = table();
    assert.equal(first.p.length, 3, 'split in parts of at most 512 rows');
    assert.equal(first.p.reduce((n, p) => n + p.n, 0), 1100);
    assert.deepEqual(first.p.map((p) => p.k), [...first.p.map((p) => p.k)].sort(), 'parts in key order');
    for (const p of first.p) {
      const rows = readFileSync(join(`${c.state}.d`, `pods-part-${p.r}.txt`), 'utf8').split('\n');
      assert.equal(rows.length, p.n);
      assert.ok(rows[0].startsWith(`${p.k} `), 'a part starts at its first key');
    }
    assert.equal(c.run(['scale', 'deployment', 'big', '--replicas=1101']).code, 0);
    const up = table();
    assert.equal(up.p.filter((p, i) => p.r !== first.p[i]?.r).length, 1, 'one part written anew');
    assert.equal(c.run(['scale', 'deployment', 'big', '--replicas=1099']).code, 0);
    const down = table();
    assert.equal(down.p.reduce((n, p) => n + p.n, 0), 1099);
    assert.equal(c.run(['get', 'deploy', 'big', '--no-headers', '-o', 'custom-columns=R:.status.readyReplicas,A:.status.availableReplicas']).stdout.trim(), '1099   1099');
  } finally {
    c.cleanup();
  }
});
