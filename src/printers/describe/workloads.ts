// Deployments, ReplicaSets and ReplicationControllers.
import { formatLabels, matchesLabelSelector } from '../../api/labels.js';
import type { Deployment, KubeObject, LabelSelector, Pod, PodTemplateSpec, ReplicaSet, ReplicationController } from '../../api/types.js';
import { describePodTemplate, printController } from './pod.js';
import { describeEvents, LEVEL_0, LEVEL_1, printAnnotationsMultiline, printLabelsMultiline, tabbedString, type DescribeClock } from './writer.js';

type DeployObj = Deployment & KubeObject;
type RSObj = ReplicaSet & KubeObject;
type RCObj = ReplicationController & KubeObject;
type PodObj = Pod & KubeObject;

/** labels.Selector.String() of metav1.LabelSelectorAsSelector: requirements sorted by key, set values sorted. */
export function selectorString(sel: LabelSelector | undefined | null): string {
  if (!sel) return '';
  const reqs: [string, string][] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push([k, `${k}=${v}`]);
  for (const e of sel.matchExpressions ?? []) {
    const vals = [...(e.values ?? [])].sort().join(',');
    if (e.operator === 'In') reqs.push([e.key, `${e.key} in (${vals})`]);
    else if (e.operator === 'NotIn') reqs.push([e.key, `${e.key} notin (${vals})`]);
    else if (e.operator === 'Exists') reqs.push([e.key, e.key]);
    else if (e.operator === 'DoesNotExist') reqs.push([e.key, `!${e.key}`]);
  }
  reqs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return reqs.map((r) => r[1]).join(',');
}

/** metav1.FormatLabelSelector: the selector string, or <none>. */
export function formatSelector(sel: LabelSelector | undefined | null): string {
  return selectorString(sel) || '<none>';
}

interface PodCounts {
  running: number;
  waiting: number;
  succeeded: number;
  failed: number;
}

/** getPodStatusForController: phases of the selected pods whose controller is this object. */
export function podStatusForController(pods: PodObj[], uid: string | undefined): PodCounts {
  const c: PodCounts = { running: 0, waiting: 0, succeeded: 0, failed: 0 };
  for (const p of pods) {
    const ref = p.metadata.ownerReferences?.find((r) => r.controller);
    if (!ref || ref.uid !== uid) continue;
    switch (p.status?.phase) {
      case 'Running':
        c.running++;
        break;
      case 'Pending':
        c.waiting++;
        break;
      case 'Succeeded':
        c.succeeded++;
        break;
      case 'Failed':
        c.failed++;
        break;
    }
  }
  return c;
}

function conditionsTable(w: { write(level: number, s: string): void }, conditions: { type: string; status: string; reason?: string }[] | undefined): void {
  if (!conditions?.length) return;
  w.write(LEVEL_0, 'Conditions:\n  Type\tStatus\tReason\n');
  w.write(LEVEL_1, '----\t------\t------\n');
  for (const c of conditions) w.write(LEVEL_1, `${c.type} \t${c.status}\t${c.reason ?? ''}\n`);
}

/** apiequality.Semantic.DeepEqual on JSON data: nil and empty maps/slices are equal. */
function semanticEqual(a: unknown, b: unknown): boolean {
  const empty = (v: unknown) => v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);
  if (empty(a) && empty(b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => semanticEqual(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!semanticEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
    return true;
  }
  return a === b;
}

/** deploymentutil.EqualIgnoreHash: pod templates equal apart from the pod-template-hash label. */
function equalIgnoreHash(t1: PodTemplateSpec | undefined, t2: PodTemplateSpec | undefined): boolean {
  const strip = (t: PodTemplateSpec | undefined) => {
    const c = structuredClone(t ?? {}) as PodTemplateSpec;
    if (c.metadata?.labels) delete c.metadata.labels['pod-template-hash'];
    return c;
  };
  return semanticEqual(strip(t1), strip(t2));
}

/**
 * deploymentutil.GetAllReplicaSets as describe uses it: the Deployment's ReplicaSets (selected and controlled by
 * it), sorted by creation time; the new one is the first whose template matches; every other is old.
 */
export function deploymentReplicaSets(d: DeployObj, replicaSets: RSObj[]): { oldRSs: RSObj[]; newRS: RSObj | undefined } {
  const owned = replicaSets.filter(
    (rs) => matchesLabelSelector(d.spec?.selector, rs.metadata.labels) && rs.metadata.ownerReferences?.some((r) => r.controller && r.uid === d.metadata.uid),
  );
  const ts = (rs: RSObj) => new Date(rs.metadata.creationTimestamp ?? 0).getTime();
  owned.sort((a, b) => ts(a) - ts(b) || (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
  const newRS = owned.find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
  return { oldRSs: owned.filter((rs) => rs !== newRS), newRS };
}

function replicaSetsByLabels(list: RSObj[]): string {
  return list.map((rs) => `${rs.metadata.name} (${rs.status?.replicas ?? 0}/${rs.spec?.replicas ?? 0} replicas created)`).join(', ') || '<none>';
}

/** (*intstr.IntOrString).String(): "<nil>" when unset (the API server defaults both to 25%). */
function intOrPercent(v: unknown): string {
  return v === undefined || v === null ? '<nil>' : String(v);
}

export function describeDeployment(d: DeployObj, replicaSets: RSObj[], events: KubeObject[] | undefined, clock: DescribeClock): string {
  return tabbedString((w) => {
    const spec = d.spec ?? ({} as NonNullable<Deployment['spec']>);
    const status = d.status ?? {};
    w.write(LEVEL_0, `Name:\t${d.metadata.name}\n`);
    w.write(LEVEL_0, `Namespace:\t${d.metadata.namespace ?? ''}\n`);
    w.write(LEVEL_0, `CreationTimestamp:\t${w.time(d.metadata.creationTimestamp)}\n`);
    printLabelsMultiline(w, 'Labels', d.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', d.metadata.annotations);
    w.write(LEVEL_0, `Selector:\t${selectorString(spec.selector)}\n`);
    w.write(LEVEL_0, `Replicas:\t${spec.replicas ?? 0} desired | ${status.updatedReplicas ?? 0} updated | ${status.replicas ?? 0} total | ${status.availableReplicas ?? 0} available | ${status.unavailableReplicas ?? 0} unavailable\n`);
    w.write(LEVEL_0, `StrategyType:\t${spec.strategy?.type ?? ''}\n`);
    w.write(LEVEL_0, `MinReadySeconds:\t${spec.minReadySeconds ?? 0}\n`);
    const ru = spec.strategy?.rollingUpdate;
    if (ru) w.write(LEVEL_0, `RollingUpdateStrategy:\t${intOrPercent(ru.maxUnavailable)} max unavailable, ${intOrPercent(ru.maxSurge)} max surge\n`);
    describePodTemplate(spec.template, w);
    conditionsTable(w, status.conditions);
    const { oldRSs, newRS } = deploymentReplicaSets(d, replicaSets);
    if (oldRSs.length > 0 || newRS) {
      w.write(LEVEL_0, `OldReplicaSets:\t${replicaSetsByLabels(oldRSs)}\n`);
      w.write(LEVEL_0, `NewReplicaSet:\t${replicaSetsByLabels(newRS ? [newRS] : [])}\n`);
    }
    if (events) describeEvents(events, w, clock.now);
  }, clock.zone);
}

export function describeReplicaSet(rs: RSObj, pods: PodObj[], events: KubeObject[] | undefined, clock: DescribeClock): string {
  return tabbedString((w) => {
    const spec = rs.spec ?? ({} as NonNullable<ReplicaSet['spec']>);
    w.write(LEVEL_0, `Name:\t${rs.metadata.name}\n`);
    w.write(LEVEL_0, `Namespace:\t${rs.metadata.namespace ?? ''}\n`);
    w.write(LEVEL_0, `Selector:\t${formatSelector(spec.selector)}\n`);
    printLabelsMultiline(w, 'Labels', rs.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', rs.metadata.annotations);
    const controlledBy = printController(rs);
    if (controlledBy) w.write(LEVEL_0, `Controlled By:\t${controlledBy}\n`);
    w.write(LEVEL_0, `Replicas:\t${rs.status?.replicas ?? 0} current / ${spec.replicas ?? 0} desired\n`);
    const selected = pods.filter((p) => matchesLabelSelector(spec.selector, p.metadata.labels));
    const c = podStatusForController(selected, rs.metadata.uid);
    w.write(LEVEL_0, 'Pods Status:\t');
    w.write(LEVEL_0, `${c.running} Running / ${c.waiting} Waiting / ${c.succeeded} Succeeded / ${c.failed} Failed\n`);
    describePodTemplate(spec.template, w);
    conditionsTable(w, rs.status?.conditions);
    if (events) describeEvents(events, w, clock.now);
  }, clock.zone);
}

export function describeReplicationController(rc: RCObj, pods: PodObj[], events: KubeObject[] | undefined, clock: DescribeClock): string {
  return tabbedString((w) => {
    const spec = rc.spec ?? {};
    w.write(LEVEL_0, `Name:\t${rc.metadata.name}\n`);
    w.write(LEVEL_0, `Namespace:\t${rc.metadata.namespace ?? ''}\n`);
    w.write(LEVEL_0, `Selector:\t${formatLabels(spec.selector)}\n`);
    printLabelsMultiline(w, 'Labels', rc.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', rc.metadata.annotations);
    w.write(LEVEL_0, `Replicas:\t${rc.status?.replicas ?? 0} current / ${spec.replicas ?? 0} desired\n`);
    // labels.SelectorFromSet: every pair must match; an empty set selects everything.
    const sel = spec.selector ?? {};
    const selected = pods.filter((p) => Object.entries(sel).every(([k, v]) => p.metadata.labels?.[k] === v));
    const c = podStatusForController(selected, rc.metadata.uid);
    w.write(LEVEL_0, `Pods Status:\t${c.running} Running / ${c.waiting} Waiting / ${c.succeeded} Succeeded / ${c.failed} Failed\n`);
    describePodTemplate(spec.template, w);
    conditionsTable(w, rc.status?.conditions);
    if (events) describeEvents(events, w, clock.now);
  }, clock.zone);
}
