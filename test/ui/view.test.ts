// The view the ui page paints (src/ui/view.ts), computed in-process: what is drawn, where, and from which
// node a request whose client pod is already gone is drawn.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recordFlow } from '../../src/net/flows.js';
import { buildView, type Box } from '../../src/ui/view.js';
import { lessonsSetup } from '../cli/netsupport.js';
import { fixture } from '../net/fixture.js';

const inside = (a: Box, b: Box) => a.x >= b.x && a.y >= b.y && a.x + a.w <= b.x + b.w && a.y + a.h <= b.y + b.h;
const overlap = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

test('every pod is drawn inside its node, no two boxes overlap, system namespaces only with -n', () => {
  const f = fixture(1);
  lessonsSetup(f);
  const v = buildView(f.state);
  const demo = v.pods.filter((p) => p.namespace === 'dev').map((p) => `${p.name}@${p.node}`).sort();
  assert.deepEqual(demo, [
    'demo-58465f467c-24bcq@node/kind-worker3',
    'demo-58465f467c-dhws5@node/kind-worker3',
    'demo-58465f467c-f29sm@node/kind-worker3',
    'demo-58465f467c-l2f6g@node/kind-worker2',
    'demo-58465f467c-w4n6j@node/kind-worker',
  ]);
  assert.equal(v.pods.filter((p) => p.namespace === 'kube-system').length, 0);
  for (const p of v.pods) assert.ok(inside(p, v.nodes.find((n) => n.id === p.node)!), `${p.id} inside ${p.node}`);
  const top = [v.workstation, ...v.services, ...v.ingresses, ...v.policies];
  const all = [...top, ...v.nodes, ...v.pods];
  for (let i = 0; i < top.length; i++) for (const b of all) if (b !== top[i]) assert.ok(!overlap(top[i], b), `${top[i].id} clear of ${b.id}`);
  for (const a of v.nodes) for (const b of v.nodes) if (a !== b) assert.ok(!overlap(a, b), `${a.id} clear of ${b.id}`);
  for (const b of all) assert.ok(b.x + b.w <= v.width && b.y + b.h <= v.height, `${b.id} within the map`);
  const svc = v.services.find((s) => s.id === 'svc/dev/demo-service')!;
  assert.equal(svc.readyEndpoints.length, 5);

  const sys = buildView(f.state, { namespace: 'kube-system' });
  assert.ok(sys.pods.length > 0 && sys.pods.every((p) => p.namespace === 'kube-system'));
  assert.deepEqual(sys.services.map((s) => s.name), ['kube-dns']);
  // The same state gives the same view.
  assert.deepEqual(buildView(f.state), v);
});

test('a request from a pod that --rm deleted is drawn from the node its address belongs to', () => {
  const f = fixture(1);
  lessonsSetup(f);
  const node = f.state.cluster.nodes.find((n) => n.name === 'kind-worker2')!;
  const client = `${node.podCIDR.replace(/0\/24$/, '77')}:40000`;
  recordFlow(f.state, { time: '2026-11-22T01:30:00.000Z', source: 'pod/default/gone', what: 'curl http://demo-service.dev', protocol: 'TCP', client, dst: '10.96.120.5:80', via: 'ClusterIP', service: 'svc/dev/demo-service', backend: 'pod/dev/demo-58465f467c-w4n6j', backendNode: 'kind-worker', verdict: 'ok', status: 200, hops: [] });
  recordFlow(f.state, { time: '2026-11-22T01:30:01.000Z', source: 'workstation', what: 'curl http://172.18.0.3:30123', protocol: 'TCP', client: '172.18.0.1:50000', dst: '172.18.0.3:30123', via: 'NodePort', service: 'svc/default/kubia-nodeport', backend: 'pod/default/kubia', verdict: 'ok', status: 200, hops: [] });
  const [a, b] = buildView(f.state).flows;
  assert.deepEqual([a.elements, a.sourceNode], [['pod/default/gone', 'svc/dev/demo-service', 'pod/dev/demo-58465f467c-w4n6j'], 'node/kind-worker2']);
  assert.deepEqual([b.elements, b.sourceNode], [['workstation', 'svc/default/kubia-nodeport', 'pod/default/kubia'], undefined]);
  assert.equal('flow' in a, false, 'the trace is fetched on click, not pushed with every view');
});

test('500 pods on 3 workers: laid out in a grid, every pod inside its node', () => {
  const f = fixture(1);
  const workers = ['kind-worker', 'kind-worker2', 'kind-worker3'];
  for (let i = 0; i < 500; i++) f.pod(`web-${i}`, 'nginx', { node: workers[i % 3], labels: { app: 'web' } });
  const v = buildView(f.state);
  assert.equal(v.pods.length, 500);
  for (const p of v.pods) assert.ok(inside(p, v.nodes.find((n) => n.id === p.node)!));
  // Near square: not one endless row or column.
  assert.ok(v.width / v.height < 4 && v.height / v.width < 4, `${v.width} x ${v.height}`);
});
