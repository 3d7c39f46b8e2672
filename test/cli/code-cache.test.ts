import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, tempCluster } from '../support/cli.js';

// bin/code-cache.cjs runs the bundle with V8 code caches kept in dist/.code-cache: a private copy of the package,
// so that this test sees its own caches come and go.
test('a verb writes its code cache on its first run and reads it after; a damaged cache is compiled around', () => {
  const c = tempCluster();
  try {
    const pkg = join(c.dir, 'pkg');
    mkdirSync(pkg);
    cpSync(join(ROOT, 'bin'), join(pkg, 'bin'), { recursive: true });
    cpSync(join(ROOT, 'dist'), join(pkg, 'dist'), { recursive: true, filter: (f) => !f.includes('.code-cache') });
    symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
    const run = (args: string[], input = '') => {
      const r = spawnSync(process.execPath, [join(pkg, 'bin', 'kubesim'), ...args], { env: c.env, input, encoding: 'utf8' });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const cacheDir = join(pkg, 'dist', '.code-cache', `${process.version}-${process.arch}`);
    const getCache = () => join(cacheDir, readdirSync(cacheDir).find((f) => f.startsWith('main.cjs.get.'))!);

    assert.deepEqual(run(['apply', '-f', '-'], 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n  - name: c\n    image: nginx\n'), { code: 0, stdout: 'pod/a created\n', stderr: '' });
    const first = run(['get', 'pods']);
    assert.equal(first.code, 0);
    assert.match(first.stdout, /^NAME +READY +STATUS +RESTARTS +AGE\na +1\/1 +Running +0 +0s\n$/);
    const file = getCache();
    const written = statSync(file).mtimeMs;

    // Read, not written again.
    assert.deepEqual(run(['get', 'pods']), first);
    assert.equal(statSync(file).mtimeMs, written);

    // Damaged in the middle, its header intact: the same answer, and a whole cache in its place.
    const bytes = readFileSync(file);
    for (let i = 200; i < bytes.length; i += 97) bytes[i] ^= 0x5a;
    writeFileSync(file, bytes);
    assert.deepEqual(run(['get', 'pods']), first);
    assert.notDeepEqual(readFileSync(file), bytes);
    assert.deepEqual(run(['get', 'pods']), first);

    // Bad input is still kubectl's error, from a cached verb too.
    for (let i = 0; i < 2; i++) {
      assert.deepEqual(run(['get', 'pods', '--bogus']), { code: 1, stdout: '', stderr: "Error: unknown flag: --bogus\nSee 'kubectl get --help' for usage.\n" });
    }
  } finally {
    c.cleanup();
  }
});
