/**
 * Seeded randomness over pure-rand. Mechanisms keep the raw generator state
 * (`RngState`, four 32-bit integers) inside their own state and draw through
 * `draw()`, so a state is plain JSON and replays exactly.
 */
import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

export type RngState = readonly number[];

/**
 * The seeds of one match: a shared stream for the mechanism's public chance moves
 * and one stream per seat for its private draws. Overriding one seat's stream
 * changes that seat's draws and nothing else (the conformance suite relies on it).
 */
export interface SeedSet {
  readonly seed: number;
  /** Seat index -> seed replacing that seat's derived stream. */
  readonly seatOverrides?: Readonly<Record<number, number>>;
}

/** Mixes two 32-bit integers into a well-spread 32-bit seed (murmur3 finaliser). */
export function deriveSeed(seed: number, stream: number): number {
  let h = (seed ^ Math.imul(stream + 0x9e3779b9, 0x85ebca6b)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const SHARED_STREAM = 0x5eed;

export function sharedStream(seeds: SeedSet): RngState {
  return xoroshiro128plus(deriveSeed(seeds.seed, SHARED_STREAM)).getState();
}

export function seatStream(seeds: SeedSet, seatIndex: number): RngState {
  return seatRng(seeds, seatIndex).state();
}

/** Seat i's private stream as a generator, for drawing at setup. */
export function seatRng(seeds: SeedSet, seatIndex: number): Rng {
  const override = seeds.seatOverrides?.[seatIndex];
  return Rng.fromSeed(override ?? deriveSeed(seeds.seed, seatIndex + 1));
}

/** A mutable random source for code that owns its generator (bots, runners, tests). */
export class Rng {
  #gen: RandomGenerator | null;
  readonly #seed: number;

  /**
   * From a seed (mixed first, so nearby seeds give unrelated streams), or from a
   * stored state. `premixed` takes the seed as it is, for seeds from deriveSeed().
   */
  constructor(seedOrState: number | RngState, premixed = false) {
    if (typeof seedOrState !== 'number') {
      this.#gen = xoroshiro128plusFromState(seedOrState);
      this.#seed = 0;
    } else {
      this.#gen = null;
      this.#seed = premixed ? seedOrState : deriveSeed(seedOrState, 0);
    }
  }

  /** From an already well-mixed 32-bit seed, as deriveSeed() returns. */
  static fromSeed(mixedSeed: number): Rng {
    const rng = new Rng(mixedSeed, true);
    rng.#g();
    return rng;
  }

  /** Like fromSeed, but the generator is only made on the first draw (many policies never draw). */
  static lazy(mixedSeed: number): Rng {
    return new Rng(mixedSeed, true);
  }

  #g(): RandomGenerator {
    this.#gen ??= xoroshiro128plus(this.#seed);
    return this.#gen;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return uniformFloat64(this.#g());
  }

  /** Uniform in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * uniformFloat64(this.#g());
  }

  /** Uniform integer in [low, high], both included. */
  int(low: number, high: number): number {
    return uniformInt(this.#g(), low, high);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[uniformInt(this.#g(), 0, items.length - 1)] as T;
  }

  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    return this.shuffleInPlace(items.slice());
  }

  /** Shuffles `items` itself (the same draws as shuffle), for loops that reuse one array. */
  shuffleInPlace<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = uniformInt(this.#g(), 0, i);
      const t = items[i] as T;
      items[i] = items[j] as T;
      items[j] = t;
    }
    return items;
  }

  state(): RngState {
    return this.#g().getState();
  }
}

/** Draws from a stored stream: returns the drawn value and the stream's next state. */
export function draw<T>(state: RngState, fn: (rng: Rng) => T): [T, RngState] {
  const rng = new Rng(state);
  const value = fn(rng);
  return [value, rng.state()];
}
