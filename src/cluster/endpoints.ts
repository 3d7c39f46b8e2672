// The endpoints controller: Endpoints and EndpointSlices in step with pods and services (not yet built).
import type { ClusterState } from '../store/state.js';
import type { Ctx } from './context.js';

export function runEndpointsController(_state: ClusterState, _ctx: Ctx): void {}
