// Namespaces: phase Active on create; deleting one takes its contents with it (apiserver.ts). Every new
// namespace at once gets what two controllers publish into it: the `kube-root-ca.crt` ConfigMap
// (root-ca-cert-publisher) and the `default` ServiceAccount (serviceaccounts-controller).
import { createHash } from 'node:crypto';
import type { KubeObject } from '../api/types.js';
import { validateObject } from '../api/validation.js';
import { getObject, putObject } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';
import { rfc3339 } from '../util/clock.js';
import type { Ctx } from './context.js';
import type { Strategy } from './strategies.js';
import { rootCACert } from './volumes.js';

export const namespaceStrategy: Strategy = {
  validate(obj, _state, old) {
    validateObject(obj, old);
  },
  prepareForCreate(obj) {
    obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': obj.metadata.name };
    obj.spec = { finalizers: ['kubernetes'] };
    obj.status = { phase: 'Active' };
  },
  afterCreate(obj, state, ctx) {
    publishNamespaceDefaults(state, ctx, obj);
  },
};

export function namespaceObject(name: string) {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

const ROOT_CA_DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

/**
 * A uid derived from the namespace's, so that publishing these objects draws nothing from the seeded random
 * source (the names and addresses made after them stay what they were).
 */
function derivedUID(nsUID: string, what: string): string {
  const h = createHash('sha256').update(`${nsUID}/${what}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The ConfigMap and ServiceAccount every namespace has, unless they are there already. */
export function publishNamespaceDefaults(state: ClusterState, ctx: Ctx, ns: KubeObject): void {
  const namespace = ns.metadata.name;
  const meta = (name: string, what: string) => ({ name, namespace, uid: derivedUID(ns.metadata.uid ?? namespace, what), creationTimestamp: rfc3339(ctx.clock.now()) });
  if (!getObject(state, 'configmaps', namespace, 'kube-root-ca.crt')) {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { ...meta('kube-root-ca.crt', 'configmap'), annotations: { 'kubernetes.io/description': ROOT_CA_DESCRIPTION } }, data: { 'ca.crt': rootCACert(state) } };
    putObject(state, 'configmaps', cm as KubeObject);
  }
  if (!getObject(state, 'serviceaccounts', namespace, 'default')) {
    putObject(state, 'serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('default', 'serviceaccount') } as KubeObject);
  }
}
