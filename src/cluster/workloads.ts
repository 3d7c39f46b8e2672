// Deployments, ReplicaSets and ReplicationControllers (not yet built).
import type { ClusterState } from '../store/state.js';
import type { Ctx } from './context.js';
import type { Strategy } from './strategies.js';

export const deploymentStrategy: Strategy = { hasGeneration: true };
export const replicaSetStrategy: Strategy = { hasGeneration: true };
export const replicationControllerStrategy: Strategy = { hasGeneration: true };

export function runWorkloadControllers(_state: ClusterState, _ctx: Ctx): void {}
