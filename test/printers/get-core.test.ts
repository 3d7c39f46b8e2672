// The get core's behaviours beyond single tables: groups, -A quirks, sorting, templates from files, errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runGet, type GetOptions } from '../../src/printers/get.js';
import type { KubeObject } from '../../src/api/types.js';
import { KubeError } from '../../src/api/errors.js';
import * as fx from './fixtures.js';

async function get(objs: KubeObject[], args: string[], opts: Partial<GetOptions> = {}) {
  return runGet(fx.stateOf(objs), fx.NOW, { args, namespace: 'default', ...opts });
}
async function error(objs: KubeObject[], args: string[], opts: Partial<GetOptions> = {}): Promise<string> {
  try {
    await get(objs, args, opts);
  } catch (e) {
    if (e instanceof KubeError) return e.render();
    throw e;
  }
  throw new Error('no error');
}

test('-A with a cluster-scoped kind after a namespaced one keeps an empty NAMESPACE column', async () => {
  const r = await get([...fx.services(), ...fx.namespaces()], ['svc,ns'], { allNamespaces: true, selector: 'none!=x' });
  const groups = r.stdout.split('\n\n');
  assert.equal(groups.length, 2);
  assert.match(groups[0], /^NAMESPACE {5}NAME {21}TYPE/);
  assert.equal(groups[1].split('\n')[0], 'NAMESPACE   NAME                           STATUS   AGE');
  assert.equal(groups[1].split('\n')[1], '            namespace/default              Active   5d');
  const first = await get([...fx.services(), ...fx.namespaces()], ['ns,svc'], { allNamespaces: true });
  assert.equal(first.stdout.split('\n')[0], 'NAME                           STATUS   AGE');
});

test('--no-headers with several kinds: no header, no blank line', async () => {
  const r = await get([...fx.workloads()], ['deploy,rs'], { noHeaders: true });
  assert.equal(r.stdout, 'deployment.apps/kubia   3/3   3     3     3h20m\nreplicaset.apps/kubia-5d8f7c9b6d   3     3     3     3h20m\n');
});

test('get all: pods, replicationcontrollers, services, deployments, replicasets, with kind prefixes', async () => {
  const r = await get([...fx.pods(), ...fx.services(), ...fx.workloads()], ['all'], { output: 'name' });
  const kinds = [...new Set(r.stdout.trim().split('\n').map((l) => l.split('/')[0]))];
  assert.deepEqual(kinds, ['pod', 'service', 'deployment.apps', 'replicaset.apps']);
  const t = await get(fx.workloads(), ['all']);
  assert.match(t.stdout, /^NAME {20}READY/);
  assert.match(t.stdout, /\ndeployment\.apps\/kubia {3}3\/3/);
});

test('get pods,events -o wide puts the event/ prefix on the NAME column', async () => {
  const r = await get([...fx.events()], ['pods,events'], { output: 'wide' });
  const line = r.stdout.split('\n')[1];
  assert.ok(line.startsWith('47s '));
  assert.ok(line.endsWith('   event/crashy.1'));
});

test('--show-kind on one kind', async () => {
  const r = await get(fx.namespaces(), ['ns', 'default'], { showKind: true });
  assert.equal(r.stdout, 'NAME                STATUS   AGE\nnamespace/default   Active   5d\n');
});

test('-L: header is the upper-cased last path segment, missing labels are empty', async () => {
  const r = await get(fx.pods(), ['pods', 'crashy', 'kubia-5d8f7c9b6d-8xkzq'], { labelColumns: ['app,run', 'pod-template-hash'] });
  assert.equal(r.stdout, `NAME                     READY   STATUS             RESTARTS      AGE     APP     RUN      POD-TEMPLATE-HASH
crashy                   0/1     CrashLoopBackOff   7 (49s ago)   45d             crashy   
kubia-5d8f7c9b6d-8xkzq   1/1     Running            0             5m16s   kubia            5d8f7c9b6d
`);
});

test('--sort-by orders by the JSONPath value', async () => {
  const r = await get(fx.pods(), ['pods'], { sortBy: '{.metadata.creationTimestamp}', output: 'name' });
  assert.deepEqual(r.stdout.trim().split('\n').slice(0, 3), ['pod/client-pod', 'pod/crashy', 'pod/kubia-5d8f7c9b6d-r7t2p']);
  const byIP = await get(fx.pods(), ['pods'], { sortBy: '.status.podIP', output: 'name', fieldSelector: 'status.phase=Running' });
  // IPs compare byte-wise, as kubectl compares strings: 10.244.2.11 before 10.244.2.7.
  assert.deepEqual(byIP.stdout.trim().split('\n'), ['pod/kubia-5d8f7c9b6d-8xkzq', 'pod/kubia-5d8f7c9b6d-r7t2p', 'pod/crashy', 'pod/terminating-pod', 'pod/kubia-5d8f7c9b6d-hzmwq']);
});

test('field selectors: spec.nodeName, status.phase, unsupported field', async () => {
  assert.equal((await get(fx.pods(), ['pods'], { fieldSelector: 'spec.nodeName=kind-worker2', output: 'name' })).stdout, 'pod/kubia-5d8f7c9b6d-hzmwq\n');
  assert.equal((await get(fx.pods(), ['pods'], { fieldSelector: 'status.phase!=Running,status.phase!=Pending', output: 'name' })).stdout, 'pod/client-pod\n');
  // The API server refuses the list; kubectl reports it and goes on with any other type (exit 1).
  const bad = await get(fx.pods(), ['pods'], { fieldSelector: 'spec.foo=bar' });
  assert.deepEqual(
    [bad.exitCode, bad.stdout, bad.stderr],
    [1, '', 'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "", field selector "spec.foo=bar": field label not supported: spec.foo\n'],
  );
});

test('structured output: one name gives the object, several or a list a List', async () => {
  const one = JSON.parse((await get(fx.namespaces(), ['ns', 'default'], { output: 'json' })).stdout);
  assert.equal(one.kind, 'Namespace');
  const two = JSON.parse((await get(fx.namespaces(), ['ns', 'default', 'kube-public'], { output: 'json' })).stdout);
  assert.deepEqual([two.kind, two.items.length], ['List', 2]);
  const slash = JSON.parse((await get(fx.namespaces(), ['ns/default'], { output: 'json' })).stdout);
  assert.equal(slash.kind, 'Namespace');
  const empty = await get([], ['pods'], { output: 'yaml' });
  assert.deepEqual([empty.stdout, empty.stderr], ['apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: ""\n', '']);
  const name = await get([], ['pods'], { output: 'name' });
  assert.deepEqual([name.stdout, name.stderr], ['', '']);
  const cc = await get([], ['pods'], { output: 'custom-columns=NAME:.metadata.name' });
  assert.equal(cc.stdout, 'NAME\n');
});

test('NotFound with -o json: found objects printed as a List, errors after', async () => {
  const r = await get(fx.namespaces(), ['ns', 'default', 'nosuch'], { output: 'json' });
  assert.equal(JSON.parse(r.stdout).items.length, 1);
  assert.equal(r.stderr, 'Error from server (NotFound): namespaces "nosuch" not found\n');
  assert.equal(r.exitCode, 1);
});

test('templates from files and their errors', async () => {
  const files: Record<string, string> = { '/cols': 'NAME   PHASE\n.metadata.name   {.status.phase}\n', '/jp': '{.metadata.name}' };
  const readFile = (p: string) => {
    if (files[p] === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    return files[p];
  };
  assert.equal((await get(fx.namespaces(), ['ns', 'default'], { output: 'custom-columns-file=/cols', readFile })).stdout, 'NAME      PHASE\ndefault   Active\n');
  assert.equal((await get(fx.namespaces(), ['ns', 'default'], { output: 'jsonpath-file=/jp', readFile })).stdout, 'default');
  assert.equal(await error(fx.namespaces(), ['ns'], { output: 'custom-columns-file=/nonexist', readFile }), 'error: error reading template /nonexist, open /nonexist: no such file or directory');
  assert.equal(await error(fx.namespaces(), ['ns'], { output: 'custom-columns=' }), 'error: custom-columns format specified but no custom columns given');
  assert.equal(await error(fx.namespaces(), ['ns'], { output: 'custom-columns=NAME' }), 'error: unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>');
  assert.equal(await error(fx.namespaces(), ['ns'], { output: 'jsonpath=' }), 'error: template format specified but no template given');
});

test('-o jsonpath with --template', async () => {
  assert.equal((await get(fx.namespaces(), ['ns'], { output: 'jsonpath', template: '{.items[0].metadata.name}' })).stdout, 'default');
});

test('labels: set-based selectors', async () => {
  const r = await get(fx.pods(), ['pods'], { selector: 'run in (crashy,creating),run!=creating', output: 'name' });
  assert.equal(r.stdout, 'pod/crashy\n');
  const n = await get(fx.pods(), ['pods'], { selector: '!run', output: 'name' });
  assert.equal(n.stdout.trim().split('\n').length, 3);
});

test('--sort-by errors as kubectl words them; the type is checked before the output format', async () => {
  assert.equal(await error(fx.namespaces(), ['ns'], { sortBy: '.nope' }), 'error: couldn\'t find any field with path "{.nope}" in the list of objects');
  assert.equal(await error(fx.namespaces(), ['ns'], { sortBy: '{.metadata.name' }), "error: unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'");
  assert.match(await error([], [], { output: 'foo' }), /^You must specify the type of resource to get\./);
  assert.equal(await error([], ['pods'], { output: 'jsonpath={.x', selector: 'a=b' }), 'error: error parsing jsonpath {.x, unclosed action');
});

test('-A with a name: only cluster-scoped kinds may be named', async () => {
  assert.equal(await error(fx.services(), ['svc', 'kubernetes'], { allNamespaces: true }), 'error: a resource cannot be retrieved by name across all namespaces');
  assert.equal(await error(fx.services(), ['svc/kubernetes'], { allNamespaces: true }), 'error: a resource cannot be retrieved by name across all namespaces');
  assert.equal((await get(fx.namespaces(), ['ns', 'default'], { allNamespaces: true, output: 'name' })).stdout, 'namespace/default\n');
});
