// A temp cluster (commands run in-process) whose state already has namespace `dev` (the namespace verb is another module's), and readers
// of the saved state for what the get printer would show.
import { readFileSync } from 'node:fs';
import type { KubeObject } from '../../src/api/types.js';
import { createObject } from '../../src/cluster/apiserver.js';
import { createCluster } from '../../src/cluster/bootstrap.js';
import { writeStateAtomic } from '../../src/store/store.js';
import { fixedClock } from '../../src/util/clock.js';
import { Random } from '../../src/util/random.js';
import { FIXED_NOW, savedState, type SavedState } from '../support/cli.js';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';

export function clusterWithDev(seed = 1): InProcessCluster {
  const c = inProcessCluster({ seed });
  const state = createCluster({ name: 'kind', seed, now: new Date(FIXED_NOW), loadBalancer: true });
  const random = Random.fromState(state.random);
  createObject(state, { clock: fixedClock(FIXED_NOW), random }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev' } }, { namespace: 'default' });
  state.random = random.state();
  writeStateAtomic(c.state, state, Date.parse(FIXED_NOW));
  return c;
}

export function saved(c: InProcessCluster): SavedState {
  return savedState(c.state);
}

export function savedPods(c: InProcessCluster, ns: string, prefix: string): KubeObject[] {
  return Object.values(saved(c).objects.pods ?? {}).filter((p) => p.metadata.namespace === ns && p.metadata.name.startsWith(prefix));
}
