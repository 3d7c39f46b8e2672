// The environment is checked before a verb runs: a seed that does not fit the generator, a clock that is not
// a real RFC 3339 time, a zone file that is a device.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { assertRefused, inProcessCluster, type InProcessCluster } from '../support/inproc.js';

let c: InProcessCluster;
before(async () => {
  c = inProcessCluster();
  await c.run(['cluster', 'create']);
});
after(() => c.cleanup());

test('KUBESIM_SEED must fit the generator: no cluster is made from a bad one', async () => {
  const fresh = join(c.dir, 'fresh.json');
  for (const seed of ['99999999999999999999999', '2147483648', '1e3', 'abc']) {
    await assertRefused(c, ['get', 'pods'], { stderr: `error: KUBESIM_SEED must be an integer between -2147483648 and 2147483647, got "${seed}"\n` }, { env: { KUBESIM_SEED: seed, KUBESIM_STATE: fresh } });
  }
  await assertRefused(c, ['cluster', 'create', '--seed', '4294967296'], { stderr: 'error: invalid argument "4294967296" for "--seed" flag: must be an integer between -2147483648 and 2147483647\n' }, { env: { KUBESIM_STATE: fresh } });
  const ok = await c.run(['get', 'pods'], { env: { KUBESIM_SEED: '-2147483648', KUBESIM_STATE: fresh } });
  assert.deepEqual(ok, { code: 0, stdout: '', stderr: 'No resources found in default namespace.\n' });
});

test('KUBESIM_NOW must be a real RFC 3339 time', async () => {
  for (const now of ['5', '2026-02-30T00:00:00Z', '2026-11-22T24:00:00Z', '+275760-09-13T00:00:00Z']) {
    await assertRefused(c, ['get', 'pods'], { stderr: `error: KUBESIM_NOW is not an RFC 3339 time: "${now}"\n` }, { env: { KUBESIM_NOW: now } });
  }
});

test('TZ naming a device, a directory or a missing zone: describe falls back to UTC and does not hang', async () => {
  for (const tz of ['/dev/zero', ':/dev/zero', '/tmp', 'Nowhere/Zone']) {
    await assertRefused(c, ['describe', 'pod', 'nosuch'], { stderr: 'Error from server (NotFound): pods "nosuch" not found\n' }, { env: { TZ: tz } });
  }
  const r = await c.run(['describe', 'node', 'kind-worker'], { env: { TZ: '/dev/zero' } });
  assert.equal(r.code, 0);
  assert.match(r.stdout, /CreationTimestamp:\s+\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000\n/);
});
