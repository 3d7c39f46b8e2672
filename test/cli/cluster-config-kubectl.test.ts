// The shapes as the real kubectl prints them: a k8s-lab cluster's node and a lesson pod served by the stub API
// server to kubectl v1.32, described by both (the stub serves no server-side tables, so `get` is not compared).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readState } from '../../src/store/store.js';
import { ROOT, tempCluster } from '../support/cli.js';
import { skipWithoutKubectl, withKubectl } from '../support/stub-apiserver.js';

const c = tempCluster();
c.env.KUBECONFIG = join(c.dir, 'kubeconfig');
after(() => c.cleanup());

/** Ages (kubectl measures them from the real clock, kubesim from KUBESIM_NOW) and the Events section aside. */
function ageless(s: string): string {
  return s.replace(/\nEvents:[\s\S]*$/, '\n').replace(/ +\d+(s|m|h|d)(\d+(s|m|h))?( +|\n)/g, ' AGE$4').replace(/ AGE +/g, ' AGE ');
}

test('kubectl prints the k8s-lab nodes and a lesson pod as kubesim does', { skip: skipWithoutKubectl() }, async () => {
  for (const args of [
    ['cluster', 'create', '--config', join(ROOT, 'manifests', 'clusters', 'k8s-lab.yaml'), '--name', 'kind'],
    ['apply', '-f', join(ROOT, 'manifests', 'nginx-pod.yaml')],
  ]) {
    const r = c.run(args);
    assert.equal(r.code, 0, r.stderr);
  }
  const state = readState(c.state)!;
  await withKubectl(state, async (kubectl) => {
    for (const args of [
      ['describe', 'pod', 'nginx-pod'],
      ['describe', 'node', 'worker02.k8s.lab'],
    ]) {
      const real = await kubectl(args);
      assert.equal(real.code, 0, real.stderr);
      const ours = c.run(args);
      assert.equal(ours.code, 0, ours.stderr);
      assert.equal(ageless(ours.stdout), ageless(real.stdout), `kubectl ${args.join(' ')}`);
    }
  });
});
