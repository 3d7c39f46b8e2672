// Kept apart from the controllers so that a read of a quiet cluster loads none of them.
import type { ClusterState } from '../store/state.js';

/**
 * Whether nothing in the cluster can change with time alone, so a read can skip the controllers (they would
 * change nothing). The controllers record the unsettled objects (src/cluster/unsettled.ts), so this costs nothing
 * on a large, quiet cluster; a state that records none yet is not known to be settled.
 */
export function isSettled(state: ClusterState): boolean {
  return state.unsettled !== undefined && state.unsettled.length === 0;
}
