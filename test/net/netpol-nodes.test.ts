// NetworkPolicy at the edges of the pod network, as kindnet's policy agent and the common CNIs treat them:
// the pod's own node always gets in; other nodes, host-network pods and outside clients are only addresses
// (ipBlock); host-network pods are never isolated; egress to node addresses is judged by ipBlock; the source
// an isolated pod judges is the one it sees after kube-proxy's masquerade.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../src/api/types.js';
import { connect, type Client } from '../../src/net/engine.js';
import { fromWorkstation } from '../../src/net/index.js';
import { putObject } from '../../src/store/objects.js';
import { fixture, GET } from './fixture.js';

function np(ns: string, name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec } as KubeObject;
}

function cluster() {
  const f = fixture();
  f.pod('web', 'nginx', { node: 'kind-worker', labels: { app: 'web' } });
  f.pod('hostnet-local', 'busybox', { node: 'kind-worker', hostNetwork: true, container: { command: ['sleep', 'infinity'] } });
  f.pod('hostnet-far', 'busybox', { node: 'kind-worker2', hostNetwork: true, container: { command: ['sleep', 'infinity'] } });
  f.pod('client', 'busybox', { node: 'kind-worker2', container: { command: ['sleep', 'infinity'] } });
  putObject(f.state, 'networkpolicies', np('default', 'deny-web', { podSelector: { matchLabels: { app: 'web' } }, ingress: [] }));
  return f;
}

const node = (f: ReturnType<typeof fixture>, name: string): Client => ({ kind: 'node', node: f.net().topo.nodeByName.get(name)! });
const pod = (f: ReturnType<typeof fixture>, name: string): Client => ({ kind: 'pod', pod: f.net().topo.podByKey.get(`default/${name}`)! });
const texts = (r: { trace: { stage: string; text: string }[] }) => r.trace.filter((h) => h.stage === 'policy').map((h) => h.text);

describe('NetworkPolicy and node traffic', () => {
  it("the isolated pod's own node gets in (kubelet probes, node-local clients); another node does not", () => {
    const f = cluster();
    const ip = f.podIP('web');
    const local = connect(f.net(), node(f, 'kind-worker'), ip, 80);
    assert.equal(local.kind, 'connected');
    assert.deepEqual(texts(local), ['pod default/web is isolated for ingress (deny-web), but the source 10.244.1.1 is its own node kind-worker: always allowed']);
    const far = connect(f.net(), node(f, 'kind-worker2'), ip, 80);
    assert.equal(far.kind, 'timeout');
    assert.deepEqual(texts(far), ['NetworkPolicy ingress of pod default/web (isolated by deny-web): no rule allows 172.18.0.4 on port 80/TCP: dropped']);
  });

  it('host-network pods are their node: allowed from the local node, only an ipBlock admits them from elsewhere', () => {
    const f = cluster();
    const ip = f.podIP('web');
    assert.equal(connect(f.net(), pod(f, 'hostnet-local'), ip, 80).kind, 'connected');
    assert.equal(connect(f.net(), pod(f, 'hostnet-far'), ip, 80).kind, 'timeout');
    // A pod selector never matches a host-network pod, even one whose labels match.
    putObject(f.state, 'networkpolicies', np('default', 'from-all-pods', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: {} }] }] }));
    assert.equal(connect(f.net(), pod(f, 'hostnet-far'), ip, 80).kind, 'timeout');
    assert.equal(connect(f.net(), pod(f, 'client'), ip, 80).kind, 'connected');
    putObject(f.state, 'networkpolicies', np('default', 'from-nodes', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ ipBlock: { cidr: '172.18.0.0/16' } }] }] }));
    const r = connect(f.net(), pod(f, 'hostnet-far'), ip, 80);
    assert.equal(r.kind, 'connected');
    assert.deepEqual(texts(r), ['NetworkPolicy default/from-nodes ingress rule #1 allows 172.18.0.4 to pod default/web port 80/TCP']);
  });

  it('host-network pods are never isolated for egress', () => {
    const f = cluster();
    putObject(f.state, 'networkpolicies', np('default', 'deny-egress', { podSelector: {}, policyTypes: ['Egress'] }));
    assert.equal(connect(f.net(), pod(f, 'hostnet-far'), '172.18.0.2', 6443).kind, 'connected');
    assert.equal(connect(f.net(), pod(f, 'client'), '172.18.0.2', 6443).kind, 'timeout');
  });

  it('egress to node addresses (the API server) is judged by ipBlock', () => {
    const f = cluster();
    putObject(f.state, 'networkpolicies', np('default', 'egress-apiserver', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '172.18.0.2/32' } }], ports: [{ port: 6443 }] }] }));
    const ok = connect(f.net(), pod(f, 'client'), '172.18.0.2', 6443);
    assert.equal(ok.kind, 'connected');
    assert.deepEqual(texts(ok), ['NetworkPolicy default/egress-apiserver egress rule #1 allows pod default/client to reach 172.18.0.2 port 6443/TCP']);
    assert.equal(connect(f.net(), pod(f, 'client'), '172.18.0.3', 10250).kind, 'timeout');
  });

  it('outside clients through a NodePort: masqueraded to the entry node, so only the local node passes; Local keeps the client IP for ipBlock', () => {
    const f = cluster();
    f.service('web', { type: 'NodePort', clusterIP: '10.96.9.9', externalTrafficPolicy: 'Cluster', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 80, nodePort: 30080 }] });
    assert.equal(fromWorkstation(f.net(), '172.18.0.3', 30080, GET()).kind, 'answered');
    assert.equal(fromWorkstation(f.net(), '172.18.0.4', 30080, GET()).kind, 'timeout');
    f.service('web', { type: 'NodePort', clusterIP: '10.96.9.9', externalTrafficPolicy: 'Local', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 80, nodePort: 30080 }] });
    const denied = fromWorkstation(f.net(), '172.18.0.3', 30080, GET());
    assert.equal(denied.kind, 'timeout');
    assert.deepEqual(texts(denied), ['NetworkPolicy ingress of pod default/web (isolated by deny-web): no rule allows 172.18.0.1 on port 80/TCP: dropped']);
    putObject(f.state, 'networkpolicies', np('default', 'from-workstation', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ ipBlock: { cidr: '172.18.0.1/32' } }] }] }));
    assert.equal(fromWorkstation(f.net(), '172.18.0.3', 30080, GET()).kind, 'answered');
  });

  it('replies and later requests of an allowed connection pass; a policy only judges new connections', () => {
    const f = cluster();
    putObject(f.state, 'networkpolicies', np('default', 'from-client', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: { matchLabels: {} } }] }] }));
    const c = connect(f.net(), pod(f, 'client'), f.podIP('web'), 80);
    assert.equal(c.kind, 'connected');
    // The client itself is isolated for ingress by nothing: the reply needs no rule of its own.
    putObject(f.state, 'networkpolicies', np('default', 'deny-client', { podSelector: {}, policyTypes: ['Ingress'] }));
    assert.equal(connect(f.net(), pod(f, 'client'), f.podIP('web'), 80).kind, 'connected');
  });
});
