// Every verb's --help is kubectl's layout and truthful: each flag it lists under "Options:" is one kubesim
// accepts (no "unknown flag"), and no example in it uses a flag kubesim rejects.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CliResult } from '../support/cli.js';
import { inProcessCluster } from '../support/inproc.js';

const VERBS = [
  ['apply'], ['create'], ['create', 'deployment'], ['create', 'service', 'clusterip'], ['create', 'service', 'nodeport'],
  ['create', 'service', 'loadbalancer'], ['create', 'service', 'externalname'], ['delete'], ['label'], ['annotate'],
  ['expose'], ['scale'], ['set', 'image'], ['rollout', 'status'], ['rollout', 'history'], ['rollout', 'undo'],
  ['rollout', 'restart'], ['rollout', 'pause'], ['rollout', 'resume'], ['set'], ['rollout'], ['describe'], ['port-forward'], ['version'],
  ['patch'], ['replace'], ['diff'], ['create', 'namespace'], ['graph'],
];

/** `    -f, --filename=[]:` / `    --all=false:` entries of the Options section. */
function listedFlags(help: string): { flag: string; boolean: boolean }[] {
  const options = help.split('\nOptions:\n')[1]?.split('\nUsage:\n')[0] ?? '';
  return [...options.matchAll(/^ {4}(?:-\w, )?(--[\w-]+)=(.*):$/gm)].map((m) => ({ flag: m[1], boolean: m[2] === 'false' || m[2] === 'true' }));
}

/** Flags used by the example command lines. */
function exampleFlags(help: string): string[] {
  const examples = help.split('\nExamples:\n')[1]?.split(/\n(?:Options|Usage|Available Commands):\n/)[0] ?? '';
  const lines = examples.split('\n').filter((l) => /^ {2}(kubectl|kubesim) /.test(l));
  return [...new Set(lines.flatMap((l) => [...l.matchAll(/ (--?[a-zA-Z][\w-]*)/g)].map((m) => m[1])))];
}

const unknown = (r: CliResult) => /unknown (shorthand )?flag/.test(r.stderr);

test('help lists only flags kubesim accepts, and its examples use only those', async () => {
  const t = inProcessCluster();
  try {
    const problems: string[] = [];
    for (const verb of VERBS) {
      const help = await t.run([...verb, '--help']);
      assert.equal(help.code, 0, verb.join(' '));
      assert.match(help.stdout, /\nUsage:\n {2}kube(ctl|sim) /, `${verb.join(' ')} --help has kubectl's Usage section`);
      const listed = listedFlags(help.stdout);
      // All listed flags in one run (cobra stops at the first unknown one); example flags not listed, one each.
      const names = listed.map((l) => l.flag);
      const runs: (readonly [string, CliResult])[] = [[names.join(' '), await t.run([...verb, ...listed.map(({ flag, boolean }) => (boolean ? flag : `${flag}=x`))])]];
      for (const flag of exampleFlags(help.stdout).filter((f) => !names.includes(f) && !listed.some((l) => help.stdout.includes(`    ${f}, ${l.flag}=`)))) {
        runs.push([flag, await t.run([...verb, flag])]);
      }
      for (const [flag, r] of runs) if (unknown(r)) problems.push(`${verb.join(' ')} ${flag}: ${r.stderr.split('\n')[0]}`);
    }
    assert.deepEqual(problems, []);
  } finally {
    t.cleanup();
  }
});

test('root help lists every verb kubesim has (kubectl\'s groups), and each listed verb has its own help', async () => {
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { ROOT } = await import('../support/cli.js');
  const main = readFileSync(join(ROOT, 'src', 'cli', 'dispatch.ts'), 'utf8');
  const verbs = [...main.slice(main.indexOf('const VERBS'), main.indexOf(']);', main.indexOf('const VERBS'))).matchAll(/^ {2}\['([\w-]+)', \(\) =>/gm)].map((m) => m[1]);
  assert.ok(verbs.length > 15, 'found the verb table');
  const t = inProcessCluster();
  try {
    const root = (await t.run(['--help'])).stdout;
    const listed = [...root.matchAll(/^ {2}([\w-]+) {2,}\S/gm)].map((m) => m[1]);
    for (const v of verbs) assert.ok(listed.includes(v), `${v} in root help`);
    for (const v of listed) assert.equal((await t.run([v, '--help'])).code, 0, `${v} --help`);
  } finally {
    t.cleanup();
  }
});
