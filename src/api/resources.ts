// What kubesim serves, as API discovery would list it. Every verb resolves a user's type word here.
import { CommandError } from './errors.js';
export interface ResourceInfo {
  /** Plural resource name, e.g. "pods". */
  resource: string;
  singular: string;
  kind: string;
  group: string;
  version: string;
  namespaced: boolean;
  shortNames: string[];
  verbs: string[];
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function r(resource: string, singular: string, kind: string, group: string, version: string, namespaced: boolean, shortNames: string[] = []): ResourceInfo {
  return { resource, singular, kind, group, version, namespaced, shortNames, verbs: ALL_VERBS };
}

/** In `kubectl api-resources` order (core group first, then groups alphabetically). */
export const RESOURCES: ResourceInfo[] = [
  r('configmaps', 'configmap', 'ConfigMap', '', 'v1', true, ['cm']),
  r('endpoints', 'endpoints', 'Endpoints', '', 'v1', true, ['ep']),
  r('events', 'event', 'Event', '', 'v1', true, ['ev']),
  r('limitranges', 'limitrange', 'LimitRange', '', 'v1', true, ['limits']),
  r('namespaces', 'namespace', 'Namespace', '', 'v1', false, ['ns']),
  r('nodes', 'node', 'Node', '', 'v1', false, ['no']),
  r('persistentvolumeclaims', 'persistentvolumeclaim', 'PersistentVolumeClaim', '', 'v1', true, ['pvc']),
  r('persistentvolumes', 'persistentvolume', 'PersistentVolume', '', 'v1', false, ['pv']),
  r('pods', 'pod', 'Pod', '', 'v1', true, ['po']),
  r('replicationcontrollers', 'replicationcontroller', 'ReplicationController', '', 'v1', true, ['rc']),
  r('resourcequotas', 'resourcequota', 'ResourceQuota', '', 'v1', true, ['quota']),
  r('secrets', 'secret', 'Secret', '', 'v1', true),
  r('serviceaccounts', 'serviceaccount', 'ServiceAccount', '', 'v1', true, ['sa']),
  r('services', 'service', 'Service', '', 'v1', true, ['svc']),
  r('controllerrevisions', 'controllerrevision', 'ControllerRevision', 'apps', 'v1', true),
  r('daemonsets', 'daemonset', 'DaemonSet', 'apps', 'v1', true, ['ds']),
  r('deployments', 'deployment', 'Deployment', 'apps', 'v1', true, ['deploy']),
  r('replicasets', 'replicaset', 'ReplicaSet', 'apps', 'v1', true, ['rs']),
  r('cronjobs', 'cronjob', 'CronJob', 'batch', 'v1', true, ['cj']),
  r('jobs', 'job', 'Job', 'batch', 'v1', true),
  r('statefulsets', 'statefulset', 'StatefulSet', 'apps', 'v1', true, ['sts']),
  r('leases', 'lease', 'Lease', 'coordination.k8s.io', 'v1', true),
  r('endpointslices', 'endpointslice', 'EndpointSlice', 'discovery.k8s.io', 'v1', true),
  r('ingressclasses', 'ingressclass', 'IngressClass', 'networking.k8s.io', 'v1', false),
  r('ingresses', 'ingress', 'Ingress', 'networking.k8s.io', 'v1', true, ['ing']),
  r('networkpolicies', 'networkpolicy', 'NetworkPolicy', 'networking.k8s.io', 'v1', true, ['netpol']),
  // api-resources sorts by group, so these may sit at the end
  r('horizontalpodautoscalers', 'horizontalpodautoscaler', 'HorizontalPodAutoscaler', 'autoscaling', 'v2', true, ['hpa']),
  r('poddisruptionbudgets', 'poddisruptionbudget', 'PodDisruptionBudget', 'policy', 'v1', true, ['pdb']),
  r('clusterrolebindings', 'clusterrolebinding', 'ClusterRoleBinding', 'rbac.authorization.k8s.io', 'v1', false),
  r('clusterroles', 'clusterrole', 'ClusterRole', 'rbac.authorization.k8s.io', 'v1', false),
  r('rolebindings', 'rolebinding', 'RoleBinding', 'rbac.authorization.k8s.io', 'v1', true),
  r('roles', 'role', 'Role', 'rbac.authorization.k8s.io', 'v1', true),
  r('priorityclasses', 'priorityclass', 'PriorityClass', 'scheduling.k8s.io', 'v1', false, ['pc']),
  r('storageclasses', 'storageclass', 'StorageClass', 'storage.k8s.io', 'v1', false, ['sc']),
];

/**
 * Resources the API server also serves in an older version, converted from and to the stored one per request
 * (src/api/hpa-v1.ts): autoscaling/v1 HorizontalPodAutoscalers, what `kubectl autoscale` posts. Discovery lists
 * them after the stored versions, so clients prefer those.
 */
export const OLDER_VERSIONS: ResourceInfo[] = [{ ...RESOURCES.find((r) => r.resource === 'horizontalpodautoscalers')!, version: 'v1' }];

/** The "all" category (`get all`, `delete all`), in discovery order: core group, then the groups by name. */
export const ALL_CATEGORY = ['pods', 'replicationcontrollers', 'services', 'daemonsets', 'deployments', 'replicasets', 'statefulsets', 'horizontalpodautoscalers', 'cronjobs', 'jobs'];

/** apiVersion as objects carry it: "v1" or "apps/v1". */
export function apiVersionOf(info: ResourceInfo): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

/** "pods" or "deployments.apps": how the API server names a resource in its messages. */
export function qualifiedResource(info: ResourceInfo): string {
  return info.group ? `${info.resource}.${info.group}` : info.resource;
}

/** "pod" or "deployment.apps": the prefix of `-o name` and multi-type NAME cells. */
export function qualifiedKind(info: ResourceInfo): string {
  const k = info.kind.toLowerCase();
  return info.group ? `${k}.${info.group}` : k;
}

/**
 * Resolves a user's type word as kubectl's RESTMapper does: plural, singular, short name, kind,
 * optionally qualified by group ("deployments.apps") or version ("deployments.v1.apps").
 */
export function findResource(word: string): ResourceInfo | undefined {
  const w = word.toLowerCase();
  const dot = w.indexOf('.');
  const base = dot < 0 ? w : w.slice(0, dot);
  const rest = dot < 0 ? undefined : w.slice(dot + 1);
  return RESOURCES.find((info) => {
    const names = [info.resource, info.singular, info.kind.toLowerCase(), ...info.shortNames];
    if (!names.includes(base)) return false;
    if (rest === undefined) return true;
    return rest === info.group || rest === `${info.version}.${info.group}` || (info.group === '' && rest === info.version);
  });
}

export function resourceForKind(apiVersion: string | undefined, kind: string | undefined): ResourceInfo | undefined {
  if (!kind) return undefined;
  return RESOURCES.find((info) => info.kind === kind && (apiVersion === undefined || apiVersionOf(info) === apiVersion));
}

export function resourceByName(resource: string): ResourceInfo {
  const info = RESOURCES.find((i) => i.resource === resource);
  if (!info) throw new Error(`unknown resource ${resource}`);
  return info;
}

/** A user's type word resolved, or kubectl's error for a type the server does not have. */
export function requireResource(word: string): ResourceInfo {
  const info = findResource(word);
  if (!info) throw new CommandError(`the server doesn't have a resource type "${word}"`);
  return info;
}

/**
 * `TYPE/NAME...` arguments, as kubectl's resource builder reads them: undefined when none has a slash; when
 * some do, all must (else kubectl's "no need to specify a resource type" error), and each type is resolved.
 */
export function slashTargets(args: string[], verb = 'get'): { info: ResourceInfo; name: string }[] | undefined {
  if (!args.some((a) => a.includes('/'))) return undefined;
  if (!args.every((a) => a.includes('/'))) {
    throw new CommandError(
      `there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl ${verb} resource/<resource_name>' instead of 'kubectl ${verb} resource resource/<resource_name>'`,
    );
  }
  return args.map((a) => {
    const i = a.indexOf('/');
    return { info: requireResource(a.slice(0, i)), name: a.slice(i + 1) };
  });
}
