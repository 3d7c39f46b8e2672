// buildClusterGraph: the lesson 002 cluster as a plain model (nodes, pods on them, the Service and its
// endpoints, policies, recent paths), stable ids and order, -n/-A scope.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildClusterGraph } from '../../src/graph/model.js';
import { connect, exchange } from '../../src/net/engine.js';
import { fixture, GET } from '../net/fixture.js';
import { lessonsSetup } from '../cli/netsupport.js';
import { createObject } from '../../src/cluster/apiserver.js';

function lesson002() {
  const f = fixture();
  lessonsSetup(f);
  return f;
}

describe('buildClusterGraph', () => {
  it('lesson 002 in dev: the 5 demo pods on their nodes, demo-service with its endpoints', () => {
    const f = lesson002();
    const g = buildClusterGraph(f.state, { namespace: 'dev', flows: 0 });
    assert.equal(g.namespace, 'dev');
    assert.deepEqual(g.nodes.map((n) => n.id), ['node/kind-control-plane', 'node/kind-worker', 'node/kind-worker2', 'node/kind-worker3']);
    assert.deepEqual(g.nodes[0].roles, ['control-plane']);
    assert.match(g.nodes[1].internalIP, /^172\.18\.0\.\d+$/);
    assert.match(g.nodes[1].podCIDRs[0], /^10\.244\.\d+\.0\/24$/);
    assert.equal(g.pods.length, 5);
    assert.deepEqual(g.nodes.find((n) => n.name === 'kind-worker3')!.pods, ['pod/dev/demo-58465f467c-24bcq', 'pod/dev/demo-58465f467c-dhws5', 'pod/dev/demo-58465f467c-f29sm']);
    const svc = g.services.find((s) => s.id === 'svc/dev/demo-service')!;
    assert.equal(svc.clusterIP, '10.96.120.5');
    assert.deepEqual(svc.ports, [{ name: '', port: 80, targetPort: '8080', protocol: 'TCP' }]);
    assert.equal(svc.endpoints.length, 5);
    assert.ok(svc.endpoints.every((id) => g.pods.some((p) => p.id === id)));
    for (const p of g.pods) assert.match(p.ip, /^10\.244\./);
  });

  it('-A shows the jumpbox and kube-system; default shows the jumpbox but no demo pods', () => {
    const f = lesson002();
    const all = buildClusterGraph(f.state, { allNamespaces: true });
    assert.equal(all.namespace, null);
    assert.ok(all.pods.some((p) => p.id === 'pod/default/jumpbox'));
    assert.equal(all.pods.filter((p) => p.namespace === 'dev').length, 5);
    const def = buildClusterGraph(f.state, {});
    assert.ok(def.pods.some((p) => p.id === 'pod/default/jumpbox'));
    assert.ok(def.pods.every((p) => p.namespace === 'default'));
    assert.deepEqual(buildClusterGraph(f.state, { allNamespaces: true }), all, 'same state, same model');
  });

  it('a request becomes a path: pod -> service -> endpoint, with its summary', () => {
    const f = lesson002();
    const net = f.net();
    const jump = net.topo.podByKey.get('default/jumpbox')!;
    const c = connect(net, { kind: 'pod', pod: jump }, '10.96.120.5', 80, 'TCP');
    assert.equal(c.kind, 'connected');
    if (c.kind === 'connected') exchange(net, c.conn, GET('/'));
    const g = buildClusterGraph(f.state, { namespace: 'dev' });
    assert.equal(g.paths.length, 1);
    const p = g.paths[0];
    assert.equal(p.elements[0], 'pod/default/jumpbox');
    assert.equal(p.elements[1], 'svc/dev/demo-service');
    assert.match(p.elements[2], /^pod\/dev\/demo-/);
    assert.match(p.summary, /^pod\/default\/jumpbox -> 10\.96\.120\.5:80 \(ClusterIP\) -> DNAT -> 10\.244\.\d+\.\d+:8080 demo-58465f467c-\w+ \(kind-worker\d?\) \[200\]$/);
    assert.equal(buildClusterGraph(f.state, { namespace: 'kube-system' }).paths.length, 0, 'out of scope');
  });

  it('a NetworkPolicy fences the pods it selects', () => {
    const f = lesson002();
    createObject(f.state, f.ctx, { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'dev' }, spec: { podSelector: { matchLabels: { app: 'demo' } } } } as never, { namespace: 'dev' });
    const g = buildClusterGraph(f.state, { namespace: 'dev' });
    assert.deepEqual(g.policies.map((p) => [p.id, p.policyTypes, p.pods.length]), [['netpol/dev/deny', ['Ingress'], 5]]);
  });
});
