// `kubesim get --raw PATH`: the simulated API server's bodies at health, version, discovery and object paths,
// and kubectl's checks of --raw against other flags.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';

describe('get --raw', () => {
  let c: InProcessCluster;
  before(async () => {
    c = inProcessCluster();
    assert.equal((await c.run(['run', 'web', '--image=nginx'])).code, 0);
  });
  after(() => c.cleanup());

  it('health endpoints answer "ok" without a newline; /version is indented JSON', async () => {
    for (const p of ['/readyz', '/livez', '/healthz', '/readyz/']) assert.deepEqual([(await c.run(['get', '--raw', p])).stdout, (await c.run(['get', '--raw', p])).code], ['ok', 0], p);
    const v = (await c.run(['get', '--raw', '/version'])).stdout;
    assert.match(v, /^\{\n {2}"major": "1",\n {2}"minor": "32",\n {2}"gitVersion": "v1\.32\.\d+",/);
    assert.ok(v.endsWith('"platform": "linux/amd64"\n}'));
  });

  it('discovery: /api names the control plane\'s address, /apis lists groups in the server\'s priority order', async () => {
    assert.equal((await c.run(['get', '--raw', '/api'])).stdout, '{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"172.18.0.2:6443"}]}\n');
    const apis = JSON.parse((await c.run(['get', '--raw', '/apis'])).stdout) as { groups: { name: string }[] };
    assert.deepEqual(apis.groups.map((g) => g.name).slice(0, 4), ['apps', 'autoscaling', 'batch', 'networking.k8s.io']);
    const apps = JSON.parse((await c.run(['get', '--raw', '/apis/apps/v1'])).stdout) as { groupVersion: string; resources: { name: string }[] };
    assert.equal(apps.groupVersion, 'apps/v1');
    assert.ok(apps.resources.some((r) => r.name === 'deployments'));
  });

  it('a list as the API server returns it, and one object', async () => {
    const list = JSON.parse((await c.run(['get', '--raw', '/api/v1/namespaces/default/pods'])).stdout) as { kind: string; apiVersion: string; metadata: { resourceVersion: string }; items: { kind?: string; metadata: { name: string } }[] };
    assert.deepEqual([list.kind, list.apiVersion, list.items.map((p) => p.metadata.name), list.items[0].kind], ['PodList', 'v1', ['web'], undefined]);
    assert.match(list.metadata.resourceVersion, /^\d+$/);
    const pod = JSON.parse((await c.run(['get', '--raw', '/api/v1/namespaces/default/pods/web'])).stdout) as { kind: string; status: { phase: string } };
    assert.deepEqual([pod.kind, pod.status.phase], ['Pod', 'Running']);
    const ns = JSON.parse((await c.run(['get', '--raw', '/api/v1/namespaces/kube-system'])).stdout) as { kind: string };
    assert.equal(ns.kind, 'Namespace');
  });

  it('errors: unknown paths, missing objects, and the flag checks', async () => {
    const cases: [string[], string][] = [
      [['get', '--raw', '/nosuch'], 'Error from server (NotFound): the server could not find the requested resource\n'],
      [['get', '--raw', '/api/v1/namespaces/default/pods/nosuch'], 'Error from server (NotFound): pods "nosuch" not found\n'],
      [['get', '--raw', '/apis/apps/v1/namespaces/default/deployments/x'], 'Error from server (NotFound): deployments.apps "x" not found\n'],
      [['get', '--raw', 'version'], 'error: --raw must be a valid URL path: parse "version": invalid URI for request\n'],
      [['get', 'pods', '--raw', '/version'], 'error: arguments may not be passed when --raw is specified\n'],
      [['get', '--raw', '/version', '-o', 'json'], 'error: --raw and --output are mutually exclusive\n'],
      [['get', '--raw', '/version', '-l', 'a=b'], 'error: --raw may not be specified with other flags that filter the server request or alter the output\n'],
    ];
    for (const [args, stderr] of cases) {
      const r = await c.run(args);
      assert.deepEqual([r.stdout, r.stderr, r.code], ['', stderr, 1], args.join(' '));
    }
  });
});
