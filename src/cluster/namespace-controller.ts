// The namespace controller: a namespace marked for deletion (Terminating) is emptied once its grace period has
// passed (NAMESPACE_DELETION_GRACE_MS of simulated time after its deletionTimestamp), its status conditions say
// how that went, the `kubernetes` finalizer is removed and, with no finalizer left, the namespace itself.
// Its work queue: the terminating namespaces the reconcile hands it (state.unsettled and this command's
// changes); the full reconcile gives it every namespace.
import type { KubeObject, Namespace } from '../api/types.js';
import { getObject, listObjects, putObject, removeObject } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';
import { rfc3339 } from '../util/clock.js';
import { deleteNamespaceContent } from './apiserver.js';
import type { Ctx } from './context.js';
import type { Round } from './informer.js';
import { KUBERNETES_FINALIZER, namespaceDueAt, namespaceUnsettled } from './namespaces.js';

type NamespaceObj = Namespace & KubeObject;
type Condition = { type: string; status: string; lastTransitionTime?: string; reason?: string; message?: string };

/**
 * The conditions the controller keeps (status_condition_utils.go), with the reason and message of their "ok"
 * (False) form: kubesim deletes every kind it serves, at once, so a pass that ran leaves them all ok.
 */
const OK_CONDITIONS: [type: string, reason: string, message: string][] = [
  ['NamespaceDeletionDiscoveryFailure', 'ResourcesDiscovered', 'All resources successfully discovered'],
  ['NamespaceDeletionGroupVersionParsingFailure', 'ParsedGroupVersions', 'All legacy kube types successfully parsed'],
  ['NamespaceDeletionContentFailure', 'ContentDeleted', 'All content successfully deleted, may be waiting on finalization'],
  ['NamespaceContentRemaining', 'ContentRemoved', 'All content successfully removed'],
  ['NamespaceFinalizersRemaining', 'ContentHasNoFinalizers', 'All content-preserving finalizers finished'],
];

/** updateConditions: each condition added, or changed in place (its transition time only when its status moves). */
function withOkConditions(old: Condition[], now: string): Condition[] {
  const out = old.map((c) => ({ ...c }));
  for (const [type, reason, message] of OK_CONDITIONS) {
    const c = out.find((x) => x.type === type);
    if (!c) out.push({ type, status: 'False', lastTransitionTime: now, reason, message });
    else {
      if (c.status !== 'False') c.lastTransitionTime = now;
      Object.assign(c, { status: 'False', reason, message });
    }
  }
  return out;
}

export function runNamespaceController(state: ClusterState, ctx: Ctx, r: Round): void {
  const names = r.scope ? [...r.scope.namespaces].sort() : state.objects.keys('namespaces');
  for (const name of names) {
    const ns = getObject<NamespaceObj>(state, 'namespaces', undefined, name);
    if (!ns || !namespaceUnsettled(ns)) continue;
    const now = ctx.clock.now();
    if (now.getTime() < namespaceDueAt(ns)!) continue;
    deleteNamespaceContent(state, ctx, name);
    // The status update, then the finalize: the controller's `kubernetes` finalizer comes off.
    const next = structuredClone(ns);
    next.status = { ...next.status, phase: 'Terminating', conditions: withOkConditions((ns.status?.conditions ?? []) as Condition[], rfc3339(now)) } as NamespaceObj['status'];
    const finalizers = (next.spec?.finalizers ?? []).filter((f) => f !== KUBERNETES_FINALIZER);
    next.spec = { ...next.spec, finalizers };
    // With no finalizer left the API server purges it; another's finalizer keeps it Terminating until removed.
    if (finalizers.length === 0) removeObject(state, 'namespaces', undefined, name);
    else putObject(state, 'namespaces', next);
  }
}

/** How far the simulated clock moves per look while a client waits for namespaces, and the most it waits (a week). */
const WAIT_STEP_MS = 1000;
const WAIT_LIMIT_MS = 7 * 24 * 3600 * 1000;

/**
 * kubectl waiting for deleted namespaces to be gone (delete --wait, replace --force): the simulated clock moves
 * on a second at a time, the controllers running at each, until none of them is left for the namespace
 * controller to finish (one another finalizer holds stays). Returns whether time moved.
 */
export function waitForNamespaces(state: ClusterState, ctx: Ctx, uids: ReadonlySet<string>, reconcile: (state: ClusterState, ctx: Ctx) => void): boolean {
  const waiting = () => listObjects(state, 'namespaces').some((n) => uids.has(n.metadata.uid ?? '') && namespaceUnsettled(n));
  let moved = false;
  for (let ahead = 0; ahead < WAIT_LIMIT_MS && waiting(); ahead += WAIT_STEP_MS) {
    state.clockOffsetMs = (state.clockOffsetMs ?? 0) + WAIT_STEP_MS;
    reconcile(state, ctx);
    moved = true;
  }
  return moved;
}
