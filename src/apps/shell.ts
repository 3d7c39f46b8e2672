// The simulated POSIX shell (busybox ash's flavour): sh-parse.ts reads a script, sh-expand.ts expands words,
// sh-builtins.ts has the builtins; this module runs the tree. Commands are the tools in tools.ts (never host
// processes), looked up in the image's binaries as $PATH would be; files live in the container's in-memory
// layer (fs.ts), never on the host.
import { hasBinary } from './images.js';
import { TOOLS, type Proc } from './tools.js';
import { own } from '../util/own.js';
import { ArithError, evalArith } from './arith.js';
import { parse, ParseDepthError, ShellSyntaxError, type Node, type Redir } from './sh-parse.js';
import { expandFields, expandHeredoc, expandString, matchPattern, ParamError, patternOf, type ExpandHost } from './sh-expand.js';
import { baseFiles, ContainerFs } from './fs.js';
import { BUILTINS, SPECIAL_BUILTINS, quoteForTrace, type Ctx } from './sh-builtins.js';

export { ShellSyntaxError };

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
   * Nesting: command substitutions, `sh -c` subshells, function calls and compound commands inside one
   * another. In ash each nested $(...) or sh -c is a forked process waiting on its child through a pipe (a few
   * hundred KiB of private memory apiece), so somewhere past a thousand of them fill 512 MiB. kubesim's
   * interpreter recurses on the JavaScript stack, so it stops earlier, at 200 levels, far past anything a
   * script nests: `sh: recursion too deep`.
   */
  depth: 200,
  /**
   * Bytes in one expanded word, variable or command output (a pipe's contents, a $(...) result). ash builds an
   * expansion in a buffer that doubles as it grows: a value past ~100 MiB cannot be built in 512 MiB. kubesim
   * keeps pipes in memory too, so their contents share the bound (`seq 1 100000000 | wc -l` is refused here).
   */
  valueBytes: 64 << 20,
  /**
   * Simple commands one script runs: about what ash runs in a second or two. A script still going after that
   * is a process that keeps running (as a `while true` loop is): see `blocked`.
   */
  steps: 1_000_000,
  /**
   * Simulated time one command line may spend (sleeps, timeouts): past an hour it is a process that keeps
   * running. A polling loop (`until wget ...; do sleep 1; done`) thus runs a few thousand rounds at most.
   */
  simulatedMs: 3600 * 1000,
  /**
   * Bytes a pipeline's writer may send to a reader that stops early (`head`, `grep -q`): a pipe's buffer (64 KiB on
   * Linux). Past them the writer is ended as
   * a real one is when its reader has gone (SIGPIPE, status 141).
   */
  pipeBytes: 64 << 10,
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
export class BreakSignal {
  constructor(public n: number, readonly cont: boolean) {}
}
export class ReturnSignal {
  constructor(readonly code: number) {}
}
/** The script keeps running past its bounds (a `while true` loop, `sleep infinity`): unwinds to the top. */
export class BlockedSignal {}

/** Standard input of a command: a string read from `pos` on (a loop's `read` consumes it line by line). */
export interface Input {
  s: string;
  pos: number;
}

/** The shell's own state beyond variables: functions, $@, options, the working directory, the filesystem. */
export interface ShState {
  funcs: Map<string, Node>;
  params: string[];
  argv0: string;
  opts: { e: boolean; u: boolean; x: boolean; f: boolean };
  readonly: Set<string>;
  exported: Set<string>;
  locals: Map<string, string | undefined>[];
  loops: number;
  /** Inside an if/while condition or a && || list: `set -e` does not apply. */
  cond: number;
  cwd: string;
  fs: ContainerFs;
  pid: number;
  lastBg?: number;
  traps: Map<string, string>;
  /** Line of the command running (0-based) and what ash adds to it in messages (0 for sh -c, 1 for a file). */
  line: number;
  lineBase: number;
}

/** What the shell runs against: the process's view of its container (tools.ts fills the behaviour). */
export interface ShellHost {
  /** Environment variables of the process. */
  vars: Map<string, string>;
  /** Binaries available in the container. */
  image: import('./images.js').ImageSpec;
  /** The shell's name for its messages: "sh" (busybox ash) or "bash". */
  shellName: string;
  lastCode: number;
  /** Set when a command blocks forever (sleep infinity, a server, an endless loop): the script stops there. */
  blocked: boolean;
  /** Set when `exit` ended the script. */
  exited?: boolean;
  /** Passed to tools. */
  proc: Omit<Proc, 'argv' | 'stdin' | 'out' | 'stdoutTTY' | 'host'>;
  stdoutTTY: boolean;
  /** The shell's state (made on first use; a session's hosts share the filesystem). */
  sh?: ShState;
}

/** The container's filesystem for this session (made on first use from what tools.ts knows of the image). */
const filesystems = new WeakMap<object, ContainerFs>();
export function fsOf(host: ShellHost): ContainerFs {
  if (host.sh) return host.sh.fs;
  const key = host.proc.session as object;
  let fs = filesystems.get(key);
  if (!fs) filesystems.set(key, (fs = new ContainerFs((p) => baseFiles.read(host, p))));
  return fs;
}

export function stateOf(host: ShellHost): ShState {
  if (!host.sh) {
    host.sh = {
      funcs: new Map(),
      params: [],
      argv0: host.shellName,
      opts: { e: false, u: false, x: false, f: false },
      readonly: new Set(),
      exported: new Set(host.vars.keys()),
      locals: [],
      loops: 0,
      cond: 0,
      cwd: '/',
      fs: fsOf(host),
      pid: 1,
      traps: new Map(),
      line: 0,
      lineBase: 0,
    };
  }
  return host.sh;
}

/** A subshell's copy: ( ... ), $(...), a pipeline's commands. The filesystem is the container's, shared. */
export function subshell(host: ShellHost): ShellHost {
  const s = stateOf(host);
  const sh: ShState = { ...s, funcs: new Map(s.funcs), params: [...s.params], opts: { ...s.opts }, readonly: new Set(s.readonly), exported: new Set(s.exported), locals: [], traps: new Map(s.traps) };
  return { ...host, vars: new Map(host.vars), sh };
}

/** What one session's shells have used of SHELL_LIMITS (shared by its subshells through proc.session). */
interface Budget {
  active: boolean;
  depth: number;
  steps: number;
  startMs: number;
  /** The command line's own output (a tool writing there writes to the terminal, if there is one). */
  top?: Output;
}

const budgets = new WeakMap<object, Budget>();

function budgetOf(host: ShellHost): Budget {
  const key = host.proc.session as object;
  let b = budgets.get(key);
  if (!b) budgets.set(key, (b = { active: false, depth: 0, steps: 0, startMs: 0 }));
  return b;
}

/** Runs fn one nesting level deeper ($(...), sh -c, a function call). */
export function nested<T>(host: ShellHost, fn: () => T): T {
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
 * A script that keeps running past its bounds stops there with host.blocked set.
 */
function guarded(host: ShellHost, who: string, out: Output, fn: () => number): number {
  const b = budgetOf(host);
  if (b.active) return fn();
  b.active = true;
  b.depth = 0;
  b.steps = 0;
  b.startMs = host.proc.session.elapsedMs;
  b.top = out;
  try {
    return fn();
  } catch (e) {
    if (e instanceof BlockedSignal) {
      host.blocked = true;
      return host.lastCode;
    }
    // The JS stack is a backstop: the depth bound should be reached first.
    const limit = e instanceof ShellLimitError ? e.message : isStackOverflow(e) || e instanceof ParseDepthError ? TOO_DEEP : undefined;
    if (limit === undefined) throw e;
    out.writeAlways(2, `${who}: ${limit}\n`);
    return (host.lastCode = isShell(who) ? 2 : 1);
  } finally {
    b.active = false;
  }
}

const isShell = (name: string) => name === 'sh' || name === 'ash' || name === 'bash' || name === 'zsh';

export function checkSize(length: number): void {
  if (length > SHELL_LIMITS.valueBytes) throw new ShellLimitError(OUT_OF_MEMORY);
}

// ---------------------------------------------------------------------------------------------------------
// Expansion glue

export function getVar(host: ShellHost, name: string): string | undefined {
  return host.vars.get(name);
}

export function setVar(host: ShellHost, name: string, value: string): void {
  const s = stateOf(host);
  if (s.readonly.has(name)) throw new FatalError(`${name}: is read only`);
  checkSize(value.length);
  host.vars.set(name, value);
}

/** An error that ends a non-interactive shell: `sh: <message>`, status 2. */
export class FatalError extends Error {}

function expander(host: ShellHost, out: Output): ExpandHost {
  const s = stateOf(host);
  return {
    getVar: (n) => host.vars.get(n),
    setVar: (n, v) => setVar(host, n, v),
    params: () => s.params,
    special: (c) => (c === '?' ? String(host.lastCode) : c === '$' ? String(s.pid) : c === '!' ? (s.lastBg === undefined ? '' : String(s.lastBg)) : c === '0' ? s.argv0 : optionLetters(s)),
    cmdSub: (src) => commandSubstitution(host, src, out),
    arith: (expr) => {
      try {
        return String(evalArith(expr, (n) => host.vars.get(n), 0, (n, v) => setVar(host, n, v)));
      } catch (e) {
        if (e instanceof ArithError) throw new FatalError(e.message);
        throw e;
      }
    },
    nounset: () => s.opts.u,
    glob: (pat) => (s.opts.f ? [] : glob(host, pat)),
    checkSize,
  };
}

function optionLetters(s: ShState): string {
  return (s.opts.e ? 'e' : '') + (s.opts.f ? 'f' : '') + (s.opts.u ? 'u' : '') + (s.opts.x ? 'x' : '');
}

/** Command substitutions run so far: an assignment-only command's status is its last one's. */
let subsRun = 0;

function commandSubstitution(host: ShellHost, src: string, errOut: Output): string {
  const sub = subshell(host);
  const out = new Output();
  nested(host, () => {
    try {
      runNode(sub, parse(src), { s: '', pos: 0 }, out);
    } catch (e) {
      // `exit` in $(...) ends only that subshell.
      if (!(e instanceof ExitSignal)) throw e;
      sub.lastCode = e.code;
    }
  });
  host.lastCode = sub.lastCode;
  subsRun++;
  // its stderr is the shell's
  for (const c of out.chunks) if (c.fd === 2) errOut.write(2, c.text);
  return out.stdout.replace(/\n+$/, '');
}

/** Pathname expansion against the container's filesystem (sorted; dot files only for a leading dot). */
function glob(host: ShellHost, pat: string): string[] {
  const s = stateOf(host);
  const abs = pat.startsWith('/');
  const parts = pat.split('/').filter((p) => p !== '');
  let paths: string[] = [abs ? '/' : ''];
  for (const part of parts) {
    const next: string[] = [];
    const magic = /(^|[^\\])[*?[]/.test(part);
    for (const base of paths) {
      const dir = base === '' ? s.cwd : ContainerFs.normalize(base, s.cwd);
      const join = (n: string) => (base === '' ? n : base.endsWith('/') ? base + n : `${base}/${n}`);
      if (!magic) {
        const lit = part.replace(/\\(.)/g, '$1');
        if (s.fs.exists(ContainerFs.normalize(join(lit), s.cwd))) next.push(join(lit));
        continue;
      }
      if (!s.fs.isDir(dir)) continue;
      for (const n of s.fs.list(dir)) if ((!n.startsWith('.') || part.startsWith('.')) && matchPattern(part, n)) next.push(join(n));
    }
    paths = next;
    if (!paths.length) return [];
  }
  return pat.endsWith('/') ? paths.map((p) => `${p}/`) : paths;
}

// ---------------------------------------------------------------------------------------------------------
// Running

/** Runs a script; `exit` ends it with its code. A bound (SHELL_LIMITS) ends it with status 2. */
export function runScript(host: ShellHost, script: string, stdin: string, out: Output): number {
  return guarded(host, host.shellName, out, () => {
    const input: Input = { s: stdin, pos: 0 };
    let tree: Node;
    try {
      tree = parse(script);
    } catch (e) {
      if (e instanceof ShellSyntaxError) {
        out.write(2, `${host.shellName}: ${e.message}\n`);
        return (host.lastCode = 2);
      }
      throw e;
    }
    const code = runTop(host, tree, input, out);
    const trap = host.sh?.traps.get('EXIT');
    if (trap) {
      host.sh!.traps.delete('EXIT');
      const saved = host.lastCode;
      runTop(host, parse(trap), input, out);
      host.lastCode = saved;
    }
    return host.lastCode;
  });
}

/** Runs a parsed script as a whole shell: `exit`, fatal errors and syntax errors end it. */
export function runTop(host: ShellHost, tree: Node, input: Input, out: Output): number {
  return topLevel(host, out, () => runNode(host, tree, input, out));
}

function topLevel(host: ShellHost, out: Output, fn: () => number): number {
  try {
    return (host.lastCode = fn());
  } catch (e) {
    if (e instanceof ExitSignal) {
      host.exited = true;
      return (host.lastCode = e.code);
    }
    if (e instanceof BreakSignal) return host.lastCode;
    if (e instanceof ReturnSignal) return (host.lastCode = e.code);
    const msg = fatalMessage(e);
    if (msg === undefined) throw e;
    out.write(2, `${host.shellName}: ${msg}\n`);
    return (host.lastCode = 2);
  }
}

function fatalMessage(e: unknown): string | undefined {
  if (e instanceof ShellSyntaxError || e instanceof FatalError || e instanceof ParamError) return e.message;
  return undefined;
}

/** Runs a tree node; returns its status. */
export function runNode(host: ShellHost, n: Node, input: Input, out: Output): number {
  const s = stateOf(host);
  switch (n.k) {
    case 'list': {
      let code = 0;
      for (const { node, bg } of n.items) {
        if (bg) {
          // A background job runs to completion at once (the simulation has no concurrency); $! is its id.
          const sub = subshell(host);
          try {
            runTop(sub, node, input, out);
          } catch (e) {
            if (!(e instanceof BlockedSignal)) throw e;
          }
          s.lastBg = (s.lastBg ?? s.pid + 10) + 1;
          code = host.lastCode = 0;
          continue;
        }
        code = host.lastCode = runNode(host, node, input, out);
        if (code !== 0 && s.opts.e && s.cond === 0 && !exempt(node, host)) throw new ExitSignal(code);
      }
      return code;
    }
    case 'andor': {
      s.cond++;
      let code: number;
      let lastRan = false;
      try {
        code = host.lastCode = runNode(host, n.first, input, out);
        for (let k = 0; k < n.rest.length; k++) {
          const { op, node } = n.rest[k];
          if ((op === '&&') !== (code === 0)) continue;
          if (k === n.rest.length - 1) {
            s.cond--;
            lastRan = true;
            try {
              code = host.lastCode = runNode(host, node, input, out);
            } finally {
              s.cond++;
            }
          } else code = host.lastCode = runNode(host, node, input, out);
        }
      } finally {
        s.cond--;
      }
      andorLastRan.set(n, lastRan);
      return code;
    }
    case 'pipe':
      return runPipeline(host, n, input, out);
    case 'simple':
      return runSimple(host, n, input, out);
    case 'func':
      s.funcs.set(n.name, n.body);
      return 0;
    default:
      return withRedirs(host, n.redirs, input, out, (inp, o) => runCompound(host, n, inp, o));
  }
}

const andorLastRan = new WeakMap<Node, boolean>();

/** `set -e` does not end the shell for a negated pipeline or a && || list whose last command did not run. */
function exempt(node: Node, host: ShellHost): boolean {
  void host;
  if (node.k === 'pipe' && node.neg) return true;
  if (node.k === 'andor') return !andorLastRan.get(node);
  return false;
}

function runCompound(host: ShellHost, n: Node, input: Input, out: Output): number {
  const s = stateOf(host);
  const cond = (c: Node) => {
    s.cond++;
    try {
      return runNode(host, c, input, out);
    } finally {
      s.cond--;
    }
  };
  switch (n.k) {
    case 'group':
      return runNode(host, n.body, input, out);
    case 'sub': {
      const sub = subshell(host);
      const code = nested(host, () => runTop(sub, n.body, input, out));
      return code;
    }
    case 'if': {
      for (const c of n.clauses) if (cond(c.cond) === 0) return runNode(host, c.body, input, out);
      return n.else ? runNode(host, n.else, input, out) : 0;
    }
    case 'while': {
      let code = 0;
      s.loops++;
      try {
        for (;;) {
          const c = cond(n.cond);
          if ((c === 0) === n.until) break;
          try {
            code = runNode(host, n.body, input, out);
          } catch (e) {
            if (!(e instanceof BreakSignal)) throw e;
            if (--e.n > 0) throw e;
            if (!e.cont) break;
          }
        }
      } finally {
        s.loops--;
      }
      return code;
    }
    case 'for': {
      const items = n.items ? n.items.flatMap((w) => expandFields(expander(host, out), w)) : [...s.params];
      let code = 0;
      s.loops++;
      try {
        for (const it of items) {
          setVar(host, n.name, it);
          try {
            code = runNode(host, n.body, input, out);
          } catch (e) {
            if (!(e instanceof BreakSignal)) throw e;
            if (--e.n > 0) throw e;
            if (!e.cont) break;
          }
        }
      } finally {
        s.loops--;
      }
      return code;
    }
    case 'case': {
      const x = expander(host, out);
      const word = expandString(x, n.word);
      for (const arm of n.arms) {
        if (arm.pats.some((p) => matchPattern(patternOf(x, p), word))) return arm.body ? runNode(host, arm.body, input, out) : 0;
      }
      return 0;
    }
  }
  return 0;
}

function runPipeline(host: ShellHost, p: Extract<Node, { k: 'pipe' }>, input: Input, out: Output): number {
  let code = 0;
  if (p.cmds.length === 1) code = runNode(host, p.cmds[0], input, out);
  else {
    let inp = input;
    for (let k = 0; k < p.cmds.length; k++) {
      const sub = subshell(host);
      const last = k === p.cmds.length - 1;
      // A writer feeding a reader that stops early (`yes | head -3`) ends when the reader has gone.
      const o = last ? out : readsLittle(p.cmds[p.cmds.length - 1]) ? new PipeOutput() : new Output();
      try {
        code = nested(host, () => runTop(sub, p.cmds[k], inp, o));
      } catch (e) {
        if (!(e instanceof PipeClosed)) throw e;
        code = 141;
      }
      if (!last) {
        for (const c of o.chunks) if (c.fd === 2) out.write(2, c.text);
        inp = { s: o.stdout, pos: 0 };
      }
    }
  }
  return p.neg ? (code === 0 ? 1 : 0) : code;
}

class PipeClosed {}

/** A pipe whose reader stops early: past SHELL_LIMITS.pipeBytes its writer gets SIGPIPE. */
class PipeOutput extends Output {
  private sent = 0;
  override write(fd: 1 | 2, text: string): void {
    if (fd === 1 && (this.sent += text.length) > SHELL_LIMITS.pipeBytes) throw new PipeClosed();
    super.write(fd, text);
  }
}

function readsLittle(n: Node): boolean {
  return n.k === 'simple' && (n.words[0] === 'head' || (n.words[0] === 'grep' && n.words.some((w) => /^-[a-z]*[qm]/.test(w))));
}

// ---------------------------------------------------------------------------------------------------------
// Redirections

type Dest = { k: 'fd'; fd: 1 | 2 } | { k: 'null' } | { k: 'file'; path: string } | { k: 'closed' };

class RedirError extends Error {}

/** Applies redirections around fn: output goes to files, /dev/null or the other descriptor, in order. */
function withRedirs(host: ShellHost, redirs: Redir[], input: Input, out: Output, fn: (inp: Input, o: Output) => number): number {
  if (!redirs.length) return fn(input, out);
  const s = stateOf(host);
  const x = expander(host, out);
  const table = new Map<number, Dest>([
    [1, { k: 'fd', fd: 1 }],
    [2, { k: 'fd', fd: 2 }],
  ]);
  let inp = input;
  try {
    for (const r of redirs) {
      if (r.op === '<<' || r.op === '<<-') {
        if (r.fd === 0) inp = { s: r.here!.expand ? expandHeredoc(x, r.here!.body) : r.here!.body, pos: 0 };
        continue;
      }
      const target = expandString(x, r.target);
      if (r.op === '>&' || r.op === '<&') {
        if (target === '-') table.set(r.fd, { k: 'closed' });
        else if (/^\d+$/.test(target)) {
          const src = Number(target);
          if (src === 0 && r.op === '<&') continue;
          const d = table.get(src);
          if (!d) throw new RedirError(`${target}: Bad file descriptor`);
          if (r.fd !== 0) table.set(r.fd, d);
        } else if (r.fd === 1) {
          // >&file: both descriptors to the file (as ash does)
          const path = openOut(s, target, false);
          table.set(1, path);
          table.set(2, path);
        }
        continue;
      }
      if (r.op === '<' || r.op === '<>') {
        const path = ContainerFs.normalize(target, s.cwd);
        const data = s.fs.read(path);
        if (data === undefined && r.op === '<>') {
          const err = s.fs.write(path, '', false);
          if (err) throw new RedirError(`can't create ${target}: ${err}`);
        } else if (data === undefined) throw new RedirError(`can't open ${target}: no such file`);
        if (data === null) throw new RedirError(`can't open ${target}: Is a directory`);
        if (r.fd === 0) inp = { s: data ?? '', pos: 0 };
        continue;
      }
      table.set(r.fd, openOut(s, target, r.op === '>>'));
    }
  } catch (e) {
    if (!(e instanceof RedirError)) throw e;
    out.write(2, `${host.shellName}: ${e.message}\n`);
    return 1;
  }
  const plain = (table.get(1) as { fd?: number }).fd === 1 && (table.get(2) as { fd?: number }).fd === 2;
  if (plain) return fn(inp, out);
  const sink = new Output();
  const route = () => {
    for (const c of sink.chunks) {
      const d = table.get(c.fd) ?? { k: 'closed' };
      if (d.k === 'fd') out.write(d.fd, c.text);
      else if (d.k === 'file') s.fs.write(d.path, c.text, true);
    }
  };
  try {
    const code = fn(inp, sink);
    route();
    return code;
  } catch (e) {
    route();
    throw e;
  }
}

function openOut(s: ShState, target: string, append: boolean): Dest {
  if (target === '/dev/null') return { k: 'null' };
  if (target === '/dev/stdout') return { k: 'fd', fd: 1 };
  if (target === '/dev/stderr') return { k: 'fd', fd: 2 };
  const path = ContainerFs.normalize(target, s.cwd);
  const err = append && s.fs.read(path) !== undefined ? undefined : s.fs.write(path, '', false);
  if (err) throw new RedirError(`can't create ${target}: ${err}`);
  return { k: 'file', path };
}

// ---------------------------------------------------------------------------------------------------------
// Simple commands

function step(host: ShellHost): void {
  const b = budgetOf(host);
  // A script that has run this many commands, or slept this long, is a process that keeps running.
  if (++b.steps > SHELL_LIMITS.steps || host.proc.session.elapsedMs - b.startMs >= SHELL_LIMITS.simulatedMs) throw new BlockedSignal();
}

const PLAIN = /^[^$'"\\`*?[~]*$/;

function runSimple(host: ShellHost, n: Extract<Node, { k: 'simple' }>, input: Input, out: Output): number {
  step(host);
  const s = stateOf(host);
  if (n.line !== undefined) s.line = n.line;
  const subsBefore = subsRun;
  let x: ExpandHost | undefined;
  const words: string[] = [];
  const assigns: [string, string][] = [];
  // Words without quotes, expansions or glob characters are themselves (the common case, kept fast).
  for (const w of n.words) {
    if (PLAIN.test(w)) words.push(w);
    else words.push(...expandFields((x ??= expander(host, out)), w));
  }
  for (const a of n.assigns) {
    const eq = a.indexOf('=');
    const v = a.slice(eq + 1);
    assigns.push([a.slice(0, eq), PLAIN.test(v) ? v : expandString((x ??= expander(host, out)), v)]);
  }
  const subCode = subsRun !== subsBefore ? host.lastCode : 0;
  if (s.opts.x) {
    const trace = [...assigns.map(([k, v]) => `${k}=${quoteForTrace(v)}`), ...words.map(quoteForTrace)].join(' ');
    if (trace) out.write(2, `+ ${trace}\n`);
  }
  if (words.length === 0) {
    for (const [k, v] of assigns) setVar(host, k, v);
    const code = withRedirs(host, n.redirs, input, out, () => 0);
    return code || subCode;
  }
  const name = words[0];
  const special = own(SPECIAL_BUILTINS, name) && !s.funcs.has(name);
  const saved: [string, string | undefined][] = [];
  for (const [k, v] of assigns) {
    if (!special) saved.push([k, host.vars.get(k)]);
    setVar(host, k, v);
  }
  try {
    return withRedirs(host, n.redirs, input, out, (inp, o) => invoke(host, words, inp, o));
  } finally {
    for (const [k, v] of saved.reverse()) {
      if (v === undefined) host.vars.delete(k);
      else host.vars.set(k, v);
    }
  }
}

/** Runs a command by name: a function, a builtin, then the image's binaries. */
export function invoke(host: ShellHost, argv: string[], input: Input, out: Output): number {
  const s = stateOf(host);
  const name = argv[0];
  const fn = s.funcs.get(name);
  if (fn) return callFunction(host, fn, argv, input, out);
  const builtin = own(BUILTINS, name) ?? own(SPECIAL_BUILTINS, name);
  if (builtin) return builtin(ctxOf(host, argv, input, out));
  return external(host, argv, input, out, host.stdoutTTY && out === budgetOf(host).top);
}

export function ctxOf(host: ShellHost, argv: string[], input: Input, out: Output): Ctx {
  return { host, argv, input, out, sh: stateOf(host), x: expander(host, out) };
}

function callFunction(host: ShellHost, body: Node, argv: string[], input: Input, out: Output): number {
  const s = stateOf(host);
  const savedParams = s.params;
  const savedLoops = s.loops;
  s.params = argv.slice(1);
  s.locals.push(new Map());
  s.loops = 0;
  try {
    return nested(host, () => runNode(host, body, input, out));
  } catch (e) {
    if (e instanceof ReturnSignal) return e.code;
    throw e;
  } finally {
    s.params = savedParams;
    s.loops = savedLoops;
    const frame = s.locals.pop()!;
    for (const [k, v] of frame) {
      if (v === undefined) host.vars.delete(k);
      else host.vars.set(k, v);
    }
  }
}

const READS_STDIN = new Set(['cat', 'grep', 'head', 'tail', 'wc', 'sort', 'uniq', 'nc', 'sh', 'ash', 'bash', 'zsh']);

function external(host: ShellHost, argv: string[], input: Input, out: Output, tty: boolean): number {
  const name = argv[0];
  const base = name.slice(name.lastIndexOf('/') + 1);
  const stdin = input.s.slice(input.pos);
  if (READS_STDIN.has(base)) input.pos = input.s.length;
  if (isShell(base)) {
    if (!hasBinary(host.image, base)) return notFound(host, name, out);
    return nested(host, () => runShell(host, argv, stdin, out));
  }
  const tool = own(TOOLS, base);
  if (!tool || !hasBinary(host.image, base)) return notFound(host, name, out);
  const code = tool({ ...host.proc, argv, stdin, out, stdoutTTY: tty, host });
  if (host.blocked) throw new BlockedSignal();
  return code;
}

/** `sh [-eux] -c SCRIPT [NAME ARGS...]`, `sh FILE ARGS...`, `sh` reading its stdin. */
function runShell(host: ShellHost, argv: string[], stdin: string, out: Output): number {
  const base = argv[0].slice(argv[0].lastIndexOf('/') + 1);
  const s = stateOf(host);
  const vars = new Map([...host.vars].filter(([k]) => s.exported.has(k)));
  const sub: ShellHost = { ...host, vars, shellName: base === 'bash' ? 'bash' : base === 'zsh' ? 'zsh' : 'sh', lastCode: 0, blocked: false, sh: undefined };
  const st = stateOf(sub);
  st.cwd = s.cwd;
  let k = 1;
  let script: string | undefined;
  let fromC = false;
  for (; k < argv.length && /^[-+][a-z]+$/.test(argv[k]); k++) {
    for (const f of argv[k].slice(1)) {
      if (f === 'c') fromC = true;
      else if (f === 'e' || f === 'u' || f === 'x' || f === 'f') st.opts[f] = argv[k][0] === '-';
    }
  }
  if (fromC) {
    script = argv[k++] ?? '';
    st.argv0 = argv[k++] ?? sub.shellName;
  } else if (k < argv.length) {
    const file = argv[k++];
    const data = s.fs.read(ContainerFs.normalize(file, s.cwd));
    if (data === undefined || data === null) {
      out.write(2, `${sub.shellName}: can't open '${file}': No such file or directory\n`);
      return 2;
    }
    script = data;
    st.argv0 = file;
    st.lineBase = 1;
  }
  st.params = argv.slice(k);
  if (script === undefined) st.lineBase = 1;
  const code = script === undefined ? runScript(sub, stdin, '', out) : runScript(sub, script, stdin, out);
  if (sub.blocked) throw new BlockedSignal();
  return code;
}

function notFound(host: ShellHost, name: string, out: Output): number {
  out.write(2, host.shellName === 'bash' ? `bash: ${name}: command not found\n` : host.shellName === 'zsh' ? `zsh: command not found: ${name}\n` : `${host.shellName}: ${name}: not found\n`);
  return 127;
}

/** Runs one command line (already expanded), as the runtime starts a process: builtins, then the image's binaries. */
export function execute(host: ShellHost, argv: string[], stdin: string, out: Output, tty: boolean): number {
  const base = argv[0].slice(argv[0].lastIndexOf('/') + 1);
  void tty;
  return guarded(host, base, out, () => {
    const input: Input = { s: stdin, pos: 0 };
    if (isShell(base)) {
      if (!hasBinary(host.image, base)) return notFound(host, argv[0], out);
      return runShell(host, argv, stdin, out);
    }
    const builtin = own(BUILTINS, base);
    if (builtin && !argv[0].includes('/')) return topLevel(host, out, () => builtin(ctxOf(host, argv, input, out)));
    return external(host, argv, input, out, host.stdoutTTY);
  });
}

export const parseScript = parse;
export { expander };
