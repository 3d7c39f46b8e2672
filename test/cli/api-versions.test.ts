// `kubesim api-versions` prints what the real kubectl prints from the same server's discovery.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCluster } from '../../src/cluster/bootstrap.js';
import { skipWithoutKubectl, withKubectl } from '../support/stub-apiserver.js';
import { tempCluster } from '../support/cli.js';

test('api-versions: the same lines as the real kubectl reading the stub API server\'s discovery', { skip: skipWithoutKubectl() }, async () => {
  const c = tempCluster();
  try {
    const ours = c.run(['api-versions']);
    assert.equal(ours.code, 0, ours.stderr);
    assert.match(ours.stdout, /^apps\/v1\n(?:.*\n)*v1\n$/);
    await withKubectl(createCluster({ name: 'kind', seed: 1, now: new Date('2026-11-22T01:30:00Z'), loadBalancer: true }), async (kubectl) => {
      const theirs = await kubectl(['api-versions']);
      assert.equal(theirs.code, 0, theirs.stderr);
      assert.equal(ours.stdout, theirs.stdout);
    });
  } finally {
    c.cleanup();
  }
});
