// `kubesim run` (not yet built).
import { CommandError } from '../api/errors.js';
import type { CliIO } from './io.js';

export async function run(_argv: string[], _io: CliIO): Promise<number> {
  throw new CommandError('"run" is not implemented yet');
}
