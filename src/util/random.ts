// The one source of randomness. Its state lives in the cluster state file, so the same seed and the same
// command sequence make the same names, IPs, ports and load-balancing choices.
// Named imports: the bundle keeps only the generator and distribution used, not pure-rand's whole default object.
import { unsafeUniformIntDistribution, xoroshiro128plus, type RandomGenerator } from 'pure-rand';

/** The alphabet of apimachinery's utilrand.String: no vowels, no 0, 1 or 3. */
export const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export type RandomState = number[];

// The seed's syntax is its own module: every command checks KUBESIM_SEED without loading the generator.
export { parseSeed, SEED_RANGE } from './seed.js';

export class Random {
  private gen: RandomGenerator;

  private constructor(gen: RandomGenerator) {
    this.gen = gen;
  }

  static fromSeed(seed: number): Random {
    return new Random(xoroshiro128plus(seed | 0));
  }

  static fromState(state: RandomState): Random {
    return new Random(xoroshiro128plus.fromState(state));
  }

  /** Serialisable position of the generator, to store back in the state. */
  state(): RandomState {
    return this.gen.getState!() as number[];
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (n <= 1) return 0;
    return unsafeUniformIntDistribution(0, n - 1, this.gen);
  }

  /** Uniform integer in [lo, hi], inclusive. */
  range(lo: number, hi: number): number {
    return unsafeUniformIntDistribution(lo, hi, this.gen);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** utilrand.String(n): the suffix of generated names. */
  nameSuffix(n = 5): string {
    let s = '';
    for (let i = 0; i < n; i++) s += NAME_ALPHABET[this.int(NAME_ALPHABET.length)];
    return s;
  }

  hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[this.int(16)];
    return s;
  }

  /** A version-4 UUID, as the API server sets metadata.uid. */
  uuid(): string {
    const h = this.hex(32).split('');
    h[12] = '4';
    h[16] = '89ab'[this.int(4)];
    const s = h.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }
}
