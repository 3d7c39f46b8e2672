// The kubeconfig kubesim reads and writes: which files (--kubeconfig, else $KUBECONFIG as a colon-separated list,
// else kubesim's own file beside its state), their merge as kubectl merges them (the first file naming an entry
// wins; the first non-empty current-context wins), and writing a changed file back in kubectl's layout.
// Each kubeconfig cluster maps to a kubesim state: the `kubesim` extension's `state` path, else a path derived
// from the cluster's name (docs/config-contexts-facts.md). The YAML library is loaded only when a file is YAML
// and its parse is not cached: a command with no kubeconfig file pays one failed open.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { CommandError } from '../api/errors.js';
import { ioErrorText, readRegularFile } from '../util/files.js';
import { resolveStatePath } from './store.js';

export type Entry = Record<string, unknown>;
export interface Named {
  name: string;
  body: Entry;
  /** The file the entry came from (writes go back there). */
  origin: string;
}

/** One file of the list, as decoded; `doc` undefined when the file does not exist. */
export interface KubeconfigFile {
  path: string;
  doc?: RawConfig;
}

export interface RawConfig {
  preferences?: Entry;
  clusters: Named[];
  users: Named[];
  contexts: Named[];
  currentContext: string;
  extensions?: unknown[];
}

export interface Kubeconfig {
  files: KubeconfigFile[];
  /** --kubeconfig named the file. */
  explicit: boolean;
  /** Neither --kubeconfig nor $KUBECONFIG: kubesim's own file. */
  own: boolean;
  /** The directory of kubesim's states (beside the default state). */
  home: string;
  /** The default cluster's state (--state, $KUBESIM_STATE or ~/.kube/kubesim/state.json). */
  basePath: string;
  clusters: Map<string, Named>;
  users: Map<string, Named>;
  contexts: Map<string, Named>;
  currentContext: string;
  preferences?: Entry;
}

export class KubeconfigError extends CommandError {}

/** The name of kubesim's own kubeconfig in its home directory. */
export const OWN_KUBECONFIG = 'kubeconfig';
/** The extension a kubeconfig cluster carries to name its kubesim state. */
export const EXTENSION = 'kubesim';

export interface Selection {
  kubeconfig?: string;
  state?: string;
}

/** The files kubectl would read, in precedence order, and whether they came from --kubeconfig or kubesim's own. */
export function kubeconfigFiles(sel: Selection, env: NodeJS.ProcessEnv): { paths: string[]; explicit: boolean; own: boolean; home: string; basePath: string } {
  const basePath = resolveStatePath(sel.state, env);
  const home = dirname(basePath);
  if (sel.kubeconfig) return { paths: [sel.kubeconfig], explicit: true, own: false, home, basePath };
  const list = (env.KUBECONFIG ?? '').split(':').filter((p) => p !== '');
  if (list.length) return { paths: [...new Set(list)], explicit: false, own: false, home, basePath };
  return { paths: [join(home, OWN_KUBECONFIG)], explicit: false, own: true, home, basePath };
}

/** The cluster kubesim makes on first use, as kind names it: cluster, user and context "kind-kind". */
export function defaultEntries(name: string, stateRef: string): { cluster: Entry; user: Entry; context: Entry } {
  return {
    cluster: { server: `https://${name}-control-plane:6443`, extensions: [{ name: EXTENSION, extension: { state: stateRef } }] },
    user: {},
    context: { cluster: `kind-${name}`, user: `kind-${name}` },
  };
}

/** Reads and merges the kubeconfig. kubesim's own file, while it does not exist, holds the default cluster. */
export async function loadKubeconfig(sel: Selection, env: NodeJS.ProcessEnv): Promise<Kubeconfig> {
  const { paths, explicit, own, home, basePath } = kubeconfigFiles(sel, env);
  const files: KubeconfigFile[] = [];
  for (const path of paths) files.push({ path, doc: await readKubeconfigFile(path, home) });
  if (own && !files[0].doc) {
    const d = defaultEntries('kind', relativeRef(files[0].path, basePath));
    const origin = files[0].path;
    files[0].doc = {
      clusters: [{ name: 'kind-kind', body: d.cluster, origin }],
      users: [{ name: 'kind-kind', body: d.user, origin }],
      contexts: [{ name: 'kind-kind', body: d.context, origin }],
      currentContext: 'kind-kind',
    };
  }
  return merge(files, { explicit, own, home, basePath });
}

export function merge(files: KubeconfigFile[], rest: Pick<Kubeconfig, 'explicit' | 'own' | 'home' | 'basePath'>): Kubeconfig {
  const kc: Kubeconfig = { files, ...rest, clusters: new Map(), users: new Map(), contexts: new Map(), currentContext: '' };
  for (const f of files) {
    if (!f.doc) continue;
    for (const [k, list] of [['clusters', f.doc.clusters], ['users', f.doc.users], ['contexts', f.doc.contexts]] as const) {
      const m = kc[k];
      for (const e of list) if (!m.has(e.name)) m.set(e.name, e);
    }
    if (!kc.currentContext && f.doc.currentContext) kc.currentContext = f.doc.currentContext;
    if (!kc.preferences && f.doc.preferences && Object.keys(f.doc.preferences).length) kc.preferences = f.doc.preferences;
  }
  return kc;
}

/** A state path as the extension keeps it: relative to the kubeconfig's directory when it lies below it. */
export function relativeRef(kubeconfigPath: string, statePath: string): string {
  const rel = relative(dirname(resolve(kubeconfigPath)), statePath);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : statePath;
}

/** Where a kubesim cluster of this name keeps its state: the default one at the base path, others below home. */
export function statePathForName(name: string, home: string, basePath: string): string {
  if (name === 'kind') return basePath;
  return join(home, 'clusters', name.replace(/[^A-Za-z0-9._-]/g, '_'), 'state.json');
}

/** The state a kubeconfig cluster entry names: its kubesim extension, else one derived from its name. */
export function statePathOf(kc: Kubeconfig, cluster: Named): string {
  const exts = cluster.body.extensions;
  if (Array.isArray(exts)) {
    for (const x of exts) {
      const e = x as { name?: unknown; extension?: { state?: unknown } };
      if (e?.name === EXTENSION && typeof e.extension?.state === 'string' && e.extension.state !== '') {
        return resolve(dirname(resolve(cluster.origin)), e.extension.state);
      }
    }
  }
  const name = cluster.name.startsWith('kind-') ? cluster.name.slice(5) : cluster.name;
  return statePathForName(name, kc.home, kc.basePath);
}

// ---------------------------------------------------------------------------------------------------------
// Reading one file

const MAX_BYTES = 16 * 1024 * 1024;

interface CacheEntry {
  mtimeMs: number;
  ctimeMs: number;
  size: number;
  ino: number;
  doc: unknown;
}

function cachePath(home: string): string {
  return join(home, 'kubeconfig-cache.json');
}

function readCache(home: string): Record<string, CacheEntry> {
  try {
    const c = JSON.parse(readFileSync(cachePath(home), 'utf8')) as unknown;
    return c && typeof c === 'object' && !Array.isArray(c) ? (c as Record<string, CacheEntry>) : {};
  } catch {
    return {};
  }
}

/** Remembers a YAML file's decoded form, keyed by its identity and times, so the next command skips the parse. */
function writeCache(home: string, path: string, doc: unknown): void {
  try {
    const st = statSync(path);
    const cache = readCache(home);
    // Only the files in use lately: at most a handful.
    const keys = Object.keys(cache);
    if (keys.length > 16) for (const k of keys.slice(0, keys.length - 16)) delete cache[k];
    cache[resolve(path)] = { mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, size: st.size, ino: st.ino, doc };
    mkdirSync(home, { recursive: true });
    const tmp = `${cachePath(home)}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(cache));
    renameSync(tmp, cachePath(home));
  } catch {
    /* a cache that cannot be written only costs the next command a parse */
  }
}

function cached(home: string, path: string): unknown {
  const e = readCache(home)[resolve(path)];
  if (!e) return undefined;
  try {
    const st = statSync(path);
    if (st.mtimeMs === e.mtimeMs && st.ctimeMs === e.ctimeMs && st.size === e.size && st.ino === e.ino) return e.doc;
  } catch {
    /* gone: read it again */
  }
  return undefined;
}

/** One file decoded and checked as kubectl's loader checks it; undefined when it does not exist. */
export async function readKubeconfigFile(path: string, home: string): Promise<RawConfig | undefined> {
  const fail = (why: string) => new KubeconfigError(`error loading config file "${path}": ${why}`);
  const r = readRegularFile(path, MAX_BYTES);
  if ('error' in r) {
    if (r.error.code === 'ENOENT') return undefined;
    if (r.error.code === 'EISDIR') throw fail(`read ${path}: is a directory`);
    throw fail(`open ${path}: ${ioErrorText(r.error)}`);
  }
  if ('problem' in r) throw fail(r.problem === 'not-regular' ? `read ${path}: not a regular file` : `the file is larger than ${MAX_BYTES} bytes`);
  const text = r.data.toString('utf8');
  let doc: unknown;
  if (text.trim() === '') doc = {};
  else if (text.trimStart().startsWith('{')) {
    try {
      doc = JSON.parse(text);
    } catch {
      doc = undefined;
    }
  }
  if (doc === undefined) doc = cached(home, path);
  if (doc === undefined) {
    const { loadYaml, yamlToValue } = await import('../api/manifest.js');
    try {
      doc = yamlToValue(await loadYaml(), text);
    } catch (e) {
      throw fail((e as Error).message);
    }
    if (doc === null || doc === undefined) doc = {};
    const problem = checkConfig(doc);
    if (problem) throw fail(problem);
    writeCache(home, path, doc);
  }
  const problem = checkConfig(doc);
  if (problem) throw fail(problem);
  return decode(doc as Record<string, unknown>, path, fail);
}

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'number' ? 'number' : 'string';
}

const CLUSTER_FIELDS: Record<string, string> = {
  server: 'string', 'tls-server-name': 'string', 'insecure-skip-tls-verify': 'bool', 'certificate-authority': 'string',
  'certificate-authority-data': 'bytes', 'proxy-url': 'string', 'disable-compression': 'bool', extensions: 'extensions',
};
const USER_FIELDS: Record<string, string> = {
  'client-certificate': 'string', 'client-certificate-data': 'bytes', 'client-key': 'string', 'client-key-data': 'bytes',
  token: 'string', tokenFile: 'string', 'act-as': 'string', 'act-as-uid': 'string', 'act-as-groups': 'strings',
  'act-as-user-extra': 'object', username: 'string', password: 'string', 'auth-provider': 'object', exec: 'object', extensions: 'extensions',
};
const CONTEXT_FIELDS: Record<string, string> = { cluster: 'string', user: 'string', namespace: 'string', extensions: 'extensions' };
const SECTIONS = [
  { key: 'clusters', item: 'cluster', named: 'NamedCluster', type: 'Cluster', fields: CLUSTER_FIELDS },
  { key: 'users', item: 'user', named: 'NamedAuthInfo', type: 'AuthInfo', fields: USER_FIELDS },
  { key: 'contexts', item: 'context', named: 'NamedContext', type: 'Context', fields: CONTEXT_FIELDS },
] as const;

const GO_TYPES: Record<string, string> = { string: 'string', bool: 'bool', bytes: '[]uint8', strings: '[]string', object: 'map[string]interface {}', extensions: '[]v1.NamedExtension' };

/** encoding/json's first complaint about a decoded document, in its words; undefined when it fits. */
export function checkConfig(doc: unknown): string | undefined {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    return `couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonType(doc)} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`;
  }
  const d = doc as Record<string, unknown>;
  for (const f of ['apiVersion', 'kind'] as const) {
    if (d[f] !== undefined && d[f] !== null && typeof d[f] !== 'string') return `couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonType(d[f])} into Go struct field .${f} of type string`;
  }
  const kind = (d.kind as string) || 'Config';
  const version = (d.apiVersion as string) || 'v1';
  if (kind !== 'Config' || version !== 'v1') return `no kind "${kind}" is registered for version "${version}" in scheme "k8s.io/client-go/tools/clientcmd/api/latest/latest.go:50"`;
  const bad = (v: unknown, field: string, type: string) => `json: cannot unmarshal ${jsonType(v)} into Go struct field ${field} of type ${type}`;
  if (d['current-context'] != null && typeof d['current-context'] !== 'string') return bad(d['current-context'], 'Config.current-context', 'string');
  if (d.preferences != null && (typeof d.preferences !== 'object' || Array.isArray(d.preferences))) return bad(d.preferences, 'Config.preferences', 'v1.Preferences');
  for (const s of SECTIONS) {
    const list = d[s.key];
    if (list == null) continue;
    if (!Array.isArray(list)) return bad(list, `Config.${s.key}`, `[]v1.${s.named}`);
    const seen = new Set<string>();
    for (const x of list) {
      if (x == null) continue;
      if (typeof x !== 'object' || Array.isArray(x)) return bad(x, `Config.${s.key}`, `v1.${s.named}`);
      const e = x as Record<string, unknown>;
      if (e.name != null && typeof e.name !== 'string') return bad(e.name, `${s.named}.${s.key}.name`, 'string');
      const body = e[s.item];
      if (body != null && (typeof body !== 'object' || Array.isArray(body))) return bad(body, `${s.named}.${s.key}.${s.item}`, `v1.${s.type}`);
      for (const [k, v] of Object.entries((body ?? {}) as Record<string, unknown>)) {
        const t = s.fields[k];
        if (!t || v == null) continue;
        const field = `${s.type}.${s.key}.${s.item}.${k}`;
        const ok =
          t === 'string' || t === 'bytes' ? typeof v === 'string' : t === 'bool' ? typeof v === 'boolean' : t === 'object' ? typeof v === 'object' && !Array.isArray(v) : Array.isArray(v);
        if (!ok) return bad(v, field, GO_TYPES[t]);
        if (t === 'bytes') {
          const at = badBase64(v as string);
          if (at !== undefined) return `illegal base64 data at input byte ${at}`;
        }
        if (t === 'strings' && (v as unknown[]).some((i) => typeof i !== 'string')) return bad((v as unknown[]).find((i) => typeof i !== 'string'), field, 'string');
      }
      const name = (e.name as string | undefined) ?? '';
      if (seen.has(name)) return `error converting *[]${s.named} into *map[string]*api.${s.type}: duplicate name "${name}" in list`;
      seen.add(name);
    }
  }
  return undefined;
}

/** Where Go's base64.StdEncoding first fails on s, or undefined when it decodes. */
export function badBase64(s: string): number | undefined {
  const m = /^[A-Za-z0-9+/]*/.exec(s)![0].length;
  if (m === s.length) return s.length % 4 === 1 ? s.length - 1 : s.length % 4 === 0 ? undefined : s.length;
  if (/^=*$/.test(s.slice(m)) && (m + s.slice(m).length) % 4 === 0 && s.length - m <= 2 && m % 4 !== 1) return undefined;
  return m;
}

function decode(d: Record<string, unknown>, origin: string, _fail: (why: string) => Error): RawConfig {
  const out: RawConfig = { clusters: [], users: [], contexts: [], currentContext: (d['current-context'] as string) ?? '' };
  if (d.preferences && typeof d.preferences === 'object') out.preferences = d.preferences as Entry;
  if (Array.isArray(d.extensions)) out.extensions = d.extensions;
  for (const s of SECTIONS) {
    for (const x of (d[s.key] as unknown[] | null) ?? []) {
      if (x == null) continue;
      const e = x as Record<string, unknown>;
      const body: Entry = {};
      for (const [k, v] of Object.entries((e[s.item] ?? {}) as Record<string, unknown>)) {
        // kubectl decodes into its structs: unknown keys, nulls and Go's zero values are dropped.
        if (!(k in s.fields) || v == null || v === '' || v === false || (Array.isArray(v) && v.length === 0)) continue;
        body[k] = v;
      }
      out[s.key].push({ name: (e.name as string) ?? '', body, origin });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Writing

/** Field orders of kubectl's v1 types (the order -o json prints them in). */
const ORDER = { cluster: Object.keys(CLUSTER_FIELDS), user: Object.keys(USER_FIELDS), context: Object.keys(CONTEXT_FIELDS) };

function ordered(body: Entry, order: string[], always: string[] = []): Entry {
  const out: Entry = {};
  for (const k of order) {
    if (body[k] !== undefined) out[k] = body[k];
    else if (always.includes(k)) out[k] = '';
  }
  return out;
}

const byName = (a: Named, b: Named) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** A config as kubectl's v1 Config struct encodes it: entries sorted by name, fields in struct order. */
export function v1Config(c: { clusters: Named[]; users: Named[]; contexts: Named[]; currentContext: string; preferences?: Entry; extensions?: unknown[] }): Record<string, unknown> {
  const list = <T>(xs: T[]) => (xs.length ? xs : null);
  const out: Record<string, unknown> = {
    kind: 'Config',
    apiVersion: 'v1',
    preferences: c.preferences ?? {},
    clusters: list([...c.clusters].sort(byName).map((e) => ({ name: e.name, cluster: ordered(e.body, ORDER.cluster, ['server']) }))),
    users: list([...c.users].sort(byName).map((e) => ({ name: e.name, user: ordered(e.body, ORDER.user) }))),
    contexts: list([...c.contexts].sort(byName).map((e) => ({ name: e.name, context: ordered(e.body, ORDER.context, ['cluster', 'user']) }))),
    'current-context': c.currentContext,
  };
  if (c.extensions?.length) out.extensions = c.extensions;
  return out;
}

/** The user's own kubeconfig, which kubesim changes only when --kubeconfig names it. */
export function isUsersKubeconfig(path: string, env: NodeJS.ProcessEnv): boolean {
  return resolve(path) === join(env.HOME || homedir(), '.kube', 'config');
}

/** Writes one file of the list back (kubectl rewrites the whole file in its own layout); refreshes the cache. */
export async function writeKubeconfigFile(kc: Kubeconfig, file: KubeconfigFile, env: NodeJS.ProcessEnv): Promise<void> {
  if (!kc.explicit && isUsersKubeconfig(file.path, env)) {
    throw new KubeconfigError(`kubesim leaves "${file.path}" unchanged unless --kubeconfig names it; pass --kubeconfig ${file.path} to change it`);
  }
  const doc = v1Config(file.doc ?? { clusters: [], users: [], contexts: [], currentContext: '' });
  const { goYAML } = await import('../printers/yaml.js');
  const text = goYAML(doc);
  try {
    mkdirSync(dirname(resolve(file.path)), { recursive: true });
    const tmp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, file.path);
  } catch (e) {
    throw new KubeconfigError(`error writing config file "${file.path}": ${ioErrorText(e)}`);
  }
  writeCache(kc.home, file.path, JSON.parse(JSON.stringify(doc)));
}

/** kubectl's destination for a new entry: --kubeconfig, else the only or first existing $KUBECONFIG file, else the last. */
export function defaultFile(kc: Kubeconfig): KubeconfigFile {
  if (kc.files.length === 1) return kc.files[0];
  return kc.files.find((f) => f.doc) ?? kc.files[kc.files.length - 1];
}

/** The file an entry lives in (for a change), or the default file for a new one. */
export function fileOf(kc: Kubeconfig, origin: string | undefined): KubeconfigFile {
  const f = origin === undefined ? undefined : kc.files.find((x) => x.path === origin);
  const out = f ?? defaultFile(kc);
  out.doc ??= { clusters: [], users: [], contexts: [], currentContext: '' };
  return out;
}

/**
 * Where current-context is written (clientcmd's writeCurrentContext): --kubeconfig; a name goes to the default
 * file; clearing it goes to the first file that sets one.
 */
export function currentContextFile(kc: Kubeconfig, value = 'set'): KubeconfigFile {
  if (kc.explicit) return fileOf(kc, kc.files[0].path);
  if (value !== '') return fileOf(kc, undefined);
  return fileOf(kc, kc.files.find((f) => f.doc?.currentContext)?.path);
}

/** Preferences are written to --kubeconfig, else the first file of the list whose preferences differ. */
export function preferencesFile(kc: Kubeconfig, prefs: Entry): KubeconfigFile {
  const key = canonical(prefs);
  const f = kc.explicit ? kc.files[0] : (kc.files.find((x) => canonical(x.doc?.preferences ?? {}) !== key) ?? kc.files[0]);
  return fileOf(kc, f.path);
}

/** An entry's body as a comparable string: keys sorted at every level, Go's zero values left out. */
export function canonical(v: unknown): string {
  const norm = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(norm);
    if (x && typeof x === 'object') {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(x).sort()) {
        const y = (x as Record<string, unknown>)[k];
        if (y === undefined || y === null || y === '' || y === false || (Array.isArray(y) && !y.length)) continue;
        out[k] = norm(y);
      }
      return out;
    }
    return x;
  };
  return JSON.stringify(norm(v));
}

/** Sets or removes an entry in its file (the merged view is updated too). */
export function putEntry(kc: Kubeconfig, section: 'clusters' | 'users' | 'contexts', name: string, body: Entry | undefined): KubeconfigFile {
  const old = kc[section].get(name);
  const file = fileOf(kc, old?.origin);
  const list = file.doc![section];
  const i = list.findIndex((e) => e.name === name);
  if (body === undefined) {
    if (i >= 0) list.splice(i, 1);
    kc[section].delete(name);
  } else {
    const e: Named = { name, body, origin: file.path };
    if (i >= 0) list[i] = e;
    else list.push(e);
    kc[section].set(name, e);
  }
  return file;
}
