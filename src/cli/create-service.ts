// `kubesim create service clusterip|nodeport|loadbalancer|externalname NAME ...` (create_service.go).
import { CLI_NAME, CommandError, ExitError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { createObject } from '../cluster/apiserver.js';
import { buildCreateService, type CreateServiceType } from '../cluster/expose.js';
import { objectName, toJSON, toYAML } from '../printers/format.js';
import { addGlobalFlags, newCommand, parseArgs } from './common.js';
import { Session } from './session.js';
import type { CliIO } from './io.js';
import { own } from '../util/own.js';
import { readTextFile } from '../util/files.js';

/** Our descriptions of the flags these generators take (kubectl's names and defaults), composed per service type. */
const OPTION_TEXT: Record<string, string> = {
  'clusterip': `    --clusterip='':
	A cluster IP of your choice, or 'None' for a headless Service (DNS records for the pods, no virtual IP and no load balancing).`,
  'dry-run': `    --dry-run='none':
	One of "none", "server" or "client". "client" prints the object kubesim would send and stops there; "server" also lets the simulated API server default and check it, but stores nothing. Either way the simulated cluster is left unchanged.`,
  'external-name': `    --external-name='':
	The DNS name the Service stands for; the simulated DNS answers for the Service with a CNAME to it.`,
  'field-manager': `    --field-manager='kubectl-create':
	Accepted for compatibility; kubesim does not track field ownership, so the name is not recorded.`,
  'node-port': `    --node-port=0:
	The port every simulated node opens for the Service; 0 lets the simulated API server pick one from the node-port range.`,
  'output': `    -o, --output='':
	Print the resulting object in this format instead of the usual status line; choose from (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).`,
  'save-config': `    --save-config=false:
	Accepted for compatibility; this generator does not write the last-applied annotation.`,
  'tcp': `    --tcp=[]:
	A port to serve, as PORT or PORT:TARGETPORT (the pods' port); repeat or separate with commas for several.`,
  'validate': `    --validate='strict':
	One of strict (or true), warn, ignore (or false); accepted for compatibility. The object is built by kubesim itself, so there is no input to check.`,
};

function optionsText(...names: string[]): string {
  return `Options:\n${names.map((n) => OPTION_TEXT[n]).join('\n\n')}\n`;
}

const TYPES: Record<string, { type: CreateServiceType; summary: string; example: string; usage: string; options: string }> = {
  clusterip: {
    type: 'ClusterIP',
    summary: 'Make a ClusterIP Service called NAME: a virtual IP inside the simulated network that spreads connections over\nthe ready pods labelled app=NAME.',
    example: `  # Service my-cs: port 5678 forwards to the pods' port 8080
  kubectl create service clusterip my-cs --tcp=5678:8080
  
  # A headless my-cs, with no cluster IP
  kubectl create service clusterip my-cs --clusterip="None"`,
    usage: 'kubectl create service clusterip NAME [--tcp=<port>:<targetPort>] [--dry-run=server|client|none] [options]',
    options: optionsText('clusterip', 'dry-run', 'field-manager', 'output', 'save-config', 'tcp', 'validate'),
  },
  nodeport: {
    type: 'NodePort',
    summary: 'Make a NodePort Service called NAME: a ClusterIP Service that every simulated node also serves on one port of\nits own address.',
    example: `  # Service my-ns, port 5678 to the pods' 8080, also reachable on each node
  kubectl create service nodeport my-ns --tcp=5678:8080`,
    usage: 'kubectl create service nodeport NAME [--tcp=port:targetPort] [--dry-run=server|client|none] [options]',
    options: optionsText('dry-run', 'field-manager', 'node-port', 'output', 'save-config', 'tcp', 'validate'),
  },
  loadbalancer: {
    type: 'LoadBalancer',
    summary: 'Make a LoadBalancer Service called NAME: a NodePort Service that the simulated load-balancer provider also gives\nan external IP, taken from its address pool.',
    example: `  # Service my-lbs, port 5678 to the pods' 8080, with an external IP
  kubectl create service loadbalancer my-lbs --tcp=5678:8080`,
    usage: 'kubectl create service loadbalancer NAME [--tcp=port:targetPort] [--dry-run=server|client|none] [options]',
    options: optionsText('dry-run', 'field-manager', 'output', 'save-config', 'tcp', 'validate'),
  },
  externalname: {
    type: 'ExternalName',
    summary: 'Make an ExternalName Service called NAME: no cluster IP and no pods, only a DNS alias.\n\n Inside the simulated cluster the Service\'s name resolves to the external name given, so that workloads can refer to\n something outside the cluster (or in another namespace) by a name of their own.',
    example: `  # my-ns resolves, through the simulated DNS, to bar.com
  kubectl create service externalname my-ns --external-name bar.com`,
    usage: 'kubectl create service externalname NAME --external-name external.name [--dry-run=server|client|none] [options]',
    options: optionsText('dry-run', 'external-name', 'field-manager', 'output', 'save-config', 'tcp', 'validate'),
  },
};

const PARENT_HELP = `Make a Service of the type named by the subcommand.

Aliases:
service, svc

Available Commands:
  clusterip      Virtual IP inside the cluster
  externalname   DNS alias for an outside name
  loadbalancer   Node ports plus an external IP
  nodeport       Cluster IP plus a port on every node

Usage:
  kubectl create service [flags] [options]

Use "kubectl create service <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

/** Flags that take a separate value, so the type word can be found among the arguments. */
const VALUE_FLAGS = ['-n', '--namespace', '-o', '--output', '--tcp', '--node-port', '--clusterip', '--external-name', '--state', '--context', '--kubeconfig', '--cluster', '--user', '--field-manager', '--template', '--validate'];

export function splitWord(argv: string[]): { word?: string; rest: string[] } {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('-')) {
      if (!a.includes('=') && VALUE_FLAGS.includes(a)) i++;
      continue;
    }
    return { word: a, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
  }
  return { rest: argv };
}

/**
 * pflag forms commander does not take: a bare --dry-run means client and never takes the next word
 * (NoOptDefVal), and `-o=yaml` is the shorthand with an inline value.
 */
export function normalizeDryRun(argv: string[]): string[] {
  return argv.flatMap((a) => {
    if (a === '--dry-run') return ['--dry-run=client'];
    const m = /^-([A-Za-z])=(.*)$/s.exec(a);
    return m ? [`-${m[1]}`, m[2]] : [a];
  });
}

export function dryRunStrategy(value: string | undefined): 'none' | 'client' | 'server' {
  if (value === undefined || value === 'none' || value === 'false') return 'none';
  if (value === 'client' || value === 'true') return 'client';
  if (value === 'server') return 'server';
  throw new CommandError(`Invalid dry-run value (${value}). Must be "none", "server", or "client".`);
}

const OUTPUTS = ['yaml', 'json', 'name'];
const JSONPATH = ['jsonpath', 'jsonpath-as-json', 'jsonpath-file'];

/** "jsonpath={.spec}" -> ["jsonpath", "{.spec}"]. */
function splitOutput(output: string): [string, string] {
  const i = output.indexOf('=');
  return i < 0 ? [output, ''] : [output.slice(0, i), output.slice(i + 1)];
}

export function checkOutput(output: string | undefined): void {
  if (output !== undefined && output !== '' && !OUTPUTS.includes(output) && !JSONPATH.includes(splitOutput(output)[0])) {
    throw new CommandError(
      `unable to match a printer suitable for the output format "${output}", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml`,
    );
  }
}

/** Prints what kubectl's PrintFlags print for a generated or created object. */
export async function printResult(io: CliIO, obj: KubeObject, output: string | undefined, verb: string, dryRun: 'none' | 'client' | 'server'): Promise<void> {
  const [format, arg] = output ? splitOutput(output) : ['', ''];
  if (JSONPATH.includes(format)) {
    const { structuredPrinter } = await import('../printers/get.js');
    const print = await structuredPrinter(format, arg, { readFile: (f: string) => readTextFile(f, 1 << 20) });
    io.stdout.write(await print!(obj));
  } else if (output === 'yaml') io.stdout.write(await toYAML(obj));
  else if (output === 'json') io.stdout.write(toJSON(obj));
  else if (output === 'name') io.stdout.write(`${objectName(obj)}\n`);
  else io.stdout.write(`${objectName(obj)} ${verb}${dryRun === 'client' ? ' (dry run)' : dryRun === 'server' ? ' (server dry run)' : ''}\n`);
}

/** Cobra subcommands print flag errors as `Error: ...` with the usage hint. */
function cobraError(e: unknown, path: string): unknown {
  if (e instanceof CommandError && /^(unknown flag|unknown shorthand flag|flag needs an argument)/.test(e.message)) {
    return new ExitError(1, `Error: ${e.message.replace(/\nSee '.*$/s, '')}\nSee '${CLI_NAME} ${path} --help' for usage.`);
  }
  return e;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { word, rest } = splitWord(normalizeDryRun(argv));
  if (word === undefined || word === '-h' || word === '--help') {
    if (argv.includes('-h') || argv.includes('--help')) {
      io.stdout.write(PARENT_HELP);
      return 0;
    }
    io.stderr.write(PARENT_HELP);
    return 1;
  }
  const kind = own(TYPES, word);
  if (!kind) {
    // The parent command has only the global flags; cobra reports a flag it does not know before the word.
    const globals = ['-n', '--namespace', '--state', '--context', '--kubeconfig', '--cluster', '--user'];
    const bad = rest.find((a) => a.startsWith('-') && !globals.includes(a.split('=')[0]) && !globals.some((g) => a.startsWith(g) && g.length === 2));
    if (bad) {
      const text = bad.startsWith('--') ? `unknown flag: ${bad.split('=')[0]}` : `unknown shorthand flag: '${bad[1]}' in ${bad}`;
      throw new ExitError(1, `Error: ${text}\nSee '${CLI_NAME} create service --help' for usage.`);
    }
    throw new CommandError(`unknown command "${word}"`, { usageOf: 'create service' });
  }
  const path = `create service ${word}`;
  const help = `${kind.summary}\n\nExamples:\n${kind.example}\n\n${kind.options}\nUsage:\n  ${kind.usage}\n\nUse "kubectl options" for a list of global command-line options (applies to all commands).\n`;
  const cmd = addGlobalFlags(newCommand(word, io, help));
  cmd
    .option('--dry-run <strategy>', 'none, server or client')
    .option('-o, --output <format>', 'output format')
    .option('--field-manager <name>', 'field manager')
    .option('--save-config', 'save config')
    .option('--show-managed-fields', 'show managed fields')
    .option('--template <template>', 'template')
    .option('--allow-missing-template-keys [bool]', 'allow missing keys')
    .option('--validate <mode>', 'validation')
    .option('--tcp <spec>', 'port pairs', (v: string, prev: string[]) => [...prev, ...v.split(',')], [] as string[]);
  if (kind.type === 'ClusterIP') cmd.option('--clusterip <ip>', 'cluster IP');
  if (kind.type === 'NodePort') cmd.option('--node-port <port>', 'node port');
  if (kind.type === 'ExternalName') cmd.option('--external-name <name>', 'external name');
  try {
    if (!parseArgs(cmd, rest, path)) return 0;
  } catch (e) {
    throw cobraError(e, path);
  }
  const opts = cmd.opts();
  let nodePort = 0;
  if (opts.nodePort !== undefined) {
    if (!/^[+-]?\d+$/.test(opts.nodePort)) {
      throw new ExitError(1, `Error: invalid argument "${opts.nodePort}" for "--node-port" flag: strconv.ParseInt: parsing ${JSON.stringify(opts.nodePort)}: invalid syntax\nSee '${CLI_NAME} ${path} --help' for usage.`);
    }
    nodePort = Number(opts.nodePort);
  }
  const args = cmd.args;
  if (args.length !== 1) throw new CommandError(`exactly one NAME is required, got ${args.length}`, { usageOf: path });
  if (kind.type === 'ExternalName' && opts.externalName === undefined) throw new CommandError('required flag(s) "external-name" not set');
  const dryRun = dryRunStrategy(opts.dryRun);
  checkOutput(opts.output);
  const session = new Session(opts, io);
  const obj = buildCreateService({ name: args[0], type: kind.type, tcp: opts.tcp, clusterIP: opts.clusterip, nodePort, externalName: opts.externalName });
  if (session.namespaceExplicit) obj.metadata.namespace = session.namespace;
  if (dryRun === 'client') {
    await printResult(io, obj, opts.output, 'created', dryRun);
    return 0;
  }
  const created = await session.change((state, ctx) => {
    const input = structuredClone(obj);
    delete (input as Partial<KubeObject>).status;
    return createObject(state, ctx, input, { namespace: session.namespace, dryRun: dryRun === 'server', manager: { manager: 'kubectl-create' } });
  });
  await printResult(io, created, opts.output, 'created', dryRun);
  return 0;
}
