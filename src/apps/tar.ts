// tar over the container's files (fs.ts), as busybox's applet or GNU tar words it: `tar cf - PATH` writes an
// archive to stdout and `tar xf - -C DIR` extracts one from stdin, which is what `kubectl cp` runs through exec
// in each direction. The archive is real bytes (src/util/ustar.ts), sent as they are (Output.writeBytes); the
// files are the simulated container's, never the host's.
import { readTar, TarFormatError, writeTar, type TarEntry } from '../util/ustar.js';
import { ContainerFs } from './fs.js';
import { isBusybox } from './fstools.js';
import { fsOf } from './shell.js';
import type { Proc } from './tools.js';

interface TarOpts {
  mode?: 'c' | 'x' | 't';
  file: string;
  dir?: string;
  verbose: boolean;
  operands: string[];
}

const LONG_FLAGS: Record<string, string> = { '--create': 'c', '--extract': 'x', '--get': 'x', '--list': 't', '--verbose': 'v', '--touch': 'm' };
const IGNORED = new Set(['--no-same-permissions', '--no-same-owner', '--same-owner', '--same-permissions', '--preserve-permissions', '--numeric-owner', '--overwrite']);

/** The command line, or the option it stumbled on. */
function parse(argv: string[]): TarOpts | { bad: string; long?: boolean } {
  const o: TarOpts = { file: '-', verbose: false, operands: [] };
  const args = [...argv];
  // The traditional form: the first word is a cluster of letters without a dash (tar cf - /tmp).
  if (args[0] && !args[0].startsWith('-')) args[0] = `-${args[0]}`;
  const pending: ('f' | 'C')[] = [];
  const take = (letter: 'f' | 'C', v: string) => (letter === 'f' ? (o.file = v) : (o.dir = v));
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (pending.length) {
      take(pending.shift()!, a);
      continue;
    }
    if (a === '--') {
      o.operands.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const [name, value] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
      if (IGNORED.has(name)) continue;
      if (name === '--file' || name === '--directory') {
        const v = value ?? args[++i];
        if (v === undefined) return { bad: name, long: true };
        take(name === '--file' ? 'f' : 'C', v);
        continue;
      }
      const letter = LONG_FLAGS[name];
      if (!letter || value !== undefined) return { bad: a, long: true };
      if ('cxt'.includes(letter)) o.mode = letter as TarOpts['mode'];
      if (letter === 'v') o.verbose = true;
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const ch = a[j]!;
        if (ch === 'f' || ch === 'C') {
          // The option's value is the rest of the word, or the next word(s) in order.
          if (j + 1 < a.length) {
            take(ch, a.slice(j + 1));
            break;
          }
          pending.push(ch);
        } else if (ch === 'c' || ch === 'x' || ch === 't') o.mode = ch;
        else if (ch === 'v') o.verbose = true;
        else if (!'mop'.includes(ch)) return { bad: ch };
      }
      continue;
    }
    o.operands.push(a);
  }
  if (pending.length) return { bad: pending[0]!, long: false };
  return o;
}

/** A tar that reports errors in its flavour's words and ends with its flavour's status. */
class Reporter {
  failed = false;
  private warned = false;
  constructor(
    private p: Proc,
    readonly busybox: boolean,
  ) {}
  say(line: string): void {
    this.p.out.write(2, `tar: ${line}\n`);
  }
  fail(line: string): void {
    this.say(line);
    this.failed = true;
  }
  /** The leading part of member names dropped (said once), as both tars do. */
  stripped(prefix: string): void {
    if (this.warned) return;
    this.warned = true;
    this.say(this.busybox ? `removing leading '${prefix}' from member names` : `Removing leading \`${prefix}' from member names`);
  }
  /** An error that stops tar at once. */
  fatal(line: string): number {
    this.say(line);
    if (!this.busybox) this.say('Error is not recoverable: exiting now');
    return this.busybox ? 1 : 2;
  }
  end(): number {
    if (!this.failed) return 0;
    this.say(this.busybox ? 'error exit delayed from previous errors' : 'Exiting with failure status due to previous errors');
    return this.busybox ? 1 : 2;
  }
}

export function tar(p: Proc): number {
  const busybox = isBusybox(p);
  const r = new Reporter(p, busybox);
  const o = parse(p.argv.slice(1));
  if ('bad' in o) {
    if (o.long) r.say(`unrecognized option '${o.bad}'`);
    else r.say(`${o.bad === 'f' || o.bad === 'C' ? 'option requires an argument' : 'invalid option'} -- '${o.bad}'`);
    if (!busybox) p.out.write(2, "Try 'tar --help' or 'tar --usage' for more information.\n");
    return busybox ? 1 : 2;
  }
  if (!o.mode) {
    r.say(busybox ? 'need one of -c, -x, -t' : "You must specify one of the '-Acdtrux', '--delete' or '--test-label' options");
    if (!busybox) p.out.write(2, "Try 'tar --help' or 'tar --usage' for more information.\n");
    return busybox ? 1 : 2;
  }
  const fs = fsOf(p.host);
  const cwd = p.host.sh?.cwd ?? '/';
  let base = cwd;
  if (o.dir !== undefined) {
    base = ContainerFs.normalize(o.dir, cwd);
    if (!fs.isDir(base)) {
      const why = fs.exists(base) ? 'Not a directory' : 'No such file or directory';
      return r.fatal(busybox ? `can't change directory to '${o.dir}': ${why}` : `${o.dir}: Cannot open: ${why}`);
    }
  }
  return o.mode === 'c' ? create(p, fs, r, o, base) : extract(p, fs, r, o, base, cwd);
}

function create(p: Proc, fs: ContainerFs, r: Reporter, o: TarOpts, base: string): number {
  if (!o.operands.length) {
    r.say(r.busybox ? 'empty archive' : 'Cowardly refusing to create an empty archive');
    if (!r.busybox) p.out.write(2, "Try 'tar --help' or 'tar --usage' for more information.\n");
    return r.busybox ? 1 : 2;
  }
  // Files are dated when the container started (as ls shows them).
  const mtime = Math.floor(Date.parse(p.pod.pod.status?.startTime ?? p.pod.pod.metadata.creationTimestamp ?? '') / 1000) || 0;
  const entries: TarEntry[] = [];
  const add = (path: string, name: string) => {
    if (fs.isDir(path)) {
      entries.push({ name: `${name}/`, type: 'dir', mode: 0o755, mtime, data: Buffer.alloc(0) });
      for (const child of fs.list(path)) add(`${path === '/' ? '' : path}/${child}`, `${name}/${child}`);
      return;
    }
    const data = fs.readBytes(path);
    if (data) entries.push({ name, type: 'file', mode: 0o644, mtime, data });
  };
  for (const op of o.operands) {
    const path = ContainerFs.normalize(op, base);
    // GNU tar names the member before it looks at the file; busybox only once it has found it.
    const lead = /^\/+/.exec(op)?.[0] ?? '';
    if (lead && !r.busybox) r.stripped('/');
    if (!fs.exists(path)) {
      r.fail(r.busybox ? `${op}: No such file or directory` : `${op}: Cannot stat: No such file or directory`);
      continue;
    }
    if (lead && r.busybox) r.stripped('/');
    const name = op.slice(lead.length).replace(/\/+$/, '');
    add(path, name || '.');
  }
  const archive = writeTar(entries);
  if (o.file === '-') p.out.writeBytes(1, archive);
  else {
    const err = fs.writeBytes(ContainerFs.normalize(o.file, base), archive);
    if (err) return r.fatal(r.busybox ? `can't open '${o.file}': ${err}` : `${o.file}: Cannot open: ${err}`);
  }
  if (o.verbose) p.out.write(2, entries.map((e) => `${e.name}\n`).join(''));
  return r.end();
}

/** The archive's bytes: the exec client's stdin as sent, or an archive a pipe carries (one char per byte). */
function stdinBytes(p: Proc): Buffer {
  const raw = p.host.proc.rawStdin;
  if (raw && raw.text === p.stdin) return raw.bytes;
  return Buffer.from(p.stdin, /^[\0-\xff]*$/.test(p.stdin) ? 'latin1' : 'utf8');
}

function extract(p: Proc, fs: ContainerFs, r: Reporter, o: TarOpts, base: string, cwd: string): number {
  let bytes: Buffer;
  if (o.file === '-') bytes = stdinBytes(p);
  else {
    const got = fs.readBytes(ContainerFs.normalize(o.file, cwd));
    if (!got) return r.fatal(r.busybox ? `can't open '${o.file}': ${got === null ? 'Is a directory' : 'No such file or directory'}` : `${o.file}: Cannot open: ${got === null ? 'Is a directory' : 'No such file or directory'}`);
    bytes = got;
  }
  let entries: TarEntry[];
  let broken: string | undefined;
  try {
    entries = readTar(bytes);
  } catch (e) {
    if (!(e instanceof TarFormatError)) throw e;
    entries = e.entries;
    broken = e.message;
  }
  for (const e of entries) {
    const name = safeName(r, e.name);
    if (name === undefined) continue;
    if (o.mode === 't') {
      p.out.write(1, `${e.name}\n`);
      continue;
    }
    if (o.verbose) p.out.write(1, `${e.name}\n`);
    if (name === '' || name === '.') continue;
    const path = ContainerFs.normalize(name, base);
    const parent = path.slice(0, path.lastIndexOf('/')) || '/';
    const perr = fs.isDir(parent) ? undefined : fs.mkdir(parent, true);
    if (perr) {
      r.fail(r.busybox ? `can't create directory '${parent}': ${perr}` : `${name}: Cannot mkdir: ${perr}`);
      continue;
    }
    if (e.type === 'dir') {
      const err = fs.mkdir(path, true);
      if (err) r.fail(r.busybox ? `can't create directory '${name}': ${err}` : `${name}: Cannot mkdir: ${err}`);
    } else if (e.type === 'file') {
      const raw = fs.writeBytes(path, e.data);
      const err = raw === 'nonexistent directory' ? 'No such file or directory' : raw;
      if (err) r.fail(r.busybox ? `can't open '${name}': ${err}` : `${name}: Cannot open: ${err}`);
    } else if (e.type === 'symlink' || e.type === 'link') {
      // The simulated layer holds files and directories only.
      const what = e.type === 'symlink' ? 'symlink' : 'hard link';
      r.fail(r.busybox ? `can't create ${what} '${name}' to '${e.linkname ?? ''}': Operation not supported` : `${name}: Cannot create ${what} to '${e.linkname ?? ''}': Operation not supported`);
    } else r.fail(r.busybox ? `can't create node '${name}': Operation not supported` : `${name}: Cannot mknod: Operation not supported`);
  }
  if (broken) {
    if (r.busybox) return r.fatal(broken === 'Unexpected EOF in archive' ? 'short read' : 'invalid tar magic');
    if (broken === 'Unexpected EOF in archive') return r.fatal(broken);
    r.fail(broken);
  }
  return r.end();
}

/** A member's name made safe to extract, each tar's way; undefined to skip it (said on stderr). */
function safeName(r: Reporter, name: string): string | undefined {
  if (r.busybox) {
    // busybox drops everything up to the last "../" and any leading slashes.
    let cut = 0;
    for (;;) {
      if (name[cut] === '/') cut++;
      else if (name.startsWith('../', cut)) cut += 3;
      else {
        const at = name.indexOf('/../', cut);
        if (at < 0) break;
        cut = at + 4;
      }
    }
    if (cut) r.stripped(name.slice(0, cut));
    const rest = name.slice(cut);
    return rest === '..' || rest.endsWith('/..') ? undefined : rest;
  }
  if (name.split('/').includes('..')) {
    r.fail(`${name}: Member name contains '..'`);
    return undefined;
  }
  const lead = /^\/+/.exec(name)?.[0];
  if (lead) r.stripped(lead);
  return name.slice(lead?.length ?? 0);
}
