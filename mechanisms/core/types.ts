/**
 * The mechanism contract (DESIGN §3). A mechanism is one object of data plus pure
 * functions over plain-JSON state: no I/O, no clock, no platform randomness. Time comes in
 * as `at` (milliseconds on the caller's clock); randomness comes from seeded streams
 * whose state lives inside the mechanism state.
 */
import type { z } from 'zod';
import type { SeedSet } from './random.ts';

/** A seat at the table: `p0`, `p1`, ... Never a transport session id. */
export type SeatId = `p${number}`;

/** Who may see an event: everyone, the listed seats (plus the experimenter), or the experimenter only. */
export type Audience = 'public' | 'experimenter' | readonly SeatId[];

/** Something that happened, as the engine reports it. The match runner adds seq and time. */
export interface MechEvent {
  readonly kind: string;
  readonly audience: Audience;
  readonly data: Readonly<Record<string, unknown>>;
}

export const REJECT_CODES = [
  'INVALID_ACTION', // does not match the action schema
  'UNKNOWN_SEAT', // no such seat in this match
  'STALE_STATE', // names a stateId from before the current decision phase
  'GAME_OVER', // the match has ended
  'NOT_YOUR_TURN', // this seat may not act now at all
  'NOT_ALLOWED', // this kind of action is not open to this seat now
  'OUT_OF_RANGE', // a parameter lies outside what legal() allows
] as const;
export type RejectCode = (typeof REJECT_CODES)[number];

export interface Rejection {
  readonly ok: false;
  readonly code: RejectCode;
  readonly message: string;
}

export interface Accepted<S> {
  readonly ok: true;
  readonly state: S;
  readonly events: readonly MechEvent[];
}

export type ApplyResult<S> = Accepted<S> | Rejection;

/** The fields every mechanism state carries; the match runner reads only these. */
export interface BaseState {
  /** Bumped by exactly one on every transition. */
  readonly stateId: number;
  /** stateId at which the current decision phase opened: actions naming an older stateId are stale. */
  readonly phaseId: number;
  /** The next time at which advance() changes something, or null when only actions can. */
  readonly deadline: number | null;
  readonly over: boolean;
}

/** The BaseState fields of a match that has just been set up: spread into each mechanism's setup(). */
export const OPENING = { stateId: 0, phaseId: 0, deadline: null, over: false } as const satisfies BaseState;

/**
 * One parameter of a legal action. Numbers carry their bounds (and grid), choices
 * their options, allocations a budget spread over named keys.
 */
export type ParamSpec =
  /** With a step, min and max lie on the grid min + k·step. */
  | { readonly kind: 'number'; readonly min: number; readonly max: number; readonly step?: number }
  | { readonly kind: 'choice'; readonly options: readonly (string | number)[] }
  | {
      readonly kind: 'allocation';
      readonly keys: readonly string[];
      readonly min: number;
      readonly max: number;
      readonly step?: number;
      /** Upper bound of the sum over keys. */
      readonly total: number;
    };

/** One action type this seat may take now, with the space of its parameters. */
export interface LegalAction {
  readonly type: string;
  readonly params: Readonly<Record<string, ParamSpec>>;
  /** Plain-language hint for humans and LLMs, e.g. "your value is 62". */
  readonly hint?: string;
}

/** What a seat may do now. Empty: nothing (waiting for others or for the clock). */
export type Legal = readonly LegalAction[];

/** What the mechanism says about seats for a given config. */
export interface SeatPlan {
  readonly min: number;
  readonly max: number;
  /** Role of each seat when `n` seats play, in seat order. */
  roles(n: number): readonly string[];
}

/** One participant-round: a row of rounds.csv (oTree-style wide columns). */
export interface ParticipantRound {
  readonly round: number;
  readonly seat: SeatId;
  readonly role: string;
  /** Columns particular to this mechanism: values, bids, prices, contributions... */
  readonly fields: Readonly<Record<string, number | string | boolean | null>>;
  readonly payoff: number;
  /** What the seat gets by not taking part this round; payoff below it is an IR violation. */
  readonly outside: number;
}

/** The result of a match, read by the harness. */
export interface Outcome {
  readonly payoffs: Readonly<Record<SeatId, number>>;
  /** What the mechanism collects (auction payments, public-goods contributions). */
  readonly revenue: number;
  /** Realised total surplus. */
  readonly welfare: number;
  /** Surplus of the efficient outcome under the same draws. */
  readonly maxWelfare: number;
  readonly rows: readonly ParticipantRound[];
  /**
   * Quantities particular to this mechanism (trades, mean_price, contribution_rate...).
   * Always the same keys for a mechanism; null where a quantity is undefined (a mean price without trades).
   */
  readonly measures: Readonly<Record<string, number | null>>;
}

/**
 * A mechanism: rules, action space, information policy, allocation, payments, timing.
 * All functions are pure; none mutates its inputs.
 */
export interface Mechanism<C = unknown, S extends BaseState = BaseState, A extends { type: string } = { type: string }, V = unknown, P = unknown> {
  readonly id: string;
  readonly version: number;
  readonly title: string;
  /** Plain-language rules for this config, shown to humans and LLMs. */
  rules(config: C): string;
  /** Every parameter with a default; information and communication policy included. */
  readonly configSchema: z.ZodType<C>;
  /** One discriminated union over `type`. */
  readonly actionSchema: z.ZodType<A>;
  seats(config: C): SeatPlan;
  /** Draws private types from the seeded streams; seat i's draws come only from seeds.seat(i). */
  setup(config: C, seats: readonly SeatId[], seeds: SeedSet): S;
  legal(state: S, seat: SeatId): Legal;
  /**
   * Applies an action that already passed the schema, the stateId check and legal().
   * May still reject for reasons legal() does not express.
   */
  apply(state: S, seat: SeatId, action: A, at: number): ApplyResult<S>;
  /** Lets time pass: closes phases whose deadline is at or before `at`, schedules the first ones. */
  advance(state: S, at: number): { readonly state: S; readonly events: readonly MechEvent[] };
  /** Everything this seat may know now, as plain JSON. */
  view(state: S, seat: SeatId): V;
  /** What spectators may know now. */
  publicView(state: S): P;
  /** The seat's view as text, for LLM prompts and logs. */
  describe(view: V): string;
  outcome(state: S): Outcome;
  /** Bounds of one seat's total payoff over a match with this config and seat count (checked by conformance). */
  payoffBounds(config: C, seats: number): { readonly min: number; readonly max: number };
  /** True once the rules have revealed every seat's private draws to everyone (e.g. after the market closes). */
  revealsPrivate?(state: S): boolean;
}

/** A mechanism with its type parameters erased, as the registry holds it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyMechanism = Mechanism<any, any, any, any, any>;

export const mechanismKey = (m: { id: string; version: number }): string => `${m.id}@${m.version}`;
