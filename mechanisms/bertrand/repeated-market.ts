/**
 * The repeated oligopoly that bertrand and cournot share: n firms each name one number
 * per period (a price in bertrand, a quantity in cournot), all at once, on a grid or a
 * continuous range; a period closes when every firm has named one, or at its deadline,
 * where a firm that has not keeps last period's choice (in period 1: its one-shot Nash
 * choice, on its grid). Each mechanism brings its demand side (a `MarketModel`), its
 * information policy and its views; this module keeps the periods.
 *
 * Built for millions of periods: the state keeps running sums, last period and the last
 * `recall` periods, never a growing history (each closed period is a `round_record` event:
 * the record holds the history). What a config implies (grids, legal actions, and on a
 * grid the outcome of each joint choice, made when first met) is derived once per config
 * object and cached; a period on a grid then costs one lookup and a few small objects.
 */
import { z } from 'zod';
import { strictObject } from '../core/config.ts';
import { communicationSchema, type Communication } from '../core/policy.ts';
import { OPENING, ROUND_RECORD, type Accepted, type Advanced, type ApplyResult, type Legal, type MechEvent, type Outcome, type ParticipantRound, type Progress, type Rewards, type SeatId } from '../core/types.ts';
import { reject } from '../core/legal.ts';

export const MAX_PERIODS = 100_000_000;
export const MAX_RECALL = 1000;

export const rangeSchema = strictObject({ low: z.number().min(0), high: z.number() }).refine((r) => r.high > r.low, { message: 'high must exceed low', path: ['high'] });

/** The config fields every repeated market has; each mechanism adds its demand side and information policy. */
export const repeatedMarketFields = {
  periods: z.number().int().min(1).max(MAX_PERIODS).default(1000).meta({ title: 'Periods' }),
  /** How many closed periods a view lists (last period is always shown; the record keeps them all). */
  recall: z.number().int().min(0).max(MAX_RECALL).default(10).meta({ title: 'Periods shown', description: 'How many closed periods a view lists (last period is always shown; the record keeps them all).' }),
  /** Points of each firm's grid; null: any number in the range (continuous). */
  grid: z.number().int().min(2).max(1000).nullable().default(15).meta({ title: 'Choice grid points', description: 'Points of each firm\'s grid; none: any number in the range (continuous).' }),
  /** How far the range reaches beyond a firm's Nash and collusive choices, as a share of their gap. */
  xi: z.number().min(0).max(10).default(0.1).meta({ title: 'Range margin (ξ)', description: 'How far the range reaches beyond a firm\'s Nash and collusive choices, as a share of their gap.' }),
  /** The same explicit range for every firm, replacing the span from its Nash and collusive choices. */
  range: rangeSchema.nullable().default(null).meta({ title: 'Range', description: 'The same explicit range for every firm, replacing the span from its Nash and collusive choices.' }),
  /** Period length in ms; null: a period closes only when every firm has chosen. */
  periodMs: z.number().int().min(1).max(86_400_000).nullable().default(null).meta({ title: 'Period length', unit: 'ms', description: 'Period length; none: a period closes only when every firm has chosen.' }),
  /** The measures' window: the last this many periods of the match; null: the whole match. */
  gainWindow: z.number().int().min(1).max(MAX_PERIODS).nullable().default(null).meta({ title: 'Measures\' window', description: 'The measures\' window: the last this many periods of the match; none: the whole match.' }),
  communication: communicationSchema,
};

export interface RepeatedMarketConfig {
  readonly periods: number;
  readonly recall: number;
  readonly grid: number | null;
  readonly xi: number;
  readonly range: { readonly low: number; readonly high: number } | null;
  readonly periodMs: number | null;
  readonly gainWindow: number | null;
  readonly communication: Communication;
}

/** A value given once for every firm, or firm by firm. */
export type PerFirm = number | readonly number[];

/** Firm i's entry of a per-firm value. */
export const firmValue = (v: PerFirm, i: number): number => (typeof v === 'number' ? v : (v[i] as number));

/** The seat count a config fixes (the length of its per-firm lists), or null when any count fits. */
export function firmsFixedBy(...values: (PerFirm | null)[]): number | null {
  for (const v of values) if (v !== null && typeof v !== 'number') return v.length;
  return null;
}

/** Whether the per-firm lists of a config have one length. */
export const sameLengths = (...values: (PerFirm | null)[]): boolean => new Set(values.filter((v): v is readonly number[] => v !== null && typeof v !== 'number').map((v) => v.length)).size <= 1;

/** What one firm may name: an interval, and the points of its grid (ascending) unless continuous. */
export interface ChoiceSpace {
  readonly low: number;
  readonly high: number;
  readonly grid: readonly number[] | null;
}

/**
 * A market's demand side for one config and number of firms, derived once. `evaluate`
 * is the one place a period's outcome is computed.
 */
export interface MarketModel {
  readonly spaces: readonly ChoiceSpace[];
  /** Each firm's one-shot Nash choice (price or quantity): the period-1 choice of a firm that missed the deadline, snapped to its grid. */
  readonly nashChoices: readonly number[];
  /**
   * One period at these choices (seat order): writes each firm's quantity, price and profit
   * into the arrays given and returns the period's total surplus (consumers' and firms').
   */
  evaluate(choices: ArrayLike<number>, quantities: number[], prices: number[], profits: number[]): number;
  /** Total surplus of the efficient outcome in one period. */
  readonly maxSurplus: number;
  /** Bounds of one firm's profit in one period, over every legal choice of every firm. */
  readonly profitRange: { readonly min: number; readonly max: number };
}


/**
 * What one period's choices give, arrays in seat order. On a grid the same joint choice
 * always gives the same object (made once, then shared by every period that repeats it).
 */
export interface PeriodOutcome {
  /** What each firm named (prices in bertrand, quantities in cournot). */
  readonly choices: readonly number[];
  /** Their indices on the firms' grids; null on a continuous range. */
  readonly indices: readonly number[] | null;
  readonly quantities: readonly number[];
  readonly prices: readonly number[];
  readonly profits: readonly number[];
  /** Consumers' spending Σ p·q, and total surplus (consumers' and firms'). */
  readonly sales: number;
  readonly surplus: number;
}

export interface MarketState<C extends RepeatedMarketConfig = RepeatedMarketConfig> {
  readonly stateId: number;
  readonly phaseId: number;
  readonly deadline: number | null;
  readonly over: boolean;
  readonly config: C;
  readonly seats: readonly SeatId[];
  /** The period under way, or the last one once the match is over. */
  readonly period: number;
  /** This period's choices so far, in seat order: grid indices on a grid, values on a range (never negative); -1 for a firm yet to choose. */
  readonly chosen: readonly number[];
  readonly chosenCount: number;
  /** The last closed period (period − 1, or `period` once over); null before the first closes. */
  readonly last: PeriodOutcome | null;
  /** The last `recall` closed periods, oldest first; the first of them is period `recentFrom`. */
  readonly recent: readonly PeriodOutcome[];
  readonly recentFrom: number;
  /** Each firm's profit so far. */
  readonly totals: readonly number[];
  readonly tally: Tally;
}

/** Sums over the closed periods (replaced when a period closes, shared by the states within one). */
export interface Tally {
  /** Consumers' spending and total surplus over the match. */
  readonly revenue: number;
  readonly welfare: number;
  /** Over the closed periods of the measured window, each summed over firms: prices, quantities, profits. */
  readonly windowPrice: number;
  readonly windowQuantity: number;
  readonly windowProfit: number;
}

const EMPTY_TALLY: Tally = { revenue: 0, welfare: 0, windowPrice: 0, windowQuantity: 0, windowProfit: 0 };

/** What a config implies, derived once per config object and number of firms. */
export interface Derived<M extends MarketModel> {
  readonly n: number;
  readonly model: M;
  /** Each firm's legal actions while it may choose (the same array every time). */
  readonly legal: readonly Legal[];
  /** Each firm's choice in period 1 when the deadline passes first: the grid index of its Nash choice, or that choice in its range. */
  readonly opening: readonly number[];
  /** First period of the measured window. */
  readonly windowStart: number;
  /**
   * On a grid of at most MAX_JOINT_CHOICES joint choices: the weight of each firm's index in
   * the number of a joint choice (firm 0 the most significant digit), and the outcome of
   * each joint choice met so far, by number.
   */
  readonly joint: { readonly place: readonly number[]; readonly outcomes: (PeriodOutcome | undefined)[] } | null;
  /** No firm has chosen yet (shared by every state that opens a period; never written). */
  readonly empty: readonly number[];
  /** On a grid: the choices once only firm i has chosen point k, at [i][k] (shared like `empty`). */
  readonly firstChoices: readonly (readonly (readonly number[])[])[] | null;
  /** Each firm's row fields of a period it did not miss, per joint choice met so far (shared like the outcomes). */
  readonly fields: (readonly Readonly<Record<string, number | boolean | null>>[] | undefined)[];
}

export interface RepeatedMarketSpec<C extends RepeatedMarketConfig, M extends MarketModel> {
  /** What a firm names: the action type and its one field. */
  readonly choice: 'price' | 'quantity';
  /** The demand side for a config and number of firms. */
  model(config: C, n: number): M;
  /** A hint for firm i's legal action (text for people and prompts, not part of the action space). */
  hint(config: C, model: M, i: number): string;
  /** What everyone learns about a closed period under the information policy (the public `period_closed` event). */
  report(config: C, period: number, outcome: PeriodOutcome): object;
}

/** Largest number of joint choices whose outcomes are kept (each made on first use). */
export const MAX_JOINT_CHOICES = 1 << 20;
/** Largest number of entries (grid points × firms × firms) of the shared first-choice arrays. */
const MAX_FIRST_CHOICES = 1 << 18;

const NONE: readonly never[] = Object.freeze([]);
const NO_EVENTS: readonly MechEvent[] = NONE;

/** The value a firm chose: its grid point, or the number itself on a continuous range. */
export const chosenValue = (space: ChoiceSpace, chosen: number): number => (space.grid ? (space.grid[chosen] as number) : chosen);

/** The grid point of `space` nearest to x (its index), or x clamped into the range. */
export function snapTo(space: ChoiceSpace, x: number): number {
  if (!space.grid) return Math.min(space.high, Math.max(space.low, x));
  let best = 0;
  for (let k = 1; k < space.grid.length; k++) if (Math.abs((space.grid[k] as number) - x) < Math.abs((space.grid[best] as number) - x)) best = k;
  return best;
}

/** m points low + k·step, k = 0..m−1 (Calvano et al.'s grid is this with low = p^N − ξ·gap, step = (1 + 2ξ)·gap/(m − 1)). */
export function stepGrid(low: number, step: number, m: number): number[] {
  return Array.from({ length: m }, (_, k) => low + k * step);
}

/**
 * A firm's space from its Nash and collusive choices: [lo − ξ·gap, hi + ξ·gap] within
 * [floor, ceiling] (gap = |collusive − Nash|), or the config's explicit range (capped at
 * the ceiling); with a grid of `grid` evenly spaced points unless continuous.
 */
export function spaceAround(config: RepeatedMarketConfig, nash: number, collusive: number, floor: number, ceiling: number): ChoiceSpace {
  const m = config.grid;
  if (config.range) {
    const { low } = config.range;
    const high = Math.min(config.range.high, ceiling);
    if (m === null) return { low, high, grid: null };
    const grid = stepGrid(low, (high - low) / (m - 1), m);
    return { low: grid[0] as number, high: grid[m - 1] as number, grid };
  }
  const gap = Math.abs(collusive - nash);
  const from = Math.min(nash, collusive) - config.xi * gap;
  const to = Math.max(nash, collusive) + config.xi * gap;
  const low = Math.max(floor, from);
  const high = Math.min(ceiling, to);
  if (m === null) return { low, high, grid: null };
  // Unclamped, the points are exactly Calvano et al.'s (the same arithmetic).
  const grid = low === from && high === to ? stepGrid(from, (gap * (1 + 2 * config.xi)) / (m - 1), m) : stepGrid(low, (high - low) / (m - 1), m);
  return { low: grid[0] as number, high: grid[m - 1] as number, grid };
}

/** The index of a seat in seat order, or -1 (a loop beats indexOf's call on a few seats). */
export function seatIndex(seats: readonly SeatId[], seat: SeatId): number {
  for (let i = 0; i < seats.length; i++) if (seats[i] === seat) return i;
  return -1;
}

/** Index of `value` on a grid, or -1: the arithmetic guess first, a scan when it misses. */
function gridIndex(grid: readonly number[], low: number, high: number, value: number): number {
  const last = grid.length - 1;
  const k = Math.round(((value - low) / (high - low)) * last);
  if (k >= 0 && k <= last && grid[k] === value) return k;
  return grid.indexOf(value);
}

function jointOf(model: MarketModel): Derived<MarketModel>['joint'] {
  const sizes = model.spaces.map((s) => s.grid?.length ?? 0);
  if (sizes.some((m) => m === 0)) return null;
  let count = 1;
  for (const m of sizes) {
    count *= m;
    if (count > MAX_JOINT_CHOICES) return null;
  }
  const place = new Array<number>(sizes.length);
  for (let i = sizes.length - 1, p = 1; i >= 0; i--) {
    place[i] = p;
    p *= sizes[i] as number;
  }
  return { place, outcomes: new Array<PeriodOutcome | undefined>(count) };
}

/** The recall window after one more period: the oldest dropped when it is full. */
function remember(recent: readonly PeriodOutcome[], outcome: PeriodOutcome, full: boolean): PeriodOutcome[] {
  const from = full ? 1 : 0;
  const next = new Array<PeriodOutcome>(recent.length - from + 1);
  for (let k = from; k < recent.length; k++) next[k - from] = recent[k] as PeriodOutcome;
  next[recent.length - from] = outcome;
  return next;
}

let seatList: readonly SeatId[] | null = null;
let seatListStandard = false;
/** Whether the seats are p0, p1, ... in order (as matches name them); remembered for the last list asked about. */
function standardSeats(seats: readonly SeatId[]): boolean {
  if (seats !== seatList) {
    seatList = seats;
    seatListStandard = seats.every((s, i) => s === `p${i}`);
  }
  return seatListStandard;
}

/**
 * Each seat's profit this period, as the transition's rewards. For the usual seat names
 * an object literal with fixed keys: adding keys by name costs several times as much,
 * and this is the one object of a period close whose keys are seat names.
 */
function rewardsOf(seats: readonly SeatId[], standard: boolean, profits: readonly number[]): Rewards {
  if (standard) {
    switch (seats.length) {
      case 2:
        return { p0: profits[0], p1: profits[1] };
      case 3:
        return { p0: profits[0], p1: profits[1], p2: profits[2] };
      case 4:
        return { p0: profits[0], p1: profits[1], p2: profits[2], p3: profits[3] };
    }
  }
  const rewards: Record<SeatId, number> = {};
  for (let i = 0; i < seats.length; i++) rewards[seats[i] as SeatId] = profits[i] as number;
  return rewards;
}

/** Evaluates one period at these choices (values). */
function outcomeAt(model: MarketModel, choices: number[], indices: number[] | null): PeriodOutcome {
  const n = choices.length;
  const quantities = new Array<number>(n).fill(0);
  const prices = new Array<number>(n).fill(0);
  const profits = new Array<number>(n).fill(0);
  const surplus = model.evaluate(choices, quantities, prices, profits);
  let sales = 0;
  for (let i = 0; i < n; i++) sales += (prices[i] as number) * (quantities[i] as number);
  return { choices, indices, quantities, prices, profits, sales, surplus };
}

/**
 * The period machinery for one kind of market: setup, legal, apply, advance, progress and
 * the outcome's sums. The mechanism adds its views, benchmarks and measures.
 */
export function repeatedMarket<C extends RepeatedMarketConfig, M extends MarketModel>(spec: RepeatedMarketSpec<C, M>) {
  type State = MarketState<C>;
  const cache = new WeakMap<C, Derived<M>>();
  let lastConfig: C | null = null;
  let lastDerived: Derived<M> | null = null;
  const choice = spec.choice;

  function derive(config: C, n: number): Derived<M> {
    const model = spec.model(config, n);
    const legal: Legal[] = model.spaces.map((space, i) => {
      const param = space.grid ? { kind: 'choice' as const, options: space.grid } : { kind: 'number' as const, min: space.low, max: space.high };
      return Object.freeze([Object.freeze({ type: choice, params: { [choice]: param }, hint: spec.hint(config, model, i) })]);
    });
    const opening = model.spaces.map((space, i) => snapTo(space, model.nashChoices[i] as number));
    const windowStart = config.gainWindow === null ? 1 : Math.max(1, config.periods - config.gainWindow + 1);
    const joint = jointOf(model);
    const empty = new Array<number>(n).fill(-1);
    const points = model.spaces.reduce((sum, space) => sum + (space.grid?.length ?? Infinity), 0);
    const firstChoices = points * n <= MAX_FIRST_CHOICES ? model.spaces.map((space, i) => (space.grid as readonly number[]).map((_, k) => empty.map((e, j) => (j === i ? k : e)))) : null;
    return { n, model, legal, opening, windowStart, joint, empty, firstChoices, fields: joint ? new Array(joint.outcomes.length) : [] };
  }

  /** What the config implies for n firms (cached by config object). */
  function derivedOf(config: C, n: number): Derived<M> {
    if (config === lastConfig && lastDerived !== null && lastDerived.n === n) return lastDerived;
    let d = cache.get(config);
    if (!d || d.n !== n) {
      d = derive(config, n);
      cache.set(config, d);
    }
    lastConfig = config;
    lastDerived = d;
    return d;
  }

  /** One firm's columns of a period's row. */
  const rowFields = (o: PeriodOutcome, i: number, missed: boolean): Readonly<Record<string, number | boolean | null>> => {
    const price = o.prices[i] as number;
    const quantity = o.quantities[i] as number;
    const index = o.indices ? (o.indices[i] as number) : null;
    const profit = o.profits[i] as number;
    return choice === 'price' ? { price, quantity, index, profit, missed } : { quantity, price, index, profit, missed };
  };

  /**
   * Closes the period as stateId `stateId`: every firm's choice (grid index or value) is in
   * `chosen`, but for firm `late`'s, which is `choiceOfLate` (the last firm to choose, so
   * that its choice needs no new array); late = -1 when `chosen` is complete.
   */
  function close(state: State, chosen: readonly number[], late: number, choiceOfLate: number, missed: readonly boolean[] | null, at: number, stateId: number): Accepted<State> {
    const { config, seats } = state;
    const n = seats.length;
    const d = derivedOf(config, n);
    const spaces = d.model.spaces;
    let outcome: PeriodOutcome;
    let shared: readonly Readonly<Record<string, number | boolean | null>>[] | undefined;
    if (d.joint) {
      let s = 0;
      for (let i = 0; i < n; i++) s += (i === late ? choiceOfLate : (chosen[i] as number)) * (d.joint.place[i] as number);
      let found = d.joint.outcomes[s];
      if (!found) {
        const indices = chosen.map((k, i) => (i === late ? choiceOfLate : k));
        found = outcomeAt(d.model, indices.map((k, i) => (spaces[i]?.grid as readonly number[])[k] as number), indices);
        d.joint.outcomes[s] = found;
        d.fields[s] = found.profits.map((_, i) => rowFields(found as PeriodOutcome, i, false));
      }
      outcome = found;
      shared = d.fields[s];
    } else {
      const complete = chosen.map((k, i) => (i === late ? choiceOfLate : k));
      outcome = outcomeAt(
        d.model,
        complete.map((k, i) => chosenValue(spaces[i] as ChoiceSpace, k)),
        spaces[0]?.grid ? complete : null,
      );
    }
    const period = state.period;
    const totals = new Array<number>(n);
    const rows = new Array<ParticipantRound>(n);
    let priceSum = 0;
    let quantitySum = 0;
    let profitSum = 0;
    for (let i = 0; i < n; i++) {
      const seat = seats[i] as SeatId;
      const profit = outcome.profits[i] as number;
      totals[i] = (state.totals[i] as number) + profit;
      priceSum += outcome.prices[i] as number;
      quantitySum += outcome.quantities[i] as number;
      profitSum += profit;
      const absent = missed !== null && (missed[i] as boolean);
      rows[i] = { round: period, seat, role: 'firm', fields: shared && !absent ? (shared[i] as Readonly<Record<string, number | boolean | null>>) : rowFields(outcome, i, absent), payoff: profit, outside: 0 };
    }
    const over = period >= config.periods;
    const counted = period >= d.windowStart;
    const t = state.tally;
    const recall = config.recall;
    const full = state.recent.length >= recall;
    const recent = recall === 0 ? state.recent : remember(state.recent, outcome, full);
    const events: MechEvent[] = [
      { kind: 'period_closed', audience: 'public', data: spec.report(config, period, outcome) as Readonly<Record<string, unknown>> },
      { kind: ROUND_RECORD, audience: 'experimenter', data: { round: period, rows } },
    ];
    const next: State = {
      stateId,
      phaseId: stateId,
      deadline: over || config.periodMs === null ? null : at + config.periodMs,
      over,
      config,
      seats,
      period: over ? period : period + 1,
      chosen: d.empty,
      chosenCount: 0,
      last: outcome,
      recent,
      recentFrom: recall === 0 ? period + 1 : full ? state.recentFrom + 1 : state.recentFrom,
      totals,
      tally: {
        revenue: t.revenue + outcome.sales,
        welfare: t.welfare + outcome.surplus,
        windowPrice: counted ? t.windowPrice + priceSum : t.windowPrice,
        windowQuantity: counted ? t.windowQuantity + quantitySum : t.windowQuantity,
        windowProfit: counted ? t.windowProfit + profitSum : t.windowProfit,
      },
    };
    return { ok: true, state: next, events, rewards: rewardsOf(seats, standardSeats(seats), outcome.profits) };
  }

  /** The state after one more choice, with everything else as it was. */
  function withChoice(state: State, chosen: readonly number[]): State {
    return {
      stateId: state.stateId + 1,
      phaseId: state.phaseId,
      deadline: state.deadline,
      over: state.over,
      config: state.config,
      seats: state.seats,
      period: state.period,
      chosen,
      chosenCount: state.chosenCount + 1,
      last: state.last,
      recent: state.recent,
      recentFrom: state.recentFrom,
      totals: state.totals,
      tally: state.tally,
    };
  }

  /** Periods closed so far. */
  const closedPeriods = (state: State): number => (state.over ? state.period : state.period - 1);

  return {
    derivedOf,
    closedPeriods,

    setup(config: C, seats: readonly SeatId[]): State {
      return {
        ...OPENING,
        config,
        seats,
        period: 1,
        chosen: derivedOf(config, seats.length).empty,
        chosenCount: 0,
        last: null,
        recent: NONE,
        recentFrom: 1,
        totals: new Array<number>(seats.length).fill(0),
        tally: EMPTY_TALLY,
      };
    },

    legal(state: State, seat: SeatId): Legal {
      if (state.over) return NONE;
      const i = seatIndex(state.seats, seat);
      if (i < 0 || (state.chosen[i] as number) >= 0) return NONE;
      return derivedOf(state.config, state.seats.length).legal[i] as Legal;
    },

    apply(state: State, seat: SeatId, action: { readonly type: string } & Readonly<Record<string, unknown>>, at: number): ApplyResult<State> {
      const n = state.seats.length;
      const i = seatIndex(state.seats, seat);
      if (state.over) return reject('GAME_OVER', 'the match has ended');
      if (i < 0) return reject('UNKNOWN_SEAT', 'no such seat in this match');
      if ((state.chosen[i] as number) >= 0) return reject('NOT_YOUR_TURN', `you have already chosen for period ${state.period}`);
      if (action.type !== choice) return reject('NOT_ALLOWED', `${action.type} is not open to you now`);
      const value = action[choice];
      const d = derivedOf(state.config, n);
      const space = d.model.spaces[i] as ChoiceSpace;
      if (typeof value !== 'number' || !(value >= space.low - 1e-9 && value <= space.high + 1e-9)) return reject('OUT_OF_RANGE', `${choice} must be between ${space.low} and ${space.high}`);
      const picked = space.grid ? gridIndex(space.grid, space.low, space.high, value) : Math.min(space.high, Math.max(space.low, value));
      if (picked < 0) return reject('NOT_ALLOWED', `${choice} must be one of the listed options`);
      if (state.chosenCount + 1 < n) {
        const first = state.chosenCount === 0 && d.firstChoices ? (d.firstChoices[i] as readonly (readonly number[])[])[picked] : undefined;
        const chosen = first ?? state.chosen.slice();
        if (!first) (chosen as number[])[i] = picked;
        return { ok: true, state: withChoice(state, chosen), events: NO_EVENTS };
      }
      return close(state, state.chosen, i, picked, null, at, state.stateId + 1);
    },

    advance(state: State, at: number): Advanced<State> {
      const periodMs = state.config.periodMs;
      if (state.over || periodMs === null) return { state, events: NO_EVENTS };
      if (state.deadline === null) return { state: { ...state, stateId: state.stateId + 1, deadline: at + periodMs }, events: NO_EVENTS };
      if (at < state.deadline) return { state, events: NO_EVENTS };
      const n = state.seats.length;
      const d = derivedOf(state.config, n);
      const chosen = new Array<number>(n);
      const missed = new Array<boolean>(n);
      for (let i = 0; i < n; i++) {
        const own = state.chosen[i] as number;
        missed[i] = own < 0;
        if (own >= 0) chosen[i] = own;
        else if (state.last) chosen[i] = state.last.indices ? (state.last.indices[i] as number) : (state.last.choices[i] as number);
        else chosen[i] = d.opening[i] as number;
      }
      return close(state, chosen, -1, 0, missed, state.deadline, state.stateId + 1);
    },

    progress(state: State, phase: string): Progress {
      return { round: state.period, rounds: state.config.periods, unit: 'period', phase: state.over ? 'over' : phase };
    },

    /** Payoffs, sales, surplus (the efficient one: the model's per period, times the periods closed); the mechanism adds its measures. */
    outcome(state: State, measures: Readonly<Record<string, number | null>>): Outcome {
      const payoffs: Record<SeatId, number> = {};
      state.seats.forEach((s, i) => (payoffs[s] = state.totals[i] as number));
      const maxWelfare = closedPeriods(state) * derivedOf(state.config, state.seats.length).model.maxSurplus;
      return { payoffs, revenue: state.tally.revenue, welfare: state.tally.welfare, maxWelfare, measures };
    },

    /** Periods of the measured window closed so far. */
    windowPeriods(state: State): number {
      return Math.max(0, closedPeriods(state) - derivedOf(state.config, state.seats.length).windowStart + 1);
    },

    /** Bounds of one firm's payoff over the match. */
    payoffBounds(config: C, seats: number): { min: number; max: number } {
      const { min, max } = derivedOf(config, seats).model.profitRange;
      return { min: config.periods * Math.min(0, min), max: config.periods * Math.max(0, max) };
    },
  };
}

/** Means over the measured window (`periods` of it closed); null before it has a closed period. */
export function windowMeans(state: MarketState, periods: number): { price: number | null; quantity: number | null; profit: number | null } {
  const n = state.seats.length;
  if (periods === 0) return { price: null, quantity: null, profit: null };
  const t = state.tally;
  return { price: t.windowPrice / (periods * n), quantity: t.windowQuantity / periods, profit: t.windowProfit / (periods * n) };
}

/** Δ = (π̄ − π^N) / (π^M − π^N): 0 at the Nash profit, 1 at the collusive one; null when they coincide or nothing was measured. */
export function gainOf(profit: number | null, nash: number, collusive: number): number | null {
  if (profit === null || !(Math.abs(collusive - nash) > 1e-12)) return null;
  return (profit - nash) / (collusive - nash);
}

/** A number as text for people: at most `digits` decimals, no float noise. */
export const fmt = (x: number, digits = 4): string => String(Number(x.toFixed(digits)));
