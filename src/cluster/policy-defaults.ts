// The objects kube-apiserver bootstraps in every cluster that belong to the kinds in policy.ts: the two system
// PriorityClasses and the user-facing default ClusterRoles (cluster-admin, and admin, edit and view, which the
// clusterrole-aggregation controller fills from the system:aggregate-to-* roles). Their uids are derived from
// a hash, and they take the resourceVersion of the last bootstrap write without advancing it, so adding them
// changes no name, address or version that the seeded cluster had before.
import { createHash } from 'node:crypto';
import { matchesLabelSelector } from '../api/labels.js';
import type { KubeObject, LabelSelector } from '../api/types.js';
import type { ClusterState } from '../store/state.js';
import { rfc3339 } from '../util/clock.js';
import type { Ctx } from './context.js';

function hashUID(what: string): string {
  const h = createHash('sha256').update(`kubesim-bootstrap/${what}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const ALL_WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const READ = ['get', 'list', 'watch'];
const rule = (apiGroups: string[], resources: string[], verbs: string[]) => ({ apiGroups, resources, verbs });

const AGGREGATE_TO_ADMIN = [
  rule(['authorization.k8s.io'], ['localsubjectaccessreviews'], ['create']),
  rule(['rbac.authorization.k8s.io'], ['rolebindings', 'roles'], ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']),
];

const AGGREGATE_TO_EDIT = [
  rule([''], ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy'], READ),
  rule([''], ['serviceaccounts'], ['impersonate']),
  rule([''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy'], ALL_WRITE),
  rule([''], ['pods/eviction'], ['create']),
  rule([''], ['configmaps', 'events', 'persistentvolumeclaims', 'replicationcontrollers', 'replicationcontrollers/scale', 'secrets', 'serviceaccounts', 'services', 'services/proxy'], ALL_WRITE),
  rule([''], ['serviceaccounts/token'], ['create']),
  rule(['apps'], ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale'], ALL_WRITE),
  rule(['autoscaling'], ['horizontalpodautoscalers'], ALL_WRITE),
  rule(['batch'], ['cronjobs', 'jobs'], ALL_WRITE),
  rule(['extensions'], ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'ingresses', 'networkpolicies', 'replicasets', 'replicasets/scale', 'replicationcontrollers/scale'], ALL_WRITE),
  rule(['policy'], ['poddisruptionbudgets'], ALL_WRITE),
  rule(['networking.k8s.io'], ['ingresses', 'networkpolicies'], ALL_WRITE),
  rule(['coordination.k8s.io'], ['leases'], ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']),
];

const AGGREGATE_TO_VIEW = [
  rule([''], ['configmaps', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status'], READ),
  rule([''], ['bindings', 'events', 'limitranges', 'namespaces/status', 'pods/log', 'pods/status', 'replicationcontrollers/status', 'resourcequotas', 'resourcequotas/status'], READ),
  rule([''], ['namespaces'], READ),
  rule(['discovery.k8s.io'], ['endpointslices'], READ),
  rule(['apps'], ['controllerrevisions', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'statefulsets', 'statefulsets/scale', 'statefulsets/status'], READ),
  rule(['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status'], READ),
  rule(['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status'], READ),
  rule(['extensions'], ['daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'ingresses', 'ingresses/status', 'networkpolicies', 'replicasets', 'replicasets/scale', 'replicasets/status', 'replicationcontrollers/scale'], READ),
  rule(['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status'], READ),
  rule(['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies'], READ),
];

const BOOTSTRAP_LABEL = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
const AUTOUPDATE = { 'rbac.authorization.kubernetes.io/autoupdate': 'true' };

interface RoleSeed {
  name: string;
  labels?: Record<string, string>;
  aggregateFrom?: string;
  rules?: object[];
}

/** In name order; admin, edit and view are aggregated (their rules filled below). */
const CLUSTER_ROLES: RoleSeed[] = [
  { name: 'admin', aggregateFrom: 'rbac.authorization.k8s.io/aggregate-to-admin' },
  { name: 'cluster-admin', rules: [rule(['*'], ['*'], ['*']), { nonResourceURLs: ['*'], verbs: ['*'] }] },
  { name: 'edit', labels: { 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' }, aggregateFrom: 'rbac.authorization.k8s.io/aggregate-to-edit' },
  { name: 'system:aggregate-to-admin', labels: { 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' }, rules: AGGREGATE_TO_ADMIN },
  { name: 'system:aggregate-to-edit', labels: { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' }, rules: AGGREGATE_TO_EDIT },
  { name: 'system:aggregate-to-view', labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' }, rules: AGGREGATE_TO_VIEW },
  { name: 'view', labels: { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' }, aggregateFrom: 'rbac.authorization.k8s.io/aggregate-to-view' },
];

const PRIORITY_CLASSES = [
  { name: 'system-cluster-critical', value: 2000000000, description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.' },
  { name: 'system-node-critical', value: 2000001000, description: 'Used for system critical pods that must not be moved from their current node.' },
];

/**
 * The clusterrole-aggregation controller's union: for each selector, the matching roles in name order (itself
 * excluded), each rule once, in order.
 */
function aggregate(role: KubeObject, all: KubeObject[], done: Set<string>, byName: Map<string, KubeObject>): void {
  const sel = (role as { aggregationRule?: { clusterRoleSelectors?: LabelSelector[] } }).aggregationRule?.clusterRoleSelectors;
  if (!sel || done.has(role.metadata.name)) return;
  done.add(role.metadata.name);
  const rules: object[] = [];
  const seen = new Set<string>();
  for (const s of sel) {
    for (const other of all) {
      if (other.metadata.name === role.metadata.name || !matchesLabelSelector(s, other.metadata.labels)) continue;
      aggregate(other, all, done, byName);
      for (const r of ((other as { rules?: object[] }).rules ?? [])) {
        const k = JSON.stringify(r);
        if (!seen.has(k)) {
          seen.add(k);
          rules.push(structuredClone(r));
        }
      }
    }
  }
  (role as { rules?: object[] }).rules = rules;
}

/** Stores the bootstrap PriorityClasses and ClusterRoles (see the top of this file). */
export function seedPolicyDefaults(state: ClusterState, ctx: Ctx): void {
  const ts = rfc3339(ctx.clock.now());
  const rv = String(state.resourceVersion);
  const meta = (kind: string, name: string, labels?: Record<string, string>, annotations?: Record<string, string>) => ({
    name,
    uid: hashUID(`${state.cluster.name}/${kind}/${name}`),
    resourceVersion: rv,
    creationTimestamp: ts,
    ...(labels ? { labels } : {}),
    ...(annotations ? { annotations } : {}),
  });
  for (const pc of PRIORITY_CLASSES) {
    const o: KubeObject = { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: meta('priorityclasses', pc.name), value: pc.value, description: pc.description, preemptionPolicy: 'PreemptLowerPriority' };
    state.objects.put('priorityclasses', pc.name, o);
  }
  const roles: KubeObject[] = CLUSTER_ROLES.map((r) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: meta('clusterroles', r.name, { ...BOOTSTRAP_LABEL, ...(r.labels ?? {}) }, { ...AUTOUPDATE }),
    ...(r.aggregateFrom ? { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [r.aggregateFrom]: 'true' } }] } } : {}),
    rules: structuredClone(r.rules ?? []),
  }));
  const byName = new Map(roles.map((r) => [r.metadata.name, r]));
  const done = new Set<string>();
  for (const r of roles) aggregate(r, roles, done, byName);
  for (const r of roles) state.objects.put('clusterroles', r.metadata.name, r);
}
