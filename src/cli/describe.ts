// `kubesim describe`: kubectl's describe verb over the simulated cluster.
import { Option } from 'commander';
import { CommandError } from '../api/errors.js';
import { runDescribe } from '../printers/describe/select.js';
import { addGlobalFlags, newCommand, parseArgs, Session } from './common.js';
import type { CliIO } from './io.js';

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

    -l, --selector='':
	Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints.

    --show-events=true:
	If true, display events related to the described object.

Usage:
  kubectl describe (TYPE [NAME_PREFIX | -l label] | TYPE/NAME) [options]

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

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { rest, showEvents } = takeShowEvents(argv);
  const cmd = addGlobalFlags(newCommand('describe', io, HELP), { allNamespaces: true });
  cmd.option('-l, --selector <selector>', 'label query');
  cmd.addOption(new Option('--chunk-size <n>').hideHelp());
  if (!parseArgs(cmd, rest, 'describe')) return 0;
  const opts = cmd.opts();
  const session = new Session(opts, io);
  const { state, ctx } = await session.read();
  const result = runDescribe(state, {
    args: cmd.args,
    namespace: session.namespace,
    allNamespaces: opts.allNamespaces === true,
    selector: opts.selector,
    showEvents,
    now: ctx.clock.now(),
  });
  io.stdout.write(result.stdout);
  if (result.notice) io.stderr.write(`${result.notice}\n`);
  for (const e of result.errors) io.stderr.write(`${e.render()}\n`);
  return result.errors.length ? 1 : 0;
}
