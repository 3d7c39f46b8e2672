import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';
import { clusterWithDev, saved } from './workloads-support.js';

// Verified against kubectl v1.32 (offline: client-side dry run).
const DRY_RUN_YAML = `apiVersion: apps/v1
kind: Deployment
metadata:
  creationTimestamp: null
  labels:
    app: x
  name: x
spec:
  replicas: 3
  selector:
    matchLabels:
      app: x
  strategy: {}
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: x
    spec:
      containers:
      - image: nginx
        name: nginx
        ports:
        - containerPort: 80
        resources: {}
status: {}
`;

const hasKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

test('create deployment --dry-run=client prints the object kubectl builds and leaves the state alone', async () => {
  const c = inProcessCluster();
  try {
    const args = ['create', 'deployment', 'x', '--image=nginx', '--replicas=3', '--port=80', '--dry-run=client', '-o', 'yaml'];
    const r = await c.run(args);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, DRY_RUN_YAML);
    assert.equal(Object.keys(saved(c).objects.deployments ?? {}).filter((k) => k.startsWith('default/')).length, 0);
    const j = await c.run(['create', 'deployment', 'x', '--image=nginx', '--image=registry.k8s.io/a/b_c.d:1', '--dry-run=client', '-o', 'json', '--', 'sleep', '3600']);
    const obj = JSON.parse(j.stdout);
    assert.deepEqual(obj.spec.template.spec.containers.map((x: { name: string }) => x.name.replace(/-[a-z0-9]{5}$/, '-XXXXX')), ['nginx', 'b-c-d-XXXXX']);
    assert.deepEqual(obj.spec.template.spec.containers[0].command, ['sleep', '3600']);
    assert.equal((await c.run(['create', 'deployment', 'x', '--image=nginx', '--dry-run=client'])).stdout, 'deployment.apps/x created (dry run)\n');
    // A bare --dry-run still means client (kubectl also logs a deprecation warning through klog).
    assert.equal((await c.run(['create', 'deployment', 'x', '--image=nginx', '--dry-run', '-o', 'name'])).stdout, 'deployment.apps/x\n');
    assert.equal(
      (await c.run(['create', 'deployment', 'x', '--image=nginx', '--port=abc'])).stderr,
      'Error: invalid argument "abc" for "--port" flag: strconv.ParseInt: parsing "abc": invalid syntax\nSee \'kubectl create deployment --help\' for usage.\n',
    );
  } finally {
    c.cleanup();
  }
});

test('create deployment output matches real kubectl object for object', { skip: hasKubectl ? false : 'kubectl is not installed' }, async () => {
  const c = inProcessCluster();
  try {
    for (const extra of [['--replicas=3', '--port=80'], ['--image=busybox:1.36'], ['-r', '2', '--', 'date']]) {
      const args = ['create', 'deployment', 'x', '--image=nginx', '--dry-run=client', '-o', 'json', ...extra];
      const ours = JSON.parse((await c.run(args)).stdout);
      const real = JSON.parse(spawnSync('kubectl', args, { encoding: 'utf8' }).stdout);
      assert.deepEqual(ours, real);
    }
  } finally {
    c.cleanup();
  }
});

test('create deployment creates it (and its pods) with kubectl messages and errors', async () => {
  const c = clusterWithDev();
  try {
    assert.deepEqual(await c.run(['create', 'deployment', 'demo', '--image=demo:1.0.0', '--replicas=5', '-n', 'dev']), { code: 0, stdout: 'deployment.apps/demo created\n', stderr: '' });
    assert.equal(Object.values(saved(c).objects.pods).filter((p) => p.metadata.namespace === 'dev').length, 5);
    assert.deepEqual(await c.run(['create', 'deploy', 'demo', '--image=demo:1.0.0', '-n', 'dev']), { code: 1, stdout: '', stderr: 'Error from server (AlreadyExists): deployments.apps "demo" already exists\n' });
    assert.deepEqual(await c.run(['create', 'deployment', 'demo', '--image=x', '-n', 'nope']), { code: 1, stdout: '', stderr: 'Error from server (NotFound): namespaces "nope" not found\n' });
    assert.deepEqual(await c.run(['create', 'deployment', 'demo']), { code: 1, stdout: '', stderr: 'error: required flag(s) "image" not set\n' });
    assert.deepEqual(await c.run(['create', 'deployment', '--image=nginx']), {
      code: 1,
      stdout: '',
      stderr: "error: exactly one NAME is required, got 0\nSee 'kubectl create deployment -h' for help and examples\n",
    });
    assert.deepEqual(await c.run(['create', 'deployment', 'web', '--image=nginx', '-o', 'name']), { code: 0, stdout: 'deployment.apps/web\n', stderr: '' });
    const bad = await c.run(['create', 'deployment', 'neg', '--image=nginx', '--replicas=-1']);
    assert.deepEqual(bad, { code: 1, stdout: '', stderr: 'The Deployment "neg" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n' });
  } finally {
    c.cleanup();
  }
});
