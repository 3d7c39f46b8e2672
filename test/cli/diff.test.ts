// `kubesim diff -f`: the CI pattern (apply, diff exit 0, a changed manifest exit 1), the folders and file
// names kubectl uses, KUBECTL_EXTERNAL_DIFF, kubesim's own unified diff, and exit 2 on errors.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';
import { unifiedHunks } from '../../src/cli/diff.js';

let c: InProcessCluster;
let app: string;
const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
`;
before(async () => {
  c = inProcessCluster();
  app = join(c.dir, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'deploy.yaml'), DEPLOY);
});
after(() => c.cleanup());

test('diff before apply shows the new object; after apply exit 0; a changed manifest exit 1', async () => {
  const first = await c.run(['diff', '-f', app]);
  assert.equal(first.code, 1, first.stderr);
  assert.match(first.stdout, /^diff -u -N \S+\/LIVE-\d+\/apps\.v1\.Deployment\.default\.web \S+\/MERGED-\d+\/apps\.v1\.Deployment\.default\.web\n/);
  assert.match(first.stdout, /\n@@ -0,0 \+1,\d+ @@\n\+apiVersion: apps\/v1\n/);
  const before = readFileSync(c.state);
  assert.equal((await c.run(['diff', '-f', app])).stdout, first.stdout, 'deterministic, and nothing saved');
  assert.deepEqual(readFileSync(c.state), before);
  assert.equal((await c.run(['apply', '-f', app])).code, 0);
  const same = await c.run(['diff', '-f', app]);
  assert.deepEqual([same.code, same.stdout, same.stderr], [0, '', '']);
  writeFileSync(join(app, 'deploy.yaml'), DEPLOY.replace('nginx:1.25', 'nginx:1.26'));
  const changed = await c.run(['diff', '-f', app]);
  assert.equal(changed.code, 1);
  assert.match(changed.stdout, /\n-  generation: 1\n\+  generation: 2\n/);
  assert.match(changed.stdout, /\n-      - image: nginx:1\.25\n\+      - image: nginx:1\.26\n/);
  // kubectl diff merges without annotating (the real kubectl through serve shows the same): the live
  // last-applied annotation is not part of the diff, and a new object carries none.
  assert.doesNotMatch(changed.stdout, /^[-+] .*last-applied-configuration/m);
  assert.doesNotMatch(first.stdout, /last-applied-configuration/);
  // the folders are removed afterwards
  const dirs = [...first.stdout.matchAll(/(\S+\/(?:LIVE|MERGED)-\d+)\//g)].map((m) => m[1]);
  for (const d of dirs) assert.ok(!readdirSync(tmpdir()).includes(d.slice(d.lastIndexOf('/') + 1)), `${d} removed`);
});

test('after apply --server-side (no last-applied annotation) the same manifest has no diff, exit 0', async () => {
  const dir = join(c.dir, 'ssa');
  mkdirSync(dir);
  writeFileSync(join(dir, 'deploy.yaml'), DEPLOY.replace('name: web', 'name: ssa'));
  assert.equal((await c.run(['apply', '--server-side', '-f', dir])).stdout, 'deployment.apps/ssa serverside-applied\n');
  const same = await c.run(['diff', '-f', dir]);
  assert.deepEqual([same.code, same.stdout, same.stderr], [0, '', '']);
});

test('without a diff program: the same unified diff, printed by kubesim', async () => {
  const withDiff = await c.run(['diff', '-f', app]);
  const own = await c.run(['diff', '-f', app], { env: { PATH: '/nonexistent' } });
  assert.deepEqual([own.code, own.stdout], [withDiff.code, withDiff.stdout]);
});

test('KUBECTL_EXTERNAL_DIFF runs that program on the two folders; its exit status is the command\'s', async () => {
  const r = await c.run(['diff', '-f', app], { env: { KUBECTL_EXTERNAL_DIFF: 'diff -q' } });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^Files \S+\/LIVE-\d+\/apps\.v1\.Deployment\.default\.web and \S+\/MERGED-\d+\/apps\.v1\.Deployment\.default\.web differ\n$/);
  const missing = await c.run(['diff', '-f', app], { env: { KUBECTL_EXTERNAL_DIFF: 'nosuchdiff' } });
  assert.deepEqual([missing.code, missing.stderr], [2, 'error: failed to run "nosuchdiff": exec: "nosuchdiff": executable file not found in $PATH\n']);
});

test('errors exit 2, flag errors as kubectl diff words them', async () => {
  assert.deepEqual(Object.values(await c.run(['diff', '--bogus'])).slice(0, 3), [2, '', "Error: unknown flag: --bogus\nSee 'kubectl diff -h' for help and examples\n"]);
  assert.deepEqual(Object.values(await c.run(['diff', '-f', 'x', '-R=maybe'])).slice(0, 3), [2, '', 'error: invalid argument "maybe" for "-R, --recursive" flag: strconv.ParseBool: parsing "maybe": invalid syntax\nSee \'kubectl diff -h\' for help and examples\n']);
  assert.deepEqual(Object.values(await c.run(['diff'])).slice(0, 3), [2, '', 'error: must specify one of -f and -k\n']);
  const r = await c.run(['diff', '-f', join(c.dir, 'nope.yaml')]);
  assert.deepEqual([r.code, r.stderr], [2, `error: the path "${join(c.dir, 'nope.yaml')}" does not exist\n`]);
});

test('unifiedHunks: GNU layout (deletions before additions, merged context, one-line ranges)', async () => {
  assert.equal(unifiedHunks('a\nb\nc\n', 'a\nB\nc\n'), '@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n');
  assert.equal(unifiedHunks('', 'x\n'), '@@ -0,0 +1 @@\n+x\n');
  assert.equal(unifiedHunks('x\n', ''), '@@ -1 +0,0 @@\n-x\n');
  const a = Array.from({ length: 20 }, (_, i) => `l${i}`).join('\n') + '\n';
  const b = a.replace('l2\n', 'L2\n').replace('l17\n', 'L17\n');
  assert.equal(unifiedHunks(a, b), '@@ -1,6 +1,6 @@\n l0\n l1\n-l2\n+L2\n l3\n l4\n l5\n@@ -15,6 +15,6 @@\n l14\n l15\n l16\n-l17\n+L17\n l18\n l19\n');
});
