// `kubesim create -f FILE` and `kubesim create <subcommand>` (not yet built: -f and namespace are the
// create verb's own; service and deployment subcommands live in their own modules).
import { CommandError } from '../api/errors.js';
import type { CliIO, Verb } from './io.js';

/** `create <sub>` generators, each its own module. */
export const SUBCOMMANDS: Record<string, () => Promise<Verb>> = {
  service: () => import('./create-service.js'),
  svc: () => import('./create-service.js'),
  deployment: () => import('./create-deployment.js'),
  deploy: () => import('./create-deployment.js'),
  namespace: () => import('./create-namespace.js'),
  ns: () => import('./create-namespace.js'),
};

export async function run(argv: string[], io: CliIO): Promise<number> {
  const sub = argv.find((a) => !a.startsWith('-'));
  if (sub && SUBCOMMANDS[sub]) {
    const verb = await SUBCOMMANDS[sub]();
    return verb.run(argv.filter((a, i) => i !== argv.indexOf(sub)), io);
  }
  throw new CommandError('"create -f" is not implemented yet');
}
