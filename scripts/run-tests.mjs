// `npm test`'s runner: every build/test/**/*.test.js, three files at a time, the slowest first. node --test starts
// files in the order given and a new one whenever one ends, so a two-minute file started last would run alone
// at the end; started first, it overlaps everything else. The list is measured (durations of a full run), not
// a correctness matter: a file missing from it just runs in name order after these.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(import.meta.dirname, '..', 'build', 'test');
const SLOW_FIRST = [
  'fidelity/kubectl-parity.test.js',
  'cluster/equivalence.test.js',
  'store/concurrency.test.js',
  'server/serve.test.js',
  'server/lesson-kubectl.test.js',
  'server/client-node.test.js',
  'server/openapi.test.js',
  'printers/describe-kubectl.test.js',
  'cli/node-ops-kubectl.test.js',
  'cli/go-template-kubectl.test.js',
  'store/lock.test.js',
  'cli/rollout.test.js',
  'cli/expose-kubectl.test.js',
  'cli/apply-kubectl.test.js',
  'cli/describe.test.js',
  'cli/kustomize.test.js',
  'faults/corpus.test.js',
  'cli/run-kubectl.test.js',
  'cli/get-kubectl.test.js',
  'cli/expose.test.js',
  'cli/port-forward.test.js',
  'cli/config-set-kubectl.test.js',
  'cli/explain-kubectl.test.js',
  'net/properties.test.js',
];

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.test.js') ? [join(dir, e.name)] : []));
}

const all = walk(ROOT).map((f) => relative(ROOT, f)).sort();
const first = SLOW_FIRST.filter((f) => all.includes(f));
const files = [...first, ...all.filter((f) => !first.includes(f))].map((f) => join(ROOT, f));
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=3', ...process.argv.slice(2), ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
