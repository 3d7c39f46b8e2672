// The Endpoints and EndpointSlices the controller writes, read by the real kubectl's describe (which in 1.32
// takes a Service's Endpoints: lines from EndpointSlices) through the stub API server, and by kubesim's describe.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { KubeObject } from '../../src/api/types.js';
import { writeStateAtomic } from '../../src/store/store.js';
import { tempCluster } from '../support/cli.js';
import { skipWithoutKubectl, withKubectl } from '../support/stub-apiserver.js';
import { cluster, create, pod, svc } from './services-support.js';

const SKIP = skipWithoutKubectl();

const c = cluster();
const named = [
  { name: 'http', containerPort: 8080 },
  { name: 'https', containerPort: 8443 },
];
create(c, pod('kubia-a', { app: 'kubia' }, named));
create(c, pod('kubia-b', { app: 'kubia' }, named));
create(c, pod('kubia-c', { app: 'kubia' }, [{ name: 'http', containerPort: 8080 }]));
const slow = pod('kubia-d', { app: 'kubia' }, named);
Object.assign((slow.spec as any).containers[0], { readinessProbe: { httpGet: { path: '/', port: 8080 }, initialDelaySeconds: 600 } });
create(c, slow);
create(c, pod('kubia-e', { app: 'kubia' }, named));
create(c, svc('kubia', { type: 'NodePort', ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: 30123 }, { name: 'https', port: 443, targetPort: 'https', nodePort: 30443 }], selector: { app: 'kubia' } }));
create(c, svc('empty', { ports: [{ port: 80 }], selector: { app: 'nothing' } }));
create(c, svc('external-service', { ports: [{ port: 80 }] }));
create(c, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'external-service' }, subsets: [{ addresses: [{ ip: '11.11.11.11' }, { ip: '22.22.22.22' }], ports: [{ port: 80 }] }] } as KubeObject);
create(c, svc('kubia-lb', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 80, targetPort: 8080 }], selector: { app: 'kubia' } }));

const t = tempCluster();
writeStateAtomic(t.state, c.state, c.ctx.clock.now().getTime());
after(() => t.cleanup());

/** The text up to Events: (event ages follow kubectl's wall clock, kubesim's is fixed). */
function head(text: string): string {
  return text.slice(0, text.indexOf('\nEvents:'));
}

function line(text: string, prefix: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(prefix));
}

test('kubectl describe svc lists the ready endpoints per named port from the slices, and kubesim prints the same', { skip: SKIP }, async () => {
  const ip = (n: string) => (c.state.objects.view<any>('pods')[`default/${n}`].status as any).podIP as string;
  const sortIPs = (xs: string[]) => xs.sort((x, y) => x.split('.').reduce((a, b) => a * 256 + +b, 0) - y.split('.').reduce((a, b) => a * 256 + +b, 0));
  await withKubectl(c.state, async (kubectl) => {
    for (const name of ['kubia', 'empty', 'external-service', 'kubia-lb']) {
      const theirs = await kubectl(['describe', 'svc', name]);
      assert.equal(theirs.code, 0, theirs.stderr);
      const ours = t.run(['describe', 'svc', name]);
      assert.equal(head(ours.stdout), head(theirs.stdout), `describe svc ${name}`);
    }
    const d = (await kubectl(['describe', 'svc', 'kubia'])).stdout;
    const eps = line(d, 'Endpoints:').map((l) => l.replace(/^Endpoints:\s+/, ''));
    assert.equal(eps.length, 2);
    // Four ready pods serve http (8080): kubectl lists three of them and "+ 1 more...".
    assert.match(eps[0], /^(\d+\.\d+\.\d+\.\d+:8080,){2}\d+\.\d+\.\d+\.\d+:8080 \+ 1 more\.\.\.$/);
    // https (8443): kubia-c lacks the port, kubia-d is not ready.
    assert.deepEqual(eps[1].split(','), sortIPs([ip('kubia-a'), ip('kubia-b'), ip('kubia-e')]).map((x) => `${x}:8443`).sort((a, b) => eps[1].indexOf(a) - eps[1].indexOf(b)));
    assert.ok(!eps[1].includes(ip('kubia-c')) && !eps[1].includes(ip('kubia-d')));
    const ext = (await kubectl(['describe', 'svc', 'external-service'])).stdout;
    assert.deepEqual(line(ext, 'Endpoints:'), ['Endpoints:                11.11.11.11:80,22.22.22.22:80']);
    const empty = (await kubectl(['describe', 'svc', 'empty'])).stdout;
    assert.deepEqual(line(empty, 'Endpoints:'), ['Endpoints:                '], 'a placeholder slice exists: empty, not <none>');
    const lb = (await kubectl(['describe', 'svc', 'kubia-lb'])).stdout;
    assert.match(lb, /^LoadBalancer Ingress:\s+172\.18\.255\.200 \(VIP\)$/m);
    assert.match(lb, /^HealthCheck NodePort:\s+3\d{4}$/m);
  });
});

test('kubectl describe endpoints shows subsets grouped by port set, not-ready addresses apart', { skip: SKIP }, async () => {
  await withKubectl(c.state, async (kubectl) => {
    const theirs = await kubectl(['describe', 'endpoints', 'kubia']);
    assert.equal(theirs.code, 0, theirs.stderr);
    assert.equal(head(t.run(['describe', 'endpoints', 'kubia']).stdout), head(theirs.stdout));
    const subsets = theirs.stdout.split('\n').filter((l) => /^\s+(Addresses|NotReadyAddresses):/.test(l));
    assert.equal(subsets.length, 4, theirs.stdout);
  });
});
