// The simulated shell's parser: POSIX sh grammar as busybox ash reads it (lists, pipelines, compound
// commands, functions, redirections, here-documents), with ash's syntax error messages. Words are kept as
// their source text; sh-expand.ts expands them when the command runs.

export class ShellSyntaxError extends Error {}

/** Nesting bound the parser shares with the interpreter (see SHELL_LIMITS.depth in shell.ts). */
export const PARSE_DEPTH = 200;
export class ParseDepthError extends Error {}

export interface Redir {
  fd: number;
  op: '<' | '>' | '>>' | '>|' | '<&' | '>&' | '<>' | '<<' | '<<-';
  target: string;
  here?: { body: string; expand: boolean };
}

export type Node =
  | { k: 'simple'; assigns: string[]; words: string[]; redirs: Redir[]; line?: number }
  | { k: 'pipe'; cmds: Node[]; neg: boolean }
  | { k: 'andor'; first: Node; rest: { op: '&&' | '||'; node: Node }[] }
  | { k: 'list'; items: { node: Node; bg: boolean }[] }
  | { k: 'group'; body: Node; redirs: Redir[] }
  | { k: 'sub'; body: Node; redirs: Redir[] }
  | { k: 'if'; clauses: { cond: Node; body: Node }[]; else?: Node; redirs: Redir[] }
  | { k: 'while'; until: boolean; cond: Node; body: Node; redirs: Redir[] }
  | { k: 'for'; name: string; items?: string[]; body: Node; redirs: Redir[] }
  | { k: 'case'; word: string; arms: { pats: string[]; body?: Node }[]; redirs: Redir[] }
  | { k: 'func'; name: string; body: Node };

type Tok = { t: 'w'; raw: string; line?: number } | { t: 'op'; v: string; here?: Redir['here'] } | { t: 'nl' } | { t: 'eof' };

const META = ' \t\n;&|<>()';
const OPS = ['&&', '||', ';;', '<<-', '<<', '>>', '<&', '>&', '<>', '>|', ';', '&', '|', '<', '>', '(', ')'];

/** Index just past the construct that starts at i ($(...), $((...)), ${...}, `...`, '...', "..."). */
export function skipConstruct(s: string, i: number): number {
  const c = s[i];
  if (c === "'") {
    const j = s.indexOf("'", i + 1);
    if (j < 0) throw new ShellSyntaxError('syntax error: unterminated quoted string');
    return j + 1;
  }
  if (c === '"') {
    let j = i + 1;
    while (j < s.length && s[j] !== '"') {
      if (s[j] === '\\') j += 2;
      else if (s[j] === '$' || s[j] === '`') j = skipConstruct(s, j);
      else j++;
    }
    if (j >= s.length) throw new ShellSyntaxError('syntax error: unterminated quoted string');
    return j + 1;
  }
  if (c === '$' && s[i + 1] === "'") {
    // $'...' (busybox's bash compatibility): backslash escapes inside
    let j = i + 2;
    while (j < s.length && s[j] !== "'") j += s[j] === '\\' ? 2 : 1;
    if (j >= s.length) throw new ShellSyntaxError('syntax error: unterminated quoted string');
    return j + 1;
  }
  if (c === '`') {
    let j = i + 1;
    while (j < s.length && s[j] !== '`') j += s[j] === '\\' ? 2 : 1;
    if (j >= s.length) throw new ShellSyntaxError('syntax error: unterminated quoted string');
    return j + 1;
  }
  if (c === '$' && (s[i + 1] === '(' || s[i + 1] === '{')) {
    const open = s[i + 1];
    const close = open === '(' ? ')' : '}';
    let depth = 1;
    let j = i + 2;
    while (j < s.length) {
      const d = s[j];
      if (d === '\\') j += 2;
      else if (d === "'" && open === '(') j = skipConstruct(s, j);
      else if (d === '"' || d === '`' || (d === '$' && (s[j + 1] === '(' || s[j + 1] === '{'))) j = skipConstruct(s, j);
      else if (d === '#' && open === '(' && /[\s;(]/.test(s[j - 1] ?? ' ')) {
        while (j < s.length && s[j] !== '\n') j++;
      } else {
        if (d === open) depth++;
        else if (d === close && --depth === 0) return j + 1;
        j++;
      }
    }
    throw new ShellSyntaxError(open === '(' ? 'syntax error: unexpected end of file (expecting ")")' : 'syntax error: missing \'}\'');
  }
  return i + 1;
}

function tokenize(src: string): Tok[] {
  const toks: Tok[] = [];
  const newlines: number[] = [];
  for (let k = src.indexOf('\n'); k >= 0; k = src.indexOf('\n', k + 1)) newlines.push(k);
  /** Lines before offset `at` (ash's line numbers in messages). */
  const lineAt = (at: number) => {
    let lo = 0;
    let hi = newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (newlines[mid] < at) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const pending: { tok: Tok & { t: 'op' }; delim: string; strip: boolean }[] = [];
  let i = 0;
  let heredocNext: { tok: Tok & { t: 'op' }; strip: boolean } | undefined;
  const readBodies = () => {
    for (const p of pending) {
      let body = '';
      for (;;) {
        if (i >= src.length) break;
        let nl = src.indexOf('\n', i);
        if (nl < 0) nl = src.length;
        let line = src.slice(i, nl);
        i = nl + 1;
        if (p.strip) line = line.replace(/^\t+/, '');
        if (line === p.delim) break;
        body += `${line}\n`;
      }
      p.tok.here!.body = body;
    }
    pending.length = 0;
  };
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '\\' && src[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '\n') {
      i++;
      toks.push({ t: 'nl' });
      if (pending.length) readBodies();
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op) {
      const tok: Tok & { t: 'op' } = { t: 'op', v: op };
      toks.push(tok);
      i += op.length;
      if (op === '<<' || op === '<<-') {
        tok.here = { body: '', expand: true };
        heredocNext = { tok, strip: op === '<<-' };
      }
      continue;
    }
    // A word: up to an unquoted metacharacter.
    const start = i;
    let j = i;
    while (j < src.length && !META.includes(src[j])) {
      if (src[j] === '\\') {
        j += 2;
        continue;
      }
      if (src[j] === "'" || src[j] === '"' || src[j] === '`' || (src[j] === '$' && (src[j + 1] === '(' || src[j + 1] === '{' || src[j + 1] === "'"))) j = skipConstruct(src, j);
      else j++;
    }
    const raw = src.slice(i, Math.min(j, src.length)).replace(/\\\n/g, '');
    i = j;
    if (/^\d+$/.test(raw) && (src[i] === '<' || src[i] === '>')) {
      toks.push({ t: 'w', raw: `\u0000fd${raw}` });
      continue;
    }
    toks.push({ t: 'w', raw, line: lineAt(start) });
    if (heredocNext) {
      const quoted = /["'\\]/.test(raw);
      heredocNext.tok.here!.expand = !quoted;
      pending.push({ tok: heredocNext.tok, delim: raw.replace(/\\(.)/g, '$1').replace(/["']/g, ''), strip: heredocNext.strip });
      heredocNext = undefined;
    }
  }
  if (pending.length) readBodies();
  toks.push({ t: 'eof' });
  return toks;
}

const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'case', 'esac', 'while', 'until', 'for', '{', '}', '!', 'in']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

class Parser {
  i = 0;
  depth = 0;
  constructor(readonly toks: Tok[]) {}
  get tok(): Tok {
    return this.toks[this.i];
  }
  word(): string | undefined {
    const t = this.tok;
    return t.t === 'w' ? t.raw : undefined;
  }
  isOp(v: string): boolean {
    const t = this.tok;
    return t.t === 'op' && t.v === v;
  }
  unexpected(expecting?: string): never {
    const t = this.tok;
    if (t.t === 'eof') throw new ShellSyntaxError(`syntax error: unexpected end of file${expecting ? ` (expecting "${expecting}")` : ''}`);
    if (t.t === 'nl') throw new ShellSyntaxError('syntax error: unexpected newline');
    const v = t.t === 'op' ? t.v : t.raw;
    throw new ShellSyntaxError(`syntax error: unexpected "${v}"`);
  }
  linebreak(): void {
    while (this.tok.t === 'nl') this.i++;
  }
  expect(w: string): void {
    this.linebreak();
    if (this.word() !== w) this.unexpected(w);
    this.i++;
  }
  /** A list up to one of the reserved words in `stop` (or `)`/`;;`/EOF). */
  list(stop: string[], expecting?: string): Node {
    if (++this.depth > PARSE_DEPTH) throw new ParseDepthError();
    try {
      const items: { node: Node; bg: boolean }[] = [];
      for (;;) {
        this.linebreak();
        const t = this.tok;
        if (t.t === 'eof') break;
        if (t.t === 'w' && stop.includes(t.raw)) break;
        if (t.t === 'op' && (t.v === ')' || t.v === ';;')) break;
        const node = this.andOr(expecting);
        let bg = false;
        if (this.isOp('&')) {
          bg = true;
          this.i++;
        } else if (this.isOp(';')) this.i++;
        else if (this.tok.t !== 'nl' && this.tok.t !== 'eof' && !(this.tok.t === 'w' && stop.includes(this.tok.raw)) && !this.isOp(')') && !this.isOp(';;')) this.unexpected(expecting);
        items.push({ node, bg });
      }
      return { k: 'list', items };
    } finally {
      this.depth--;
    }
  }
  body(stop: string[], expecting: string): Node {
    const l = this.list(stop, expecting);
    if (l.k === 'list' && l.items.length === 0) this.unexpected(expecting);
    return l;
  }
  andOr(expecting?: string): Node {
    const first = this.pipeline(expecting);
    const rest: { op: '&&' | '||'; node: Node }[] = [];
    while (this.isOp('&&') || this.isOp('||')) {
      const op = (this.tok as { v: '&&' | '||' }).v;
      this.i++;
      this.linebreak();
      rest.push({ op, node: this.pipeline(expecting) });
    }
    return rest.length ? { k: 'andor', first, rest } : first;
  }
  pipeline(expecting?: string): Node {
    let neg = false;
    if (this.word() === '!') {
      neg = true;
      this.i++;
    }
    const cmds = [this.command(expecting)];
    while (this.isOp('|')) {
      this.i++;
      this.linebreak();
      cmds.push(this.command(expecting));
    }
    return cmds.length === 1 && !neg ? cmds[0] : { k: 'pipe', cmds, neg };
  }
  redirs(): Redir[] {
    const out: Redir[] = [];
    while (this.redir(out));
    return out;
  }
  redir(out: Redir[]): boolean {
    let fd: number | undefined;
    const w = this.word();
    if (w?.startsWith('\u0000fd')) {
      fd = Number(w.slice(3));
      this.i++;
    }
    const t = this.tok;
    if (t.t !== 'op' || !['<', '>', '>>', '>|', '<&', '>&', '<>', '<<', '<<-'].includes(t.v)) {
      if (fd !== undefined) this.i--;
      return false;
    }
    this.i++;
    const target = this.word();
    const next = this.tok;
    if (target === undefined && next.t === 'op' && ['<', '>', '>>', '>|', '<&', '>&', '<>', '<<', '<<-'].includes(next.v)) throw new ShellSyntaxError('syntax error: unexpected redirection');
    if (target === undefined) this.unexpected();
    this.i++;
    const op = t.v as Redir['op'];
    out.push({ fd: fd ?? (op[0] === '<' ? 0 : 1), op, target, ...(t.here ? { here: t.here } : {}) });
    return true;
  }
  command(expecting?: string): Node {
    if (++this.depth > PARSE_DEPTH) throw new ParseDepthError();
    try {
      return this.command1(expecting);
    } finally {
      this.depth--;
    }
  }
  private compound(node: Node): Node {
    (node as { redirs: Redir[] }).redirs = this.redirs();
    return node;
  }
  private command1(expecting?: string): Node {
    const w = this.word();
    if (this.isOp('(')) {
      this.i++;
      const body = this.body([], ')');
      if (!this.isOp(')')) this.unexpected(')');
      this.i++;
      return this.compound({ k: 'sub', body, redirs: [] });
    }
    switch (w) {
      case '{': {
        this.i++;
        const body = this.body(['}'], '}');
        this.expect('}');
        return this.compound({ k: 'group', body, redirs: [] });
      }
      case 'if': {
        this.i++;
        const clauses: { cond: Node; body: Node }[] = [];
        let els: Node | undefined;
        for (;;) {
          const cond = this.body(['then'], 'then');
          this.expect('then');
          const body = this.body(['elif', 'else', 'fi'], 'fi');
          clauses.push({ cond, body });
          if (this.word() === 'elif') {
            this.i++;
            continue;
          }
          if (this.word() === 'else') {
            this.i++;
            els = this.body(['fi'], 'fi');
          }
          this.expect('fi');
          break;
        }
        return this.compound({ k: 'if', clauses, else: els, redirs: [] });
      }
      case 'while':
      case 'until': {
        this.i++;
        const cond = this.body(['do'], 'do');
        this.expect('do');
        const body = this.body(['done'], 'done');
        this.expect('done');
        return this.compound({ k: 'while', until: w === 'until', cond, body, redirs: [] });
      }
      case 'for': {
        this.i++;
        const name = this.word();
        if (name === undefined || !NAME.test(name)) throw new ShellSyntaxError('syntax error: bad for loop variable');
        this.i++;
        let items: string[] | undefined;
        this.linebreak();
        if (this.word() === 'in') {
          this.i++;
          items = [];
          while (this.tok.t === 'w') items.push((this.tok as { raw: string }).raw), this.i++;
          if (this.isOp(';')) this.i++;
          else if (this.tok.t !== 'nl') this.unexpected('do');
        } else if (this.isOp(';')) this.i++;
        this.expect('do');
        const body = this.body(['done'], 'done');
        this.expect('done');
        return this.compound({ k: 'for', name, items, body, redirs: [] });
      }
      case 'case': {
        this.i++;
        const word = this.word();
        if (word === undefined) this.unexpected();
        this.i++;
        this.expect('in');
        const arms: { pats: string[]; body?: Node }[] = [];
        for (;;) {
          this.linebreak();
          if (this.word() === 'esac') {
            this.i++;
            break;
          }
          if (this.isOp('(')) this.i++;
          const pats: string[] = [];
          for (;;) {
            const p = this.word();
            if (p === undefined) this.unexpected(')');
            pats.push(p);
            this.i++;
            if (this.isOp('|')) {
              this.i++;
              continue;
            }
            if (!this.isOp(')')) this.unexpected(')');
            this.i++;
            break;
          }
          const body = this.list(['esac'], 'esac');
          arms.push({ pats, body: body.k === 'list' && body.items.length === 0 ? undefined : body });
          this.linebreak();
          if (this.isOp(';;')) this.i++;
          else if (this.word() !== 'esac') this.unexpected('esac');
        }
        return this.compound({ k: 'case', word, arms, redirs: [] });
      }
      case 'then':
      case 'else':
      case 'elif':
      case 'fi':
      case 'do':
      case 'done':
      case 'esac':
      case '}':
      case 'in':
        this.unexpected(expecting);
    }
    // [[ ... ]] (busybox's bash compatibility): && and || inside are its -a and -o
    if (w === '[[') {
      const words: string[] = [];
      let j = this.i;
      for (; j < this.toks.length; j++) {
        const t = this.toks[j];
        if (t.t === 'w') {
          words.push(t.raw);
          if (t.raw === ']]') break;
        } else if (t.t === 'op' && (t.v === '&&' || t.v === '||')) words.push(t.v === '&&' ? '-a' : '-o');
        else break;
      }
      if (words[words.length - 1] === ']]') {
        this.i = j + 1;
        return { k: 'simple', assigns: [], words, redirs: this.redirs(), line: (this.toks[this.i - 1] as { line?: number }).line };
      }
    }
    // A function definition: NAME ( ) compound-command
    const next = this.toks[this.i + 1];
    const after = this.toks[this.i + 2];
    if (w !== undefined && next?.t === 'op' && next.v === '(' && after?.t === 'op' && after.v === ')') {
      if (!NAME.test(w)) throw new ShellSyntaxError(`syntax error: bad function name`);
      this.i += 3;
      this.linebreak();
      const body = this.command(expecting);
      return { k: 'func', name: w, body };
    }
    const assigns: string[] = [];
    const words: string[] = [];
    const redirs: Redir[] = [];
    const line = (this.tok as { line?: number }).line;
    for (;;) {
      if (this.redir(redirs)) continue;
      const t = this.tok;
      if (t.t !== 'w') break;
      if (words.length === 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(t.raw)) assigns.push(t.raw);
      else words.push(t.raw);
      this.i++;
    }
    if (!assigns.length && !words.length && !redirs.length) this.unexpected(expecting);
    return { k: 'simple', assigns, words, redirs, line };
  }
}

const cache = new Map<string, Node>();

/** Parses a script (cached: loops and $(...) bodies are parsed once). */
export function parse(src: string): Node {
  const hit = cache.get(src);
  if (hit) return hit;
  const p = new Parser(tokenize(src));
  const node = p.list([]);
  if (p.tok.t !== 'eof') p.unexpected();
  if (cache.size > 500) cache.clear();
  cache.set(src, node);
  return node;
}

export { RESERVED };
