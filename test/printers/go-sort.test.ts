// --sort-by orders rows as kubectl 1.32 does: its comparison (quantities, byte-wise strings, missing keys first)
// and Go's unstable sort.Sort, whose tie order the recorded cases below pin down. The recorded orders were printed
// by the real kubectl (`get cm --sort-by=.metadata.labels.k -o name` through the stub API server); the live test
// re-checks many more shapes against kubectl when it is installed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../src/api/types.js';
import { goSortArray } from '../../src/printers/go-sort.js';
import { sortKeyLess } from '../../src/printers/get.js';
import { inProcessCluster } from '../support/inproc.js';
import { skipWithoutKubectl, withKubectl } from '../support/stub-apiserver.js';

type Row = { i: number; key: string | undefined };

function kubectlLess(a: Row, b: Row): boolean {
  if (a.key === undefined) return true;
  if (b.key === undefined) return false;
  return sortKeyLess(a.key, b.key) === true;
}

/** Keys as one character per row ("-" for a row without the key), sorted; returns the original positions. */
function order(keys: string): number[] {
  const rows = [...keys].map((ch, i) => ({ i, key: ch === '-' ? undefined : ch }));
  return goSortArray(rows, kubectlLess).map((r) => r.i);
}

test('ties come out in the order the real kubectl printed them (insertion sort, pdqsort, scattered patterns)', () => {
  assert.deepEqual(order('bababababababa'), [9, 7, 13, 3, 11, 5, 1, 6, 10, 0, 8, 4, 12, 2]);
  assert.deepEqual(order('xyzxyzxyzxyzxyzxyzxyzxyzxyzxyzxyzxyzxyzx'), [15, 39, 36, 3, 33, 30, 6, 27, 24, 9, 0, 21, 12, 18, 10, 4, 16, 1, 13, 19, 37, 34, 22, 31, 28, 25, 7, 14, 8, 29, 5, 23, 32, 26, 11, 35, 2, 20, 38, 17]);
  assert.deepEqual(order('-1230-2301-3012-0123-1230-2301-3012-0123-1230-2301-3012-0123'), [20, 10, 25, 30, 35, 40, 5, 0, 45, 50, 55, 15, 44, 28, 32, 12, 16, 4, 56, 8, 36, 48, 52, 24, 49, 9, 21, 13, 53, 29, 1, 17, 57, 33, 41, 37, 46, 22, 38, 58, 6, 34, 42, 14, 18, 54, 2, 26, 47, 23, 27, 51, 7, 11, 3, 19, 31, 43, 39, 59]);
  // Twelve rows or fewer: insertion sort, which keeps ties in server order.
  assert.deepEqual(order('bababa'), [1, 3, 5, 0, 2, 4]);
});

test('keys compare byte-wise, or as quantities when both are quantities', () => {
  const sorted = (keys: string[]) => goSortArray(keys, (a, b) => sortKeyLess(a, b) === true);
  assert.deepEqual(sorted(['b1', 'a2', 'a_1', 'a10', 'a.1', 'B1', 'a-1']), ['B1', 'a-1', 'a.1', 'a10', 'a2', 'a_1', 'b1']);
  assert.deepEqual(sorted(['1Gi', '500Mi', '2', '100m']), ['100m', '2', '500Mi', '1Gi']);
  assert.deepEqual(sorted(['10.96.0.1', '10.107.3.4', '10.96.12.9']), ['10.107.3.4', '10.96.0.1', '10.96.12.9']);
  assert.equal(sortKeyLess(2, 10), true);
  assert.equal(sortKeyLess('2026-11-22T01:00:00Z', '2026-11-22T00:59:59Z'), false);
  assert.equal(sortKeyLess(true, false), 'unsortable type: bool');
  assert.equal(sortKeyLess({ a: 1 }, { a: 2 }), 'unsortable type: map[string]interface {}');
  assert.equal(sortKeyLess('a', 1), 'unsortable interface: interface');
});

test('--sort-by edge cases: a path no object has, an unsortable value, and get all in tables', async () => {
  const c = inProcessCluster();
  try {
    for (const n of ['a', 'b']) assert.equal((await c.run(['create', 'configmap', n, '--from-literal=k=v'])).code, 0);
    const none = await c.run(['get', 'cm', '--sort-by=.metadata.nosuch']);
    assert.deepEqual(none, { code: 1, stdout: '', stderr: 'error: couldn\'t find any field with path "{.metadata.nosuch}" in the list of objects\n' });
    const map = await c.run(['get', 'cm', '--sort-by=.data', '-o', 'name']);
    assert.equal(map.code, 1);
    assert.match(map.stderr, /^F\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ sorter\.go:329\] Field \{\.data\} in \*unstructured\.Unstructured is an unsortable type: interface, err: unsortable type: map\[string\]interface \{\}\n$/);
    assert.equal((await c.run(['create', 'deployment', 'web', '--image=nginx'])).code, 0);
    // Tables come one per resource type, and each must have the field: pods have no .spec.replicas.
    const all = await c.run(['get', 'all', '--sort-by=.spec.replicas']);
    assert.deepEqual([all.code, all.stdout, all.stderr], [1, '', 'error: couldn\'t find any field with path "{.spec.replicas}" in the list of objects\n']);
    const named = await c.run(['get', 'all', '--sort-by=.metadata.name', '-o', 'name']);
    assert.equal(named.code, 0, named.stderr);
  } finally {
    c.cleanup();
  }
});

test('ties and mixed keys order as the real kubectl orders them, for many shapes', { skip: skipWithoutKubectl(), timeout: 120_000 }, async () => {
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const values = ['v1', 'v2', 'v10', '500Mi', '1Gi', '2', 'A', 'a-1', 'a.1'];
  await withKubectl([], async (kubectl, server) => {
    for (const n of [13, 14, 20, 33, 50, 64, 100, 150]) {
      for (const distinct of [1, 2, 5, 9]) {
        const objs = Array.from({ length: n }, (_, i) => ({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: `cm-${String(i).padStart(3, '0')}`, namespace: 'default', labels: (rnd() < 0.15 ? {} : { k: values[Math.floor(rnd() * distinct)] }) as Record<string, string> },
        }));
        objs[0].metadata.labels = { k: 'v1' };
        server.setObjects(objs as KubeObject[]);
        const real = await kubectl(['get', 'cm', '--sort-by=.metadata.labels.k', '-o', 'name']);
        const rows = objs.map((o, i) => ({ i, key: (o.metadata.labels as { k?: string }).k }));
        const mine = goSortArray(rows, kubectlLess).map((r) => `configmap/${objs[r.i].metadata.name}\n`).join('');
        assert.equal(mine, real.stdout, `${n} rows, ${distinct} distinct keys`);
      }
    }
  });
});
