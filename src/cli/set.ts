// `kubesim set image`: change container images of a workload's pod template (or a pod), starting a rollout.
import { CommandError } from '../api/errors.js';
import { displayName, parseTargets, setImages } from '../cluster/rollouts.js';
import { addGlobalFlags, newCommand, parseArgs, Session } from './common.js';
import type { CliIO } from './io.js';
import { dryRunMode, normalizeFlags } from './scale.js';

const HELP = `Configure application resources.

 These commands help you make changes to existing application resources.

Available Commands:
  image            Update the image of a pod template

Usage:
  kubectl set SUBCOMMAND [options]
`;

const IMAGE_HELP = `Update existing container image(s) of resources.

 Possible resources include (case insensitive):

  pod (po), replicationcontroller (rc), deployment (deploy), replicaset (rs)

Examples:
  # Set a deployment's demo container image to 'demo:1.1.0'
  kubectl set image deployment/demo demo=demo:1.1.0

  # Update the image of all containers of a deployment
  kubectl set image deployment/demo *=demo:1.1.0

Usage:
  kubectl set image (TYPE NAME | TYPE/NAME) CONTAINER_NAME_1=CONTAINER_IMAGE_1 ... CONTAINER_NAME_N=CONTAINER_IMAGE_N [options]
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
