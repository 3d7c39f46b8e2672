import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { savedState } from '../support/cli.js';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';

let c: InProcessCluster;
before(async () => {
  c = inProcessCluster();
  await c.run(['cluster', 'create']);
  await c.run(['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels:\n    app: x\nspec:\n  containers:\n  - name: a\n    image: nginx\n' });
});
after(() => c.cleanup());

const labels = () => savedState(c.state).objects.pods['default/x'].metadata.labels;

async function failsUnchanged(args: string[], stderr: string): Promise<void> {
  const s = readFileSync(c.state, 'utf8');
  const r = await c.run(args);
  assert.deepEqual({ stderr: r.stderr, code: r.code }, { stderr, code: 1 });
  assert.equal(readFileSync(c.state, 'utf8'), s);
}

test('label: add, same value is "not labeled", --overwrite, removal', async () => {
  assert.deepEqual(await c.run(['label', 'pod', 'x', 'tier=web']), { code: 0, stdout: 'pod/x labeled\n', stderr: '' });
  assert.deepEqual(await c.run(['label', 'pod', 'x', 'app=x']), { code: 0, stdout: 'pod/x not labeled\n', stderr: '' });
  await failsUnchanged(['label', 'pod', 'x', 'app=y'], "error: 'app' already has a value (x), and --overwrite is false\n");
  assert.equal((await c.run(['label', 'pod/x', 'app=y', '--overwrite'])).stdout, 'pod/x labeled\n');
  assert.equal((await c.run(['label', 'po', 'x', 'tier-'])).stdout, 'pod/x unlabeled\n');
  assert.deepEqual(labels(), { app: 'y' });
  assert.equal((await c.run(['label', 'pods', '--all', 'env=dev'])).stdout, 'pod/x labeled\n');
});

test('label usage errors', async () => {
  await failsUnchanged(['label', 'pod', 'x'], 'error: at least one label update is required\n');
  await failsUnchanged(['label', 'pod', 'x', 'a=b', 'a-'], 'error: can not both modify and remove a label in the same command\n');
  await failsUnchanged(['label', 'pod', 'x', 'a=b/c'], "error: invalid label value: \"a=b/c\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')\n");
  await failsUnchanged(['label', 'pod', 'nosuch', 'a=b'], 'Error from server (NotFound): pods "nosuch" not found\n');
  await failsUnchanged(['label', 'pod', 'x', 'a b=c'], "The Pod \"x\" is invalid: metadata.labels: Invalid value: \"a b\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')\n");
});

test('annotate: set, overwrite rule, removal', async () => {
  assert.equal((await c.run(['annotate', 'pod', 'x', 'note=hello'])).stdout, 'pod/x annotated\n');
  await failsUnchanged(['annotate', 'pod', 'x', 'note=bye'], "error: --overwrite is false but found the following declared annotation(s): 'note' already has a value (hello)\n");
  assert.equal((await c.run(['annotate', 'pod', 'x', 'note-'])).stdout, 'pod/x annotated\n');
  await failsUnchanged(['annotate', 'pod', 'x'], 'error: at least one annotation update is required\n');
});

test('create namespace: created, dry run, AlreadyExists, invalid name', async () => {
  assert.deepEqual(await c.run(['create', 'namespace', 'team-a']), { code: 0, stdout: 'namespace/team-a created\n', stderr: '' });
  assert.equal((await c.run(['create', 'ns', 'team-b', '--dry-run=client', '-o', 'yaml'])).stdout, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  creationTimestamp: null\n  name: team-b\nspec: {}\nstatus: {}\n');
  await failsUnchanged(['create', 'namespace', 'team-a'], 'Error from server (AlreadyExists): namespaces "team-a" already exists\n');
  await failsUnchanged(['create', 'namespace', 'Bad_Name'], "The Namespace \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')\n");
  await failsUnchanged(['create', 'namespace'], "error: exactly one NAME is required, got 0\nSee 'kubectl create namespace -h' for help and examples\n");
});

test('label/annotate --list print key=value lines (kubectl: a "Listing" header on stderr unless one named object)', async () => {
  await c.run(['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: listed\n  labels:\n    tier: web\n    app: l\nspec:\n  containers:\n  - name: a\n    image: nginx\n' });
  const one = await c.run(['label', 'pod', 'listed', '--list']);
  assert.deepEqual([one.code, one.stdout, one.stderr], [0, 'app=l\ntier=web\n', '']);
  const many = await c.run(['label', 'pods', '-l', 'app=l', '--list']);
  assert.deepEqual([many.code, many.stdout, many.stderr], [0, ' app=l\n tier=web\n', 'Listing labels for Pod./listed:\n']);
  const ann = await c.run(['annotate', 'pod/listed', '--list']);
  assert.deepEqual([ann.code, ann.stderr], [0, '']);
  assert.match(ann.stdout, /^kubectl\.kubernetes\.io\/last-applied-configuration=\{"apiVersion":"v1"/);
  const missing = await c.run(['label', 'pod', 'nosuch', '--list']);
  assert.deepEqual([missing.code, missing.stdout, missing.stderr], [1, '', 'Error from server (NotFound): pods "nosuch" not found\n']);
  // Nothing changed: --list is read-only.
  assert.equal((await c.run(['get', 'pod', 'listed', '-o', 'jsonpath={.metadata.labels}'])).stdout, '{"app":"l","tier":"web"}');
});
