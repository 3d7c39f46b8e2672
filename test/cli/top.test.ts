// `kubesim top`: kind's "Metrics API not available" until a metrics-server runs in kube-system, then usage
// derived from requests and served requests, in kubectl's tables (cells tab-terminated: lines end in padding).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';

describe('top', () => {
  let c: InProcessCluster;
  before(async () => {
    c = inProcessCluster();
    assert.equal((await c.run(['create', 'deployment', 'web', '--image=nginx', '--replicas=2'])).code, 0);
  });
  after(() => c.cleanup());

  it('a fresh cluster has no Metrics API, as kind has none', async () => {
    const r = await c.run(['top', 'pods']);
    assert.deepEqual([r.stdout, r.stderr, r.code], ['', 'error: Metrics API not available\n', 1]);
    assert.equal((await c.run(['top', 'nodes'])).stderr, 'error: Metrics API not available\n');
  });

  it('with a ready metrics-server: pods, containers, nodes; requests served raise the app\'s CPU', async () => {
    assert.equal((await c.run(['create', 'deployment', 'metrics-server', '-n', 'kube-system', '--image=registry.k8s.io/metrics-server/metrics-server:v0.7.2'])).code, 0);
    assert.equal((await c.run(['wait', '--for=condition=available', 'deploy/metrics-server', '-n', 'kube-system'])).code, 0);
    const pods = (await c.run(['top', 'pods'])).stdout.split('\n');
    assert.equal(pods[0], 'NAME                   CPU(cores)   MEMORY(bytes)   ');
    assert.match(pods[1], /^web-\S+ {3}\dm {11}\dMi {13}$/);
    assert.equal(pods.length, 4);
    const nodes = (await c.run(['top', 'nodes'])).stdout.split('\n');
    assert.equal(nodes[0], 'NAME                 CPU(cores)   CPU(%)   MEMORY(bytes)   MEMORY(%)   ');
    assert.match(nodes[1], /^kind-control-plane {3}\d+m +\d+% +\d+Mi +\d+% +$/);
    const names = (await c.run(['get', 'pods', '-l', 'app=web', '-o', 'name'])).stdout.trim().split('\n');
    const ip = (await c.run(['get', names[0], '-o', 'jsonpath={.status.podIP}'])).stdout;
    const before = (await c.run(['top', 'pod', names[0].slice(4), '--no-headers'])).stdout;
    const cpu = (line: string) => Number(/\s(\d+)m\s/.exec(line)![1]);
    assert.equal((await c.run(['run', 'load', '--image=busybox', '--restart=Never', '--', 'sh', '-c', `for i in $(seq 1 20); do wget -qO- http://${ip}/ >/dev/null; done`])).code, 0);
    const afterLoad = (await c.run(['top', 'pod', names[0].slice(4), '--no-headers'])).stdout;
    assert.ok(cpu(afterLoad) >= cpu(before) + 9, `${before} -> ${afterLoad}`);
    assert.match((await c.run(['top', 'pod', '--containers', '-l', 'app=web'])).stdout, /^POD {20}NAME {4}CPU\(cores\) {3}MEMORY\(bytes\) {3}\n/);
  });

  it('errors', async () => {
    const cases: [string[], string][] = [
      [['top', 'pod', 'nosuch'], 'Error from server (NotFound): podmetrics.metrics.k8s.io "default/nosuch" not found\n'],
      [['top', 'node', 'nosuch'], 'Error from server (NotFound): nodemetrics.metrics.k8s.io "nosuch" not found\n'],
      [['top', 'pods', '--sort-by=name'], 'error: --sort-by accepts only cpu or memory\n'],
    ];
    for (const [args, stderr] of cases) {
      const r = await c.run(args);
      assert.deepEqual([r.stderr, r.code], [stderr, 1], args.join(' '));
    }
    assert.equal((await c.run(['top', 'pods', '-n', 'empty'])).stderr, 'No resources found in empty namespace.\n');
  });
});
