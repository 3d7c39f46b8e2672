// `kubesim set image`: change container images of a workload's pod template (or a pod), starting a rollout.
import { CommandError } from '../api/errors.js';
import { displayName, parseTargets, setImages } from '../cluster/rollouts.js';
import { addGlobalFlags, newCommand, parseArgs } from './common.js';
import { Session } from './session.js';
import type { CliIO } from './io.js';
import { dryRunMode, normalizeFlags } from './scale.js';
import { readStdin } from './common.js';
import type { Container, KubeObject } from '../api/types.js';
import { qualifiedKind, type ResourceInfo } from '../api/resources.js';
import type { ClusterState } from '../store/state.js';
import type { Ctx } from '../cluster/context.js';

const HELP = `Change one aspect of existing objects: container images, environment, resources or service account of a
pod template, or a Service's selector. Changes to a Deployment's template roll out as a new ReplicaSet.

Available Commands:
  env              Update environment variables on a pod template
  image            Update the image of a pod template
  resources        Update resource requests/limits on objects with pod templates
  selector         Set the selector on a resource
  serviceaccount   Update the service account of a resource

Usage:
  kubectl set SUBCOMMAND [options]

Use "kubectl set <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

// kubectl's help, keeping the resource kinds, examples and flags kubesim supports.
const IMAGE_HELP = `Set the image of named containers ("*" for all) in a pod or a workload's pod template (pod, replicationcontroller,
deployment, replicaset, statefulset, daemonset); a Deployment rolls the new image out.

Examples:
  # Set a deployment's nginx container image to 'nginx:1.9.1', and its busybox container image to 'busybox'
  kubectl set image deployment/nginx busybox=busybox nginx=nginx:1.9.1

Options:
    --dry-run='none':
	Must be "none", "server", or "client". client: print the result and change nothing; server: the API
	server checks the change and stores nothing.

Usage:
  kubectl set image (TYPE NAME | TYPE/NAME) CONTAINER_NAME_1=CONTAINER_IMAGE_1 ... CONTAINER_NAME_N=CONTAINER_IMAGE_N [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const sub = argv.find((a) => !a.startsWith('-'));
  if (sub === undefined) {
    const cmd = addGlobalFlags(newCommand('set', io, HELP));
    if (!parseArgs(cmd, argv, 'set')) return 0;
    io.stdout.write(HELP.endsWith('\n') ? HELP : `${HELP}\n`);
    return 0;
  }
  const rest = argv.filter((_, i) => i !== argv.indexOf(sub));
  if (sub === 'env') return setEnv(rest, io);
  if (sub === 'resources') return setResources(rest, io);
  if (sub === 'serviceaccount' || sub === 'sa') return setServiceAccount(rest, io);
  if (sub === 'selector') return setSelector(rest, io);
  if (sub !== 'image') throw new CommandError(`unknown command "${sub}"`, { usageOf: 'set' });
  const cmd = addGlobalFlags(newCommand('set image', io, IMAGE_HELP));
  cmd.option('--dry-run <strategy>', 'none, server or client');
  if (!parseArgs(cmd, normalizeFlags(rest), 'set image')) return 0;
  const opts = cmd.opts();
  const dryRun = dryRunMode(opts.dryRun);
  const resources = cmd.args.filter((a) => !a.includes('='));
  const pairs = cmd.args.filter((a) => a.includes('=')).map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] as [string, string]);
  const targets = parseTargets(resources);
  if (pairs.length === 0) throw new CommandError('at least one image update is required');
  const session = new Session(opts, io);
  const changed = await session.change((state, ctx) => targets.map((t) => setImages(state, ctx, t, session.namespace, pairs, { dryRun: dryRun !== 'none' })));
  targets.forEach((t, i) => {
    if (changed[i]) io.stdout.write(`${displayName(t)} image updated${dryRun === 'none' ? '' : ` (${dryRun === 'client' ? 'dry run' : 'server dry run'})`}\n`);
  });
  return 0;
}

const suffixOf = (d: 'none' | 'client' | 'server') => (d === 'client' ? ' (dry run)' : d === 'server' ? ' (server dry run)' : '');

interface Common {
  verb: string;
  dryRun: 'none' | 'client' | 'server';
  output?: string;
  allowMissingTemplateKeys?: unknown;
  all?: boolean;
  selector?: string;
  namespace?: string;
  state?: string;
}

/**
 * The shared loop of the set subcommands: select the objects, let `change` edit each copy (returning false to
 * skip one), and write back only those that changed, printing kubectl's line (or -o) for each.
 */
async function changeEach(io: CliIO, o: Common, args: string[], line: string, change: (obj: KubeObject, info: ResourceInfo, state: ClusterState) => boolean | void): Promise<number> {
  const { printerFor, selectObjects } = await import('./set-workload.js');
  const { canonicalJSON } = await import('../cluster/hash.js');
  const { updateObject } = await import('../cluster/apiserver.js');
  const printer = await printerFor(o.output, o.allowMissingTemplateKeys);
  const session = new Session(o, io);
  const out: string[] = [];
  await session.change((state: ClusterState, ctx: Ctx) => {
    for (const { info, obj } of selectObjects(state, { args, all: o.all, selector: o.selector, namespace: session.namespace })) {
      const before = canonicalJSON(obj);
      if (change(obj, info, state) === false || canonicalJSON(obj) === before) continue;
      const shown = o.dryRun === 'client' ? obj : updateObject(state, ctx, obj, { namespace: session.namespace, dryRun: o.dryRun === 'server', manager: { manager: 'kubectl-set' } });
      if (typeof printer === 'function') out.push(printer(shown));
      else if (printer === 'name') out.push(`${qualifiedKindOf(info)}/${obj.metadata.name}\n`);
      else out.push(`${qualifiedKindOf(info)}/${obj.metadata.name} ${line}${suffixOf(o.dryRun)}\n`);
    }
  });
  for (const l of out) io.stdout.write(l);
  return 0;
}

function qualifiedKindOf(info: ResourceInfo): string {
  return qualifiedKind(info);
}

function commonFlags(cmd: ReturnType<typeof newCommand>): void {
  cmd
    .option('--all', 'select all resources of the type in the namespace')
    .option('-l, --selector <selector>', 'label selector')
    .option('--dry-run [strategy]', 'none, server or client')
    .option('-o, --output <format>', 'output format')
    .option('--allow-missing-template-keys [bool]', 'ignore missing keys in templates')
    .option('--local', 'accepted for compatibility')
    .option('--field-manager <name>', 'accepted for compatibility')
    .option('--show-managed-fields', 'accepted for compatibility')
    .option('--template <template>', 'accepted for compatibility');
}

async function setEnv(argv: string[], io: CliIO): Promise<number> {
  const w = await import('./set-workload.js');
  const cmd = addGlobalFlags(newCommand('set env', io, ENV_HELP));
  commonFlags(cmd);
  cmd
    .option('-c, --containers <pattern>', 'containers to change', '*')
    .option('-e, --env <pair>', 'KEY=VAL to set, KEY- to remove', (v: string, p: string[] = []) => [...p, v], [])
    .option('--from <resource>', 'configmap/NAME or secret/NAME')
    .option('--keys <keys>', 'only these keys of --from', (v: string, p: string[] = []) => [...p, ...v.split(',')], [])
    .option('--list', 'list the environment instead of changing it')
    .option('--overwrite [bool]', 'replace existing values', true)
    .option('--prefix <prefix>', 'prefix for the names --from adds')
    .option('--resolve', 'show the values of secret and configmap references');
  if (!parseArgs(cmd, argv, 'set env')) return 0;
  const o = cmd.opts();
  const { resources, env } = w.splitEnvArgs(cmd.args);
  const words = [...o.env, ...env];
  const stdin = words.includes('-') ? await readStdin(io) : undefined;
  const { set, remove } = w.parseEnvWords(words, stdin);
  const overwrite = !['false', 'False', 'FALSE', 'f', 'F', '0'].includes(String(o.overwrite));
  const common: Common = { ...o, verb: 'set env', dryRun: dryRunMode(o.dryRun === true ? 'client' : o.dryRun) };
  if (o.list) {
    const { selectObjects } = await import('./set-workload.js');
    const session = new Session(o, io);
    const { state } = await session.read();
    let text = '';
    for (const { obj } of selectObjects(state, { args: resources, all: o.all, selector: o.selector, namespace: session.namespace })) {
      const spec = w.podSpecOf(obj);
      if (spec) text += w.listEnv(state, obj, w.containersOf(spec, o.containers), !!o.resolve);
    }
    io.stdout.write(text);
    return 0;
  }
  return changeEach(io, common, resources, 'env updated', (obj, info, state) => {
    const spec = w.podSpecOf(obj);
    if (!spec) return false;
    const from = o.from ? w.envFromSource(state, o.from, obj.metadata.namespace ?? 'default', o.prefix ?? '', o.keys, io) : [];
    const containers = w.containersOf(spec, o.containers);
    if (containers.length === 0) {
      io.stderr.write(`Warning: ${obj.kind}/${obj.metadata.name} does not have any containers matching ${JSON.stringify(o.containers)}\n`);
      return false;
    }
    for (const c of containers) w.applyEnv(c, [...set, ...from], remove, overwrite, `${info.resource}/${obj.metadata.name}`);
  });
}

async function setResources(argv: string[], io: CliIO): Promise<number> {
  const w = await import('./set-workload.js');
  const cmd = addGlobalFlags(newCommand('set resources', io, RESOURCES_HELP));
  commonFlags(cmd);
  cmd.option('-c, --containers <pattern>', 'containers to change', '*').option('--limits <list>', 'resource limits').option('--requests <list>', 'resource requests');
  if (!parseArgs(cmd, argv, 'set resources')) return 0;
  const o = cmd.opts();
  if (!o.limits && !o.requests) throw new CommandError('you must specify an update to requests or limits (in the form of --requests/--limits)');
  const limits = w.parseResourceList(o.limits);
  const requests = w.parseResourceList(o.requests);
  const common: Common = { ...o, verb: 'set resources', dryRun: dryRunMode(o.dryRun === true ? 'client' : o.dryRun) };
  return changeEach(io, common, cmd.args, 'resource requirements updated', (obj) => {
    const spec = w.podSpecOf(obj);
    if (!spec) return false;
    const containers: Container[] = w.containersOf(spec, o.containers);
    if (containers.length === 0) throw new CommandError(`unable to find container named ${o.containers}`);
    for (const c of containers) w.applyResources(c, limits, requests);
  });
}

async function setServiceAccount(argv: string[], io: CliIO): Promise<number> {
  const w = await import('./set-workload.js');
  const cmd = addGlobalFlags(newCommand('set serviceaccount', io, SA_HELP));
  commonFlags(cmd);
  if (!parseArgs(cmd, argv, 'set serviceaccount')) return 0;
  const o = cmd.opts();
  const args = cmd.args;
  const name = args.length > 1 || o.all || o.selector ? args[args.length - 1] : undefined;
  const resources = name === undefined ? [] : args.slice(0, -1);
  const common: Common = { ...o, verb: 'set serviceaccount', dryRun: dryRunMode(o.dryRun === true ? 'client' : o.dryRun) };
  return changeEach(io, common, resources, 'serviceaccount updated', (obj) => {
    const spec = w.podSpecOf(obj);
    if (!spec) return false;
    spec.serviceAccountName = name;
  });
}

async function setSelector(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('set selector', io, SELECTOR_HELP));
  commonFlags(cmd);
  cmd.option('--resource-version <version>', 'only change the object at this resourceVersion');
  if (!parseArgs(cmd, argv, 'set selector')) return 0;
  const o = cmd.opts();
  const args = cmd.args;
  const text = args.length > 1 || o.all ? args[args.length - 1] : undefined;
  const resources = text === undefined ? [] : args.slice(0, -1);
  // metav1.ParseToLabelSelector: equality requirements become matchLabels; a Service takes nothing else.
  const labels: Record<string, string> = {};
  if (text !== undefined && text.trim() !== '') {
    const { parseSelector } = await import('../api/labels.js');
    const reqs = parseSelector(text);
    const exprs: string[] = [];
    for (const part of text.split(',')) {
      const m = /^\s*([^=!\s(),]+)\s*==?\s*([^=!\s(),]*)\s*$/.exec(part);
      if (m) labels[m[1]] = m[2];
    }
    for (const r of reqs) {
      if (r.op === 'in' && r.values.length === 1 && labels[r.key] === r.values[0]) continue;
      const op = { in: 'In', notin: 'NotIn', exists: 'Exists', '!exists': 'DoesNotExist' }[r.op];
      exprs.push(`{${r.key} ${op} [${'values' in r ? r.values.join(' ') : ''}]}`);
    }
    if (exprs.length) throw new CommandError(`match expression [${exprs.join(' ')}] not supported on this object`);
  }
  const common: Common = { ...o, verb: 'set selector', dryRun: dryRunMode(o.dryRun === true ? 'client' : o.dryRun) };
  return changeEach(io, common, resources, 'selector updated', (obj) => {
    if (o.resourceVersion && o.resourceVersion !== obj.metadata.resourceVersion) {
      throw new CommandError(`resourceVersion mismatch: expected ${o.resourceVersion}, was ${obj.metadata.resourceVersion}`);
    }
    if (obj.kind !== 'Service') throw new CommandError('setting a selector is only supported for Services');
    const spec = (obj.spec ??= {}) as { selector?: Record<string, string> };
    spec.selector = { ...labels };
  });
}

// The interface (usage, flags, defaults, examples) is kubectl's; the words say what kubesim does.
const SHARED_OPTIONS = `    --all=false:
	Change every object of the type in the namespace.

    --dry-run='none':
	Must be "none", "server", or "client". client: print the result and change nothing; server: the API
	server checks the change and stores nothing.

    -o, --output='':
	Output format. One of: (json, yaml, name, jsonpath, jsonpath-as-json, jsonpath-file).

    -l, --selector='':
	Change the objects of the type whose labels match this selector.
`;

const ENV_HELP = `Set or remove environment variables in the pod template of a workload (or in a pod), or list them. A change
to a Deployment's template makes its controller roll out a new ReplicaSet.

 KEY=VALUE sets a variable, KEY- removes it, and - reads KEY=VALUE lines from standard input. --from adds one
variable per key of a ConfigMap or Secret (as a reference to that key); keys are turned into variable names in
upper case with other characters replaced by '_'. Only objects that change are reported.

Examples:
  # Update deployment 'registry' with a new environment variable
  kubectl set env deployment/registry STORAGE_DIR=/local
  
  # List the environment variables defined on a deployments 'sample-build'
  kubectl set env deployment/sample-build --list
  
  # List the environment variables defined on all pods
  kubectl set env pods --all --list
  
  # Import environment from a secret
  kubectl set env --from=secret/mysecret deployment/myapp
  
  # Import environment from a config map with a prefix
  kubectl set env --from=configmap/myconfigmap --prefix=MYSQL_ deployment/myapp
  
  # Import specific keys from a config map
  kubectl set env --keys=my-example-key --from=configmap/myconfigmap deployment/myapp
  
  # Remove the environment variable ENV from container 'c1' in all deployment configs
  kubectl set env deployments --all --containers="c1" ENV-

Options:
${SHARED_OPTIONS}
    -c, --containers='*':
	The containers to change, by name; wildcards (*) allowed.

    -e, --env=[]:
	A variable to set (KEY=VALUE) or remove (KEY-); may be repeated.

    --from='':
	configmap/NAME or secret/NAME whose keys become variables.

    --keys=[]:
	Only these keys of --from.

    --list=false:
	Print the variables instead of changing them.

    --overwrite=true:
	Let a new value replace an existing one; when false an existing variable is an error.

    --prefix='':
	Put this in front of the names --from makes.

    --resolve=false:
	With --list, print the values that references point to.

Usage:
  kubectl set env RESOURCE/NAME KEY_1=VAL_1 ... KEY_N=VAL_N [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

const RESOURCES_HELP = `Set the resource requests and limits of the containers of a workload's pod template (or a pod). Quantities
are merged into what the containers already have; a Deployment rolls out the change.

Examples:
  # Set a deployments nginx container cpu limits to "200m" and memory to "512Mi"
  kubectl set resources deployment nginx -c=nginx --limits=cpu=200m,memory=512Mi
  
  # Set the resource request and limits for all containers in nginx
  kubectl set resources deployment nginx --limits=cpu=200m,memory=512Mi --requests=cpu=100m,memory=256Mi
  
  # Remove the resource requests for resources on containers in nginx
  kubectl set resources deployment nginx --limits=cpu=0,memory=0 --requests=cpu=0,memory=0

Options:
${SHARED_OPTIONS}
    -c, --containers='*':
	The containers to change, by name; wildcards (*) allowed.

    --limits='':
	Limits as resource=quantity pairs, comma-separated (cpu=200m,memory=512Mi).

    --requests='':
	Requests as resource=quantity pairs, comma-separated.

Usage:
  kubectl set resources (-f FILENAME | TYPE NAME)  ([--limits=LIMITS & --requests=REQUESTS] [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

const SA_HELP = `Set the service account (spec.serviceAccountName) of a workload's pod template; a Deployment rolls out the
change. A pod's service account cannot change once it exists.

Examples:
  # Set deployment nginx-deployment's service account to serviceaccount1
  kubectl set serviceaccount deployment nginx-deployment serviceaccount1

Options:
${SHARED_OPTIONS}
Usage:
  kubectl set serviceaccount (-f FILENAME | TYPE NAME) SERVICE_ACCOUNT [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

const SELECTOR_HELP = `Replace the selector of a Service with the given equality requirements (key=value, comma-separated). The
endpoints follow at once: the Service then sends traffic to the pods the new selector matches.

Examples:
  # Set the labels and selector before creating a deployment/service pair
  kubectl create service clusterip my-svc --clusterip="None" -o yaml --dry-run=client | kubectl set selector --local -f - 'environment=qa' -o yaml | kubectl create -f -
  kubectl create deployment my-dep -o yaml --dry-run=client | kubectl label --local -f - environment=qa -o yaml | kubectl create -f -

Options:
${SHARED_OPTIONS}
    --resource-version='':
	Change the object only while its resourceVersion is this one.

Usage:
  kubectl set selector (-f FILENAME | TYPE NAME) EXPRESSIONS [--resource-version=version] [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;
