// What the kubelet's volume plugins put in a pod's volumes (configMap, secret, downwardAPI, projected, emptyDir),
// as data: the files a container sees at its mount points, and why a volume cannot be set up (FailedMount).
// Nothing here touches the host: the simulated shell reads these maps.
import type { Container, KubeObject, Pod } from '../api/types.js';
import { getObject } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';
import { createHash } from 'node:crypto';
import { fieldRefValue, resourceFieldValue } from './fieldref.js';

type PodObj = Pod & KubeObject;
type Obj = Record<string, unknown>;

/** One file of a volume: its bytes (as text) and permission bits. */
export interface VolumeFile {
  content: string;
  mode: number;
}

/** A file or directory a container sees. `link` marks the atomic writer's key -> ..data/key symlinks. */
export interface FsEntry {
  kind: 'file' | 'dir' | 'link';
  content?: string;
  mode: number;
  /** For links: the target as `ls -l` shows it. */
  target?: string;
  /** Bytes, when content is not their UTF-8 text (a file tar extracted, held one char per byte). */
  size?: number;
}

/** A container's view of its volumes: absolute path -> entry (directories included). */
export type PodFs = Map<string, FsEntry>;

/** The default file mode of configMap, secret, downwardAPI and projected volumes (0644). */
const DEFAULT_MODE = 0o644;

/** A volume's files by relative path, or the error its plugin reports. */
type Contents = { files: Map<string, VolumeFile>; atomic: boolean } | { error: string };

const asObj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const asArr = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(asObj) : []);

/** The root CA every namespace's kube-root-ca.crt holds: a stand-in certificate, stable per cluster. */
const CA_CACHE = new Map<string, string>();

export function rootCACert(state: ClusterState): string {
  const name = state.cluster.name ?? 'kind';
  let pem = CA_CACHE.get(name);
  if (!pem) CA_CACHE.set(name, (pem = makeCACert(name)));
  return pem;
}

function makeCACert(clusterName: string): string {
  const seed = createHash('sha256').update(`ca:${clusterName}`).digest();
  const der: Buffer[] = [];
  for (let i = 0; i < 24; i++) der.push(createHash('sha256').update(seed).update(String(i)).digest());
  const lines = Buffer.concat(der).subarray(0, 768).toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** The projected service account token: shaped like the JWT the kubelet writes, stable per pod. */
function serviceAccountToken(pod: PodObj, clusterDomain: string): string {
  const b64url = (s: string) => Buffer.from(s).toString('base64url');
  const header = b64url(JSON.stringify({ alg: 'RS256', kid: createHash('sha256').update('kid').digest('hex').slice(0, 43) }));
  const payload = b64url(
    JSON.stringify({
      aud: [`https://kubernetes.default.svc.${clusterDomain}`],
      iss: `https://kubernetes.default.svc.${clusterDomain}`,
      'kubernetes.io': { namespace: pod.metadata.namespace, pod: { name: pod.metadata.name, uid: pod.metadata.uid }, serviceaccount: { name: pod.spec?.serviceAccountName ?? 'default' } },
      sub: `system:serviceaccount:${pod.metadata.namespace}:${pod.spec?.serviceAccountName ?? 'default'}`,
    }),
  );
  const sig = createHash('sha512').update(`sig:${pod.metadata.uid}`).digest('base64url');
  return `${header}.${payload}.${sig}`;
}

/** A ConfigMap's or Secret's values as text (Secret data and binaryData decoded from base64). */
function sourceValues(obj: KubeObject, kind: 'configmap' | 'secret'): Map<string, string> {
  const out = new Map<string, string>();
  const data = asObj(obj.data);
  for (const k of Object.keys(data).sort()) out.set(k, kind === 'secret' ? Buffer.from(String(data[k]), 'base64').toString('utf8') : String(data[k]));
  if (kind === 'configmap') {
    const bin = asObj(obj.binaryData);
    for (const k of Object.keys(bin).sort()) out.set(k, Buffer.from(String(bin[k]), 'base64').toString('latin1'));
  }
  return out;
}

/** kube-root-ca.crt exists in every namespace of a real cluster; kubesim stands in for it when it is absent. */
function lookup(state: ClusterState, ns: string, kind: 'configmap' | 'secret', name: string): KubeObject | undefined {
  const found = getObject(state, kind === 'configmap' ? 'configmaps' : 'secrets', ns, name);
  if (found || kind !== 'configmap' || name !== 'kube-root-ca.crt') return found;
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data: { 'ca.crt': rootCACert(state) } };
}

/** configMap and secret volumes (and projected sources): every key, or `items` with their paths and modes. */
function keyedContents(state: ClusterState, pod: PodObj, kind: 'configmap' | 'secret', name: string, src: Obj, defaultMode: number, files: Map<string, VolumeFile>): string | undefined {
  const obj = lookup(state, pod.metadata.namespace ?? 'default', kind, name);
  const optional = src.optional === true;
  if (!obj) return optional ? undefined : `${kind} "${name}" not found`;
  const values = sourceValues(obj, kind);
  const items = asArr(src.items);
  if (items.length === 0) {
    for (const [k, v] of values) files.set(k, { content: v, mode: defaultMode });
    return undefined;
  }
  for (const it of items) {
    const key = String(it.key ?? '');
    const v = values.get(key);
    if (v === undefined) {
      if (optional) continue;
      // The plugins' words (configmap.go, secret.go).
      return kind === 'configmap' ? `configmap references non-existent config key: ${key}` : `references non-existent secret key: ${key}`;
    }
    files.set(String(it.path ?? key), { content: v, mode: typeof it.mode === 'number' ? it.mode : defaultMode });
  }
  return undefined;
}

function downwardContents(state: ClusterState, pod: PodObj, src: Obj, defaultMode: number, files: Map<string, VolumeFile>): string | undefined {
  for (const it of asArr(src.items)) {
    const mode = typeof it.mode === 'number' ? it.mode : defaultMode;
    const path = String(it.path ?? '');
    if (it.fieldRef) {
      const v = fieldRefValue(pod, String(asObj(it.fieldRef).fieldPath ?? ''), true);
      if (v.error) return v.error;
      files.set(path, { content: v.value ?? '', mode });
    } else if (it.resourceFieldRef) {
      const ref = asObj(it.resourceFieldRef);
      const c = (pod.spec?.containers ?? []).find((x) => x.name === ref.containerName) ?? pod.spec?.containers?.[0];
      const v = resourceFieldValue(state, pod, c, String(ref.resource ?? ''), ref.divisor);
      if (v.error) return v.error;
      files.set(path, { content: v.value ?? '', mode });
    }
  }
  return undefined;
}

/** A volume's files as its plugin writes them, or the plugin's SetUp error. */
export function volumeContents(state: ClusterState, pod: PodObj, volume: Obj, withToken = true): Contents {
  const files = new Map<string, VolumeFile>();
  const modeOf = (src: Obj) => (typeof src.defaultMode === 'number' ? src.defaultMode : DEFAULT_MODE);
  if (volume.configMap) {
    const src = asObj(volume.configMap);
    const err = keyedContents(state, pod, 'configmap', String(src.name ?? ''), src, modeOf(src), files);
    return err ? { error: err } : { files, atomic: true };
  }
  if (volume.secret) {
    const src = asObj(volume.secret);
    const err = keyedContents(state, pod, 'secret', String(src.secretName ?? ''), src, modeOf(src), files);
    return err ? { error: err } : { files, atomic: true };
  }
  if (volume.downwardAPI) {
    const src = asObj(volume.downwardAPI);
    const err = downwardContents(state, pod, src, modeOf(src), files);
    return err ? { error: err } : { files, atomic: true };
  }
  if (volume.projected) {
    const src = asObj(volume.projected);
    const mode = modeOf(src);
    const errors: string[] = [];
    for (const s of asArr(src.sources)) {
      let err: string | undefined;
      if (s.configMap) err = keyedContents(state, pod, 'configmap', String(asObj(s.configMap).name ?? ''), asObj(s.configMap), mode, files);
      else if (s.secret) err = keyedContents(state, pod, 'secret', String(asObj(s.secret).name ?? ''), asObj(s.secret), mode, files);
      else if (s.downwardAPI) err = downwardContents(state, pod, asObj(s.downwardAPI), mode, files);
      else if (s.serviceAccountToken && withToken) files.set(String(asObj(s.serviceAccountToken).path ?? 'token'), { content: serviceAccountToken(pod, state.cluster.clusterDomain), mode });
      if (err) errors.push(err);
    }
    // The projected plugin aggregates its sources' errors (one alone prints bare, several as a list).
    if (errors.length) return { error: errors.length === 1 ? errors[0] : `[${errors.join(', ')}]` };
    return { files, atomic: true };
  }
  // emptyDir and the rest: an empty directory as far as the shell can tell.
  return { files, atomic: false };
}

/** The first volume the kubelet cannot set up, with the plugin's error (MountVolume.SetUp failed). */
export function volumeSetupError(state: ClusterState, pod: PodObj): { volume: string; message: string } | undefined {
  for (const v of pod.spec?.volumes ?? []) {
    // The token never fails; skipping it keeps the kubelet's check cheap for every new pod.
    const c = volumeContents(state, pod, v as unknown as Obj, false);
    if ('error' in c) return { volume: v.name, message: c.error };
  }
  return undefined;
}

const join = (a: string, b: string) => (a.endsWith('/') ? a + b : `${a}/${b}`).replace(/\/+/g, '/');

function addDirs(fs: PodFs, path: string): void {
  const parts = path.split('/').filter(Boolean);
  let p = '';
  for (const part of parts) {
    p += `/${part}`;
    if (!fs.has(p)) fs.set(p, { kind: 'dir', mode: 0o755 });
  }
}

/** The timestamped directory the atomic writer makes (..2026_11_22_01_30_00.<digits>), stable per pod. */
export function atomicDirName(pod: PodObj): string {
  const t = pod.status?.startTime ?? pod.metadata.creationTimestamp ?? '1970-01-01T00:00:00Z';
  const stamp = t.replace(/[-:T]/g, '_').replace(/Z$/, '');
  const digits = parseInt(createHash('sha256').update(`atomic:${pod.metadata.uid}`).digest('hex').slice(0, 8), 16) % 1_000_000_000;
  return `..${stamp}.${String(digits).padStart(9, '0')}`;
}

/**
 * The files a container sees through its volumeMounts: each volume's files under its mountPath (the atomic
 * writer's layout: `..data` and a symlink per top-level name), or with `subPath` the one file or directory.
 */
export function containerFs(state: ClusterState, pod: PodObj, container: Container): PodFs {
  const fs: PodFs = new Map();
  for (const m of container.volumeMounts ?? []) {
    const vol = (pod.spec?.volumes ?? []).find((v) => v.name === m.name);
    if (!vol || !m.mountPath) continue;
    const c = volumeContents(state, pod, vol as unknown as Obj);
    if ('error' in c) continue;
    const base = m.mountPath.replace(/\/+$/, '') || '/';
    const sub = (m.subPath ?? '').replace(/^\/+|\/+$/g, '');
    if (sub) {
      // subPath: a bind mount of one path inside the volume, without the atomic writer's links.
      const file = c.files.get(sub);
      if (file) {
        addDirs(fs, base.slice(0, base.lastIndexOf('/')));
        fs.set(base, { kind: 'file', content: file.content, mode: file.mode });
        continue;
      }
      addDirs(fs, base);
      for (const [p, f] of c.files) if (p.startsWith(`${sub}/`)) placeFile(fs, join(base, p.slice(sub.length + 1)), f);
      continue;
    }
    addDirs(fs, base);
    if (!c.atomic) continue;
    const data = atomicDirName(pod);
    fs.set(join(base, data), { kind: 'dir', mode: 0o755 });
    fs.set(join(base, '..data'), { kind: 'link', mode: 0o777, target: data });
    const tops = new Set<string>();
    for (const [p, f] of c.files) {
      placeFile(fs, join(join(base, data), p), f);
      tops.add(p.split('/')[0]);
    }
    for (const t of tops) fs.set(join(base, t), { kind: 'link', mode: 0o777, target: `..data/${t}` });
  }
  return fs;
}

function placeFile(fs: PodFs, path: string, f: VolumeFile): void {
  addDirs(fs, path.slice(0, path.lastIndexOf('/')));
  fs.set(path, { kind: 'file', content: f.content, mode: f.mode });
}

/** Follows symlinks (relative to their directory) to the entry a path names. */
export function resolvePath(fs: PodFs, path: string, followLast = true): { path: string; entry: FsEntry } | undefined {
  let p = normalize(path);
  for (let hops = 0; hops < 8; hops++) {
    // Resolve links in leading components too (/etc/cfg/dir/file through ..data).
    const parts = p.split('/').filter(Boolean);
    let cur = '';
    let relinked = false;
    for (let i = 0; i < parts.length; i++) {
      cur += `/${parts[i]}`;
      const e = fs.get(cur);
      if (e?.kind === 'link' && (followLast || i < parts.length - 1)) {
        const dir = cur.slice(0, cur.lastIndexOf('/')) || '/';
        p = normalize(join(join(dir, e.target ?? ''), parts.slice(i + 1).join('/')));
        relinked = true;
        break;
      }
    }
    if (!relinked) {
      const entry = fs.get(p);
      return entry ? { path: p, entry } : undefined;
    }
  }
  return undefined;
}

export function normalize(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (!part || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

/** The names directly inside a directory, sorted as ls sorts them (byte order). */
export function listDir(fs: PodFs, dir: string): string[] {
  const prefix = dir === '/' ? '/' : `${dir}/`;
  const names = new Set<string>();
  for (const p of fs.keys()) {
    if (p.startsWith(prefix) && p.length > prefix.length && !p.slice(prefix.length).includes('/')) names.add(p.slice(prefix.length));
  }
  return [...names].sort();
}

