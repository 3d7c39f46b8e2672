// One clock feeds every timestamp. Tests and CI scripts fix it with KUBESIM_NOW=<RFC3339>.
import { CommandError } from '../api/errors.js';
export interface Clock {
  now(): Date;
}

export function fixedClock(at: Date | string): Clock {
  const t = typeof at === 'string' ? new Date(at) : at;
  return { now: () => new Date(t.getTime()) };
}

export const systemClock: Clock = { now: () => new Date() };

/** The clock a command runs with: KUBESIM_NOW when set (must parse), else the system clock. */
export function clockFromEnv(env: NodeJS.ProcessEnv): Clock {
  const fixed = env.KUBESIM_NOW;
  if (fixed) {
    const t = parseRFC3339(fixed);
    if (!t) throw new CommandError(`KUBESIM_NOW is not an RFC 3339 time: "${fixed}"`);
    return fixedClock(t);
  }
  return systemClock;
}

/**
 * time.Parse(time.RFC3339, s) as Go checks it: the exact layout, each field in range (no 31 February, no hour
 * 24), a four-digit year. Date's own parser would take "5", "2026" or "2026-02-31" and roll them over.
 */
export function parseRFC3339(s: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const daysInMonth = new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeap(year) ? 1 : 0);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) return undefined;
  const zone = m[8];
  if (zone.length > 1 && (Number(zone.slice(1, 3)) > 23 || Number(zone.slice(4, 6)) > 59)) return undefined;
  const t = new Date(s.replace(/\.(\d{3})\d+/, '.$1'));
  return Number.isNaN(t.getTime()) ? undefined : t;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Kubernetes' metav1.Time wire form: RFC 3339, second precision, UTC. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** metav1.MicroTime wire form (events' eventTime). */
export function rfc3339Micro(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Go's time.RFC1123Z, as describe prints times: "Sun, 22 Nov 2026 01:21:35 +0000". */
export function rfc1123z(d: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]}, ${p(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}
