/**
 * What a table learner sees of a seat: a finite action space (the seat's legal() made a
 * list by `enumerate`, continuous ranges by a declared discretisation) and a finite state
 * made of features of its view: each feature a view field that holds action indices of
 * every seat (e.g. the last period's prices as grid indices), or a number put into bins.
 * Mechanism-agnostic: any mechanism whose legal() is finite (or discretised) can host a learner.
 */
import { z } from 'zod';
import { enumerate } from '../../mechanisms/core/legal.ts';
import type { Legal } from '../../mechanisms/core/types.ts';
import type { Rng } from '../../mechanisms/core/random.ts';
import { strictObject } from '../../mechanisms/core/config.ts';
import type { Action } from '../policy.ts';

export const featureSchema = z.union([
  /** A field holding every seat's last action as an index into this action list (null before the first period). */
  strictObject({ field: z.string().min(1), kind: z.literal('indices').default('indices') }),
  /** A numeric field cut into `bins` equal bins over [min, max]. */
  strictObject({ field: z.string().min(1), kind: z.literal('bins'), bins: z.number().int().min(1).max(1000), min: z.number(), max: z.number() }),
]);
export type Feature = z.output<typeof featureSchema>;

/** The action list of a seat and the index of each action's key. */
export class ActionSpace {
  readonly actions: readonly Action[];
  readonly #index = new Map<string, number>();

  constructor(legal: Legal, points: number | undefined) {
    this.actions = enumerate(legal, points === undefined ? undefined : { points });
    if (this.actions.length === 0) throw new Error('a learner needs at least one action to choose from');
    this.actions.forEach((a, i) => this.#index.set(JSON.stringify(a), i));
  }

  get size(): number {
    return this.actions.length;
  }

  indexOf(action: Action): number {
    return this.#index.get(JSON.stringify(action)) ?? -1;
  }
}

/**
 * Turns a view into a state number: the features' values in a mixed radix, `memory`
 * periods of them (the learner keeps the earlier ones). Before the first period (a feature
 * is null) the state is drawn at random, as Calvano et al. start their sessions.
 */
export class StateCoder {
  readonly #features: readonly Feature[];
  readonly #seats: number;
  readonly #actions: number;
  readonly #memory: number;
  /** States one period of features can take. */
  readonly perPeriod: number;
  readonly size: number;
  #past: number[] = [];

  constructor(features: readonly Feature[], seats: number, actions: number, memory: number) {
    this.#features = features;
    this.#seats = seats;
    this.#actions = actions;
    this.#memory = memory;
    let per = 1;
    for (const f of features) per *= f.kind === 'indices' ? actions ** seats : f.bins;
    this.perPeriod = per;
    this.size = per ** memory;
    if (!Number.isSafeInteger(this.size) || this.size > 50_000_000) throw new Error(`${this.size} states: too many for a table learner (fewer actions, seats, bins or less memory)`);
  }

  /** The state of this view (the newest period's features, then the kept older ones). */
  code(view: Readonly<Record<string, unknown>>, rng: Rng): number {
    let now = 0;
    let known = true;
    for (const f of this.#features) {
      const value = view[f.field];
      if (f.kind === 'indices') {
        const xs = value as readonly number[] | null | undefined;
        if (!xs) {
          known = false;
          break;
        }
        let x = 0;
        for (let i = 0; i < this.#seats; i++) x = x * this.#actions + (xs[i] as number);
        now = now * this.#actions ** this.#seats + x;
      } else {
        if (typeof value !== 'number') {
          known = false;
          break;
        }
        const bin = Math.min(f.bins - 1, Math.max(0, Math.floor(((value - f.min) / (f.max - f.min)) * f.bins)));
        now = now * f.bins + bin;
      }
    }
    if (!known) now = rng.int(0, this.perPeriod - 1);
    if (this.#memory === 1) return now;
    this.#past = [now, ...this.#past].slice(0, this.#memory);
    while (this.#past.length < this.#memory) this.#past.push(rng.int(0, this.perPeriod - 1));
    let s = 0;
    for (const x of this.#past) s = s * this.perPeriod + x;
    return s;
  }

  /** Forgets the kept periods (a new episode). */
  reset(): void {
    this.#past = [];
  }

  /** A copy with the same kept periods. */
  fork(): StateCoder {
    const copy = new StateCoder(this.#features, this.#seats, this.#actions, this.#memory);
    copy.#past = [...this.#past];
    return copy;
  }
}
