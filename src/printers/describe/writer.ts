// kubectl's PrefixWriter (indent levels of two spaces over a tabwriter) and the helpers every describer shares:
// multi-line labels, annotations, taints and tolerations, and the Events table.
import type { KubeObject } from '../../api/types.js';
import { humanDuration } from '../../util/duration.js';
import { TabWriter } from './tabwriter.js';

export const LEVEL_0 = 0;
export const LEVEL_1 = 1;
export const LEVEL_2 = 2;
export const LEVEL_3 = 3;

/** The user's time zone, as Go's time.Local: kubectl prints times in it. */
export interface TimeZone {
  /** Minutes east of UTC at that instant. */
  offset(d: Date): number;
  /** The zone's abbreviation at that instant, as Go prints it in time.Time.String() ("UTC", "CET"). */
  abbreviation(d: Date): string;
}

export const UTC_ZONE: TimeZone = { offset: () => 0, abbreviation: () => 'UTC' };

/** What describers read besides objects: the current time (ages) and the zone times are shown in. */
export interface DescribeClock {
  now: Date;
  zone: TimeZone;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function shifted(d: Date, zone: TimeZone): { local: Date; offset: number } {
  const offset = zone.offset(d);
  return { local: new Date(d.getTime() + offset * 60_000), offset };
}

function offsetText(offset: number): string {
  const abs = Math.abs(offset);
  return `${offset < 0 ? '-' : '+'}${pad(Math.trunc(abs / 60))}${pad(abs % 60)}`;
}

/** time.RFC1123Z in the zone: "Sun, 22 Nov 2026 01:21:35 +0000". */
export function formatRFC1123Z(d: Date, zone: TimeZone): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const { local: l, offset } = shifted(d, zone);
  return `${days[l.getUTCDay()]}, ${pad(l.getUTCDate())} ${months[l.getUTCMonth()]} ${l.getUTCFullYear()} ${pad(l.getUTCHours())}:${pad(l.getUTCMinutes())}:${pad(l.getUTCSeconds())} ${offsetText(offset)}`;
}

/** time.Time.String() of a metav1.Time (whole seconds): "2026-11-22 01:21:35 +0000 UTC". */
export function formatGoTime(d: Date, zone: TimeZone): string {
  const { local: l, offset } = shifted(d, zone);
  return `${l.getUTCFullYear()}-${pad(l.getUTCMonth() + 1)}-${pad(l.getUTCDate())} ${pad(l.getUTCHours())}:${pad(l.getUTCMinutes())}:${pad(l.getUTCSeconds())} ${offsetText(offset)} ${zone.abbreviation(d)}`;
}

export class PrefixWriter {
  private readonly tw = new TabWriter();
  readonly zone: TimeZone;

  constructor(zone: TimeZone = UTC_ZONE) {
    this.zone = zone;
  }

  /** A metav1.Time as describe prints it (RFC1123Z in the user's zone); the zero time for none. */
  time(t: string | undefined | null): string {
    return formatRFC1123Z(new Date(t ?? '0001-01-01T00:00:00Z'), this.zone);
  }

  /** Writes text at an indent level (level × two spaces), as `Write(level, format, ...)` does after Sprintf. */
  write(level: number, text: string): void {
    this.tw.write('  '.repeat(level) + escapeTerminal(text));
  }

  /** fmt.Sprintln of the arguments: joined by spaces, newline-terminated. */
  writeLine(...a: unknown[]): void {
    this.tw.write(escapeTerminal(a.map(String).join(' ') + '\n'));
  }

  flush(): void {
    this.tw.flush();
  }

  toString(): string {
    return this.tw.toString();
  }
}

/** printers.WriteEscaped: ESC shows as "^[" and CR as "\\r", so object data cannot drive the user's terminal. */
function escapeTerminal(s: string): string {
  return s.includes('\x1b') || s.includes('\r') ? s.replace(/\x1b/g, '^[').replace(/\r/g, '\\r') : s;
}

/** tabbedString: runs fn against a fresh writer and returns the aligned text. */
export function tabbedString(fn: (w: PrefixWriter) => void, zone: TimeZone = UTC_ZONE): string {
  const w = new PrefixWriter(zone);
  fn(w);
  return w.toString();
}

/** Go's sort.Strings order: byte-wise (UTF-16 code units agree for the ASCII keys Kubernetes allows). */
export function sortedKeys(m: Record<string, unknown> | undefined | null): string[] {
  return Object.keys(m ?? {}).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** printLabelsMultilineWithIndent. */
export function printLabelsMultiline(w: PrefixWriter, title: string, labels: Record<string, string> | undefined | null, initialIndent = '', innerIndent = '\t'): void {
  w.write(LEVEL_0, `${initialIndent}${title}:${innerIndent}`);
  const keys = sortedKeys(labels);
  if (keys.length === 0) {
    w.writeLine('<none>');
    return;
  }
  keys.forEach((key, i) => {
    if (i !== 0) {
      w.write(LEVEL_0, initialIndent);
      w.write(LEVEL_0, innerIndent);
    }
    w.write(LEVEL_0, `${key}=${labels![key]}\n`);
  });
}

const SKIP_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration']);
const MAX_ANNOTATION_LEN = 140;

/** printAnnotationsMultiline: long or multi-line values go on their own indented lines, cut at 138 + "...". */
export function printAnnotationsMultiline(w: PrefixWriter, title: string, annotations: Record<string, string> | undefined | null): void {
  w.write(LEVEL_0, `${title}:\t`);
  const keys = sortedKeys(annotations).filter((k) => !SKIP_ANNOTATIONS.has(k));
  if (keys.length === 0) {
    w.writeLine('<none>');
    return;
  }
  const indent = '\t';
  keys.forEach((key, i) => {
    if (i !== 0) w.write(LEVEL_0, indent);
    const value = annotations![key].replace(/\n$/, '');
    if (byteLength(value) + byteLength(key) + 2 > MAX_ANNOTATION_LEN || value.includes('\n')) {
      w.write(LEVEL_0, `${key}:\n`);
      for (const s of value.split('\n')) w.write(LEVEL_0, `${indent}  ${shorten(s, MAX_ANNOTATION_LEN - 2)}\n`);
    } else {
      w.write(LEVEL_0, `${key}: ${value}\n`);
    }
  });
}

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Go slices bytes: s[:max] + "...". */
function shorten(s: string, max: number): string {
  const b = Buffer.from(s, 'utf8');
  if (b.length > max) return b.subarray(0, max).toString('utf8') + '...';
  return s;
}

export interface Taint {
  key: string;
  value?: string;
  effect?: string;
}

/** corev1.Taint.ToString. */
export function taintString(t: Taint): string {
  if (!t.effect) return t.value ? `${t.key}=${t.value}:` : t.key;
  return t.value ? `${t.key}=${t.value}:${t.effect}` : `${t.key}:${t.effect}`;
}

/** printTaintsMultilineWithIndent: sorted by "effect,key". */
export function printTaintsMultiline(w: PrefixWriter, title: string, taints: Taint[] | undefined, initialIndent = '', innerIndent = '\t'): void {
  w.write(LEVEL_0, `${initialIndent}${title}:${innerIndent}`);
  if (!taints || taints.length === 0) {
    w.writeLine('<none>');
    return;
  }
  const key = (t: Taint) => `${t.effect ?? ''},${t.key}`;
  const sorted = [...taints].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  sorted.forEach((t, i) => {
    if (i !== 0) {
      w.write(LEVEL_0, initialIndent);
      w.write(LEVEL_0, innerIndent);
    }
    w.write(LEVEL_0, `${taintString(t)}\n`);
  });
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

/** printTolerationsMultilineWithIndent: sorted by key; `key=value:Effect op=Exists for 300s`. */
export function printTolerationsMultiline(w: PrefixWriter, title: string, tolerations: Toleration[] | undefined, initialIndent = '', innerIndent = '\t'): void {
  w.write(LEVEL_0, `${initialIndent}${title}:${innerIndent}`);
  if (!tolerations || tolerations.length === 0) {
    w.writeLine('<none>');
    return;
  }
  const sorted = [...tolerations].sort((a, b) => ((a.key ?? '') < (b.key ?? '') ? -1 : (a.key ?? '') > (b.key ?? '') ? 1 : 0));
  sorted.forEach((t, i) => {
    if (i !== 0) {
      w.write(LEVEL_0, initialIndent);
      w.write(LEVEL_0, innerIndent);
    }
    let s = t.key ?? '';
    if (t.value) s += `=${t.value}`;
    if (t.effect) s += `:${t.effect}`;
    if (t.operator === 'Exists' && !t.value) s += t.key || t.effect ? ' op=Exists' : 'op=Exists';
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null) s += ` for ${t.tolerationSeconds}s`;
    w.write(LEVEL_0, `${s}\n`);
  });
}

/** translateTimestampSince: HumanDuration since the time, or <unknown> for none. */
export function since(timestamp: string | undefined | null, now: Date): string {
  if (!timestamp) return '<unknown>';
  const t = new Date(timestamp).getTime();
  if (Number.isNaN(t) || t <= -62135596800000) return '<unknown>';
  return humanDuration(now.getTime() - t);
}

interface EventShape {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  eventTime?: string | null;
  series?: { count?: number; lastObservedTime?: string } | null;
  source?: { component?: string };
  reportingComponent?: string;
}

/** DescribeEvents: `Events:\t<none>`, or a flushed table sorted by lastTimestamp. */
export function describeEvents(events: KubeObject[], w: PrefixWriter, now: Date): void {
  if (events.length === 0) {
    w.write(LEVEL_0, 'Events:\t<none>\n');
    return;
  }
  w.flush();
  const ts = (e: EventShape) => (e.lastTimestamp ? new Date(e.lastTimestamp).getTime() : -Infinity);
  const sorted = (events as unknown as EventShape[]).slice().sort((a, b) => ts(a) - ts(b));
  w.write(LEVEL_0, 'Events:\n  Type\tReason\tAge\tFrom\tMessage\n');
  w.write(LEVEL_1, '----\t------\t----\t----\t-------\n');
  for (const e of sorted) {
    const first = e.eventTime ? since(e.eventTime, now) : since(e.firstTimestamp, now);
    let interval: string;
    if (e.series) interval = `${since(e.series.lastObservedTime, now)} (x${e.series.count ?? 0} over ${first})`;
    else if ((e.count ?? 0) > 1) interval = `${since(e.lastTimestamp, now)} (x${e.count} over ${first})`;
    else interval = first;
    // Go's ReportingController field is `reportingComponent` on the wire.
    const source = e.source?.component || e.reportingComponent || '';
    w.write(LEVEL_1, `${e.type ?? ''}\t${e.reason ?? ''}\t${interval}\t${source}\t${(e.message ?? '').trim()}\n`);
  }
}
