/**
 * vcg@1 — the Vickrey–Clarke–Groves auction of a few items (at most 6) with bids on
 * bundles.
 *
 * Rules: each round every bidder holds private values for every bundle of the items, drawn
 * from its own stream (additive, substitutes as unit demand, or complements with a synergy
 * per extra item), or given in the config (explicit XOR valuations, fixed). Each submits one
 * sealed list of at most `maxBids` bids, each a bundle and a price (XOR: it wins at most one;
 * a bundle bid twice counts at the higher price). The auction picks the allocation that
 * maximises the sum of the accepted bids, exactly (dynamic programming over item subsets),
 * and charges each winner its Clarke pivot payment: the greatest total of the others' bids
 * without it, less the others' accepted bids with it. Ties go to the lowest seat, and among
 * its bids to the one listed first (vcg.ts). Payoff: the value of the bundle won minus the
 * payment. A round closes when every bidder has bid or at its deadline (`roundMs`; a bidder
 * who has not bid takes no part). Truthful bidding is a weakly dominant strategy.
 *
 * Parameters: preset ('custom', 'single-item' — VCG is then the second-price auction,
 * 'global-local', 'low-revenue'), items, valuations, rounds, freshValues, maxBids, maxBid,
 * bidStep, reveal ('nothing', 'revenue', 'allocation', 'allBids'), roundMs, recall,
 * communication.
 *
 * Seats see: their own values of every bundle, their own bids, how many lists are in, their
 * own results, and what `reveal` shows. Spectators see the counts and what `reveal` shows,
 * never a value.
 *
 * Outcome: revenue = the payments; welfare = the values of the bundles won; maxWelfare = the
 * efficient allocation's under the true values. Measures: the share of rounds in the core of
 * the bids and the shortfall from it, the share of truthful bid lists, bid/value, items sold.
 * Bidding under several names (false-name or sybil bids, to which VCG is open) is not
 * modelled here.
 */
import type { MeasureSpec, Mechanism, Legal } from '../core/types.ts';
import { MAX_BIDDERS, marketOf, maxBidsOf, maxPriceOf, vcgActionSchema, vcgConfigSchema, highestValue, type VcgAction, type VcgConfig } from './config.ts';
import { vcgBenchmarks } from './benchmark.ts';
import { advanceTo, firstRound, MECHANISM_ID, placeBids, type VcgState } from './play.ts';
import { bidderView, describeView, spectatorView, vcgRules, type BidderView, type VcgPublicView } from './views.ts';

export type { VcgConfig, VcgAction, Valuations } from './config.ts';
export type { VcgState, Bid, OwnRound, PublicRound, RoundRecord } from './play.ts';
export type { BidderView, VcgPublicView } from './views.ts';

export const VCG_MEASURES: readonly MeasureSpec[] = [
  { name: 'core_share', unit: 'share of rounds', definition: 'rounds whose outcome is in the core of the bids: no coalition of the seller and bidders whose bids allow a total above the revenue plus what those bidders keep' },
  { name: 'core_shortfall', unit: 'money per round', definition: 'mean over rounds of the largest amount by which such a blocking coalition beats the outcome (0 in the core): how far revenue falls short of the core' },
  { name: 'truthful_share', unit: 'share', definition: "bid lists (non-empty) in which every bid's price is the bidder's value of its bundle, among all non-empty lists" },
  { name: 'bid_to_value', unit: 'ratio', definition: 'mean of price / value over bids on bundles worth more than 0 to the bidder' },
  { name: 'revenue_to_bid_welfare', unit: 'ratio', definition: 'revenue / the sum of the winning bids over the match: the share of the reported surplus the seller collects' },
  { name: 'items_sold_share', unit: 'share', definition: 'items allocated / items offered over the rounds' },
];

const legalCache = new WeakMap<VcgConfig, Legal>();
function bidLegal(config: VcgConfig): Legal {
  let legal = legalCache.get(config);
  if (!legal) {
    const { items } = marketOf(config);
    const max = maxPriceOf(config);
    legal = [
      {
        type: 'bid',
        params: { bids: { kind: 'bundle', items, maxBids: maxBidsOf(config), min: 0, max, ...(config.bidStep > 0 ? { step: config.bidStep } : {}) } },
        hint: `bids on bundles of ${items.join(', ')}, prices 0 to ${max}; you win at most one`,
      },
    ];
    legalCache.set(config, legal);
  }
  return legal;
}

export const vcgAuction: Mechanism<VcgConfig, VcgState, VcgAction, BidderView, VcgPublicView> = {
  id: MECHANISM_ID,
  version: 1,
  title: 'VCG combinatorial auction',
  traits: { timing: 'simultaneous', utility: 'general', chance: true, private: ['its value of every bundle of the items in each round'] },
  rules: vcgRules,
  configSchema: vcgConfigSchema,
  actionSchema: vcgActionSchema,
  measures: VCG_MEASURES,
  policies: ['bundle-truthful', 'bundle-shader'],
  baseline: { policy: 'bundle-truthful' },

  seats(config) {
    const v = marketOf(config).valuations;
    if (v.family === 'explicit') return { min: v.bidders.length, max: v.bidders.length, roles: (n) => new Array<string>(n).fill('bidder') };
    return { min: 2, max: MAX_BIDDERS, roles: (n) => new Array<string>(n).fill('bidder') };
  },
  setup: firstRound,
  legal(state, seat) {
    const i = state.seats.indexOf(seat);
    if (state.over || i < 0 || state.bids[i] !== null) return [];
    return bidLegal(state.config);
  },
  apply: (state, seat, action, at) => placeBids(state, seat, action.bids, at),
  advance: advanceTo,
  view: bidderView,
  publicView: spectatorView,
  describe: describeView,

  progress(state) {
    return { round: state.round, rounds: state.config.rounds, unit: 'round', phase: state.over ? 'over' : 'bidding' };
  },

  outcome(state) {
    const t = state.tally;
    const payoffs = Object.fromEntries(state.seats.map((s, i) => [s, state.totals[i] as number]));
    return {
      payoffs,
      revenue: t.revenue,
      welfare: t.welfare,
      maxWelfare: t.maxWelfare,
      measures: {
        core_share: t.rounds ? t.core / t.rounds : null,
        core_shortfall: t.rounds ? t.shortfall / t.rounds : null,
        truthful_share: t.lists ? t.truthful / t.lists : null,
        bid_to_value: t.ratioN ? t.ratioSum / t.ratioN : null,
        revenue_to_bid_welfare: t.bidWelfare > 0 ? t.revenue / t.bidWelfare : null,
        items_sold_share: t.rounds ? t.itemsSold / (t.rounds * marketOf(state.config).items.length) : null,
      },
    };
  },

  benchmarks: vcgBenchmarks,

  payoffBounds(config) {
    // A payment never exceeds the winning bid; a bundle is worth at most the highest value.
    return { min: -config.rounds * maxPriceOf(config), max: config.rounds * highestValue(marketOf(config)) };
  },

  oneRound(config) {
    return { ...config, rounds: 1 };
  },
};

export default vcgAuction;
