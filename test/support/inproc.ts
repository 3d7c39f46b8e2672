// Runs the CLI inside the test process (src/cli/dispatch.ts with in-memory streams), for tests that run many
// commands: no process start-up per command. Same state file, clock and seed conventions as support/cli.ts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { runCli } from '../../src/cli/dispatch.js';
import type { CliIO } from '../../src/cli/io.js';
import { BIN, FIXED_NOW, type CliResult } from './cli.js';

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    done();
  }
}

/** Runs `kubesim <args>` in-process with the given environment (nothing from process.env unless passed). */
export async function runInProcess(args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<CliResult> {
  const stdout = new Sink();
  const stderr = new Sink();
  const stdin = input === '' ? (() => { const s = new PassThrough(); s.end(); return s; })() : Readable.from([Buffer.from(input)]);
  const io: CliIO = { stdout, stderr, stdin, env };
  const code = await runCli(args, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

export interface InProcessCluster {
  dir: string;
  state: string;
  env: NodeJS.ProcessEnv;
  run(args: string[], opts?: { input?: string; env?: NodeJS.ProcessEnv }): Promise<CliResult>;
  /**
   * Runs the real binary on the same state, for the few commands whose behaviour is the process's own (os.tmpdir()
   * from TMPDIR, as `edit` uses it): synchronous, like support/cli.ts's run.
   */
  runProcess(args: string[], opts?: { input?: string; env?: NodeJS.ProcessEnv }): CliResult;
  cleanup(): void;
}

/** A private state file with KUBESIM_NOW fixed and a seed, commands run in-process. */
export function inProcessCluster(opts: { seed?: number; now?: string } = {}): InProcessCluster {
  const dir = mkdtempSync(join(tmpdir(), 'kubesim-inproc-'));
  const state = join(dir, 'state.json');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    KUBESIM_STATE: state,
    KUBESIM_NOW: opts.now ?? FIXED_NOW,
    KUBESIM_SEED: String(opts.seed ?? 1),
    NO_COLOR: '1',
    TZ: 'UTC',
  };
  return {
    dir,
    state,
    env,
    run: (args, o = {}) => runInProcess(args, { ...env, ...o.env }, o.input ?? ''),
    runProcess(args, o = {}) {
      const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...env, ...o.env }, input: o.input ?? '', encoding: 'utf8' });
      return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Runs a command that must be refused: exactly this stderr, this exit code, nothing on stdout, and the state
 * file byte for byte as before (or still absent).
 */
export async function assertRefused(
  c: InProcessCluster,
  args: string[],
  expected: { stderr: string; code?: number; stdout?: string },
  opts: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<void> {
  const statePath = opts.env?.KUBESIM_STATE ?? c.state;
  const before = existsSync(statePath) ? readFileSync(statePath) : undefined;
  const r = await c.run(args, opts);
  assert.deepEqual(r, { code: expected.code ?? 1, stdout: expected.stdout ?? '', stderr: expected.stderr }, `kubesim ${args.join(' ')}`);
  const after = existsSync(statePath) ? readFileSync(statePath) : undefined;
  assert.ok(before === undefined ? after === undefined : after !== undefined && before.equals(after), `state unchanged by kubesim ${args.join(' ')}`);
}

/**
 * fn over the items one after another, answers in their order: where separate processes ran side by side (and
 * took turns at the state lock), in-process commands must take turns themselves, as the lock is per process.
 */
export async function inTurn<T, R>(items: T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const item of items) out.push(await fn(item));
  return out;
}
