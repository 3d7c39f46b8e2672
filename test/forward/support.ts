// Test clusters for the socket servers: a state built in-process (createCluster + createObject), written where
// a spawned kubesim (or an in-process forwarder) reads it; a helper that spawns a long-running kubesim and reads
// its output as it comes; a small HTTP client on a fresh connection per call or a shared keep-alive agent.
import { spawn, type ChildProcess } from 'node:child_process';
import { request, Agent } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../src/api/types.js';
import { createCluster } from '../../src/cluster/bootstrap.js';
import { createObject } from '../../src/cluster/apiserver.js';
import type { ClusterState } from '../../src/store/state.js';
import { writeStateAtomic } from '../../src/store/store.js';
import { fixedClock } from '../../src/util/clock.js';
import { Random } from '../../src/util/random.js';
import { BIN, FIXED_NOW } from '../support/cli.js';

export function buildState(objects: KubeObject[], now = FIXED_NOW): ClusterState {
  const state = createCluster({ name: 'kind', seed: 1, now: new Date(now), loadBalancer: true });
  const ctx = { clock: fixedClock(now), random: Random.fromState(state.random) };
  for (const o of objects) createObject(state, ctx, o, { namespace: 'default' });
  state.random = ctx.random.state();
  return state;
}

export function pod(name: string, opts: { labels?: Record<string, string>; image?: string; ports?: { name?: string; containerPort: number; protocol?: string }[] } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: opts.labels },
    spec: { containers: [{ name: name.split('-')[0], image: opts.image ?? 'luksa/kiada:0.1', ports: opts.ports ?? [{ containerPort: 8080 }] }] },
  } as KubeObject;
}

export function service(name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec } as KubeObject;
}

export interface StateDir {
  dir: string;
  path: string;
  env: NodeJS.ProcessEnv;
  write(state: ClusterState): void;
  cleanup(): void;
}

export function stateDir(state?: ClusterState): StateDir {
  const dir = mkdtempSync(join(tmpdir(), 'kubesim-fwd-'));
  const path = join(dir, 'state.json');
  if (state) writeStateAtomic(path, state, Date.parse(FIXED_NOW));
  return {
    dir,
    path,
    env: { ...process.env, KUBESIM_STATE: path, KUBESIM_NOW: FIXED_NOW, KUBESIM_SEED: '1', NO_COLOR: '1' },
    write: (s) => writeStateAtomic(path, s, Date.parse(FIXED_NOW)),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A running kubesim: its output so far, a wait for a line, and its end. Always stop() it in finally. */
export interface Running {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  waitFor(re: RegExp, stream?: 'stdout' | 'stderr', ms?: number): Promise<RegExpExecArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startKubesim(args: string[], env: NodeJS.ProcessEnv): Running {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: (() => void)[] = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  child.stdout!.on('data', (d) => {
    out += d;
    wake();
  });
  child.stderr!.on('data', (d) => {
    err += d;
    wake();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => {
    wake();
    // let the pipes drain
    setImmediate(() => resolve({ code, signal }));
  }));
  let done = false;
  void exited.then(() => (done = true));
  const running: Running = {
    child,
    stdout: () => out,
    stderr: () => err,
    waitFor(re, stream = 'stdout', ms = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re} on ${stream}; stdout=${JSON.stringify(out)} stderr=${JSON.stringify(err)}`)), ms);
        const check = () => {
          const m = re.exec(stream === 'stdout' ? out : err);
          if (m) {
            clearTimeout(timer);
            resolve(m);
          } else if (done || child.exitCode !== null) {
            clearTimeout(timer);
            reject(new Error(`kubesim exited (${child.exitCode}) before ${re}; stdout=${JSON.stringify(out)} stderr=${JSON.stringify(err)}`));
          } else waiters.push(check);
        };
        check();
      });
    },
    exited,
    async stop(signal = 'SIGINT') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      const r = await exited;
      clearTimeout(t);
      return r;
    },
  };
  return running;
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function httpGet(port: number, opts: { path?: string; method?: string; host?: string; agent?: Agent | false; body?: string | Buffer; headers?: Record<string, string> } = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: opts.host ?? '127.0.0.1', port, path: opts.path ?? '/', method: opts.method ?? 'GET', agent: opts.agent ?? false, headers: opts.headers, timeout: 10_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(opts.body);
  });
}
