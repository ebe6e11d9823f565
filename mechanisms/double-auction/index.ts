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
import type { ApplyResult, Mechanism } from '../core/types.ts';
import { doubleAuctionActionSchema, doubleAuctionConfigSchema, traderCount, type DoubleAuctionAction, type DoubleAuctionConfig } from './config.ts';
import { doubleAuctionRules } from './rules.ts';
import { MECHANISM_ID, seatIndex, sideOf, type DoubleAuctionState } from './state.ts';
import { advanceTo, openMarket } from './periods.ts';
import { legalActions } from './legal.ts';
import { cancelOrder, placeOrder } from './matching.ts';
import { marketPublicView, traderView, type MarketPublicView, type TraderView } from './views.ts';
import { describeView } from './describe.ts';
import { marketOutcome, payoffBounds } from './outcome.ts';

export { equilibrium, equilibriumMid, type Equilibrium } from './equilibrium.ts';
export type { DoubleAuctionAction, DoubleAuctionConfig } from './config.ts';
export type { BookLevel, Order } from './book.ts';
export type { Schedules } from './schedules.ts';
export type { DoubleAuctionState, PeriodEnd, PeriodRecord, Trade } from './state.ts';
export type { MarketFacts, MarketPublicView, OwnOrder, OwnPeriod, OwnTrade, PublicBook, PublicPeriod, TapeEntry, TraderView } from './views.ts';

export const doubleAuction: Mechanism<DoubleAuctionConfig, DoubleAuctionState, DoubleAuctionAction, TraderView, MarketPublicView> = {
  id: MECHANISM_ID,
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

  setup: openMarket,

  legal(state, seat) {
    if (state.over) return [];
    const i = seatIndex(state, seat);
    return i < 0 ? [] : legalActions(state, i);
  },

  apply(state, seat, action, at): ApplyResult<DoubleAuctionState> {
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

  advance: advanceTo,
  view: traderView,
  publicView: marketPublicView,
  describe: describeView,
  outcome: marketOutcome,
  payoffBounds,

  revealsPrivate(state) {
    return state.config.revealSchedules === 'afterPeriod' ? state.history.length > 0 : state.config.revealSchedules === 'afterMarket' && state.over;
  },
};
