// -o go-template / go-template-file / template: Go's text/template over the object as kubectl hands it to the
// engine (decoded JSON: maps, lists, strings, int64 for whole numbers, float64 otherwise), with kubectl's two
// extra functions (exists, base64decode), Go's fmt for print/printf, and Go's error texts. Loaded only when a
// go-template output is asked for. No npm package implements Go's semantics (missing keys, fmt verbs, error
// positions) closely enough to be byte-equal, so this is a port of the behaviour, written for JSON data.
import { fmtV, GoInt, intOf, kindOf, NOVALUE, sprintf, truth, typeName, type Value } from './go-fmt.js';


export class TemplateParseError extends Error {}
export class TemplateExecError extends Error {}

// ---------------------------------------------------------------------------------------------------------
// Lexer

type TokKind = 'text' | 'left' | 'right' | 'space' | 'field' | 'var' | 'ident' | 'string' | 'raw' | 'char' | 'number' | 'bool' | 'nil' | 'dot' | 'pipe' | 'lparen' | 'rparen' | 'declare' | 'assign' | 'comma' | 'comment' | 'eof';
interface Tok {
  k: TokKind;
  v: string;
  pos: number;
  line: number;
}

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue']);

function lex(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  let line = 1;
  const newlines: number[] = [];
  for (let j = src.indexOf('\n'); j >= 0; j = src.indexOf('\n', j + 1)) newlines.push(j);
  /** 1 + the newlines before p (binary search: templates may be long). */
  const lineAt = (p: number): number => {
    let lo = 0;
    let hi = newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (newlines[mid] < p) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
  const err = (msg: string, at = i): never => {
    throw new TemplateParseError(`template: output:${lineAt(at)}: ${msg}`);
  };
  let trimNext = false;
  while (i < src.length) {
    let open = src.indexOf('{{', i);
    if (open < 0) open = src.length;
    let text = src.slice(i, open);
    if (trimNext) text = text.replace(/^[ \t\r\n]+/, '');
    trimNext = false;
    let start = open;
    if (open < src.length && /^\{\{- [ \t\r\n]*|^\{\{-[\t\r\n]/.test(src.slice(open, open + 4))) {
      text = text.replace(/[ \t\r\n]+$/, '');
    }
    if (text) toks.push({ k: 'text', v: text, pos: i, line });
    if (open >= src.length) break;
    i = open + 2;
    if (src[i] === '-' && /[ \t\r\n]/.test(src[i + 1] ?? '')) i += 2;
    start = open;
    // A comment fills the whole action.
    const rest = src.slice(i).replace(/^[ \t\r\n]*/, '');
    if (rest.startsWith('/*')) {
      const at = src.length - rest.length;
      const end = src.indexOf('*/', at + 2);
      if (end < 0) err('unclosed comment', at);
      let j = end + 2;
      const close = /^[ \t\r\n]+-\}\}|^\}\}/.exec(src.slice(j));
      if (!close) err('comment ends before closing delimiter', at);
      if (close![0].includes('-')) trimNext = true;
      j += close![0].length;
      line = lineAt(j);
      i = j;
      continue;
    }
    toks.push({ k: 'left', v: '{{', pos: start, line });
    for (;;) {
      if (i >= src.length) err('unclosed action', start);
      const c = src[i];
      const rm = /^[ \t\r\n]+-\}\}/.exec(src.slice(i, i + 8)) ?? (src.startsWith('}}', i) ? ['}}'] : null);
      if (rm && (src.startsWith('}}', i) || /^[ \t\r\n]+-\}\}/.test(src.slice(i)))) {
        if (rm[0].includes('-')) trimNext = true;
        toks.push({ k: 'right', v: '}}', pos: i, line: lineAt(i) });
        i += rm[0].length;
        break;
      }
      const tokLine = lineAt(i);
      if (/[ \t\r\n]/.test(c)) {
        const m = /^[ \t\r\n]+/.exec(src.slice(i))![0];
        if (m.includes('\n') && false) err('unclosed action');
        i += m.length;
        continue;
      }
      const push = (k: TokKind, v: string): void => {
        toks.push({ k, v, pos: i, line: tokLine });
        i += v.length;
      };
      if (c === '|') push('pipe', '|');
      else if (c === '(') push('lparen', '(');
      else if (c === ')') push('rparen', ')');
      else if (c === ',') push('comma', ',');
      else if (src.startsWith(':=', i)) push('declare', ':=');
      else if (c === '=') push('assign', '=');
      else if (c === '"') {
        let j = i + 1;
        while (j < src.length && src[j] !== '"') {
          if (src[j] === '\\') j++;
          if (src[j] === '\n') err('unterminated quoted string');
          j++;
        }
        if (j >= src.length) err('unterminated quoted string');
        push('string', src.slice(i, j + 1));
      } else if (c === '`') {
        const j = src.indexOf('`', i + 1);
        if (j < 0) err('unterminated raw quoted string');
        push('raw', src.slice(i, j + 1));
      } else if (c === "'") {
        const m = /^'(\\.[^']*|[^'\\])'/.exec(src.slice(i));
        if (!m) err('unterminated character constant');
        push('char', m![0]);
      } else if (c === '$') {
        const m = /^\$[\p{L}_0-9]*/u.exec(src.slice(i))![0];
        push('var', m);
      } else if (c === '.') {
        const m = /^\.[\p{L}_][\p{L}_0-9]*/u.exec(src.slice(i));
        if (m) push('field', m[0]);
        else if (/[0-9]/.test(src[i + 1] ?? '')) push('number', /^\.[0-9][0-9_]*([eE][-+]?[0-9]+)?/.exec(src.slice(i))![0]);
        else push('dot', '.');
      } else if (/[-+0-9]/.test(c)) {
        const m = /^[-+]?(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|\.[0-9]+([eE][-+]?[0-9]+)?)/.exec(src.slice(i));
        if (!m) err(`bad number syntax: "${src.slice(i, i + 2)}"`);
        if (/[\p{L}_]/u.test(src[i + m![0].length] ?? '')) err(`bad number syntax: "${/^[^\s)}|]+/.exec(src.slice(i))![0]}"`);
        push('number', m![0]);
      } else if (/[\p{L}_]/u.test(c)) {
        const m = /^[\p{L}_][\p{L}_0-9]*/u.exec(src.slice(i))![0];
        if (m === 'true' || m === 'false') push('bool', m);
        else if (m === 'nil') push('nil', m);
        else push('ident', m);
      } else err(`unexpected ${JSON.stringify(c)} in command`);
    }
    line = lineAt(i);
  }
  toks.push({ k: 'eof', v: '', pos: src.length, line: lineAt(src.length) });
  return toks;
}

// ---------------------------------------------------------------------------------------------------------
// Parse tree

type Arg =
  | { t: 'field'; names: string[]; pos: number; text: string }
  | { t: 'var'; name: string; names: string[]; pos: number; text: string }
  | { t: 'dot'; pos: number; text: string }
  | { t: 'nil'; pos: number; text: string }
  | { t: 'const'; value: Value; pos: number; text: string }
  | { t: 'ident'; name: string; pos: number; text: string }
  | { t: 'pipe'; pipe: Pipe; names: string[]; pos: number; text: string };
interface Cmd {
  args: Arg[];
  pos: number;
}
interface Pipe {
  decl: string[];
  assign: boolean;
  cmds: Cmd[];
  pos: number;
  line: number;
}
type Node =
  | { t: 'text'; text: string }
  | { t: 'action'; pipe: Pipe }
  | { t: 'if' | 'with' | 'range'; pipe: Pipe; list: Node[]; elseList?: Node[] }
  | { t: 'template'; name: string; pipe?: Pipe; pos: number; line: number }
  | { t: 'break' | 'continue' };

const cmdText = (c: Cmd): string => c.args.map((a) => a.text).join(' ');
const pipeText = (p: Pipe): string => `${p.decl.length ? `${p.decl.join(', ')} ${p.assign ? '=' : ':='} ` : ''}${p.cmds.map(cmdText).join(' | ')}`;

const BUILTINS = new Set(['and', 'or', 'not', 'len', 'index', 'slice', 'print', 'printf', 'println', 'html', 'js', 'urlquery', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'call', 'exists', 'base64decode']);

class Parser {
  i = 0;
  readonly defs = new Map<string, Node[]>();
  private vars: string[][] = [['$']];
  private rangeDepth = 0;
  constructor(private readonly toks: Tok[]) {}

  peek(): Tok {
    return this.toks[this.i];
  }
  next(): Tok {
    return this.toks[this.i++];
  }
  err(msg: string, t: Tok = this.peek() ?? this.toks[this.toks.length - 1]): never {
    throw new TemplateParseError(`template: output:${t.line}: ${msg}`);
  }

  parse(): Node[] {
    const [list, end] = this.list();
    if (end) this.err(`unexpected ${end}`);
    return list;
  }

  /** Nodes up to {{end}}/{{else}} (returned as the terminator) or EOF. */
  list(): [Node[], string | undefined, Tok?] {
    const out: Node[] = [];
    for (;;) {
      const t = this.next();
      if (t.k === 'eof') return [out, undefined];
      if (t.k === 'text') {
        out.push({ t: 'text', text: t.v });
        continue;
      }
      // t is {{
      const k = this.peek();
      if (k.k === 'ident' && KEYWORDS.has(k.v)) {
        this.next();
        switch (k.v) {
          case 'end':
            this.expectRight('end');
            return [out, '{{end}}', k];
          case 'else':
            return [out, '{{else}}', k];
          case 'if':
          case 'with':
          case 'range':
            out.push(this.control(k.v));
            break;
          case 'define': {
            const name = this.templateName('define');
            this.expectRight('define');
            const [body, end] = this.list();
            if (end !== '{{end}}') this.err(end ? `unexpected ${end} in define clause` : 'unexpected EOF');
            this.defs.set(name, body);
            break;
          }
          case 'template':
          case 'block': {
            const nameTok = this.peek();
            const name = this.templateName(k.v);
            let pipe: Pipe | undefined;
            if (this.peek().k !== 'right') pipe = this.pipeline(k.v, false);
            else this.next();
            out.push({ t: 'template', name, pipe, pos: nameTok.pos, line: nameTok.line });
            if (k.v === 'block') {
              const [body, end] = this.list();
              if (end !== '{{end}}') this.err(end ? `unexpected ${end} in block clause` : 'unexpected EOF');
              this.defs.set(name, body);
            }
            break;
          }
          case 'break':
          case 'continue':
            if (this.rangeDepth === 0) this.err(`{{${k.v}}} outside {{range}}`);
            this.expectRight(k.v);
            out.push({ t: k.v });
            break;
        }
        continue;
      }
      out.push({ t: 'action', pipe: this.pipeline('command', true) });
    }
  }

  expectRight(ctx: string): void {
    const t = this.next();
    if (t.k !== 'right') this.err(`unexpected ${describe(t)} in ${ctx}`, t);
  }

  templateName(ctx: string): string {
    const t = this.next();
    if (t.k !== 'string' && t.k !== 'raw') this.err(`unexpected ${describe(t)} in ${ctx} clause`, t);
    return unquote(t, this);
  }

  control(kind: 'if' | 'with' | 'range'): Node {
    this.vars.push([...this.vars[this.vars.length - 1]]);
    const pipe = this.pipeline(kind, true, kind === 'range');
    if (kind === 'range') this.rangeDepth++;
    let [list, end, endTok] = this.list();
    if (kind === 'range') this.rangeDepth--;
    let elseList: Node[] | undefined;
    if (end === '{{else}}') {
      // {{else if ...}} and {{else with ...}} nest a new clause that shares this {{end}}.
      const nt = this.peek();
      if ((kind === 'if' && nt.k === 'ident' && nt.v === 'if') || (kind === 'with' && nt.k === 'ident' && nt.v === 'with')) {
        this.next();
        elseList = [this.control(nt.v as 'if' | 'with')];
        this.vars.pop();
        return { t: kind, pipe, list, elseList };
      }
      this.expectRight('else');
      [elseList, end, endTok] = this.list();
      if (end === '{{else}}') this.err(`expected end; found {{else}}`, endTok);
    }
    if (end !== '{{end}}') this.err('unexpected EOF');
    this.vars.pop();
    return { t: kind, pipe, list, elseList };
  }

  pipeline(ctx: string, allowDecl: boolean, range = false): Pipe {
    const start = this.peek();
    const pipe: Pipe = { decl: [], assign: false, cmds: [], pos: start.pos, line: start.line };
    if (allowDecl && this.peek().k === 'var') {
      const save = this.i;
      const names: string[] = [this.next().v];
      if (range && this.peek().k === 'comma') {
        this.next();
        const v2 = this.next();
        if (v2.k !== 'var') this.err(`range can only initialize variables`, v2);
        names.push(v2.v);
      }
      const op = this.peek();
      if (op.k === 'declare' || op.k === 'assign') {
        this.next();
        pipe.decl = names;
        pipe.assign = op.k === 'assign';
        if (op.k === 'declare') this.vars[this.vars.length - 1].push(...names);
        else for (const n of names) if (!this.vars[this.vars.length - 1].includes(n)) this.err(`undefined variable "${n}"`, op);
      } else this.i = save;
    }
    for (;;) {
      const t = this.peek();
      if (t.k === 'right' || t.k === 'rparen') {
        if (t.k === 'rparen' && ctx !== 'parenthesized pipeline') this.err(`unexpected right paren`, t);
        this.next();
        if (pipe.cmds.length === 0) this.err(`missing value for ${ctx}`, t);
        return pipe;
      }
      if (t.k === 'eof') this.err(`unclosed action`, t);
      pipe.cmds.push(this.command(ctx));
      const after = this.peek();
      if (after.k === 'pipe') {
        this.next();
        if (this.peek().k === 'right' || this.peek().k === 'rparen') this.err('missing command', this.peek());
      }
    }
  }

  command(ctx: string): Cmd {
    const first = this.peek();
    const cmd: Cmd = { args: [], pos: first.pos };
    for (;;) {
      const t = this.peek();
      if (t.k === 'right' || t.k === 'rparen' || t.k === 'pipe' || t.k === 'eof') break;
      cmd.args.push(this.operand(ctx));
    }
    if (cmd.args.length === 0) this.err(`missing value for ${ctx}`);
    return cmd;
  }

  operand(ctx: string): Arg {
    const t = this.next();
    let a: Arg;
    switch (t.k) {
      case 'field':
        a = { t: 'field', names: [t.v.slice(1)], pos: t.pos, text: t.v };
        break;
      case 'var':
        if (!this.vars[this.vars.length - 1].includes(t.v)) this.err(`undefined variable "${t.v}"`, t);
        a = { t: 'var', name: t.v, names: [], pos: t.pos, text: t.v };
        break;
      case 'dot':
        a = { t: 'dot', pos: t.pos, text: '.' };
        break;
      case 'nil':
        a = { t: 'nil', pos: t.pos, text: 'nil' };
        break;
      case 'bool':
        a = { t: 'const', value: t.v === 'true', pos: t.pos, text: t.v };
        break;
      case 'string':
      case 'raw':
        a = { t: 'const', value: unquote(t, this), pos: t.pos, text: t.v };
        break;
      case 'char':
        a = { t: 'const', value: BigInt(unquoteChar(t.v, this, t).codePointAt(0)!), pos: t.pos, text: t.v };
        break;
      case 'number':
        a = { t: 'const', value: parseNumber(t.v, this, t), pos: t.pos, text: t.v };
        break;
      case 'ident':
        if (KEYWORDS.has(t.v)) this.err(`unexpected <${t.v}> in ${ctx}`, t);
        if (!BUILTINS.has(t.v)) this.err(`function "${t.v}" not defined`, t);
        a = { t: 'ident', name: t.v, pos: t.pos, text: t.v };
        break;
      case 'lparen': {
        const pipe = this.pipeline('parenthesized pipeline', true);
        a = { t: 'pipe', pipe, names: [], pos: t.pos, text: `(${pipeText(pipe)})` };
        break;
      }
      default:
        this.err(`unexpected ${describe(t)} in ${ctx}`, t);
    }
    // Field chains: .a.b, $x.a, (pipe).a
    while (this.peek().k === 'field' && this.peek().pos === this.toks[this.i - 1].pos + this.toks[this.i - 1].v.length) {
      const f = this.next();
      if (a!.t === 'field' || a!.t === 'var' || a!.t === 'pipe') {
        // Go positions a chained field at its second element.
        if ((a!.t === 'field' && a!.names.length === 1) || (a!.t !== 'field' && a!.names.length === 0)) a!.pos = f.pos;
        a!.names.push(f.v.slice(1));
        a!.text += f.v;
      } else this.err(`unexpected . after term ${JSON.stringify(a!.text)}`, f);
    }
    return a!;
  }
}

function describe(t: Tok): string {
  if (t.k === 'right') return '"}}"';
  if (t.k === 'eof') return 'EOF';
  if (t.k === 'ident' && KEYWORDS.has(t.v)) return `<${t.v}>`;
  if (t.k === 'string' || t.k === 'raw') return `quoted string`;
  return JSON.stringify(t.v);
}

function unquote(t: Tok, p: Parser): string {
  if (t.k === 'raw') return t.v.slice(1, -1).replace(/\r/g, '');
  try {
    // Go's escapes are JSON's plus \a \b \f \v \x.. \ooo \U........ and \'.
    const body = t.v.slice(1, -1).replace(/\\(x[0-9a-fA-F]{2}|[0-7]{3}|U[0-9a-fA-F]{8}|a|v|')/g, (_m, e: string) => {
      if (e === 'a') return '\\u0007';
      if (e === 'v') return '\\u000b';
      if (e === "'") return "'";
      if (e[0] === 'x') return `\\u00${e.slice(1)}`;
      if (e[0] === 'U') return String.fromCodePoint(parseInt(e.slice(1), 16));
      return `\\u${parseInt(e, 8).toString(16).padStart(4, '0')}`;
    });
    return JSON.parse(`"${body}"`) as string;
  } catch {
    return p.err(`invalid syntax`, t);
  }
}

function unquoteChar(v: string, p: Parser, t: Tok): string {
  const inner = v.slice(1, -1);
  if (inner === "\\'") return "'";
  if (inner === '"') return '"';
  return unquote({ ...t, k: 'string', v: `"${inner}"` }, p);
}

function parseNumber(s: string, p: Parser, t: Tok): Value {
  const clean = s.replace(/_/g, '');
  if (/^[-+]?(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|[0-9]+)$/.test(clean)) {
    const neg = clean.startsWith('-');
    const body = clean.replace(/^[-+]/, '');
    const n = /^0[0-7]+$/.test(body) ? BigInt(`0o${body.slice(1)}`) : BigInt(body.replace(/^0[oO]/, '0o'));
    return new GoInt(neg ? -n : n);
  }
  const f = Number(clean);
  if (Number.isNaN(f)) return p.err(`illegal number syntax: ${JSON.stringify(s)}`, t);
  return f;
}

// ---------------------------------------------------------------------------------------------------------
// Execution

class Break {}
class Continue {}

interface ExecOptions {
  /** kubectl's --allow-missing-template-keys (true: a missing key is <no value>; false: an error). */
  allowMissingKeys: boolean;
}

class Exec {
  out = '';
  private vars: [string, Value][] = [];
  private depth = 0;
  constructor(
    private readonly src: string,
    private readonly defs: Map<string, Node[]>,
    private readonly opts: ExecOptions,
  ) {}

  fail(pos: number, at: string, msg: string): never {
    const text = this.src.slice(0, pos);
    const nl = text.lastIndexOf('\n');
    const col = nl < 0 ? pos : pos - (nl + 1);
    const line = 1 + (text.match(/\n/g)?.length ?? 0);
    throw new TemplateExecError(`template: output:${line}:${col}: executing "output" at <${at}>: ${msg}`);
  }

  run(list: Node[], dot: Value): void {
    for (const n of list) this.node(n, dot);
  }

  node(n: Node, dot: Value): void {
    if (this.out.length > 64 << 20) throw new TemplateExecError('template: output: the output is larger than 64 MiB');
    switch (n.t) {
      case 'text':
        this.out += n.text;
        return;
      case 'action': {
        const v = this.pipe(n.pipe, dot);
        if (n.pipe.decl.length === 0) this.out += printable(v);
        return;
      }
      case 'if':
      case 'with': {
        const mark = this.vars.length;
        const v = this.pipe(n.pipe, dot);
        if (truth(v)) this.run(n.list, n.t === 'with' ? v : dot);
        else if (n.elseList) this.run(n.elseList, dot);
        this.vars.length = mark;
        return;
      }
      case 'range':
        this.range(n, dot);
        return;
      case 'template': {
        const body = this.defs.get(n.name);
        if (!body) this.fail(n.pos, `{{template ${JSON.stringify(n.name)}}}`, `template ${JSON.stringify(n.name)} not defined`);
        if (++this.depth > 100000 / 100) this.fail(n.pos, `{{template ${JSON.stringify(n.name)}}}`, 'exceeded maximum template depth (100000)');
        const saved = this.vars;
        const v = n.pipe ? this.pipe(n.pipe, dot) : null;
        this.vars = [['$', v]];
        this.run(body!, v);
        this.vars = saved;
        this.depth--;
        return;
      }
      case 'break':
        throw new Break();
      case 'continue':
        throw new Continue();
    }
  }

  range(n: { pipe: Pipe; list: Node[]; elseList?: Node[] }, dot: Value): void {
    const mark = this.vars.length;
    const decl = n.pipe.decl;
    const v = this.pipe({ ...n.pipe, decl: [] }, dot);
    const items: [Value, Value][] = [];
    const k = kindOf(v);
    if (k === 'slice') (v as unknown[]).forEach((x, i) => items.push([new GoInt(BigInt(i)), x]));
    else if (k === 'map') for (const key of Object.keys(v as object).sort()) items.push([key, (v as Record<string, unknown>)[key]]);
    else if (k === 'invalid' || k === 'nil') {
      /* nothing to range over */
    } else this.fail(n.pipe.cmds[0].pos, n.pipe.cmds.map(cmdText).join(' | '), `range can't iterate over ${fmtV(v)}`);
    if (items.length === 0) {
      if (n.elseList) this.run(n.elseList, dot);
      this.vars.length = mark;
      return;
    }
    for (const [key, val] of items) {
      if (decl.length === 1) this.vars.push([decl[0], val]);
      else if (decl.length === 2) this.vars.push([decl[0], key], [decl[1], val]);
      try {
        this.run(n.list, val);
      } catch (e) {
        if (e instanceof Break) break;
        if (!(e instanceof Continue)) throw e;
      } finally {
        this.vars.length = mark;
      }
    }
    this.vars.length = mark;
  }

  setRoot(data: Value): void {
    this.vars = [['$', data]];
  }

  lookupVar(name: string): Value {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i][0] === name) return this.vars[i][1];
    return NOVALUE;
  }

  pipe(p: Pipe, dot: Value): Value {
    let v: Value = NOVALUE;
    let first = true;
    for (const c of p.cmds) {
      v = this.command(c, dot, first ? undefined : v, first);
      first = false;
    }
    if (p.decl.length) {
      if (p.assign) {
        for (let i = this.vars.length - 1; i >= 0; i--) {
          if (this.vars[i][0] === p.decl[0]) {
            this.vars[i][1] = v;
            break;
          }
        }
      } else this.vars.push([p.decl[0], v]);
    }
    return v;
  }

  command(c: Cmd, dot: Value, final: Value | undefined, first: boolean): Value {
    const head = c.args[0];
    if (head.t === 'ident') {
      const args = c.args.slice(1);
      return this.call(c, head.name, args, dot, first ? undefined : final, !first);
    }
    if (head.t === 'nil') this.fail(head.pos, 'nil', 'nil is not a command');
    if (c.args.length > 1 || !first) {
      if (head.t === 'field' || (head.t === 'var' && head.names.length) || (head.t === 'pipe' && head.names.length)) {
        this.fail(head.pos, head.text, `${head.names[head.names.length - 1]} is not a method but has arguments`);
      }
      this.fail(head.pos, head.text, `can't give argument to non-function ${head.text}`);
    }
    return this.arg(head, dot);
  }

  arg(a: Arg, dot: Value): Value {
    switch (a.t) {
      case 'dot':
        return dot;
      case 'nil':
        return null;
      case 'const':
        return a.value;
      case 'field':
        return this.fields(dot, a.names, a);
      case 'var':
        return this.fields(this.lookupVar(a.name), a.names, a);
      case 'pipe':
        return this.fields(this.pipe(a.pipe, dot), a.names, a);
      case 'ident':
        return this.call({ args: [a], pos: a.pos }, a.name, [], dot, undefined, false);
    }
  }

  fields(v: Value, names: string[], a: Arg): Value {
    let cur = v;
    let path = a.t === 'var' ? a.name : a.t === 'pipe' ? a.text.slice(0, a.text.length - names.map((n) => `.${n}`).join('').length) : '';
    for (const name of names) {
      path += `.${name}`;
      const k = kindOf(cur);
      if (k === 'invalid') {
        if (!this.opts.allowMissingKeys) this.fail(a.pos, a.text, `nil data; no entry for key ${JSON.stringify(name)}`);
        return NOVALUE;
      }
      if (k === 'nil') this.fail(a.pos, a.text, `nil pointer evaluating interface {}.${name}`);
      if (k === 'map') {
        const m = cur as Record<string, unknown>;
        if (Object.prototype.hasOwnProperty.call(m, name)) cur = m[name];
        else {
          if (!this.opts.allowMissingKeys) this.fail(a.pos, a.text, `map has no entry for key ${JSON.stringify(name)}`);
          cur = NOVALUE;
        }
        continue;
      }
      this.fail(a.pos, a.text, `can't evaluate field ${name} in type interface {}`);
    }
    return cur;
  }

  call(c: Cmd, name: string, argNodes: Arg[], dot: Value, final: Value | undefined, hasFinal: boolean): Value {
    const at = cmdText(c);
    const lazy = name === 'and' || name === 'or';
    const evalArg = (a: Arg): Value => this.arg(a, dot);
    const n = argNodes.length + (hasFinal ? 1 : 0);
    const argc = (want: number | [number, number]): void => {
      const [lo, hi] = typeof want === 'number' ? [want, want] : want;
      if (n < lo || n > hi) this.fail(c.pos, at, `wrong number of args for ${name}: want ${typeof want === 'number' ? want : `at least ${lo}`} got ${n}`);
    };
    if (lazy) {
      if (n < 1) this.fail(c.pos, at, `wrong number of args for ${name}: want at least 1 got 0`);
      let v: Value = NOVALUE;
      for (const a of argNodes) {
        v = evalArg(a);
        if (name === 'and' ? !truth(v) : truth(v)) return v;
      }
      if (hasFinal) v = final;
      return v;
    }
    const args = argNodes.map(evalArg);
    if (hasFinal) args.push(final);
    const failCall = (msg: string): never => this.fail(c.pos, at, `error calling ${name}: ${msg}`);
    switch (name) {
      case 'not':
        argc(1);
        return !truth(args[0]);
      case 'len': {
        argc(1);
        const k = kindOf(args[0]);
        if (k === 'string') return new GoInt(BigInt(Buffer.byteLength(args[0] as string)));
        if (k === 'slice') return new GoInt(BigInt((args[0] as unknown[]).length));
        if (k === 'map') return new GoInt(BigInt(Object.keys(args[0] as object).length));
        return failCall(`len of ${k === 'nil' || k === 'invalid' ? 'nil pointer' : `type ${typeName(args[0])}`}`);
      }
      case 'index': {
        if (n < 1) argc([1, Infinity]);
        let cur = args[0];
        for (const ix of args.slice(1)) {
          const k = kindOf(cur);
          if (k === 'map') {
            if (kindOf(ix) !== 'string') failCall(`value has type ${typeName(ix)}; should be string`);
            const m = cur as Record<string, unknown>;
            cur = Object.prototype.hasOwnProperty.call(m, ix as string) ? m[ix as string] : NOVALUE;
          } else if (k === 'slice' || k === 'string') {
            if (kindOf(ix) !== 'int') failCall(`cannot index slice/array with type ${typeName(ix)}`);
            const i = intOf(ix);
            const len = k === 'string' ? Buffer.byteLength(cur as string) : (cur as unknown[]).length;
            if (i < 0n || i >= BigInt(len)) failCall(`index out of range: ${i}`);
            cur = k === 'string' ? new GoInt(BigInt(Buffer.from(cur as string)[Number(i)])) : (cur as unknown[])[Number(i)];
          } else if (k === 'invalid' || k === 'nil') failCall('index of untyped nil');
          else failCall(`can't index item of type ${typeName(cur)}`);
        }
        return cur;
      }
      case 'slice': {
        if (n < 1) argc([1, Infinity]);
        const item = args[0];
        const k = kindOf(item);
        if (k !== 'slice' && k !== 'string') return failCall(`can't slice item of type ${typeName(item)}`);
        if (args.length > 4 || (k === 'string' && args.length > 3)) return failCall(`too many slice indexes: ${args.length - 1}`);
        const len = k === 'string' ? Buffer.byteLength(item as string) : (item as unknown[]).length;
        const ix = args.slice(1).map((x) => (kindOf(x) === 'int' ? Number(intOf(x)) : failCall(`cannot index slice/array with type ${typeName(x)}`)));
        const lo = ix[0] ?? 0;
        const hi = ix[1] ?? len;
        if (lo < 0 || hi > len || lo > hi) return failCall(`index out of range: ${lo > hi ? lo : hi}`);
        return k === 'string' ? Buffer.from(item as string).subarray(lo, hi).toString('utf8') : (item as unknown[]).slice(lo, hi);
      }
      case 'print':
        return goSprint(args);
      case 'println':
        return `${args.map((a) => fmtV(a)).join(' ')}\n`;
      case 'printf': {
        if (n < 1) argc([1, Infinity]);
        if (kindOf(args[0]) !== 'string') this.fail(c.pos, at, `wrong type for value; expected string; got ${typeName(args[0])}`);
        return sprintf(args[0] as string, args.slice(1));
      }
      case 'html':
        return goSprint(args).replace(/[<>&'"\0]/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&#39;', '"': '&#34;', '\0': '\uFFFD' })[ch]!);
      case 'js':
        return goSprint(args).replace(/[\\'"<>&=\n\r\t]|[\u0000-\u001f]/g, (ch) => {
          const m: Record<string, string> = { '\\': '\\\\', "'": "\\'", '"': '\\"', '<': '\\u003C', '>': '\\u003E', '&': '\\u0026', '=': '\\u003D', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
          return m[ch] ?? `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
        });
      case 'urlquery':
        return encodeURIComponent(goSprint(args)).replace(/%20/g, '+').replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`).replace(/~/g, '~');
      case 'eq':
      case 'ne':
      case 'lt':
      case 'le':
      case 'gt':
      case 'ge':
        return this.compare(name, args, failCall, argc);
      case 'exists': {
        // kubectl's exists: does the path of keys lead somewhere in the maps?
        if (n < 1) argc([1, Infinity]);
        let cur = args[0];
        for (const key of args.slice(1)) {
          if (kindOf(cur) !== 'map' || typeof key !== 'string' || !Object.prototype.hasOwnProperty.call(cur, key)) return false;
          cur = (cur as Record<string, unknown>)[key];
        }
        return true;
      }
      case 'base64decode': {
        argc(1);
        if (kindOf(args[0]) !== 'string') this.fail(c.pos, at, `wrong type for value; expected string; got ${typeName(args[0])}`);
        const s = args[0] as string;
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) {
          const badAt = s.search(/[^A-Za-z0-9+/=]/);
          return failCall(`base64 decode failed: illegal base64 data at input byte ${badAt >= 0 ? badAt : Math.max(0, s.length - (s.length % 4))}`);
        }
        return Buffer.from(s, 'base64').toString('utf8');
      }
      case 'call':
        return failCall(`non-function ${argNodes[0]?.text ?? ''} of type ${typeName(args[0])}`);
    }
    return this.fail(c.pos, at, `"${name}" is not a defined function`);
  }

  compare(name: string, args: Value[], failCall: (m: string) => never, argc: (w: number | [number, number]) => void): Value {
    if (name === 'eq') {
      if (args.length < 2) argc([2, Infinity]);
    } else argc(2);
    const basic = (v: Value): [string, Value] => {
      const k = kindOf(v);
      if (k === 'int') return ['int', intOf(v)];
      if (k === 'float') return ['float', v];
      if (k === 'string' || k === 'bool') return [k, v];
      if (k === 'nil' || k === 'invalid') return ['nil', null];
      return ['other', v];
    };
    const [ka, a] = basic(args[0]);
    const cmp = (bv: Value): number => {
      const [kb, b] = basic(bv);
      if (ka === 'other' || kb === 'other') {
        if (name === 'eq' || name === 'ne') return failCall(`incompatible types for comparison`) as never;
        return failCall('invalid type for comparison') as never;
      }
      if (ka !== kb) {
        if ((ka === 'nil' || kb === 'nil') && (name === 'eq' || name === 'ne')) return ka === kb ? 0 : 1;
        if (ka === 'nil' || kb === 'nil') return failCall('invalid type for comparison') as never;
        return failCall('incompatible types for comparison') as never;
      }
      if (ka === 'bool' && name !== 'eq' && name !== 'ne') return failCall('invalid type for comparison') as never;
      if (ka === 'nil') return name === 'eq' || name === 'ne' ? 0 : (failCall('invalid type for comparison') as never);
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    };
    switch (name) {
      case 'eq':
        return args.slice(1).some((b) => cmp(b) === 0);
      case 'ne':
        return cmp(args[1]) !== 0;
      case 'lt':
        return cmp(args[1]) < 0;
      case 'le':
        return cmp(args[1]) <= 0;
      case 'gt':
        return cmp(args[1]) > 0;
      default:
        return cmp(args[1]) >= 0;
    }
  }
}

/** fmt.Sprint: spaces between operands when neither is a string. */
function goSprint(args: Value[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && kindOf(a) !== 'string' && kindOf(args[i - 1]) !== 'string') out += ' ';
    out += fmtV(a);
  });
  return out;
}

/** What an action prints: the value as fmt.Print would, a missing one as <no value>. */
function printable(v: Value): string {
  if (v === NOVALUE || v === null || v === undefined) return '<no value>';
  return fmtV(v);
}

const MAX_NESTING = 200;

export class GoTemplate {
  private readonly tree: Node[];
  private readonly defs: Map<string, Node[]>;
  constructor(readonly source: string) {
    const toks = lex(source);
    // Go refuses expressions nested past its stack limit; kubesim's recursive parser stops far earlier.
    let depth = 0;
    for (const t of toks) {
      if (t.k === 'lparen' && ++depth > MAX_NESTING) throw new TemplateParseError(`template: output:${t.line}: max expression depth exceeded`);
      if (t.k === 'rparen') depth--;
    }
    const p = new Parser(toks);
    try {
      this.tree = p.parse();
    } catch (e) {
      if (e instanceof RangeError) throw new TemplateParseError('template: output:1: max expression depth exceeded');
      throw e;
    }
    this.defs = p.defs;
  }

  /** Runs the template; on failure the error carries the output written before it. */
  execute(data: unknown, opts: ExecOptions): { out: string; error?: TemplateExecError } {
    const e = new Exec(this.source, this.defs, opts);
    e.setRoot(data);
    try {
      e.run(this.tree, data);
      return { out: e.out };
    } catch (err) {
      if (err instanceof TemplateExecError) return { out: e.out, error: err };
      if (err instanceof RangeError) return { out: e.out, error: new TemplateExecError('template: output: exceeded maximum template depth') };
      throw err;
    }
  }
}

/** The object as Go's %+v prints a map[string]interface{} (for kubectl's debugging text). */
export function goValueText(v: unknown): string {
  return fmtV(v);
}
