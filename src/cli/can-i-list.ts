// `auth can-i --list`: kubectl's client side of a SelfSubjectRulesReview. It breaks every rule down to one verb,
// one group, one resource and one name (or one URL and one verb), merges the verbs of rules that then name the
// same single group/resource/name, sorts by the rules' text (Go's PolicyRule.String(), verbs first) and prints
// the table Resources / Non-Resource URLs / Resource Names / Verbs (docs/policy-rbac-facts.md).
import type { RulesReviewStatus } from '../cluster/rbac.js';
import { formatTable } from '../printers/tabwriter.js';

interface Rule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
}

const rule = (r: Partial<Rule>): Rule => ({ verbs: r.verbs ?? [], apiGroups: r.apiGroups ?? [], resources: r.resources ?? [], resourceNames: r.resourceNames ?? [], nonResourceURLs: r.nonResourceURLs ?? [] });

/** rbac's BreakdownRule. */
function breakdown(r: Rule): Rule[] {
  const out: Rule[] = [];
  for (const g of r.apiGroups) {
    for (const res of r.resources) {
      for (const v of r.verbs) {
        if (r.resourceNames.length) for (const n of r.resourceNames) out.push(rule({ apiGroups: [g], resources: [res], verbs: [v], resourceNames: [n] }));
        else out.push(rule({ apiGroups: [g], resources: [res], verbs: [v] }));
      }
    }
  }
  for (const u of r.nonResourceURLs) for (const v of r.verbs) out.push(rule({ nonResourceURLs: [u], verbs: [v] }));
  return out;
}

/** rbac's CompactRules: simple rules (one group, one resource, at most one name, no URLs) gather their verbs. */
function compact(rules: Rule[]): Rule[] {
  const out: Rule[] = [];
  const simple = new Map<string, Rule>();
  for (const r of rules) {
    const isSimple = r.resourceNames.length <= 1 && !r.nonResourceURLs.length && r.apiGroups.length === 1 && r.resources.length === 1;
    if (!isSimple) {
      out.push(r);
      continue;
    }
    const key = JSON.stringify([r.apiGroups[0], r.resources[0], r.resourceNames.length > 0, r.resourceNames[0] ?? '']);
    const seen = simple.get(key);
    if (!seen) simple.set(key, { ...r, verbs: [...r.verbs] });
    else for (const v of r.verbs) if (!seen.verbs.includes(v)) seen.verbs.push(v);
  }
  return [...out, ...simple.values()];
}

const goList = (xs: string[]) => `[${xs.join(' ')}]`;

/** The generated PolicyRule.String() kubectl sorts by. */
const ruleText = (r: Rule) =>
  `&PolicyRule{Verbs:${goList(r.verbs)},APIGroups:${goList(r.apiGroups)},Resources:${goList(r.resources)},ResourceNames:${goList(r.resourceNames)},NonResourceURLs:${goList(r.nonResourceURLs)},}`;

/** kubectl's CombineResourceGroup: resource.group, with a subresource after the group. */
function resourceGroup(resources: string[], groups: string[]): string {
  if (!resources.length) return '';
  const slash = resources[0].indexOf('/');
  let out = slash < 0 ? resources[0] : resources[0].slice(0, slash);
  if (groups.length && groups[0] !== '') out += `.${groups[0]}`;
  if (slash >= 0) out += resources[0].slice(slash);
  return out;
}

export function accessList(status: RulesReviewStatus, headers: boolean): string {
  const all = [...status.resourceRules.map((r) => rule(r)), ...status.nonResourceRules.map((r) => rule(r))];
  const rules = compact(all.flatMap(breakdown));
  const keyed = rules.map((r) => ({ r, k: ruleText(r) }));
  // A stable sort by byte order of the texts, as sort.Stable with strings.Compare.
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  const rows = keyed.map(({ r }) => [resourceGroup(r.resources, r.apiGroups), goList(r.nonResourceURLs), goList(r.resourceNames), goList(r.verbs)]);
  if (headers) rows.unshift(['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs']);
  return formatTable(rows);
}
