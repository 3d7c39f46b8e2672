import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../../src/api/types.js';
import { clusterWithDev, saved, savedPods } from './workloads-support.js';

const podView = (p: { metadata: { name: string }; status?: unknown; spec?: unknown }) => `${p.metadata.name} ${(p.status as Pod['status'])?.podIP} ${(p.spec as Pod['spec'])?.nodeName}`;

test('the Pod Networking lesson: 5 demo pods spread over the workers, set image rolls out, history, undo, scale to 0 and back', async () => {
  const c = clusterWithDev();
  try {
    assert.equal((await c.run(['create', 'deployment', 'demo', '--image=demo:1.0.0', '--replicas=5', '--port=8080', '-n', 'dev'])).stdout, 'deployment.apps/demo created\n');
    const first = savedPods(c, 'dev', 'demo-');
    assert.equal(first.length, 5);
    const cidrs = new Map<string, string>(saved(c).cluster.nodes.map((n: { name: string; podCIDR: string }) => [n.name, n.podCIDR.replace(/0\/24$/, '')]));
    const nodes = new Set<string>();
    for (const p of first) {
      assert.match(p.metadata.name, /^demo-[4-9bcdf]{1,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      const [, ip, node] = podView(p).split(' ');
      assert.notEqual(node, 'kind-control-plane');
      assert.ok(ip.startsWith(cidrs.get(node)!), `${ip} from ${node}'s podCIDR`);
      nodes.add(node);
    }
    assert.equal(nodes.size, 3);
    assert.equal((await c.run(['rollout', 'status', 'deployment/demo', '-n', 'dev'])).stdout, 'deployment "demo" successfully rolled out\n');

    assert.equal((await c.run(['set', 'image', 'deployment/demo', 'demo=demo:1.1.0', '-n', 'dev'])).stdout, 'deployment.apps/demo image updated\n');
    assert.equal((await c.run(['rollout', 'status', 'deployment/demo', '-n', 'dev', '--watch=false'])).stdout, 'Waiting for deployment "demo" rollout to finish: 2 out of 5 new replicas have been updated...\n');
    const status = await c.run(['rollout', 'status', 'deployment/demo', '-n', 'dev']);
    assert.deepEqual(status, {
      code: 0,
      stderr: '',
      stdout:
        'Waiting for deployment "demo" rollout to finish: 2 out of 5 new replicas have been updated...\n' +
        'Waiting for deployment "demo" rollout to finish: 3 out of 5 new replicas have been updated...\n' +
        'Waiting for deployment "demo" rollout to finish: 1 old replicas are pending termination...\n' +
        'deployment "demo" successfully rolled out\n',
    });
    const second = savedPods(c, 'dev', 'demo-');
    assert.equal(second.length, 5);
    const firstNames = new Set(first.map((p) => p.metadata.name));
    const firstIPs = new Set(first.map((p) => podView(p).split(' ')[1]));
    for (const p of second) {
      assert.ok(!firstNames.has(p.metadata.name), 'new pod names');
      assert.ok(!firstIPs.has(podView(p).split(' ')[1]), 'new pod IPs');
    }
    assert.equal((await c.run(['rollout', 'history', 'deployment/demo', '-n', 'dev'])).stdout, 'deployment.apps/demo \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');

    assert.equal((await c.run(['rollout', 'undo', 'deployment/demo', '-n', 'dev'])).stdout, 'deployment.apps/demo rolled back\n');
    await c.run(['rollout', 'status', 'deployment/demo', '-n', 'dev']);
    const third = savedPods(c, 'dev', 'demo-');
    const firstHash = first[0].metadata.labels!['pod-template-hash'];
    assert.ok(third.every((p) => p.metadata.labels!['pod-template-hash'] === firstHash), 'back on the first ReplicaSet');
    assert.equal((await c.run(['rollout', 'history', 'deploy', 'demo', '-n', 'dev'])).stdout, 'deployment.apps/demo \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n');

    assert.equal((await c.run(['scale', 'deployment', 'demo', '--replicas=0', '-n', 'dev'])).stdout, 'deployment.apps/demo scaled\n');
    assert.equal(savedPods(c, 'dev', 'demo-').length, 0);
    await c.run(['scale', 'deployment', 'demo', '--replicas=5', '-n', 'dev']);
    assert.equal(savedPods(c, 'dev', 'demo-').length, 5);
  } finally {
    c.cleanup();
  }
});

test('rollout history shows change-cause, --revision prints the template; undo, restart, pause and resume say what kubectl says', async () => {
  const c = clusterWithDev();
  try {
    await c.run(['create', 'deployment', 'demo', '--image=demo:1.0.0', '--replicas=2', '-n', 'dev']);
    assert.deepEqual(await c.run(['rollout', 'undo', 'deploy/demo', '-n', 'dev']), { code: 1, stdout: '', stderr: 'error: no rollout history found for deployment "demo"\n' });
    await c.run(['set', 'image', 'deploy/demo', 'demo=demo:1.1.0', '-n', 'dev']);
    await c.run(['rollout', 'status', 'deploy/demo', '-n', 'dev']);
    const hash = Object.values(saved(c).objects.replicasets).find((r) => r.metadata.annotations?.['deployment.kubernetes.io/revision'] === '2')!.metadata.labels!['pod-template-hash'];
    assert.equal(
      (await c.run(['rollout', 'history', 'deploy/demo', '-n', 'dev', '--revision=2'])).stdout,
      `deployment.apps/demo with revision #2\nPod Template:\n  Labels:\tapp=demo\n\tpod-template-hash=${hash}\n  Containers:\n   demo:\n    Image:\tdemo:1.1.0\n    Port:\t<none>\n    Host Port:\t<none>\n    Environment:\t<none>\n    Mounts:\t<none>\n  Volumes:\t<none>\n  Node-Selectors:\t<none>\n  Tolerations:\t<none>\n\n`,
    );
    assert.deepEqual(await c.run(['rollout', 'history', 'deploy/demo', '-n', 'dev', '--revision=7']), { code: 1, stdout: '', stderr: 'error: unable to find the specified revision\n' });
    assert.deepEqual(await c.run(['rollout', 'undo', 'deploy/demo', '-n', 'dev', '--to-revision=2']), { code: 0, stdout: 'deployment.apps/demo skipped rollback (current template already matches revision 2)\n', stderr: '' });
    assert.deepEqual(await c.run(['rollout', 'undo', 'deploy/demo', '-n', 'dev', '--to-revision=9']), { code: 1, stdout: '', stderr: 'error: unable to find specified revision 9 in history\n' });

    assert.deepEqual(await c.run(['rollout', 'restart', 'deploy/demo', '-n', 'dev']), { code: 0, stdout: 'deployment.apps/demo restarted\n', stderr: '' });
    const tpl = (saved(c).objects.deployments['dev/demo'].spec as { template: { metadata: { annotations: Record<string, string> } } }).template;
    // The earlier `rollout status` moved simulated time on by the 3 s the rollout took.
    assert.equal(tpl.metadata.annotations['kubectl.kubernetes.io/restartedAt'], '2026-11-22T01:30:03Z');
    assert.deepEqual((await c.run(['rollout', 'restart', 'deploy/demo', '-n', 'dev'])).stderr, 'error: failed to create patch for demo: if restart has already been triggered within the past second, please wait before attempting to trigger another\n');
    const rolled = (await c.run(['rollout', 'status', 'deploy/demo', '-n', 'dev'])).stdout.trim().split('\n');
    assert.equal(rolled.at(-1), 'deployment "demo" successfully rolled out');
    assert.ok(rolled.length > 1, 'the restart rolls the pods');

    assert.deepEqual(await c.run(['rollout', 'pause', 'deploy/demo', '-n', 'dev']), { code: 0, stdout: 'deployment.apps/demo paused\n', stderr: '' });
    assert.deepEqual(await c.run(['rollout', 'pause', 'deploy/demo', '-n', 'dev']), { code: 1, stdout: '', stderr: 'error: deployments.apps "demo" is already paused\n' });
    assert.deepEqual((await c.run(['rollout', 'undo', 'deploy/demo', '-n', 'dev'])).stderr, "error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again\n");
    assert.deepEqual((await c.run(['rollout', 'restart', 'deploy/demo', '-n', 'dev'])).stderr, 'error: deployments.apps "demo" can\'t restart paused deployment (run rollout resume first)\n');
    assert.deepEqual(await c.run(['rollout', 'resume', 'deploy/demo', '-n', 'dev']), { code: 0, stdout: 'deployment.apps/demo resumed\n', stderr: '' });
    assert.deepEqual(await c.run(['rollout', 'resume', 'deploy/demo', '-n', 'dev']), { code: 1, stdout: '', stderr: 'error: deployments.apps "demo" is not paused\n' });

    await c.run(['annotate', 'deploy/demo', 'kubernetes.io/change-cause=image 1.2.0', '-n', 'dev']);
    assert.deepEqual(await c.run(['rollout', 'status', 'deploy/demo', '-n', 'dev', '--revision=1']), { code: 1, stdout: '', stderr: 'error: desired revision (1) is different from the running revision (3)\n' });
    assert.deepEqual(await c.run(['rollout', 'status', 'deploy/nope', '-n', 'dev']), { code: 1, stdout: '', stderr: 'Error from server (NotFound): deployments.apps "nope" not found\n' });
    assert.deepEqual((await c.run(['rollout', 'status', '-w', 'deploy/demo', '-n', 'dev'])).stdout, 'deployment "demo" successfully rolled out\n');
    assert.deepEqual((await c.run(['rollout', 'status', 'deploy/demo', '--watch=maybe'])).stderr, 'Error: invalid argument "maybe" for "-w, --watch" flag: strconv.ParseBool: parsing "maybe": invalid syntax\nSee \'kubectl rollout status --help\' for usage.\n');
    assert.deepEqual((await c.run(['rollout', 'undo', 'deploy/demo', '--to-revision=abc'])).stderr, 'Error: invalid argument "abc" for "--to-revision" flag: strconv.ParseInt: parsing "abc": invalid syntax\nSee \'kubectl rollout undo --help\' for usage.\n');
    assert.deepEqual((await c.run(['rollout', 'foo'])).stderr, "error: unknown command \"foo\"\nSee 'kubectl rollout -h' for help and examples\n");
  } finally {
    c.cleanup();
  }
});

test('change-cause annotations show in history and come back with undo; a replication controller scales', async () => {
  const c = clusterWithDev();
  try {
    await c.run(['create', 'deployment', 'demo', '--image=demo:1.0.0', '--replicas=2']);
    await c.run(['annotate', 'deployment', 'demo', 'kubernetes.io/change-cause=initial 1.0.0']);
    await c.run(['set', 'image', 'deploy/demo', 'demo=demo:1.1.0']);
    await c.run(['annotate', 'deployment', 'demo', 'kubernetes.io/change-cause=image 1.1.0', '--overwrite']);
    assert.equal((await c.run(['rollout', 'history', 'deploy/demo'])).stdout, 'deployment.apps/demo \nREVISION  CHANGE-CAUSE\n1         initial 1.0.0\n2         image 1.1.0\n\n');
    assert.equal((await c.run(['rollout', 'undo', 'deploy/demo', '--to-revision=1'])).stdout, 'deployment.apps/demo rolled back\n');
    assert.equal((await c.run(['rollout', 'history', 'deploy/demo'])).stdout, 'deployment.apps/demo \nREVISION  CHANGE-CAUSE\n2         image 1.1.0\n3         initial 1.0.0\n\n');
    const rc = 'apiVersion: v1\nkind: ReplicationController\nmetadata:\n  name: kubia\nspec:\n  replicas: 3\n  template:\n    metadata:\n      labels:\n        app: kubia\n    spec:\n      containers:\n      - name: kubia\n        image: luksa/kubia\n';
    assert.equal((await c.run(['apply', '-f', '-'], { input: rc })).code, 0);
    assert.equal(savedPods(c, 'default', 'kubia-').length, 3);
    assert.deepEqual(await c.run(['scale', 'rc', 'kubia', '--replicas=1']), { code: 0, stdout: 'replicationcontroller/kubia scaled\n', stderr: '' });
    assert.equal(savedPods(c, 'default', 'kubia-').length, 1);
    assert.deepEqual(await c.run(['rollout', 'status', 'rc/kubia']), { code: 1, stdout: '', stderr: 'error: no status viewer has been implemented for ReplicationController\n' });
  } finally {
    c.cleanup();
  }
});

test('rollout status waits for pods behind a readiness delay, on simulated time', async () => {
  const c = clusterWithDev();
  try {
    const manifest = (img: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: demo\nspec:\n  replicas: 5\n  selector:\n    matchLabels: {app: demo}\n  template:\n    metadata:\n      labels: {app: demo}\n    spec:\n      containers:\n      - name: demo\n        image: demo:${img}\n        readinessProbe:\n          httpGet: {path: /, port: 8080}\n          initialDelaySeconds: 5\n`;
    assert.equal((await c.run(['apply', '-f', '-'], { input: manifest('1.0.0') })).code, 0);
    assert.equal((await c.run(['rollout', 'status', 'deploy/demo'])).stdout, 'Waiting for deployment "demo" rollout to finish: 0 of 5 updated replicas are available...\ndeployment "demo" successfully rolled out\n');
    assert.equal((await c.run(['apply', '-f', '-'], { input: manifest('1.1.0') })).code, 0);
    assert.equal(
      (await c.run(['rollout', 'status', 'deploy/demo'])).stdout,
      'Waiting for deployment "demo" rollout to finish: 2 out of 5 new replicas have been updated...\n' +
        'Waiting for deployment "demo" rollout to finish: 3 out of 5 new replicas have been updated...\n' +
        'Waiting for deployment "demo" rollout to finish: 2 old replicas are pending termination...\n' +
        'Waiting for deployment "demo" rollout to finish: 1 old replicas are pending termination...\n' +
        'deployment "demo" successfully rolled out\n',
    );
  } finally {
    c.cleanup();
  }
});

test('rollout undo --dry-run=client prints the revision\'s template as kubectl\'s rollbacker does, even when it already matches; nothing changes', async () => {
  const c = clusterWithDev();
  try {
    await c.run(['create', 'deployment', 'demo', '--image=demo:1.0.0', '--replicas=2', '-n', 'dev']);
    await c.run(['set', 'image', 'deploy/demo', 'demo=demo:1.1.0', '-n', 'dev']);
    await c.run(['rollout', 'status', 'deploy/demo', '-n', 'dev']);
    const hashOf = (rev: string) => Object.values(saved(c).objects.replicasets).find((r) => r.metadata.namespace === 'dev' && r.metadata.annotations?.['deployment.kubernetes.io/revision'] === rev)!.metadata.labels!['pod-template-hash'];
    const template = (image: string, hash: string) =>
      `Pod Template:\n  Labels:\tapp=demo\n\tpod-template-hash=${hash}\n  Containers:\n   demo:\n    Image:\t${image}\n    Port:\t<none>\n    Host Port:\t<none>\n    Environment:\t<none>\n    Mounts:\t<none>\n  Volumes:\t<none>\n  Node-Selectors:\t<none>\n  Tolerations:\t<none>\n`;
    const before = saved(c).resourceVersion;
    assert.deepEqual(await c.run(['rollout', 'undo', 'deploy/demo', '-n', 'dev', '--dry-run=client']), {
      code: 0,
      stdout: `deployment.apps/demo ${template('demo:1.0.0', hashOf('1'))} (dry run)\n`,
      stderr: '',
    });
    // Verified with kubectl v1.32 against the stub API server: the client dry run prints before the "skipped" check.
    assert.equal((await c.run(['rollout', 'undo', 'deploy/demo', '-n', 'dev', '--dry-run=client', '--to-revision=2'])).stdout, `deployment.apps/demo ${template('demo:1.1.0', hashOf('2'))} (dry run)\n`);
    assert.equal(saved(c).resourceVersion, before, 'state unchanged');
    assert.equal((await c.run(['rollout', 'undo', 'deploy/demo', '-n', 'dev', '--dry-run=server'])).stdout, 'deployment.apps/demo rolled back (server dry run)\n');
  } finally {
    c.cleanup();
  }
});
