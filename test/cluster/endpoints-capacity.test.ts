// The endpoints controller's maxCapacity: an Endpoints object keeps at most 1,000 addresses and says it was
// cut (endpoints.kubernetes.io/over-capacity: truncated), while the EndpointSlices, which kube-proxy and
// CoreDNS read, hold every endpoint.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { readState } from '../../src/store/store.js';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';
import { skipWithoutKubectl, withKubectl } from '../support/stub-apiserver.js';

let c: InProcessCluster;
before(async () => {
  c = inProcessCluster();
  assert.equal((await c.run(['cluster', 'create', '--workers', '12'])).code, 0);
  const r = await c.run(['create', 'deployment', 'big', '--image=nginx', '--replicas=1005', '--port=80']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await c.run(['expose', 'deployment', 'big', '--port=80'])).stdout, 'service/big exposed\n');
});
after(() => c.cleanup());

const jsonpath = async (args: string[], path: string) => (await c.run([...args, '-o', `jsonpath=${path}`])).stdout;

test('past 1,000 addresses the Endpoints object is truncated and annotated; the slices keep all 1,005', async () => {
  const table = (await c.run(['get', 'endpoints', 'big'])).stdout;
  assert.match(table, /^NAME +ENDPOINTS +AGE\nbig +(10\.244\.\d+\.\d+:80,){2}10\.244\.\d+\.\d+:80 \+ 997 more\.\.\. +\d+s\n$/);
  assert.equal(await jsonpath(['get', 'endpoints', 'big'], '{.metadata.annotations.endpoints\\.kubernetes\\.io/over-capacity}'), 'truncated');
  assert.equal((await jsonpath(['get', 'endpoints', 'big'], '{.subsets[*].addresses[*].ip}')).split(' ').length, 1000);
  const sliced = await jsonpath(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=big'], '{.items[*].endpoints[*].addresses[0]}');
  assert.equal(new Set(sliced.split(' ')).size, 1005);
});

test('the real kubectl describes the truncated Endpoints as kubesim does (stub API server)', { skip: skipWithoutKubectl() }, async () => {
  // describe is kubectl's own printing (get's table would be the stub server's): compared up to Events, whose
  // ages follow each side's clock.
  const head = (text: string) => text.slice(0, text.indexOf('\nEvents:'));
  await withKubectl(readState(c.state)!, async (kubectl) => {
    const theirs = await kubectl(['describe', 'endpoints', 'big']);
    assert.equal(theirs.code, 0, theirs.stderr);
    assert.match(theirs.stdout, /endpoints\.kubernetes\.io\/over-capacity: truncated/);
    assert.equal(head((await c.run(['describe', 'endpoints', 'big'])).stdout), head(theirs.stdout));
  });
});

test('back under the capacity, the annotation goes and every address is listed', async () => {
  assert.equal((await c.run(['scale', 'deployment', 'big', '--replicas=900'])).stdout, 'deployment.apps/big scaled\n');
  assert.equal(await jsonpath(['get', 'endpoints', 'big'], '{.metadata.annotations}').then((a) => a.includes('over-capacity')), false);
  assert.equal((await jsonpath(['get', 'endpoints', 'big'], '{.subsets[*].addresses[*].ip}')).split(' ').length, 900);
});
