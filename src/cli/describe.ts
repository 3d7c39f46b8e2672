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

const HELP = `Print a readable, multi-section report on objects of the simulated cluster.

 Besides the object's own fields, the report lists related things, such as the events the simulated controllers recorded and the objects that own or are owned by it. Pick objects by name, by kind alone (all of them), by a label selector, by the files that define them, or by a name prefix:

        $ kubectl describe TYPE NAME_PREFIX
        
 describes the object called exactly NAME_PREFIX when there is one, and otherwise every object of that kind whose name starts with it.

Run "kubectl api-resources" to see which kinds kubesim knows.

Examples:
  # Report on one node
  kubectl describe nodes kubernetes-node-emt8.c.myproject.internal
  
  # Report on the pod nginx
  kubectl describe pods/nginx
  
  # Report on the object that pod.json defines
  kubectl describe -f pod.json
  
  # Report on every pod in the namespace
  kubectl describe pods
  
  # Report on the pods labelled name=myLabel
  kubectl describe pods -l name=myLabel
  
  # Report on the pods whose names start with "frontend"
  # (pods made by a controller carry its name as a prefix)
  kubectl describe pods frontend

Options:
    -A, --all-namespaces=false:
	Look in every namespace; the current namespace and any --namespace are ignored.

    --chunk-size=500:
	Accepted for compatibility; kubesim reads its local state in one piece, so there is nothing to page.

    -f, --filename=[]:
	Files or directories whose manifests name the objects to report on.

    -R, --recursive=false:
	Also read the manifests in subdirectories of any directory given with -f.

    -l, --selector='':
	Only act on objects whose labels match this query, such as -l app=web,tier!=db ('=', '==' and '!=' work); every term has to hold.

    --show-events=true:
	End each report with the events recorded for the object; false leaves them out.

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
