/**
 * What theory says a VCG auction yields when every bidder reports its whole valuation
 * (truthful bidding is dominant): the expected revenue and welfare per round and how often
 * the outcome is in the core. Exact where a closed form exists: additive values make VCG a
 * second-price auction per item (revenue the expected second-highest value of each item,
 * welfare the expected highest), and explicit values are one known auction. Otherwise
 * (substitutes, complements) estimated from a fixed set of draws (a fixed seed: the same
 * numbers on every call).
 */
import type { Benchmark } from '../core/types.ts';
import { drawFrom } from '../core/policy.ts';
import { Rng } from '../core/random.ts';
import { benchmarkPrice, expectedHighest } from '../sealed-bid/benchmark.ts';
import { bundleTable, marketOf, maskOf, type VcgConfig } from './config.ts';
import { coreShortfall, vcg, type MaskBid } from './vcg.ts';

export interface TruthfulFacts {
  readonly revenue: number;
  readonly welfare: number;
  readonly coreShare: number;
  /** 'exact', or the number of draws of the estimate. */
  readonly how: 'exact' | number;
}

/** Every bundle bid at its value: the truthful report of a table. */
const report = (table: readonly number[]): MaskBid[] => table.flatMap((value, mask) => (mask > 0 && value > 0 ? [{ mask, price: value }] : []));

function auctionOf(tables: readonly (readonly number[])[], items: number): { revenue: number; welfare: number; inCore: boolean } {
  const bids = tables.map(report);
  const result = vcg(bids, items);
  return { revenue: result.revenue, welfare: result.bidWelfare, inCore: coreShortfall(bids, result, items) === 0 };
}

const cache = new WeakMap<VcgConfig, Map<number, TruthfulFacts | null>>();

/** The truthful outcome per round for this config and number of bidders, or null (explicit valuations for another number of bidders). */
export function truthfulFacts(config: VcgConfig, bidders: number): TruthfulFacts | null {
  const known = cache.get(config)?.get(bidders);
  if (known !== undefined) return known;
  const facts = compute(config, bidders);
  const entry = cache.get(config) ?? new Map<number, TruthfulFacts | null>();
  entry.set(bidders, facts);
  cache.set(config, entry);
  return facts;
}

function compute(config: VcgConfig, n: number): TruthfulFacts | null {
  const market = marketOf(config);
  const v = market.valuations;
  const k = market.items.length;
  if (v.family === 'explicit') {
    if (v.bidders.length !== n) return null;
    const tables = v.bidders.map((bundles) => bundleTable(v, k, [], bundles.map((b) => ({ mask: maskOf(market.items, b.items), value: b.value }))));
    const a = auctionOf(tables, k);
    return { revenue: a.revenue, welfare: a.welfare, coreShare: a.inCore ? 1 : 0, how: 'exact' };
  }
  if (v.family === 'additive' || k === 1) {
    const price = n < 2 ? 0 : (benchmarkPrice(v.item, n, 0) ?? 0);
    return { revenue: k * price, welfare: k * expectedHighest(v.item, n), coreShare: 1, how: 'exact' };
  }
  // A budget of table work per estimate: fewer draws for many bidders and items.
  const draws = Math.max(100, Math.min(1000, Math.floor(2e7 / (n * ((1 << (2 * k)) + 64 * (1 << k))))));
  const rng = new Rng(0x7c6);
  let revenue = 0;
  let welfare = 0;
  let core = 0;
  for (let d = 0; d < draws; d++) {
    const tables = Array.from({ length: n }, () => bundleTable(v, k, market.items.map(() => drawFrom(v.item, rng))));
    const a = auctionOf(tables, k);
    revenue += a.revenue;
    welfare += a.welfare;
    if (a.inCore) core++;
  }
  return { revenue: revenue / draws, welfare: welfare / draws, coreShare: core / draws, how: draws };
}

export function vcgBenchmarks(config: VcgConfig, seats: number): Record<string, Benchmark> {
  const facts = truthfulFacts(config, seats);
  const how = facts === null ? '' : facts.how === 'exact' ? ' (exact)' : ` (estimated from ${facts.how} draws with a fixed seed)`;
  const of = (value: number | null, unit: string, definition: string): Benchmark => ({ value: value === null ? null : Math.round(value * 1e6) / 1e6, unit, definition: `${definition}${how}`, audience: 'public' });
  return {
    truthful_revenue_per_round: of(facts?.revenue ?? null, 'money per round', 'expected revenue per round when every bidder bids its value on every bundle (the dominant strategy); with additive values, the expected second-highest value of each item, summed'),
    truthful_revenue: of(facts === null ? null : facts.revenue * config.rounds, 'money', 'expected revenue over the match under truthful bidding'),
    efficient_welfare: of(facts === null ? null : facts.welfare * config.rounds, 'money', 'expected surplus over the match of the efficient allocation (what truthful VCG achieves)'),
    truthful_core_share: of(facts?.coreShare ?? null, 'share of rounds', 'expected share of rounds whose truthful VCG outcome is in the core (1 when the items are substitutes: Ausubel and Milgrom 2002)'),
  };
}
