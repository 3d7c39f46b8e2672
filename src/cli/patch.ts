// `kubesim patch (-f FILE | TYPE NAME | TYPE/NAME) -p PATCH | --patch-file FILE`: a strategic merge, JSON merge
// or JSON patch applied by the API server and written as any update is (validation, defaulting, immutable
// fields, a new resourceVersion, the controllers reconcile), with kubectl's lines and errors.
import { readFileSync } from 'node:fs';
import { badRequest, CommandError, KubeError, notFound, StatusError } from '../api/errors.js';
import { decodeManifests, loadYaml, yamlToValue } from '../api/manifest.js';
import { qualifiedKind, qualifiedResource, slashTargets, requireResource, type ResourceInfo } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { decodeRequest, requestError, requestWarnings } from '../api/validation.js';
import { updateObject } from '../cluster/apiserver.js';
import { getObject, putObject } from '../store/objects.js';
import { addGlobalFlags, newCommand, parseArgs } from './common.js';
import type { CliIO } from './io.js';
import { collectFiles, Failures, readSources } from './manifest-files.js';
import { Session } from './session.js';
import { dryRunOf } from './write-manifests.js';

export type PatchType = 'strategic' | 'merge' | 'json';
type Obj = Record<string, unknown>;
const isMap = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

class NothingToSave extends Error {}

/** The API server's answer to a JSON patch it cannot apply (a 422 without details, as kubectl prints it). */
class PatchRejected extends KubeError {
  override render(): string {
    return 'The request is invalid: the server rejected our request due to an error in our request';
  }
}

/** Go's json.Unmarshal wording for text JSON.parse refused. */
function goUnmarshalError(text: string, e: Error): string {
  const m = /position (\d+)/.exec(e.message);
  const at = m ? Number(m[1]) : text.length;
  if (at >= text.length) return 'unexpected end of JSON input';
  const ch = text[at];
  let ctx = 'looking for beginning of value';
  if (/after property name/.test(e.message)) ctx = "after object key";
  else if (/property name/.test(e.message)) ctx = 'looking for beginning of object key string';
  else if (/after property value/.test(e.message)) ctx = 'after object key:value pair';
  else if (/after array element/.test(e.message)) ctx = 'after array element';
  else if (/non-whitespace/.test(e.message)) ctx = 'after top-level value';
  return `invalid character '${ch === "'" ? "\\'" : ch}' ${ctx}`;
}

const goKind = (v: unknown): string => (Array.isArray(v) ? 'array' : typeof v === 'string' ? 'string' : typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'bool' : 'object');

/** k8s.io/apimachinery yaml.ToJSON: text that starts with `{` is taken as JSON as it is; anything else is YAML. */
async function patchToJSON(text: string, shown: string): Promise<string> {
  if (/^\s*\{/.test(text)) return text;
  try {
    const v = yamlToValue(await loadYaml(), text);
    return JSON.stringify(v ?? null);
  } catch (e) {
    throw new CommandError(`unable to parse ${JSON.stringify(shown)}: ${(e as Error).message}`);
  }
}

/**
 * Applies the patch to `doc` (an object as JSON). `server` picks the wording of failures: the API server's
 * statuses, or the client-side errors kubectl prints for --local and --dry-run=client.
 */
export async function applyPatch(doc: Obj, type: PatchType, text: string, defId: string | undefined, server: boolean): Promise<Obj> {
  let patch: unknown;
  try {
    patch = JSON.parse(text);
  } catch (e) {
    if (type === 'merge') throw server ? badRequest('Invalid JSON Patch') : new CommandError('Invalid JSON Patch');
    if (type === 'strategic' && !server) throw new CommandError('invalid JSON document');
    throw server ? badRequest(goUnmarshalError(text, e as Error)) : new CommandError(goUnmarshalError(text, e as Error));
  }
  if (type === 'json') {
    if (!Array.isArray(patch)) {
      const msg = `json: cannot unmarshal ${goKind(patch)} into Go value of type jsonpatch.Patch`;
      throw server ? badRequest(msg) : new CommandError(msg);
    }
    return applyJSONPatch(doc, patch, server);
  }
  if (type === 'merge') {
    if (!isMap(patch)) {
      // RFC 7386 makes a non-object patch the whole document, which no longer decodes as an object.
      const msg = Array.isArray(patch) ? 'json: cannot unmarshal array into Go value of type unstructured.detector' : 'Invalid JSON Patch';
      throw server ? badRequest(msg) : new CommandError(msg);
    }
    const { jsonMergePatch } = await import('../api/strategic-merge.js');
    return jsonMergePatch(doc, patch) as Obj;
  }
  if (patch === null) return structuredClone(doc);
  if (!isMap(patch)) {
    if (!server) throw new CommandError('invalid JSON document');
    throw badRequest(`json: cannot unmarshal ${goKind(patch)} into Go value of type map[string]interface {}`);
  }
  const { strategicMergePatch, PatchFormatError } = await import('../api/strategic-merge.js');
  const { SCHEMA } = await import('../api/schema-data.js');
  try {
    return strategicMergePatch(doc, patch, defId, SCHEMA);
  } catch (e) {
    if (e instanceof PatchFormatError) throw server ? badRequest(e.message) : new CommandError(e.message);
    throw e;
  }
}

/**
 * RFC 6902 by fast-json-patch (loaded only here, for --type json): ~2.5 ms to load bundled, and its add /
 * remove / replace / move / copy / test with JSON pointers and `-` are what a hand-written one would redo.
 */
async function applyJSONPatch(doc: Obj, ops: unknown[], server: boolean): Promise<Obj> {
  const mod = (await import('fast-json-patch')) as typeof import('fast-json-patch') & { default?: typeof import('fast-json-patch') };
  const lib = typeof mod.applyPatch === 'function' ? mod : mod.default!;
  try {
    // Every operation must be an object with an op (evanphx/json-patch's decoding, before anything applies).
    for (const op of ops) if (!isMap(op)) throw new StatusError('BadRequest', 400, `json: cannot unmarshal ${goKind(op)} into Go value of type jsonpatch.Operation`);
    let out: unknown = structuredClone(doc);
    for (const raw of ops as import('fast-json-patch').Operation[]) {
      let op = raw;
      // evanphx/json-patch (the API server's) lets replace add a key a map lacks.
      if (op.op === 'replace' && typeof op.path === 'string' && missingMapKey(lib, out, op.path)) op = { ...op, op: 'add' };
      out = lib.applyOperation(out, op, true, true).newDocument;
    }
    return out as Obj;
  } catch (e) {
    if (e instanceof StatusError) throw server ? e : new CommandError(e.message);
    if (server) throw new PatchRejected('the server rejected our request due to an error in our request');
    const err = e as { name?: string; operation?: { op?: string; path?: string } };
    const path = err.operation?.path ?? '';
    const op = String(err.operation?.op ?? '');
    if (err.name === 'TEST_OPERATION_FAILED') throw new CommandError(`testing value ${path} failed: test failed`);
    if (err.name === 'OPERATION_OP_INVALID') throw new CommandError(`Unexpected kind: ${op}`);
    if (op === 'remove') {
      const last = path.slice(path.lastIndexOf('/') + 1).replace(/~1/g, '/').replace(/~0/g, '~');
      throw new CommandError(`error in remove for path: '${path}': Unable to remove nonexistent key: ${last}: missing value`);
    }
    if (op === 'add') throw new CommandError(`add operation does not apply: doc is missing path: "${path}": missing value`);
    throw new CommandError(`Object to be patched is missing field (${path})`);
  }
}

/** Whether `path` names a key its (existing) parent map lacks. */
function missingMapKey(lib: typeof import('fast-json-patch'), doc: unknown, path: string): boolean {
  const i = path.lastIndexOf('/');
  if (i < 0) return false;
  let parent: unknown;
  try {
    parent = i === 0 ? doc : lib.getValueByPointer(doc, path.slice(0, i));
  } catch {
    return false;
  }
  const key = path.slice(i + 1).replace(/~1/g, '/').replace(/~0/g, '~');
  return isMap(parent) && !Object.hasOwn(parent, key);
}

/** Go's reflect.DeepEqual of two JSON values (key order aside). */
function sameJSON(a: unknown, b: unknown): boolean {
  const norm = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(norm);
    if (isMap(v)) return Object.fromEntries(Object.keys(v).sort().filter((k) => v[k] !== undefined).map((k) => [k, norm(v[k])]));
    return v;
  };
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

/** The autoscaling/v1 Scale a workload's scale subresource shows. */
export function scaleOf(obj: KubeObject): Obj {
  const spec = (obj.spec ?? {}) as Obj;
  const status = (obj.status ?? {}) as Obj;
  const sel = spec.selector as Obj | undefined;
  const labels = (isMap(sel) && isMap(sel.matchLabels) ? sel.matchLabels : isMap(sel) && !sel.matchExpressions ? sel : {}) as Record<string, string>;
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion, creationTimestamp: obj.metadata.creationTimestamp },
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: status.replicas ?? 0, selector: Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',') },
  };
}

/**
 * The API server's PATCH of a whole object (no subresource): the patch applied to the stored object, the result
 * decoded as any body is (unknown fields dropped with a warning), checked against the URL and any
 * resourceVersion precondition, then updated (or dry run). `kubesim edit` sends its changes through here too.
 */
export async function patchOnServer(
  state: import('../store/state.js').ClusterState,
  ctx: import('../cluster/context.js').Ctx,
  info: ResourceInfo,
  current: KubeObject,
  type: PatchType,
  json: string,
  opts: { namespace: string; dryRun: boolean; manager?: string },
): Promise<{ result: KubeObject; changed: boolean; warnings: string[] }> {
  const { definitionFor } = await import('../api/schema.js');
  const defId = definitionFor(info.group ? `${info.group}/${info.version}` : info.version, info.kind);
  const patched = (await applyPatch(current as unknown as Obj, type, json, defId, true)) as unknown as KubeObject;
  const req = await decodeRequest(patched);
  const err = requestError(req, 'Warn', true);
  if (err) throw err;
  const warnings = requestWarnings(req, 'Warn').map((w) => `Warning: ${w}\n`);
  const next = req.object;
  next.metadata ??= { name: '' };
  const name = current.metadata.name;
  if (next.metadata?.name !== name) throw badRequest('the name of the object (' + String(next.metadata?.name ?? '') + ') does not match the name on the URL (' + name + ')');
  if (info.namespaced && next.metadata.namespace !== current.metadata.namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  // A resourceVersion in the patch is a precondition, as in any update.
  if (next.metadata.resourceVersion && next.metadata.resourceVersion !== current.metadata.resourceVersion) {
    throw new StatusError('Conflict', 409, `Operation cannot be fulfilled on ${qualifiedResource(info)} "${name}": the object has been modified; please apply your changes to the latest version and try again`);
  }
  const dry = updateObject(state, ctx, next, { namespace: opts.namespace, dryRun: true, manager: { manager: opts.manager ?? 'kubectl-patch' } });
  const strip = (x: KubeObject) => ({ ...x, metadata: { ...x.metadata, resourceVersion: undefined } });
  const changed = !sameJSON(strip(dry), strip(current));
  let result = current;
  if (changed) result = opts.dryRun ? dry : updateObject(state, ctx, next, { namespace: opts.namespace, manager: { manager: opts.manager ?? 'kubectl-patch' } });
  return { result, changed, warnings };
}

const SCALABLE = new Set(['deployments', 'replicasets', 'replicationcontrollers']);
const SUBRESOURCE_NOT_FOUND = 'the server could not find the requested resource';

interface Target {
  info: ResourceInfo;
  namespace?: string;
  name: string;
  /** The object as the file gives it (-f). */
  object?: KubeObject;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('patch', io, HELP));
  cmd
    .option('-f, --filename <file>', 'files identifying the resource', collectFiles, [])
    .option('-R, --recursive', 'process directories recursively')
    .option('-p, --patch <patch>', 'the patch')
    .option('--patch-file <file>', 'a file containing the patch')
    .option('--type <type>', 'json, merge or strategic', 'strategic')
    .option('--subresource <name>', 'status or scale')
    .option('--dry-run [strategy]', 'none, server or client')
    .option('-o, --output <format>', 'output format')
    .option('--local', 'patch the file, not the server')
    .option('--field-manager <name>', 'the field manager the patch is recorded under')
    .option('--show-managed-fields', 'accepted for compatibility')
    .option('--allow-missing-template-keys [bool]', 'ignore missing keys in jsonpath templates')
    .option('--template <template>', 'accepted for compatibility');
  if (!parseArgs(cmd, argv, 'patch')) return 0;
  const o = cmd.opts();
  const dryRun = dryRunOf(o.dryRun);
  const files: string[] = o.filename ?? [];
  const args = cmd.args;
  // kubectl's Validate, in its order.
  if (o.patch !== undefined && o.patch !== '' && o.patchFile) throw new CommandError('cannot specify --patch and --patch-file together');
  if (!o.patch && !o.patchFile) throw new CommandError('must specify --patch or --patch-file containing the contents of the patch');
  if (o.local && args.length) throw new CommandError('cannot specify --local and server resources');
  if (o.local && dryRun === 'server') throw new CommandError('cannot specify --local and --dry-run=server - did you mean --dry-run=client?');
  const type = String(o.type ?? 'strategic').toLowerCase();
  if (type !== 'json' && type !== 'merge' && type !== 'strategic') throw new CommandError(`--type must be one of [json merge strategic], not ${JSON.stringify(o.type)}`);

  // The printer, checked before anything is read (an unknown -o fails first).
  const output: string = o.output ?? '';
  let print: ((obj: KubeObject) => string) | undefined;
  if (output && output !== 'name') print = await (await import('../printers/get.js')).changedObjectPrinter(output, o.allowMissingTemplateKeys);

  let text: string;
  if (o.patchFile) {
    try {
      text = readFileSync(o.patchFile, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : String((e as Error).message);
      throw new CommandError(`unable to read patch file: ${code === 'EISDIR' ? 'read' : 'open'} ${o.patchFile}: ${why}`);
    }
  } else text = String(o.patch);
  const json = await patchToJSON(text, o.patchFile ? (o.patch ?? '') : text);

  const session = new Session(o, io);
  const failures = new Failures();
  const targets: Target[] = [];
  if (files.length) {
    const sources = await readSources(files, !!o.recursive, io);
    for (const it of await decodeManifests(sources, { validate: false, namespace: session.namespace, enforceNamespace: session.namespaceExplicit })) {
      if ('error' in it) failures.add(it.error);
      else targets.push({ info: it.ok.info, namespace: it.ok.object.metadata.namespace, name: it.ok.object.metadata.name, object: it.ok.object });
    }
    if (args.length) throw new CommandError('Unexpected args: [' + args.join(' ') + ']');
  } else {
    if (args.length === 0) {
      throw new CommandError("You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
    }
    const named = slashTargets(args, 'patch');
    if (named) for (const { info, name } of named) targets.push({ info, namespace: info.namespaced ? session.namespace : undefined, name });
    else {
      const infos = args[0].split(',').map(requireResource);
      if (args.length === 1) throw new CommandError('resource(s) were provided, but no name was specified');
      for (const info of infos) for (const name of args.slice(1)) targets.push({ info, namespace: info.namespaced ? session.namespace : undefined, name });
    }
  }
  const { definitionFor } = await import('../api/schema.js');
  const defOf = (info: ResourceInfo) => definitionFor(info.group ? `${info.group}/${info.version}` : info.version, info.kind);

  const lines: string[] = [];
  const warnings: string[] = [];
  const show = (t: Target, obj: KubeObject, changed: boolean) => {
    if (print) lines.push(print(obj));
    else if (output === 'name') lines.push(`${qualifiedKind(t.info)}/${t.name}\n`);
    // kubectl 1.32 replaces the dry-run operation with its own, so no "(dry run)" suffix here.
    else lines.push(`${qualifiedKind(t.info)}/${t.name} ${changed ? 'patched' : 'patched (no change)'}\n`);
  };

  if (o.local || dryRun === 'client') {
    // Client side: the object (from the file, or as the server has it) patched by kubectl itself.
    const state = o.local ? undefined : (await session.read()).state;
    for (const t of targets) {
      try {
        const current = o.local ? t.object! : getObject(state!, t.info.resource, t.info.namespaced ? t.namespace : undefined, t.name);
        if (!current) throw notFound(qualifiedResource(t.info), t.name);
        if (type === 'strategic' && !defOf(t.info)) throw new CommandError(`strategic merge patch is not supported for ${t.info.group ? `${t.info.group}/` : ''}${t.info.version}, Kind=${t.info.kind} locally, try --type merge`);
        const patched = await applyPatch(current as unknown as Obj, type, json, defOf(t.info), false);
        show(t, patched as unknown as KubeObject, !sameJSON(current, patched));
      } catch (e) {
        failures.add(e);
      }
    }
  } else {
    try {
      await session.change(async (state, ctx) => {
        let wrote = false;
        for (const t of targets) {
          try {
            const ns = t.info.namespaced ? t.namespace ?? session.namespace : undefined;
            const current = getObject(state, t.info.resource, ns, t.name);
            if (!current) throw notFound(qualifiedResource(t.info), t.name);
            let result: KubeObject;
            let changed: boolean;
            if (o.subresource === 'scale') {
              if (!SCALABLE.has(t.info.resource)) throw new StatusError('NotFound', 404, SUBRESOURCE_NOT_FOUND);
              const before = scaleOf(current);
              const after = await applyPatch(before, type, json, undefined, true);
              const replicas = (after.spec as Obj | undefined)?.replicas;
              if (typeof replicas !== 'number' || !Number.isInteger(replicas)) {
                throw badRequest(`Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal ${goKind(replicas)} into Go struct field ScaleSpec.spec.replicas of type int32`);
              }
              changed = replicas !== (before.spec as Obj).replicas;
              let obj = current;
              if (changed) {
                const next = structuredClone(current);
                (next.spec as Obj).replicas = replicas;
                obj = updateObject(state, ctx, next, { namespace: session.namespace, dryRun: dryRun === 'server', manager: { manager: o.fieldManager ?? 'kubectl-patch', subresource: 'scale' } });
                if (dryRun === 'none') wrote = true;
              }
              result = scaleOf(obj) as unknown as KubeObject;
              if (!changed) result = before as unknown as KubeObject;
            } else if (o.subresource === 'status') {
              const patched = (await applyPatch(current as unknown as Obj, type, json, defOf(t.info), true)) as unknown as KubeObject;
              changed = !sameJSON(current.status, patched.status);
              result = current;
              if (changed) {
                const next = structuredClone(current);
                if (patched.status === undefined) delete next.status;
                else next.status = patched.status;
                if (dryRun === 'none') {
                  result = putObject(state, t.info.resource, next);
                  wrote = true;
                } else result = next;
              }
            } else if (o.subresource) {
              throw new StatusError('NotFound', 404, SUBRESOURCE_NOT_FOUND);
            } else {
              const out = await patchOnServer(state, ctx, t.info, current, type, json, { namespace: session.namespace, dryRun: dryRun === 'server', manager: o.fieldManager });
              warnings.push(...out.warnings);
              changed = out.changed;
              result = out.result;
              if (changed && dryRun === 'none') wrote = true;
            }
            show(t, result, changed);
          } catch (e) {
            if (!(e instanceof KubeError)) throw e;
            failures.add(e);
          }
        }
        if (!wrote) throw new NothingToSave();
      });
    } catch (e) {
      if (!(e instanceof NothingToSave)) throw e;
    }
  }
  for (const w of warnings) io.stderr.write(w);
  for (const l of lines) io.stdout.write(l);
  failures.print(io);
  if (!failures.any && lines.length === 0) throw new CommandError('no objects passed to patch');
  return failures.any ? 1 : 0;
}

// The interface is kubectl's (usage, flags, defaults, examples); the words say what kubesim does.
const HELP = `Change fields of an object in place, with a strategic merge patch (the default), a JSON merge patch
(RFC 7386) or a JSON patch (RFC 6902). The simulated API server applies the patch and stores the result as it
stores any update: it is validated and defaulted, immutable fields stay immutable, the resourceVersion moves
on, and the controllers react (a new image in a Deployment starts a rollout; a Service's sessionAffinity
changes how the next requests are balanced).

 The patch may be written as JSON or YAML. A strategic merge patch merges lists by the merge keys of the
Kubernetes types (containers and env by name, a pod's ports by containerPort, a Service's ports by port,
volumeMounts by mountPath) and understands the $patch, $retainKeys, $setElementOrder and
$deleteFromPrimitiveList directives.

Examples:
  # Mark a node unschedulable (strategic merge patch written as JSON)
  kubectl patch node k8s-node-1 -p '{"spec":{"unschedulable":true}}'
  
  # The same patch written as YAML
  kubectl patch node k8s-node-1 -p $'spec:\\n unschedulable: true'
  
  # Patch the object that node.json names
  kubectl patch -f node.json -p '{"spec":{"unschedulable":true}}'
  
  # New image for one container, found by its name (the merge key of containers)
  kubectl patch pod valid-pod -p '{"spec":{"containers":[{"name":"kubernetes-serve-hostname","image":"new image"}]}}'
  
  # The same with a JSON patch, addressing the container by its index
  kubectl patch pod valid-pod --type='json' -p='[{"op": "replace", "path": "/spec/containers/0/image", "value":"new image"}]'
  
  # Set a deployment's replica count through its scale subresource
  kubectl patch deployment nginx-deployment --subresource='scale' --type='merge' -p '{"spec":{"replicas":2}}'

Options:
    --allow-missing-template-keys=true:
	When false, a jsonpath output that names a missing field is an error.

    --dry-run='none':
	Must be "none", "server", or "client". client: kubesim patches the object as the cluster has it and prints
	the result without sending it; server: the API server runs the whole update but stores nothing.

    --field-manager='kubectl-patch':
	The name metadata.managedFields records for the fields the patch changes.

    -f, --filename=[]:
	Files (or directories, or - for stdin) naming the objects to patch.

    --local=false:
	Patch the object in the file itself, without the cluster, and print the result.

    -o, --output='':
	Print the patched object in one of these formats instead of the status line: (json, yaml, name, jsonpath, jsonpath-as-json, jsonpath-file).

    -p, --patch='':
	The patch, as JSON or YAML.

    --patch-file='':
	A file holding the patch.

    -R, --recursive=false:
	Read the directories given with -f recursively.

    --show-managed-fields=false:
	Accepted for compatibility; kubesim keeps no managedFields.

    --subresource='':
	Patch a subresource instead of the object: status, or scale (Deployments, ReplicaSets and
	ReplicationControllers, as an autoscaling/v1 Scale).

    --template='':
	Accepted for compatibility; go-template output is not supported yet.

    --type='strategic':
	How to read --patch: as a json (RFC 6902), merge (RFC 7386) or strategic merge patch; one of [json merge strategic]

Usage:
  kubectl patch (-f FILENAME | TYPE NAME) [-p PATCH|--patch-file FILE] [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;
