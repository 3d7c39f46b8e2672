// `kubesim get` structured output next to the real kubectl's for the same cluster: kubesim's state is served to
// kubectl by the stub API server, and both must print the same bytes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ClusterState } from '../../src/store/state.js';
import { readState } from '../../src/store/store.js';
import { ROOT, tempCluster, type TempCluster } from '../support/cli.js';
import { skipWithoutKubectl, withKubectl } from '../support/stub-apiserver.js';

let c: TempCluster;
let state: ClusterState;
before(() => {
  c = tempCluster({ now: '2026-11-22T01:30:00Z', seed: 5 });
  for (const f of ['manifests', 'manifests/lessons/pod-networking.yaml', 'manifests/lessons/kubia-named-ports.yaml']) {
    const r = c.run(['apply', '-f', join(ROOT, f)]);
    assert.equal(r.code, 0, r.stderr);
  }
  state = readState(c.state)!;
});
after(() => c?.cleanup());

const COMMANDS: string[][] = [
  ['get', 'pods', '-o', 'yaml'],
  ['get', 'pods', '-A', '-o', 'json'],
  ['get', 'pod', 'kiada', '-o', 'yaml'],
  ['get', 'svc', '-A', '-o', 'yaml'],
  ['get', 'nodes', '-o', 'yaml'],
  ['get', 'ns', 'dev', '-o', 'json'],
  ['get', 'deploy,rs', '-n', 'dev', '-o', 'yaml'],
  ['get', 'ep', '-A', '-o', 'yaml'],
  ['get', 'pods', '-A', '-o', 'name'],
  ['get', 'nodes', '-o', 'jsonpath={.items[*].status.addresses[?(@.type=="InternalIP")].address}'],
  ['get', 'pods', '-n', 'dev', '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.status.podIP}{"\\t"}{.spec.nodeName}{"\\n"}{end}'],
  ['get', 'pods', '-A', '-o', 'custom-columns=NAME:.metadata.name,IP:.status.podIP,PORTS:.spec.containers[*].ports[*].containerPort,OWNER:.metadata.ownerReferences[0].kind'],
  ['get', 'svc', '-A', '-o', 'jsonpath-as-json={.items[*].spec.ports}'],
  ['get', 'pod', 'kiada', '-o', 'jsonpath={.status}'],
  ['get', 'pods', '-n', 'dev', '-o', 'jsonpath={.items[0].metadata.ownerReferences[0]}'],
  ['get', '-f', join(ROOT, 'manifests/kiada-pod.yaml'), '-o', 'yaml'],
  ['get', '-f', join(ROOT, 'manifests'), '-o', 'json'],
  ['get', '-f', join(ROOT, 'manifests/lessons/pod-networking.yaml'), '-o', 'name'],
];

for (const args of COMMANDS) {
  test(`kubesim ${args.join(' ')} prints what kubectl prints`, { skip: skipWithoutKubectl() }, async () => {
    const mine = c.run(args);
    await withKubectl(state, async (kubectl) => {
      const real = await kubectl(args);
      assert.equal(real.code, 0, real.stderr);
      assert.equal(mine.stdout, real.stdout);
      assert.equal(mine.code, 0);
    });
  });
}

const FAILING: string[][] = [
  ['get', 'pod', 'nosuch'],
  ['get', 'pods', 'kiada', 'nosuch', '-o', 'name'],
  ['get', 'svc', 'nosuch', '-n', 'kube-system', '-o', 'yaml'],
  ['get', 'pod', 'kiada', '-o', 'jsonpath={.spec.containers[5].name}'],
  ['get', 'pods', '-o', 'jsonpath={.items[0].metadata.name'],
  ['get', 'pods', '-o', 'custom-columns=NAME'],
  ['get', '-f', join(ROOT, 'manifests/kiada-pod.yaml'), 'pods'],
  ['get', '-f', join(ROOT, 'manifests/nosuch.yaml')],
];

for (const args of FAILING) {
  test(`kubesim ${args.join(' ')} fails as kubectl does`, { skip: skipWithoutKubectl() }, async () => {
    const mine = c.run(args);
    await withKubectl(state, async (kubectl) => {
      const real = await kubectl(args);
      assert.deepEqual([mine.stdout, mine.stderr, mine.code], [real.stdout, real.stderr, real.code]);
    });
  });
}
