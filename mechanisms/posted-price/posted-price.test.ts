/**
 * The posted-price market against the textbook monopoly: with unit demand and values F, the
 * monopolist's price maximises (p − c)(1 − F(p)); for values uniform on [0, H] it is (H + c)/2
 * with profit (H − c)²/(4H) per buyer (e.g. Tirole 1988, The Theory of Industrial
 * Organization, ch. 1; Varian, Intermediate Microeconomics, "Monopoly"). A seller playing the
 * monopoly benchmark against simulated truthful buyers earns that profit within sampling
 * error; pricing at cost is efficient; and the engine's own rules (scarce units, deadlines,
 * what each side learns).
 */
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../tests/temp.ts';
import { resolveStudy } from '../../studies/spec.ts';
import { runStudy, type EpisodeResult } from '../../studies/runner.ts';
import { openMatch, type Match } from '../core/match.ts';
import type { SeatId } from '../core/types.ts';
import { postedPrice, type BuyerView, type PostedPriceState, type SellerView } from './index.ts';
import { postedPriceConfigSchema } from './config.ts';
import { efficientSurplus, monopolyPrice } from './theory.ts';

const configOf = (c: Record<string, unknown>) => postedPriceConfigSchema.parse(c);

function play(config: Record<string, unknown>, seats: { policy: string; params?: Record<string, unknown>; count?: number }[], episodes = 1, seed = 1): EpisodeResult[] {
  const out: EpisodeResult[] = [];
  runStudy(resolveStudy({ name: 'posted', mechanism: 'posted-price', config, seats: seats.map((s) => ({ count: 1, ...s })), episodes, seed, output: { rounds: false } }), {
    out: `${tempDir('posted')}/results`,
    exports: false,
    onEpisode: (e) => out.push(e),
  });
  return out;
}

describe('the monopoly price', () => {
  it('is (H + c)/2 for values uniform on [0, H], with profit (H − c)²/(4H) per buyer', () => {
    expect(monopolyPrice(configOf({}))).toEqual({ price: 50, profit: 25 });
    const withCost = monopolyPrice(configOf({ unitCost: 20 }));
    expect(withCost.price).toBe(60);
    expect(withCost.profit).toBeCloseTo((80 * 80) / 400, 12);
    // Any price, not only whole ones: (100 + 33)/2 = 66.5.
    expect(monopolyPrice(configOf({ unitCost: 33, priceStep: 0 })).price).toBeCloseTo(66.5, 9);
  });

  it('on whole-number and discrete values: the lower of two tied prices; the top value when the rich buyer is worth the lost sales', () => {
    // p(101 − p)/101 peaks at 50 and 51 alike.
    expect(monopolyPrice(configOf({ values: { kind: 'uniformInt', low: 0, high: 100 } })).price).toBe(50);
    // 100 × 1/3 > 20 × 2/3 > 10.
    const rich = monopolyPrice(configOf({ values: { kind: 'discrete', values: [10, 20, 100] } }));
    expect(rich.price).toBe(100);
    expect(rich.profit).toBeCloseTo(100 / 3, 12);
    expect(efficientSurplus({ kind: 'uniform', low: 0, high: 100 }, 20)).toBeCloseTo(32, 12);
  });

  it('earns the monopolist (H − c)²/(4H) per buyer against simulated truthful buyers, within sampling error', () => {
    const [e] = play({ rounds: 50, simulatedBuyers: 2000, unitCost: 20 }, [{ policy: 'benchmark', params: { benchmark: 'monopoly_price' } }]);
    expect(e?.measures.mean_price).toBe(60);
    // 100,000 buyers, each buying with probability 0.4: the sale rate's standard error is about 0.0015.
    expect(Math.abs((e?.measures.sale_rate as number) - 0.4)).toBeLessThan(0.006);
    const perBuyer = (e?.measures.seller_profit as number) / 2000;
    expect(Math.abs(perBuyer - 16)).toBeLessThan(40 * 0.006);
    // Buyers keep E[v − 60 | v ≥ 60]·P(v ≥ 60) = 20 × 0.4 = 8 each; efficiency (16 + 8)/32.
    expect(Math.abs((e?.metrics.efficiency as number) - 0.75)).toBeLessThan(0.01);
  });

  it('pricing at cost sells to every buyer who values a unit above it: full efficiency', () => {
    const [e] = play({ rounds: 20, unitCost: 10, simulatedBuyers: 5 }, [{ policy: 'fixed-price', params: { price: 10 } }, { policy: 'truthful-buyer', count: 3 }]);
    expect(e?.metrics.efficiency).toBeCloseTo(1, 12);
    expect(e?.payoffs.p0).toBe(0);
  });
});

describe('the engine', () => {
  const open = (config: Record<string, unknown>, seats = 3, seed = 4): Match => openMatch(postedPrice, { config, seats, seed });
  const act = (m: Match, seat: SeatId, action: Record<string, unknown>, at = 0) => m.submit(seat, m.state.stateId, action, at);
  const st = (m: Match) => m.state as unknown as PostedPriceState;

  it('runs post then buy: the seller sees its sales, buyers their own values and the price, and nobody sees another value', () => {
    const m = open({ rounds: 2, reveal: 'price' });
    expect(m.legal('p1')).toEqual([]);
    expect(act(m, 'p0', { type: 'post', price: 30 }).ok).toBe(true);
    const v1 = (m.view('p1') as BuyerView).value;
    const v2 = (m.view('p2') as BuyerView).value;
    expect(JSON.stringify(m.view('p1'))).not.toContain(String(v2));
    expect(JSON.stringify(m.view('p0'))).not.toContain(String(v1));
    expect(act(m, 'p1', { type: 'buy' }).ok).toBe(true);
    expect(act(m, 'p2', { type: 'pass' }).ok).toBe(true);
    const seller = m.view('p0') as SellerView;
    expect(seller.history[0]).toMatchObject({ price: 30, demand: 1, sold: 1, profit: 30 });
    expect((m.view('p1') as BuyerView).history[0]).toEqual({ round: 1, price: 30, value: v1, decision: 'buy', got: true, surplus: Math.round((v1 - 30) * 1e9) / 1e9 });
    // reveal 'price': a buyer does not learn the sales.
    expect((m.view('p2') as BuyerView).history[0]?.sold).toBeUndefined();
  });

  it('gives scarce units to takers in a random order, the same for the same seed', () => {
    const winners = new Set<string>();
    for (let seed = 1; seed <= 20; seed++) {
      const m = open({ rounds: 1, fixedPrice: 0, units: 1 }, 3, seed);
      for (const s of ['p0', 'p1', 'p2'] as SeatId[]) act(m, s, { type: 'buy' });
      const got = st(m).recent[0]?.got ?? [];
      expect(got.filter(Boolean)).toHaveLength(1);
      winners.add(String(got.indexOf(true)));
    }
    expect(winners.size).toBe(3);
  });

  it('keeps the price of a seller who misses the deadline (round 1: the middle of the range), and a buyer who misses it does not buy', () => {
    const m = open({ rounds: 3, postMs: 1000, buyMs: 1000, priceRange: { low: 10, high: 91 } }, 2);
    m.tick(0);
    m.tick(1000);
    expect(st(m).price).toBe(50);
    expect(st(m).missedPost).toBe(true);
    m.tick(2000);
    const r1 = st(m).recent[0];
    expect(r1).toMatchObject({ price: 50, missedPost: true, sold: 0, decisions: [null, null] });
    expect(act(m, 'p0', { type: 'post', price: 70 }, 2100).ok).toBe(true);
    // The only buyer is in: round 2 closes at once, and round 3's posting deadline is 3200.
    expect(act(m, 'p1', { type: 'buy' }, 2200).ok).toBe(true);
    expect(st(m).round).toBe(3);
    expect(act(m, 'p0', { type: 'post', price: 12 }, 3200).ok).toBe(false);
    expect(st(m).price).toBe(70);
    m.tick(4200);
    expect(m.over).toBe(true);
    expect(m.outcome().measures.missed_share).toBe(2 / 3);
  });

  it('refuses a price off the grid or out of range, a buyer posting and a second decision, changing nothing', () => {
    const m = open({ priceStep: 5 });
    const before = JSON.stringify(m.state);
    expect(act(m, 'p0', { type: 'post', price: 52 }).ok).toBe(false);
    expect(act(m, 'p0', { type: 'post', price: 105 }).ok).toBe(false);
    expect(act(m, 'p1', { type: 'post', price: 50 }).ok).toBe(false);
    expect(JSON.stringify(m.state)).toBe(before);
    expect(act(m, 'p0', { type: 'post', price: 55 }).ok).toBe(true);
    expect(act(m, 'p1', { type: 'buy' }).ok).toBe(true);
    expect(act(m, 'p1', { type: 'pass' }).ok).toBe(false);
  });
});
