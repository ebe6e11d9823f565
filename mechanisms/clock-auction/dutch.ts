/**
 * How the Dutch auction moves: the clock opens at the start price and falls by the
 * decrement every tick down to the floor (or the reserve, if higher). A bidder stops the
 * clock at the price showing. Stops made while the clock shows one price count as made
 * together: at the tick the item goes to the one stopper, or to one of several by the tie
 * rule, at that price. Nobody stopping by the end of the floor's tick leaves the item
 * unsold. Nobody sees a stop before the tick that settles it.
 */
import { OPENING, type ApplyResult, type Legal, type SeatId } from '../core/types.ts';
import type { SeedSet } from '../core/random.ts';
import { dutchPriceAt, dutchStartOf, floorOf, type DutchConfig } from './config.ts';
import { closeItem, itemReport, openingFields, ownItem, type Closing, type ItemReport, type ItemState, type OwnItem } from './items.ts';

export const DUTCH_ID = 'dutch';

export interface DutchState extends ItemState<DutchConfig> {
  /** Seat indices that stopped the clock at the price showing, in the order they did. */
  readonly stops: readonly number[];
}

export interface DutchPublicView {
  readonly mechanism: string;
  readonly round: number;
  readonly rounds: number;
  readonly over: boolean;
  readonly bidders: number;
  readonly open: boolean;
  readonly price: number;
  readonly step: number;
  readonly start: number;
  readonly decrement: number;
  readonly floor: number;
  readonly reserve: number;
  readonly tickMs: number;
  readonly openedAt: number | null;
  readonly deadline: number | null;
  readonly history: readonly ItemReport[];
}

export interface DutchBidderView extends Omit<DutchPublicView, 'history'> {
  readonly seat: SeatId;
  readonly value: number;
  /** The price at which this bidder stopped the clock, while that tick is being settled. */
  readonly myStop: number | null;
  readonly history: readonly OwnItem[];
  readonly totalPayoff: number;
}

export function dutchSetup(config: DutchConfig, seats: readonly SeatId[], seeds: SeedSet): DutchState {
  return { ...OPENING, ...openingFields(config, seats, seeds), stops: [] };
}

export function dutchLegal(state: DutchState, seat: SeatId): Legal {
  const i = state.seats.indexOf(seat);
  if (state.over || i < 0 || state.openedAt === null || state.stops.includes(i)) return [];
  return [{ type: 'stop', params: {}, hint: `the clock is at ${dutchPriceAt(state.config, state.step)}; stop it to buy at this price` }];
}

export function dutchApply(state: DutchState, seat: SeatId, _action: unknown, _at: number): ApplyResult<DutchState> {
  const i = state.seats.indexOf(seat);
  if (state.stops.includes(i)) return { ok: false, code: 'NOT_ALLOWED', message: 'you have stopped the clock at this price' };
  const price = dutchPriceAt(state.config, state.step);
  return { ok: true, state: { ...state, stateId: state.stateId + 1, stops: [...state.stops, i] }, events: [{ kind: 'stopped', audience: [seat], data: { round: state.round, price } }] };
}

const nextTick = (s: Pick<DutchState, 'openedAt' | 'step' | 'config'>): number => (s.openedAt as number) + (s.step + 1) * s.config.tickMs;

export function dutchAdvance(state: DutchState, at: number): Closing<DutchState> {
  const c = state.config;
  if (state.over) return { state, events: [] };
  if (state.openedAt === null) {
    const opened = { ...state, stateId: state.stateId + 1, openedAt: at };
    return { state: { ...opened, deadline: nextTick(opened) }, events: [{ kind: 'item_opened', audience: 'public', data: { round: state.round, price: dutchPriceAt(c, 0) } }] };
  }
  if (state.deadline === null || at < state.deadline) return { state, events: [] };
  const now = state.deadline;
  const price = dutchPriceAt(c, state.step);
  if (state.stops.length === 0 && price > floorOf(c)) {
    const fallen: DutchState = { ...state, stateId: state.stateId + 1, step: state.step + 1 };
    return { state: { ...fallen, deadline: nextTick(fallen) }, events: [{ kind: 'clock', audience: 'public', data: { round: state.round, price: dutchPriceAt(c, fallen.step), step: fallen.step } }] };
  }
  const tied = [...state.stops].sort((a, b) => a - b);
  const closed = closeItem<DutchConfig, DutchState>(state, tied, state.stops.length ? price : null, now, {}, (i) => ({ stopped: state.stops.includes(i) ? price : null }), (common, over) => {
    const next: DutchState = { ...common, stops: over ? state.stops : [] };
    return over ? next : { ...next, deadline: nextTick(next) };
  });
  if (closed.state.over) return closed;
  return { ...closed, events: [...closed.events, { kind: 'item_opened', audience: 'public', data: { round: closed.state.round, price: dutchPriceAt(c, 0) } }] };
}

export function dutchPublicView(state: DutchState): DutchPublicView {
  const c = state.config;
  return {
    mechanism: DUTCH_ID,
    round: state.round,
    rounds: c.rounds,
    over: state.over,
    bidders: state.seats.length,
    open: state.openedAt !== null && !state.over,
    price: dutchPriceAt(c, state.step),
    step: state.step,
    start: dutchStartOf(c),
    decrement: c.decrement,
    floor: floorOf(c),
    reserve: c.reserve,
    tickMs: c.tickMs,
    openedAt: state.openedAt,
    deadline: state.deadline,
    history: state.recent.map((r) => itemReport(r, c, state.seats)),
  };
}

export function dutchView(state: DutchState, seat: SeatId): DutchBidderView {
  const i = state.seats.indexOf(seat);
  const { history: _public, ...shown } = dutchPublicView(state);
  return {
    ...shown,
    seat,
    value: state.values[i] as number,
    myStop: state.stops.includes(i) && !state.over ? dutchPriceAt(state.config, state.step) : null,
    history: state.recent.map((r) => ownItem(r, state.config, state.seats, i)),
    totalPayoff: state.totals[i] ?? 0,
  };
}

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

export function describeDutch(v: DutchBidderView): string {
  const lines = [`You are bidder ${v.seat} of ${v.bidders} in a Dutch (descending clock) auction, item ${v.round} of ${v.rounds}.`, `Your private value for this item is ${v.value}.`];
  if (v.over) lines.push('The auction is over.');
  else if (!v.open) lines.push(`The clock has not started; it opens at ${v.start}.`);
  else {
    lines.push(`The clock shows ${v.price}; it falls by ${v.decrement} every ${seconds(v.tickMs)} down to ${v.floor}. The first to stop it buys at the price showing.`);
    if (v.myStop !== null) lines.push(`You stopped the clock at ${v.myStop}; the item is settled when this tick ends.`);
  }
  for (const r of v.history.slice(-5)) lines.push(`Item ${r.round}: value ${r.value}, ${r.won ? `you won and paid ${r.paid}` : r.sold ? `sold at ${r.price}${r.winner ? ` to ${r.winner}` : ''}` : 'not sold'}, payoff ${r.payoff}.`);
  lines.push(`Your total payoff so far: ${v.totalPayoff}.`);
  return lines.join('\n');
}
