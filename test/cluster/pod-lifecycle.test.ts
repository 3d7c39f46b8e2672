// Pods that a real cluster would not run: images that cannot be pulled, probes that fail. What `get`,
// `describe`, `rollout status` and the Service's endpoints show, on the simulated clock.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readState } from '../../src/store/store.js';
import { skipWithoutKubectl, withKubectl } from '../support/stub-apiserver.js';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';

const T0 = '2026-11-22T01:30:00Z';
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString().replace(/\.000Z$/, 'Z');
const c = inProcessCluster({ now: T0 });
after(() => c.cleanup());
const run = async (args: string[], seconds = 0, input?: string) => (await c.run(args, { env: { KUBESIM_NOW: at(seconds) }, input }));
const table = async (args: string[], seconds = 0) => (await run(args, seconds)).stdout;
const events = (text: string) => text.slice(text.indexOf('\nEvents:') + 1);

test('an image tag that does not exist: ErrImagePull, then ImagePullBackOff with the kubelet back-off, phase Pending', async () => {
  assert.equal((await run(['run', 'bad', '--image=nginx:doesnotexist-999'])).stdout, 'pod/bad created\n');
  assert.equal(await table(['get', 'pod', 'bad']), 'NAME   READY   STATUS         RESTARTS   AGE\nbad    0/1     ErrImagePull   0          0s\n');
  assert.equal(await table(['get', 'pod', 'bad'], 6), 'NAME   READY   STATUS             RESTARTS   AGE\nbad    0/1     ImagePullBackOff   0          6s\n');
  assert.equal((await run(['get', 'pod', 'bad', '-o', 'jsonpath={.status.phase} {.status.containerStatuses[0].state.waiting.message}'], 6)).stdout, 'Pending Back-off pulling image "nginx:doesnotexist-999"');
  // Attempts at 0, 10 s, 30 s, 70 s, 150 s; back-off syncs every 10 s in between.
  const d = (await run(['describe', 'pod', 'bad'], 160)).stdout;
  assert.match(d, /^Status:\s+Pending$/m);
  assert.match(d, /^    State:          Waiting\n      Reason:       ImagePullBackOff\n    Ready:          False\n    Restart Count:  0$/m);
  const ref = 'docker.io/library/nginx:doesnotexist-999';
  const ev = events(d);
  assert.match(ev, /Normal {3}Pulling {4}10s \(x5 over 2m40s\) {2}kubelet {12}Pulling image "nginx:doesnotexist-999"\n/);
  assert.ok(ev.includes(`Failed to pull image "nginx:doesnotexist-999": rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found\n`), ev);
  assert.match(ev, /Warning {2}Failed {5}10s \(x5 over 2m40s\) {2}kubelet {12}Error: ErrImagePull\n/);
  assert.match(ev, /Normal {3}BackOff {4}\d+s \(x1\d over 2m35s\) {2}kubelet {12}Back-off pulling image "nginx:doesnotexist-999"\n/);
  assert.match(ev, /Warning {2}Failed {5}\d+s \(x1\d over 2m35s\) {2}kubelet {12}Error: ImagePullBackOff\n/);
});

test('a repository that does not exist, a registry that does not resolve, a Never pull policy', async () => {
  await run(['run', 'nohub', '--image=myorg/myapp:1.0']);
  await run(['run', 'reg', '--image=registry.example:5000/team/app:1']);
  await run(['run', 'never', '--image=redis:7', '--image-pull-policy=Never']);
  const msg = async (pod: string) => (await run(['get', 'pod', pod, '-o', 'jsonpath={.status.containerStatuses[0].state.waiting.reason}: {.status.containerStatuses[0].state.waiting.message}'])).stdout;
  assert.equal(
    await msg('nohub'),
    'ErrImagePull: rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/myorg/myapp:1.0": failed to resolve reference "docker.io/myorg/myapp:1.0": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
  );
  assert.match(await msg('reg'), /^ErrImagePull: .*failed to do request: Head "https:\/\/registry\.example:5000\/v2\/team\/app\/manifests\/1": dial tcp: lookup registry\.example on [\d.:]+: no such host$/);
  assert.equal(await msg('never'), 'ErrImageNeverPull: Container image "redis:7" is not present with pull policy of Never');
  assert.match(await table(['get', 'pod', 'never']), /never {3}0\/1 {5}ErrImageNeverPull {3}0 /);
});

test("an image from the user's images file pulls with any tag and runs", async () => {
  const file = join(c.dir, 'images.yaml');
  writeFileSync(file, 'images:\n- name: example.local/team/app\n  ports: [9000]\n');
  const r = await c.run(['run', 'mine', '--image=example.local/team/app:dev-build-7'], { env: { KUBESIM_IMAGES: file } });
  assert.equal(r.stdout, 'pod/mine created\n', r.stderr);
  assert.match((await c.run(['get', 'pod', 'mine'], { env: { KUBESIM_IMAGES: file } })).stdout, /mine {3}1\/1 {5}Running/);
});

test('a Deployment with a bad image: rollout status --timeout=30s fails after 30 simulated seconds, no endpoint', async () => {
  await run(['create', 'deployment', 'web', '--image=nginx:doesnotexist-999', '--replicas=2']);
  await run(['expose', 'deployment', 'web', '--port=80']);
  const r = await run(['rollout', 'status', 'deployment/web', '--timeout=30s']);
  assert.deepEqual(r, { code: 1, stdout: 'Waiting for deployment "web" rollout to finish: 0 of 2 updated replicas are available...\n', stderr: 'error: timed out waiting for the condition\n' });
  // The wait moved the clock on by exactly the timeout.
  assert.match(await table(['get', 'deployment', 'web']), /^web +0\/2 +2 +0 +30s$/m);
  assert.equal((await run(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web', '-o', 'jsonpath={.items[*].endpoints[*].conditions.ready}'])).stdout, 'false false');
});

test('a readiness probe that 404s keeps the pod 0/1 Running and out of the Service; fixed, it serves', async () => {
  const manifest = (path: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: probed
spec:
  replicas: 2
  selector:
    matchLabels: {app: probed}
  template:
    metadata:
      labels: {app: probed}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - {containerPort: 80, name: http}
        readinessProbe:
          httpGet: {path: ${path}, port: http}
          periodSeconds: 5
`;
  assert.equal((await run(['apply', '-f', '-'], 100, manifest('/healthz'))).stdout, 'deployment.apps/probed created\n');
  await run(['expose', 'deployment', 'probed', '--port=80'], 100);
  const pods = await table(['get', 'pods', '-l', 'app=probed'], 130);
  assert.match(pods, /^probed-\w+-\w{5} {3}0\/1 {5}Running {3}0 {10}30s\n.*0\/1 {5}Running/ms);
  assert.match(await table(['get', 'endpoints', 'probed'], 130), /^probed {6}<none>|^probed {3}\s+30s/m);
  const d = (await run(['describe', 'pods', '-l', 'app=probed'], 130)).stdout;
  assert.match(d, /Warning {2}Unhealthy {2}0s \(x7 over 30s\) {2}kubelet {12}Readiness probe failed: HTTP probe failed with statuscode: 404\n/);
  assert.match(d, /^    Readiness:      http-get http:\/\/:http\/healthz delay=0s timeout=1s period=5s #success=1 #failure=3$/m);
  const curl = ['run', 'client', '--rm', '-i', '--image=curlimages/curl', '--restart=Never', '--', 'curl', '-sS', '-m', '2', 'http://probed'];
  assert.match((await run(curl, 130)).stderr, /curl: \(7\) Failed to connect to [\d.]+ port 80 after 0 ms: Couldn't connect to server/);

  assert.equal((await run(['apply', '-f', '-'], 140, manifest('/'))).stdout, 'deployment.apps/probed configured\n');
  assert.equal((await run(['rollout', 'status', 'deployment/probed', '--timeout=60s'], 140)).code, 0);
  assert.match((await run(curl, 200)).stdout, /<title>Welcome to nginx!<\/title>/);
});

test('a liveness probe that fails: Killing, restarts, the last state, the back-off', async () => {
  await run(['apply', '-f', '-'], 300, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: live\nspec:\n  containers:\n  - name: app\n    image: nginx\n    livenessProbe:\n      httpGet: {path: /healthz, port: 80}\n      initialDelaySeconds: 3\n      periodSeconds: 5\n');
  assert.match(await table(['get', 'pod', 'live'], 310), /^live {3}1\/1 {5}Running {3}0 /m);
  // Killed at 3 + 2 x 5 = 13 s and restarted at once; killed again 13 s later, it waits out a 10 s back-off.
  assert.match(await table(['get', 'pod', 'live'], 315), /^live {3}1\/1 {5}Running {3}1 \(2s ago\) /m);
  assert.match(await table(['get', 'pod', 'live'], 330), /^live {3}0\/1 {5}CrashLoopBackOff {3}1 \(4s ago\) /m);
  const d = (await run(['describe', 'pod', 'live'], 400)).stdout;
  assert.match(d, /^    Last State:     Terminated\n      Reason:       Completed\n      Exit Code:    0\n/m);
  assert.match(d, /Normal {3}Killing {4}\S+ \(x\d over \S+\) +kubelet +Container app failed liveness probe, will be restarted\n/);
  assert.match(d, /Warning {2}Unhealthy {2}\S+ \(x\d+ over \S+\) +kubelet +Liveness probe failed: HTTP probe failed with statuscode: 404\n/);
  assert.match(await table(['get', 'pod', 'live'], 400), /^live {3}\d\/1 {5}\S+ +[2-9] \(\S+ ago\) /m);
});

test('tcpSocket and exec probes: a closed port and a failing command, in the kubelet words', async () => {
  await run(['apply', '-f', '-'], 500, `apiVersion: v1
kind: Pod
metadata:
  name: probes
spec:
  containers:
  - name: app
    image: nginx
    readinessProbe:
      tcpSocket: {port: 8080}
    startupProbe:
      exec:
        command: [cat, /tmp/ready]
      failureThreshold: 30
`);
  const ip = (await run(['get', 'pod', 'probes', '-o', 'jsonpath={.status.podIP}'], 500)).stdout;
  const d = (await run(['describe', 'pod', 'probes'], 530)).stdout;
  assert.ok(d.includes("Startup probe failed: cat: /tmp/ready: No such file or directory"), events(d));
  assert.ok(!d.includes('Readiness probe failed'), 'readiness waits for the startup probe');
  assert.match(await table(['get', 'pod', 'probes'], 530), /^probes {3}0\/1 {5}Running {3}0 /m);
  await run(['apply', '-f', '-'], 600, `apiVersion: v1
kind: Pod
metadata:
  name: tcp
spec:
  containers:
  - name: app
    image: nginx
    readinessProbe:
      tcpSocket: {port: 8080}
`);
  const tcpIP = (await run(['get', 'pod', 'tcp', '-o', 'jsonpath={.status.podIP}'], 600)).stdout;
  assert.ok((await run(['describe', 'pod', 'tcp'], 620)).stdout.includes(`Readiness probe failed: dial tcp ${tcpIP}:8080: connect: connection refused\n`));
  assert.notEqual(ip, tcpIP);
});

test('the real kubectl describes the failing pods as kubesim does (stub API server)', { skip: skipWithoutKubectl() }, async () => {
  // The same fixed clock on both sides: kubesim's describe at the time of the last save.
  const head = async (text: string) => text.slice(0, text.indexOf('\nEvents:'));
  await withKubectl(readState(c.state)!, async (kubectl) => {
    for (const pod of ['nohub', 'never']) {
      const theirs = await kubectl(["describe", "pod", pod]);
      assert.equal(theirs.code, 0, theirs.stderr);
      assert.equal(await head((await run(["describe", "pod", pod], 600)).stdout), await head(theirs.stdout));
    }
  });
});
