/**
 * The reputation market against the textbook results on hidden quality.
 * - Akerlof, G. A. (1970), "The Market for 'Lemons': Quality Uncertainty and the Market
 *   Mechanism", Quarterly Journal of Economics 84(3):488–500: when buyers cannot observe
 *   quality, a seller's low quality costs it no sale, so in one round (or without ratings)
 *   sellers choose low quality and buyers cannot pay for high.
 * - Klein, B. and Leffler, K. B. (1981), "The Role of Market Forces in Assuring Contractual
 *   Performance", Journal of Political Economy 89(4):615–641; Shapiro, C. (1983), "Premiums
 *   for High Quality Products as Returns to Reputations", Quarterly Journal of Economics
 *   98(4):659–679: with public ratings and a long horizon, a price premium over the cost of
 *   high quality of at least r·(c_H − c_L) makes milking a reputation unprofitable; the
 *   quality-assuring price is c_H + r·(c_H − c_L).
 * Checked here: the one-shot dominance of low quality in the engine; the lemons market
 * without ratings against the market with them, within sampling error; the engine's milker
 * gaining exactly the cost saving less the discounted premium stream it loses, so that the
 * Klein–Leffler price separates the prices where milking pays from those where it does not;
 * that the gain from milking is bounded by one round's cost saving, taken in full in the last
 * round (the end game); and buyers steering by ratings against random choice. Then the
 * engine's own rules: stages, what each seat sees, ties, deadlines, empty rounds, edge
 * prices, decay and window.
 */
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../tests/temp.ts';
import { resolveStudy } from '../../studies/spec.ts';
import { runStudy, type EpisodeResult } from '../../studies/runner.ts';
import { openMatch, type Match } from '../core/match.ts';
import type { SeatId } from '../core/types.ts';
import { reputation, type BuyerView, type ReputationPublicView, type ReputationState, type SellerView } from './index.ts';
import { reputationConfigSchema } from './config.ts';
import { milkingGain, presentValue, qualityAssuringPrice } from './theory.ts';

type Seat = { policy: string; params?: Record<string, unknown>; count?: number };

function play(config: Record<string, unknown>, seats: Seat[], episodes = 1, seed = 1): EpisodeResult[] {
  const out: EpisodeResult[] = [];
  runStudy(resolveStudy({ name: 'reputation', mechanism: 'reputation', config, seats: seats.map((s) => ({ count: 1, ...s })), episodes, seed, output: { rounds: false } }), {
    out: `${tempDir('reputation')}/results`,
    exports: false,
    onEpisode: (e) => out.push(e),
  });
  return out;
}

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
/** The standard error of a mean over episodes. */
const se = (xs: readonly number[]) => Math.sqrt(xs.reduce((s, x) => s + (x - mean(xs)) ** 2, 0) / (xs.length - 1) / xs.length);
const measure = (es: readonly EpisodeResult[], k: string) => es.map((e) => e.measures[k] as number);

const open = (config: Record<string, unknown>, seats = 3, seed = 4): Match => openMatch(reputation, { config, seats, seed });
const act = (m: Match, seat: SeatId, action: Record<string, unknown>, at = 0) => m.submit(seat, m.state.stateId, action, at);
const st = (m: Match) => m.state as unknown as ReputationState;

describe('the lemons outcome (Akerlof 1970)', () => {
  it('in one round low quality earns the seller c_H − c_L more on every unit, whatever the price, so no seller offers high quality', () => {
    expect(reputation.benchmarks(reputationConfigSchema.parse({}), 3).one_shot_high_share?.value).toBe(0);
    for (const price of [0, 8, 14, 20]) {
      for (const buyers of [0, 1, 2]) {
        const profit = (quality: string) => {
          const m = open({ rounds: 1, sellers: 1 }, 3);
          act(m, 'p0', { type: 'offer', quality, price });
          (['p1', 'p2'] as SeatId[]).forEach((s, k) => act(m, s, k < buyers ? { type: 'choose', seller: 'p0' } : { type: 'pass' }));
          for (const s of ['p1', 'p2'] as SeatId[]) if (m.legal(s).length) act(m, s, { type: 'rate', stars: 3 });
          expect(m.over).toBe(true);
          return m.outcome().payoffs.p0 as number;
        };
        expect(profit('low') - profit('high')).toBeCloseTo((8 - 2) * buyers, 9);
      }
    }
  });

  it('without ratings buyers cannot tell sellers apart: the low-quality seller sells as much as the honest one, earns more, and buyers lose', () => {
    const config = { rounds: 20, information: 'prices', simulatedBuyers: 50, simulatedExplore: 0 };
    const es = play(config, [{ policy: 'honest-seller', params: { price: 12 } }, { policy: 'low-quality-seller', params: { price: 12 } }], 5);
    const honestUnits = es.reduce((s, e) => s + (e.payoffs.p0 as number) / (12 - 8), 0);
    const lowUnits = es.reduce((s, e) => s + (e.payoffs.p1 as number) / (12 - 2), 0);
    // 5000 buyers (the price, 12, is the value of an even chance of high quality), each to either seller at random: the low seller's share has a standard error of 0.007.
    expect(honestUnits + lowUnits).toBe(5000);
    expect(Math.abs(lowUnits / 5000 - 0.5)).toBeLessThan(0.03);
    for (const e of es) expect(e.payoffs.p1 as number).toBeGreaterThan(e.payoffs.p0 as number);
    // A buyer expects 12 and gets 20 or 4: on average 12 less the low share's loss, about 0 in all.
    expect(Math.abs(mean(measure(es, 'buyer_surplus')) / 50)).toBeLessThan(8 * 0.06);
  });

  it('with public ratings the same buyers leave the low-quality seller: the honest seller outearns it and low-quality sales fall to the explorers', () => {
    const es = play({ rounds: 20, simulatedBuyers: 50, simulatedExplore: 0.1 }, [{ policy: 'honest-seller', params: { price: 12 } }, { policy: 'low-quality-seller', params: { price: 12 } }], 5);
    for (const e of es) expect(e.payoffs.p0 as number).toBeGreaterThan(e.payoffs.p1 as number);
    // Round 1 splits evenly (both unrated); then only explorers (a tenth, half of them to it) buy low: (0.5 + 19 × 0.05)/20 ≈ 0.0725.
    expect(Math.abs(mean(measure(es, 'low_quality_share')) - 0.0725)).toBeLessThan(0.015);
    expect(mean(measure(es, 'rating_quality_correlation'))).toBeGreaterThan(0.99);
  });
});

describe('reputation assures quality (Klein and Leffler 1981; Shapiro 1983)', () => {
  it('the quality-assuring price is c_H + r·(c_H − c_L)', () => {
    const b = reputation.benchmarks(reputationConfigSchema.parse({ interest: 0.25 }), 3);
    expect(b.quality_assuring_price?.value).toBeCloseTo(8 + 0.25 * 6, 12);
    expect(b.quality_premium?.value).toBeCloseTo(1.5, 12);
    expect(b.lemons_price?.value).toBe(4);
  });

  // One seller, 10 simulated buyers steering by ratings without exploration, ratings decaying
  // fast: one round of low quality takes the rating to about 1.4 stars (a value of 6.6 < any
  // price here), and it stays there, since nobody buys again: Klein and Leffler's detection
  // after one period and the loss of every later sale.
  const market = { rounds: 30, sellers: 1, simulatedBuyers: 10, simulatedExplore: 0, decay: 0.1, values: { high: 30, low: 4 }, interest: 0.5, recall: 30 };
  const N = 10;
  /** The seller's payoff in each round, offering high quality up to round `switchAfter` and low after it. */
  function stream(price: number, switchAfter: number): number[] {
    const m = open(market, 1);
    for (let r = 1; r <= market.rounds; r++) expect(act(m, 'p0', { type: 'offer', quality: r > switchAfter ? 'low' : 'high', price }).ok).toBe(true);
    expect(m.over).toBe(true);
    return st(m).recent.map((rec) => rec.payoffs[0] as number);
  }
  const config = reputationConfigSchema.parse(market);

  it("the engine's milker gains the cost saving less the discounted premium it loses: milking pays below the quality-assuring price and not above it", () => {
    const qap = qualityAssuringPrice(config);
    expect(qap).toBe(11);
    const k = 5;
    for (const price of [9, 10, 12, 13, 14]) {
      const honest = stream(price, market.rounds);
      expect(honest.every((x) => x === (price - 8) * N)).toBe(true);
      const milked = stream(price, k);
      expect(milked[k]).toBe((price - 2) * N);
      expect(milked.slice(k + 1).every((x) => x === 0)).toBe(true);
      const gain = presentValue(milked, config.interest) - presentValue(honest, config.interest);
      expect(gain).toBeCloseTo((1 / 1.5) ** k * milkingGain(config, price, N, market.rounds - k - 1), 6);
      expect(gain > 0).toBe(price < qap);
    }
  });

  it('the gain from milking is at most one round of cost saving, and the last-round milker (the end game) takes it in full', () => {
    const price = 14;
    const honest = stream(price, market.rounds).reduce((s, x) => s + x, 0);
    for (let k = 0; k < market.rounds; k++) {
      const gain = stream(price, k).reduce((s, x) => s + x, 0) - honest;
      // The saving of the milking round less the premium of every later round it loses.
      expect(gain).toBeCloseTo((8 - 2) * N - (price - 8) * N * (market.rounds - k - 1), 9);
      expect(gain).toBeLessThanOrEqual((8 - 2) * N + 1e-9);
    }
    // The scripted milker set to milk in the last round does the same.
    const [e] = play(market, [{ policy: 'milker', params: { price, switchAfter: null, lastRounds: 1 } }]);
    expect(e?.payoffs.p0).toBeCloseTo(honest + (8 - 2) * N, 9);
  });
});

describe('buyers steering by ratings', () => {
  const sellers: Seat[] = [{ policy: 'honest-seller' }, { policy: 'low-quality-seller' }, { policy: 'milker', params: { switchAfter: 10 } }];
  const apart = (a: number[], b: number[]) => mean(a) - mean(b) - 3 * Math.sqrt(se(a) ** 2 + se(b) ** 2);

  it('against the random player (any seller, any rating): ratings track quality better and buyers earn more, beyond sampling error', () => {
    const steering = play({ rounds: 30, sellers: 3 }, [...sellers, { policy: 'rating-buyer', count: 6 }], 8);
    const random = play({ rounds: 30, sellers: 3 }, [...sellers, { policy: 'random', count: 6 }], 8);
    expect(apart(measure(steering, 'rating_quality_correlation'), measure(random, 'rating_quality_correlation'))).toBeGreaterThan(0);
    expect(apart(measure(steering, 'buyer_surplus'), measure(random, 'buyer_surplus'))).toBeGreaterThan(0);
  });

  it('against simulated buyers that choose at random but rate truthfully: more surplus and fewer low-quality sales, though ratings of shunned sellers, fewer, track quality less', () => {
    const config = { rounds: 40, sellers: 3, simulatedBuyers: 20 };
    const steering = play(config, sellers, 8);
    const random = play({ ...config, simulatedChoice: 'random' }, sellers, 8);
    expect(apart(measure(steering, 'buyer_surplus'), measure(random, 'buyer_surplus'))).toBeGreaterThan(0);
    expect(apart(measure(random, 'low_quality_share'), measure(steering, 'low_quality_share'))).toBeGreaterThan(0);
    // Steering starves the milker of ratings once it is found out: its rating stays high on low quality.
    expect(mean(measure(steering, 'rating_quality_correlation'))).toBeLessThan(mean(measure(random, 'rating_quality_correlation')));
  });
});

describe('the engine', () => {
  it('runs offer, choose, rate: quality stays with its seller until bought, buyers see prices and ratings, the public sees qualities at the close', () => {
    const m = open({ rounds: 2 }, 4);
    expect(m.legal('p2')).toEqual([]);
    expect(act(m, 'p0', { type: 'offer', quality: 'high', price: 15 }).ok).toBe(true);
    expect(act(m, 'p1', { type: 'offer', quality: 'low', price: 11 }).ok).toBe(true);
    const b = m.view('p2') as BuyerView;
    expect(b.market).toEqual([
      { seat: 'p0', price: 15, rating: null, ratings: 0 },
      { seat: 'p1', price: 11, rating: null, ratings: 0 },
    ]);
    expect(JSON.stringify(b)).not.toContain('"quality"');
    expect(JSON.stringify(m.publicView())).not.toContain('quality');
    expect(act(m, 'p2', { type: 'choose', seller: 'p1' }).ok).toBe(true);
    expect((m.view('p2') as BuyerView).bought).toEqual({ seller: 'p1', quality: 'low', price: 11 });
    expect(JSON.stringify(m.view('p3'))).not.toContain('"quality"');
    expect(act(m, 'p3', { type: 'choose', seller: 'p0' }).ok).toBe(true);
    expect(st(m).stage).toBe('rate');
    expect(act(m, 'p2', { type: 'rate', stars: 1 }).ok).toBe(true);
    expect(act(m, 'p3', { type: 'rate', stars: 5 }).ok).toBe(true);
    expect(st(m).round).toBe(2);
    expect((m.view('p2') as BuyerView).market.map((l) => [l.rating, l.ratings])).toEqual([
      [5, 1],
      [1, 1],
    ]);
    expect((m.view('p2') as BuyerView).history[0]).toMatchObject({ choice: 'p1', quality: 'low', price: 11, stars: 1, surplus: 4 - 11 });
    expect((m.view('p1') as SellerView).history[0]).toMatchObject({ quality: 'low', price: 11, sold: 1, profit: 9, ratingBefore: null, ratingAfter: 1 });
    for (const s of ['p0', 'p1'] as SeatId[]) act(m, s, { type: 'offer', quality: 'high', price: 10 });
    for (const s of ['p2', 'p3'] as SeatId[]) act(m, s, { type: 'pass' });
    expect(m.over).toBe(true);
    const pub = m.publicView() as ReputationPublicView;
    expect(pub.history.map((r) => r.qualities)).toEqual([
      ['high', 'low'],
      ['high', 'high'],
    ]);
    expect(m.outcome().measures.low_quality_share).toBe(0.5);
  });

  it('passing everyone skips the rating: the round closes, the ratings stand', () => {
    const m = open({ rounds: 3, sellers: 1 }, 2);
    act(m, 'p0', { type: 'offer', quality: 'high', price: 5 });
    act(m, 'p1', { type: 'pass' });
    expect(st(m).round).toBe(2);
    expect(st(m).stage).toBe('offer');
    expect((m.view('p1') as BuyerView).market[0]).toMatchObject({ rating: null, ratings: 0 });
    expect(m.outcome().measures.low_quality_share).toBeNull();
  });

  it('splits buyers between equally promising sellers at random, the same for the same seed', () => {
    const split = (seed: number) => {
      const m = open({ rounds: 1, simulatedBuyers: 40, simulatedExplore: 0 }, 2, seed);
      act(m, 'p0', { type: 'offer', quality: 'high', price: 10 });
      act(m, 'p1', { type: 'offer', quality: 'high', price: 10 });
      return st(m).recent[0]?.sales;
    };
    expect(split(7)).toEqual(split(7));
    const s = split(7) as number[];
    expect((s[0] as number) + (s[1] as number)).toBe(40);
    expect(Math.min(...s)).toBeGreaterThan(5);
  });

  it('keeps a late seller at its last offer (round 1: low quality at the middle price); a late buyer buys nothing, a late rater leaves no rating', () => {
    const m = open({ rounds: 3, sellers: 1, stageMs: 1000, priceRange: { low: 0, high: 21 } }, 3);
    m.tick(0);
    m.tick(1000);
    expect(st(m).offers[0]).toEqual({ quality: 'low', price: 10 });
    expect(st(m).missed).toEqual([true]);
    act(m, 'p1', { type: 'choose', seller: 'p0' }, 1500);
    m.tick(2000);
    expect(st(m).stage).toBe('rate');
    m.tick(3000);
    const r1 = st(m).recent[0];
    expect(r1).toMatchObject({ choices: [null, 0, null], stars: [null, null, null], sales: [1] });
    expect((m.view('p1') as BuyerView).market[0]).toMatchObject({ rating: null, ratings: 0 });
    expect(act(m, 'p0', { type: 'offer', quality: 'high', price: 21 }, 3100).ok).toBe(true);
    m.tick(4100);
    m.tick(5100);
    m.tick(6100);
    expect(st(m).offers[0]).toEqual({ quality: 'high', price: 21 });
    expect(st(m).missed).toEqual([true]);
    m.tick(7100);
    expect(m.over).toBe(true);
    // 3 offers and 6 choices due: the seller missed 2, the buyers 5.
    expect(m.outcome().measures.missed_share).toBeCloseTo(7 / 9, 12);
  });

  it('takes the edge prices and refuses a price off the grid or out of range, a buyer offering, a second offer, a seat that is no seller and a rating off the scale', () => {
    const m = open({ rounds: 2, sellers: 2, priceStep: 2 }, 3);
    const before = JSON.stringify(m.state);
    expect(act(m, 'p0', { type: 'offer', quality: 'high', price: 3 }).ok).toBe(false);
    expect(act(m, 'p0', { type: 'offer', quality: 'high', price: 22 }).ok).toBe(false);
    expect(act(m, 'p0', { type: 'offer', quality: 'medium', price: 2 }).ok).toBe(false);
    expect(act(m, 'p2', { type: 'offer', quality: 'high', price: 2 }).ok).toBe(false);
    expect(JSON.stringify(m.state)).toBe(before);
    expect(act(m, 'p0', { type: 'offer', quality: 'high', price: 0 }).ok).toBe(true);
    expect(act(m, 'p0', { type: 'offer', quality: 'low', price: 0 }).ok).toBe(false);
    expect(act(m, 'p1', { type: 'offer', quality: 'low', price: 20 }).ok).toBe(true);
    expect(act(m, 'p2', { type: 'choose', seller: 'p2' }).ok).toBe(false);
    expect(act(m, 'p2', { type: 'choose', seller: 'p0' }).ok).toBe(true);
    expect(act(m, 'p2', { type: 'rate', stars: 6 }).ok).toBe(false);
    expect(act(m, 'p2', { type: 'rate', stars: 4.5 }).ok).toBe(false);
    expect(act(m, 'p2', { type: 'rate', stars: 5 }).ok).toBe(true);
    expect(m.outcome().payoffs).toEqual({ p0: -8, p1: 0, p2: 20 });
  });

  it('weighs ratings by decay per round of age, and counts only the window', () => {
    const rated = (config: Record<string, unknown>) => {
      const m = open({ rounds: 3, sellers: 1, ...config }, 2);
      for (const stars of [5, 1]) {
        act(m, 'p0', { type: 'offer', quality: 'high', price: 5 });
        act(m, 'p1', { type: 'choose', seller: 'p0' });
        act(m, 'p1', { type: 'rate', stars });
      }
      return (m.view('p1') as BuyerView).market[0];
    };
    expect(rated({})).toMatchObject({ rating: 3, ratings: 2 });
    expect(rated({ decay: 0.5 })?.rating).toBeCloseTo((0.5 * 5 + 1) / 1.5, 9);
    expect(rated({ window: 1 })).toMatchObject({ rating: 1, ratings: 1 });
    expect(rated({ window: 2, decay: 0 })).toMatchObject({ rating: 1, ratings: 2 });
  });

  it('hides ratings under information "prices"', () => {
    const m = open({ rounds: 2, sellers: 1, information: 'prices' }, 2);
    act(m, 'p0', { type: 'offer', quality: 'high', price: 5 });
    expect((m.view('p1') as BuyerView).market[0]).toEqual({ seat: 'p0', price: 5 });
    act(m, 'p1', { type: 'choose', seller: 'p0' });
    act(m, 'p1', { type: 'rate', stars: 5 });
    expect(JSON.stringify(m.publicView())).not.toContain('rating');
  });
});
