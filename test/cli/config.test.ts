// `kubesim config ...`, named clusters and --context: compared with the real kubectl's config subcommands, which
// work offline on the same kubeconfig file, and the acceptance story (two clusters, a context's namespace).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { CliResult } from '../support/cli.js';
import { inProcessCluster } from '../support/inproc.js';
import { skipWithoutKubectl } from '../support/stub-apiserver.js';

const c = inProcessCluster();
after(() => c.cleanup());
const own = join(c.dir, 'kubeconfig');

function kubectl(args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const r = spawnSync('kubectl', args, { env: { PATH: process.env.PATH, HOME: c.dir, ...env }, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The same words through kubesim and kubectl on one kubeconfig file: the same bytes and exit code. */
async function same(args: string[], file: string, opts: { sortLines?: boolean } = {}): Promise<CliResult> {
  const ours = await c.run(args, { env: { KUBECONFIG: file } });
  const theirs = kubectl(args, { KUBECONFIG: file });
  const norm = (s: string) => (opts.sortLines ? s.split('\n').sort().join('\n') : s);
  assert.deepEqual({ code: ours.code, stdout: norm(ours.stdout), stderr: ours.stderr }, { code: theirs.code, stdout: norm(theirs.stdout), stderr: theirs.stderr }, `kubesim ${args.join(' ')}`);
  return ours;
}

test('a fresh machine: no kubeconfig at all, the default cluster behind the context kind-kind', async () => {
  const r = await c.run(['config', 'current-context']);
  assert.deepEqual(r, { code: 0, stdout: 'kind-kind\n', stderr: '' });
  assert.equal((await c.run(['get', 'ns', 'default', '-o', 'name'])).stdout, 'namespace/default\n');
  // Nothing was written for it: the state alone.
  assert.equal(existsSync(own), false);
  assert.equal(existsSync(c.state), true);
});

test('cluster create --name a|b: each its own state; use-context switches between them', async () => {
  const a = await c.run(['cluster', 'create', '--name', 'a']);
  assert.equal(a.code, 0, a.stderr);
  assert.match(a.stdout, /^Cluster "a" created .*\nState file: .*\/clusters\/a\/state\.json\nSet kubectl context to "kind-a"\n$/);
  assert.equal((await c.run(['cluster', 'create', '--name', 'b'])).code, 0);
  assert.equal((await c.run(['config', 'current-context'])).stdout, 'kind-b\n');
  assert.equal((await c.run(['create', 'deployment', 'only-in-b', '--image=nginx'])).code, 0);
  assert.equal((await c.run(['config', 'use-context', 'kind-a'])).stdout, 'Switched to context "kind-a".\n');
  const inA = await c.run(['get', 'deploy']);
  assert.deepEqual(inA, { code: 0, stdout: '', stderr: 'No resources found in default namespace.\n' });
  assert.equal((await c.run(['get', 'nodes', '-o', 'name'])).stdout.split('\n')[0], 'node/a-control-plane');
  // --context picks another cluster for one command.
  assert.equal((await c.run(['get', 'deploy', '-o', 'name', '--context', 'kind-b'])).stdout, 'deployment.apps/only-in-b\n');
  assert.equal((await c.run(['get', 'deploy', '--context=kind-kind'])).stderr, 'No resources found in default namespace.\n');
  // The default cluster still lives where KUBESIM_STATE says.
  assert.equal((await c.run(['--context', 'kind-kind', 'get', 'nodes', '-o', 'name'])).stdout.split('\n')[0], 'node/kind-control-plane');
});

test("set-context --current --namespace=dev: every verb's default namespace, -n still overrides", async () => {
  assert.equal((await c.run(['create', 'namespace', 'dev'])).code, 0);
  assert.equal((await c.run(['run', 'devpod', '--image=nginx', '-n', 'dev'])).code, 0);
  assert.equal((await c.run(['run', 'defpod', '--image=nginx'])).code, 0);
  assert.deepEqual(await c.run(['config', 'set-context', '--current', '--namespace=dev']), { code: 0, stdout: 'Context "kind-a" modified.\n', stderr: '' });
  assert.equal((await c.run(['get', 'pods', '-o', 'name'])).stdout, 'pod/devpod\n');
  assert.equal((await c.run(['get', 'pods', '-o', 'name', '-n', 'default'])).stdout, 'pod/defpod\n');
  assert.equal((await c.run(['run', 'second', '--image=nginx'])).stdout, 'pod/second created\n');
  assert.equal((await c.run(['get', 'pod', 'second', '-o', 'jsonpath={.metadata.namespace}'])).stdout, 'dev');
  assert.equal((await c.run(['delete', 'pod', 'second', '--wait=false'])).stdout, 'pod "second" deleted\n');
});

test('the kubeconfig kubesim wrote reads the same through kubectl', { skip: skipWithoutKubectl() }, async () => {
  for (const args of [
    ['config', 'view'],
    ['config', 'view', '--raw'],
    ['config', 'view', '-o', 'json'],
    ['config', 'view', '--minify'],
    ['config', 'view', '--minify', '--context', 'kind-b', '-o', 'json'],
    ['config', 'view', '--minify', '--context', 'nope'],
    ['config', 'view', '-o', 'jsonpath={.contexts[*].name}'],
    ['config', 'view', '-o', 'name'],
    ['config', 'view', '-o', 'bogus'],
    ['config', 'get-contexts'],
    ['config', 'get-contexts', '-o', 'name'],
    ['config', 'get-contexts', 'kind-a', '--no-headers'],
    ['config', 'get-contexts', 'kind-b', 'nope'],
    ['config', 'get-contexts', '-o', 'wide'],
    ['config', 'get-users'],
    ['config', 'current-context'],
  ]) await same(args, own);
  // kubectl lists clusters in Go's map order, which changes from run to run: compare them as a set.
  await same(['config', 'get-clusters'], own, { sortLines: true });
});

test('an unknown context: kubectl error for every verb, exit 1, as the real kubectl prints it', { skip: skipWithoutKubectl() }, async () => {
  for (const args of [
    ['get', 'pods', '--context', 'nope'],
    ['get', 'pods', '--context', 'nope', '-n', 'x'],
    ['describe', 'pods', '--context=nope'],
    ['delete', 'pod', 'x', '--context', 'nope'],
    ['apply', '-f', '-', '--context', 'nope'],
    ['create', 'deployment', 'x', '--image=nginx', '--dry-run=client', '--context', 'nope'],
    ['run', 'x', '--image=nginx', '--context', 'nope'],
    ['scale', 'deploy', 'x', '--replicas=1', '--context', 'nope'],
    ['get', 'pods', '--cluster', 'nope'],
    ['get', 'pods', '--user', 'nope'],
  ]) {
    const r = await same(args, own);
    assert.equal(r.code, 1);
  }
  const r = await c.run(['get', 'pods', '--context', 'nope']);
  assert.equal(r.stderr, 'Error in configuration: context was not found for specified context: nope\n');
});

test('changes to the kubeconfig leave the same file as kubectl leaves', { skip: skipWithoutKubectl() }, async () => {
  const ours = join(c.dir, 'ours.yaml');
  const theirs = join(c.dir, 'theirs.yaml');
  copyFileSync(own, ours);
  copyFileSync(own, theirs);
  const steps = [
    ['config', 'set-context', 'kind-b', '--namespace=web'],
    ['config', 'set-context', 'extra', '--cluster=kind-a', '--user=kind-a'],
    ['config', 'set-context', '--current', '--namespace='],
    ['config', 'set-context', 'x', 'y'],
    ['config', 'set-context'],
    ['config', 'use-context', 'extra'],
    ['config', 'use', 'nope'],
    ['config', 'rename-context', 'extra', 'renamed'],
    ['config', 'rename-context', 'nope', 'zz'],
    ['config', 'rename-context', 'renamed', 'kind-a'],
    ['config', 'current-context'],
    ['config', 'delete-context', 'renamed'],
    ['config', 'delete-context', 'nope'],
    ['config', 'delete-cluster', 'kind-b'],
    ['config', 'delete-user', 'nope'],
    ['config', 'get-contexts'],
  ];
  for (const args of steps) {
    const a = await c.run(['--kubeconfig', ours, ...args]);
    const b = kubectl(['--kubeconfig', theirs, ...args]);
    const fix = (s: string, f: string) => s.split(f).join('FILE');
    // Help texts are kubesim's own words: only the error and the exit code are compared then.
    if (b.stderr.includes('Unexpected args')) {
      assert.deepEqual({ code: a.code, stderr: a.stderr }, { code: b.code, stderr: b.stderr });
      continue;
    }
    assert.deepEqual(
      { code: a.code, stdout: fix(a.stdout, ours), stderr: fix(a.stderr, ours) },
      { code: b.code, stdout: fix(b.stdout, theirs), stderr: fix(b.stderr, theirs) },
      args.join(' '),
    );
    assert.equal(readFileSync(ours, 'utf8'), readFileSync(theirs, 'utf8'), `file after ${args.join(' ')}`);
  }
  // The current context was deleted: every verb now says so, as kubectl does.
  await same(['get', 'pods'], ours);
});

const FULL = `apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster: {server: "https://10.0.0.1:6443", certificate-authority-data: aGVsbG8=}
- name: kind-lab
  cluster: {server: "https://lab-control-plane:6443", insecure-skip-tls-verify: true}
contexts:
- name: prod
  context: {cluster: prod, user: admin, namespace: payments}
- name: lab
  context: {cluster: kind-lab, user: admin}
- name: broken
  context: {cluster: gone, user: admin}
users:
- name: admin
  user: {client-certificate-data: aGVsbG8=, client-key-data: aGVsbG8=, token: s3cret, username: u, password: p}
current-context: lab
`;

test('a hand-written kubeconfig: merged from $KUBECONFIG, redacted, minified, flattened as kubectl does', { skip: skipWithoutKubectl() }, async () => {
  const one = join(c.dir, 'full.yaml');
  const two = join(c.dir, 'second.yaml');
  writeFileSync(one, FULL);
  writeFileSync(two, 'apiVersion: v1\nkind: Config\ncontexts:\n- name: lab\n  context: {cluster: ignored, user: x}\n- name: other\n  context: {cluster: prod, user: admin}\ncurrent-context: other\n');
  const both = `${one}:${two}`;
  for (const args of [
    ['config', 'view'],
    ['config', 'view', '--raw'],
    ['config', 'view', '--flatten'],
    ['config', 'view', '--minify', '-o', 'json'],
    ['config', 'get-contexts'],
    ['config', 'current-context'],
    ['get', 'pods', '--context', 'nope'],
  ]) await same(args, both);
  // The context named by the first file wins; a context without a known cluster has no server.
  const lab = await c.run(['get', 'nodes', '-o', 'name'], { env: { KUBECONFIG: both } });
  assert.equal(lab.stdout.split('\n')[0], 'node/lab-control-plane');
  const broken = await c.run(['get', 'pods', '--context', 'broken'], { env: { KUBECONFIG: both } });
  assert.deepEqual(broken, { code: 1, stdout: '', stderr: 'The connection to the server localhost:8080 was refused - did you specify the right host or port?\n' });
  // prod's namespace is the default one for its context.
  assert.equal((await c.run(['create', 'namespace', 'payments', '--context', 'prod'], { env: { KUBECONFIG: both } })).code, 0);
  assert.equal((await c.run(['run', 'p', '--image=nginx', '--context', 'prod'], { env: { KUBECONFIG: both } })).stdout, 'pod/p created\n');
  assert.equal((await c.run(['get', 'pods', '-n', 'payments', '-o', 'name', '--context', 'prod'], { env: { KUBECONFIG: both } })).stdout, 'pod/p\n');
});

test('a malformed kubeconfig: kubectl error, exit 1, for config and other verbs alike', { skip: skipWithoutKubectl() }, async () => {
  const bad = join(c.dir, 'bad.yaml');
  for (const text of ['this: is: not: yaml\n', 'apiVersion: v1\nkind: Config\nclusters: 5\n', 'kind: Pod\n', 'contexts:\n- name: a\n  context: {namespace: {}}\n', '[1, 2]\n']) {
    writeFileSync(bad, text);
    for (const args of [['config', 'view'], ['get', 'pods']]) {
      const r = await same(args, bad);
      assert.equal(r.code, 1, text);
      assert.match(r.stderr, /^error: error loading config file ".*bad\.yaml": /);
    }
  }
});

test("the user's ~/.kube/config is changed only when --kubeconfig names it", async () => {
  const home = join(c.dir, 'home');
  mkdirSync(join(home, '.kube'), { recursive: true });
  const real = join(home, '.kube', 'config');
  writeFileSync(real, FULL);
  const before = statSync(real).mtimeMs;
  const env = { HOME: home, KUBECONFIG: real };
  const r = await c.run(['config', 'use-context', 'prod'], { env });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error: kubesim leaves ".*\/home\/\.kube\/config" unchanged unless --kubeconfig names it/);
  assert.equal((await c.run(['cluster', 'create', '--name', 'z'], { env })).code, 1);
  assert.equal(readFileSync(real, 'utf8'), FULL);
  assert.equal(statSync(real).mtimeMs, before);
  const ok = await c.run(['config', 'use-context', 'prod', '--kubeconfig', real], { env: { HOME: home } });
  assert.deepEqual(ok, { code: 0, stdout: 'Switched to context "prod".\n', stderr: '' });
  // Without $KUBECONFIG kubesim reads its own file, never ~/.kube/config.
  assert.equal((await c.run(['config', 'current-context'], { env: { HOME: home } })).stdout, 'kind-a\n');
});

test('cluster delete --name removes the state and the kubeconfig entries; the default cluster comes back', async () => {
  const r = await c.run(['cluster', 'delete', '--name', 'b']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(existsSync(join(c.dir, 'clusters', 'b', 'state.json')), false);
  assert.equal((await c.run(['config', 'get-contexts', '-o', 'name'])).stdout, 'kind-a\nkind-kind\n');
  await c.run(['config', 'use-context', 'kind-a']);
  assert.equal((await c.run(['cluster', 'delete', '--name', 'a'])).code, 0);
  const cur = await c.run(['config', 'current-context']);
  assert.deepEqual(cur, { code: 1, stdout: '', stderr: 'error: current-context is not set\n' });
  // No current context: kubesim's default cluster.
  assert.equal((await c.run(['get', 'nodes', '-o', 'name'])).stdout.split('\n')[0], 'node/kind-control-plane');
});

test('alias-dir: a kubectl on PATH that runs kubesim, for scripts', async () => {
  const dir = join(c.dir, 'bin');
  const r = await c.run(['alias-dir', '--dir', dir]);
  assert.deepEqual(r, { code: 0, stdout: `${dir}\n`, stderr: '' });
  const sh = spawnSync('sh', ['-c', 'kubectl config get-contexts -o name; kubectl get ns default -o name'], { env: { ...c.env, PATH: `${dir}:${process.env.PATH}` }, encoding: 'utf8' });
  assert.equal(sh.stdout, 'kind-kind\nnamespace/default\n', sh.stderr);
});
