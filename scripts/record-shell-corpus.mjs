// Authoring tool (not run by the tests): records what a real busybox ash prints for each snippet of
// test/apps/shell-corpus.json (stdout, stderr, exit code), so that test/apps/shell-corpus.test.ts can compare
// kubesim's simulated shell with it without busybox. Needs busybox (Debian: apt-get install busybox-static).
//   node scripts/record-shell-corpus.mjs [path-to-busybox]
// Snippets that write files do so under /tmp/kc, which is emptied before each one.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

const file = new URL('../test/apps/shell-corpus.json', import.meta.url);
const busybox = process.argv[2] ?? '/bin/busybox';
const corpus = JSON.parse(readFileSync(file, 'utf8'));
const version = spawnSync(busybox, [], { encoding: 'utf8' }).stdout.split('\n')[0];
for (const c of corpus.snippets) {
  rmSync('/tmp/kc', { recursive: true, force: true });
  const r = spawnSync(busybox, ['sh', '-c', c.script], {
    input: c.stdin ?? '',
    encoding: 'utf8',
    cwd: '/',
    env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', HOSTNAME: 'bb' },
    timeout: 10_000,
  });
  c.expected = { stdout: r.stdout, stderr: r.stderr, code: r.status };
}
rmSync('/tmp/kc', { recursive: true, force: true });
corpus.recordedWith = version;
writeFileSync(file, `${JSON.stringify(corpus, null, 2)}\n`);
console.log(`recorded ${corpus.snippets.length} snippets with ${version}`);
