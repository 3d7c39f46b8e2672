// kubectl's -o yaml, byte for byte: sigs.k8s.io/yaml turns the object's JSON into YAML with go-yaml v2, so
// keys come out in go-yaml's "natural" order, strings that would read back as something else (y, on, 123,
// 2026-01-01, 1:20) are double-quoted, indicators force single quotes, multi-line text becomes a literal
// block, and long scalars fold at column 80. This is a port of the parts of go-yaml's encoder and libyaml's
// emitter that JSON-shaped data reaches; no YAML library is loaded.
import { omitManagedFields } from './managed-fields.js';

const BEST_WIDTH = 80;
const SURROGATE = /[\uD800-\uDBFF]/;
/** Strings that need no analysis: no spaces, breaks, indicators or non-ASCII (most names, IPs, images). */
const SIMPLE = /^[A-Za-z0-9_\/][A-Za-z0-9_.\/+=-]*$/;

// ---- resolve: what a plain scalar would read back as (go-yaml v2 resolve.go) ----

const RESOLVE_MAP = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON',
  'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF',
  '', '~', 'null', 'Null', 'NULL',
  '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF',
  '<<',
]);

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/** strconv.ParseInt/ParseUint with base 0 (sign, 0x/0o/0b prefixes, leading-0 octal), range ignored. */
function goParsesAsInt(s: string, signed: boolean): boolean {
  let t = s;
  if (t.startsWith('+') || t.startsWith('-')) {
    if (!signed) return false;
    t = t.slice(1);
  }
  if (t === '') return false;
  let digits = /^[0-9]+$/;
  if (/^0[xX]/.test(t)) {
    t = t.slice(2);
    digits = /^[0-9a-fA-F]+$/;
  } else if (/^0[oO]/.test(t)) {
    t = t.slice(2);
    digits = /^[0-7]+$/;
  } else if (/^0[bB]/.test(t)) {
    t = t.slice(2);
    digits = /^[01]+$/;
  } else if (t.length > 1 && t[0] === '0') {
    t = t.slice(1);
    digits = /^[0-7]+$/;
  }
  if (!digits.test(t)) return false;
  // int64 / uint64 range: beyond it ParseInt fails, but the float check below still catches decimals.
  try {
    const big = BigInt(s.replace(/^\+/, '').replace(/^(-?)0([0-7]+)$/, '$10o$2'));
    const lim = signed ? 2n ** 63n : 2n ** 64n;
    return big < lim && big >= (signed ? -lim : 0n);
  } catch {
    return true;
  }
}

/** yaml.v2 parseTimestamp: starts with YYYY- and parses as one of the allowed layouts. */
function isTimestamp(s: string): boolean {
  if (!/^[0-9]{4}-/.test(s)) return false;
  return /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]| +)[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?(?:Z|[-+][0-9]{2}:[0-9]{2})?)?$/.test(s);
}

/** True when the plain scalar s would resolve to a string (so it may be written unquoted). */
function resolvesToString(s: string): boolean {
  if (RESOLVE_MAP.has(s)) return false;
  const c = s[0];
  if (c === '.') {
    // not in the map: maybe a normal float
    return !/^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(s);
  }
  if (c === '+' || c === '-' || (c >= '0' && c <= '9')) {
    if (isTimestamp(s)) return false;
    const plain = s.replace(/_/g, '');
    if (goParsesAsInt(plain, true) || goParsesAsInt(plain, false)) return false;
    if (YAML_STYLE_FLOAT.test(plain)) return false;
    if (/^-?0b[01]+$/.test(plain)) return false;
  }
  return true;
}

// ---- analyze_scalar (libyaml emitter) ----

interface Analysis {
  multiline: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

function isPrintable(cp: number): boolean {
  return (
    cp === 0x0a ||
    (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff)
  );
}

const isBreak = (cp: number) => cp === 0x0a || cp === 0x0d || cp === 0x85 || cp === 0x2028 || cp === 0x2029;

function analyze(value: string): Analysis {
  if (value.length === 0) return { multiline: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
  const cps = Array.from(value, (ch) => ch.codePointAt(0)!);
  let blockIndicators = false;
  let lineBreaks = false;
  let specialCharacters = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  if (value.startsWith('---') || value.startsWith('...')) blockIndicators = true;
  let precededByWhitespace = true;
  for (let i = 0; i < cps.length; i++) {
    const cp = cps[i];
    const next = cps[i + 1];
    const followedByWhitespace = next === undefined || next === 0x20 || next === 0x09 || isBreak(next);
    const ch = String.fromCodePoint(cp);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) blockIndicators = true;
      else if ((ch === '?' || ch === ':') && followedByWhitespace) blockIndicators = true;
      else if (ch === '-' && followedByWhitespace) blockIndicators = true;
    } else {
      if (ch === ':' && followedByWhitespace) blockIndicators = true;
      else if (ch === '#' && precededByWhitespace) blockIndicators = true;
    }
    if (!isPrintable(cp)) specialCharacters = true;
    if (cp === 0x20) {
      if (i === 0) leadingSpace = true;
      if (i === cps.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(cp)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === cps.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = cp === 0x20 || cp === 0x09 || isBreak(cp);
  }
  const a: Analysis = { multiline: lineBreaks, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: true };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) a.blockPlainAllowed = false;
  if (trailingSpace) a.blockAllowed = false;
  if (breakSpace) {
    a.blockPlainAllowed = false;
    a.singleQuotedAllowed = false;
  }
  if (spaceBreak || specialCharacters) {
    a.blockPlainAllowed = false;
    a.singleQuotedAllowed = false;
    a.blockAllowed = false;
  }
  if (lineBreaks) a.blockPlainAllowed = false;
  if (blockIndicators) a.blockPlainAllowed = false;
  return a;
}

// ---- the writer ----

class Emitter {
  out = '';
  column = 0;
  /** Whether the last scalar was a `|+` block that ends the document (libyaml then writes "..."). */
  openEnded = false;

  write(s: string): void {
    this.out += s;
    this.column += SURROGATE.test(s) ? Array.from(s).length : s.length;
  }

  newline(indent: number): void {
    this.out += '\n' + ' '.repeat(indent);
    this.column = indent;
  }

  /** A string scalar; `indent` is where continuation lines start; `key` for simple keys (no breaks). */
  string(s: string, indent: number, key: boolean): void {
    this.openEnded = false;
    if (SIMPLE.test(s)) {
      this.write(resolvesToString(s) ? s : `"${s}"`);
      return;
    }
    let style: 'plain' | 'single' | 'double' | 'literal';
    if (s.includes('\n')) style = 'literal';
    else if (resolvesToString(s) && !BASE60_FLOAT.test(s)) style = 'plain';
    else style = 'double';
    const a = analyze(s);
    if (key && a.multiline) style = 'double';
    if (style === 'plain') {
      if (!a.blockPlainAllowed) style = 'single';
      if (s.length === 0 && key) style = 'single';
    }
    if (style === 'single' && !a.singleQuotedAllowed) style = 'double';
    if (style === 'literal' && (!a.blockAllowed || key)) style = 'double';
    const allowBreaks = !key;
    switch (style) {
      case 'plain':
        this.plain(s, indent, allowBreaks);
        break;
      case 'single':
        this.single(s, indent, allowBreaks);
        break;
      case 'double':
        this.double(s, indent, allowBreaks);
        break;
      case 'literal':
        this.literal(s, indent);
        break;
    }
  }

  private plain(s: string, indent: number, allowBreaks: boolean): void {
    if (!s.includes(' ')) return this.write(s);
    const cps = Array.from(s);
    let spaces = false;
    for (let i = 0; i < cps.length; i++) {
      if (cps[i] === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && cps[i + 1] !== ' ') this.newline(indent);
        else this.write(' ');
        spaces = true;
      } else {
        this.write(cps[i]);
        spaces = false;
      }
    }
  }

  private single(s: string, indent: number, allowBreaks: boolean): void {
    this.write("'");
    const cps = Array.from(s);
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < cps.length; i++) {
      const ch = cps[i];
      if (ch === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < cps.length - 1 && cps[i + 1] !== ' ') this.newline(indent);
        else this.write(' ');
        spaces = true;
      } else if (isBreak(ch.codePointAt(0)!)) {
        // only U+2028/U+2029 get here (other breaks force double quotes); libyaml writes them as is
        this.out += ch;
        this.column = 0;
        breaks = true;
      } else {
        if (breaks) {
          this.out += ' '.repeat(indent);
          this.column = indent;
        }
        this.write(ch === "'" ? "''" : ch);
        spaces = false;
        breaks = false;
      }
    }
    this.write("'");
  }

  private double(s: string, indent: number, allowBreaks: boolean): void {
    this.write('"');
    const cps = Array.from(s);
    let spaces = false;
    for (let i = 0; i < cps.length; i++) {
      const ch = cps[i];
      const cp = ch.codePointAt(0)!;
      if (!isPrintable(cp) || cp === 0xfeff || isBreak(cp) || ch === '"' || ch === '\\') {
        this.write('\\' + escapeChar(cp));
        spaces = false;
      } else if (ch === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < cps.length - 1) {
          this.newline(indent);
          if (cps[i + 1] === ' ') this.write('\\');
        } else this.write(' ');
        spaces = true;
      } else {
        this.write(ch);
        spaces = false;
      }
    }
    this.write('"');
  }

  private literal(s: string, indent: number): void {
    let hints = '';
    const first = s.codePointAt(0)!;
    if (first === 0x20 || isBreak(first)) hints += '2';
    const cps = Array.from(s, (c) => c.codePointAt(0)!);
    const last = cps.length - 1;
    let chomp = '';
    if (!isBreak(cps[last])) chomp = '-';
    else if (last === 0 || isBreak(cps[last - 1])) chomp = '+';
    this.write('|' + hints + chomp);
    this.out += '\n';
    this.column = 0;
    let breaks = true;
    const chars = Array.from(s);
    for (const ch of chars) {
      if (isBreak(ch.codePointAt(0)!)) {
        this.out += ch;
        this.column = 0;
        breaks = true;
      } else {
        if (breaks) {
          this.out += ' '.repeat(indent);
          this.column = indent;
          breaks = false;
        }
        this.write(ch);
      }
    }
    this.openEnded = chomp === '+';
    // the next line starts fresh: a block that ended in a break leaves the cursor at column 0
    if (!breaks) this.column = Math.max(this.column, 1);
  }

  /** Starts a new line at `indent` (a block scalar that ended in a line break already started it). */
  newlineTo(indent: number): void {
    // column 0 means a block scalar's last line break (which may be U+2028) already ended the line
    if (this.column !== 0) this.out += '\n';
    this.out += ' '.repeat(indent);
    this.column = indent;
  }

  endLine(): void {
    if (this.column !== 0) this.out += '\n';
    this.column = 0;
  }

  /** Keys at column `indent`; the first on the current line when `inline` (after "- " or at the start). */
  mapping(m: Record<string, unknown>, keys: string[], indent: number, inline: boolean): void {
    keys.forEach((k, i) => {
      if (!(inline && i === 0)) this.newlineTo(indent);
      this.string(k, indent + 2, true);
      this.scalarText(':');
      const x = m[k];
      const kids = children(x);
      if (Array.isArray(x) && kids) this.sequence(x, indent, false);
      else if (kids) this.mapping(x as Record<string, unknown>, kids, indent + 2, false);
      else {
        this.write(' ');
        this.scalar(x, indent + 2);
      }
    });
  }

  /** Items at column `indent`; a sequence inside a mapping is not indented (go-yaml's indentless sequences). */
  sequence(a: unknown[], indent: number, inline: boolean): void {
    a.forEach((x, i) => {
      if (!(inline && i === 0)) this.newlineTo(indent);
      this.scalarText('- ');
      const kids = children(x);
      if (Array.isArray(x) && kids) this.sequence(x, indent + 2, true);
      else if (kids) this.mapping(x as Record<string, unknown>, kids, indent + 2, true);
      else this.scalar(x, indent + 2);
    });
  }

  scalar(x: unknown, indent: number): void {
    if (Array.isArray(x)) return this.scalarText('[]');
    if (x !== null && typeof x === 'object') return this.scalarText('{}');
    if (typeof x === 'string') return this.string(x, indent, false);
    this.scalarText(scalarText(x));
  }

  scalarText(s: string): void {
    this.openEnded = false;
    this.write(s);
  }
}

function escapeChar(cp: number): string {
  switch (cp) {
    case 0x00: return '0';
    case 0x07: return 'a';
    case 0x08: return 'b';
    case 0x09: return 't';
    case 0x0a: return 'n';
    case 0x0b: return 'v';
    case 0x0c: return 'f';
    case 0x0d: return 'r';
    case 0x1b: return 'e';
    case 0x22: return '"';
    case 0x5c: return '\\';
    case 0x85: return 'N';
    case 0xa0: return '_';
    case 0x2028: return 'L';
    case 0x2029: return 'P';
  }
  const hex = cp.toString(16).toUpperCase();
  if (cp <= 0xff) return 'x' + hex.padStart(2, '0');
  if (cp <= 0xffff) return 'u' + hex.padStart(4, '0');
  return 'U' + hex.padStart(8, '0');
}

/** Numbers, booleans and null as go-yaml writes what JSON decoding gave it (ints, float64 via %g). */
function scalarText(x: unknown): string {
  if (x === null || x === undefined) return 'null';
  if (typeof x === 'boolean') return x ? 'true' : 'false';
  if (typeof x === 'number') return goFloatG(x);
  if (typeof x === 'bigint') return x.toString();
  return String(x);
}

/**
 * How go-yaml prints a JSON number: integers within int64 as ints, anything else as float64 through
 * strconv.FormatFloat(f, 'g', -1, 64), which switches to an exponent below 1e-4 and from 1e6 (shortest 'g'
 * decides with precision 6).
 */
export function goFloatG(f: number): string {
  if (Number.isNaN(f)) return '.nan';
  if (f === Infinity) return '.inf';
  if (f === -Infinity) return '-.inf';
  if (Number.isInteger(f) && Math.abs(f) < 2 ** 63) return BigInt(f).toString();
  return formatG(f);
}

/** strconv.FormatFloat(f, 'g', -1, 64). */
export function formatG(f: number): string {
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mant, expPart] = f.toExponential().split('e');
  const exp = Number(expPart);
  if (exp < -4 || exp >= 6) {
    return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return String(f);
}

const isLetter = (ch: string): boolean => {
  const c = ch.charCodeAt(0);
  if (c < 128) return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  return /\p{L}/u.test(ch);
};
const isDigit = (ch: string | undefined): boolean => ch !== undefined && ch >= '0' && ch <= '9';

/** go-yaml v2's keyList.Less for string keys: letters after other characters, digit runs compared as numbers. */
function keyLess(x: string, y: string): boolean {
  const ascii = !/[^\x00-\x7f]/.test(x + y);
  const ar = ascii ? x : Array.from(x);
  const br = ascii ? y : Array.from(y);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]);
    const bl = isLetter(br[i]);
    if (al && bl) return ar[i] < br[i];
    if (al || bl) return bl;
    let an = 0;
    let bn = 0;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10 + (ar[ai].charCodeAt(0) - 48);
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10 + (br[bi].charCodeAt(0) - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i] < br[i];
  }
  return ar.length < br.length;
}

export function naturalCompare(a: string, b: string): number {
  if (a === b) return 0;
  return keyLess(a, b) ? -1 : keyLess(b, a) ? 1 : 0;
}

/** Sorted keys of a non-empty mapping, or the non-empty sequence marker; undefined for what prints inline. */
function children(x: unknown): string[] | undefined {
  if (Array.isArray(x)) return x.length ? [] : undefined;
  if (x === null || typeof x !== 'object') return undefined;
  const keys = Object.keys(x).filter((k) => (x as Record<string, unknown>)[k] !== undefined);
  return keys.length ? sortKeysGo(keys) : undefined;
}

/**
 * Go's sort.Sort with keyList.Less. The order is not transitive for keys mixing digits and letters, so small
 * lists use the insertion sort Go's pdqsort uses below 12 elements, to give the same answer.
 */
function sortKeysGo(keys: string[]): string[] {
  if (keys.length > 12) return keys.sort(naturalCompare);
  for (let i = 1; i < keys.length; i++) {
    for (let j = i; j > 0 && naturalCompare(keys[j], keys[j - 1]) < 0; j--) {
      const t = keys[j];
      keys[j] = keys[j - 1];
      keys[j - 1] = t;
    }
  }
  return keys;
}

/** One YAML document for a JSON-shaped value, as sigs.k8s.io/yaml.Marshal prints it. */
export function goYAML(v: unknown): string {
  const e = new Emitter();
  const doc = JSON.parse(JSON.stringify(omitManagedFields(v) ?? null)) as unknown;
  const kids = children(doc);
  if (Array.isArray(doc) && kids) e.sequence(doc, 0, true);
  else if (kids) e.mapping(doc as Record<string, unknown>, kids, 0, true);
  else e.scalar(doc, 2);
  e.endLine();
  return e.out;
}
