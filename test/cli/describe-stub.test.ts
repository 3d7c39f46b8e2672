// The stub API server itself: real kubectl can read kubesim's objects through it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createObject } from '../../src/cluster/apiserver.js';
import { createCluster } from '../../src/cluster/bootstrap.js';
import { fixedClock } from '../../src/util/clock.js';
import { Random } from '../../src/util/random.js';
import { skipWithoutKubectl, withKubectl } from '../support/stub-apiserver.js';

const NOW = new Date('2026-11-22T01:30:00Z');

test('real kubectl describes a kubesim node through the stub API server', { skip: skipWithoutKubectl() }, async () => {
  const state = createCluster({ name: 'kind', seed: 1, now: NOW, loadBalancer: true });
  await withKubectl(state, async (kubectl, server) => {
    const r = await kubectl(['describe', 'node', 'kind-worker']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Name:\s+kind-worker\nRoles:\s+<none>\n/);
    assert.match(r.stdout, /^  HolderIdentity:  kind-worker$/m);
    assert.match(r.stdout, /^PodCIDR:\s+10\.244\.1\.0\/24$/m);
    // describe asked for the node's pods with a field selector, which the stub applied.
    assert.ok(server.requests.some((q) => q.url.includes('fieldSelector=spec.nodeName%3Dkind-worker')), server.requests.map((q) => q.url).join('\n'));
  });
});

test('the stub answers NotFound as the API server does, and lists by label selector', { skip: skipWithoutKubectl() }, async () => {
  const state = createCluster({ name: 'kind', seed: 1, now: NOW, loadBalancer: true });
  const ctx = { clock: fixedClock(NOW), random: Random.fromSeed(2) };
  for (const [name, app] of [['a1', 'web'], ['a2', 'web'], ['b1', 'db']]) {
    createObject(state, ctx, { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }, { namespace: 'default' });
  }
  await withKubectl(state, async (kubectl) => {
    const nf = await kubectl(['describe', 'pod', 'nosuch']);
    assert.equal(nf.code, 1);
    assert.equal(nf.stderr, 'Error from server (NotFound): pods "nosuch" not found\n');
    const names = await kubectl(['get', 'pods', '-l', 'app=web', '-o', 'name']);
    assert.equal(names.code, 0, names.stderr);
    assert.equal(names.stdout, 'pod/a1\npod/a2\n');
    const notIn = await kubectl(['get', 'pods', '-l', 'app notin (web)', '-o', 'name']);
    assert.equal(notIn.stdout, 'pod/b1\n');
  });
});
