// configMapGenerator and secretGenerator: ConfigMaps and Secrets from literals, files and env files, with
// the options (labels, annotations, immutable, no hash) of the generator and of generatorOptions.
import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { ioErrorText } from '../util/files.js';
import { isMap, KustomizeError, newRes, type Obj, type Res } from './resources.js';

export interface GeneratorOptions {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  disableNameSuffixHash?: boolean;
  immutable?: boolean;
}

export interface GeneratorArgs {
  name?: string;
  namespace?: string;
  behavior?: string;
  literals?: string[];
  files?: string[];
  envs?: string[];
  env?: string;
  type?: string;
  options?: GeneratorOptions;
}

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

function stringList(v: unknown, what: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new KustomizeError(`invalid Kustomization: json: ${what} must be a list of strings`);
  return v as string[];
}

/** A literal's value loses one pair of matching surrounding quotes. */
function unquote(s: string): string {
  if (s.length < 2 || s[0] !== s[s.length - 1]) return s;
  return s[0] === '"' || s[0] === "'" ? s.slice(1, -1) : s;
}

/** A generator's file, with kustomize's "loading KV pairs" wording when it cannot be read. */
function readSource(read: (path: string) => string, path: string, what: string): string {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new KustomizeError(`loading KV pairs: ${what}: evalsymlink failure on '${path}' : lstat ${path}: ${ioErrorText(e)}`);
  }
  if (st.isDirectory()) throw new KustomizeError(`loading KV pairs: ${what}: read ${path}: is a directory`);
  return read(path);
}

export function generate(kind: 'ConfigMap' | 'Secret', g: GeneratorArgs, global: GeneratorOptions, dir: string, read: (path: string) => string): Res {
  if (typeof g.name !== 'string' || g.name === '') throw new KustomizeError(`a ${kind === 'ConfigMap' ? 'configmap' : 'secret'} generator needs a name`);
  const opts: GeneratorOptions = isMap(g.options) ? (g.options as GeneratorOptions) : {};
  const entries = new Map<string, string>();
  const add = (key: string, value: string): void => {
    if (!CONFIG_KEY.test(key)) throw new KustomizeError(`configmap keys must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+'): ${JSON.stringify(key)}`);
    if (entries.has(key)) throw new KustomizeError(`configmap ${g.name} illegally repeats the key \`${key}\``);
    entries.set(key, value);
  };
  const literals = stringList(g.literals, 'literals');
  for (const lit of literals) {
    const eq = lit.indexOf('=');
    if (eq <= 0) throw new KustomizeError(`loading KV pairs: literal sources [${literals.join(' ')}]: invalid literal source ${lit}, expected key=value`);
    add(lit.slice(0, eq), unquote(lit.slice(eq + 1)));
  }
  const files = stringList(g.files, 'files');
  for (const spec of files) {
    const eq = spec.indexOf('=');
    const [key, path] = eq < 0 ? [basename(spec), spec] : [spec.slice(0, eq), spec.slice(eq + 1)];
    if (key === '' || path === '') throw new KustomizeError(`loading KV pairs: file sources: [${files.join(' ')}]: key or file path is missing in ${JSON.stringify(spec)}`);
    add(key, readSource(read, resolve(dir, path), `file sources: [${files.join(' ')}]`));
  }
  const envFiles = [...stringList(g.envs, 'envs'), ...(typeof g.env === 'string' && g.env ? [g.env] : [])];
  for (const path of envFiles) {
    const text = readSource(read, resolve(dir, path), `env source files: [${envFiles.join(' ')}]`);
    for (const raw of text.replace(/^\uFEFF/, '').split('\n')) {
      const line = raw.replace(/\r$/, '').replace(/^\s+/, '');
      if (line === '' || line.startsWith('#')) continue;
      const eq = line.indexOf('=');
      const key = eq < 0 ? line : line.slice(0, eq);
      if (!ENV_NAME.test(key)) throw new KustomizeError(`${JSON.stringify(key)} is not a valid key name: a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')`);
      // A line without '=' would take kustomize's own environment; kubesim's stays out of the output.
      add(key, eq < 0 ? '' : line.slice(eq + 1));
    }
  }

  const metadata: Obj = { name: g.name };
  if (typeof g.namespace === 'string' && g.namespace) metadata.namespace = g.namespace;
  const labels = { ...(global.labels ?? {}), ...(opts.labels ?? {}) };
  const annotations = { ...(global.annotations ?? {}), ...(opts.annotations ?? {}) };
  if (Object.keys(labels).length) metadata.labels = labels;
  if (Object.keys(annotations).length) metadata.annotations = annotations;
  const obj: Obj = { apiVersion: 'v1', kind, metadata };
  const keys = [...entries.keys()].sort();
  if (kind === 'Secret') {
    obj.data = Object.fromEntries(keys.map((k) => [k, Buffer.from(entries.get(k)!, 'utf8').toString('base64')]));
    obj.type = typeof g.type === 'string' && g.type ? g.type : 'Opaque';
  } else if (keys.length) {
    obj.data = Object.fromEntries(keys.map((k) => [k, entries.get(k)!]));
  }
  if (global.immutable || opts.immutable) obj.immutable = true;
  const r = newRes(obj);
  r.hashed = !(global.disableNameSuffixHash || opts.disableNameSuffixHash);
  return r;
}
