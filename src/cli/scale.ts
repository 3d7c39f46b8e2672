// `kubesim scale`: set the replicas of deployments, replica sets and replication controllers.
import { CommandError } from '../api/errors.js';
import { displayName, parseTargets, scaleObject } from '../cluster/rollouts.js';
import { addGlobalFlags, FlagError, newCommand, parseArgs, Session } from './common.js';
import type { CliIO } from './io.js';

const HELP = `Set a new size for a deployment, replica set or replication controller.

 With --current-replicas, the size is only changed if it is currently that number.

Examples:
  # Scale a deployment named 'demo' to 5 replicas
  kubectl scale --replicas=5 deployment/demo

  # Scale it to 3 only if it now has 2
  kubectl scale --current-replicas=2 --replicas=3 deployment/demo

  # Scale several replication controllers at once
  kubectl scale --replicas=5 rc/foo rc/bar

Options:
    --current-replicas=-1:
	Precondition for current size. Requires that the current size of the resource match this value in order to scale.

    --dry-run='none':
	Must be "none", "server", or "client".

    --replicas=0:
	The new desired number of replicas. Required.

Usage:
  kubectl scale [--current-replicas=count] --replicas=COUNT (TYPE NAME | TYPE/NAME) [options]
`;

/** pflag's error for a value it cannot parse, as cobra prints it. */
export function invalidFlagValue(verb: string, flag: string, value: string, detail: string): FlagError {
  return new FlagError(`invalid argument "${value}" for "${flag}" flag: ${detail}\nSee 'kubectl ${verb} --help' for usage.`);
}

/** An int flag's parser (strconv.ParseInt's wording on failure). */
export function intFlag(verb: string, flag: string) {
  return (v: string): number => {
    if (!/^[-+]?\d+$/.test(v)) throw invalidFlagValue(verb, flag, v, `strconv.ParseInt: parsing "${v}": invalid syntax`);
    return Number(v);
  };
}

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
    for (const t of targets) scaleObject(state, ctx, t, session.namespace, opts.replicas, { currentReplicas: opts.currentReplicas, dryRun: dryRun !== 'none' });
  });
  for (const t of targets) io.stdout.write(`${displayName(t)} scaled${dryRun === 'none' ? '' : ` (${dryRun === 'client' ? 'dry run' : 'server dry run'})`}\n`);
  return 0;
}
