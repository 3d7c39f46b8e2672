// What bench/engine.mjs measures, bundled from source on the fly: a ClusterIP service with 10 endpoints
// and a client pod, then N simulated requests through the whole engine walk (DNAT, socket, app, log).
import type { KubeObject } from '../src/api/types.js';
import { createObject } from '../src/cluster/apiserver.js';
import { createCluster } from '../src/cluster/bootstrap.js';
import { request } from '../src/net/engine.js';
import { openNet } from '../src/net/index.js';
import { putObject } from '../src/store/objects.js';
import { fixedClock } from '../src/util/clock.js';
import { Random } from '../src/util/random.js';

export function engineBench(n: number, opts: { trace: boolean; byName: boolean }): { ms: number; answered: number; spread: number } {
  const now = new Date('2026-11-22T01:30:00Z');
  const state = createCluster({ name: 'kind', seed: 7, now, loadBalancer: true });
  const ctx = { clock: fixedClock(now), random: Random.fromState(state.random) };
  const addresses = [];
  for (let i = 0; i < 10; i++) {
    const pod = createObject(state, ctx, { apiVersion: 'v1', kind: 'Pod', metadata: { name: `web-${i}`, labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'luksa/kiada:0.1' }] } } as unknown as KubeObject, { namespace: 'default' });
    const st = (pod as { status?: { podIP?: string } }).status;
    addresses.push({ ip: st!.podIP!, nodeName: (pod as { spec?: { nodeName?: string } }).spec!.nodeName });
  }
  createObject(state, ctx, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'client' }, spec: { containers: [{ name: 'c', image: 'busybox', command: ['sleep', 'infinity'] }] } } as unknown as KubeObject, { namespace: 'default' });
  putObject(state, 'services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { clusterIP: '10.96.20.20', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] } } as unknown as KubeObject);
  // kube-proxy reads EndpointSlices.
  putObject(state, 'endpointslices', {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'web-bench', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    ports: [{ name: '', port: 8080, protocol: 'TCP' }],
    endpoints: addresses.map((a) => ({ addresses: [a.ip], conditions: { ready: true }, nodeName: a.nodeName })),
  } as unknown as KubeObject);
  const net = openNet(state, ctx, { trace: opts.trace });
  const client = { kind: 'pod' as const, pod: net.topo.podByKey.get('default/client')! };
  const req = { method: 'GET', path: '/', headers: [['Host', 'web'], ['User-Agent', 'curl/8.5.0'], ['Accept', '*/*']] as [string, string][] };
  const host = opts.byName ? 'web' : '10.96.20.20';
  const seen = new Set<string>();
  let answered = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const out = request(net, client, host, 80, req);
    if (out.kind === 'answered') {
      answered++;
      if (i < 1000) seen.add(out.conn.backendIP);
    }
  }
  return { ms: performance.now() - t0, answered, spread: seen.size };
}
