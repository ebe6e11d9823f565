/**
 * The mechanism contract (DESIGN §3). A mechanism is one object of data plus pure
 * functions over plain-JSON state: no I/O, no clock, no platform randomness. Time comes in
 * as `at` (milliseconds on the caller's clock); randomness comes from seeded streams
 * whose state lives inside the mechanism state.
 */
import type { z } from 'zod';
import type { SeedSet } from './random.ts';
import type { RoundFieldSpec, TableSpec } from './tables.ts';

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

/**
 * What seats earned by one transition (an action or a step of time): the sum of a seat's
 * rewards over a match is its payoff in the outcome (the conformance suite checks it).
 * Seats that earned nothing are left out.
 */
export type Rewards = Readonly<Partial<Record<SeatId, number>>>;

export interface Accepted<S> {
  readonly ok: true;
  readonly state: S;
  readonly events: readonly MechEvent[];
  readonly rewards?: Rewards;
}

/** What a step of time did: the next state (the same object when nothing happened), its events and rewards. */
export interface Advanced<S> {
  readonly state: S;
  readonly events: readonly MechEvent[];
  readonly rewards?: Rewards;
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
  /** A whole number from min to max. */
  | { readonly kind: 'integer'; readonly min: number; readonly max: number }
  | { readonly kind: 'choice'; readonly options: readonly (string | number)[] }
  | {
      readonly kind: 'allocation';
      readonly keys: readonly string[];
      readonly min: number;
      readonly max: number;
      readonly step?: number;
      /** Upper bound of the sum over keys. */
      readonly total: number;
    }
  /** A probability for each key: each at least 0, together exactly 1 (a forecast, a mixed strategy). */
  | { readonly kind: 'simplex'; readonly keys: readonly string[] }
  /** An order over all the named options, most preferred first (a rank-order list). */
  | { readonly kind: 'ranking'; readonly options: readonly string[] }
  /**
   * Bids on bundles: a list of at most `maxBids` entries `{ items, price }`, each a
   * non-empty set of distinct items with a price in [min, max] (on the grid with a step).
   */
  | { readonly kind: 'bundle'; readonly items: readonly string[]; readonly maxBids: number; readonly min: number; readonly max: number; readonly step?: number };

/** One action type this seat may take now, with the space of its parameters. */
export interface LegalAction {
  readonly type: string;
  readonly params: Readonly<Record<string, ParamSpec>>;
  /** Plain-language hint for humans and LLMs, e.g. "your value is 62". */
  readonly hint?: string;
}

/** What a seat may do now. Empty: nothing (waiting for others or for the clock). */
export type Legal = readonly LegalAction[];

/** What a mechanism is, for analysis and for the policies that play it. */
export interface Traits {
  /** How seats move: together in rounds, one after another, or whenever they like. */
  readonly timing: 'simultaneous' | 'sequential' | 'continuous';
  /** Whether payoffs always sum to the same total (then one seat's gain is another's loss). */
  readonly utility: 'general' | 'constant-sum';
  /** Whether the mechanism draws at random (private values, ties, orders). */
  readonly chance: boolean;
  /** What each seat holds that the others do not see, in words ('its value for the item'). */
  readonly private: readonly string[];
}

/** Where a match stands: rooms, exports and the web client read this, never guess it. */
export interface Progress {
  /** The round (or period) under way, or the last one once the match is over; counted from 1. */
  readonly round: number;
  /** How many there are in all; null when the match has no fixed length. */
  readonly rounds: number | null;
  /** What this mechanism calls a round. */
  readonly unit: 'round' | 'period';
  /** The stage of the round under way, in the mechanism's words ('bidding', 'punishment', 'trading'), 'over' at the end. */
  readonly phase: string;
}

/** A named reference value the engine computes for a config (an equilibrium price, a collusive profit). */
export interface Benchmark {
  /** null when it is not defined for this config (or depends on draws a config does not fix). */
  readonly value: number | null;
  readonly unit: string;
  readonly definition: string;
  /** Who may be shown it: 'experimenter' when it reveals private draws (a schedule's equilibrium). */
  readonly audience: 'public' | 'experimenter';
}

/** A quantity a mechanism measures per match, declared with its unit and meaning; its own namespace beside the harness metrics. */
export interface MeasureSpec {
  readonly name: string;
  readonly unit: string;
  readonly definition: string;
}

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

/**
 * The event a mechanism records when a round (or period) closes, experimenter audience:
 * one row per participant. Tables of participant-rounds (rounds.csv, the session CSV) are
 * folded from these events: the record holds the history, the state does not.
 */
export const ROUND_RECORD = 'round_record';
export interface RoundRecordData {
  readonly round: number;
  readonly rows: readonly ParticipantRound[];
}

/** The result of a match so far, read by the harness: sums kept in the state, never a history. */
export interface Outcome {
  /** Each seat's payoff: the sum of its rewards. */
  readonly payoffs: Readonly<Record<SeatId, number>>;
  /** What the mechanism collects (auction payments, public-goods contributions). */
  readonly revenue: number;
  /** Realised total surplus. */
  readonly welfare: number;
  /** Surplus of the efficient outcome under the same draws. */
  readonly maxWelfare: number;
  /**
   * The declared measures (Mechanism.measures), by name: always the same keys; null where a
   * quantity is undefined (a mean price without trades).
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
  readonly traits: Traits;
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
  advance(state: S, at: number): Advanced<S>;
  /** Everything this seat may know now, as plain JSON. */
  view(state: S, seat: SeatId): V;
  /** What spectators may know now. */
  publicView(state: S): P;
  /** The seat's view as text, for LLM prompts and logs. */
  describe(view: V): string;
  /** Where the match stands (round, of how many, phase). */
  progress(state: S): Progress;
  outcome(state: S): Outcome;
  /** Named reference values for this config and seat count, computed by the engine. */
  benchmarks(config: C, seats: number): Readonly<Record<string, Benchmark>>;
  /** The quantities outcome().measures holds, with units and meanings. */
  readonly measures: readonly MeasureSpec[];
  /** Tidy tables of this mechanism's own kind over a record (trades, orders), for exports and results folders. */
  readonly tables?: readonly TableSpec[];
  /** Units and meanings of the fields of its participant-round rows (ParticipantRound.fields), for the data dictionary. */
  readonly roundFields?: Readonly<Record<string, RoundFieldSpec>>;
  /** Bounds of one seat's total payoff over a match with this config and seat count (checked by conformance). */
  payoffBounds(config: C, seats: number): { readonly min: number; readonly max: number };
  /**
   * The config of one round of this game (a hypothetical the LLM payoff tool plays): the
   * same rules for a single round, or period. Checked by conformance for every mechanism.
   */
  oneRound(config: C): C;
  /** Names of the scripted policies written for this mechanism (bots/); generic ones ('random', 'llm', learners) play any. */
  readonly policies: readonly string[];
  /**
   * The honest population: the policy (with params) that plays a seat the way the
   * mechanism's benchmarks assume (equilibrium bidders, ZI-C traders, Nash pricers). The
   * indicators' Monte Carlo null (studies/indicators.ts) replays a record with its suspect
   * seats played by it; without one, the null needs a policy named by the caller.
   */
  readonly baseline?: { readonly policy: string; readonly params?: Readonly<Record<string, unknown>> };
  /**
   * The top-level fields of views and of the public view that may, by the rules, show other
   * seats' private draws in this state (revealed schedules, revealed endowments). The
   * non-interference check compares every other field, in every state.
   */
  revealedFields?(state: S): readonly string[];
}

/** A mechanism with its type parameters erased, as the registry holds it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyMechanism = Mechanism<any, any, any, any, any>;

export const mechanismKey = (m: { id: string; version: number }): string => `${m.id}@${m.version}`;
