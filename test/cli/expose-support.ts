// The objects of reference §5's transcripts, shared by the expose tests (kubesim alone and against real kubectl).
import type { KubeObject } from '../../src/api/types.js';
import { createObject } from '../../src/cluster/apiserver.js';
import { createCluster } from '../../src/cluster/bootstrap.js';
import type { Ctx } from '../../src/cluster/context.js';
import type { ClusterState } from '../../src/store/state.js';
import { writeStateAtomic } from '../../src/store/store.js';
import { fixedClock } from '../../src/util/clock.js';
import { Random } from '../../src/util/random.js';
import { FIXED_NOW } from '../support/cli.js';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';

const KUBIA_LABELS = { app: 'kubia', 'pod-template-hash': '5d8f7c9b6d' };

function container(ports: Record<string, unknown>[]) {
  return { name: 'kubia', image: 'luksa/kubia:1.0', ports };
}

/** The objects of reference §5's transcripts, created through the API server. */
export function exposeState(): ClusterState {
  const now = new Date(FIXED_NOW);
  const state = createCluster({ name: 'kind', seed: 1, now, loadBalancer: true });
  const ctx: Ctx = { clock: fixedClock(now), random: Random.fromState(state.random) };
  const add = (o: Record<string, unknown>) => createObject(state, ctx, o as unknown as KubeObject, { namespace: 'default' });
  // Workloads live in their own namespace, so that their controllers do not adopt (and scale away) the pods above.
  add({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'wl' } });
  const wl = (o: Record<string, unknown>) => add({ ...o, metadata: { ...(o.metadata as object), namespace: 'wl' } });
  add({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'kubia-5d8f7c9b6d-8xkzq', labels: KUBIA_LABELS }, spec: { containers: [container([{ containerPort: 8080 }])] } });
  add({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'creating', labels: { app: 'creating' } }, spec: { containers: [container([{ containerPort: 80 }])] } });
  add({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'client-pod', labels: { app: 'client' } }, spec: { containers: [{ name: 'c', image: 'curlimages/curl' }] } });
  add({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'nolabels' }, spec: { containers: [container([{ containerPort: 80 }])] } });
  add({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'kiada', labels: { app: 'kiada' } },
    spec: { containers: [{ name: 'kiada', image: 'luksa/kiada:0.1', ports: [{ name: 'http', containerPort: 8080 }] }] },
  });
  add({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'dns', labels: { app: 'dns' } },
    spec: { containers: [container([{ name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'dns-tcp', containerPort: 53 }, { name: 'm', containerPort: 9153 }])] },
  });
  const template = { metadata: { labels: { app: 'kubia' } }, spec: { containers: [container([{ containerPort: 8080 }])] } };
  wl({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'kubia', labels: { app: 'kubia' } }, spec: { replicas: 0, selector: { matchLabels: { app: 'kubia' } }, template } });
  wl({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'exprs', labels: { app: 'x' } },
    spec: { replicas: 0, selector: { matchLabels: { app: 'x' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] }, template: { metadata: { labels: { app: 'x', tier: 'a' } }, spec: template.spec } },
  });
  wl({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'kubia-5d8f7c9b6d', labels: KUBIA_LABELS },
    spec: { replicas: 0, selector: { matchLabels: KUBIA_LABELS }, template: { metadata: { labels: KUBIA_LABELS }, spec: { containers: [container([{ name: 'http', containerPort: 8080 }])] } } },
  });
  wl({ apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'kubia-rc', labels: { app: 'kubia' } }, spec: { replicas: 0, selector: { app: 'kubia' }, template } });
  add({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'kubia-nodeport' }, spec: { type: 'NodePort', selector: { app: 'kubia' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'https', port: 443, targetPort: 8443 }] } });
  add({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'kubia' }, spec: { selector: { app: 'kubia' }, ports: [{ port: 80, targetPort: 8080 }] } });
  add({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'external-db' }, spec: { type: 'ExternalName', externalName: 'db.example.com' } });
  add({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'noselector' }, spec: { ports: [{ port: 80 }] } });
  state.random = ctx.random.state();
  return state;
}

/** A temp cluster (commands in-process) whose state file holds exposeState(). */
export function seeded(): InProcessCluster {
  const t = inProcessCluster();
  writeStateAtomic(t.state, exposeState(), Date.parse(FIXED_NOW));
  return t;
}

