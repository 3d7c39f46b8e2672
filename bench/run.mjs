// `npm run bench`: start-up cost of real commands against `node -e 0` in the same run, then the engine,
// port-forward, scaling (bench/scale.mjs), ui and serve-under-watch-load (bench/watch-load.mjs) benchmarks
// when present. Medians of interleaved runs, so machine noise hits both sides alike.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Table from 'cli-table3';
import { compareWithNode, kubesim } from './measure.mjs';

const root = new URL('..', import.meta.url).pathname;

const dir = mkdtempSync(join(tmpdir(), 'kubesim-bench-'));
const env = { ...process.env, KUBESIM_STATE: join(dir, 'state.json'), KUBESIM_SEED: '1', NO_COLOR: '1' };
// Colour only on a terminal: a redirected report stays plain text.
const style = process.stdout.isTTY && !process.env.NO_COLOR ? {} : { style: { head: [], border: [] } };
const table = new Table({ head: ['benchmark', 'node -e 0 (ms)', 'kubesim (ms)', 'ratio', 'goal'], ...style });
try {
  // A 50-pod cluster.
  const pods = [];
  for (let i = 0; i < 50; i++) {
    pods.push(`apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-${i}\n  labels:\n    app: web\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n    ports:\n    - containerPort: 80\n`);
  }
  writeFileSync(join(dir, 'pods.yaml'), pods.join('---\n'));
  kubesim(['apply', '-f', join(dir, 'pods.yaml')], env);

  const get = compareWithNode(['get', 'pods', '-o', 'wide'], env);
  table.push(['get pods -o wide (50 pods)', get.node.toFixed(1), get.command.toFixed(1), (get.command / get.node).toFixed(2), '<= 1.5']);
  const version = compareWithNode(['version', '--client'], env);
  table.push(['version --client', version.node.toFixed(1), version.command.toFixed(1), (version.command / version.node).toFixed(2), '<= 1.3']);
  process.stdout.write(`${table.toString()}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

for (const extra of ['engine.mjs', 'forward.mjs', 'scale.mjs', 'ui.mjs', 'watch-load.mjs']) {
  const p = join(root, 'bench', extra);
  if (existsSync(p)) {
    process.stdout.write(`\n== bench/${extra}\n`);
    const r = spawnSync(process.execPath, [p], { stdio: 'inherit', env: process.env });
    if (r.status !== 0) process.exitCode = 1;
  }
}
