/**
 * What a trader may send now: a placeOrder on its own side within price bounds that
 * carry allowLoss, the improvement rule and the cover rule, and a cancelOrder over its
 * own open order ids. A trader with no units left may do nothing.
 */
import type { Legal, LegalAction } from '../core/types.ts';
import { ceilToGrid, floorToGrid, gridOf, stepGrid } from './config.ts';
import { ownOrders, type BookSide } from './book.ts';
import type { DoubleAuctionState } from './state.ts';

const SIDE_OPTIONS: Record<BookSide, readonly string[]> = { bid: Object.freeze(['bid']), ask: Object.freeze(['ask']) };

/** The placeOrder a trader may send now, or null. The bounds carry allowLoss, the improvement rule and the cover rule. */
function placeOrderLegal(state: DoubleAuctionState, i: number): LegalAction | null {
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

/** The cancelOrder over the trader's own open order ids (ascending), or null when it has none. */
function cancelOrderLegal(state: DoubleAuctionState, i: number): LegalAction | null {
  const book = i < state.buyers ? state.bids : state.asks;
  let ids: number[] | null = null;
  for (const o of book) if (o.trader === i) (ids ??= []).push(o.id);
  if (!ids) return null;
  ids.sort((a, b) => a - b);
  return { type: 'cancelOrder', params: { orderId: { kind: 'choice', options: ids } } };
}

/** Everything seat index `i` may send in an open market. */
export function legalActions(state: DoubleAuctionState, i: number): Legal {
  const place = placeOrderLegal(state, i);
  const cancel = cancelOrderLegal(state, i);
  if (place && cancel) return [place, cancel];
  return place ? [place] : cancel ? [cancel] : [];
}
