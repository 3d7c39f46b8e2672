// IPv4 arithmetic on dotted strings, for the hot paths (allocation, routing) where ipaddr.js objects would
// be allocated per call. CIDR parsing and validation of user input use ipaddr.js.
export function ipv4ToInt(ip: string): number {
  const p = ip.split('.');
  return ((+p[0] << 24) >>> 0) + (+p[1] << 16) + (+p[2] << 8) + +p[3];
}

export function intToIPv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export function addToIPv4(ip: string, offset: number): string {
  return intToIPv4((ipv4ToInt(ip) + offset) >>> 0);
}

/** Whether ip lies in cidr ("10.244.1.0/24"). */
export function inCIDR(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const b = Number(bits);
  if (b === 0) return true;
  const mask = (~0 << (32 - b)) >>> 0;
  return ((ipv4ToInt(ip) & mask) >>> 0) === ((ipv4ToInt(base) & mask) >>> 0);
}

export function isIPv4(s: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  return !!m && m.slice(1).every((x) => Number(x) <= 255 && String(Number(x)) === x);
}

/**
 * An IPv4 address as a number for sorting, or -1 for anything else (what isIPv4 refuses): read character by
 * character, as a Service's 10,000 endpoints are each read once per sort.
 */
export function ipv4Key(ip: string): number {
  let n = 0;
  let part = 0;
  let digits = 0;
  let parts = 0;
  for (let i = 0; i <= ip.length; i++) {
    const c = i < ip.length ? ip.charCodeAt(i) : 46;
    if (c === 46) {
      // 1 to 3 digits, no leading zero, at most 255.
      if (digits === 0 || part > 255 || ++parts > 4) return -1;
      n = n * 256 + part;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits === 1 && part === 0) return -1;
      if (++digits > 3) return -1;
      part = part * 10 + (c - 48);
    } else return -1;
  }
  return parts === 4 ? n : -1;
}

/**
 * Sorts by IP address (numerically for IPv4, as text otherwise), then by `tie`. Each address is parsed once,
 * not once per comparison: a Service with 10,000 endpoints sorts in milliseconds.
 */
export function sortByIP<T>(items: T[], ipOf: (t: T) => string, tie?: (a: T, b: T) => number): T[] {
  const keyed = items.map((t) => {
    const ip = ipOf(t);
    return { t, ip, n: ipv4Key(ip) };
  });
  keyed.sort((a, b) => {
    const c = a.n >= 0 && b.n >= 0 ? a.n - b.n : a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0;
    return c || (tie ? tie(a.t, b.t) : 0);
  });
  return keyed.map((k) => k.t);
}
