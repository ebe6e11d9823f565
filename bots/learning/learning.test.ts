import { describe, expect, it } from 'vitest';
import { Rng } from '../../mechanisms/core/random.ts';
import type { Legal } from '../../mechanisms/core/types.ts';
import { resolveStudy } from '../../studies/spec.ts';
import { runStudy, type EpisodeResult } from '../../studies/runner.ts';
import { findMechanism } from '../../mechanisms/registry.ts';
import { ActionSpace, StateCoder } from './spaces.ts';
import { oneRoundReward } from './q-learning.ts';

/** A numeric parameter of an enumerated action. */
const field = (action: object, key: string): number => (action as Record<string, number>)[key] as number;

describe('action spaces and states', () => {
  it('enumerate a range into points, ends included, and find each action again', () => {
    const legal: Legal = [{ type: 'bid', params: { amount: { kind: 'number', min: 0, max: 10 } } }];
    const space = new ActionSpace(legal, 6);
    expect(space.actions.map((a) => field(a, 'amount'))).toEqual([0, 2, 4, 6, 8, 10]);
    expect(space.indexOf({ type: 'bid', amount: 6 })).toBe(3);
    expect(space.indexOf({ type: 'bid', amount: 5 })).toBe(-1);
  });

  it('code every seat’s last action in a mixed radix, numbers into bins, and keep memory periods', () => {
    const rng = new Rng(1);
    const prices = new StateCoder([{ field: 'lastIndices', kind: 'indices' }], 2, 3, 1);
    expect(prices.size).toBe(9);
    expect(prices.code({ lastIndices: [2, 1] }, rng)).toBe(2 * 3 + 1);
    // Before the first period the state is drawn at random, inside the table.
    for (let i = 0; i < 20; i++) expect(prices.code({ lastIndices: null }, rng)).toBeLessThan(9);
    const values = new StateCoder([{ field: 'value', kind: 'bins', bins: 4, min: 0, max: 100 }], 3, 5, 1);
    expect([0, 24.9, 25, 99.9, 100, 140, -3].map((value) => values.code({ value }, rng))).toEqual([0, 0, 1, 3, 3, 3, 0]);
    const two = new StateCoder([{ field: 'value', kind: 'bins', bins: 4, min: 0, max: 100 }], 1, 5, 2);
    expect(two.size).toBe(16);
    two.code({ value: 10 }, rng);
    expect(two.code({ value: 60 }, rng)).toBe(2 * 4 + 0);
    const copy = two.fork();
    expect(copy.code({ value: 90 }, rng)).toBe(3 * 4 + 2);
    expect(() => new StateCoder([{ field: 'lastIndices', kind: 'indices' }], 4, 100, 2)).toThrow(/too many for a table learner/);
  });
});

describe('Q-learning (Calvano et al. 2020) through the engine', () => {
  it('two firms in the logit Bertrand market learn prices above the Nash price and converge; the limit cycle is measured', () => {
    // Fast exploration (β = 1e-4, stable for 20,000 periods) so a session takes about 10^5 periods.
    const episodes: EpisodeResult[] = [];
    const report = runStudy(
      resolveStudy({
        name: 'q-bertrand',
        mechanism: 'bertrand',
        config: { periods: 2_000_000, recall: 0 },
        seats: [{ policy: 'q-learning', count: 2, params: { beta: 1e-4, stableFor: 20_000 } }],
        episodes: 3,
        seed: 2,
        output: { rounds: false },
        learning: {},
      }),
      { onEpisode: (e) => episodes.push(e) },
    );
    const metrics = report.summary.treatments[0]?.metrics;
    expect(metrics?.converged?.mean).toBe(1);
    for (const e of episodes) {
      expect(e.metrics.periods).toBeLessThan(2_000_000);
      expect(e.metrics.cycle_length).toBeGreaterThanOrEqual(1);
      // Δ = (π − π^N)/(π^M − π^N): 0 at the Nash profit, 1 at the monopoly profit.
      expect(e.metrics.cycle_profit_gain).toBeGreaterThan(0.2);
      expect(e.metrics.cycle_profit_gain).toBeLessThan(1.05);
    }
  });

  it('bids in a repeated first-price auction, with its own value in bins as the state: it learns to shade and to win with profit', () => {
    const rows: { seat: string; value: number; bid: number | null; payoff: number; round: number }[] = [];
    runStudy(
      resolveStudy({
        name: 'q-first-price',
        mechanism: 'first-price',
        config: { rounds: 30_000, recall: 0, values: { kind: 'uniform', low: 0, high: 100 }, reveal: 'winningPrice' },
        seats: [
          { policy: 'q-learning', params: { beta: 2e-4, delta: 0, points: 21, q0: 'zero', state: [{ field: 'value', kind: 'bins', bins: 10, min: 0, max: 100 }] } },
          { policy: 'equilibrium', count: 2 },
        ],
        episodes: 1,
        seed: 4,
      }),
      {
        keepRows: true,
        onEpisode: (e) => {
          for (const r of e.rows ?? []) rows.push({ seat: r.seat, round: r.round, payoff: r.payoff, value: r.fields.value as number, bid: (r.fields.bid as number | null) ?? null });
        },
      },
    );
    const late = rows.filter((r) => r.seat === 'p0' && r.round > 20_000 && r.value > 20);
    const shade = late.reduce((s, r) => s + (r.bid ?? 0) / r.value, 0) / late.length;
    // Against two equilibrium bidders (bids 2v/3), the best reply is to shade as well: bid well below value.
    expect(shade).toBeGreaterThan(0.45);
    expect(shade).toBeLessThan(0.9);
    const meanPayoff = late.reduce((s, r) => s + r.payoff, 0) / late.length;
    expect(meanPayoff).toBeGreaterThan(3);
  });
});

describe('Q-learning across one-round episodes', () => {
  it('with keep, learns from each episode’s only decision (its reward, nothing after it) and comes to shade against truthful bidders', () => {
    const late: { value: number; bid: number }[] = [];
    runStudy(
      resolveStudy({
        name: 'q-one-round',
        mechanism: 'first-price',
        config: { rounds: 1, values: { kind: 'uniform', low: 0, high: 100 } },
        seats: [
          { policy: 'q-learning', params: { keep: true, beta: 3e-4, delta: 0, points: 21, q0: 'zero', state: [{ field: 'value', kind: 'bins', bins: 10, min: 0, max: 100 }] } },
          { policy: 'truthful', count: 2 },
        ],
        episodes: 20_000,
        seed: 6,
        output: { rounds: false },
      }),
      {
        keepRows: true,
        onEpisode: (e) => {
          if (e.episode < 15_000) return;
          for (const r of e.rows ?? []) if (r.seat === 'p0' && (r.fields.value as number) > 20) late.push({ value: r.fields.value as number, bid: (r.fields.bid as number | null) ?? 0 });
        },
      },
    );
    const shade = late.reduce((s, r) => s + r.bid / r.value, 0) / late.length;
    // Against two truthful rivals the best reply bids 2v/3; a learner that never learned bids at random (mean ratio far from it).
    expect(shade).toBeGreaterThan(0.5);
    expect(shade).toBeLessThan(0.85);
  });
});

describe('EXP3', () => {
  it('against a rival fixed at the Nash price, earns nearly what the best fixed price earns (no regret)', () => {
    const rewards: number[] = [];
    const study = resolveStudy({
      name: 'exp3-bertrand',
      mechanism: 'bertrand',
      config: { periods: 40_000, recall: 0 },
      seats: [{ policy: 'exp3', params: { gamma: 0.05 } }, { policy: 'benchmark', params: { benchmark: 'nash_price' } }],
      episodes: 1,
      seed: 3,
      output: { rounds: true },
    });
    runStudy(study, { keepRows: true, onEpisode: (e) => rewards.push(...(e.rows ?? []).filter((r) => r.seat === 'p0' && r.round > 20_000).map((r) => r.payoff)) });
    const mechanism = findMechanism('bertrand');
    if (!mechanism) throw new Error('no bertrand');
    const treatment = study.treatments[0];
    if (!treatment) throw new Error('no treatment');
    // The best fixed price of the grid against the rival's Nash price, by a hypothetical round in the engine.
    const ctx = { mechanism, config: treatment.config, seat: 'p0' as const, seats: 2 };
    const space = new ActionSpace(mechanism.legal(mechanism.setup(mechanism.oneRound(treatment.config), ['p0', 'p1'], { seed: 1 }), 'p0'), undefined);
    const nash = mechanism.benchmarks(treatment.config, 2).nash_price?.value as number;
    const rival = space.actions.reduce((best, a) => (Math.abs(field(a, 'price') - nash) < Math.abs(field(best, 'price') - nash) ? a : best));
    const best = Math.max(...space.actions.map((a) => oneRoundReward(ctx, [a, rival])));
    const mean = rewards.reduce((a, b) => a + b, 0) / rewards.length;
    expect(rewards.length).toBe(20_000);
    expect(mean).toBeGreaterThan(0.9 * best);
    expect(mean).toBeLessThanOrEqual(best + 1e-9);
  });
});
