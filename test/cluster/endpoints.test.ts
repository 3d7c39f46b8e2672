import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resourceByName } from '../../src/api/resources.js';
import type { KubeObject } from '../../src/api/types.js';
import { deleteObject, updateObject } from '../../src/cluster/apiserver.js';
import { reconcile } from '../../src/cluster/controllers.js';
import { runEndpointsController } from '../../src/cluster/endpoints.js';
import { getObject, listObjects } from '../../src/store/objects.js';
import { cluster, create, failure, later, pod, svc, type C } from './services-support.js';

type Any = Record<string, any>;
const PODS = resourceByName('pods');
const SERVICES = resourceByName('services');

function ep(c: C, name: string, ns = 'default'): Any | undefined {
  return getObject(c.state, 'endpoints', ns, name) as Any | undefined;
}

function slices(c: C, svcName: string, ns = 'default'): Any[] {
  return listObjects(c.state, 'endpointslices', ns).filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === svcName) as Any[];
}

function podIP(c: C, name: string): string {
  return (getObject(c.state, 'pods', 'default', name) as Any).status.podIP;
}

/** "ip:port" entries as `get endpoints` lists them: per subset, per port, per ready address. */
function entries(e: Any | undefined): string[] {
  const out: string[] = [];
  for (const s of e?.subsets ?? []) for (const p of s.ports ?? []) for (const a of s.addresses ?? []) out.push(`${a.ip}:${p.port}`);
  return out;
}

const NOT_READY_FOR_10M = { readinessProbe: { httpGet: { path: '/', port: 8080 }, initialDelaySeconds: 600 } };

function slowPod(name: string, labels: Record<string, string>, ports: Record<string, unknown>[] = []): KubeObject {
  const p = pod(name, labels, ports);
  Object.assign((p.spec as Any).containers[0], NOT_READY_FOR_10M);
  return p;
}

test('expose-like flow: NodePort service on kiada gets podIP:8080; deleting the pod empties the endpoints', () => {
  const c = cluster();
  create(c, pod('kiada', { app: 'kiada' }, [{ name: 'http', containerPort: 8080 }]));
  const s = create(c, svc('kiada', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }], selector: { app: 'kiada' } }, { labels: { app: 'kiada' } }));
  const ip = podIP(c, 'kiada');
  assert.match(ip, /^10\.244\.\d+\.\d+$/);
  const e = ep(c, 'kiada')!;
  assert.deepEqual(entries(e), [`${ip}:8080`]);
  const p = getObject(c.state, 'pods', 'default', 'kiada')!;
  assert.deepEqual(e.subsets, [
    {
      addresses: [{ ip, nodeName: (p.spec as Any).nodeName, targetRef: { kind: 'Pod', name: 'kiada', namespace: 'default', uid: p.metadata.uid } }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    },
  ]);
  assert.deepEqual(e.metadata.labels, { app: 'kiada' });
  assert.equal(e.metadata.annotations['endpoints.kubernetes.io/last-change-trigger-time'], '2026-11-22T01:30:00Z');
  const [slice, ...more] = slices(c, 'kiada');
  assert.equal(more.length, 0);
  assert.match(slice.metadata.name, /^kiada-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  assert.equal(slice.metadata.generateName, 'kiada-');
  assert.deepEqual(slice.metadata.labels, { app: 'kiada', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io', 'kubernetes.io/service-name': 'kiada' });
  assert.deepEqual(slice.metadata.ownerReferences, [{ apiVersion: 'v1', blockOwnerDeletion: true, controller: true, kind: 'Service', name: 'kiada', uid: s.metadata.uid }]);
  assert.equal(slice.addressType, 'IPv4');
  assert.deepEqual(slice.ports, [{ name: '', port: 8080, protocol: 'TCP' }]);
  assert.deepEqual(slice.endpoints, [
    { addresses: [ip], conditions: { ready: true, serving: true, terminating: false }, nodeName: (p.spec as Any).nodeName, targetRef: { kind: 'Pod', name: 'kiada', namespace: 'default', uid: p.metadata.uid } },
  ]);

  deleteObject(c.state, c.ctx, PODS, 'default', 'kiada');
  assert.equal(ep(c, 'kiada')!.subsets, undefined, 'no subsets once the pod is gone');
  const after = slices(c, 'kiada');
  assert.equal(after.length, 1);
  assert.equal(after[0].endpoints, null, 'a placeholder slice remains');
  assert.equal(after[0].ports, undefined);
});

test('named targetPorts resolve per pod; a pod without the name is not an endpoint of that port', () => {
  const c = cluster();
  create(c, pod('both', { app: 'kubia' }, [{ name: 'http', containerPort: 8080 }, { name: 'https', containerPort: 8443 }]));
  create(c, pod('http-only', { app: 'kubia' }, [{ name: 'http', containerPort: 9090 }]));
  create(c, pod('none', { app: 'kubia' }, [{ name: 'web', containerPort: 8080 }]));
  create(c, svc('kubia', { ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'https', port: 443, targetPort: 'https' }], selector: { app: 'kubia' } }));
  const both = podIP(c, 'both');
  const httpOnly = podIP(c, 'http-only');
  const e = ep(c, 'kubia')!;
  const byPort: Record<string, string[]> = {};
  for (const s of e.subsets) for (const p of s.ports) byPort[`${p.name}:${p.port}`] = s.addresses.map((a: Any) => a.ip);
  assert.deepEqual(byPort, { 'http:8080': [both], 'http:9090': [httpOnly], 'https:8443': [both] });
  assert.ok(!JSON.stringify(e).includes(podIP(c, 'none')), 'the pod without the named ports is left out');
  // One slice per distinct port set, ports named as in the Service.
  const sl = slices(c, 'kubia').map((s) => ({ ports: s.ports ?? null, ips: s.endpoints?.map((x: Any) => x.addresses[0]) }));
  assert.deepEqual(
    sl.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    [
      { ports: null, ips: [podIP(c, 'none')] },
      { ports: [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'https', port: 8443, protocol: 'TCP' }], ips: [both] },
      { ports: [{ name: 'http', port: 9090, protocol: 'TCP' }], ips: [httpOnly] },
    ].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
  );
});

test('a named port matches only a containerPort with the same protocol', () => {
  const c = cluster();
  create(c, pod('dns', { app: 'dns' }, [{ name: 'dns', containerPort: 53, protocol: 'UDP' }]));
  create(c, svc('dns', { ports: [{ name: 'dns', port: 53, protocol: 'UDP', targetPort: 'dns' }, { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 'dns' }], selector: { app: 'dns' } }));
  assert.deepEqual(ep(c, 'dns')!.subsets.map((s: Any) => s.ports), [[{ name: 'dns', port: 53, protocol: 'UDP' }]]);
});

test('not-ready pods go to notReadyAddresses until ready; publishNotReadyAddresses lists them as ready', () => {
  const c = cluster();
  create(c, pod('a', { app: 'kubia' }, [{ containerPort: 8080 }]));
  create(c, slowPod('b', { app: 'kubia' }, [{ containerPort: 8080 }]));
  create(c, svc('kubia', { ports: [{ port: 80, targetPort: 8080 }], selector: { app: 'kubia' } }));
  create(c, svc('kubia-all', { ports: [{ port: 80, targetPort: 8080 }], selector: { app: 'kubia' }, publishNotReadyAddresses: true, clusterIP: 'None' }));
  const [a, b] = [podIP(c, 'a'), podIP(c, 'b')];
  const e = ep(c, 'kubia')!;
  assert.equal(e.subsets.length, 1);
  assert.deepEqual(e.subsets[0].addresses.map((x: Any) => x.ip), [a]);
  assert.deepEqual(e.subsets[0].notReadyAddresses.map((x: Any) => x.ip), [b]);
  const sl = slices(c, 'kubia')[0];
  assert.deepEqual(sl.endpoints.map((x: Any) => [x.addresses[0], x.conditions.ready, x.conditions.serving]).sort(), [[a, true, true], [b, false, false]].sort());
  const all = ep(c, 'kubia-all')!;
  assert.deepEqual(all.subsets[0].addresses.map((x: Any) => x.ip).sort(), [a, b].sort());
  assert.equal(all.metadata.labels['service.kubernetes.io/headless'], '');
  // Ten minutes later b's readiness probe passes.
  const t = later(c, 700);
  reconcile(t.state, t.ctx);
  assert.deepEqual(ep(c, 'kubia')!.subsets[0].addresses.map((x: Any) => x.ip).sort(), [a, b].sort());
  assert.equal(ep(c, 'kubia')!.subsets[0].notReadyAddresses, undefined);
});

test('addresses are sorted by IP, so get endpoints can show the first three and "+ N more..."', () => {
  const c = cluster();
  for (const n of ['p1', 'p2', 'p3', 'p4', 'p5']) create(c, pod(n, { app: 'many' }, [{ containerPort: 8080 }]));
  create(c, svc('many', { ports: [{ port: 80, targetPort: 8080 }], selector: { app: 'many' } }));
  const ips = ep(c, 'many')!.subsets[0].addresses.map((a: Any) => a.ip);
  assert.equal(ips.length, 5);
  const num = (ip: string) => ip.split('.').reduce((x, y) => x * 256 + Number(y), 0);
  assert.deepEqual(ips, [...ips].sort((x: string, y: string) => num(x) - num(y)));
  assert.deepEqual(entries(ep(c, 'many')).length, 5);
});

test('only pods of the same namespace with all selector labels, with an IP, not terminal, are endpoints', () => {
  const c = cluster();
  create(c, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } } as KubeObject);
  create(c, pod('match', { app: 'web', tier: 'fe' }, [{ containerPort: 80 }]));
  create(c, pod('partial', { app: 'web' }, [{ containerPort: 80 }]));
  create(c, pod('elsewhere', { app: 'web', tier: 'fe' }, [{ containerPort: 80 }]), 'other');
  create(c, pod('unscheduled', { app: 'web', tier: 'fe' }, [{ containerPort: 80 }], { nodeSelector: { disk: 'ssd' } }));
  create(c, svc('web', { ports: [{ port: 80 }], selector: { app: 'web', tier: 'fe' } }));
  assert.deepEqual(entries(ep(c, 'web')), [`${podIP(c, 'match')}:80`]);
});

test('a selectorless service gets no Endpoints; a user-made one is kept, mirrored into a slice, and deleted with the service', () => {
  const c = cluster();
  create(c, svc('external-service', { ports: [{ port: 80 }] }));
  assert.equal(ep(c, 'external-service'), undefined);
  assert.equal(slices(c, 'external-service').length, 0);
  const manual = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'external-service' },
    subsets: [{ addresses: [{ ip: '11.11.11.11' }, { ip: '22.22.22.22' }], ports: [{ port: 80 }] }],
  } as KubeObject;
  create(c, manual);
  const e = ep(c, 'external-service')!;
  assert.deepEqual(e.subsets, [{ addresses: [{ ip: '11.11.11.11' }, { ip: '22.22.22.22' }], ports: [{ port: 80, protocol: 'TCP' }] }], 'left as written (protocol defaulted)');
  assert.equal(e.metadata.annotations, undefined);
  const [m] = slices(c, 'external-service');
  assert.equal(m.metadata.labels['endpointslice.kubernetes.io/managed-by'], 'endpointslicemirroring-controller.k8s.io');
  assert.deepEqual(m.metadata.ownerReferences.map((r: Any) => [r.kind, r.name]), [['Endpoints', 'external-service']]);
  assert.deepEqual(m.endpoints, [
    { addresses: ['11.11.11.11'], conditions: { ready: true } },
    { addresses: ['22.22.22.22'], conditions: { ready: true } },
  ]);
  assert.deepEqual(m.ports, [{ name: '', port: 80, protocol: 'TCP' }]);
  deleteObject(c.state, c.ctx, SERVICES, 'default', 'external-service');
  assert.equal(ep(c, 'external-service'), undefined);
  assert.equal(slices(c, 'external-service').length, 0);
});

test('user Endpoints are validated', () => {
  const c = cluster();
  assert.equal(
    failure(c, () => create(c, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'x' }, subsets: [{ addresses: [{ ip: 'nope' }], ports: [{ port: 80 }] }] } as KubeObject)),
    'The Endpoints "x" is invalid: subsets[0].addresses[0].ip: Invalid value: "nope": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
  );
});

test('the controller is idempotent: a second run writes nothing', () => {
  const c = cluster();
  create(c, pod('a', { app: 'kubia' }, [{ containerPort: 8080 }]));
  create(c, svc('kubia', { ports: [{ port: 80, targetPort: 8080 }], selector: { app: 'kubia' } }));
  const rv = c.state.resourceVersion;
  runEndpointsController(c.state, c.ctx);
  runEndpointsController(c.state, later(c, 3600).ctx);
  assert.equal(c.state.resourceVersion, rv);
});

test('a selector change moves the endpoints; service labels follow onto Endpoints and slices', () => {
  const c = cluster();
  create(c, pod('a', { app: 'a' }, [{ containerPort: 80 }]));
  create(c, pod('b', { app: 'b' }, [{ containerPort: 80 }]));
  const s = create(c, svc('sw', { ports: [{ port: 80 }], selector: { app: 'a' } }));
  assert.deepEqual(entries(ep(c, 'sw')), [`${podIP(c, 'a')}:80`]);
  const next = structuredClone(s);
  (next.spec as Any).selector = { app: 'b' };
  next.metadata.labels = { team: 'x' };
  updateObject(c.state, c.ctx, next, { namespace: 'default' });
  assert.deepEqual(entries(ep(c, 'sw')), [`${podIP(c, 'b')}:80`]);
  assert.deepEqual(ep(c, 'sw')!.metadata.labels, { team: 'x' });
  const sl = slices(c, 'sw');
  assert.equal(sl.length, 1);
  assert.equal(sl[0].metadata.labels.team, 'x');
  assert.equal(sl[0].metadata.generation, 2);
});

test('deleting a service garbage-collects its slices and removes its Endpoints', () => {
  const c = cluster();
  create(c, pod('a', { app: 'kubia' }, [{ containerPort: 8080 }]));
  create(c, svc('kubia', { ports: [{ port: 80, targetPort: 8080 }], selector: { app: 'kubia' } }));
  deleteObject(c.state, c.ctx, SERVICES, 'default', 'kubia');
  assert.equal(ep(c, 'kubia'), undefined);
  assert.equal(slices(c, 'kubia').length, 0);
});

test('work grows with pods + services: 300 services over 3000 pods settle in one pass', () => {
  const c = cluster();
  for (let i = 0; i < 3000; i++) {
    const p = pod(`p${i}`, { app: `a${i % 300}` }, [{ containerPort: 8080 }]);
    p.metadata.namespace = 'default';
    p.metadata.uid = `uid-${i}`;
    (p.spec as Any).nodeName = 'kind-worker';
    p.status = { podIP: `10.250.${Math.floor(i / 250)}.${i % 250}`, phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };
    c.state.objects.view<any>('pods')[`default/p${i}`] = p;
  }
  for (let i = 0; i < 300; i++) {
    const s = svc(`s${i}`, { ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }], selector: { app: `a${i}` }, clusterIP: 'None' });
    s.metadata.namespace = 'default';
    s.metadata.uid = `svc-${i}`;
    c.state.objects.view<any>('services')[`default/s${i}`] = s;
  }
  runEndpointsController(c.state, c.ctx);
  assert.equal(ep(c, 's7')!.subsets[0].addresses.length, 10);
  // A bigger service spreads over slices of at most 100 endpoints.
  const big = svc('big', { ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }], selector: {}, clusterIP: 'None' });
  big.metadata.namespace = 'default';
  big.metadata.uid = 'svc-big';
  c.state.objects.view<any>('services')['default/big'] = big;
  runEndpointsController(c.state, c.ctx);
  const big3000 = slices(c, 'big');
  assert.ok(big3000.every((s) => s.endpoints.length === 100));
  assert.equal(new Set(big3000.flatMap((s) => s.endpoints.map((e: Any) => e.addresses[0]))).size, 3000);
  const rv0 = c.state.resourceVersion;
  runEndpointsController(c.state, c.ctx);
  assert.equal(c.state.resourceVersion, rv0, 'a second pass writes nothing');
  assert.equal(slices(c, 'big').length, 30);
});

test('an ExternalName service gets no Endpoints even with a selector (as create service externalname makes it)', () => {
  const c = cluster();
  create(c, pod('x', { app: 'x' }, [{ containerPort: 80 }]));
  create(c, svc('x', { type: 'ExternalName', externalName: 'db.example.com', selector: { app: 'x' } }));
  assert.equal(ep(c, 'x'), undefined);
  assert.equal(slices(c, 'x').length, 0);
});

test('last-change-trigger-time: the Service creation first, then the earliest readiness change among the pods changed since the last sync; none for a change without one', () => {
  const TRIGGER = 'endpoints.kubernetes.io/last-change-trigger-time';
  const trigger = (c: C) => ep(c, 'kubia')!.metadata.annotations?.[TRIGGER];
  const readyAt = (c: C, name: string) => (getObject(c.state, 'pods', 'default', name) as Any).status.conditions.find((x: Any) => x.type === 'Ready').lastTransitionTime;
  const sliceTriggers = (c: C) => [...new Set(slices(c, 'kubia').map((s) => s.metadata.annotations?.[TRIGGER]))];
  const c = cluster();
  create(c, svc('kubia', { ports: [{ port: 80, targetPort: 8080 }], selector: { app: 'kubia' } }));
  assert.equal(trigger(c), '2026-11-22T01:30:00Z', "a new Service: its creation");
  const t1 = later(c, 60);
  create(t1, pod('a', { app: 'kubia' }, [{ containerPort: 8080 }]));
  reconcile(t1.state, t1.ctx);
  assert.equal(trigger(t1), readyAt(t1, 'a'));
  assert.deepEqual(sliceTriggers(t1), [readyAt(t1, 'a')]);
  // b starts not ready (its Ready condition is set, False); ten minutes later it turns ready, and in the same sync
  // a new pod e turns ready too: the earlier of the two changes is reported, not the latest.
  const t2 = later(t1, 60);
  create(t2, slowPod('b', { app: 'kubia' }, [{ containerPort: 8080 }]));
  reconcile(t2.state, t2.ctx);
  assert.equal(trigger(t2), readyAt(t2, 'b'));
  const t3 = later(t2, 700);
  create(t3, pod('e', { app: 'kubia' }, [{ containerPort: 8080 }]));
  reconcile(t3.state, t3.ctx);
  const [b, e] = [readyAt(t3, 'b'), readyAt(t3, 'e')];
  assert.ok(b < e, `${b} < ${e}`);
  assert.equal(trigger(t3), b);
  assert.deepEqual(sliceTriggers(t3), [b]);
  // A pod relabelled out of the Service changes its endpoints but no pod's readiness: no trigger time.
  const t4 = later(t3, 60);
  const moved = structuredClone(getObject(t4.state, 'pods', 'default', 'e')!);
  moved.metadata.labels = { app: 'other' };
  updateObject(t4.state, t4.ctx, moved, { namespace: 'default' });
  assert.deepEqual(entries(ep(t4, 'kubia')).length, 2);
  assert.equal(trigger(t4), undefined);
  assert.deepEqual(sliceTriggers(t4), [undefined]);
});
