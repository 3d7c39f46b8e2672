// DaemonSets: the API server's defaulting and validation for apps/v1 DaemonSet, and the daemonset controller
// (pkg/controller/daemon): one pod per eligible node (nodeSelector, required node affinity, taints against the
// template's tolerations plus the ones the controller adds), each pinned to its node by a required node affinity
// on metadata.name, and a rolling update within maxUnavailable when the template changes.
import { InvalidError, type FieldError } from '../api/errors.js';
import { matchesLabelSelector } from '../api/labels.js';
import { resourceByName } from '../api/resources.js';
import type { KubeObject, LabelSelector, Pod, PodTemplateSpec } from '../api/types.js';
import { labelSelectorCauses, labelSelectorParses } from '../api/validation.js';
import { getObject, listObjects, putObject } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';
import { fixedClock, rfc3339 } from '../util/clock.js';
import { createObject, deleteObject } from './apiserver.js';
import type { Ctx } from './context.js';
import { namespaceTerminating } from './namespaces.js';
import { recordEvent } from './events.js';
import { canonicalJSON } from './hash.js';
import type { Round } from './informer.js';
import type { Strategy } from './strategies.js';
import { allReadyAt, changeFloor, ownedRevisions, REVISION_LABEL, startPodAt, truncateHistory, updateRevisionFor } from './statefulsets.js';
import {
  changed,
  defaultPodTemplate,
  goIntOrString,
  goLabelSelector,
  intOrPercentCauses,
  invalidRaw,
  isActive,
  isZero,
  nameCauses,
  ownerRefTo,
  podReady,
  readySince,
  scaledValue,
  selectorEmpty,
  validateTemplate,
  withoutUndefined,
} from './workloads.js';

type PodObj = Pod & KubeObject;

export interface DaemonSetSpec {
  selector?: LabelSelector;
  template?: PodTemplateSpec;
  updateStrategy?: { type?: string; rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string } };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
}

export interface DaemonSetStatus {
  currentNumberScheduled?: number;
  desiredNumberScheduled?: number;
  numberAvailable?: number;
  numberMisscheduled?: number;
  numberReady?: number;
  numberUnavailable?: number;
  observedGeneration?: number;
  updatedNumberScheduled?: number;
  collisionCount?: number;
}

export type DaemonSetObj = KubeObject & { spec?: DaemonSetSpec; status?: DaemonSetStatus };

export const TEMPLATE_GENERATION = 'deprecated.daemonset.template.generation';
const COMPONENT = 'daemonset-controller';

// ---------------------------------------------------------------------------------------------------------
// Defaulting and validation

/** SetDefaults_DaemonSet (apps/v1). */
export function defaultDaemonSet(d: DaemonSetObj): void {
  const spec = (d.spec ??= {});
  const us = (spec.updateStrategy ??= {});
  us.type ??= 'RollingUpdate';
  if (us.type === 'RollingUpdate') {
    const ru = (us.rollingUpdate ??= {});
    ru.maxUnavailable ??= 1;
    ru.maxSurge ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  defaultPodTemplate(spec.template);
}

function validateDaemonSet(obj: DaemonSetObj, old: DaemonSetObj | undefined): void {
  const spec = obj.spec ?? {};
  const causes: FieldError[] = nameCauses(obj);
  const sel = spec.selector;
  if (!sel) causes.push({ type: 'Required value', field: 'spec.selector' });
  else {
    causes.push(...labelSelectorCauses('spec.selector', sel));
    if (selectorEmpty(sel)) causes.push(invalidRaw('spec.selector', goLabelSelector(sel), 'empty selector is invalid for daemonset'));
  }
  if (sel && !labelSelectorParses(sel)) causes.push(invalidRaw('spec.selector', goLabelSelector(sel), 'invalid label selector'));
  else validateTemplate(spec.template, sel && !selectorEmpty(sel) ? (l) => matchesLabelSelector(sel, l) : () => false, causes);
  const us = spec.updateStrategy ?? {};
  if (us.type === 'RollingUpdate') {
    const ru = us.rollingUpdate ?? {};
    causes.push(...intOrPercentCauses(ru.maxUnavailable, 'spec.updateStrategy.rollingUpdate.maxUnavailable'), ...intOrPercentCauses(ru.maxSurge, 'spec.updateStrategy.rollingUpdate.maxSurge'));
    if (isZero(ru.maxUnavailable) && isZero(ru.maxSurge)) {
      causes.push(invalidRaw('spec.updateStrategy.rollingUpdate.maxUnavailable', goIntOrString(ru.maxUnavailable), 'may not be 0 when `maxSurge` is 0'));
    }
  } else if (us.type !== 'OnDelete') {
    causes.push({ type: 'Unsupported value', field: 'spec.updateStrategy.type', value: us.type ?? '', detail: 'supported values: "OnDelete", "RollingUpdate"' });
  }
  if (old) {
    const oldSel = old.spec?.selector;
    if (canonicalJSON(oldSel ?? null) !== canonicalJSON(spec.selector ?? null)) causes.push(invalidRaw('spec.selector', goLabelSelector(spec.selector), 'field is immutable'));
  }
  if (causes.length) throw new InvalidError(obj.kind, obj.metadata.name, causes);
}

export const daemonSetStrategy: Strategy = {
  hasGeneration: true,
  validate(obj, _state, old) {
    defaultDaemonSet(obj as DaemonSetObj);
    validateDaemonSet(obj as DaemonSetObj, old as DaemonSetObj | undefined);
  },
  prepareForCreate(obj) {
    obj.status = { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 };
    (obj.metadata.annotations ??= {})[TEMPLATE_GENERATION] = '1';
  },
  prepareForUpdate(obj, old) {
    defaultDaemonSet(obj as DaemonSetObj);
    // The API server counts template changes in an annotation (the old spec.templateGeneration).
    const prev = Number(old.metadata.annotations?.[TEMPLATE_GENERATION] ?? 1) || 1;
    const same = canonicalJSON((obj as DaemonSetObj).spec?.template ?? null) === canonicalJSON((old as DaemonSetObj).spec?.template ?? null);
    (obj.metadata.annotations ??= {})[TEMPLATE_GENERATION] = String(same ? prev : prev + 1);
  },
};

// ---------------------------------------------------------------------------------------------------------
// Which nodes run the daemon

type Taint = { key: string; value?: string; effect: string };
type Toleration = { key?: string; operator?: string; value?: string; effect?: string; tolerationSeconds?: number };

/** The tolerations the controller adds to every daemon pod (util.AddOrUpdateDaemonPodTolerations). */
export function daemonTolerations(hostNetwork: boolean): Toleration[] {
  const out: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (hostNetwork) out.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  return out;
}

function tolerates(tols: Toleration[], t: Taint): boolean {
  return tols.some((tol) => {
    if (tol.effect && tol.effect !== t.effect) return false;
    if (tol.operator === 'Exists') return !tol.key || tol.key === t.key;
    return tol.key === t.key && (tol.value ?? '') === (t.value ?? '');
  });
}

type Requirement = { key: string; operator: string; values?: string[] };

function requirementMatches(req: Requirement, value: string | undefined): boolean {
  const vals = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return value !== undefined && vals.includes(value);
    case 'NotIn':
      return value === undefined || !vals.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
      return value !== undefined && Number(value) > Number(vals[0]);
    case 'Lt':
      return value !== undefined && Number(value) < Number(vals[0]);
    default:
      return false;
  }
}

/** Whether the pod's nodeSelector and required node affinity admit the node. */
function nodeMatches(spec: NonNullable<Pod['spec']>, node: KubeObject): boolean {
  const labels = node.metadata.labels ?? {};
  if (!Object.entries(spec.nodeSelector ?? {}).every(([k, v]) => labels[k] === v)) return false;
  const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms?.length) return true;
  return terms.some(
    (t) =>
      (t.matchExpressions?.length || t.matchFields?.length) &&
      (t.matchExpressions ?? []).every((e) => requirementMatches(e as Requirement, labels[e.key])) &&
      (t.matchFields ?? []).every((f) => f.key === 'metadata.name' && requirementMatches(f as Requirement, node.metadata.name)),
  );
}

/** NodeShouldRunDaemonPod: the node admits the template and its NoSchedule/NoExecute taints are tolerated. */
export function shouldRun(d: DaemonSetObj, node: KubeObject): boolean {
  const spec = d.spec?.template?.spec;
  if (!spec) return false;
  if (!nodeMatches(spec, node)) return false;
  const tols = [...((spec.tolerations ?? []) as Toleration[]), ...daemonTolerations(!!spec.hostNetwork)];
  const taints = ((node.spec as { taints?: Taint[] } | undefined)?.taints ?? []).filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
  return taints.every((t) => tolerates(tols, t));
}

// ---------------------------------------------------------------------------------------------------------
// The controller

function revisionData(d: DaemonSetObj): unknown {
  return { spec: { template: { ...(structuredClone(d.spec?.template ?? {}) as object), $patch: 'replace' } } };
}

function hashOf(rev: KubeObject): string {
  return rev.metadata.labels?.[REVISION_LABEL] ?? '';
}

/** The daemon pod for a node: the template, the revision labels, the tolerations and the node affinity. */
function newPod(d: DaemonSetObj, hash: string, nodeName: string): KubeObject {
  const t = d.spec?.template ?? {};
  const spec = structuredClone(t.spec ?? { containers: [] });
  const tols = (spec.tolerations ??= []) as Toleration[];
  for (const x of daemonTolerations(!!spec.hostNetwork)) {
    const i = tols.findIndex((y) => y.key === x.key && y.effect === x.effect);
    if (i >= 0) tols[i] = x;
    else tols.push(x);
  }
  // ReplaceDaemonSetPodNodeNameNodeAffinity: the required terms become one matchFields term on the node's name.
  const affinity = (spec.affinity ??= {});
  affinity.nodeAffinity = {
    ...(affinity.nodeAffinity ?? {}),
    requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }] },
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: withoutUndefined({
      name: '',
      generateName: `${d.metadata.name}-`,
      namespace: d.metadata.namespace,
      labels: { ...(t.metadata?.labels ?? {}), [REVISION_LABEL]: hash, 'pod-template-generation': d.metadata.annotations?.[TEMPLATE_GENERATION] ?? '1' },
      annotations: t.metadata?.annotations ? { ...t.metadata.annotations } : undefined,
      ownerReferences: [ownerRefTo(d)],
    }),
    spec,
  };
}

/** What the scheduler does with a daemon pod, whose node affinity names exactly one node: binds it there. */
function bindTo(state: ClusterState, pod: KubeObject, nodeName: string, then: Ctx): void {
  const p = getObject<Pod>(state, 'pods', pod.metadata.namespace, pod.metadata.name);
  if (!p || p.spec?.nodeName) return;
  p.spec!.nodeName = nodeName;
  p.status = { ...(p.status ?? {}), phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null as unknown as string, lastTransitionTime: rfc3339(then.clock.now()) }] };
  putObject(state, 'pods', p);
  recordEvent(state, then, p, { reason: 'Scheduled', message: `Successfully assigned ${p.metadata.namespace}/${p.metadata.name} to ${nodeName}`, component: 'default-scheduler' });
}

function available(p: PodObj, minReadySeconds: number, nowMs: number): boolean {
  if (!podReady(p) || p.status?.phase !== 'Running') return false;
  return (readySince(p) ?? nowMs) + minReadySeconds * 1000 <= nowMs;
}

interface NodeView {
  node: KubeObject;
  run: boolean;
  pods: PodObj[];
}

function viewOf(state: ClusterState, d: DaemonSetObj, r: Round): NodeView[] {
  r.pods.sync();
  const byNode = new Map<string, PodObj[]>();
  for (const p of r.pods.ownedBy(d.metadata.uid ?? '')) {
    if (p.metadata.deletionTimestamp) continue;
    const n = p.spec?.nodeName ?? '';
    byNode.set(n, [...(byNode.get(n) ?? []), p]);
  }
  return listObjects(state, 'nodes').map((node) => ({ node, run: shouldRun(d, node), pods: byNode.get(node.metadata.name) ?? [] }));
}

/** One action of the sync: when it happened, or undefined when the daemon set waits or is done. */
function step(state: ClusterState, ctx: Ctx, r: Round, d: DaemonSetObj, hash: string, floor: number, last: number): number | undefined {
  const nowMs = ctx.clock.now().getTime();
  const ns = d.metadata.namespace!;
  const views = viewOf(state, d, r);
  const del = (p: PodObj, at: number) => {
    const then: Ctx = { clock: fixedClock(new Date(at)), random: ctx.random };
    deleteObject(state, then, resourceByName('pods'), ns, p.metadata.name, { reconcile: false });
    recordEvent(state, then, d, { reason: 'SuccessfulDelete', message: `Deleted pod: ${p.metadata.name}`, component: COMPONENT });
    return at;
  };
  const at0 = nowMs;
  for (const v of views) {
    // Finished pods go (to be created again); a node that should not run the daemon loses its pods; extras go.
    const dead = v.pods.find((p) => !isActive(p));
    if (dead) return del(dead, at0);
    if (!v.run && v.pods.length) return del(v.pods[0], at0);
    if (v.pods.length > 1) return del(v.pods[v.pods.length - 1], at0);
  }
  for (const v of views) {
    if (!v.run || v.pods.length) continue;
    // A pod replacing one this sync deleted is created when that one went; any other now.
    const at = Number.isFinite(last) ? Math.min(nowMs, last) : nowMs;
    const then: Ctx = { clock: fixedClock(new Date(at)), random: ctx.random };
    const made = createObject(state, then, newPod(d, hash, v.node.metadata.name), { namespace: ns, reconcile: false });
    recordEvent(state, then, d, { reason: 'SuccessfulCreate', message: `Created pod: ${made.metadata.name}`, component: COMPONENT });
    startPodAt(state, ctx, r, made, at, (t) => bindTo(state, made, v.node.metadata.name, t));
    return at;
  }
  // Rolling update: old pods go while fewer than maxUnavailable nodes are without an available pod.
  if (d.spec?.updateStrategy?.type !== 'RollingUpdate') return undefined;
  const running = views.filter((v) => v.run);
  const minReady = d.spec?.minReadySeconds ?? 0;
  const maxUnavailable = Math.max(1, scaledValue(d.spec.updateStrategy.rollingUpdate?.maxUnavailable ?? 1, running.length, true));
  const pods = running.flatMap((v) => v.pods);
  const old = pods.filter((p) => p.metadata.labels?.[REVISION_LABEL] !== hash);
  if (!old.length) return undefined;
  // Old pods that are not available go at once.
  const broken = old.find((p) => !available(p, minReady, nowMs));
  if (broken) return del(broken, at0);
  const unavailable = running.filter((v) => !v.pods.some((p) => available(p, minReady, nowMs))).length;
  if (unavailable >= maxUnavailable) return undefined;
  return del(old[0], allReadyAt(pods, nowMs, floor));
}

function syncDaemonSet(state: ClusterState, ctx: Ctx, r: Round, d: DaemonSetObj): void {
  // In a terminating namespace its pods and revisions could not be created: it waits to be deleted.
  if (d.metadata.deletionTimestamp || namespaceTerminating(state, d.metadata.namespace)) return;
  const oldStatus = structuredClone(d.status ?? {});
  const revisions = ownedRevisions(state, d);
  const update = updateRevisionFor(state, ctx, d, revisionData(d), { ...(d.spec?.template?.metadata?.labels ?? {}) }, revisions, REVISION_LABEL);
  const hash = hashOf(update);
  // Only a daemon set that was still moving when last looked at has actions that fell due in the past.
  let floor = daemonSetUnsettled(d) ? changeFloor(ctx, d, r.pods.ownedBy(d.metadata.uid ?? ''), update) : ctx.clock.now().getTime();
  let last = Number.NEGATIVE_INFINITY;
  for (let n = 0; n < 1000; n++) {
    const at = step(state, ctx, r, d, hash, floor, last);
    if (at === undefined) break;
    floor = Math.max(floor, at);
    last = at;
  }
  const nowMs = ctx.clock.now().getTime();
  const minReady = d.spec?.minReadySeconds ?? 0;
  const views = viewOf(state, d, r);
  const should = views.filter((v) => v.run);
  const desired = should.length;
  const avail = should.filter((v) => v.pods.some((p) => available(p, minReady, nowMs))).length;
  const status: DaemonSetStatus & Record<string, unknown> = withoutUndefined({
    collisionCount: d.status?.collisionCount || undefined,
    currentNumberScheduled: should.filter((v) => v.pods.length > 0).length,
    desiredNumberScheduled: desired,
    numberAvailable: avail || undefined,
    numberMisscheduled: views.filter((v) => !v.run && v.pods.length > 0).length,
    numberReady: should.filter((v) => v.pods.some((p) => podReady(p))).length,
    numberUnavailable: desired - avail || undefined,
    observedGeneration: d.metadata.generation,
    updatedNumberScheduled: should.filter((v) => v.pods.some((p) => p.metadata.labels?.[REVISION_LABEL] === hash)).length || undefined,
  });
  const fresh = getObject<DaemonSetObj>(state, 'daemonsets', d.metadata.namespace, d.metadata.name) ?? d;
  if (changed(status, oldStatus) || changed(status, fresh.status)) {
    fresh.status = status;
    putObject(state, 'daemonsets', fresh);
  }
  const live = new Set<string>([update.metadata.name]);
  for (const v of views) for (const p of v.pods) live.add(`${d.metadata.name}-${p.metadata.labels?.[REVISION_LABEL] ?? ''}`);
  truncateHistory(state, ctx, ownedRevisions(state, d), live, d.spec?.revisionHistoryLimit ?? 10);
}

/** The daemonset controller over the queued DaemonSets (all of them in a full reconcile). */
export function runDaemonSetController(state: ClusterState, ctx: Ctx, r: Round): void {
  for (const d of listObjects<DaemonSetObj>(state, 'daemonsets')) {
    if (r.scope) {
      r.refresh?.();
      if (!r.scope.workloads.delete(`daemonsets/${d.metadata.namespace}/${d.metadata.name}`)) continue;
    }
    syncDaemonSet(state, ctx, r, d);
  }
}

/** Whether time alone may still change the daemon set: pods not all updated, ready and available. */
export function daemonSetUnsettled(o: KubeObject): boolean {
  const d = o as DaemonSetObj;
  const st = d.status ?? {};
  if ((st.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) return true;
  const want = st.desiredNumberScheduled ?? 0;
  return (st.numberReady ?? 0) !== want || (st.updatedNumberScheduled ?? 0) !== want || (st.numberAvailable ?? 0) !== want || (st.currentNumberScheduled ?? 0) !== want;
}

/** kubectl's DaemonSetStatusViewer: the line to print and whether the rollout is done. */
export function daemonSetRolloutStatus(d: DaemonSetObj): { text: string; done: boolean } {
  if (d.spec?.updateStrategy?.type !== 'RollingUpdate') throw new Error('rollout status is only available for RollingUpdate strategy type');
  const st = d.status ?? {};
  if ((d.metadata.generation ?? 0) <= (st.observedGeneration ?? 0)) {
    const desired = st.desiredNumberScheduled ?? 0;
    if ((st.updatedNumberScheduled ?? 0) < desired) {
      return { text: `Waiting for daemon set "${d.metadata.name}" rollout to finish: ${st.updatedNumberScheduled ?? 0} out of ${desired} new pods have been updated...`, done: false };
    }
    if ((st.numberAvailable ?? 0) < desired) {
      return { text: `Waiting for daemon set "${d.metadata.name}" rollout to finish: ${st.numberAvailable ?? 0} of ${desired} updated pods are available...`, done: false };
    }
    return { text: `daemon set "${d.metadata.name}" successfully rolled out`, done: true };
  }
  return { text: 'Waiting for daemon set spec update to be observed...', done: false };
}
