// `config set`, `config unset`, `config set-cluster` and `config set-credentials`: kubectl's commands that change
// single values of the kubeconfig. `set`/`unset` walk a dotted property path over the shape of kubectl's
// in-memory Config (a map's key runs up to the next part that names a field of its value, so keys may hold dots);
// every command then writes what changed back as clientcmd's ModifyConfig does: an entry to the file it came from
// (a new one to the default file), current-context and preferences by their own rules. Errors are kubectl's words
// (docs/config-contexts-facts.md).
import { statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { CommandError } from '../api/errors.js';
import {
  badBase64,
  canonical,
  currentContextFile,
  preferencesFile,
  putEntry,
  writeKubeconfigFile,
  type Entry,
  type Kubeconfig,
  type KubeconfigFile,
} from '../store/kubeconfig.js';
import { readRegularFile } from '../util/files.js';
import type { CliIO } from './io.js';

// ---------------------------------------------------------------------------------------------------------
// The shape `set` and `unset` walk: kubectl's internal clientcmd types, by their JSON names.

type Type =
  | { k: 'string' | 'bool' | 'bytes' | 'strings' | 'ptr' | 'other'; go: string }
  | { k: 'struct'; go: string; fields: Record<string, Type> }
  | { k: 'map'; go: string; value: Type; values: 'pointer' | 'strings' };

const S = { k: 'string', go: 'string' } as const;
const B = { k: 'bool', go: 'bool' } as const;
const BYTES = { k: 'bytes', go: '[]uint8' } as const;
/** Extensions hold runtime.Object values: kubectl cannot walk into them (it stops with a Go panic). */
const EXTENSIONS: Type = { k: 'map', go: 'map[string]runtime.Object', value: { k: 'other', go: 'runtime.Object' }, values: 'pointer' };

const CLUSTER: Type = {
  k: 'struct',
  go: 'api.Cluster',
  fields: { server: S, 'tls-server-name': S, 'insecure-skip-tls-verify': B, 'certificate-authority': S, 'certificate-authority-data': BYTES, 'proxy-url': S, 'disable-compression': B, extensions: EXTENSIONS },
};
const USER: Type = {
  k: 'struct',
  go: 'api.AuthInfo',
  fields: {
    'client-certificate': S, 'client-certificate-data': BYTES, 'client-key': S, 'client-key-data': BYTES, token: S, tokenFile: S,
    'act-as': S, 'act-as-uid': S, 'act-as-groups': { k: 'strings', go: '[]string' },
    'act-as-user-extra': { k: 'map', go: 'map[string][]string', value: S, values: 'strings' },
    username: S, password: S, 'auth-provider': { k: 'ptr', go: '*api.AuthProviderConfig' }, exec: { k: 'ptr', go: '*api.ExecConfig' }, extensions: EXTENSIONS,
  },
};
const CONTEXT: Type = { k: 'struct', go: 'api.Context', fields: { cluster: S, user: S, namespace: S, extensions: EXTENSIONS } };
const PREFERENCES: Type = { k: 'struct', go: 'api.Preferences', fields: { colors: B, extensions: EXTENSIONS } };
const CONFIG: Type = {
  k: 'struct',
  go: 'api.Config',
  fields: {
    kind: S, apiVersion: S, preferences: PREFERENCES,
    clusters: { k: 'map', go: 'map[string]*api.Cluster', value: CLUSTER, values: 'pointer' },
    users: { k: 'map', go: 'map[string]*api.AuthInfo', value: USER, values: 'pointer' },
    contexts: { k: 'map', go: 'map[string]*api.Context', value: CONTEXT, values: 'pointer' },
    'current-context': S, extensions: EXTENSIONS,
  },
};

interface Step {
  value: string;
  type: Type;
}

/** Where kubectl's own code panics (maps of runtime.Object, nil pointers): kubesim refuses in kubectl's words. */
const cannotParse = (path: string) => new CommandError(`unable to parse one or more field values of ${path}`);

/** kubectl's newNavigationSteps: the path cut into field names and map keys. */
function navigationSteps(path: string): Step[] {
  const parts = path.split('.');
  const steps: Step[] = [];
  let t: Type = CONFIG;
  let i = 0;
  while (i < parts.length) {
    if (t.k === 'map') {
      const value: Type = t.value;
      if (value.k === 'other') throw cannotParse(path);
      if (value.k !== 'struct') throw new CommandError(`${value.go} is not of type struct`);
      // The key runs up to the next part that names a field of the value (or to the end).
      const fieldAt = parts.slice(i + 1).findIndex((p) => Object.prototype.hasOwnProperty.call(value.fields, p));
      const n = fieldAt < 0 ? parts.length - i : fieldAt + 1;
      steps.push({ value: parts.slice(i, i + n).join('.'), type: value });
      i += n;
      t = value;
    } else if (t.k === 'struct') {
      const f = Object.prototype.hasOwnProperty.call(t.fields, parts[i]) ? t.fields[parts[i]] : undefined;
      // Go prints each step's reflect.Type inside the struct as a pointer: kubesim's addresses are made up, but stable.
      if (!f) throw new CommandError(`unable to parse ${path} after [${steps.map((s, n) => `{${s.value} 0x${(0x203acc0 + n * 0x1a0).toString(16)}}`).join(' ')}] at ${t.go}`);
      steps.push({ value: parts[i], type: f });
      i++;
      t = f;
    } else throw cannotParse(path);
  }
  return steps;
}

/** The merged config as values `set` and `unset` change: structs are plain objects without Go's zero values. */
interface Model {
  [k: string]: unknown;
  preferences: Entry;
  clusters: Map<string, Entry>;
  users: Map<string, Entry>;
  contexts: Map<string, Entry>;
  'current-context': string;
}

function modelOf(kc: Kubeconfig): Model {
  const copy = (m: Map<string, { body: Entry }>) => new Map([...m].map(([k, v]) => [k, structuredClone(v.body)]));
  return {
    kind: '',
    apiVersion: '',
    preferences: structuredClone(kc.preferences ?? {}),
    clusters: copy(kc.clusters),
    users: copy(kc.users),
    contexts: copy(kc.contexts),
    'current-context': kc.currentContext,
    extensions: [],
  };
}

/** Marks a struct that kubectl sees as changed although its content is not (see modify). */
const REWRITE = Symbol('rewrite');
const rewritten = (v: unknown) => !!(v && typeof v === 'object' && (v as Record<symbol, unknown>)[REWRITE]);

/** A map as Go's %v prints it: keys sorted; pointer values as addresses (kubesim's are made up, but stable). */
function goMap(keys: string[], values: 'pointer' | 'strings', get: (k: string) => unknown): string {
  return `map[${[...keys]
    .sort()
    .map((k, i) => `${k}:${values === 'pointer' ? `0xc${(0x10000 + i * 0x80).toString(16).padStart(9, '0')}` : `[${((get(k) as string[]) ?? []).join(' ')}]`}`)
    .join(' ')}]`;
}

/** A struct field: read, and written with Go's zero value meaning "absent". */
function field(obj: Record<string, unknown>, name: string) {
  return {
    get: () => obj[name],
    set: (v: unknown) => {
      if (v === undefined || v === '' || v === false) delete obj[name];
      else obj[name] = v;
    },
  };
}

/** kubectl's modifyConfig: sets (or, with unset, clears) the value the steps lead to. */
function modify(slot: { get(): unknown; set(v: unknown): void }, t: Type, steps: Step[], value: string, unset: boolean, rawBytes: boolean, path: string): void {
  const step = steps.shift();
  const more = steps.length > 0;
  switch (t.k) {
    case 'map': {
      const keys = mapKeys(slot.get());
      if (!more && !unset) throw new CommandError(`can't set a map to a value: ${goMap(keys, t.values, (k) => (slot.get() as Record<string, unknown>)?.[k])}`);
      if (t.value.k !== 'struct' || !(slot.get() instanceof Map)) {
        // Only the entries' maps can be walked into (the parser stops at the others); unsetting one empties it.
        if (!more && unset) slot.set(undefined);
        else throw cannotParse(path);
        return;
      }
      const m = slot.get() as Map<string, Entry>;
      const key = step?.value ?? '';
      if (!more) {
        m.delete(key);
        return;
      }
      if (!m.has(key)) {
        if (unset) throw new CommandError(`current map key \`${key}\` is invalid`);
        m.set(key, {});
      }
      const entry = m.get(key)!;
      modify({ get: () => entry, set: () => undefined }, t.value, steps, value, unset, rawBytes, path);
      return;
    }
    case 'struct': {
      const obj = slot.get() as Record<string, unknown>;
      const name = step?.value ?? '';
      const f = t.fields[name];
      const s = field(obj, name);
      if (!more && unset) {
        if (f.k === 'map' && obj[name] instanceof Map) (obj[name] as Map<string, unknown>).clear();
        else if (f.k === 'struct') obj[name] = { [REWRITE]: true };
        else s.set(undefined);
        // kubectl's unset leaves an empty map where there was none (or none where there was one): the entry
        // then differs from the file's and is written again, unchanged in content.
        if (f.k === 'map') (obj as Record<symbol, unknown>)[REWRITE] = true;
        return;
      }
      if (f.k === 'struct') {
        obj[name] ??= {};
        modify({ get: () => obj[name], set: () => undefined }, f, steps, value, unset, rawBytes, path);
        return;
      }
      modify(s, f, steps, value, unset, rawBytes, path);
      return;
    }
    case 'string':
      slot.set(value);
      return;
    case 'bool':
      if (value !== '' && !['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) {
        throw new CommandError(`strconv.ParseBool: parsing ${JSON.stringify(value)}: invalid syntax`);
      }
      slot.set(['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value));
      return;
    case 'bytes': {
      if (rawBytes) {
        slot.set(Buffer.from(value, 'utf8').toString('base64'));
        return;
      }
      const at = badBase64(value);
      if (at !== undefined) throw new CommandError(`error decoding input value: illegal base64 data at input byte ${at}`);
      slot.set(Buffer.from(value, 'base64').toString('base64'));
      return;
    }
    case 'strings':
      throw new CommandError('unrecognized slice type. string');
    default:
      throw cannotParse(path);
  }
}

function mapKeys(v: unknown): string[] {
  if (v instanceof Map) return [...v.keys()];
  if (Array.isArray(v)) return v.map((x) => String((x as { name?: unknown })?.name ?? ''));
  if (v && typeof v === 'object') return Object.keys(v);
  return [];
}

/** clientcmd's ModifyConfig: writes to the kubeconfig files what differs between the loaded config and `next`. */
async function modifyConfig(kc: Kubeconfig, next: Model, io: CliIO, fix?: (file: KubeconfigFile, body: Entry) => Entry): Promise<void> {
  const touched = new Set<KubeconfigFile>();
  const current = next['current-context'] ?? '';
  if (current !== kc.currentContext) {
    const f = currentContextFile(kc, current);
    f.doc!.currentContext = current;
    touched.add(f);
  }
  if (rewritten(next.preferences) || canonical(next.preferences) !== canonical(kc.preferences ?? {})) {
    const f = preferencesFile(kc, next.preferences);
    f.doc!.preferences = next.preferences;
    touched.add(f);
  }
  for (const section of ['clusters', 'users', 'contexts'] as const) {
    for (const [name, body] of next[section]) {
      const old = kc[section].get(name);
      if (old && !rewritten(body) && canonical(old.body) === canonical(body)) continue;
      const f = putEntry(kc, section, name, body);
      if (fix) {
        const e = f.doc![section].find((x) => x.name === name)!;
        e.body = fix(f, body);
      }
      touched.add(f);
    }
    for (const name of [...kc[section].keys()]) if (!next[section].has(name)) touched.add(putEntry(kc, section, name, undefined));
  }
  for (const f of touched) await writeKubeconfigFile(kc, f, io.env);
}

export async function setProperty(kc: Kubeconfig, name: string, value: string, rawBytes: boolean, io: CliIO): Promise<void> {
  if (value === '') throw new CommandError('you cannot use set to unset a property');
  if (name === '') throw new CommandError('you must specify a property');
  const model = modelOf(kc);
  modify({ get: () => model, set: () => undefined }, CONFIG, navigationSteps(name), value, false, rawBytes, name);
  await modifyConfig(kc, model, io);
  io.stdout.write(`Property ${JSON.stringify(name)} set.\n`);
}

export async function unsetProperty(kc: Kubeconfig, name: string, io: CliIO): Promise<void> {
  if (name === '') throw new CommandError('you must specify a property');
  const model = modelOf(kc);
  modify({ get: () => model, set: () => undefined }, CONFIG, navigationSteps(name), '', true, true, name);
  await modifyConfig(kc, model, io);
  io.stdout.write(`Property ${JSON.stringify(name)} unset.\n`);
}

// ---------------------------------------------------------------------------------------------------------
// set-cluster and set-credentials

/** What the command line gave: a flag's value, and whether it was given at all (pflag's Provided). */
export interface Given {
  has(flag: string): boolean;
  str(flag: string): string;
  bool(flag: string): boolean;
  list(flag: string): string[] | undefined;
}

/** kubectl's file flags: made absolute from the working directory (filepath.Abs). */
const abs = (p: string) => (p === '' ? '' : resolve(p));

/** clientcmd's RelativizePathWithNoBacksteps: an absolute path below the kubeconfig's directory becomes relative to it. */
function relativize(file: KubeconfigFile, body: Entry, keys: string[]): Entry {
  const out = { ...body };
  const base = dirname(resolve(file.path));
  for (const k of keys) {
    const p = out[k];
    if (typeof p !== 'string' || !isAbsolute(p)) continue;
    const rel = relative(base, p);
    if (!rel.startsWith('../') && rel !== '..') out[k] = rel || '.';
  }
  return out;
}

function statError(flag: string, path: string): string | undefined {
  try {
    statSync(path);
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : code === 'ENOTDIR' ? 'not a directory' : 'cannot stat';
    return `could not stat ${flag} file ${path}: stat ${path}: ${why}`;
  }
}

/** A file's bytes for --embed-certs, base64 as the kubeconfig keeps them (unreadable: empty, as kubectl ignores the error). */
function embed(path: string): string | undefined {
  const r = readRegularFile(path, 16 * 1024 * 1024);
  if (!('data' in r)) return undefined;
  return r.data.length ? r.data.toString('base64') : undefined;
}

export async function setCluster(kc: Kubeconfig, name: string, g: Given, io: CliIO): Promise<void> {
  if (name === '') throw new CommandError('you must specify a non-empty cluster name');
  const ca = g.str('certificate-authority');
  if (g.bool('insecure-skip-tls-verify') && ca !== '') throw new CommandError('you cannot specify a certificate authority and insecure mode at the same time');
  if (g.bool('embed-certs')) {
    if (ca === '') throw new CommandError('you must specify a --certificate-authority to embed');
    const bad = statError('certificate-authority', ca);
    if (bad) throw new CommandError(bad);
  }
  const model = modelOf(kc);
  const c: Entry = { ...(model.clusters.get(name) ?? {}) };
  const set = (k: string, v: unknown) => field(c, k).set(v);
  if (g.has('server')) {
    set('server', g.str('server'));
    // A new server forgets the old TLS server name (a given --tls-server-name sets it again below).
    set('tls-server-name', undefined);
  }
  if (g.has('tls-server-name')) set('tls-server-name', g.str('tls-server-name'));
  // Observed with kubectl v1.32: the entry takes the flag's value whether or not it was given.
  set('insecure-skip-tls-verify', g.bool('insecure-skip-tls-verify'));
  if (g.bool('insecure-skip-tls-verify')) {
    set('certificate-authority', undefined);
    set('certificate-authority-data', undefined);
  }
  if (g.has('certificate-authority')) {
    if (g.bool('embed-certs')) {
      set('certificate-authority-data', embed(ca));
      set('insecure-skip-tls-verify', false);
      set('certificate-authority', undefined);
    } else {
      set('certificate-authority', abs(ca));
      if (ca !== '') {
        set('insecure-skip-tls-verify', false);
        set('certificate-authority-data', undefined);
      }
    }
  }
  if (g.has('proxy-url')) set('proxy-url', g.str('proxy-url'));
  model.clusters.set(name, c);
  await modifyConfig(kc, model, io, (f, body) => relativize(f, body, ['certificate-authority']));
  io.stdout.write(`Cluster ${JSON.stringify(name)} set.\n`);
}

/** kubectl's ParsePairs: key=value pairs, and key- to remove one. */
function pairs(list: string[], what: string): { set: [string, string][]; remove: string[] } {
  const set: [string, string][] = [];
  const remove: string[] = [];
  const bad: string[] = [];
  for (const a of list) {
    const eq = a.indexOf('=');
    if (eq >= 0) {
      if (eq === 0) bad.push(a);
      else set.push([a.slice(0, eq), a.slice(eq + 1)]);
    } else if (a.endsWith('-')) remove.push(a.slice(0, -1));
    else bad.push(a);
  }
  if (bad.length) throw new CommandError(`invalid ${what} format: ${bad.join(', ')}`);
  return { set, remove };
}

/** Parses the pair flags first (kubectl's complete step, which shows the help with its error). */
export function credentialPairs(g: Given): { provider: ReturnType<typeof pairs>; env: ReturnType<typeof pairs> } {
  return { provider: pairs(g.list('auth-provider-arg') ?? [], 'auth-provider-arg'), env: pairs(g.list('exec-env') ?? [], 'exec-env') };
}

export async function setCredentials(kc: Kubeconfig, name: string, g: Given, parsed: ReturnType<typeof credentialPairs>, io: CliIO): Promise<void> {
  if (name === '') throw new CommandError('you must specify a non-empty user name');
  const methods: string[] = [];
  if (g.str('token') !== '') methods.push('--token');
  if (g.str('username') !== '' || g.str('password') !== '') methods.push('--username/--password');
  if (methods.length > 1) throw new CommandError(`you cannot specify more than one authentication method at the same time: ${methods.join(', ')}`);
  const embedCerts = g.bool('embed-certs');
  if (embedCerts) {
    const cert = g.str('client-certificate');
    const key = g.str('client-key');
    if (cert === '' && key === '') throw new CommandError('you must specify a --client-certificate or --client-key to embed');
    for (const [flag, p] of [['client-certificate', cert], ['client-key', key]] as const) {
      const bad = p === '' ? undefined : statError(flag, p);
      if (bad) throw new CommandError(bad);
    }
  }
  if (g.has('exec-interactive-mode') && !['IfAvailable', 'Never', 'Always'].includes(g.str('exec-interactive-mode'))) {
    throw new CommandError('invalid interactive mode type, can be only IfAvailable, Never, Always');
  }
  const model = modelOf(kc);
  const u: Entry = structuredClone(model.users.get(name) ?? {});
  const set = (k: string, v: unknown) => field(u, k).set(v);
  for (const [flag, data] of [['client-certificate', 'client-certificate-data'], ['client-key', 'client-key-data']] as const) {
    if (!g.has(flag)) continue;
    if (embedCerts) {
      set(data, embed(g.str(flag)));
      set(flag, undefined);
    } else {
      set(flag, abs(g.str(flag)));
      if (g.str(flag) !== '') set(data, undefined);
    }
  }
  let setToken = false;
  let setBasic = false;
  if (g.has('token')) {
    set('token', g.str('token'));
    setToken = g.str('token') !== '';
  }
  for (const f of ['username', 'password']) {
    if (!g.has(f)) continue;
    set(f, g.str(f));
    setBasic ||= g.str(f) !== '';
  }
  if (g.has('auth-provider')) {
    const old = u['auth-provider'] as { name?: string } | undefined;
    if (!old || old.name !== g.str('auth-provider')) u['auth-provider'] = { name: g.str('auth-provider') };
  }
  const provider = u['auth-provider'] as { name?: string; config?: Record<string, string> } | undefined;
  if (provider) {
    const config = { ...(provider.config ?? {}) };
    for (const k of parsed.provider.remove) delete config[k];
    for (const [k, v] of parsed.provider.set) config[k] = v;
    u['auth-provider'] = { ...provider, config };
  }
  if (g.has('exec-command')) {
    // Observed with kubectl v1.32: another command keeps the plugin's other settings but not its arguments.
    const old = u.exec as Record<string, unknown> | undefined;
    if (!old) u.exec = { command: g.str('exec-command') };
    else if (old.command !== g.str('exec-command')) u.exec = { ...old, command: g.str('exec-command'), args: null };
  }
  // The other exec flags change an exec plugin that exists; without one they are ignored, as kubectl ignores them.
  const exec = u.exec as Record<string, unknown> | undefined;
  if (exec) {
    const x = { ...exec };
    if (g.has('exec-api-version')) x.apiVersion = g.str('exec-api-version');
    const args = g.list('exec-arg');
    if (args !== undefined) x.args = args;
    if (g.has('exec-interactive-mode')) x.interactiveMode = g.str('exec-interactive-mode');
    if (g.has('exec-provide-cluster-info')) x.provideClusterInfo = g.bool('exec-provide-cluster-info');
    let env = Array.isArray(x.env) ? (x.env as { name: string; value: string }[]).map((e) => ({ ...e })) : [];
    if (parsed.env.remove.length) env = env.filter((e) => !parsed.env.remove.includes(e.name));
    for (const [k, v] of parsed.env.set) {
      const e = env.find((y) => y.name === k);
      if (e) e.value = v;
      else env.push({ name: k, value: v });
    }
    x.env = env.length ? env : undefined;
    u.exec = execLayout(x);
  }
  // Setting a token clears basic auth, and setting basic auth clears the token.
  if (setToken || setBasic) {
    if (!setToken) set('token', undefined);
    if (!setBasic) {
      set('username', undefined);
      set('password', undefined);
    }
  }
  model.users.set(name, u);
  await modifyConfig(kc, model, io, (f, body) => relativize(f, body, ['client-certificate', 'client-key', 'tokenFile']));
  io.stdout.write(`User ${JSON.stringify(name)} set.\n`);
}

/** An exec plugin as kubectl's v1 type writes it: command, args, env and provideClusterInfo always, the rest when set. */
function execLayout(x: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { command: x.command ?? '', args: Array.isArray(x.args) && x.args.length ? x.args : null };
  out.env = Array.isArray(x.env) && x.env.length ? x.env : null;
  if (x.apiVersion) out.apiVersion = x.apiVersion;
  if (x.installHint) out.installHint = x.installHint;
  out.provideClusterInfo = x.provideClusterInfo === true;
  if (x.interactiveMode) out.interactiveMode = x.interactiveMode;
  return out;
}
