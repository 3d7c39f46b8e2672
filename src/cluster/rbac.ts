// The RBAC authorizer: whether a user (with groups) may do a verb on a resource or a non-resource URL, from
// the stored ClusterRoles, Roles and their bindings, as kube-apiserver's RBAC authorizer decides.
import type { KubeObject } from '../api/types.js';
import { getObject, listObjects } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';

export interface UserInfo {
  username: string;
  groups: string[];
}

/** kind's kubeconfig user: kubeadm's admin certificate (CN kubernetes-admin, O kubeadm:cluster-admins). */
export const KIND_ADMIN: UserInfo = { username: 'kubernetes-admin', groups: ['kubeadm:cluster-admins', 'system:authenticated'] };

/**
 * The user an impersonation header names, as the API server completes it: a service account's username brings
 * its groups when none are given; every user but system:anonymous is in system:authenticated.
 */
export function impersonated(user: string, groups: string[]): UserInfo {
  const out = [...groups];
  const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(user);
  if (sa && groups.length === 0) out.push('system:serviceaccounts', `system:serviceaccounts:${sa[1]}`);
  if (user !== 'system:anonymous' && !out.includes('system:authenticated')) out.push('system:authenticated');
  return { username: user, groups: out };
}

export interface ResourceRequest {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  name?: string;
  /** undefined: every namespace (a cluster-wide check) */
  namespace?: string;
}

export interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

type Binding = KubeObject & { subjects?: { kind: string; name: string; namespace?: string }[]; roleRef?: { kind: string; name: string } };

/** kind's bootstrap binding of kubeadm:cluster-admins to cluster-admin, when the cluster does not store its own. */
const BOOTSTRAP_BINDINGS: Binding[] = [
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'kubeadm:cluster-admins' },
    subjects: [{ kind: 'Group', name: 'kubeadm:cluster-admins' }],
    roleRef: { kind: 'ClusterRole', name: 'cluster-admin' },
  } as Binding,
];

/**
 * The bootstrap roles every authenticated user holds in a kubeadm cluster (system:basic-user, system:discovery,
 * system:public-info-viewer), used when the cluster does not store them: the self reviews and the discovery
 * and health endpoints.
 */
const AUTHENTICATED_RULES: PolicyRule[] = [
  // system:basic-user
  { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
  { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] },
  // system:discovery
  { verbs: ['get'], nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'] },
  // system:public-info-viewer (the same health URLs again: a rules review lists them twice)
  { verbs: ['get'], nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'] },
];

function subjectMatches(s: { kind: string; name: string; namespace?: string }, user: UserInfo, bindingNamespace: string | undefined): boolean {
  if (s.kind === 'User') return s.name === user.username;
  if (s.kind === 'Group') return user.groups.includes(s.name);
  if (s.kind === 'ServiceAccount') return user.username === `system:serviceaccount:${s.namespace || bindingNamespace || ''}:${s.name}`;
  return false;
}

function roleRules(state: ClusterState, ref: Binding['roleRef'], namespace: string | undefined): PolicyRule[] {
  if (!ref) return [];
  const role = ref.kind === 'ClusterRole' ? getObject(state, 'clusterroles', undefined, ref.name) : ref.kind === 'Role' && namespace ? getObject(state, 'roles', namespace, ref.name) : undefined;
  return ((role as { rules?: PolicyRule[] } | undefined)?.rules ?? []) as PolicyRule[];
}

/** Every rule that applies to the user in the namespace (undefined: the cluster-wide rules only). */
export function rulesFor(state: ClusterState, user: UserInfo, namespace: string | undefined): PolicyRule[] {
  // The API server's privileged group bypasses RBAC altogether.
  if (user.groups.includes('system:masters')) return [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verbs: ['*'], nonResourceURLs: ['*'] }];
  const rules: PolicyRule[] = [];
  if (user.groups.includes('system:authenticated') && !getObject(state, 'clusterroles', undefined, 'system:discovery')) rules.push(...AUTHENTICATED_RULES);
  const stored = listObjects(state, 'clusterrolebindings') as Binding[];
  const names = new Set(stored.map((b) => b.metadata.name));
  for (const b of [...stored, ...BOOTSTRAP_BINDINGS.filter((x) => !names.has(x.metadata.name))]) {
    if ((b.subjects ?? []).some((s) => subjectMatches(s, user, undefined))) rules.push(...roleRules(state, b.roleRef, undefined));
  }
  if (namespace !== undefined) {
    for (const b of listObjects(state, 'rolebindings', namespace) as Binding[]) {
      if ((b.subjects ?? []).some((s) => subjectMatches(s, user, namespace))) rules.push(...roleRules(state, b.roleRef, namespace));
    }
  }
  return rules;
}

const has = (xs: string[] | undefined, x: string) => !!xs && (xs.includes(x) || xs.includes('*'));

function resourceMatches(rule: PolicyRule, resource: string, subresource: string | undefined): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  for (const r of rule.resources ?? []) {
    if (r === '*' || r === combined) return true;
    if (subresource && r === `*/${subresource}`) return true;
  }
  return false;
}

export function allowsResource(rule: PolicyRule, req: ResourceRequest): boolean {
  if (!has(rule.verbs, req.verb) || !has(rule.apiGroups, req.group) || !resourceMatches(rule, req.resource, req.subresource)) return false;
  return !rule.resourceNames?.length || (!!req.name && rule.resourceNames.includes(req.name));
}

export function allowsURL(rule: PolicyRule, verb: string, path: string): boolean {
  if (!has(rule.verbs, verb)) return false;
  return (rule.nonResourceURLs ?? []).some((u) => u === '*' || u === path || (u.endsWith('*') && path.startsWith(u.slice(0, -1))));
}

export function canDoResource(state: ClusterState, user: UserInfo, req: ResourceRequest): boolean {
  return rulesFor(state, user, req.namespace).some((r) => allowsResource(r, req));
}

export function canDoURL(state: ClusterState, user: UserInfo, verb: string, path: string): boolean {
  return rulesFor(state, user, undefined).some((r) => allowsURL(r, verb, path));
}

/** A SelfSubjectRulesReview's status: the user's rules in the namespace, split as the RBAC authorizer splits them. */
export interface RulesReviewStatus {
  resourceRules: { verbs: string[]; apiGroups?: string[]; resources?: string[]; resourceNames?: string[] }[];
  nonResourceRules: { verbs: string[]; nonResourceURLs?: string[] }[];
  incomplete: boolean;
}

export function rulesReview(state: ClusterState, user: UserInfo, namespace: string | undefined): RulesReviewStatus {
  const out: RulesReviewStatus = { resourceRules: [], nonResourceRules: [], incomplete: false };
  for (const r of rulesFor(state, user, namespace)) {
    // A rule with resources is a resource rule, one with URLs a non-resource rule (a rule with both is both).
    if (r.resources?.length) out.resourceRules.push({ verbs: r.verbs ?? [], apiGroups: r.apiGroups, resources: r.resources, resourceNames: r.resourceNames });
    if (r.nonResourceURLs?.length) out.nonResourceRules.push({ verbs: r.verbs ?? [], nonResourceURLs: r.nonResourceURLs });
  }
  return out;
}
