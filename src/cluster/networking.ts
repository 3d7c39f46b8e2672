// API-server defaulting for the networking.k8s.io/v1 kinds (what networking/v1 defaults.go and its generated
// defaulter fill in on every write), so `-o yaml` shows a NetworkPolicy or IngressClass as a real server returns it.
// Ingress has no v1 defaults (pathType is required, not defaulted).
import type { KubeObject } from '../api/types.js';
import { validateObject } from '../api/validation.js';
import type { Strategy } from './strategies.js';

type Port = { protocol?: string };
type PolicySpec = { policyTypes?: string[]; ingress?: { ports?: Port[] }[]; egress?: { ports?: Port[] }[] };

/**
 * A policy that names no policyTypes isolates ingress, and egress too when it has egress rules; every port
 * without a protocol is TCP (in ingress and egress rules alike).
 */
export function defaultNetworkPolicy(obj: KubeObject): void {
  const spec = obj.spec as PolicySpec | undefined;
  if (!spec || typeof spec !== 'object') return;
  for (const rule of [...(Array.isArray(spec.ingress) ? spec.ingress : []), ...(Array.isArray(spec.egress) ? spec.egress : [])]) {
    if (!rule || !Array.isArray(rule.ports)) continue;
    for (const p of rule.ports) if (p && typeof p === 'object' && p.protocol == null) p.protocol = 'TCP';
  }
  if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0) {
    spec.policyTypes = Array.isArray(spec.egress) && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
}

/** IngressClass parameters without a scope refer to a cluster-scoped object. */
export function defaultIngressClass(obj: KubeObject): void {
  const params = (obj.spec as { parameters?: { scope?: string } } | undefined)?.parameters;
  if (params && typeof params === 'object' && params.scope == null) params.scope = 'Cluster';
}

export const networkPolicyStrategy: Strategy = {
  hasGeneration: true,
  prepareForCreate: (obj) => defaultNetworkPolicy(obj),
  prepareForUpdate: (obj) => defaultNetworkPolicy(obj),
  // ValidateNetworkPolicy (src/api/network-policy.ts): the metadata and every rule, with the API server's paths.
  validate: (obj, _state, old) => validateObject(obj, old),
};

export const ingressClassStrategy: Strategy = {
  hasGeneration: true,
  prepareForCreate: (obj) => defaultIngressClass(obj),
  prepareForUpdate: (obj) => defaultIngressClass(obj),
};

/** Ingress has no v1 defaults; like every spec-carrying networking kind it counts spec changes in generation. */
export const ingressStrategy: Strategy = { hasGeneration: true };
