// Namespaces: phase Active and the `kubernetes` finalizer on create; a DELETE only marks one Terminating (the
// namespace controller, namespace-controller.ts, empties and removes it later). Every new namespace at once gets
// what two controllers publish into it: the `kube-root-ca.crt` ConfigMap (root-ca-cert-publisher) and the
// `default` ServiceAccount (serviceaccounts-controller).
import { createHash } from 'node:crypto';
import { StatusError } from '../api/errors.js';
import type { KubeObject, Namespace } from '../api/types.js';
import { validateObject } from '../api/validation.js';
import { getObject, putObject, removeObject } from '../store/objects.js';
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
    // The API server's namespaceStrategy: the status is Active whatever was sent, and the `kubernetes`
    // finalizer is added to those the manifest lists (the namespace controller removes it when done).
    const finalizers = specOf(obj).finalizers ?? [];
    obj.spec = { ...(obj.spec as object), finalizers: finalizers.includes(KUBERNETES_FINALIZER) ? finalizers : [...finalizers, KUBERNETES_FINALIZER] };
    obj.status = { phase: 'Active' };
  },
  prepareForUpdate(obj, old) {
    // Finalizers change only through the finalize subresource, status only through status.
    const spec: { finalizers?: string[] } = { ...(obj.spec as object) };
    if (specOf(old).finalizers) spec.finalizers = specOf(old).finalizers;
    else delete spec.finalizers;
    obj.spec = spec;
  },
  afterCreate(obj, state, ctx) {
    publishNamespaceDefaults(state, ctx, obj);
  },
};

export const KUBERNETES_FINALIZER = 'kubernetes';

/**
 * How long the namespace controller waits after a namespace is marked for deletion before it empties it
 * (namespaceDeletionGracePeriod in the controller: lets every API server see the deletion first). This is why
 * the requests kubectl sends after deleting a namespace still find its objects.
 */
export const NAMESPACE_DELETION_GRACE_MS = 5000;

type NamespaceObj = Namespace & KubeObject;
const specOf = (o: KubeObject) => (o.spec ?? {}) as { finalizers?: string[] };

/** The simulated time at which the namespace controller empties a terminating namespace. */
export function namespaceDueAt(ns: KubeObject): number | undefined {
  const t = ns.metadata.deletionTimestamp;
  return t ? Date.parse(t) + NAMESPACE_DELETION_GRACE_MS : undefined;
}

/**
 * Whether the namespace is being deleted: the API server refuses to create anything in it, so the controllers
 * make nothing there (a real controller's create fails; kubesim's does not try).
 */
export function namespaceTerminating(state: ClusterState, namespace: string | undefined): boolean {
  return !!namespace && !!getObject(state, 'namespaces', undefined, namespace)?.metadata.deletionTimestamp;
}

/** A terminating namespace the namespace controller has still to finish (time alone will move it). */
export function namespaceUnsettled(ns: KubeObject): boolean {
  return !!ns.metadata.deletionTimestamp && (specOf(ns).finalizers ?? []).includes(KUBERNETES_FINALIZER);
}

/**
 * The API server's DELETE of a namespace: the first marks it (deletionTimestamp, phase Terminating) and answers
 * with it; another while the `kubernetes` finalizer is there is a Conflict; once the finalizers are gone it is
 * removed (`remove`).
 */
export function deleteNamespace(state: ClusterState, ctx: Ctx, ns: KubeObject, dryRun: boolean, remove: () => void): KubeObject {
  if (!ns.metadata.deletionTimestamp) {
    const next = structuredClone(ns) as NamespaceObj;
    next.metadata.deletionTimestamp = rfc3339(ctx.clock.now());
    next.status = { ...next.status, phase: 'Terminating' };
    if (dryRun) return next;
    return putObject(state, 'namespaces', next);
  }
  if ((specOf(ns).finalizers ?? []).length) {
    throw new StatusError('Conflict', 409, `Operation cannot be fulfilled on namespaces "${ns.metadata.name}": The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.`);
  }
  if (!dryRun) remove();
  return ns;
}

/**
 * PUT namespaces/NAME/finalize: the namespace's spec.finalizers replaced (its only writer); a terminating
 * namespace left with none is removed by that update (ShouldDeleteNamespaceDuringUpdate).
 */
export function finalizeNamespace(state: ClusterState, current: KubeObject, finalizers: unknown, dryRun: boolean): KubeObject {
  const next = structuredClone(current);
  const list = Array.isArray(finalizers) ? [...new Set(finalizers.map(String))] : [];
  next.spec = { ...(next.spec as object), finalizers: list };
  if (!list.length) delete (next.spec as { finalizers?: string[] }).finalizers;
  if (dryRun) return next;
  if (next.metadata.deletionTimestamp && !list.length && !next.metadata.finalizers?.length) {
    removeObject(state, 'namespaces', undefined, next.metadata.name);
    return next;
  }
  return putObject(state, 'namespaces', next);
}

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
