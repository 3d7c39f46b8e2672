import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resourceByName } from '../../src/api/resources.js';
import type { KubeObject } from '../../src/api/types.js';
import { deleteObject, updateObject } from '../../src/cluster/apiserver.js';
import { allocateNext, nodePortRange, serviceIPRange } from '../../src/cluster/services.js';
import { getObject, listObjects } from '../../src/store/objects.js';
import { Random } from '../../src/util/random.js';
import { fixedClock } from '../../src/util/clock.js';
import { cluster, create, failure, ipOffset, NOW, svc } from './services-support.js';

type Spec = Record<string, any>;
const SERVICES = resourceByName('services');

function specOf(o: KubeObject): Spec {
  return o.spec as Spec;
}

test('a ClusterIP service is defaulted as the API server does and gets an IP from the upper band', () => {
  const c = cluster();
  const s = create(c, svc('kubia', { ports: [{ port: 80, targetPort: 8080 }], selector: { app: 'kubia' } }));
  const ip = specOf(s).clusterIP as string;
  assert.deepEqual(s.spec, {
    clusterIP: ip,
    clusterIPs: [ip],
    internalTrafficPolicy: 'Cluster',
    ipFamilies: ['IPv4'],
    ipFamilyPolicy: 'SingleStack',
    ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }],
    selector: { app: 'kubia' },
    sessionAffinity: 'None',
    type: 'ClusterIP',
  });
  assert.deepEqual(s.status, { loadBalancer: {} });
  const off = ipOffset(ip);
  assert.ok(off >= 256 && off < 2 ** 20 - 2, `${ip} lies in the dynamic band 10.96.1.1-10.111.255.254`);
});

test('targetPort defaults to port, ClientIP affinity gets the 10800 s timeout, protocols default to TCP', () => {
  const c = cluster();
  const s = create(c, svc('aff', { sessionAffinity: 'ClientIP', ports: [{ port: 80 }], selector: { app: 'kubia' } }));
  assert.deepEqual(specOf(s).ports, [{ port: 80, protocol: 'TCP', targetPort: 80 }]);
  assert.deepEqual(specOf(s).sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
  const t = create(c, svc('aff2', { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } }, ports: [{ port: 80 }] }));
  assert.deepEqual(specOf(t).sessionAffinityConfig, { clientIP: { timeoutSeconds: 60 } });
});

test('the same seed and the same commands allocate the same addresses and ports', () => {
  const run = () => {
    const c = cluster({ seed: 7 });
    const a = create(c, svc('a', { type: 'NodePort', ports: [{ port: 80 }] }));
    const b = create(c, svc('b', { type: 'LoadBalancer', ports: [{ port: 80 }] }));
    return [specOf(a).clusterIP, specOf(a).ports[0].nodePort, specOf(b).clusterIP, specOf(b).ports[0].nodePort];
  };
  assert.deepEqual(run(), run());
  const other = (() => {
    const c = cluster({ seed: 8 });
    return specOf(create(c, svc('a', { type: 'NodePort', ports: [{ port: 80 }] }))).clusterIP;
  })();
  assert.notEqual(other, run()[0]);
});

test('the bitmap scan: random start in the upper band, forward with wrap, the lower band only when it is full', () => {
  const ctx = { clock: fixedClock(NOW), random: Random.fromSeed(3) };
  const range = { base: 30000, max: 20, offset: 4 };
  const used = new Set<number>();
  for (let i = 4; i < 20; i++) if (i !== 9) used.add(i);
  assert.equal(allocateNext(range, used, ctx), 9, 'the only free upper slot, whatever the start');
  used.add(9);
  const low = allocateNext(range, used, ctx)!;
  assert.ok(low >= 0 && low < 4, 'falls back to the static band');
  for (let i = 0; i < 4; i++) used.add(i);
  assert.equal(allocateNext(range, used, ctx), undefined, 'range full');
  assert.deepEqual({ offset: serviceIPRange('10.96.0.0/12').offset, max: serviceIPRange('10.96.0.0/12').max }, { offset: 256, max: 1048574 });
  const c = cluster();
  assert.deepEqual(nodePortRange(c.state), { base: 30000, max: 2768, offset: 86 });
});

test('an explicit clusterIP is honoured; taken and out-of-range addresses fail with the allocator message', () => {
  const c = cluster();
  const s = create(c, svc('fixed', { clusterIP: '10.96.5.5', ports: [{ port: 80 }] }));
  assert.deepEqual([specOf(s).clusterIP, specOf(s).clusterIPs], ['10.96.5.5', ['10.96.5.5']]);
  assert.equal(
    failure(c, () => create(c, svc('my-dns', { clusterIP: '10.96.0.10', ports: [{ port: 53 }] }))),
    'The Service "my-dns" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: failed to allocate IP 10.96.0.10: provided IP is already allocated',
  );
  assert.equal(
    failure(c, () => create(c, svc('api', { clusterIP: '10.96.0.1', ports: [{ port: 443 }] }))),
    'The Service "api" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.1"}: failed to allocate IP 10.96.0.1: provided IP is already allocated',
  );
  assert.equal(
    failure(c, () => create(c, svc('far', { clusterIP: '10.0.0.5', ports: [{ port: 80 }] }))),
    'The Service "far" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.5"}: failed to allocate IP 10.0.0.5: the provided IP (10.0.0.5) is not in the valid range. The range of valid IPs is 10.96.0.0/12',
  );
  assert.match(failure(c, () => create(c, svc('net', { clusterIP: '10.96.0.0', ports: [{ port: 80 }] }))), /the provided IP \(10\.96\.0\.0\) is not in the valid range/);
  assert.match(failure(c, () => create(c, svc('bcast', { clusterIP: '10.111.255.255', ports: [{ port: 80 }] }))), /not in the valid range/);
  assert.equal(
    failure(c, () => create(c, svc('bad', { clusterIP: 'abc', ports: [{ port: 80 }] }))),
    'The Service "bad" is invalid: spec.clusterIPs[0]: Invalid value: "abc": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
  );
});

test('deleting a service releases its clusterIP and nodePort', () => {
  const c = cluster();
  create(c, svc('a', { type: 'NodePort', clusterIP: '10.96.7.7', ports: [{ port: 80, nodePort: 30123 }] }));
  assert.match(failure(c, () => create(c, svc('b', { type: 'NodePort', clusterIP: '10.96.7.7', ports: [{ port: 80 }] }))), /already allocated/);
  deleteObject(c.state, c.ctx, SERVICES, 'default', 'a');
  const b = create(c, svc('b', { type: 'NodePort', clusterIP: '10.96.7.7', ports: [{ port: 80, nodePort: 30123 }] }));
  assert.equal(specOf(b).ports[0].nodePort, 30123);
});

test('headless and ExternalName services get no clusterIP', () => {
  const c = cluster();
  const h = create(c, svc('hl', { clusterIP: 'None', ports: [{ port: 80 }], selector: { app: 'kubia' } }));
  assert.deepEqual([specOf(h).clusterIP, specOf(h).clusterIPs, specOf(h).ipFamilyPolicy, specOf(h).ipFamilies], ['None', ['None'], 'SingleStack', ['IPv4']]);
  const e = create(c, svc('ext', { type: 'ExternalName', externalName: 'db.example.com' }));
  assert.deepEqual(e.spec, { externalName: 'db.example.com', sessionAffinity: 'None', type: 'ExternalName' });
  const n = create(c, svc('hl-nosel', { clusterIP: 'None', ports: [{ port: 80 }] }));
  assert.equal(specOf(n).ipFamilyPolicy, 'RequireDualStack');
});

test('nodePorts: random in 30086-32767, explicit ones honoured, one per port number across protocols', () => {
  const c = cluster();
  for (let i = 0; i < 20; i++) {
    const s = create(c, svc(`np${i}`, { type: 'NodePort', ports: [{ port: 80 }] }));
    const np = specOf(s).ports[0].nodePort;
    assert.ok(np >= 30086 && np <= 32767, `${np} in the upper band`);
  }
  const fixed = create(c, svc('kubia-nodeport', { type: 'NodePort', ports: [{ port: 80, targetPort: 8080, nodePort: 30123 }] }));
  assert.equal(specOf(fixed).ports[0].nodePort, 30123);
  const dns = create(c, svc('dns', { type: 'NodePort', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }, { name: 'm', port: 9153 }] }));
  const nps = specOf(dns).ports.map((p: Spec) => p.nodePort);
  assert.equal(nps[0], nps[1], '53/UDP and 53/TCP share a nodePort');
  assert.notEqual(nps[0], nps[2]);
  const dns2 = create(c, svc('dns2', { type: 'NodePort', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP', nodePort: 30053 }] }));
  assert.deepEqual(specOf(dns2).ports.map((p: Spec) => p.nodePort), [30053, 30053], 'a later explicit value is used for the shared port');
});

test('nodePort errors: already allocated, out of range, and twice in one service', () => {
  const c = cluster();
  create(c, svc('kubia-nodeport', { type: 'NodePort', ports: [{ port: 80, nodePort: 30123 }] }));
  assert.equal(
    failure(c, () => create(c, svc('np-dup', { type: 'NodePort', ports: [{ port: 80, nodePort: 30123 }] }))),
    'The Service "np-dup" is invalid: spec.ports[0].nodePort: Invalid value: 30123: provided port is already allocated',
  );
  assert.equal(
    failure(c, () => create(c, svc('np-bad', { type: 'NodePort', ports: [{ port: 80, nodePort: 8080 }] }))),
    'The Service "np-bad" is invalid: spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767',
  );
  assert.equal(
    failure(c, () => create(c, svc('x', { type: 'NodePort', ports: [{ name: 'a', port: 80, nodePort: 30080 }, { name: 'b', port: 81, nodePort: 30080 }] }))),
    'The Service "x" is invalid: spec.ports[1].nodePort: Invalid value: 30080: provided port is already allocated',
  );
  // The registry allocates before it validates: only the nodePort error shows (reference §6.1).
  assert.equal(
    failure(c, () => create(c, svc('Bad_Svc', { type: 'NodePort', ports: [{ port: 80, nodePort: 99999 }] }))),
    'The Service "Bad_Svc" is invalid: spec.ports[0].nodePort: Invalid value: 99999: provided port is not in the valid range. The range of valid ports is 30000-32767',
  );
  assert.match(failure(c, () => create(c, svc('Bad_Svc', { type: 'NodePort', ports: [{ port: 80 }] }))), /^The Service "Bad_Svc" is invalid: metadata\.name: Invalid value: "Bad_Svc": a DNS-1035 label/);
});

test('LoadBalancer: nodePorts, allocateLoadBalancerNodePorts, a healthCheckNodePort with externalTrafficPolicy Local', () => {
  const c = cluster();
  const lb = create(c, svc('kubia-local', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 80, targetPort: 8080 }], selector: { app: 'kubia' } }));
  const spec = specOf(lb);
  assert.equal(spec.allocateLoadBalancerNodePorts, true);
  assert.equal(spec.externalTrafficPolicy, 'Local');
  assert.ok(spec.ports[0].nodePort >= 30086);
  assert.ok(spec.healthCheckNodePort >= 30086 && spec.healthCheckNodePort !== spec.ports[0].nodePort);
  const noNP = create(c, svc('no-np', { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, ports: [{ port: 80 }] }));
  assert.equal(specOf(noNP).ports[0].nodePort, undefined);
  assert.equal(specOf(noNP).healthCheckNodePort, undefined);
  const np = create(c, svc('np', { type: 'NodePort', ports: [{ port: 80 }] }));
  assert.equal(specOf(np).externalTrafficPolicy, 'Cluster');
  assert.equal(specOf(np).healthCheckNodePort, undefined);
});

test('changing the type to ClusterIP releases nodePorts; ClusterIP to NodePort allocates one', () => {
  const c = cluster();
  const s = create(c, svc('web', { type: 'NodePort', ports: [{ port: 80, nodePort: 30200 }], selector: { app: 'web' } }));
  const ip = specOf(s).clusterIP;
  const next = structuredClone(s);
  specOf(next).type = 'ClusterIP';
  const updated = updateObject(c.state, c.ctx, next, { namespace: 'default' });
  assert.equal(specOf(updated).ports[0].nodePort, undefined);
  assert.equal(specOf(updated).externalTrafficPolicy, undefined);
  assert.equal(specOf(updated).clusterIP, ip);
  create(c, svc('other', { type: 'NodePort', ports: [{ port: 80, nodePort: 30200 }] }));
  const back = structuredClone(updated);
  specOf(back).type = 'NodePort';
  const np = updateObject(c.state, c.ctx, back, { namespace: 'default' });
  assert.ok(specOf(np).ports[0].nodePort >= 30086 && specOf(np).ports[0].nodePort !== 30200);
  assert.equal(specOf(np).externalTrafficPolicy, 'Cluster');
});

test('an update that omits allocated values keeps them (clusterIP, nodePorts)', () => {
  const c = cluster();
  const s = create(c, svc('web', { type: 'NodePort', ports: [{ name: 'http', port: 80 }], selector: { app: 'web' } }));
  const again = updateObject(c.state, c.ctx, svc('web', { type: 'NodePort', ports: [{ name: 'http', port: 80 }], selector: { app: 'web', tier: 'fe' } }), { namespace: 'default' });
  assert.equal(specOf(again).clusterIP, specOf(s).clusterIP);
  assert.equal(specOf(again).ports[0].nodePort, specOf(s).ports[0].nodePort);
});

test('clusterIP is immutable on update', () => {
  const c = cluster();
  create(c, svc('fixed', { clusterIP: '10.96.5.5', ports: [{ port: 80 }] }));
  const cur = getObject(c.state, 'services', 'default', 'fixed')!;
  const next = structuredClone(cur);
  specOf(next).clusterIP = '10.96.5.6';
  delete specOf(next).clusterIPs;
  assert.equal(
    failure(c, () => updateObject(c.state, c.ctx, next, { namespace: 'default' })),
    'The Service "fixed" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.5.6"}: may not change once set',
  );
});

const CASES: [string, Record<string, unknown>, string][] = [
  ['no-ports', { selector: { app: 'a' } }, 'The Service "no-ports" is invalid: spec.ports: Required value'],
  [
    'unnamed',
    { ports: [{ name: 'http', port: 80 }, { port: 443 }] },
    'The Service "unnamed" is invalid: spec.ports[1].name: Required value',
  ],
  [
    'dupnames',
    { ports: [{ name: 'http', port: 80 }, { name: 'http', port: 443 }] },
    'The Service "dupnames" is invalid: spec.ports[1].name: Duplicate value: "http"',
  ],
  [
    'bigport',
    { ports: [{ port: 70000, targetPort: 8080 }] },
    'The Service "bigport" is invalid: spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
  ],
  [
    'proto',
    { ports: [{ port: 80, protocol: 'HTTP' }] },
    'The Service "proto" is invalid: spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
  ],
  [
    'tport',
    { ports: [{ port: 80, targetPort: 'Http_Port' }] },
    'The Service "tport" is invalid: spec.ports[0].targetPort: Invalid value: "Http_Port": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
  ],
  [
    'dupport',
    { ports: [{ name: 'a', port: 80 }, { name: 'b', port: 80 }] },
    'The Service "dupport" is invalid: spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
  ],
  [
    'affinity',
    { sessionAffinity: 'Sticky', ports: [{ port: 80 }] },
    'The Service "affinity" is invalid: spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"',
  ],
  [
    'timeout',
    { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 0 } }, ports: [{ port: 80 }] },
    'The Service "timeout" is invalid: spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400',
  ],
  ['type', { type: 'Ingress', ports: [{ port: 80 }] }, 'The Service "type" is invalid: spec.type: Unsupported value: "Ingress": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'],
  ['cipnp', { ports: [{ port: 80, nodePort: 30500 }] }, "The Service \"cipnp\" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
  [
    'extip',
    { ports: [{ port: 80 }], externalIPs: ['1.2.3'] },
    'The Service "extip" is invalid: spec.externalIPs[0]: Invalid value: "1.2.3": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
  ],
  [
    'extlo',
    { ports: [{ port: 80 }], externalIPs: ['127.0.0.1'] },
    'The Service "extlo" is invalid: spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
  ],
  ['np-none', { type: 'NodePort', clusterIP: 'None', ports: [{ port: 80 }] }, 'The Service "np-none" is invalid: spec.clusterIPs[0]: Invalid value: "None": may not be set to \'None\' for NodePort services'],
  [
    'selval',
    { ports: [{ port: 80 }], selector: { app: 'a b' } },
    "The Service \"selval\" is invalid: spec.selector[app]: Invalid value: \"a b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
  ],
  ['extname', { type: 'ExternalName' }, 'The Service "extname" is invalid: spec.externalName: Required value'],
  ['extname-ip', { type: 'ExternalName', externalName: 'db.example.com', clusterIP: '10.96.3.3' }, 'The Service "extname-ip" is invalid: spec.clusterIPs: Forbidden: may not be set for ExternalName services'],
  [
    'etp',
    { ports: [{ port: 80 }], externalTrafficPolicy: 'Local' },
    'The Service "etp" is invalid: spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services',
  ],
  [
    'itp',
    { ports: [{ port: 80 }], internalTrafficPolicy: 'Node' },
    'The Service "itp" is invalid: spec.internalTrafficPolicy: Unsupported value: "Node": supported values: "Cluster", "Local"',
  ],
];

for (const [name, spec, message] of CASES) {
  test(`validation: ${name}`, () => {
    const c = cluster();
    assert.equal(failure(c, () => create(c, svc(name, spec))), message);
  });
}

test('several causes print as a list', () => {
  const c = cluster();
  assert.equal(
    failure(c, () => create(c, svc('multi', { ports: [{ port: 80, protocol: 'HTTP' }, { port: 0 }] }))),
    // targetPort defaults to the (invalid) port, so it is reported too, as the API server does.
    'The Service "multi" is invalid: \n* spec.ports[0].name: Required value\n* spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"\n* spec.ports[1].name: Required value\n* spec.ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive\n* spec.ports[1].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
  );
});

test('load-balancer provider: lowest free pool IP, loadBalancerIP honoured, events as the service controller records them', () => {
  const c = cluster();
  const a = create(c, svc('a', { type: 'LoadBalancer', ports: [{ port: 80 }] }));
  assert.deepEqual(a.status, { loadBalancer: { ingress: [{ ip: '172.18.255.200', ipMode: 'VIP' }] } });
  const b = create(c, svc('b', { type: 'LoadBalancer', loadBalancerIP: '172.18.255.210', ports: [{ port: 80 }] }));
  assert.deepEqual(b.status, { loadBalancer: { ingress: [{ ip: '172.18.255.210', ipMode: 'VIP' }] } });
  const d = create(c, svc('d', { type: 'LoadBalancer', ports: [{ port: 80 }] }));
  assert.equal((d.status as Spec).loadBalancer.ingress[0].ip, '172.18.255.201');
  const events = listObjects(c.state, 'events', 'default').filter((e) => (e.involvedObject as Spec).name === 'a');
  assert.deepEqual(events.map((e) => [e.reason, e.message, (e.source as Spec).component]), [
    ['EnsuringLoadBalancer', 'Ensuring load balancer', 'service-controller'],
    ['EnsuredLoadBalancer', 'Ensured load balancer', 'service-controller'],
  ]);
  // LoadBalancer -> ClusterIP: a Type event, the balancer deleted, the IP back in the pool.
  const next = structuredClone(getObject(c.state, 'services', 'default', 'a')!);
  specOf(next).type = 'ClusterIP';
  const updated = updateObject(c.state, c.ctx, next, { namespace: 'default' });
  assert.deepEqual(updated.status, { loadBalancer: {} });
  const after = listObjects(c.state, 'events', 'default').filter((e) => (e.involvedObject as Spec).name === 'a').map((e) => `${e.reason}: ${e.message}`);
  assert.deepEqual(after.slice(2), ['Type: LoadBalancer -> ClusterIP', 'DeletingLoadBalancer: Deleting load balancer', 'DeletedLoadBalancer: Deleted load balancer']);
  const e = create(c, svc('e', { type: 'LoadBalancer', ports: [{ port: 80 }] }));
  assert.equal((e.status as Spec).loadBalancer.ingress[0].ip, '172.18.255.200');
});

test('without a load-balancer provider EXTERNAL-IP stays pending and no events are recorded', () => {
  const c = cluster({ loadBalancer: false });
  const a = create(c, svc('a', { type: 'LoadBalancer', ports: [{ port: 80 }] }));
  assert.deepEqual(a.status, { loadBalancer: {} });
  assert.ok(specOf(a).ports[0].nodePort >= 30086, 'still a NodePort service');
  assert.equal(listObjects(c.state, 'events', 'default').filter((e) => (e.involvedObject as Spec).kind === 'Service').length, 0);
});

test('updates of a LoadBalancer service: the service controller records what changed and ensures again', () => {
  const c = cluster();
  create(c, svc('lb', { type: 'LoadBalancer', ports: [{ port: 80 }], selector: { app: 'x' } }));
  const events = () => listObjects(c.state, 'events', 'default').filter((e) => (e.involvedObject as Spec).name === 'lb').map((e) => `${e.reason}: ${e.message} (x${e.count})`);
  const cur = structuredClone(getObject(c.state, 'services', 'default', 'lb')!);
  specOf(cur).externalTrafficPolicy = 'Local';
  updateObject(c.state, c.ctx, cur, { namespace: 'default' });
  assert.deepEqual(events(), [
    'EnsuringLoadBalancer: Ensuring load balancer (x2)',
    'EnsuredLoadBalancer: Ensured load balancer (x2)',
    'ExternalTrafficPolicy: Cluster -> Local (x1)',
  ]);
  const again = structuredClone(getObject(c.state, 'services', 'default', 'lb')!);
  (again.metadata.labels ??= {}).team = 'a';
  updateObject(c.state, c.ctx, again, { namespace: 'default' });
  assert.equal(events().length, 3, 'a label change does not concern the balancer');
  const np = structuredClone(getObject(c.state, 'services', 'default', 'lb')!);
  specOf(np).type = 'NodePort';
  updateObject(c.state, c.ctx, np, { namespace: 'default' });
  assert.deepEqual(events().slice(3), ['Type: LoadBalancer -> NodePort (x1)', 'DeletingLoadBalancer: Deleting load balancer (x1)', 'DeletedLoadBalancer: Deleted load balancer (x1)']);
  const back = structuredClone(getObject(c.state, 'services', 'default', 'lb')!);
  specOf(back).type = 'LoadBalancer';
  updateObject(c.state, c.ctx, back, { namespace: 'default' });
  assert.equal(events()[6], 'Type: NodePort -> LoadBalancer (x1)');
  assert.deepEqual(getObject(c.state, 'services', 'default', 'lb')!.status, { loadBalancer: { ingress: [{ ip: '172.18.255.200', ipMode: 'VIP' }] } });
});

test('a requested healthCheckNodePort that is taken fails as the allocator reports it (InternalError)', () => {
  const c = cluster();
  create(c, svc('np', { type: 'NodePort', ports: [{ port: 80, nodePort: 30123 }] }));
  assert.equal(
    failure(c, () => create(c, svc('lb', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: 30123, ports: [{ port: 80 }] }))),
    'Error from server (InternalError): Internal error occurred: failed to allocate requested HealthCheck NodePort 30123: provided port is already allocated',
  );
  const ok = create(c, svc('lb', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: 30124, ports: [{ port: 80 }] }));
  assert.equal(specOf(ok).healthCheckNodePort, 30124);
});
