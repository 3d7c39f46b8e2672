import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clusterWithDev, saved } from './workloads-support.js';

test('set image updates the template (printing nothing when nothing changes) and names missing containers', async () => {
  const c = clusterWithDev();
  try {
    await c.run(['create', 'deployment', 'demo', '--image=demo:1.0.0', '--replicas=2', '-n', 'dev']);
    assert.deepEqual(await c.run(['set', 'image', 'deployment/demo', 'demo=demo:1.1.0', '-n', 'dev']), { code: 0, stdout: 'deployment.apps/demo image updated\n', stderr: '' });
    const d = saved(c).objects.deployments['dev/demo'] as unknown as { spec: { template: { spec: { containers: { image: string }[] } } } };
    assert.equal(d.spec.template.spec.containers[0].image, 'demo:1.1.0');
    assert.deepEqual(await c.run(['set', 'image', 'deployment', 'demo', 'demo=demo:1.1.0', '-n', 'dev']), { code: 0, stdout: '', stderr: '' });
    assert.deepEqual((await c.run(['set', 'image', 'deploy/demo', '*=demo:1.2.0', '-n', 'dev'])).stdout, 'deployment.apps/demo image updated\n');
    assert.deepEqual(await c.run(['set', 'image', 'deploy/demo', 'web=demo:1.1.0', '-n', 'dev']), { code: 1, stdout: '', stderr: 'error: unable to find container named "web"\n' });
    assert.deepEqual(await c.run(['set', 'image', 'deploy/demo', '-n', 'dev']), { code: 1, stdout: '', stderr: 'error: at least one image update is required\n' });
    assert.deepEqual(await c.run(['set', 'image', 'deploy/nope', 'a=b', '-n', 'dev']), { code: 1, stdout: '', stderr: 'Error from server (NotFound): deployments.apps "nope" not found\n' });
    assert.deepEqual(await c.run(['set', 'foo']), { code: 1, stdout: '', stderr: "error: unknown command \"foo\"\nSee 'kubectl set -h' for help and examples\n" });
  } finally {
    c.cleanup();
  }
});
