/**
 * How the market moves through its periods: the first opens at setup with its
 * schedules, its clock starts with the first tick or order, and a period closes at its
 * deadline or once one side has traded all units; closing records it, clears the book,
 * gives units back and opens the next period (its clock running from the close), or
 * ends the market after the last one.
 */
import { OPENING, ROUND_RECORD, type MechEvent, type ParticipantRound, type SeatId } from '../core/types.ts';
import { seatStream, type SeedSet } from '../core/random.ts';
import { money, traderCount, type DoubleAuctionConfig } from './config.ts';
import { EMPTY_BOOK } from './book.ts';
import { equilibriumOf, marketSchedules, schedulesFor } from './schedules.ts';
import { equilibriumMid } from './equilibrium.ts';
import { EMPTY_TALLY, roleOf, type DoubleAuctionState, type MarketTally, type PeriodEnd, type PeriodRecord } from './state.ts';

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
    publicTape: [],
    recent: [],
    tally: EMPTY_TALLY,
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
    prices: state.tape.map((t) => t.price),
    market: marketSchedules(state.schedules, state.buyers),
    equilibrium: equilibriumOf(state.schedules, state.buyers),
    end,
    closedAt,
  };
}

const compact = (xs: readonly number[]): string => xs.join('/');

/** The participant rows of a closed period (its round_record event). */
export function periodRows(state: DoubleAuctionState, r: PeriodRecord): ParticipantRound[] {
  const prices: number[][] = state.seats.map(() => []);
  for (const t of r.trades) {
    (prices[t.buyer] as number[]).push(t.price);
    (prices[t.seller] as number[]).push(t.price);
  }
  return state.seats.map((seat, i) => {
    const schedule = r.schedules[i] as readonly number[];
    return {
      round: r.period,
      seat,
      role: roleOf(state, i),
      fields: {
        units: r.traded[i] as number,
        offered: schedule.length,
        // One column for both roles (a CSV takes its header from the first row): values of a buyer, costs of a seller.
        schedule: compact(schedule),
        prices: compact(prices[i] as number[]),
        ce_quantity: r.equilibrium.quantity,
        ce_price_low: r.equilibrium.priceLow,
        ce_price_high: r.equilibrium.priceHigh,
        end: r.end,
      },
      payoff: r.profit[i] as number,
      outside: 0,
    };
  });
}

/** The tally with one more closed period in it. */
export function tallied(t: MarketTally, r: PeriodRecord): MarketTally {
  const mid = equilibriumMid(r.equilibrium);
  let welfare = t.welfare;
  let turnover = t.turnover;
  let squares = t.squares;
  for (const trade of r.trades) {
    welfare = money(welfare + trade.value - trade.cost);
    turnover = money(turnover + trade.price);
    if (mid !== null) squares += (trade.price - mid) ** 2;
  }
  return {
    periods: t.periods + 1,
    welfare,
    maxWelfare: money(t.maxWelfare + r.equilibrium.surplus),
    trades: t.trades + r.trades.length,
    turnover,
    squares,
    ceQuantity: t.ceQuantity + r.equilibrium.quantity,
    midSum: t.midSum + (mid ?? 0),
    midCount: t.midCount + (mid === null ? 0 : 1),
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

const remember = (recent: readonly PeriodRecord[], r: PeriodRecord, recall: number): PeriodRecord[] => (recall === 0 ? [] : [...recent.slice(Math.max(0, recent.length - recall + 1)), r]);

/**
 * Closes the current period of `state` (whose stateId is already the new one) at `at`:
 * records it (round_record, experimenter), clears the book, gives units back and opens
 * the next period, or ends the market.
 */
export function closePeriod(state: DoubleAuctionState, at: number, end: PeriodEnd): { state: DoubleAuctionState; events: MechEvent[] } {
  const { config } = state;
  const record = periodRecord(state, end, at);
  const recent = remember(state.recent, record, config.recall);
  const tally = tallied(state.tally, record);
  const over = state.period >= config.periods;
  const events: MechEvent[] = [];
  const show = config.revealSchedules === 'afterPeriod';
  events.push({
    kind: 'period_closed',
    audience: 'public',
    data: { period: record.period, trades: record.trades.length, prices: record.prices, end, ...(show ? { schedules: record.market, equilibrium: record.equilibrium } : {}) },
  });
  state.seats.forEach((seat, i) => {
    events.push({ kind: 'period_result', audience: [seat], data: { period: record.period, units: record.traded[i] as number, profit: record.profit[i] as number } });
  });
  events.push({ kind: ROUND_RECORD, audience: 'experimenter', data: { round: record.period, rows: periodRows(state, record), equilibrium: record.equilibrium } });
  if (over && config.revealSchedules === 'afterMarket') {
    // The periods a view remembers; the record holds every period's schedules.
    events.push({ kind: 'schedules_revealed', audience: 'public', data: { periods: recent.map((r) => ({ period: r.period, schedules: r.market, equilibrium: r.equilibrium })) } });
  }
  if (over) {
    return {
      state: { ...state, phaseId: state.stateId, deadline: null, over: true, bids: EMPTY_BOOK, asks: EMPTY_BOOK, recent, tally },
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
      publicTape: [],
      recent,
      tally,
      rng,
    },
    events,
  };
}
