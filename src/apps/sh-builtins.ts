// The simulated shell's builtins, as busybox ash has them: echo, printf, test/[, read, set, export, local,
// shift, eval, exec, cd, type, ... (their messages are ash's). sleep spends the session's simulated time.
import { hasBinary } from './images.js';
import { ContainerFs } from './fs.js';
import { parse, ShellSyntaxError } from './sh-parse.js';
import type { ExpandHost } from './sh-expand.js';
import { BreakSignal, ExitSignal, FatalError, ReturnSignal, type Input, type Output, type ShellHost, type ShState } from './sh-core.js';
import { invoke, runNode } from './sh-run.js';
import { setVar } from './shell.js';
import { spend } from './tools.js';
import { printfFormat, testExpr } from './sh-test.js';
import { own } from '../util/own.js';

export interface Ctx {
  host: ShellHost;
  argv: string[];
  input: Input;
  out: Output;
  sh: ShState;
  x: ExpandHost;
}

type Builtin = (c: Ctx) => number;

/** ash's quoting of a word in `set -x` traces and `set`/`export -p` listings. */
export function quoteForTrace(w: string): string {
  if (w !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(w)) return w;
  return `'${w.replace(/'/g, `'"'"'`)}'`;
}

const err = (c: Ctx, msg: string) => c.out.write(2, `${c.host.shellName}: ${msg}\n`);
/** A builtin's error as ash words it: `sh: cd: line 1: ...`. */
const errAt = (c: Ctx, msg: string) => c.out.write(2, `${c.sh.argv0 === c.host.shellName ? c.host.shellName : c.sh.argv0}: ${c.argv[0]}: line ${c.sh.line + c.sh.lineBase}: ${msg}\n`);

function echo(c: Ctx): number {
  let args = c.argv.slice(1);
  let newline = true;
  let escapes = false;
  while (args.length && /^-[neE]+$/.test(args[0])) {
    for (const f of args[0].slice(1)) {
      if (f === 'n') newline = false;
      else if (f === 'e') escapes = true;
      else escapes = false;
    }
    args = args.slice(1);
  }
  let s = args.join(' ');
  if (escapes) {
    const { text, stop } = backslashEscapes(s, true);
    s = text;
    if (stop) newline = false;
  }
  c.out.write(1, s + (newline ? '\n' : ''));
  return 0;
}

/** echo -e's and printf %b's escapes: \n \t \\ \a \b \f \r \v \e \0NNN \xHH, \c stops the output. */
export function backslashEscapes(s: string, echoStyle: boolean): { text: string; stop: boolean } {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '\\' || i + 1 >= s.length) {
      out += s[i];
      continue;
    }
    const n = s[++i];
    const simple: Record<string, string> = { n: '\n', t: '\t', '\\': '\\', a: '\x07', b: '\b', f: '\f', r: '\r', v: '\v', e: '\x1b' };
    if (own(simple, n) !== undefined) out += simple[n];
    else if (n === 'c') return { text: out, stop: true };
    else if (n === 'x' && /[0-9a-fA-F]/.test(s[i + 1] ?? '')) {
      const m = /^[0-9a-fA-F]{1,2}/.exec(s.slice(i + 1))![0];
      out += String.fromCharCode(parseInt(m, 16));
      i += m.length;
    } else if (/[0-7]/.test(n)) {
      const m = /^[0-7]{1,3}/.exec(s.slice(n === '0' && echoStyle ? i + 1 : i))?.[0] ?? '';
      out += String.fromCharCode(parseInt(m || '0', 8) & 255);
      i += n === '0' && echoStyle ? m.length : m.length - 1;
    } else out += `\\${n}`;
  }
  return { text: out, stop: false };
}

function read(c: Ctx): number {
  let raw = false;
  let k = 1;
  for (; k < c.argv.length && c.argv[k].startsWith('-') && c.argv[k] !== '-'; k++) {
    const a = c.argv[k];
    if (a === '-r') raw = true;
    else if (a === '-p') c.out.write(2, c.argv[++k] ?? '');
    else if (a === '-t' || a === '-n' || a === '-u') k++;
    else if (a === '--') {
      k++;
      break;
    }
  }
  const names = c.argv.slice(k);
  if (!names.length) names.push('REPLY');
  const inp = c.input;
  let line = '';
  let eof = true;
  while (inp.pos < inp.s.length) {
    const ch = inp.s[inp.pos++];
    if (ch === '\n') {
      eof = false;
      break;
    }
    if (ch === '\\' && !raw) {
      const next = inp.s[inp.pos++];
      if (next === '\n' || next === undefined) continue;
      line += `\u0000${next}`;
      continue;
    }
    line += ch;
  }
  const ifs = c.host.vars.get('IFS') ?? ' \t\n';
  const isWs = (ch: string) => ifs.includes(ch) && ' \t\n'.includes(ch);
  const isIfs = (ch: string, prev: string) => ifs.includes(ch) && prev !== '\u0000';
  // Split into at most names.length fields; the last takes the rest (trailing IFS whitespace removed).
  let i = 0;
  const skipWs = () => {
    while (i < line.length && isWs(line[i]) && line[i - 1] !== '\u0000') i++;
  };
  skipWs();
  for (let n = 0; n < names.length; n++) {
    let v = '';
    if (n === names.length - 1) {
      v = line.slice(i);
      while (v.length && isWs(v[v.length - 1]) && v[v.length - 2] !== '\u0000') v = v.slice(0, -1);
    } else {
      while (i < line.length && !isIfs(line[i], line[i - 1])) v += line[i++];
      skipWs();
      if (i < line.length && ifs.includes(line[i]) && !isWs(line[i])) {
        i++;
        skipWs();
      }
    }
    setVar(c.host, names[n], v.replace(/\u0000/g, ''));
  }
  return eof ? 1 : 0;
}

function setBuiltin(c: Ctx): number {
  const args = c.argv.slice(1);
  if (!args.length) {
    for (const k of [...c.host.vars.keys()].sort()) c.out.write(1, `${k}=${quoteForTrace(c.host.vars.get(k)!)}\n`);
    return 0;
  }
  const names: Record<string, 'e' | 'u' | 'x' | 'f'> = { errexit: 'e', nounset: 'u', xtrace: 'x', noglob: 'f' };
  let k = 0;
  for (; k < args.length; k++) {
    const a = args[k];
    if (a === '--') {
      k++;
      c.sh.params = args.slice(k);
      return 0;
    }
    if (!/^[-+]/.test(a) || a === '-' || a === '+') break;
    const on = a[0] === '-';
    if (a.slice(1) === 'o') {
      const o = args[++k];
      if (o === undefined) {
        for (const [n, f] of Object.entries(names)) c.out.write(1, `${n.padEnd(16)}${c.sh.opts[f] ? 'on' : 'off'}\n`);
        continue;
      }
      if (own(names, o)) c.sh.opts[names[o]] = on;
      else if (o === 'pipefail') c.sh.opts.pipefail = on;
      else if (o !== 'monitor' && o !== 'noclobber') return (err(c, `set: illegal option -o ${o}`), 2);
      continue;
    }
    for (const f of a.slice(1)) {
      if (f === 'e' || f === 'u' || f === 'x' || f === 'f') c.sh.opts[f] = on;
      else if (!'vmCabhn'.includes(f)) return (err(c, `set: illegal option -${f}`), 2);
    }
  }
  if (k < args.length) c.sh.params = args.slice(k);
  return 0;
}

function assignList(c: Ctx, mark: (name: string) => void, listPrefix: string, listed: Iterable<string>): number {
  const args = c.argv.slice(1).filter((a) => a !== '-p');
  if (!args.length) {
    for (const k of [...listed].sort()) {
      const v = c.host.vars.get(k);
      c.out.write(1, v === undefined ? `${listPrefix} ${k}\n` : `${listPrefix} ${k}=${quoteForTrace(v)}\n`);
    }
    return 0;
  }
  for (const a of args) {
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      err(c, `${listPrefix.split(' ')[0]}: ${name}: bad variable name`);
      return 2;
    }
    if (eq > 0) setVar(c.host, name, a.slice(eq + 1));
    mark(name);
  }
  return 0;
}

function numArg(c: Ctx, v: string | undefined, def: number): number {
  if (v === undefined) return def;
  if (!/^-?\d+$/.test(v)) throw new FatalError(`${c.argv[0]}: Illegal number: ${v}`);
  return Number(v);
}

function loopControl(c: Ctx, cont: boolean): number {
  const n = numArg(c, c.argv[1], 1);
  if (n < 1) throw new FatalError(`${c.argv[0]}: Illegal number: ${c.argv[1]}`);
  if (c.sh.loops === 0) return 0;
  throw new BreakSignal(Math.min(n, c.sh.loops), cont);
}

function evalString(c: Ctx, src: string): number {
  if (!src.trim()) return 0;
  let tree;
  try {
    tree = parse(src);
  } catch (e) {
    if (e instanceof ShellSyntaxError) throw new FatalError(e.message);
    throw e;
  }
  return runNode(c.host, tree, c.input, c.out);
}

function cd(c: Ctx): number {
  let dir = c.argv[1] ?? c.host.vars.get('HOME') ?? '/';
  if (dir === '-') {
    dir = c.host.vars.get('OLDPWD') ?? c.sh.cwd;
    c.out.write(1, `${dir}\n`);
  }
  const path = ContainerFs.normalize(dir, c.sh.cwd);
  if (!c.sh.fs.isDir(path)) {
    errAt(c, `can't cd to ${dir}: ${c.sh.fs.exists(path) ? 'Not a directory' : 'No such file or directory'}`);
    return 2;
  }
  c.host.vars.set('OLDPWD', c.sh.cwd);
  c.sh.cwd = path;
  c.host.vars.set('PWD', path);
  return 0;
}

/** Where `type` and `command -v` find a name. */
function whence(c: Ctx, name: string): { kind: 'function' | 'builtin' | 'special' | 'file'; path?: string } | undefined {
  if (c.sh.funcs.has(name)) return { kind: 'function' };
  if (own(SPECIAL_BUILTINS, name)) return { kind: 'special' };
  if (own(BUILTINS, name)) return { kind: 'builtin' };
  if (name.includes('/')) return hasBinary(c.host.image, name) ? { kind: 'file', path: name } : undefined;
  if (hasBinary(c.host.image, name)) return { kind: 'file', path: `${c.host.image.binaries.includes('busybox') && name !== 'curl' ? '/bin' : '/usr/bin'}/${name}` };
  return undefined;
}

function typeBuiltin(c: Ctx): number {
  let code = 0;
  for (const name of c.argv.slice(1)) {
    const w = whence(c, name);
    if (!w) {
      c.out.write(1, `${name}: not found\n`);
      code = 127;
    } else c.out.write(1, w.kind === 'function' ? `${name} is a function\n` : w.kind === 'special' ? `${name} is a special shell builtin\n` : w.kind === 'builtin' ? `${name} is a shell builtin\n` : `${name} is ${w.path}\n`);
  }
  return code;
}

function command(c: Ctx): number {
  const args = c.argv.slice(1);
  if (args[0] === '-v' || args[0] === '-V') {
    let code = 0;
    for (const name of args.slice(1)) {
      const w = whence(c, name);
      if (!w) code = 127;
      else if (args[0] === '-V') typeBuiltin({ ...c, argv: ['type', name] });
      else c.out.write(1, `${w.path ?? name}\n`);
    }
    return code;
  }
  if (args[0] === '-p' || args[0] === '--') args.shift();
  if (!args.length) return 0;
  // command NAME: skips functions
  const fn = c.sh.funcs.get(args[0]);
  if (fn) c.sh.funcs.delete(args[0]);
  try {
    return invoke(c.host, args, c.input, c.out);
  } finally {
    if (fn) c.sh.funcs.set(args[0], fn);
  }
}

/** getopts OPTSTRING NAME [ARGS...]: one option per call, from $OPTIND on ($@ unless ARGS are given). */
function getopts(c: Ctx): number {
  const [spec = '', name = 'OPTOPT'] = c.argv.slice(1, 3);
  const args = c.argv.length > 3 ? c.argv.slice(3) : c.sh.params;
  const silent = spec.startsWith(':');
  let ind = Number(c.host.vars.get('OPTIND') ?? '1') || 1;
  // position inside a group of options (-ab), kept between calls as ash does
  const state = c.sh as ShState & { optPos?: number; optInd?: number };
  let pos = state.optInd === ind ? (state.optPos ?? 1) : 1;
  const arg = args[ind - 1];
  const done = () => {
    setVar(c.host, name, '?');
    c.host.vars.delete('OPTARG');
    state.optPos = 1;
    return 1;
  };
  if (arg === undefined || arg === '-' || !arg.startsWith('-')) return done();
  if (arg === '--') {
    c.host.vars.set('OPTIND', String(ind + 1));
    return done();
  }
  const ch = arg[pos];
  const at = spec.indexOf(ch);
  pos++;
  const next = () => {
    if (pos >= arg.length) {
      ind++;
      pos = 1;
    }
  };
  if (at < 0 || ch === ':') {
    next();
    setVar(c.host, name, '?');
    if (silent) setVar(c.host, 'OPTARG', ch);
    else c.out.write(2, `Illegal option -${ch}\n`);
  } else if (spec[at + 1] === ':') {
    if (pos < arg.length) {
      setVar(c.host, 'OPTARG', arg.slice(pos));
      ind++;
      pos = 1;
    } else if (args[ind] !== undefined) {
      setVar(c.host, 'OPTARG', args[ind]);
      ind += 2;
      pos = 1;
    } else {
      ind++;
      pos = 1;
      if (silent) {
        setVar(c.host, name, ':');
        setVar(c.host, 'OPTARG', ch);
      } else {
        setVar(c.host, name, '?');
        c.out.write(2, `No arg for -${ch} option\n`);
      }
      c.host.vars.set('OPTIND', String(ind));
      state.optInd = ind;
      state.optPos = pos;
      return 0;
    }
    setVar(c.host, name, ch);
  } else {
    next();
    setVar(c.host, name, ch);
    c.host.vars.delete('OPTARG');
  }
  c.host.vars.set('OPTIND', String(ind));
  state.optInd = ind;
  state.optPos = pos;
  return 0;
}

function sleep(c: Ctx): number {
  const v = c.argv[1];
  if (v === undefined) {
    c.out.write(2, 'sleep: missing operand\n');
    return 1;
  }
  let total = 0;
  for (const a of c.argv.slice(1)) {
    if (a === 'infinity' || Number.parseFloat(a) >= 86400) {
      c.host.blocked = true;
      return 0;
    }
    const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(a);
    if (!m) {
      c.out.write(2, `sleep: invalid number '${a}'\n`);
      return 1;
    }
    total += Number(m[1]) * ({ '': 1, s: 1, m: 60, h: 3600, d: 86400 } as Record<string, number>)[m[2]];
  }
  spend(c.host.proc.session, total * 1000);
  return 0;
}

export const SPECIAL_BUILTINS: Record<string, Builtin> = {
  ':': () => 0,
  '.': (c) => {
    const file = c.argv[1];
    if (file === undefined) return 0;
    const data = c.sh.fs.read(ContainerFs.normalize(file, c.sh.cwd));
    if (typeof data !== 'string') throw new FatalError(`.: line 0: can't open '${file}': No such file or directory`);
    return evalString(c, data);
  },
  source: (c) => SPECIAL_BUILTINS['.'](c),
  break: (c) => loopControl(c, false),
  continue: (c) => loopControl(c, true),
  eval: (c) => evalString(c, c.argv.slice(1).join(' ')),
  exec: (c) => {
    if (c.argv.length < 2) return 0;
    throw new ExitSignal(invoke(c.host, c.argv.slice(1), c.input, c.out));
  },
  exit: (c) => {
    throw new ExitSignal(numArg(c, c.argv[1], c.host.lastCode) & 255);
  },
  export: (c) => assignList(c, (n) => c.sh.exported.add(n), 'export', c.sh.exported),
  readonly: (c) => assignList(c, (n) => c.sh.readonly.add(n), 'readonly', c.sh.readonly),
  return: (c) => {
    throw new ReturnSignal(numArg(c, c.argv[1], c.host.lastCode) & 255);
  },
  set: setBuiltin,
  shift: (c) => {
    const n = numArg(c, c.argv[1], 1);
    if (n > c.sh.params.length || n < 0) return 1;
    c.sh.params = c.sh.params.slice(n);
    return 0;
  },
  trap: (c) => {
    const args = c.argv.slice(1);
    // (only EXIT ever fires: the simulation sends no signals); trap - SIG resets, trap '' SIG ignores
    if (args.length >= 2) {
      for (const sig of args.slice(1)) {
        const name = sig.replace(/^SIG/, '') === '0' ? 'EXIT' : sig.replace(/^SIG/, '');
        if (args[0] === '-' || args[0] === '') c.sh.traps.delete(name);
        else c.sh.traps.set(name, args[0]);
      }
    }
    return 0;
  },
  unset: (c) => {
    let funcs = false;
    for (const a of c.argv.slice(1)) {
      if (a === '-f') funcs = true;
      else if (a === '-v') funcs = false;
      else if (funcs) c.sh.funcs.delete(a);
      else {
        if (c.sh.readonly.has(a)) throw new FatalError(`unset: line ${c.sh.line + c.sh.lineBase}: ${a}: is read only`);
        c.host.vars.delete(a);
        c.sh.exported.delete(a);
      }
    }
    return 0;
  },
};

export const BUILTINS: Record<string, Builtin> = {
  echo,
  printf: (c) => printfFormat(c),
  test: (c) => testExpr(c),
  '[': (c) => testExpr(c),
  '[[': (c) => testExpr(c),
  true: () => 0,
  false: () => 1,
  cd,
  pwd: (c) => (c.out.write(1, `${c.sh.cwd}\n`), 0),
  read,
  local: (c) => {
    const frame = c.sh.locals[c.sh.locals.length - 1];
    if (!frame) {
      errAt(c, 'not in a function');
      return 2;
    }
    for (const a of c.argv.slice(1)) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(0, eq) : a;
      if (!frame.has(name)) frame.set(name, c.host.vars.get(name));
      if (eq > 0) setVar(c.host, name, a.slice(eq + 1));
    }
    return 0;
  },
  type: typeBuiltin,
  getopts,
  command,
  wait: () => 0,
  sleep,
  umask: (c) => (c.argv.length < 2 && c.out.write(1, '0022\n'), 0),
  hash: () => 0,
  kill: () => 0,
};
