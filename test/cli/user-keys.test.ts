// Keys from user data are plain keys (src/util/own.ts): label keys, -L columns, field selectors, command
// words that are names of Object.prototype members never reach JavaScript's own objects.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertRefused, inProcessCluster, type InProcessCluster } from '../support/inproc.js';

const NAME_PART =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

let c: InProcessCluster;
before(async () => {
  c = inProcessCluster();
  await c.run(['cluster', 'create']);
  const r = await c.run(['run', 'p1', '--image=nginx']);
  assert.equal(r.code, 0, r.stderr);
});
after(() => c.cleanup());

test('label key constructor is a label like any other: set, shown by -L, selected, removed', async () => {
  assert.deepEqual(await c.run(['label', 'pod', 'p1', 'constructor=x']), { code: 0, stdout: 'pod/p1 labeled\n', stderr: '' });
  const table = await c.run(['get', 'pods', '-L', 'constructor,toString', '--no-headers']);
  assert.match(table.stdout, /^p1 +1\/1 +Running +0 +\d+s +x +\n$/);
  assert.equal((await c.run(['get', 'pods', '-l', 'constructor=x', '-o', 'name'])).stdout, 'pod/p1\n');
  assert.deepEqual(await c.run(['get', 'pods', '-l', 'toString', '-o', 'name']), { code: 0, stdout: '', stderr: '' });
  await assertRefused(c, ['label', 'pod', 'p1', 'constructor=y'], { stderr: "error: 'constructor' already has a value (x), and --overwrite is false\n" });
  assert.deepEqual(await c.run(['label', 'pod', 'p1', 'constructor-']), { code: 0, stdout: 'pod/p1 unlabeled\n', stderr: '' });
  assert.match((await c.run(['get', 'pods', '-L', 'constructor'])).stdout, /CONSTRUCTOR\np1 +1\/1 +Running +0 +\d+s +\n$/);
});

test('label key __proto__ is refused by the API server, as any invalid key', async () => {
  await assertRefused(c, ['label', 'pod', 'p1', '__proto__=x'], { stderr: `The Pod "p1" is invalid: metadata.labels: Invalid value: "__proto__": ${NAME_PART}\n` });
  await assertRefused(c, ['annotate', 'pod', 'p1', '__proto__=x'], { stderr: `The Pod "p1" is invalid: metadata.annotations: Invalid value: "__proto__": ${NAME_PART}\n` });
  await assertRefused(c, ['run', 'p2', '--image=nginx', '--labels=__proto__=x'], { stderr: `The Pod "p2" is invalid: metadata.labels: Invalid value: "__proto__": ${NAME_PART}\n` });
});

test('words that name Object.prototype members are unknown words', async () => {
  await assertRefused(c, ['constructor'], { stderr: 'Error: unknown command "constructor" for "kubectl"\n' });
  await assertRefused(c, ['get', 'pods', '--field-selector', 'constructor=x'], {
    stderr: 'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "", field selector "constructor=x": field label not supported: constructor\n',
  });
  await assertRefused(c, ['create', 'constructor'], { stderr: "error: Unexpected args: [constructor]\nSee 'kubectl create -h' for help and examples\n" });
  await assertRefused(c, ['rollout', 'constructor', 'deploy/x'], { stderr: "error: unknown command \"constructor\"\nSee 'kubectl rollout -h' for help and examples\n" });
  await assertRefused(c, ['exec', 'p1', '--', 'sh', '-c', 'constructor'], { code: 127, stderr: 'sh: constructor: not found\ncommand terminated with exit code 127\n' });
});

test('objects named like Object.prototype members are objects like any other: created, listed, used, deleted', async () => {
  await assertRefused(c, ['get', 'ns', 'constructor'], { stderr: 'Error from server (NotFound): namespaces "constructor" not found\n' });
  assert.deepEqual(await c.run(['create', 'namespace', 'constructor']), { code: 0, stdout: 'namespace/constructor created\n', stderr: '' });
  assert.deepEqual(await c.run(['create', 'namespace', 'hasownproperty']), { code: 0, stdout: 'namespace/hasownproperty created\n', stderr: '' });
  assert.match((await c.run(['get', 'ns', 'constructor', '--no-headers'])).stdout, /^constructor +Active +\d+s\n$/);
  assert.deepEqual(await c.run(['run', 'valueof', '--image=nginx', '-n', 'constructor']), { code: 0, stdout: 'pod/valueof created\n', stderr: '' });
  assert.match((await c.run(['get', 'pods', '-n', 'constructor', '--no-headers'])).stdout, /^valueof +1\/1 +Running +0 +\d+s\n$/);
  assert.deepEqual(await c.run(['delete', 'ns', 'constructor', 'hasownproperty']), {
    code: 0,
    stdout: 'namespace "constructor" deleted\nnamespace "hasownproperty" deleted\n',
    stderr: '',
  });
  await assertRefused(c, ['get', 'pods', '-n', 'constructor', 'valueof'], { stderr: 'Error from server (NotFound): pods "valueof" not found\n' });
});
