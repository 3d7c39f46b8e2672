// `kubesim serve` under load, in short (bench/watch-load.mjs runs the full one in `npm run bench`): watchers of
// ConfigMaps while an HTTP client creates, patches and deletes them through the REST API. Every watcher must
// see every write exactly once, in one order, with strictly increasing resourceVersions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, tempCluster } from '../support/cli.js';

interface LoadResult {
  writes: number;
  failed: number;
  writesPerSecond: number;
  eventsDelivered: number;
  eventsPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  rssMB: { start?: number; peak: number; end?: number };
  problems: string[];
}
type RunWatchLoad = (o: { watchers: number; writesPerSecond: number; seconds: number; env: NodeJS.ProcessEnv }) => Promise<LoadResult>;

test('10 watchers under 100 writes a second for 3 s: each sees every write once, in order', async (t) => {
  const { runWatchLoad } = (await import(join(ROOT, 'bench', 'watch-load.mjs'))) as { runWatchLoad: RunWatchLoad };
  const c = tempCluster();
  try {
    const r = await runWatchLoad({ watchers: 10, writesPerSecond: 100, seconds: 3, env: c.env });
    t.diagnostic(
      `${r.writes} writes (${r.writesPerSecond.toFixed(0)}/s), ${r.eventsDelivered} events delivered (${r.eventsPerSecond.toFixed(0)}/s), ` +
        `latency p50 ${r.latencyMs.p50.toFixed(0)} ms, max ${r.latencyMs.max.toFixed(0)} ms, server RSS ${r.rssMB.start?.toFixed(0)} -> ${r.rssMB.end?.toFixed(0)} MB`,
    );
    assert.deepEqual(r.problems, []);
    assert.equal(r.failed, 0);
    assert.ok(r.writes >= 30, `only ${r.writes} writes were made`);
    assert.equal(r.eventsDelivered, r.writes * 10);
  } finally {
    c.cleanup();
  }
});
