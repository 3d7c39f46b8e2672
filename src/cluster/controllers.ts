// The controllers, run in a fixed order after every change and before every read, so that status that
// depends on time (readiness, restarts, rollouts) is computed when it is looked at: there is no daemon.
// Each controller is idempotent: running it twice changes nothing the second time.
import type { ClusterState } from '../store/state.js';
import type { Ctx } from './context.js';
import { runEndpointsController } from './endpoints.js';
import { runKubelet, runScheduler } from './pods.js';
import { runServiceController } from './services.js';
import { runWorkloadControllers } from './workloads.js';

export type Controller = (state: ClusterState, ctx: Ctx) => void;

/** Workload controllers create pods, the scheduler places them, the kubelet runs them, endpoints follow. */
export const CONTROLLERS: Controller[] = [runWorkloadControllers, runScheduler, runKubelet, runEndpointsController, runServiceController];

/** Runs the controllers until nothing changes (a write bumps resourceVersion), as a real control plane settles. */
export function reconcile(state: ClusterState, ctx: Ctx): void {
  for (let round = 0; round < 20; round++) {
    const before = state.resourceVersion;
    for (const c of CONTROLLERS) c(state, ctx);
    if (state.resourceVersion === before) return;
  }
}

