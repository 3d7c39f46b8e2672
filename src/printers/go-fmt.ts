// Go's fmt and reflection as text/template sees JSON data: the kinds of values (whole JSON numbers are int64,
// others float64, template integer constants int), their Go type names, truth, %v printing, and Sprintf with
// the verbs and flags templates use. Split from go-template.ts, which runs templates over these values.
import { formatG } from './yaml.js';

/** Go's invalid reflect.Value: what a missing map key gives; printed as <no value>. */
export const NOVALUE = Symbol('no value');
export type Value = unknown;

/** An integer constant written in a template (Go's int, not the data's int64). */
export class GoInt {
  constructor(readonly v: bigint) {}
}

export type Kind = 'invalid' | 'nil' | 'bool' | 'int' | 'float' | 'string' | 'slice' | 'map';
export function kindOf(v: Value): Kind {
  if (v === NOVALUE) return 'invalid';
  if (v === null || v === undefined) return 'nil';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof GoInt || typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'string';
  if (Array.isArray(v)) return 'slice';
  return 'map';
}
const GO_TYPE: Record<Kind, string> = { invalid: 'invalid', nil: 'interface {}', bool: 'bool', int: 'int64', float: 'float64', string: 'string', slice: '[]interface {}', map: 'map[string]interface {}' };
export const typeName = (v: Value): string => (v instanceof GoInt ? 'int' : GO_TYPE[kindOf(v)]);
export const intOf = (v: Value): bigint => (v instanceof GoInt ? v.v : typeof v === 'bigint' ? v : BigInt(v as number));

export function truth(v: Value): boolean {
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil':
      return false;
    case 'bool':
      return v as boolean;
    case 'int':
      return intOf(v) !== 0n;
    case 'float':
      return (v as number) !== 0;
    case 'string':
      return (v as string) !== '';
    case 'slice':
      return (v as unknown[]).length > 0;
    default:
      return Object.keys(v as object).length > 0;
  }
}

/** fmt's %v. */
export function fmtV(v: Value, top = true): string {
  switch (kindOf(v)) {
    case 'invalid':
      return '<no value>';
    case 'nil':
      return '<nil>';
    case 'bool':
      return String(v);
    case 'int':
      return intOf(v).toString();
    case 'float': {
      const f = v as number;
      return Number.isFinite(f) ? formatG(f) : f > 0 ? '+Inf' : f < 0 ? '-Inf' : 'NaN';
    }
    case 'string':
      return v as string;
    case 'slice':
      return `[${(v as unknown[]).map((x) => fmtV(x, false)).join(' ')}]`;
    default: {
      const m = v as Record<string, unknown>;
      return `map[${Object.keys(m).sort().map((k) => `${k}:${fmtV(m[k], false)}`).join(' ')}]`;
    }
  }
  void top;
}

export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c === 12) out += '\\f';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c === 11) out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c >= 0x80 && c < 0xa0) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Go's fmt.Sprintf for the verbs a template uses. */
export function sprintf(format: string, args: Value[]): string {
  let out = '';
  let ai = 0;
  let i = 0;
  while (i < format.length) {
    const c = format[i];
    if (c !== '%') {
      out += c;
      i++;
      continue;
    }
    i++;
    let flags = '';
    while (i < format.length && '-+# 0'.includes(format[i])) flags += format[i++];
    let width: number | undefined;
    let prec: number | undefined;
    const wm = /^[0-9]+/.exec(format.slice(i));
    if (format[i] === '*') {
      i++;
      const w = args[ai++];
      if (kindOf(w) === 'int') {
        width = Number(intOf(w));
        if (width < 0) {
          flags += '-';
          width = -width;
        }
      } else out += '%!(BADWIDTH)';
    } else if (wm) {
      width = Number(wm[0]);
      i += wm[0].length;
    }
    if (format[i] === '.') {
      i++;
      const pm = /^[0-9]*/.exec(format.slice(i))![0];
      prec = pm === '' ? 0 : Number(pm);
      i += pm.length;
    }
    const verb = format[i++];
    if (verb === undefined) {
      out += '%!(NOVERB)';
      break;
    }
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (ai >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const a = args[ai++];
    out += pad(formatOne(verb, a, flags, prec), width, flags, verb);
  }
  if (ai < args.length) out += `%!(EXTRA ${args.slice(ai).map((a) => `${typeName(a)}=${fmtV(a)}`).join(', ')})`;
  return out;
}

function pad(s: string, width: number | undefined, flags: string, verb: string): string {
  if (width === undefined || [...s].length >= width) return s;
  const n = width - [...s].length;
  if (flags.includes('-')) return s + ' '.repeat(n);
  if (flags.includes('0') && 'dfegxXob'.includes(verb)) {
    const sign = /^[-+]/.test(s) ? s[0] : '';
    return sign + '0'.repeat(n) + s.slice(sign.length);
  }
  return ' '.repeat(n) + s;
}

function bad(verb: string, a: Value): string {
  return `%!${verb}(${typeName(a)}=${fmtV(a)})`;
}

function formatOne(verb: string, a: Value, flags: string, prec: number | undefined): string {
  const k = kindOf(a);
  if (k === 'invalid') return verb === 'v' || verb === 's' ? '<no value>' : `%!${verb}(<no value>)`;
  if (k === 'nil') return verb === 'v' || verb === 's' ? (verb === 's' ? '%!s(<nil>)' : '<nil>') : `%!${verb}(<nil>)`;
  if (k === 'slice' && verb !== 'v' && verb !== 'T') return `[${(a as unknown[]).map((x) => formatOne(verb, x, flags, prec)).join(' ')}]`;
  if (k === 'map' && verb !== 'v' && verb !== 'T') {
    const m = a as Record<string, unknown>;
    return `map[${Object.keys(m).sort().map((key) => `${formatOne(verb, key, flags, prec)}:${formatOne(verb, m[key], flags, prec)}`).join(' ')}]`;
  }
  switch (verb) {
    case 'v':
      if (flags.includes('#') && k === 'string') return goQuote(a as string);
      if (k === 'float' && prec !== undefined) return formatFloat(a as number, 'g', prec);
      return fmtV(a);
    case 'T':
      return typeName(a);
    case 's':
      if (k === 'string') return prec !== undefined ? [...(a as string)].slice(0, prec).join('') : (a as string);
      return bad(verb, a);
    case 'q':
      if (k === 'string') return goQuote(a as string);
      if (k === 'int') return `'${String.fromCodePoint(Number(intOf(a)))}'`;
      return bad(verb, a);
    case 'd':
      if (k === 'int') return withSign(intOf(a).toString(), flags);
      return bad(verb, a);
    case 'x':
    case 'X': {
      let s: string;
      if (k === 'int') {
        const n = intOf(a);
        s = (n < 0n ? '-' : '') + (n < 0n ? -n : n).toString(16);
      } else if (k === 'string') s = Buffer.from(a as string, 'utf8').toString('hex');
      else return bad(verb, a);
      if (flags.includes('#')) s = s.startsWith('-') ? `-0x${s.slice(1)}` : `0x${s}`;
      return verb === 'X' ? s.toUpperCase() : s;
    }
    case 'o':
      if (k === 'int') return intOf(a).toString(8);
      return bad(verb, a);
    case 'b':
      if (k === 'int') return intOf(a).toString(2);
      return bad(verb, a);
    case 'c':
      if (k === 'int') return String.fromCodePoint(Number(intOf(a)));
      return bad(verb, a);
    case 't':
      if (k === 'bool') return String(a);
      return bad(verb, a);
    case 'f':
    case 'F':
    case 'e':
    case 'E':
    case 'g':
    case 'G':
      if (k === 'float' || (k === 'int' && !(a instanceof GoInt) && typeof a === 'number')) {
        if (k === 'int' && typeof a === 'number') return bad(verb, a);
        return withSign(formatFloat(a as number, verb, prec), flags);
      }
      return bad(verb, a);
    default:
      return bad(verb, a);
  }
}

function withSign(s: string, flags: string): string {
  if (flags.includes('+') && !s.startsWith('-')) return `+${s}`;
  if (flags.includes(' ') && !s.startsWith('-')) return ` ${s}`;
  return s;
}

function formatFloat(f: number, verb: string, prec: number | undefined): string {
  const lower = verb.toLowerCase();
  if (lower === 'f') return f.toFixed(prec ?? 6);
  if (lower === 'e') {
    const s = f.toExponential(prec ?? 6).replace(/e([-+])(\d)$/, 'e$10$2');
    return verb === 'E' ? s.toUpperCase() : s;
  }
  if (prec === undefined) return formatG(f);
  const p = prec === 0 ? 1 : prec;
  const exp = f === 0 ? 0 : Math.floor(Math.log10(Math.abs(Number(f.toPrecision(p)))));
  if (exp < -4 || exp >= p) return Number(f.toPrecision(p)).toExponential().replace(/e([-+])(\d)$/, 'e$10$2');
  return String(Number(f.toPrecision(p)));
}

