/**
 * The LMSR prediction market against the textbook (Hanson 2003, "Combinatorial Information
 * Market Design", Information Systems Frontiers 5(1):107–119; Hanson 2007, "Logarithmic
 * Market Scoring Rules for Modular Combinatorial Information Aggregation", Journal of
 * Prediction Markets 1(1):3–15):
 * - prices softmax(q/b) are positive and sum to 1 for any q, extreme ones included;
 * - path independence: a sequence of trades costs C(q_end) − C(q_start), the cost of their sum;
 * - the maker's loss is at most b·ln n, over many random trade sequences through the engine,
 *   and is attained (in the limit) when a trader moves all mass to the realised outcome;
 * - the traders' profits add up to the maker's loss;
 * - with truthful Bayesian traders whose signals enter the price one after another, the
 *   closing price is the posterior given every signal (within tolerance; Hanson 2003 §3,
 *   the market scoring rule as a sequentially shared forecast).
 * Then the engine's own rules: budgets, no short sales unless bets against are allowed, empty
 * markets, deadlines, settlement,
 * signal precision, and what the views do not show.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { openMatch, type Match } from '../core/match.ts';
import { Rng } from '../core/random.ts';
import type { SeatId } from '../core/types.ts';
import { HarnessRngs, playHeadless } from '../../bots/harness.ts';
import { bayesian, noise } from '../../bots/scripted/prediction-market.ts';
import type { AnyPolicy } from '../../bots/policy.ts';
import { predictionMarket, type PredictionMarketState, type TraderView } from './index.ts';
import { predictionMarketConfigSchema, priorOf } from './config.ts';
import { buyCost, cost, prices, quote, saleProceeds, sharesFor, tradeCost, worstCaseLoss } from './lmsr.ts';
import { brier, makerLoss, posteriorOf } from './market.ts';
import { expectedPosteriorBrier } from './benchmarks.ts';

const open = (config: Record<string, unknown>, seats: number, seed = 1): Match => openMatch(predictionMarket, { config, seats, seed });
const stateOf = (m: Match) => m.state as unknown as PredictionMarketState;
const viewOf = (m: Match, seat: SeatId) => m.view(seat) as TraderView;
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

const qArb = (n: number) => fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: n, maxLength: n });

describe('the LMSR cost function', () => {
  it('prices are positive (or underflow to 0), finite and sum to 1 for any q, however extreme', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 8 }).chain((n) => qArb(n)), fc.double({ min: 0.01, max: 1000, noNaN: true }), (q, b) => {
        const p = prices(q, b);
        for (const x of p) {
          expect(Number.isFinite(x)).toBe(true);
          expect(x).toBeGreaterThanOrEqual(0);
        }
        expect(sum(p)).toBeCloseTo(1, 14);
        expect(Number.isFinite(cost(q, b))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('is path independent: a sequence of trades costs what their sum costs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }).chain((n) => fc.tuple(fc.constant(n), fc.array(fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: n, maxLength: n }), { minLength: 1, maxLength: 12 }))),
        fc.double({ min: 0.5, max: 100, noNaN: true }),
        ([n, trades], b) => {
          let q = new Array<number>(n).fill(0);
          let paid = 0;
          for (const d of trades) {
            paid += tradeCost(q, d, b);
            q = q.map((x, i) => x + (d[i] as number));
          }
          const total = trades.reduce((acc, d) => acc.map((x, i) => x + (d[i] as number)), new Array<number>(n).fill(0));
          expect(paid).toBeCloseTo(tradeCost(new Array<number>(n).fill(0), total, b), 8);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the one-outcome formulas agree with C(q′) − C(q), and a spend buys exactly what it pays for', () => {
    fc.assert(
      fc.property(qArb(3), fc.integer({ min: 0, max: 2 }), fc.double({ min: 1e-6, max: 500, noNaN: true }), fc.double({ min: 0.1, max: 50, noNaN: true }), (q0, k, x, b) => {
        const q = q0.map((v) => v / 1e4);
        const lp = quote(q, b, k);
        const up = q.map((_, i) => (i === k ? x : 0));
        expect(buyCost(lp, x, b)).toBeCloseTo(tradeCost(q, up, b), 6);
        expect(saleProceeds(lp, x, b)).toBeCloseTo(-tradeCost(q, up.map((v) => -v), b), 6);
        const spend = buyCost(lp, x, b);
        if (spend > 1e-6) expect(sharesFor(lp, spend, b) / x).toBeCloseTo(1, 6);
      }),
      { numRuns: 300 },
    );
  });

  it('the maker loses at most b·ln n whatever q and whichever outcome happens', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 8 }).chain((n) => qArb(n)), fc.double({ min: 0.01, max: 1000, noNaN: true }), (q, b) => {
        for (let w = 0; w < q.length; w++) expect(makerLoss(q, b, w)).toBeLessThanOrEqual(worstCaseLoss(b, q.length));
      }),
      { numRuns: 300 },
    );
  });
});

/** A random legal action for a seat: a buy or a sale of a random size. */
function randomTrade(m: Match, seat: SeatId, rng: Rng): Record<string, unknown> | null {
  const legal = m.legal(seat);
  if (!legal.length) return null;
  const a = rng.pick(legal);
  const outcome = a.params.outcome?.kind === 'choice' ? rng.pick(a.params.outcome.options) : null;
  const size = a.params.spend ?? a.params.fraction;
  if (size?.kind !== 'number') return null;
  // Mostly small trades, now and then everything.
  const r = rng.float();
  const amount = r < 0.15 ? size.max : size.min + (size.max - size.min) * rng.float() ** 3;
  return a.type === 'sell' ? { type: 'sell', outcome, fraction: amount } : { type: a.type, outcome, spend: amount };
}

describe("the maker's loss through the engine (Hanson 2003)", () => {
  it('never exceeds b·ln n over many random trade sequences, and equals the traders’ total profit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 2, max: 5 }), fc.constantFrom(0.5, 3, 10, 40), fc.constantFrom(5, 50, 500), (seed, n, b, budget) => {
        const outcomes = Array.from({ length: n }, (_, k) => `o${k}`);
        const m = open({ outcomes, liquidity: b, budget, markets: 3, marketMs: 60_000, betAgainst: seed % 2 === 0 }, 4, seed);
        const rng = new Rng(seed);
        m.tick(0);
        let at = 0;
        while (!m.over) {
          for (let k = 0; k < 25; k++) {
            const seat = rng.pick(m.header.seats);
            const action = randomTrade(m, seat, rng);
            at += 1000;
            if (action) expect(m.submit(seat, m.state.stateId, action, at).ok).toBe(true);
            expect(sum(viewOf(m, seat).prices)).toBeCloseTo(1, 12);
          }
          m.tick(stateOf(m).deadline as number);
          at = m.now;
        }
        const s = stateOf(m);
        for (const r of s.recent) {
          expect(r.makerLoss).toBeLessThanOrEqual(worstCaseLoss(b, n) + 1e-9);
          // Equal up to rounding in the cash sums, relative to what went through the market.
          expect(Math.abs(sum(r.profits) - r.makerLoss)).toBeLessThan(1e-9 * (r.volume + 4 * budget));
        }
        const o = m.outcome();
        expect(o.welfare).toBeCloseTo(sum(Object.values(o.payoffs)), 6);
        expect(o.measures.maker_loss as number).toBeLessThanOrEqual(3 * worstCaseLoss(b, n) + 1e-9);
      }),
      { numRuns: 40 },
    );
  });

  it('is attained when a trader moves all mass to the realised outcome', () => {
    for (const n of [2, 3, 5]) {
      const b = 10;
      const m = open({ outcomes: Array.from({ length: n }, (_, k) => `o${k}`), liquidity: b, budget: 10_000, markets: 1, marketMs: 1000 }, 2, n);
      m.tick(0);
      const w = stateOf(m).outcome;
      expect(m.submit('p0', m.state.stateId, { type: 'buy', outcome: `o${w}`, spend: 5000 }, 10).ok).toBe(true);
      expect(viewOf(m, 'p0').prices[w]).toBeGreaterThan(1 - 1e-12);
      m.tick(1000);
      const r = stateOf(m).recent[0]!;
      expect(r.makerLoss).toBeCloseTo(worstCaseLoss(b, n), 9);
      // The trader paid b·ln n less than the shares pay out; nobody else traded.
      expect(r.profits[0]).toBeCloseTo(b * Math.log(n), 6);
      expect(m.outcome().measures.maker_loss_share).toBeCloseTo(1, 9);
    }
  });
});

/** Plays a match with these policies (by seat) through the headless harness. */
function playWith(config: Record<string, unknown>, policies: AnyPolicy[], seed: number): Match {
  const m = open(config, policies.length, seed);
  playHeadless(m, policies, new HarnessRngs(seed), { stepMs: 500 });
  return m;
}

const bayesians = (k: number, learnFromPrice = true): AnyPolicy[] => Array.from({ length: k }, () => bayesian.create({ learnFromPrice, spendShare: 1, reach: 1 }));

describe('information aggregation by truthful Bayesian traders', () => {
  it('a yes/no event: the closing price is the posterior given every signal', () => {
    for (let seed = 1; seed <= 25; seed++) {
      const m = playWith({ signal: { kind: 'symmetric', accuracy: 0.7 }, liquidity: 10, budget: 1000, markets: 2, marketMs: 60_000 }, bayesians(6), seed);
      for (const r of stateOf(m).recent) {
        for (let k = 0; k < 2; k++) expect(Math.abs((r.finalPrices[k] as number) - (r.posterior[k] as number))).toBeLessThan(2e-3);
      }
    }
  });

  it('three outcomes, a non-uniform prior and gaussian signals, trades interleaved: the closing price is the posterior', () => {
    for (let seed = 1; seed <= 15; seed++) {
      const m = playWith({ outcomes: ['low', 'mid', 'high'], prior: [0.5, 0.3, 0.2], signal: { kind: 'gaussian', noise: 1.2 }, liquidity: 5, budget: 1000, markets: 2, marketMs: 60_000 }, bayesians(5), seed);
      for (const r of stateOf(m).recent) {
        for (let k = 0; k < 3; k++) expect(Math.abs((r.finalPrices[k] as number) - (r.posterior[k] as number))).toBeLessThan(5e-3);
      }
    }
  });

  it('traders who ignore the price do not aggregate: the price ends at the last one’s own posterior, far from the full one', () => {
    let informed = 0;
    let naive = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const config = { signal: { kind: 'symmetric', accuracy: 0.65 }, liquidity: 10, budget: 1000, markets: 1, marketMs: 60_000 };
      informed += playWith(config, bayesians(7), seed).outcome().measures.posterior_distance as number;
      naive += playWith(config, bayesians(7, false), seed).outcome().measures.posterior_distance as number;
    }
    expect(informed / 40).toBeLessThan(1e-5);
    expect(naive / 40).toBeGreaterThan(0.01);
  });

  it('with budgets too small to move the price all the way, the price still moves toward the posterior', () => {
    let before = 0;
    let after = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const m = playWith({ signal: { kind: 'symmetric', accuracy: 0.75 }, liquidity: 20, budget: 2, markets: 1, marketMs: 60_000 }, bayesians(5), seed);
      const r = stateOf(m).recent[0]!;
      before += (0.5 - (r.posterior[0] as number)) ** 2;
      after += ((r.finalPrices[0] as number) - (r.posterior[0] as number)) ** 2;
    }
    expect(after).toBeLessThan(before);
  });

  it('over many markets the Bayesian market scores the posterior’s Brier score, better than the prior’s', () => {
    const m = playWith({ signal: { kind: 'symmetric', accuracy: 0.7 }, liquidity: 10, budget: 1000, markets: 200, marketMs: 60_000, recall: 0 }, bayesians(4), 9);
    const x = m.outcome().measures;
    expect(x.brier_final as number).toBeCloseTo(x.brier_posterior as number, 4);
    expect(x.brier_final as number).toBeLessThan(x.brier_prior as number);
    expect(x.brier_prior).toBeCloseTo(0.5, 9);
  });
});

describe('the expected Brier score of the full-information posterior', () => {
  it('one trader with a yes/no signal of accuracy a on a fair coin: a·2(1 − a)² + (1 − a)·2a² = 2a(1 − a)', () => {
    for (const a of [0.5, 0.6, 0.75, 0.9, 1]) {
      const config = predictionMarketConfigSchema.parse({ signal: { kind: 'symmetric', accuracy: a } });
      // The posterior is a on the named outcome: right with probability a (Brier 2(1 − a)²), wrong otherwise (Brier 2a²).
      expect(expectedPosteriorBrier(config, 1)).toBeCloseTo(a * 2 * (1 - a) ** 2 + (1 - a) * 2 * a ** 2, 12);
    }
  });

  it('falls with more traders, matches a Monte Carlo over the engine’s draws, and is what Bayesian markets score', () => {
    const config = predictionMarketConfigSchema.parse({ outcomes: ['a', 'b', 'c'], prior: [0.5, 0.3, 0.2], signal: { kind: 'symmetric', accuracy: 0.6 } });
    const scores = [1, 2, 4, 8].map((k) => expectedPosteriorBrier(config, k) as number);
    for (let k = 1; k < scores.length; k++) expect(scores[k]).toBeLessThan(scores[k - 1] as number);
    // The engine's own draws (outcome from the prior, signals from the seat streams), 20 000 times: within 4 standard errors.
    let sumScore = 0;
    let sumSquares = 0;
    const runs = 20_000;
    for (let seed = 0; seed < runs; seed++) {
      const s = stateOf(open({ ...config, markets: 1 }, 4, seed));
      const score = brier(posteriorOf(priorOf(config), config.signal, s.signals), s.outcome);
      sumScore += score;
      sumSquares += score * score;
    }
    const mean = sumScore / runs;
    const se = Math.sqrt((sumSquares / runs - mean * mean) / runs);
    expect(Math.abs(mean - (scores[2] as number))).toBeLessThan(4 * se);
    // And a market of four Bayesian traders scores the posterior's score, market by market.
    const measured = playWith({ ...config, liquidity: 10, budget: 1000, markets: 100, marketMs: 60_000, recall: 0 }, bayesians(4), 17).outcome().measures;
    expect(measured.brier_final as number).toBeCloseTo(measured.brier_posterior as number, 6);
  });
});

describe('posterior', () => {
  it('symmetric signals: only the difference between the counts matters', () => {
    const spec = { kind: 'symmetric' as const, accuracy: 0.7 };
    const p = posteriorOf([0.5, 0.5], spec, [0, 0, 1, 0]);
    expect(p[0]).toBeCloseTo(0.7 ** 2 / (0.7 ** 2 + 0.3 ** 2), 12);
    expect(posteriorOf([0.5, 0.5], { kind: 'symmetric', accuracy: 1 }, [1, 1])).toEqual([0, 1]);
  });
});

describe('the rules of the engine', () => {
  it('a buy may not spend more than the cash, a sale not sell shares one does not hold', () => {
    const m = open({ budget: 20 }, 2);
    m.tick(0);
    expect(m.submit('p0', m.state.stateId, { type: 'buy', outcome: 'yes', spend: 20.5 }, 1)).toMatchObject({ ok: false, code: 'OUT_OF_RANGE' });
    expect(m.submit('p0', m.state.stateId, { type: 'sell', outcome: 'yes', fraction: 0.5 }, 1)).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
    expect(m.submit('p0', m.state.stateId, { type: 'buy', outcome: 'maybe', spend: 1 }, 1)).toMatchObject({ ok: false });
    expect(m.submit('p0', m.state.stateId, { type: 'buy', outcome: 'yes', spend: 20 }, 2).ok).toBe(true);
    // All cash spent: only selling is open, and only what is held.
    expect(m.legal('p0').map((a) => a.type)).toEqual(['sell']);
    expect(m.legal('p0')[0]?.params.outcome).toEqual({ kind: 'choice', options: ['yes'] });
    expect(m.submit('p0', m.state.stateId, { type: 'sell', outcome: 'no', fraction: 1 }, 3)).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
  });

  it('buying and then selling everything back returns the cash (the maker’s round trip is free)', () => {
    const m = open({ liquidity: 3, budget: 100 }, 1);
    m.tick(0);
    m.submit('p0', m.state.stateId, { type: 'buy', outcome: 'no', spend: 99.99 }, 1);
    const v = viewOf(m, 'p0');
    expect(v.prices[1]).toBeGreaterThan(0.999999);
    m.submit('p0', m.state.stateId, { type: 'sell', outcome: 'no', fraction: 1 }, 2);
    const w = viewOf(m, 'p0');
    expect(w.cash).toBeCloseTo(100, 8);
    expect(w.holdings).toEqual([0, 0]);
    expect(w.prices[0]).toBeCloseTo(0.5, 9);
  });

  it('a bet against an outcome moves the prices as selling it would, and pays unless it happens', () => {
    const m = open({ outcomes: ['a', 'b', 'c'], liquidity: 6, budget: 50, markets: 1, marketMs: 1000, betAgainst: true }, 2, 4);
    m.tick(0);
    m.submit('p1', m.state.stateId, { type: 'buy', outcome: 'a', spend: 10 }, 1);
    const before = stateOf(m).q.slice();
    expect(m.legal('p0').map((a) => a.type)).toEqual(['buy', 'betAgainst']);
    expect(m.submit('p0', m.state.stateId, { type: 'betAgainst', outcome: 'a', spend: 4 }, 2).ok).toBe(true);
    const v = viewOf(m, 'p0');
    const x = v.holdings[1] as number;
    expect(v.holdings).toEqual([0, x, x]);
    expect(v.cash).toBeCloseTo(46, 12);
    // The same prices as q_a − x: only differences of q matter.
    const sold = prices(before.map((q, k) => (k === 0 ? q - x : q)), 6);
    v.prices.forEach((p, k) => expect(p).toBeCloseTo(sold[k] as number, 12));
    // Its cost: x shares of "not a" (worth x for sure) less what selling x of a would pay.
    expect(4).toBeCloseTo(x - saleProceeds(quote(before, 6, 0), x, 6), 9);
    m.tick(1000);
    const w = stateOf(m).outcome;
    expect(m.outcome().payoffs.p0).toBeCloseTo(w === 0 ? -4 : x - 4, 9);
  });

  it('bets against are refused unless the config allows them', () => {
    const m = open({}, 1);
    m.tick(0);
    expect(m.submit('p0', m.state.stateId, { type: 'betAgainst', outcome: 'yes', spend: 1 }, 1)).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
  });

  it('trades at the same moment are carried out in the order they arrive; the order changes who gets how many shares, never what the maker takes in', () => {
    const play = (first: SeatId, second: SeatId) => {
      const m = open({ outcomes: ['a', 'b', 'c'], liquidity: 4, budget: 50 }, 2, 3);
      m.tick(0);
      const q0 = stateOf(m).q.slice();
      const spendOf: Record<string, { outcome: string; spend: number }> = { p0: { outcome: 'a', spend: 7 }, p1: { outcome: 'b', spend: 5 } };
      for (const seat of [first, second]) expect(m.submit(seat, m.state.stateId, { type: 'buy', ...spendOf[seat] }, 500).ok).toBe(true);
      const s = stateOf(m);
      return { q: s.q, total: tradeCost(q0, s.q, 4), holdings: s.holdings };
    };
    const x = play('p0', 'p1');
    const y = play('p1', 'p0');
    // Buying b first makes a cheaper: p0's 7 buys more shares of a second than first...
    expect(y.holdings[0]![0]).toBeGreaterThan(x.holdings[0]![0] as number);
    // ...but in either order C(q_end) − C(q_start) is exactly the 12 spent (path independence).
    expect(x.total).toBeCloseTo(12, 9);
    expect(y.total).toBeCloseTo(12, 9);
  });

  it('an empty market resolves at its deadline with no profits and the opening prices', () => {
    const m = open({ outcomes: ['a', 'b', 'c', 'd'], markets: 2, marketMs: 5000 }, 3);
    m.tick(100);
    expect(stateOf(m).deadline).toBe(5100);
    m.tick(5099);
    expect(stateOf(m).market).toBe(1);
    m.tick(5100);
    expect(stateOf(m).market).toBe(2);
    expect(stateOf(m).deadline).toBe(10_100);
    m.tick(10_100);
    expect(m.over).toBe(true);
    const o = m.outcome();
    expect(Object.values(o.payoffs)).toEqual([0, 0, 0]);
    expect(o.measures.brier_final).toBeCloseTo(0.75, 12);
    expect(o.measures.maker_loss).toBeCloseTo(0, 12);
    expect(o.measures.trades).toBe(0);
  });

  it('a trade sent after the deadline is stale (the market resolved first); sent again it lands in the next market; after the last one it is refused', () => {
    const m = open({ markets: 2, marketMs: 1000, budget: 10 }, 2);
    m.tick(0);
    expect(m.submit('p0', m.state.stateId, { type: 'buy', outcome: 'yes', spend: 5 }, 500).ok).toBe(true);
    // The deadline passed: the market resolves first, and a trade naming its state is stale.
    const stale = m.state.stateId;
    expect(m.submit('p1', stale, { type: 'buy', outcome: 'yes', spend: 5 }, 1500)).toMatchObject({ ok: false, code: 'STALE_STATE' });
    expect(m.submit('p1', m.state.stateId, { type: 'buy', outcome: 'yes', spend: 5 }, 1500).ok).toBe(true);
    expect(stateOf(m).market).toBe(2);
    expect(viewOf(m, 'p1').myTrades).toBe(1);
    expect(viewOf(m, 'p0').cash).toBe(10);
    m.tick(2000);
    expect(m.over).toBe(true);
    expect(m.submit('p0', m.state.stateId, { type: 'buy', outcome: 'yes', spend: 1 }, 2500).ok).toBe(false);
  });

  it('a market that starts with a trade starts its clock with it', () => {
    const m = open({ marketMs: 3000 }, 1);
    expect(m.progress().phase).toBe('opening');
    const s = predictionMarket.apply(stateOf(m), 'p0', { type: 'buy', outcome: 'yes', spend: 1 }, 700);
    expect(s.ok && s.state.deadline).toBe(3700);
    expect(s.ok && s.events.map((e) => e.kind)).toEqual(['market_opened', 'signal', 'trade', 'position']);
  });

  it('settlement: each share of the realised outcome pays 1, the others nothing', () => {
    const m = open({ outcomes: ['a', 'b', 'c'], markets: 1, marketMs: 1000, budget: 30, liquidity: 4 }, 2, 5);
    m.tick(0);
    m.submit('p0', m.state.stateId, { type: 'buy', outcome: 'a', spend: 10 }, 1);
    m.submit('p1', m.state.stateId, { type: 'buy', outcome: 'b', spend: 7 }, 2);
    m.submit('p1', m.state.stateId, { type: 'buy', outcome: 'c', spend: 6 }, 3);
    const s = stateOf(m);
    const held = s.holdings.map((h) => h.slice());
    const cash = s.cash.slice();
    m.tick(1000);
    const w = stateOf(m).outcome;
    const payoffs = m.outcome().payoffs;
    expect(payoffs.p0).toBeCloseTo((cash[0] as number) + (held[0]![w] as number) - 30, 9);
    expect(payoffs.p1).toBeCloseTo((cash[1] as number) + (held[1]![w] as number) - 30, 9);
  });

  it('signals name the true outcome with the configured probability; outcomes follow the prior', () => {
    let right = 0;
    let first = 0;
    const runs = 3000;
    for (let seed = 0; seed < runs; seed++) {
      const s = stateOf(open({ prior: [0.8, 0.2], signal: { kind: 'symmetric', accuracy: 0.6 }, markets: 1 }, 1, seed));
      if (s.signals[0] === s.outcome) right++;
      if (s.outcome === 0) first++;
    }
    expect(Math.abs(right / runs - 0.6)).toBeLessThan(0.03);
    expect(Math.abs(first / runs - 0.8)).toBeLessThan(0.03);
  });

  it('views never show the posterior, the outcome before it resolves, or another trader’s signal', () => {
    const m = open({ signal: { kind: 'gaussian', noise: 0.5 }, markets: 1, marketMs: 1000 }, 3, 8);
    m.tick(0);
    m.submit('p1', m.state.stateId, { type: 'buy', outcome: 'no', spend: 3 }, 1);
    const s = stateOf(m);
    const pub = JSON.stringify(m.publicView());
    expect(pub).not.toMatch(/posterior|signal"|"p\d"/);
    for (const x of s.signals) expect(pub).not.toContain(String(x));
    const mine = JSON.stringify(m.view('p0'));
    expect(mine).toContain(String(s.signals[0]));
    expect(mine).not.toContain(String(s.signals[1]));
    expect(mine).not.toContain(String(s.signals[2]));
    expect(mine).not.toMatch(/posterior/);
    expect(JSON.parse(pub).history).toEqual([]);
  });

  it('the config refuses a prior of the wrong length or sum and repeated outcomes', () => {
    expect(predictionMarketConfigSchema.safeParse({ prior: [0.5, 0.3, 0.2] }).success).toBe(false);
    expect(predictionMarketConfigSchema.safeParse({ prior: [0.5, 0.4] }).success).toBe(false);
    expect(predictionMarketConfigSchema.safeParse({ outcomes: ['a', 'a'] }).success).toBe(false);
    expect(predictionMarketConfigSchema.parse({}).outcomes).toEqual(['yes', 'no']);
  });

  it('noise traders trade a few times a market and lose to the Bayesians on average', () => {
    let noiseProfit = 0;
    let bayesProfit = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const m = playWith({ liquidity: 10, budget: 50, markets: 3, marketMs: 60_000 }, [...bayesians(2), noise.create({ tradesPerMarket: 4, maxShare: 0.25, sellRate: 0.3 }), noise.create({ tradesPerMarket: 4, maxShare: 0.25, sellRate: 0.3 })], seed);
      const p = m.outcome().payoffs;
      bayesProfit += (p.p0 as number) + (p.p1 as number);
      noiseProfit += (p.p2 as number) + (p.p3 as number);
      expect(stateOf(m).recent.every((r) => r.trades >= 2)).toBe(true);
    }
    expect(bayesProfit).toBeGreaterThan(noiseProfit);
  });
});
