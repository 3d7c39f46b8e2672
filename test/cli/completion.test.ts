// `kubesim completion` and cobra's `__complete`: verbs, resource types, object names from the simulated
// cluster, namespaces for -n; and the bash script driving them in a real bash.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { BIN, tempCluster, type TempCluster } from '../support/cli.js';

describe('completion', () => {
  let c: TempCluster;
  before(() => {
    c = tempCluster();
    assert.equal(c.run(['create', 'deployment', 'web', '--image=nginx', '--replicas=2']).code, 0);
  });
  after(() => c.cleanup());

  const complete = (...words: string[]) => c.run(['__complete', ...words]);

  it('__complete answers as cobra does: candidates, then the directive', () => {
    const verbs = complete('ap');
    assert.equal(verbs.stdout, 'api-resources\tList the kinds the simulated API server serves\napi-versions\tPrint the API versions the simulated server serves, as "group/version"\napply\tCreate or update objects from files or stdin with the three-way merge kubectl uses\n:4\n');
    assert.equal(verbs.stderr, 'Completion ended with directive: ShellCompDirectiveNoFileComp\n');
    assert.equal(complete('get', 'deploy').stdout, 'deployments\n:4\n');
    const pods = c.run(['get', 'pods', '-l', 'app=web', '-o', 'name']).stdout.trim().split('\n').map((p) => p.slice(4));
    assert.equal(complete('get', 'pods', 'web').stdout, `${pods.join('\n')}\n:4\n`);
    assert.equal(complete('get', 'pods', pods[0], 'web').stdout, `${pods[1]}\n:4\n`);
    assert.equal(complete('logs', '').stdout, `${pods.join('\n')}\n:4\n`);
    assert.equal(complete('describe', 'deploy/').stdout, 'deploy/web\n:4\n');
    assert.equal(complete('get', '-n', 'kube-s').stdout, 'kube-system\n:4\n');
    assert.match(complete('get', 'pods', '-n', 'kube-system', 'core').stdout, /^coredns-\S+\ncoredns-\S+\n:4\n$/);
    assert.equal(complete('completion', '').stdout, 'bash\nzsh\nfish\n:4\n');
    assert.equal(complete('apply', '-f', '').stdout, ':0\n');
  });

  it('the bash script completes through kubesim in a real bash', { skip: spawnSync('bash', ['--version']).status !== 0 ? 'no bash' : false }, () => {
    const script = c.run(['completion', 'bash']).stdout;
    const r = spawnSync('bash', ['-c', `${script}\nCOMP_WORDS=("${BIN}" get deployments w); COMP_CWORD=3; _kubesim_complete; printf '%s\\n' "\${COMPREPLY[@]}"`], { env: c.env, encoding: 'utf8' });
    assert.equal(r.stdout, 'web\n');
  });

  it('kubectl\'s errors', () => {
    const hint = "\nSee 'kubectl completion -h' for help and examples\n";
    assert.deepEqual([c.run(['completion']).stderr, c.run(['completion']).code], [`error: Shell not specified.${hint}`, 1]);
    assert.equal(c.run(['completion', 'tcsh']).stderr, `error: Unsupported shell type "tcsh".${hint}`);
    assert.equal(c.run(['completion', 'bash', 'zsh']).stderr, `error: Too many arguments. Expected only the shell type.${hint}`);
  });
});
