// Kept apart from the controllers so that a read of a quiet cluster loads none of them.
import type { ClusterState } from '../store/state.js';

/**
 * Whether nothing in the cluster can change with time alone: every started pod is ready and running or has
 * finished for good, and every workload has reached its desired state. Then a read can skip the controllers
 * (they would change nothing), which keeps `get` on a large, quiet cluster close to Node's start-up time.
 */
export function isSettled(state: ClusterState): boolean {
  for (const p of Object.values(state.objects.pods ?? {})) {
    const spec = p.spec as { nodeName?: string } | undefined;
    const status = p.status as { phase?: string; startTime?: string; containerStatuses?: { ready?: boolean; state?: { running?: unknown } }[] } | undefined;
    if (!spec?.nodeName) continue; // unschedulable pods wait for a change, not for time
    if (!status?.startTime) return false;
    if (status.phase === 'Succeeded' || status.phase === 'Failed') continue;
    if (status.phase !== 'Running') return false;
    if (!(status.containerStatuses ?? []).every((c) => c.ready && c.state?.running)) return false;
  }
  for (const resource of ['deployments', 'replicasets', 'replicationcontrollers']) {
    for (const o of Object.values(state.objects[resource] ?? {})) {
      const spec = o.spec as { replicas?: number; paused?: boolean } | undefined;
      const status = (o.status ?? {}) as { observedGeneration?: number; replicas?: number; readyReplicas?: number; updatedReplicas?: number; availableReplicas?: number };
      const want = spec?.replicas ?? 1;
      if ((status.observedGeneration ?? 0) < ((o.metadata.generation as number | undefined) ?? 0)) return false;
      if ((status.replicas ?? 0) !== want || (status.readyReplicas ?? 0) !== want) return false;
      if (resource === 'deployments' && ((status.updatedReplicas ?? 0) !== want || (status.availableReplicas ?? 0) !== want)) return false;
    }
  }
  return true;
}
