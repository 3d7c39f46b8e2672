// `kubesim set env|resources|serviceaccount|selector`: kubectl's client-side read-change-write of a pod template
// (or a Service's selector), with its lines, warnings and errors. The write goes through the API server, so a
// Deployment's controller rolls the change out as a new ReplicaSet.
import { CommandError, notFound } from '../api/errors.js';
import { matches, parseSelector } from '../api/labels.js';
import { parseQuantity } from '../api/quantity.js';
import { findResource, qualifiedKind, qualifiedResource, type ResourceInfo } from '../api/resources.js';
import type { Container, KubeObject, PodTemplateSpec } from '../api/types.js';
import { QUANTITY_FORMAT_ERROR } from '../api/decode.js';
import { canonicalQuantity } from '../api/quantity.js';
import { getObject, listObjects } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';
import { readTextFile } from '../util/files.js';
import { parseTargets } from '../cluster/rollouts.js';
import type { CliIO } from './io.js';
import { Session } from './session.js';

type Obj = Record<string, unknown>;
type PodSpec = NonNullable<PodTemplateSpec['spec']>;
type Env = NonNullable<Container['env']>[number];
export type DryRun = 'none' | 'client' | 'server';

const NO_RESOURCES =
  "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

/** The printer for -o (json, yaml, name, jsonpath…), checked before anything is read; undefined for the line. */
export async function printerFor(output: string | undefined, allowMissing: unknown): Promise<((o: KubeObject) => string) | 'name' | undefined> {
  if (!output) return undefined;
  if (output === 'name') return 'name';
  const eq = output.indexOf('=');
  const format = eq < 0 ? output : output.slice(0, eq);
  const { structuredPrinter } = await import('../printers/get.js');
  const allow = allowMissing === undefined ? true : !['false', 'False', 'FALSE', 'f', 'F', '0'].includes(String(allowMissing));
  const p = ['json', 'yaml', 'jsonpath', 'jsonpath-as-json', 'jsonpath-file'].includes(format)
    ? await structuredPrinter(format, eq < 0 ? '' : output.slice(eq + 1), { readFile: (f) => readTextFile(f, 1 << 20), allowMissingTemplateKeys: allow })
    : undefined;
  if (!p) {
    throw new CommandError(`unable to match a printer suitable for the output format "${output}", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml`);
  }
  return p as (o: KubeObject) => string;
}

export interface Selection {
  args: string[];
  all?: boolean;
  selector?: string;
  namespace: string;
}

/** The objects: TYPE NAME…, TYPE/NAME…, or TYPE with --all / -l. */
export function selectObjects(state: ClusterState, s: Selection): { info: ResourceInfo; obj: KubeObject }[] {
  if (s.args.length === 0) throw new CommandError(NO_RESOURCES);
  if ((s.all || s.selector !== undefined) && !s.args.some((a) => a.includes('/')) && s.args.length === 1) {
    const info = findResource(s.args[0]);
    if (!info) throw new CommandError(`the server doesn't have a resource type "${s.args[0]}"`);
    const sel = s.selector ? parseSelector(s.selector) : [];
    return listObjects(state, info.resource, info.namespaced ? s.namespace : undefined)
      .filter((o) => matches(sel, o.metadata.labels ?? {}))
      .map((obj) => ({ info, obj: structuredClone(obj) }));
  }
  return parseTargets(s.args).map((t) => {
    const obj = getObject(state, t.info.resource, t.info.namespaced ? s.namespace : undefined, t.name);
    if (!obj) throw notFound(qualifiedResource(t.info), t.name);
    return { info: t.info, obj: structuredClone(obj) };
  });
}

/** The pod spec inside any object kind that has one (a Pod, a workload's template, a CronJob's job template). */
export function podSpecOf(o: KubeObject): PodSpec | undefined {
  if (o.kind === 'Pod') return o.spec as PodSpec | undefined;
  const spec = o.spec as Obj | undefined;
  if (o.kind === 'CronJob') return (((spec?.jobTemplate as Obj | undefined)?.spec as Obj | undefined)?.template as PodTemplateSpec | undefined)?.spec;
  return (spec?.template as PodTemplateSpec | undefined)?.spec;
}

/** path.Match for container names ("*" and "?" wildcards, as -c takes them). */
function nameMatches(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
  return re.test(name);
}

/** Containers first, then init containers (kubectl's order), those matching -c. */
function containersOf(spec: PodSpec, pattern: string): Container[] {
  return [...(spec.containers ?? []), ...(spec.initContainers ?? [])].filter((c) => nameMatches(pattern, c.name));
}

// ---------------------------------------------------------------------------------------------------------
// set env

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const ENV_NAME_MSG =
  "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')";

export interface EnvOptions {
  env: string[];
  stdin?: string;
  from?: string;
  prefix: string;
  keys: string[];
  container: string;
  overwrite: boolean;
  list: boolean;
  resolve: boolean;
}

/** KEY=VALUE words set, KEY- words remove; "-" reads KEY=VALUE lines from stdin. */
export function parseEnvWords(words: string[], stdin: string | undefined): { set: Env[]; remove: string[] } {
  const set: Env[] = [];
  const remove: string[] = [];
  const one = (w: string) => {
    const eq = w.indexOf('=');
    if (eq > 0) {
      const name = w.slice(0, eq);
      if (!ENV_NAME.test(name)) throw new CommandError(`${JSON.stringify(name)} is not a valid key name: ${ENV_NAME_MSG}`);
      set.push({ name, value: w.slice(eq + 1) });
    } else if (w.endsWith('-')) remove.push(w.slice(0, -1));
    else throw new CommandError(`unknown environment variable: ${w}`);
  };
  for (const w of words) {
    if (w === '-') {
      for (const line of (stdin ?? '').split('\n')) {
        const t = line.trim();
        if (t && !t.startsWith('#')) one(t);
      }
    } else one(w);
  }
  return { set, remove };
}

/** Splits `TYPE NAME... KEY=VAL... KEY-...`: environment words come last. */
export function splitEnvArgs(args: string[]): { resources: string[]; env: string[] } {
  const resources: string[] = [];
  const env: string[] = [];
  for (const a of args) {
    const isEnv = a.includes('=') || a.endsWith('-');
    if (isEnv || a === '-') env.push(a);
    else if (env.length) throw new CommandError(`all resources must be specified before environment changes: ${a}`);
    else resources.push(a);
  }
  return { resources, env };
}

/** The env vars --from=configmap/x or secret/x contributes, one per key (sorted), with kubectl's renaming warning. */
export function envFromSource(state: ClusterState, from: string, ns: string, prefix: string, keys: string[], io: CliIO): Env[] {
  const slash = from.indexOf('/');
  const info = slash > 0 ? findResource(from.slice(0, slash)) : undefined;
  if (!info || (info.resource !== 'configmaps' && info.resource !== 'secrets')) throw new CommandError('unsupported resource specified in --from');
  const name = from.slice(slash + 1);
  const obj = getObject(state, info.resource, ns, name);
  if (!obj) throw notFound(info.resource, name);
  const data = ((obj as Obj).data ?? {}) as Record<string, unknown>;
  const out: Env[] = [];
  for (const key of Object.keys(data).sort()) {
    if (keys.length && !keys.includes(key)) continue;
    const envName = key.replace(/[^a-zA-Z0-9_]/g, '_').toUpperCase();
    if (envName !== key) io.stderr.write(`Warning: key ${key} transferred to ${envName}\n`);
    const ref = { key, name };
    out.push({ name: `${prefix}${envName}`, valueFrom: info.resource === 'configmaps' ? { configMapKeyRef: ref } : { secretKeyRef: ref } } as Env);
  }
  return out;
}

/** `--list`: the env of each matching container, as kubectl prints it (valueFrom as comments unless resolved). */
export function listEnv(state: ClusterState, obj: KubeObject, containers: Container[], resolve: boolean): string {
  let out = '';
  for (const c of containers) {
    out += `# ${obj.kind} ${obj.metadata.name}, container ${c.name}\n`;
    for (const e of c.env ?? []) {
      const vf = e.valueFrom as Obj | undefined;
      if (!vf) {
        out += `${e.name}=${e.value ?? ''}\n`;
        continue;
      }
      if (resolve) {
        out += `${e.name}=${resolveRef(state, obj, vf)}\n`;
        continue;
      }
      const cm = vf.configMapKeyRef as Obj | undefined;
      const sec = vf.secretKeyRef as Obj | undefined;
      const field = vf.fieldRef as Obj | undefined;
      const res = vf.resourceFieldRef as Obj | undefined;
      if (cm) out += `# ${e.name} from configmap ${cm.name}, key ${cm.key}\n`;
      else if (sec) out += `# ${e.name} from secret ${sec.name}, key ${sec.key}\n`;
      else if (field) out += `# ${e.name} from field path ${field.fieldPath}\n`;
      else if (res) out += `# ${e.name} from resource ${res.resource}\n`;
    }
  }
  return out;
}

function resolveRef(state: ClusterState, obj: KubeObject, vf: Obj): string {
  const ns = obj.metadata.namespace;
  const cm = vf.configMapKeyRef as Obj | undefined;
  const sec = vf.secretKeyRef as Obj | undefined;
  const field = vf.fieldRef as Obj | undefined;
  if (cm) return String((((getObject(state, 'configmaps', ns, String(cm.name)) as Obj | undefined)?.data ?? {}) as Obj)[String(cm.key)] ?? '');
  if (sec) {
    const v = (((getObject(state, 'secrets', ns, String(sec.name)) as Obj | undefined)?.data ?? {}) as Obj)[String(sec.key)];
    return typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : '';
  }
  if (field) {
    const path = String(field.fieldPath ?? '');
    if (path === 'metadata.name') return obj.metadata.name;
    if (path === 'metadata.namespace') return obj.metadata.namespace ?? '';
    const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
    if (m) return (obj.metadata[m[1] as 'labels' | 'annotations'] ?? {})[m[2]] ?? '';
  }
  return '';
}

/** kubectl's updateEnv: a new value replaces the same name in place, others are appended; then removals. */
export function applyEnv(c: Container, set: Env[], remove: string[], overwrite: boolean, objName: string): void {
  const env = [...(c.env ?? [])];
  for (const v of set) {
    const i = env.findIndex((e) => e.name === v.name);
    if (i >= 0) {
      if (!overwrite) throw new CommandError(`${objName} '${v.name}' already has a value (${env[i].value ?? ''}), and --overwrite is false`);
      env[i] = v;
    } else env.push(v);
  }
  const kept = env.filter((e) => !remove.includes(e.name));
  if (kept.length) c.env = kept;
  else delete c.env;
}

// ---------------------------------------------------------------------------------------------------------
// set resources

/** `cpu=100m,memory=1Gi` into a map of canonical quantities; kubectl's errors. */
export function parseResourceList(text: string | undefined): Record<string, string> | undefined {
  if (text === undefined || text === '') return undefined;
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) throw new CommandError(`Invalid argument syntax ${part}, expected <resource>=<value>`);
    const q = parseQuantity(part.slice(eq + 1));
    if (!q) throw new CommandError(QUANTITY_FORMAT_ERROR);
    out[part.slice(0, eq)] = canonicalQuantity(part.slice(eq + 1));
  }
  return out;
}

export function applyResources(c: Container, limits: Record<string, string> | undefined, requests: Record<string, string> | undefined): void {
  const r = (c.resources ??= {}) as { limits?: Record<string, string>; requests?: Record<string, string> };
  if (limits) r.limits = { ...(r.limits ?? {}), ...limits };
  if (requests) r.requests = { ...(r.requests ?? {}), ...requests };
}

export { containersOf, qualifiedKind };
