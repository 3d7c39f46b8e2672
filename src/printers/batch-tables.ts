// The API server's table printers for batch/v1 (printJob, printCronJob in printers.go, v1.32).
// Self-contained (tables.ts spreads these into its table), so that it imports nothing back from tables.ts.
import type { KubeObject, LabelSelector } from '../api/types.js';
import { humanDuration } from '../util/duration.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

interface Handler {
  columns: { name: string; priority: 0 | 1 }[];
  nameColumn: number;
  row(obj: KubeObject, now: Date): string[];
}

function cols(normal: string[], wide: string[]): Handler['columns'] {
  return [...normal.map((name) => ({ name, priority: 0 as const })), ...wide.map((name) => ({ name, priority: 1 as const }))];
}

function since(ts: string | undefined | null, now: Date): string {
  if (!ts) return '<unknown>';
  const t = Date.parse(ts);
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now.getTime() - t);
}

function containerCells(containers: Any[] | undefined): [string, string] {
  const cs = containers ?? [];
  return [cs.map((c) => c.name ?? '').join(','), cs.map((c) => c.image ?? '').join(',')];
}

/** metav1.FormatLabelSelector: requirements sorted by key, or <none>. */
function formatSelector(sel: LabelSelector | undefined | null): string {
  if (!sel) return '<none>';
  const reqs: [string, string][] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push([k, `${k}=${v}`]);
  for (const e of sel.matchExpressions ?? []) {
    const vals = [...new Set(e.values ?? [])].sort().join(',');
    if (e.operator === 'In') reqs.push([e.key, `${e.key} in (${vals})`]);
    else if (e.operator === 'NotIn') reqs.push([e.key, `${e.key} notin (${vals})`]);
    else if (e.operator === 'Exists') reqs.push([e.key, e.key]);
    else if (e.operator === 'DoesNotExist') reqs.push([e.key, `!${e.key}`]);
  }
  reqs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const s = reqs.map((r) => r[1]).join(',');
  return s === '' ? '<none>' : s;
}

function hasCondition(o: Any, type: string): boolean {
  return (o.status?.conditions ?? []).some((c: Any) => c.type === type && c.status === 'True');
}

export function jobRow(j: Any, now: Date): string[] {
  const st = j.status ?? {};
  const succeeded = st.succeeded ?? 0;
  let completions: string;
  if (typeof j.spec?.completions === 'number') completions = `${succeeded}/${j.spec.completions}`;
  else {
    const parallelism = j.spec?.parallelism ?? 0;
    completions = parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
  }
  let duration = '';
  if (st.startTime) {
    const start = Date.parse(st.startTime);
    duration = humanDuration((st.completionTime ? Date.parse(st.completionTime) : now.getTime()) - start);
  }
  let status = 'Running';
  if (hasCondition(j, 'Complete')) status = 'Complete';
  else if (hasCondition(j, 'Failed')) status = 'Failed';
  else if (j.metadata?.deletionTimestamp) status = 'Terminating';
  else if (hasCondition(j, 'Suspended')) status = 'Suspended';
  else if (hasCondition(j, 'FailureTarget')) status = 'FailureTarget';
  const [names, images] = containerCells(j.spec?.template?.spec?.containers);
  return [j.metadata.name, status, completions, duration, since(j.metadata.creationTimestamp, now), names, images, formatSelector(j.spec?.selector)];
}

export function cronJobRow(c: Any, now: Date): string[] {
  const last = c.status?.lastScheduleTime ? since(c.status.lastScheduleTime, now) : '<none>';
  const suspend = c.spec?.suspend === undefined ? '<unset>' : c.spec.suspend ? 'True' : 'False';
  const [names, images] = containerCells(c.spec?.jobTemplate?.spec?.template?.spec?.containers);
  return [c.metadata.name, c.spec?.schedule ?? '', c.spec?.timeZone ?? '<none>', suspend, String((c.status?.active ?? []).length), last, since(c.metadata.creationTimestamp, now), names, images, formatSelector(c.spec?.jobTemplate?.spec?.selector)];
}

export const BATCH_TABLES: Record<string, Handler> = {
  jobs: { columns: cols(['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE'], ['CONTAINERS', 'IMAGES', 'SELECTOR']), nameColumn: 0, row: jobRow },
  cronjobs: { columns: cols(['NAME', 'SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE'], ['CONTAINERS', 'IMAGES', 'SELECTOR']), nameColumn: 0, row: cronJobRow },
};
