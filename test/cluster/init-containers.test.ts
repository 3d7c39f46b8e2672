// Init containers and sidecars: one after the other before the app, on the simulated clock, as `get`,
// `describe` and `logs` show them.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { readState } from '../../src/store/store.js';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';
import { skipWithoutKubectl, withKubectl } from '../support/stub-apiserver.js';

const T0 = '2026-11-22T01:30:00Z';
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString().replace(/\.000Z$/, 'Z');
const c = inProcessCluster({ now: T0 });
after(() => c.cleanup());
const run = async (args: string[], seconds = 0, input?: string) => (await c.run(args, { env: { KUBESIM_NOW: at(seconds) }, input }));
const row = async (pod: string, seconds: number) => (await run(['get', 'pod', pod, '--no-headers'], seconds)).stdout.replace(/\s+/g, ' ').trim();

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: myapp
spec:
  initContainers:
  - name: init-wait
    image: busybox:1.36
    command: ['sh', '-c', 'echo waiting; sleep 20; echo done']
  - name: init-fail
    image: busybox:1.36
    command: ['sh', '-c', 'exit 3']
  containers:
  - name: app
    image: nginx
`;

test('init containers run in order; one that fails is restarted with the back-off and the app never starts', async () => {
  assert.equal((await run(['apply', '-f', '-'], 0, POD)).stdout, 'pod/myapp created\n');
  assert.equal(await row('myapp', 0), 'myapp 0/1 Init:0/2 0 0s');
  assert.equal(await row('myapp', 10), 'myapp 0/1 Init:0/2 0 10s');
  // init-wait ends at 20 s; init-fail exits 3 at once, is restarted at once, exits again: 10 s back-off.
  assert.equal(await row('myapp', 21), 'myapp 0/1 Init:CrashLoopBackOff 1 (1s ago) 21s');
  assert.equal(await row('myapp', 31), 'myapp 0/1 Init:CrashLoopBackOff 2 (1s ago) 31s');
  const d = (await run(['describe', 'pod', 'myapp'], 60)).stdout;
  assert.match(d, /^Status:\s+Pending$/m);
  assert.match(d, /^  init-wait:\n(?:.*\n)*?    State:          Terminated\n      Reason:       Completed\n      Exit Code:    0\n      Started:      Sun, 22 Nov 2026 01:30:00 \+0000\n      Finished:     Sun, 22 Nov 2026 01:30:20 \+0000\n    Ready:          True\n/m);
  assert.match(d, /^  init-fail:\n(?:.*\n)*?    State:          Waiting\n      Reason:       CrashLoopBackOff\n    Last State:     Terminated\n      Reason:       Error\n      Exit Code:    3\n/m);
  assert.match(d, /Warning {2}BackOff {4}\S+ \(x\d over \S+\) +kubelet +Back-off restarting failed container init-fail in pod myapp_default\(/);
  assert.equal((await run(['get', 'pod', 'myapp', '-o', 'jsonpath={.status.conditions[?(@.type=="Initialized")].message}'], 60)).stdout, 'containers with incomplete status: [init-fail]');
  assert.equal((await run(['logs', 'myapp', '-c', 'init-wait'], 60)).stdout, 'waiting\ndone\n');
  assert.deepEqual(await run(['logs', 'myapp'], 60), { code: 1, stdout: '', stderr: 'Error from server (BadRequest): container "app" in pod "myapp" is waiting to start: PodInitializing\n' });
});

test('under restartPolicy Never a failed init container fails the pod: Init:Error, phase Failed', async () => {
  await run(['apply', '-f', '-'], 100, POD.replace('name: myapp', 'name: once').replace('spec:\n', 'spec:\n  restartPolicy: Never\n'));
  assert.equal(await row('once', 125), 'once 0/1 Init:Error 0 25s');
  assert.equal((await run(['get', 'pod', 'once', '-o', 'jsonpath={.status.phase}'], 125)).stdout, 'Failed');
});

test('a sidecar (restartPolicy: Always) starts before the app and runs beside it: 2/2 Running', async () => {
  await run(['apply', '-f', '-'], 200, `apiVersion: v1
kind: Pod
metadata:
  name: withsidecar
spec:
  initContainers:
  - name: setup
    image: busybox:1.36
    command: ['sh', '-c', 'sleep 5']
  - name: proxy
    image: nginx
    restartPolicy: Always
  containers:
  - name: app
    image: nginx
`);
  assert.equal(await row('withsidecar', 202), 'withsidecar 0/2 Init:0/2 0 2s');
  assert.equal(await row('withsidecar', 206), 'withsidecar 2/2 Running 0 6s');
  const d = (await run(['describe', 'pod', 'withsidecar'], 206)).stdout;
  assert.match(d, /Normal {2}Started {4}1s {4}kubelet +Started container app\n/);
});

test('the real kubectl prints the same STATUS and describe for the init pods (stub API server)', { skip: skipWithoutKubectl() }, async () => {
  await run(['label', 'pod', 'myapp', 'seen=yes'], 300);
  const head = (text: string) => text.slice(0, text.indexOf('\nEvents:'));
  await withKubectl(readState(c.state)!, async (kubectl) => {
    for (const pod of ['myapp', 'once', 'withsidecar']) {
      const theirs = await kubectl(['describe', 'pod', pod]);
      assert.equal(theirs.code, 0, theirs.stderr);
      assert.equal(head((await run(['describe', 'pod', pod], 300)).stdout), head(theirs.stdout));
    }
  });
});
