// test/[ and printf, as busybox has them (their messages are busybox's).
import { ContainerFs } from './fs.js';
import { backslashEscapes, type Ctx } from './sh-builtins.js';

/** test's usage errors: status 2 (a plain class: a loop may hit one a million times, stack traces cost). */
class TestError {
  constructor(readonly message: string) {}
}

const UNARY_FILE = ['-e', '-f', '-d', '-r', '-w', '-x', '-s', '-L', '-h', '-p', '-S', '-b', '-c', '-g', '-u', '-k', '-O', '-G'];
const BINARY = ['=', '==', '!=', '<', '>', '-eq', '-ne', '-lt', '-le', '-gt', '-ge', '-nt', '-ot', '-ef'];

function int(v: string): bigint {
  const t = v.trim();
  if (!/^[-+]?\d+$/.test(t)) throw new TestError(`${v}: bad number`);
  return BigInt(t);
}

/** test and [: POSIX's rules by argument count, then ! -a -o ( ) by precedence. */
export function testExpr(c: Ctx): number {
  let a = c.argv.slice(1);
  // [[ ... ]]: busybox 1.35's is test with another closing word (its words are split and globbed as test's)
  if (c.argv[0] === '[' || c.argv[0] === '[[') {
    const close = c.argv[0] === '[' ? ']' : ']]';
    if (a[a.length - 1] !== close) {
      c.out.write(2, `${c.host.shellName}: missing ${close}\n`);
      return 2;
    }
    a = a.slice(0, -1);
  }
  const fs = c.sh.fs;
  const file = (op: string, name: string): boolean => {
    const path = ContainerFs.normalize(name, c.sh.cwd);
    const exists = name !== '' && fs.exists(path);
    switch (op) {
      case '-e': case '-r': case '-w': return exists;
      case '-f': return exists && !fs.isDir(path) && path !== '/dev/null';
      case '-d': return fs.isDir(path);
      case '-x': return fs.isDir(path) || (exists && path.startsWith('/bin/'));
      case '-s': { const d = fs.read(path); return d === null || (typeof d === 'string' && d.length > 0); }
      case '-c': return path === '/dev/null';
      default: return false;
    }
  };
  let i = 0;
  const unaryOr = (): boolean => {
    let v = andExpr();
    while (a[i] === '-o') {
      i++;
      const r = andExpr();
      v = v || r;
    }
    return v;
  };
  const andExpr = (): boolean => {
    let v = notExpr();
    while (a[i] === '-a') {
      i++;
      const r = notExpr();
      v = v && r;
    }
    return v;
  };
  const notExpr = (): boolean => {
    if (a[i] === '!' && i + 1 < a.length) {
      i++;
      return !notExpr();
    }
    return primary();
  };
  const primary = (): boolean => {
    const t = a[i];
    if (t === undefined) throw new TestError('argument expected');
    if (t === '(' && a.length - i > 1 && !BINARY.includes(a[i + 1] ?? '')) {
      i++;
      const v = unaryOr();
      if (a[i] !== ')') throw new TestError(a[i] === undefined ? 'closing paren expected' : `${a[i]}: unknown operand`);
      i++;
      return v;
    }
    if (i + 2 < a.length + 0 && BINARY.includes(a[i + 1]) && i + 2 <= a.length - 1) {
      const [x, op, y] = [a[i], a[i + 1], a[i + 2]];
      i += 3;
      return binary(x, op, y);
    }
    if (i + 1 < a.length && BINARY.includes(a[i + 1]) && i + 2 >= a.length) throw new TestError(`${a[i + 1]}: argument expected`);
    if ((t === '-n' || t === '-z' || UNARY_FILE.includes(t) || t === '-t') && i + 1 < a.length) {
      const v = a[i + 1];
      i += 2;
      if (t === '-n') return v !== '';
      if (t === '-z') return v === '';
      if (t === '-t') return false;
      return file(t, v);
    }
    i++;
    return t !== '';
  };
  const binary = (x: string, op: string, y: string): boolean => {
    switch (op) {
      case '=': case '==': return x === y;
      case '!=': return x !== y;
      case '<': return x < y;
      case '>': return x > y;
      case '-eq': return int(x) === int(y);
      case '-ne': return int(x) !== int(y);
      case '-lt': return int(x) < int(y);
      case '-le': return int(x) <= int(y);
      case '-gt': return int(x) > int(y);
      case '-ge': return int(x) >= int(y);
      default: return false;
    }
  };
  try {
    if (a.length === 0) return 1;
    let v: boolean;
    // POSIX's rules for up to four arguments
    if (a.length === 1) v = a[0] !== '';
    else if (a.length === 2 && a[0] === '!') v = a[1] === '';
    else if (a.length === 3 && BINARY.includes(a[1])) v = binary(a[0], a[1], a[2]);
    else {
      v = unaryOr();
      if (i < a.length) throw new TestError(`${a[i]}: unknown operand`);
    }
    return v ? 0 : 1;
  } catch (e) {
    if (!(e instanceof TestError)) throw e;
    c.out.write(2, `${c.host.shellName}: ${e.message}\n`);
    return 2;
  }
}

/** printf FORMAT [ARGS...]: %s %b %c %d %i %u %o %x %X %e %f %g %%, flags, widths, precisions; the format is reused. */
export function printfFormat(c: Ctx): number {
  const fmt = c.argv[1];
  if (fmt === undefined) {
    c.out.write(2, 'printf: usage: printf FORMAT [ARGUMENT...]\n');
    return 2;
  }
  const args = c.argv.slice(2);
  let k = 0;
  let code = 0;
  let out = '';
  const num = (v: string | undefined): number => {
    if (v === undefined || v === '') return 0;
    if (/^['"]/.test(v)) return v.codePointAt(1) ?? 0;
    const t = v.trim();
    if (/^[-+]?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)$/.test(t)) return Number(t.startsWith('-') ? -Number(t.slice(1)) : Number(t.replace(/^\+/, '').replace(/^0(?=[0-7])/, '0o')));
    c.out.write(2, `${c.host.shellName}: invalid number '${v}'\n`);
    code = 1;
    const m = /^[-+]?\d+/.exec(t);
    return m ? Number(m[0]) : 0;
  };
  const flt = (v: string | undefined): number => {
    if (v === undefined || v === '') return 0;
    const n = Number(v);
    if (Number.isNaN(n)) {
      c.out.write(2, `${c.host.shellName}: invalid number '${v}'\n`);
      code = 1;
      return 0;
    }
    return n;
  };
  const pad = (s: string, flags: string, width: number, zeroOk: boolean) => {
    if (s.length >= width) return s;
    if (flags.includes('-')) return s.padEnd(width);
    if (flags.includes('0') && zeroOk) {
      const sign = /^[-+ ]/.test(s) ? s[0] : '';
      return sign + s.slice(sign.length).padStart(width - sign.length, '0');
    }
    return s.padStart(width);
  };
  for (let round = 0; round < 10000; round++) {
    const startK = k;
    let stop = false;
    for (let i = 0; i < fmt.length && !stop; i++) {
      const ch = fmt[i];
      if (ch === '\\') {
        const m = /^\\(0[0-7]{0,3}|[0-7]{1,3}|x[0-9a-fA-F]{1,2}|.|$)/s.exec(fmt.slice(i))!;
        const r = backslashEscapes(m[0], false);
        if (r.stop) {
          stop = true;
          break;
        }
        out += r.text;
        i += m[0].length - 1;
        continue;
      }
      if (ch !== '%') {
        out += ch;
        continue;
      }
      const m = /^%([-+ #0]*)(\*|\d*)(?:\.(\*|\d*))?([a-zA-Z%])/.exec(fmt.slice(i));
      if (!m) {
        out += ch;
        continue;
      }
      i += m[0].length - 1;
      const [, flags, w, p, conv] = m;
      if (conv === '%') {
        out += '%';
        continue;
      }
      const width = w === '*' ? num(args[k++]) : Number(w || 0);
      const prec = p === undefined ? undefined : p === '*' ? num(args[k++]) : Number(p || 0);
      const arg = args[k++];
      switch (conv) {
        case 's': {
          let s = arg ?? '';
          if (prec !== undefined) s = s.slice(0, prec);
          out += pad(s, flags, width, false);
          break;
        }
        case 'b': {
          const r = backslashEscapes(arg ?? '', true);
          out += pad(r.text, flags, width, false);
          if (r.stop) stop = true;
          break;
        }
        case 'c':
          out += pad((arg ?? '').slice(0, 1), flags, width, false);
          break;
        case 'd':
        case 'i':
        case 'u': {
          const n = Math.trunc(num(arg));
          let s = String(Math.abs(n));
          if (prec !== undefined) s = s.padStart(prec, '0');
          s = (n < 0 ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '') + s;
          out += pad(s, flags, width, prec === undefined);
          break;
        }
        case 'o':
        case 'x':
        case 'X': {
          let n = BigInt(Math.trunc(num(arg)));
          if (n < 0n) n = BigInt.asUintN(64, n);
          let s = n.toString(conv === 'o' ? 8 : 16);
          if (conv === 'X') s = s.toUpperCase();
          if (prec !== undefined) s = s.padStart(prec, '0');
          if (flags.includes('#') && n !== 0n) s = (conv === 'o' ? '0' : conv === 'x' ? '0x' : '0X') + s;
          out += pad(s, flags, width, prec === undefined);
          break;
        }
        case 'f':
        case 'F':
        case 'e':
        case 'E':
        case 'g':
        case 'G': {
          const n = flt(arg);
          const pr = prec ?? 6;
          let s = conv === 'f' || conv === 'F' ? n.toFixed(pr) : conv === 'e' || conv === 'E' ? n.toExponential(pr).replace(/e([+-])(\d)$/, 'e$10$2') : String(Number(n.toPrecision(pr || 1)));
          if (conv === 'E' || conv === 'G') s = s.toUpperCase();
          if (n >= 0 && flags.includes('+')) s = `+${s}`;
          out += pad(s, flags, width, true);
          break;
        }
        default:
          c.out.write(1, out);
          c.out.write(2, `${c.host.shellName}: %${conv}: invalid format\n`);
          return 1;
      }
    }
    if (stop || k >= args.length || k === startK) break;
  }
  c.out.write(1, out);
  return code;
}
