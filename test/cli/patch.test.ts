// `kubesim patch`: what a user sees (lines, errors, exit codes) and what the cluster does afterwards.
// Expected texts come from kubectl 1.32 (run against the stub API server with --dry-run=client, and its source).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';

let c: InProcessCluster;
before(async () => {
  c = inProcessCluster();
  for (const args of [
    ['create', 'deployment', 'kubia', '--image=luksa/kubia:1.0', '--replicas=3', '--port=8080'],
    ['expose', 'deploy', 'kubia', '--port=80', '--target-port=8080'],
    ['run', 'client', '--image=curlimages/curl', '--', 'sleep', 'infinity'],
  ]) {
    const r = await c.run(args);
    assert.equal(r.code, 0, r.stderr);
  }
});
after(() => c.cleanup());

const stateBytes = () => readFileSync(c.state);
async function fails(args: string[], stderr: string): Promise<void> {
  const before = stateBytes();
  const r = await c.run(args);
  assert.equal(r.stderr, stderr);
  assert.equal(r.stdout, '');
  assert.equal(r.code, 1);
  assert.deepEqual(stateBytes(), before, 'state unchanged');
}
const yamlOf = async (args: string[]) => {
  const r = await c.run([...args, '-o', 'yaml']);
  assert.equal(r.code, 0, r.stderr);
  return parse(r.stdout);
};
async function backends(n: number): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const r = await c.run(['curl', '--from', 'pod/client', '-s', 'http://kubia']);
    assert.equal(r.code, 0, r.stderr);
    seen.set(r.stdout, (seen.get(r.stdout) ?? 0) + 1);
  }
  return seen;
}

describe('patch', () => {
  test("sessionAffinity: ClientIP sends one client's next 20 requests to one backend", async () => {
    assert.ok((await backends(20)).size > 1, 'spread before the patch');
    const r = await c.run(['patch', 'svc', 'kubia', '-p', '{"spec":{"sessionAffinity":"ClientIP"}}']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'service/kubia patched\n', '']);
    assert.equal((await backends(20)).size, 1);
    // defaulted by the API server like any update
    assert.deepEqual((await yamlOf(['get', 'svc', 'kubia'])).spec.sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
  });

  test('the same patch again: patched (no change), nothing written', async () => {
    const before = stateBytes();
    const r = await c.run(['patch', 'svc/kubia', '-p', '{"spec":{"sessionAffinity":"ClientIP"}}']);
    assert.deepEqual([r.code, r.stdout], [0, 'service/kubia patched (no change)\n']);
    assert.deepEqual(stateBytes(), before);
  });

  test("a strategic patch of a container's image starts a rollout", async () => {
    const r = await c.run(['patch', 'deploy', 'kubia', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"kubia","image":"luksa/kubia:2.0"}]}}}}']);
    assert.deepEqual([r.code, r.stdout], [0, 'deployment.apps/kubia patched\n']);
    const d = await yamlOf(['get', 'deploy', 'kubia']);
    assert.equal(d.metadata.generation, 2);
    assert.equal(d.spec.template.spec.containers.length, 1, 'merged by name, not appended');
    assert.equal((await c.run(['rollout', 'status', 'deploy/kubia'])).code, 0);
    const images = (await c.run(['get', 'pods', '-l', 'app=kubia', '-o', 'jsonpath={.items[*].spec.containers[0].image}'])).stdout.split(' ');
    assert.deepEqual([...new Set(images)], ['luksa/kubia:2.0']);
  });

  test('lists merge by their keys: new items first, $patch: delete, $setElementOrder, primitive lists replaced', async () => {
    const add = await yamlOf(['patch', 'deploy', 'kubia', '--dry-run=client', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"side","image":"busybox","args":["a"]},{"name":"kubia","env":[{"name":"A","value":"1"}],"ports":[{"containerPort":9090}]}]}}}}']);
    const cs = add.spec.template.spec.containers;
    assert.deepEqual(cs.map((x: { name: string }) => x.name), ['side', 'kubia']);
    assert.deepEqual(cs[1].ports.map((p: { containerPort: number }) => p.containerPort), [9090, 8080]);
    assert.deepEqual(cs[1].env, [{ name: 'A', value: '1' }]);
    const del = await yamlOf(['patch', 'svc', 'kubia', '--dry-run=client', '-p', '{"spec":{"ports":[{"$patch":"delete","port":80},{"port":81}]}}']);
    assert.deepEqual(del.spec.ports, [{ port: 81 }]);
    const order = await yamlOf(['patch', 'svc', 'kubia', '--dry-run=client', '-p', '{"spec":{"ports":[{"port":81}],"$setElementOrder/ports":[{"port":80},{"port":81}]}}']);
    assert.deepEqual(order.spec.ports.map((p: { port: number }) => p.port), [80, 81]);
    const fin = await yamlOf(['patch', 'svc', 'kubia', '--dry-run=client', '-p', '{"metadata":{"finalizers":["a","b"],"$deleteFromPrimitiveList/finalizers":["a"]}}']);
    assert.deepEqual(fin.metadata.finalizers, ['b']);
  });

  test('--type merge and --type json (RFC 7386, RFC 6902), --dry-run=server stores nothing', async () => {
    const before = stateBytes();
    const m = await c.run(['patch', 'deploy', 'kubia', '--type', 'merge', '-p', '{"metadata":{"labels":{"x":"y"}}}', '--dry-run=server']);
    assert.deepEqual([m.code, m.stdout], [0, 'deployment.apps/kubia patched\n']);
    assert.deepEqual(stateBytes(), before);
    const j = await c.run(['patch', 'deploy', 'kubia', '--type=json', '-p', '[{"op":"add","path":"/metadata/labels/tier","value":"web"},{"op":"copy","from":"/metadata/labels/tier","path":"/metadata/annotations"}]', '-o', 'jsonpath={.metadata.labels.tier}']);
    assert.equal(j.code, 1, 'copying a string over metadata.annotations: the server cannot decode it');
    const ok = await c.run(['patch', 'deploy', 'kubia', '--type=json', '-p', '[{"op":"test","path":"/spec/replicas","value":3},{"op":"replace","path":"/spec/replicas","value":2}]', '-o', 'jsonpath={.spec.replicas}']);
    assert.deepEqual([ok.code, ok.stdout, ok.stderr], [0, '2', '']);
  });

  test('--subresource=scale patches an autoscaling/v1 Scale', async () => {
    const r = await c.run(['patch', 'deploy', 'kubia', '--subresource=scale', '--type=merge', '-p', '{"spec":{"replicas":4}}', '-o', 'yaml']);
    assert.equal(r.code, 0, r.stderr);
    const s = parse(r.stdout);
    assert.deepEqual([s.apiVersion, s.kind, s.spec.replicas], ['autoscaling/v1', 'Scale', 4]);
    assert.equal((await c.run(['get', 'deploy', 'kubia', '-o', 'jsonpath={.spec.replicas}'])).stdout, '4');
  });

  test('--local -f patches the file, not the cluster; --patch-file reads the patch', async () => {
    const f = join(c.dir, 'svc.yaml');
    writeFileSync(f, 'apiVersion: v1\nkind: Service\nmetadata:\n  name: local\nspec:\n  ports:\n  - port: 80\n');
    const p = join(c.dir, 'patch.yaml');
    writeFileSync(p, 'spec:\n  type: NodePort\n');
    const r = await c.run(['patch', '--local', '-f', f, '--patch-file', p, '-o', 'jsonpath={.spec.type}']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'NodePort', '']);
    assert.equal((await c.run(['get', 'svc', 'local'])).code, 1);
  });

  test("kubectl's errors, state unchanged", async () => {
    await fails(['patch', 'svc', 'nope', '-p', '{}'], 'Error from server (NotFound): services "nope" not found\n');
    await fails(['patch', 'svc', 'kubia'], 'error: must specify --patch or --patch-file containing the contents of the patch\n');
    await fails(['patch', 'svc', 'kubia', '-p', '{}', '--patch-file', 'x'], 'error: cannot specify --patch and --patch-file together\n');
    await fails(['patch', 'svc', 'kubia', '-p', '{}', '--type', 'foo'], 'error: --type must be one of [json merge strategic], not "foo"\n');
    await fails(['patch', 'svc', 'kubia', '-p', '{}', '--local'], 'error: cannot specify --local and server resources\n');
    await fails(['patch', 'svc', 'kubia', '--patch-file', '/nonexistent'], 'error: unable to read patch file: open /nonexistent: no such file or directory\n');
    await fails(['patch', 'svc', 'kubia', '-p', '{"a":'], 'Error from server (BadRequest): unexpected end of JSON input\n');
    await fails(['patch', 'svc', 'kubia', '-p', '{"a":', '--dry-run=client'], 'error: invalid JSON document\n');
    await fails(['patch', 'svc', 'kubia', '--type', 'json', '-p', '{"op":"x"}'], 'Error from server (BadRequest): json: cannot unmarshal object into Go value of type jsonpatch.Patch\n');
    await fails(['patch', 'svc', 'kubia', '--type', 'json', '-p', '[{"op":"test","path":"/spec/type","value":"X"}]'], 'The request is invalid: the server rejected our request due to an error in our request\n');
    await fails(['patch', 'svc', 'kubia', '--type', 'json', '-p', '[{"op":"test","path":"/spec/type","value":"X"}]', '--dry-run=client'], 'error: testing value /spec/type failed: test failed\n');
    await fails(['patch', 'svc', 'kubia', '--type', 'json', '-p', '[{"op":"remove","path":"/spec/nope"}]', '--dry-run=client'], "error: error in remove for path: '/spec/nope': Unable to remove nonexistent key: nope: missing value\n");
    await fails(['patch', 'svc', 'kubia', '--subresource=foo', '-p', '{}'], 'Error from server (NotFound): the server could not find the requested resource\n');
    await fails(['patch', 'svc', 'kubia', '-p', '{"metadata":{"resourceVersion":"1"}}'], 'Error from server (Conflict): Operation cannot be fulfilled on services "kubia": the object has been modified; please apply your changes to the latest version and try again\n');
    await fails(['patch', 'svc', 'kubia', '-p', '{"metadata":{"name":"other"}}'], 'Error from server (BadRequest): the name of the object (other) does not match the name on the URL (kubia)\n');
    const imm = await c.run(['patch', 'svc', 'kubia', '-p', '{"spec":{"clusterIP":"10.96.0.99"}}']);
    assert.equal(imm.code, 1);
    assert.match(imm.stderr, /^The Service "kubia" is invalid: spec.clusterIPs\[0\]: Invalid value: \[\]string\{"10.96.0.99"\}: may not change once set/);
  });

  test("a patch that is not YAML: go-yaml's words and line numbers (kubectl 1.32's output)", async () => {
    const cases: [string, string][] = [
      ['a: b: c', 'yaml: mapping values are not allowed in this context'],
      ['[1,2', "yaml: line 1: did not find expected ',' or ']'"],
      ['a: [', 'yaml: line 1: did not find expected node content'],
      ['"abc', 'yaml: found unexpected end of stream'],
      ['a:\n- b\nc', "yaml: line 4: could not find expected ':'"],
      ['spec:\n  a: b: c', 'yaml: line 2: mapping values are not allowed in this context'],
      ['spec:\n\tx: 1', 'yaml: line 2: found character that cannot start any token'],
      ['x: {a: [1\n', "yaml: line 1: did not find expected ',' or ']'"],
    ];
    for (const [p, msg] of cases) await fails(['patch', 'svc', 'kubia', '-p', p], `error: unable to parse ${JSON.stringify(p)}: ${msg}\n`);
  });

  test('an unknown field is dropped with a warning', async () => {
    const r = await c.run(['patch', 'svc', 'kubia', '-p', '{"spec":{"foo":1}}']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'service/kubia patched (no change)\n', 'Warning: unknown field "spec.foo"\n']);
  });
});
