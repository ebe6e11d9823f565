/**
 * How the market moves through its periods: the first opens at setup with its
 * schedules, its clock starts with the first tick or order, and a period closes at its
 * deadline or once one side has traded all units; closing records it, clears the book,
 * gives units back and opens the next period (its clock running from the close), or
 * ends the market after the last one.
 */
import { OPENING, type MechEvent, type SeatId } from '../core/types.ts';
import { seatStream, type SeedSet } from '../core/random.ts';
import { traderCount, type DoubleAuctionConfig } from './config.ts';
import { EMPTY_BOOK } from './book.ts';
import { equilibriumOf, marketSchedules, schedulesFor, type Schedules } from './schedules.ts';
import type { DoubleAuctionState, PeriodEnd, PeriodRecord } from './state.ts';

const zeros = (n: number): number[] => new Array<number>(n).fill(0);

/** The state at setup: period 1 with its schedules, its clock not started yet. */
export function openMarket(config: DoubleAuctionConfig, seats: readonly SeatId[], seeds: SeedSet): DoubleAuctionState {
  const nb = traderCount(config.buyers);
  const [schedules, rng] = schedulesFor(
    config,
    nb,
    null,
    seats.map((_, i) => seatStream(seeds, i)),
  );
  const n = seats.length;
  return {
    ...OPENING,
    config,
    seats,
    buyers: nb,
    period: 1,
    schedules,
    traded: zeros(n),
    profit: zeros(n),
    totals: zeros(n),
    bids: EMPTY_BOOK,
    asks: EMPTY_BOOK,
    nextOrderId: 1,
    tape: [],
    history: [],
    rng,
  };
}

/** Starts the period clock if it is not running yet. */
export function withClock(state: DoubleAuctionState, at: number, events: MechEvent[]): number {
  if (state.deadline !== null) return state.deadline;
  const deadline = at + state.config.periodMs;
  events.push({ kind: 'clock_started', audience: 'public', data: { period: state.period, deadline } });
  return deadline;
}

/** Whether every seat in [from, to) has traded all its units this period. */
export function everyoneDone(state: DoubleAuctionState, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if ((state.traded[i] as number) < (state.schedules[i] as readonly number[]).length) return false;
  return true;
}

/** The current period of `state` as a record, closed at `closedAt`. */
export function periodRecord(state: DoubleAuctionState, end: PeriodEnd, closedAt: number): PeriodRecord {
  return {
    period: state.period,
    schedules: state.schedules,
    traded: state.traded,
    profit: state.profit,
    trades: state.tape,
    equilibrium: equilibriumOf(state.schedules, state.buyers),
    end,
    closedAt,
  };
}

const periodCache = new WeakMap<PeriodRecord, { prices: number[]; schedules: Schedules | null }>();

/** A closed period's trade prices and (built on first ask) its anonymous schedules, cached per record. */
export function periodSummary(record: PeriodRecord, nb: number): { prices: number[]; schedules: () => Schedules } {
  let hit = periodCache.get(record);
  if (!hit) {
    hit = { prices: record.trades.map((t) => t.price), schedules: null };
    periodCache.set(record, hit);
  }
  const entry = hit;
  return {
    prices: entry.prices,
    schedules: () => {
      if (!entry.schedules) entry.schedules = marketSchedules(record.schedules, nb);
      return entry.schedules;
    },
  };
}

/** Lets time pass: starts the clock of a period that has none, closes the period at its deadline. */
export function advanceTo(state: DoubleAuctionState, at: number): { state: DoubleAuctionState; events: MechEvent[] } {
  if (state.over) return { state, events: [] };
  if (state.deadline === null) {
    const events: MechEvent[] = [];
    const deadline = withClock(state, at, events);
    return { state: { ...state, stateId: state.stateId + 1, deadline }, events };
  }
  if (at < state.deadline) return { state, events: [] };
  return closePeriod({ ...state, stateId: state.stateId + 1 }, at, 'deadline');
}

/**
 * Closes the current period of `state` (whose stateId is already the new one) at `at`:
 * records it, clears the book, gives units back and opens the next period, or ends the market.
 */
export function closePeriod(state: DoubleAuctionState, at: number, end: PeriodEnd): { state: DoubleAuctionState; events: MechEvent[] } {
  const { config } = state;
  const record = periodRecord(state, end, at);
  const history = [...state.history, record];
  const over = state.period >= config.periods;
  const events: MechEvent[] = [];
  const show = config.revealSchedules === 'afterPeriod';
  const summary = periodSummary(record, state.buyers);
  events.push({
    kind: 'period_closed',
    audience: 'public',
    data: { period: record.period, trades: record.trades.length, prices: summary.prices, end, ...(show ? { schedules: summary.schedules(), equilibrium: record.equilibrium } : {}) },
  });
  state.seats.forEach((seat, i) => {
    events.push({ kind: 'period_result', audience: [seat], data: { period: record.period, units: record.traded[i] as number, profit: record.profit[i] as number } });
  });
  if (over && config.revealSchedules === 'afterMarket') {
    events.push({
      kind: 'schedules_revealed',
      audience: 'public',
      data: { periods: history.map((r) => ({ period: r.period, schedules: periodSummary(r, state.buyers).schedules(), equilibrium: r.equilibrium })) },
    });
  }
  if (over) {
    return {
      state: { ...state, phaseId: state.stateId, deadline: null, over: true, bids: EMPTY_BOOK, asks: EMPTY_BOOK, history },
      events,
    };
  }
  const [schedules, rng] = schedulesFor(config, state.buyers, state.schedules, state.rng);
  const deadline = at + config.periodMs;
  const n = state.seats.length;
  events.push({ kind: 'period_opened', audience: 'public', data: { period: state.period + 1, deadline } });
  return {
    state: {
      ...state,
      phaseId: state.stateId,
      deadline,
      period: state.period + 1,
      schedules,
      traded: zeros(n),
      profit: zeros(n),
      bids: EMPTY_BOOK,
      asks: EMPTY_BOOK,
      tape: [],
      history,
      rng,
    },
    events,
  };
}
