import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clusterWithDev, saved, savedPods } from './workloads-support.js';

test('scale prints kubectl messages, honours --current-replicas and reports mistakes', async () => {
  const c = clusterWithDev();
  try {
    await c.run(['create', 'deployment', 'demo', '--image=demo:1.0.0', '--replicas=5', '-n', 'dev']);
    assert.deepEqual(await c.run(['scale', 'deployment', 'demo', '--replicas', '0', '-n', 'dev']), { code: 0, stdout: 'deployment.apps/demo scaled\n', stderr: '' });
    assert.equal(savedPods(c, 'dev', 'demo-').length, 0);
    assert.deepEqual(await c.run(['scale', '--replicas=5', 'deploy/demo', '-n', 'dev']), { code: 0, stdout: 'deployment.apps/demo scaled\n', stderr: '' });
    assert.equal(savedPods(c, 'dev', 'demo-').length, 5);
    const before = saved(c).resourceVersion;
    assert.deepEqual(await c.run(['scale', 'deploy/demo', '--current-replicas=2', '--replicas=3', '-n', 'dev']), { code: 1, stdout: '', stderr: 'error: Expected replicas to be 2, was 5\n' });
    assert.equal(saved(c).resourceVersion, before, 'state unchanged');
    assert.deepEqual((await c.run(['scale', 'deploy/demo', '--current-replicas=5', '--replicas=3', '-n', 'dev'])).stdout, 'deployment.apps/demo scaled\n');
    const rs = Object.values(saved(c).objects.replicasets).find((r) => r.metadata.namespace === 'dev')!;
    assert.deepEqual((await c.run(['scale', 'rs', rs.metadata.name, '--replicas=3', '-n', 'dev'])).stdout, `replicaset.apps/${rs.metadata.name} scaled\n`);
    assert.deepEqual(await c.run(['scale', 'deploy', 'demo', '-n', 'dev']), { code: 1, stdout: '', stderr: 'error: required flag(s) "replicas" not set\n' });
    assert.deepEqual(await c.run(['scale', 'deploy', 'demo', '--replicas=-1']), { code: 1, stdout: '', stderr: 'error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n' });
    assert.deepEqual(await c.run(['scale', 'deploy', 'nope', '--replicas=1']), { code: 1, stdout: '', stderr: 'Error from server (NotFound): deployments.apps "nope" not found\n' });
    assert.deepEqual(await c.run(['scale', '--replicas=1']), {
      code: 1,
      stdout: '',
      stderr: "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n",
    });
    assert.deepEqual(await c.run(['scale', 'deploy', '--replicas=1']), { code: 1, stdout: '', stderr: 'error: resource(s) were provided, but no name was specified\n' });
    assert.deepEqual((await c.run(['scale', 'deploy', 'deploy/demo', '--replicas=1'])).stderr, "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'\n");
    // Verified against kubectl v1.32 offline: pflag's parse errors print through cobra ("Error:").
    assert.deepEqual(await c.run(['scale', 'deploy', 'demo', '--replicas=abc']), {
      code: 1,
      stdout: '',
      stderr: 'Error: invalid argument "abc" for "--replicas" flag: strconv.ParseInt: parsing "abc": invalid syntax\nSee \'kubectl scale --help\' for usage.\n',
    });
    assert.deepEqual((await c.run(['scale', 'deploy', 'demo', '--replicas=2', '--dry-run=server', '-n', 'dev'])).stdout, 'deployment.apps/demo scaled (server dry run)\n');
    assert.deepEqual((await c.run(['scale', 'deploy', 'demo', '--replicas=2', '--dry-run=bogus', '-n', 'dev'])).stderr, 'error: Invalid dry-run value (bogus). Must be "none", "server", or "client".\n');
    assert.deepEqual((await c.run(['scale', 'foo/demo', '--replicas=1'])).stderr, 'error: the server doesn\'t have a resource type "foo"\n');
  } finally {
    c.cleanup();
  }
});

test('scale --resource-version is a precondition; a client dry run checks no precondition (kubectl only prints)', async () => {
  const c = clusterWithDev();
  try {
    await c.run(['create', 'deployment', 'demo', '--image=demo:1.0.0', '--replicas=1', '-n', 'dev']);
    const rv = (await c.run(['get', 'deploy', 'demo', '-n', 'dev', '-o', 'jsonpath={.metadata.resourceVersion}'])).stdout;
    assert.deepEqual(await c.run(['scale', 'deploy/demo', '--replicas=2', '--resource-version=1', '-n', 'dev']), { code: 1, stdout: '', stderr: `error: Expected resource version to be 1, was ${rv}\n` });
    assert.deepEqual(await c.run(['scale', 'deploy/demo', '--replicas=2', '--current-replicas=5', '--resource-version=1', '--dry-run=client', '-n', 'dev']), {
      code: 0,
      stdout: 'deployment.apps/demo scaled (dry run)\n',
      stderr: '',
    });
    assert.deepEqual(await c.run(['scale', 'deploy/demo', '--replicas=2', `--resource-version=${rv}`, '-n', 'dev']), { code: 0, stdout: 'deployment.apps/demo scaled\n', stderr: '' });
  } finally {
    c.cleanup();
  }
});
