// cordon, uncordon, drain and taint as a user sees them, and what the control plane does afterwards: the
// scheduler keeps new pods off cordoned and tainted nodes, drain evicts through PodDisruptionBudgets on the
// simulated clock, the taint manager evicts for NoExecute taints after tolerationSeconds.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';

let c: InProcessCluster;
const ok = async (args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}) => {
  const r = await c.run(args, opts);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r;
};
const apply = async (yaml: string) => (await ok(['apply', '-f', '-'], { input: yaml }));
const podsOn = async (selector: string) => (await ok(['get', 'pods', '-l', selector, '-o', 'jsonpath={range .items[*]}{.spec.nodeName}{"\\n"}{end}'])).stdout.split('\n').filter(Boolean);
const stateBytes = () => readFileSync(c.state);

const WEB = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx}]
`;

before(async () => {
  c = inProcessCluster();
  await apply(WEB);
});
after(() => c.cleanup());

describe('cordon and uncordon', () => {
  test('cordon marks the node: lines, SchedulingDisabled, the unschedulable taint; again: already cordoned', async () => {
    assert.equal((await ok(['cordon', 'kind-worker'])).stdout, 'node/kind-worker cordoned\n');
    assert.equal((await ok(['cordon', 'kind-worker'])).stdout, 'node/kind-worker already cordoned\n');
    const table = (await ok(['get', 'nodes'])).stdout;
    assert.match(table, /kind-worker\s+Ready,SchedulingDisabled\s+<none>/);
    const node = parse((await ok(['get', 'node', 'kind-worker', '-o', 'yaml'])).stdout);
    assert.equal(node.spec.unschedulable, true);
    assert.deepEqual(node.spec.taints, [{ effect: 'NoSchedule', key: 'node.kubernetes.io/unschedulable' }]);
  });

  test('new pods avoid a cordoned node; with every worker cordoned they stay Pending with the scheduler reason', async () => {
    const onWorker = (await podsOn('app=web')).filter((n) => n === 'kind-worker').length;
    await ok(['scale', 'deploy/web', '--replicas=6']);
    assert.equal((await podsOn('app=web')).length, 6);
    assert.equal((await podsOn('app=web')).filter((n) => n === 'kind-worker').length, onWorker, 'no new pod on the cordoned node');
    await ok(['cordon', 'kind-worker2', 'kind-worker3']);
    await ok(['run', 'lonely', '--image=nginx']);
    const pod = parse((await ok(['get', 'pod', 'lonely', '-o', 'yaml'])).stdout);
    assert.equal(pod.status.phase, 'Pending');
    assert.equal(
      pod.status.conditions[0].message,
      '0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 node(s) were unschedulable. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.',
    );
    assert.equal((await ok(['uncordon', 'kind-worker2'])).stdout, 'node/kind-worker2 uncordoned\n');
    assert.equal(parse((await ok(['get', 'pod', 'lonely', '-o', 'yaml'])).stdout).spec.nodeName, 'kind-worker2');
    assert.equal((await ok(['uncordon', '-l', 'kubernetes.io/hostname in (kind-worker, kind-worker3)'])).stdout, 'node/kind-worker uncordoned\nnode/kind-worker3 uncordoned\n');
    const node = parse((await ok(['get', 'node', 'kind-worker', '-o', 'yaml'])).stdout);
    assert.equal(node.spec.taints, undefined);
    await ok(['delete', 'pod', 'lonely']);
    await ok(['scale', 'deploy/web', '--replicas=3']);
  });

  test('errors: no node, an unknown node (nothing changes), a name with a selector', async () => {
    const before = stateBytes();
    assert.deepEqual(await c.run(['cordon']), { code: 1, stdout: '', stderr: "error: USAGE: cordon NODE [flags]\nSee 'kubectl cordon -h' for help and examples\n" });
    assert.deepEqual(await c.run(['cordon', 'nope']), { code: 1, stdout: '', stderr: 'Error from server (NotFound): nodes "nope" not found\n' });
    assert.deepEqual((await c.run(['uncordon', 'kind-worker', '-l', 'a=b'])).stderr, "error: cannot specify both a node name and a --selector option\nSee 'kubectl uncordon -h' for help and examples\n");
    assert.deepEqual(stateBytes(), before);
  });
});

describe('drain', () => {
  test('a PodDisruptionBudget that allows nothing: retried every 5 s until --timeout, then kubectl\'s error, exit 1', async () => {
    await apply(`apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  minAvailable: 3
  selector: {matchLabels: {app: web}}
`);
    const node = (await podsOn('app=web'))[0];
    const pods = (await ok(['get', 'pods', '-l', 'app=web', '--field-selector', `spec.nodeName=${node}`, '-o', 'name'])).stdout.split('\n').filter(Boolean).map((p) => p.slice(4));
    const r = await c.run(['drain', node, '--ignore-daemonsets', '--timeout=7s']);
    await ok(['uncordon', node]);
    assert.equal(r.code, 1);
    const evicting = pods.map((p) => `evicting pod default/${p}\n`).join('');
    // attempts at 0 s and 5 s are refused; at 10 s the 7 s deadline has passed
    assert.equal(r.stdout, `node/${node} cordoned\n${evicting}${evicting}${evicting}`);
    const refused = pods.map((p) => `error when evicting pods/"${p}" -n "default" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.\n`).join('');
    const timeouts = pods.map((p) => `error when evicting pods/"${p}" -n "default": global timeout reached: 7s`);
    const agg = timeouts.length === 1 ? timeouts[0] : `[${timeouts.join(', ')}]`;
    const [warning, ...rest] = r.stderr.split('\n');
    assert.match(warning, /^Warning: ignoring DaemonSet-managed Pods: kube-system\/kindnet-\w+, kube-system\/kube-proxy-\w+$/);
    assert.equal(
      rest.join('\n'),
      `${refused}${refused}` +
        `There are pending pods in node "${node}" when an error occurred: ${agg}\n${pods.map((p) => `pod/${p}\n`).join('')}` +
        `error: unable to drain node "${node}" due to error: ${agg}, continuing command...\nThere are pending nodes to be drained:\n ${node}\n${timeouts.map((t) => `${t}\n`).join('')}`,
    );
    assert.deepEqual((await podsOn('app=web')).filter((n) => n === node).length, pods.length, 'the pods are still there');
  });

  test('a budget that allows one disruption at a time: the drain evicts, waits for the replacement, evicts again', async () => {
    await ok(['patch', 'pdb', 'web', '--type=merge', '-p', '{"spec":{"minAvailable":3}}']);
    await ok(['scale', 'deploy/web', '--replicas=4']);
    const on = await podsOn('app=web');
    const node = on.sort((a, b) => on.filter((x) => x === b).length - on.filter((x) => x === a).length)[0];
    const pods = (await ok(['get', 'pods', '-l', 'app=web', '--field-selector', `spec.nodeName=${node}`, '-o', 'name'])).stdout.split('\n').filter(Boolean).map((p) => p.slice(4));
    assert.ok(pods.length >= 2, 'two pods to evict on one node');
    const r = await c.run(['drain', node, '--ignore-daemonsets', '--timeout=120s']);
    await ok(['uncordon', node]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^node/${node} cordoned\\nevicting pod default/${pods[0]}\\n`));
    assert.match(r.stdout, new RegExp(`pod/${pods[0]} evicted\\n`));
    assert.match(r.stdout, new RegExp(`pod/${pods[1]} evicted\\n`));
    assert.match(r.stdout, new RegExp(`node/${node} drained\\n$`));
    assert.match(r.stderr, /\(will retry after 5s\): Cannot evict pod as it would violate the pod's disruption budget\.\n/);
    assert.ok(!(await podsOn('app=web')).includes(node), 'no web pod left on the drained node');
    assert.equal((await podsOn('app=web')).length, 4, 'the ReplicaSet replaced them elsewhere');
  });

  test('bare and emptyDir pods block the drain until --force and --delete-emptydir-data; a bare pod is gone for good', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: bare}
spec:
  nodeName: kind-worker3
  containers: [{name: c, image: nginx}]
---
apiVersion: v1
kind: Pod
metadata: {name: scratch}
spec:
  nodeName: kind-worker3
  volumes: [{name: s, emptyDir: {}}]
  containers: [{name: c, image: nginx, volumeMounts: [{name: s, mountPath: /s}]}]
`);
    await ok(['delete', 'pdb', 'web']);
    const r = await c.run(['drain', 'kind-worker3', '--ignore-daemonsets', '--pod-selector=app!=web']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, 'node/kind-worker3 cordoned\n');
    assert.match(r.stderr, /cannot delete cannot delete Pods that declare no controller \(use --force to override\): default\/bare\ncannot delete Pods with local storage \(use --delete-emptydir-data to override\): default\/scratch\n$/);
    const f = await c.run(['drain', 'kind-worker3', '--ignore-daemonsets', '--pod-selector=app!=web', '--force', '--delete-emptydir-data']);
    assert.equal(f.code, 0, f.stderr);
    assert.equal(f.stdout, 'node/kind-worker3 already cordoned\nevicting pod default/bare\nevicting pod default/scratch\npod/bare evicted\npod/scratch evicted\nnode/kind-worker3 drained\n');
    assert.match(f.stderr, /^Warning: deleting Pods that declare no controller: default\/bare, default\/scratch; ignoring DaemonSet-managed Pods: /);
    assert.equal((await c.run(['get', 'pod', 'bare'])).code, 1);
    await ok(['uncordon', 'kind-worker3']);
  });

  test('--disable-eviction deletes; --dry-run=server changes nothing', async () => {
    await apply('apiVersion: v1\nkind: Pod\nmetadata: {name: solo, labels: {run: solo}}\nspec:\n  nodeName: kind-worker2\n  containers: [{name: c, image: nginx}]\n');
    const before = stateBytes();
    const d = await c.run(['drain', 'kind-worker2', '--ignore-daemonsets', '--force', '--pod-selector=run=solo', '--dry-run=server']);
    assert.equal(d.stdout, 'node/kind-worker2 cordoned (server dry run)\nevicting pod default/solo (server dry run)\nnode/kind-worker2 drained (server dry run)\n');
    assert.equal((await ok(['get', 'node', 'kind-worker2', '-o', 'jsonpath={.spec.unschedulable}'])).stdout, '');
    assert.ok(before.length > 0);
    const r = await c.run(['drain', 'kind-worker2', '--ignore-daemonsets', '--force', '--pod-selector=run=solo', '--disable-eviction']);
    assert.equal(r.stdout, 'node/kind-worker2 cordoned\npod/solo deleted\nnode/kind-worker2 drained\n');
    await ok(['uncordon', 'kind-worker2']);
  });
});

describe('taint', () => {
  test('NoSchedule keeps new pods off; PreferNoSchedule is avoided when another node fits; a toleration lets them in', async () => {
    assert.equal((await ok(['taint', 'nodes', 'kind-worker', 'dedicated=db:NoSchedule'])).stdout, 'node/kind-worker tainted\n');
    await ok(['taint', 'nodes', 'kind-worker2', 'slow:PreferNoSchedule']);
    await ok(['create', 'deployment', 'spread', '--image=nginx', '--replicas=6']);
    assert.deepEqual([...new Set(await podsOn('app=spread'))].sort(), ['kind-worker3']);
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: db}
spec:
  tolerations: [{key: dedicated, operator: Equal, value: db, effect: NoSchedule}]
  nodeSelector: {kubernetes.io/hostname: kind-worker}
  containers: [{name: c, image: nginx}]
`);
    assert.equal((await ok(['get', 'pod', 'db', '-o', 'jsonpath={.spec.nodeName}'])).stdout, 'kind-worker');
    assert.equal((await ok(['taint', 'nodes', 'kind-worker', 'dedicated:NoSchedule-'])).stdout, 'node/kind-worker untainted\n');
    assert.equal((await ok(['taint', 'nodes', 'kind-worker2', 'slow-'])).stdout, 'node/kind-worker2 untainted\n');
    await ok(['delete', 'deploy', 'spread']);
    await ok(['delete', 'pod', 'db']);
  });

  test('NoExecute evicts pods without a toleration at once, and tolerating ones after tolerationSeconds on the clock', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: patient}
spec:
  nodeName: kind-worker
  tolerations: [{key: maint, operator: Exists, effect: NoExecute, tolerationSeconds: 30}]
  containers: [{name: c, image: nginx}]
---
apiVersion: v1
kind: Pod
metadata: {name: impatient}
spec:
  nodeName: kind-worker
  containers: [{name: c, image: nginx}]
`);
    assert.equal((await ok(['taint', 'nodes', 'kind-worker', 'maint=now:NoExecute'])).stdout, 'node/kind-worker tainted\n');
    assert.equal((await c.run(['get', 'pod', 'impatient'])).stderr, 'Error from server (NotFound): pods "impatient" not found\n');
    const at = (s: string) => ({ KUBESIM_NOW: `2026-11-22T01:30:${s}Z` });
    assert.equal((await c.run(['get', 'pod', 'patient', '-o', 'name'], { env: at('29') })).stdout, 'pod/patient\n');
    assert.equal((await c.run(['get', 'pod', 'patient'], { env: at('31') })).code, 1);
    const ev = (await c.run(['get', 'events', '--field-selector', 'reason=TaintManagerEviction', '-o', 'jsonpath={range .items[*]}{.message}{"\\n"}{end}'], { env: at('31') })).stdout;
    assert.match(ev, /Marking for deletion Pod default\/impatient\n/);
    assert.match(ev, /Marking for deletion Pod default\/patient\n/);
    await ok(['taint', 'nodes', 'kind-worker', 'maint-']);
  });

  test('a pod bound to a node that already has a NoExecute taint is evicted, or timed; removing the taint cancels the timer', async () => {
    assert.equal((await ok(['taint', 'nodes', 'kind-worker2', 'maint=later:NoExecute'])).stdout, 'node/kind-worker2 tainted\n');
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: waiting}
spec:
  nodeName: kind-worker2
  tolerations: [{key: maint, operator: Exists, effect: NoExecute, tolerationSeconds: 60}]
  containers: [{name: c, image: nginx}]
---
apiVersion: v1
kind: Pod
metadata: {name: evicted}
spec:
  nodeName: kind-worker2
  containers: [{name: c, image: nginx}]
`);
    assert.equal((await c.run(['get', 'pod', 'evicted'])).stderr, 'Error from server (NotFound): pods "evicted" not found\n');
    const at = { env: { KUBESIM_NOW: '2026-11-22T01:30:40Z' } };
    assert.equal((await ok(['get', 'pod', 'waiting', '-o', 'name'], at)).stdout, 'pod/waiting\n');
    assert.equal((await ok(['taint', 'nodes', 'kind-worker2', 'maint-'], at)).stdout, 'node/kind-worker2 untainted\n');
    // Past the 60 s the pod would have had: the timer was cancelled with the taint, so it stays.
    const later = { env: { KUBESIM_NOW: '2026-11-22T01:32:00Z' } };
    assert.equal((await ok(['get', 'pod', 'waiting', '-o', 'name'], later)).stdout, 'pod/waiting\n');
    const ev = (await ok(['get', 'events', '--field-selector', 'reason=TaintManagerEviction', '-o', 'jsonpath={range .items[*]}{.message}{"\\n"}{end}'], later)).stdout;
    assert.match(ev, /Marking for deletion Pod default\/evicted\n/);
    assert.match(ev, /Cancelling deletion of Pod default\/waiting\n/);
    assert.doesNotMatch(ev, /Marking for deletion Pod default\/waiting/);
    await ok(['delete', 'pod', 'waiting'], later);
  });

  test('errors leave the nodes as they were', async () => {
    const before = stateBytes();
    assert.deepEqual((await c.run(['taint', 'nodes', 'kind-control-plane', 'node-role.kubernetes.io/control-plane:NoSchedule'])).stderr, 'error: node kind-control-plane already has node-role.kubernetes.io/control-plane taint(s) with same effect(s) and --overwrite is false\n');
    assert.deepEqual(await c.run(['taint', 'nodes', 'kind-worker', 'nope-']), { code: 1, stdout: '', stderr: 'error: taint "nope" not found\n' });
    assert.equal((await c.run(['taint', 'nodes', 'kind-worker', 'k=v:Sometimes'])).stderr, "error: invalid taint effect: Sometimes, unsupported taint effect\nSee 'kubectl taint -h' for help and examples\n");
    assert.equal((await c.run(['taint', 'nodes', 'kind-worker', 'k=v:NoSchedule', 'kind-worker2'])).stderr, 'error: all resources must be specified before taint changes: kind-worker2\n');
    assert.deepEqual(stateBytes(), before);
  });
});




