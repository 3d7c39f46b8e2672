// The environment variables every command reads, checked once before a verb runs, so a bad value is one
// clear error instead of a silent default (or a wrapped seed) somewhere inside.
import { CommandError } from '../api/errors.js';
import { parseSeed, SEED_RANGE } from '../util/seed.js';

/** KUBESIM_SEED that is not a seed the generator can use. */
export function seedEnvError(raw: string): CommandError {
  return new CommandError(`KUBESIM_SEED must be ${SEED_RANGE}, got "${raw}"`);
}

/** Throws the first problem with the environment (KUBESIM_SEED; KUBESIM_NOW is checked where the clock is made). */
export function checkEnvironment(env: NodeJS.ProcessEnv): void {
  const seed = env.KUBESIM_SEED;
  if (seed !== undefined && seed !== '' && parseSeed(seed) === undefined) throw seedEnvError(seed);
}
