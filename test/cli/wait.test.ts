// `kubesim wait` as CI scripts use it: conditions, JSONPath, delete; the simulated clock moves on while the
// cluster can still change, and never past --timeout.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { inProcessCluster } from '../support/inproc.js';

const c = inProcessCluster();
after(() => c.cleanup());

const WEB = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        readinessProbe:
          httpGet: {path: /, port: 80}
          initialDelaySeconds: 12
`;

test('the CI pattern: apply, wait for the Deployment to be available, then for its pods to be Ready', async () => {
  assert.equal((await c.run(['apply', '-f', '-'], { input: WEB })).stdout, 'deployment.apps/web created\n');
  assert.deepEqual(await c.run(['wait', '--for=condition=available', 'deploy/web', '--timeout=60s']), { code: 0, stdout: 'deployment.apps/web condition met\n', stderr: '' });
  // The readiness probe's initial delay passed on the simulated clock.
  const ages = (await c.run(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].status.containerStatuses[0].ready}'])).stdout;
  assert.equal(ages, 'true true');
  const ready = await c.run(['wait', '--for=condition=Ready', 'pod', '-l', 'app=web']);
  assert.equal(ready.code, 0, ready.stderr);
  assert.match(ready.stdout, /^pod\/web-\w+-\w{5} condition met\npod\/web-\w+-\w{5} condition met\n$/);
  assert.equal((await c.run(['wait', '--for=jsonpath={.status.phase}=Running', 'pods', '--all'])).code, 0);
  assert.equal((await c.run(['wait', "--for=jsonpath={.status.conditions[?(@.type==\"Available\")].status}=True", 'deployment/web'])).stdout, 'deployment.apps/web condition met\n');
});

test('a pod that never becomes Ready: the timeout in simulated time, kubectl\'s error, exit 1', async () => {
  await c.run(['run', 'bad', '--image=nginx:doesnotexist-999']);
  const before = (await c.run(['get', 'pod', 'bad', '-o', 'jsonpath={.metadata.creationTimestamp}'])).stdout;
  const r = await c.run(['wait', '--for=condition=Ready', 'pod/bad', '--timeout=20s']);
  assert.deepEqual(r, { code: 1, stdout: '', stderr: 'error: timed out waiting for the condition on pods/bad\n' });
  // The clock moved on by the timeout: the pod is 20 s older, in back-off.
  assert.match((await c.run(['get', 'pod', 'bad'])).stdout, /^bad +0\/1 +ImagePullBackOff +0 +20s\n/m);
  assert.equal((await c.run(['get', 'pod', 'bad', '-o', 'jsonpath={.metadata.creationTimestamp}'])).stdout, before);
  // --timeout=0 checks once and moves nothing.
  assert.equal((await c.run(['wait', '--for=condition=Ready', 'pod/bad', '--timeout=0'])).code, 1);
  assert.match((await c.run(['get', 'pod', 'bad'])).stdout, / 20s\n/);
});

test('delete, create, and the errors', async () => {
  assert.deepEqual(await c.run(['wait', '--for=delete', 'pod/never-existed']), { code: 0, stdout: '', stderr: '' });
  assert.deepEqual(await c.run(['wait', '--for=condition=Ready', 'pod/nosuch']), { code: 1, stdout: '', stderr: 'Error from server (NotFound): pods "nosuch" not found\n' });
  assert.deepEqual(await c.run(['wait', '--for=condition=Ready', 'pod', '-l', 'app=none']), { code: 1, stdout: '', stderr: 'error: no matching resources found\n' });
  assert.deepEqual(await c.run(['wait', '--for=bogus', 'pod/bad']), { code: 1, stdout: '', stderr: 'error: unrecognized condition: "bogus"\n' });
  assert.deepEqual(await c.run(['wait', '--for=jsonpath={', 'pod/bad']), { code: 1, stdout: '', stderr: "Error: unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'\n" });
  assert.deepEqual(await c.run(['wait', 'pod/bad']), { code: 1, stdout: '', stderr: 'Error: unrecognized condition: ""\n' });
  assert.equal((await c.run(['wait', '--for=create', 'configmap/later', '--timeout=5s'])).stderr, 'error: timed out waiting for the condition on configmaps/later\n');
  await c.run(['create', 'deployment', 'later', '--image=nginx']);
  assert.equal((await c.run(['wait', '--for=create', 'deployment/later'])).stdout, 'deployment.apps/later condition met\n');
  assert.equal((await c.run(['wait', '--for=condition=Ready', 'pod/bad', '--timeout=never'])).stderr, 'Error: invalid argument "never" for "--timeout" flag: time: invalid duration "never"\nSee \'kubectl wait --help\' for usage.\n');
});

test('a Job: wait --for=condition=complete', async () => {
  await c.run(['create', 'job', 'hello', '--image=busybox:1.36', '--', 'sh', '-c', 'sleep 8; echo done']);
  assert.deepEqual(await c.run(['wait', '--for=condition=complete', 'job/hello', '--timeout=60s']), { code: 0, stdout: 'job.batch/hello condition met\n', stderr: '' });
  assert.equal((await c.run(['logs', 'job/hello'])).stdout, 'done\n');
});
