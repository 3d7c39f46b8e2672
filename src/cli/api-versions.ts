// `kubesim api-versions`: the group/version of every API group the simulated API server serves, one per line
// in kubectl's order (sorted as strings; the core group is plain "v1").
import { apiVersionOf, OLDER_VERSIONS, RESOURCES } from '../api/resources.js';
import { CommandError } from '../api/errors.js';
import { addGlobalFlags, newCommand, parseArgs } from './common.js';
import type { CliIO } from './io.js';

const HELP = `Print the API versions kubesim's simulated API server serves, as "group/version" (the core group is "v1").

Examples:
  # One group/version a line
  kubectl api-versions

Usage:
  kubectl api-versions [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('api-versions', io, HELP));
  if (!parseArgs(cmd, argv, 'api-versions')) return 0;
  if (cmd.args.length) throw new CommandError(`unexpected arguments: [${cmd.args.join(' ')}]`, { usageOf: 'api-versions' });
  const versions = [...new Set([...RESOURCES, ...OLDER_VERSIONS].map(apiVersionOf))].sort();
  io.stdout.write(versions.map((v) => `${v}\n`).join(''));
  return 0;
}
