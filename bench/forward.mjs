// Port-forward throughput: autocannon with keep-alive against `kubesim port-forward kiada :8080` (the simulated
// kiada app behind a real HTTP/1.1 server), next to a plain Node http server answering the same bytes, in the
// same run, each server in its own process. Reports requests/s, p99 latency, the ratio, and the forwarder's RSS
// before and after 100,000 requests (flat memory). Goals: ratio >= 0.7, >= 10,000 req/s.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Table from 'cli-table3';

const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'bin', 'kubesim');
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const AMOUNT = Number(process.env.BENCH_AMOUNT ?? 100_000);

const dir = mkdtempSync(join(tmpdir(), 'kubesim-bench-fwd-'));
const env = { ...process.env, KUBESIM_STATE: join(dir, 'state.json'), KUBESIM_SEED: '1', NO_COLOR: '1' };

/** A kiada pod in a fresh cluster: through `kubesim apply`, else (older builds) the transpiled sources. */
async function makeCluster() {
  const r = spawnSync(process.execPath, [bin, 'apply', '-f', join(root, 'manifests', 'kiada-pod.yaml')], { env, encoding: 'utf8' });
  if (r.status === 0) return;
  const built = join(root, 'build', 'src');
  if (!existsSync(join(built, 'cluster', 'bootstrap.js'))) throw new Error(`kubesim apply failed (${r.stderr.trim()}) and build/ is missing`);
  const { createCluster } = await import(join(built, 'cluster', 'bootstrap.js'));
  const { createObject } = await import(join(built, 'cluster', 'apiserver.js'));
  const { writeStateAtomic } = await import(join(built, 'store', 'store.js'));
  const { Random } = await import(join(built, 'util', 'random.js'));
  const now = new Date();
  const state = createCluster({ name: 'kind', seed: 1, now, loadBalancer: true });
  const ctx = { clock: { now: () => new Date() }, random: Random.fromState(state.random) };
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'kiada', labels: { app: 'kiada' } }, spec: { containers: [{ name: 'kiada', image: 'luksa/kiada:0.1', ports: [{ name: 'http', containerPort: 8080 }] }] } };
  createObject(state, ctx, pod, { namespace: 'default' });
  state.random = ctx.random.state();
  writeStateAtomic(env.KUBESIM_STATE, state);
}

/** Starts a child and resolves with it and the local port it prints. */
function startServer(argv, portPattern) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no port from ${argv.join(' ')}: ${out} ${err}`)), 15_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = portPattern.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]), stderr: () => err });
      }
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => reject(new Error(`${argv.join(' ')} exited ${code}: ${err}`)));
  });
}

// The plain server answers exactly what kiada answers through the forwarder (headers and chunked body).
const PLAIN = `
const http = require('node:http');
const body = 'Kiada version 0.1. Request processed by "kiada". Client IP: ::ffff:127.0.0.1\\n';
const s = http.createServer((req, res) => {
  // kiada (a Node app) sends its body chunked, as it arrives through the forwarder; one write, like the forwarder.
  res.writeHead(200, 'OK', ['Date', new Date().toUTCString(), 'Transfer-Encoding', 'chunked']);
  res.end(body);
});
s.keepAliveTimeout = 5000;
s.listen(0, '127.0.0.1', () => console.log('listening on ' + s.address().port));
`;

function cannon(port, opts) {
  return new Promise((resolve, reject) => {
    autocannon({ url: `http://127.0.0.1:${port}/`, connections: CONNECTIONS, pipelining: 1, ...opts }, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

function rssMiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

const children = [];
try {
  await makeCluster();
  const plain = await startServer(['-e', PLAIN], /listening on (\d+)/);
  children.push(plain.child);
  const fwd = await startServer([bin, 'port-forward', 'kiada', ':8080'], /Forwarding from 127\.0\.0\.1:(\d+) -> 8080/);
  children.push(fwd.child);
  const check = await fetch(`http://127.0.0.1:${fwd.port}/`).then((r) => r.text());
  if (!check.startsWith('Kiada version 0.1.')) throw new Error(`unexpected answer through the forwarder: ${check}`);

  // Warm both, then interleave short timed runs so that machine noise hits both alike; medians.
  await cannon(plain.port, { amount: 5000 });
  await cannon(fwd.port, { amount: 5000 });
  const runs = { plain: [], fwd: [], ratio: [] };
  for (let i = 0; i < ROUNDS; i++) {
    const a = await cannon(plain.port, { duration: DURATION });
    const b = await cannon(fwd.port, { duration: DURATION });
    runs.plain.push(a);
    runs.fwd.push(b);
    runs.ratio.push(b.requests.average / a.requests.average);
  }
  const median = (xs) => {
    const s = [...xs].sort((x, y) => x - y);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const p = { rps: median(runs.plain.map((r) => r.requests.average)), p99: median(runs.plain.map((r) => r.latency.p99)) };
  const f = { rps: median(runs.fwd.map((r) => r.requests.average)), p99: median(runs.fwd.map((r) => r.latency.p99)) };

  // Memory over AMOUNT requests, after the runs above warmed everything.
  const rssBefore = rssMiB(fwd.child.pid);
  const long = await cannon(fwd.port, { amount: AMOUNT });
  await new Promise((r) => setTimeout(r, 1500)); // one batched log write
  const rssAfter = rssMiB(fwd.child.pid);
  const errors = [...runs.fwd, long].reduce((n, r) => n + r.errors + r.non2xx + r.timeouts, 0);

  const ratio = median(runs.ratio);
  const style = process.stdout.isTTY && !process.env.NO_COLOR ? {} : { style: { head: [], border: [] } };
  const table = new Table({ head: [`server (${ROUNDS} interleaved ${DURATION}s runs, medians)`, 'req/s', 'p99 (ms)', 'ratio', 'goal'], ...style });
  table.push(['plain node http', p.rps.toFixed(0), p.p99, '1.00', '']);
  table.push(['kubesim port-forward', f.rps.toFixed(0), f.p99, ratio.toFixed(2), '>= 0.70 and >= 10000 req/s']);
  process.stdout.write(`${table.toString()}\n`);
  process.stdout.write(
    `forwarder RSS: ${rssBefore.toFixed(1)} MiB before, ${rssAfter.toFixed(1)} MiB after ${long.requests.total} more requests (${(rssAfter - rssBefore).toFixed(1)} MiB); ${CONNECTIONS} keep-alive connections; errors: ${errors}\n`,
  );
  const ok = ratio >= 0.7 && f.rps >= 10_000 && errors === 0;
  if (!ok) {
    process.stdout.write('goal not met\n');
    process.exitCode = 1;
  }
} finally {
  for (const c of children) c.kill('SIGINT');
  await new Promise((r) => setTimeout(r, 300));
  rmSync(dir, { recursive: true, force: true });
}
