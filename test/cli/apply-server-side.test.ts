// `apply --server-side`: field ownership in metadata.managedFields, conflicts with other managers (kubectl
// scale's Update on the scale subresource), --force-conflicts, and fields dropped from the manifest removed.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { assertRefused, inProcessCluster, type InProcessCluster } from '../support/inproc.js';

const DEPLOY = (replicas: number, opts: { ports?: boolean; labels?: boolean } = {}) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
${opts.labels === false ? '' : '  labels: {app: web}\n'}spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx
${opts.ports === false ? '' : '        ports: [{containerPort: 80}]\n'}`;

const CONFLICT_HELP = `Please review the fields above--they currently have other managers. Here
are the ways you can resolve this warning:
* If you intend to manage all of these fields, please re-run the apply
  command with the \`--force-conflicts\` flag.
* If you do not intend to manage all of the fields, please edit your
  manifest to remove references to the fields that should keep their
  current managers.
* You may co-own fields by updating your manifest to match the existing
  value; in this case, you'll become the manager if the other manager(s)
  stop managing the field (remove it from their configuration).
See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts
`;

let c: InProcessCluster;
before(() => {
  c = inProcessCluster();
});
after(() => c.cleanup());

function file(name: string, text: string): string {
  const p = join(c.dir, name);
  writeFileSync(p, text);
  return p;
}

async function managed(): Promise<{ manager: string; operation: string; subresource?: string; fieldsV1: Record<string, unknown> }[]> {
  const r = await c.run(['get', 'deploy', 'web', '-o', 'json', '--show-managed-fields']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout).metadata.managedFields;
}

test('apply --server-side creates, owns exactly its fields, and re-applies unchanged', async () => {
  const f = file('web.yaml', DEPLOY(2));
  assert.deepEqual(await c.run(['apply', '--server-side', '-f', f]), { code: 0, stdout: 'deployment.apps/web serverside-applied\n', stderr: '' });
  const entries = await managed();
  assert.equal(entries.length, 1);
  assert.equal(entries[0].manager, 'kubectl');
  assert.equal(entries[0].operation, 'Apply');
  assert.deepEqual(entries[0].fieldsV1, {
    'f:metadata': { 'f:labels': { 'f:app': {} } },
    'f:spec': {
      'f:replicas': {},
      'f:selector': {},
      'f:template': {
        'f:metadata': { 'f:labels': { 'f:app': {} } },
        'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } } } } },
      },
    },
  });
  // Hidden unless asked for, as kubectl hides them.
  const plain = await c.run(['get', 'deploy', 'web', '-o', 'yaml']);
  assert.doesNotMatch(plain.stdout, /managedFields/);
  const rv = JSON.parse((await c.run(['get', 'deploy', 'web', '-o', 'json'])).stdout).metadata.resourceVersion;
  assert.deepEqual(await c.run(['apply', '--server-side', '-f', f]), { code: 0, stdout: 'deployment.apps/web serverside-applied\n', stderr: '' });
  assert.equal(JSON.parse((await c.run(['get', 'deploy', 'web', '-o', 'json'])).stdout).metadata.resourceVersion, rv, 'an unchanged apply stores nothing');
});

test('scale takes .spec.replicas; a server-side apply of another count conflicts, --force-conflicts takes it back', async () => {
  assert.equal((await c.run(['scale', 'deploy/web', '--replicas=3'])).code, 0);
  const scale = (await managed()).find((e) => e.subresource === 'scale');
  assert.deepEqual(scale && { manager: scale.manager, operation: scale.operation, fieldsV1: scale.fieldsV1 }, { manager: 'kubectl', operation: 'Update', fieldsV1: { 'f:spec': { 'f:replicas': {} } } });
  const f5 = file('web5.yaml', DEPLOY(5));
  await assertRefused(c, ['apply', '--server-side', '-f', f5], {
    stderr: `error: Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas\n${CONFLICT_HELP}`,
  });
  // The same value as the live one is no conflict: the applier co-owns the field.
  const f3 = file('web3.yaml', DEPLOY(3));
  assert.equal((await c.run(['apply', '--server-side', '-f', f3])).code, 0);
  assert.deepEqual(await c.run(['apply', '--server-side', '--force-conflicts', '-f', f5]), { code: 0, stdout: 'deployment.apps/web serverside-applied\n', stderr: '' });
  assert.equal((await c.run(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}'])).stdout, '5');
  assert.deepEqual((await managed()).map((e) => `${e.manager}/${e.operation}`), ['kubectl/Apply'], 'the scale entry lost its only field');
});

test('a field dropped from the manifest that only this manager owned is removed', async () => {
  const f = file('web-noports.yaml', DEPLOY(5, { ports: false, labels: false }));
  assert.equal((await c.run(['apply', '--server-side', '-f', f])).code, 0);
  const d = JSON.parse((await c.run(['get', 'deploy', 'web', '-o', 'json'])).stdout);
  assert.equal(d.spec.template.spec.containers[0].ports, undefined);
  assert.equal(d.metadata.labels, undefined);
  // Defaults the server filled in (owned by no one) stay.
  assert.equal(d.spec.template.spec.containers[0].imagePullPolicy, 'Always');
});

test('another manager with --field-manager conflicts on a field the first one set differently', async () => {
  const f = file('web-other.yaml', DEPLOY(7, { ports: false, labels: false }));
  const r = await c.run(['apply', '--server-side', '--field-manager=ci', '-f', f]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error: Apply failed with 1 conflict: conflict with "kubectl": \.spec\.replicas\n/);
});

test('writers record kubectl\'s field managers as Update entries', async () => {
  const x = inProcessCluster();
  try {
    assert.equal((await x.run(['create', 'deployment', 'api', '--image=nginx'])).code, 0);
    assert.equal((await x.run(['label', 'deploy', 'api', 'tier=be'])).code, 0);
    assert.equal((await x.run(['patch', 'deploy', 'api', '-p', '{"spec":{"minReadySeconds":5}}'])).code, 0);
    const d = JSON.parse((await x.run(['get', 'deploy', 'api', '-o', 'json', '--show-managed-fields'])).stdout);
    const by = Object.fromEntries(d.metadata.managedFields.map((e: { manager: string; fieldsV1: unknown }) => [e.manager, e.fieldsV1]));
    assert.deepEqual(Object.keys(by).sort(), ['kubectl-create', 'kubectl-label', 'kubectl-patch']);
    assert.deepEqual(by['kubectl-label'], { 'f:metadata': { 'f:labels': { 'f:tier': {} } } });
    assert.deepEqual(by['kubectl-patch'], { 'f:spec': { 'f:minReadySeconds': {} } });
    assert.ok((by['kubectl-create'] as { 'f:spec': Record<string, unknown> })['f:spec']['f:replicas'], 'create owns what it set');
  } finally {
    x.cleanup();
  }
});

test('server-side apply flags kubectl refuses', async () => {
  const f = file('web.yaml', DEPLOY(2));
  await assertRefused(c, ['apply', '--force-conflicts', '-f', f], { stderr: 'error: --force-conflicts only works with --server-side\n' });
  await assertRefused(c, ['apply', '--server-side', '--force', '-f', f], { stderr: 'error: --force cannot be used with --server-side\n' });
  await assertRefused(c, ['apply', '--server-side', '--dry-run=client', '-f', f], { stderr: "error: --dry-run=client doesn't work with --server-side (did you mean --dry-run=server instead?)\n" });
  await assertRefused(c, ['apply', '--server-side', '--prune', '--all', '-f', f], { stderr: "error: --prune is in alpha and doesn't currently work on objects created by server-side apply\n" });
});

test('--dry-run=server reports and stores nothing; -o yaml hides managedFields', async () => {
  const f = file('web9.yaml', DEPLOY(9, { ports: false, labels: false }));
  const r = await c.run(['apply', '--server-side', '--dry-run=server', '-f', f]);
  assert.deepEqual(r, { code: 0, stdout: 'deployment.apps/web serverside-applied (server dry run)\n', stderr: '' });
  assert.equal((await c.run(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}'])).stdout, '5');
  const y = await c.run(['apply', '--server-side', '--dry-run=server', '-o', 'yaml', '-f', f]);
  assert.equal(y.code, 0);
  assert.match(y.stdout, /replicas: 9/);
  assert.doesNotMatch(y.stdout, /managedFields/);
});
