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
    .option('--wait [bool]', 'accepted: kubesim deletes at once')
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
  if (found === 0 && !failures.any && !byName.length && !fromFiles) io.stdout.write('No resources found\n');
  failures.print(io);
  return failures.any ? 1 : 0;
}

// kubectl's help text, with kubesim as the command name.
const HELP = `Delete resources by file names, stdin, resources and names, or by resources and label selector.

 JSON and YAML formats are accepted. Only one type of argument may be specified: file names, resources and names, or resources and label selector.

 Some resources, such as pods, support graceful deletion. These resources define a default period before they are forcibly terminated (the grace period) but you may override that value with the --grace-period flag, or pass --now to set a grace-period of 1. Because these resources often represent entities in the cluster, deletion may not be acknowledged immediately. If the node hosting a pod is down or cannot reach the API server, termination may take significantly longer than the grace period. To force delete a resource, you must specify the --force flag. Note: only a subset of resources support graceful deletion. In absence of the support, the --grace-period flag is ignored.

 IMPORTANT: Force deleting pods does not wait for confirmation that the pod's processes have been terminated, which can leave those processes running until the node detects the deletion and completes graceful deletion. If your processes use shared storage or talk to a remote API and depend on the name of the pod to identify themselves, force deleting those pods may result in multiple processes running on different machines using the same identification which may lead to data corruption or inconsistency. Only force delete pods when you are sure the pod is terminated, or if your application can tolerate multiple copies of the same pod running at once. Also, if you force delete pods, the scheduler may place new pods on those nodes before the node has released those resources and causing those pods to be evicted immediately.

 Note that the delete command does NOT do resource version checks, so if someone submits an update to a resource right when you submit a delete, their update will be lost along with the rest of the resource.

 After a CustomResourceDefinition is deleted, invalidation of discovery cache may take up to 6 hours. If you don't want to wait, you might want to run "kubectl api-resources" to refresh the discovery cache.

Examples:
  # Delete a pod using the type and name specified in pod.json
  kubectl delete -f ./pod.json
  
  # Delete resources from all files that end with '.json'
  kubectl delete -f '*.json'
  
  # Delete a pod based on the type and name in the JSON passed into stdin
  cat pod.json | kubectl delete -f -
  
  # Delete pods and services with same names "baz" and "foo"
  kubectl delete pod,service baz foo
  
  # Delete pods and services with label name=myLabel
  kubectl delete pods,services -l name=myLabel
  
  # Delete a pod with minimal delay
  kubectl delete pod foo --now
  
  # Force delete a pod on a dead node
  kubectl delete pod foo --force
  
  # Delete all pods
  kubectl delete pods --all

Options:
    --all=false:
	Delete all resources, in the namespace of the specified resource types.

    -A, --all-namespaces=false:
	If present, list the requested object(s) across all namespaces. Namespace in current context is ignored even if specified with --namespace.

    --cascade='background':
	Must be "background", "orphan", or "foreground". Selects the deletion cascading strategy for the dependents (e.g. Pods created by a ReplicationController). Defaults to background.

    --dry-run='none':
	Must be "none", "server", or "client". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.

    -f, --filename=[]:
	containing the resource to delete.

    --force=false:
	If true, immediately remove resources from API and bypass graceful deletion. Note that immediate deletion of some resources may result in inconsistency or data loss and requires confirmation.

    --grace-period=-1:
	Period of time in seconds given to the resource to terminate gracefully. Ignored if negative. Set to 1 for immediate shutdown. Can only be set to 0 when --force is true (force deletion).

    --ignore-not-found=false:
	Treat "resource not found" as a successful delete. Defaults to "true" when --all is specified.

    -k, --kustomize='':
	Build the kustomization in this directory and use the objects it produces; not together with -f or -R.

    --now=false:
	If true, resources are signaled for immediate shutdown (same as --grace-period=1).

    -o, --output='':
	Output mode. Use "-o name" for shorter output (resource/name).

    -R, --recursive=false:
	Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.

    -l, --selector='':
	Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints.

    --timeout=0s:
	The length of time to wait before giving up on a delete, zero means determine a timeout from the size of the object

    --wait=true:
	If true, wait for resources to be gone before returning. This waits for finalizers.

Usage:
  kubectl delete ([-f FILENAME] | TYPE [(NAME | -l label | --all)]) [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;
