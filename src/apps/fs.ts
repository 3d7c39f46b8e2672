// A container's filesystem as the simulated shell and tools see it: the image's few files kubesim knows
// (/etc/hosts, /etc/resolv.conf, ...; computed by tools.ts) and the volumes the kubelet mounted (read-only,
// src/cluster/volumes.ts), under the container's writable layer. The layer lives in the store (layer.ts) from
// one command to the next, read when first touched; a process outside a container has one for its session only.
// Nothing here touches the host's files.
import { listDir, resolvePath, type PodFs } from '../cluster/volumes.js';
import { damaged } from '../store/store.js';
import { checkLayer, LAYERS_KIND, type LayerDoc, type LayerRef, type StoredEntry } from './layer.js';

/** A file's data is text, or (bin) other bytes held one char per byte (latin1), as tar may extract them. */
type Entry = { dir: true } | { dir: false; data: string; bin?: true } | null;

const BASE_DIRS = ['/', '/bin', '/dev', '/etc', '/home', '/lib', '/media', '/mnt', '/opt', '/proc', '/root', '/run', '/sbin', '/srv', '/sys', '/tmp', '/usr', '/usr/bin', '/usr/local', '/usr/local/bin', '/var', '/var/run', '/var/run/secrets', '/var/run/secrets/kubernetes.io', '/var/run/secrets/kubernetes.io/serviceaccount'];
const BASE_FILES = ['/etc/hosts', '/etc/resolv.conf', '/etc/hostname', '/var/run/secrets/kubernetes.io/serviceaccount/namespace', '/dev/null'];

/** Bytes the writable layer may hold: past them a write fails as on a full disk (the store keeps it all). */
export const LAYER_BYTES = 16 << 20;

/** Set by tools.ts: the image's known files for a process (its pod's /etc/hosts, ...). */
export const baseFiles: { read: (host: { proc: unknown }, path: string) => string | undefined } = { read: () => undefined };

function decode(e: StoredEntry): Entry {
  if (e === null) return null;
  if ('d' in e) return { dir: true };
  if ('t' in e) return { dir: false, data: e.t };
  return { dir: false, data: Buffer.from(e.b, 'base64').toString('latin1'), bin: true };
}

function encode(e: Entry): StoredEntry {
  if (e === null) return null;
  if (e.dir) return { d: 1 };
  return e.bin ? { b: Buffer.from(e.data, 'latin1').toString('base64') } : { t: e.data };
}

export class ContainerFs {
  private _layer?: Map<string, Entry>;
  private bytes = 0;
  /** The stored document this layer writes through to (put in the store on the first change). */
  private doc?: LayerDoc;
  private docStored = false;
  constructor(
    private base: (path: string) => string | undefined,
    private volumes: PodFs = new Map(),
    private stored?: LayerRef,
  ) {}

  /** The layer, read from the store on first use (a command that never touches the files never reads it). */
  private get layer(): Map<string, Entry> {
    if (this._layer) return this._layer;
    const layer = new Map<string, Entry>();
    this._layer = layer;
    const ref = this.stored;
    if (!ref) return layer;
    const raw = ref.objects.get(LAYERS_KIND, ref.key);
    if (raw !== undefined) {
      const doc = checkLayer(raw);
      if (typeof doc === 'string') throw damaged(ref.objects.source?.statePath ?? '(memory)', `the writable layer of "${ref.key}" ${doc}`);
      // A layer of an earlier instance of the container (before a restart) is not this one's: it starts afresh.
      if (doc.instance === ref.instance) {
        this.doc = doc;
        this.docStored = true;
        for (const [path, e] of Object.entries(doc.files)) {
          const entry = decode(e);
          layer.set(path, entry);
          if (entry && !entry.dir) this.bytes += entry.data.length;
        }
      }
    }
    return layer;
  }

  /** Records a change in the layer, and in its stored document when there is one. */
  private set(path: string, e: Entry): void {
    // Removing what only the layer had leaves nothing behind; removing an image's or a volume's file hides it.
    const forget = e === null && !this.mounted(path) && !BASE_DIRS.includes(path) && !BASE_FILES.includes(path);
    if (forget) this.layer.delete(path);
    else this.layer.set(path, e);
    const ref = this.stored;
    if (!ref) return;
    this.doc ??= { instance: ref.instance, files: {} };
    if (forget) delete this.doc.files[path];
    else this.doc.files[path] = encode(e);
    if (!this.docStored) {
      ref.objects.put(LAYERS_KIND, ref.key, this.doc);
      this.docStored = true;
    }
  }

  static normalize(path: string, cwd = '/'): string {
    const parts: string[] = [];
    for (const seg of (path.startsWith('/') ? path : `${cwd}/${path}`).split('/')) {
      if (seg === '' || seg === '.') continue;
      if (seg === '..') parts.pop();
      else parts.push(seg);
    }
    return `/${parts.join('/')}`;
  }

  private entry(path: string): Entry | undefined {
    if (this.layer.has(path)) return this.layer.get(path) ?? null;
    const mounted = this.mounted(path);
    if (mounted) return mounted;
    if (BASE_DIRS.includes(path)) return { dir: true };
    if (path === '/dev/null') return { dir: false, data: '' };
    if (BASE_FILES.includes(path)) {
      const data = this.base(path);
      return data === undefined ? undefined : { dir: false, data };
    }
    return undefined;
  }

  /** A path in a mounted volume (symlinks followed, as the atomic writer's ..data links are). */
  private mounted(path: string): Entry | undefined {
    if (!this.volumes.size) return undefined;
    const hit = resolvePath(this.volumes, path);
    if (!hit) return undefined;
    return hit.entry.kind === 'file' ? { dir: false, data: hit.entry.content ?? '' } : { dir: true };
  }

  /** What `ls` shows: the volumes' entries (with their modes and links) plus what the session wrote. */
  view(): PodFs {
    const out: PodFs = new Map(this.volumes);
    for (const [path, e] of this.layer) {
      if (e === null) out.delete(path);
      else out.set(path, e.dir ? { kind: 'dir', mode: 0o755 } : { kind: 'file', content: e.data, mode: 0o644, ...(e.bin ? { size: e.data.length } : {}) });
    }
    return out;
  }

  isDir(path: string): boolean {
    return this.entry(path)?.dir === true;
  }
  exists(path: string): boolean {
    return !!this.entry(path);
  }
  /** A file's contents; undefined when missing; null for a directory. */
  read(path: string): string | undefined | null {
    const e = this.entry(path);
    if (!e) return undefined;
    return e.dir ? null : e.data;
  }

  /** A file's bytes (tar reads them); undefined when missing; null for a directory. */
  readBytes(path: string): Buffer | undefined | null {
    const e = this.entry(path);
    if (!e) return undefined;
    if (e.dir) return null;
    return Buffer.from(e.data, 'bin' in e && e.bin ? 'latin1' : 'utf8');
  }

  /** Writes a file's bytes (tar extracts them): text when they are UTF-8, as the shell's tools read it. */
  writeBytes(path: string, bytes: Buffer): string | undefined {
    const text = bytes.toString('utf8');
    if (Buffer.byteLength(text) === bytes.length && Buffer.from(text, 'utf8').equals(bytes)) return this.write(path, text, false);
    return this.write(path, bytes.toString('latin1'), false, true);
  }

  /** Writes (or appends to) a file; an error message (ash's wording) when it cannot. */
  write(path: string, data: string, append: boolean, bin?: boolean): string | undefined {
    if (path === '/dev/null') return undefined;
    // configMap, secret, downwardAPI and projected volumes are mounted read-only.
    if (this.mounted(path) || this.inVolume(path)) return 'Read-only file system';
    const e = this.entry(path);
    if (e?.dir) return 'Is a directory';
    const parent = path.slice(0, path.lastIndexOf('/')) || '/';
    if (!this.isDir(parent)) return 'nonexistent directory';
    // Text appended to a file of other bytes joins them as its UTF-8 bytes.
    if (append && e && !e.dir && e.bin && !bin) data = Buffer.from(data, 'utf8').toString('latin1');
    const old = append && e && !e.dir ? e.data : '';
    const next = old + data;
    this.bytes += next.length - (e && !e.dir ? e.data.length : 0);
    if (this.bytes > LAYER_BYTES) {
      this.bytes -= next.length - old.length;
      return 'No space left on device';
    }
    this.set(path, { dir: false, data: next, ...(bin || (append && e && !e.dir && e.bin) ? { bin: true as const } : {}) });
    return undefined;
  }

  mkdir(path: string, parents: boolean): string | undefined {
    if (this.exists(path)) return parents && this.isDir(path) ? undefined : 'File exists';
    const parent = path.slice(0, path.lastIndexOf('/')) || '/';
    if (!this.isDir(parent)) {
      if (!parents || this.exists(parent)) return 'No such file or directory';
      const err = this.mkdir(parent, true);
      if (err) return err;
    }
    this.set(path, { dir: true });
    return undefined;
  }

  remove(path: string, recursive: boolean): string | undefined {
    const e = this.entry(path);
    if (!e) return 'No such file or directory';
    if (e.dir) {
      if (!recursive) return 'Is a directory';
      for (const name of this.list(path)) this.remove(`${path === '/' ? '' : path}/${name}`, true);
    } else this.bytes -= e.data.length;
    this.set(path, null);
    return undefined;
  }

  private inVolume(path: string): boolean {
    const parent = path.slice(0, path.lastIndexOf('/')) || '/';
    const hit = this.volumes.size ? resolvePath(this.volumes, parent) : undefined;
    return !!hit && hit.entry.kind === 'dir' && !this.layer.has(parent);
  }

  /** Names in a directory, sorted. */
  list(dir: string): string[] {
    const prefix = dir === '/' ? '/' : `${dir}/`;
    const names = new Set<string>();
    const consider = (p: string) => {
      if (p.startsWith(prefix) && p !== dir && !p.slice(prefix.length).includes('/') && this.exists(p)) names.add(p.slice(prefix.length));
    };
    for (const p of BASE_DIRS) consider(p);
    for (const p of BASE_FILES) consider(p);
    for (const p of this.layer.keys()) consider(p);
    const hit = this.volumes.size ? resolvePath(this.volumes, dir) : undefined;
    if (hit?.entry.kind === 'dir') for (const n of listDir(this.volumes, hit.path)) if (this.exists(`${prefix}${n}`)) names.add(n);
    return [...names].sort();
  }
}
