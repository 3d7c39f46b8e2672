// Deployments, ReplicaSets and ReplicationControllers: the API server's defaulting and validation for them, the
// replicaset/replication controllers (pods to match replicas) and the deployment controller (ReplicaSets per
// template, rolling updates, revisions, status and conditions), after kube-controller-manager's logic.
//
// There is no daemon: the controllers run on every change and read. A rolling update must move on with time
// yet look the same whenever someone looks, so each step happens at a time computed from the state (the last
// progress plus ROLLOUT_STEP_MS, or when the pods it waits for become available) and is replayed at that time.
import { InvalidError, type FieldError } from '../api/errors.js';
import { matchesLabelSelector, matchesMap } from '../api/labels.js';
import { resourceByName } from '../api/resources.js';
import type { Container, Deployment, KubeObject, LabelSelector, Pod, PodTemplateSpec, ReplicaSet, ReplicationController } from '../api/types.js';
import { annotationCauses, checkSubdomain, labelMapCauses, labelSelectorCauses, labelSelectorParses, metadataCauses, validatePodSpec } from '../api/validation.js';
import { getObject, listObjects, objectKey, putObject } from '../store/objects.js';
import type { Loaded } from '../store/object-store.js';
import type { ClusterState } from '../store/state.js';
import { fixedClock, rfc3339 } from '../util/clock.js';
import { createObject, deleteObject } from './apiserver.js';
import type { Ctx } from './context.js';
import { namespaceTerminating } from './namespaces.js';
import { recordEvent } from './events.js';
import { canonicalJSON, computeHash } from './hash.js';
import { runKubelet } from './kubelet.js';
import { defaultPullPolicy } from './pods.js';
import { runKubeletAdmission, runScheduler } from './scheduler.js';
import { compareKeys, podInformer, PodInformer, type Round } from './informer.js';
import { READY_UNTIMED, type OwnedCounts, type OwnedPod, type OwnedTable } from '../store/pod-summary.js';
import type { Strategy } from './strategies.js';

/** Simulated time between two steps of a rolling update: stands in for new containers starting up. */
export const ROLLOUT_STEP_MS = 1000;

export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
export const CHANGE_CAUSE = 'kubernetes.io/change-cause';
export const POD_TEMPLATE_HASH = 'pod-template-hash';
/** Deployment annotations the controller does not copy to its ReplicaSets (deployment/util annotationsToSkip). */
const SKIP_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration', REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, 'deprecated.deployment.rollback.to']);

export type DeploymentObj = Deployment & KubeObject;
export type ReplicaSetObj = ReplicaSet & KubeObject;
type RCObj = ReplicationController & KubeObject;
type PodObj = Pod & KubeObject;

// ---------------------------------------------------------------------------------------------------------
// Defaulting (SetDefaults_* as the API server applies them)

function defaultContainer(c: Container): void {
  c.imagePullPolicy ??= defaultPullPolicy(c.image ?? '');
  c.resources ??= {};
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) {
    if (!probe) continue;
    probe.timeoutSeconds ??= 1;
    probe.periodSeconds ??= 10;
    probe.successThreshold ??= 1;
    probe.failureThreshold ??= 3;
    if (probe.httpGet) probe.httpGet.scheme ??= 'HTTP';
  }
}

/** A pod template's defaults: what SetDefaults_PodSpec gives a template (admission plugins only touch pods). */
export function defaultPodTemplate(t: PodTemplateSpec | undefined): void {
  if (!t) return;
  const meta = (t.metadata ??= {}) as Record<string, unknown>;
  // The API returns the template's zero creationTimestamp as null.
  if (meta.creationTimestamp === undefined) meta.creationTimestamp = null;
  const spec = t.spec;
  if (!spec) return;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.restartPolicy ??= 'Always';
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= 30;
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  for (const c of spec.containers ?? []) defaultContainer(c);
}

export function defaultDeployment(d: DeploymentObj): void {
  const spec = (d.spec ??= {} as NonNullable<Deployment['spec']>);
  spec.replicas ??= 1;
  const strategy = (spec.strategy ??= {});
  strategy.type ??= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = (strategy.rollingUpdate ??= {});
    ru.maxUnavailable ??= '25%';
    ru.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  defaultPodTemplate(spec.template);
}

export function defaultReplicaSet(rs: ReplicaSetObj): void {
  const spec = (rs.spec ??= {} as NonNullable<ReplicaSet['spec']>);
  spec.replicas ??= 1;
  defaultPodTemplate(spec.template);
}

/** v1 ReplicationController: selector and labels default to the template's labels. */
export function defaultReplicationController(rc: RCObj): void {
  const spec = (rc.spec ??= {});
  spec.replicas ??= 1;
  const tplLabels = spec.template?.metadata?.labels;
  if (tplLabels && Object.keys(tplLabels).length) {
    if (!spec.selector || Object.keys(spec.selector).length === 0) spec.selector = { ...tplLabels };
    if (!rc.metadata.labels || Object.keys(rc.metadata.labels).length === 0) rc.metadata.labels = { ...tplLabels };
  }
  defaultPodTemplate(spec.template);
}

// ---------------------------------------------------------------------------------------------------------
// Validation (apps/validation and core/validation wording)

/** Go's %#v of a map[string]string, as field.Invalid prints template labels. */
export function goStringMap(m: Record<string, string> | undefined): string {
  if (!m) return 'map[string]string(nil)';
  const keys = Object.keys(m).sort();
  return `map[string]string{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(m[k])}`).join(', ')}}`;
}

export function goLabelSelector(sel: LabelSelector | undefined): string {
  const exprs = sel?.matchExpressions?.length
    ? `[]v1.LabelSelectorRequirement{${sel.matchExpressions
        .map((e) => `v1.LabelSelectorRequirement{Key:${JSON.stringify(e.key)}, Operator:${JSON.stringify(e.operator)}, Values:${e.values ? `[]string{${e.values.map((v) => JSON.stringify(v)).join(', ')}}` : '[]string(nil)'}}`)
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${goStringMap(sel?.matchLabels)}, MatchExpressions:${exprs}}`;
}

/** A cause whose value is already in Go's %#v form (field.Error prints non-scalar values that way). */
export function invalidRaw(field: string, goValue: string, detail: string): FieldError {
  return { type: 'Invalid value', field, detail: `${goValue}: ${detail}` };
}

export function validateTemplate(t: PodTemplateSpec | undefined, selects: ((l: Record<string, string> | undefined) => boolean) | undefined, causes: FieldError[]): void {
  if (!t) {
    causes.push({ type: 'Required value', field: 'spec.template' });
    return;
  }
  if (selects && !selects(t.metadata?.labels)) {
    causes.push(invalidRaw('spec.template.metadata.labels', goStringMap(t.metadata?.labels), '`selector` does not match template `labels`'));
  }
  // ValidateTemplateObjectMeta, then the pod spec.
  causes.push(...annotationCauses('spec.template.metadata.annotations', t.metadata?.annotations));
  causes.push(...labelMapCauses('spec.template.metadata.labels', t.metadata?.labels));
  causes.push(...validatePodSpec(t.spec, 'spec.template.spec'));
  const rp = t.spec?.restartPolicy;
  if (rp && rp !== 'Always') causes.push({ type: 'Unsupported value', field: 'spec.template.spec.restartPolicy', value: rp, detail: 'supported values: "Always"' });
}

export function validateReplicas(replicas: unknown, causes: FieldError[]): void {
  if (typeof replicas === 'number' && replicas < 0) causes.push({ type: 'Invalid value', field: 'spec.replicas', value: replicas, detail: 'must be greater than or equal to 0' });
}

export function selectorEmpty(sel: LabelSelector | undefined): boolean {
  return Object.keys(sel?.matchLabels ?? {}).length + (sel?.matchExpressions?.length ?? 0) === 0;
}

/** Go's %#v of an intstr.IntOrString (its String method has a pointer receiver, so field errors dump the struct). */
export function goIntOrString(v: unknown): string {
  return typeof v === 'string' ? `intstr.IntOrString{Type:1, IntVal:0, StrVal:${JSON.stringify(v)}}` : `intstr.IntOrString{Type:0, IntVal:${Number(v ?? 0)}, StrVal:""}`;
}

const PERCENT_MSG = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

/** apps ValidatePositiveIntOrPercent. */
export function intOrPercentCauses(v: unknown, field: string): FieldError[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return /^[0-9]+%$/.test(v) ? [] : [invalidRaw(field, goIntOrString(v), PERCENT_MSG)];
  if (typeof v === 'number' && v < 0) return [{ type: 'Invalid value', field, value: v, detail: 'must be greater than or equal to 0' }];
  return [];
}

/** apps ValidateDeploymentStrategy (after defaulting: RollingUpdate gets its rollingUpdate parameters). */
function strategyCauses(strategy: NonNullable<Deployment['spec']>['strategy'] | undefined): FieldError[] {
  const type = strategy?.type;
  const ru = strategy?.rollingUpdate;
  if (type === 'Recreate') return ru ? [{ type: 'Forbidden', field: 'spec.strategy.rollingUpdate', detail: 'may not be specified when strategy `type` is \'Recreate\'' }] : [];
  if (type === 'RollingUpdate') {
    if (!ru) return [];
    const out = [...intOrPercentCauses(ru.maxUnavailable, 'spec.strategy.rollingUpdate.maxUnavailable'), ...intOrPercentCauses(ru.maxSurge, 'spec.strategy.rollingUpdate.maxSurge')];
    if (isZero(ru.maxSurge) && isZero(ru.maxUnavailable)) {
      out.push({ type: 'Invalid value', field: 'spec.strategy.rollingUpdate.maxUnavailable', value: ru.maxUnavailable, detail: 'may not be 0 when `maxSurge` is 0' });
    }
    const pct = typeof ru.maxUnavailable === 'string' && /^[0-9]+%$/.test(ru.maxUnavailable) ? Number(ru.maxUnavailable.slice(0, -1)) : undefined;
    if (pct !== undefined && pct > 100) out.push(invalidRaw('spec.strategy.rollingUpdate.maxUnavailable', goIntOrString(ru.maxUnavailable), 'must not be greater than 100%'));
    return out;
  }
  // field.NotSupported(fldPath, strategy, ...): the whole strategy, printed with %#v as the internal type.
  const goRU = ru ? '(*apps.RollingUpdateDeployment)(0xc000a1e2d0)' : '(*apps.RollingUpdateDeployment)(nil)';
  return [
    {
      type: 'Unsupported value',
      field: 'spec.strategy',
      detail: `apps.DeploymentStrategy{Type:${JSON.stringify(String(type ?? ''))}, RollingUpdate:${goRU}}: supported values: "Recreate", "RollingUpdate"`,
    },
  ];
}

/** apps/v1 Deployment and ReplicaSet: selector required, valid, non-empty, matching the template, immutable. */
function validateAppsWorkload(obj: KubeObject, old: KubeObject | undefined): void {
  const spec = (obj.spec ?? {}) as { selector?: LabelSelector; template?: PodTemplateSpec; replicas?: number; strategy?: NonNullable<Deployment['spec']>['strategy'] };
  const causes: FieldError[] = nameCauses(obj);
  validateReplicas(spec.replicas, causes);
  const sel = spec.selector;
  if (!sel) causes.push({ type: 'Required value', field: 'spec.selector' });
  else {
    causes.push(...labelSelectorCauses('spec.selector', sel));
    if (selectorEmpty(sel)) causes.push(invalidRaw('spec.selector', goLabelSelector(sel), `empty selector is invalid for ${obj.kind === 'Deployment' ? 'deployment' : 'replicaset'}`));
  }
  if (sel && !labelSelectorParses(sel)) causes.push(invalidRaw('spec.selector', goLabelSelector(sel), 'invalid label selector'));
  else validateTemplate(spec.template, sel && !selectorEmpty(sel) ? (l) => matchesLabelSelector(sel, l) : () => false, causes);
  if (obj.kind === 'Deployment') causes.push(...strategyCauses(spec.strategy));
  if (old) {
    const oldSel = (old.spec as { selector?: LabelSelector } | undefined)?.selector;
    if (canonicalJSON(oldSel ?? null) !== canonicalJSON(spec.selector ?? null)) causes.push(invalidRaw('spec.selector', goLabelSelector(spec.selector), 'field is immutable'));
  }
  if (causes.length) throw new InvalidError(obj.kind, obj.metadata.name, causes);
}

export function nameCauses(obj: KubeObject): FieldError[] {
  const name = obj.metadata?.name ?? '';
  const causes: FieldError[] = name ? checkSubdomain('metadata.name', name) : [{ type: 'Required value', field: 'metadata.name', detail: 'name or generateName is required' }];
  return [...causes, ...metadataCauses(obj.metadata)];
}

export function isZero(v: unknown): boolean {
  return v === 0 || v === '0' || v === '0%';
}

function validateRC(obj: KubeObject): void {
  const spec = (obj.spec ?? {}) as NonNullable<ReplicationController['spec']>;
  const causes: FieldError[] = nameCauses(obj);
  validateReplicas(spec.replicas, causes);
  const sel = spec.selector;
  if (!sel || Object.keys(sel).length === 0) causes.push({ type: 'Required value', field: 'spec.selector' });
  validateTemplate(spec.template, sel && Object.keys(sel).length ? (l) => matchesMap(sel, l) : undefined, causes);
  if (causes.length) throw new InvalidError(obj.kind, obj.metadata.name, causes);
}

export const deploymentStrategy: Strategy = {
  hasGeneration: true,
  // createObject validates before it defaults; the API server decodes with defaults first, so default here.
  validate(obj, _state, old) {
    defaultDeployment(obj as DeploymentObj);
    validateAppsWorkload(obj, old);
  },
  prepareForCreate(obj) {
    obj.status = {};
  },
  prepareForUpdate(obj) {
    defaultDeployment(obj as DeploymentObj);
  },
};

export const replicaSetStrategy: Strategy = {
  hasGeneration: true,
  validate(obj, _state, old) {
    defaultReplicaSet(obj as ReplicaSetObj);
    validateAppsWorkload(obj, old);
  },
  prepareForCreate(obj) {
    obj.status = { replicas: 0 };
  },
  prepareForUpdate(obj) {
    defaultReplicaSet(obj as ReplicaSetObj);
  },
};

export const replicationControllerStrategy: Strategy = {
  hasGeneration: true,
  validate(obj) {
    defaultReplicationController(obj as RCObj);
    validateRC(obj);
  },
  prepareForCreate(obj) {
    obj.status = { replicas: 0 };
  },
  prepareForUpdate(obj) {
    defaultReplicationController(obj as RCObj);
  },
};

// ---------------------------------------------------------------------------------------------------------
// Helpers shared by the controllers

type OwnerRef = NonNullable<KubeObject['metadata']['ownerReferences']>[number];

export function controllerRef(o: KubeObject): OwnerRef | undefined {
  return o.metadata.ownerReferences?.find((r) => r.controller);
}

export function ownerRefTo(owner: KubeObject): OwnerRef {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

export function podReady(p: PodObj): boolean {
  return p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export function readySince(p: PodObj): number | undefined {
  const c = p.status?.conditions?.find((x) => x.type === 'Ready' && x.status === 'True');
  return c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : undefined;
}

/** podutil.IsPodAvailable: ready for at least minReadySeconds. */
function podAvailable(p: PodObj, minReadySeconds: number, nowMs: number): boolean {
  if (!podReady(p)) return false;
  if (minReadySeconds <= 0) return true;
  const since = readySince(p);
  return since !== undefined && since + minReadySeconds * 1000 <= nowMs;
}

export function isActive(p: PodObj): boolean {
  return !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed';
}

export function withoutUndefined<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

export function changed(a: unknown, b: unknown): boolean {
  return canonicalJSON(a ?? null) !== canonicalJSON(b ?? null);
}

// ---------------------------------------------------------------------------------------------------------
// ReplicaSet and ReplicationController controllers

interface ReplicaOwner {
  obj: KubeObject;
  resource: 'replicasets' | 'replicationcontrollers';
  replicas: number;
  minReadySeconds: number;
  template: PodTemplateSpec | undefined;
  selects(labels: Record<string, string> | undefined): boolean;
  component: string;
}

function replicaOwner(obj: KubeObject, resource: ReplicaOwner['resource']): ReplicaOwner {
  if (resource === 'replicasets') {
    const rs = obj as ReplicaSetObj;
    const sel = rs.spec?.selector;
    return {
      obj,
      resource,
      replicas: rs.spec?.replicas ?? 1,
      minReadySeconds: rs.spec?.minReadySeconds ?? 0,
      template: rs.spec?.template,
      selects: (l) => !!sel && !selectorEmpty(sel) && matchesLabelSelector(sel, l),
      component: 'replicaset-controller',
    };
  }
  const rc = obj as RCObj;
  return {
    obj,
    resource,
    replicas: rc.spec?.replicas ?? 1,
    minReadySeconds: rc.spec?.minReadySeconds ?? 0,
    template: rc.spec?.template,
    selects: (l) => matchesMap(rc.spec?.selector, l),
    component: 'replication-controller',
  };
}

/** The pods an owner controls, adopting matching orphans and releasing pods whose labels no longer match. */
function claimPods(state: ClusterState, owner: ReplicaOwner, pods: PodInformer): PodObj[] {
  const uid = owner.obj.metadata.uid;
  const out: PodObj[] = [];
  // The pods this owner controls and the namespace's orphans, in etcd order: the ones claimPods can act on.
  const ns = owner.obj.metadata.namespace ?? '';
  const candidates = mergeSorted(pods.ownedBy(uid ?? ''), pods.orphansIn(ns));
  for (const listed of candidates) {
    const ref = controllerRef(listed);
    const matches = owner.selects(listed.metadata.labels);
    if (ref) {
      if (ref.uid !== uid) continue;
      if (matches) out.push(listed);
      else {
        const p = pods.object(`${listed.metadata.namespace}/${listed.metadata.name}`)!;
        p.metadata.ownerReferences = p.metadata.ownerReferences!.filter((r) => r.uid !== uid);
        if (p.metadata.ownerReferences.length === 0) delete p.metadata.ownerReferences;
        putObject(state, 'pods', p);
      }
      continue;
    }
    if (matches && isActive(listed) && !owner.obj.metadata.deletionTimestamp) {
      const p = pods.object(`${listed.metadata.namespace}/${listed.metadata.name}`)!;
      (p.metadata.ownerReferences ??= []).push(ownerRefTo(owner.obj));
      putObject(state, 'pods', p);
      out.push(p);
    }
  }
  return out;
}

/** Two lists of pods already in etcd order, merged in that order. */
function mergeSorted(a: PodObj[], b: PodObj[]): PodObj[] {
  if (!b.length) return a;
  if (!a.length) return b;
  const key = (p: PodObj) => `${p.metadata.namespace}/${p.metadata.name}`;
  const out: PodObj[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(compareKeys(key(a[i]), key(b[j])) <= 0 ? a[i++] : b[j++]);
  while (i < a.length) out.push(a[i++]);
  while (j < b.length) out.push(b[j++]);
  return out;
}

/** What the scale-down rank reads of a pod. */
interface Rankable {
  name: string;
  node: string | undefined;
  phase: string | undefined;
  ready: boolean;
  /** When it became ready (ms), if it is: asked only by the rank and by minReadySeconds, so parsed then. */
  readySince: () => number | undefined;
  restarts: number;
  created: string | undefined;
}

function rankableOf(p: PodObj): Rankable {
  return {
    name: p.metadata.name,
    node: p.spec?.nodeName || undefined,
    phase: p.status?.phase,
    ready: podReady(p),
    readySince: () => readySince(p),
    restarts: Math.max(0, ...(p.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0)),
    created: p.metadata.creationTimestamp,
  };
}

/**
 * The order in which the replicaset controller deletes pods on scale-down (controller.ActivePodsWithRanks with
 * LogarithmicScaleDown): unscheduled, pending, not ready, on crowded nodes (perNode: the active pods of the
 * owner and its siblings per node), ready for less time, more restarts, newer. Items first in the returned list
 * go first; with a small limit, the items are visited once and only the best few kept (items may be a visitor:
 * 10,000 summary rows are parsed one at a time, never held together).
 */
function rankForDeletion<T>(items: T[] | ((visit: (t: T) => void) => void), facts: (t: T) => Rankable, perNode: ReadonlyMap<string, number>, nowMs: number, limit = Infinity): T[] {
  const phaseRank = (p: string | undefined) => ({ Pending: 0, Unknown: 1, Running: 2 } as Record<string, number>)[p ?? 'Pending'] ?? 0;
  // A ReplicaSet's pods share a few timestamps: each is parsed once.
  const parsedTimes = new Map<string, number>();
  const parse = (t: string) => {
    let ms = parsedTimes.get(t);
    if (ms === undefined) parsedTimes.set(t, (ms = Date.parse(t)));
    return ms;
  };
  const logBucket = (ms: number | undefined) => (ms === undefined || Number.isNaN(ms) ? -1 : Math.floor(Math.log2(Math.max(1, (nowMs - ms) / 1000 + 1))));
  // Each item's rank, computed once: [assigned, phase, ready, -crowding, ready bucket, -restarts, age bucket].
  const keyOf = (item: T) => {
    const f = facts(item);
    const k = [f.node ? 1 : 0, phaseRank(f.phase), f.ready ? 1 : 0, -(perNode.get(f.node ?? '') ?? 0), f.ready ? logBucket(f.readySince()) : 0, -f.restarts, logBucket(parse(f.created ?? ''))];
    return { item, k, created: f.created ?? '', name: f.name };
  };
  type K = ReturnType<typeof keyOf>;
  const cmp = (a: K, b: K): number => {
    for (let i = 0; i < a.k.length; i++) if (a.k[i] !== b.k[i]) return a.k[i] - b.k[i];
    // Ties: the newer pod first, then by name, so the choice is reproducible.
    if (a.created !== b.created) return a.created > b.created ? -1 : 1;
    return a.name < b.name ? 1 : a.name > b.name ? -1 : 0;
  };
  const each = Array.isArray(items) ? (visit: (t: T) => void) => items.forEach((t) => visit(t)) : items;
  if (limit >= 16) {
    const keyed: K[] = [];
    each((t) => keyed.push(keyOf(t)));
    return keyed.sort(cmp).slice(0, limit).map((x) => x.item);
  }
  // A few victims: the best `limit` kept in order as the items go by (10,000 pods are not kept or sorted).
  const best: K[] = [];
  each((t) => {
    const x = keyOf(t);
    if (best.length === limit && cmp(x, best[limit - 1]) >= 0) return;
    let i = best.length;
    while (i > 0 && cmp(x, best[i - 1]) < 0) i--;
    best.splice(i, 0, x);
    if (best.length > limit) best.pop();
  });
  return best.map((x) => x.item);
}

/** The active pods per node among `related` (the crowded-node rank). */
function activePerNode(related: PodObj[]): Map<string, number> {
  const perNode = new Map<string, number>();
  for (const p of related) {
    const n = p.spec?.nodeName;
    if (n && isActive(p)) perNode.set(n, (perNode.get(n) ?? 0) + 1);
  }
  return perNode;
}

export function rankPodsForDeletion(pods: PodObj[], related: PodObj[], nowMs: number, limit?: number): PodObj[] {
  return rankForDeletion(pods, rankableOf, activePerNode(related), nowMs, limit);
}

function podFromTemplate(owner: ReplicaOwner): KubeObject {
  const t = owner.template ?? {};
  const labels = { ...(t.metadata?.labels ?? {}) };
  const annotations = t.metadata?.annotations ? { ...t.metadata.annotations } : undefined;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: withoutUndefined({
      name: '',
      generateName: `${owner.obj.metadata.name}-`,
      namespace: owner.obj.metadata.namespace,
      labels,
      annotations,
      ownerReferences: [ownerRefTo(owner.obj)],
    }),
    spec: structuredClone(t.spec ?? { containers: [] }),
  };
}

/** Pods of the owner's siblings (ReplicaSets of the same Deployment), for the crowded-node rank. */
function relatedPods(state: ClusterState, owner: ReplicaOwner, own: PodObj[], podsOf: (uid: string) => PodObj[]): PodObj[] {
  const parent = controllerRef(owner.obj);
  if (!parent) return own;
  const siblings = new Set(
    listObjects(state, owner.resource, owner.obj.metadata.namespace)
      .filter((o) => controllerRef(o)?.uid === parent.uid)
      .map((o) => o.metadata.uid),
  );
  return [...siblings].flatMap((uid) => podsOf(uid ?? '')).sort((a, b) => compareKeys(`${a.metadata.namespace}/${a.metadata.name}`, `${b.metadata.namespace}/${b.metadata.name}`));
}

const MAX_CREATES_PER_RECONCILE = 10_000;
const CREATED = new WeakMap<Round, Map<string, { count: number }>>();

function createdThisReconcile(r: Round, uid: string): { count: number } {
  let m = CREATED.get(r);
  if (!m) CREATED.set(r, (m = new Map()));
  let c = m.get(uid);
  if (!c) m.set(uid, (c = { count: 0 }));
  return c;
}

/**
 * A replica as the ReplicaSet controller counts and ranks it: a pod it read (the full path) or a row of the pod
 * summary's table for the owner (the lazy path, which reads no pod).
 */
interface Replica {
  key: string;
  facts: Rankable;
  /** Its labels carry the template's (fullyLabeledReplicas). */
  fullyLabeled: boolean;
}

function replicaOf(p: PodObj, tplLabels: [string, string][]): Replica {
  return { key: `${p.metadata.namespace}/${p.metadata.name}`, facts: rankableOf(p), fullyLabeled: tplLabels.every(([k, v]) => p.metadata.labels?.[k] === v) };
}

/** A row's readySince as a time (undefined: not ready, or ready without a transition time). */
function sinceMs(readySince: string): number | undefined {
  return !readySince || readySince === READY_UNTIMED ? undefined : Date.parse(readySince);
}

function replicaFromSummary(key: string, o: OwnedPod, fullyLabeled: boolean): Replica {
  const since = () => sinceMs(o.readySince);
  return {
    key,
    facts: { name: key.slice(key.indexOf('/') + 1), node: o.node || undefined, phase: o.phase || undefined, ready: !!o.readySince, readySince: since, restarts: o.restarts, created: o.created || undefined },
    fullyLabeled,
  };
}

/** Each label set's verdict, parsed once: a ReplicaSet's thousands of pods share a few. */
function labelVerdicts(test: (labels: Record<string, string>) => boolean): (labels: string) => boolean {
  const verdict = new Map<string, boolean>();
  return (labels) => {
    let v = verdict.get(labels);
    if (v === undefined) verdict.set(labels, (v = test(JSON.parse(labels) as Record<string, string>)));
    return v;
  };
}

/**
 * The owner's rows in the pod summary, when claimPods would change nothing: no pod it controls has labels its
 * selector no longer matches (to release) and no orphan in its namespace matches (to adopt). Undefined when the
 * informer is not lazy or a claim is due: then the pods themselves are read.
 */
function claimedFromSummary(owner: ReplicaOwner, pods: PodInformer): OwnedTable | undefined {
  const table = pods.ownedSummary(owner.obj.metadata.uid ?? '');
  const orphans = pods.orphanLabelSets(owner.obj.metadata.namespace ?? '');
  const counts = table?.counts();
  if (!table || !orphans || !counts) return undefined;
  const selects = labelVerdicts((l) => owner.selects(l));
  for (const labels of counts.labels.keys()) if (!selects(labels)) return undefined;
  for (const labels of orphans) if (selects(labels)) return undefined;
  return table;
}

/** The owner's active replicas among its rows, visited one at a time for the scale-down rank. */
function replicasFromSummary(table: OwnedTable, tplLabels: [string, string][]): { each: (visit: (r: Replica) => void) => void; damaged: () => boolean } {
  const labeled = labelVerdicts((l) => tplLabels.every(([k, v]) => l[k] === v));
  let ok = true;
  return {
    each: (visit) => {
      ok = table.rows((key, o) => o.active && visit(replicaFromSummary(key, o, labeled(o.labels))));
    },
    damaged: () => !ok,
  };
}

/** Active pods per node of the owner and its siblings (the ReplicaSets of its Deployment), from the summary. */
function activePerNodeFromSummary(state: ClusterState, owner: ReplicaOwner, own: OwnedCounts, pods: PodInformer): Map<string, number> {
  const perNode = new Map<string, number>();
  const count = (counts: OwnedCounts | undefined) => {
    for (const [node, n] of counts?.activeNodes ?? []) if (node) perNode.set(node, (perNode.get(node) ?? 0) + n);
  };
  count(own);
  const parent = controllerRef(owner.obj);
  if (!parent) return perNode;
  for (const o of listObjects(state, owner.resource, owner.obj.metadata.namespace)) {
    if (controllerRef(o)?.uid !== parent.uid || o.metadata.uid === owner.obj.metadata.uid) continue;
    count(pods.ownedSummary(o.metadata.uid ?? '')?.counts());
  }
  return perNode;
}

function syncReplicaOwner(state: ClusterState, ctx: Ctx, owner: ReplicaOwner, r: Round): void {
  if (owner.obj.metadata.deletionTimestamp) return;
  const ns = owner.obj.metadata.namespace!;
  const uid = owner.obj.metadata.uid ?? '';
  r.pods.sync();
  const tplLabels = Object.entries(owner.template?.metadata?.labels ?? {});
  // The lazy path counts the summary's rows and makes no replica until a scale-down ranks them.
  const summarized = claimedFromSummary(owner, r.pods);
  const claimed = summarized ? undefined : claimPods(state, owner, r.pods).filter(isActive);
  let replicas = claimed?.map((p) => replicaOf(p, tplLabels));
  const active = replicas ? replicas.length : summarized!.counts()!.active;
  const diff = active - owner.replicas;
  if (diff < 0) {
    // The real controller creates at most 500 pods per sync (burstReplicas) and syncs again and again; one
    // reconcile here makes at most MAX_CREATES_PER_RECONCILE per owner, so an absurd replicas count grows
    // command by command instead of exhausting memory.
    const made = createdThisReconcile(r, uid);
    const n = namespaceTerminating(state, ns) ? 0 : Math.min(-diff, MAX_CREATES_PER_RECONCILE - made.count);
    made.count += Math.max(0, n);
    for (let i = 0; i < n; i++) {
      const pod = createObject(state, ctx, podFromTemplate(owner), { namespace: ns, reconcile: false }) as PodObj;
      recordEvent(state, ctx, owner.obj, { reason: 'SuccessfulCreate', message: `Created pod: ${pod.metadata.name}`, component: owner.component });
      replicas?.push(replicaOf(pod, tplLabels));
    }
  } else if (diff > 0) {
    const nowMs = ctx.clock.now().getTime();
    const perNode = summarized ? activePerNodeFromSummary(state, owner, summarized.counts()!, r.pods) : activePerNode(relatedPods(state, owner, claimed!, (u) => r.pods.ownedBy(u)));
    const rows = replicas ? undefined : replicasFromSummary(summarized!, tplLabels);
    const victims = rankForDeletion(replicas ?? rows!.each, (x) => x.facts, perNode, nowMs, diff);
    // A row found damaged: nothing is deleted yet, and without the summary the pods themselves are ranked.
    if (rows?.damaged()) return syncReplicaOwner(state, ctx, owner, r);
    for (const v of victims) {
      deleteObject(state, ctx, resourceByName('pods'), ns, v.facts.name, { reconcile: false });
      recordEvent(state, ctx, owner.obj, { reason: 'SuccessfulDelete', message: `Deleted pod: ${v.facts.name}`, component: owner.component });
    }
    const gone = new Set(victims);
    replicas = replicas?.filter((x) => !gone.has(x));
  }
  // The summary path counts its rows again: the informer has taken in the pods made or deleted just now.
  // (A row found damaged on the way: the pods are read, as the full path would.)
  const counts =
    (replicas ? replicaCounts(owner, replicas, ctx) : summaryCounts(owner, r.pods.ownedSummary(uid)?.counts(), tplLabels, ctx)) ??
    replicaCounts(owner, claimPods(state, owner, r.pods).filter(isActive).map((p) => replicaOf(p, tplLabels)), ctx);
  updateReplicaStatus(state, owner, counts);
}

/** The status counts of a ReplicaSet: replicas, fullyLabeledReplicas, readyReplicas, availableReplicas. */
interface ReplicaCounts {
  replicas: number;
  fullyLabeled: number;
  ready: number;
  available: number;
}

/** podutil.IsPodAvailable: ready for at least minReadySeconds (since: when it became ready, if known). */
function isAvailable(owner: ReplicaOwner, since: () => number | undefined, nowMs: number): boolean {
  if (owner.minReadySeconds <= 0) return true;
  const t = since();
  return t !== undefined && t + owner.minReadySeconds * 1000 <= nowMs;
}

function replicaCounts(owner: ReplicaOwner, replicas: Replica[], ctx: Ctx): ReplicaCounts {
  const nowMs = ctx.clock.now().getTime();
  const c: ReplicaCounts = { replicas: replicas.length, fullyLabeled: 0, ready: 0, available: 0 };
  for (const x of replicas) {
    if (x.fullyLabeled) c.fullyLabeled++;
    if (!x.facts.ready) continue;
    c.ready++;
    if (isAvailable(owner, x.facts.readySince, nowMs)) c.available++;
  }
  return c;
}

function summaryCounts(owner: ReplicaOwner, counts: OwnedCounts | undefined, tplLabels: [string, string][], ctx: Ctx): ReplicaCounts | undefined {
  if (!counts) return undefined;
  const nowMs = ctx.clock.now().getTime();
  const labeled = labelVerdicts((l) => tplLabels.every(([k, v]) => l[k] === v));
  const c: ReplicaCounts = { replicas: counts.active, fullyLabeled: 0, ready: 0, available: 0 };
  for (const [labels, n] of counts.activeLabels) if (labeled(labels)) c.fullyLabeled += n;
  for (const [since, n] of counts.activeReady) {
    c.ready += n;
    if (isAvailable(owner, () => sinceMs(since), nowMs)) c.available += n;
  }
  return c;
}

function updateReplicaStatus(state: ClusterState, owner: ReplicaOwner, c: ReplicaCounts): void {
  const old = (owner.obj.status ?? {}) as Record<string, unknown>;
  // Zero counts are omitted (omitempty), but for replicas.
  const status: Record<string, unknown> = withoutUndefined({
    availableReplicas: c.available || undefined,
    conditions: old.conditions,
    fullyLabeledReplicas: c.fullyLabeled || undefined,
    observedGeneration: owner.obj.metadata.generation,
    readyReplicas: c.ready || undefined,
    replicas: c.replicas,
  });
  if (changed(status, old)) {
    owner.obj.status = status;
    putObject(state, owner.resource, owner.obj);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Deployment controller

/** intstr.GetScaledValueFromIntOrPercent: "25%" of total, rounded up (surge) or down (unavailable). */
export function scaledValue(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) return Number(v) || 0;
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

/** deploymentutil.ResolveFenceposts: maxSurge and maxUnavailable (never both 0). */
export function resolveFenceposts(d: DeploymentObj): { maxSurge: number; maxUnavailable: number } {
  const replicas = d.spec?.replicas ?? 1;
  const ru = d.spec?.strategy?.rollingUpdate;
  if (d.spec?.strategy?.type === 'Recreate') return { maxSurge: 0, maxUnavailable: replicas };
  const maxSurge = scaledValue(ru?.maxSurge ?? '25%', replicas, true);
  let maxUnavailable = scaledValue(ru?.maxUnavailable ?? '25%', replicas, false);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

function revisionOf(o: KubeObject): number {
  const v = Number(o.metadata.annotations?.[REVISION] ?? 0);
  return Number.isFinite(v) ? v : 0;
}

/** The template without the pod-template-hash label: how the controller decides which ReplicaSet is "new". */
function templateKey(t: PodTemplateSpec | undefined): string {
  const c = structuredClone(t ?? {}) as PodTemplateSpec;
  if (c.metadata?.labels) {
    delete c.metadata.labels[POD_TEMPLATE_HASH];
  }
  return canonicalJSON(c);
}

interface DeploymentView {
  d: DeploymentObj;
  all: ReplicaSetObj[];
  newRS: ReplicaSetObj | undefined;
  old: ReplicaSetObj[];
}

function replicasOf(rs: ReplicaSetObj): number {
  return rs.spec?.replicas ?? 0;
}

/** The deployment's ReplicaSets (adopting matching orphans), split into the one matching its template and the rest. */
function viewOf(state: ClusterState, d: DeploymentObj, adopt: boolean): DeploymentView {
  const uid = d.metadata.uid;
  const sel = d.spec?.selector;
  const all: ReplicaSetObj[] = [];
  for (const rs of listObjects<ReplicaSet>(state, 'replicasets', d.metadata.namespace)) {
    const ref = controllerRef(rs);
    if (ref) {
      if (ref.uid === uid) all.push(rs);
      continue;
    }
    if (adopt && sel && !selectorEmpty(sel) && matchesLabelSelector(sel, rs.metadata.labels) && !d.metadata.deletionTimestamp) {
      (rs.metadata.ownerReferences ??= []).push(ownerRefTo(d));
      putObject(state, 'replicasets', rs);
      all.push(rs);
    }
  }
  const key = templateKey(d.spec?.template);
  // The oldest matching one wins, as FindNewReplicaSet sorts by creation time.
  const byAge = [...all].sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || a.metadata.name.localeCompare(b.metadata.name));
  const newRS = byAge.find((rs) => templateKey(rs.spec?.template) === key);
  return { d, all: byAge, newRS, old: byAge.filter((rs) => rs !== newRS) };
}

/** A rolling update is under way: the new ReplicaSet exists and older ones still have replicas. */
function rolling(v: DeploymentView): boolean {
  return !!v.newRS && v.old.some((rs) => replicasOf(rs) > 0) && v.d.spec?.strategy?.type !== 'Recreate';
}

function progressingCondition(d: DeploymentObj) {
  return d.status?.conditions?.find((c) => c.type === 'Progressing');
}

/** When the last step of the rollout to the current new ReplicaSet happened (undefined: none yet). */
function lastStepTime(v: DeploymentView): number | undefined {
  const cond = progressingCondition(v.d);
  if (!cond || !v.newRS || !cond.message?.includes(`"${v.newRS.metadata.name}"`)) return undefined;
  if (!['NewReplicaSetCreated', 'FoundNewReplicaSet', 'ReplicaSetUpdated'].includes(cond.reason ?? '')) return undefined;
  return cond.lastUpdateTime ? Date.parse(cond.lastUpdateTime) : undefined;
}

type Plan = Map<ReplicaSetObj, number>;

/**
 * One sync's scaling decision of the rolling-update strategy (rolling.go): scale the new ReplicaSet up within
 * maxSurge, else scale old ones down within maxUnavailable. `available` gives each ReplicaSet's available pods.
 */
export function planRolling(d: DeploymentObj, newRS: ReplicaSetObj, old: ReplicaSetObj[], available: (rs: ReplicaSetObj) => number): Plan {
  const plan: Plan = new Map();
  const replicas = d.spec?.replicas ?? 1;
  const { maxSurge, maxUnavailable } = resolveFenceposts(d);
  const all = [newRS, ...old];
  const current = all.reduce((s, rs) => s + replicasOf(rs), 0);
  // reconcileNewReplicaSet
  if (replicasOf(newRS) > replicas) {
    plan.set(newRS, replicas);
    return plan;
  }
  if (replicasOf(newRS) < replicas) {
    const maxTotal = replicas + maxSurge;
    if (current < maxTotal) {
      const up = Math.min(maxTotal - current, replicas - replicasOf(newRS));
      if (up > 0) {
        plan.set(newRS, replicasOf(newRS) + up);
        return plan;
      }
    }
  }
  // reconcileOldReplicaSets
  const oldCount = old.reduce((s, rs) => s + replicasOf(rs), 0);
  if (oldCount === 0) return plan;
  const minAvailable = replicas - maxUnavailable;
  const newUnavailable = replicasOf(newRS) - available(newRS);
  let maxScaledDown = current - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return plan;
  // cleanupUnhealthyReplicas: old pods that are not available go first.
  for (const rs of old) {
    if (maxScaledDown <= 0) break;
    const r = replicasOf(rs);
    const unhealthy = r - available(rs);
    if (r === 0 || unhealthy <= 0) continue;
    const down = Math.min(maxScaledDown, unhealthy);
    plan.set(rs, r - down);
    maxScaledDown -= down;
  }
  // scaleDownOldReplicaSetsForRollingUpdate
  const availableNow = all.reduce((s, rs) => s + Math.min(available(rs), plan.get(rs) ?? replicasOf(rs)), 0);
  if (availableNow > minAvailable) {
    let remaining = availableNow - minAvailable;
    for (const rs of old) {
      if (remaining <= 0) break;
      const r = plan.get(rs) ?? replicasOf(rs);
      if (r === 0) continue;
      const down = Math.min(r, remaining);
      plan.set(rs, r - down);
      remaining -= down;
    }
  }
  for (const [rs, n] of plan) if (n === replicasOf(rs)) plan.delete(rs);
  return plan;
}

function rsAvailable(rs: ReplicaSetObj): number {
  return rs.status?.availableReplicas ?? 0;
}

function setReplicaAnnotations(rs: ReplicaSetObj, d: DeploymentObj): boolean {
  const replicas = d.spec?.replicas ?? 1;
  const desired = String(replicas);
  const max = String(replicas + resolveFenceposts(d).maxSurge);
  const a = (rs.metadata.annotations ??= {});
  if (a[DESIRED_REPLICAS] === desired && a[MAX_REPLICAS] === max) return false;
  a[DESIRED_REPLICAS] = desired;
  a[MAX_REPLICAS] = max;
  return true;
}

function scaleRS(state: ClusterState, ctx: Ctx, d: DeploymentObj, rs: ReplicaSetObj, to: number): void {
  const from = replicasOf(rs);
  const annotationsChanged = setReplicaAnnotations(rs, d);
  if (from === to && !annotationsChanged) return;
  rs.spec!.replicas = to;
  if (from !== to) rs.metadata.generation = (rs.metadata.generation ?? 1) + 1;
  putObject(state, 'replicasets', rs);
  if (from !== to) {
    recordEvent(state, ctx, d, { reason: 'ScalingReplicaSet', message: `Scaled ${from < to ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${to}`, component: 'deployment-controller' });
  }
}

/** Copies the deployment's annotations onto its new ReplicaSet and keeps its revision the highest. */
function setNewRSAnnotations(d: DeploymentObj, rs: ReplicaSetObj, newRevision: number): boolean {
  const a = (rs.metadata.annotations ??= {});
  let touched = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (SKIP_ANNOTATIONS.has(k) || a[k] === v) continue;
    a[k] = v;
    touched = true;
  }
  const had = a[REVISION];
  const oldRevision = Number(had ?? 0);
  if (oldRevision < newRevision) {
    a[REVISION] = String(newRevision);
    touched = true;
    if (had !== undefined) a[REVISION_HISTORY] = a[REVISION_HISTORY] ? `${a[REVISION_HISTORY]},${had}` : had;
  }
  return touched;
}

type Condition = NonNullable<NonNullable<Deployment['status']>['conditions']>[number];

/** deploymentutil.SetDeploymentCondition: same status and reason leaves it be; otherwise it moves to the end. */
function setCondition(conds: Condition[], c: Condition): Condition[] {
  const cur = conds.find((x) => x.type === c.type);
  if (cur && cur.status === c.status && cur.reason === c.reason) return conds;
  if (cur && cur.status === c.status) c.lastTransitionTime = cur.lastTransitionTime;
  return [...conds.filter((x) => x.type !== c.type), c];
}

function condition(type: string, status: string, reason: string, message: string, now: string): Condition {
  return { lastTransitionTime: now, lastUpdateTime: now, message, reason, status, type };
}

function newReplicaSetFor(state: ClusterState, ctx: Ctx, v: DeploymentView, revision: number, replicas: number): ReplicaSetObj {
  const d = v.d;
  const status = (d.status ??= {});
  for (let attempt = 0; attempt < 10; attempt++) {
    const hash = computeHash(d.spec!.template, status.collisionCount);
    const name = `${d.metadata.name}-${hash}`;
    const existing = getObject<ReplicaSet>(state, 'replicasets', d.metadata.namespace, name);
    if (existing) {
      // A hash collision: same name, another template. The collision count changes the hash.
      status.collisionCount = (status.collisionCount ?? 0) + 1;
      continue;
    }
    const template = structuredClone(d.spec!.template) as PodTemplateSpec;
    const labels = { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash };
    (template.metadata ??= {}).labels = labels;
    const selector = structuredClone(d.spec!.selector) as LabelSelector;
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash };
    const rs: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name, namespace: d.metadata.namespace, labels: { ...labels }, annotations: {}, ownerReferences: [ownerRefTo(d)] },
      spec: withoutUndefined({ replicas, minReadySeconds: d.spec?.minReadySeconds || undefined, selector, template }),
    };
    setNewRSAnnotations(d, rs as ReplicaSetObj, revision);
    setReplicaAnnotations(rs as ReplicaSetObj, d);
    const made = createObject(state, ctx, rs, { namespace: d.metadata.namespace!, reconcile: false }) as ReplicaSetObj;
    if (replicas > 0) recordEvent(state, ctx, d, { reason: 'ScalingReplicaSet', message: `Scaled up replica set ${name} from 0 to ${replicas}`, component: 'deployment-controller' });
    return made;
  }
  throw new Error(`replica set name collision for deployment ${d.metadata.name}`);
}

/** NewRSNewReplicas for a ReplicaSet about to be created: all replicas, or what maxSurge leaves room for. */
function initialReplicas(d: DeploymentObj, old: ReplicaSetObj[]): number {
  const replicas = d.spec?.replicas ?? 1;
  const current = old.reduce((s, rs) => s + replicasOf(rs), 0);
  if (d.spec?.strategy?.type === 'Recreate') return current > 0 ? 0 : replicas;
  if (current === 0) return replicas;
  return Math.max(0, Math.min(replicas + resolveFenceposts(d).maxSurge - current, replicas));
}

function deploymentComplete(d: DeploymentObj, s: NonNullable<Deployment['status']>): boolean {
  const replicas = d.spec?.replicas ?? 1;
  return (s.updatedReplicas ?? 0) === replicas && (s.replicas ?? 0) === replicas && (s.availableReplicas ?? 0) === replicas && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 1);
}

/** One pass of the deployment controller over one Deployment. */
function syncDeployment(state: ClusterState, ctx: Ctx, d: DeploymentObj): void {
  if (d.metadata.deletionTimestamp) return;
  const nowMs = ctx.clock.now().getTime();
  const now = rfc3339(ctx.clock.now());
  let v = viewOf(state, d, true);
  // Its new ReplicaSet could not be created in a terminating namespace.
  if (!v.newRS && namespaceTerminating(state, d.metadata.namespace)) return;
  const replicas = d.spec?.replicas ?? 1;
  const paused = !!d.spec?.paused;
  let conds: Condition[] = [...(d.status?.conditions ?? [])];
  let stepped = false;
  const maxOldRevision = Math.max(0, ...v.old.map(revisionOf));

  if (!paused) {
    // getNewReplicaSet: create it, or bring its annotations (revision, copied annotations) up to date.
    if (!v.newRS) {
      const created = newReplicaSetFor(state, ctx, v, maxOldRevision + 1, initialReplicas(d, v.old));
      v = viewOf(state, d, false);
      conds = setCondition(conds, condition('Progressing', 'True', 'NewReplicaSetCreated', `Created new replica set "${created.metadata.name}"`, now));
      stepped = true;
    } else if (setNewRSAnnotations(d, v.newRS, maxOldRevision + 1)) {
      putObject(state, 'replicasets', v.newRS);
    }
  }
  const newRS = v.newRS;

  // Scaling: a plain scale (no rollout) is immediate; rolling steps wait ROLLOUT_STEP_MS after the last one.
  if (newRS && !paused) {
    if (d.spec?.strategy?.type === 'Recreate') {
      const oldLeft = v.old.some((rs) => replicasOf(rs) > 0 || (rs.status?.replicas ?? 0) > 0);
      for (const rs of v.old) if (replicasOf(rs) > 0) scaleRS(state, ctx, d, rs, 0);
      if (!oldLeft) scaleRS(state, ctx, d, newRS, replicas);
    } else if (!rolling(v)) {
      if (v.old.length === 0 || replicasOf(newRS) !== replicas) scaleRS(state, ctx, d, newRS, replicas);
    } else {
      const last = lastStepTime(v);
      if (last === undefined || nowMs >= last + ROLLOUT_STEP_MS) {
        const plan = planRolling(d, newRS, v.old, rsAvailable);
        for (const [rs, n] of plan) scaleRS(state, ctx, d, rs, n);
        if (plan.size > 0) stepped = true;
      }
    }
    // Active ReplicaSets carry the current desired and max replicas (isScalingEvent reads them).
    for (const rs of v.all) if ((rs === newRS || replicasOf(rs) > 0) && setReplicaAnnotations(rs, d)) putObject(state, 'replicasets', rs);
  } else if (paused && newRS) {
    // A paused deployment still follows spec.replicas when nothing else is rolling.
    if (!rolling(v) && replicasOf(newRS) !== replicas) scaleRS(state, ctx, d, newRS, replicas);
  }

  // Status (calculateStatus) and conditions (syncRolloutStatus).
  const all = v.all;
  const sum = (f: (rs: ReplicaSetObj) => number) => all.reduce((s, rs) => s + f(rs), 0);
  const available = sum((rs) => rs.status?.availableReplicas ?? 0);
  const status: NonNullable<Deployment['status']> = withoutUndefined({
    availableReplicas: available || undefined,
    collisionCount: d.status?.collisionCount,
    conditions: undefined as Condition[] | undefined,
    observedGeneration: d.metadata.generation,
    readyReplicas: sum((rs) => rs.status?.readyReplicas ?? 0) || undefined,
    replicas: sum((rs) => rs.status?.replicas ?? 0) || undefined,
    unavailableReplicas: Math.max(0, replicas - available) || undefined,
    updatedReplicas: (newRS?.status?.replicas ?? 0) || undefined,
  });
  const { maxUnavailable } = resolveFenceposts(d);
  conds = available >= replicas - maxUnavailable
    ? setCondition(conds, condition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', now))
    : setCondition(conds, condition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', now));
  if (paused) {
    conds = setCondition(conds, condition('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused', now));
  } else if (progressingCondition(d)?.reason === 'DeploymentPaused') {
    conds = setCondition(conds, condition('Progressing', 'Unknown', 'DeploymentResumed', 'Deployment is resumed', now));
  }
  if (!paused && newRS && d.spec?.progressDeadlineSeconds !== undefined) {
    const cur = conds.find((c) => c.type === 'Progressing');
    const name = newRS.metadata.name;
    const old = d.status ?? {};
    const progressed =
      stepped ||
      (status.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
      (status.replicas ?? 0) - (status.updatedReplicas ?? 0) < (old.replicas ?? 0) - (old.updatedReplicas ?? 0) ||
      (status.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
      (status.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
    if (deploymentComplete(d, status)) {
      if (cur?.reason !== 'NewReplicaSetAvailable') conds = setCondition(conds, condition('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${name}" has successfully progressed.`, now));
    } else if (progressed) {
      const c = condition('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${name}" is progressing.`, now);
      if (cur?.status === 'True') c.lastTransitionTime = cur.lastTransitionTime;
      conds = [...conds.filter((x) => x.type !== 'Progressing'), c];
    } else if (cur && cur.status === 'True' && cur.reason !== 'NewReplicaSetAvailable' && cur.lastUpdateTime) {
      const deadline = Date.parse(cur.lastUpdateTime) + d.spec.progressDeadlineSeconds * 1000;
      if (nowMs > deadline) conds = setCondition(conds, condition('Progressing', 'False', 'ProgressDeadlineExceeded', `ReplicaSet "${name}" has timed out progressing.`, now));
    }
  }
  status.conditions = conds;

  // The deployment carries its new ReplicaSet's revision.
  const annotations = { ...(d.metadata.annotations ?? {}) };
  if (newRS?.metadata.annotations?.[REVISION]) annotations[REVISION] = newRS.metadata.annotations[REVISION];
  const metaChanged = changed(annotations, d.metadata.annotations ?? {});
  if (metaChanged || changed(status, d.status)) {
    d.metadata.annotations = annotations;
    d.status = status;
    putObject(state, 'deployments', d);
  }

  // cleanupDeployment: once complete, old ReplicaSets beyond revisionHistoryLimit go, oldest revision first.
  if (!paused && deploymentComplete(d, status)) {
    const limit = d.spec?.revisionHistoryLimit ?? 10;
    const idle = v.old.filter((rs) => replicasOf(rs) === 0 && (rs.status?.replicas ?? 0) === 0).sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
      deleteObject(state, ctx, resourceByName('replicasets'), rs.metadata.namespace, rs.metadata.name, { reconcile: false });
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// The timeline of rolling updates

/** When the next rolling step of d can happen (its ReplicaSets' pods as they are now), or undefined. */
function nextStepAt(state: ClusterState, d: DeploymentObj, nowMs: number, horizonMs: number, pods: PodInformer): number | undefined {
  if (d.spec?.paused || d.metadata.deletionTimestamp) return undefined;
  const v = viewOf(state, d, false);
  if (!v.newRS || !rolling(v)) return undefined;
  const last = lastStepTime(v);
  const earliest = last === undefined ? nowMs : last + ROLLOUT_STEP_MS;
  // Pods become available at known times; the step happens at the first candidate time where the plan acts.
  const availableAt = new Map<ReplicaSetObj, number[]>();
  const candidates = new Set<number>([earliest]);
  for (const rs of v.all) {
    const minReady = rs.spec?.minReadySeconds ?? 0;
    const times: number[] = [];
    for (const p of pods.ownedBy(rs.metadata.uid ?? '')) {
      if (!isActive(p)) continue;
      const since = readySince(p);
      if (since === undefined) continue;
      const t = since + minReady * 1000;
      times.push(t);
      if (t > earliest) candidates.add(t);
    }
    availableAt.set(rs, times);
  }
  for (const t of [...candidates].sort((a, b) => a - b)) {
    if (t > horizonMs) return undefined;
    const plan = planRolling(d, v.newRS, v.old, (rs) => Math.min(replicasOf(rs), (availableAt.get(rs) ?? []).filter((x) => x <= t).length));
    if (plan.size > 0) return t;
  }
  return undefined;
}

/**
 * The earliest time after `nowMs` at which something in this deployment's rollout happens (a step, or a pod
 * becoming available), for `rollout status` to move the simulated clock to. Undefined when nothing will.
 */
export function nextRolloutEvent(state: ClusterState, d: DeploymentObj, nowMs: number): number | undefined {
  const pods = podInformer(state);
  const times: number[] = [];
  const step = nextStepAt(state, d, nowMs, Number.POSITIVE_INFINITY, pods);
  if (step !== undefined && step > nowMs) times.push(step);
  const v = viewOf(state, d, false);
  for (const rs of v.all) {
    for (const p of pods.ownedBy(rs.metadata.uid ?? '')) {
      if (!isActive(p) || podReady(p) || !p.status?.startTime) continue;
      const delay = Math.max(0, ...(p.spec?.containers ?? []).map((c) => c.readinessProbe?.initialDelaySeconds ?? 0));
      const t = Date.parse(p.status.startTime) + delay * 1000 + (rs.spec?.minReadySeconds ?? 0) * 1000;
      if (t > nowMs) times.push(t);
    }
  }
  const cond = progressingCondition(d);
  if (cond?.status === 'True' && cond.reason !== 'NewReplicaSetAvailable' && cond.lastUpdateTime && d.spec?.progressDeadlineSeconds !== undefined) {
    const deadline = Date.parse(cond.lastUpdateTime) + d.spec.progressDeadlineSeconds * 1000 + 1000;
    if (deadline > nowMs) times.push(deadline);
  }
  return times.length ? Math.min(...times) : undefined;
}

/**
 * One pass of the ReplicaSet, ReplicationController and Deployment controllers, in that order (then the
 * ReplicaSets again, for what the Deployments changed). Scoped: only the objects queued (they or their pods
 * or ReplicaSets changed, or they are still progressing); a queued key is handled once per pass.
 */
function syncAll(state: ClusterState, ctx: Ctx, r: Round): void {
  const queued = (kind: string, o: KubeObject) => {
    if (!r.scope) return true;
    r.refresh?.();
    return r.scope.workloads.delete(`${kind}/${o.metadata.namespace}/${o.metadata.name}`);
  };
  const replicaSets = () => {
    for (const rs of listObjects<ReplicaSet>(state, 'replicasets')) if (queued('replicasets', rs)) syncReplicaOwner(state, ctx, replicaOwner(rs, 'replicasets'), r);
  };
  replicaSets();
  for (const rc of listObjects<ReplicationController>(state, 'replicationcontrollers')) if (queued('replicationcontrollers', rc)) syncReplicaOwner(state, ctx, replicaOwner(rc, 'replicationcontrollers'), r);
  for (const d of listObjects<Deployment>(state, 'deployments')) if (queued('deployments', d)) syncDeployment(state, ctx, d);
  replicaSets();
}

/** The cluster as it was at time t: the workload controllers, scheduler and kubelet settled at that instant. */
function settleAt(state: ClusterState, ctx: Ctx, t: number): void {
  const at: Ctx = { ...ctx, clock: fixedClock(new Date(t)) };
  // Objects created after t did not exist yet: set them aside so the past does not schedule or start them.
  const stamp = rfc3339(new Date(t));
  const later: [string, string, Loaded][] = [];
  for (const resource of ['pods', 'deployments', 'replicasets', 'replicationcontrollers']) {
    for (const o of listObjects(state, resource)) {
      if ((o.metadata.creationTimestamp ?? '') > stamp) {
        const key = objectKey(o.metadata.namespace, o.metadata.name);
        later.push([resource, key, state.objects.setAside(resource, key)!]);
      }
    }
  }
  try {
    // The past is replayed over every pod (a rare path: a rolling step fell due), with its own full view.
    const r: Round = { pods: PodInformer.build(state, false) };
    for (let round = 0; round < 20; round++) {
      const before = state.resourceVersion;
      runKubeletAdmission(state, at, r);
      runKubelet(state, at, r);
      syncAll(state, at, r);
      r.pods.sync();
      runScheduler(state, at, r);
      runKubeletAdmission(state, at, r);
      runKubelet(state, at, r);
      if (state.resourceVersion === before) return;
    }
  } finally {
    for (const [resource, key, l] of later) state.objects.restore(resource, key, l);
  }
}

/**
 * The workload controllers. Rolling steps that fell due since the state was saved are replayed at their own
 * times (so a pod created by a step is as old as the step, whenever it is looked at); then everything syncs now.
 */
export function runWorkloadControllers(state: ClusterState, ctx: Ctx, r: Round): void {
  const nowMs = ctx.clock.now().getTime();
  let lastDue = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < 200; i++) {
    let due: number | undefined;
    r.pods.sync();
    for (const d of listObjects<Deployment>(state, 'deployments')) {
      const t = nextStepAt(state, d, nowMs, nowMs, r.pods);
      if (t !== undefined && t < nowMs && (due === undefined || t < due)) due = t;
    }
    // A step that did not happen when predicted (readiness known to the second only) is left to the sync below.
    if (due === undefined || due <= lastDue) break;
    lastDue = due;
    settleAt(state, ctx, due);
    // After a replay every pod may have moved: the rest of this reconcile looks at all of them.
    r.scope = undefined;
    runKubelet(state, ctx, r);
  }
  syncAll(state, ctx, r);
}
