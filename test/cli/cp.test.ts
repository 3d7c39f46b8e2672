// `kubesim cp` both ways through the containers' simulated tar, the writable layer that keeps what was copied
// (or written by exec) for the next command, and kubectl's messages and exit codes when a copy cannot be made.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertRefused, inProcessCluster, type InProcessCluster } from '../support/inproc.js';

let c: InProcessCluster;
/** A local directory of the test's own, and a binary file's bytes (every byte value, twice). */
let local: string;
const BYTES = Buffer.concat([Buffer.from([...Array(256).keys()]), Buffer.from([...Array(256).keys()].reverse())]);

before(async () => {
  c = inProcessCluster();
  local = join(c.dir, 'local');
  mkdirSync(join(local, 'site', 'img'), { recursive: true });
  writeFileSync(join(local, 'app.conf'), 'port=8080\n');
  writeFileSync(join(local, 'site', 'index.html'), '<h1>héllo</h1>\n');
  writeFileSync(join(local, 'site', 'img', 'logo.bin'), BYTES);
  mkdirSync(join(local, 'site', 'empty'));
  for (const args of [
    ['run', 'bb', '--image=busybox', '--', 'sleep', 'infinity'],
    ['run', 'web', '--image=nginx'],
    ['run', 'echo', '--image=hashicorp/http-echo', '--', '-text=hi'],
  ]) assert.equal((await c.run(args)).code, 0);
});
after(() => c.cleanup());

describe('the writable layer', () => {
  test('a file written by one exec is read by the next; the pod deleted and made again starts without it', async () => {
    assert.equal((await c.run(['exec', 'bb', '--', 'sh', '-c', 'mkdir /tmp/notes && echo kept > /tmp/notes/a'])).code, 0);
    assert.deepEqual(await c.run(['exec', 'bb', '--', 'cat', '/tmp/notes/a']), { code: 0, stdout: 'kept\n', stderr: '' });
    assert.equal((await c.run(['exec', 'bb', '--', 'ls', '/tmp'])).stdout, 'notes\n');
    await c.run(['run', 'tmp', '--image=busybox', '--', 'sleep', 'infinity']);
    await c.run(['exec', 'tmp', '--', 'sh', '-c', 'echo x > /tmp/x']);
    await c.run(['delete', 'pod', 'tmp', '--now']);
    await c.run(['run', 'tmp', '--image=busybox', '--', 'sleep', 'infinity']);
    const gone = await c.run(['exec', 'tmp', '--', 'cat', '/tmp/x']);
    assert.deepEqual(gone, { code: 1, stdout: '', stderr: "cat: can't open '/tmp/x': No such file or directory\ncommand terminated with exit code 1\n" });
  });
});

describe('cp to a pod', () => {
  test('a file to a new path, and into an existing directory under its own name', async () => {
    assert.deepEqual(await c.run(['cp', join(local, 'app.conf'), 'bb:/tmp/app.conf']), { code: 0, stdout: '', stderr: '' });
    assert.equal((await c.run(['exec', 'bb', '--', 'cat', '/tmp/app.conf'])).stdout, 'port=8080\n');
    assert.equal((await c.run(['cp', join(local, 'app.conf'), 'default/web:/etc'])).code, 0);
    assert.equal((await c.run(['exec', 'web', '--', 'cat', '/etc/app.conf'])).stdout, 'port=8080\n');
  });

  test('a directory recursively, empty directories and binary files included', async () => {
    assert.equal((await c.run(['cp', join(local, 'site'), 'bb:/srv/www'])).code, 0);
    assert.equal((await c.run(['exec', 'bb', '--', 'ls', '/srv/www', '/srv/www/img'])).stdout, '/srv/www:\nempty\nimg\nindex.html\n\n/srv/www/img:\nlogo.bin\n');
    assert.equal((await c.run(['exec', 'bb', '--', 'cat', '/srv/www/index.html'])).stdout, '<h1>héllo</h1>\n');
    assert.match((await c.run(['exec', 'bb', '--', 'ls', '-l', '/srv/www/img'])).stdout, / 512 \w+ +\d+ \d\d:\d\d logo\.bin\n$/);
  });

  test('into a directory that does not exist: tar says so in its image\'s words, and its status is the exit code', async () => {
    const bb = await c.run(['cp', join(local, 'app.conf'), 'bb:/nodir/sub/app.conf']);
    assert.deepEqual(bb, { code: 1, stdout: '', stderr: "tar: can't change directory to '/nodir/sub': No such file or directory\ncommand terminated with exit code 1\n" });
    const web = await c.run(['cp', join(local, 'app.conf'), 'web:/nodir/sub/app.conf']);
    assert.deepEqual(web, { code: 2, stdout: '', stderr: 'tar: /nodir/sub: Cannot open: No such file or directory\ntar: Error is not recoverable: exiting now\ncommand terminated with exit code 2\n' });
  });
});

describe('cp from a pod', () => {
  test('a file; busybox tar\'s notice on stdout, as kubectl shows tar\'s stderr there', async () => {
    await c.run(['exec', 'bb', '--', 'sh', '-c', 'echo from the pod > /tmp/out.txt']);
    const dest = join(c.dir, 'out.txt');
    assert.deepEqual(await c.run(['cp', 'bb:/tmp/out.txt', dest]), { code: 0, stdout: "tar: removing leading '/' from member names\n", stderr: '' });
    assert.equal(readFileSync(dest, 'utf8'), 'from the pod\n');
  });

  test('a directory round trip: what went in comes back byte for byte', async () => {
    const dest = join(c.dir, 'back');
    assert.equal((await c.run(['cp', 'bb:/srv/www', dest])).code, 0);
    assert.deepEqual(readdirSync(dest).sort(), ['empty', 'img', 'index.html']);
    assert.ok(readFileSync(join(dest, 'img', 'logo.bin')).equals(BYTES));
    assert.equal(readFileSync(join(dest, 'index.html'), 'utf8'), '<h1>héllo</h1>\n');
  });

  test('a path the container lacks: tar\'s errors on stdout, no file, and exit 0 as kubectl 1.32 does', async () => {
    const dest = join(c.dir, 'nope');
    const bb = await c.run(['cp', 'bb:/nope', dest]);
    assert.deepEqual(bb, { code: 0, stdout: 'tar: /nope: No such file or directory\ntar: error exit delayed from previous errors\n', stderr: '' });
    const web = await c.run(['cp', 'web:/nope', dest]);
    assert.deepEqual(web, { code: 0, stdout: "tar: Removing leading `/' from member names\ntar: /nope: Cannot stat: No such file or directory\ntar: Exiting with failure status due to previous errors\n", stderr: '' });
    assert.equal(existsSync(dest), false);
  });

  test('a file onto an existing local directory: Go\'s open error', async () => {
    const r = await c.run(['cp', 'bb:/tmp/out.txt', local]);
    assert.deepEqual(r, { code: 1, stdout: "tar: removing leading '/' from member names\n", stderr: `error: open ${local}: is a directory\n` });
  });
});

describe('cp refusals: kubectl\'s message and exit code, state unchanged', () => {
  const cases: [string, () => string[], string][] = [
    ['no such pod (to)', () => ['cp', join(local, 'app.conf'), 'nope:/tmp/x'], 'Error from server (NotFound): pods "nope" not found\n'],
    ['no such pod (from)', () => ['cp', 'nope:/tmp/x', join(c.dir, 'x')], 'Error from server (NotFound): pods "nope" not found\n'],
    ['a missing local file', () => ['cp', join(c.dir, 'missing'), 'bb:/tmp/x'], `error: ${join(c.dir, 'missing')} doesn't exist in local filesystem\n`],
    ['both remote', () => ['cp', 'bb:/a', 'web:/b'], 'error: one of src or dest must be a local file specification\n'],
    ['both local', () => ['cp', 'a', 'b'], 'error: one of src or dest must be a remote file specification\n'],
    ['a spec starting with a colon', () => ['cp', ':a', 'b'], 'error: filespec must match the canonical format: [[namespace/]pod:]file/path\n'],
    ['too many slashes before the colon', () => ['cp', 'a/b/c:/x', 'y'], 'error: filespec must match the canonical format: [[namespace/]pod:]file/path\n'],
    ['an empty remote path', () => ['cp', 'bb:', 'x'], 'error: filepath can not be empty\n'],
    ['one operand', () => ['cp', 'a'], 'error: source and destination are required\n'],
    ['no such container', () => ['cp', join(local, 'app.conf'), 'bb:/tmp/x', '-c', 'nope'], 'Error from server (BadRequest): container nope is not valid for pod bb\n'],
    ['a bad --retries', () => ['cp', '--retries=x', 'a', 'bb:/b'], 'Error: invalid argument "x" for "--retries" flag: strconv.ParseInt: parsing "x": invalid syntax\nSee \'kubectl cp --help\' for usage.\n'],
  ];
  for (const [name, args, stderr] of cases) test(name, () => assertRefused(c, args(), { stderr }));

  test('an image without tar: the runtime\'s exec error', async () => {
    const r = await c.run(['cp', join(local, 'app.conf'), 'echo:/tmp/x']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "[0-9a-f]{64}": OCI runtime exec failed: exec failed: unable to start container process: exec: "tar": executable file not found in \$PATH: unknown\n$/);
  });
});
