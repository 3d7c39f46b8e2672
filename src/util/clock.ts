// One clock feeds every timestamp. Tests and CI scripts fix it with KUBESIM_NOW=<RFC3339>.
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
    const t = new Date(fixed);
    if (Number.isNaN(t.getTime())) throw new Error(`KUBESIM_NOW is not an RFC 3339 time: "${fixed}"`);
    return fixedClock(t);
  }
  return systemClock;
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
