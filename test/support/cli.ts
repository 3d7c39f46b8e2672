// Runs the real kubesim binary as a user would, against a temporary state file and a fixed clock.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportState, readState } from '../../src/store/store.js';

export const ROOT = new URL('../../..', import.meta.url).pathname;
export const BIN = join(ROOT, 'bin', 'kubesim');
export const FIXED_NOW = '2026-11-22T01:30:00Z';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface TempCluster {
  dir: string;
  state: string;
  env: NodeJS.ProcessEnv;
  /** Runs `kubesim <args>` synchronously. */
  run(args: string[], opts?: { input?: string; env?: NodeJS.ProcessEnv }): CliResult;
  /** Runs `kubesim <args>` asynchronously (for parallel runs). */
  runAsync(args: string[], opts?: { input?: string; env?: NodeJS.ProcessEnv }): Promise<CliResult>;
  cleanup(): void;
}

/** A private state file (created on first command) with KUBESIM_NOW fixed and a seed. */
export function tempCluster(opts: { seed?: number; now?: string; env?: NodeJS.ProcessEnv } = {}): TempCluster {
  const dir = mkdtempSync(join(tmpdir(), 'kubesim-test-'));
  const state = join(dir, 'state.json');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KUBESIM_STATE: state,
    KUBESIM_NOW: opts.now ?? FIXED_NOW,
    KUBESIM_SEED: String(opts.seed ?? 1),
    NO_COLOR: '1',
    // The test's cluster is the one beside its state: a developer's own $KUBECONFIG must not choose another.
    KUBECONFIG: '',
    ...opts.env,
  };
  return {
    dir,
    state,
    env,
    run(args, o = {}) {
      const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...env, ...o.env }, input: o.input ?? '', encoding: 'utf8' });
      return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    },
    runAsync(args, o = {}) {
      return new Promise((resolve) => {
        const child = spawn(process.execPath, [BIN, ...args], { env: { ...env, ...o.env } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
        child.stdin.end(o.input ?? '');
      });
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The saved cluster as one document (what `kubesim state export` prints): the head's fields plus every object
 * by resource and key, and the logs. Objects are typed loosely, as JSON.parse would give them.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SavedState = Record<string, any> & { objects: Record<string, Record<string, any>>; logs: Record<string, { time: string; line: string }[]> };

export function savedState(path: string): SavedState {
  const state = readState(path);
  if (!state) throw new Error(`no state at ${path}`);
  return exportState(state) as SavedState;
}
