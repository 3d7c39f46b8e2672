// In-process cluster helpers for the services and endpoints tests: a fresh default cluster, a fixed clock.
import assert from 'node:assert/strict';
import { KubeError } from '../../src/api/errors.js';
import type { KubeObject } from '../../src/api/types.js';
import { createObject } from '../../src/cluster/apiserver.js';
import { createCluster } from '../../src/cluster/bootstrap.js';
import type { Ctx } from '../../src/cluster/context.js';
import type { ClusterState } from '../../src/store/state.js';
import { fixedClock } from '../../src/util/clock.js';
import { Random } from '../../src/util/random.js';

export const NOW = new Date('2026-11-22T01:30:00Z');

export interface C {
  state: ClusterState;
  ctx: Ctx;
}

export function cluster(opts: { loadBalancer?: boolean; seed?: number } = {}): C {
  const state = createCluster({ name: 'kind', seed: opts.seed ?? 1, now: NOW, loadBalancer: opts.loadBalancer ?? true });
  return { state, ctx: { clock: fixedClock(NOW), random: Random.fromState(state.random) } };
}

/** Moves the cluster's clock forward (pods become ready as time passes). */
export function later(c: C, seconds: number): C {
  return { state: c.state, ctx: { clock: fixedClock(new Date(c.ctx.clock.now().getTime() + seconds * 1000)), random: c.ctx.random } };
}

export function svc(name: string, spec: Record<string, unknown>, extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, ...extra }, spec } as KubeObject;
}

export function pod(name: string, labels: Record<string, string>, ports: Record<string, unknown>[] = [], extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { containers: [{ name: 'app', image: 'luksa/kiada:0.1', ports }], ...extra },
  } as KubeObject;
}

export function create(c: C, obj: KubeObject, namespace = 'default'): KubeObject {
  return createObject(c.state, c.ctx, obj, { namespace });
}

/** Runs fn expecting a user error; returns its rendered text after checking that the state did not change. */
export function failure(c: C, fn: () => unknown): string {
  const before = JSON.stringify(c.state.objects);
  const rv = c.state.resourceVersion;
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof KubeError, String(e));
    assert.equal(c.state.resourceVersion, rv, 'resourceVersion unchanged');
    assert.equal(JSON.stringify(c.state.objects), before, 'objects unchanged');
    return e.render();
  }
  return assert.fail('expected an error');
}

export function ipOffset(ip: string): number {
  return ip.split('.').reduce((a, b) => a * 256 + Number(b), 0) - (10 * 2 ** 24 + 96 * 2 ** 16 + 1);
}
