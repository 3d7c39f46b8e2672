// The pods/eviction subresource (policy/v1 Eviction): a delete that first asks the PodDisruptionBudget that
// covers the pod. What drain and the taint manager go through. docs/node-ops-facts.md records the rules.
import { notFound, StatusError } from '../api/errors.js';
import { matchesLabelSelector } from '../api/labels.js';
import { requireResource } from '../api/resources.js';
import type { KubeObject, LabelSelector, Pod } from '../api/types.js';
import { getObject, listObjects, putObject } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';
import { rfc3339 } from '../util/clock.js';
import { deleteObject } from './apiserver.js';
import type { Ctx } from './context.js';

type PodObj = Pod & KubeObject;
interface BudgetStatus {
  disruptionsAllowed?: number;
  currentHealthy?: number;
  desiredHealthy?: number;
  observedGeneration?: number;
  disruptedPods?: Record<string, string>;
}

export const BUDGET_VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget.";

function ready(p: PodObj): boolean {
  return p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/**
 * Evicts one pod, as the eviction REST handler does: a pod that is finished, pending or already going is
 * deleted without asking; otherwise the one PodDisruptionBudget selecting it must allow a disruption (its
 * count goes down by one and the pod is remembered as disrupted until the disruption controller recounts),
 * else 429 TooManyRequests. More than one budget is an internal error. dryRun checks without changing anything.
 */
export function evictPod(state: ClusterState, ctx: Ctx, namespace: string, name: string, opts: { dryRun?: boolean; gracePeriodSeconds?: number } = {}): void {
  const pod = getObject<PodObj>(state, 'pods', namespace, name);
  if (!pod) throw notFound('pods', name);
  const phase = pod.status?.phase;
  const skipBudget = phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || !!pod.metadata.deletionTimestamp;
  if (!skipBudget) {
    const budgets = listObjects(state, 'poddisruptionbudgets', namespace).filter((b) => {
      const sel = (b.spec as { selector?: LabelSelector } | undefined)?.selector;
      // A budget with a nil selector selects nothing; an empty one selects every pod of its namespace.
      return sel !== undefined && sel !== null && matchesLabelSelector(sel, pod.metadata.labels ?? {});
    });
    if (budgets.length > 1) {
      throw new StatusError('InternalError', 500, 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    }
    const pdb = budgets[0];
    if (pdb) {
      const st = (pdb.status ?? {}) as BudgetStatus;
      const policy = (pdb.spec as { unhealthyPodEvictionPolicy?: string } | undefined)?.unhealthyPodEvictionPolicy;
      // An unready pod does not count towards the budget: AlwaysAllow lets it go; IfHealthyBudget (the
      // default) lets it go while the budget is met.
      const unhealthyGoes = !ready(pod) && (policy === 'AlwaysAllow' || (st.currentHealthy ?? 0) >= (st.desiredHealthy ?? 0));
      if (!unhealthyGoes) {
        if ((st.observedGeneration ?? 0) < ((pdb.metadata.generation as number | undefined) ?? 1) || (st.disruptionsAllowed ?? 0) <= 0) {
          throw new StatusError('TooManyRequests', 429, BUDGET_VIOLATION);
        }
        if (!opts.dryRun) {
          const status: BudgetStatus = { ...st, disruptionsAllowed: (st.disruptionsAllowed ?? 0) - 1, disruptedPods: { ...(st.disruptedPods ?? {}), [name]: rfc3339(ctx.clock.now()) } };
          putObject(state, 'poddisruptionbudgets', { ...pdb, status });
        }
      }
    }
  }
  if (opts.dryRun) return;
  deleteObject(state, ctx, requireResource('pods'), namespace, name, { reconcile: false });
}
