// ls over a container's files: the image's top-level directories and the volumes the kubelet mounted
// (src/cluster/volumes.ts), printed as busybox or GNU ls prints them.
import { listDir, normalize, resolvePath, type PodFs } from '../cluster/volumes.js';
import { fsOf } from './shell.js';
import type { Proc } from './tools.js';

export const isBusybox = (p: Proc) => p.host.image.binaries.includes('busybox');

const ROOT_DIRS = ['bin', 'dev', 'etc', 'home', 'lib', 'media', 'mnt', 'opt', 'proc', 'root', 'run', 'sbin', 'srv', 'sys', 'tmp', 'usr', 'var'];

/** ls over the container's volumes (the rest of the image is only its top-level directories). */
export function ls(p: Proc): number {
  const flags = new Set<string>();
  const paths: string[] = [];
  for (const a of p.argv.slice(1)) {
    if (/^-[a-zA-Z1]+$/.test(a)) for (const ch of a.slice(1)) flags.add(ch);
    else paths.push(a);
  }
  // The volumes plus what this session wrote (echo hi > /tmp/x; ls /tmp).
  const fs: PodFs = fsOf(p.host).view();
  const long = flags.has('l');
  const all = flags.has('a');
  const follow = flags.has('L');
  const busybox = isBusybox(p);
  const mtime = lsTime(p.pod.pod.status?.startTime ?? p.pod.pod.metadata.creationTimestamp);
  let code = 0;
  const targets = paths.length ? paths : ['.'];
  targets.forEach((arg, i) => {
    const cwd = p.host.sh?.cwd ?? '/';
    const path = normalize(arg.startsWith('/') ? arg : `${cwd}/${arg}`);
    const root = path === '/';
    // The image's own top-level directories exist; kubesim knows nothing inside them.
    const imageDir = !root && !fs.has(path) && ROOT_DIRS.includes(path.slice(1));
    const hit = root ? undefined : imageDir ? { path, entry: { kind: 'dir' as const, mode: 0o755 } } : resolvePath(fs, path, follow || !long);
    if (!root && !hit) {
      p.out.write(2, busybox ? `ls: ${arg}: No such file or directory\n` : `ls: cannot access '${arg}': No such file or directory\n`);
      code = busybox ? 1 : 2;
      return;
    }
    if (hit && hit.entry.kind !== 'dir') {
      p.out.write(1, long ? lsLines(fs, [[arg, hit.entry]], busybox, mtime) : `${arg}\n`);
      return;
    }
    if (targets.length > 1) p.out.write(1, `${i > 0 ? '\n' : ''}${arg}:\n`);
    const dir = hit?.path ?? '/';
    let names = root ? ROOT_DIRS : listDir(fs, dir);
    if (!all) names = names.filter((n) => !n.startsWith('.'));
    else names = ['.', '..', ...names];
    if (!long) {
      p.out.write(1, names.map((n) => `${n}\n`).join(''));
      return;
    }
    const rows: [string, FsEntryView][] = names.map((n) => {
      if (n === '.' || n === '..' || root) return [n, { kind: 'dir', mode: 0o755 }];
      const full = `${dir === '/' ? '' : dir}/${n}`;
      const e = follow ? resolvePath(fs, full)?.entry : fs.get(full);
      return [n, e ?? { kind: 'dir', mode: 0o755 }];
    });
    p.out.write(1, `total 0\n${lsLines(fs, rows, busybox, mtime)}`);
  });
  return code;
}

type FsEntryView = { kind: 'file' | 'dir' | 'link'; mode: number; content?: string; target?: string; size?: number };

function modeString(e: FsEntryView): string {
  const bits = 'rwxrwxrwx';
  let s = e.kind === 'dir' ? 'd' : e.kind === 'link' ? 'l' : '-';
  for (let i = 0; i < 9; i++) s += e.mode & (1 << (8 - i)) ? bits[i] : '-';
  return s;
}

/** `ls -l` rows: busybox's fixed widths, or GNU's columns aligned to the widest value. */
function lsLines(_fs: PodFs, rows: [string, FsEntryView][], busybox: boolean, mtime: string): string {
  const size = (e: FsEntryView) => (e.kind === 'dir' ? 4096 : e.kind === 'link' ? (e.target ?? '').length : e.size ?? Buffer.byteLength(e.content ?? ''));
  const links = (e: FsEntryView) => (e.kind === 'dir' ? 2 : 1);
  const name = (n: string, e: FsEntryView) => (e.kind === 'link' ? `${n} -> ${e.target}` : n);
  if (busybox) return rows.map(([n, e]) => `${modeString(e)} ${String(links(e)).padStart(4)} root     root     ${String(size(e)).padStart(9)} ${mtime} ${name(n, e)}\n`).join('');
  const lw = Math.max(...rows.map(([, e]) => String(links(e)).length));
  const sw = Math.max(...rows.map(([, e]) => String(size(e)).length));
  return rows.map(([n, e]) => `${modeString(e)} ${String(links(e)).padStart(lw)} root root ${String(size(e)).padStart(sw)} ${mtime} ${name(n, e)}\n`).join('');
}

/** "Nov 22 01:30": ls's date for a recent file (the volume was written when the pod started). */
function lsTime(iso: string | undefined): string {
  const d = new Date(iso ?? 0);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${months[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}`;
}

