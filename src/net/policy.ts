// Stage 6: NetworkPolicy. Policies arrive in a later issue; until then every flow is allowed, and this is the
// one place that will decide egress of the source pod and ingress of the destination pod.
import type { Client } from './engine.js';
import type { PodHost, Topology } from './topology.js';

export interface PolicyVerdict {
  allowed: boolean;
  reason: string;
}

export function allowsFlow(_topo: Topology, _client: Client, dst: PodHost, _port: number): PolicyVerdict {
  return { allowed: true, reason: `no NetworkPolicy selects pod ${dst.key}: allowed` };
}
