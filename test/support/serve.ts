// `kubesim serve` for tests: started on an ephemeral loopback port beside a temporary cluster, the real kubectl
// pointed at it, and raw requests with the server's CA and token.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { BIN, ROOT, type CliResult } from './cli.js';

/** What serve needs of a test cluster (support/cli.ts's or support/inproc.ts's): its directory and environment. */
export interface ServeCluster {
  dir: string;
  env: NodeJS.ProcessEnv;
}

export interface Served {
  child: ChildProcess;
  url: string;
  kubeconfig: string;
  stderr: () => string;
}

export async function startServe(c: ServeCluster): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { env: c.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${err}`)), 15_000);
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve(out.split('\n')[0]);
      }
    });
    child.on('exit', () => reject(new Error(`serve exited: ${err}`)));
  });
  const m = /^Serving the kubesim cluster at (https:\/\/127\.0\.0\.1:\d+); KUBECONFIG=(.+)$/.exec(line);
  assert.ok(m, `start line: ${line}`);
  return { child, url: m[1], kubeconfig: m[2], stderr: () => err };
}

/** The real kubectl's argv and environment for this server (its own cache and HOME in the cluster's dir). */
export function kubectlCommand(s: Served, c: ServeCluster, args: string[]): { argv: string[]; env: NodeJS.ProcessEnv } {
  return { argv: ['kubectl', '--kubeconfig', s.kubeconfig, '--cache-dir', join(c.dir, 'kcache'), ...args], env: { ...process.env, HOME: c.dir, KUBECONFIG: s.kubeconfig, NO_COLOR: '1' } };
}

export function kubectl(s: Served, c: ServeCluster, args: string[], opts: { timeoutMs?: number; until?: RegExp; env?: NodeJS.ProcessEnv; onStdout?: (text: string) => void; input?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const cmd = kubectlCommand(s, c, args);
    const child = spawn(cmd.argv[0], cmd.argv.slice(1), {
      env: { ...cmd.env, ...opts.env },
      cwd: ROOT,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      opts.onStdout?.(stdout);
      if (opts.until?.test(stdout)) child.kill('SIGINT');
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    // An empty stdin unless given, as a script's: kubectl run -i reads it to its end before the command runs.
    child.stdin.end(opts.input ?? '');
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGINT'), opts.timeoutMs) : undefined;
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** A raw request with the server's CA (and the token unless told otherwise). */
export function raw(s: Served, path: string, opts: { token?: string | null; accept?: string } = {}): Promise<{ code: number; body: string; type: string }> {
  const dir = s.kubeconfig.replace(/\/kubeconfig$/, '');
  const token = opts.token === undefined ? readFileSync(join(dir, 'token'), 'utf8').trim() : opts.token;
  return new Promise((resolve, reject) => {
    const req = request(`${s.url}${path}`, { ca: readFileSync(join(dir, 'ca.crt')), headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), Accept: opts.accept ?? 'application/json' } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body, type: String(res.headers['content-type'] ?? '') }));
    });
    req.on('error', reject);
    req.end();
  });
}


/** Polls cond until it holds (a fixed sleep would wait too long on a quiet machine, too little on a busy one). */
export async function waitUntil(cond: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    assert.ok(Date.now() < end, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
