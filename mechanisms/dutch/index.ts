/**
 * dutch@1 — the Dutch auction: a descending price clock.
 *
 * Rules: one item per round, `rounds` items one after another; each bidder holds a private
 * value per item (drawn from `values`, fresh per item or fixed). A clock opens at
 * `startPrice` (default: the top of the values' support) and falls by `decrement` every
 * `tickMs` down to max(floor, reserve). The first bidder to stop the clock buys at the price
 * showing. Stops made while the clock shows one price are settled together at the tick: one
 * stopper wins; several tie, broken by `tieBreak` (a draw from the shared stream, or the
 * lowest seat). Nobody stopping by the end of the lowest price's tick: no sale. Nobody sees
 * a stop before its tick is settled.
 *
 * Information policy: `identities` (whether the winner is named when an item closes).
 *
 * Seats see: their own value, the clock, their own pending stop, the closed items'
 * prices and their own results. Spectators see the same without any value. Benchmarks: the
 * expected second-highest value, which the symmetric equilibrium (stop at (n−1)/n of one's
 * value for values uniform on [0, high]) gives in expectation, up to the decrement grid.
 */
import type { Benchmark, Mechanism } from '../core/types.ts';
import { support } from '../core/policy.ts';
import { dutchActionSchema, dutchConfigSchema, dutchStartOf, type DutchAction, type DutchConfig } from '../clock-auction/config.ts';
import { describeDutch, dutchAdvance, dutchApply, dutchLegal, dutchPublicView, dutchSetup, dutchView, DUTCH_ID, type DutchBidderView, type DutchPublicView, type DutchState } from '../clock-auction/dutch.ts';
import { COMMON_MEASURES, commonMeasures, itemBenchmarks } from '../clock-auction/items.ts';
import { dutchRules } from '../clock-auction/rules.ts';
import { CLOCK_AUCTION_ROUND_FIELDS } from '../clock-auction/tables.ts';

export type { DutchConfig, DutchAction } from '../clock-auction/config.ts';
export type { DutchState, DutchBidderView, DutchPublicView } from '../clock-auction/dutch.ts';

export const dutch: Mechanism<DutchConfig, DutchState, DutchAction, DutchBidderView, DutchPublicView> = {
  id: DUTCH_ID,
  version: 1,
  title: 'Dutch auction (descending clock)',
  traits: { timing: 'continuous', utility: 'general', chance: true, private: ['its value for each item'] },
  rules: dutchRules,
  configSchema: dutchConfigSchema,
  actionSchema: dutchActionSchema,
  roundFields: CLOCK_AUCTION_ROUND_FIELDS,
  measures: COMMON_MEASURES,
  policies: ['dutch-shader'],
  baseline: { policy: 'dutch-shader' },
  seats: () => ({ min: 2, max: 1000, roles: (n) => new Array<string>(n).fill('bidder') }),
  setup: dutchSetup,
  legal: dutchLegal,
  apply: dutchApply,
  advance: dutchAdvance,
  view: dutchView,
  publicView: dutchPublicView,
  describe: describeDutch,

  progress(state) {
    return { round: state.round, rounds: state.config.rounds, unit: 'round', phase: state.over ? 'over' : 'clock' };
  },

  outcome(state) {
    const t = state.tally;
    return {
      payoffs: Object.fromEntries(state.seats.map((s, i) => [s, state.totals[i] as number])),
      revenue: t.revenue,
      welfare: t.welfare,
      maxWelfare: t.maxWelfare,
      measures: commonMeasures(t),
    };
  },

  benchmarks(config, seats): Record<string, Benchmark> {
    return itemBenchmarks(config, seats, `decrement (${config.decrement})`);
  },

  payoffBounds(config) {
    return { min: -config.rounds * dutchStartOf(config), max: config.rounds * support(config.values).high };
  },

  oneRound(config) {
    return { ...config, rounds: 1 };
  },
};

export default dutch;
