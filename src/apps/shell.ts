// A small POSIX-ish shell, simulated: `;` `&&` `||` pipes, quotes, $VAR/$?/$(...) expansion, `for ... do ...
// done`, `if ... then ... fi`, `exit N`. Commands are the tools in tools.ts (never host processes), looked up
// in the image's binaries as $PATH would be.
import { hasBinary } from './images.js';
import { BUILTINS, TOOLS, type Proc } from './tools.js';
import { own } from '../util/own.js';
import { ArithError, evalArith } from './arith.js';

export interface Chunk {
  fd: 1 | 2;
  text: string;
}

// ---------------------------------------------------------------------------------------------------------
// Resource bounds. The simulated shell runs inside kubesim's own process, so a script must not be able to
// exhaust it or keep it busy forever. The bounds are those a real busybox ash meets in a container limited to
// 512 MiB of memory, and it fails the way ash fails there: with a shell error (`sh: out of memory`), status 2.
export const SHELL_LIMITS = {
  /**
   * Nesting: command substitutions, `sh -c` subshells and compound commands inside one another. In ash each
   * nested $(...) or sh -c is a forked process waiting on its child through a pipe (a few hundred KiB of
   * private memory apiece: stack, heap, page tables, pipe buffer), so somewhere past a thousand of them fill
   * 512 MiB. kubesim's interpreter recurses on the JavaScript stack (about 500 levels fit), so it stops
   * earlier, at 200 levels, far past anything a script nests: `sh: recursion too deep`.
   */
  depth: 200,
  /**
   * Bytes in one expanded word, variable or command output (a pipe's contents, a $(...) result). ash builds an
   * expansion in a buffer that doubles as it grows, then copies it into the variable: reassigning a value of N
   * bytes holds about 5N at once, so a value past ~100 MiB cannot be built in 512 MiB (a string doubled 28
   * times, 256 MiB, certainly not). kubesim keeps pipes in memory too, so their contents share the bound (a
   * real pipe would stream: `seq 1 100000000 | wc -l` is refused here, at about 7 million lines).
   */
  valueBytes: 64 << 20,
  /**
   * Simple commands one script runs: about what ash runs in a second or two. At a few microseconds each this
   * is a few seconds of kubesim's time; a script still going after that is treated as a process that keeps
   * running (as a `while true` loop is).
   */
  steps: 1_000_000,
};

/** A bound above was hit: ends the command line with `<shell>: <message>` and status 2. */
export class ShellLimitError extends Error {}

const OUT_OF_MEMORY = 'out of memory';
const TOO_DEEP = 'recursion too deep';

/** Collected output, in order, of a command run (at most SHELL_LIMITS.valueBytes). */
export class Output {
  chunks: Chunk[] = [];
  private bytes = 0;
  write(fd: 1 | 2, text: string): void {
    if (!text) return;
    if (this.bytes + text.length > SHELL_LIMITS.valueBytes) throw new ShellLimitError(OUT_OF_MEMORY);
    this.append(fd, text);
  }
  /** For the error that reports a bound: written even when the output is full. */
  writeAlways(fd: 1 | 2, text: string): void {
    this.append(fd, text);
  }
  private append(fd: 1 | 2, text: string): void {
    this.bytes += text.length;
    const last = this.chunks[this.chunks.length - 1];
    if (last && last.fd === fd) last.text += text;
    else this.chunks.push({ fd, text });
  }
  get stdout(): string {
    return this.chunks.filter((c) => c.fd === 1).map((c) => c.text).join('');
  }
  get stderr(): string {
    return this.chunks.filter((c) => c.fd === 2).map((c) => c.text).join('');
  }
}

/** Thrown by `exit`, unwinding to the shell that runs the script. */
export class ExitSignal {
  constructor(readonly code: number) {}
}

// ---------------------------------------------------------------------------------------------------------
// Parsing

type Part = { text: string; quote: 'none' | 'single' | 'double' } | { sub: string; quote: 'none' | 'double' } | { arith: string; quote: 'none' | 'double' };
type Word = Part[];
type Token = { t: 'word'; w: Word } | { t: 'op'; v: string };

export class ShellSyntaxError extends Error {}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let word: Word | null = null;
  const push = (p: Part) => {
    (word ??= []).push(p);
  };
  const end = () => {
    if (word) out.push({ t: 'word', w: word });
    word = null;
  };
  const readSub = (): string => {
    // at "$(": find the matching ")" (quotes respected)
    let depth = 1;
    let j = i + 2;
    let q: string | null = null;
    for (; j < src.length; j++) {
      const c = src[j];
      if (q) {
        if (c === q) q = null;
        continue;
      }
      if (c === "'" || c === '"') q = c;
      else if (c === '(') depth++;
      else if (c === ')' && --depth === 0) break;
    }
    if (j >= src.length) throw new ShellSyntaxError('unterminated $(');
    const s = src.slice(i + 2, j);
    i = j + 1;
    return s;
  };
  const readArith = (): string => {
    // at "$((": the expression runs to the "))" that closes it, parentheses inside counted.
    let depth = 0;
    for (let j = i + 3; j < src.length; j++) {
      if (src[j] === '(') depth++;
      else if (src[j] === ')') {
        if (depth === 0) {
          if (src[j + 1] !== ')') break;
          const s = src.slice(i + 3, j);
          i = j + 2;
          return s;
        }
        depth--;
      }
    }
    throw new ShellSyntaxError('unterminated $((');
  };
  while (i < src.length) {
    const c = src[i];
    if (c === '#' && !word) {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === ' ' || c === '\t') {
      end();
      i++;
      continue;
    }
    if (c === '\\' && src[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '\n' || c === ';' || c === '|' || c === '&' || c === '>' || c === '<') {
      end();
      const two = src.slice(i, i + 2);
      if (two === '&&' || two === '||' || two === '>>' || two === '2>' || two === ';;') {
        out.push({ t: 'op', v: two });
        i += 2;
      } else {
        out.push({ t: 'op', v: c === '\n' ? ';' : c });
        i++;
      }
      continue;
    }
    if (c === "'") {
      const j = src.indexOf("'", i + 1);
      if (j < 0) throw new ShellSyntaxError("unterminated quoted string");
      push({ text: src.slice(i + 1, j), quote: 'single' });
      i = j + 1;
      continue;
    }
    if (c === '"') {
      i++;
      let buf = '';
      while (i < src.length && src[i] !== '"') {
        if (src[i] === '\\' && i + 1 < src.length && '"\\$`'.includes(src[i + 1])) {
          buf += src[i + 1];
          i += 2;
        } else if (src.startsWith('$((', i)) {
          if (buf) push({ text: buf, quote: 'double' });
          buf = '';
          push({ arith: readArith(), quote: 'double' });
        } else if (src[i] === '$' && src[i + 1] === '(') {
          if (buf) push({ text: buf, quote: 'double' });
          buf = '';
          push({ sub: readSub(), quote: 'double' });
        } else buf += src[i++];
      }
      if (i >= src.length) throw new ShellSyntaxError('unterminated quoted string');
      i++;
      push({ text: buf, quote: 'double' });
      continue;
    }
    if (src.startsWith('$((', i)) {
      push({ arith: readArith(), quote: 'none' });
      continue;
    }
    if (c === '$' && src[i + 1] === '(') {
      push({ sub: readSub(), quote: 'none' });
      continue;
    }
    if (c === '\\') {
      push({ text: src[i + 1] ?? '', quote: 'single' });
      i += 2;
      continue;
    }
    let j = i;
    while (j < src.length && !" \t\n;|&<>'\"\\".includes(src[j]) && !(src[j] === '$' && src[j + 1] === '(')) j++;
    push({ text: src.slice(i, j), quote: 'none' });
    i = j;
  }
  end();
  return out;
}

type Redirect = { fd: 1 | 2; op: '>' | '>>'; target: Word };
type Simple = { kind: 'simple'; words: Word[]; redirects: Redirect[] };
type For = { kind: 'for'; name: string; items: Word[]; body: List };
type If = { kind: 'if'; cond: List; then: List; else?: List };
type While = { kind: 'while'; cond: List; body: List };
type Command = Simple | For | If | While;
type Pipeline = { cmds: Command[]; negate: boolean };
type List = { items: { p: Pipeline; op: ';' | '&&' | '||' }[] };

function plain(w: Word): string | undefined {
  return w.every((p) => 'text' in p && p.quote === 'none') ? w.map((p) => ('text' in p ? p.text : '')).join('') : undefined;
}

class Parser {
  i = 0;
  private depth = 0;
  constructor(readonly toks: Token[]) {}
  /** ash refuses an empty condition or body: `if then fi` is `syntax error: unexpected "then"`. */
  private nonEmpty(l: List): List {
    if (l.items.length > 0) return l;
    const t = this.toks[this.i];
    if (!t) throw new ShellSyntaxError('syntax error: unexpected end of file');
    throw new ShellSyntaxError(`syntax error: unexpected "${t.t === 'op' ? t.v : (plain(t.w) ?? 'word')}"`);
  }
  private enter(): void {
    if (++this.depth > SHELL_LIMITS.depth) throw new ShellLimitError(TOO_DEEP);
  }
  peekWord(): string | undefined {
    const t = this.toks[this.i];
    return t?.t === 'word' ? plain(t.w) : undefined;
  }
  skipSeps(): void {
    while (this.toks[this.i]?.t === 'op' && (this.toks[this.i] as { v: string }).v === ';') this.i++;
  }
  expectWord(w: string): void {
    this.skipSeps();
    if (this.peekWord() !== w) throw new ShellSyntaxError(`syntax error: expected "${w}"`);
    this.i++;
  }
  list(stop: string[]): List {
    const items: List['items'] = [];
    let op: ';' | '&&' | '||' = ';';
    for (;;) {
      this.skipSeps();
      const t = this.toks[this.i];
      if (!t) break;
      if (t.t === 'word' && stop.includes(plain(t.w) ?? '')) break;
      const p = this.pipeline();
      items.push({ p, op });
      const n = this.toks[this.i];
      if (n?.t === 'op' && (n.v === '&&' || n.v === '||')) {
        op = n.v;
        this.i++;
      } else if (n?.t === 'op' && (n.v === ';' || n.v === '&')) {
        op = ';';
        this.i++;
      } else if (n && !(n.t === 'word' && stop.includes(plain(n.w) ?? ''))) {
        throw new ShellSyntaxError(`syntax error: unexpected "${n.t === 'op' ? n.v : 'word'}"`);
      } else op = ';';
    }
    return { items };
  }
  pipeline(): Pipeline {
    let negate = false;
    if (this.peekWord() === '!') {
      negate = true;
      this.i++;
    }
    const cmds: Command[] = [this.command()];
    while (this.toks[this.i]?.t === 'op' && (this.toks[this.i] as { v: string }).v === '|') {
      this.i++;
      cmds.push(this.command());
    }
    return { cmds, negate };
  }
  command(): Command {
    this.enter();
    try {
      return this.compoundOrSimple();
    } finally {
      this.depth--;
    }
  }
  private compoundOrSimple(): Command {
    const w = this.peekWord();
    if (w === 'for') {
      this.i++;
      const name = this.peekWord();
      if (!name) throw new ShellSyntaxError('syntax error: bad for loop variable');
      this.i++;
      const items: Word[] = [];
      if (this.peekWord() === 'in') {
        this.i++;
        while (this.toks[this.i]?.t === 'word') items.push((this.toks[this.i++] as { w: Word }).w);
      }
      this.expectWord('do');
      const body = this.nonEmpty(this.list(['done']));
      this.expectWord('done');
      return { kind: 'for', name, items, body };
    }
    if (w === 'while' || w === 'until') {
      this.i++;
      const cond = this.nonEmpty(this.list(['do']));
      this.expectWord('do');
      const body = this.nonEmpty(this.list(['done']));
      this.expectWord('done');
      return { kind: 'while', cond, body };
    }
    if (w === 'if') {
      this.i++;
      const cond = this.nonEmpty(this.list(['then']));
      this.expectWord('then');
      const then = this.nonEmpty(this.list(['else', 'fi', 'elif']));
      let els: List | undefined;
      if (this.peekWord() === 'else') {
        this.i++;
        els = this.nonEmpty(this.list(['fi']));
      }
      this.expectWord('fi');
      return { kind: 'if', cond, then, else: els };
    }
    const words: Word[] = [];
    const redirects: Redirect[] = [];
    for (;;) {
      const t = this.toks[this.i];
      if (!t) break;
      if (t.t === 'op' && (t.v === '>' || t.v === '>>' || t.v === '2>')) {
        this.i++;
        const target = this.toks[this.i];
        if (target?.t !== 'word') throw new ShellSyntaxError('syntax error: unexpected redirection');
        this.i++;
        redirects.push({ fd: t.v === '2>' ? 2 : 1, op: t.v === '>>' ? '>>' : '>', target: target.w });
        continue;
      }
      if (t.t === 'op' && t.v === '<') {
        this.i += 2;
        continue;
      }
      if (t.t !== 'word') break;
      words.push(t.w);
      this.i++;
    }
    if (words.length === 0 && redirects.length === 0) throw new ShellSyntaxError('syntax error: unexpected token');
    return { kind: 'simple', words, redirects };
  }
}

export function parseScript(src: string): List {
  const p = new Parser(tokenize(src));
  const l = p.list([]);
  if (p.i < p.toks.length) throw new ShellSyntaxError('syntax error: unexpected token');
  return l;
}

// ---------------------------------------------------------------------------------------------------------
// Execution

/** What the shell runs against: the process's view of its container (tools.ts fills the behaviour). */
export interface ShellHost {
  /** Environment variables of the process. */
  vars: Map<string, string>;
  /** Binaries available in the container. */
  image: import('./images.js').ImageSpec;
  /** The shell's name for its messages: "sh" (busybox ash) or "bash". */
  shellName: string;
  lastCode: number;
  /** Set when a command blocks forever (sleep infinity, a server): the script stops there. */
  blocked: boolean;
  /** Set when `exit` ended the script. */
  exited?: boolean;
  /** Passed to tools. */
  proc: Omit<Proc, 'argv' | 'stdin' | 'out' | 'stdoutTTY' | 'host'>;
  stdoutTTY: boolean;
}

/** What one session's shells have used of SHELL_LIMITS (shared by its subshells through proc.session). */
interface Budget {
  /** A command line is running (the outermost entry catches the bounds' errors). */
  active: boolean;
  depth: number;
  steps: number;
}

const budgets = new WeakMap<object, Budget>();

function budgetOf(host: ShellHost): Budget {
  const key = host.proc.session as object;
  let b = budgets.get(key);
  if (!b) budgets.set(key, (b = { active: false, depth: 0, steps: 0 }));
  return b;
}

/** Runs fn one nesting level deeper ($(...), sh -c). */
function nested<T>(host: ShellHost, fn: () => T): T {
  const b = budgetOf(host);
  if (b.depth >= SHELL_LIMITS.depth) throw new ShellLimitError(TOO_DEEP);
  b.depth++;
  try {
    return fn();
  } finally {
    b.depth--;
  }
}

function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

/**
 * The outermost entry of a command line (a script, or a tool started directly): a bound hit anywhere inside
 * ends it with `<who>: <message>` on stderr and status 2 (1 for a tool), as ash's or busybox's fatal errors do.
 */
function guarded(host: ShellHost, who: string, out: Output, fn: () => number): number {
  const b = budgetOf(host);
  if (b.active) return fn();
  b.active = true;
  b.depth = 0;
  b.steps = 0;
  try {
    return fn();
  } catch (e) {
    // The JS stack is a backstop: the depth bound should be reached first.
    const limit = e instanceof ShellLimitError ? e.message : isStackOverflow(e) ? TOO_DEEP : undefined;
    if (limit === undefined) throw e;
    out.writeAlways(2, `${who}: ${limit}\n`);
    return (host.lastCode = isShell(who) ? 2 : 1);
  } finally {
    b.active = false;
  }
}

const isShell = (name: string) => name === 'sh' || name === 'ash' || name === 'bash' || name === 'zsh';

function checkSize(length: number): void {
  if (length > SHELL_LIMITS.valueBytes) throw new ShellLimitError(OUT_OF_MEMORY);
}

function expandWord(host: ShellHost, w: Word, split: boolean): string[] {
  const fields: string[] = [''];
  let quotedSeen = false;
  const expandVars = (s: string) => {
    let size = 0;
    return s.replace(/\$(\?|[A-Za-z_][A-Za-z0-9_]*|\{#?[A-Za-z_][A-Za-z0-9_]*\})/g, (_m, n: string) => {
      const name = n.startsWith('{') ? n.slice(1, -1) : n;
      const value = name === '?' ? String(host.lastCode) : name.startsWith('#') ? String((host.vars.get(name.slice(1)) ?? '').length) : (host.vars.get(name) ?? '');
      checkSize((size += value.length));
      return value;
    });
  };
  const append = (s: string, splittable: boolean) => {
    checkSize(fields[fields.length - 1].length + s.length);
    if (!splittable || !split) {
      fields[fields.length - 1] += s;
      return;
    }
    const parts = s.split(/[ \t\n]+/);
    fields[fields.length - 1] += parts[0];
    for (let k = 1; k < parts.length; k++) fields.push(parts[k]);
  };
  for (const p of w) {
    if ('arith' in p) {
      let v: bigint;
      try {
        v = evalArith(expandVars(p.arith), (name) => host.vars.get(name));
      } catch (e) {
        if (e instanceof ArithError) throw new ShellSyntaxError(e.message);
        throw e;
      }
      append(String(v), p.quote === 'none');
      if (p.quote !== 'none') quotedSeen = true;
    } else if ('sub' in p) {
      const out = new Output();
      nested(host, () => {
        try {
          runList(host, parseScript(p.sub), '', out);
        } catch (e) {
          // `exit` in $(...) ends only that subshell.
          if (!(e instanceof ExitSignal)) throw e;
          host.lastCode = e.code;
        }
      });
      const text = out.stdout.replace(/\n+$/, '');
      append(text, p.quote === 'none');
      if (p.quote !== 'none') quotedSeen = true;
    } else if (p.quote === 'single') {
      append(p.text, false);
      quotedSeen = true;
    } else if (p.quote === 'double') {
      append(expandVars(p.text), false);
      quotedSeen = true;
    } else {
      append(expandVars(p.text), true);
    }
  }
  return fields.filter((f, k) => f !== '' || quotedSeen || (k > 0 && k < fields.length - 1));
}

/** Runs a script; `exit` ends it with its code. A bound (SHELL_LIMITS) ends it with status 2. */
export function runScript(host: ShellHost, script: string, stdin: string, out: Output): number {
  return guarded(host, host.shellName, out, () => {
    let list: List;
    try {
      list = parseScript(script);
    } catch (e) {
      if (e instanceof ShellSyntaxError) {
        out.write(2, `${host.shellName}: ${e.message}\n`);
        return 2;
      }
      throw e;
    }
    try {
      return runList(host, list, stdin, out);
    } catch (e) {
      if (e instanceof ExitSignal) {
        host.exited = true;
        return (host.lastCode = e.code);
      }
      // ash parses a $(...) with its line: a syntax error there is the line's.
      if (e instanceof ShellSyntaxError) {
        out.write(2, `${host.shellName}: ${e.message}\n`);
        return (host.lastCode = 2);
      }
      throw e;
    }
  });
}

function runList(host: ShellHost, list: List, stdin: string, out: Output): number {
  let code = host.lastCode;
  for (const { p, op } of list.items) {
    if (host.blocked) break;
    if (op === '&&' && code !== 0) continue;
    if (op === '||' && code === 0) continue;
    code = runPipeline(host, p, stdin, out);
    host.lastCode = code;
  }
  return code;
}

function runPipeline(host: ShellHost, p: Pipeline, stdin: string, out: Output): number {
  let input = stdin;
  let code = 0;
  for (let k = 0; k < p.cmds.length; k++) {
    const last = k === p.cmds.length - 1;
    if (last) code = runCommand(host, p.cmds[k], input, out, host.stdoutTTY);
    else {
      const mid = new Output();
      runCommand(host, p.cmds[k], input, mid, false);
      for (const c of mid.chunks) if (c.fd === 2) out.write(2, c.text);
      input = mid.stdout;
    }
  }
  return p.negate ? (code === 0 ? 1 : 0) : code;
}

function runCommand(host: ShellHost, cmd: Command, stdin: string, out: Output, tty: boolean): number {
  if (cmd.kind === 'for') {
    const items = cmd.items.flatMap((w) => expandWord(host, w, true));
    let code = 0;
    for (const it of items) {
      if (host.blocked) break;
      host.vars.set(cmd.name, it);
      code = runList(host, cmd.body, stdin, out);
    }
    return code;
  }
  if (cmd.kind === 'while') {
    let code = 0;
    // A loop still going after many rounds (`while true; do ...; sleep 1; done`) is a process that keeps
    // running: the simulation stops it there and reports it as running.
    for (let round = 0; !host.blocked; round++) {
      if (round === 100) {
        host.blocked = true;
        break;
      }
      if (runList(host, cmd.cond, stdin, out) !== 0) break;
      code = runList(host, cmd.body, stdin, out);
    }
    return code;
  }
  if (cmd.kind === 'if') {
    if (runList(host, cmd.cond, stdin, out) === 0) return runList(host, cmd.then, stdin, out);
    return cmd.else ? runList(host, cmd.else, stdin, out) : 0;
  }
  // A script that has run this many commands is a process that keeps running (see SHELL_LIMITS.steps).
  if (++budgetOf(host).steps > SHELL_LIMITS.steps) {
    host.blocked = true;
    return 0;
  }
  // Leading NAME=value assignments: their values are expanded without field splitting (x=$(seq 3) is one value).
  let first = 0;
  for (; first < cmd.words.length; first++) {
    const head = cmd.words[first][0];
    const m = head && 'text' in head && head.quote === 'none' ? /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(head.text) : null;
    if (!m) break;
    const value = expandWord(host, cmd.words[first], false).join('');
    host.vars.set(m[1], value.slice(m[1].length + 1));
  }
  const words = cmd.words.slice(first).flatMap((w) => expandWord(host, w, true));
  if (words.length === 0) return 0;
  let target = out;
  const discard: (1 | 2)[] = [];
  for (const r of cmd.redirects) {
    const file = expandWord(host, r.target, false)[0] ?? '';
    if (file === '&1' || file === '/dev/stdout') continue;
    discard.push(r.fd);
  }
  if (discard.length) {
    const sink = new Output();
    target = sink;
    const code = execute(host, words, stdin, sink, false);
    for (const c of sink.chunks) if (!discard.includes(c.fd)) out.write(c.fd, c.text);
    return code;
  }
  return execute(host, words, stdin, target, tty);
}

/** Runs one command line (already expanded): builtins, then the image's binaries. */
export function execute(host: ShellHost, argv: string[], stdin: string, out: Output, tty: boolean): number {
  const base = argv[0].slice(argv[0].lastIndexOf('/') + 1);
  return guarded(host, base, out, () => executeCommand(host, argv, stdin, out, tty));
}

function executeCommand(host: ShellHost, argv: string[], stdin: string, out: Output, tty: boolean): number {
  const name = argv[0];
  const base = name.slice(name.lastIndexOf('/') + 1);
  const builtin = own(BUILTINS, base);
  if (builtin && !name.includes('/')) return builtin(host, argv, stdin, out);
  if (base === 'sh' || base === 'ash' || base === 'bash' || base === 'zsh') {
    if (!hasBinary(host.image, base)) return notFound(host, name, out);
    const sub: ShellHost = { ...host, vars: new Map(host.vars), shellName: base === 'bash' ? 'bash' : base === 'zsh' ? 'zsh' : 'sh', lastCode: 0, blocked: false };
    const c = argv.indexOf('-c');
    const code = nested(host, () => (c >= 0 ? runScript(sub, argv[c + 1] ?? '', stdin, out) : runScript(sub, stdin, '', out)));
    host.blocked ||= sub.blocked;
    return code;
  }
  const tool = own(TOOLS, base);
  if (!tool || !hasBinary(host.image, base)) return notFound(host, name, out);
  return tool({ ...host.proc, argv, stdin, out, stdoutTTY: tty, host });
}

function notFound(host: ShellHost, name: string, out: Output): number {
  out.write(2, host.shellName === 'bash' ? `bash: ${name}: command not found\n` : host.shellName === 'zsh' ? `zsh: command not found: ${name}\n` : `${host.shellName}: ${name}: not found\n`);
  return 127;
}
