// The endpoints controllers' incremental path (a Service whose pods alone changed: only the slices holding them
// are read and rewritten, the Endpoints derived without listing pods) against the full one, on crafted clusters:
// after the same pod changes, both must store the same slices and Endpoints, byte for byte, with the same
// resourceVersions, names and uids.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCluster } from '../../src/cluster/bootstrap.js';
import type { Ctx } from '../../src/cluster/context.js';
import { runEndpointsController, selectedPod } from '../../src/cluster/endpoints.js';
import { reconcileIncrementally, type Learned } from '../../src/cluster/endpointslice-delta.js';
import { PodInformer } from '../../src/cluster/informer.js';
import { syncTriggerTime } from '../../src/cluster/trigger-time.js';
import type { KubeObject, Pod, Service } from '../../src/api/types.js';
import { getObject, listObjects, putObject, removeObject } from '../../src/store/objects.js';
import type { ClusterState } from '../../src/store/state.js';
import { fixedClock } from '../../src/util/clock.js';
import { Random } from '../../src/util/random.js';

const T0 = '2026-11-22T01:30:00Z';
const T1 = '2026-11-22T01:31:00Z';
type PodObj = Pod & KubeObject;

interface PodSpec {
  ip?: string;
  ready?: boolean;
  /** containerPort named "http" (none: no such port). */
  http?: number;
  app?: string;
  hostname?: string;
  subdomain?: string;
  deleting?: boolean;
  phase?: string;
  at?: string;
  uid?: string;
}

function makePod(name: string, s: PodSpec): PodObj {
  const at = s.at ?? T0;
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: s.uid ?? `uid-${name}`, creationTimestamp: at, labels: { app: s.app ?? 'web' } } as KubeObject['metadata'],
    spec: { nodeName: `kind-worker${(name.length % 3) + 1}`, containers: [{ name: 'app', image: 'nginx', ...(s.http ? { ports: [{ name: 'http', containerPort: s.http, protocol: 'TCP' }] } : {}) }] } as PodObj['spec'],
    status: { phase: s.phase ?? 'Running', ...(s.ip ? { podIP: s.ip, podIPs: [{ ip: s.ip }] } : {}), conditions: [{ type: 'Ready', status: s.ready === false ? 'False' : 'True', lastTransitionTime: at }] },
  } as PodObj;
  if (s.hostname) pod.spec!.hostname = s.hostname;
  if (s.subdomain) pod.spec!.subdomain = s.subdomain;
  if (s.deleting) pod.metadata.deletionTimestamp = at;
  return pod;
}

const ipOf = (i: number): string => `10.244.${1 + Math.floor(i / 200)}.${(i % 200) + 2}`;

function ctxOf(state: ClusterState, at: string): Ctx {
  return { clock: fixedClock(new Date(at)), random: Random.fromState(state.random) };
}

/** A cluster with the Service and its pods, reconciled in full at T0. */
function cluster(svc: Record<string, unknown>, pods: [string, PodSpec][], history: Change[] = []): ClusterState {
  const state = createCluster({ name: 'kind', seed: 7, now: new Date(T0), loadBalancer: false });
  const ctx = ctxOf(state, T0);
  putObject(state, 'services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default', uid: 'svc-uid', creationTimestamp: T0 }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }], ...svc } } as KubeObject);
  for (const [name, s] of pods) putObject(state, 'pods', makePod(name, s));
  runEndpointsController(state, ctx);
  // Earlier changes, reconciled in full: slices whose addresses interleave.
  if (history.length) {
    change(state, history);
    runEndpointsController(state, ctx);
  }
  state.random = ctx.random.state();
  return state;
}

type Change = [name: string, spec: PodSpec | undefined];

function change(state: ClusterState, changes: Change[]): void {
  for (const [name, s] of changes) {
    if (s) putObject(state, 'pods', makePod(name, { at: T1, ...s }));
    else removeObject(state, 'pods', 'default', name);
  }
}

function view(state: ClusterState): string {
  return JSON.stringify({ rv: state.resourceVersion, random: state.random, slices: listObjects(state, 'endpointslices', 'default'), endpoints: listObjects(state, 'endpoints', 'default') });
}

/**
 * Builds the cluster twice, makes the same changes to both, reconciles one in full and the other incrementally
 * (which must take the incremental path unless `expect` says it falls back), and compares what they store.
 */
function check(svc: Record<string, unknown>, pods: [string, PodSpec][], changes: Change[], expect = true, history: Change[] = []): { slices: KubeObject[]; endpoints: KubeObject } {
  const full = cluster(svc, pods, history);
  const inc = cluster(svc, pods, history);
  assert.equal(view(inc), view(full));
  change(full, changes);
  change(inc, changes);
  const fctx = ctxOf(full, T1);
  runEndpointsController(full, fctx);
  full.random = fctx.random.state();

  const ictx = ctxOf(inc, T1);
  const before = inc.resourceVersion;
  const learned: Learned = { pods: new Set(changes.map(([n]) => `default/${n}`)), written: false };
  const projections = [...inc.objects.projections('endpointslices')].filter(([, p]) => (p as { s?: string }).s === 'web');
  const pods_ = PodInformer.build(inc, false);
  const svcObj = getObject(inc, 'services', 'default', 'web') as Service & KubeObject;
  // The trigger time from the changed pods alone, as the controller computes it before choosing its path.
  const trigger = syncTriggerTime(inc, svcObj, [...learned.pods].map((k): [string, PodObj | undefined] => [k, selectedPod(svcObj, pods_.get(k))]), false);
  const took = reconcileIncrementally(inc, ictx, { pods: pods_ }, svcObj, learned, projections, trigger);
  assert.equal(took, expect, 'incremental path taken');
  if (!took) {
    // The controller goes on with the full path and the same trigger time: the full reconcile's result.
    assert.equal(inc.resourceVersion, before, 'a fallback writes nothing');
    assert.deepEqual(ictx.random.state(), inc.random, 'a fallback draws no random names');
  } else {
    inc.random = ictx.random.state();
    assert.equal(view(inc), view(full));
  }
  return { slices: listObjects(full, 'endpointslices', 'default').filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'web'), endpoints: getObject(full, 'endpoints', 'default', 'web')! };
}

const many = (n: number, s: (i: number) => PodSpec = () => ({})): [string, PodSpec][] => Array.from({ length: n }, (_, i) => [`web-${String(i).padStart(4, '0')}`, { ip: ipOf(i), ...s(i) }]);
const sizes = (slices: KubeObject[]) => slices.map((s) => ((s.endpoints as unknown[] | null) ?? []).length).sort((a, b) => b - a);

test('a pod added goes to the slice it fills closest to full; one removed leaves its slice only', () => {
  const pods = many(250);
  assert.deepEqual(sizes(check({}, pods, [['web-new', { ip: ipOf(900) }]]).slices), [100, 100, 51]);
  assert.deepEqual(sizes(check({}, pods, [['web-0003', undefined]]).slices), [100, 99, 50]);
  // Several at once: removed from two slices, added back into the ones written anyway.
  check({}, pods, [['web-0003', undefined], ['web-0150', undefined], ['web-x1', { ip: ipOf(901) }], ['web-x2', { ip: ipOf(902) }], ['web-x3', { ip: ipOf(903) }]]);
  // The fullest of the slices written anyway takes the new one, whichever its name.
  for (const [a, b] of [[['web-0003', 'web-0004'], ['web-0150']], [['web-0003'], ['web-0150', 'web-0151']]]) {
    const r = check({}, pods, [...[...a, ...b].map((n): Change => [n, undefined]), ['web-x1', { ip: ipOf(901) }]]);
    assert.deepEqual(sizes(r.slices), [100, 98, 50]);
  }
});

test('readiness flips, terminating pods and pods losing their IP or phase are rewritten in place or dropped', () => {
  const pods = many(120);
  check({}, pods, [['web-0010', { ip: ipOf(10), ready: false }]]);
  check({}, pods, [['web-0010', { ip: ipOf(10), deleting: true }]]);
  check({}, pods, [['web-0010', { ip: ipOf(10), ready: false, deleting: true }]]);
  check({}, pods, [['web-0010', { ip: ipOf(10), phase: 'Succeeded', ready: false }]]);
  check({}, pods, [['web-0010', {}]]);
  check({}, pods, [['web-0010', { ip: ipOf(10), app: 'other' }]]);
  // A pod that was not ready becomes ready.
  check({}, many(30, (i) => ({ ready: i !== 5 })), [['web-0005', { ip: ipOf(5) }]]);
});

test('an IP given to another pod, and a pod recreated under its name with a new IP', () => {
  const pods = many(150);
  check({}, pods, [['web-0020', undefined], ['web-new', { ip: ipOf(20) }]]);
  check({}, pods, [['web-0020', { ip: ipOf(700), uid: 'uid-again' }]]);
  // Two pods with the same IP (host network): the order among them is the pods' order.
  check({}, pods, [['web-aaa', { ip: ipOf(30) }], ['web-zzz', { ip: ipOf(30) }]]);
});

test('150 new pods fill the slices and then a new one; emptied slices go or lend their names', () => {
  const pods = many(230);
  const added = Array.from({ length: 150 }, (_, i): Change => [`web-n${i}`, { ip: ipOf(1000 + i) }]);
  assert.deepEqual(sizes(check({}, pods, added).slices), [100, 100, 100, 80]);
  // A whole slice's pods go: the slice is deleted.
  const gone = pods.slice(0, 100).map(([n]): Change => [n, undefined]);
  check({}, pods, gone);
  // ... while new ones arrive: a new slice takes the name of the deleted one.
  check({}, pods, [...gone, ...Array.from({ length: 120 }, (_, i): Change => [`web-n${i}`, { ip: ipOf(2000 + i) }])]);
});

test('named target ports: pods resolving different ports, or none, are in different slices', () => {
  const svc = { ports: [{ name: 'web', port: 80, targetPort: 'http', protocol: 'TCP' }, { name: 'other', port: 81, targetPort: 81, protocol: 'TCP' }] };
  const pods = many(140, (i) => ({ http: i % 3 === 0 ? 8080 : i % 3 === 1 ? 9090 : undefined }));
  check(svc, pods, [['web-0003', { ip: ipOf(3), http: 9090 }]]);
  check(svc, pods, [['web-new', { ip: ipOf(500), http: 7070 }]]);
  check(svc, pods, [['web-new', { ip: ipOf(500), http: 7070 }], ['web-0000', undefined], ['web-0001', { ip: ipOf(1), ready: false, http: 9090 }]]);
  // The last pod of a port set goes: its slice goes with it.
  const few = many(4, (i) => ({ http: i === 0 ? 7070 : 8080 }));
  check(svc, few, [['web-0000', undefined]]);
  check(svc, few, [['web-0000', undefined], ['web-new', { ip: ipOf(9), http: 6060 }]]);
});

test('publishNotReadyAddresses, and hostnames for pods of the subdomain', () => {
  const pods = many(60, (i) => ({ ready: i % 2 === 0 }));
  check({ publishNotReadyAddresses: true }, pods, [['web-0001', { ip: ipOf(1) }], ['web-0002', { ip: ipOf(2), ready: false, deleting: true }]]);
  const named = many(10, (i) => ({ hostname: `h${i}`, subdomain: i % 2 ? 'web' : 'other' }));
  check({ clusterIP: 'None' }, named, [['web-0001', { ip: ipOf(1), hostname: 'renamed', subdomain: 'web' }], ['web-new', { ip: ipOf(50), hostname: 'n', subdomain: 'web' }]]);
  check({ clusterIP: 'None', ports: [] }, named, [['web-0003', { ip: ipOf(3), ready: false, hostname: 'h3', subdomain: 'web' }]]);
});

test('a truncated Endpoints keeps the first 1,000 ready addresses, with or without reading the slices', () => {
  const pods = many(1050);
  // Past the last listed address: the Endpoints does not change.
  check({}, pods, [['web-new', { ip: ipOf(1400) }]]);
  // Before it: it is listed and the last one goes.
  const r = check({}, pods, [['web-new', { ip: '10.244.1.1' }]]);
  assert.equal(r.endpoints.metadata.annotations?.['endpoints.kubernetes.io/over-capacity'], 'truncated');
  assert.equal((r.endpoints.subsets as { addresses: { ip: string }[] }[])[0].addresses[0].ip, '10.244.1.1');
  // A listed one goes or is no longer ready: the next one is read from the slices.
  check({}, pods, [['web-0000', undefined]]);
  check({}, pods, [['web-0001', { ip: ipOf(1), ready: false }]]);
  // Many listed ones go while many pods arrive: the next ones come from several slices, the new ones' too.
  const r2 = check({}, many(1300), [...many(150).map(([n]): Change => [n, undefined]), ...Array.from({ length: 30 }, (_, i): Change => [`web-n${i}`, { ip: ipOf(1003 + i * 3) }])]);
  assert.equal((r2.endpoints.subsets as { addresses: { ip: string }[] }[])[0].addresses.length, 1000);
  // Slices whose addresses interleave (pods that came later filled the room others left): the next ones after
  // the last listed are found in whichever slices reach past it.
  const spaced = Array.from({ length: 1100 }, (_, i): [string, PodSpec] => [`web-${String(i).padStart(4, '0')}`, { ip: ipOf(2 * i) }]);
  const history = [...spaced.filter((_, i) => i % 10 === 3).map(([n]): Change => [n, undefined]), ...Array.from({ length: 110 }, (_, i): Change => [`web-h${i}`, { ip: ipOf(2 * i * 10 + 1) }])];
  check({}, spaced, [['web-0000', undefined], ['web-0001', { ip: ipOf(2), ready: false }]], true, history);
  // Back under the capacity.
  check({}, pods, pods.slice(0, 60).map(([n]): Change => [n, undefined]));
  // Not ready ones only cut.
  check({}, many(1010, (i) => ({ ready: i < 990 })), [['web-0000', { ip: ipOf(0), ready: false }]]);
});

test('when every slice would go, the full path decides (a placeholder stays); the placeholder lends its name', () => {
  const pods = many(3);
  check({}, pods, pods.map(([n]): Change => [n, undefined]), false);
  const r = check({}, [], [['web-new', { ip: ipOf(7) }]]);
  assert.deepEqual(sizes(r.slices), [1]);
});
