// Which objects' status can still move with time alone: the controllers keep their keys in state.unsettled so
// that a read of a quiet cluster does no controller work and a write re-examines only these.
import { containerOutcome } from '../apps/runtime.js';
import type { KubeObject, Pod } from '../api/types.js';
import type { ClusterState } from '../store/state.js';
import type { Ctx } from './context.js';
import { containerProbePlans } from './kubelet.js';
import { cronJobUnsettled, type CronJobObj } from './cronjobs.js';
import { daemonSetUnsettled } from './daemonsets.js';
import { jobUnsettled, type JobObj } from './jobs.js';
import { statefulSetUnsettled } from './statefulsets.js';

/** The kinds whose objects' status can move with time alone (state.unsettled names them). */
export const UNSETTLED_KINDS = ['pods', 'deployments', 'replicasets', 'replicationcontrollers', 'jobs', 'cronjobs', 'statefulsets', 'daemonsets'];

/**
 * Whether time alone may still change this object: a started pod not yet ready and running (and not finished
 * for good) or whose process will exit, a scheduled pod the kubelet has not started, a workload short of its
 * desired state.
 */
export function isUnsettled(state: ClusterState, kind: string, o: KubeObject, ctx?: Ctx): boolean {
  if (kind === 'pods') {
    const spec = o.spec as { nodeName?: string } | undefined;
    const status = o.status as { phase?: string; startTime?: string; containerStatuses?: { ready?: boolean; state?: { running?: unknown } }[] } | undefined;
    if (!spec?.nodeName) return false; // unschedulable pods wait for a change, not for time
    if (o.metadata.deletionTimestamp) return false;
    // The taint manager will evict it when its tolerationSeconds run out.
    if (state.taintEvictions?.[`${o.metadata.namespace}/${o.metadata.name}`] !== undefined) return true;
    // Finished, or rejected by the kubelet's admission before it started.
    if (status?.phase === 'Succeeded' || status?.phase === 'Failed') return false;
    if (!status?.startTime) return true;
    if (status.phase !== 'Running') return true;
    if (!(status.containerStatuses ?? []).every((c) => c.ready && c.state?.running)) return true;
    // Running and ready now, but a process that exits (a command, `sleep 30`) changes the pod when it does.
    const pod = o as Pod & KubeObject;
    if ((pod.spec?.containers ?? []).some((c) => containerOutcome(pod, c, state).kind !== 'runs')) return true;
    // A failing liveness or startup probe will kill the container.
    if (!ctx || !(pod.spec?.containers ?? []).some((c) => c.livenessProbe || c.startupProbe)) return false;
    return [...containerProbePlans(state, ctx, pod).values()].some((p) => p.killAfterMs !== undefined);
  }
  if (kind === 'jobs') return jobUnsettled(o as JobObj);
  if (kind === 'cronjobs') return cronJobUnsettled(o as CronJobObj);
  if (kind === 'statefulsets') return statefulSetUnsettled(o);
  if (kind === 'daemonsets') return daemonSetUnsettled(o);
  const spec = o.spec as { replicas?: number } | undefined;
  const status = (o.status ?? {}) as { observedGeneration?: number; replicas?: number; readyReplicas?: number; updatedReplicas?: number; availableReplicas?: number };
  const want = spec?.replicas ?? 1;
  if ((status.observedGeneration ?? 0) < ((o.metadata.generation as number | undefined) ?? 0)) return true;
  if ((status.replicas ?? 0) !== want || (status.readyReplicas ?? 0) !== want) return true;
  return kind === 'deployments' && ((status.updatedReplicas ?? 0) !== want || (status.availableReplicas ?? 0) !== want);
}
