// `kubesim set image`: change container images of a workload's pod template (or a pod), starting a rollout.
import { CommandError } from '../api/errors.js';
import { displayName, parseTargets, setImages } from '../cluster/rollouts.js';
import { addGlobalFlags, newCommand, parseArgs } from './common.js';
import { Session } from './session.js';
import type { CliIO } from './io.js';
import { dryRunMode, normalizeFlags } from './scale.js';

const HELP = `Configure application resources.

 These commands help you make changes to existing application resources.

Available Commands:
  image            Update the image of a pod template

Usage:
  kubectl set SUBCOMMAND [options]

Use "kubectl set <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

// kubectl's help, keeping the resource kinds, examples and flags kubesim supports.
const IMAGE_HELP = `Update existing container image(s) of resources.

 Possible resources include (case insensitive):

        pod (po), replicationcontroller (rc), deployment (deploy), replicaset (rs)

Examples:
  # Set a deployment's nginx container image to 'nginx:1.9.1', and its busybox container image to 'busybox'
  kubectl set image deployment/nginx busybox=busybox nginx=nginx:1.9.1

Options:
    --dry-run='none':
	Must be "none", "server", or "client". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.

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
  if (sub !== 'image') throw new CommandError(`unknown command "${sub}"`, { usageOf: 'set' });
  const rest = argv.filter((_, i) => i !== argv.indexOf(sub));
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
