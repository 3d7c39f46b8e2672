// edit, set env|resources|serviceaccount|selector, autoscale and delete all as a user sees them, and what the
// cluster does afterwards (rollouts, load balancing, endpoints, an autoscaler taking over).
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';

let c: InProcessCluster;
const ok = async (args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}) => {
  const r = await c.run(args, opts);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r;
};
const yamlOf = async (args: string[]) => parse((await ok([...args, '-o', 'yaml'])).stdout);
const stateBytes = () => readFileSync(c.state);
async function backends(n: number): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) seen.add((await ok(['curl', '--from', 'pod/client', '-s', 'http://kubia'])).stdout);
  return seen;
}
/** An editor script in the test's directory; TMPDIR there too, so kubectl-edit-* files stay inside. */
function editor(name: string, body: string): NodeJS.ProcessEnv {
  const path = join(c.dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return { EDITOR: path, KUBE_EDITOR: '', TMPDIR: c.dir };
}
const editFiles = () => readdirSync(c.dir).filter((f) => f.startsWith('kubectl-edit-'));

before(async () => {
  c = inProcessCluster();
  await ok(['create', 'deployment', 'kubia', '--image=luksa/kubia:1.0', '--replicas=3', '--port=8080']);
  await ok(['expose', 'deploy', 'kubia', '--port=80', '--target-port=8080']);
  await ok(['run', 'client', '--image=curlimages/curl', '--', 'sleep', 'infinity']);
});
after(() => c.cleanup());

describe('edit', () => {
  test('EDITOR=<a sed script> edit svc kubia: sessionAffinity ClientIP sends the next 20 requests to one backend', async () => {
    assert.ok((await backends(20)).size > 1, 'spread before the edit');
    const r = c.runProcess(['edit', 'svc', 'kubia'], { env: editor('affinity.sh', 'sed -i "s/sessionAffinity: None/sessionAffinity: ClientIP/" "$1"') });
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'service/kubia edited\n', '']);
    assert.equal((await backends(20)).size, 1);
    // defaulted by the API server, as after `patch`
    assert.deepEqual((await yamlOf(['get', 'svc', 'kubia'])).spec.sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
    assert.deepEqual(editFiles(), [], 'the temp file is removed after a successful edit');
  });

  test('the file has kubectl\'s header and the object; KUBE_EDITOR wins over EDITOR; unchanged: Edit cancelled', async () => {
    const env = { ...editor('copy.sh', `cp "$1" ${join(c.dir, 'seen.yaml')}`), KUBE_EDITOR: join(c.dir, 'copy.sh'), EDITOR: '/nonexistent' };
    const r = c.runProcess(['edit', 'deploy/kubia'], { env });
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', 'Edit cancelled, no changes made.\n']);
    const seen = readFileSync(join(c.dir, 'seen.yaml'), 'utf8');
    assert.ok(seen.startsWith("# Please edit the object below. Lines beginning with a '#' will be ignored,\n# and an empty file will abort the edit. If an error occurs while saving this file will be\n# reopened with the relevant failures.\n#\napiVersion: apps/v1\nkind: Deployment\n"));
    assert.equal(seen.slice(seen.indexOf('apiVersion')), (await ok(['get', 'deploy', 'kubia', '-o', 'yaml'])).stdout);
  });

  test('a change to the pod template rolls out; --output-patch prints the patch sent', async () => {
    const r = c.runProcess(['edit', 'deploy/kubia', '--output-patch'], { env: editor('image.sh', 'sed -i "s#image: luksa/kubia:1.0#image: luksa/kubia:2.0#" "$1"') });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'Patch: {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"kubia"}],"containers":[{"image":"luksa/kubia:2.0","name":"kubia"}]}}}}\ndeployment.apps/kubia edited\n');
    assert.equal((await ok(['rollout', 'status', 'deploy/kubia'])).code, 0);
    assert.equal((await ok(['get', 'rs', '-l', 'app=kubia', '-o', 'name'])).stdout.split('\n').filter(Boolean).length, 2);
  });

  test('an invalid edit reopens with the reasons at the top; saving it unchanged gives up and keeps a copy', async () => {
    const before = stateBytes();
    const log = join(c.dir, 'reopened.yaml');
    const env = editor('bad.sh', `if [ -e ${log} ]; then exit 0; fi\ncp "$1" ${log}.first\nsed -i "s/sessionAffinity: ClientIP/sessionAffinity: Sometimes/" "$1"\ntouch ${log}`);
    // the second pass sees the reopened file: keep a copy of it
    writeFileSync(join(c.dir, 'bad.sh'), `#!/bin/sh\nif [ -e ${log} ]; then cp "$1" ${log}; exit 0; fi\nsed -i "s/sessionAffinity: ClientIP/sessionAffinity: Sometimes/" "$1"\ntouch ${log}\n`);
    const r = c.runProcess(['edit', 'svc', 'kubia'], { env });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    const kept = editFiles();
    assert.equal(kept.length, 1);
    assert.equal(r.stderr, `error: services "kubia" is invalid\nA copy of your changes has been stored to "${join(c.dir, kept[0])}"\nerror: Edit cancelled, no valid changes were saved.\n`);
    const reopened = readFileSync(log, 'utf8');
    assert.ok(reopened.includes('#\n# services "kubia" was not valid:\n# * spec.sessionAffinity: Unsupported value: "Sometimes": supported values: "ClientIP", "None"\n#\napiVersion: v1\n'), reopened.slice(0, 600));
    assert.match(readFileSync(join(c.dir, kept[0]), 'utf8'), /sessionAffinity: Sometimes/);
    assert.deepEqual(stateBytes(), before);
  });

  test('a YAML error reopens too; a changed name is refused at once; a missing editor is kubectl\'s error', async () => {
    const before = stateBytes();
    const r = c.runProcess(['edit', 'svc', 'kubia'], { env: { ...editor('name.sh', 'sed -i "s/^  name: kubia$/  name: other/" "$1"') } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^A copy of your changes has been stored to "[^"]+kubectl-edit-\d+\.yaml"\nerror: At least one of apiVersion, kind and name was changed\n$/);
    const m = c.runProcess(['edit', 'svc', 'kubia'], { env: { KUBE_EDITOR: '/nonexistent/editor' } });
    assert.deepEqual([m.code, m.stderr], [1, 'error: unable to launch the editor "/nonexistent/editor"\n']);
    const f = c.runProcess(['edit', 'svc', 'kubia'], { env: { KUBE_EDITOR: 'false' } });
    assert.deepEqual([f.code, f.stderr], [1, 'error: there was a problem with the editor "false"\n']);
    assert.deepEqual(stateBytes(), before);
  });
});

describe('set', () => {
  test('set env: a new ReplicaSet rolls out with the variable; --list shows it; KEY- removes it', async () => {
    const rsBefore = (await ok(['get', 'rs', '-l', 'app=kubia', '-o', 'name'])).stdout.split('\n').filter(Boolean).length;
    assert.equal((await ok(['set', 'env', 'deploy/kubia', 'GREETING=hi', 'MODE=fast'])).stdout, 'deployment.apps/kubia env updated\n');
    assert.equal((await ok(['set', 'env', 'deploy/kubia', '--list'])).stdout, '# Deployment kubia, container kubia\nGREETING=hi\nMODE=fast\n');
    assert.equal((await ok(['get', 'rs', '-l', 'app=kubia', '-o', 'name'])).stdout.split('\n').filter(Boolean).length, rsBefore + 1);
    await ok(['rollout', 'status', 'deploy/kubia']);
    const envs = (await ok(['get', 'pods', '-l', 'app=kubia', '-o', 'jsonpath={.items[*].spec.containers[0].env[0].value}'])).stdout.split(' ');
    assert.deepEqual([...new Set(envs)], ['hi']);
    assert.equal((await ok(['set', 'env', 'deploy/kubia', 'MODE-'])).stdout, 'deployment.apps/kubia env updated\n');
    assert.equal((await ok(['set', 'env', 'deploy/kubia', 'MODE-'])).stdout, '', 'nothing to change: nothing printed');
  });

  test('set env --from a ConfigMap: one reference per key, renamed with a warning', async () => {
    await ok(['create', 'configmap', 'cfg', '--from-literal=log-level=debug', '--from-literal=PORT=8080']);
    const r = await ok(['set', 'env', 'deploy/kubia', '--from=configmap/cfg', '--prefix=APP_']);
    assert.equal(r.stderr, 'Warning: key log-level transferred to LOG_LEVEL\n');
    assert.equal((await ok(['set', 'env', 'deploy/kubia', '--list'])).stdout, '# Deployment kubia, container kubia\nGREETING=hi\n# APP_PORT from configmap cfg, key PORT\n# APP_LOG_LEVEL from configmap cfg, key log-level\n');
    assert.equal((await ok(['set', 'env', 'deploy/kubia', '--list', '--resolve'])).stdout, '# Deployment kubia, container kubia\nGREETING=hi\nAPP_PORT=8080\nAPP_LOG_LEVEL=debug\n');
  });

  test('set resources and set serviceaccount change the template; set selector moves a Service\'s endpoints', async () => {
    assert.equal((await ok(['set', 'resources', 'deploy/kubia', '--limits=cpu=200m,memory=512Mi', '--requests=cpu=100m'])).stdout, 'deployment.apps/kubia resource requirements updated\n');
    assert.deepEqual((await yamlOf(['get', 'deploy', 'kubia'])).spec.template.spec.containers[0].resources, { limits: { cpu: '200m', memory: '512Mi' }, requests: { cpu: '100m' } });
    await ok(['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: robot}\n' });
    assert.equal((await ok(['set', 'sa', 'deploy/kubia', 'robot'])).stdout, 'deployment.apps/kubia serviceaccount updated\n');
    await ok(['rollout', 'status', 'deploy/kubia']);
    assert.deepEqual([...new Set((await ok(['get', 'pods', '-l', 'app=kubia', '-o', 'jsonpath={.items[*].spec.serviceAccountName}'])).stdout.split(' '))], ['robot']);
    assert.notEqual((await ok(['get', 'endpoints', 'kubia', '-o', 'jsonpath={.subsets}'])).stdout, '');
    assert.equal((await ok(['set', 'selector', 'svc/kubia', 'app=nothing'])).stdout, 'service/kubia selector updated\n');
    assert.equal((await ok(['get', 'endpoints', 'kubia', '-o', 'jsonpath={.subsets}'])).stdout, '');
    await ok(['set', 'selector', 'svc/kubia', 'app=kubia']);
  });
});

describe('autoscale', () => {
  test('creates a HorizontalPodAutoscaler the controller takes on; again: AlreadyExists', async () => {
    assert.equal((await ok(['autoscale', 'deploy', 'kubia', '--min=2', '--max=5', '--cpu-percent=50'])).stdout, 'horizontalpodautoscaler.autoscaling/kubia autoscaled\n');
    const hpa = await yamlOf(['get', 'hpa', 'kubia']);
    assert.equal(hpa.apiVersion, 'autoscaling/v2');
    assert.deepEqual(hpa.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }]);
    assert.match((await ok(['get', 'hpa', 'kubia'])).stdout, /kubia\s+Deployment\/kubia\s+cpu: <unknown>\/50%\s+2\s+5\s+\d+\s+/);
    const r = await c.run(['autoscale', 'deploy', 'kubia', '--max=5']);
    assert.deepEqual([r.code, r.stderr], [1, 'Error from server (AlreadyExists): horizontalpodautoscalers.autoscaling "kubia" already exists\n']);
    assert.equal((await ok(['autoscale', 'deploy/kubia', '--max=4', '--name=second', '-o', 'name'])).stdout, 'horizontalpodautoscaler.autoscaling/second\n');
  });
});

describe('delete all', () => {
  test('expands to the all category and deletes in its order; then nothing is left', async () => {
    const names = async (kind: string) => (await ok(['get', kind, '-o', 'name'])).stdout.split('\n').filter(Boolean);
    const expected = [
      ...(await names('pods')).map((n) => `pod "${n.slice(4)}" deleted`),
      ...(await names('services')).map((n) => `service "${n.slice(8)}" deleted`),
      ...(await names('deployments')).map((n) => `deployment.apps "${n.slice(16)}" deleted`),
      ...(await names('replicasets')).map((n) => `replicaset.apps "${n.slice(16)}" deleted`),
      ...(await names('hpa')).map((n) => `horizontalpodautoscaler.autoscaling "${n.slice(36)}" deleted`),
    ];
    const r = await ok(['delete', 'all', '--all']);
    assert.equal(r.stdout, expected.map((l) => `${l}\n`).join(''));
    assert.equal((await c.run(['get', 'all'])).stderr, 'No resources found in default namespace.\n');
    assert.ok(!existsSync(join(c.dir, 'never')));
  });
});
