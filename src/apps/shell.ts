// The simulated POSIX shell (busybox ash's flavour): sh-parse.ts reads a script, sh-expand.ts expands words,
// sh-builtins.ts has the builtins, sh-run.ts runs the tree; this module is the entry (runScript, execute),
// the shell's state, its bounds' bookkeeping and the glue of expansion. Commands are the tools in tools.ts
// (never host processes), looked up in the image's binaries as $PATH would be; files live in the container's
// in-memory layer (fs.ts), never on the host.
import { hasBinary } from './images.js';
import { own } from '../util/own.js';
import { ArithError, evalArith } from './arith.js';
import { parse, ParseDepthError, ShellSyntaxError, type Node } from './sh-parse.js';
import { matchPattern, ParamError, type ExpandHost } from './sh-expand.js';
import type { PodFs } from '../cluster/volumes.js';
import { baseFiles, ContainerFs } from './fs.js';
import type { LayerRef } from './layer.js';
import { BUILTINS } from './sh-builtins.js';
import { BlockedSignal, BreakSignal, checkSize, ExitSignal, FatalError, Output, ReturnSignal, SHELL_LIMITS, ShellLimitError, type Input, type ShellHost, type ShState } from './sh-core.js';
import { ctxOf, external, notFound, runNode, runShell } from './sh-run.js';

export * from './sh-core.js';
export { ShellSyntaxError, runNode, ctxOf };
export { invoke } from './sh-run.js';

const OUT_OF_MEMORY = 'out of memory';
const TOO_DEEP = 'recursion too deep';

/** The container's filesystem for this session (made on first use from what tools.ts knows of the image). */
const filesystems = new WeakMap<object, ContainerFs>();
export function fsOf(host: ShellHost): ContainerFs {
  if (host.sh) return host.sh.fs;
  const key = host.proc.session as object;
  let fs = filesystems.get(key);
  if (!fs) filesystems.set(key, (fs = new ContainerFs((p) => baseFiles.read(host, p), (host.proc as { fs?: PodFs }).fs, (host.proc as { layer?: LayerRef }).layer)));
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
export interface Budget {
  active: boolean;
  depth: number;
  steps: number;
  startMs: number;
  /** The command line's own output (a tool writing there writes to the terminal, if there is one). */
  top?: Output;
}

const budgets = new WeakMap<object, Budget>();

export function budgetOf(host: ShellHost): Budget {
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

/** How ash starts its messages: `sh: `, or `NAME: line N: ` when the script has a name (a file, sh -c '...' NAME). */
export function msgPrefix(host: ShellHost): string {
  const s = host.sh;
  if (!s || s.argv0 === host.shellName || host.shellName !== 'sh') return `${host.shellName}: `;
  return `${s.argv0}: line ${s.line + s.lineBase}: `;
}

export const isShell = (name: string) => name === 'sh' || name === 'ash' || name === 'bash' || name === 'zsh';


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
export let subsRun = 0;

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
export function runScript(host: ShellHost, script: string, stdin: string, out: Output, opts: { interactive?: boolean } = {}): number {
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
    // An EXIT trap runs when the shell ends (for an interactive shell: on `exit`, not after each line).
    const trap = host.sh?.traps.get('EXIT');
    if (trap && (!opts.interactive || host.exited)) {
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
    out.write(2, `${msgPrefix(host)}${msg}\n`);
    return (host.lastCode = 2);
  }
}

function fatalMessage(e: unknown): string | undefined {
  if (e instanceof ShellSyntaxError || e instanceof FatalError || e instanceof ParamError) return e.message;
  return undefined;
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
