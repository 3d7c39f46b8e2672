// In-process helpers for workload tests: a fresh default cluster and a few API calls at chosen times.
import { createObject, updateObject } from '../../src/cluster/apiserver.js';
import { createCluster } from '../../src/cluster/bootstrap.js';
import type { Ctx } from '../../src/cluster/context.js';
import { reconcile } from '../../src/cluster/controllers.js';
import type { KubeObject, Pod } from '../../src/api/types.js';
import { getObject, listObjects } from '../../src/store/objects.js';
import type { ClusterState } from '../../src/store/state.js';
import { fixedClock } from '../../src/util/clock.js';
import { Random } from '../../src/util/random.js';

export const T0 = Date.parse('2026-11-22T01:30:00Z');

export interface World {
  state: ClusterState;
  random: Random;
  at(offsetSeconds: number): Ctx;
}

export function world(seed = 1): World {
  const state = createCluster({ name: 'kind', seed, now: new Date(T0 - 86400_000), loadBalancer: true });
  const random = Random.fromState(state.random);
  return { state, random, at: (s) => ({ clock: fixedClock(new Date(T0 + s * 1000)), random }) };
}

export function deployment(name: string, replicas: number, image = 'demo:1.0.0', extra: Record<string, unknown> = {}): KubeObject {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels },
    spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name, image, ports: [{ containerPort: 8080 }] }] } }, ...extra },
  };
}

export function ensureNamespace(w: World, ns: string): void {
  if (!getObject(w.state, 'namespaces', undefined, ns)) createObject(w.state, w.at(0), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, { namespace: 'default' });
}

export function create(w: World, obj: KubeObject, ns: string, t = 0): KubeObject {
  return createObject(w.state, w.at(t), obj, { namespace: ns });
}

/** A user's PUT after a change to the stored object. */
export function edit(w: World, resource: string, ns: string, name: string, fn: (o: KubeObject) => void, t = 0): KubeObject {
  const o = structuredClone(getObject(w.state, resource, ns, name)!);
  fn(o);
  return updateObject(w.state, w.at(t), o, { namespace: ns });
}

export function look(w: World, t: number): void {
  reconcile(w.state, w.at(t));
}

export function podsOf(w: World, ns: string, prefix: string): (Pod & KubeObject)[] {
  return listObjects<Pod>(w.state, 'pods', ns).filter((p) => p.metadata.name.startsWith(prefix));
}
