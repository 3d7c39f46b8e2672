// `kubesim create deployment NAME --image=IMAGE [--replicas N] [--port P] [-- COMMAND [args...]]`.
import { CommandError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { createObject } from '../cluster/apiserver.js';
import { reconcile } from '../cluster/controllers.js';
import { deploymentFromFlags } from '../cluster/rollouts.js';
import { objectName, toJSON, toYAML } from '../printers/format.js';
import { addGlobalFlags, newCommand, parseArgs } from './common.js';
import { Session } from './session.js';
import type { CliIO } from './io.js';
import { dryRunMode, intFlag, normalizeFlags } from './scale.js';

// kubectl's help, keeping the flags kubesim supports.
const HELP = `Make a Deployment called NAME whose pods run one container per --image (each a simulated image), with the
label app=NAME. The simulated deployment controller then creates its replica set and pods.

Aliases:
deployment, deploy

Examples:
  # Deployment my-dep, one busybox pod
  kubectl create deployment my-dep --image=busybox
  
  # The same, its container running the command date
  kubectl create deployment my-dep --image=busybox -- date
  
  # Three nginx pods
  kubectl create deployment my-dep --image=nginx --replicas=3
  
  # Declare container port 5701
  kubectl create deployment my-dep --image=busybox --port=5701
  
  # Pods with three containers, one per image
  kubectl create deployment my-dep --image=busybox:latest --image=ubuntu:latest --image=nginx

Options:
    --dry-run='none':
	One of "none", "server" or "client". "client" prints the object kubesim would send and stops there; "server" also lets the simulated API server default and check it, but stores nothing. Either way the simulated cluster is left unchanged.

    --field-manager='kubectl-create':
	Accepted for compatibility; kubesim does not track field ownership, so the name is not recorded.

    --image=[]:
	An image to run; give it several times for several containers in each pod.

    -o, --output='':
	Print the resulting object in this format instead of the usual status line; choose from (json, yaml, name).

    --port=-1:
	A containerPort declared on the container; -1 declares none.

    -r, --replicas=1:
	How many pods the deployment asks for.

    --save-config=false:
	Accepted for compatibility; this generator does not write the last-applied annotation.

Usage:
  kubectl create deployment NAME --image=image -- [COMMAND] [args...] [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  // Everything after "--" is the first container's command.
  const dash = argv.indexOf('--');
  const command = dash >= 0 ? argv.slice(dash + 1) : [];
  const args = dash >= 0 ? argv.slice(0, dash) : argv;
  const cmd = addGlobalFlags(newCommand('create deployment', io, HELP));
  cmd
    .option('--image <image>', 'image', (v: string, prev: string[] = []) => [...prev, v])
    .option('-r, --replicas <n>', 'replicas', intFlag('create deployment', '-r, --replicas'), 1)
    .option('--port <port>', 'containerPort', intFlag('create deployment', '--port'), -1)
    .option('--dry-run <strategy>', 'none, server or client')
    .option('-o, --output <format>', 'json, yaml or name')
    .option('--save-config', 'accepted for compatibility')
    .option('--field-manager <name>', 'the field manager the write is recorded under');
  if (!parseArgs(cmd, normalizeFlags(args), 'create deployment')) return 0;
  const opts = cmd.opts();
  const dryRun = dryRunMode(opts.dryRun);
  const output: string | undefined = opts.output;
  if (output !== undefined && !['json', 'yaml', 'name'].includes(output)) {
    throw new CommandError(`unable to match a printer suitable for the output format "${output}", allowed formats are: json,name,yaml`);
  }
  if (!opts.image?.length) throw new CommandError('required flag(s) "image" not set');
  if (cmd.args.length !== 1) throw new CommandError(`exactly one NAME is required, got ${cmd.args.length}`, { usageOf: 'create deployment' });
  const session = new Session(opts, io);
  const ns = session.namespace;
  let result: KubeObject;
  if (dryRun === 'client') {
    // Client-side dry run prints the object as kubectl builds it; the state is not touched.
    const { ctx } = await session.read();
    result = deploymentFromFlags({ name: cmd.args[0], images: opts.image, replicas: opts.replicas, port: opts.port, suffix: () => ctx.random.nameSuffix(5) });
    if (command.length) ((result.spec as { template: { spec: { containers: { command?: string[] }[] } } }).template.spec.containers[0]).command = command;
    if (session.namespaceExplicit) result.metadata.namespace = ns;
  } else {
    result = await session.change((state, ctx) => {
      const obj = deploymentFromFlags({ name: cmd.args[0], images: opts.image, replicas: opts.replicas, port: opts.port, suffix: () => ctx.random.nameSuffix(5) });
      if (command.length) ((obj.spec as { template: { spec: { containers: { command?: string[] }[] } } }).template.spec.containers[0]).command = command;
      // kubectl prints the API server's answer to the POST: the object before any controller has acted on it.
      const created = structuredClone(createObject(state, ctx, obj, { namespace: ns, dryRun: dryRun === 'server', reconcile: false, manager: { manager: opts.fieldManager ?? 'kubectl-create' } }));
      if (dryRun !== 'server') reconcile(state, ctx);
      return created;
    });
  }
  if (output === 'yaml') io.stdout.write(await toYAML(result));
  else if (output === 'json') io.stdout.write(toJSON(result));
  else if (output === 'name') io.stdout.write(`${objectName(result)}\n`);
  else io.stdout.write(`deployment.apps/${cmd.args[0]} created${dryRun === 'none' ? '' : dryRun === 'client' ? ' (dry run)' : ' (server dry run)'}\n`);
  return 0;
}
