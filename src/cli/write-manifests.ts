// `apply -f` and `create -f`: read the sources, decode them, send each object through the API server
// (decode with field validation, then apply or create), print kubectl's line per object and the failures
// at the end. Valid objects are written even when others fail; the exit code is 1 if any failed.
import { badRequest, CommandError, KubeError } from '../api/errors.js';
import { decodeManifests, loadYaml, type ManifestObject } from '../api/manifest.js';
import { matches, parseSelector } from '../api/labels.js';
import { qualifiedKind } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { decodeRequest, fieldValidationOf, requestError, requestWarnings, type DecodedRequest, type FieldValidation } from '../api/validation.js';
import { applyObject, createObject, deleteObject, infoString, LAST_APPLIED, threeWayPatch, withLastApplied } from '../cluster/apiserver.js';
import { reconcile } from '../cluster/controllers.js';
import { ApplyConflictError, serverSideApply } from '../cluster/field-manager.js';
import { getObject } from '../store/objects.js';
import type { Cmd } from './common.js';
import { Session } from './session.js';
import { collectFiles } from './manifest-files.js';
import type { CliIO } from './io.js';

/** The flags apply and create share: where the manifests are, and how they are written and shown. */
export function addManifestWriteFlags(cmd: Cmd): Cmd {
  return cmd
    .option('-f, --filename <file>', 'files, directories or - for stdin', collectFiles, [])
    .option('-k, --kustomize <dir>', 'a kustomization directory')
    .option('-R, --recursive', 'process directories recursively')
    .option('--dry-run [strategy]', 'none, server or client')
    .option('--validate [mode]', 'strict (or true), warn, ignore (or false)')
    .option('-o, --output <format>', 'json, yaml or name');
}
import { Failures, readSourcesOrKustomization } from './manifest-files.js';

export type DryRun = 'none' | 'client' | 'server';

export interface WriteFlags {
  filename?: string[];
  kustomize?: string;
  recursive?: boolean;
  dryRun?: string | boolean;
  validate?: string | boolean;
  output?: string;
  namespace?: string;
  state?: string;
  selector?: string;
  saveConfig?: boolean;
  prune?: boolean;
  all?: boolean;
  pruneAllowlist?: string[];
  fieldManager?: string;
  serverSide?: boolean;
  forceConflicts?: boolean;
  showManagedFields?: boolean;
}

/** kubectl apply's checks before it looks an object up: a name is needed, generateName is refused. */
function applyNameError(m: ManifestObject): CommandError | undefined {
  if (m.object.metadata.name) return undefined;
  const gen = m.object.metadata.generateName;
  if (gen) return new CommandError(`from ${gen}: cannot use generate name with apply`);
  return new CommandError(
    `error when retrieving current configuration of:\nResource: "${m.info.group}/${m.info.version}, Resource=${m.info.resource}", GroupVersionKind: "${m.info.group}/${m.info.version}, Kind=${m.info.kind}"\nName: "", Namespace: "${m.object.metadata.namespace ?? ''}"\nfrom server for: "${m.source}": resource name may not be empty`,
  );
}

/** Printed by kubectl apply when it patches an object that has no last-applied annotation. */
function missingAnnotationWarning(m: ManifestObject, name: string): string {
  return `Warning: resource ${m.info.resource}/${name} is missing the ${LAST_APPLIED} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n`;
}

export function dryRunOf(v: string | boolean | undefined): DryRun {
  if (v === undefined || v === false || v === 'none') return 'none';
  if (v === true || v === 'client' || v === 'unchanged') return 'client';
  if (v === 'server') return 'server';
  throw new CommandError(`Invalid dry-run value (${String(v)}). Must be "none", "server", or "client".`);
}

export function directiveOf(v: string | boolean | undefined): FieldValidation {
  const d = fieldValidationOf(v);
  if (!d) throw new CommandError(`invalid - validate option "${String(v)}"; must be one of: strict (or true), warn, ignore (or false)`);
  return d;
}

const PRINTERS = 'go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml';

export function checkOutput(o: string | undefined, templates = false): void {
  if (o === undefined || o === '' || o === 'yaml' || o === 'json' || o === 'name') return;
  if (templates && templateFormat(o)) return;
  throw new CommandError(`unable to match a printer suitable for the output format "${o}", allowed formats are: ${PRINTERS}`);
}

const TEMPLATE_FORMATS = ['go-template', 'go-template-file', 'template', 'templatefile'];

/** -o go-template=... and its kin: the format and its argument, or undefined for other outputs. */
export function templateFormat(o: string): { format: string; arg: string } | undefined {
  const eq = o.indexOf('=');
  const format = eq < 0 ? o : o.slice(0, eq);
  return TEMPLATE_FORMATS.includes(format) ? { format, arg: eq < 0 ? '' : o.slice(eq + 1) } : undefined;
}

/** Prints `doc` through a go-template output as kubectl does (partial output and debugging text on failure). */
export async function printTemplate(output: string, doc: unknown, io: CliIO): Promise<void> {
  const t = templateFormat(output)!;
  const [{ structuredPrinter, TemplateFailure }, { readTextFile }] = await Promise.all([import('../printers/get.js'), import('../util/files.js')]);
  const print = await structuredPrinter(t.format, t.arg, { readFile: (f: string) => readTextFile(f, 1 << 20) });
  try {
    io.stdout.write(await print!(doc as KubeObject));
  } catch (e) {
    if (e instanceof TemplateFailure) io.stdout.write(e.stdout);
    throw e;
  }
}

function suffix(d: DryRun): string {
  return d === 'client' ? ' (dry run)' : d === 'server' ? ' (server dry run)' : '';
}

function nameOf(m: ManifestObject, o: KubeObject = m.object): string {
  return `${qualifiedKind(m.info)}/${o.metadata.name}`;
}

class NothingToSave extends Error {}


interface Done {
  m: ManifestObject;
  action: string;
  object: KubeObject;
}

export async function writeManifests(verb: 'apply' | 'create', flags: WriteFlags, io: CliIO): Promise<number> {
  const files = flags.filename ?? [];
  if (files.length === 0 && flags.kustomize === undefined) throw new CommandError('must specify one of -f and -k');
  const dryRun = dryRunOf(flags.dryRun);
  const prune = verb === 'apply' && flags.prune ? await import('./prune.js') : undefined;
  prune?.checkPruneFlags(flags);
  const directive = directiveOf(flags.validate);
  const sources = await readSourcesOrKustomization(files, flags.kustomize, !!flags.recursive, io);
  const session = new Session(flags, io);
  const items = await decodeManifests(sources, { validate: directive !== 'Ignore', namespace: session.namespace, enforceNamespace: session.namespaceExplicit });
  const failures = new Failures();
  const objects: ManifestObject[] = [];
  // kubectl's builder filters file objects by -l: the others are skipped silently, not applied.
  const selector = flags.selector !== undefined ? parseSelector(flags.selector) : undefined;
  for (const it of items) {
    if ('error' in it) failures.add(it.error);
    else if (!selector || matches(selector, it.ok.object.metadata.labels)) objects.push(it.ok);
  }
  if (objects.length === 0 && !failures.any) throw new CommandError(`no objects passed to ${verb}`);
  checkOutput(flags.output, true);

  const done: Done[] = [];
  const warnings: string[] = [];
  const pruned: string[] = [];
  // The objects this apply keeps, with the namespace they were written to (for the prune).
  const appliedSet = (): KubeObject[] =>
    done.map((d) => (d.m.info.namespaced && !d.object.metadata.namespace ? { ...d.object, metadata: { ...d.object.metadata, namespace: session.namespace } } : d.object));
  if (dryRun === 'client') {
    // Client dry run sends nothing: new objects print as they would be sent; for an existing object kubectl
    // computes no patch and always says "configured", printing the live object.
    const { state } = await session.read();
    for (const m of objects) {
      if (verb === 'create') {
        done.push({ m, action: 'created', object: flags.saveConfig ? withLastApplied(m.object) : m.object });
        continue;
      }
      const nameErr = applyNameError(m);
      if (nameErr) {
        failures.add(nameErr);
        continue;
      }
      const current = getObject(state, m.info.resource, m.info.namespaced ? m.object.metadata.namespace : undefined, m.object.metadata.name);
      if (!current) done.push({ m, action: 'created', object: withLastApplied(m.object) });
      else done.push({ m, action: 'configured', object: current });
    }
    if (prune) for (const c of prune.pruneCandidates(state, appliedSet(), selector, flags)) pruned.push(c.line);
  } else {
    // The server's decode (strict field validation, Go type errors) comes before anything is stored; its
    // answer depends on whether the request is a create or (apply to an existing object) a patch.
    const decoded: { m: ManifestObject; req: DecodedRequest }[] = [];
    for (const m of objects) {
      try {
        if (verb === 'apply') {
          const nameErr = applyNameError(m);
          if (nameErr) throw nameErr;
        }
        decoded.push({ m, req: await decodeRequest(m.object) });
      } catch (e) {
        failures.add(e, { verb: 'creating', name: m.source });
      }
    }
    if (decoded.length) {
      try {
        await session.change((state, ctx) => {
          let wrote = false;
          for (const { m, req } of decoded) {
            let verbText = 'creating';
            try {
              // The controllers run once, after the last document (a real API server stores each and the
              // controllers catch up); reconciling after each would make a long file quadratic.
              const manager = flags.fieldManager ?? (verb === 'create' ? 'kubectl-create' : 'kubectl-client-side-apply');
              const opts = { namespace: session.namespace, dryRun: dryRun === 'server', reconcile: false, manager: { manager } };
              const current = getObject(state, m.info.resource, m.info.namespaced ? req.object.metadata.namespace : undefined, req.object.metadata.name);
              if (verb === 'apply' && current) {
                const lastText = current.metadata.annotations?.[LAST_APPLIED];
                const patch = threeWayPatch(lastText ? safeParse(lastText) : undefined, withLastApplied(m.object), current);
                verbText = `applying patch:\n${patch}\nto:\n${infoString(m.info, current.metadata.namespace, current.metadata.name)}\nfor:`;
                // A type error in a patch is reported as for a create (kubesim does not model the patch decoder's Invalid).
                if (req.typeError) verbText = 'creating';
              }
              if (flags.serverSide) {
                const err = requestError(req, directive, !!current && !req.typeError);
                if (err) throw err;
                for (const w of requestWarnings(req, directive)) warnings.push(`Warning: ${w}\n`);
                const r = serverSideApply(state, ctx, req.object, { manager, force: !!flags.forceConflicts, namespace: session.namespace, dryRun: dryRun === 'server', reconcile: false });
                done.push({ m, action: 'serverside-applied', object: r.object });
                if (r.changed) wrote = true;
                continue;
              }
              const err = requestError(req, directive, verb === 'apply' && !!current && !req.typeError);
              if (err) throw err;
              for (const w of requestWarnings(req, directive)) warnings.push(`Warning: ${w}\n`);
              const object = verb === 'create' && flags.saveConfig ? withLastApplied(req.object) : req.object;
              if (!current && object.metadata.resourceVersion) throw badRequest('resourceVersion should not be set on objects to be created');
              if (verb === 'apply') {
                if (current && !current.metadata.annotations?.[LAST_APPLIED]) warnings.push(missingAnnotationWarning(m, object.metadata.name));
                const r = applyObject(state, ctx, object, opts, m.object);
                done.push({ m, action: r.action, object: r.object });
                if (r.action !== 'unchanged') wrote = true;
              } else {
                const created = createObject(state, ctx, object, opts);
                done.push({ m, action: 'created', object: created });
                wrote = true;
              }
            } catch (e) {
              if (!(e instanceof KubeError)) throw e;
              if (flags.serverSide) failures.add(e instanceof ApplyConflictError ? new CommandError(`${e.message}\n${CONFLICT_HELP}`) : e);
              else failures.add(e, { verb: verbText, name: m.source });
            }
          }
          if (prune) {
            for (const c of prune.pruneCandidates(state, appliedSet(), selector, flags)) {
              deleteObject(state, ctx, c.info, c.obj.metadata.namespace, c.obj.metadata.name, { dryRun: dryRun === 'server', reconcile: false });
              pruned.push(c.line);
              wrote = true;
            }
          }
          // Nothing stored (all failed, unchanged or dry run): leave the file exactly as it was.
          if (!wrote || dryRun === 'server') throw new NothingToSave();
          reconcile(state, ctx);
        });
      } catch (e) {
        if (!(e instanceof NothingToSave)) throw e;
      }
    }
  }
  for (const w of warnings) io.stderr.write(w);
  await printDone(verb, done, flags.output, dryRun, io);
  for (const line of pruned) io.stdout.write(flags.output === 'name' ? `${line}\n` : `${line} pruned${suffix(dryRun)}\n`);
  failures.print(io);
  return failures.any ? 1 : 0;
}

// kubectl's advice after a server-side apply conflict.
const CONFLICT_HELP = `Please review the fields above--they currently have other managers. Here
are the ways you can resolve this warning:
* If you intend to manage all of these fields, please re-run the apply
  command with the \`--force-conflicts\` flag.
* If you do not intend to manage all of the fields, please edit your
  manifest to remove references to the fields that should keep their
  current managers.
* You may co-own fields by updating your manifest to match the existing
  value; in this case, you'll become the manager if the other manager(s)
  stop managing the field (remove it from their configuration).
See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts`;

function safeParse(t: string): unknown {
  try {
    return JSON.parse(t);
  } catch {
    return undefined;
  }
}

async function printDone(verb: 'apply' | 'create', done: Done[], output: string | undefined, dryRun: DryRun, io: CliIO): Promise<void> {
  if (!output) {
    for (const d of done) io.stdout.write(`${nameOf(d.m, d.object)} ${d.action}${suffix(dryRun)}\n`);
    return;
  }
  if (output === 'name') {
    for (const d of done) io.stdout.write(`${nameOf(d.m, d.object)}\n`);
    return;
  }
  const { toJSON, sortKeys } = await import('../printers/format.js');
  const objs = done.map((d) => d.object);
  if (objs.length === 0) return;
  if (templateFormat(output)) {
    await printTemplate(output, objs.length > 1 ? { apiVersion: 'v1', items: objs, kind: 'List', metadata: {} } : objs[0], io);
    return;
  }
  if (verb === 'apply' && objs.length > 1) {
    // kubectl prints a metav1.List: JSON in struct field order, YAML with sorted keys; metadata is empty.
    if (output === 'json') io.stdout.write(`${JSON.stringify({ kind: 'List', apiVersion: 'v1', metadata: {}, items: objs.map(sortKeys) }, null, 4)}\n`);
    else io.stdout.write(await toYAML({ apiVersion: 'v1', items: objs, kind: 'List', metadata: {} }));
    return;
  }
  for (let i = 0; i < objs.length; i++) {
    if (output === 'json') io.stdout.write(toJSON(objs[i]));
    else io.stdout.write((i > 0 ? '---\n' : '') + (await toYAML(objs[i])));
  }
}


/** -o yaml as kubectl prints it (sorted keys, YAML 1.1 quoting, unindented sequences). */
export async function toYAML(v: unknown): Promise<string> {
  const [{ sortKeys }, { omitManagedFields }] = await Promise.all([import('../printers/format.js'), import('../printers/managed-fields.js')]);
  const lib = await loadYaml();
  return lib.stringify(sortKeys(omitManagedFields(v)), { version: '1.1', indentSeq: false, lineWidth: 0, nullStr: 'null' });
}
