// The state file on disk: where it is, reading it, and changing it safely. Reads take no lock (saves are an
// atomic rename, so a reader sees the old file or the new one, never half of one); every change holds an
// inter-process lock from read to rename, so commands run in parallel never lose an update.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { CommandError } from '../api/errors.js';
import { SCHEMA_VERSION, STATE_KIND, type ClusterState } from './state.js';
import { migrate } from './migrate.js';
import type { StateLock } from './lock.js';

export const DEFAULT_STATE_PATH = join('.kube', 'kubesim', 'state.json');

/** Which state file: --state, else KUBESIM_STATE, else ~/.kube/kubesim/state.json (as kubectl picks a kubeconfig). */
export function resolveStatePath(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flag) return resolve(flag);
  if (env.KUBESIM_STATE) return resolve(env.KUBESIM_STATE);
  return join(env.HOME || homedir(), DEFAULT_STATE_PATH);
}

export class StateFileError extends CommandError {}

function damaged(path: string, why: string): StateFileError {
  return new StateFileError(
    `the state file "${path}" is damaged (${why}); it was left untouched. ` +
      `Move it aside to keep it, or run 'kubesim cluster delete --state ${path}' to start over with a new cluster`,
  );
}

/** Parses and checks a state document; migrates older schemas in memory. */
export function parseState(path: string, text: string): ClusterState {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw damaged(path, text.trim() === '' ? 'the file is empty' : `not valid JSON: ${(e as Error).message}`);
  }
  if (!doc || typeof doc !== 'object' || (doc as { kind?: unknown }).kind !== STATE_KIND) {
    throw new StateFileError(
      `"${path}" is not a kubesim state file; it was left untouched. Point --state or KUBESIM_STATE at another path`,
    );
  }
  const version = (doc as { schemaVersion?: unknown }).schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw damaged(path, 'it has no valid schemaVersion');
  }
  if (version > SCHEMA_VERSION) {
    throw new StateFileError(
      `the state file "${path}" has schema version ${version}, written by a newer kubesim; this kubesim reads up to version ${SCHEMA_VERSION}. Upgrade kubesim`,
    );
  }
  const state = migrate(doc as ClusterState);
  if (!state.cluster || !state.objects || !Array.isArray(state.random)) throw damaged(path, 'required sections are missing');
  return state;
}

/** Reads the state, or undefined when there is no file yet. */
export function readState(path: string): ClusterState | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateFileError(`cannot read the state file "${path}": ${(e as Error).message}`);
  }
  return parseState(path, text);
}

/** Writes the whole file atomically: a private temporary file, fsync, rename over the old one, fsync the directory. */
export function writeStateAtomic(path: string, state: ClusterState): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.${Date.now().toString(36)}.tmp`;
  const data = JSON.stringify(state);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
  try {
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    /* some filesystems cannot fsync a directory; the rename is still atomic */
  }
}

/**
 * Holds the inter-process lock on the state file while fn runs (src/store/lock.ts: kept for as long as this
 * process lives, freed the moment it dies). Not re-entrant: a nested call is a bug and throws at once.
 */
export async function withLock<T>(path: string, fn: () => T | Promise<T>): Promise<T> {
  // Loaded only by commands that write: node:net is most of what taking the lock costs.
  const { acquireStateLock, LockError } = await import('./lock.js');
  let lock: StateLock;
  try {
    lock = await acquireStateLock(path);
  } catch (e) {
    if (e instanceof LockError) throw new StateFileError(`cannot lock the state file "${path}": ${e.message}`);
    throw e;
  }
  try {
    return await fn();
  } finally {
    lock.release();
  }
}

/**
 * Read-modify-write under the lock. `fn` changes the state in place and returns a result; when it throws,
 * nothing is written, so a failed command leaves the state as it was.
 */
export async function mutateState<T>(
  path: string,
  create: () => ClusterState | Promise<ClusterState>,
  fn: (state: ClusterState) => T | Promise<T>,
): Promise<T> {
  return withLock(path, async () => {
    const state = readState(path) ?? (await create());
    const result = await fn(state);
    writeStateAtomic(path, state);
    return result;
  });
}

export function removeState(path: string): boolean {
  try {
    rmSync(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}
