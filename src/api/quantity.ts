// resource.Quantity as the API server parses it, the scheduler sums it and describe prints it: parsed to an exact
// value (nano units, bigint), kept with the format its text had (DecimalSI, BinarySI, DecimalExponent), printed
// in canonical form ("500m", "128Mi").

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';
import { hasOwn } from '../util/own.js';

export interface Quantity {
  /** value × 10^9, rounded up as Quantity rounds below nano precision */
  nano: bigint;
  format: QuantityFormat;
}

const NANO = 1_000_000_000n;
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

export const ZERO: Quantity = { nano: 0n, format: 'DecimalSI' };

/** Parses a quantity string or number; undefined when it is not one. */
export function parseQuantity(input: unknown): Quantity | undefined {
  if (typeof input === 'number') input = String(input);
  if (typeof input !== 'string') return undefined;
  const m = /^([+-]?)(\d+\.?\d*|\.\d+)(.*)$/.exec(input.trim());
  if (!m) return undefined;
  const [, sign, num, suffix] = m;
  const [intPart, fracPart = ''] = num.split('.');
  // digits as an integer scaled by 10^-frac
  const digits = BigInt((intPart || '0') + fracPart);
  const fracDigits = fracPart.length;
  let format: QuantityFormat;
  let numerator: bigint;
  let denominator = 10n ** BigInt(fracDigits);
  if (hasOwn(BINARY, suffix)) {
    format = 'BinarySI';
    numerator = digits * (1n << BigInt(BINARY[suffix])) * NANO;
  } else if (hasOwn(DECIMAL, suffix)) {
    format = 'DecimalSI';
    const e = DECIMAL[suffix] + 9;
    numerator = digits * 10n ** BigInt(Math.max(0, e));
    if (e < 0) denominator *= 10n ** BigInt(-e);
  } else if (/^[eE][+-]?\d+$/.test(suffix)) {
    format = 'DecimalExponent';
    const e = Number(suffix.slice(1)) + 9;
    // Go keeps quantities within an int64 scale; an exponent this far out is not a quantity (and 10n ** e
    // would not finish).
    if (Math.abs(e) > 1000) return undefined;
    numerator = digits * 10n ** BigInt(Math.max(0, e));
    if (e < 0) denominator *= 10n ** BigInt(-e);
  } else return undefined;
  // round up (away from zero) to nano precision
  let nano = numerator / denominator;
  if (numerator % denominator !== 0n) nano += 1n;
  return { nano: sign === '-' ? -nano : nano, format };
}

export function addQuantity(a: Quantity, b: Quantity): Quantity {
  return { nano: a.nano + b.nano, format: a.format };
}

export function cmpQuantity(a: Quantity, b: Quantity): number {
  return a.nano < b.nano ? -1 : a.nano > b.nano ? 1 : 0;
}

/** Value(): rounded up to an integer. */
export function quantityValue(q: Quantity): bigint {
  return ceilDiv(q.nano, NANO);
}

/** MilliValue(): rounded up to thousandths. */
export function quantityMilliValue(q: Quantity): bigint {
  return ceilDiv(q.nano, 1_000_000n);
}

function ceilDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a > 0n ? q + 1n : q;
}

/** Quantity.String(): canonical form. */
export function formatQuantity(q: Quantity): string {
  if (q.nano === 0n) return '0';
  const neg = q.nano < 0n;
  const abs = neg ? -q.nano : q.nano;
  const sign = neg ? '-' : '';
  let format = q.format;
  if (format === 'BinarySI') {
    // Small or fractional byte counts are shown as DecimalSI, so nothing is rounded.
    if (abs < 1024n * NANO || abs % NANO !== 0n) format = 'DecimalSI';
    else {
      let v = abs / NANO;
      let i = 0;
      const suffixes = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
      while (i < 6 && v % 1024n === 0n) {
        v /= 1024n;
        i++;
      }
      return `${sign}${v}${suffixes[i]}`;
    }
  }
  // Decimal: mantissa × 10^exp with exp a multiple of 3, as large as the value allows exactly.
  let mantissa = abs;
  let exp = -9;
  while (exp < 18 && mantissa % 1000n === 0n) {
    mantissa /= 1000n;
    exp += 3;
  }
  if (format === 'DecimalExponent') return `${sign}${mantissa}${exp === 0 ? '' : `e${exp}`}`;
  const suffix = Object.keys(DECIMAL).find((k) => DECIMAL[k] === exp) ?? '';
  return `${sign}${mantissa}${suffix}`;
}

/** Canonical text of a quantity as stored (strings that do not parse are shown as they are). */
export function canonicalQuantity(input: unknown): string {
  const q = parseQuantity(input);
  return q ? formatQuantity(q) : String(input);
}

/**
 * What a pod asks of a node, as the scheduler's framework.Resource counts it (resourcehelper.PodRequests):
 * containers summed, each init container as a maximum (sidecars, restartPolicy Always, add to everything after
 * them), plus spec.overhead. cpu in millicores, every other resource in whole units (bytes for memory,
 * ephemeral-storage and hugepages), as MilliValue() and Value() round them. A container with a limit and no
 * request counts its limit: the API server defaults requests from limits, and older stored pods may predate that.
 */
export function podRequests(spec: PodSpecResources | undefined): Map<string, bigint> {
  const of = (c: ContainerResources): Map<string, bigint> => {
    const out = new Map<string, bigint>();
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    for (const name of Object.keys(req)) {
      const v = schedulerUnits(name, req[name]);
      if (v > 0n) out.set(name, v);
    }
    for (const name of Object.keys(lim)) {
      if (hasOwn(req, name)) continue;
      const v = schedulerUnits(name, lim[name]);
      if (v > 0n) out.set(name, v);
    }
    return out;
  };
  const add = (into: Map<string, bigint>, from: Map<string, bigint>) => {
    for (const [k, v] of from) into.set(k, (into.get(k) ?? 0n) + v);
  };
  const total = new Map<string, bigint>();
  for (const c of spec?.containers ?? []) add(total, of(c));
  const restartable = new Map<string, bigint>();
  const initMax = new Map<string, bigint>();
  for (const c of spec?.initContainers ?? []) {
    const r = of(c);
    let cur: Map<string, bigint>;
    if (c.restartPolicy === 'Always') {
      add(total, r);
      add(restartable, r);
      cur = new Map(restartable);
    } else {
      cur = new Map(r);
      add(cur, restartable);
    }
    for (const [k, v] of cur) if (v > (initMax.get(k) ?? 0n)) initMax.set(k, v);
  }
  for (const [k, v] of initMax) if (v > (total.get(k) ?? 0n)) total.set(k, v);
  if (spec?.overhead) {
    for (const [k, raw] of Object.entries(spec.overhead)) {
      const v = schedulerUnits(k, raw);
      if (v > 0n) total.set(k, (total.get(k) ?? 0n) + v);
    }
  }
  return total;
}

// The pods of one controller repeat the same few quantity strings: parsing each once keeps summing 10,000 pods'
// requests cheap. Bounded, so that odd inputs cannot grow it without end.
const UNITS = new Map<string, bigint>();

/** A quantity in the scheduler's units: millicores for cpu, whole units (rounded up) for the rest; 0 when unparsable. */
function schedulerUnits(name: string, raw: unknown): bigint {
  const key = `${name === 'cpu' ? 'm' : 'u'}${typeof raw === 'number' ? 'n' : 's'}${String(raw)}`;
  let v = UNITS.get(key);
  if (v === undefined) {
    const q = parseQuantity(raw);
    v = q ? (name === 'cpu' ? quantityMilliValue(q) : quantityValue(q)) : 0n;
    if (UNITS.size >= 4096) UNITS.clear();
    UNITS.set(key, v);
  }
  return v;
}

type ResourceList = Record<string, unknown>;
interface ContainerResources {
  resources?: { requests?: ResourceList; limits?: ResourceList };
  restartPolicy?: string;
}
export interface PodSpecResources {
  containers?: ContainerResources[];
  initContainers?: ContainerResources[];
  overhead?: ResourceList;
}
