/**
 * double-auction@1 — continuous double auction (a classroom or lab market).
 *
 * Rules: buyers hold units with private values, sellers units with private costs,
 * either listed in the config (so a known supply-and-demand schedule can be run) or
 * drawn per trader from its own seeded stream (fresh each period or fixed). Buyers
 * use their highest-value unit first and sellers their lowest-cost unit first (given
 * schedules are sorted that way). Traders post one-unit limit orders on a price grid
 * [minPrice, maxPrice] in steps of `tick`: buyers bid, sellers ask. A new order that
 * reaches the best opposite order trades at once at the standing order's price;
 * otherwise it rests in the book with price-time priority. Traders may cancel their
 * own orders. Each period ends at its deadline (`periodMs` after its clock starts: the
 * first tick or order of period 1; the moment the previous period closed for the rest)
 * or as soon as every buyer or every seller has traded all units; the book is cleared
 * and units come back for the next period. The early end deliberately ignores values
 * and costs ("no profitable trade is left"): ending on them would tell everyone
 * something about private values through the clock; the deadline ends the rest.
 *
 * Parameters: buyers, sellers (count or explicit schedules), unitsPerTrader, values,
 * costs, freshValues, periods, periodMs, minPrice, maxPrice, tick, improvementRule
 * (a new bid must beat the best bid, a new ask undercut the best ask), clearBookAfterTrade,
 * maxOpenOrdersPerTrader (default 1: a new order replaces your previous one; at any cap,
 * which is never more than the units you have left, a new order replaces your oldest),
 * allowLoss (default false: no bid above the next unit's value, no ask below its cost;
 * with k open orders each must be covered by the k-th unit left, so no fill can ever
 * lose money whatever order fills first, and the engine never withdraws orders on a
 * trader's behalf, which would leak its values through the book), showOrderOwners,
 * showTradeParties, revealSchedules (default 'afterMarket').
 * All of it is expressed in legal(): a buyer may only bid, a seller only ask, the
 * price bounds carry allowLoss and the improvement rule, cancelOrder lists only your
 * own order ids, and a trader with no units left has nothing to do.
 *
 * Payoffs: a buyer earns value − price per unit bought, a seller price − cost per unit
 * sold. The market takes no fee, so revenue is 0 and welfare (the realised surplus)
 * is the sum of payoffs; maxWelfare is the competitive-equilibrium surplus summed over periods.
 *
 * Seats see (view): their role, their own remaining units with values or costs, their
 * own open orders (with ids), the public book as price levels with sizes (owners only
 * with showOrderOwners), the trade tape of the period (prices and times; parties only
 * with showTradeParties), their own trades and profit, the period and its deadline,
 * and past periods' prices (plus the anonymous schedules once revealed). Never another
 * seat's values or costs before the reveal, and never the competitive equilibrium.
 * Spectators see (publicView): the book, the tape, period and deadline, and the demand
 * and supply schedules with the competitive equilibrium once revealSchedules allows
 * ('afterPeriod': each closed period; 'afterMarket': all periods at the end; 'never').
 */
import type { ApplyResult, Legal, LegalAction, Mechanism, MechEvent, Outcome, ParticipantRound, SeatId } from '../core/types.ts';
import { drawFrom, support } from '../core/policy.ts';
import { draw, seatStream, type RngState, type SeedSet } from '../core/random.ts';
import {
  ceilToGrid,
  doubleAuctionActionSchema,
  doubleAuctionConfigSchema,
  floorToGrid,
  gridOf,
  money,
  sideBounds,
  snapToGrid,
  stepGrid,
  traderCount,
  type DoubleAuctionAction,
  type DoubleAuctionConfig,
  type Role,
  type Side,
} from './config.ts';
import { EMPTY_BOOK, insertOrder, levelsOf, ownOrders, removeAt, type BookLevel, type BookSide, type Order } from './book.ts';
import { equilibrium, equilibriumMid, type Equilibrium } from './equilibrium.ts';
import { doubleAuctionRules } from './rules.ts';

export { equilibrium, equilibriumMid, type Equilibrium } from './equilibrium.ts';
export type { DoubleAuctionAction, DoubleAuctionConfig } from './config.ts';
export type { BookLevel, Order } from './book.ts';

const ID = 'double-auction';

/** One trade; `buyer` and `seller` are seat indices, `value` and `cost` the units it used. */
export interface Trade {
  readonly price: number;
  readonly at: number;
  readonly buyer: number;
  readonly seller: number;
  readonly value: number;
  readonly cost: number;
}

export type PeriodEnd = 'deadline' | 'unitsExhausted';

/** A closed period, as the engine keeps it (arrays indexed by seat index). */
export interface PeriodRecord {
  readonly period: number;
  readonly schedules: readonly (readonly number[])[];
  readonly traded: readonly number[];
  readonly profit: readonly number[];
  readonly trades: readonly Trade[];
  readonly equilibrium: Equilibrium;
  readonly end: PeriodEnd;
  readonly closedAt: number;
}

export interface DoubleAuctionState {
  readonly stateId: number;
  readonly phaseId: number;
  readonly deadline: number | null;
  readonly over: boolean;
  readonly config: DoubleAuctionConfig;
  readonly seats: readonly SeatId[];
  /** Seats [0, buyers) are buyers, the rest sellers. */
  readonly buyers: number;
  readonly period: number;
  /** Each seat's units this period in trading order: values descending (buyers), costs ascending (sellers). */
  readonly schedules: readonly (readonly number[])[];
  /** Units each seat has traded this period. */
  readonly traded: readonly number[];
  /** Profit of each seat this period and over the match so far. */
  readonly profit: readonly number[];
  readonly totals: readonly number[];
  readonly bids: readonly Order[];
  readonly asks: readonly Order[];
  readonly nextOrderId: number;
  /** Trades of this period. */
  readonly tape: readonly Trade[];
  readonly history: readonly PeriodRecord[];
  /** Each seat's private stream (drawn schedules). */
  readonly rng: readonly RngState[];
}

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

/** Demand (values, descending) and supply (costs, ascending) of one period, without names. */
export interface Schedules {
  readonly demand: readonly number[];
  readonly supply: readonly number[];
}

export interface OwnPeriod {
  readonly period: number;
  readonly prices: readonly number[];
  readonly units: number;
  readonly profit: number;
  /** Present once revealed. */
  readonly schedules?: Schedules;
}

export interface TraderView {
  readonly mechanism: string;
  readonly seat: SeatId;
  readonly role: Role;
  readonly period: number;
  readonly periods: number;
  readonly over: boolean;
  readonly deadline: number | null;
  readonly buyers: number;
  readonly sellers: number;
  readonly minPrice: number;
  readonly maxPrice: number;
  readonly tick: number;
  readonly improvementRule: boolean;
  readonly allowLoss: boolean;
  readonly maxOpenOrders: number;
  /** Own units this period: traded so far, left, and the values (costs) of those left, next first. */
  readonly units: { readonly traded: number; readonly left: number; readonly next: number | null; readonly remaining: readonly number[] };
  readonly myOrders: readonly OwnOrder[];
  readonly book: { readonly bids: readonly BookLevel[]; readonly asks: readonly BookLevel[] };
  readonly tape: readonly TapeEntry[];
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

export interface MarketPublicView {
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
  readonly book: { readonly bids: readonly BookLevel[]; readonly asks: readonly BookLevel[] };
  readonly tape: readonly TapeEntry[];
  readonly history: readonly PublicPeriod[];
}

type State = DoubleAuctionState;
type Config = DoubleAuctionConfig;

// ---------------------------------------------------------------------------
// Schedules

/** Draws are rounded to cents (and kept inside the distribution's support) so prices and profits print cleanly. */
function drawUnits(units: number, dist: Config['values'], stream: RngState, order: 'desc' | 'asc'): [number[], RngState] {
  const { low, high } = support(dist);
  return draw(stream, (rng) => {
    const xs: number[] = [];
    for (let k = 0; k < units; k++) xs.push(Math.min(high, Math.max(low, Math.round(drawFrom(dist, rng) * 100) / 100)));
    return xs.sort(order === 'desc' ? (a, b) => b - a : (a, b) => a - b);
  });
}

/** Each seat's schedule for a new period; given schedules keep their (sorted) arrays, drawn ones draw from the seat's stream. */
function schedulesFor(config: Config, nb: number, previous: readonly (readonly number[])[] | null, streams: readonly RngState[]): [(readonly number[])[], RngState[]] {
  const out: (readonly number[])[] = [];
  const next: RngState[] = [];
  const n = streams.length;
  for (let i = 0; i < n; i++) {
    const buyer = i < nb;
    const side: Side = buyer ? config.buyers : config.sellers;
    const stream = streams[i] as RngState;
    if (typeof side !== 'number') {
      const given = side[buyer ? i : i - nb] as readonly number[];
      out.push(previous ? (previous[i] as readonly number[]) : given.slice().sort(buyer ? (a, b) => b - a : (a, b) => a - b));
      next.push(stream);
    } else if (previous && !config.freshValues) {
      out.push(previous[i] as readonly number[]);
      next.push(stream);
    } else {
      const [units, after] = drawUnits(config.unitsPerTrader, buyer ? config.values : config.costs, stream, buyer ? 'desc' : 'asc');
      out.push(units);
      next.push(after);
    }
  }
  return [out, next];
}

function equilibriumOf(schedules: readonly (readonly number[])[], nb: number): Equilibrium {
  const values: number[] = [];
  const costs: number[] = [];
  schedules.forEach((s, i) => (i < nb ? values : costs).push(...s));
  return equilibrium(values, costs);
}

const zeros = (n: number): number[] => new Array<number>(n).fill(0);

// ---------------------------------------------------------------------------
// Derived, cached read models (keyed by immutable arrays and records)

/** Seat index of a seat; seats are normally `p0`, `p1`... in order, so the name says where to look. */
function seatIndex(state: State, seat: SeatId): number {
  const guess = Number(seat.slice(1));
  if (state.seats[guess] === seat) return guess;
  return state.seats.indexOf(seat);
}

/** Price levels of one side; cheap enough to build per view (a cache keyed by the book costs more). */
function levels(state: State, book: readonly Order[]): BookLevel[] {
  if (book.length === 0) return [];
  return levelsOf(book, state.config.showOrderOwners ? (i) => state.seats[i] as SeatId : null);
}

const tapeCache = new WeakMap<readonly Trade[], { parties: boolean; tape: TapeEntry[] }>();
function publicTape(state: State, trades: readonly Trade[]): TapeEntry[] {
  const parties = state.config.showTradeParties;
  const hit = tapeCache.get(trades);
  if (hit && hit.parties === parties) return hit.tape;
  const tape = trades.map((t): TapeEntry => (parties ? { price: t.price, at: t.at, buyer: state.seats[t.buyer] as SeatId, seller: state.seats[t.seller] as SeatId } : { price: t.price, at: t.at }));
  tapeCache.set(trades, { parties, tape });
  return tape;
}

const periodCache = new WeakMap<PeriodRecord, { prices: number[]; schedules: Schedules | null }>();
function periodSummary(record: PeriodRecord, nb: number): { prices: number[]; schedules: () => Schedules } {
  let hit = periodCache.get(record);
  if (!hit) {
    hit = { prices: record.trades.map((t) => t.price), schedules: null };
    periodCache.set(record, hit);
  }
  const entry = hit;
  return {
    prices: entry.prices,
    schedules: () => {
      if (!entry.schedules) {
        const demand: number[] = [];
        const supply: number[] = [];
        record.schedules.forEach((s, i) => (i < nb ? demand : supply).push(...s));
        entry.schedules = { demand: demand.sort((a, b) => b - a), supply: supply.sort((a, b) => a - b) };
      }
      return entry.schedules;
    },
  };
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

// ---------------------------------------------------------------------------
// Legal actions

const SIDE_OPTIONS: Record<BookSide, readonly string[]> = { bid: Object.freeze(['bid']), ask: Object.freeze(['ask']) };

/** The placeOrder a trader may send now, or null. The bounds carry allowLoss, the improvement rule and the cover rule. */
function placeOrderLegal(state: State, i: number): LegalAction | null {
  const { config } = state;
  const buyer = i < state.buyers;
  const schedule = state.schedules[i] as readonly number[];
  const t = state.traded[i] as number;
  const left = schedule.length - t;
  if (left <= 0) return null;
  const own = ownOrders(buyer ? state.bids : state.asks, i);
  const cap = Math.min(config.maxOpenOrdersPerTrader, left);
  const replacing = own.count >= cap;
  const g = gridOf(config);
  let lo = g.min;
  let hi = g.max;
  let limit: number | null = null;
  if (!config.allowLoss) {
    // With k open orders after this one, every order must be covered by the k-th unit left.
    limit = schedule[t + (replacing ? own.count - 1 : own.count)] as number;
    if (!replacing && own.count > 0 && (buyer ? own.extreme > limit : own.extreme < limit)) return null;
    if (buyer) hi = Math.min(hi, floorToGrid(g, limit));
    else lo = Math.max(lo, ceilToGrid(g, limit));
  }
  if (config.improvementRule) {
    const best = buyer ? state.bids[0] : state.asks[0];
    if (best) {
      if (buyer) lo = Math.max(lo, stepGrid(g, best.price, 1));
      else hi = Math.min(hi, stepGrid(g, best.price, -1));
    }
  }
  if (lo > hi) return null;
  const side: BookSide = buyer ? 'bid' : 'ask';
  const unit = schedule[t] as number;
  const hint = `${buyer ? `your next unit is worth ${unit}` : `your next unit costs ${unit}`}${limit !== null && limit !== unit ? `; this order must be covered by a unit ${buyer ? 'worth' : 'costing'} ${limit}` : ''}${replacing ? `; it replaces your order #${own.oldest}` : ''}`;
  return { type: 'placeOrder', params: { side: { kind: 'choice', options: SIDE_OPTIONS[side] }, price: { kind: 'number', min: lo, max: hi, step: g.tick } }, hint };
}

function cancelOrderLegal(state: State, i: number): LegalAction | null {
  const book = i < state.buyers ? state.bids : state.asks;
  let ids: number[] | null = null;
  for (const o of book) if (o.trader === i) (ids ??= []).push(o.id);
  if (!ids) return null;
  ids.sort((a, b) => a - b);
  return { type: 'cancelOrder', params: { orderId: { kind: 'choice', options: ids } } };
}

// ---------------------------------------------------------------------------
// Transitions

const sideOf = (state: State, i: number): BookSide => (i < state.buyers ? 'bid' : 'ask');
const roleOf = (state: State, i: number): Role => (i < state.buyers ? 'buyer' : 'seller');

function cancelEvents(state: State, i: number, order: Order, reason: 'cancelled' | 'replaced'): MechEvent[] {
  const seat = state.seats[i] as SeatId;
  const side = sideOf(state, i);
  return [
    { kind: 'order_cancelled', audience: 'public', data: { period: state.period, side, price: order.price, reason, ...(state.config.showOrderOwners ? { owner: seat } : {}) } },
    { kind: 'own_order_cancelled', audience: [seat], data: { period: state.period, orderId: order.id, side, price: order.price, reason } },
  ];
}

/** Starts the period clock if it is not running yet. */
function withClock(state: State, at: number, events: MechEvent[]): number {
  if (state.deadline !== null) return state.deadline;
  const deadline = at + state.config.periodMs;
  events.push({ kind: 'clock_started', audience: 'public', data: { period: state.period, deadline } });
  return deadline;
}

function everyoneDone(state: State, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if ((state.traded[i] as number) < (state.schedules[i] as readonly number[]).length) return false;
  return true;
}

/**
 * Closes the current period of `state` (whose stateId is already the new one) at `at`:
 * records it, clears the book, gives units back and opens the next period, or ends the market.
 */
function closePeriod(state: State, at: number, end: PeriodEnd): { state: State; events: MechEvent[] } {
  const { config } = state;
  const record: PeriodRecord = {
    period: state.period,
    schedules: state.schedules,
    traded: state.traded,
    profit: state.profit,
    trades: state.tape,
    equilibrium: equilibriumOf(state.schedules, state.buyers),
    end,
    closedAt: at,
  };
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

function placeOrder(state: State, i: number, requested: number, at: number): ApplyResult<State> {
  const { config } = state;
  const seat = state.seats[i] as SeatId;
  const buyer = i < state.buyers;
  const side: BookSide = buyer ? 'bid' : 'ask';
  const price = snapToGrid(gridOf(config), requested);
  const events: MechEvent[] = [];
  const deadline = withClock(state, at, events);
  let own = buyer ? state.bids : state.asks;
  const left = (state.schedules[i] as readonly number[]).length - (state.traded[i] as number);
  const mine = ownOrders(own, i);
  if (mine.count >= Math.min(config.maxOpenOrdersPerTrader, left)) {
    events.push(...cancelEvents(state, i, own[mine.oldestIndex] as Order, 'replaced'));
    own = removeAt(own, mine.oldestIndex);
  }
  const orderId = state.nextOrderId;
  const opposite = buyer ? state.asks : state.bids;
  const best = opposite[0];
  const crosses = best !== undefined && (buyer ? best.price <= price : best.price >= price);
  events.push(
    { kind: 'order_placed', audience: 'public', data: { period: state.period, side, price, ...(config.showOrderOwners ? { owner: seat } : {}) } },
    { kind: 'own_order_placed', audience: [seat], data: { period: state.period, orderId, side, price, resting: !crosses } },
  );
  const stateId = state.stateId + 1;
  const nextOrderId = orderId + 1;
  if (!crosses) {
    const book = insertOrder(own, side, { id: orderId, trader: i, price });
    const rested: State = buyer ? { ...state, stateId, deadline, nextOrderId, bids: book } : { ...state, stateId, deadline, nextOrderId, asks: book };
    return { ok: true, state: rested, events };
  }

  // A trade at the standing order's price.
  const b = buyer ? i : best.trader;
  const s = buyer ? best.trader : i;
  const tradePrice = best.price;
  const value = (state.schedules[b] as readonly number[])[state.traded[b] as number] as number;
  const cost = (state.schedules[s] as readonly number[])[state.traded[s] as number] as number;
  const trade: Trade = { price: tradePrice, at, buyer: b, seller: s, value, cost };
  const traded = state.traded.slice();
  traded[b] = (traded[b] as number) + 1;
  traded[s] = (traded[s] as number) + 1;
  const buyerProfit = money(value - tradePrice);
  const sellerProfit = money(tradePrice - cost);
  const profit = state.profit.slice();
  profit[b] = money((profit[b] as number) + buyerProfit);
  profit[s] = money((profit[s] as number) + sellerProfit);
  const totals = state.totals.slice();
  totals[b] = money((totals[b] as number) + buyerProfit);
  totals[s] = money((totals[s] as number) + sellerProfit);
  const buyerSeat = state.seats[b] as SeatId;
  const sellerSeat = state.seats[s] as SeatId;
  events.push(
    {
      kind: 'trade',
      audience: 'public',
      data: { period: state.period, price: tradePrice, initiator: side, ...(config.showTradeParties ? { buyer: buyerSeat, seller: sellerSeat } : {}) },
    },
    { kind: 'bought', audience: [buyerSeat], data: { period: state.period, price: tradePrice, value, profit: buyerProfit, orderId: buyer ? orderId : best.id } },
    { kind: 'sold', audience: [sellerSeat], data: { period: state.period, price: tradePrice, cost, profit: sellerProfit, orderId: buyer ? best.id : orderId } },
  );
  let bids = buyer ? own : removeAt(opposite, 0);
  let asks = buyer ? removeAt(opposite, 0) : own;
  if (config.clearBookAfterTrade && bids.length + asks.length > 0) {
    events.push({ kind: 'book_cleared', audience: 'public', data: { period: state.period, orders: bids.length + asks.length } });
    bids = EMPTY_BOOK;
    asks = EMPTY_BOOK;
  }
  const traded_: State = { ...state, stateId, deadline, nextOrderId, traded, profit, totals, bids, asks, tape: [...state.tape, trade] };
  const n = state.seats.length;
  if (everyoneDone(traded_, 0, state.buyers) || everyoneDone(traded_, state.buyers, n)) {
    const closed = closePeriod(traded_, at, 'unitsExhausted');
    return { ok: true, state: closed.state, events: [...events, ...closed.events] };
  }
  return { ok: true, state: traded_, events };
}

function cancelOrder(state: State, i: number, orderId: number, at: number): ApplyResult<State> {
  const buyer = i < state.buyers;
  const book = buyer ? state.bids : state.asks;
  const index = book.findIndex((o) => o.id === orderId && o.trader === i);
  if (index < 0) return { ok: false, code: 'NOT_ALLOWED', message: `you have no open order #${orderId}` };
  const events: MechEvent[] = [];
  const deadline = withClock(state, at, events);
  events.push(...cancelEvents(state, i, book[index] as Order, 'cancelled'));
  const rest = removeAt(book, index);
  const next = { ...state, stateId: state.stateId + 1, deadline };
  return { ok: true, state: buyer ? { ...next, bids: rest } : { ...next, asks: rest }, events };
}

// ---------------------------------------------------------------------------
// Outcome

function currentRecord(state: State): PeriodRecord {
  return {
    period: state.period,
    schedules: state.schedules,
    traded: state.traded,
    profit: state.profit,
    trades: state.tape,
    equilibrium: equilibriumOf(state.schedules, state.buyers),
    end: 'deadline',
    closedAt: state.deadline ?? 0,
  };
}

const compact = (xs: readonly number[]): string => xs.join('/');

// ---------------------------------------------------------------------------
// Text

function describeView(v: TraderView): string {
  const unitWord = v.role === 'buyer' ? 'value' : 'cost';
  const lines = [
    `You are ${v.role} ${v.seat} in a continuous double auction with ${v.buyers} buyers and ${v.sellers} sellers, period ${v.period} of ${v.periods}${v.over ? ' (the market has closed)' : ''}.`,
    v.units.left > 0
      ? `You have ${v.units.left} unit${v.units.left === 1 ? '' : 's'} left this period; their ${unitWord}s, next first: ${v.units.remaining.join(', ')}. You have traded ${v.units.traded}.`
      : `You have no units left this period (traded ${v.units.traded}).`,
    `Prices run from ${v.minPrice} to ${v.maxPrice} in steps of ${v.tick}.${v.improvementRule ? ' New bids must beat the best bid, new asks undercut the best ask.' : ''}`,
    `Book: bids ${v.book.bids.length ? v.book.bids.map((l) => `${l.price}×${l.size}`).join(', ') : 'none'}; asks ${v.book.asks.length ? v.book.asks.map((l) => `${l.price}×${l.size}`).join(', ') : 'none'}.`,
    v.myOrders.length ? `Your open orders: ${v.myOrders.map((o) => `#${o.orderId} ${o.side} ${o.price}`).join(', ')}.` : 'You have no open orders.',
    v.tape.length ? `Trades this period at: ${v.tape.map((t) => t.price).join(', ')}.` : 'No trades yet this period.',
  ];
  for (const t of v.myTrades) lines.push(`You ${v.role === 'buyer' ? 'bought' : 'sold'} at ${t.price} (${unitWord} ${t.unit}, profit ${t.profit}).`);
  for (const h of v.history.slice(-3)) lines.push(`Period ${h.period}: ${h.prices.length} trades${h.prices.length ? ` at ${h.prices.join(', ')}` : ''}; you traded ${h.units} for a profit of ${h.profit}.`);
  if (v.deadline !== null) lines.push(`This period closes at t=${v.deadline} ms.`);
  lines.push(`Your profit: ${v.periodProfit} this period, ${v.totalProfit} in total.`);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------
// The mechanism

export const doubleAuction: Mechanism<Config, State, DoubleAuctionAction, TraderView, MarketPublicView> = {
  id: ID,
  version: 1,
  title: 'Continuous double auction',
  rules: doubleAuctionRules,
  configSchema: doubleAuctionConfigSchema,
  actionSchema: doubleAuctionActionSchema,

  seats(config) {
    const nb = traderCount(config.buyers);
    const n = nb + traderCount(config.sellers);
    return { min: n, max: n, roles: (k) => Array.from({ length: k }, (_, i) => (i < nb ? 'buyer' : 'seller')) };
  },

  setup(config, seats, seeds: SeedSet) {
    const nb = traderCount(config.buyers);
    const [schedules, rng] = schedulesFor(
      config,
      nb,
      null,
      seats.map((_, i) => seatStream(seeds, i)),
    );
    const n = seats.length;
    return {
      stateId: 0,
      phaseId: 0,
      deadline: null,
      over: false,
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
  },

  legal(state, seat): Legal {
    if (state.over) return [];
    const i = seatIndex(state, seat);
    if (i < 0) return [];
    const place = placeOrderLegal(state, i);
    const cancel = cancelOrderLegal(state, i);
    if (place && cancel) return [place, cancel];
    return place ? [place] : cancel ? [cancel] : [];
  },

  apply(state, seat, action, at): ApplyResult<State> {
    const i = seatIndex(state, seat);
    if (i < 0) return { ok: false, code: 'UNKNOWN_SEAT', message: 'no such seat in this match' };
    if (state.over) return { ok: false, code: 'GAME_OVER', message: 'the market has closed' };
    switch (action.type) {
      case 'placeOrder':
        if (action.side !== sideOf(state, i)) return { ok: false, code: 'NOT_ALLOWED', message: i < state.buyers ? 'buyers may only bid' : 'sellers may only ask' };
        return placeOrder(state, i, action.price, at);
      case 'cancelOrder':
        return cancelOrder(state, i, action.orderId, at);
    }
  },

  advance(state, at) {
    if (state.over) return { state, events: [] };
    if (state.deadline === null) {
      const events: MechEvent[] = [];
      const deadline = withClock(state, at, events);
      return { state: { ...state, stateId: state.stateId + 1, deadline }, events };
    }
    if (at < state.deadline) return { state, events: [] };
    return closePeriod({ ...state, stateId: state.stateId + 1 }, at, 'deadline');
  },

  view(state, seat): TraderView {
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
      mechanism: ID,
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
  },

  publicView(state): MarketPublicView {
    const show = revealed(state);
    return {
      mechanism: ID,
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
  },

  describe: describeView,

  /**
   * Closed periods, plus the current one as it stands when the market is still open.
   * Measures: trades, turnover (sum of prices), ce_quantity (summed over periods),
   * ce_price_mid (mean over periods); mean_price and price_rmsd (against each period's CE
   * midpoint) only when something traded.
   */
  outcome(state): Outcome {
    const records = state.over ? state.history : [...state.history, currentRecord(state)];
    const payoffs: Record<SeatId, number> = {};
    for (const seat of state.seats) payoffs[seat] = 0;
    const rows: ParticipantRound[] = [];
    let welfare = 0;
    let maxWelfare = 0;
    let trades = 0;
    let turnover = 0;
    let squares = 0;
    let ceQuantity = 0;
    let midSum = 0;
    let midCount = 0;
    for (const r of records) {
      const mid = equilibriumMid(r.equilibrium);
      maxWelfare = money(maxWelfare + r.equilibrium.surplus);
      ceQuantity += r.equilibrium.quantity;
      if (mid !== null) {
        midSum += mid;
        midCount++;
      }
      const prices: number[][] = state.seats.map(() => []);
      for (const t of r.trades) {
        welfare = money(welfare + t.value - t.cost);
        trades++;
        turnover = money(turnover + t.price);
        if (mid !== null) squares += (t.price - mid) ** 2;
        (prices[t.buyer] as number[]).push(t.price);
        (prices[t.seller] as number[]).push(t.price);
      }
      state.seats.forEach((seat, i) => {
        const profit = r.profit[i] as number;
        payoffs[seat] = money((payoffs[seat] as number) + profit);
        const schedule = r.schedules[i] as readonly number[];
        rows.push({
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
          payoff: profit,
          outside: 0,
        });
      });
    }
    // Undefined quantities are null: NaN has no JSON form, and a missing key would drop a CSV column.
    const measures: Record<string, number | null> = {
      trades,
      turnover,
      ce_quantity: ceQuantity,
      ce_price_mid: midCount > 0 ? midSum / midCount : null,
      mean_price: trades > 0 ? turnover / trades : null,
      price_rmsd: trades > 0 ? Math.sqrt(squares / trades) : null,
    };
    return { payoffs, revenue: 0, welfare, maxWelfare, rows, measures };
  },

  payoffBounds(config) {
    const b = sideBounds(config.buyers, config.unitsPerTrader, config.values);
    const s = sideBounds(config.sellers, config.unitsPerTrader, config.costs);
    const units = config.periods * Math.max(b.units, s.units);
    // Per unit: a buyer gains at most value − minPrice, a seller maxPrice − cost; losses only with allowLoss.
    const best = Math.max(0, b.high - config.minPrice, config.maxPrice - s.low);
    const worst = config.allowLoss ? Math.min(0, b.low - config.maxPrice, config.minPrice - s.high) : 0;
    return { min: units * worst, max: units * best };
  },

  revealsPrivate(state) {
    return state.config.revealSchedules === 'afterPeriod' ? state.history.length > 0 : state.config.revealSchedules === 'afterMarket' && state.over;
  },
};
