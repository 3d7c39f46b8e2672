// `npm run demo`: a walkthrough on a fresh, temporary default cluster. Each step prints the command as a
// workshop would show it (with `kubectl` aliased to kubesim) and then what kubesim printed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'bin', 'kubesim');
const dir = mkdtempSync(join(tmpdir(), 'kubesim-demo-'));
const env = { ...process.env, KUBESIM_STATE: join(dir, 'state.json'), KUBESIM_SEED: '42' };
const bold = process.stdout.isTTY && !process.env.NO_COLOR ? (s) => `\x1b[1m${s}\x1b[0m` : (s) => s;

function kubesim(args, { show = true, input } = {}) {
  if (show) process.stdout.write(`\n${bold(`$ kubectl ${args.map(quote).join(' ')}`)}\n`);
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, env, input: input ?? '', encoding: 'utf8' });
  if (show) {
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
  }
  return r;
}

function quote(a) {
  return /^[\w./:=,@%+-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`;
}

function say(text) {
  process.stdout.write(`\n${bold(`# ${text}`)}\n`);
}

let failed = false;
function step(args, opts) {
  const r = kubesim(args, opts);
  if (r.status !== 0 && !opts?.mayFail) {
    failed = true;
    process.stderr.write(`(step exited ${r.status})\n`);
  }
  return r;
}

try {
  say('A new simulated cluster shaped like kind: one control-plane node and three workers.');
  step(['cluster', 'create', '--seed', '42']);
  step(['get', 'nodes', '-o', 'wide']);

  say('Apply the example manifests: the kiada and nginx pods, a ClusterIP and a NodePort service.');
  step(['apply', '-f', 'manifests/']);
  step(['get', 'pods', '-o', 'wide']);
  step(['get', 'svc', '-o', 'wide']);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
