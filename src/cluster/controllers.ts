// The controllers, run in a fixed order after every change and before every read, so that status that
// depends on time (readiness, restarts, rollouts) is computed when it is looked at: there is no daemon.
// Each controller is idempotent: running it twice changes nothing the second time.
//
// reconcile() is the incremental control plane a command runs: like client-go controllers it learns what
// changed from a watch (the store's journal), maps each change to the keys that care (a pod to itself and to
// the Services selecting it, old labels and new), and handles only those, plus the objects whose status still
// moves with time (state.unsettled). reconcileAll() runs every controller over every object: the oracle the
// incremental one is tested against (test/cluster/equivalence.test.ts), and the fallback for a state that
// does not yet record what is unsettled.
import { runIngressController } from './ingress-nginx.js';
import type { KubeObject, ReplicaSet, ReplicationController, Service } from '../api/types.js';
import { listObjects } from '../store/objects.js';
import { selectorInProjection } from '../api/projections.js';
import type { ClusterState } from '../store/state.js';
import type { Ctx } from './context.js';
import { runEndpointsController } from './endpoints.js';
import { notePodChange, noteServiceWrite } from './endpointslice-delta.js';
import { podInformer, PodInformer, type Round, type Scope } from './informer.js';
import { matchesLabelSelector, matchesMap } from '../api/labels.js';
import { runKubelet } from './kubelet.js';
import { runKubeletAdmission, runScheduler } from './scheduler.js';
import { runServiceController } from './services.js';
import { isUnsettled, UNSETTLED_KINDS } from './unsettled.js';
import { runWorkloadControllers } from './workloads.js';
import { runCronJobController } from './cronjobs.js';
import { runJobController } from './jobs.js';
import { runStatefulSetController } from './statefulsets.js';
import { runDaemonSetController } from './daemonsets.js';
import { runTaintManager } from './taint-manager.js';
import { runNamespaceController } from './namespace-controller.js';
import { namespaceUnsettled } from './namespaces.js';
import { PolicyWatch, runDisruptionController, runHorizontalPodAutoscalerController, runResourceQuotaController } from './policy.js';

export type Controller = (state: ClusterState, ctx: Ctx, r: Round) => void;

/**
 * The namespace controller empties terminating namespaces; workload controllers create pods, the scheduler places
 * them, the kubelet runs them, endpoints follow.
 */
export const CONTROLLERS: Controller[] = [runNamespaceController, runWorkloadControllers, runStatefulSetController, runDaemonSetController, runCronJobController, runJobController, runTaintManager, runScheduler, runKubeletAdmission, runKubelet, runEndpointsController, runServiceController, runIngressController, runDisruptionController, runHorizontalPodAutoscalerController, runResourceQuotaController];

const MAX_ROUNDS = 20;

/** Every controller over every object until nothing changes (a write bumps resourceVersion). */
export function reconcileAll(state: ClusterState, ctx: Ctx): void {
  const r: Round = { pods: podInformer(state, false) };
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const before = state.resourceVersion;
    for (const c of CONTROLLERS) {
      r.pods.sync();
      c(state, ctx, r);
    }
    if (state.resourceVersion === before) break;
  }
  r.pods.drainChanges();
  JOURNAL_SEEN.set(state, state.objects.journal.length);
  const unsettled = new Set<string>();
  for (const kind of UNSETTLED_KINDS) {
    for (const o of listObjects(state, kind)) if (isUnsettled(state, kind, o, ctx)) unsettled.add(`${kind}/${o.metadata.namespace}/${o.metadata.name}`);
  }
  for (const o of listObjects(state, 'namespaces')) if (namespaceUnsettled(o)) unsettled.add(`namespaces/${o.metadata.name}`);
  state.unsettled = [...unsettled].sort();
}

/** What of a node decides where DaemonSets run (shouldRun): its name, labels and spec (taints, unschedulable). */
function placementOf(node: KubeObject | undefined): string | undefined {
  return node && JSON.stringify([node.metadata.labels ?? null, (node as { spec?: unknown }).spec ?? null]);
}

/** The Services with a selector, from the index projections (an older index without them reads the object). */
function serviceSelectors(state: ClusterState): { key: string; ns: string; sel: Record<string, string> }[] {
  const out: { key: string; ns: string; sel: Record<string, string> }[] = [];
  for (const [key, p] of state.objects.projections('services')) {
    let sel = selectorInProjection(p);
    if (sel === undefined) {
      sel = (state.objects.get('services', key) as Service | undefined)?.spec?.selector ?? null;
      state.objects.reproject.add('services');
    }
    if (sel) out.push({ key, ns: key.slice(0, key.indexOf('/')), sel });
  }
  return out;
}

/** How far into the journal the last reconcile of this state has looked. */
const JOURNAL_SEEN = new WeakMap<ClusterState, number>();

/** The incremental reconcile (see the top of this file). */
export function reconcile(state: ClusterState, ctx: Ctx): void {
  if (!state.unsettled) return reconcileAll(state, ctx);
  const pods = podInformer(state, true);
  const scope: Scope = { pods: new Set(), services: new Set(), workloads: new Set(), namespaces: new Set(), nodes: new Set(), taintPods: new Set() };
  // A LoadBalancer Service still waiting for an address waits for another Service to give one back: a change.
  const r: Round = { pods, scope, servicesChanged: false };
  const unsettled = new Set(state.unsettled);
  for (const u of unsettled) {
    if (u.startsWith('pods/')) scope.pods.add(u.slice(5));
    else if (u.startsWith('namespaces/')) scope.namespaces.add(u.slice(11));
    else scope.workloads.add(u);
  }
  const touched = { pods: new Set<string>(), workloads: new Set<string>(), namespaces: new Set<string>() };
  const policy = new PolicyWatch(state, scope);
  let seen = JOURNAL_SEEN.get(state) ?? 0;
  // What each node changed this command was, as the DaemonSets placed their pods (see placementOf).
  const nodesSeen = new Map<string, string | undefined>();
  let services: { key: string; ns: string; sel: Record<string, string> }[] | undefined;
  // Controllers by uid, for queueing a pod's or ReplicaSet's controller when it changes.
  let byUID: Map<string, string> | undefined;
  const controllersByUID = () => {
    if (!byUID) {
      byUID = new Map();
      for (const kind of ['replicasets', 'replicationcontrollers', 'deployments', 'jobs', 'cronjobs', 'statefulsets', 'daemonsets']) {
        for (const o of listObjects(state, kind)) byUID.set(o.metadata.uid ?? '', `${kind}/${o.metadata.namespace}/${o.metadata.name}`);
      }
    }
    return byUID;
  };
  let owners: { key: string; namespace?: string; selects: (labels: Record<string, string> | undefined) => boolean }[] | undefined;
  const replicaOwners = () => {
    if (!owners) {
      owners = [];
      for (const rs of listObjects<ReplicaSet>(state, 'replicasets')) owners.push({ key: `replicasets/${rs.metadata.namespace}/${rs.metadata.name}`, namespace: rs.metadata.namespace, selects: (l) => matchesLabelSelector(rs.spec?.selector, l) });
      for (const rc of listObjects<ReplicationController>(state, 'replicationcontrollers')) owners.push({ key: `replicationcontrollers/${rc.metadata.namespace}/${rc.metadata.name}`, namespace: rc.metadata.namespace, selects: (l) => matchesMap(rc.spec?.selector, l) });
    }
    return owners;
  };
  const queueOwner = (o: KubeObject | undefined) => {
    const ref = o?.metadata.ownerReferences?.find((x) => x.controller);
    const k = ref && controllersByUID().get(ref.uid);
    if (k) scope.workloads.add(k);
  };
  // The watch: every change since the last look, mapped to the keys of the controllers that care.
  const take = () => {
    const journal = state.objects.journal;
    for (; seen < journal.length; seen++) {
      const { kind, key, removed } = journal[seen];
      policy.object(kind, key);
      if (kind === 'pods') {
        scope.pods.add(key);
        scope.taintPods!.add(key);
        touched.pods.add(key);
      } else if (kind === 'nodes') {
        // A node's labels, taints or arrival change which nodes run each DaemonSet's pod; its status (the images
        // a pod start pulled) does not.
        const now = placementOf(state.objects.get('nodes', key) as KubeObject | undefined);
        let was = nodesSeen.get(key);
        if (!nodesSeen.has(key)) {
          const text = state.objects.savedText('nodes', key);
          was = text === undefined ? undefined : placementOf(JSON.parse(text) as KubeObject);
        }
        nodesSeen.set(key, now);
        if (was !== now || was === undefined) {
          // The taint manager too looks at a node only when its taints or unschedulable flag may have changed.
          scope.nodes!.add(key);
          for (const k of state.objects.keys('daemonsets')) scope.workloads.add(`daemonsets/${k}`);
        }
      } else if (kind === 'namespaces') {
        scope.namespaces.add(key);
        touched.namespaces.add(key);
      } else if (kind === 'services' || kind === 'endpoints') {
        scope.services.add(key);
        noteServiceWrite(state, scope, kind, key);
        if (kind === 'services') {
          services = undefined;
          r.servicesChanged = true;
        }
      } else if (UNSETTLED_KINDS.includes(kind)) {
        touched.workloads.add(`${kind}/${key}`);
        scope.workloads.add(`${kind}/${key}`);
        byUID = undefined;
        owners = undefined;
        queueOwner((state.objects.get(kind, key) ?? removed) as KubeObject | undefined);
      }
    }
    for (const ch of pods.drainChanges()) {
      for (const p of [ch.old, ch.now]) {
        if (!p) continue;
        policy.pod(p);
        if (p.metadata.ownerReferences?.some((x) => x.controller)) queueOwner(p);
        else {
          // An orphan: the ReplicaSets and ReplicationControllers of its namespace whose selector matches it may
          // adopt it (the ReplicaSet controller's getPodReplicaSets); the others never look at it.
          for (const o of replicaOwners()) if (o.namespace === p.metadata.namespace && o.selects(p.metadata.labels)) scope.workloads.add(o.key);
        }
      }
      services ??= serviceSelectors(state);
      for (const { key, ns, sel } of services) {
        const was = ch.old && ch.old.metadata.namespace === ns && matchesMap(sel, ch.old.metadata.labels);
        const is = ch.now && ch.now.metadata.namespace === ns && matchesMap(sel, ch.now.metadata.labels);
        if (was || is) {
          scope.services.add(key);
          notePodChange(scope, key, ch.key);
        }
      }
    }
  };
  r.refresh = take;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const before = state.resourceVersion;
    for (const c of CONTROLLERS) {
      take();
      c(state, ctx, r);
      if (c === runKubelet && r.scope) r.scope.pods.clear();
    }
    if (state.resourceVersion === before) break;
  }
  take();
  JOURNAL_SEEN.set(state, seen);
  if (!r.scope) {
    // A rolling step was replayed over every pod: take stock of everything.
    for (const kind of UNSETTLED_KINDS) for (const k of state.objects.keys(kind)) touched[kind === 'pods' ? 'pods' : 'workloads'].add(kind === 'pods' ? k : `${kind}/${k}`);
  }
  // What is unsettled now: the previous set, updated for every object this reconcile touched or refreshed.
  // The taint manager's timers, which it may have started on pods nothing else touched.
  for (const k of Object.keys(state.taintEvictions ?? {})) touched.pods.add(k);
  for (const u of state.unsettled) {
    if (u.startsWith('pods/')) touched.pods.add(u.slice(5));
    else if (u.startsWith('namespaces/')) touched.namespaces.add(u.slice(11));
    else touched.workloads.add(u);
  }
  for (const k of touched.namespaces) {
    const o = state.objects.get('namespaces', k) as KubeObject | undefined;
    if (o && namespaceUnsettled(o)) unsettled.add(`namespaces/${k}`);
    else unsettled.delete(`namespaces/${k}`);
  }
  for (const k of touched.pods) {
    const o = state.objects.get('pods', k) as KubeObject | undefined;
    if (o && isUnsettled(state, 'pods', o, ctx)) unsettled.add(`pods/${k}`);
    else unsettled.delete(`pods/${k}`);
  }
  for (const w of touched.workloads) {
    const i = w.indexOf('/');
    const kind = w.slice(0, i);
    const o = state.objects.get(kind, w.slice(i + 1)) as KubeObject | undefined;
    if (o && isUnsettled(state, kind, o, ctx)) unsettled.add(w);
    else unsettled.delete(w);
  }
  state.unsettled = [...unsettled].sort();
}

export { PodInformer };
