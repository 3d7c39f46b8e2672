// The node lifecycle controller's two duties that kubesim's nodes need: the node.kubernetes.io/unschedulable
// NoSchedule taint that follows spec.unschedulable (cordon), and the NoExecute taint manager, which deletes a
// pod from a node with a NoExecute taint it does not tolerate at once, and one it tolerates for
// tolerationSeconds when that time has passed on the simulated clock (counted from when the manager first saw
// the pod there; kubectl taint sets no timeAdded). state.taintEvictions keeps those timers across commands,
// and keeps their pods unsettled so that a read after the deadline runs this controller.
import { nodeInProjection } from '../api/projections.js';
import { requireResource } from '../api/resources.js';
import type { KubeObject, Pod } from '../api/types.js';
import { getObject, listObjects, putObject } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';
import { deleteObject } from './apiserver.js';
import type { Ctx } from './context.js';
import { recordEvent } from './events.js';
import { sortKeys, type Round } from './informer.js';
import { tolerates, type Taint } from './scheduler.js';

type PodObj = Pod & KubeObject;
type NodeSpec = { unschedulable?: boolean; taints?: Taint[] };

export const UNSCHEDULABLE_TAINT_KEY = 'node.kubernetes.io/unschedulable';

/**
 * Full (no r.scope): every node and every pod on a NoExecute-tainted node. Scoped: as the real controller's
 * queues, the nodes written (r.scope.nodes) and the pods changed (r.scope.taintPods) since it last ran, the pods
 * of a node whose NoExecute taints are set, and the pods with a timer running; so a command costs what it touches.
 */
export function runTaintManager(state: ClusterState, ctx: Ctx, r: Round): void {
  const scope = r.scope;
  const nodes = scope ? drain(scope.nodes).map((k) => state.objects.get('nodes', k) as KubeObject | undefined).filter((n): n is KubeObject => !!n) : listObjects(state, 'nodes');
  // Node name -> its NoExecute taints, read as asked.
  const noExecute = new Map<string, Taint[]>();
  const taintsOf = (name: string): Taint[] => {
    let t = noExecute.get(name);
    if (!t) {
      // The node's index projection carries its spec; an older one reads the node.
      const node = nodeInProjection(name, state.objects.projection('nodes', name)) ?? (state.objects.get('nodes', name) as KubeObject | undefined);
      noExecute.set(name, (t = noExecuteTaints(node)));
    }
    return t;
  };
  for (const node of nodes) {
    syncUnschedulableTaint(state, node);
    noExecute.set(node.metadata.name, noExecuteTaints(node));
  }
  const timers = state.taintEvictions ?? {};
  // The pods to look at, in list order: every pod (full), or the queued ones.
  let candidates: PodObj[] = [];
  let looked: (key: string) => boolean = () => true;
  if (scope) {
    const keys = new Set<string>(Object.keys(timers));
    for (const key of drain(scope.taintPods)) {
      const node = r.pods.get(key)?.spec?.nodeName;
      if (node && taintsOf(node).length) keys.add(key);
    }
    for (const node of nodes) if (taintsOf(node.metadata.name).length) for (const key of r.pods.keysOn(node.metadata.name)) keys.add(key);
    candidates = sortKeys(keys).map((k) => r.pods.object(k)).filter((p): p is PodObj => !!p);
    looked = (key) => keys.has(key);
  } else if ([...noExecute.values()].some((t) => t.length)) candidates = listObjects<PodObj>(state, 'pods');
  const now = ctx.clock.now().getTime();
  const keep: Record<string, number> = {};
  // The timers of pods not looked at run on.
  for (const [key, since] of Object.entries(timers)) if (!looked(key)) keep[key] = since;
  for (const pod of candidates) {
    const taints = pod.spec?.nodeName ? taintsOf(pod.spec.nodeName) : [];
    if (!taints.length || pod.metadata.deletionTimestamp) continue;
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const after = toleratedFor(pod, taints);
    if (after === 'forever') continue;
    const since = timers[key] ?? now;
    if (after !== 'never' && since + after * 1000 > now) {
      keep[key] = since;
      continue;
    }
    recordEvent(state, ctx, pod, { type: 'Normal', reason: 'TaintManagerEviction', message: `Marking for deletion Pod ${key}`, component: 'taint-eviction-controller', at: new Date(after === 'never' ? now : Math.min(now, since + after * 1000)) });
    deleteObject(state, ctx, requireResource('pods'), pod.metadata.namespace, pod.metadata.name, { reconcile: false });
  }
  // A timer whose pod is still there but no longer needs one was cancelled (a taint removed, a toleration
  // that now holds forever).
  for (const key of Object.keys(timers)) {
    if (keep[key] !== undefined) continue;
    const [ns, name] = key.split('/');
    const pod = getObject<PodObj>(state, 'pods', ns, name);
    if (pod) recordEvent(state, ctx, pod, { type: 'Normal', reason: 'TaintManagerEviction', message: `Cancelling deletion of Pod ${key}`, component: 'taint-eviction-controller' });
  }
  // In list order, whichever pods were looked at.
  const next: Record<string, number> = {};
  for (const key of sortKeys(Object.keys(keep))) next[key] = keep[key];
  if (JSON.stringify(next) !== JSON.stringify(timers)) {
    if (Object.keys(next).length) state.taintEvictions = next;
    else delete state.taintEvictions;
  }
}

/** The queued keys, taken (the queue is emptied); none when the round queues none (a Job's sub-round). */
function drain(queue: Set<string> | undefined): string[] {
  if (!queue) return [];
  const out = [...queue];
  queue.clear();
  return out;
}

function noExecuteTaints(node: KubeObject | undefined): Taint[] {
  return ((node?.spec as NodeSpec | undefined)?.taints ?? []).filter((t) => t.effect === 'NoExecute');
}

/**
 * How long the pod may stay on a node with these NoExecute taints: 'never' when one is not tolerated,
 * 'forever' when every toleration used has no tolerationSeconds, else the smallest tolerationSeconds (a
 * negative one counts as zero, as the taint manager does).
 */
function toleratedFor(pod: PodObj, taints: Taint[]): number | 'never' | 'forever' {
  const tols = pod.spec?.tolerations ?? [];
  let min: number | undefined;
  for (const taint of taints) {
    const used = tols.filter((t) => tolerates(t, taint));
    if (used.length === 0) return 'never';
    for (const t of used) {
      if (typeof t.tolerationSeconds === 'number') min = Math.min(min ?? Infinity, Math.max(0, t.tolerationSeconds));
    }
  }
  return min === undefined ? 'forever' : min;
}

/** The unschedulable taint present exactly while spec.unschedulable is true. */
function syncUnschedulableTaint(state: ClusterState, node: KubeObject): void {
  const spec = (node.spec ?? {}) as NodeSpec;
  const taints = spec.taints ?? [];
  const has = taints.some((t) => t.key === UNSCHEDULABLE_TAINT_KEY && t.effect === 'NoSchedule');
  if (!!spec.unschedulable === has) return;
  const next = structuredClone(node);
  const nspec = (next.spec ??= {}) as NodeSpec;
  if (spec.unschedulable) nspec.taints = [...taints, { effect: 'NoSchedule', key: UNSCHEDULABLE_TAINT_KEY } as Taint];
  else {
    nspec.taints = taints.filter((t) => !(t.key === UNSCHEDULABLE_TAINT_KEY && t.effect === 'NoSchedule'));
    if (nspec.taints.length === 0) delete nspec.taints;
  }
  putObject(state, 'nodes', next);
}

/** Whether the taint manager has a timer running for this pod ("namespace/name"). */
export function hasTaintTimer(state: ClusterState, key: string): boolean {
  return state.taintEvictions?.[key] !== undefined;
}
