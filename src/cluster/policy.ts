// The policy, RBAC, autoscaling and scheduling kinds: their API strategies (defaulting and validation as
// kube-apiserver's registry does them), the disruption controller (PodDisruptionBudget status from the pods its
// selector matches) and the horizontal pod autoscaler controller as it behaves without a metrics source (kind has
// no metrics-server). Both controllers are incremental: a reconcile queues a PDB when a pod its selector matches
// (before or after the change) changes, and an HPA when it or its scale target changes.
import { InvalidError, type FieldError } from '../api/errors.js';
import { matchesLabelSelector } from '../api/labels.js';
import { RESOURCES, resourceForKind } from '../api/resources.js';
import { addQuantity, canonicalQuantity, cmpQuantity, formatQuantity, parseQuantity, type Quantity } from '../api/quantity.js';
import { own } from '../util/own.js';
import type { KubeObject, LabelSelector, Pod } from '../api/types.js';
import { labelSelectorCauses, objectCauses } from '../api/validation.js';
import { getObject, listObjects, putObject } from '../store/objects.js';
import { updateObject } from './apiserver.js';
import type { ClusterState } from '../store/state.js';
import { rfc3339 } from '../util/clock.js';
import type { Ctx } from './context.js';
import { recordEvent } from './events.js';
import { sortKeys, type Round, type Scope } from './informer.js';
import type { Strategy } from './strategies.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;
type PodObj = Pod & KubeObject;

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

function invalid(obj: KubeObject, causes: FieldError[]): void {
  if (causes.length) throw new InvalidError(obj.kind, obj.metadata?.name ?? '', causes);
}

function notSupported(field: string, value: unknown, values: string[]): FieldError {
  return { type: 'Unsupported value', field, value, detail: `supported values: ${values.map((v) => JSON.stringify(v)).join(', ')}` };
}

/** Go's %#v of a string. */
const goq = (s: unknown) => JSON.stringify(String(s ?? ''));

// ---------------------------------------------------------------------------------------------------------
// Strategies

/** ValidatePositiveIntOrPercent and IsNotMoreThan100Percent (apps validation). */
function intOrPercentCauses(v: unknown, field: string): FieldError[] {
  const out: FieldError[] = [];
  if (typeof v === 'number') {
    if (v < 0) out.push({ type: 'Invalid value', field, value: v, detail: 'must be greater than or equal to 0' });
    return out;
  }
  const s = String(v);
  const m = /^([0-9]+)%$/.exec(s);
  if (!m) {
    out.push({ type: 'Invalid value', field, value: s, detail: "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')" });
    return out;
  }
  if (Number(m[1]) > 100) out.push({ type: 'Invalid value', field, value: s, detail: 'must not be greater than 100%' });
  return out;
}

/** A fixed rendering of Go's %#v of the internal PodDisruptionBudgetSpec (pointers print as addresses). */
function pdbSpecGoString(spec: Any): string {
  const ptr = (set: boolean, type: string, addr: string) => `(*${type})(${set ? addr : 'nil'})`;
  return (
    `policy.PodDisruptionBudgetSpec{MinAvailable:${ptr(spec.minAvailable !== undefined, 'intstr.IntOrString', '0xc000b7a1a0')}, ` +
    `MaxUnavailable:${ptr(spec.maxUnavailable !== undefined, 'intstr.IntOrString', '0xc000b7a1c0')}, ` +
    `Selector:${ptr(spec.selector !== undefined, 'v1.LabelSelector', '0xc000b7a1e0')}, ` +
    `UnhealthyPodEvictionPolicy:${ptr(spec.unhealthyPodEvictionPolicy !== undefined, 'policy.UnhealthyPodEvictionPolicyType', '0xc000b7a200')}}`
  );
}

export const podDisruptionBudgetStrategy: Strategy = {
  hasGeneration: true,
  validate(obj) {
    const causes = objectCauses(obj);
    const spec = (obj.spec ?? {}) as Any;
    if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
      causes.push({ type: 'Invalid value', field: 'spec', detail: `${pdbSpecGoString(spec)}: minAvailable and maxUnavailable cannot be both set` });
    }
    if (spec.minAvailable !== undefined) causes.push(...intOrPercentCauses(spec.minAvailable, 'spec.minAvailable'));
    if (spec.maxUnavailable !== undefined) causes.push(...intOrPercentCauses(spec.maxUnavailable, 'spec.maxUnavailable'));
    if (spec.selector) causes.push(...labelSelectorCauses('spec.selector', spec.selector));
    const policies = ['AlwaysAllow', 'IfHealthyBudget'];
    if (spec.unhealthyPodEvictionPolicy !== undefined && !policies.includes(spec.unhealthyPodEvictionPolicy)) {
      causes.push(notSupported('spec.unhealthyPodEvictionPolicy', spec.unhealthyPodEvictionPolicy, policies));
    }
    invalid(obj, causes);
  },
  prepareForCreate(obj) {
    // The API server drops a status sent with the object; the disruption controller writes it.
    obj.status = { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
  },
};

const SCALE_UP_POLICIES = [
  { type: 'Pods', value: 4, periodSeconds: 15 },
  { type: 'Percent', value: 100, periodSeconds: 15 },
];
const SCALE_DOWN_POLICIES = [{ type: 'Percent', value: 100, periodSeconds: 15 }];

/** SetDefaults_HorizontalPodAutoscaler (autoscaling/v2). */
function defaultHPA(obj: KubeObject): void {
  const spec = ((obj as Any).spec ??= {});
  if (spec.minReplicas === undefined) spec.minReplicas = 1;
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0) {
    spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
  }
  if (spec.behavior) {
    const b = spec.behavior;
    const fill = (r: Any, window: number, policies: object[]) => {
      const rules = r ?? {};
      if (rules.stabilizationWindowSeconds === undefined) rules.stabilizationWindowSeconds = window;
      if (rules.selectPolicy === undefined) rules.selectPolicy = 'Max';
      if (!rules.policies?.length) rules.policies = structuredClone(policies);
      return rules;
    };
    b.scaleUp = fill(b.scaleUp, 0, SCALE_UP_POLICIES);
    b.scaleDown = fill(b.scaleDown, 300, SCALE_DOWN_POLICIES);
  }
}

function hpaCauses(obj: KubeObject): FieldError[] {
  const causes = objectCauses(obj);
  const spec = (obj.spec ?? {}) as Any;
  const ref = spec.scaleTargetRef ?? {};
  if (!ref.kind) causes.push({ type: 'Required value', field: 'spec.scaleTargetRef.kind' });
  if (!ref.name) causes.push({ type: 'Required value', field: 'spec.scaleTargetRef.name' });
  const min = spec.minReplicas;
  const max = spec.maxReplicas ?? 0;
  if (typeof min === 'number' && min < 1) causes.push({ type: 'Invalid value', field: 'spec.minReplicas', value: min, detail: 'must be greater than or equal to 1' });
  if (max < 1) causes.push({ type: 'Invalid value', field: 'spec.maxReplicas', value: max, detail: 'must be greater than or equal to 1' });
  if (typeof min === 'number' && max < min) causes.push({ type: 'Invalid value', field: 'spec.maxReplicas', value: max, detail: 'must be greater than or equal to `minReplicas`' });
  return causes;
}

export const horizontalPodAutoscalerStrategy: Strategy = {
  hasGeneration: true,
  validate(obj) {
    defaultHPA(obj);
    invalid(obj, hpaCauses(obj));
  },
  prepareForCreate(obj) {
    obj.status = { currentReplicas: 0, desiredReplicas: 0 };
  },
};

/** ValidatePolicyRule for each rule. */
function ruleCauses(rules: unknown, namespaced: boolean): FieldError[] {
  const out: FieldError[] = [];
  (Array.isArray(rules) ? rules : []).forEach((r: Any, i: number) => {
    const p = `rules[${i}]`;
    if (!r?.verbs?.length) out.push({ type: 'Required value', field: `${p}.verbs`, detail: 'verbs must contain at least one value' });
    if (r?.nonResourceURLs?.length) {
      if (namespaced) out.push({ type: 'Invalid value', field: `${p}.nonResourceURLs`, value: r.nonResourceURLs, detail: 'namespaced rules cannot apply to non-resource URLs' });
      if (r.apiGroups?.length || r.resources?.length || r.resourceNames?.length) {
        out.push({ type: 'Invalid value', field: `${p}.nonResourceURLs`, value: r.nonResourceURLs, detail: 'rules cannot apply to both regular resources and non-resource URLs' });
      }
      return;
    }
    if (!r?.apiGroups?.length) out.push({ type: 'Required value', field: `${p}.apiGroups`, detail: 'resource rules must supply at least one api group' });
    if (!r?.resources?.length) out.push({ type: 'Required value', field: `${p}.resources`, detail: 'resource rules must supply at least one resource' });
  });
  return out;
}

function roleStrategy(namespaced: boolean): Strategy {
  return {
    validate(obj) {
      invalid(obj, [...objectCauses(obj), ...ruleCauses((obj as Any).rules, namespaced)]);
    },
  };
}

/** Go's %#v of rbac.RoleRef, as "cannot change roleRef" prints it. */
function roleRefGoString(ref: Any): string {
  return `rbac.RoleRef{APIGroup:${goq(ref?.apiGroup)}, Kind:${goq(ref?.kind)}, Name:${goq(ref?.name)}}`;
}

function bindingCauses(obj: KubeObject, namespaced: boolean): FieldError[] {
  const causes = objectCauses(obj);
  const ref = ((obj as Any).roleRef ?? {}) as Any;
  if (ref.apiGroup !== RBAC_GROUP) causes.push(notSupported('roleRef.apiGroup', String(ref.apiGroup ?? ''), [RBAC_GROUP]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(ref.kind)) causes.push(notSupported('roleRef.kind', String(ref.kind ?? ''), kinds));
  if (!ref.name) causes.push({ type: 'Required value', field: 'roleRef.name' });
  const subjects = (obj as Any).subjects;
  (Array.isArray(subjects) ? subjects : []).forEach((s: Any, i: number) => {
    const p = `subjects[${i}]`;
    if (!s?.name) causes.push({ type: 'Required value', field: `${p}.name` });
    switch (s?.kind) {
      case 'ServiceAccount':
        if (s.apiGroup) causes.push(notSupported(`${p}.apiGroup`, s.apiGroup, ['']));
        if (!namespaced && !s.namespace) causes.push({ type: 'Required value', field: `${p}.namespace` });
        break;
      case 'User':
      case 'Group':
        if (s.apiGroup !== RBAC_GROUP) causes.push(notSupported(`${p}.apiGroup`, String(s.apiGroup ?? ''), [RBAC_GROUP]));
        break;
      default:
        causes.push(notSupported(`${p}.kind`, String(s?.kind ?? ''), ['ServiceAccount', 'User', 'Group']));
    }
  });
  return causes;
}

/**
 * rbac/v1 defaulting, which the API server applies as it decodes (so before validation): a User or Group subject
 * without apiGroup is in rbac.authorization.k8s.io, a ServiceAccount in the core group (empty); a roleRef without
 * apiGroup is in rbac.authorization.k8s.io.
 */
function defaultBinding(obj: KubeObject): void {
  const b = obj as Any;
  if (Array.isArray(b.subjects)) {
    for (const s of b.subjects) {
      if (!s || typeof s !== 'object' || (s.apiGroup !== undefined && s.apiGroup !== '')) continue;
      // (a ServiceAccount's stays empty, which the API omits)
      if (s.kind === 'User' || s.kind === 'Group') s.apiGroup = RBAC_GROUP;
    }
  }
  if (b.roleRef && typeof b.roleRef === 'object' && (b.roleRef.apiGroup === undefined || b.roleRef.apiGroup === '')) b.roleRef.apiGroup = RBAC_GROUP;
}

function bindingStrategy(namespaced: boolean): Strategy {
  return {
    validate(obj, _state, old) {
      defaultBinding(obj);
      const causes = bindingCauses(obj, namespaced);
      if (old) {
        const a = (obj as Any).roleRef ?? {};
        const b = (old as Any).roleRef ?? {};
        if (a.apiGroup !== b.apiGroup || a.kind !== b.kind || a.name !== b.name) {
          causes.push({ type: 'Invalid value', field: 'roleRef', detail: `${roleRefGoString(a)}: cannot change roleRef` });
        }
      }
      invalid(obj, causes);
    },
  };
}

export const roleStrategyNS = roleStrategy(true);
export const clusterRoleStrategy = roleStrategy(false);
export const roleBindingStrategy = bindingStrategy(true);
export const clusterRoleBindingStrategy = bindingStrategy(false);

/** The highest priority a user's class may have (scheduling.HighestUserDefinablePriority). */
export const HIGHEST_USER_PRIORITY = 1000000000;

/** The system classes kube-apiserver creates (scheduling.SystemPriorityClasses). */
export const SYSTEM_PRIORITY_CLASSES: Record<string, number> = { 'system-cluster-critical': 2000000000, 'system-node-critical': 2000001000 };

/** scheduling.IsKnownSystemPriorityClass: the error, or undefined for a known class as it is defined. */
function unknownSystemClass(name: string, value: unknown, globalDefault: unknown): string | undefined {
  if (!(name in SYSTEM_PRIORITY_CLASSES)) return `${name} is not a known system priority class`;
  if (value !== SYSTEM_PRIORITY_CLASSES[name]) return `value of ${name} PriorityClass must be ${SYSTEM_PRIORITY_CLASSES[name]}`;
  if (globalDefault === true) return `globalDefault of ${name} PriorityClass must be false`;
  return undefined;
}

export const priorityClassStrategy: Strategy = {
  validate(obj, _state, old) {
    const o = obj as Any;
    o.preemptionPolicy ??= 'PreemptLowerPriority';
    const causes = objectCauses(obj);
    const name = String(o.metadata?.name ?? '');
    if (name.startsWith('system-')) {
      const err = unknownSystemClass(name, o.value, o.globalDefault);
      if (err) causes.push({ type: 'Forbidden', field: 'metadata.name', detail: `priority class names with 'system-' prefix are reserved for system use only. error: ${err}` });
    } else if (typeof o.value === 'number' && o.value > HIGHEST_USER_PRIORITY) {
      causes.push({ type: 'Forbidden', field: 'value', detail: `maximum allowed value of a user defined priority is ${HIGHEST_USER_PRIORITY}` });
    }
    const policies = ['Never', 'PreemptLowerPriority'];
    if (!policies.includes(o.preemptionPolicy)) causes.push(notSupported('preemptionPolicy', o.preemptionPolicy, policies));
    if (old) {
      if ((old as Any).value !== o.value) causes.push({ type: 'Forbidden', field: 'value', detail: 'may not be changed in an update.' });
      if ((old as Any).preemptionPolicy !== o.preemptionPolicy) causes.push({ type: 'Invalid value', field: 'preemptionPolicy', value: o.preemptionPolicy, detail: 'field is immutable' });
    }
    invalid(obj, causes);
  },
};

export const resourceQuotaStrategy: Strategy = {
  validate(obj, _state, old) {
    invalid(obj, objectCauses(obj, old));
  },
  prepareForCreate(obj) {
    // the resource quota controller fills status.hard and status.used
    delete obj.status;
  },
};

/** Go's JSON for a map: keys in order. */
function sortedMap(m: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(m).sort().map((k) => [k, m[k]]));
}

/**
 * SetDefaults_LimitRangeItem for Container items: the default limit falls back to max, the default request to
 * the default limit, then to min.
 */
export const limitRangeStrategy: Strategy = {
  validate(obj, _state, old) {
    for (const item of ((obj.spec as Any)?.limits ?? []) as Any[]) {
      if (item?.type !== 'Container') continue;
      const def: Record<string, unknown> = { ...(item.default ?? {}) };
      const req: Record<string, unknown> = { ...(item.defaultRequest ?? {}) };
      for (const [k, v] of Object.entries(item.max ?? {})) if (!(k in def)) def[k] = v;
      for (const [k, v] of Object.entries(def)) if (!(k in req)) req[k] = v;
      for (const [k, v] of Object.entries(item.min ?? {})) if (!(k in req)) req[k] = v;
      if (Object.keys(def).length) item.default = sortedMap(def);
      if (Object.keys(req).length) item.defaultRequest = sortedMap(req);
    }
    invalid(obj, objectCauses(obj, old));
  },
};

// ---------------------------------------------------------------------------------------------------------
// Queueing (the reconcile's watch maps changes to these keys)

export const POLICY_CONTROLLED = ['poddisruptionbudgets', 'horizontalpodautoscalers'];
const SCALABLE = ['deployments', 'replicasets', 'statefulsets', 'replicationcontrollers'];

/** Keys ("kind/namespace/name") of PDBs and HPAs to sync, kept on the reconcile's scope. */
export function policyQueue(scope: Scope): Set<string> {
  const s = scope as Scope & { policy?: Set<string> };
  return (s.policy ??= new Set());
}

/** Maps the reconcile's watch onto PDB and HPA keys. One per reconcile. */
export class PolicyWatch {
  private pdbs: KubeObject[] | undefined;
  private hpas: KubeObject[] | undefined;
  /** namespace -> its ResourceQuotas' names */
  private quotas: Map<string, string[]> | undefined;
  constructor(
    private readonly state: ClusterState,
    private readonly scope: Scope,
  ) {}

  private quotasIn(ns: string | undefined): string[] {
    if (!this.quotas) {
      this.quotas = new Map();
      for (const k of this.state.objects.keys('resourcequotas')) {
        const [qns, name] = k.split('/');
        this.quotas.set(qns, [...(this.quotas.get(qns) ?? []), name]);
      }
    }
    return (ns !== undefined && this.quotas.get(ns)) || [];
  }

  /** Anything in a namespace can change what its quotas count. */
  private queueQuotas(ns: string | undefined): void {
    for (const name of this.quotasIn(ns)) policyQueue(this.scope).add(`resourcequotas/${ns}/${name}`);
  }

  /** A change of any stored object. */
  object(kind: string, key: string): void {
    if (kind === 'resourcequotas') this.quotas = undefined;
    if (kind !== 'events' && kind !== 'logs' && key.includes('/')) this.queueQuotas(key.slice(0, key.indexOf('/')));
    if (kind === 'poddisruptionbudgets' || kind === 'horizontalpodautoscalers') {
      policyQueue(this.scope).add(`${kind}/${key}`);
      if (kind === 'poddisruptionbudgets') this.pdbs = undefined;
      else this.hpas = undefined;
    } else if (SCALABLE.includes(kind)) {
      // An HPA follows its target's scale; a PDB's expected count follows its pods' controllers.
      const [ns, name] = key.split('/');
      this.hpas ??= listObjects(this.state, 'horizontalpodautoscalers');
      for (const h of this.hpas) {
        const ref = (h.spec as Any)?.scaleTargetRef;
        if (h.metadata.namespace === ns && ref?.name === name && resourceForKind(ref.apiVersion, ref.kind)?.resource === kind) {
          policyQueue(this.scope).add(`horizontalpodautoscalers/${ns}/${h.metadata.name}`);
        }
      }
      this.pdbs ??= listObjects(this.state, 'poddisruptionbudgets');
      for (const p of this.pdbs) if (p.metadata.namespace === ns) policyQueue(this.scope).add(`poddisruptionbudgets/${ns}/${p.metadata.name}`);
    }
  }

  /** A pod before or after a change: the PDBs selecting it, its namespace's quotas. */
  pod(p: PodObj): void {
    this.queueQuotas(p.metadata.namespace);
    this.pdbs ??= listObjects(this.state, 'poddisruptionbudgets');
    for (const b of this.pdbs) {
      if (b.metadata.namespace !== p.metadata.namespace) continue;
      if (matchesLabelSelector((b.spec as Any)?.selector as LabelSelector | undefined, p.metadata.labels)) {
        policyQueue(this.scope).add(`poddisruptionbudgets/${b.metadata.namespace}/${b.metadata.name}`);
      }
    }
  }
}

function queued(state: ClusterState, r: Round, kind: string): KubeObject[] {
  if (!r.scope) return listObjects(state, kind);
  const q = policyQueue(r.scope);
  const out: KubeObject[] = [];
  for (const k of sortKeys([...q].filter((x) => x.startsWith(`${kind}/`)))) {
    q.delete(k);
    const o = state.objects.get(kind, k.slice(kind.length + 1)) as KubeObject | undefined;
    if (o) out.push(o);
  }
  return out;
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

/** meta.SetStatusCondition: the transition time moves only when the status does. */
function setCondition(list: Condition[], c: Condition, now: string): Condition[] {
  const old = list.find((x) => x.type === c.type);
  const next = { ...c, lastTransitionTime: old && old.status === c.status ? old.lastTransitionTime : now };
  return old ? list.map((x) => (x === old ? next : x)) : [...list, next];
}

// ---------------------------------------------------------------------------------------------------------
// The disruption controller

/** intstr.GetScaledValueFromIntOrPercent with roundUp. */
function scaled(v: unknown, total: number): number {
  if (typeof v === 'number') return v;
  const m = /^([0-9]+)%$/.exec(String(v));
  return m ? Math.ceil((Number(m[1]) * total) / 100) : 0;
}

/**
 * getExpectedScale: the summed scale of the controllers of the PDB's pods (Deployments through their
 * ReplicaSets). Owners are found by uid: the informer's pods carry only their owners' uids.
 */
function expectedScale(state: ClusterState, ns: string, pods: PodObj[]): number {
  const byUID = new Map<string, { kind: string; o: KubeObject }>();
  for (const kind of SCALABLE) for (const o of listObjects(state, kind, ns)) byUID.set(o.metadata.uid ?? '', { kind, o });
  const seen = new Set<string>();
  let total = 0;
  for (const p of pods) {
    const ref = p.metadata.ownerReferences?.find((x) => x.controller);
    let owner = ref && byUID.get(ref.uid);
    if (!owner) continue;
    if (owner.kind === 'replicasets') {
      const dref = owner.o.metadata.ownerReferences?.find((x) => x.controller && x.kind === 'Deployment');
      const d = dref && byUID.get(dref.uid);
      if (d) owner = d;
    }
    const uid = owner.o.metadata.uid ?? '';
    if (seen.has(uid)) continue;
    seen.add(uid);
    total += ((owner.o.spec as Any)?.replicas as number | undefined) ?? 1;
  }
  return total;
}

function podReadyNow(p: PodObj): boolean {
  return p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export function runDisruptionController(state: ClusterState, ctx: Ctx, r: Round): void {
  for (const pdb of queued(state, r, 'poddisruptionbudgets')) {
    const spec = (pdb.spec ?? {}) as Any;
    const ns = pdb.metadata.namespace ?? 'default';
    const pods = spec.selector ? r.pods.list(ns).filter((p) => matchesLabelSelector(spec.selector, p.metadata.labels)) : [];
    let expected = 0;
    let desired = 0;
    if (spec.maxUnavailable !== undefined) {
      expected = expectedScale(state, ns, pods);
      desired = Math.max(0, expected - scaled(spec.maxUnavailable, expected));
    } else if (spec.minAvailable !== undefined) {
      if (typeof spec.minAvailable === 'number') {
        desired = spec.minAvailable;
        expected = pods.length;
      } else {
        expected = expectedScale(state, ns, pods);
        desired = scaled(spec.minAvailable, expected);
      }
    }
    const healthy = pods.filter((p) => !p.metadata.deletionTimestamp && podReadyNow(p)).length;
    let allowed = healthy - desired;
    if (expected <= 0 || allowed <= 0) allowed = 0;
    const st = (pdb.status ?? {}) as Any;
    const generation = (pdb.metadata.generation as number | undefined) ?? 1;
    const cond: Condition =
      allowed > 0
        ? { type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', observedGeneration: generation }
        : { type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods', message: '', observedGeneration: generation };
    const conditions = setCondition(st.conditions ?? [], cond, rfc3339(ctx.clock.now()));
    const status = {
      currentHealthy: healthy,
      desiredHealthy: desired,
      disruptionsAllowed: allowed,
      expectedPods: expected,
      observedGeneration: generation,
      conditions,
    };
    if (JSON.stringify(status) === JSON.stringify(st)) continue;
    const first = st.observedGeneration === undefined;
    putObject(state, 'poddisruptionbudgets', { ...pdb, status });
    if (first && pods.length === 0) {
      recordEvent(state, ctx, pdb, { type: 'Normal', reason: 'NoPods', message: 'No matching pods found', component: 'controllermanager' });
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// The horizontal pod autoscaler controller, without a metrics source

const NO_METRICS_API = 'the server could not find the requested resource (get pods.metrics.k8s.io)';

/** What the replica calculator reports for one metric when the resource metrics API is absent. */
function metricError(m: Any): { reason: string; error: string } {
  switch (m?.type) {
    case 'Resource':
    case 'ContainerResource': {
      const src = m.type === 'Resource' ? m.resource : m.containerResource;
      const name = String(src?.name ?? '');
      const kind = src?.target?.type === 'Utilization' ? 'utilization' : 'usage';
      const base = `failed to get ${name} ${kind}: unable to get metrics for resource ${name}: unable to fetch metrics from resource metrics API: ${NO_METRICS_API}`;
      const reason = m.type === 'Resource' ? 'FailedGetResourceMetric' : 'FailedGetContainerResourceMetric';
      return { reason, error: m.type === 'Resource' ? base : base };
    }
    case 'Pods':
      return { reason: 'FailedGetPodsMetric', error: `unable to get metric ${m.pods?.metric?.name ?? ''}: unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered` };
    case 'Object':
      return { reason: 'FailedGetObjectMetric', error: `unable to get metric ${m.object?.metric?.name ?? ''}: ${m.object?.describedObject?.kind ?? ''} on ${''}/${m.object?.describedObject?.name ?? ''}/unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered` };
    case 'External':
      return { reason: 'FailedGetExternalMetric', error: `unable to get external metric ${''}/${m.external?.metric?.name ?? ''}/nil: unable to fetch metrics from external metrics API: no external metrics API (external.metrics.k8s.io) registered` };
    default:
      return { reason: 'InvalidMetricSourceType', error: `unknown metric source type "${m?.type ?? ''}"` };
  }
}

/** The "failed to get <name> resource metric value" wrapper computeReplicasForMetrics puts around a Resource error. */
function wrapped(m: Any, error: string): string {
  if (m?.type === 'Resource') return `failed to get ${m.resource?.name ?? ''} resource metric value: ${error}`;
  if (m?.type === 'ContainerResource') return `failed to get ${m.containerResource?.name ?? ''} container metric value: ${error}`;
  if (m?.type === 'Pods') return `failed to get pods metric value: ${error}`;
  if (m?.type === 'Object') return `failed to get object metric value: ${error}`;
  if (m?.type === 'External') return `failed to get external metric value: ${error}`;
  return error;
}

export function runHorizontalPodAutoscalerController(state: ClusterState, ctx: Ctx, r: Round): void {
  for (const hpa of queued(state, r, 'horizontalpodautoscalers')) {
    const spec = (hpa.spec ?? {}) as Any;
    const ns = hpa.metadata.namespace ?? 'default';
    const ref = spec.scaleTargetRef ?? {};
    const st = (hpa.status ?? {}) as Any;
    const now = rfc3339(ctx.clock.now());
    let conditions: Condition[] = st.conditions ?? [];
    const events: { reason: string; message: string }[] = [];
    const normalEvents: { reason: string; message: string }[] = [];
    const status: Any = { ...st };
    const info = resourceForKind(ref.apiVersion, ref.kind);
    const target = info && SCALABLE.includes(info.resource) ? getObject(state, info.resource, ns, String(ref.name ?? '')) : undefined;
    if (!target) {
      const group = String(ref.apiVersion ?? '').includes('/') ? String(ref.apiVersion).split('/')[0] : '';
      const res = info?.resource ?? `${String(ref.kind ?? '').toLowerCase()}s`;
      const err = info && SCALABLE.includes(info.resource) ? `${res}/scale${group ? `.${group}` : ''} "${ref.name ?? ''}" not found` : `no matches for kind "${ref.kind ?? ''}" in group "${group}"`;
      conditions = setCondition(conditions, { type: 'AbleToScale', status: 'False', reason: 'FailedGetScale', message: `the HPA controller was unable to get the target's current scale: ${err}` }, now);
      events.push({ reason: 'FailedGetScale', message: err });
    } else {
      const current = ((target.status as Any)?.replicas as number | undefined) ?? 0;
      status.currentReplicas = current;
      conditions = setCondition(conditions, { type: 'AbleToScale', status: 'True', reason: 'SucceededGetScale', message: "the HPA controller was able to get the target's current scale" }, now);
      const min = spec.minReplicas ?? 1;
      const max = spec.maxReplicas ?? 0;
      const bound = current > max ? { to: max, why: 'Current number of replicas above Spec.MaxReplicas' } : current < min ? { to: min, why: 'Current number of replicas below Spec.MinReplicas' } : undefined;
      if (current === 0 && min !== 0) {
        conditions = setCondition(conditions, { type: 'ScalingActive', status: 'False', reason: 'ScalingDisabled', message: 'scaling is disabled since the replica count of the target is zero' }, now);
      } else if (bound && info) {
        // Out of bounds: the controller scales the target before it looks at any metric.
        const scaled = structuredClone(target) as Any;
        scaled.spec = { ...(scaled.spec ?? {}), replicas: bound.to };
        updateObject(state, ctx, scaled, { namespace: ns, reconcile: false });
        conditions = setCondition(conditions, { type: 'AbleToScale', status: 'True', reason: 'SucceededRescale', message: `the HPA controller was able to update the target scale to ${bound.to}` }, now);
        status.desiredReplicas = bound.to;
        status.lastScaleTime = now;
        delete status.currentMetrics;
        normalEvents.push({ reason: 'SuccessfulRescale', message: `New size: ${bound.to}; reason: ${bound.why}` });
      } else {
        const metrics: Any[] = spec.metrics ?? [];
        const errs = metrics.map(metricError);
        status.currentMetrics = metrics.map(() => ({ type: '' }));
        const first = errs[0];
        if (first) {
          conditions = setCondition(conditions, { type: 'ScalingActive', status: 'False', reason: first.reason, message: `the HPA was unable to compute the replica count: ${first.error}` }, now);
          for (const e of errs) events.push({ reason: e.reason, message: e.error });
          const firstErr = wrapped(metrics[0], first.error);
          events.push({ reason: 'FailedComputeMetricsReplicas', message: `invalid metrics (${errs.length} invalid out of ${metrics.length}), first error is: ${firstErr}` });
        }
      }
    }
    status.desiredReplicas ??= 0;
    status.conditions = conditions;
    if (JSON.stringify(status) === JSON.stringify(st)) continue;
    putObject(state, 'horizontalpodautoscalers', { ...hpa, status });
    const stored = getObject(state, 'horizontalpodautoscalers', ns, hpa.metadata.name) ?? hpa;
    for (const e of normalEvents) recordEvent(state, ctx, stored, { type: 'Normal', reason: e.reason, message: e.message, component: 'horizontal-pod-autoscaler' });
    for (const e of events) recordEvent(state, ctx, stored, { type: 'Warning', reason: e.reason, message: e.message, component: 'horizontal-pod-autoscaler' });
  }
}

// ---------------------------------------------------------------------------------------------------------
// The resource quota controller: status.hard mirrors spec.hard, status.used counts what the namespace holds

/** Object counts a quota can name directly (the rest as count/<resource>[.<group>]). */
const COUNTED: Record<string, string> = {
  services: 'services',
  configmaps: 'configmaps',
  secrets: 'secrets',
  replicationcontrollers: 'replicationcontrollers',
  resourcequotas: 'resourcequotas',
  persistentvolumeclaims: 'persistentvolumeclaims',
};

type Sum = Map<string, Quantity>;

function addTo(sum: Sum, key: string, v: unknown): void {
  const q = parseQuantity(v);
  if (!q) return;
  const had = sum.get(key);
  sum.set(key, had ? addQuantity(had, q) : q);
}

/** resourcehelper.PodRequests / PodLimits over the resources a quota names (containers summed, init containers as a maximum). */
function podUsage(p: PodObj, which: 'requests' | 'limits'): Sum {
  const sum: Sum = new Map();
  for (const c of p.spec?.containers ?? []) for (const [k, v] of Object.entries((c.resources as Any)?.[which] ?? {})) addTo(sum, k, v);
  for (const c of p.spec?.initContainers ?? []) {
    for (const [k, v] of Object.entries((c.resources as Any)?.[which] ?? {})) {
      const q = parseQuantity(v);
      const had = sum.get(k);
      if (q && (!had || cmpQuantity(q, had) > 0)) sum.set(k, q);
    }
  }
  for (const [k, v] of Object.entries((p.spec as Any)?.overhead ?? {})) addTo(sum, k, v);
  return sum;
}

function quotaUsed(state: ClusterState, r: Round, ns: string, hard: Record<string, unknown>): Record<string, string> {
  const keys = Object.keys(hard);
  const used = new Map<string, Quantity>();
  const needPods = keys.some((k) => k === 'pods' || k === 'count/pods' || /^(requests\.|limits\.)?(cpu|memory|ephemeral-storage)$/.test(k) || k.startsWith('requests.') || k.startsWith('limits.'));
  if (needPods) {
    let count = 0;
    for (const p of r.pods.list(ns)) {
      if (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
      count++;
      for (const [k, q] of podUsage(p, 'requests')) {
        addTo(used, `requests.${k}`, formatQuantity(q));
        if (k === 'cpu' || k === 'memory' || k === 'ephemeral-storage') addTo(used, k, formatQuantity(q));
      }
      for (const [k, q] of podUsage(p, 'limits')) addTo(used, `limits.${k}`, formatQuantity(q));
    }
    used.set('pods', { nano: BigInt(count) * 1_000_000_000n, format: 'DecimalSI' });
    used.set('count/pods', { nano: BigInt(count) * 1_000_000_000n, format: 'DecimalSI' });
  }
  const countOf = (resource: string) => state.objects.keys(resource).filter((k) => k.startsWith(`${ns}/`)).length;
  const out: Record<string, string> = {};
  for (const k of Object.keys(hard).sort()) {
    let n: number | undefined;
    const countMatch = /^count\/([^.]+)(?:\.(.+))?$/.exec(k);
    if (own(COUNTED, k)) n = countOf(COUNTED[k]);
    else if (countMatch && countMatch[1] !== 'pods') {
      const info = RESOURCES.find((x) => x.resource === countMatch[1] && x.group === (countMatch[2] ?? ''));
      n = info ? countOf(info.resource) : 0;
    } else if (k === 'services.nodeports' || k === 'services.loadbalancers') {
      n = 0;
      for (const svc of listObjects(state, 'services', ns)) {
        const spec = (svc.spec ?? {}) as Any;
        if (k === 'services.loadbalancers') n += spec.type === 'LoadBalancer' ? 1 : 0;
        else if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') n += (spec.ports ?? []).filter((pt: Any) => pt.nodePort).length;
      }
    }
    const q = n !== undefined ? { nano: BigInt(n) * 1_000_000_000n, format: 'DecimalSI' as const } : used.get(k);
    out[k] = q ? formatQuantity(q) : '0';
  }
  return out;
}

export function runResourceQuotaController(state: ClusterState, _ctx: Ctx, r: Round): void {
  for (const rq of queued(state, r, 'resourcequotas')) {
    const ns = rq.metadata.namespace ?? 'default';
    const hardIn = ((rq.spec as Any)?.hard ?? {}) as Record<string, unknown>;
    const hard: Record<string, string> = {};
    for (const k of Object.keys(hardIn).sort()) hard[k] = canonicalQuantity(hardIn[k]);
    const status = { hard, used: quotaUsed(state, r, ns, hardIn) };
    if (JSON.stringify(status) === JSON.stringify(rq.status ?? {})) continue;
    putObject(state, 'resourcequotas', { ...rq, status });
  }
}
