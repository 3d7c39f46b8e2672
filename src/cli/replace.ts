// `kubesim replace -f FILE|DIR|- [--force]`: each object in the files replaces the live one whole (an update
// through the API server, as PUT), or with --force is deleted and created again; kubectl's lines and errors.
import { badRequest, CommandError, KubeError, notFound, StatusError } from '../api/errors.js';
import { decodeManifests, type ManifestObject } from '../api/manifest.js';
import { qualifiedKind, qualifiedResource } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { decodeRequest, requestError, requestWarnings, type DecodedRequest } from '../api/validation.js';
import { createObject, deleteObject, updateObject } from '../cluster/apiserver.js';
import { reconcile } from '../cluster/controllers.js';
import { waitForNamespaces } from '../cluster/namespace-controller.js';
import { getObject } from '../store/objects.js';
import { addGlobalFlags, durationFlag, FlagError, intFlag, newCommand, parseArgs } from './common.js';
import type { CliIO } from './io.js';
import { collectFiles, Failures, readSources } from './manifest-files.js';
import { Session } from './session.js';
import { directiveOf, dryRunOf, toYAML } from './write-manifests.js';

class NothingToSave extends Error {}

const conflict = (m: ManifestObject) =>
  new StatusError('Conflict', 409, `Operation cannot be fulfilled on ${qualifiedResource(m.info)} "${m.object.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`);

export async function run(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('replace', io, HELP));
  cmd
    .option('-f, --filename <file>', 'files, directories or - for stdin', collectFiles, [])
    .option('-R, --recursive', 'process directories recursively')
    .option('--force', 'delete and re-create')
    .option('--grace-period <seconds>', 'with --force', intFlag('replace', '--grace-period'), -1)
    .option('--timeout <duration>', 'with --force', durationFlag('replace', '--timeout'), 0)
    .option('--cascade <strategy>', 'background, orphan or foreground', 'background')
    .option('--dry-run [strategy]', 'none, server or client')
    .option('--validate [mode]', 'strict (or true), warn, ignore (or false)')
    .option('-o, --output <format>', 'json, yaml or name')
    .option('--save-config', 'accepted for compatibility')
    .option('--field-manager <name>', 'the field manager the write is recorded under')
    .option('--wait', 'accepted for compatibility');
  if (!parseArgs(cmd, argv, 'replace')) return 0;
  const o = cmd.opts();
  const files: string[] = o.filename ?? [];
  const dryRun = dryRunOf(o.dryRun);
  const directive = directiveOf(o.validate);
  const output: string = o.output ?? '';
  if (output && output !== 'yaml' && output !== 'json' && output !== 'name') {
    throw new CommandError(`unable to match a printer suitable for the output format "${output}", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml`);
  }
  if (!['background', 'orphan', 'foreground'].includes(o.cascade)) {
    throw new CommandError(`invalid cascade value (${o.cascade}). Must be "background", "foreground", or "orphan".`);
  }
  // kubectl's Validate, in its order.
  if (o.gracePeriod >= 0 && !o.force) throw new CommandError('--grace-period must have --force specified');
  if (o.timeout !== 0 && !o.force) throw new CommandError('--timeout must have --force specified');
  if (files.length === 0) throw new FlagError('must specify one of -f and -k');
  if (cmd.args.length) throw new CommandError(`Unexpected args: [${cmd.args.join(' ')}]`, { usageOf: 'replace' });

  const sources = await readSources(files, !!o.recursive, io);
  const session = new Session(o, io);
  const failures = new Failures();
  const objects: ManifestObject[] = [];
  for (const it of await decodeManifests(sources, { validate: directive !== 'Ignore', namespace: session.namespace, enforceNamespace: session.namespaceExplicit })) {
    if ('error' in it) failures.add(it.error);
    else objects.push(it.ok);
  }
  const suffix = dryRun === 'client' ? ' (dry run)' : dryRun === 'server' ? ' (server dry run)' : '';
  const lines: string[] = [];
  const printed: KubeObject[] = [];
  const warnings: string[] = [];
  const show = (m: ManifestObject, obj: KubeObject, verb: string) => {
    if (output === 'name') lines.push(`${qualifiedKind(m.info)}/${obj.metadata.name}\n`);
    else if (output) printed.push(obj);
    else lines.push(`${qualifiedKind(m.info)}/${obj.metadata.name} ${verb}${suffix}\n`);
  };

  if (dryRun === 'client' && !o.force) {
    for (const m of objects) show(m, m.object, 'replaced');
  } else if (objects.length) {
    // The server's decode (type errors; unknown fields under strict validation) comes first.
    const decoded: { m: ManifestObject; req: DecodedRequest }[] = [];
    for (const m of objects) {
      try {
        const req = await decodeRequest(m.object);
        const err = requestError(req, directive);
        if (err) throw err;
        warnings.push(...requestWarnings(req, directive).map((w) => `Warning: ${w}\n`));
        decoded.push({ m, req });
      } catch (e) {
        failures.add(e, { verb: 'replacing', name: m.source });
      }
    }
    try {
      await session.change((state, ctx) => {
        let wrote = false;
        const nsOf = (m: ManifestObject, obj: KubeObject) => (m.info.namespaced ? obj.metadata.namespace ?? session.namespace : undefined);
        if (o.force) {
          // Delete what exists (a missing object is fine: replace then creates it), then create them all.
          const namespaces = new Set<string>();
          for (const { m, req } of decoded) {
            const ns = nsOf(m, req.object);
            if (!getObject(state, m.info.resource, ns, req.object.metadata.name)) continue;
            try {
              const deleted = deleteObject(state, ctx, m.info, ns, req.object.metadata.name, { cascade: o.cascade, dryRun: dryRun !== 'none', reconcile: false });
              if (m.info.resource === 'namespaces' && dryRun === 'none') namespaces.add(deleted.metadata.uid ?? '');
              lines.push(output === 'name' ? `${qualifiedKind(m.info)}/${req.object.metadata.name}\n` : `${qualifiedKind(m.info)} "${req.object.metadata.name}" deleted${suffix}\n`);
              if (dryRun === 'none') wrote = true;
            } catch (e) {
              if (!(e instanceof KubeError)) throw e;
              failures.add(e);
            }
          }
          // kubectl waits for each deleted object to be gone before creating it again: a namespace terminates first.
          if (namespaces.size) waitForNamespaces(state, ctx, namespaces, reconcile);
          for (const { m, req } of decoded) {
            try {
              const obj = structuredClone(req.object);
              delete obj.metadata.resourceVersion;
              const created = createObject(state, ctx, obj, { namespace: session.namespace, dryRun: dryRun !== 'none', reconcile: false, manager: { manager: o.fieldManager ?? 'kubectl-replace' } });
              show(m, created, 'replaced');
              if (dryRun === 'none') wrote = true;
            } catch (e) {
              if (!(e instanceof KubeError)) throw e;
              failures.add(e);
            }
          }
        } else {
          for (const { m, req } of decoded) {
            try {
              const ns = nsOf(m, req.object);
              const current = getObject(state, m.info.resource, ns, req.object.metadata.name);
              if (!req.object.metadata.name) throw badRequest('resource name may not be empty');
              if (!current) throw notFound(qualifiedResource(m.info), req.object.metadata.name);
              const rv = req.object.metadata.resourceVersion;
              if (rv !== undefined && rv !== '' && rv !== current.metadata.resourceVersion) throw conflict(m);
              const replaced = updateObject(state, ctx, req.object, { namespace: session.namespace, dryRun: dryRun === 'server', reconcile: false, manager: { manager: o.fieldManager ?? 'kubectl-replace' } });
              show(m, replaced, 'replaced');
              if (dryRun === 'none') wrote = true;
            } catch (e) {
              if (!(e instanceof KubeError)) throw e;
              failures.add(e, { verb: 'replacing', name: m.source });
            }
          }
        }
        if (!wrote) throw new NothingToSave();
        reconcile(state, ctx);
      });
    } catch (e) {
      if (!(e instanceof NothingToSave)) throw e;
    }
  }
  for (const w of warnings) io.stderr.write(w);
  for (const l of lines) io.stdout.write(l);
  if (printed.length) {
    const { toJSON } = await import('../printers/format.js');
    for (let i = 0; i < printed.length; i++) {
      if (output === 'json') io.stdout.write(toJSON(printed[i]));
      else io.stdout.write((i > 0 ? '---\n' : '') + (await toYAML(printed[i])));
    }
  }
  failures.print(io);
  if (!failures.any && objects.length === 0) throw new CommandError('no objects passed to replace');
  return failures.any ? 1 : 0;
}

// The interface is kubectl's (usage, flags, defaults, examples); the words say what kubesim does.
const HELP = `Replace objects whole with the ones in the files. Unlike apply, nothing is merged: fields the file leaves out
are gone (except what the API server keeps on any update, such as a Service's cluster IP and node ports).
A resourceVersion in the file must be the live one, else the replace fails with a Conflict. With --force each
object is deleted (its dependents follow, as --cascade says) and created again.

 The files may hold YAML or JSON. Start from the live object to keep its fields:
        $ kubectl get TYPE NAME -o yaml

Examples:
  # Replace the pod with the one pod.json defines
  kubectl replace -f ./pod.json
  
  # The same, reading the manifest from standard input
  cat pod.json | kubectl replace -f -
  
  # Edit the live pod's image tag on the way through and put it back
  kubectl get pod mypod -o yaml | sed 's/\\(image: myimage\\):.*$/\\1:v4/' | kubectl replace -f -
  
  # Delete the pod and create it afresh from the file
  kubectl replace --force -f ./pod.json

Options:
    --cascade='background':
	With --force: "background", "orphan" or "foreground", what happens to the dependents of what is deleted.

    --dry-run='none':
	Must be "none", "server", or "client". client: print what would be sent; server: the API server checks
	the whole replace and stores nothing.

    --field-manager='kubectl-replace':
	The name metadata.managedFields records for the fields this command writes.

    -f, --filename=[]:
	The files (or directories, or - for stdin) holding the objects.

    --force=false:
	Delete each object and create it again.

    --grace-period=-1:
	Accepted with --force; kubesim deletes at once.

    -o, --output='':
	Print the stored objects as json, yaml or name instead of the status lines.

    -R, --recursive=false:
	Read the directories given with -f recursively.

    --save-config=false:
	Accepted for compatibility.

    --timeout=0s:
	Accepted with --force; kubesim deletes at once.

    --validate='strict':
	Must be one of: strict (or true), warn, ignore (or false). strict: an unknown field fails the replace;
	warn: it is dropped with a warning; ignore: it is dropped silently.

    --wait=false:
	Accepted for compatibility.

Usage:
  kubectl replace -f FILENAME [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;
