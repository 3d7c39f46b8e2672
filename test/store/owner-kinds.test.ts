// The garbage collector reads only the kinds that may hold dependents of what it deletes: the head keeps, per
// kind, which owner kinds its objects name, so deleting a pod of a cluster with many Services reads no
// EndpointSlice index, and a ConfigMap a pod owns still goes with the pod.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createObject, deleteObject } from '../../src/cluster/apiserver.js';
import type { Ctx } from '../../src/cluster/context.js';
import { resourceByName } from '../../src/api/resources.js';
import { getObject } from '../../src/store/objects.js';
import { readState, writeStateAtomic } from '../../src/store/store.js';
import { Random } from '../../src/util/random.js';
import { fixture, NOW } from '../net/fixture.js';

function reopen(path: string): { state: NonNullable<ReturnType<typeof readState>>; ctx: Ctx } {
  const state = readState(path)!;
  return { state, ctx: { clock: { now: () => new Date(NOW) }, random: Random.fromState(state.random) } };
}

test("deleting a pod reads no index of a kind that names no Pod owner, and a ConfigMap a pod owns goes with it", () => {
  const f = fixture();
  for (let i = 0; i < 3; i++) f.pod(`web-${i}`, 'nginx', { node: 'kind-worker', labels: { app: 'web' } });
  for (let i = 0; i < 10; i++) f.service(`svc-${i}`, { clusterIP: `10.96.9.${i + 1}`, selector: { app: 'web' }, ports: [{ port: 80, targetPort: 80 }] });
  const owner = getObject(f.state, 'pods', 'default', 'web-1')!;
  createObject(f.state, f.ctx, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'of-web-1', ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'web-1', uid: owner.metadata.uid! }] }, data: { a: 'b' } }, { namespace: 'default' });
  const dir = mkdtempSync(join(tmpdir(), 'kubesim-owner-kinds-'));
  const path = join(dir, 'state.json');
  try {
    writeStateAtomic(path, f.state, Date.parse(NOW));
    const head = JSON.parse(JSON.stringify(readState(path)!.store));
    assert.deepEqual(head.ownerKinds.endpointslices, ['Service']);
    assert.deepEqual(head.ownerKinds.configmaps, ['Pod']);

    // A pod nothing names: neither the slices' nor the Services' index is read.
    let { state, ctx } = reopen(path);
    deleteObject(state, ctx, resourceByName('pods'), 'default', 'web-0', { reconcile: false });
    assert.equal(getObject(state, 'pods', 'default', 'web-0'), undefined);
    assert.equal(state.objects.shardsRead('endpointslices'), 0, 'no EndpointSlice index read');
    assert.equal(state.objects.shardsRead('services'), 0, 'no Service index read');
    writeStateAtomic(path, state, Date.parse(NOW));

    // A pod a ConfigMap names: the ConfigMap is deleted with it.
    ({ state, ctx } = reopen(path));
    deleteObject(state, ctx, resourceByName('pods'), 'default', 'web-1', { reconcile: false });
    assert.equal(getObject(state, 'configmaps', 'default', 'of-web-1'), undefined, 'the dependent ConfigMap is gone');
    assert.equal(state.objects.shardsRead('endpointslices'), 0);

    // An owner named only by an object this command made (not yet in the head's owner kinds) still takes it.
    ({ state, ctx } = reopen(path));
    const web2 = getObject(state, 'pods', 'default', 'web-2')!;
    createObject(state, ctx, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'of-web-2', ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'web-2', uid: web2.metadata.uid! }] } }, { namespace: 'default' });
    deleteObject(state, ctx, resourceByName('pods'), 'default', 'web-2', { reconcile: false });
    assert.equal(getObject(state, 'secrets', 'default', 'of-web-2'), undefined, 'the new dependent Secret is gone');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
