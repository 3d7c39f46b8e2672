// `kubesim kustomize DIR` next to `kubectl kustomize DIR` on the fixtures of test/fixtures/kustomize: the same
// YAML byte for byte, the same deprecation notes, the same failure texts. The expected files were written by
// the real kubectl 1.32 (kustomize v5.5.0); where kubectl is installed the tests also ask it again. Then the
// -k edge: apply -k on manifests/kustomize/overlays/dev runs the app, a changed literal rolls the Deployment.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ROOT, savedState } from '../support/cli.js';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';
import { skipWithoutKubectl } from '../support/stub-apiserver.js';

const FIX = join(ROOT, 'test/fixtures/kustomize');
const CASES = ['basic', 'rbac-namespace', 'overlay/overlays/dev', 'overlay/overlays/prod', 'generators', 'patches', 'workloads'];
const ERRORS = [
  'bad-dir-resource', 'bad-literal', 'bad-yaml', 'cycle', 'duplicate', 'json-missing-path', 'merge-missing', 'missing-file',
  'missing-resource', 'no-kind', 'no-kustomization', 'no-name', 'outside-root', 'patch-no-match', 'unknown-field',
];

const c = inProcessCluster();
after(() => c.cleanup());

/** The part of kubectl's klog failure line that does not change between runs (time, pid and Go pointers do). */
function failureText(stderr: string): string {
  return stderr.replace(/^E\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ run\.go:72\] /, '').replace(/0xc[0-9a-f]+/g, '0xPTR').replaceAll(FIX, 'FIXTURES').trimEnd();
}

for (const dir of CASES) {
  const name = dir.replaceAll('/', '-');
  test(`kustomize ${dir}: the YAML and notes kubectl kustomize printed`, async () => {
    const r = await c.run(['kustomize', join(FIX, dir)]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, readFileSync(join(FIX, 'expected', `${name}.yaml`), 'utf8'));
    assert.equal(r.stderr, readFileSync(join(FIX, 'expected', `${name}.stderr`), 'utf8'));
  });
  test(`kustomize ${dir}: equal to the installed kubectl kustomize`, { skip: skipWithoutKubectl() }, async () => {
    const mine = await c.run(['kustomize', join(FIX, dir)]);
    const real = spawnSync('kubectl', ['kustomize', join(FIX, dir)], { encoding: 'utf8' });
    assert.equal(mine.stdout, real.stdout);
    assert.equal(mine.stderr, real.stderr);
  });
}

for (const e of ERRORS) {
  test(`kustomize errors/${e}: kubectl's failure line, exit 1`, async () => {
    const r = await c.run(['kustomize', join(FIX, 'errors', e)]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^E1122 01:30:00\.000000 +\d+ run\.go:72\] "command failed" err="/);
    const expected = readFileSync(join(FIX, 'expected', `error-${e}.txt`), 'utf8').replace(/0xc[0-9a-f]+/g, '0xPTR').trimEnd();
    assert.equal(failureText(r.stderr), expected);
  });
}

test('kustomize with two directories, and with none (the current directory)', async () => {
  const two = await c.run(['kustomize', 'a', 'b']);
  assert.equal(two.code, 1);
  assert.equal(failureText(two.stderr), '"command failed" err="specify one path to kustomization.yaml"');
  const here = spawnSync(process.execPath, [join(ROOT, 'bin/kubesim'), 'kustomize'], { cwd: join(FIX, 'workloads'), env: c.env, encoding: 'utf8' });
  assert.equal(here.status, 0, here.stderr);
  assert.equal(here.stdout, readFileSync(join(FIX, 'expected', 'workloads.yaml'), 'utf8'));
});

test('kustomize -o FILE writes the YAML there; --load-restrictor LoadRestrictionsNone reads outside the root', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubesim-kz-'));
  try {
    const out = join(dir, 'out.yaml');
    assert.equal((await c.run(['kustomize', join(FIX, 'basic'), '-o', out])).code, 0);
    assert.equal(readFileSync(out, 'utf8'), readFileSync(join(FIX, 'expected', 'basic.yaml'), 'utf8'));
    const r = await c.run(['kustomize', join(FIX, 'errors/outside-root'), '--load-restrictor', 'LoadRestrictionsNone']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n$/);
    const bad = await c.run(['kustomize', '.', '--load-restrictor', 'Sometimes']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /illegal flag value --load-restrictor Sometimes/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('apply -k overlays/dev: the generated ConfigMap, the Deployment pointing at its hashed name, pods running; again: unchanged; delete -k', async () => {
  const k = inProcessCluster();
  try {
    const dev = join(ROOT, 'manifests/kustomize/overlays/dev');
    const r = await k.run(['apply', '-k', dev]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'namespace/dev created\nconfigmap/dev-web-config-mkhkf4gd59 created\nservice/dev-web created\ndeployment.apps/dev-web created\n');
    const s = savedState(k.state);
    const deploy = Object.values(s.objects.deployments).find((d) => d.metadata.name === 'dev-web');
    assert.equal(deploy.spec.replicas, 2);
    assert.equal(deploy.spec.template.spec.containers[0].envFrom[0].configMapRef.name, 'dev-web-config-mkhkf4gd59');
    assert.equal(deploy.spec.template.spec.containers[0].image, 'nginx:1.27');
    assert.deepEqual(deploy.spec.selector.matchLabels, { app: 'web', env: 'dev' });
    const pods = await k.run(['get', 'pods', '-n', 'dev', '-l', 'env=dev', '-o', 'name']);
    assert.equal(pods.stdout.trim().split('\n').length, 2);
    const again = await k.run(['apply', '-k', dev]);
    assert.equal(again.stdout, 'namespace/dev unchanged\nconfigmap/dev-web-config-mkhkf4gd59 unchanged\nservice/dev-web unchanged\ndeployment.apps/dev-web unchanged\n');
    assert.equal((await k.run(['diff', '-k', dev])).code, 0);
    const got = await k.run(['get', '-k', dev, '-o', 'name']);
    assert.equal(got.stdout, 'namespace/dev\nconfigmap/dev-web-config-mkhkf4gd59\nservice/dev-web\ndeployment.apps/dev-web\n');
    // The Namespace goes first and takes its contents: kubectl's later requests still find them (the namespace
    // controller empties a namespace after them), so each is reported deleted, exit 0; a second time, all NotFound.
    const gone = await k.run(['delete', '-k', dev]);
    assert.deepEqual([gone.code, gone.stdout, gone.stderr], [0, 'namespace "dev" deleted\nconfigmap "dev-web-config-mkhkf4gd59" deleted\nservice "dev-web" deleted\ndeployment.apps "dev-web" deleted\n', '']);
    assert.equal((await k.run(['get', 'all', '-n', 'dev'])).stderr, 'No resources found in dev namespace.\n');
    const twice = await k.run(['delete', '-k', dev]);
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, /^Error from server \(NotFound\): error when deleting ".*overlays\/dev": namespaces "dev" not found\n.*configmaps "dev-web-config-mkhkf4gd59" not found\n/s);
  } finally {
    k.cleanup();
  }
});

test('apply -k after a literal changes: a new ConfigMap name, and the Deployment rolls to it', async () => {
  const k = inProcessCluster();
  const dir = mkdtempSync(join(tmpdir(), 'kubesim-kz-'));
  try {
    cpSync(join(ROOT, 'manifests/kustomize'), dir, { recursive: true });
    const dev = join(dir, 'overlays/dev');
    assert.equal((await k.run(['apply', '-k', dev])).code, 0);
    const file = join(dev, 'kustomization.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('LOG_LEVEL=debug', 'LOG_LEVEL=info'));
    const diff = await k.run(['diff', '-k', dev]);
    assert.equal(diff.code, 1);
    const r = await k.run(['apply', '-k', dev]);
    assert.equal(r.code, 0, r.stderr);
    const real = spawnSync('kubectl', ['kustomize', dev], { encoding: 'utf8' });
    const cm = /configmap\/(dev-web-config-\S+) created/.exec(r.stdout)?.[1];
    assert.ok(cm, r.stdout);
    assert.notEqual(cm, 'dev-web-config-mkhkf4gd59');
    if (!real.error) assert.match(real.stdout, new RegExp(`name: ${cm}\n`));
    assert.match(r.stdout, /deployment\.apps\/dev-web configured\n/);
  } finally {
    k.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('-k mistakes: with -f, a missing directory, a broken kustomization; nothing is written', async () => {
  const k = inProcessCluster();
  try {
    const both = await k.run(['apply', '-k', join(FIX, 'basic'), '-f', join(FIX, 'basic/svc.yaml')]);
    assert.equal(both.code, 1);
    assert.equal(both.stderr, 'error: only one of -f or -k can be specified\n');
    const missing = await k.run(['apply', '-k', '/nonexistent-kz']);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, "error: must build at directory: not a valid directory: evalsymlink failure on '/nonexistent-kz' : lstat /nonexistent-kz: no such file or directory\n");
    const broken = await k.run(['apply', '-k', join(FIX, 'errors/unknown-field')]);
    assert.equal(broken.code, 1);
    assert.equal(broken.stderr, 'error: invalid Kustomization: json: unknown field "foo"\n');
    assert.equal((await k.run(['get', 'cm', '-n', 'dev'])).stdout, '');
  } finally {
    k.cleanup();
  }
});
