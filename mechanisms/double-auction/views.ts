/**
 * What each audience sees. A seat: its role, its own units with values or costs, its
 * own open orders and trades, and the market. Spectators: the market only. The market
 * is the book as price levels (owners only with showOrderOwners), the period's tape
 * (parties only with showTradeParties), the period and its deadline, and past periods'
 * prices, with the anonymous schedules once revealSchedules allows. Never another
 * seat's values or costs before the reveal, and never the competitive equilibrium in a
 * seat's view.
 */
import type { SeatId } from '../core/types.ts';
import { money, type Role } from './config.ts';
import { levelsOf, type BookLevel, type BookSide, type Order } from './book.ts';
import type { Equilibrium } from './equilibrium.ts';
import type { Schedules } from './schedules.ts';
import { MECHANISM_ID, roleOf, seatIndex, type DoubleAuctionState, type PeriodEnd, type TapeEntry } from './state.ts';

type State = DoubleAuctionState;

export type { TapeEntry } from './state.ts';

export interface OwnOrder {
  readonly orderId: number;
  readonly side: BookSide;
  readonly price: number;
}

export interface OwnTrade {
  readonly price: number;
  readonly at: number;
  /** The unit's value (buyer) or cost (seller). */
  readonly unit: number;
  readonly profit: number;
}

export interface OwnPeriod {
  readonly period: number;
  readonly prices: readonly number[];
  readonly units: number;
  readonly profit: number;
  /** Present once revealed. */
  readonly schedules?: Schedules;
}

/** The public book: price levels of each side, best first. */
export interface PublicBook {
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
}

/** What seats and spectators alike see of the market. */
export interface MarketFacts {
  readonly mechanism: string;
  readonly period: number;
  readonly periods: number;
  readonly over: boolean;
  readonly deadline: number | null;
  readonly buyers: number;
  readonly sellers: number;
  readonly minPrice: number;
  readonly maxPrice: number;
  readonly tick: number;
  readonly book: PublicBook;
  readonly tape: readonly TapeEntry[];
}

export interface TraderView extends MarketFacts {
  readonly seat: SeatId;
  readonly role: Role;
  readonly improvementRule: boolean;
  readonly allowLoss: boolean;
  readonly maxOpenOrders: number;
  /** Own units this period: traded so far, left, and the values (costs) of those left, next first. */
  readonly units: { readonly traded: number; readonly left: number; readonly next: number | null; readonly remaining: readonly number[] };
  readonly myOrders: readonly OwnOrder[];
  readonly myTrades: readonly OwnTrade[];
  readonly periodProfit: number;
  readonly totalProfit: number;
  /** The last `recall` closed periods (the record has them all). */
  readonly history: readonly OwnPeriod[];
}

export interface PublicPeriod {
  readonly period: number;
  readonly prices: readonly number[];
  readonly end: PeriodEnd;
  /** Present once revealed. */
  readonly schedules?: Schedules;
  readonly equilibrium?: Equilibrium;
}

export interface MarketPublicView extends MarketFacts {
  /** The last `recall` closed periods. */
  readonly history: readonly PublicPeriod[];
}

/** Price levels of one side. */
function levels(state: State, book: readonly Order[]): BookLevel[] {
  if (book.length === 0) return [];
  return levelsOf(book, state.config.showOrderOwners ? (i) => state.seats[i] as SeatId : null);
}

/**
 * The public book of a state: one object for the public view and every seat's view of the
 * same state (a live room leaves a seat's values that are the public view's own to it).
 */
const books = new WeakMap<State, PublicBook>();
function bookOf(state: State): PublicBook {
  let book = books.get(state);
  if (!book) {
    book = { bids: levels(state, state.bids), asks: levels(state, state.asks) };
    books.set(state, book);
  }
  return book;
}

/** Whether a closed period's schedules are public in this state. */
export function revealed(state: State): boolean {
  switch (state.config.revealSchedules) {
    case 'never':
      return false;
    case 'afterPeriod':
      return true;
    case 'afterMarket':
      return state.over;
  }
}

/** Everything seat `seat` may know now. */
export function traderView(state: State, seat: SeatId): TraderView {
  const i = seatIndex(state, seat);
  const buyer = i < state.buyers;
  const schedule = state.schedules[i] ?? [];
  const t = state.traded[i] ?? 0;
  const myOrders: OwnOrder[] = [];
  const side: BookSide = buyer ? 'bid' : 'ask';
  for (const o of buyer ? state.bids : state.asks) if (o.trader === i) myOrders.push({ orderId: o.id, side, price: o.price });
  myOrders.sort((a, b) => a.orderId - b.orderId);
  const myTrades: OwnTrade[] = [];
  for (const tr of state.tape) {
    if (buyer ? tr.buyer === i : tr.seller === i) myTrades.push({ price: tr.price, at: tr.at, unit: buyer ? tr.value : tr.cost, profit: money(buyer ? tr.value - tr.price : tr.price - tr.cost) });
  }
  const show = revealed(state);
  const history = state.recent.map((r): OwnPeriod => {
    const own = { period: r.period, prices: r.prices, units: r.traded[i] ?? 0, profit: r.profit[i] ?? 0 };
    return show ? { ...own, schedules: r.market } : own;
  });
  const left = schedule.length - t;
  return {
    mechanism: MECHANISM_ID,
    seat,
    role: roleOf(state, i),
    period: state.period,
    periods: state.config.periods,
    over: state.over,
    deadline: state.deadline,
    buyers: state.buyers,
    sellers: state.seats.length - state.buyers,
    minPrice: state.config.minPrice,
    maxPrice: state.config.maxPrice,
    tick: state.config.tick,
    improvementRule: state.config.improvementRule,
    allowLoss: state.config.allowLoss,
    maxOpenOrders: state.config.maxOpenOrdersPerTrader,
    units: { traded: t, left, next: left > 0 ? (schedule[t] as number) : null, remaining: schedule.slice(t) },
    myOrders,
    book: bookOf(state),
    tape: state.publicTape,
    myTrades,
    periodProfit: state.profit[i] ?? 0,
    totalProfit: state.totals[i] ?? 0,
    history,
  };
}

/** What spectators may know now. */
export function marketPublicView(state: State): MarketPublicView {
  const show = revealed(state);
  return {
    mechanism: MECHANISM_ID,
    period: state.period,
    periods: state.config.periods,
    over: state.over,
    deadline: state.deadline,
    buyers: state.buyers,
    sellers: state.seats.length - state.buyers,
    minPrice: state.config.minPrice,
    maxPrice: state.config.maxPrice,
    tick: state.config.tick,
    book: bookOf(state),
    tape: state.publicTape,
    history: state.recent.map((r): PublicPeriod => {
      const base = { period: r.period, prices: r.prices, end: r.end };
      return show ? { ...base, schedules: r.market, equilibrium: r.equilibrium } : base;
    }),
  };
}
