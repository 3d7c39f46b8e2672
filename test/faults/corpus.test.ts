// The fault corpus (cases.ts) run against one cluster, in-process: every bad input must end with a non-zero
// exit, a kubectl-shaped message on stderr, no JavaScript text anywhere, and the state file byte for byte as
// it was.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';
import fc from 'fast-check';
import { FAULT_CASES, FIELDS, withValue, yaml, type FaultCase, type Json } from './cases.js';

/** How kubectl's messages begin (its own, cobra's, the API server's, and the shell's inside exec). */
const KUBECTL_SHAPED = [
  /^error: /,
  /^Error: /,
  /^Error from server/,
  /^the server doesn't have a resource type "/,
  /^The \S+ "[^"]*" is invalid/,
  /^The request is invalid: /,
  /^unable to decode /,
  /^error when /,
  /^error parsing /,
  /^error validating /,
  /^resource mapping not found /,
  /^the namespace from the provided object /,
  /^Warning: /,
  // kubectl events --for prints the RESTMapper's error as is
  /^the server doesn't have a resource type /,
  /^Defaulted container /,
  // kubectl edit keeps the user's changes before it says why it gave up.
  /^A copy of your changes has been stored to "[^"]+"\nerror: /,
  /^[\w.-]+: .*\ncommand terminated with exit code \d+\n$/s,
  // A tool inside the container speaks in its own words (BusyBox's usage text, iptables' and conntrack's
  // version prefixes); kubectl exec passes them through and adds the exit line.
  /\ncommand terminated with exit code [1-9]\d*\n$/,
  /^command terminated with exit code \d+\n$/,
  // clientcmd's wording for a kubeconfig that names no usable context or server.
  /^Error in configuration: /,
  /^The connection to the server localhost:8080 was refused - did you specify the right host or port\?\n$/,
  // kubesim curl is curl in the simulated network: a bad curl option is curl's own error.
  /^curl: option .*\ncurl: try 'curl --help'/,
  // kubectl kustomize reports through klog: E<mmdd> <time> <pid> run.go:72] "command failed" err="...".
  /^E\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ run\.go:72\] "command failed" err="/,
];

/** What must never reach a user. */
const JAVASCRIPT = [
  /internal error in kubesim/,
  /\b(TypeError|ReferenceError|RangeError|SyntaxError|EvalError)\b/,
  /\bundefined\b/,
  /\bNaN\b/,
  /\bInfinity\b/,
  /\[object Object\]/,
  /\[native code\]/,
  /function \w*\(/,
  /^\s+at .+[(:]\d+/m,
  /Maximum call stack/,
  /\bE[A-Z]{3,}: /,
];

const POD = (name: string, image: string, extra = '') => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  labels:\n    app: ${name}\nspec:\n  containers:\n  - name: app\n    image: ${image}\n${extra}`;
const SETUP = [
  POD('p1', 'nginx'),
  POD('bb', 'busybox', '    command: [sleep, infinity]\n'),
  POD('shoot', 'nicolaka/netshoot', '    command: [sleep, infinity]\n'),
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: d}\n  template:\n    metadata:\n      labels: {app: d}\n    spec:\n      containers:\n      - name: app\n        image: nginx\n',
  'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  selector: {app: d}\n  ports:\n  - port: 80\n',
  'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  key: value\n',
].join('---\n');

let c: InProcessCluster;
let special: Record<string, string>;
const internal: string[] = [];
const todoInternal: string[] = [];
let tried = 0;

before(async () => {
  c = inProcessCluster();
  assert.equal((await c.run(['cluster', 'create'])).code, 0);
  const r = await c.run(['apply', '-f', '-'], { input: SETUP });
  assert.equal(r.code, 0, r.stderr);
  const dir = join(c.dir, 'special');
  mkdirSync(join(dir, 'empty-dir'), { recursive: true });
  spawnSync('mkfifo', [join(dir, 'fifo')]);
  writeFileSync(join(dir, 'unreadable'), 'a: [\n', { mode: 0o000 });
  special = { '@fifo': join(dir, 'fifo'), '@dir': join(dir, 'empty-dir'), '@unreadable': join(dir, 'unreadable') };
});
after(() => c.cleanup());

let caseNo = 0;

async function runCase(k: FaultCase): Promise<void> {
  const dir = join(c.dir, `case-${++caseNo}`);
  mkdirSync(dir);
  const paths: Record<string, string> = { ...special };
  for (const [name, text] of Object.entries(k.files ?? {})) {
    writeFileSync(join(dir, name), text);
    paths[`@${name}`] = join(dir, name);
  }
  // '@name' anywhere in an argument (-o jsonpath-file=@dir) names a file the case has.
  const subst = (s: string) => s.replace(/@[\w.-]+/g, (m) => (Object.hasOwn(paths, m) ? paths[m] : m));
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(k.env ?? {})) env[name] = subst(value);
  const statePath = k.fresh ? join(dir, 'fresh-state.json') : c.state;
  env.KUBESIM_STATE = statePath;
  const before = existsSync(statePath) ? readFileSync(statePath) : undefined;
  const r = await c.run(k.args.map(subst), { input: k.input, env });
  tried++;
  const after = existsSync(statePath) ? readFileSync(statePath) : undefined;
  const seen = `${r.stderr}\n${r.stdout}`;
  if (/internal error in kubesim/.test(seen)) (k.todo ? todoInternal : internal).push(`${k.name}: ${r.stderr.trim().split('\n')[0]}`);
  const what = `kubesim ${k.args.join(' ').slice(0, 200)}\nstderr: ${r.stderr.slice(0, 600)}\nstdout: ${r.stdout.slice(0, 200)}`;
  assert.notEqual(r.code, 0, `exit 0 for a bad input\n${what}`);
  assert.ok(KUBECTL_SHAPED.some((re) => re.test(r.stderr)), `stderr is not kubectl-shaped\n${what}`);
  for (const re of JAVASCRIPT) assert.doesNotMatch(seen, re, `JavaScript text reached the user\n${what}`);
  assert.ok(before === undefined ? after === undefined : after !== undefined && before.equals(after), `the state file changed\n${what}`);
}

for (const k of FAULT_CASES) {
  test(k.name, { todo: k.todo }, () => runCase(k));
}

test('fault corpus summary', (t) => {
  assert.ok(FAULT_CASES.length >= 250, `at least 250 bad inputs (${FAULT_CASES.length})`);
  assert.equal(new Set(FAULT_CASES.map((k) => k.name)).size, FAULT_CASES.length, 'case names are unique');
  t.diagnostic(`fault corpus: ${tried} bad inputs tried, ${internal.length} internal errors`);
  const todo = FAULT_CASES.filter((k) => k.todo);
  if (todo.length) t.diagnostic(`fault corpus: ${todo.length} cases marked todo (${todoInternal.length} of them still internal errors): ${todo.map((k) => k.name).join('; ')}`);
  assert.deepEqual(internal, []);
});

// Random documents (fast-check): a valid manifest with one field set to an arbitrary value, applied. Accepted or
// refused, a document never causes an internal error or JavaScript text; refused, it leaves the state as it was.
test('random documents: 300 manifests with an arbitrary value at a known field are accepted or refused cleanly', async (t) => {
  const value: fc.Arbitrary<Json> = fc.letrec<{ v: Json }>((tie) => ({
    v: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constant(null),
      fc.boolean(),
      fc.integer(),
      fc.double({ noNaN: true }),
      fc.string({ maxLength: 12 }),
      fc.constantFrom('', '__proto__', 'constructor', '80', '-1', '1e400', 'nginx', 'a/b', 'Always'),
      fc.array(tie('v'), { maxLength: 3 }),
      fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'name', 'port')), tie('v'), { maxKeys: 3 }),
    ),
  })).v;
  let accepted = 0;
  let refused = 0;
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...FIELDS), value, async ([base, path], v) => {
      const doc = withValue(base, path, v);
      const before = readFileSync(c.state);
      const r = await c.run(['apply', '-f', '-'], { input: yaml(doc) });
      const what = `${path} = ${JSON.stringify(v)}\nexit ${r.code}\nstderr: ${r.stderr.slice(0, 400)}`;
      assert.doesNotMatch(r.stderr, /internal error in kubesim/, what);
      for (const re of JAVASCRIPT) assert.doesNotMatch(`${r.stderr}\n${r.stdout}`, re, what);
      if (r.code === 0) {
        accepted++;
        return;
      }
      refused++;
      assert.ok(KUBECTL_SHAPED.some((re) => re.test(r.stderr)), `stderr is not kubectl-shaped\n${what}`);
      assert.ok(before.equals(readFileSync(c.state)), `the state file changed\n${what}`);
    }),
    { numRuns: 300, seed: 20261205 },
  );
  t.diagnostic(`random documents: ${accepted + refused} applied, ${accepted} accepted, ${refused} refused`);
  assert.ok(refused > 0 && accepted > 0, `both outcomes seen (${accepted} accepted, ${refused} refused)`);
});
