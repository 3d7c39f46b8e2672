// The inter-process lock on a state file: held for as long as its holder lives, however long its event loop is
// busy, and given up the moment the holder dies, so a live command never loses it and a killed one never blocks
// the next command.
//
// Linux: the lock is a Unix domain socket bound in the abstract namespace (a name, not a file). The kernel lets
// one socket at a time have a name (a second bind fails with EADDRINUSE), keeps it for as long as the holder's
// process lives, whatever that process is doing, and frees it the instant the process ends, SIGKILL included.
// No file is left behind and no timer has to keep anything fresh: a command blocked for minutes in synchronous
// work (an `apply -f` of thousands of objects) still holds its lock, which a staleness timeout cannot promise.
// Limits: the abstract namespace belongs to a network namespace, so processes in different network namespaces
// (containers sharing a volume) do not see each other's locks; and abstract names carry no permissions, so
// another local user who knows the state file's path can hold its name and make our commands wait (and then fail
// with the time-out error below); they can never write the state file through it.
//
// Elsewhere: a pid file `<state>.lock` created with O_EXCL, holding `pid starttime hostname`. It is stale only
// when that pid is no longer alive on this host; a lock from another host, or whose pid was reused by a live
// process, is never broken (the time-out error names the file to remove).
//
// A process never holds one state file's lock twice: withLock is not re-entrant, and a nested (or concurrent)
// second acquisition by the same process is a bug reported at once, where waiting for ourselves would hang.
import { createHash } from 'node:crypto';
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

/** How long a command waits for another one's lock before it gives up. */
export const LOCK_TIMEOUT_MS = 120_000;
const FIRST_DELAY_MS = 2;
const MAX_DELAY_MS = 50;

export interface StateLock {
  /** The state file as named, and the identity the lock is keyed on (real directory + '/' + file name). */
  readonly path: string;
  readonly identity: string;
  /** Gives the lock up; synchronous, and harmless when called twice. */
  release(): void;
}

export interface LockOptions {
  /** Gives up after this long (default LOCK_TIMEOUT_MS). */
  timeoutMs?: number;
  /** The mechanism; the platform decides by default (tests use 'pidfile' to exercise the fallback on Linux). */
  method?: 'socket' | 'pidfile';
}

/** The lock cannot be had (held too long by another command, or the directory is unusable): a user's problem. */
export class LockError extends Error {}

/** This process already holds (or is acquiring) the lock: a bug in kubesim, not a user's mistake. */
export class LockReentryError extends Error {}

/** Identities whose lock this process holds or is acquiring. */
const held = new Set<string>();

/**
 * Takes the inter-process lock on the state file at `statePath` (which need not exist yet; its directory is
 * created, private to its owner, when missing), waiting with a short jittered back-off while another process
 * holds it. Throws LockError when it cannot, LockReentryError when this process holds it already.
 */
export async function acquireStateLock(statePath: string, opts: LockOptions = {}): Promise<StateLock> {
  const path = resolve(statePath);
  const identity = identityOf(path);
  if (held.has(identity)) {
    throw new LockReentryError(
      `the lock on the state file "${path}" is already held by this process (withLock is not re-entrant)`,
    );
  }
  held.add(identity);
  try {
    const method = opts.method ?? (process.platform === 'linux' ? 'socket' : 'pidfile');
    const attempt = method === 'socket' ? socketAttempt(identity) : pidFileAttempt(identity);
    const timeoutMs = opts.timeoutMs ?? LOCK_TIMEOUT_MS;
    const start = Date.now();
    for (let delay = FIRST_DELAY_MS; ; delay = Math.min(MAX_DELAY_MS, delay * 1.5)) {
      const release = await attempt.try();
      if (release) {
        let released = false;
        return {
          path,
          identity,
          release() {
            if (released) return;
            released = true;
            held.delete(identity);
            release();
          },
        };
      }
      if (Date.now() - start >= timeoutMs) {
        throw new LockError(`another kubesim command has held it for ${seconds(timeoutMs)}${attempt.holder()}`);
      }
      // Jitter keeps waiters that started together from polling together.
      await new Promise((r) => setTimeout(r, delay * (0.5 + Math.random())));
    }
  } catch (e) {
    held.delete(identity);
    throw e;
  }
}

/**
 * What the lock is keyed on: the real path of the state file's directory (so a symlinked directory or a relative
 * path names the same lock) and the file's own name. The file itself is not resolved: it may not exist yet, and
 * a symlink at the state path is replaced by the first save (an atomic rename over the name), so the name in
 * the real directory is what every command writes to.
 */
function identityOf(path: string): string {
  const dir = dirname(path);
  ensureDir(dir);
  let real: string;
  try {
    real = realpathSync(dir);
  } catch (e) {
    throw new LockError(`cannot resolve its directory "${dir}": ${(e as Error).message}`);
  }
  return join(real, basename(path));
}

/**
 * Creates a missing directory and its missing parents, private to the owner, one level at a time. Not
 * mkdirSync({ recursive: true }): under /proc, mkdir fails with ENOENT although the parent exists, and Node's
 * recursive mkdir answers ENOENT by creating the parent and trying again, forever.
 */
function ensureDir(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    let isDir: boolean;
    try {
      isDir = statSync(d).isDirectory();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw new LockError(`cannot use its directory "${dir}": ${(e as Error).message}`);
      missing.push(d);
      if (dirname(d) === d) break;
      continue;
    }
    if (!isDir) throw new LockError(`cannot use its directory "${dir}": "${d}" is not a directory`);
    break;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d, { mode: 0o700 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && statSync(d, { throwIfNoEntry: false })?.isDirectory()) continue;
      throw new LockError(`cannot create its directory "${dir}": ${(e as Error).message}`);
    }
  }
}

interface Attempt {
  /** One try: the release function when the lock was taken, undefined when someone else holds it. */
  try(): Promise<(() => void) | undefined>;
  /** Who held it at the last try, for the time-out message ('' when unknown). */
  holder(): string;
}

/** Linux: bind the abstract socket name derived from the identity. */
function socketAttempt(identity: string): Attempt {
  const name = '\0kubesim-lock-' + createHash('sha256').update(identity).digest('hex').slice(0, 32);
  return {
    try: () =>
      new Promise((resolveTry, rejectTry) => {
        // Nobody has a reason to connect; whoever does is let go at once.
        const server: Server = createServer((conn) => conn.destroy());
        const onError = (e: NodeJS.ErrnoException) => {
          server.close();
          if (e.code === 'EADDRINUSE') resolveTry(undefined);
          else rejectTry(new LockError(`cannot create its lock socket: ${e.message}`));
        };
        server.once('error', onError);
        server.listen({ path: name }, () => {
          server.off('error', onError);
          server.on('error', () => undefined);
          // The lock must never be what keeps a finished command alive.
          server.unref();
          // close() closes the socket at once (only its callback waits), so the name is free when this returns.
          resolveTry(() => server.close());
        });
      }),
    holder: () => '',
  };
}

/**
 * Elsewhere: `<state>.lock`, created with O_EXCL, holding `pid starttime hostname` (starttime in ms since the
 * epoch, for people reading the file). Breaking a dead holder's file races with other waiters doing the same:
 * the file is first renamed aside (atomic, so only one waiter moves a given file), then checked to still be the
 * dead holder's; if a waiter had meanwhile broken it and created its own, that file is linked back. A small
 * window remains in which a third waiter's file, created between the two, is the one that wins the link-back
 * and two processes believe they hold the lock; it needs three writers, a dead holder and an interleaving of
 * microseconds, and this fallback only runs off Linux.
 */
function pidFileAttempt(identity: string): Attempt {
  const lockPath = `${identity}.lock`;
  const host = hostname();
  const mine = `${process.pid} ${Math.round(Date.now() - process.uptime() * 1000)} ${host}\n`;
  let last = '';
  const release = () => {
    try {
      if (readFileSync(lockPath, 'utf8') === mine) unlinkSync(lockPath);
    } catch {
      /* already gone */
    }
  };
  return {
    try: async () => {
      try {
        const fd = openSync(lockPath, 'wx', 0o600);
        try {
          writeSync(fd, mine);
        } finally {
          closeSync(fd);
        }
        return release;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new LockError(`cannot create its lock file "${lockPath}": ${(e as Error).message}`);
      }
      let text: string;
      let mtimeMs: number;
      try {
        text = readFileSync(lockPath, 'utf8');
        mtimeMs = statSync(lockPath).mtimeMs;
      } catch {
        return undefined; // released meanwhile: try again
      }
      last = text;
      if (holderAlive(text, host, mtimeMs)) return undefined;
      const aside = `${lockPath}.${process.pid}.${Date.now().toString(36)}.stale`;
      try {
        renameSync(lockPath, aside);
      } catch {
        return undefined; // another waiter moved it first
      }
      let moved = '';
      try {
        moved = readFileSync(aside, 'utf8');
      } catch {
        /* cannot happen short of someone removing it by hand */
      }
      if (moved !== text) {
        // Not the dead holder's file any more: a live one, created since we read; give it back.
        try {
          linkSync(aside, lockPath); // fails, rather than replace it, if yet another waiter created one meanwhile
        } catch {
          /* see the comment above this function */
        }
        try {
          unlinkSync(aside);
        } catch {
          /* gone */
        }
        return undefined;
      }
      try {
        unlinkSync(aside);
      } catch {
        /* gone */
      }
      return undefined; // the next try creates ours
    },
    holder: () => {
      const [pid, start, on] = last.trim().split(' ');
      if (!pid) return '';
      const since = Number(start) ? `, since ${new Date(Number(start)).toISOString()}` : '';
      return ` (pid ${pid} on ${on ?? 'an unknown host'}${since}; if no kubesim command runs there, remove "${lockPath}")`;
    },
  };
}

/** Whether the holder named in a pid file may still be alive; unknown counts as alive. */
function holderAlive(text: string, host: string, mtimeMs: number): boolean {
  const m = /^(\d+) (\d+) (\S+)\n?$/.exec(text);
  // Empty or partial: its creator is writing it right now, or died between creating and writing it.
  if (!m) return Date.now() - mtimeMs < 10_000;
  if (m[3] !== host) return true; // cannot see that host's processes
  const pid = Number(m[1]);
  if (pid === process.pid) return false; // not ours (we check our own holds first): a previous process of this pid
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH'; // EPERM: alive, another user's
  }
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10}s`;
}
