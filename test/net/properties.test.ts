// Properties over random clusters and requests: the chosen backend is always a ready endpoint of the
// service, ClientIP affinity holds within its timeout, and a fixed seed repeats every choice.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { request, type Client } from '../../src/net/engine.js';
import { fixture, GET } from './fixture.js';

const NODES = ['kind-worker', 'kind-worker2', 'kind-worker3'];

interface Shape {
  pods: { node: number; ready: boolean; app: number }[];
  affinity: boolean;
  requests: number;
  seed: number;
}

const shape = fc.record({
  pods: fc.array(fc.record({ node: fc.integer({ min: 0, max: 2 }), ready: fc.boolean(), app: fc.integer({ min: 0, max: 1 }) }), { minLength: 1, maxLength: 8 }),
  affinity: fc.boolean(),
  requests: fc.integer({ min: 1, max: 30 }),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
});

function build(s: Shape) {
  const f = fixture(s.seed);
  s.pods.forEach((p, i) => {
    // Not-ready pods: a readiness probe that has not passed yet.
    const container = p.ready ? {} : { readinessProbe: { initialDelaySeconds: 3600, httpGet: { path: '/', port: 8080 } } };
    f.pod(`p${i}`, 'demo:1', { node: NODES[p.node], labels: { app: `a${p.app}` }, container });
  });
  f.pod('client', 'busybox', { node: 'kind-worker', container: { command: ['sleep', 'infinity'] } });
  f.service('svc', { clusterIP: '10.96.50.50', selector: { app: 'a0' }, sessionAffinity: s.affinity ? 'ClientIP' : 'None', ports: [{ port: 80, targetPort: 8080 }] });
  const net = f.net({ trace: false });
  const client: Client = { kind: 'pod', pod: net.topo.podByKey.get('default/client')! };
  const ready = new Set(s.pods.flatMap((p, i) => (p.ready && p.app === 0 ? [f.podIP(`p${i}`)] : [])));
  return { f, net, client, ready };
}

describe('engine properties', () => {
  it('the backend is always a ready endpoint of the service; no ready endpoint means refused', () => {
    fc.assert(
      fc.property(shape, (s) => {
        const { net, client, ready } = build(s);
        for (let i = 0; i < s.requests; i++) {
          const out = request(net, client, 'svc', 80, GET());
          if (ready.size === 0) {
            assert.equal(out.kind, 'refused');
            continue;
          }
          assert.equal(out.kind, 'answered');
          if (out.kind === 'answered') assert.ok(ready.has(out.conn.backendIP), `${out.conn.backendIP} is ready`);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('ClientIP affinity pins one client to one endpoint within the timeout', () => {
    fc.assert(
      fc.property(shape, (s) => {
        const { net, client, ready } = build({ ...s, affinity: true });
        fc.pre(ready.size > 0);
        const backends = new Set<string>();
        for (let i = 0; i < s.requests; i++) {
          const out = request(net, client, 'svc', 80, GET());
          if (out.kind === 'answered') backends.add(out.conn.backendIP);
        }
        assert.equal(backends.size, 1);
      }),
      { numRuns: 40 },
    );
  });

  it('a fixed seed gives the same choices', () => {
    fc.assert(
      fc.property(shape, (s) => {
        const run = () => {
          const { net, client } = build(s);
          return Array.from({ length: s.requests }, () => {
            const out = request(net, client, 'svc', 80, GET());
            return out.kind === 'answered' ? out.conn.backendIP : out.kind;
          }).join(',');
        };
        assert.equal(run(), run());
      }),
      { numRuns: 30 },
    );
  });
});
