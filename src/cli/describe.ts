// `kubesim describe`: kubectl's describe verb over the simulated cluster.
import { CommandError, type KubeError } from '../api/errors.js';
import { decodeManifests } from '../api/manifest.js';
import { runDescribe, type DescribeRequest } from '../printers/describe/select.js';
import { parseTZif, zoneFrom, type TZif } from '../printers/describe/zone.js';
import { addGlobalFlags, FlagOption, newCommand, parseArgs } from './common.js';
import { Session } from './session.js';
import type { CliIO } from './io.js';
import { collectFiles, readSources } from './manifest-files.js';
import { readRegularFile } from '../util/files.js';

const HELP = `Show details of a specific resource or group of resources.

 Print a detailed description of the selected resources, including related resources such as events or controllers. You may select a single object by name, all objects of that type, provide a name prefix, or label selector. For example:

        $ kubectl describe TYPE NAME_PREFIX
        
 will first check for an exact match on TYPE and NAME_PREFIX. If no such resource exists, it will output details for every resource that has a name prefixed with NAME_PREFIX.

Use "kubectl api-resources" for a complete list of supported resources.

Examples:
  # Describe a node
  kubectl describe nodes kubernetes-node-emt8.c.myproject.internal
  
  # Describe a pod
  kubectl describe pods/nginx
  
  # Describe a pod identified by type and name in "pod.json"
  kubectl describe -f pod.json
  
  # Describe all pods
  kubectl describe pods
  
  # Describe pods by label name=myLabel
  kubectl describe pods -l name=myLabel
  
  # Describe all pods managed by the 'frontend' replication controller
  # (rc-created pods get the name of the rc as a prefix in the pod name)
  kubectl describe pods frontend

Options:
    -A, --all-namespaces=false:
	If present, list the requested object(s) across all namespaces. Namespace in current context is ignored even if specified with --namespace.

    --chunk-size=500:
	Return large lists in chunks rather than all at once. Pass 0 to disable. This flag is beta and may change in the future.

    -f, --filename=[]:
	Filename, directory, or URL to files containing the resource to describe

    -R, --recursive=false:
	Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.

    -l, --selector='':
	Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints.

    --show-events=true:
	If true, display events related to the described object.

Usage:
  kubectl describe (-f FILENAME | TYPE [NAME_PREFIX | -l label] | TYPE/NAME) [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

/** pflag bool syntax: --show-events, --show-events=true|false (a separate word is not its value). */
function takeShowEvents(argv: string[]): { rest: string[]; showEvents: boolean } {
  let showEvents = true;
  const rest: string[] = [];
  for (const a of argv) {
    const m = /^--show-events(?:=(.*))?$/.exec(a);
    if (!m) {
      rest.push(a);
      continue;
    }
    const v = m[1] ?? 'true';
    if (!/^(1|t|T|TRUE|true|True|0|f|F|FALSE|false|False)$/.test(v)) {
      throw new CommandError(`invalid argument "${v}" for "--show-events" flag: strconv.ParseBool: parsing "${v}": invalid syntax\nSee 'kubectl describe --help' for usage.`);
    }
    showEvents = /^(1|t|T|TRUE|true|True)$/.test(v);
  }
  return { rest, showEvents };
}

/** The TZif data Go's time.Local would load: $TZ (a zone name or a path; empty means UTC), else /etc/localtime. */
function localTZif(env: NodeJS.ProcessEnv): TZif | undefined {
  const tz = env.TZ;
  if (tz === '' || tz === 'UTC') return undefined;
  const name = tz?.replace(/^:/, '');
  const path = name === undefined ? '/etc/localtime' : name.startsWith('/') ? name : `/usr/share/zoneinfo/${name}`;
  // Go's time package reads at most 10 MiB of zone data and falls back to UTC on any failure; a device
  // (TZ=/dev/zero), a FIFO or a directory is not zone data either.
  const r = readRegularFile(path, 10 << 20);
  if (!('data' in r)) return undefined;
  try {
    return parseTZif(r.data);
  } catch {
    return undefined;
  }
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { rest, showEvents } = takeShowEvents(argv);
  const cmd = addGlobalFlags(newCommand('describe', io, HELP), { allNamespaces: true });
  cmd.option('-l, --selector <selector>', 'label query');
  cmd.option('-f, --filename <file>', 'files naming the objects', collectFiles, []);
  cmd.option('-R, --recursive', 'process -f directories recursively');
  cmd.addOption(new FlagOption('--chunk-size <n>').hideHelp());
  if (!parseArgs(cmd, rest, 'describe')) return 0;
  const opts = cmd.opts();
  const session = new Session(opts, io);
  let files: DescribeRequest['files'];
  const fileErrors: KubeError[] = [];
  if ((opts.filename as string[]).length) {
    const sources = await readSources(opts.filename, !!opts.recursive, io);
    const items = await decodeManifests(sources, { validate: false, namespace: session.namespace, enforceNamespace: session.namespaceExplicit });
    files = [];
    for (const it of items) {
      if ('error' in it) fileErrors.push(it.error);
      else files.push({ info: it.ok.info, namespace: it.ok.object.metadata.namespace, name: it.ok.object.metadata.name });
    }
  }
  const { state, ctx } = await session.read();
  const result = runDescribe(state, {
    files,
    fileErrors,
    args: cmd.args,
    namespace: session.namespace,
    allNamespaces: opts.allNamespaces === true,
    selector: opts.selector,
    showEvents,
    now: ctx.clock.now(),
    // kubectl prints times in the process's local zone (TZ, else the system's).
    zone: zoneFrom(localTZif(io.env), (d) => -d.getTimezoneOffset()),
  });
  io.stdout.write(result.stdout);
  if (result.notice) io.stderr.write(`${result.notice}\n`);
  for (const e of result.errors) io.stderr.write(`${e.render()}\n`);
  return result.errors.length ? 1 : 0;
}
