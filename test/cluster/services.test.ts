import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidError, KubeError } from '../../src/api/errors.js';
import type { KubeObject } from '../../src/api/types.js';
import { createObject, deleteObject, updateObject } from '../../src/cluster/apiserver.js';
import { createCluster } from '../../src/cluster/bootstrap.js';
import type { Ctx } from '../../src/cluster/context.js';
import { allocateNext, nodePortRange, serviceIPRange } from '../../src/cluster/services.js';
import { resourceByName } from '../../src/api/resources.js';
import { getObject, listObjects } from '../../src/store/objects.js';
import type { ClusterState } from '../../src/store/state.js';
import { fixedClock } from '../../src/util/clock.js';
import { Random } from '../../src/util/random.js';

const NOW = new Date('2026-11-22T01:30:00Z');

export function cluster(opts: { loadBalancer?: boolean; seed?: number } = {}): { state: ClusterState; ctx: Ctx } {
  const state = createCluster({ name: 'kind', seed: opts.seed ?? 1, now: NOW, loadBalancer: opts.loadBalancer ?? true });
  return { state, ctx: { clock: fixedClock(NOW), random: Random.fromState(state.random) } };
}

export function svc(name: string, spec: Record<string, unknown>, extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, ...extra }, spec } as KubeObject;
}

function create(c: { state: ClusterState; ctx: Ctx }, obj: KubeObject): KubeObject {
  return createObject(c.state, c.ctx, obj, { namespace: 'default' });
}

/** Runs fn expecting a KubeError; returns its rendered text and checks the state did not change. */
function failure(c: { state: ClusterState; ctx: Ctx }, fn: () => unknown): string {
  const before = JSON.stringify(c.state.objects);
  const rv = c.state.resourceVersion;
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof KubeError, String(e));
    assert.equal(JSON.stringify(c.state.objects), before, 'state unchanged');
    assert.equal(c.state.resourceVersion, rv);
    return e.render();
  }
  assert.fail('expected an error');
}

test('defaults a ClusterIP service as the API server does and allocates from the upper band', () => {
  const c = cluster();
  const s = create(c, svc('kubia', { ports: [{ port: 80, targetPort: 8080 }], selector: { app: 'kubia' } }));
  const spec = s.spec as Record<string, unknown>;
  const ip = spec.clusterIP as string;
  assert.deepEqual(spec, {
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
  const r = serviceIPRange('10.96.0.0/12');
  const off = (ip.split('.').reduce((a, b) => a * 256 + Number(b), 0)) - r.base;
  assert.ok(off >= 256 && off < r.max, `${ip} in the upper band`);
});
