import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidError } from '../../src/api/errors.js';
import { resourceByName } from '../../src/api/resources.js';
import type { KubeObject, Pod } from '../../src/api/types.js';
import { deleteObject } from '../../src/cluster/apiserver.js';
import { reconcile } from '../../src/cluster/controllers.js';
import { canonicalJSON, computeHash, fnv32a, safeEncodeString } from '../../src/cluster/hash.js';
import { planRolling, rankPodsForDeletion } from '../../src/cluster/workloads.js';
import { getObject, listObjects } from '../../src/store/objects.js';
import { NAME_ALPHABET } from '../../src/util/random.js';
import { create, deployment, edit, ensureNamespace, look, podsOf, world, type World } from './workloads-helpers.js';

const enc = (s: string) => new TextEncoder().encode(s);
const HASH = /^[4-9bcdf]{1,10}$/;
const SUFFIX = `[${NAME_ALPHABET}]{5}`;

function rsOf(w: World, ns: string, deploy: string): KubeObject[] {
  return listObjects(w.state, 'replicasets', ns).filter((r) => r.metadata.ownerReferences?.[0]?.name === deploy);
}
function spec<T = Record<string, unknown>>(o: KubeObject): T {
  return o.spec as T;
}
function status<T = Record<string, number>>(o: KubeObject | undefined): T {
  return (o?.status ?? {}) as T;
}
function events(w: World, ns: string, kind: string): string[] {
  return listObjects(w.state, 'events', ns)
    .filter((e) => (e.involvedObject as { kind: string }).kind === kind)
    .sort((a, b) => String(a.firstTimestamp).localeCompare(String(b.firstTimestamp)) || Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion))
    .map((e) => `${(e.source as { component: string }).component} ${e.reason} ${e.message}`);
}
function demo(w: World, replicas = 5, extra: Record<string, unknown> = {}): KubeObject {
  ensureNamespace(w, 'dev');
  return create(w, deployment('demo', replicas, 'demo:1.0.0', extra), 'dev');
}
function setImage(w: World, image: string, t: number): void {
  edit(w, 'deployments', 'dev', 'demo', (o) => {
    spec<{ template: { spec: { containers: { image: string }[] } } }>(o).template.spec.containers[0].image = image;
  }, t);
}
const ipOf = (p: Pod) => p.status?.podIP ?? '';

test('FNV-32a and SafeEncodeString follow the reference vectors', () => {
  assert.equal(fnv32a(enc('')), 0x811c9dc5);
  assert.equal(fnv32a(enc('a')), 0xe40c292c);
  assert.equal(fnv32a(enc('foobar')), 0xbf9cf968);
  assert.equal(safeEncodeString('0123456789'), '456789bcdf');
  // §7: 775855699b decodes to Sum32 3314112556.
  assert.equal(safeEncodeString('3314112556'), '775855699b');
  const h = computeHash({ metadata: { labels: { app: 'x' } } });
  assert.match(h, HASH);
  assert.equal(computeHash({ metadata: { labels: { app: 'x' } } }), h, 'same template, same hash');
  assert.notEqual(computeHash({ metadata: { labels: { app: 'x' } } }, 1), h, 'the collision count changes the hash');
  assert.equal(canonicalJSON({ b: 1, a: [1, { d: 2, c: undefined }] }), '{"a":[1,{"d":2}],"b":1}');
});

test('a deployment makes a ReplicaSet <deploy>-<hash> whose pods are <rs>-<5 chars>, spread over the workers with their podCIDR IPs', () => {
  const w = world();
  demo(w);
  const [rs] = rsOf(w, 'dev', 'demo');
  const hash = rs.metadata.labels!['pod-template-hash'];
  assert.match(hash, HASH);
  assert.equal(rs.metadata.name, `demo-${hash}`);
  assert.deepEqual(spec<{ selector: unknown }>(rs).selector, { matchLabels: { app: 'demo', 'pod-template-hash': hash } });
  assert.deepEqual(rs.metadata.annotations, { 'deployment.kubernetes.io/desired-replicas': '5', 'deployment.kubernetes.io/max-replicas': '7', 'deployment.kubernetes.io/revision': '1' });
  assert.deepEqual(rs.metadata.ownerReferences?.map((r) => [r.kind, r.name, r.controller, r.blockOwnerDeletion]), [['Deployment', 'demo', true, true]]);
  const pods = podsOf(w, 'dev', 'demo');
  assert.equal(pods.length, 5);
  const nodes = new Set<string>();
  for (const p of pods) {
    assert.match(p.metadata.name, new RegExp(`^demo-${hash}-${SUFFIX}$`));
    assert.equal(p.metadata.generateName, `demo-${hash}-`);
    assert.equal(p.metadata.labels?.['pod-template-hash'], hash);
    assert.deepEqual(p.metadata.ownerReferences?.map((r) => `${r.kind}/${r.name}/${r.controller}/${r.blockOwnerDeletion}`), [`ReplicaSet/${rs.metadata.name}/true/true`]);
    assert.notEqual(p.spec?.nodeName, 'kind-control-plane');
    const node = w.state.cluster.nodes.find((n) => n.name === p.spec?.nodeName)!;
    assert.ok(ipOf(p).startsWith(node.podCIDR.replace(/0\/24$/, '')), `${ipOf(p)} in ${node.podCIDR}`);
    assert.equal(p.status?.phase, 'Running');
    nodes.add(p.spec!.nodeName!);
  }
  assert.equal(nodes.size, 3, 'spread over the three workers');
  const d = getObject(w.state, 'deployments', 'dev', 'demo')!;
  assert.equal(d.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
  const s = status<Record<string, unknown>>(d);
  assert.deepEqual({ ...s, conditions: undefined }, { availableReplicas: 5, observedGeneration: 1, readyReplicas: 5, replicas: 5, updatedReplicas: 5, conditions: undefined });
  assert.deepEqual((s.conditions as { type: string; status: string; reason: string; message: string }[]).map((c) => [c.type, c.status, c.reason, c.message]), [
    ['Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'],
    ['Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${rs.metadata.name}" has successfully progressed.`],
  ]);
  assert.deepEqual(status(rs), { availableReplicas: 5, fullyLabeledReplicas: 5, observedGeneration: 1, readyReplicas: 5, replicas: 5 });
  assert.deepEqual(events(w, 'dev', 'Deployment'), [`deployment-controller ScalingReplicaSet Scaled up replica set ${rs.metadata.name} from 0 to 5`]);
  assert.deepEqual(
    events(w, 'dev', 'ReplicaSet').sort(),
    pods.map((p) => `replicaset-controller SuccessfulCreate Created pod: ${p.metadata.name}`).sort(),
  );
});

test('the API server defaults a Deployment and its pod template as the real one does', () => {
  const w = world();
  const d = demo(w, 2);
  const sp = spec<Record<string, unknown>>(d);
  assert.deepEqual(sp.strategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
  assert.equal(sp.revisionHistoryLimit, 10);
  assert.equal(sp.progressDeadlineSeconds, 600);
  const tpl = sp.template as { metadata: Record<string, unknown>; spec: Record<string, unknown> & { containers: Record<string, unknown>[] } };
  assert.equal(tpl.metadata.creationTimestamp, null);
  const { containers, ...podSpec } = tpl.spec;
  assert.deepEqual(podSpec, { dnsPolicy: 'ClusterFirst', restartPolicy: 'Always', schedulerName: 'default-scheduler', securityContext: {}, terminationGracePeriodSeconds: 30 });
  assert.deepEqual(containers[0], {
    name: 'demo',
    image: 'demo:1.0.0',
    imagePullPolicy: 'IfNotPresent',
    ports: [{ containerPort: 8080, protocol: 'TCP' }],
    resources: {},
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  });
  assert.equal(d.metadata.generation, 1);
});

test('validation uses the API server wording', () => {
  const w = world();
  ensureNamespace(w, 'dev');
  const bad = deployment('x', 1);
  (spec<{ selector: { matchLabels: Record<string, string> } }>(bad)).selector.matchLabels = { app: 'y' };
  const render = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      assert.ok(e instanceof InvalidError);
      return e.render();
    }
    assert.fail('expected an InvalidError');
  };
  const before = w.state.resourceVersion;
  assert.equal(render(() => create(w, bad, 'dev')), 'The Deployment "x" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`');
  const noSel = deployment('x', 1);
  delete (noSel.spec as Record<string, unknown>).selector;
  assert.equal(render(() => create(w, noSel, 'dev')), 'The Deployment "x" is invalid: \n* spec.selector: Required value\n* spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`');
  assert.equal(render(() => create(w, deployment('x', -1), 'dev')), 'The Deployment "x" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
  assert.equal(w.state.resourceVersion, before, 'nothing stored');
  create(w, deployment('x', 1), 'dev');
  assert.equal(
    render(() => edit(w, 'deployments', 'dev', 'x', (o) => {
      const sp = spec<{ selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> } } }>(o);
      sp.selector.matchLabels = { app: 'y' };
      sp.template.metadata.labels = { app: 'y' };
    })),
    'The Deployment "x" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"y"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
  );
  const rc: KubeObject = { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'rc' }, spec: { replicas: 1, selector: { app: 'z' }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } };
  assert.equal(render(() => create(w, rc, 'dev')), 'The ReplicationController "rc" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`');
});

test('a ReplicationController defaults its selector and labels from the template and keeps its pods', () => {
  const w = world();
  ensureNamespace(w, 'dev');
  const rc = create(w, { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'kubia' }, spec: { replicas: 3, template: { metadata: { labels: { app: 'kubia' } }, spec: { containers: [{ name: 'kubia', image: 'luksa/kubia' }] } } } }, 'dev');
  assert.deepEqual(spec(rc).selector, { app: 'kubia' });
  assert.deepEqual(rc.metadata.labels, { app: 'kubia' });
  const pods = podsOf(w, 'dev', 'kubia-');
  assert.equal(pods.length, 3);
  for (const p of pods) assert.match(p.metadata.name, new RegExp(`^kubia-${SUFFIX}$`));
  assert.ok(events(w, 'dev', 'ReplicationController').every((e) => e.startsWith('replication-controller SuccessfulCreate Created pod: kubia-')));
  assert.deepEqual(status(getObject(w.state, 'replicationcontrollers', 'dev', 'kubia')), { availableReplicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1, readyReplicas: 3, replicas: 3 });
});

test('a deleted pod is replaced by one with a new name and a new IP', () => {
  const w = world();
  demo(w, 3);
  const [victim] = podsOf(w, 'dev', 'demo');
  const before = podsOf(w, 'dev', 'demo').map((p) => `${p.metadata.name} ${ipOf(p)}`);
  deleteObject(w.state, w.at(5), resourceByName('pods'), 'dev', victim.metadata.name);
  const after = podsOf(w, 'dev', 'demo');
  assert.equal(after.length, 3);
  const fresh = after.filter((p) => !before.includes(`${p.metadata.name} ${ipOf(p)}`));
  assert.equal(fresh.length, 1);
  assert.notEqual(fresh[0].metadata.name, victim.metadata.name);
  assert.ok(!before.some((b) => b.endsWith(` ${ipOf(fresh[0])}`)), 'a new IP');
  assert.equal(fresh[0].metadata.creationTimestamp, '2026-11-22T01:30:05Z');
  assert.ok(events(w, 'dev', 'ReplicaSet').includes(`replicaset-controller SuccessfulCreate Created pod: ${fresh[0].metadata.name}`));
});

test('deleting a deployment takes its ReplicaSets and pods; --cascade=orphan leaves them, and a new deployment adopts them', () => {
  const w = world();
  demo(w, 2);
  const info = resourceByName('deployments');
  deleteObject(w.state, w.at(1), info, 'dev', 'demo');
  assert.deepEqual(rsOf(w, 'dev', 'demo'), []);
  assert.equal(listObjects(w.state, 'replicasets', 'dev').length, 0);
  assert.equal(podsOf(w, 'dev', 'demo').length, 0);

  demo(w, 2);
  const names = podsOf(w, 'dev', 'demo').map((p) => p.metadata.name).sort();
  deleteObject(w.state, w.at(2), info, 'dev', 'demo', { cascade: 'orphan' });
  const [rs] = listObjects(w.state, 'replicasets', 'dev');
  assert.equal(rs.metadata.ownerReferences, undefined);
  assert.deepEqual(podsOf(w, 'dev', 'demo').map((p) => p.metadata.name).sort(), names, 'the pods stay, still owned by the ReplicaSet');
  demo(w, 2);
  assert.equal(rsOf(w, 'dev', 'demo').length, 1, 'the same template adopts the orphaned ReplicaSet');
  assert.deepEqual(podsOf(w, 'dev', 'demo').map((p) => p.metadata.name).sort(), names);
});

test('a rolling update stays within maxSurge and maxUnavailable, step by step on the simulated clock', () => {
  const w = world();
  demo(w, 5);
  const [oldRS] = rsOf(w, 'dev', 'demo');
  const oldPods = podsOf(w, 'dev', 'demo').map((p) => `${p.metadata.name} ${ipOf(p)}`);
  setImage(w, 'demo:1.1.0', 10);
  const newRS = rsOf(w, 'dev', 'demo').find((r) => r.metadata.name !== oldRS.metadata.name)!;
  assert.match(newRS.metadata.name, /^demo-[4-9bcdf]{1,10}$/);
  const seen: string[] = [];
  for (const t of [10, 10.5, 11, 12, 13, 14, 30]) {
    look(w, t);
    const rs = rsOf(w, 'dev', 'demo');
    const pods = podsOf(w, 'dev', 'demo');
    const ready = pods.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
    assert.ok(pods.length <= 7, `at most 5 + maxSurge 2 pods at ${t}s: ${pods.length}`);
    assert.ok(ready >= 4, `at least 5 - maxUnavailable 1 ready at ${t}s: ${ready}`);
    seen.push(rs.map((r) => `${r.metadata.name === oldRS.metadata.name ? 'old' : 'new'}=${spec<{ replicas: number }>(r).replicas}`).sort().join(' '));
  }
  assert.deepEqual(seen, ['new=2 old=4', 'new=2 old=4', 'new=3 old=4', 'new=3 old=1', 'new=5 old=1', 'new=5 old=0', 'new=5 old=0']);
  assert.deepEqual(events(w, 'dev', 'Deployment').slice(1), [
    `deployment-controller ScalingReplicaSet Scaled up replica set ${newRS.metadata.name} from 0 to 2`,
    `deployment-controller ScalingReplicaSet Scaled down replica set ${oldRS.metadata.name} from 5 to 4`,
    `deployment-controller ScalingReplicaSet Scaled up replica set ${newRS.metadata.name} from 2 to 3`,
    `deployment-controller ScalingReplicaSet Scaled down replica set ${oldRS.metadata.name} from 4 to 1`,
    `deployment-controller ScalingReplicaSet Scaled up replica set ${newRS.metadata.name} from 3 to 5`,
    `deployment-controller ScalingReplicaSet Scaled down replica set ${oldRS.metadata.name} from 1 to 0`,
  ]);
  const now = podsOf(w, 'dev', 'demo');
  assert.equal(now.length, 5);
  for (const p of now) {
    assert.ok(p.metadata.name.startsWith(`${newRS.metadata.name}-`));
    assert.ok(!oldPods.some((o) => o.endsWith(` ${ipOf(p)}`)), 'new pods, new IPs');
  }
  const d = getObject(w.state, 'deployments', 'dev', 'demo')!;
  assert.equal(d.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
  assert.equal(d.metadata.generation, 2);
  assert.equal(getObject(w.state, 'replicasets', 'dev', oldRS.metadata.name)!.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
  const prog = status<{ conditions: { type: string; reason: string; lastUpdateTime: string }[] }>(d).conditions.find((c) => c.type === 'Progressing')!;
  assert.deepEqual([prog.reason, prog.lastUpdateTime], ['NewReplicaSetAvailable', '2026-11-22T01:30:14Z']);
});

test('when the rollout is looked at does not change what happened: steps are replayed at their own times', () => {
  const once = world();
  demo(once, 5);
  setImage(once, 'demo:1.1.0', 10);
  look(once, 40);
  const stepwise = world();
  demo(stepwise, 5);
  setImage(stepwise, 'demo:1.1.0', 10);
  for (const t of [10.2, 11, 11.7, 12, 13.5, 14, 20, 40]) look(stepwise, t);
  const picture = (w: World) =>
    canonicalJSON({
      pods: podsOf(w, 'dev', 'demo').map((p) => [p.metadata.name, p.metadata.creationTimestamp, p.spec?.nodeName, ipOf(p), p.status?.startTime]),
      rs: rsOf(w, 'dev', 'demo').map((r) => [r.metadata.name, r.spec, r.status, r.metadata.annotations]),
      d: getObject(w.state, 'deployments', 'dev', 'demo')!.status,
      events: events(w, 'dev', 'Deployment'),
    });
  assert.equal(picture(once), picture(stepwise));
  // A pod created later, in the write that replays the steps, is not started in the past.
  const late = world();
  demo(late, 5);
  setImage(late, 'demo:1.1.0', 10);
  create(late, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'jumpbox' }, spec: { containers: [{ name: 'jumpbox', image: 'nginx' }] } }, 'dev', 40);
  const jumpbox = getObject<Pod>(late.state, 'pods', 'dev', 'jumpbox')!;
  assert.equal(jumpbox.status?.startTime, '2026-11-22T01:30:40Z');
  // The same steps at the same times (the pod names differ: the jumpbox drew from the random source first).
  const times = (w: World) => podsOf(w, 'dev', 'demo').map((p) => [p.metadata.creationTimestamp, p.spec?.nodeName, ipOf(p), p.status?.startTime].join(' ')).sort();
  assert.deepEqual(times(late), times(once));
  assert.deepEqual(events(late, 'dev', 'Deployment'), events(once, 'dev', 'Deployment'));
  // Idempotent: looking again at the same time changes nothing.
  const rv = once.state.resourceVersion;
  reconcile(once.state, once.at(40));
  assert.equal(once.state.resourceVersion, rv);
});

test('revision history: undo brings back revision 1 as revision 3, and old ReplicaSets beyond the limit are removed', () => {
  const w = world();
  demo(w, 2, { revisionHistoryLimit: 1 });
  const [first] = rsOf(w, 'dev', 'demo');
  setImage(w, 'demo:1.1.0', 10);
  look(w, 20);
  setImage(w, 'demo:1.0.0', 30);
  look(w, 40);
  const rev = (name: string) => getObject(w.state, 'replicasets', 'dev', name)?.metadata.annotations;
  assert.equal(rev(first.metadata.name)?.['deployment.kubernetes.io/revision'], '3');
  assert.equal(rev(first.metadata.name)?.['deployment.kubernetes.io/revision-history'], '1');
  assert.equal(podsOf(w, 'dev', 'demo').every((p) => p.metadata.name.startsWith(first.metadata.name)), true);
  setImage(w, 'demo:1.2.0', 50);
  look(w, 60);
  setImage(w, 'demo:1.3.0', 70);
  look(w, 80);
  const revisions = rsOf(w, 'dev', 'demo').map((r) => r.metadata.annotations?.['deployment.kubernetes.io/revision']).sort();
  assert.deepEqual(revisions, ['4', '5'], 'revisionHistoryLimit 1 keeps one old ReplicaSet');
});

test('a readiness delay holds the rollout until new pods are available', () => {
  const w = world();
  ensureNamespace(w, 'dev');
  const d = deployment('demo', 2);
  const c = spec<{ template: { spec: { containers: Record<string, unknown>[] } } }>(d).template.spec.containers[0];
  c.readinessProbe = { httpGet: { path: '/', port: 8080 }, initialDelaySeconds: 5 };
  create(w, d, 'dev');
  assert.equal(status(getObject(w.state, 'deployments', 'dev', 'demo')).availableReplicas, undefined);
  look(w, 5);
  assert.equal(status(getObject(w.state, 'deployments', 'dev', 'demo')).availableReplicas, 2);
  setImage(w, 'demo:1.1.0', 10);
  look(w, 14);
  // maxSurge 1 (25% of 2, rounded up), maxUnavailable 0: one new pod, not ready yet, and both old ones stay.
  assert.deepEqual(rsOf(w, 'dev', 'demo').map((r) => spec<{ replicas: number }>(r).replicas).sort(), [1, 2]);
  look(w, 15);
  assert.deepEqual(rsOf(w, 'dev', 'demo').map((r) => spec<{ replicas: number }>(r).replicas).sort(), [1, 1]);
  look(w, 60);
  assert.deepEqual(rsOf(w, 'dev', 'demo').map((r) => spec<{ replicas: number }>(r).replicas).sort(), [0, 2]);
  assert.equal(status(getObject(w.state, 'deployments', 'dev', 'demo')).updatedReplicas, 2);
});

test('Recreate scales the old ReplicaSet to zero before the new one comes up; a paused deployment does not roll', () => {
  const w = world();
  demo(w, 3, { strategy: { type: 'Recreate' } });
  setImage(w, 'demo:1.1.0', 10);
  const ev = events(w, 'dev', 'Deployment');
  assert.match(ev[1], /Scaled down replica set demo-\w+ from 3 to 0$/);
  assert.match(ev[2], /Scaled up replica set demo-\w+ from 0 to 3$/);
  edit(w, 'deployments', 'dev', 'demo', (o) => {
    spec(o).paused = true;
  }, 20);
  setImage(w, 'demo:1.2.0', 21);
  look(w, 30);
  assert.equal(rsOf(w, 'dev', 'demo').length, 2, 'no ReplicaSet for the paused change');
  const cond = status<{ conditions: { type: string; reason: string }[] }>(getObject(w.state, 'deployments', 'dev', 'demo')).conditions.find((c) => c.type === 'Progressing');
  assert.equal(cond?.reason, 'DeploymentPaused');
  edit(w, 'deployments', 'dev', 'demo', (o) => {
    delete spec(o).paused;
  }, 40);
  assert.equal(rsOf(w, 'dev', 'demo').length, 3);
});

test('scaling down removes pods from the most crowded nodes first; scaling to zero leaves none', () => {
  const w = world();
  demo(w, 5);
  const pods = podsOf(w, 'dev', 'demo');
  const perNode = new Map<string, number>();
  for (const p of pods) perNode.set(p.spec!.nodeName!, (perNode.get(p.spec!.nodeName!) ?? 0) + 1);
  const ranked = rankPodsForDeletion(pods, pods, Date.parse('2026-11-22T01:31:00Z'));
  const crowded = Math.max(...perNode.values());
  assert.equal(perNode.get(ranked[0].spec!.nodeName!), crowded);
  edit(w, 'deployments', 'dev', 'demo', (o) => {
    spec(o).replicas = 0;
  }, 5);
  assert.equal(podsOf(w, 'dev', 'demo').length, 0);
  const [rs] = rsOf(w, 'dev', 'demo');
  assert.deepEqual(status(rs), { observedGeneration: 2, replicas: 0 });
  assert.deepEqual(status<Record<string, unknown>>(getObject(w.state, 'deployments', 'dev', 'demo')).observedGeneration, 2);
  edit(w, 'deployments', 'dev', 'demo', (o) => {
    spec(o).replicas = 5;
  }, 6);
  assert.equal(podsOf(w, 'dev', 'demo').length, 5);
  assert.equal(rsOf(w, 'dev', 'demo').length, 1, 'a scale is not a rollout');
});

test('planRolling follows rolling.go: surge first, then old pods down to minAvailable', () => {
  const d = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 4, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } } } } as never;
  const rs = (name: string, replicas: number) => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name }, spec: { replicas } }) as never;
  const n = rs('new', 0);
  const o = rs('old', 4);
  const plan = planRolling(d, n, [o], () => 0);
  assert.deepEqual([...plan.values()], [1]);
  const n1 = rs('new', 1);
  const plan2 = planRolling(d, n1, [o], (x) => ((x as KubeObject).metadata.name === 'old' ? 4 : 0));
  assert.deepEqual([...plan2.entries()].map(([k, v]) => [(k as KubeObject).metadata.name, v]), [['old', 3]]);
});

test('CoreDNS comes from a Deployment: two coredns-<hash>-<5> pods on the control plane', () => {
  const w = world();
  const pods = listObjects<Pod>(w.state, 'pods', 'kube-system').filter((p) => p.metadata.name.startsWith('coredns-'));
  assert.equal(pods.length, 2);
  for (const p of pods) {
    assert.match(p.metadata.name, new RegExp(`^coredns-[4-9bcdf]{1,10}-${SUFFIX}$`));
    assert.equal(p.spec?.nodeName, 'kind-control-plane');
    assert.match(ipOf(p), /^10\.244\.0\.\d+$/);
  }
  assert.equal(status(getObject(w.state, 'deployments', 'kube-system', 'coredns')).readyReplicas, 2);
});

test('a rollout whose new pods never become ready times out after progressDeadlineSeconds', async () => {
  const { deploymentStatus } = await import('../../src/cluster/rollouts.js');
  const w = world();
  demo(w, 2);
  edit(w, 'deployments', 'dev', 'demo', (o) => {
    const c = spec<{ template: { spec: { containers: Record<string, unknown>[] } } }>(o).template.spec.containers[0];
    c.image = 'demo:1.1.0';
    c.readinessProbe = { httpGet: { path: '/', port: 8080 }, initialDelaySeconds: 100000 };
  }, 10);
  look(w, 300);
  const d = () => getObject(w.state, 'deployments', 'dev', 'demo')! as never;
  assert.equal(deploymentStatus(d()).text, 'Waiting for deployment "demo" rollout to finish: 1 out of 2 new replicas have been updated...');
  look(w, 700);
  const cond = status<{ conditions: { type: string; status: string; reason: string; message: string }[] }>(d()).conditions.find((c) => c.type === 'Progressing')!;
  assert.deepEqual([cond.status, cond.reason], ['False', 'ProgressDeadlineExceeded']);
  assert.match(cond.message, /^ReplicaSet "demo-[4-9bcdf]+" has timed out progressing\.$/);
  assert.throws(() => deploymentStatus(d()), /deployment "demo" exceeded its progress deadline/);
  assert.equal(podsOf(w, 'dev', 'demo').length, 3, 'the old pods keep serving');
});
