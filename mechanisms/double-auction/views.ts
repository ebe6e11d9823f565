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
import { periodSummary } from './periods.ts';
import type { Schedules } from './schedules.ts';
import { MECHANISM_ID, roleOf, seatIndex, type DoubleAuctionState, type PeriodEnd, type Trade } from './state.ts';

type State = DoubleAuctionState;

export interface TapeEntry {
  readonly price: number;
  readonly at: number;
  readonly buyer?: SeatId;
  readonly seller?: SeatId;
}

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
  readonly history: readonly PublicPeriod[];
}

/** Price levels of one side; cheap enough to build per view (a cache keyed by the book costs more). */
function levels(state: State, book: readonly Order[]): BookLevel[] {
  if (book.length === 0) return [];
  return levelsOf(book, state.config.showOrderOwners ? (i) => state.seats[i] as SeatId : null);
}

const tapeCache = new WeakMap<readonly Trade[], { parties: boolean; tape: TapeEntry[] }>();

/** The period's tape as everyone sees it, cached per tape array (each trade makes a new one). */
function publicTape(state: State, trades: readonly Trade[]): TapeEntry[] {
  const parties = state.config.showTradeParties;
  const hit = tapeCache.get(trades);
  if (hit && hit.parties === parties) return hit.tape;
  const tape = trades.map((t): TapeEntry => (parties ? { price: t.price, at: t.at, buyer: state.seats[t.buyer] as SeatId, seller: state.seats[t.seller] as SeatId } : { price: t.price, at: t.at }));
  tapeCache.set(trades, { parties, tape });
  return tape;
}

/** Whether a closed period's schedules are public in this state. */
function revealed(state: State): boolean {
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
  const history = state.history.map((r): OwnPeriod => {
    const summary = periodSummary(r, state.buyers);
    const own = { period: r.period, prices: summary.prices, units: r.traded[i] ?? 0, profit: r.profit[i] ?? 0 };
    return show ? { ...own, schedules: summary.schedules() } : own;
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
    book: { bids: levels(state, state.bids), asks: levels(state, state.asks) },
    tape: publicTape(state, state.tape),
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
    book: { bids: levels(state, state.bids), asks: levels(state, state.asks) },
    tape: publicTape(state, state.tape),
    history: state.history.map((r): PublicPeriod => {
      const summary = periodSummary(r, state.buyers);
      const base = { period: r.period, prices: summary.prices, end: r.end };
      return show ? { ...base, schedules: summary.schedules(), equilibrium: r.equilibrium } : base;
    }),
  };
}
