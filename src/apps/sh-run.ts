// The simulated shell's interpreter: runs the tree sh-parse.ts reads (lists, pipelines, compound commands,
// functions, redirections, simple commands); commands are functions, builtins, then the image's tools.
import { hasBinary } from './images.js';
import { TOOLS } from './tools.js';
import { own } from '../util/own.js';
import type { Node, Redir } from './sh-parse.js';
import { expandFields, expandHeredoc, expandString, matchPattern, patternOf, type ExpandHost } from './sh-expand.js';
import { ContainerFs } from './fs.js';
import { BUILTINS, SPECIAL_BUILTINS, quoteForTrace, type Ctx } from './sh-builtins.js';
import { BlockedSignal, BreakSignal, ExitSignal, Output, ReturnSignal, SHELL_LIMITS, type Input, type ShellHost, type ShState } from './sh-core.js';
import { budgetOf, expander, isShell, msgPrefix, nested, runScript, runTop, setVar, stateOf, subshell, subsRun } from './shell.js';

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
          sub.background = true;
          try {
            runTop(sub, node, input, out);
          } catch (e) {
            if (!(e instanceof BlockedSignal)) throw e;
          }
          s.lastBg = (s.lastBg ?? s.pid + 10) + 1;
          code = host.lastCode = 0;
          continue;
        }
        // after `exec >file`, the rest of this shell's commands write there
        const o = s.persist && (out === s.persist.base || out === s.persist.out) ? s.persist.out : out;
        code = host.lastCode = runNode(host, node, input, o);
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
          round(host);
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
          round(host);
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
  const s = stateOf(host);
  let code = 0;
  if (p.cmds.length === 1) code = runNode(host, p.cmds[0], input, out);
  else {
    let inp = input;
    for (let k = 0; k < p.cmds.length; k++) {
      const sub = subshell(host);
      const last = k === p.cmds.length - 1;
      // A writer feeding a reader that stops early (`yes | head -3`) ends when the reader has gone.
      const o = last ? out : readsLittle(p.cmds[p.cmds.length - 1]) ? new PipeOutput() : new Output();
      let c: number;
      try {
        c = nested(host, () => runTop(sub, p.cmds[k], inp, o));
      } catch (e) {
        if (!(e instanceof PipeClosed)) throw e;
        c = 141;
      }
      // set -o pipefail: the last command that failed gives the status
      if (last || (s.opts.pipefail && c !== 0)) code = c === 0 && s.opts.pipefail && code !== 0 ? code : c;
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

type Dest = { k: 'fd'; o: Output; fd: 1 | 2 } | { k: 'null' } | { k: 'file'; path: string } | { k: 'closed' };

class RedirError extends Error {}

/** Applies redirections around fn: output goes to files, /dev/null or the other descriptor, in order. */
function withRedirs(host: ShellHost, redirs: Redir[], input: Input, out: Output, fn: (inp: Input, o: Output) => number): number {
  if (!redirs.length) return fn(input, out);
  const r = openRedirs(host, redirs, input, out);
  if (typeof r === 'number') return r;
  return fn(r.inp, r.out);
}

/** The input and output of a command after its redirections; 1 when one fails (its error written). */
function openRedirs(host: ShellHost, redirs: Redir[], input: Input, out: Output): { inp: Input; out: Output; table: Map<number, Dest> } | number {
  const s = stateOf(host);
  const x = expander(host, out);
  // descriptors 3 and up that `exec 3>&1` opened stay open
  const table = new Map<number, Dest>([...((s.fds ?? []) as Iterable<[number, Dest]>), [1, { k: 'fd', o: out, fd: 1 }], [2, { k: 'fd', o: out, fd: 2 }]]);
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
          const path = openOut(s, target, false, table);
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
      table.set(r.fd, openOut(s, target, r.op === '>>', table));
    }
  } catch (e) {
    if (!(e instanceof RedirError)) throw e;
    out.write(2, `${msgPrefix(host)}${e.message}\n`);
    return 1;
  }
  const d1 = table.get(1) as { o?: Output; fd?: number };
  const d2 = table.get(2) as { o?: Output; fd?: number };
  const plain = d1.o === out && d1.fd === 1 && d2.o === out && d2.fd === 2;
  return { inp, out: plain ? out : new RoutedOutput(table, s), table };
}

/** Output whose descriptors go where redirections sent them: the other descriptor, a file, nowhere. */
class RoutedOutput extends Output {
  constructor(
    private table: Map<number, Dest>,
    private s: ShState,
  ) {
    super();
  }
  override write(fd: 1 | 2, text: string): void {
    const d = this.table.get(fd) ?? { k: 'closed' };
    if (d.k === 'fd') d.o.write(d.fd, text);
    else if (d.k === 'file') this.s.fs.write(d.path, text, true);
  }
}

/** `exec` with only redirections: they stay for the rest of the shell (exec >log 2>&1). */
function execRedirs(host: ShellHost, redirs: Redir[], input: Input, out: Output): number {
  const r = openRedirs(host, redirs, input, out);
  if (typeof r === 'number') return r;
  const s = stateOf(host);
  s.persist = { base: s.persist && out === s.persist.out ? s.persist.base : out, out: r.out };
  s.fds = new Map([...r.table].filter(([fd]) => fd > 2));
  if (r.inp !== input) input.s = r.inp.s.slice(r.inp.pos) + input.s.slice(input.pos), (input.pos = 0);
  return 0;
}

function openOut(s: ShState, target: string, append: boolean, table: Map<number, Dest>): Dest {
  if (target === '/dev/null') return { k: 'null' };
  if (target === '/dev/stdout') return table.get(1) ?? { k: 'closed' };
  if (target === '/dev/stderr') return table.get(2) ?? { k: 'closed' };
  const path = ContainerFs.normalize(target, s.cwd);
  const err = append && s.fs.read(path) !== undefined ? undefined : s.fs.write(path, '', false);
  if (err) throw new RedirError(`can't create ${target}: ${err}`);
  return { k: 'file', path };
}

// ---------------------------------------------------------------------------------------------------------
// Simple commands

/** A simple command: a script that has run a million is a process that keeps running. */
function step(host: ShellHost): void {
  if (++budgetOf(host).steps > SHELL_LIMITS.steps) throw new BlockedSignal();
}

/**
 * A loop's round or a function call: a loop still going after an hour of simulated time is a process that
 * keeps running (a single long `sleep 5000; echo done` is not cut).
 */
function round(host: ShellHost): void {
  if (host.proc.session.elapsedMs - budgetOf(host).startMs >= SHELL_LIMITS.simulatedMs) throw new BlockedSignal();
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
  if (words.length === 1 && words[0] === 'exec' && n.redirs.length && !s.funcs.has('exec')) return execRedirs(host, n.redirs, input, out);
  const name = words[0];
  const special = own(SPECIAL_BUILTINS, name) && !s.funcs.has(name);
  // NAME=value before a command is in that command's environment only (a special builtin's stays)
  const saved: [string, string | undefined, boolean][] = [];
  for (const [k, v] of assigns) {
    if (!special) saved.push([k, host.vars.get(k), s.exported.has(k)]);
    setVar(host, k, v);
    if (!special) s.exported.add(k);
  }
  try {
    return withRedirs(host, n.redirs, input, out, (inp, o) => invoke(host, words, inp, o));
  } finally {
    for (const [k, v, exported] of saved.reverse()) {
      if (v === undefined) host.vars.delete(k);
      else host.vars.set(k, v);
      if (!exported) s.exported.delete(k);
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
  round(host);
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

const NETWORK_TOOLS = new Set(['curl', 'wget', 'nslookup', 'ping', 'nc', 'dig', 'telnet', 'host', 'traceroute']);
const READS_STDIN = new Set(['cat', 'grep', 'head', 'tail', 'wc', 'sort', 'uniq', 'nc', 'sh', 'ash', 'bash', 'zsh']);

export function external(host: ShellHost, argv: string[], input: Input, out: Output, tty: boolean): number {
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
  if (NETWORK_TOOLS.has(base)) budgetOf(host).steps += SHELL_LIMITS.networkStep - 1;
  const code = tool({ ...host.proc, argv, stdin, out, stdoutTTY: tty, host });
  if (host.blocked) throw new BlockedSignal();
  return code;
}

/** `sh [-eux] -c SCRIPT [NAME ARGS...]`, `sh FILE ARGS...`, `sh` reading its stdin. */
export function runShell(host: ShellHost, argv: string[], stdin: string, out: Output): number {
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

export function notFound(host: ShellHost, name: string, out: Output): number {
  out.write(2, host.shellName === 'bash' ? `bash: ${name}: command not found\n` : host.shellName === 'zsh' ? `zsh: command not found: ${name}\n` : `${msgPrefix(host)}${name}: not found\n`);
  return 127;
}
