// StatefulSets: the API server's defaulting and validation for apps/v1 StatefulSet, and the statefulset
// controller (kube-controller-manager's pkg/controller/statefulset): pods <set>-0..N-1 with a stable identity
// (hostname, subdomain, ordinal labels), created in order under OrderedReady (ordinal N+1 only once N is Running
// and Ready) or all at once under Parallel, removed from the highest ordinal down, rolled to a new revision from
// the highest ordinal down to spec.updateStrategy.rollingUpdate.partition, with ControllerRevisions.
//
// There is no daemon: when a pod became ready at time t before now, the next ordinal is created as it would have
// been at t (scheduled and started at t), so the cluster looks the same whenever it is looked at.
import { InvalidError, type FieldError } from '../api/errors.js';
import { matchesLabelSelector } from '../api/labels.js';
import { findResource, resourceByName } from '../api/resources.js';
import type { KubeObject, LabelSelector, Pod, PodTemplateSpec } from '../api/types.js';
import { labelSelectorCauses, labelSelectorParses } from '../api/validation.js';
import { getObject, listObjects, putObject } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';
import { fixedClock } from '../util/clock.js';
import { createObject, deleteObject } from './apiserver.js';
import type { Ctx } from './context.js';
import { namespaceTerminating } from './namespaces.js';
import { recordEvent } from './events.js';
import { canonicalJSON, computeHash } from './hash.js';
import type { PodInformer, Round } from './informer.js';
import { runKubelet } from './kubelet.js';
import { runKubeletAdmission, runScheduler } from './scheduler.js';
import type { Strategy } from './strategies.js';
import {
  changed,
  defaultPodTemplate,
  goIntOrString,
  goLabelSelector,
  invalidRaw,
  isActive,
  nameCauses,
  ownerRefTo,
  podReady,
  readySince,
  selectorEmpty,
  validateReplicas,
  validateTemplate,
  withoutUndefined,
} from './workloads.js';

type PodObj = Pod & KubeObject;

export interface StatefulSetSpec {
  replicas?: number;
  selector?: LabelSelector;
  template?: PodTemplateSpec;
  serviceName?: string;
  podManagementPolicy?: string;
  updateStrategy?: { type?: string; rollingUpdate?: { partition?: number; maxUnavailable?: number | string } };
  revisionHistoryLimit?: number;
  minReadySeconds?: number;
  persistentVolumeClaimRetentionPolicy?: { whenDeleted?: string; whenScaled?: string };
  volumeClaimTemplates?: KubeObject[];
  ordinals?: { start?: number };
}

export interface StatefulSetStatus {
  observedGeneration?: number;
  replicas?: number;
  readyReplicas?: number;
  currentReplicas?: number;
  updatedReplicas?: number;
  availableReplicas?: number;
  currentRevision?: string;
  updateRevision?: string;
  collisionCount?: number;
}

export type StatefulSetObj = KubeObject & { spec?: StatefulSetSpec; status?: StatefulSetStatus };

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
export const REVISION_LABEL = 'controller-revision-hash';
/** The label history.NewControllerRevision puts on a StatefulSet's revisions (a DaemonSet's use REVISION_LABEL). */
export const CR_HASH_LABEL = 'controller.kubernetes.io/hash';
const COMPONENT = 'statefulset-controller';

// ---------------------------------------------------------------------------------------------------------
// Defaulting and validation

/** SetDefaults_StatefulSet (apps/v1). */
export function defaultStatefulSet(s: StatefulSetObj): void {
  const spec = (s.spec ??= {});
  spec.replicas ??= 1;
  spec.podManagementPolicy ??= 'OrderedReady';
  const us = (spec.updateStrategy ??= {});
  us.type ??= 'RollingUpdate';
  if (us.type === 'RollingUpdate') {
    const ru = (us.rollingUpdate ??= {});
    ru.partition ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  const pvc = (spec.persistentVolumeClaimRetentionPolicy ??= {});
  pvc.whenDeleted ??= 'Retain';
  pvc.whenScaled ??= 'Retain';
  defaultPodTemplate(spec.template);
  // A null entry decodes as an empty claim (Go's zero value).
  if (Array.isArray(spec.volumeClaimTemplates)) spec.volumeClaimTemplates = spec.volumeClaimTemplates.map((t) => (t && typeof t === 'object' ? t : ({} as KubeObject)));
  for (const t of spec.volumeClaimTemplates ?? []) {
    (t as Record<string, unknown>).metadata ??= {};
    const ts = (t.spec ??= {}) as { volumeMode?: string };
    ts.volumeMode ??= 'Filesystem';
    (t as Record<string, unknown>).apiVersion ??= 'v1';
    (t as Record<string, unknown>).kind ??= 'PersistentVolumeClaim';
  }
}

/** The spec fields an update may change (ValidateStatefulSetUpdate). */
const MUTABLE = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

function validateStatefulSet(obj: StatefulSetObj, old: StatefulSetObj | undefined): void {
  const spec = obj.spec ?? {};
  const causes: FieldError[] = nameCauses(obj);
  const pmp = spec.podManagementPolicy;
  if (pmp !== 'OrderedReady' && pmp !== 'Parallel') {
    causes.push({ type: 'Invalid value', field: 'spec.podManagementPolicy', value: pmp, detail: "must be 'OrderedReady' or 'Parallel'" });
  }
  const us = spec.updateStrategy ?? {};
  if (us.type === 'OnDelete' && us.rollingUpdate) {
    // field.Invalid with the internal struct pointer, printed with %#v.
    const ru = us.rollingUpdate;
    const mu = ru.maxUnavailable === undefined ? '(*intstr.IntOrString)(nil)' : `&${goIntOrString(ru.maxUnavailable)}`;
    causes.push(invalidRaw('spec.updateStrategy.rollingUpdate', `&apps.RollingUpdateStatefulSetStrategy{Partition:${ru.partition ?? 0}, MaxUnavailable:${mu}}`, "only allowed for updateStrategy 'RollingUpdate'"));
  } else if (us.type !== 'OnDelete' && us.type !== 'RollingUpdate') {
    causes.push({ type: 'Invalid value', field: 'spec.updateStrategy', value: us.type ?? '', detail: "must be 'RollingUpdate' or 'OnDelete'" });
  }
  const partition = us.rollingUpdate?.partition;
  if (typeof partition === 'number' && partition < 0) {
    causes.push({ type: 'Invalid value', field: 'spec.updateStrategy.rollingUpdate.partition', value: partition, detail: 'must be greater than or equal to 0' });
  }
  validateReplicas(spec.replicas, causes);
  (spec.volumeClaimTemplates ?? []).forEach((t, i) => {
    if (!t.metadata?.name) causes.push({ type: 'Required value', field: `spec.volumeClaimTemplates[${i}].metadata.name`, detail: 'name or generateName is required' });
  });
  const sel = spec.selector;
  if (!sel) causes.push({ type: 'Required value', field: 'spec.selector' });
  else {
    causes.push(...labelSelectorCauses('spec.selector', sel));
    if (selectorEmpty(sel)) causes.push(invalidRaw('spec.selector', goLabelSelector(sel), 'empty selector is invalid for statefulset'));
  }
  if (sel && !labelSelectorParses(sel)) causes.push(invalidRaw('spec.selector', goLabelSelector(sel), 'invalid label selector'));
  else validateTemplate(spec.template, sel && !selectorEmpty(sel) ? (l) => matchesLabelSelector(sel, l) : () => false, causes);
  if (old) {
    const strip = (s: StatefulSetSpec | undefined) => {
      const c = { ...(s ?? {}) } as Record<string, unknown>;
      for (const k of MUTABLE) delete c[k];
      return canonicalJSON(c);
    };
    if (strip(spec) !== strip(old.spec)) {
      causes.push({
        type: 'Forbidden',
        field: 'spec',
        detail: "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      });
    }
  }
  if (causes.length) throw new InvalidError(obj.kind, obj.metadata.name, causes);
}

export const statefulSetStrategy: Strategy = {
  hasGeneration: true,
  validate(obj, _state, old) {
    defaultStatefulSet(obj as StatefulSetObj);
    validateStatefulSet(obj as StatefulSetObj, old as StatefulSetObj | undefined);
  },
  prepareForCreate(obj) {
    obj.status = { replicas: 0, availableReplicas: 0 };
  },
  prepareForUpdate(obj) {
    defaultStatefulSet(obj as StatefulSetObj);
  },
};

// ---------------------------------------------------------------------------------------------------------
// Revisions

/** The part of a StatefulSet a ControllerRevision records: its pod template, as a strategic-merge patch. */
function revisionData(s: StatefulSetObj): unknown {
  return { spec: { template: { ...(structuredClone(s.spec?.template ?? {}) as object), $patch: 'replace' } } };
}

function templateOf(rev: KubeObject): PodTemplateSpec {
  const t = structuredClone(((rev.data as { spec?: { template?: unknown } } | undefined)?.spec?.template ?? {}) as Record<string, unknown>);
  delete t.$patch;
  return t as PodTemplateSpec;
}

/** The ControllerRevisions this object owns, oldest revision first. */
export function ownedRevisions(state: ClusterState, owner: KubeObject): KubeObject[] {
  return listObjects(state, 'controllerrevisions', owner.metadata.namespace)
    .filter((r) => r.metadata.ownerReferences?.some((o) => o.controller && o.uid === owner.metadata.uid))
    .sort((a, b) => Number(a.revision ?? 0) - Number(b.revision ?? 0) || a.metadata.name.localeCompare(b.metadata.name));
}

/**
 * The revision matching the object's current template (created when missing, or re-numbered to the newest), as
 * the controllers' history helpers do: name <owner>-<hash>, the template's labels plus the hash label, the owner's
 * annotations.
 */
export function updateRevisionFor(state: ClusterState, ctx: Ctx, owner: KubeObject, data: unknown, labels: Record<string, string>, revisions: KubeObject[], hashLabel = CR_HASH_LABEL): KubeObject {
  const status = (owner.status ??= {}) as { collisionCount?: number };
  const max = Math.max(0, ...revisions.map((r) => Number(r.revision ?? 0)));
  const same = revisions.find((r) => canonicalJSON(r.data) === canonicalJSON(data));
  if (same) {
    if (Number(same.revision ?? 0) < max) {
      same.revision = max + 1;
      putObject(state, 'controllerrevisions', same);
    }
    return same;
  }
  for (let attempt = 0; attempt < 10; attempt++) {
    const hash = computeHash(data, status.collisionCount || undefined);
    const name = `${owner.metadata.name}-${hash}`;
    if (getObject(state, 'controllerrevisions', owner.metadata.namespace, name)) {
      status.collisionCount = (status.collisionCount ?? 0) + 1;
      continue;
    }
    // The revision carries the owner's annotations (kubernetes.io/change-cause shows in `rollout history`).
    const annotations = owner.metadata.annotations && Object.keys(owner.metadata.annotations).length ? { ...owner.metadata.annotations } : undefined;
    const rev: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: withoutUndefined({ name, namespace: owner.metadata.namespace, labels: { ...labels, [hashLabel]: hash }, annotations, ownerReferences: [ownerRefTo(owner)] }),
      data,
      revision: max + 1,
    };
    return createObject(state, ctx, rev, { namespace: owner.metadata.namespace!, reconcile: false });
  }
  throw new Error(`revision name collision for ${owner.metadata.name}`);
}

/** `rollout history` of a StatefulSet or DaemonSet: its ControllerRevisions, oldest first. */
export function setHistory(state: ClusterState, owner: KubeObject): { revision: number; changeCause: string | undefined; template: PodTemplateSpec }[] {
  return ownedRevisions(state, owner).map((r) => ({ revision: Number(r.revision ?? 0), changeCause: r.metadata.annotations?.['kubernetes.io/change-cause'], template: templateOf(r) }));
}

/** Old revisions beyond revisionHistoryLimit that no pod uses go, oldest first. */
export function truncateHistory(state: ClusterState, ctx: Ctx, revisions: KubeObject[], live: Set<string>, limit: number): void {
  const idle = revisions.filter((r) => !live.has(r.metadata.name));
  for (const r of idle.slice(0, Math.max(0, idle.length - limit))) {
    deleteObject(state, ctx, resourceByName('controllerrevisions'), r.metadata.namespace, r.metadata.name, { reconcile: false });
  }
}

// ---------------------------------------------------------------------------------------------------------
// The controller

/** The ordinal a pod's name gives it in this set, or -1 (getParentNameAndOrdinal). */
export function ordinalOf(setName: string, podName: string): number {
  const m = /^(.*)-(\d+)$/.exec(podName);
  if (!m || m[1] !== setName) return -1;
  return Number(m[2]);
}

function runningAndReady(p: PodObj): boolean {
  return p.status?.phase === 'Running' && podReady(p);
}

function selectorLabels(s: StatefulSetObj): Record<string, string> {
  return { ...(s.spec?.selector?.matchLabels ?? {}) };
}

function claimName(template: KubeObject, podName: string): string {
  return `${template.metadata?.name ?? ''}-${podName}`;
}

/** newVersionedStatefulSetPod: the template with the pod's identity, storage and revision. */
function newPod(s: StatefulSetObj, template: PodTemplateSpec, revision: string, ordinal: number): KubeObject {
  const name = `${s.metadata.name}-${ordinal}`;
  const labels = { ...(template.metadata?.labels ?? {}), [REVISION_LABEL]: revision, [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal) };
  const spec = structuredClone(template.spec ?? { containers: [] });
  spec.hostname = name;
  if (s.spec?.serviceName) spec.subdomain = s.spec.serviceName;
  const claims = s.spec?.volumeClaimTemplates ?? [];
  if (claims.length) {
    const volumes = (spec.volumes ?? []).filter((v) => !claims.some((c) => c.metadata?.name === v.name));
    for (const c of claims) volumes.push({ name: c.metadata!.name, persistentVolumeClaim: { claimName: claimName(c, name) } });
    spec.volumes = volumes;
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: withoutUndefined({
      name,
      namespace: s.metadata.namespace,
      labels,
      annotations: template.metadata?.annotations ? { ...template.metadata.annotations } : undefined,
      ownerReferences: [ownerRefTo(s)],
    }),
    spec,
  };
}

/**
 * The PVCs of a pod, from the volumeClaimTemplates, created when missing. Only when the cluster serves
 * PersistentVolumeClaims: until it does, the templates are kept on the StatefulSet and no claim is made.
 */
function createClaims(state: ClusterState, ctx: Ctx, s: StatefulSetObj, podName: string): void {
  if (!findResource('persistentvolumeclaims')) return;
  for (const t of s.spec?.volumeClaimTemplates ?? []) {
    const name = claimName(t, podName);
    if (getObject(state, 'persistentvolumeclaims', s.metadata.namespace, name)) continue;
    const claim: KubeObject = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name, namespace: s.metadata.namespace, labels: { ...(t.metadata?.labels ?? {}), ...selectorLabels(s) } },
      spec: structuredClone(t.spec ?? {}),
    };
    createObject(state, ctx, claim, { namespace: s.metadata.namespace!, reconcile: false });
    recordEvent(state, ctx, s, { reason: 'SuccessfulCreate', message: `create Claim ${name} Pod ${podName} in StatefulSet ${s.metadata.name} success`, component: COMPONENT });
  }
}

/**
 * Creates, schedules and starts a pod as of time `at` (a past instant when its predecessor became ready then),
 * then brings its status to now. Only this pod is scheduled and run at `at`.
 */
function createPodAt(state: ClusterState, ctx: Ctx, r: Round, s: StatefulSetObj, pod: KubeObject, at: number): void {
  const then: Ctx = { clock: fixedClock(new Date(at)), random: ctx.random };
  createClaims(state, then, s, pod.metadata.name);
  const made = createObject(state, then, pod, { namespace: s.metadata.namespace!, reconcile: false });
  recordEvent(state, then, s, { reason: 'SuccessfulCreate', message: `create Pod ${made.metadata.name} in StatefulSet ${s.metadata.name} successful`, component: COMPONENT });
  startPodAt(state, ctx, r, made, at);
}

/**
 * Schedules and starts one new pod as of `at` (the scheduler and kubelet of that instant, for this pod alone),
 * then brings its status to now, so that the controller's next step sees whether it is ready yet. `bind`, when
 * given, places the pod itself (the DaemonSet's node affinity) instead of the scheduler.
 */
export function startPodAt(state: ClusterState, ctx: Ctx, r: Round, made: KubeObject, at: number, bind?: (then: Ctx) => void): void {
  const then: Ctx = { clock: fixedClock(new Date(at)), random: ctx.random };
  const key = `${made.metadata.namespace}/${made.metadata.name}`;
  r.pods.sync();
  const one = r.pods.get(key);
  // The scheduler and kubelet of that instant, for this pod alone.
  if (bind) bind(then);
  else {
    const view = Object.create(r.pods) as PodInformer;
    view.pending = () => (one ? [one] : []);
    runScheduler(state, then, { pods: view });
  }
  r.pods.sync();
  const only = { pods: new Set([key]), services: new Set<string>(), workloads: new Set<string>(), namespaces: new Set<string>() };
  runKubeletAdmission(state, then, { pods: r.pods, scope: { ...only, pods: new Set([key]) } });
  runKubelet(state, then, { pods: r.pods, scope: only });
  runKubelet(state, ctx, { pods: r.pods, scope: { ...only, pods: new Set([key]) } });
  r.pods.sync();
}

interface SetView {
  pods: Map<number, PodObj>;
  condemned: PodObj[];
}

function viewOf(s: StatefulSetObj, pods: PodInformer): SetView {
  const replicas = s.spec?.replicas ?? 1;
  const out: SetView = { pods: new Map(), condemned: [] };
  for (const p of pods.ownedBy(s.metadata.uid ?? '')) {
    const i = ordinalOf(s.metadata.name, p.metadata.name);
    if (i < 0) continue;
    if (i < replicas) out.pods.set(i, p);
    else out.condemned.push(p);
  }
  out.condemned.sort((a, b) => ordinalOf(s.metadata.name, b.metadata.name) - ordinalOf(s.metadata.name, a.metadata.name));
  return out;
}

function revisionOfPod(p: PodObj): string | undefined {
  return p.metadata.labels?.[REVISION_LABEL];
}

/**
 * When every pod in the list had become ready (the latest of their ready times), and not before the sync's last
 * action (`floor`), capped at now; now when there is nothing to wait for.
 */
export function allReadyAt(pods: PodObj[], nowMs: number, floor: number): number {
  let t = floor;
  for (const p of pods) t = Math.max(t, readySince(p) ?? nowMs);
  return t === Number.NEGATIVE_INFINITY ? nowMs : Math.min(nowMs, t);
}

/** One action of the sync (a pod created or deleted): when it happened, or undefined when the set waits or is done. */
function step(state: ClusterState, ctx: Ctx, r: Round, s: StatefulSetObj, current: KubeObject, update: KubeObject, floor: number): number | undefined {
  const nowMs = ctx.clock.now().getTime();
  const replicas = s.spec?.replicas ?? 1;
  const ordered = s.spec?.podManagementPolicy !== 'Parallel';
  const partition = s.spec?.updateStrategy?.type === 'RollingUpdate' ? s.spec.updateStrategy.rollingUpdate?.partition ?? 0 : replicas;
  r.pods.sync();
  const v = viewOf(s, r.pods);
  const ns = s.metadata.namespace!;
  // Pods that failed for good are deleted, to be created again.
  for (const p of [...v.pods.values(), ...v.condemned]) {
    if (!p.metadata.deletionTimestamp && (p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded')) {
      deleteObject(state, ctx, resourceByName('pods'), ns, p.metadata.name, { reconcile: false });
      recordEvent(state, ctx, s, { reason: 'SuccessfulDelete', message: `delete Pod ${p.metadata.name} in StatefulSet ${s.metadata.name} successful`, component: COMPONENT });
      return nowMs;
    }
  }
  // Create the missing ordinals, lowest first; under OrderedReady each waits for its predecessors.
  const before: PodObj[] = [];
  for (let i = 0; i < replicas; i++) {
    const p = v.pods.get(i);
    if (!p) {
      const rev = i < partition ? current : update;
      const at = ordered ? allReadyAt(before, nowMs, floor) : Math.min(nowMs, Math.max(floor, nowMs));
      createPodAt(state, ctx, r, s, newPod(s, templateOf(rev), rev.metadata.name, i), at);
      return at;
    }
    if (ordered && (!runningAndReady(p) || p.metadata.deletionTimestamp)) return undefined;
    before.push(p);
  }
  // Scale down from the highest ordinal; under OrderedReady only when every pod is healthy, one at a time.
  if (v.condemned.length) {
    const all = [...v.pods.values(), ...v.condemned];
    if (ordered && all.some((p) => !runningAndReady(p) || p.metadata.deletionTimestamp)) return undefined;
    const victim = v.condemned[0];
    if (victim.metadata.deletionTimestamp) return undefined;
    const at = ordered ? allReadyAt(all, nowMs, floor) : nowMs;
    const then: Ctx = { clock: fixedClock(new Date(at)), random: ctx.random };
    deleteObject(state, then, resourceByName('pods'), ns, victim.metadata.name, { reconcile: false });
    recordEvent(state, then, s, { reason: 'SuccessfulDelete', message: `delete Pod ${victim.metadata.name} in StatefulSet ${s.metadata.name} successful`, component: COMPONENT });
    return at;
  }
  // Rolling update: from the highest ordinal down to the partition, one pod at a time, all pods healthy.
  if (s.spec?.updateStrategy?.type !== 'RollingUpdate') return undefined;
  const all = [...v.pods.values()];
  if (all.some((p) => !runningAndReady(p) || p.metadata.deletionTimestamp)) return undefined;
  for (let i = replicas - 1; i >= partition; i--) {
    const p = v.pods.get(i)!;
    if (revisionOfPod(p) === update.metadata.name) continue;
    const at = allReadyAt(all, nowMs, floor);
    const then: Ctx = { clock: fixedClock(new Date(at)), random: ctx.random };
    deleteObject(state, then, resourceByName('pods'), ns, p.metadata.name, { reconcile: false });
    recordEvent(state, then, s, { reason: 'SuccessfulDelete', message: `delete Pod ${p.metadata.name} in StatefulSet ${s.metadata.name} successful`, component: COMPONENT });
    return at;
  }
  return undefined;
}

/**
 * The earliest time the controller's next action can have happened: not before the spec change it acts on (a
 * change not yet observed happened now, in this command), the revision it rolls to, or its last pod creation.
 */
export function changeFloor(ctx: Ctx, o: KubeObject, pods: PodObj[], revision: KubeObject | undefined): number {
  const observed = (o.status as { observedGeneration?: number } | undefined)?.observedGeneration ?? 0;
  if ((o.metadata.generation ?? 0) > observed) return ctx.clock.now().getTime();
  let t = Date.parse(o.metadata.creationTimestamp ?? '') || Number.NEGATIVE_INFINITY;
  const revAt = Date.parse(revision?.metadata.creationTimestamp ?? '');
  if (Number.isFinite(revAt)) t = Math.max(t, revAt);
  for (const p of pods) {
    const c = Date.parse(p.metadata.creationTimestamp ?? '');
    if (Number.isFinite(c)) t = Math.max(t, c);
  }
  return t;
}

function syncStatefulSet(state: ClusterState, ctx: Ctx, r: Round, s: StatefulSetObj): void {
  // In a terminating namespace its pods, claims and revisions could not be created: it waits to be deleted.
  if (s.metadata.deletionTimestamp || namespaceTerminating(state, s.metadata.namespace)) return;
  const oldStatus = structuredClone(s.status ?? {});
  const revisions = ownedRevisions(state, s);
  const update = updateRevisionFor(state, ctx, s, revisionData(s), { ...(s.spec?.template?.metadata?.labels ?? {}) }, revisions);
  const currentName = s.status?.currentRevision;
  const current = (currentName && revisions.find((x) => x.metadata.name === currentName)) || update;
  // Only a set that was still moving when last looked at has actions that fell due in the past.
  let floor = statefulSetUnsettled(s) ? changeFloor(ctx, s, r.pods.ownedBy(s.metadata.uid ?? ''), update) : ctx.clock.now().getTime();
  for (let n = 0; n < 1000; n++) {
    const at = step(state, ctx, r, s, current, update, floor);
    if (at === undefined) break;
    floor = Math.max(floor, at);
  }

  // Status (updateStatefulSetStatus and completeRollingUpdate).
  r.pods.sync();
  const v = viewOf(s, r.pods);
  const pods = [...v.pods.values(), ...v.condemned].filter(isActive);
  const nowMs = ctx.clock.now().getTime();
  const minReady = s.spec?.minReadySeconds ?? 0;
  const ready = pods.filter(runningAndReady);
  const status: StatefulSetStatus & Record<string, unknown> = withoutUndefined({
    availableReplicas: ready.filter((p) => (readySince(p) ?? nowMs) + minReady * 1000 <= nowMs).length,
    collisionCount: s.status?.collisionCount ?? 0,
    currentReplicas: pods.filter((p) => revisionOfPod(p) === current.metadata.name).length || undefined,
    currentRevision: current.metadata.name,
    observedGeneration: s.metadata.generation,
    readyReplicas: ready.length || undefined,
    replicas: pods.length,
    updateRevision: update.metadata.name,
    updatedReplicas: pods.filter((p) => revisionOfPod(p) === update.metadata.name).length || undefined,
  });
  const replicas = s.spec?.replicas ?? 1;
  if (s.spec?.updateStrategy?.type === 'RollingUpdate' && (status.updatedReplicas ?? 0) === status.replicas && (status.readyReplicas ?? 0) === status.replicas && status.replicas === replicas) {
    status.currentRevision = status.updateRevision;
    status.currentReplicas = status.updatedReplicas;
    withoutUndefined(status);
  }
  const fresh = getObject<StatefulSetObj>(state, 'statefulsets', s.metadata.namespace, s.metadata.name) ?? s;
  if (changed(status, oldStatus) || changed(status, fresh.status)) {
    fresh.status = status;
    putObject(state, 'statefulsets', fresh);
  }
  const live = new Set<string>([status.currentRevision!, status.updateRevision!]);
  for (const p of pods) if (revisionOfPod(p)) live.add(revisionOfPod(p)!);
  truncateHistory(state, ctx, ownedRevisions(state, s), live, s.spec?.revisionHistoryLimit ?? 10);
}

/** The statefulset controller over the queued StatefulSets (all of them in a full reconcile). */
export function runStatefulSetController(state: ClusterState, ctx: Ctx, r: Round): void {
  for (const s of listObjects<StatefulSetObj>(state, 'statefulsets')) {
    if (r.scope) {
      r.refresh?.();
      if (!r.scope.workloads.delete(`statefulsets/${s.metadata.namespace}/${s.metadata.name}`)) continue;
    }
    syncStatefulSet(state, ctx, r, s);
  }
}

/** Whether time alone may still change the set: pods to create or roll, or not all ready yet. */
export function statefulSetUnsettled(o: KubeObject): boolean {
  const s = o as StatefulSetObj;
  const st = s.status ?? {};
  const want = s.spec?.replicas ?? 1;
  if ((st.observedGeneration ?? 0) < (s.metadata.generation ?? 0)) return true;
  if ((st.replicas ?? 0) !== want || (st.readyReplicas ?? 0) !== want) return true;
  if (s.spec?.updateStrategy?.type !== 'RollingUpdate') return false;
  const partition = s.spec.updateStrategy.rollingUpdate?.partition ?? 0;
  return (st.updatedReplicas ?? 0) < Math.max(0, want - partition);
}

/**
 * The earliest time after now at which a pod of the set becomes ready (its readiness delay after its start), for
 * `rollout status` to move the simulated clock to; undefined when nothing is due.
 */
export function nextSetEvent(pods: PodObj[], nowMs: number): number | undefined {
  const times: number[] = [];
  for (const p of pods) {
    if (!isActive(p) || podReady(p) || !p.status?.startTime) continue;
    const delay = Math.max(0, ...(p.spec?.containers ?? []).map((c) => c.readinessProbe?.initialDelaySeconds ?? 0));
    const t = Date.parse(p.status.startTime) + delay * 1000;
    if (t > nowMs) times.push(t);
  }
  return times.length ? Math.min(...times) : undefined;
}

/** kubectl's StatefulSetStatusViewer: the line to print and whether the rollout is done. */
export function statefulSetRolloutStatus(s: StatefulSetObj): { text: string; done: boolean } {
  const spec = s.spec ?? {};
  const st = s.status ?? {};
  if (spec.updateStrategy?.type !== 'RollingUpdate') throw new Error('rollout status is only available for RollingUpdate strategy type');
  if (!st.observedGeneration || (s.metadata.generation ?? 0) > st.observedGeneration) return { text: 'Waiting for statefulset spec update to be observed...', done: false };
  const replicas = spec.replicas ?? 1;
  if ((st.readyReplicas ?? 0) < replicas) return { text: `Waiting for ${replicas - (st.readyReplicas ?? 0)} pods to be ready...`, done: false };
  const ru = spec.updateStrategy.rollingUpdate;
  if (ru) {
    if (ru.partition !== undefined && (st.updatedReplicas ?? 0) < replicas - ru.partition) {
      return { text: `Waiting for partitioned roll out to finish: ${st.updatedReplicas ?? 0} out of ${replicas - ru.partition} new pods have been updated...`, done: false };
    }
    return { text: `partitioned roll out complete: ${st.updatedReplicas ?? 0} new pods have been updated...`, done: true };
  }
  if (st.updateRevision !== st.currentRevision) return { text: `waiting for statefulset rolling update to complete ${st.updatedReplicas ?? 0} pods at revision ${st.updateRevision}...`, done: false };
  return { text: `statefulset rolling update complete ${st.currentReplicas ?? 0} pods at revision ${st.currentRevision}...`, done: true };
}
