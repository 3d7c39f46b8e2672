// The scheduler's results as the real kubectl renders them (through the stub API server): a Pending pod's
// describe with its FailedScheduling event, and describe node's requests against the allocatable.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { readState } from '../../src/store/store.js';
import { inProcessCluster } from '../support/inproc.js';
import { skipWithoutKubectl, withKubectl } from '../support/stub-apiserver.js';

const SKIP = skipWithoutKubectl();
const c = inProcessCluster();
after(() => c.cleanup());

function pod(name: string, resources: Record<string, unknown>, nodeSelector?: Record<string, string>): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'app', image: 'nginx:1.27', resources }], ...(nodeSelector ? { nodeSelector } : {}) } });
}

/** The text up to Events:, without the pods' ages (kubectl's follow its wall clock, kubesim's clock is fixed). */
function head(text: string): string {
  const events = text.indexOf('\nEvents:');
  return (events < 0 ? text : text.slice(0, events)).replace(/(\(\d+%\)) +\S+$/gm, '$1');
}

test('kubectl describes the Pending pod and the loaded node as kubesim does', { skip: SKIP }, async () => {
  const apply = async (doc: string) => assert.equal((await c.run(['apply', '-f', '-'], { input: doc })).code, 0);
  await apply(pod('big', { requests: { memory: '500Gi' } }));
  await apply(pod('web', { requests: { cpu: '1500m', memory: '1Gi' }, limits: { cpu: '2', memory: '1Gi' } }, { 'kubernetes.io/hostname': 'kind-worker' }));
  await apply(pod('batch', { limits: { cpu: '500m', 'ephemeral-storage': '2Gi' } }, { 'kubernetes.io/hostname': 'kind-worker' }));
  await apply(JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bound' }, spec: { nodeName: 'kind-worker', containers: [{ name: 'app', image: 'nginx:1.27', resources: { requests: { memory: '16Gi' } } }] } }));
  const state = readState(c.state)!;
  await withKubectl(state, async (kubectl) => {
    for (const args of [['describe', 'pod', 'big'], ['describe', 'pod', 'web'], ['describe', 'pod', 'bound'], ['describe', 'node', 'kind-worker']]) {
      const theirs = await kubectl(args);
      assert.equal(theirs.code, 0, theirs.stderr);
      const ours = await c.run(args);
      assert.equal(head(ours.stdout), head(theirs.stdout), args.join(' '));
    }
    const events = (await kubectl(['describe', 'pod', 'big'])).stdout.slice(-600);
    assert.match(events, /Warning {2}FailedScheduling {2}\S+ +default-scheduler {2}0\/4 nodes are available: 1 node\(s\) had untolerated taint \{node-role\.kubernetes\.io\/control-plane: \}, 3 Insufficient memory\. preemption: 0\/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod\.\n$/);
    assert.match((await c.run(['get', 'pods', 'bound'])).stdout, /^bound +0\/1 +OutOfmemory +0 /m);
    const node = (await kubectl(['describe', 'node', 'kind-worker'])).stdout;
    // kindnet's 100m request and limit count too.
    assert.match(node, /^ {2}cpu +2100m \(26%\) +2600m \(32%\)$/m);
    assert.match(node, /^ {2}ephemeral-storage +2Gi \(2%\) +2Gi \(2%\)$/m);
  });
});
