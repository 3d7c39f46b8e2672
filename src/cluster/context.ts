// What controllers and the network engine take instead of globals: the clock and the random source.
import type { Clock } from '../util/clock.js';
import type { Random } from '../util/random.js';
import type { ImageSpec } from '../apps/images.js';

export interface Ctx {
  clock: Clock;
  random: Random;
  /** The user's images file (README "Your own images"): they pull and run like the built-in ones. */
  images?: readonly ImageSpec[];
}
