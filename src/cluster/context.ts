// What controllers and the network engine take instead of globals: the clock and the random source.
import type { Clock } from '../util/clock.js';
import type { Random } from '../util/random.js';

export interface Ctx {
  clock: Clock;
  random: Random;
}
