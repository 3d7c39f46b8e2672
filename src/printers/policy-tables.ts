// Table printers (pkg/printers/internalversion/printers.go) for the policy, RBAC, autoscaling, scheduling and
// quota kinds: HorizontalPodAutoscaler, PodDisruptionBudget, Role(Binding), ClusterRole(Binding),
// PriorityClass, ResourceQuota, LimitRange.
import type { KubeObject } from '../api/types.js';
import { canonicalQuantity } from '../api/quantity.js';
import { humanDuration } from '../util/duration.js';
import type { Column, TableHandler } from './tables.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

function cols(normal: string[], wide: string[] = []): Column[] {
  return [...normal.map((name) => ({ name, priority: 0 as const })), ...wide.map((name) => ({ name, priority: 1 as const }))];
}

function age(o: KubeObject, now: Date): string {
  const ts = o.metadata.creationTimestamp;
  const t = ts ? Date.parse(ts) : NaN;
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now.getTime() - t);
}

/** metav1.Time in UTC, RFC 3339 (the "Created At" column). */
function createdAt(o: KubeObject): string {
  const ts = o.metadata.creationTimestamp;
  const t = ts ? Date.parse(ts) : NaN;
  if (Number.isNaN(t)) return '0001-01-01T00:00:00Z';
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** An IntOrString as intstr.String() prints it. */
export function intOrString(v: unknown): string {
  return typeof v === 'number' ? String(v) : String(v ?? '');
}

function q(v: unknown): string {
  if (v === undefined || v === null) return '0';
  try {
    return canonicalQuantity(v);
  } catch {
    return String(v);
  }
}

/** formatHPAMetrics: each metric as `current/target`, at most two, then `+ N more...`. */
export function formatHPAMetrics(specs: Any[] | undefined, statuses: Any[] | undefined): string {
  if (!specs || specs.length === 0) return '<none>';
  const st = statuses ?? [];
  const list: string[] = [];
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i] ?? {};
    const s = st[i];
    switch (spec.type) {
      case 'External': {
        const t = spec.external?.target ?? {};
        if (t.averageValue !== undefined) {
          const cur = s?.external?.current?.averageValue !== undefined ? q(s.external.current.averageValue) : '<unknown>';
          list.push(`${cur}/${q(t.averageValue)} (avg)`);
        } else {
          const cur = s?.external ? q(s.external.current?.value) : '<unknown>';
          list.push(`${cur}/${q(t.value)}`);
        }
        break;
      }
      case 'Pods': {
        const cur = s?.pods ? q(s.pods.current?.averageValue) : '<unknown>';
        list.push(`${cur}/${q(spec.pods?.target?.averageValue)}`);
        break;
      }
      case 'Object': {
        const t = spec.object?.target ?? {};
        if (t.averageValue !== undefined) {
          const cur = s?.object?.current?.averageValue !== undefined ? q(s.object.current.averageValue) : '<unknown>';
          list.push(`${cur}/${q(t.averageValue)} (avg)`);
        } else {
          const cur = s?.object ? q(s.object.current?.value) : '<unknown>';
          list.push(`${cur}/${q(t.value)}`);
        }
        break;
      }
      case 'Resource':
      case 'ContainerResource': {
        const src = spec.type === 'Resource' ? spec.resource : spec.containerResource;
        const cur0 = spec.type === 'Resource' ? s?.resource : s?.containerResource;
        const t = src?.target ?? {};
        const name = String(src?.name ?? '');
        if (t.averageValue !== undefined) {
          const cur = cur0 ? q(cur0.current?.averageValue) : '<unknown>';
          list.push(`${name}: ${cur}/${q(t.averageValue)}`);
        } else {
          const cur = cur0?.current?.averageUtilization !== undefined ? `${cur0.current.averageUtilization}%` : '<unknown>';
          const target = t.averageUtilization !== undefined ? `${t.averageUtilization}%` : '<auto>';
          list.push(`${name}: ${cur}/${target}`);
        }
        break;
      }
      default:
        list.push('<unknown type>');
    }
  }
  const max = 2;
  if (list.length > max) return `${list.slice(0, max).join(', ')} + ${list.length - max} more...`;
  return list.join(', ');
}

/** rbac.SubjectsStrings: users, groups and service accounts (`namespace:name`) of a binding. */
export function subjectsStrings(subjects: Any[] | undefined): { users: string[]; groups: string[]; sas: string[]; others: string[] } {
  const out = { users: [] as string[], groups: [] as string[], sas: [] as string[], others: [] as string[] };
  for (const s of subjects ?? []) {
    if (s?.kind === 'ServiceAccount') out.sas.push(s.namespace ? `${s.namespace}:${s.name}` : String(s.name ?? ''));
    else if (s?.kind === 'User') out.users.push(String(s.name ?? ''));
    else if (s?.kind === 'Group') out.groups.push(String(s.name ?? ''));
    else out.others.push(String(s?.name ?? ''));
  }
  return out;
}

function bindingRow(b: Any, now: Date): string[] {
  const { users, groups, sas } = subjectsStrings(b.subjects);
  return [b.metadata.name, `${b.roleRef?.kind ?? ''}/${b.roleRef?.name ?? ''}`, age(b, now), users.join(', '), groups.join(', '), sas.join(', ')];
}

/** The order kubectl sorts resource names in (SortableResourceNames: plain string order). */
function sortedNames(m: Record<string, unknown> | undefined): string[] {
  return Object.keys(m ?? {}).sort();
}

export const POLICY_TABLES: Record<string, TableHandler> = {
  horizontalpodautoscalers: {
    columns: cols(['NAME', 'REFERENCE', 'TARGETS', 'MINPODS', 'MAXPODS', 'REPLICAS', 'AGE']),
    nameColumn: 0,
    row: (h: Any, now) => [
      h.metadata.name,
      `${h.spec?.scaleTargetRef?.kind ?? ''}/${h.spec?.scaleTargetRef?.name ?? ''}`,
      formatHPAMetrics(h.spec?.metrics, h.status?.currentMetrics),
      h.spec?.minReplicas !== undefined ? String(h.spec.minReplicas) : '<unset>',
      String(h.spec?.maxReplicas ?? 0),
      String(h.status?.currentReplicas ?? 0),
      age(h, now),
    ],
  },
  poddisruptionbudgets: {
    columns: cols(['NAME', 'MIN AVAILABLE', 'MAX UNAVAILABLE', 'ALLOWED DISRUPTIONS', 'AGE']),
    nameColumn: 0,
    row: (p: Any, now) => [
      p.metadata.name,
      p.spec?.minAvailable !== undefined ? intOrString(p.spec.minAvailable) : 'N/A',
      p.spec?.maxUnavailable !== undefined ? intOrString(p.spec.maxUnavailable) : 'N/A',
      String(p.status?.disruptionsAllowed ?? 0),
      age(p, now),
    ],
  },
  roles: { columns: cols(['NAME', 'CREATED AT']), nameColumn: 0, row: (r) => [r.metadata.name, createdAt(r)] },
  clusterroles: { columns: cols(['NAME', 'CREATED AT']), nameColumn: 0, row: (r) => [r.metadata.name, createdAt(r)] },
  rolebindings: { columns: cols(['NAME', 'ROLE', 'AGE'], ['USERS', 'GROUPS', 'SERVICEACCOUNTS']), nameColumn: 0, row: bindingRow },
  clusterrolebindings: { columns: cols(['NAME', 'ROLE', 'AGE'], ['USERS', 'GROUPS', 'SERVICEACCOUNTS']), nameColumn: 0, row: bindingRow },
  priorityclasses: {
    columns: cols(['NAME', 'VALUE', 'GLOBAL-DEFAULT', 'AGE', 'PREEMPTIONPOLICY']),
    nameColumn: 0,
    row: (p: Any, now) => [p.metadata.name, String(p.value ?? 0), String(p.globalDefault === true), age(p, now), String(p.preemptionPolicy ?? '')],
  },
  resourcequotas: {
    columns: cols(['NAME', 'AGE', 'REQUEST', 'LIMIT']),
    nameColumn: 0,
    row: (r: Any, now) => {
      const request: string[] = [];
      const limit: string[] = [];
      for (const name of sortedNames(r.spec?.hard)) {
        const pieces = name.split('.');
        const cell = `${name}: ${q(r.status?.used?.[name])}/${q(r.spec.hard[name])}`;
        (pieces.length > 1 && pieces[0] === 'limits' ? limit : request).push(cell);
      }
      return [r.metadata.name, age(r, now), request.join(', '), limit.join(', ')];
    },
  },
  limitranges: { columns: cols(['NAME', 'CREATED AT']), nameColumn: 0, row: (r) => [r.metadata.name, createdAt(r)] },
};
