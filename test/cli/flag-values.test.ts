// Flag values parsed as pflag parses them, refused with its words before anything else happens.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertRefused, inProcessCluster, type InProcessCluster } from '../support/inproc.js';

let c: InProcessCluster;
before(async () => {
  c = inProcessCluster();
  await c.run(['cluster', 'create']);
  assert.equal((await c.run(['run', 'p1', '--image=nginx'])).code, 0);
});
after(() => c.cleanup());

const hint = "\nSee 'kubectl logs --help' for usage.\n";

test('logs --tail, --limit-bytes and --since take what strconv.ParseInt and time.ParseDuration take', async () => {
  await assertRefused(c, ['logs', 'p1', '--tail', 'abc'], { stderr: `Error: invalid argument "abc" for "--tail" flag: strconv.ParseInt: parsing "abc": invalid syntax${hint}` });
  await assertRefused(c, ['logs', 'p1', '--tail=1.5'], { stderr: `Error: invalid argument "1.5" for "--tail" flag: strconv.ParseInt: parsing "1.5": invalid syntax${hint}` });
  await assertRefused(c, ['logs', 'p1', '--tail', '99999999999999999999'], {
    stderr: `Error: invalid argument "99999999999999999999" for "--tail" flag: strconv.ParseInt: parsing "99999999999999999999": value out of range${hint}`,
  });
  await assertRefused(c, ['logs', 'p1', '--limit-bytes', 'x'], { stderr: `Error: invalid argument "x" for "--limit-bytes" flag: strconv.ParseInt: parsing "x": invalid syntax${hint}` });
  await assertRefused(c, ['logs', 'p1', '--since', '5'], { stderr: `Error: invalid argument "5" for "--since" flag: time: missing unit in duration "5"${hint}` });
  // Go's base-0 syntax is accepted, as pflag accepts it.
  const r = await c.run(['logs', 'p1', '--tail', '0x2']);
  assert.deepEqual([r.code, r.stdout.split('\n').length - 1], [0, 2]);
});

test('run --port goes through strconv.Atoi; a global flag without its value is cobra\'s error', async () => {
  await assertRefused(c, ['run', 'x', '--image=nginx', '--port=abc'], { stderr: 'error: strconv.Atoi: parsing "abc": invalid syntax\n' });
  await assertRefused(c, ['--namespace'], { stderr: "Error: flag needs an argument: --namespace\nSee 'kubectl --help' for usage.\n" });
  await assertRefused(c, ['-n'], { stderr: "Error: flag needs an argument: 'n' in -n\nSee 'kubectl --help' for usage.\n" });
});
