// `kubesim delete TYPE NAME... | TYPE/NAME... | -f FILE | -l SEL | --all`: kubectl's flags, lines and errors.
import { CommandError, KubeError, StatusError } from '../api/errors.js';
import { matches, parseListSelector } from '../api/labels.js';
import { decodeManifests } from '../api/manifest.js';
import { ALL_CATEGORY, requireResource, slashTargets, qualifiedKind, type ResourceInfo } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { deleteObject } from '../cluster/apiserver.js';
import { getObject, listObjects } from '../store/objects.js';
import { addGlobalFlags, newCommand, parseArgs } from './common.js';
import { Session } from './session.js';
import type { CliIO } from './io.js';
import { collectFiles, Failures, readSourcesOrKustomization } from './manifest-files.js';
import { dryRunOf, type DryRun } from './write-manifests.js';

interface Target {
  info: ResourceInfo;
  namespace: string | undefined;
  name: string;
  source?: string;
}

const NO_ARGS = `You must provide one or more resources by argument or filename.
Example resource specifications include:
   '-f rsrc.yaml'
   '--filename=rsrc.json'
   '<resource> <name>'
   '<resource>'`;

const FORCE_WARNING =
  'Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n';

/** Namespaces the API server refuses to delete. */
const UNDELETABLE_NAMESPACES = ['default', 'kube-system', 'kube-public'];

class NothingToSave extends Error {}


export async function run(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('delete', io, HELP), { allNamespaces: true });
  cmd
    .option('-f, --filename <file>', 'files, directories or - for stdin', collectFiles, [])
    .option('-k, --kustomize <dir>', 'a kustomization directory')
    .option('-R, --recursive', 'process directories recursively')
    .option('-l, --selector <selector>', 'label selector')
    .option('--all', 'delete all resources of the type')
    .option('--cascade [mode]', 'background, foreground or orphan')
    .option('--grace-period <seconds>', 'grace period')
    .option('--force', 'immediate deletion')
    .option('--now', 'grace period of 1')
    .option('--ignore-not-found', 'treat not found as success')
    .option('--wait [bool]', 'wait for a deleted namespace to be gone')
    .option('--timeout <duration>', 'accepted for compatibility')
    .option('--dry-run [strategy]', 'none, server or client')
    .option('-o, --output <format>', 'name');
  if (!parseArgs(cmd, argv, 'delete')) return 0;
  const o = cmd.opts();
  const args = cmd.args;
  const files: string[] = o.filename ?? [];
  const fromKustomization = o.kustomize !== undefined;

  const cascade = o.cascade === undefined || o.cascade === true || o.cascade === 'true' ? 'background' : o.cascade === 'false' ? 'orphan' : o.cascade;
  if (!['background', 'foreground', 'orphan'].includes(cascade)) {
    throw new CommandError(`invalid cascade value (${cascade}). Must be "background", "foreground", or "orphan"`);
  }
  if (o.now && o.gracePeriod !== undefined) throw new CommandError('--now and --grace-period cannot be specified together');
  let grace = o.gracePeriod === undefined ? -1 : Number(o.gracePeriod);
  if (!Number.isInteger(grace)) throw new CommandError(`invalid argument "${o.gracePeriod}" for "--grace-period" flag: strconv.ParseInt: parsing "${o.gracePeriod}": invalid syntax`);
  if (o.now) grace = 1;
  if (grace === 0 && !o.force) grace = 1; // kubectl turns --grace-period=0 into 1 unless --force
  if (o.force && grace < 0) grace = 0;
  const dryRun: DryRun = dryRunOf(o.dryRun);
  if (o.output !== undefined && o.output !== 'name') {
    throw new CommandError(`unable to match a printer suitable for the output format "${o.output}", allowed formats are: name`);
  }
  if (o.all && o.selector) throw new CommandError("setting 'all' parameter but found a non empty selector. ");
  if ((files.length || fromKustomization) && args.length) throw new CommandError('resource/name arguments cannot be provided when a path is specified');
  if (!files.length && !fromKustomization && !args.length) throw new CommandError(NO_ARGS);

  const session = new Session(o, io);
  const failures = new Failures();
  const allNs = !!o.allNamespaces;

  // What to delete: from files, or TYPE NAME..., TYPE/NAME..., or TYPE with -l / --all.
  let fromFiles: Target[] | undefined;
  if (files.length || fromKustomization) {
    const sources = await readSourcesOrKustomization(files, o.kustomize, !!o.recursive, io);
    const items = await decodeManifests(sources, { validate: false, namespace: session.namespace, enforceNamespace: session.namespaceExplicit });
    fromFiles = [];
    for (const it of items) {
      if ('error' in it) failures.add(it.error);
      else fromFiles.push({ info: it.ok.info, namespace: it.ok.info.namespaced ? it.ok.object.metadata.namespace : undefined, name: it.ok.object.metadata.name, source: it.ok.source });
    }
  }
  const byName: Target[] = [];
  let types: ResourceInfo[] = [];
  if (!fromFiles) {
    const named = slashTargets(args);
    if (named) {
      for (const { info, name } of named) byName.push({ info, namespace: info.namespaced ? session.namespace : undefined, name });
    } else {
      // "all" is a discovery category: kubectl expands it to its resources.
      const words = args[0].split(',');
      types = words.flatMap((w) => (w === 'all' ? ALL_CATEGORY.map(requireResource) : [requireResource(w)]));
      const names = args.slice(1);
      if (names.length && words.includes('all')) throw new CommandError('you must specify only one resource');
      if (names.length && (o.all || o.selector)) throw new CommandError('name cannot be provided when a selector is specified');
      if (!names.length && !o.all && !o.selector) throw new CommandError('resource(s) were provided, but no name was specified');
      for (const info of types) for (const name of names) byName.push({ info, namespace: info.namespaced ? session.namespace : undefined, name });
    }
  }

  const lines: string[] = [];
  let found = 0;
  /** The uids of the namespaces this command marked for deletion (--wait waits for them to be gone). */
  const namespacesDeleted = new Set<string>();
  const verbWord = grace === 0 ? 'force deleted' : 'deleted';
  const dry = dryRun === 'client' ? ' (dry run)' : dryRun === 'server' ? ' (server dry run)' : '';
  const describe = (info: ResourceInfo, obj: KubeObject): string =>
    o.output === 'name' ? `${qualifiedKind(info)}/${obj.metadata.name}` : `${qualifiedKind(info)} "${obj.metadata.name}" ${verbWord}${dry}`;

  const work = async (): Promise<void> => {
    try {
      await session.change((state, ctx) => {
        const targets: Target[] = fromFiles ?? [...byName];
        const listed = new Set<Target>();
        if (!fromFiles && !byName.length) {
          for (const info of types) {
            // the API server parses the selector of each list it answers
            const sel = parseListSelector(o.selector, info);
            const ns = info.namespaced && !allNs ? session.namespace : undefined;
            for (const obj of listObjects(state, info.resource, ns)) {
              if (sel && !matches(sel, obj.metadata.labels ?? {})) continue;
              const t = { info, namespace: obj.metadata.namespace, name: obj.metadata.name };
              targets.push(t);
              listed.add(t);
            }
          }
        }
        let wrote = false;
        for (const t of targets) {
          try {
            // A client dry run of named objects asks the server nothing (kubectl prints them found or not).
            if (dryRun === 'client' && (fromFiles || byName.length)) {
              found++;
              lines.push(describe(t.info, { metadata: { name: t.name } } as KubeObject));
              continue;
            }
            const obj = getObject(state, t.info.resource, t.namespace, t.name);
            // Listed a moment ago and gone now: an earlier delete of this command took it with its owner. In a
            // cluster the garbage collector does that after kubectl's request, which still finds it: deleted.
            // (A namespace this command deleted keeps its objects: the namespace controller empties it later.)
            if (!obj && listed.has(t) && dryRun === 'none') {
              found++;
              lines.push(describe(t.info, { metadata: { name: t.name } } as KubeObject));
              continue;
            }
            if (!obj && o.ignoreNotFound) continue;
            if (obj && t.info.resource === 'namespaces' && UNDELETABLE_NAMESPACES.includes(t.name)) {
              throw new StatusError('Forbidden', 403, `namespaces "${t.name}" is forbidden: this namespace may not be deleted`);
            }
            const deleted = deleteObject(state, ctx, t.info, t.namespace, t.name, { cascade, dryRun: dryRun !== 'none' });
            if (t.info.resource === 'namespaces' && dryRun === 'none') namespacesDeleted.add(deleted.metadata.uid ?? '');
            found++;
            lines.push(describe(t.info, deleted));
            if (dryRun === 'none') wrote = true;
          } catch (e) {
            if (!(e instanceof KubeError)) throw e;
            failures.add(e, t.source ? { verb: 'deleting', name: t.source } : undefined);
          }
        }
        if (!wrote) throw new NothingToSave();
      });
    } catch (e) {
      if (!(e instanceof NothingToSave)) throw e;
    }
  };
  // kubectl warns before it deletes anything, found or not.
  if (grace === 0 && o.force) io.stderr.write(FORCE_WARNING);
  await work();
  for (const l of lines) io.stdout.write(`${l}\n`);
  const wait = o.wait === undefined || o.wait === true || o.wait === 'true';
  if (wait && namespacesDeleted.size) await waitForNamespacesGone(session, namespacesDeleted);
  if (found === 0 && !failures.any && !byName.length && !fromFiles) io.stdout.write('No resources found\n');
  failures.print(io);
  return failures.any ? 1 : 0;
}

/**
 * --wait: the namespaces deleted stay until the namespace controller has emptied them; the command waits for
 * them to be gone as kubectl does, moving the simulated clock on (as `kubesim wait` does) in one commit.
 */
async function waitForNamespacesGone(session: Session, uids: Set<string>): Promise<void> {
  const { reconcile } = await import('../cluster/controllers.js');
  const { waitForNamespaces } = await import('../cluster/namespace-controller.js');
  try {
    await session.change((state, ctx) => {
      if (!waitForNamespaces(state, ctx, uids, reconcile)) throw new NothingToSave();
    });
  } catch (e) {
    if (!(e instanceof NothingToSave)) throw e;
  }
}

// kubectl's layout, flags and examples; the prose says what kubesim does.
const HELP = `Delete objects of the simulated cluster, named by manifest files, by TYPE and NAME (or TYPE/NAME), or by TYPE
with a label selector or --all.

 Use one way of naming per command. Each deleted object prints a "deleted" line (or its name with -o name).

 kubesim removes an object at once: there is no graceful termination to wait for, so --grace-period and --now
 are checked but change nothing; --force with no (or a zero) grace period prints kubectl's warning and
 "force deleted". A namespace is the exception: it turns Terminating, and the namespace controller deletes
 its objects and then the namespace 5 seconds (of simulated time) later; with --wait (the default) the command
 waits for that, moving the simulated clock on.
 The objects it owns (a deployment's replica sets, their pods, ...) go with it, unless --cascade=orphan keeps
 them. The namespaces default, kube-system and kube-public cannot be deleted.

Examples:
  # Delete the pod that pod.json describes (by its kind and name)
  kubectl delete -f ./pod.json
  
  # Delete the objects of every .json file the pattern matches
  kubectl delete -f '*.json'
  
  # The same, reading the manifest from stdin
  cat pod.json | kubectl delete -f -
  
  # Delete the pods and the services called baz and foo
  kubectl delete pod,service baz foo
  
  # Delete the pods and services labelled name=myLabel
  kubectl delete pods,services -l name=myLabel
  
  # Delete a pod with a one-second grace period (kubesim deletes at once anyway)
  kubectl delete pod foo --now
  
  # Force delete a pod: prints the force-deletion warning first
  kubectl delete pod foo --force
  
  # Delete every pod of the current namespace
  kubectl delete pods --all

Options:
    --all=false:
	Delete every object of the given types in the namespace (or all namespaces with -A).

    -A, --all-namespaces=false:
	With --all or -l, look in every namespace; the current namespace and -n are ignored.

    --cascade='background':
	"background", "foreground" or "orphan": what happens to the objects the deleted one owns. background and foreground delete them too (kubesim does both at once); orphan keeps them and drops their owner reference.

    --dry-run='none':
	"none", "server" or "client". client: print what would be deleted, changing nothing (named objects are not looked up); server: the simulated API server finds the objects but keeps them.

    -f, --filename=[]:
	Manifest files, directories or glob patterns (- for stdin) naming the objects to delete; repeatable.

    --force=false:
	Force deletion: with no --grace-period (or 0), print the force-deletion warning and report "force deleted".

    --grace-period=-1:
	Seconds of grace for termination; negative means the object's default. 0 without --force becomes 1. kubesim deletes at once whatever the value.

    --ignore-not-found=false:
	An object named by argument or file that does not exist is skipped silently instead of failing the command.

    -k, --kustomize='':
	Build the kustomization in this directory and use the objects it produces; not together with -f or -R.

    --now=false:
	Shorthand for --grace-period=1; not together with --grace-period.

    -o, --output='':
	The only format is name: print TYPE/NAME of each deleted object instead of the "deleted" line.

    -R, --recursive=false:
	Also read the subdirectories of a directory given to -f.

    -l, --selector='':
	Delete the objects of the given types whose labels match every term (=, ==, !=; e.g. -l app=web,tier!=db).

    --timeout=0s:
	Accepted for compatibility; only a deleted namespace is waited for, and it is gone 5 simulated seconds later.

    --wait=true:
	Wait until the deleted objects are gone: only a namespace outlives its deletion (Terminating); false returns while it still is.

Usage:
  kubectl delete ([-f FILENAME] | TYPE [(NAME | -l label | --all)]) [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;
