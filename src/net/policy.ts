// Stage 6: NetworkPolicy. Policies arrive in a later issue; until then every flow is allowed, and this is the
// one place that will decide egress of the source pod and ingress of the destination pod.
import type { Client } from './engine.js';
import type { PodHost, Topology } from './topology.js';

export interface PolicyVerdict {
  allowed: boolean;
  /** The trace line, built only when a trace is recorded. */
  reason(dst: PodHost): string;
}

const ALLOW_ALL: PolicyVerdict = { allowed: true, reason: (dst) => `no NetworkPolicy selects pod ${dst.key}: allowed` };

export function allowsFlow(_topo: Topology, _client: Client, _dst: PodHost, _port: number): PolicyVerdict {
  return ALLOW_ALL;
}
