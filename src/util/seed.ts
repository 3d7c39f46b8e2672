// The seeds the generator (src/util/random.ts) accepts, kept apart from it so that checking KUBESIM_SEED,
// which every command does, loads no generator code.

/** The seeds the generator tells apart: it takes a 32-bit integer. */
export const SEED_RANGE = 'an integer between -2147483648 and 2147483647';

/** A seed written in decimal that fits the generator, else undefined (no silent wrapping or rounding). */
export function parseSeed(text: string): number | undefined {
  if (!/^[-+]?\d{1,20}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= -2147483648 && n <= 2147483647 ? n : undefined;
}
