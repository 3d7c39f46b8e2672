// Services: defaulting, validation, ClusterIP and NodePort allocation, the load-balancer provider (not yet built).
import type { Strategy } from './strategies.js';
import type { ClusterState } from '../store/state.js';
import type { Ctx } from './context.js';

export const serviceStrategy: Strategy = {};

/** Sets LoadBalancer status from the provider's pool (not yet built). */
export function runServiceController(_state: ClusterState, _ctx: Ctx): void {}
