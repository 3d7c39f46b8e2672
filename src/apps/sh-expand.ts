// Word expansion for the simulated shell, in POSIX order: tilde, parameters (${VAR:-w} and the other forms),
// command substitution, arithmetic, field splitting on IFS, pathname expansion, quote removal. Also the glob
// pattern matching that `case` and ${VAR%pat} use.
import { skipConstruct, ShellSyntaxError } from './sh-parse.js';

/** What expansion needs from the interpreter. */
export interface ExpandHost {
  getVar(name: string): string | undefined;
  setVar(name: string, value: string): void;
  /** $1..., $#, $@. */
  params(): string[];
  /** $?, $$, $!, $0, $-. */
  special(c: string): string;
  cmdSub(src: string): string;
  arith(expr: string): string;
  nounset(): boolean;
  /** Pathnames matching a pattern, sorted; empty when nothing matches. */
  glob(pattern: string): string[];
  /** Bounds a growing value (SHELL_LIMITS.valueBytes). */
  checkSize(n: number): void;
}

/** `sh: X: parameter not set` and the ${X:?msg} error: the shell ends with status 2. */
export class ParamError extends Error {}

type Piece = { s: string; q: boolean; split: boolean } | { brk: true };

const SPECIAL = /^[@*#?$!0-]/;

function paramName(s: string, i: number): string {
  if (/[0-9]/.test(s[i]) || SPECIAL.test(s[i] ?? '')) return s[i];
  const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i));
  return m ? m[0] : '';
}

function lookup(h: ExpandHost, name: string): string | undefined {
  if (/^[0-9]+$/.test(name)) {
    if (name === '0') return h.special('0');
    return h.params()[Number(name) - 1];
  }
  if (name === '#') return String(h.params().length);
  if (name === '@' || name === '*') return h.params().join(' ');
  if ('?$!-'.includes(name)) return h.special(name);
  return h.getVar(name);
}

/** Expands the text of a word into pieces (quoted or not). inDq: inside double quotes. */
function pieces(h: ExpandHost, s: string, inDq: boolean, out: Piece[], tilde: boolean): void {
  let lit = '';
  let litQ = inDq;
  const flush = () => {
    if (lit) out.push({ s: lit, q: litQ, split: false });
    lit = '';
  };
  const addLit = (t: string, q: boolean) => {
    if (q !== litQ) flush();
    litQ = q;
    lit += t;
  };
  let i = 0;
  if (tilde && !inDq && s[0] === '~') {
    const m = /^~([A-Za-z0-9_.-]*)(?=\/|$)/.exec(s);
    if (m && m[1] === '') {
      addLit(h.getVar('HOME') ?? '/root', true);
      i = 1;
    } else if (m && m[1] === 'root') {
      addLit('/root', true);
      i = m[0].length;
    }
  }
  while (i < s.length) {
    const c = s[i];
    if (c === "'" && !inDq) {
      const j = skipConstruct(s, i);
      addLit(s.slice(i + 1, j - 1), true);
      i = j;
    } else if (c === '"' && !inDq) {
      const j = skipConstruct(s, i);
      flush();
      const inner: Piece[] = [];
      pieces(h, s.slice(i + 1, j - 1), true, inner, false);
      // "" is an empty quoted field, not nothing
      if (inner.length === 0 && !/^\$\{?@\}?$/.test(s.slice(i + 1, j - 1))) out.push({ s: '', q: true, split: false });
      out.push(...inner);
      i = j;
    } else if (c === '\\') {
      const n = s[i + 1];
      if (n === undefined) addLit('\\', inDq);
      else if (!inDq || '$`"\\\n'.includes(n)) addLit(n === '\n' ? '' : n, true);
      else addLit(`\\${n}`, true);
      i += 2;
    } else if (c === '`') {
      const j = skipConstruct(s, i);
      flush();
      const src = s.slice(i + 1, j - 1).replace(/\\([$`\\])/g, '$1');
      out.push({ s: h.cmdSub(src), q: inDq, split: !inDq });
      i = j;
    } else if (c === '$' && s[i + 1] === "'" && !inDq) {
      const j = skipConstruct(s, i);
      addLit(dollarQuote(s.slice(i + 2, j - 1)), true);
      i = j;
    } else if (c === '$' && s.startsWith('$((', i) && arithEnd(s, i) > 0) {
      const j = arithEnd(s, i);
      flush();
      const expr = s.slice(i + 3, j - 2);
      out.push({ s: h.arith(expandString(h, expr, true)), q: inDq, split: !inDq });
      i = j;
    } else if (c === '$' && s[i + 1] === '(') {
      const j = skipConstruct(s, i);
      flush();
      out.push({ s: h.cmdSub(s.slice(i + 2, j - 1)), q: inDq, split: !inDq });
      i = j;
    } else if (c === '$' && s[i + 1] === '{') {
      const j = skipConstruct(s, i);
      flush();
      braced(h, s.slice(i + 2, j - 1), inDq, out);
      i = j;
    } else if (c === '$' && paramName(s, i + 1)) {
      const name = paramName(s, i + 1);
      flush();
      simple(h, name, inDq, out);
      i += 1 + name.length;
    } else {
      addLit(c, inDq);
      i++;
    }
  }
  flush();
}

/** The text of $'...': \n \t \\ \' \" \a \b \e \f \r \v \NNN \xHH. */
function dollarQuote(body: string): string {
  const simple: Record<string, string> = { n: '\n', t: '\t', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', e: '\x1b', f: '\f', r: '\r', v: '\v' };
  return body.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/gs, (m, e: string) => {
    if (e[0] === 'x' && e.length > 1) return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]+$/.test(e)) return String.fromCharCode(parseInt(e, 8) & 255);
    return Object.prototype.hasOwnProperty.call(simple, e) ? simple[e] : m;
  });
}

/** End of a $((...)) at i (past the "))"), or -1 when it is $( (...) ) instead. */
function arithEnd(s: string, i: number): number {
  let depth = 0;
  for (let j = i + 3; j < s.length; j++) {
    if (s[j] === '(') depth++;
    else if (s[j] === ')') {
      if (depth === 0) return s[j + 1] === ')' ? j + 2 : -1;
      depth--;
    }
  }
  throw new ShellSyntaxError('syntax error: unexpected end of file (expecting ")")');
}

function unset(h: ExpandHost, name: string): never {
  throw new ParamError(`${name}: parameter not set`);
}

function simple(h: ExpandHost, name: string, inDq: boolean, out: Piece[]): void {
  if ((name === '@' || name === '*') && (inDq || name === '@')) {
    const ps = h.params();
    if (name === '*' && inDq) {
      const ifs = h.getVar('IFS');
      out.push({ s: ps.join(ifs === undefined ? ' ' : ifs.slice(0, 1)), q: true, split: false });
      return;
    }
    ps.forEach((p, k) => {
      if (k > 0) out.push({ brk: true });
      out.push({ s: p, q: inDq, split: !inDq });
    });
    return;
  }
  const v = lookup(h, name);
  if (v === undefined && h.nounset() && name !== '@' && name !== '*') unset(h, name);
  out.push({ s: v ?? '', q: inDq, split: !inDq });
}

function braced(h: ExpandHost, inner: string, inDq: boolean, out: Piece[]): void {
  if (inner.startsWith('#') && inner.length > 1) {
    const name = paramName(inner, 1);
    if (name && 1 + name.length === inner.length) {
      const v = lookup(h, name);
      if (v === undefined && h.nounset() && name !== '@' && name !== '*') unset(h, name);
      out.push({ s: String(name === '@' || name === '*' ? h.params().length : (v ?? '').length), q: inDq, split: !inDq });
      return;
    }
  }
  const name = paramName(inner, 0);
  if (!name) throw new ShellSyntaxError(`syntax error: bad substitution`);
  const rest = inner.slice(name.length);
  if (rest === '') return simple(h, name, inDq, out);
  // ash's bash-compatible forms: ${VAR:OFFSET[:LENGTH]}, ${VAR/PAT/REP}, ${VAR//PAT/REP}
  if (rest[0] === ':' && !/^:[-=?+]/.test(rest)) return substring(h, name, rest.slice(1), inDq, out);
  if (rest[0] === '/') return replace(h, name, rest.slice(1), inDq, out);
  const m = /^(:?[-=?+]|%%?|##?)/.exec(rest);
  if (!m) throw new ShellSyntaxError(`syntax error: bad substitution`);
  const op = m[1];
  const word = rest.slice(op.length);
  const v = lookup(h, name);
  const isSet = v !== undefined && !(op.startsWith(':') && v === '');
  const sub = () => pieces(h, word, inDq, out, true);
  switch (op.replace(':', '')) {
    case '-':
      if (isSet) return simple(h, name, inDq, out);
      return sub();
    case '+':
      if (isSet) return sub();
      return;
    case '=':
      if (isSet) return simple(h, name, inDq, out);
      h.setVar(name, expandString(h, word, false));
      return simple(h, name, inDq, out);
    case '?':
      if (isSet) return simple(h, name, inDq, out);
      throw new ParamError(`${name}: ${word ? expandString(h, word, false) : 'parameter not set'}`);
  }
  if (v === undefined && h.nounset()) unset(h, name);
  const pat = patternOf(h, word);
  out.push({ s: trim(v ?? '', pat, op), q: inDq, split: !inDq });
}

/** Past this length, ${VAR%pat} and the like match once with a regular expression instead of trying every cut. */
const TRIM_EXACT = 4096;

function substring(h: ExpandHost, name: string, spec: string, inDq: boolean, out: Piece[]): void {
  const v = lookup(h, name) ?? '';
  const colon = topLevelColon(spec);
  const off = Number(h.arith(expandString(h, colon < 0 ? spec : spec.slice(0, colon), true)));
  let start = off < 0 ? Math.max(0, v.length + off) : Math.min(off, v.length);
  let end = v.length;
  if (colon >= 0) {
    const len = Number(h.arith(expandString(h, spec.slice(colon + 1), true)));
    end = len < 0 ? Math.max(start, v.length + len) : Math.min(v.length, start + len);
  }
  if (start > end) start = end;
  out.push({ s: v.slice(start, end), q: inDq, split: !inDq });
}

function topLevelColon(s: string): number {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')') depth--;
    else if (s[i] === ':' && depth === 0) return i;
  }
  return -1;
}

function replace(h: ExpandHost, name: string, spec: string, inDq: boolean, out: Piece[]): void {
  const v = lookup(h, name) ?? '';
  // (busybox 1.35 has no /# and /% anchors: they are pattern characters there)
  let mode: 'first' | 'all' = 'first';
  if (spec[0] === '/') (mode = 'all'), (spec = spec.slice(1));
  let slash = -1;
  for (let i = 0; i < spec.length; i++) {
    if (spec[i] === '\\') i++;
    else if (spec[i] === '/') {
      slash = i;
      break;
    }
  }
  const pat = patternOf(h, slash < 0 ? spec : spec.slice(0, slash));
  const rep = slash < 0 ? '' : expandString(h, spec.slice(slash + 1), inDq);
  if (pat === '') return void out.push({ s: v, q: inDq, split: !inDq });
  const src = patternSource(pat, false);
  const result = v.replace(new RegExp(src, mode === 'all' ? 'gs' : 's'), () => rep);
  out.push({ s: result, q: inDq, split: !inDq });
}

function trim(v: string, pat: string, op: string): string {
  if (v.length > TRIM_EXACT) {
    const lazy = op === '#' || op === '%%';
    const src = patternSource(pat, lazy);
    const re = op === '#' || op === '##' ? new RegExp(`^(?:${src})`, 's') : op === '%%' ? new RegExp(`(?:${src})$`, 's') : new RegExp(`^[^]*((?:${src})$)`, 's');
    const m = re.exec(v);
    if (!m) return v;
    if (op === '#' || op === '##') return v.slice(m[0].length);
    if (op === '%%') return v.slice(0, m.index);
    return v.slice(0, v.length - m[1].length);
  }
  const re = patternRegex(pat);
  if (op === '#' || op === '##') {
    const order = op === '#' ? [...Array(v.length + 1).keys()] : [...Array(v.length + 1).keys()].reverse();
    for (const n of order) if (re.test(v.slice(0, n))) return v.slice(n);
    return v;
  }
  const order = op === '%' ? [...Array(v.length + 1).keys()].reverse() : [...Array(v.length + 1).keys()];
  for (const n of order) if (re.test(v.slice(n))) return v.slice(0, n);
  return v;
}

const GLOB = '*?[';

/** Expands to a pattern: quoted characters escaped, the rest active. */
export function patternOf(h: ExpandHost, word: string): string {
  const ps: Piece[] = [];
  pieces(h, word, false, ps, true);
  let pat = '';
  for (const p of ps) if (!('brk' in p)) pat += p.q ? p.s.replace(/[*?[\\]/g, '\\$&') : p.s;
  return pat;
}

/** Expands without field splitting or globbing (assignments, redirection targets, here-documents). */
export function expandString(h: ExpandHost, word: string, inDq = false): string {
  const ps: Piece[] = [];
  pieces(h, word, inDq, ps, !inDq);
  let s = '';
  for (const p of ps) s += 'brk' in p ? ' ' : p.s;
  h.checkSize(s.length);
  return s;
}

/** Expands a here-document's body: $, ` and \ are special, quotes are not. */
export function expandHeredoc(h: ExpandHost, body: string): string {
  const ps: Piece[] = [];
  pieces(h, body.replace(/"/g, '\u0001'), true, ps, false);
  let s = '';
  for (const p of ps) s += 'brk' in p ? ' ' : p.s;
  return s.replace(/\u0001/g, '"');
}

interface Field {
  text: string;
  pat: string;
  glob: boolean;
  started: boolean;
}

/** Expands a word into fields (split on IFS, then globbed). */
export function expandFields(h: ExpandHost, word: string): string[] {
  const ps: Piece[] = [];
  pieces(h, word, false, ps, true);
  const ifs = h.getVar('IFS') ?? ' \t\n';
  const fields: Field[] = [];
  let cur: Field = { text: '', pat: '', glob: false, started: false };
  let last: 'ws' | 'other' | undefined;
  const finish = () => {
    fields.push(cur);
    cur = { text: '', pat: '', glob: false, started: false };
  };
  let size = 0;
  for (const p of ps) {
    if ('brk' in p) {
      cur.started = true;
      finish();
      continue;
    }
    h.checkSize((size += p.s.length));
    if (p.q) {
      cur.text += p.s;
      cur.pat += p.s.replace(/[*?[\\]/g, '\\$&');
      cur.started = true;
      last = undefined;
      continue;
    }
    if (!p.split) {
      cur.text += p.s;
      cur.pat += p.s;
      if (p.s) cur.started = true;
      if ([...GLOB].some((g) => p.s.includes(g))) cur.glob = true;
      last = undefined;
      continue;
    }
    for (const c of p.s) {
      if (ifs.includes(c)) {
        if (' \t\n'.includes(c)) {
          if (cur.started) finish();
          last = 'ws';
        } else {
          if (cur.started || last !== 'ws') {
            cur.started = true;
            finish();
          }
          last = 'other';
        }
      } else {
        cur.text += c;
        cur.pat += c;
        cur.started = true;
        if (GLOB.includes(c)) cur.glob = true;
        last = undefined;
      }
    }
  }
  if (cur.started) fields.push(cur);
  const out: string[] = [];
  for (const f of fields) {
    if (f.glob) {
      const m = h.glob(f.pat);
      if (m.length) {
        out.push(...m);
        continue;
      }
    }
    out.push(f.text);
  }
  return out;
}

const reCache = new Map<string, RegExp>();

/** A glob pattern (with \ escapes) as an anchored regular expression. */
export function patternRegex(pat: string): RegExp {
  let re = reCache.get(pat);
  if (re) return re;
  const src = patternSource(pat, false);
  try {
    re = new RegExp(`^${src}$`, 's');
  } catch {
    re = new RegExp(`^${escapeRe(pat)}$`);
  }
  if (reCache.size > 500) reCache.clear();
  reCache.set(pat, re);
  return re;
}

/** A glob pattern's regular expression source (`*` lazy or greedy). */
function patternSource(pat: string, lazy: boolean): string {
  let src = '';
  for (let i = 0; i < pat.length; i++) {
    const c = pat[i];
    if (c === '\\' && i + 1 < pat.length) src += escapeRe(pat[++i]);
    else if (c === '*') src += lazy ? '[^]*?' : '[^]*';
    else if (c === '?') src += '[^]';
    else if (c === '[') {
      let j = i + 1;
      if (pat[j] === '!' || pat[j] === '^') j++;
      if (pat[j] === ']') j++;
      while (j < pat.length && pat[j] !== ']') j++;
      if (j >= pat.length) src += '\\[';
      else {
        let body = pat.slice(i + 1, j);
        let neg = false;
        if (body[0] === '!' || body[0] === '^') {
          neg = true;
          body = body.slice(1);
        }
        body = body.replace(/\[:(\w+):\]/g, (_m, cls: string) => CLASSES[cls] ?? '').replace(/\\(?![a-z])|\]|\^(?=.)/g, (m) => `\\${m === '\\' ? '\\' : m}`);
        src += `[${neg ? '^' : ''}${body}]`;
        i = j;
      }
    } else src += escapeRe(c);
  }
  try {
    new RegExp(src, 's');
    return src;
  } catch {
    return escapeRe(pat);
  }
}

const CLASSES: Record<string, string> = { alpha: 'A-Za-z', digit: '0-9', alnum: 'A-Za-z0-9', upper: 'A-Z', lower: 'a-z', space: ' \\t\\n\\r\\f\\v', xdigit: '0-9A-Fa-f', punct: '!-\\/:-@\\[-`{-~' };

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

export function matchPattern(pat: string, s: string): boolean {
  return patternRegex(pat).test(s);
}
