// NetworkPolicy facts shared by the API (defaulting at write time) and the network engine (which must read a
// stored object that lacks them the same way).
import type { NetworkPolicy } from './types.js';

export type PolicyType = 'Ingress' | 'Egress';

/**
 * The directions a policy isolates. As the API server defaults spec.policyTypes when it is empty: Ingress
 * always, Egress when the spec has at least one egress rule (an empty `egress: []` does not count).
 */
export function effectivePolicyTypes(spec: NetworkPolicy['spec'] | undefined): PolicyType[] {
  const given = (spec?.policyTypes ?? []).filter((t): t is PolicyType => t === 'Ingress' || t === 'Egress');
  if ((spec?.policyTypes ?? []).length > 0) return given;
  return (spec?.egress ?? []).length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}
