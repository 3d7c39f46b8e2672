// Per-resource API behaviour (the API server's "strategies"): validation, defaulting and allocation on
// create/update, release on delete. Each kind's strategy lives next to its controller.
import type { KubeObject } from '../api/types.js';
import type { ClusterState } from '../store/state.js';
import type { WriteOptions } from './apiserver.js';
import type { Ctx } from './context.js';
import { cronJobStrategy } from './cronjobs.js';
import { configMapStrategy, secretStrategy } from './config.js';
import { endpointsStrategy } from './endpoints.js';
import { jobStrategy } from './jobs.js';
import { namespaceStrategy } from './namespaces.js';
import { ingressClassStrategy, ingressStrategy, networkPolicyStrategy } from './networking.js';
import { nodeStrategy } from './nodes.js';
import { podStrategy } from './pods.js';
import { serviceStrategy } from './services.js';
import { daemonSetStrategy } from './daemonsets.js';
import { statefulSetStrategy } from './statefulsets.js';
import { clusterRoleBindingStrategy, clusterRoleStrategy, horizontalPodAutoscalerStrategy, limitRangeStrategy, podDisruptionBudgetStrategy, priorityClassStrategy, resourceQuotaStrategy, roleBindingStrategy, roleStrategyNS } from './policy.js';
import { persistentVolumeClaimStrategy, persistentVolumeStrategy, storageClassStrategy } from './storage.js';
import { deploymentStrategy, replicaSetStrategy, replicationControllerStrategy } from './workloads.js';

export interface Strategy {
  /** Spec changes bump metadata.generation (workloads). */
  hasGeneration?: boolean;
  /** Whether a user's write may set status (true for Endpoints-like objects that have none). */
  statusFromUser?: boolean;
  /** Throws InvalidError with the API server's causes. `old` is set on update. */
  validate?(obj: KubeObject, state: ClusterState, old: KubeObject | undefined): void;
  /** Defaulting and allocation before the object is stored (may throw InvalidError). */
  prepareForCreate?(obj: KubeObject, state: ClusterState, ctx: Ctx, opts: WriteOptions): void;
  prepareForUpdate?(obj: KubeObject, old: KubeObject, state: ClusterState, ctx: Ctx, opts: WriteOptions): void;
  afterCreate?(obj: KubeObject, state: ClusterState, ctx: Ctx): void;
  afterUpdate?(obj: KubeObject, old: KubeObject, state: ClusterState, ctx: Ctx): void;
  beforeDelete?(obj: KubeObject, state: ClusterState, ctx: Ctx): void;
  afterDelete?(obj: KubeObject, state: ClusterState, ctx: Ctx): void;
}

// Built on first use: the strategy modules import the API server, which imports this module, so a table
// built at load time could see them uninitialised.
let STRATEGIES: Record<string, Strategy> | undefined;

function strategies(): Record<string, Strategy> {
  return (STRATEGIES ??= {
  namespaces: namespaceStrategy,
  nodes: nodeStrategy,
  pods: podStrategy,
  services: serviceStrategy,
  endpoints: endpointsStrategy,
  configmaps: configMapStrategy,
  secrets: secretStrategy,
  deployments: deploymentStrategy,
  replicasets: replicaSetStrategy,
  replicationcontrollers: replicationControllerStrategy,
  jobs: jobStrategy,
  cronjobs: cronJobStrategy,
  statefulsets: statefulSetStrategy,
  daemonsets: daemonSetStrategy,
  horizontalpodautoscalers: horizontalPodAutoscalerStrategy,
  poddisruptionbudgets: podDisruptionBudgetStrategy,
  roles: roleStrategyNS,
  clusterroles: clusterRoleStrategy,
  rolebindings: roleBindingStrategy,
  clusterrolebindings: clusterRoleBindingStrategy,
  priorityclasses: priorityClassStrategy,
  resourcequotas: resourceQuotaStrategy,
  limitranges: limitRangeStrategy,
  persistentvolumeclaims: persistentVolumeClaimStrategy,
  persistentvolumes: persistentVolumeStrategy,
  storageclasses: storageClassStrategy,
  networkpolicies: networkPolicyStrategy,
  ingresses: ingressStrategy,
  ingressclasses: ingressClassStrategy,
  });
}

const NONE: Strategy = {};

export function strategyFor(resource: string): Strategy {
  return strategies()[resource] ?? NONE;
}
