// The tunnel in-process on loopback, with a fake network: which services get a port, where connections enter,
// and services followed as they come and go.
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { test } from 'node:test';
import { LiveCluster } from '../../src/forward/live-state.js';
import { parseAddresses } from '../../src/forward/resolve.js';
import { Tunnel, tunnelEntries } from '../../src/forward/tunnel.js';
import type { ClusterState } from '../../src/store/state.js';
import { fixedClock } from '../../src/util/clock.js';
import { FIXED_NOW } from '../support/cli.js';
import { fakeEngine } from './fake-engine.js';
import { buildState, httpGet, pod, service, stateDir } from './support.js';
import type { KubeObject } from '../../src/api/types.js';
import { cloneState } from '../../src/store/store.js';

function withServices(extra: Record<string, KubeObject>): ClusterState {
  const s = buildState([pod('nginx', { labels: { app: 'nginx' }, image: 'nginx:1.27', ports: [{ containerPort: 80 }] })]);
  Object.assign(s.objects.view<any>('services'), extra);
  return s;
}

const nodePortSvc = { ...service('web', { type: 'NodePort', selector: { app: 'nginx' }, ports: [{ name: 'http', port: 80, targetPort: 80, nodePort: 30123 }, { port: 53, protocol: 'UDP', nodePort: 30053 }] }), metadata: { name: 'web', namespace: 'default' } };
const lbSvc = {
  ...service('lb', { type: 'LoadBalancer', selector: { app: 'nginx' }, ports: [{ port: 8080, targetPort: 80, nodePort: 31000 }] }),
  metadata: { name: 'lb', namespace: 'default' },
  status: { loadBalancer: { ingress: [{ ip: '172.18.255.200' }] } },
};
const clusterIPSvc = { ...service('internal', { selector: { app: 'nginx' }, ports: [{ port: 80 }] }), metadata: { name: 'internal', namespace: 'default' } };

test('NodePort ports enter at a node address, LoadBalancer ports at the LB IP; ClusterIP and UDP get no tunnel', () => {
  const state = withServices({ 'default/web': nodePortSvc as never, 'default/lb': lbSvc as never, 'default/internal': clusterIPSvc as never });
  const entries = tunnelEntries(state).map((e) => `${e.namespace}/${e.service} ${e.type} ${e.dstIP}:${e.dstPort} local ${e.preferredLocal}`);
  assert.deepEqual(entries, ['default/lb LoadBalancer 172.18.255.200:8080 local 31000', 'default/web NodePort 172.18.0.2:30123 local 30123']);
});

test('the tunnel serves each service, one simulated connection per TCP connection, and follows services', async () => {
  const state = withServices({ 'default/web': { ...nodePortSvc, spec: { type: 'NodePort', selector: { app: 'nginx' }, ports: [{ port: 80, nodePort: 0 }] } } as never });
  // nodePort 0: not allocated, so no tunnel yet; then one is added by "another command"
  const dir = stateDir(state);
  const live = new LiveCluster(dir.path, fixedClock(FIXED_NOW), cloneState(state));
  const engine = fakeEngine({});
  const tunnel = new Tunnel(live, engine, parseAddresses(['127.0.0.1']), { out: () => undefined, err: () => undefined });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const first = await tunnel.sync();
    assert.deepEqual(first.added, []);
    const next = cloneState(state);
    next.objects.view<any>('services')['default/lb'] = lbSvc as never;
    dir.write(next);
    live.reload();
    const second = await tunnel.sync();
    assert.equal(second.added.length, 1);
    const local = second.added[0].local[0];
    assert.match(local, /^127\.0\.0\.1:\d+$/);
    const port = Number(local.split(':')[1]);
    const a = await httpGet(port, { agent });
    const b = await httpGet(port, { agent });
    assert.match(a.body, /^GET \/ via 172\.18\.255\.200:8080 conn \d+$/);
    assert.equal(a.body, b.body, 'keep-alive keeps the connection, so the same backend choice');
    const c = await httpGet(port);
    assert.notEqual(c.body, a.body, 'a new connection is a new simulated connection');
    // the service deleted: its port closes
    dir.write(state);
    live.reload();
    const third = await tunnel.sync();
    assert.equal(third.removed.length, 1);
    await assert.rejects(httpGet(port));
  } finally {
    agent.destroy();
    await tunnel.close();
    await live.stop();
    dir.cleanup();
  }
});
