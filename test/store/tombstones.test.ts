// The head's tombstones (src/store/objects.ts removeObject, src/store/store.ts): each deletion keeps the
// resourceVersion it took, for the watch cache of `kubesim serve` (src/server/feed.ts).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createCluster } from '../../src/cluster/bootstrap.js';
import { putObject, removeObject } from '../../src/store/objects.js';
import { readState, writeStateAtomic } from '../../src/store/store.js';

const T0 = Date.parse('2026-11-22T01:30:00Z');
const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', uid: `uid-${name}` } });

test('a commit keeps every deletion it made; older ones only up to 500, and `from` says where they stop', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubesim-tomb-'));
  try {
    const path = join(dir, 'state.json');
    const created = createCluster({ name: 'kind', seed: 1, now: new Date(T0), loadBalancer: false });
    assert.deepEqual(created.tombstones, { from: 0, list: [] });
    for (let i = 0; i < 600; i++) putObject(created, 'configmaps', cm(`c${i}`));
    writeStateAtomic(path, created, T0);
    // One command deletes all 600: all are kept, each with its own version, in order.
    let s = readState(path)!;
    const before = s.resourceVersion;
    for (let i = 0; i < 600; i++) removeObject(s, 'configmaps', 'default', `c${i}`);
    writeStateAtomic(path, s, T0);
    s = readState(path)!;
    assert.equal(s.tombstones!.list.length, 600);
    assert.deepEqual(s.tombstones!.list[0], [before + 1, 'configmaps', 'default/c0', 'uid-c0']);
    assert.deepEqual(s.tombstones!.list[599], [before + 600, 'configmaps', 'default/c599', 'uid-c599']);
    assert.equal(s.resourceVersion, before + 600);
    // The next commit deletes one more: its own is kept, and the latest 499 earlier ones with it.
    putObject(s, 'configmaps', cm('late'));
    removeObject(s, 'configmaps', 'default', 'late');
    writeStateAtomic(path, s, T0);
    s = readState(path)!;
    assert.equal(s.tombstones!.list.length, 500);
    assert.equal(s.tombstones!.list[0][0], before + 102);
    assert.equal(s.tombstones!.from, before + 101);
    assert.deepEqual(s.tombstones!.list[499].slice(1), ['configmaps', 'default/late', 'uid-late']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
