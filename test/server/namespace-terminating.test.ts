// A namespace's Terminating phase through `kubesim serve`, with the real kubectl v1.32: a DELETE only marks the
// namespace, its objects stay (and can be deleted, not created) until the namespace controller empties it five
// seconds later, and kubectl's --wait sees it go without any further request changing the cluster.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/cli.js';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';
import { kubectl, startServe, waitUntil, type Served } from '../support/serve.js';
import { skipWithoutKubectl } from '../support/stub-apiserver.js';

const skip = skipWithoutKubectl();

describe('a namespace terminating, through kubesim serve and the real kubectl', { skip }, () => {
  let c: InProcessCluster;
  let s: Served;
  const k = (args: string[]) => kubectl(s, c, args, { timeoutMs: 60_000 });

  before(async () => {
    c = inProcessCluster();
    await c.run(['get', 'nodes']);
    s = await startServe(c);
  });

  after(async () => {
    if (s?.child.exitCode === null) s.child.kill('SIGKILL');
    c?.cleanup();
  });

  test('delete -k of an overlay with its own Namespace: every object deleted, exit 0, the namespace gone after', async () => {
    const dev = join(ROOT, 'manifests/kustomize/overlays/dev');
    const a = await k(['apply', '-k', dev]);
    assert.equal(a.code, 0, a.stderr);
    const d = await k(['delete', '-k', dev]);
    assert.deepEqual([d.stdout, d.stderr, d.code], ['namespace "dev" deleted\nconfigmap "dev-web-config-mkhkf4gd59" deleted\nservice "dev-web" deleted\ndeployment.apps "dev-web" deleted\n', '', 0]);
    const g = await k(['get', 'ns', 'dev']);
    assert.deepEqual([g.stdout, g.stderr, g.code], ['', 'Error from server (NotFound): namespaces "dev" not found\n', 1]);
    assert.equal((await c.run(['get', 'all', '-n', 'dev'])).stderr, 'No resources found in dev namespace.\n');
  });

  test('delete ns --wait=false: Terminating, its objects still there, creating in it Forbidden; wait --for=delete ends with it', async () => {
    assert.equal((await k(['create', 'namespace', 'gone'])).stdout, 'namespace/gone created\n');
    assert.equal((await k(['create', 'configmap', 'kept', '-n', 'gone'])).stdout, 'configmap/kept created\n');
    const d = await k(['delete', 'ns', 'gone', '--wait=false']);
    assert.deepEqual([d.stdout, d.stderr, d.code], ['namespace "gone" deleted\n', '', 0]);
    assert.match((await k(['get', 'ns', 'gone'])).stdout, /^gone +Terminating +\S+\n$/m);
    assert.match((await k(['get', 'configmaps', '-n', 'gone'])).stdout, /^kept /m);
    const create = await k(['create', 'configmap', 'new', '-n', 'gone']);
    assert.equal(create.code, 1);
    assert.match(create.stderr, /configmaps "new" is forbidden: unable to create new content in namespace gone because it is being terminated\n$/);
    const again = await k(['delete', 'ns', 'gone', '--wait=false']);
    assert.deepEqual([again.stderr, again.code], ['Error from server (Conflict): Operation cannot be fulfilled on namespaces "gone": The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.\n', 1]);
    const w = await k(['wait', '--for=delete', 'ns/gone', '--timeout=30s']);
    assert.deepEqual([w.stdout, w.code], ['namespace/gone condition met\n', 0]);
    assert.equal((await k(['get', 'configmaps', '-n', 'gone'])).stderr, 'No resources found in gone namespace.\n');
  });

  test('a namespace another finalizer holds: emptied, conditions set, Terminating until finalize removes that finalizer', async () => {
    const manifest = join(c.dir, 'held.yaml');
    writeFileSync(manifest, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: held\nspec:\n  finalizers: [example.com/keep]\n');
    assert.equal((await k(['apply', '-f', manifest])).stdout, 'namespace/held created\n');
    assert.equal((await k(['create', 'configmap', 'c', '-n', 'held'])).code, 0);
    assert.equal((await k(['delete', 'ns', 'held', '--wait=false'])).stdout, 'namespace "held" deleted\n');
    const reason = async () => (await k(['get', 'ns', 'held', '-o', 'jsonpath={.status.conditions[?(@.type=="NamespaceContentRemaining")].reason}'])).stdout;
    await waitUntil(async () => (await reason()) === 'ContentRemoved', 'the namespace controller to empty it', 30_000);
    assert.equal((await k(['get', 'configmaps', '-n', 'held'])).stderr, 'No resources found in held namespace.\n');
    assert.deepEqual([(await k(['get', 'ns', 'held', '-o', 'jsonpath={.status.phase} {.spec.finalizers}'])).stdout], ['Terminating ["example.com/keep"]']);
    const body = join(c.dir, 'finalize.json');
    writeFileSync(body, JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'held' }, spec: { finalizers: [] } }));
    const f = await k(['replace', '--raw', '/api/v1/namespaces/held/finalize', '-f', body]);
    assert.equal(f.code, 0, f.stderr);
    assert.match(f.stdout, /"name":"held"/);
    assert.equal((await k(['get', 'ns', 'held'])).stderr, 'Error from server (NotFound): namespaces "held" not found\n');
  });

  test('delete ns waits until the namespace is gone; get then says NotFound', async () => {
    assert.equal((await k(['create', 'namespace', 'brief'])).stdout, 'namespace/brief created\n');
    const d = await k(['delete', 'ns', 'brief']);
    assert.deepEqual([d.stdout, d.stderr, d.code], ['namespace "brief" deleted\n', '', 0]);
    const g = await k(['get', 'ns', 'brief']);
    assert.deepEqual([g.stdout, g.stderr, g.code], ['', 'Error from server (NotFound): namespaces "brief" not found\n', 1]);
  });
});
