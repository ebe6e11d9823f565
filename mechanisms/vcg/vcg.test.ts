/**
 * The VCG auction against the textbook:
 * - Vickrey (1961), "Counterspeculation, Auctions, and Competitive Sealed Tenders", Journal
 *   of Finance 16(1):8–37: with one item VCG is the second-price auction (the highest bid
 *   wins and pays the second-highest bid).
 * - Clarke (1971), "Multipart pricing of public goods", Public Choice 11:17–33, and Groves
 *   (1973), "Incentives in Teams", Econometrica 41(4):617–631: with the pivot payments,
 *   bidding one's true values is a dominant strategy (no misreport from a grid gains, against
 *   truthful others or any others), the allocation maximises the reported welfare (checked
 *   against brute force), and payments lie between 0 and the winning bid.
 * - Ausubel and Milgrom (2006), "The Lovely but Lonely Vickrey Auction", in Cramton, Shoham
 *   and Steinberg (eds.), Combinatorial Auctions, MIT Press, ch. 1: the worked examples (a
 *   global bidder wanting A and B for 10 against local bidders of A and of B for 6 each: the
 *   locals win and pay 4 each, revenue 8, which the seller and the global bidder block at 10;
 *   with values 2, 2, 2 the revenue is 0, outside the core), and their theorem that when
 *   every bidder's values are substitutes (additive, unit demand) the VCG outcome is in the core.
 * - Day and Raghavan (2007), "Fair Payments for Efficient Allocations in Public Sector
 *   Combinatorial Auctions", Management Science 53(9):1389–1406: the blocking coalition
 *   found by one winner determination with bids lowered by what their bidders keep (checked
 *   against every coalition by brute force).
 * Then the engine's own rules: ties, edge prices, empty rounds, deadlines, refusals, the
 * measures, the benchmarks and the bots.
 */
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../tests/temp.ts';
import { resolveStudy } from '../../studies/spec.ts';
import { runStudy, type EpisodeResult } from '../../studies/runner.ts';
import { openMatch, type Match } from '../core/match.ts';
import { Rng } from '../core/random.ts';
import type { SeatId } from '../core/types.ts';
import { reportedBundles } from '../../bots/scripted/vcg.ts';
import { vcgAuction, type BidderView } from './index.ts';
import { bundleTable, vcgConfigSchema } from './config.ts';
import { truthfulFacts } from './benchmark.ts';
import { bestWelfare, coreShortfall, normalise, vcg, type MaskBid } from './vcg.ts';

const A = 1;
const B = 2;
const AB = 3;

/** Bids of one seat from [mask, price] pairs. */
const bidsOf = (...pairs: [number, number][]): MaskBid[] => pairs.map(([mask, price]) => ({ mask, price }));
/** Every bundle bid at its value. */
const truthful = (table: readonly number[]): MaskBid[] => table.flatMap((value, mask) => (mask > 0 && value > 0 ? [{ mask, price: value }] : []));
/** A seat's utility from its bids given the others', by its true table. */
function utility(table: readonly number[], i: number, bids: readonly MaskBid[][], items: number): number {
  const r = vcg(bids.map(normalise), items);
  return (table[r.masks[i] as number] as number) - (r.payments[i] as number);
}

function randomTable(rng: Rng, items: number, family: 'additive' | 'unitDemand' | 'complements' | 'xor'): number[] {
  if (family === 'xor') {
    const listed = Array.from({ length: rng.int(1, 3) }, () => ({ mask: rng.int(1, (1 << items) - 1), value: rng.int(1, 30) }));
    return bundleTable({ family: 'explicit', bidders: [] }, items, [], listed);
  }
  const values = Array.from({ length: items }, () => rng.int(0, 20));
  const valuations = family === 'complements' ? { family, item: { kind: 'uniformInt' as const, low: 0, high: 20 }, synergy: rng.int(0, 15) } : { family, item: { kind: 'uniformInt' as const, low: 0, high: 20 } };
  return bundleTable(valuations, items, values);
}

/** The greatest sum of bids by brute force: every way of giving each seat one of its bids or nothing. */
function bruteWelfare(bids: readonly MaskBid[][]): number {
  let best = 0;
  const go = (i: number, used: number, sum: number) => {
    if (i === bids.length) {
      best = Math.max(best, sum);
      return;
    }
    go(i + 1, used, sum);
    for (const b of bids[i] as MaskBid[]) if ((b.mask & used) === 0) go(i + 1, used | b.mask, sum + b.price);
  };
  go(0, 0, 0);
  return best;
}

/** Plays one episode of a study; its payoffs and measures. */
function play(config: Record<string, unknown>, seats: { policy: string; params?: Record<string, unknown>; count?: number }[], episodes = 1, seed = 1): EpisodeResult[] {
  const out: EpisodeResult[] = [];
  runStudy(resolveStudy({ name: 'vcg', mechanism: 'vcg', config, seats: seats.map((s) => ({ count: 1, ...s })), episodes, seed, output: { rounds: false } }), {
    out: `${tempDir('vcg')}/results`,
    exports: false,
    onEpisode: (e) => out.push(e),
  });
  return out;
}

const open = (config: Record<string, unknown>, seats = 3, seed = 1): Match => openMatch(vcgAuction, { config, seats, seed });
const viewOf = (m: Match, seat: string) => m.view(seat as SeatId) as BidderView;
const bid = (m: Match, seat: string, bids: { items: string[]; price: number }[], at = 1) => m.submit(seat as SeatId, m.state.stateId, { type: 'bid', bids }, at);

describe('the worked examples of Ausubel and Milgrom (2006)', () => {
  it('global bidder AB 10, locals A 6 and B 6: the locals win, each pays 4, revenue 8; the seller and the global bidder block at 10', () => {
    const bids = [bidsOf([AB, 10]), bidsOf([A, 6]), bidsOf([B, 6])];
    const r = vcg(bids, 2);
    expect(r.masks).toEqual([0, A, B]);
    expect(r.bidWelfare).toBe(12);
    expect(r.payments).toEqual([0, 4, 4]);
    expect(r.revenue).toBe(8);
    expect(coreShortfall(bids, r, 2)).toBe(2);
  });

  it('the same with 2, 2 and 2: the locals win and pay nothing, revenue 0, outside the core by 2', () => {
    const bids = [bidsOf([AB, 2]), bidsOf([A, 2]), bidsOf([B, 2])];
    const r = vcg(bids, 2);
    expect(r.masks).toEqual([0, A, B]);
    expect(r.payments).toEqual([0, 0, 0]);
    expect(r.revenue).toBe(0);
    expect(coreShortfall(bids, r, 2)).toBe(2);
  });

  it('the presets play them through the engine with truthful bidders', () => {
    const [global] = play({ preset: 'global-local', rounds: 2 }, [{ policy: 'bundle-truthful', count: 3 }]);
    expect(global?.payoffs).toEqual({ p0: 0, p1: 4, p2: 4 });
    expect(global?.metrics.revenue).toBe(16);
    expect(global?.metrics.efficiency).toBe(1);
    expect(global?.measures).toMatchObject({ core_share: 0, core_shortfall: 2, truthful_share: 1, revenue_to_bid_welfare: 8 / 12, items_sold_share: 1 });
    const [low] = play({ preset: 'low-revenue', rounds: 1 }, [{ policy: 'bundle-truthful', count: 3 }]);
    expect(low?.payoffs).toEqual({ p0: 0, p1: 2, p2: 2 });
    expect(low?.metrics.revenue).toBe(0);
    expect(low?.measures).toMatchObject({ core_share: 0, core_shortfall: 2 });
    const bench = (preset: string) => Object.fromEntries(Object.entries(vcgAuction.benchmarks(vcgConfigSchema.parse({ preset, rounds: 2 }), 3)).map(([k, b]) => [k, b.value]));
    expect(bench('global-local')).toEqual({ truthful_revenue_per_round: 8, truthful_revenue: 16, efficient_welfare: 24, truthful_core_share: 0 });
    expect(bench('low-revenue')).toMatchObject({ truthful_revenue_per_round: 0, truthful_core_share: 0 });
  });

  it('a single-minded global bidder facing locals whose bids sum to less wins and pays their sum (in the core)', () => {
    const bids = [bidsOf([AB, 10]), bidsOf([A, 3]), bidsOf([B, 4])];
    const r = vcg(bids, 2);
    expect(r.masks).toEqual([AB, 0, 0]);
    expect(r.payments).toEqual([7, 0, 0]);
    expect(coreShortfall(bids, r, 2)).toBe(0);
  });
});

describe('one item: the second-price auction (Vickrey 1961)', () => {
  it('the highest bid wins and pays the second-highest (the lowest seat among equal highest bids, paying that bid)', () => {
    const rng = new Rng(61);
    for (let t = 0; t < 500; t++) {
      const n = rng.int(2, 6);
      const prices = Array.from({ length: n }, () => rng.int(0, 8));
      const r = vcg(prices.map((p) => bidsOf([1, p])), 1);
      const top = Math.max(...prices);
      const winner = prices.indexOf(top);
      const second = Math.max(...prices.filter((_, i) => i !== winner));
      expect(r.masks.indexOf(1)).toBe(winner);
      expect(r.payments[winner]).toBe(second);
      expect(r.revenue).toBe(second);
    }
  });

  it('the single-item preset with truthful bidders: the highest value wins at the second-highest value, round after round', () => {
    const m = open({ preset: 'single-item', rounds: 6, reveal: 'allBids' }, 4, 17);
    for (let round = 1; round <= 6; round++) {
      const values = ['p0', 'p1', 'p2', 'p3'].map((s) => viewOf(m, s).values.item as number);
      for (const s of ['p0', 'p1', 'p2', 'p3']) bid(m, s, [{ items: ['item'], price: viewOf(m, s).values.item as number }]);
      const last = viewOf(m, 'p0').history.at(-1);
      const sorted = [...values].sort((a, b) => b - a);
      expect(last?.winners).toHaveLength(1);
      expect(last?.winners?.[0]?.seat).toBe(`p${values.indexOf(sorted[0] as number)}`);
      expect(last?.winners?.[0]?.paid).toBe(sorted[1]);
      expect(last?.revenue).toBe(sorted[1]);
    }
    // Revenue equivalence: the benchmark is the second-price auction's, E[second-highest of n values].
    const config = vcgConfigSchema.parse({ preset: 'single-item' });
    const facts = truthfulFacts(config, 4);
    expect(facts?.how).toBe('exact');
    // Whole numbers 0..100, four bidders: E[X(2)] by the order-statistics sum.
    let expected = 0;
    for (let x = 0; x <= 100; x++) {
      const at = (k: number) => (k < 0 ? 0 : ((k + 1) / 101) ** 4 + 4 * ((k + 1) / 101) ** 3 * (1 - (k + 1) / 101));
      expected += x * (at(x) - at(x - 1));
    }
    expect(facts?.revenue).toBeCloseTo(expected, 1);
  });
});

describe('truthful bidding is dominant (Clarke 1971, Groves 1973)', () => {
  /** Misreports of a table: every bundle scaled by one factor, each bundle by its own factor, one bundle only, the best bundle dropped, nothing. */
  function misreports(table: readonly number[], rng: Rng): MaskBid[][] {
    const honest = truthful(table);
    const out: MaskBid[][] = [[]];
    for (const f of [0, 0.25, 0.5, 0.8, 0.9, 1.1, 1.25, 1.5, 2, 3]) out.push(honest.map((b) => ({ mask: b.mask, price: b.price * f })));
    for (let k = 0; k < 12; k++) out.push(honest.map((b) => ({ mask: b.mask, price: b.price * rng.pick([0, 0.5, 0.9, 1, 1.2, 2]) })));
    for (const b of honest) for (const f of [0.5, 1, 1.5]) out.push([{ mask: b.mask, price: b.price * f }]);
    for (let mask = 1; mask < table.length; mask++) out.push([{ mask, price: rng.int(0, 40) }]);
    if (honest.length > 1) out.push(honest.filter((b) => b.price < Math.max(...honest.map((h) => h.price))));
    return out;
  }

  for (const family of ['additive', 'unitDemand', 'complements', 'xor'] as const) {
    it(`no misreport gains against truthful others, nor against random others (${family} values)`, () => {
      const rng = new Rng(family.length * 101);
      let tried = 0;
      for (let t = 0; t < 60; t++) {
        const items = rng.int(1, 3);
        const n = rng.int(2, 4);
        const tables = Array.from({ length: n }, () => randomTable(rng, items, family));
        const randomOthers = tables.map(() => Array.from({ length: rng.int(0, 3) }, () => ({ mask: rng.int(1, (1 << items) - 1), price: rng.int(0, 40) })));
        for (const others of [tables.map(truthful), randomOthers]) {
          const me = rng.int(0, n - 1);
          const table = tables[me] as number[];
          const bids = others.map((b, i) => (i === me ? truthful(table) : b));
          const honest = utility(table, me, bids, items);
          expect(honest).toBeGreaterThanOrEqual(-1e-9);
          for (const lie of misreports(table, rng)) {
            const u = utility(table, me, bids.map((b, i) => (i === me ? lie : b)), items);
            expect(u, `a misreport gains (${family}, seat ${me})`).toBeLessThanOrEqual(honest + 1e-9);
            tried++;
          }
        }
      }
      expect(tried).toBeGreaterThan(3000);
    });
  }

  it('through the engine: a shading bidder never earns more than a truthful one would in its seat, on the same draws', () => {
    const config = { items: ['A', 'B', 'C'], valuations: { family: 'complements', item: { kind: 'uniform', low: 0, high: 50 }, synergy: 15 }, rounds: 30 };
    const others = [{ policy: 'bundle-truthful' }, { policy: 'bundle-shader', params: { fraction: 0.6 } }, { policy: 'bundle-truthful' }];
    for (const fraction of [0.5, 0.8, 0.95, 1.2]) {
      const [honest] = play(config, [{ policy: 'bundle-truthful' }, ...others], 1, 5);
      const [shaded] = play(config, [{ policy: 'bundle-shader', params: { fraction } }, ...others], 1, 5);
      expect(shaded?.payoffs.p0).toBeLessThanOrEqual((honest?.payoffs.p0 as number) + 1e-9);
      expect(honest?.measures.truthful_share).toBe(0.75);
    }
  });
});

describe('winner determination, payments and the core', () => {
  it('the allocation maximises the sum of bids (brute force), payments lie between 0 and the winning bid, losers pay nothing', () => {
    const rng = new Rng(1973);
    for (let t = 0; t < 400; t++) {
      const items = rng.int(1, 4);
      const n = rng.int(1, 5);
      const bids = Array.from({ length: n }, () => normalise(Array.from({ length: rng.int(0, 4) }, () => ({ mask: rng.int(1, (1 << items) - 1), price: rng.int(0, 20) + rng.float() }))));
      const r = vcg(bids, items);
      expect(r.bidWelfare).toBeCloseTo(bruteWelfare(bids), 9);
      expect(bestWelfare(bids, items)).toBeCloseTo(r.bidWelfare, 9);
      let used = 0;
      let sum = 0;
      r.masks.forEach((mask, i) => {
        expect(mask & used).toBe(0);
        used |= mask;
        sum += r.accepted[i] as number;
        const pay = r.payments[i] as number;
        expect(pay).toBeGreaterThanOrEqual(0);
        expect(pay).toBeLessThanOrEqual((r.accepted[i] as number) + 1e-12);
        if (mask === 0) expect(pay).toBe(0);
        // The pivot: the others' best without i, less their accepted bids with i.
        if (mask !== 0) expect(pay).toBeCloseTo(bruteWelfare(bids.filter((_, j) => j !== i)) - (r.bidWelfare - (r.accepted[i] as number)), 9);
      });
      expect(sum).toBeCloseTo(r.bidWelfare, 9);
    }
  });

  it('the core shortfall equals the best blocking coalition found by trying every coalition (Day and Raghavan 2007)', () => {
    const rng = new Rng(2007);
    let outside = 0;
    for (let t = 0; t < 300; t++) {
      const items = rng.int(1, 3);
      const n = rng.int(2, 5);
      const bids = Array.from({ length: n }, () => normalise(Array.from({ length: rng.int(1, 3) }, () => ({ mask: rng.int(1, (1 << items) - 1), price: rng.int(0, 20) }))));
      const r = vcg(bids, items);
      let worst = 0;
      for (let coalition = 0; coalition < 1 << n; coalition++) {
        const inside = bids.map((b, i) => (coalition & (1 << i) ? b : []));
        let kept = 0;
        for (let i = 0; i < n; i++) if (coalition & (1 << i)) kept += (r.accepted[i] as number) - (r.payments[i] as number);
        worst = Math.max(worst, bruteWelfare(inside) - kept - r.revenue);
      }
      expect(coreShortfall(bids, r, items)).toBeCloseTo(worst, 9);
      if (worst > 0) outside++;
    }
    expect(outside).toBeGreaterThan(10);
  });

  it('substitutes (additive, unit demand) keep the truthful outcome in the core; complements do not always (Ausubel and Milgrom)', () => {
    const rng = new Rng(2006);
    const shortfalls = { additive: 0, unitDemand: 0, complements: 0 };
    for (const family of ['additive', 'unitDemand', 'complements'] as const) {
      for (let t = 0; t < 200; t++) {
        const items = rng.int(2, 3);
        const bids = Array.from({ length: rng.int(2, 4) }, () => truthful(randomTable(rng, items, family)));
        const r = vcg(bids, items);
        if (coreShortfall(bids, r, items) > 0) shortfalls[family]++;
      }
    }
    expect(shortfalls.additive).toBe(0);
    expect(shortfalls.unitDemand).toBe(0);
    expect(shortfalls.complements).toBeGreaterThan(0);
    expect(truthfulFacts(vcgConfigSchema.parse({ items: ['A', 'B', 'C'], valuations: { family: 'unitDemand' } }), 3)?.coreShare).toBe(1);
  });

  it('ties go to the lowest seat, and among its bids to the first listed; a bundle bid twice counts at its higher price', () => {
    expect(vcg([bidsOf([AB, 5]), bidsOf([AB, 5])], 2).masks).toEqual([AB, 0]);
    // p0's A for 5 and its B for 5 make the same total with p1's other item: its first-listed bid wins.
    expect(vcg([bidsOf([B, 5], [A, 5]), bidsOf([A, 3], [B, 3])], 2).masks).toEqual([B, A]);
    expect(vcg([bidsOf([A, 5], [B, 5]), bidsOf([A, 3], [B, 3])], 2).masks).toEqual([A, B]);
    // A split of equal total: p0's whole-bundle bid against p1 and p2's parts; p0 is first.
    expect(vcg([bidsOf([AB, 6]), bidsOf([A, 3]), bidsOf([B, 3])], 2).masks).toEqual([AB, 0, 0]);
    expect(normalise(bidsOf([A, 2], [AB, 4], [A, 7]))).toEqual(bidsOf([A, 7], [AB, 4]));
    // A zero bid on an item nobody else wants wins it for nothing.
    expect(vcg([bidsOf([A, 0]), []], 2)).toMatchObject({ masks: [A, 0], payments: [0, 0] });
  });
});

describe('the engine', () => {
  it('an empty round: no bids at all sells nothing, earns nothing, and the outcome is in the core', () => {
    const m = open({ rounds: 1 }, 3);
    for (const s of ['p0', 'p1', 'p2']) expect(bid(m, s, []).ok).toBe(true);
    expect(m.over).toBe(true);
    const o = m.outcome();
    expect(o.revenue).toBe(0);
    expect(o.welfare).toBe(0);
    expect(o.measures).toMatchObject({ core_share: 1, items_sold_share: 0, truthful_share: null, revenue_to_bid_welfare: null });
  });

  it('edge prices: 0 and the top of the range are accepted, beyond it and negative are refused, as is a second list in a round', () => {
    const m = open({ rounds: 2, bidStep: 1 }, 2);
    const max = (m.legal('p0')[0]?.params.bids as { max: number }).max;
    expect(max).toBe(2 * 50 + 20);
    expect(bid(m, 'p0', [{ items: ['A', 'B'], price: max + 1 }])).toMatchObject({ ok: false, code: 'OUT_OF_RANGE' });
    expect(bid(m, 'p0', [{ items: ['A'], price: -1 }])).toMatchObject({ ok: false, code: 'OUT_OF_RANGE' });
    expect(bid(m, 'p0', [{ items: ['A'], price: 2.5 }])).toMatchObject({ ok: false, code: 'OUT_OF_RANGE' });
    expect(bid(m, 'p0', [{ items: ['C'], price: 2 }])).toMatchObject({ ok: false, code: 'OUT_OF_RANGE' });
    expect(bid(m, 'p0', [{ items: ['A', 'A'], price: 2 }])).toMatchObject({ ok: false, code: 'OUT_OF_RANGE' });
    expect(bid(m, 'p0', [{ items: ['B', 'A'], price: max }, { items: ['A'], price: 0 }]).ok).toBe(true);
    expect(bid(m, 'p0', [{ items: ['A'], price: 1 }])).toMatchObject({ ok: false, code: 'NOT_YOUR_TURN' });
    expect(viewOf(m, 'p0').myBids).toEqual([{ items: ['A', 'B'], price: max }, { items: ['A'], price: 0 }]);
    expect(bid(m, 'p1', [{ items: ['A'], price: 0 }]).ok).toBe(true);
    const last = viewOf(m, 'p1').history.at(-1);
    // p0's whole bundle at the top price beats p1's zero on A; p1's bid sets p0's payment at 0.
    expect(last?.winners).toEqual([{ seat: 'p0', bundle: 'A+B', bid: max, paid: 0 }]);
    expect(viewOf(m, 'p0').history.at(-1)).toMatchObject({ won: 'A+B', paid: 0 });
  });

  it('a bidder who has not bid at the deadline takes no part; the round closes at the deadline', () => {
    const m = open({ preset: 'single-item', rounds: 2, roundMs: 1000, reveal: 'allBids' }, 3);
    m.tick(0);
    expect(m.state.deadline).toBe(1000);
    bid(m, 'p0', [{ items: ['item'], price: 30 }], 100);
    bid(m, 'p1', [{ items: ['item'], price: 20 }], 200);
    m.tick(999);
    expect(m.progress().round).toBe(1);
    m.tick(1000);
    expect(m.progress().round).toBe(2);
    const last = viewOf(m, 'p2').history.at(-1);
    expect(last).toMatchObject({ myBids: null, won: null, paid: 0, payoff: 0, bids: { p2: null } });
    expect(last?.winners).toEqual([{ seat: 'p0', bundle: 'item', bid: 30, paid: 20 }]);
    expect(m.state.deadline).toBe(2000);
    m.tick(2000);
    expect(m.over).toBe(true);
    expect(m.outcome().measures.items_sold_share).toBe(0.5);
  });

  it('the information policy: nothing, revenue without names, the allocation, every bid; values reach only their seat', () => {
    const seen = (reveal: string) => {
      const m = open({ rounds: 1, reveal }, 2, 4);
      bid(m, 'p0', [{ items: ['A'], price: 10 }]);
      bid(m, 'p1', [{ items: ['A', 'B'], price: 12 }]);
      return m;
    };
    expect(Object.keys((seen('nothing').publicView() as { history: object[] }).history[0] ?? {})).toEqual(['round']);
    const revenue = seen('revenue').publicView() as { history: Record<string, unknown>[]; sums: unknown };
    expect(revenue.history[0]).toEqual({ round: 1, revenue: 10, bidWelfare: 12, itemsSold: 2, inCore: true, coreShortfall: 0 });
    expect(revenue.sums).toEqual({ rounds: 1, revenue: 10, bidWelfare: 12, inCore: 1 });
    expect((seen('allocation').publicView() as { history: Record<string, unknown>[] }).history[0]?.winners).toEqual([{ seat: 'p1', bundle: 'A+B', bid: 12, paid: 10 }]);
    expect((seen('allBids').publicView() as { history: Record<string, unknown>[] }).history[0]?.bids).toEqual({ p0: [{ items: ['A'], price: 10 }], p1: [{ items: ['A', 'B'], price: 12 }] });
    const m = seen('allBids');
    expect(JSON.stringify(m.publicView())).not.toContain('"values"');
    expect(Object.keys(viewOf(m, 'p0').values)).toEqual(['A', 'B', 'A+B']);
  });

  it('valuation families: complements add the synergy per extra item, unit demand is the best item, additive the sum; explicit values are fixed', () => {
    const values = [3, 10, 4];
    const complements = bundleTable({ family: 'complements', item: { kind: 'uniformInt', low: 0, high: 10 }, synergy: 5 }, 3, values);
    expect(complements[7]).toBe(17 + 10);
    expect(complements[5]).toBe(7 + 5);
    expect(bundleTable({ family: 'unitDemand', item: { kind: 'uniformInt', low: 0, high: 10 } }, 3, values)[5]).toBe(4);
    expect(bundleTable({ family: 'additive', item: { kind: 'uniformInt', low: 0, high: 10 } }, 3, values)[7]).toBe(17);
    const m = open({ preset: 'global-local', rounds: 3 }, 3, 99);
    expect(viewOf(m, 'p0').values).toEqual({ A: 0, B: 0, 'A+B': 10 });
    for (const s of ['p0', 'p1', 'p2']) bid(m, s, []);
    expect(viewOf(m, 'p0').values).toEqual({ A: 0, B: 0, 'A+B': 10 });
    expect(vcgAuction.seats(vcgConfigSchema.parse({ preset: 'global-local' }))).toMatchObject({ min: 3, max: 3 });
  });

  it('fixed values stay the same every round; fresh ones are drawn again; maxBids bounds the list, by default one per bundle', () => {
    const fixed = open({ rounds: 3, freshValues: false }, 2, 8);
    const fresh = open({ rounds: 3 }, 2, 8);
    const first = viewOf(fixed, 'p0').values;
    expect(viewOf(fresh, 'p0').values).toEqual(first);
    for (const m of [fixed, fresh]) for (const s of ['p0', 'p1']) bid(m, s, []);
    expect(viewOf(fixed, 'p0').values).toEqual(first);
    expect(viewOf(fresh, 'p0').values).not.toEqual(first);
    expect(fixed.legal('p0')[0]?.params.bids).toMatchObject({ kind: 'bundle', items: ['A', 'B'], maxBids: 3 });
    const two = open({ items: ['A', 'B', 'C'], maxBids: 2 }, 2);
    expect(bid(two, 'p0', [{ items: ['A'], price: 1 }, { items: ['B'], price: 1 }, { items: ['C'], price: 1 }])).toMatchObject({ ok: false, code: 'OUT_OF_RANGE' });
    expect(open({ items: ['A', 'B', 'C', 'D', 'E', 'F'] }, 2).legal('p0')[0]?.params.bids).toMatchObject({ maxBids: 63, max: 6 * 50 + 5 * 20 });
  });

  it('an overbid can lose money, within the declared payoff bounds; the text view names the values and the results', () => {
    const m = open({ preset: 'single-item', rounds: 1, bidStep: 1 }, 2, 3);
    const value = viewOf(m, 'p0').values.item as number;
    bid(m, 'p0', [{ items: ['item'], price: 100 }]);
    bid(m, 'p1', [{ items: ['item'], price: 99 }]);
    const payoff = m.outcome().payoffs.p0 as number;
    expect(payoff).toBe(value - 99);
    const config = vcgConfigSchema.parse(m.header.config);
    const bounds = vcgAuction.payoffBounds(config, 2);
    expect(payoff).toBeGreaterThanOrEqual(bounds.min);
    expect(bounds).toEqual({ min: -100, max: 100 });
    const text = vcgAuction.describe(viewOf(m, 'p0'));
    expect(text).toContain(`Your values this round: item ${value}.`);
    expect(text).toContain('you won item');
    expect(text).toContain('paid 99');
    expect(vcgAuction.rules(config)).toContain('second-highest');
  });

  it('refuses configs that contradict themselves, naming the field', () => {
    const issue = (c: Record<string, unknown>) => vcgConfigSchema.safeParse(c).error?.issues[0];
    expect(issue({ preset: 'global-local', items: ['A', 'B'] })?.path).toEqual(['items']);
    expect(issue({ preset: 'single-item', items: ['x', 'y'] })?.path).toEqual(['items']);
    expect(issue({ items: ['A', 'A'] })?.message).toContain('repeat');
    expect(issue({ items: ['A', 'B', 'C', 'D', 'E', 'F', 'G'] })?.path).toEqual(['items']);
    expect(issue({ valuations: { family: 'explicit', bidders: [[{ items: ['Z'], value: 1 }]] } })?.path).toEqual(['valuations', 'bidders', 0, 0, 'items']);
    expect(issue({ valuations: { family: 'complements', synergi: 3 } })?.message).toContain('did you mean `synergy`?');
  });

  it('the bots: truthful bids every telling bundle at its value (the most valuable when maxBids binds), the shader a fraction', () => {
    expect(reportedBundles({ A: 6, B: 2, 'A+B': 6 }, 3)).toEqual([[['A'], 6], [['B'], 2]]);
    expect(reportedBundles({ A: 3, B: 4, 'A+B': 27 }, 2)).toEqual([[['A', 'B'], 27], [['B'], 4]]);
    expect(reportedBundles({ A: 0, B: 0, 'A+B': 0 }, 3)).toEqual([]);
    const [truth] = play({ items: ['A', 'B', 'C'], valuations: { family: 'additive', item: { kind: 'uniform', low: 1, high: 30 } }, rounds: 4 }, [{ policy: 'bundle-truthful', count: 3 }]);
    expect(truth?.measures).toMatchObject({ truthful_share: 1, bid_to_value: 1, core_share: 1 });
    expect(truth?.metrics.efficiency).toBeCloseTo(1, 12);
    const [shade] = play({ rounds: 4 }, [{ policy: 'bundle-shader', params: { fraction: 0.8 }, count: 3 }]);
    expect(shade?.measures.bid_to_value).toBeCloseTo(0.8, 1);
    expect(shade?.measures.truthful_share).toBe(0);
  });

  it('benchmarks: additive values are a second-price auction per item; estimates are stable', () => {
    const one = truthfulFacts(vcgConfigSchema.parse({ preset: 'single-item' }), 3);
    const three = truthfulFacts(vcgConfigSchema.parse({ items: ['A', 'B', 'C'], valuations: { family: 'additive', item: { kind: 'uniformInt', low: 0, high: 100 } } }), 3);
    expect(three?.revenue).toBeCloseTo(3 * (one?.revenue as number), 9);
    expect(three?.welfare).toBeCloseTo(3 * (one?.welfare as number), 9);
    const c = vcgConfigSchema.parse({});
    const a = vcgAuction.benchmarks(c, 3);
    expect(vcgAuction.benchmarks(vcgConfigSchema.parse({}), 3)).toEqual(a);
    expect(a.truthful_revenue_per_round?.definition).toContain('estimated from 1000 draws');
    // Truthful play over many rounds lands near the estimate.
    const [e] = play({ rounds: 400 }, [{ policy: 'bundle-truthful', count: 3 }]);
    expect((e?.metrics.revenue as number) / 400).toBeGreaterThan((a.truthful_revenue_per_round?.value as number) * 0.9);
    expect((e?.metrics.revenue as number) / 400).toBeLessThan((a.truthful_revenue_per_round?.value as number) * 1.1);
  });
});
