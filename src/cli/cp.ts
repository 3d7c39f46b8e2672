// `kubesim cp`: copies files and directories between this machine and a simulated container, the way kubectl
// does it: the container side is the container's own `tar` (src/apps/tar.ts, run through the simulated exec,
// so an image without tar fails as it would), the local side is kubectl's job and the only place host files
// are read or written. To a pod: `test -d DEST`, then the local files as an archive on `tar -xmf - -C DIR`'s
// stdin. From a pod: `tar cf - SRC`, whose stderr kubectl shows on its stdout, unpacked under the local path.
import { closeSync, lstatSync, mkdirSync, openSync, readdirSync, readlinkSync, readSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { posix, relative, resolve, join, dirname, basename, isAbsolute } from 'node:path';
import { CLI_NAME, CommandError, ExitError, notFound } from '../api/errors.js';
import type { Pod } from '../api/types.js';
import { LAYER_BYTES } from '../apps/fs.js';
import { startArgv, type StartResult } from '../apps/process.js';
import { Output } from '../apps/shell.js';
import { getObject } from '../store/objects.js';
import { readTar, TarFormatError, writeTar, type TarEntry } from '../util/ustar.js';
import { addGlobalFlags, intFlag, newCommand, parseArgs } from './common.js';
import { checkRunning, notFoundError } from './exec.js';
import type { CliIO } from './io.js';
import { loadUserImages, pickContainer, stepIn, writeOutput, type ProcessTarget, type ShellCarry } from './netcli.js';
import { Session } from './session.js';

const HELP = `Copy files and directories between this machine and a container of a simulated pod. The container's side is
done by the container's own tar (the image must have it), so what you copy in is there for the next exec into
that container, until it restarts; the files on this machine are the only host files kubesim touches.

Examples:
  # Copy the local file ./app.conf to /tmp/app.conf in the pod web
  kubectl cp ./app.conf web:/tmp/app.conf

  # Copy the local directory ./site into the existing directory /usr/share in pod web of namespace shop
  kubectl cp ./site shop/web:/usr/share

  # Copy /var/log from the pod's sidecar container to ./logs on this machine
  kubectl cp web:/var/log ./logs -c sidecar

  # The same through exec, as cp does it
  kubectl exec web -- tar cf - /tmp/app.conf | tar xf - -C /tmp/copy

Options:
    -c, --container='':
	The container to copy to or from; without it, the pod's first container.

    --no-preserve=false:
	Do not keep the files' owner and permissions in the container (tar runs with --no-same-permissions
	--no-same-owner).

    --retries=0:
	How many times to resume a copy from a container whose stream broke: 0 never, a negative number without
	end (kubesim's streams do not break).

Usage:
  kubectl cp <file-spec-src> <file-spec-dest> [options]
`;

interface FileSpec {
  namespace?: string;
  pod?: string;
  file: string;
}

const BAD_SPEC = 'filespec must match the canonical format: [[namespace/]pod:]file/path';

/** "[[namespace/]pod:]file/path", split as kubectl splits it (the first colon). */
function fileSpec(arg: string): FileSpec {
  const i = arg.indexOf(':');
  if (i === 0) throw new CommandError(BAD_SPEC);
  if (i < 0) return { file: arg };
  const pieces = arg.slice(0, i).split('/');
  // A remote path is a Linux container's: backslashes are separators there.
  const file = arg.slice(i + 1).replace(/\\/g, '/');
  if (pieces.length === 1) return { pod: pieces[0], file };
  if (pieces.length === 2) return { namespace: pieces[0], pod: pieces[1], file };
  throw new CommandError(BAD_SPEC);
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('cp', io, HELP));
  cmd.option('-c, --container <name>').option('--no-preserve').option('--retries <n>', 'resume a broken copy from a container', intFlag('cp', '--retries'), 0);
  if (!parseArgs(cmd, argv, 'cp')) return 0;
  const o = cmd.opts() as { container?: string; preserve?: boolean; namespace?: string; state?: string };
  const args = cmd.args;
  if (args.length !== 2) throw new CommandError('source and destination are required');
  const src = fileSpec(args[0]);
  const dest = fileSpec(args[1]);
  if (src.pod !== undefined && dest.pod !== undefined) throw new CommandError('one of src or dest must be a local file specification');
  if (!src.file || !dest.file) throw new CommandError('filepath can not be empty');
  const session = new Session(o, io);
  if (src.pod !== undefined) return copyFromPod(session, io, src as Required<Pick<FileSpec, 'pod'>> & FileSpec, dest.file, o.container);
  if (dest.pod !== undefined) return copyToPod(session, io, src.file, dest as Required<Pick<FileSpec, 'pod'>> & FileSpec, o.container, o.preserve === false);
  throw new CommandError('one of src or dest must be a remote file specification');
}

type Remote = FileSpec & { pod: string };

/** Runs argv in the pod's container as exec would (kubectl's checks first), with the archive as stdin. */
async function execIn(session: Session, io: CliIO, spec: Remote, container: string | undefined, argv: string[], stdin?: Buffer, notices: CliIO = io): Promise<StartResult> {
  const images = await loadUserImages(io.env);
  const { state } = await session.read();
  const namespace = spec.namespace || session.namespace;
  const pod = getObject<Pod>(state, 'pods', namespace, spec.pod);
  if (!pod) throw notFound('pods', spec.pod);
  checkRunning(pod);
  const c = pickContainer(pod, container, notices);
  const target: ProcessTarget = { namespace, pod: spec.pod, container: c.name };
  const carry: ShellCarry = { lastCode: 0, elapsedMs: 0, traces: [] };
  const r = await stepIn(session, target, images, { stdoutTTY: false, tty: false }, carry, (p) => startArgv(p, argv, stdin ? stdin.toString('utf8') : '', stdin));
  if (r.kind === 'not-found') throw new CommandError(notFoundError(argv[0], state.random).message);
  return r;
}

// ---------------------------------------------------------------------------------------------------------
// To a pod

async function copyToPod(session: Session, io: CliIO, local: string, dest: Remote, container: string | undefined, noPreserve: boolean): Promise<number> {
  try {
    statSync(local);
  } catch {
    throw new CommandError(`${local} doesn't exist in local filesystem`);
  }
  let destFile = dest.file;
  // Into an existing directory, the copy keeps the source's name (kubectl asks the container with test -d).
  // Its failure (no such pod, no test in the image) only means "not a directory": the copy itself reports it.
  const probe = await execIn(session, { ...io, stderr: sink() }, dest, container, ['test', '-d', destFile]).catch(() => undefined);
  if (probe?.kind === 'ran' && probe.code === 0) destFile = posix.join(destFile, basename(local));
  const archive = makeTar(local, destFile);
  const argv = noPreserve ? ['tar', '--no-same-permissions', '--no-same-owner', '-xmf', '-'] : ['tar', '-xmf', '-'];
  const dir = posix.dirname(destFile);
  argv.push('-C', dir);
  const r = await execIn(session, io, dest, container, argv, archive);
  if (r.kind !== 'ran') return 1;
  writeOutput(io, r.out);
  if (r.code !== 0) throw new ExitError(r.code, `command terminated with exit code ${r.code}`);
  return 0;
}

/** A stream that drops what it is given (the probe's notices, as kubectl's buffer for them). */
function sink(): NodeJS.WritableStream {
  return { write: () => true } as unknown as NodeJS.WritableStream;
}

/** The local files as kubectl archives them: named after the destination, a non-empty directory by its files. */
function makeTar(local: string, destFile: string): Buffer {
  const src = posix.normalize(local);
  const destBase = posix.basename(posix.normalize(destFile));
  const entries: TarEntry[] = [];
  let budget = LAYER_BYTES + 1;
  const walk = (path: string, name: string) => {
    let st: Stats;
    try {
      st = lstatSync(path);
    } catch (e) {
      throw goError('lstat', path, e);
    }
    const mtime = Math.floor(st.mtimeMs / 1000);
    const mode = st.mode & 0o7777;
    if (st.isDirectory()) {
      let names: string[];
      try {
        names = readdirSync(path).sort();
      } catch (e) {
        throw goError('open', path, e);
      }
      if (!names.length) entries.push({ name, type: 'dir', mode, mtime, data: Buffer.alloc(0) });
      for (const n of names) walk(join(path, n), `${name}/${n}`);
    } else if (st.isSymbolicLink()) {
      entries.push({ name, type: 'symlink', mode, mtime, data: Buffer.alloc(0), linkname: readlinkSync(path) });
    } else if (st.isFile()) {
      // More than the container's layer holds fails there (no space left): only that much is read.
      const want = Math.min(st.size, budget);
      budget -= want;
      entries.push({ name, type: 'file', mode, mtime, data: readUpTo(path, want) });
    } else {
      // A FIFO, socket or device: kubectl would block reading it; its header alone goes, and tar refuses it.
      entries.push({ name, type: 'other', mode, mtime, data: Buffer.alloc(0) });
    }
  };
  walk(src, destBase);
  return writeTar(entries);
}

function readUpTo(path: string, n: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw goError('open', path, e);
  }
  try {
    const buf = Buffer.alloc(n);
    let got = 0;
    while (got < n) {
      const k = readSync(fd, buf, got, n - got, null);
      if (k === 0) break;
      got += k;
    }
    return buf.subarray(0, got);
  } catch (e) {
    throw goError('read', path, e);
  } finally {
    closeSync(fd);
  }
}

/** Go's words for a failed file operation ("open x: permission denied"), as kubectl prints them. */
function goError(op: string, path: string, e: unknown): CommandError {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  const words: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EISDIR: 'is a directory',
    ENOTDIR: 'not a directory',
    EEXIST: 'file exists',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on device',
    ELOOP: 'too many levels of symbolic links',
    ENAMETOOLONG: 'file name too long',
  };
  return new CommandError(`${op} ${path}: ${words[code] ?? (e as Error).message}`);
}

// ---------------------------------------------------------------------------------------------------------
// From a pod

async function copyFromPod(session: Session, io: CliIO, src: Remote, local: string, container: string | undefined): Promise<number> {
  // kubectl hands the exec its own stdout for tar's stderr (and for the "Defaulted container" notice).
  const toStdout: CliIO = { ...io, stderr: io.stdout };
  const r = await execIn(session, io, src, container, ['tar', 'cf', '-', src.file], undefined, toStdout);
  if (r.kind !== 'ran') return 1;
  let archive = Buffer.alloc(0);
  for (const c of r.out.chunks) {
    if (c.fd === 2) io.stdout.write(c.text);
    else archive = Buffer.concat([archive, Output.bytesOf(c)]);
  }
  // tar's exit status is not waited for: the archive it wrote (complete, if empty) decides, as in kubectl.
  untarAll(io, src, local, archive);
  return 0;
}

/** kubectl's stripPathShortcuts: no leading ../ or ./ (a name that climbs past "/" in the container). */
function stripShortcuts(p: string): string {
  let s = posix.normalize(p);
  while (s.startsWith('../') || s.startsWith('./')) s = s.slice(s.indexOf('/') + 1);
  return s === '..' || s === '.' ? '' : s;
}

function untarAll(io: CliIO, src: Remote, local: string, archive: Buffer): void {
  const prefix = stripShortcuts(src.file.replace(/^\/+/, ''));
  let entries: TarEntry[];
  try {
    entries = readTar(archive);
  } catch (e) {
    if (!(e instanceof TarFormatError)) throw e;
    // Go's archive/tar: a header that does not check out, or an archive cut short.
    throw new CommandError(e.message === 'Unexpected EOF in archive' ? 'unexpected EOF' : 'archive/tar: invalid tar header');
  }
  let warned = false;
  const dest = local;
  for (const h of entries) {
    // Every member lies under the source's path; one that does not was not written by tar cf SRC.
    if (!h.name.startsWith(prefix)) throw new CommandError('tar contents corrupted');
    const rest = h.name.slice(prefix.length).replace(/\\/g, '/');
    const target = join(dest, rest);
    const rel = relative(resolve(dest), resolve(target));
    if (rel.startsWith('..') || isAbsolute(rel)) {
      io.stderr.write(`warning: file ${JSON.stringify(target)} is outside target destination, skipping\n`);
      continue;
    }
    mkdirAll(dirname(target));
    if (h.type === 'dir') {
      mkdirAll(target);
      continue;
    }
    if (h.type === 'symlink') {
      if (!warned) {
        const ns = src.namespace ?? '';
        io.stderr.write(`warning: skipping symlink: ${JSON.stringify(target)} -> ${JSON.stringify(h.linkname ?? '')} (consider using "${CLI_NAME} exec -n ${JSON.stringify(ns)} ${JSON.stringify(src.pod)} -- tar cf - ${JSON.stringify(src.file)} | tar xf -")\n`);
        warned = true;
      } else io.stderr.write(`warning: skipping symlink: ${JSON.stringify(target)} -> ${JSON.stringify(h.linkname ?? '')}\n`);
      continue;
    }
    try {
      writeFileSync(target, h.data);
    } catch (e) {
      throw goError('open', target, e);
    }
  }
}

function mkdirAll(path: string): void {
  try {
    mkdirSync(path, { recursive: true, mode: 0o755 });
  } catch (e) {
    // Go's MkdirAll on a path that is a file: "not a directory" (Node says it exists).
    throw goError('mkdir', path, (e as NodeJS.ErrnoException).code === 'EEXIST' ? Object.assign(new Error(), { code: 'ENOTDIR' }) : e);
  }
}
