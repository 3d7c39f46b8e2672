// `kubesim scale`: set the replicas of deployments, replica sets and replication controllers.
import { CommandError } from '../api/errors.js';
import { displayName, parseTargets, scaleObject } from '../cluster/rollouts.js';
import { addGlobalFlags, intFlag, invalidFlagValue, newCommand, parseArgs } from './common.js';

export { intFlag, invalidFlagValue };
import { Session } from './session.js';
import type { CliIO } from './io.js';

// kubectl's help, keeping the kinds, examples and flags kubesim supports.
const HELP = `Change the desired replica count of deployments, replica sets, replication controllers or stateful sets. The simulated controllers then create or remove pods to match, on the simulated clock.

 --current-replicas and --resource-version are preconditions: when given, kubesim checks them against the live object in the same step as the change, and refuses to scale if they do not hold.

Examples:
  # Ask for three replicas of the replica set foo
  kubectl scale --replicas=3 rs/foo
  
  # Go from two to three replicas, only if mysql has two now
  kubectl scale --current-replicas=2 --replicas=3 deployment/mysql
  
  # Set the same size on several objects at once
  kubectl scale --replicas=5 rc/example1 rc/example2 rc/example3

Options:
    --current-replicas=-1:
	Scale only if the object currently asks for exactly this many replicas; -1 means no such check.

    --dry-run='none':
	One of "none", "server" or "client". "client" prints the object kubesim would send and stops there; "server" also lets the simulated API server default and check it, but stores nothing. Either way the simulated cluster is left unchanged.

    --replicas=0:
	The replica count to set (required).

    --resource-version='':
	Scale only if the object's resourceVersion is still this one.

Usage:
  kubectl scale [--resource-version=version] [--current-replicas=count] --replicas=COUNT (TYPE NAME | TYPE/NAME) [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

/** GetDryRunStrategy: a bare --dry-run (and the old boolean spellings) still mean client. */
export function dryRunMode(v: string | undefined): 'none' | 'client' | 'server' {
  if (v === undefined || v === 'none' || v === 'false') return 'none';
  if (v === 'client' || v === 'server') return v;
  if (v === 'unchanged' || v === 'true') return 'client';
  throw new CommandError(`Invalid dry-run value (${v}). Must be "none", "server", or "client".`);
}

/**
 * pflag spellings commander does not know: a bare `--dry-run` (its NoOptDefVal) and `--watch=false` on a
 * boolean flag. Values never swallow the next argument.
 */
export function normalizeFlags(argv: string[]): string[] {
  return argv.map((a) => {
    if (a === '--dry-run') return '--dry-run=unchanged';
    const m = /^(-w|--watch)=(.*)$/.exec(a);
    if (m) {
      if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(m[2])) return '--watch';
      if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(m[2])) return '--no-watch';
      throw invalidFlagValue('rollout status', '-w, --watch', m[2], `strconv.ParseBool: parsing "${m[2]}": invalid syntax`);
    }
    return a;
  });
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('scale', io, HELP));
  cmd
    .option('--replicas <count>', 'new size', intFlag('scale', '--replicas'))
    .option('--current-replicas <count>', 'precondition', intFlag('scale', '--current-replicas'), -1)
    .option('--resource-version <version>', 'precondition')
    .option('--dry-run <strategy>', 'none, server or client');
  if (!parseArgs(cmd, normalizeFlags(argv), 'scale')) return 0;
  const opts = cmd.opts();
  if (opts.replicas === undefined) throw new CommandError('required flag(s) "replicas" not set');
  if (opts.replicas < 0) throw new CommandError('The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0');
  const dryRun = dryRunMode(opts.dryRun);
  const targets = parseTargets(cmd.args);
  const session = new Session(opts, io);
  await session.change((state, ctx) => {
    // A client dry run only prints: kubectl checks no precondition then.
    const client = dryRun === 'client';
    for (const t of targets) {
      scaleObject(state, ctx, t, session.namespace, opts.replicas, {
        currentReplicas: client ? undefined : opts.currentReplicas,
        resourceVersion: client ? undefined : opts.resourceVersion,
        dryRun: dryRun !== 'none',
      });
    }
  });
  for (const t of targets) io.stdout.write(`${displayName(t)} scaled${dryRun === 'none' ? '' : ` (${dryRun === 'client' ? 'dry run' : 'server dry run'})`}\n`);
  return 0;
}
