// The lessons' service manifests (manifests/lessons) apply cleanly and produce what the lessons show.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../src/api/types.js';
import { getObject, listObjects } from '../../src/store/objects.js';
import { ROOT } from '../support/cli.js';
import { cluster, create, type C } from './services-support.js';

type Any = Record<string, any>;
const DIR = join(ROOT, 'manifests', 'lessons');

function apply(c: C, file: string): KubeObject[] {
  return parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((d) => {
    const o = d.toJS() as KubeObject;
    return create(c, o, o.metadata.namespace ?? 'default');
  });
}

test('every lesson manifest applies cleanly to one cluster', () => {
  const c = cluster();
  for (const f of readdirSync(DIR).filter((x) => x.endsWith('.yaml')).sort()) {
    assert.doesNotThrow(() => apply(c, f), f);
  }
  const s = (n: string) => getObject(c.state, 'services', 'default', n) as Any;
  assert.equal(s('kubia-nodeport').spec.ports[0].nodePort, 30123);
  assert.equal(s('kubia-local').spec.ports[0].nodePort, 30124);
  assert.equal(s('kubia-local').spec.externalTrafficPolicy, 'Local');
  assert.equal(s('kubia-local').spec.healthCheckNodePort, undefined, 'NodePort+Local has no healthCheckNodePort');
  assert.deepEqual(s('kubia-client-ip').spec.sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
  assert.equal(s('kubia-loadbalancer').status.loadBalancer.ingress[0].ip, '172.18.255.200');
  assert.ok(s('kubia-loadbalancer').spec.ports[0].nodePort >= 30086);
  assert.equal(getObject(c.state, 'services', 'dev', 'demo-service')!.kind, 'Service');
});

test('named ports lesson: http 80->8080 and https 443->8443 in one subset', () => {
  const c = cluster();
  apply(c, 'kubia-named-ports.yaml');
  const ip = (getObject(c.state, 'pods', 'default', 'kubia-named') as Any).status.podIP;
  const ep = getObject(c.state, 'endpoints', 'default', 'kubia') as Any;
  assert.equal(ep.subsets.length, 1);
  assert.deepEqual(ep.subsets[0].addresses.map((a: Any) => a.ip), [ip]);
  assert.deepEqual(ep.subsets[0].ports, [
    { name: 'http', port: 8080, protocol: 'TCP' },
    { name: 'https', port: 8443, protocol: 'TCP' },
  ]);
  const [slice] = listObjects(c.state, 'endpointslices', 'default').filter((x) => x.metadata.labels?.['kubernetes.io/service-name'] === 'kubia') as Any[];
  assert.deepEqual(slice.ports, [
    { name: 'http', port: 8080, protocol: 'TCP' },
    { name: 'https', port: 8443, protocol: 'TCP' },
  ]);
});

test('external-service lesson: the manual Endpoints is what the service has', () => {
  const c = cluster();
  apply(c, 'external-service.yaml');
  const ep = getObject(c.state, 'endpoints', 'default', 'external-service') as Any;
  assert.deepEqual(ep.subsets, [{ addresses: [{ ip: '11.11.11.11' }, { ip: '22.22.22.22' }], ports: [{ port: 80, protocol: 'TCP' }] }]);
  assert.equal((getObject(c.state, 'services', 'default', 'external-service') as Any).spec.selector, undefined);
});
