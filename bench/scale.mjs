// `npm run bench` (via bench/run.mjs): does a command cost what it touches, or what the cluster holds?
// Times commands on clusters of BENCH_SCALES pods (default 50,1000,10000) made by one Deployment, as ratios to
// `node -e 0` measured in the same run (interleaved, medians), fits each command's growth exponent over the
// scales, and marks the rewrite's goals met or not met. BENCH_HUGE=1 adds 100,000 pods (build and get pod);
// `--json FILE` (or BENCH_JSON=FILE) writes the raw figures.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Table from 'cli-table3';
import { bin, compareSequence, compareWithNode, defaultRuns, kubesim, median, run, TIMEOUT_MS } from './measure.mjs';

const SCALES = (process.env.BENCH_SCALES ?? '50,1000,10000').split(',').map(Number).sort((a, b) => a - b);
if (!SCALES.every((n) => Number.isInteger(n) && n > 0)) throw new Error(`BENCH_SCALES must list pod counts: "${process.env.BENCH_SCALES}"`);
const HUGE = process.env.BENCH_HUGE === '1' ? 100_000 : undefined;
const jsonAt = process.argv.indexOf('--json');
const JSON_FILE = jsonAt > 0 ? process.argv[jsonAt + 1] : process.env.BENCH_JSON;
if (jsonAt > 0 && !JSON_FILE) throw new Error('--json needs a file name');
// The goals are set for 10,000 pods; a shorter BENCH_SCALES is judged at its largest scale, and says so.
const JUDGE = SCALES.includes(10_000) ? 10_000 : SCALES[SCALES.length - 1];
// Fewer runs on big clusters, where one command takes seconds today, so the whole run stays bounded.
const runsAt = (pods) => Math.min(defaultRuns, Math.max(5, Math.round((defaultRuns * 1000) / pods)));
// Exponent at most this counts as flat: noise in medians moves a truly flat command by a few hundredths.
const FLAT = 0.1;

const ROWS = [
  { key: 'get pod', label: 'get pod NAME', growth: 'flat', max: 3 },
  { key: 'describe pod', label: 'describe pod NAME', growth: 'flat', max: 3 },
  { key: 'get -A', label: 'get pods -A -o wide', growth: 'linear', max: 8 },
  { key: 'apply one', label: 'apply -f one new pod', growth: 'flat', max: 5 },
  { key: 'delete', label: 'delete pod NAME', growth: 'flat', max: 5 },
  { key: 'scale up', label: 'scale deploy/web --replicas N+1', growth: 'flat', max: 5 },
  { key: 'scale down', label: 'scale deploy/web --replicas N', growth: 'flat', max: 5 },
  { key: 'run curl', label: 'run --rm -i ... curl -s web', growth: 'flat', max: 5 },
  { key: 'build', label: 'build N replicas (ms)', ms: true, max: 20_000 },
  { key: 'bulk', label: 'apply -f 1,000 pods (ms)', ms: true, max: 3_000 },
];

const dir = mkdtempSync(join(tmpdir(), 'kubesim-bench-scale-'));
const envFor = (name) => ({ ...process.env, KUBESIM_STATE: join(dir, `${name}.json`), KUBESIM_SEED: '1', KUBESIM_NOW: '2026-11-22T01:30:00Z', NO_COLOR: '1' });
const podYaml = (name, app) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  labels:\n    app: ${app}\nspec:\n  containers:\n  - name: main\n    image: nginx:1.27\n`;
/** A manifest file of the named pods, written outside any timing. */
function podFile(file, names, app = 'single') {
  const path = join(dir, file);
  writeFileSync(path, names.map((n) => podYaml(n, app)).join('---\n'));
  return path;
}

/**
 * A cluster of `pods` replicas of Deployment `web`, with a Service `web` selecting them and selectorless
 * ClusterIP Services up to pods/10 (at most 1,000). Workers hold 110 pods each: one per 100 pods, plus room
 * for the 1,000-pod apply and the single pods the writes add, plus one, so capacity never limits a figure.
 */
function buildCluster(pods, env) {
  let workers = Math.ceil((pods + 1_100) / 100) + 1;
  const services = Math.min(1_000, Math.ceil(pods / 10));
  if (workers <= 250) kubesim(['cluster', 'create', '--workers', String(workers), '--seed', '1'], env);
  else {
    // Past kind's 250 workers (a /24 each of 10.244.0.0/16): a cluster config of 250 workers, each with a /22 of
    // a /12 pod network and room for the pods the kubelet's maxPods allows it.
    const perNode = Math.ceil((pods + 1_100) / 250) + 10;
    const nodes = ['- role: control-plane', ...Array.from({ length: 250 }, () => `- role: worker\n  allocatable:\n    pods: "${perNode}"`)];
    const config = join(dir, `cluster-${pods}.yaml`);
    writeFileSync(config, `kind: Cluster\napiVersion: kubesim.dev/v1alpha1\nnetworking:\n  podSubnet: 10.0.0.0/12\n  nodeCIDRMaskSize: 22\nnodes:\n${nodes.join('\n')}\n`);
    kubesim(['cluster', 'create', '--config', config, '--seed', '1'], env);
    workers = 250;
  }
  // One command makes at most 10,000 pods per ReplicaSet and round (src/cluster/workloads.ts): beyond that the
  // Deployment grows by scale steps of 10,000, each a command.
  const STEP = 10_000;
  let buildMs = run([bin, 'create', 'deployment', 'web', '--image=nginx', `--replicas=${Math.min(pods, STEP)}`, '--port=80'], env).ms;
  for (let n = STEP * 2; n < pods + STEP; n += STEP) buildMs += run([bin, 'scale', 'deployment', 'web', `--replicas=${Math.min(n, pods)}`], env).ms;
  const docs = [`apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n    targetPort: 80\n`];
  for (let i = 1; i < services; i++) docs.push(`apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${i}\nspec:\n  ports:\n  - port: 80\n`);
  writeFileSync(join(dir, 'services.yaml'), docs.join('---\n'));
  const servicesMs = run([bin, 'apply', '-f', join(dir, 'services.yaml')], env).ms;
  // The figures only mean something if every replica really runs behind the service.
  const ready = kubesim(['get', 'deployment', 'web', '-o', 'jsonpath={.status.readyReplicas}'], env);
  if (Number(ready) !== pods) throw new Error(`deployment web has ${ready} ready replicas, not ${pods}`);
  // A table is printed as it is read: the cheapest way to name one pod of 100,000.
  const pod = kubesim(['get', 'pods', '-l', 'app=web', '--no-headers'], env).split('\n')[0].split(/\s+/)[0];
  return { workers, services, buildMs, servicesMs, pod };
}

/** `apply -f` of a pod never applied before, each run: the file is written untimed, nothing is deleted. */
const applyNew = (env, runs, prefix) =>
  compareWithNode((r) => ['apply', '-f', join(dir, `${prefix}-${r}.yaml`)], env, { runs, before: (r) => podFile(`${prefix}-${r}.yaml`, [`${prefix}-${r}`]) });

const ratio = (c) => ({ node: c.node, ms: c.command, ratio: c.command / c.node, runs: c.runs, samples: c.samples });

/** Every figure at one scale; `only` limits it to the build and those keys (the 100,000-pod run). */
function measureScale(pods, only) {
  const env = envFor(`state-${pods}`);
  const runs = runsAt(pods);
  const c = buildCluster(pods, env);
  process.stdout.write(`${pods} pods: ${c.workers} workers, ${c.services} services, ${runs} runs a figure; replicas built in ${c.buildMs.toFixed(0)} ms, services applied in ${c.servicesMs.toFixed(0)} ms\n`);
  const f = {};
  const want = (key) => !only || only.includes(key);
  if (want('get pod')) f['get pod'] = ratio(compareWithNode(['get', 'pod', c.pod], env, { runs }));
  if (want('describe pod')) f['describe pod'] = ratio(compareWithNode(['describe', 'pod', c.pod], env, { runs }));
  if (want('get -A')) f['get -A'] = ratio(compareWithNode(['get', 'pods', '-A', '-o', 'wide'], env, { runs }));
  if (want('apply one')) f['apply one'] = ratio(applyNew(env, runs, 'one'));
  if (want('delete')) {
    const before = (r) => kubesim(['apply', '-f', podFile(`del-${r}.yaml`, [`del-${r}`])], env);
    f.delete = ratio(compareWithNode((r) => ['delete', 'pod', `del-${r}`], env, { runs, before }));
  }
  if (want('scale up')) {
    // Up then back down each round, so every round starts from N replicas; each direction timed alone.
    const s = compareSequence([['scale', 'deploy/web', `--replicas=${pods + 1}`], ['scale', 'deploy/web', `--replicas=${pods}`]], env, { runs });
    f['scale up'] = ratio({ node: s.node, command: s.commands[0], runs, samples: { node: s.samples.node, command: s.samples.commands[0] } });
    f['scale down'] = ratio({ node: s.node, command: s.commands[1], runs, samples: { node: s.samples.node, command: s.samples.commands[1] } });
  }
  // curl exits non-zero if the service does not answer, and kubesim run exits with the container's code.
  if (want('run curl')) f['run curl'] = ratio(compareWithNode((r) => ['run', `tmp-${r}`, '--rm', '-i', '--restart=Never', '--image=curlimages/curl', '--', 'curl', '-s', 'web'], env, { runs }));
  // The ms figures get the scale's node baseline for the exponent fit.
  const node = median(Object.values(f).map((x) => x.node));
  f.build = { ms: c.buildMs, node };
  // Last: it adds 1,000 pods, which would change the scale under the other figures.
  // A timeout here is a result (today's store takes that long at 10,000 pods), not a reason to lose the others.
  if (want('bulk')) {
    const names = Array.from({ length: 1_000 }, (_, i) => `bulk-${i}`);
    try {
      f.bulk = { ms: run([bin, 'apply', '-f', podFile('bulk.yaml', names, 'bulk')], env).ms, node };
    } catch (e) {
      if (!e.timedOut) throw e;
      f.bulk = { ms: null, timedOut: true, node };
    }
  }
  rmSync(env.KUBESIM_STATE, { force: true });
  return { pods, workers: c.workers, services: c.services, servicesMs: c.servicesMs, runs, figures: f };
}

/** Least-squares slope of log(time above the node baseline) over log(pods); null under two scales. */
function exponent(points) {
  if (points.length < 2) return null;
  const xs = points.map((p) => Math.log(p.pods));
  // A command as fast as node itself would give log(0): clamp to 0.1 ms.
  const ys = points.map((p) => Math.log(Math.max(p.ms - p.node, 0.1)));
  const mx = xs.reduce((a, b) => a + b) / xs.length;
  const my = ys.reduce((a, b) => a + b) / ys.length;
  let sxy = 0;
  let sxx = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * (ys[i] - my);
    sxx += (x - mx) ** 2;
  });
  return sxy / sxx;
}

// Colour only on a terminal: a redirected report stays plain text.
const style = process.stdout.isTTY && !process.env.NO_COLOR ? {} : { style: { head: [], border: [] } };
const fmt = (row, fig) => (!fig ? '' : fig.timedOut ? `> ${TIMEOUT_MS / 60_000} min` : row.ms ? `${fig.ms.toFixed(0)} ms` : `${fig.ratio.toFixed(2)}x`);
const results = { date: new Date().toISOString(), node: process.version, scales: SCALES, huge: HUGE ?? null, judgedAt: JUDGE };
try {
  // A. Start-up-sized commands on a 50-pod cluster.
  const envA = envFor('state-a');
  buildCluster(50, envA);
  const a = {
    'get pods -o wide': { ...ratio(compareWithNode(['get', 'pods', '-o', 'wide'], envA)), goal: 1.5 },
    'version --client': { ...ratio(compareWithNode(['version', '--client'], envA)), goal: 1.3 },
    'apply -f one new pod': { ...ratio(applyNew(envA, defaultRuns, 'a')), goal: 3 },
  };
  results.small = a;
  const tableA = new Table({ head: ['50 pods', 'node -e 0 (ms)', 'kubesim (ms)', 'ratio', 'goal', 'verdict'], ...style });
  for (const [label, x] of Object.entries(a)) tableA.push([label, x.node.toFixed(1), x.ms.toFixed(1), x.ratio.toFixed(2), `<= ${x.goal}`, x.ratio <= x.goal ? 'met' : 'not met']);
  process.stdout.write(`${tableA.toString()}\n\n`);

  // B. Every figure at every scale.
  const scales = SCALES.map((pods) => measureScale(pods));
  const huge = HUGE && measureScale(HUGE, ['get pod']);
  results.perScale = Object.fromEntries([...scales, ...(huge ? [huge] : [])].map((s) => [s.pods, s]));

  // C. Ratios by scale, growth exponents, verdicts.
  const cols = [...SCALES, ...(HUGE ? [HUGE] : [])];
  const judged = JUDGE === 10_000 ? 'verdict' : `verdict at ${JUDGE} (goals are for 10000)`;
  const table = new Table({ head: ['command', ...cols.map((n) => `${n} pods`), 'exponent', 'goal', judged], ...style });
  results.rows = {};
  for (const row of ROWS) {
    const points = [...scales, ...(huge ? [huge] : [])].filter((s) => s.figures[row.key]).map((s) => ({ pods: s.pods, ...s.figures[row.key] }));
    const exp = exponent(points.filter((p) => !p.timedOut));
    const at = scales.find((s) => s.pods === JUDGE).figures[row.key];
    const value = at.timedOut ? Infinity : row.ms ? at.ms : at.ratio;
    const shapeOk = exp === null || !row.growth || exp <= (row.growth === 'flat' ? FLAT : 1);
    const met = shapeOk && value <= row.max;
    const goal = row.ms ? `<= ${row.max / 1000} s` : `${row.growth === 'flat' ? `exp <= ${FLAT}` : 'exp <= 1'}, <= ${row.max}x`;
    results.rows[row.key] = { label: row.label, exponent: exp, goal, met };
    table.push([row.label, ...cols.map((n) => fmt(row, points.find((p) => p.pods === n))), exp === null ? '' : exp.toFixed(2), goal, met ? 'met' : 'not met']);
  }
  process.stdout.write(`${table.toString()}\n`);
  process.stdout.write('ratios to node -e 0 in the same run; exponent: slope of log(time - node) over log(pods)\n');

  // D. The 100,000-pod goal.
  if (huge) {
    const g = huge.figures['get pod'];
    results.hugeGetPod = { ratio: g.ratio, goal: 5, met: g.ratio <= 5 };
    process.stdout.write(`${HUGE} pods: get pod NAME ${g.ratio.toFixed(2)}x (goal <= 5x: ${g.ratio <= 5 ? 'met' : 'not met'}), built in ${huge.figures.build.ms.toFixed(0)} ms\n`);
  }

  // E. Raw figures for a closing note.
  if (JSON_FILE) writeFileSync(JSON_FILE, `${JSON.stringify(results, null, 2)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
