/**
 * Random legal play over the golden cases and a few harder configs: what the shared
 * conformance suite asks of every mechanism, plus the market's own invariants
 * (no loss without allowLoss, a book that never crosses, payoffs adding up to welfare).
 */
import { describe, expect, it } from 'vitest';
import { openMatch, type Match } from '../core/match.ts';
import { Rng } from '../core/random.ts';
import { sampleLegal } from '../core/legal.ts';
import { playRandom } from '../core/playthrough.ts';
import type { GoldenCase } from '../core/golden.ts';
import type { SeatId } from '../core/types.ts';
import { cases } from './cases.ts';
import { rowsOf } from '../core/rows.ts';
import type { MatchEntry } from '../core/match.ts';
import { doubleAuction, type DoubleAuctionState } from './index.ts';

const EXTRA: GoldenCase[] = [
  {
    name: 'drawn-many-orders',
    config: { buyers: 3, sellers: 3, unitsPerTrader: 4, values: { kind: 'uniform', low: 0, high: 100 }, costs: { kind: 'uniform', low: 0, high: 100 }, maxPrice: 100, tick: 0.25, maxOpenOrdersPerTrader: 3, periods: 3, periodMs: 30_000 },
    seats: 6,
    seed: 1,
  },
  {
    name: 'drawn-improvement-fresh',
    config: { buyers: 2, sellers: 3, unitsPerTrader: 2, values: { kind: 'discrete', values: [30, 60, 90] }, freshValues: true, improvementRule: true, minPrice: 5, maxPrice: 95, tick: 5, periods: 2, periodMs: 20_000 },
    seats: 5,
    seed: 2,
  },
  {
    name: 'drawn-loss-clear',
    config: { buyers: 2, sellers: 2, allowLoss: true, clearBookAfterTrade: true, maxOpenOrdersPerTrader: 2, periods: 2, periodMs: 15_000, revealSchedules: 'never' },
    seats: 4,
    seed: 3,
  },
];

const goldenCases = cases.golden;
const CASES = [...goldenCases, ...EXTRA];

/** Plain JSON only: no undefined, no NaN or infinities, no -0. */
function expectPlainJson(value: unknown, path = '$'): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    expect(Number.isFinite(value), `${path} = ${value}`).toBe(true);
    expect(Object.is(value, -0), `${path} is -0`).toBe(false);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => expectPlainJson(v, `${path}[${i}]`));
    return;
  }
  expect(typeof value, path).toBe('object');
  for (const [k, v] of Object.entries(value as object)) {
    expect(v, `${path}.${k} is undefined`).not.toBeUndefined();
    expectPlainJson(v, `${path}.${k}`);
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function checkState(match: Match): void {
  const s = match.state as unknown as DoubleAuctionState;
  expectPlainJson(s);
  expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  // The book never crosses and stays in price-time order.
  const best = (xs: readonly { price: number; id: number }[], better: (a: number, b: number) => boolean) => {
    for (let k = 1; k < xs.length; k++) {
      const a = xs[k - 1] as { price: number; id: number };
      const b = xs[k] as { price: number; id: number };
      expect(better(a.price, b.price) || (a.price === b.price && a.id < b.id)).toBe(true);
    }
  };
  best(s.bids, (a, b) => a > b);
  best(s.asks, (a, b) => a < b);
  if (s.bids[0] && s.asks[0]) expect(s.bids[0].price).toBeLessThan(s.asks[0].price);
  // Never more open orders than units left.
  s.seats.forEach((_, i) => {
    const open = (i < s.buyers ? s.bids : s.asks).filter((o) => o.trader === i).length;
    expect(open).toBeLessThanOrEqual(Math.min(s.config.maxOpenOrdersPerTrader, (s.schedules[i] as number[]).length - (s.traded[i] as number)));
  });
  for (const seat of s.seats) {
    expectPlainJson(match.view(seat));
    expectPlainJson(match.legal(seat));
  }
  expectPlainJson(match.publicView());
}

const records = new WeakMap<Match, MatchEntry[]>();
function open(c: GoldenCase, seed: number): Match {
  const entries: MatchEntry[] = [];
  const match = openMatch(doubleAuction, { config: c.config, seats: c.seats, seed }, (e) => entries.push(e));
  records.set(match, entries);
  return match;
}

describe('double-auction under random legal play', () => {
  for (const c of CASES) {
    it(`${c.name}: terminates; every state is plain JSON, unmutated, and the market invariants hold`, () => {
      for (let seed = 1; seed <= 6; seed++) {
        const match = open(c, seed * 101 + c.seed);
        deepFreeze(match.state);
        let steps = 0;
        playRandom(match, new Rng(seed), {
          passRate: c.passRate ?? 0.2,
          onStep: () => {
            deepFreeze(match.state);
            if (steps++ % 3 === 0) checkState(match);
          },
        });
        checkState(match);
        const s = match.state as unknown as DoubleAuctionState;
        const rows = rowsOf(records.get(match) ?? []);
        expect(rows).toHaveLength(s.seats.length * s.config.periods);
        const o = match.outcome();
        expectPlainJson(o);
        const bounds = doubleAuction.payoffBounds(s.config, match.header.seats.length);
        let sum = 0;
        for (const seat of s.seats) {
          const p = o.payoffs[seat] as number;
          sum += p;
          expect(p).toBeGreaterThanOrEqual(bounds.min);
          expect(p).toBeLessThanOrEqual(bounds.max);
        }
        expect(sum).toBeCloseTo(o.welfare, 6);
        expect(o.welfare).toBeLessThanOrEqual(o.maxWelfare + 1e-9);
        if (!s.config.allowLoss) {
          for (const r of s.recent) for (const t of r.trades) expect(t.cost <= t.price && t.price <= t.value).toBe(true);
          for (const row of rows) expect(row.payoff).toBeGreaterThanOrEqual(0);
        }
      }
    });

  }

  it('a seat with nothing legal is refused, and a refusal changes nothing', () => {
    const match = open(goldenCases[0] as GoldenCase, 5);
    match.tick(0);
    const rng = new Rng(5);
    for (let k = 0; k < 200 && !match.over; k++) {
      const seat = rng.pick(match.header.seats) as SeatId;
      const action = sampleLegal(match.legal(seat), rng);
      if (action) {
        match.submit(seat, match.state.stateId, action, match.now + 100);
        continue;
      }
      const before = match.hash();
      const r = match.submit(seat, match.state.stateId, { type: 'placeOrder', side: 'bid', price: 50 }, match.now);
      expect(r.ok).toBe(false);
      expect(match.hash()).toBe(before);
    }
  });
});
