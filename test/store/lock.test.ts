// The state lock: a live holder keeps it however long it is busy, a dead one gives it up at once, a process
// cannot take it twice, and a path where no lock can be had is an error, not a hang.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { acquireStateLock, LockError, LockReentryError } from '../../src/store/lock.js';
import { StateFileError, withLock } from '../../src/store/store.js';
import { BIN, ROOT, tempCluster } from '../support/cli.js';

const STORE = pathToFileURL(join(ROOT, 'build', 'src', 'store', 'store.js')).href;
const linux = process.platform === 'linux';

/**
 * A child process that takes the lock through the built store's withLock, prints `locked <ms>`, then either
 * waits forever ('forever') or blocks its event loop for `busy` ms in a synchronous call and adds the namespace
 * `slow` to the state, and prints `released <ms>` once withLock returned. The block is Atomics.wait, not a spin:
 * no timer or I/O callback of the holder runs either way, and a spin would burn a CPU for the whole time.
 */
const HOLDER = `
import { writeSync } from 'node:fs';
const [url, path, busy] = process.argv.slice(1);
const { withLock, readState, writeStateAtomic } = await import(url);
await withLock(path, async () => {
  writeSync(1, 'locked ' + Date.now() + '\\n');
  if (busy === 'forever') {
    setInterval(() => undefined, 1000);
    await new Promise(() => undefined);
  }
  const state = readState(path);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(busy)); // synchronous: no timer of this process runs
  const ns = structuredClone(state.objects.get('namespaces', 'default'));
  ns.metadata.name = 'slow';
  ns.metadata.uid = 'slow-uid';
  state.objects.put('namespaces', 'slow', ns);
  writeStateAtomic(path, state, Date.parse('2026-11-22T01:30:00Z'));
});
writeSync(1, 'released ' + Date.now() + '\\n');
`;

interface Holder {
  child: ChildProcess;
  /** When the holder had the lock (its clock). */
  locked: Promise<number>;
  /** Its exit: status, and all it printed. */
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function holder(path: string, busy: number | 'forever'): Holder {
  const child = spawn(process.execPath, ['--input-type=module', '-e', HOLDER, STORE, path, String(busy)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let onLocked!: (t: number) => void;
  const locked = new Promise<number>((resolve) => (onLocked = resolve));
  child.stdout!.on('data', (d) => {
    stdout += d;
    const m = /^locked (\d+)$/m.exec(stdout);
    if (m) onLocked(Number(m[1]));
  });
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  // A holder that dies before locking must fail the test, not leave it waiting.
  void done.then(() => onLocked(Number.NaN));
  return { child, locked, done };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function namespaces(c: ReturnType<typeof tempCluster>): string[] {
  const r = c.run(['get', 'ns', '--no-headers', '-o', 'name']);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim().split('\n').sort();
}

test('a holder whose event loop is blocked for 30 s keeps the lock: the next writer waits for it and both writes survive', { timeout: 120_000 }, async () => {
  const c = tempCluster();
  try {
    assert.equal(c.run(['cluster', 'create']).code, 0);
    const h = holder(c.state, 30_000);
    const lockedAt = await h.locked;
    assert.ok(Number.isFinite(lockedAt), 'the holder took the lock');
    await sleep(1000);
    const started = Date.now();
    const second = await c.runAsync(['create', 'namespace', 'x']);
    const finished = Date.now();
    const first = await h.done;
    assert.equal(first.code, 0, first.stderr);
    const released = Number(/^released (\d+)$/m.exec(first.stdout)?.[1]);
    assert.deepEqual(second, { code: 0, stdout: 'namespace/x created\n', stderr: '' });
    assert.ok(started < released - 25_000, 'the second writer ran while the first held the lock');
    assert.ok(finished >= released, `the second writer finished ${released - finished} ms before the first released the lock`);
    assert.deepEqual(namespaces(c), ['namespace/default', 'namespace/kube-node-lease', 'namespace/kube-public', 'namespace/kube-system', 'namespace/local-path-storage', 'namespace/slow', 'namespace/x']);
  } finally {
    c.cleanup();
  }
});

test('the lock of a SIGKILLed holder is free at once: the next command does not wait for it, and no lock file is left', { timeout: 60_000 }, async () => {
  const c = tempCluster();
  try {
    assert.equal(c.run(['cluster', 'create']).code, 0);
    let t = Date.now();
    assert.equal(c.run(['create', 'namespace', 'before']).code, 0);
    const normal = Date.now() - t;
    const h = holder(c.state, 'forever');
    assert.ok(Number.isFinite(await h.locked), 'the holder took the lock');
    h.child.kill('SIGKILL');
    assert.equal((await h.done).code, null);
    t = Date.now();
    const r = await c.runAsync(['create', 'namespace', 'after']);
    const took = Date.now() - t;
    assert.deepEqual(r, { code: 0, stdout: 'namespace/after created\n', stderr: '' });
    assert.ok(took < Math.max(2000, normal + 1000), `took ${took} ms after the kill; a normal run took ${normal} ms`);
    if (linux) assert.deepEqual(readdirSync(c.dir), ['state.json', 'state.json.d']);
  } finally {
    c.cleanup();
  }
});

test('a command waits while another holds the lock, and gives up after the time-out naming the path', { timeout: 30_000 }, async () => {
  const c = tempCluster();
  try {
    const h = holder(c.state, 'forever');
    assert.ok(Number.isFinite(await h.locked), 'the holder took the lock');
    const t = Date.now();
    await assert.rejects(acquireStateLock(c.state, { timeoutMs: 400 }), (e: Error) => {
      assert.ok(e instanceof LockError);
      assert.equal(e.message, 'another kubesim command has held it for 0.4s');
      return true;
    });
    assert.ok(Date.now() - t >= 400, 'it waited');
    h.child.kill('SIGKILL');
    await h.done;
    const lock = await acquireStateLock(c.state, { timeoutMs: 2000 });
    lock.release();
  } finally {
    c.cleanup();
  }
});

test('the same process taking the lock twice is a bug reported at once, not a deadlock', { timeout: 10_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubesim-lock-'));
  try {
    const path = join(dir, 'state.json');
    await assert.rejects(
      withLock(path, () => withLock(path, () => 'inner')),
      (e: Error) => {
        assert.ok(e instanceof LockReentryError, String(e));
        assert.ok(!(e instanceof StateFileError), 'a bug, not a user error');
        assert.equal(e.message, `the lock on the state file "${path}" is already held by this process (withLock is not re-entrant)`);
        return true;
      },
    );
    // Both calls gave the lock up: it can be taken again, and twice without a release is refused.
    const lock = await acquireStateLock(path);
    await assert.rejects(acquireStateLock(path), LockReentryError);
    // A symlinked directory names the same lock.
    symlinkSync(dir, `${dir}-link`);
    await assert.rejects(acquireStateLock(join(`${dir}-link`, 'state.json')), LockReentryError);
    lock.release();
    lock.release(); // harmless
    assert.equal(await withLock(join(`${dir}-link`, 'state.json'), () => 'again'), 'again');
  } finally {
    rmSync(`${dir}-link`, { force: true });
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a state path where no lock can be had is a StateFileError naming the path, not a hang', { timeout: 20_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubesim-lock-'));
  try {
    // Under a regular file.
    writeFileSync(join(dir, 'file'), '');
    const underFile = join(dir, 'file', 'sub', 'state.json');
    await assert.rejects(withLock(underFile, () => 'never'), (e: Error) => {
      assert.ok(e instanceof StateFileError, String(e));
      assert.ok(e.message.startsWith(`cannot lock the state file "${underFile}": cannot use its directory "${join(dir, 'file', 'sub')}": `), e.message);
      return true;
    });
    // A directory that cannot be written (root may write anywhere).
    if (process.getuid?.() !== 0) {
      mkdirSync(join(dir, 'ro'), { mode: 0o500 });
      const inRo = join(dir, 'ro', 'sub', 'state.json');
      await assert.rejects(withLock(inRo, () => 'never'), (e: Error) => {
        assert.ok(e instanceof StateFileError, String(e));
        assert.ok(e.message.startsWith(`cannot lock the state file "${inRo}": cannot create its directory "${join(dir, 'ro', 'sub')}": EACCES`), e.message);
        return true;
      });
      chmodSync(join(dir, 'ro'), 0o700);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // Under /proc, where mkdir fails with ENOENT and a recursive mkdir would try again forever.
  if (linux) {
    const state = `/proc/kubesim-test-${process.pid}/state.json`;
    const r = spawnSync(process.execPath, [BIN, 'create', 'namespace', 'a'], {
      env: { ...process.env, KUBESIM_STATE: state },
      encoding: 'utf8',
      timeout: 10_000,
    });
    assert.equal(r.signal, null, 'it did not hang');
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      `error: cannot lock the state file "${state}": cannot create its directory "/proc/kubesim-test-${process.pid}": ENOENT: no such file or directory, mkdir '/proc/kubesim-test-${process.pid}'\n`,
    );
  }
});

test('a new directory for the state file is created private to its owner', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubesim-lock-'));
  try {
    const c = tempCluster({ env: { KUBESIM_STATE: join(dir, 'a', 'b', 'state.json') } });
    try {
      const r = c.run(['create', 'namespace', 'x']);
      assert.deepEqual(r, { code: 0, stdout: 'namespace/x created\n', stderr: '' });
    } finally {
      c.cleanup();
    }
    for (const d of ['a', join('a', 'b')]) assert.equal(statSync(join(dir, d)).mode & 0o777, 0o700, d);
    assert.deepEqual(readdirSync(join(dir, 'a', 'b')), ['state.json', 'state.json.d']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// The pid-file fallback (off Linux), exercised here on any platform.
test('pid-file lock: taken and released with "pid starttime hostname", a dead holder broken at once, a live one waited for', { timeout: 20_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubesim-lock-'));
  try {
    const path = join(dir, 'state.json');
    const lockFile = `${path}.lock`;
    const lock = await acquireStateLock(path, { method: 'pidfile' });
    const [pid, start, host] = readFileSync(lockFile, 'utf8').trim().split(' ');
    assert.equal(Number(pid), process.pid);
    assert.ok(Math.abs(Number(start) - (Date.now() - process.uptime() * 1000)) < 1000, start);
    assert.equal(host, hostname());
    lock.release();
    assert.deepEqual(readdirSync(dir), []);

    // A holder that died: its pid is gone.
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(lockFile, `${dead} 1764940000000 ${hostname()}\n`);
    let t = Date.now();
    const taken = await acquireStateLock(path, { method: 'pidfile', timeoutMs: 5000 });
    assert.ok(Date.now() - t < 1000, `took ${Date.now() - t} ms`);
    assert.equal(Number(readFileSync(lockFile, 'utf8').split(' ')[0]), process.pid);
    taken.release();
    assert.deepEqual(readdirSync(dir), [], 'nothing left behind');

    // A live holder (our parent), and one on another host whose processes cannot be seen: waited for.
    for (const [who, on] of [[process.ppid, hostname()], [dead, 'some-other-host']] as const) {
      writeFileSync(lockFile, `${who} 1764940000000 ${on}\n`);
      t = Date.now();
      await assert.rejects(acquireStateLock(path, { method: 'pidfile', timeoutMs: 300 }), (e: Error) => {
        assert.ok(e instanceof LockError, String(e));
        assert.equal(
          e.message,
          `another kubesim command has held it for 0.3s (pid ${who} on ${on}, since ${new Date(1764940000000).toISOString()}; if no kubesim command runs there, remove "${lockFile}")`,
        );
        return true;
      });
      assert.ok(Date.now() - t >= 300);
      assert.equal(readFileSync(lockFile, 'utf8'), `${who} 1764940000000 ${on}\n`, 'left as it was');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
