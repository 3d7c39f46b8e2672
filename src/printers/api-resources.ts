// `kubectl api-resources`: what kubesim serves, as discovery lists it, in kubectl's columns.
import { CommandError } from '../api/errors.js';
import { RESOURCES, apiVersionOf, type ResourceInfo } from '../api/resources.js';
import { formatTable } from './tabwriter.js';

/** Discovery categories: `kubectl get all` expands "all". */
export const CATEGORIES: Record<string, string[]> = {
  pods: ['all'],
  replicationcontrollers: ['all'],
  services: ['all'],
  deployments: ['all'],
  replicasets: ['all'],
  cronjobs: ['all'],
  jobs: ['all'],
  daemonsets: ['all'],
  statefulsets: ['all'],
  horizontalpodautoscalers: ['all'],
};

export interface APIResourcesOptions {
  output?: string;
  /** undefined: both scopes (the flag was not given) */
  namespaced?: boolean;
  apiGroup?: string;
  verbs?: string[];
  categories?: string[];
  sortBy?: string;
  noHeaders?: boolean;
}

export function apiResources(o: APIResourcesOptions): string {
  if (o.output && o.output !== 'wide' && o.output !== 'name') throw new CommandError(`--output ${o.output} is not available`);
  if (o.sortBy && o.sortBy !== 'name' && o.sortBy !== 'kind') throw new CommandError(`--sort-by accepts only name or kind`);
  let list: ResourceInfo[] = RESOURCES.filter((r) => {
    if (o.namespaced !== undefined && r.namespaced !== o.namespaced) return false;
    if (o.apiGroup !== undefined && r.group !== o.apiGroup) return false;
    if (o.verbs?.length && !o.verbs.every((v) => r.verbs.includes(v))) return false;
    if (o.categories?.length && !o.categories.every((c) => (CATEGORIES[r.resource] ?? []).includes(c))) return false;
    return true;
  });
  // a stable sort by group (core first), or by the chosen field
  const key = (r: ResourceInfo) => (o.sortBy === 'name' ? r.resource : o.sortBy === 'kind' ? r.kind : r.group);
  list = list.map((r, i) => ({ r, i })).sort((a, b) => (key(a.r) < key(b.r) ? -1 : key(a.r) > key(b.r) ? 1 : a.i - b.i)).map((x) => x.r);
  if (o.output === 'name') return list.map((r) => (r.group ? `${r.resource}.${r.group}\n` : `${r.resource}\n`)).join('');
  const wide = o.output === 'wide';
  const rows: string[][] = [];
  if (!o.noHeaders) rows.push(['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND', ...(wide ? ['VERBS', 'CATEGORIES'] : [])]);
  for (const r of list) {
    const row = [r.resource, r.shortNames.join(','), apiVersionOf(r), String(r.namespaced), r.kind];
    if (wide) row.push(r.verbs.join(','), (CATEGORIES[r.resource] ?? []).join(','));
    rows.push(row);
  }
  return formatTable(rows);
}
