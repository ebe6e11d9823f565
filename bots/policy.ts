/**
 * A policy sees what a seat sees and nothing else (DESIGN §7): its view, what is
 * legal now, and the view as text. It never reads engine state.
 */
import type { z } from 'zod';
import type { Legal, SeatId } from '../mechanisms/core/types.ts';
import type { Rng } from '../mechanisms/core/random.ts';

export interface Observation<V = unknown> {
  /** Mechanism id (without version), e.g. 'first-price'. */
  readonly mechanism: string;
  readonly seat: SeatId;
  readonly stateId: number;
  readonly view: V;
  readonly legal: Legal;
  /** describe(view); computed on first read. */
  readonly text: string;
  /** The seat's clock, in the same milliseconds the engine gets. */
  readonly now: number;
}

/** An observation whose text is made from the view only when a policy reads it (most never do). */
export class SeatObservation<V = unknown> implements Observation<V> {
  readonly mechanism: string;
  readonly seat: SeatId;
  readonly stateId: number;
  readonly view: V;
  readonly legal: Legal;
  readonly now: number;
  readonly #describe: ((view: V) => string) | undefined;
  #text: string | undefined;

  constructor(mechanism: string, seat: SeatId, stateId: number, view: V, legal: Legal, now: number, describe?: (view: V) => string) {
    this.mechanism = mechanism;
    this.seat = seat;
    this.stateId = stateId;
    this.view = view;
    this.legal = legal;
    this.now = now;
    this.#describe = describe;
  }

  get text(): string {
    this.#text ??= this.#describe ? this.#describe(this.view) : JSON.stringify(this.view);
    return this.#text;
  }
}

export type Action = { readonly type: string } & Readonly<Record<string, unknown>>;

export interface Decision {
  readonly action: Action;
  /** Optional remark kept in the record (why the policy did what it did). */
  readonly note?: string;
}

/** Decides for one seat; null means "do nothing now". */
export interface Policy<V = unknown> {
  readonly name: string;
  decide(obs: Observation<V>, rng: Rng): Decision | null;
}

/** Makes policies of one kind from validated parameters. */
export interface PolicyFactory<P = unknown> {
  readonly name: string;
  readonly description: string;
  /** Mechanism ids this policy understands; '*' for any. */
  readonly mechanisms: readonly string[] | '*';
  readonly paramsSchema: z.ZodType<P>;
  create(params: P): Policy;
}

export const decision = (action: Action, note?: string): Decision => (note === undefined ? { action } : { action, note });
