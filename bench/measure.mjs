// Shared by the benchmarks: run kubesim as a child process (failing loudly), and compare commands with
// `node -e 0` in the same run. Medians of interleaved runs, so machine noise hits both sides alike.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
export const bin = join(root, 'bin', 'kubesim');
export const defaultRuns = Number(process.env.BENCH_RUNS ?? 25);
// Long enough for today's slow store at 10,000+ pods, short enough that a hung command ends the benchmark.
export const TIMEOUT_MS = 15 * 60 * 1000;

/** Runs `node ARGV` and returns its wall time in ms and stdout; throws with stderr if it fails or times out. */
export function run(argv, env) {
  const t0 = process.hrtime.bigint();
  // A large maxBuffer: `get pods -A -o wide` prints megabytes at 10,000 pods.
  const r = spawnSync(process.execPath, argv, { env, encoding: 'utf8', timeout: TIMEOUT_MS, maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error) {
    const e = new Error(`${argv.join(' ')}: ${r.error.message}\n${r.stderr ?? ''}`);
    e.timedOut = r.error.code === 'ETIMEDOUT'; // a measurement ("slower than the timeout") some callers keep
    throw e;
  }
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (status ${r.status ?? r.signal}): ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

/** `kubesim ARGS...`, untimed set-up: its stdout, or an exception carrying its stderr. */
export const kubesim = (args, env) => run([bin, ...args], env).stdout;

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Interleaves `node -e 0` with a sequence of kubesim commands, `runs` rounds after one untimed warm-up round
 * (round 0, which also warms the page cache), and returns the medians. A command is an argument array, or a
 * function of the round for commands that must differ per run (a new pod name each time); `before(round)` does
 * untimed set-up ahead of each round (the pod a timed delete removes).
 */
export function compareSequence(commands, env, { runs = defaultRuns, before } = {}) {
  const argsAt = (c, round) => (typeof c === 'function' ? c(round) : c);
  const node = [];
  const times = commands.map(() => []);
  for (let round = 0; round <= runs; round++) {
    before?.(round);
    if (round > 0) node.push(run(['-e', '0'], env).ms);
    commands.forEach((c, k) => {
      const { ms } = run([bin, ...argsAt(c, round)], env);
      if (round > 0) times[k].push(ms);
    });
  }
  return { node: median(node), commands: times.map(median), runs, samples: { node, commands: times } };
}

/** One command against `node -e 0`: { node, command } medians in ms (see compareSequence). */
export function compareWithNode(args, env, options) {
  const r = compareSequence([args], env, options);
  return { node: r.node, command: r.commands[0], runs: r.runs, samples: { node: r.samples.node, command: r.samples.commands[0] } };
}
