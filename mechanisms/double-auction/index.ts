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
import type { ApplyResult, Benchmark, Mechanism } from '../core/types.ts';
import { doubleAuctionActionSchema, doubleAuctionConfigSchema, traderCount, type DoubleAuctionAction, type DoubleAuctionConfig } from './config.ts';
import { doubleAuctionRules } from './rules.ts';
import { MECHANISM_ID, seatIndex, sideOf, type DoubleAuctionState } from './state.ts';
import { advanceTo, openMarket } from './periods.ts';
import { legalActions } from './legal.ts';
import { cancelOrder, placeOrder } from './matching.ts';
import { marketPublicView, revealed, traderView, type MarketPublicView, type TraderView } from './views.ts';
import { describeView } from './describe.ts';
import { MARKET_MEASURES, marketOutcome, payoffBounds } from './outcome.ts';
import { equilibrium } from './equilibrium.ts';
import { DOUBLE_AUCTION_ROUND_FIELDS, DOUBLE_AUCTION_TABLES } from './tables.ts';

export { equilibrium, equilibriumMid, type Equilibrium } from './equilibrium.ts';
export type { DoubleAuctionAction, DoubleAuctionConfig } from './config.ts';
export type { BookLevel, Order } from './book.ts';
export type { Schedules } from './schedules.ts';
export type { DoubleAuctionState, PeriodEnd, PeriodRecord, Trade } from './state.ts';
export type { MarketFacts, MarketPublicView, OwnOrder, OwnPeriod, OwnTrade, PublicBook, PublicPeriod, TapeEntry, TraderView } from './views.ts';

/** The market's competitive equilibrium when the config gives every schedule (null when they are drawn). */
function givenEquilibrium(config: DoubleAuctionConfig) {
  if (typeof config.buyers === 'number' || typeof config.sellers === 'number') return null;
  return equilibrium(config.buyers.flat(), config.sellers.flat());
}

export const doubleAuction: Mechanism<DoubleAuctionConfig, DoubleAuctionState, DoubleAuctionAction, TraderView, MarketPublicView> = {
  id: MECHANISM_ID,
  version: 1,
  title: 'Continuous double auction',
  traits: { timing: 'continuous', utility: 'general', chance: true, private: ['the values of its units (a buyer) or their costs (a seller)'] },
  rules: doubleAuctionRules,
  configSchema: doubleAuctionConfigSchema,
  actionSchema: doubleAuctionActionSchema,
  measures: MARKET_MEASURES,
  tables: DOUBLE_AUCTION_TABLES,
  roundFields: DOUBLE_AUCTION_ROUND_FIELDS,
  policies: ['zi-u', 'zi-c'],
  baseline: { policy: 'zi-c' },

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

  progress(state) {
    return { round: state.period, rounds: state.config.periods, unit: 'period', phase: state.over ? 'over' : state.deadline === null ? 'opening' : 'trading' };
  },

  benchmarks(config): Record<string, Benchmark> {
    const ce = givenEquilibrium(config);
    // Given schedules are the traders' private values and costs: their equilibrium is the experimenter's until revealed.
    const of = (value: number | null, unit: string, definition: string): Benchmark => ({ value, unit, definition, audience: 'experimenter' });
    return {
      ce_price_low: of(ce?.priceLow ?? null, 'money', 'lowest market-clearing price of one period (given schedules; null when drawn)'),
      ce_price_high: of(ce?.priceHigh ?? null, 'money', 'highest market-clearing price of one period'),
      ce_quantity: of(ce?.quantity ?? null, 'units', 'competitive-equilibrium quantity of one period'),
      ce_surplus: of(ce?.surplus ?? null, 'money', 'surplus of the efficient allocation in one period'),
    };
  },

  oneRound(config) {
    return { ...config, periods: 1 };
  },

  revealedFields(state) {
    // Past periods in views, and the schedules and equilibria of the events that reveal them.
    return state.recent.length > 0 && revealed(state) ? ['history', 'schedules', 'equilibrium', 'periods'] : [];
  },
};

export default doubleAuction;
