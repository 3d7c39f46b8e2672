// kubectl's describers for the policy, RBAC, autoscaling, scheduling and quota kinds
// (HorizontalPodAutoscalerDescriber (v2), PodDisruptionBudgetDescriber, Role/ClusterRole and their bindings,
// PriorityClassDescriber, ResourceQuotaDescriber, LimitRangeDescriber).
import type { KubeObject } from '../../api/types.js';
import { canonicalQuantity } from '../../api/quantity.js';
import { formatLabels } from '../../api/labels.js';
import { selectorString } from '../tables.js';
import { intOrString } from '../policy-tables.js';
import { describeEvents, LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3, printAnnotationsMultiline, printLabelsMultiline, sortedKeys, tabbedString, type DescribeClock, type PrefixWriter } from './writer.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

const q = (v: unknown) => (v === undefined || v === null ? '0' : canonicalQuantity(v));

function describeHPA(hpa: Any, events: KubeObject[] | undefined, clock: DescribeClock): string {
  return tabbedString((w) => {
    const spec = hpa.spec ?? {};
    const cur: Any[] = hpa.status?.currentMetrics ?? [];
    const ref = spec.scaleTargetRef ?? {};
    w.write(LEVEL_0, `Name:\t${hpa.metadata.name}\n`);
    w.write(LEVEL_0, `Namespace:\t${hpa.metadata.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', hpa.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', hpa.metadata.annotations);
    w.write(LEVEL_0, `CreationTimestamp:\t${w.time(hpa.metadata.creationTimestamp)}\n`);
    w.write(LEVEL_0, `Reference:\t${ref.kind ?? ''}/${ref.name ?? ''}\n`);
    w.write(LEVEL_0, 'Metrics:\t( current / target )\n');
    (spec.metrics ?? []).forEach((m: Any, i: number) => {
      const s = cur[i];
      switch (m.type) {
        case 'External': {
          const t = m.external?.target ?? {};
          if (t.averageValue !== undefined) {
            const c = s?.external?.current?.averageValue !== undefined ? q(s.external.current.averageValue) : '<unknown>';
            w.write(LEVEL_1, `${JSON.stringify(m.external?.metric?.name ?? '')} (target average value):\t${c} / ${q(t.averageValue)}\n`);
          } else {
            const c = s?.external ? q(s.external.current?.value) : '<unknown>';
            w.write(LEVEL_1, `${JSON.stringify(m.external?.metric?.name ?? '')} (target value):\t${c} / ${q(t.value)}\n`);
          }
          break;
        }
        case 'Pods': {
          const c = s?.pods ? q(s.pods.current?.averageValue) : '<unknown>';
          w.write(LEVEL_1, `${JSON.stringify(m.pods?.metric?.name ?? '')} on pods:\t${c} / ${q(m.pods?.target?.averageValue)}\n`);
          break;
        }
        case 'Object': {
          const o = m.object ?? {};
          w.write(LEVEL_1, `"${o.metric?.name ?? ''}" on ${o.describedObject?.kind ?? ''}/${o.describedObject?.name ?? ''} `);
          if (o.target?.type === 'AverageValue') {
            const c = s?.object ? q(s.object.current?.averageValue) : '<unknown>';
            w.write(LEVEL_0, `(target average value):\t${c} / ${q(o.target?.averageValue)}\n`);
          } else {
            const c = s?.object ? q(s.object.current?.value) : '<unknown>';
            w.write(LEVEL_0, `(target value):\t${c} / ${q(o.target?.value)}\n`);
          }
          break;
        }
        case 'Resource':
        case 'ContainerResource': {
          const src = m.type === 'Resource' ? m.resource : m.containerResource;
          const st = m.type === 'Resource' ? s?.resource : s?.containerResource;
          if (m.type === 'Resource') w.write(LEVEL_1, `resource ${src?.name ?? ''} on pods`);
          else w.write(LEVEL_1, `resource ${src?.name ?? ''} of container "${src?.container ?? ''}" on pods`);
          const t = src?.target ?? {};
          if (t.averageValue !== undefined) {
            const c = st ? q(st.current?.averageValue) : '<unknown>';
            w.write(LEVEL_0, `:\t${c} / ${q(t.averageValue)}\n`);
          } else {
            const c = st?.current?.averageUtilization !== undefined ? `${st.current.averageUtilization}% (${q(st.current.averageValue)})` : '<unknown>';
            const target = t.averageUtilization !== undefined ? `${t.averageUtilization}%` : '<auto>';
            w.write(LEVEL_1, `(as a percentage of request):\t${c} / ${target}\n`);
          }
          break;
        }
        default:
          w.write(LEVEL_1, `<unknown metric type ${JSON.stringify(String(m.type ?? ''))}>\n`);
      }
    });
    w.write(LEVEL_0, `Min replicas:\t${spec.minReplicas !== undefined ? spec.minReplicas : '<unset>'}\n`);
    w.write(LEVEL_0, `Max replicas:\t${spec.maxReplicas ?? 0}\n`);
    if (spec.behavior) {
      w.write(LEVEL_0, 'Behavior:\n');
      directionBehavior(w, 'Scale Up', spec.behavior.scaleUp);
      directionBehavior(w, 'Scale Down', spec.behavior.scaleDown);
    }
    w.write(LEVEL_0, `${ref.kind ?? ''} pods:\t`);
    w.write(LEVEL_0, `${hpa.status?.currentReplicas ?? 0} current / ${hpa.status?.desiredReplicas ?? 0} desired\n`);
    const conds: Any[] = hpa.status?.conditions ?? [];
    if (conds.length) {
      w.write(LEVEL_0, 'Conditions:\n');
      w.write(LEVEL_1, 'Type\tStatus\tReason\tMessage\n');
      w.write(LEVEL_1, '----\t------\t------\t-------\n');
      for (const c of conds) w.write(LEVEL_1, `${c.type ?? ''}\t${c.status ?? ''}\t${c.reason ?? ''}\t${c.message ?? ''}\n`);
    }
    if (events) describeEvents(events, w, clock.now);
  }, clock.zone);
}

function directionBehavior(w: PrefixWriter, direction: string, rules: Any): void {
  if (!rules) return;
  w.write(LEVEL_1, `${direction}:\n`);
  if (rules.stabilizationWindowSeconds !== undefined) w.write(LEVEL_2, `Stabilization Window: ${rules.stabilizationWindowSeconds} seconds\n`);
  if (rules.policies?.length) {
    w.write(LEVEL_2, `Select Policy: ${rules.selectPolicy ?? 'Max'}\n`);
    w.write(LEVEL_2, 'Policies:\n');
    for (const p of rules.policies) w.write(LEVEL_3, `- Type: ${p.type ?? ''}\tValue: ${p.value ?? 0}\tPeriod: ${p.periodSeconds ?? 0} seconds\n`);
  }
}

function describePDB(pdb: Any, events: KubeObject[] | undefined, clock: DescribeClock): string {
  return tabbedString((w) => {
    const spec = pdb.spec ?? {};
    const st = pdb.status ?? {};
    w.write(LEVEL_0, `Name:\t${pdb.metadata.name}\n`);
    w.write(LEVEL_0, `Namespace:\t${pdb.metadata.namespace ?? ''}\n`);
    if (spec.minAvailable !== undefined) w.write(LEVEL_0, `Min available:\t${intOrString(spec.minAvailable)}\n`);
    else if (spec.maxUnavailable !== undefined) w.write(LEVEL_0, `Max unavailable:\t${intOrString(spec.maxUnavailable)}\n`);
    if (spec.selector) {
      const sel = selectorString(spec.selector);
      w.write(LEVEL_0, `Selector:\t${sel === '' ? '<none>' : sel}\n`);
    } else w.write(LEVEL_0, 'Selector:\t<unset>\n');
    w.write(LEVEL_0, 'Status:\n');
    w.write(LEVEL_2, `Allowed disruptions:\t${st.disruptionsAllowed ?? 0}\n`);
    w.write(LEVEL_2, `Current:\t${st.currentHealthy ?? 0}\n`);
    w.write(LEVEL_2, `Desired:\t${st.desiredHealthy ?? 0}\n`);
    w.write(LEVEL_2, `Total:\t${st.expectedPods ?? 0}\n`);
    if (events) describeEvents(events, w, clock.now);
  }, clock.zone);
}

interface Rule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
}

const arr = (v: unknown): string[] => (Array.isArray(v) ? v.map((x) => String(x)) : []);
const goList = (l: string[]) => `[${l.join(' ')}]`;
/** rbacv1.PolicyRule.String(), the key kubectl sorts the rules by. */
const ruleString = (r: Rule) =>
  `&PolicyRule{Verbs:${goList(r.verbs)},APIGroups:${goList(r.apiGroups)},Resources:${goList(r.resources)},ResourceNames:${goList(r.resourceNames)},NonResourceURLs:${goList(r.nonResourceURLs)},}`;

/** rbac.BreakdownRule, then CompactRules, sorted as SortableRuleSlice sorts them. */
export function compactRules(rulesIn: unknown): Rule[] {
  const broken: Rule[] = [];
  for (const r of Array.isArray(rulesIn) ? (rulesIn as Any[]) : []) {
    const verbs = arr(r?.verbs);
    const names = arr(r?.resourceNames);
    for (const g of arr(r?.apiGroups)) {
      for (const res of arr(r?.resources)) {
        if (names.length) for (const n of names) broken.push({ verbs, apiGroups: [g], resources: [res], resourceNames: [n], nonResourceURLs: [] });
        else broken.push({ verbs, apiGroups: [g], resources: [res], resourceNames: [], nonResourceURLs: [] });
      }
    }
    // kubectl 1.32 breaks every rule down per verb too; only the resource rules are merged back
    for (const u of arr(r?.nonResourceURLs)) for (const v of verbs) broken.push({ verbs: [v], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: [u] });
  }
  const compacted: Rule[] = [];
  const simple = new Map<string, Rule>();
  for (const r of broken) {
    if (r.nonResourceURLs.length === 0 && r.apiGroups.length === 1 && r.resources.length === 1 && r.resourceNames.length <= 1) {
      const key = JSON.stringify([r.apiGroups[0], r.resources[0], r.resourceNames[0] ?? null]);
      const had = simple.get(key);
      if (had) {
        for (const v of r.verbs) if (!had.verbs.includes(v)) had.verbs.push(v);
      } else simple.set(key, { ...r, verbs: [...r.verbs] });
    } else compacted.push(r);
  }
  compacted.push(...simple.values());
  const keyed = compacted.map((r, i) => ({ r, i, s: ruleString(r) }));
  keyed.sort((a, b) => (a.s < b.s ? -1 : a.s > b.s ? 1 : a.i - b.i));
  return keyed.map((k) => k.r);
}

/** CombineResourceGroup: `resource.group/subresource`. */
function combineResourceGroup(resources: string[], groups: string[]): string {
  if (resources.length === 0) return '';
  const i = resources[0].indexOf('/');
  let out = i < 0 ? resources[0] : resources[0].slice(0, i);
  if (groups.length && groups[0] !== '') out += `.${groups[0]}`;
  if (i >= 0) out += `/${resources[0].slice(i + 1)}`;
  return out;
}

function describeRole(role: Any, clock: DescribeClock): string {
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${role.metadata.name}\n`);
    printLabelsMultiline(w, 'Labels', role.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', role.metadata.annotations);
    w.write(LEVEL_0, 'PolicyRule:\n');
    w.write(LEVEL_1, 'Resources\tNon-Resource URLs\tResource Names\tVerbs\n');
    w.write(LEVEL_1, '---------\t-----------------\t--------------\t-----\n');
    for (const r of compactRules(role.rules)) {
      w.write(LEVEL_1, `${combineResourceGroup(r.resources, r.apiGroups)}\t${goList(r.nonResourceURLs)}\t${goList(r.resourceNames)}\t${goList(r.verbs)}\n`);
    }
  }, clock.zone);
}

function describeBinding(b: Any, clock: DescribeClock): string {
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${b.metadata.name}\n`);
    printLabelsMultiline(w, 'Labels', b.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', b.metadata.annotations);
    w.write(LEVEL_0, 'Role:\n');
    w.write(LEVEL_1, `Kind:\t${b.roleRef?.kind ?? ''}\n`);
    w.write(LEVEL_1, `Name:\t${b.roleRef?.name ?? ''}\n`);
    w.write(LEVEL_0, 'Subjects:\n');
    w.write(LEVEL_1, 'Kind\tName\tNamespace\n');
    w.write(LEVEL_1, '----\t----\t---------\n');
    for (const s of b.subjects ?? []) w.write(LEVEL_1, `${s.kind ?? ''}\t${s.name ?? ''}\t${s.namespace ?? ''}\n`);
  }, clock.zone);
}

function describePriorityClass(pc: Any, events: KubeObject[] | undefined, clock: DescribeClock): string {
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${pc.metadata.name}\n`);
    w.write(LEVEL_0, `Value:\t${pc.value ?? 0}\n`);
    w.write(LEVEL_0, `GlobalDefault:\t${pc.globalDefault === true}\n`);
    w.write(LEVEL_0, `PreemptionPolicy:\t${pc.preemptionPolicy ?? ''}\n`);
    w.write(LEVEL_0, `Description:\t${pc.description ?? ''}\n`);
    w.write(LEVEL_0, `Annotations:\t${formatLabels(pc.metadata.annotations)}\n`);
    if (events) describeEvents(events, w, clock.now);
  }, clock.zone);
}

function describeResourceQuota(rq: Any, clock: DescribeClock): string {
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${rq.metadata.name}\n`);
    w.write(LEVEL_0, `Namespace:\t${rq.metadata.namespace ?? ''}\n`);
    const scopes = arr(rq.spec?.scopes).sort();
    if (scopes.length) w.write(LEVEL_0, `Scopes:\t${scopes.join(', ')}\n`);
    w.write(LEVEL_0, 'Resource\tUsed\tHard\n');
    w.write(LEVEL_0, '--------\t----\t----\n');
    const hard = rq.status?.hard ?? {};
    for (const name of sortedKeys(hard)) w.write(LEVEL_0, `${name}\t${q(rq.status?.used?.[name])}\t${q(hard[name])}\n`);
  }, clock.zone);
}

/** describeLimitRangeSpec: a row per item and resource, each line after `prefix`. */
function limitRangeRows(w: PrefixWriter, lr: Any, prefix: string): void {
  for (const item of lr.spec?.limits ?? []) {
    const fields = [item.min, item.max, item.defaultRequest, item.default, item.maxLimitRequestRatio];
    // kubectl ranges over a Go map here (an unstable order); kubesim prints the resources sorted
    const names = [...new Set(fields.flatMap((f) => Object.keys(f ?? {})))].sort();
    for (const k of names) {
      const cells = fields.map((f) => (f && k in f ? q(f[k]) : '-'));
      w.write(LEVEL_0, `${prefix}${item.type ?? ''}\t${k}\t${cells.join('\t')}\n`);
    }
  }
}

function describeLimitRange(lr: Any, clock: DescribeClock): string {
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${lr.metadata.name}\n`);
    w.write(LEVEL_0, `Namespace:\t${lr.metadata.namespace ?? ''}\n`);
    w.write(LEVEL_0, 'Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n');
    w.write(LEVEL_0, '----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n');
    limitRangeRows(w, lr, '');
  }, clock.zone);
}

/** DescribeResourceQuotas and DescribeLimitRanges, as the namespace describer ends. */
export function namespaceQuotasAndLimits(w: PrefixWriter, quotas: KubeObject[], limitRanges: KubeObject[]): void {
  w.write(LEVEL_0, '\n');
  if (quotas.length === 0) w.write(LEVEL_0, 'No resource quota.\n');
  else {
    w.write(LEVEL_0, 'Resource Quotas\n');
    for (const rq of [...quotas].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0)) as Any[]) {
      w.write(LEVEL_1, `Name:\t${rq.metadata.name}\n`);
      const scopes = arr(rq.spec?.scopes).sort();
      if (scopes.length) w.write(LEVEL_1, `Scopes:\t${scopes.join(', ')}\n`);
      w.write(LEVEL_1, 'Resource\tUsed\tHard\n');
      w.write(LEVEL_1, '--------\t---\t---\n');
      const hard = rq.status?.hard ?? {};
      for (const name of sortedKeys(hard)) w.write(LEVEL_1, `${name}\t${q(rq.status?.used?.[name])}\t${q(hard[name])}\n`);
    }
  }
  w.write(LEVEL_0, '\n');
  if (limitRanges.length === 0) w.write(LEVEL_0, 'No LimitRange resource.\n');
  else {
    w.write(LEVEL_0, 'Resource Limits\n Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n');
    w.write(LEVEL_0, ' ----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n');
    for (const lr of limitRanges) limitRangeRows(w, lr, ' ');
  }
}

/** The describer for these kinds, or undefined for another kind. */
export function describePolicyObject(resource: string, obj: KubeObject, events: () => KubeObject[] | undefined, clock: DescribeClock): string | undefined {
  switch (resource) {
    case 'horizontalpodautoscalers':
      return describeHPA(obj, events(), clock);
    case 'poddisruptionbudgets':
      return describePDB(obj, events(), clock);
    case 'roles':
    case 'clusterroles':
      return describeRole(obj, clock);
    case 'rolebindings':
    case 'clusterrolebindings':
      return describeBinding(obj, clock);
    case 'priorityclasses':
      return describePriorityClass(obj, events(), clock);
    case 'resourcequotas':
      return describeResourceQuota(obj, clock);
    case 'limitranges':
      return describeLimitRange(obj, clock);
    default:
      return undefined;
  }
}
