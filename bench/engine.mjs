// `npm run bench` (via bench/run.mjs): simulated requests per second through the network engine (ClusterIP
// service, 10 endpoints), and the cost of one `run --rm ... curl` command against `node -e 0`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'kubesim-engine-bench-'));
try {
  const out = join(dir, 'engine-entry.mjs');
  await build({ entryPoints: [join(root, 'bench/engine-entry.ts')], outfile: out, bundle: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'warning', banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" } });
  const { engineBench } = await import(out);
  const N = Number(process.env.BENCH_REQUESTS ?? 100_000);
  for (const byName of [false, true]) engineBench(20000, { trace: false, byName }); // warm up the JIT
  const rows = [];
  for (const [label, opts] of [
    ['ClusterIP, 10 endpoints, no trace', { trace: false, byName: false }],
    ['ClusterIP by name (DNS search path), no trace', { trace: false, byName: true }],
    ['ClusterIP, 10 endpoints, with trace', { trace: true, byName: false }],
  ]) {
    const r = engineBench(N, opts);
    if (r.answered !== N || r.spread !== 10) throw new Error(`engine bench sanity failed: ${JSON.stringify(r)}`);
    rows.push([label, N, r.ms.toFixed(0), Math.round((N / r.ms) * 1000).toLocaleString('en-US')]);
  }
  process.stdout.write('engine: simulated HTTP requests (resolve, DNAT, socket, app answer and log line)\n');
  for (const [label, n, ms, rps] of rows) process.stdout.write(`  ${label.padEnd(48)} ${String(n).padStart(7)} requests in ${ms.padStart(5)} ms = ${rps.padStart(9)} req/s\n`);

  // One `run --rm ... curl` against `node -e 0`, interleaved, medians.
  const bin = join(root, 'bin', 'kubesim');
  const env = { ...process.env, KUBESIM_STATE: join(dir, 'state.json'), KUBESIM_SEED: '1', KUBESIM_NOW: '2026-11-22T01:30:00Z', NO_COLOR: '1' };
  const setup = spawnSync(process.execPath, [bin, 'run', 'kiada', '--image=luksa/kiada:0.1'], { env, encoding: 'utf8' });
  if (setup.status !== 0) throw new Error(`setup failed: ${setup.stderr}`);
  const ip = spawnSync(process.execPath, [bin, 'get', 'pod', 'kiada', '-o', 'jsonpath={.status.podIP}'], { env, encoding: 'utf8' }).stdout;
  const args = [bin, 'run', '--image=curlimages/curl', '-i', '--restart=Never', '--rm', 'client-pod', '--', 'curl', '-s', `${ip}:8080`];
  const time = (argv) => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, argv, { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`);
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const runs = Number(process.env.BENCH_RUNS ?? 15);
  const base = [];
  const cmd = [];
  time(args);
  for (let i = 0; i < runs; i++) {
    base.push(time(['-e', '0']));
    cmd.push(time(args));
  }
  const b = median(base);
  const c = median(cmd);
  process.stdout.write(`command: run --rm -i ... curl -s ${ip}:8080 (median of ${runs}, interleaved)\n  node -e 0 ${b.toFixed(1)} ms, kubesim ${c.toFixed(1)} ms, ratio ${(c / b).toFixed(2)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
