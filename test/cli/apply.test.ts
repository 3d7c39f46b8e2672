import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { savedState } from '../support/cli.js';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';

const POD = (name: string, extra = '') => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n  - name: app\n    image: luksa/kiada:0.1\n    ports:\n    - containerPort: 8080\n${extra}`;

let c: InProcessCluster;
before(async () => {
  c = inProcessCluster();
  assert.equal((await c.run(['cluster', 'create'])).code, 0);
});
after(() => c.cleanup());

function file(name: string, text: string): string {
  const p = join(c.dir, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  return p;
}

/** Runs a command that must fail: exact stderr, exit 1, nothing on stdout, state file byte-identical. */
async function fails(args: string[], stderr: string, opts: { input?: string; stdout?: string } = {}): Promise<void> {
  const beforeState = readFileSync(c.state, 'utf8');
  const r = await c.run(args, { input: opts.input });
  assert.equal(r.stderr, stderr);
  assert.equal(r.stdout, opts.stdout ?? '');
  assert.equal(r.code, 1);
  assert.equal(readFileSync(c.state, 'utf8'), beforeState, 'state file unchanged');
}

test('apply creates, re-apply is unchanged, a changed manifest is configured', async () => {
  const f = file('kiada.yaml', POD('kiada'));
  assert.deepEqual(await c.run(['apply', '-f', f]), { code: 0, stdout: 'pod/kiada created\n', stderr: '' });
  const s1 = readFileSync(c.state, 'utf8');
  assert.deepEqual(await c.run(['apply', '-f', f]), { code: 0, stdout: 'pod/kiada unchanged\n', stderr: '' });
  assert.equal(readFileSync(c.state, 'utf8'), s1, 'unchanged writes nothing');
  const pod = savedState(c.state).objects.pods['default/kiada'];
  assert.equal(
    pod.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'],
    '{"apiVersion":"v1","kind":"Pod","metadata":{"annotations":{},"name":"kiada","namespace":"default"},"spec":{"containers":[{"image":"luksa/kiada:0.1","name":"app","ports":[{"containerPort":8080}]}]}}\n',
  );
  file('kiada.yaml', POD('kiada').replace('luksa/kiada:0.1', 'luksa/kiada:0.2'));
  assert.deepEqual(await c.run(['apply', '-f', f]), { code: 0, stdout: 'pod/kiada configured\n', stderr: '' });
  const after2 = savedState(c.state).objects.pods['default/kiada'];
  assert.equal(after2.spec.containers[0].image, 'luksa/kiada:0.2');
  assert.equal(after2.metadata.uid, pod.metadata.uid);
  // a label added by another writer survives a re-apply of the same manifest
  assert.equal((await c.run(['label', 'pod', 'kiada', 'extra=yes'])).stdout, 'pod/kiada labeled\n');
  assert.equal((await c.run(['apply', '-f', f])).stdout, 'pod/kiada unchanged\n');
});

test('create on an existing object: AlreadyExists naming the file', async () => {
  const f = file('ok.yaml', POD('okpod'));
  assert.equal((await c.run(['create', '-f', f])).stdout, 'pod/okpod created\n');
  await fails(['create', '-f', f], `Error from server (AlreadyExists): error when creating "${f}": pods "okpod" already exists\n`);
});

test('apply to an object made by create warns about the missing annotation and adds it; create --save-config stores it', async () => {
  const r0 = await c.run(['create', '-f', '-'], { input: POD('made') });
  assert.equal(r0.stdout, 'pod/made created\n');
  const r = await c.run(['apply', '-f', '-'], { input: POD('made').replace('luksa/kiada:0.1', 'luksa/kiada:0.2') });
  assert.equal(r.stdout, 'pod/made configured\n');
  assert.equal(
    r.stderr,
    'Warning: resource pods/made is missing the kubectl.kubernetes.io/last-applied-configuration annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n',
  );
  assert.equal((await c.run(['create', '--save-config', '-f', '-'], { input: POD('saved') })).stdout, 'pod/saved created\n');
  assert.deepEqual(await c.run(['apply', '-f', '-'], { input: POD('saved') }), { code: 0, stdout: 'pod/saved unchanged\n', stderr: '' });
  // a pod's spec is immutable but for images and a few fields
  const f2 = await c.run(['apply', '-f', '-'], { input: POD('saved', '    env:\n    - name: A\n      value: b\n') });
  assert.equal(f2.code, 1);
  assert.ok(f2.stderr.startsWith('The Pod "saved" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`'), f2.stderr);
  await fails(['apply', '-f', '-'], 'error: from g-: cannot use generate name with apply\n', { input: POD('x').replace('  name: x\n', '  generateName: g-\n') });
});

test('stdin, directories (sorted, -R), several -f', async () => {
  const r = await c.run(['apply', '-f', '-'], { input: POD('from-stdin') });
  assert.deepEqual(r, { code: 0, stdout: 'pod/from-stdin created\n', stderr: '' });
  file('dir/b.yml', POD('dir-b'));
  file('dir/a.yaml', POD('dir-a'));
  file('dir/c.json', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dir-c' } }));
  file('dir/notes.txt', 'not a manifest');
  file('dir/sub/d.yaml', POD('dir-d'));
  assert.equal((await c.run(['apply', '-f', join(c.dir, 'dir')])).stdout, 'pod/dir-a created\npod/dir-b created\nnamespace/dir-c created\n');
  assert.equal((await c.run(['apply', '-R', '-f', join(c.dir, 'dir')])).stdout, 'pod/dir-a unchanged\npod/dir-b unchanged\nnamespace/dir-c unchanged\npod/dir-d created\n');
  const e = join(c.dir, 'empty');
  mkdirSync(e);
  await fails(['apply', '-f', e], `error: error reading [${e}]: recognized file extensions are [.json .yaml .yml]\n`);
});

test('multi-document file: valid documents are applied, each bad one reported, exit 1', async () => {
  const f = file('multi.yaml', [POD('multi-a'), POD('Bad_Name'), POD('multi-c').replace('    ports:', '    foo: 1\n    ports:'), POD('multi-d')].join('---\n'));
  const r = await c.run(['apply', '-f', f]);
  assert.equal(r.stdout, 'pod/multi-a created\npod/multi-d created\n');
  assert.equal(
    r.stderr,
    // in document order, as kubectl sends them
    `Error from server (Invalid): error when creating "${f}": Pod "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')\n` +
      `Error from server (BadRequest): error when creating "${f}": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].foo"\n`,
  );
  assert.equal(r.code, 1);
  const pods = savedState(c.state).objects.pods;
  assert.ok(pods['default/multi-a'] && pods['default/multi-d'] && !pods['default/multi-c']);
});

test('bad input: exact message, exit 1, state unchanged', async () => {
  const tail = '; if you choose to ignore these errors, turn validation off with --validate=false';
  const cases: [string, string, (f: string) => string][] = [
    ['indent.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n labels: bad\n', (f) => `error: error parsing ${f}: error converting YAML to JSON: yaml: line 4: did not find expected key\n`],
    ['tab.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n\tname: x\n', (f) => `error: error parsing ${f}: error converting YAML to JSON: yaml: line 4: found character that cannot start any token\n`],
    ['nokind.yaml', 'apiVersion: v1\nmetadata:\n  name: x\n', (f) => `error: error validating "${f}": error validating data: kind not set${tail}\n`],
    ['foo.yaml', 'apiVersion: v1\nkind: Foo\nmetadata:\n  name: x\n', (f) => `error: resource mapping not found for name: "x" namespace: "" from "${f}": no matches for kind "Foo" in version "v1"\nensure CRDs are installed first\n`],
    ['unknown.yaml', POD('unk').replace('    ports:', '    foo: 1\n    ports:'), (f) => `Error from server (BadRequest): error when creating "${f}": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].foo"\n`],
    ['type.yaml', POD('typ').replace('8080', '"abc"'), (f) => `Error from server (BadRequest): error when creating "${f}": Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32\n`],
    ['nocontainers.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: nc\nspec: {}\n', () => 'The Pod "nc" is invalid: spec.containers: Required value\n'],
    ['noimage.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: ni\nspec:\n  containers:\n  - name: a\n', () => 'The Pod "ni" is invalid: spec.containers[0].image: Required value\n'],
    ['range.yaml', POD('range').replace('8080', '70000'), () => 'The Pod "range" is invalid: spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive\n'],
    ['dup.yaml', POD('dup') + '  - name: app\n    image: nginx\n', () => 'The Pod "dup" is invalid: spec.containers[1].name: Duplicate value: "app"\n'],
    ['noname.yaml', POD('x').replace('  name: x\n', '  labels: {}\n'), () => 'The Pod "" is invalid: metadata.name: Required value: name or generateName is required\n'],
    ['svcport.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: Bad_Svc\nspec:\n  ports:\n  - port: 70000\n', () =>
      "The Service \"Bad_Svc\" is invalid: \n* metadata.name: Invalid value: \"Bad_Svc\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')\n* spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive\n* spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive\n"],
    ['nsmissing.yaml', POD('x').replace('  name: x\n', '  name: x\n  namespace: nosuch\n'), (f) => `Error from server (NotFound): error when creating "${f}": namespaces "nosuch" not found\n`],
  ];
  for (const [name, text, msg] of cases) {
    const f = file(`bad/${name}`, text);
    await fails(['create', '-f', f], msg(f));
    if (!name.startsWith('noname')) await fails(['apply', '-f', f], msg(f));
  }
  await fails(['apply', '-f', join(c.dir, 'nosuch.yaml')], `error: the path "${join(c.dir, 'nosuch.yaml')}" does not exist\n`);
  await fails(['apply', '-f', '-'], 'error: no objects passed to apply\n', { input: '' });
  await fails(['apply'], 'error: must specify one of -f and -k\n');
  await fails(['apply', 'foo', '-f', '-'], "error: Unexpected args: [foo]\nSee 'kubectl apply -h' for help and examples\n");
  await fails(['create', 'foo'], "error: Unexpected args: [foo]\nSee 'kubectl create -h' for help and examples\n");
  await fails(['apply', '-f', '-', '--dry-run=foo'], 'error: Invalid dry-run value (foo). Must be "none", "server", or "client".\n', { input: POD('x') });
  await fails(['apply', '-f', '-', '--validate=foo'], 'error: invalid - validate option "foo"; must be one of: strict (or true), warn, ignore (or false)\n', { input: POD('x') });
  await fails(['apply', '-n', 'b', '-f', '-'], `error: the namespace from the provided object "a" does not match the namespace "b". You must pass '--namespace=a' to perform this operation.\n`, { input: POD('x').replace('  name: x\n', '  name: x\n  namespace: a\n') });
});

test('apply to an existing object: strict decoding errors come from the patch, with kubectl\'s patch context', async () => {
  await c.run(['apply', '-f', '-'], { input: POD('patched') });
  const withFoo = POD('patched').replace('    ports:', '    foo: 1\n    ports:');
  const last = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { annotations: {}, name: 'patched', namespace: 'default' }, spec: { containers: [{ foo: 1, image: 'luksa/kiada:0.1', name: 'app', ports: [{ containerPort: 8080 }] }] } }) + '\n';
  const patch = JSON.stringify({ metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': last } }, spec: { '$setElementOrder/containers': [{ name: 'app' }], containers: [{ foo: 1, name: 'app' }] } });
  await fails(['apply', '-f', '-'], `Error from server (BadRequest): error when applying patch:\n${patch}\nto:\nResource: "/v1, Resource=pods", GroupVersionKind: "/v1, Kind=Pod"\nName: "patched", Namespace: "default"\nfor: "STDIN": strict decoding error: unknown field "spec.containers[0].foo"\n`, { input: withFoo });
  // with --validate=warn the field is dropped, but the configuration (and so the patch) keeps it: configured
  const r = await c.run(['apply', '-f', '-', '--validate=warn'], { input: withFoo });
  assert.deepEqual(r, { code: 0, stdout: 'pod/patched configured\n', stderr: 'Warning: unknown field "spec.containers[0].foo"\n' });
});

test('--validate=false drops unknown fields, warn warns, dry runs save nothing', async () => {
  const text = POD('val').replace('    ports:', '    foo: 1\n    ports:');
  const s0 = readFileSync(c.state, 'utf8');
  assert.deepEqual(await c.run(['create', '-f', '-', '--dry-run=client'], { input: text }), { code: 0, stdout: 'pod/val created (dry run)\n', stderr: '' });
  assert.deepEqual(await c.run(['apply', '-f', '-', '--dry-run=server', '--validate=warn'], { input: text }), { code: 0, stdout: 'pod/val created (server dry run)\n', stderr: 'Warning: unknown field "spec.containers[0].foo"\n' });
  assert.equal(readFileSync(c.state, 'utf8'), s0);
  assert.deepEqual(await c.run(['create', '-f', '-', '--validate=false'], { input: text }), { code: 0, stdout: 'pod/val created\n', stderr: '' });
  const pod = savedState(c.state).objects.pods['default/val'];
  assert.equal('foo' in pod.spec.containers[0], false);
  assert.equal((await c.run(['apply', '-f', '-', '-o', 'name'], { input: POD('val') })).stdout, 'pod/val configured\n'.replace(' configured', ''));
});

test('get -o json | apply -f - round-trips (kind: List, server-set fields, services and deployments too)', async () => {
  await c.run(['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: rt-svc\nspec:\n  type: NodePort\n  selector:\n    app: rt\n  ports:\n  - port: 80\n    targetPort: 8080\n' });
  for (const what of ['pods', 'svc,deploy', 'nodes', 'namespaces']) {
    const out = await c.run(['get', what, '-A', '-o', 'json']);
    assert.equal(out.code, 0, out.stderr);
    const countOf = () => Object.values(savedState(c.state).objects).reduce((n, b) => n + Object.keys(b).length, 0);
    const before = countOf();
    const r = await c.run(['apply', '-f', '-'], { input: out.stdout });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /error|Error/);
    assert.ok(r.stdout.split('\n').filter(Boolean).every((l) => / (configured|unchanged)$/.test(l)), r.stdout);
    // nothing was created or lost
    assert.equal(countOf(), before);
  }
  const yaml = await c.run(['get', 'pods', '-o', 'yaml']);
  assert.equal((await c.run(['apply', '-f', '-'], { input: yaml.stdout })).code, 0);
});

test('-o json of the live objects (as get prints them) round-trips through apply -f -', async () => {
  const f = file('rt.yaml', POD('rt-a') + '---\n' + POD('rt-b'));
  await c.run(['apply', '-f', f]);
  const state = savedState(c.state);
  const items = ['default/rt-a', 'default/rt-b'].map((k) => state.objects.pods[k]);
  const list = JSON.stringify({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } }, null, 4);
  const r = await c.run(['apply', '-f', '-'], { input: list });
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  assert.equal(r.stdout, 'pod/rt-a configured\npod/rt-b configured\n');
  const again = savedState(c.state);
  const list2 = JSON.stringify({ apiVersion: 'v1', items: ['default/rt-a', 'default/rt-b'].map((k) => again.objects.pods[k]), kind: 'List', metadata: { resourceVersion: '' } });
  // the annotation now records a resourceVersion that moved on, so kubectl's patch is never empty here either
  assert.equal((await c.run(['apply', '-f', '-'], { input: list2 })).stdout, 'pod/rt-a configured\npod/rt-b configured\n');
  const final = savedState(c.state).objects.pods['default/rt-a'];
  assert.equal(final.metadata.uid, items[0].metadata.uid);
  assert.equal(final.status.podIP, items[0].status.podIP);
});

test('apply -l applies only the file objects matching the selector; none left is "no objects passed to apply"', async () => {
  const dir = join(c.dir, 'sel');
  mkdirSync(dir, { recursive: true });
  const labelled = (name: string, app: string) => POD(name).replace(`name: ${name}\n`, `name: ${name}\n  labels:\n    app: ${app}\n`);
  writeFileSync(join(dir, 'both.yaml'), `${labelled('sel-a', 'a')}---\n${labelled('sel-b', 'b')}`);
  const r = await c.run(['apply', '-f', join(dir, 'both.yaml'), '-l', 'app=a']);
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'pod/sel-a created\n', '']);
  assert.equal((await c.run(['get', 'pod', 'sel-b'])).code, 1);
  const none = await c.run(['apply', '-f', join(dir, 'both.yaml'), '-l', 'app=zzz']);
  assert.deepEqual([none.code, none.stdout, none.stderr], [1, '', 'error: no objects passed to apply\n']);
});

test("apply -f '*.yaml' expands the pattern as kubectl does; no match is kubectl's path error", async () => {
  const dir = join(c.dir, 'glob');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'g1.yaml'), POD('glob-1'));
  writeFileSync(join(dir, 'g2.yaml'), POD('glob-2'));
  writeFileSync(join(dir, 'other.txt'), 'not yaml');
  const r = await c.run(['apply', '-f', join(dir, 'g*.yaml')]);
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'pod/glob-1 created\npod/glob-2 created\n', '']);
  const miss = await c.run(['apply', '-f', join(dir, 'nothing*.json')]);
  assert.deepEqual([miss.code, miss.stderr], [1, `error: the path "${join(dir, 'nothing*.json')}" does not exist\n`]);
});
