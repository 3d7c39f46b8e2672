import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../src/api/types.js';
import { LAST_APPLIED, threeWayMerge, withLastApplied } from '../../src/cluster/apiserver.js';

test('last-applied annotation: sorted compact JSON with a newline, annotations {} when there were none', () => {
  const o = withLastApplied({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'kiada', namespace: 'default' }, spec: { containers: [{ name: 'kiada', image: 'luksa/kiada:0.1', ports: [{ containerPort: 8080 }] }] } } as unknown as KubeObject);
  assert.equal(
    o.metadata.annotations![LAST_APPLIED],
    '{"apiVersion":"v1","kind":"Pod","metadata":{"annotations":{},"name":"kiada","namespace":"default"},"spec":{"containers":[{"image":"luksa/kiada:0.1","name":"kiada","ports":[{"containerPort":8080}]}]}}\n',
  );
  // re-applying an object that carries an old annotation replaces it rather than nesting it
  const again = withLastApplied(o);
  assert.equal(again.metadata.annotations![LAST_APPLIED], o.metadata.annotations![LAST_APPLIED]);
});

test('three-way merge keeps server defaults, drops what the last apply set and the new one omits', () => {
  const original = { metadata: { labels: { a: '1', b: '2' } }, spec: { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80 }] }] } };
  const current = {
    metadata: { labels: { a: '1', b: '2', other: 'kept' }, uid: 'u' },
    spec: { containers: [{ name: 'c', image: 'x', imagePullPolicy: 'Always', ports: [{ containerPort: 80, protocol: 'TCP' }] }], dnsPolicy: 'ClusterFirst' },
  };
  const modified = { metadata: { labels: { a: '1' } }, spec: { containers: [{ name: 'c', image: 'y', ports: [{ containerPort: 80 }] }] } };
  assert.deepEqual(threeWayMerge(original, modified, current), {
    metadata: { labels: { a: '1', other: 'kept' }, uid: 'u' },
    spec: { containers: [{ name: 'c', image: 'y', imagePullPolicy: 'Always', ports: [{ containerPort: 80, protocol: 'TCP' }] }], dnsPolicy: 'ClusterFirst' },
  });
  // nothing new: the merge is the current object (kubectl's empty patch, "unchanged")
  assert.deepEqual(threeWayMerge(original, original, current), current);
});

test('three-way strategic merge patch as kubectl computes it: empty when nothing changes', async () => {
  const { threeWayPatch } = await import('../../src/cluster/apiserver.js');
  const cfg = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', labels: { a: '1', b: '2' } }, spec: { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80 }] }, { name: 'd', image: 'y' }] } } as unknown as KubeObject;
  const applied = withLastApplied(cfg);
  const original = JSON.parse(applied.metadata.annotations![LAST_APPLIED]);
  const live = structuredClone(applied) as KubeObject & { spec: { containers: Record<string, unknown>[] }; status?: unknown };
  live.metadata.uid = 'u';
  live.spec.containers[0].imagePullPolicy = 'Always';
  live.status = { phase: 'Running' };
  assert.equal(threeWayPatch(original, withLastApplied(cfg), live), '{}');
  // image changed on the second container, label b dropped from the configuration
  const next = structuredClone(cfg) as KubeObject & { spec: { containers: Record<string, unknown>[] } };
  next.spec.containers[1].image = 'z';
  delete next.metadata.labels!.b;
  const patch = JSON.parse(threeWayPatch(original, withLastApplied(next), live));
  assert.deepEqual(patch.metadata.labels, { b: null });
  assert.deepEqual(patch.spec, { '$setElementOrder/containers': [{ name: 'c' }, { name: 'd' }], containers: [{ image: 'z', name: 'd' }] });
  assert.equal(typeof patch.metadata.annotations[LAST_APPLIED], 'string');
});
