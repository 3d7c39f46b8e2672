// Every verb's --help is kubectl's layout and truthful: each flag it lists under "Options:" is one kubesim
// accepts (no "unknown flag"), and no example in it uses a flag kubesim rejects.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tempCluster, type CliResult } from '../support/cli.js';

const VERBS = [
  ['apply'], ['create'], ['create', 'deployment'], ['create', 'service', 'clusterip'], ['create', 'service', 'nodeport'],
  ['create', 'service', 'loadbalancer'], ['create', 'service', 'externalname'], ['delete'], ['label'], ['annotate'],
  ['expose'], ['scale'], ['set', 'image'], ['rollout', 'status'], ['rollout', 'history'], ['rollout', 'undo'],
  ['rollout', 'restart'], ['rollout', 'pause'], ['rollout', 'resume'], ['set'], ['rollout'], ['describe'], ['port-forward'], ['version'],
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
  const t = tempCluster();
  try {
    const problems: string[] = [];
    for (const verb of VERBS) {
      const help = t.run([...verb, '--help']);
      assert.equal(help.code, 0, verb.join(' '));
      assert.match(help.stdout, /\nUsage:\n {2}kube(ctl|sim) /, `${verb.join(' ')} --help has kubectl's Usage section`);
      const listed = listedFlags(help.stdout);
      const runs = await Promise.all([
        ...listed.map(({ flag, boolean }) => t.runAsync([...verb, boolean ? flag : `${flag}=x`]).then((r) => [flag, r] as const)),
        ...exampleFlags(help.stdout).map((flag) => t.runAsync([...verb, flag]).then((r) => [flag, r] as const)),
      ]);
      for (const [flag, r] of runs) if (unknown(r)) problems.push(`${verb.join(' ')} ${flag}: ${r.stderr.split('\n')[0]}`);
    }
    assert.deepEqual(problems, []);
  } finally {
    t.cleanup();
  }
});
