import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';

const POD = (name: string, labels = '') => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n${labels ? `  labels:\n    ${labels}\n` : ''}spec:\n  containers:\n  - name: app\n    image: nginx\n`;
const FORCE = 'Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n';

let c: InProcessCluster;
before(async () => {
  c = inProcessCluster();
  await c.run(['cluster', 'create']);
});
after(() => c.cleanup());

async function apply(text: string): Promise<void> {
  const r = await c.run(['apply', '-f', '-'], { input: text });
  assert.equal(r.code, 0, r.stderr);
}

async function failsUnchanged(args: string[], stderr: string): Promise<void> {
  const s = readFileSync(c.state, 'utf8');
  const r = await c.run(args);
  assert.equal(r.stderr, stderr);
  assert.equal(r.code, 1);
  assert.equal(readFileSync(c.state, 'utf8'), s);
}

test('delete by name, TYPE/NAME, several names; NotFound for the missing one, exit 1', async () => {
  await apply([POD('a'), POD('b'), POD('c')].join('---\n'));
  const r = await c.run(['delete', 'pod', 'a', 'nosuch', 'b']);
  assert.equal(r.stdout, 'pod "a" deleted\npod "b" deleted\n');
  assert.equal(r.stderr, 'Error from server (NotFound): pods "nosuch" not found\n');
  assert.equal(r.code, 1);
  assert.deepEqual(await c.run(['delete', 'po/c', '-o', 'name']), { code: 0, stdout: 'pod/c\n', stderr: '' });
  assert.deepEqual(await c.run(['delete', 'pod', 'c', '--ignore-not-found']), { code: 0, stdout: '', stderr: '' });
});

test('delete -l, --all, -A --all, and "No resources found"', async () => {
  await apply([POD('l1', 'app: x'), POD('l2', 'app: z')].join('---\n'));
  assert.equal((await c.run(['delete', 'pods', '-l', 'app=x'])).stdout, 'pod "l1" deleted\n');
  assert.equal((await c.run(['delete', 'pods', '-l', 'app=nothing'])).stdout, 'No resources found\n');
  assert.equal((await c.run(['create', 'namespace', 'other'])).stdout, 'namespace/other created\n');
  await c.run(['apply', '-n', 'other', '-f', '-'], { input: POD('o1') });
  assert.equal((await c.run(['delete', 'pods', '--all'])).stdout, 'pod "l2" deleted\n');
  assert.equal((await c.run(['delete', 'pods', '--all', '-A'])).stdout.split('\n').filter((l) => l === 'pod "o1" deleted').length, 1);
});

test('delete -f, force, dry run, services and deployments', async () => {
  const f = join(c.dir, 'del.yaml');
  writeFileSync(f, POD('f1') + '---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s1\nspec:\n  ports:\n  - port: 80\n');
  await c.run(['apply', '-f', f]);
  assert.deepEqual(await c.run(['delete', '-f', f, '--dry-run=client']), { code: 0, stdout: 'pod "f1" deleted (dry run)\nservice "s1" deleted (dry run)\n', stderr: '' });
  assert.deepEqual(await c.run(['delete', '-f', f]), { code: 0, stdout: 'pod "f1" deleted\nservice "s1" deleted\n', stderr: '' });
  await failsUnchanged(['delete', '-f', f], `Error from server (NotFound): error when deleting "${f}": pods "f1" not found\nError from server (NotFound): error when deleting "${f}": services "s1" not found\n`);
  await apply(POD('g1'));
  assert.deepEqual(await c.run(['delete', 'pod', 'g1', '--grace-period=0', '--force']), { code: 0, stdout: 'pod "g1" force deleted\n', stderr: FORCE });
  await apply('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx\n');
  assert.equal((await c.run(['delete', 'deploy', 'web', '--cascade=orphan', '--now', '--wait=false'])).stdout, 'deployment.apps "web" deleted\n');
});

test('delete usage errors: kubectl wording, state unchanged', async () => {
  await failsUnchanged(['delete'], "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n");
  await failsUnchanged(['delete', 'pods'], 'error: resource(s) were provided, but no name was specified\n');
  await failsUnchanged(['delete', 'pod', 'x', '--all'], 'error: name cannot be provided when a selector is specified\n');
  await failsUnchanged(['delete', 'pods', '--all', '-l', 'a=b'], "error: setting 'all' parameter but found a non empty selector. \n");
  await failsUnchanged(['delete', 'pod', 'x', '--cascade=foo'], 'error: invalid cascade value (foo). Must be "background", "foreground", or "orphan"\n');
  await failsUnchanged(['delete', 'pod', 'x', '--now', '--grace-period=5'], 'error: --now and --grace-period cannot be specified together\n');
  await failsUnchanged(['delete', 'foos', 'x'], 'error: the server doesn\'t have a resource type "foos"\n');
  await failsUnchanged(['delete', 'pod', 'nosuch'], 'Error from server (NotFound): pods "nosuch" not found\n');
  await failsUnchanged(['delete', 'namespace', 'default'], 'Error from server (Forbidden): namespaces "default" is forbidden: this namespace may not be deleted\n');
});

test('delete namespace --wait=false: Terminating with its objects until the controller empties it; create refused meanwhile', async () => {
  assert.equal((await c.run(['create', 'namespace', 'term'])).stdout, 'namespace/term created\n');
  await c.run(['apply', '-n', 'term', '-f', '-'], { input: POD('t1') });
  assert.deepEqual(await c.run(['delete', 'ns', 'term', '--wait=false']), { code: 0, stdout: 'namespace "term" deleted\n', stderr: '' });
  // The clock is fixed (KUBESIM_NOW): the controller's 5-second grace period has not passed.
  assert.match((await c.run(['get', 'ns', 'term'])).stdout, /^term +Terminating +\S+\n$/m);
  assert.match((await c.run(['describe', 'ns', 'term'])).stdout, /^Status: +Terminating\n/m);
  assert.match((await c.run(['get', 'pods', '-n', 'term'])).stdout, /^t1 +1\/1 +Running /m);
  const created = await c.run(['run', 't2', '--image=nginx', '-n', 'term']);
  assert.deepEqual([created.stderr, created.code], ['Error from server (Forbidden): pods "t2" is forbidden: unable to create new content in namespace term because it is being terminated\n', 1]);
  await failsUnchanged(['delete', 'ns', 'term'], 'Error from server (Conflict): Operation cannot be fulfilled on namespaces "term": The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.\n');
  await failsUnchanged(['create', 'ns', 'term'], 'Error from server (AlreadyExists): object is being deleted: namespaces "term" already exists\n');
  // Its objects may still be deleted; waiting for the namespace moves the simulated clock past the grace period.
  assert.equal((await c.run(['delete', 'pod', 't1', '-n', 'term'])).stdout, 'pod "t1" deleted\n');
  assert.deepEqual(await c.run(['wait', '--for=delete', 'ns/term']), { code: 0, stdout: 'namespace/term condition met\n', stderr: '' });
  assert.equal((await c.run(['get', 'ns', 'term'])).stderr, 'Error from server (NotFound): namespaces "term" not found\n');
});

test('delete namespace waits until it is gone (the simulated clock moves on); its objects go with it', async () => {
  assert.equal((await c.run(['create', 'namespace', 'brief'])).stdout, 'namespace/brief created\n');
  await c.run(['apply', '-n', 'brief', '-f', '-'], { input: POD('b1') });
  assert.deepEqual(await c.run(['delete', 'ns', 'brief']), { code: 0, stdout: 'namespace "brief" deleted\n', stderr: '' });
  assert.equal((await c.run(['get', 'ns', 'brief'])).stderr, 'Error from server (NotFound): namespaces "brief" not found\n');
  assert.equal((await c.run(['get', 'pods', '-n', 'brief'])).stderr, 'No resources found in brief namespace.\n');
  // A namespace of that name is a new one, with none of the old objects.
  assert.equal((await c.run(['create', 'namespace', 'brief'])).stdout, 'namespace/brief created\n');
  assert.equal((await c.run(['get', 'pods', '-n', 'brief'])).stderr, 'No resources found in brief namespace.\n');
});

test('a namespace is created Active with the kubernetes finalizer, kept beside the manifest\'s own', async () => {
  const r = await c.run(['create', '-f', '-', '--dry-run=server', '-o', 'yaml'], { input: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: fin\nspec:\n  finalizers: [example.com/keep]\nstatus:\n  phase: Terminating\n' });
  assert.match(r.stdout, /^spec:\n {2}finalizers:\n {2}- example\.com\/keep\n {2}- kubernetes\nstatus:\n {2}phase: Active\n$/m);
});

test('a namespace another finalizer holds stays Terminating once emptied, with the namespace controller\'s conditions', async () => {
  assert.equal((await c.run(['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: held\nspec:\n  finalizers: [example.com/keep]\n' })).stdout, 'namespace/held created\n');
  await c.run(['apply', '-n', 'held', '-f', '-'], { input: POD('h1') });
  assert.equal((await c.run(['delete', 'ns', 'held'])).stdout, 'namespace "held" deleted\n');
  assert.equal((await c.run(['get', 'pods', '-n', 'held'])).stderr, 'No resources found in held namespace.\n');
  const d = (await c.run(['describe', 'ns', 'held'])).stdout;
  assert.match(d, /^Status: +Terminating\nConditions:\n {2}Type +Status +LastTransitionTime +Reason +Message\n {2}-+ +-+ +-+ +-+ +-+\n/m);
  assert.match(d, /^ {2}NamespaceDeletionContentFailure +False +\w{3}, .+ \+0000 +ContentDeleted +All content successfully deleted, may be waiting on finalization$/m);
  assert.match(d, /^ {2}NamespaceContentRemaining +False +.+ +ContentRemoved +All content successfully removed$/m);
  assert.match((await c.run(['get', 'ns', 'held', '-o', 'jsonpath={.spec.finalizers}'])).stdout, /^\["example\.com\/keep"\]$/);
});

test('in a terminating namespace the controllers create nothing: a deleted pod is not replaced, a new template makes no ReplicaSet', async () => {
  assert.equal((await c.run(['create', 'namespace', 'frozen'])).stdout, 'namespace/frozen created\n');
  assert.equal((await c.run(['create', 'deployment', 'web', '--image=nginx', '--replicas=2', '-n', 'frozen'])).code, 0);
  assert.equal((await c.run(['delete', 'ns', 'frozen', '--wait=false'])).code, 0);
  const pod = (await c.run(['get', 'pods', '-n', 'frozen', '-o', 'name'])).stdout.split('\n')[0];
  assert.deepEqual(await c.run(['delete', pod, '-n', 'frozen']), { code: 0, stdout: `${pod.replace('pod/', 'pod "')}" deleted\n`, stderr: '' });
  assert.equal((await c.run(['get', 'pods', '-n', 'frozen', '--no-headers'])).stdout.split('\n').filter(Boolean).length, 1);
  assert.equal((await c.run(['set', 'image', 'deploy/web', 'nginx=nginx:1.27', '-n', 'frozen'])).stdout, 'deployment.apps/web image updated\n');
  assert.equal((await c.run(['get', 'rs', '-n', 'frozen', '--no-headers'])).stdout.split('\n').filter(Boolean).length, 1);
  assert.equal((await c.run(['wait', '--for=delete', 'ns/frozen'])).code, 0);
});
