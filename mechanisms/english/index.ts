/**
 * english@1 — the English auction: an ascending clock (button) auction, or open outcry.
 *
 * Rules (clock, the default): one item per round, `rounds` items one after another; each
 * bidder holds a private value per item (drawn from `values`, fresh per item or fixed). A
 * clock opens at max(startPrice, reserve) and rises by `increment` every `tickMs` up to
 * `maxPrice`. Bidders still in when the clock moves on have accepted the price it showed;
 * a bidder drops out irrevocably. When one bidder is left as the clock moves on, it wins at
 * the price showing, the one its last rival would not pay (the price where the
 * second-to-last dropped). Ties, by `tieBreak` (a draw from the shared stream, or the
 * lowest seat): everyone still in dropping at one price tie at the price before it, which
 * they had all accepted (at the opening price: no sale); several still in at the clock's top
 * tie there. Doing nothing is staying in.
 *
 * Open outcry (`format: 'outcry'`): bids of at least the standing bid plus `increment` (the
 * first at least the opening price), up to `maxPrice`, for `durationMs`; with `close: 'soft'`
 * a bid with less than `extendMs` left moves the close to `extendMs` after it, with 'hard'
 * the close is fixed (sniping pays). The standing bid at the close wins and pays itself.
 *
 * Information policy: `showActive` (how many are still in), `showDropouts` (each drop-out
 * and its price as it happens), `identities` (whether drop-outs, bids and winners are named).
 *
 * Seats see: their own value, the clock (or the standing bid and the close), whether they
 * are in, what the information policy shows, and their own results. Spectators see the same
 * without any value. Benchmarks: the expected second-highest value (revenue equivalence);
 * with value-droppers the price lies within one increment above the second-highest value.
 */
import type { Benchmark, Mechanism } from '../core/types.ts';
import { support } from '../core/policy.ts';
import { englishActionSchema, englishConfigSchema, maxPriceOf, type EnglishAction, type EnglishConfig } from '../clock-auction/config.ts';
import { describeEnglish, englishAdvance, englishApply, englishLegal, englishPublicView, englishSetup, englishView, ENGLISH_ID, type EnglishBidderView, type EnglishPublicView, type EnglishState } from '../clock-auction/english.ts';
import { COMMON_MEASURES, commonMeasures, itemBenchmarks } from '../clock-auction/items.ts';
import { englishRules } from '../clock-auction/rules.ts';
import { CLOCK_AUCTION_ROUND_FIELDS } from '../clock-auction/tables.ts';

export type { EnglishConfig, EnglishAction } from '../clock-auction/config.ts';
export type { EnglishState, EnglishBidderView, EnglishPublicView } from '../clock-auction/english.ts';

export const english: Mechanism<EnglishConfig, EnglishState, EnglishAction, EnglishBidderView, EnglishPublicView> = {
  id: ENGLISH_ID,
  version: 1,
  title: 'English auction (ascending clock or open outcry)',
  traits: { timing: 'continuous', utility: 'general', chance: true, private: ['its value for each item'] },
  rules: englishRules,
  configSchema: englishConfigSchema,
  actionSchema: englishActionSchema,
  roundFields: CLOCK_AUCTION_ROUND_FIELDS,
  measures: [
    ...COMMON_MEASURES,
    { name: 'extensions_per_item', unit: 'extensions', definition: 'open outcry: mean number of times a late bid moved the close of an item (0 on the clock)' },
    { name: 'last_moment_share', unit: 'share of items sold', definition: 'open outcry: items sold whose winning bid came within the last tick before the close (sniping); 0 on the clock' },
  ],
  policies: ['value-dropper', 'sniper'],
  baseline: { policy: 'value-dropper' },
  seats: () => ({ min: 2, max: 1000, roles: (n) => new Array<string>(n).fill('bidder') }),
  setup: englishSetup,
  legal: englishLegal,
  apply: englishApply,
  advance: englishAdvance,
  view: englishView,
  publicView: englishPublicView,
  describe: describeEnglish,

  progress(state) {
    return { round: state.round, rounds: state.config.rounds, unit: 'round', phase: state.over ? 'over' : state.config.format === 'clock' ? 'clock' : 'bidding' };
  },

  outcome(state) {
    const t = state.tally;
    return {
      payoffs: Object.fromEntries(state.seats.map((s, i) => [s, state.totals[i] as number])),
      revenue: t.revenue,
      welfare: t.welfare,
      maxWelfare: t.maxWelfare,
      measures: { ...commonMeasures(t), extensions_per_item: t.rounds ? t.extensions / t.rounds : null, last_moment_share: t.sold ? t.lastMoment / t.sold : null },
    };
  },

  benchmarks(config, seats): Record<string, Benchmark> {
    return itemBenchmarks(config, seats, config.format === 'clock' ? `increment (${config.increment})` : `minimum raise (${config.increment})`);
  },

  payoffBounds(config) {
    return { min: -config.rounds * maxPriceOf(config), max: config.rounds * support(config.values).high };
  },

  oneRound(config) {
    return { ...config, rounds: 1 };
  },
};

export default english;
