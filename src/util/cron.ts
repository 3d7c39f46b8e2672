// Cron schedules as the CronJob controller reads them (robfig/cron v3 ParseStandard): five fields (minute,
// hour, day of month, month, day of week) with `*`, `?`, ranges, steps, lists and month/day names, or a
// descriptor (@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, @every <duration>).
// The errors carry robfig/cron's wording, which the API server returns as the field error's detail.
// Small and dependency-free: the CLI is a process per command, and this loads in no time.

export interface CronSchedule {
  minute: Set<number>;
  hour: Set<number>;
  dom: Set<number>;
  month: Set<number>;
  dow: Set<number>;
  /** The day-of-month or day-of-week field was `*` or `?` (robfig's starBit): then both must match. */
  domStar: boolean;
  dowStar: boolean;
  /** @every: a fixed interval instead of fields. */
  everyMs?: number;
}

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DOM: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = { min: 1, max: 12, names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 } };
const DOW: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

export class CronError extends Error {}

/** Go's strconv.Atoi on a field piece, with robfig's messages. */
function parseIntOrName(expr: string, b: Bounds): number {
  const named = b.names?.[expr.toLowerCase()];
  if (named !== undefined) return named;
  if (!/^[+-]?\d+$/.test(expr)) throw new CronError(`failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax`);
  const n = Number(expr);
  if (n < 0) throw new CronError(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

function parseRange(expr: string, b: Bounds, out: Set<number>): boolean {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0].split('-');
  const singleDigit = lowAndHigh.length === 1;
  let start: number;
  let end: number;
  let star = false;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = b.min;
    end = b.max;
    star = true;
  } else {
    start = parseIntOrName(lowAndHigh[0], b);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1], b);
    else throw new CronError(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = parseIntOrName(rangeAndStep[1], b);
    // "N/step" means N through the field's maximum.
    if (singleDigit && !star) end = b.max;
    if (step > 1) star = false;
  } else if (rangeAndStep.length > 2) throw new CronError(`too many slashes: ${expr}`);
  if (start < b.min) throw new CronError(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new CronError(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new CronError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronError(`step of range should be a positive number: ${expr}`);
  for (let i = start; i <= end; i += step) out.add(i);
  return star;
}

function parseField(field: string, b: Bounds): { set: Set<number>; star: boolean } {
  const set = new Set<number>();
  let star = false;
  for (const part of field.split(',')) if (parseRange(part, b, set)) star = true;
  return { set, star };
}

/** Go's time.ParseDuration for @every, reduced to what schedules use (h, m, s, ms). */
function parseEvery(s: string): number {
  const re = /(\d+(?:\.\d+)?)(h|m|s|ms|us|µs|ns)/gy;
  let total = 0;
  let m: RegExpExecArray | null;
  let pos = 0;
  const unit: Record<string, number> = { h: 3600000, m: 60000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };
  while ((m = re.exec(s))) {
    total += Number(m[1]) * unit[m[2]];
    pos = re.lastIndex;
  }
  if (!s || pos !== s.length) throw new CronError(`failed to parse duration @every ${s}: time: invalid duration ${JSON.stringify(s)}`);
  return total;
}

/** cron.ParseStandard. Throws CronError with robfig's message. */
export function parseCron(spec: string): CronSchedule {
  let s = spec.trim();
  if (s.length === 0) throw new CronError('empty spec string');
  // A leading TZ=/CRON_TZ= names the zone; the API server refuses it separately, the parser accepts it.
  if (s.startsWith('TZ=') || s.startsWith('CRON_TZ=')) {
    const i = s.indexOf(' ');
    const zone = s.slice(s.indexOf('=') + 1, i < 0 ? undefined : i);
    if (!validZone(zone)) throw new CronError(`provided bad location ${zone}: unknown time zone ${zone}`);
    s = i < 0 ? '' : s.slice(i).trim();
  }
  if (s.startsWith('@')) {
    if (s.startsWith('@every ')) {
      const ms = parseEvery(s.slice(7).trim());
      return { minute: new Set(), hour: new Set(), dom: new Set(), month: new Set(), dow: new Set(), domStar: true, dowStar: true, everyMs: Math.max(1000, Math.floor(ms / 1000) * 1000) };
    }
    const d = DESCRIPTORS[s];
    if (!d) throw new CronError(`unrecognized descriptor: ${s}`);
    s = d;
  }
  const fields = s.split(/\s+/).filter(Boolean);
  if (fields.length !== 5) throw new CronError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  const minute = parseField(fields[0], MINUTES);
  const hour = parseField(fields[1], HOURS);
  const dom = parseField(fields[2], DOM);
  const month = parseField(fields[3], MONTHS);
  const dow = parseField(fields[4], DOW);
  return { minute: minute.set, hour: hour.set, dom: dom.set, month: month.set, dow: dow.set, domStar: dom.star, dowStar: dow.star };
}

/** Whether the IANA zone is known (Go's time.LoadLocation). */
export function validZone(zone: string): boolean {
  if (zone === 'UTC' || zone === 'Local') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const FORMATTERS = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at instant ms, in ms (0 for UTC). */
export function zoneOffset(ms: number, zone: string | undefined): number {
  if (!zone || zone === 'UTC' || zone === 'Etc/UTC') return 0;
  let f = FORMATTERS.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    FORMATTERS.set(zone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour % 24, p.minute, p.second);
  return wall - Math.floor(ms / 1000) * 1000;
}

/** The first activation strictly after `afterMs`, in the zone (robfig's SpecSchedule.Next); undefined if none within 5 years. */
export function nextActivation(s: CronSchedule, afterMs: number, zone?: string): number | undefined {
  if (s.everyMs !== undefined) return Math.floor(afterMs / 1000) * 1000 + s.everyMs;
  // Work in wall-clock time of the zone, with Date's UTC fields standing for the wall clock.
  const off = zoneOffset(afterMs, zone);
  const d = new Date(Math.floor((afterMs + off) / 60000) * 60000 + 60000);
  const limit = d.getUTCFullYear() + 5;
  while (d.getUTCFullYear() <= limit) {
    if (!s.month.has(d.getUTCMonth() + 1)) {
      d.setUTCMonth(d.getUTCMonth() + 1, 1);
      d.setUTCHours(0, 0, 0, 0);
      continue;
    }
    const domOK = s.dom.has(d.getUTCDate());
    const dowOK = s.dow.has(d.getUTCDay());
    const dayOK = s.domStar || s.dowStar ? domOK && dowOK : domOK || dowOK;
    if (!dayOK) {
      d.setUTCDate(d.getUTCDate() + 1);
      d.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!s.hour.has(d.getUTCHours())) {
      d.setUTCHours(d.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    if (!s.minute.has(d.getUTCMinutes())) {
      d.setUTCMinutes(d.getUTCMinutes() + 1, 0, 0);
      continue;
    }
    const wall = d.getTime();
    // Back to an instant: the wall time minus the zone's offset at (about) that time.
    let t = wall - zoneOffset(wall - off, zone);
    t = wall - zoneOffset(t, zone);
    if (t > afterMs) return t;
    d.setUTCMinutes(d.getUTCMinutes() + 1, 0, 0);
  }
  return undefined;
}
