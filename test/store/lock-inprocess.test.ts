// Commands run side by side in one process (the ui's terminal tabs) take turns at the state's lock instead of
// reporting a re-entry; a nested take is still the bug it was.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LockReentryError } from '../../src/store/lock.js';
import { withLock } from '../../src/store/store.js';

describe('the state lock within one process', () => {
  it('concurrent holders run one after another, in the order they asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubesim-lock-'));
    const path = join(dir, 'state.json');
    try {
      const log: string[] = [];
      const holder = (name: string, ms: number) =>
        withLock(path, async () => {
          log.push(`${name} in`);
          await new Promise((r) => setTimeout(r, ms));
          log.push(`${name} out`);
          return name;
        });
      const results = await Promise.all([holder('a', 60), holder('b', 10), holder('c', 30)]);
      assert.deepEqual(results, ['a', 'b', 'c']);
      assert.deepEqual(log, ['a in', 'a out', 'b in', 'b out', 'c in', 'c out']);
      // A holder that fails passes the turn on.
      await assert.rejects(withLock(path, () => Promise.reject(new Error('boom'))), /boom/);
      assert.equal(await withLock(path, () => 'after'), 'after');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a nested take inside a holder is still reported at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubesim-lock-'));
    const path = join(dir, 'state.json');
    try {
      await assert.rejects(
        Promise.all([withLock(path, () => withLock(path, () => 'inner')), withLock(path, () => 'other')]),
        (e: Error) => e instanceof LockReentryError,
      );
      assert.equal(await withLock(path, () => 'free'), 'free');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
