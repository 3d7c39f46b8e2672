// The field manager on its own: the API server's conflict wording for several fields and managers, the
// client-side-apply upgrade of kubectl's manager, and objects no one managed yet.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApplyConflictError, applyConfiguration, recordUpdate } from '../../src/cluster/field-manager.js';
import type { KubeObject } from '../../src/api/types.js';

const NOW = new Date('2026-12-01T00:00:00Z');
const cm = (data: Record<string, string>, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default', ...extra }, data });

test('several conflicts are listed by manager, Update managers with their version', () => {
  const live = cm({ a: '1', b: '2', c: '3' });
  recordUpdate(undefined, live, { manager: 'kubectl-create' }, NOW);
  const applied = applyConfiguration(live, cm({ c: '3' }), { manager: 'ops', force: false, now: NOW });
  assert.throws(
    () => applyConfiguration(applied, cm({ a: 'x', b: 'y' }), { manager: 'ci', force: false, now: NOW }),
    (e: unknown) => {
      assert.ok(e instanceof ApplyConflictError);
      assert.equal(e.message, 'Apply failed with 2 conflicts: conflicts with "kubectl-create" using v1:\n- .data.a\n- .data.b');
      assert.deepEqual(e.causes, [
        { type: 'FieldManagerConflict', message: 'conflict with "kubectl-create" using v1', field: '.data.a' },
        { type: 'FieldManagerConflict', message: 'conflict with "kubectl-create" using v1', field: '.data.b' },
      ]);
      return true;
    },
  );
});

test('kubectl\'s first server-side apply takes over from client-side apply without a conflict and updates the annotation', () => {
  const LA = 'kubectl.kubernetes.io/last-applied-configuration';
  const live = cm({ a: '1' }, { annotations: { [LA]: '{"apiVersion":"v1","data":{"a":"1"},"kind":"ConfigMap","metadata":{"annotations":{},"name":"c","namespace":"default"}}\n' } });
  recordUpdate(undefined, live, { manager: 'kubectl-client-side-apply' }, NOW);
  const out = applyConfiguration(live, cm({ a: '2' }), { manager: 'kubectl', force: false, now: NOW });
  assert.equal((out.data as Record<string, string>).a, '2');
  assert.match(out.metadata.annotations![LA], /"data":\{"a":"2"\}/);
  assert.throws(() => applyConfiguration(live, cm({ a: '2' }), { manager: 'other', force: false, now: NOW }), /conflict with "kubectl-client-side-apply" using v1: \.data\.a/);
});

test('an object no one manages belongs to before-first-apply', () => {
  assert.throws(() => applyConfiguration(cm({ a: '1' }), cm({ a: '2' }), { manager: 'kubectl', force: false, now: NOW }), { message: 'Apply failed with 1 conflict: conflict with "before-first-apply" using v1: .data.a' });
  const forced = applyConfiguration(cm({ a: '1' }), cm({ a: '2' }), { manager: 'kubectl', force: true, now: NOW });
  assert.deepEqual(forced.metadata.managedFields?.map((e) => e.manager), ['kubectl']);
});
