/**
 * Order matching: a new order first replaces the trader's oldest when it is at its
 * cap, then trades at once at the best opposite order's price if it reaches it, or
 * rests in the book with price-time priority. A trade that leaves every buyer or
 * every seller without units closes the period. Cancelling withdraws an own order.
 */
import type { ApplyResult, MechEvent, SeatId } from '../core/types.ts';
import { gridOf, money, snapToGrid } from './config.ts';
import { EMPTY_BOOK, insertOrder, ownOrders, removeAt, type BookSide, type Order } from './book.ts';
import { closePeriod, everyoneDone, withClock } from './periods.ts';
import { sideOf, type DoubleAuctionState, type TapeEntry, type Trade } from './state.ts';

type State = DoubleAuctionState;

/** The public and the owner's events of an order leaving the book unfilled. */
function cancelEvents(state: State, i: number, order: Order, reason: 'cancelled' | 'replaced'): MechEvent[] {
  const seat = state.seats[i] as SeatId;
  const side = sideOf(state, i);
  return [
    { kind: 'order_cancelled', audience: 'public', data: { period: state.period, side, price: order.price, reason, ...(state.config.showOrderOwners ? { owner: seat } : {}) } },
    { kind: 'own_order_cancelled', audience: [seat], data: { period: state.period, orderId: order.id, side, price: order.price, reason } },
  ];
}

/** Places seat index `i`'s order at the grid price nearest `requested` (already checked by legal()). */
export function placeOrder(state: State, i: number, requested: number, at: number): ApplyResult<State> {
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
  const entry: TapeEntry = config.showTradeParties ? { price: tradePrice, at, buyer: buyerSeat, seller: sellerSeat } : { price: tradePrice, at };
  const traded_: State = { ...state, stateId, deadline, nextOrderId, traded, profit, totals, bids, asks, tape: [...state.tape, trade], publicTape: [...state.publicTape, entry] };
  const rewards = { [buyerSeat]: buyerProfit, [sellerSeat]: sellerProfit };
  const n = state.seats.length;
  if (everyoneDone(traded_, 0, state.buyers) || everyoneDone(traded_, state.buyers, n)) {
    const closed = closePeriod(traded_, at, 'unitsExhausted');
    return { ok: true, state: closed.state, events: [...events, ...closed.events], rewards };
  }
  return { ok: true, state: traded_, events, rewards };
}

/** Withdraws seat index `i`'s open order `orderId`; rejects an id that is not its own open order. */
export function cancelOrder(state: State, i: number, orderId: number, at: number): ApplyResult<State> {
  const buyer = i < state.buyers;
  const book = buyer ? state.bids : state.asks;
  const index = book.findIndex((o) => o.id === orderId && o.trader === i);
  if (index < 0) return { ok: false, code: 'NOT_ALLOWED', message: `you have no open order #${orderId}` };
  const events: MechEvent[] = [];
  const deadline = withClock(state, at, events);
  events.push(...cancelEvents(state, i, book[index] as Order, 'cancelled'));
  const rest = removeAt(book, index);
  const stateId = state.stateId + 1;
  return { ok: true, state: buyer ? { ...state, stateId, deadline, bids: rest } : { ...state, stateId, deadline, asks: rest }, events };
}

