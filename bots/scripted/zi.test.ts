import { describe, expect, it } from 'vitest';
import { openMatch, type Match, type MatchEntry } from '../../mechanisms/core/match.ts';
import { rowsOf } from '../../mechanisms/core/rows.ts';
import { Rng } from '../../mechanisms/core/random.ts';
import type { LegalAction, SeatId } from '../../mechanisms/core/types.ts';
import { doubleAuction, type TraderView } from '../../mechanisms/double-auction/index.ts';
import type { Observation, Policy } from '../policy.ts';
import { drawOrderPrice, ziC, ziU } from './zi.ts';
import { policySupports } from '../registry.ts';

/** A textbook 6×6 schedule: 14 units trade at the competitive equilibrium, between 125 and 130. */
const TEXTBOOK = {
  buyers: [[200, 180, 160], [190, 170, 150], [175, 155, 135], [165, 145, 125], [150, 130, 110], [140, 120, 100]],
  sellers: [[60, 80, 100], [70, 90, 110], [85, 105, 125], [95, 115, 135], [110, 130, 150], [120, 140, 160]],
};

function observe(match: Match, seat: SeatId, now: number): Observation<TraderView> {
  const view = match.view(seat) as TraderView;
  return { mechanism: 'double-auction', seat, stateId: match.state.stateId, view, legal: match.legal(seat), text: doubleAuction.describe(view), now };
}

/** Seats act in a shuffled order each sweep; the clock moves 1 s per order and jumps to the deadline when nobody moves. */
function play(match: Match, policy: Policy, seed: number): { orders: number; rejected: string[] } {
  const rng = new Rng(seed);
  const rejected: string[] = [];
  let clock = 0;
  let orders = 0;
  match.tick(clock);
  while (!match.over) {
    let acted = false;
    for (const seat of rng.shuffle(match.header.seats)) {
      if (match.over) break;
      const obs = observe(match, seat, clock);
      if (obs.legal.length === 0) continue;
      const decision = policy.decide(obs, rng);
      if (!decision) continue;
      clock += 1000;
      // An order sent at the deadline is too late (the period closes first): tick and look again.
      if (match.state.deadline !== null && clock >= match.state.deadline) {
        match.tick(clock);
        acted = true;
        continue;
      }
      orders++;
      const r = match.submit(seat, obs.stateId, decision.action, clock);
      if (r.ok) acted = true;
      else rejected.push(r.code);
    }
    if (!acted && !match.over) {
      clock = Math.max(clock, match.state.deadline as number);
      match.tick(clock);
    }
  }
  return { orders, rejected };
}

const efficiency = (match: Match) => {
  const o = match.outcome();
  return o.welfare / o.maxWelfare;
};

describe('zero-intelligence traders', () => {
  it('ZI-C reaches high efficiency on a textbook schedule, never at a loss and never rejected', () => {
    const effs: number[] = [];
    for (let seed = 1; seed <= 20; seed++) {
      const entries: MatchEntry[] = [];
      const match = openMatch(doubleAuction, { config: { ...TEXTBOOK, periods: 2, periodMs: 300_000 }, seats: 12, seed }, (e) => entries.push(e));
      const { rejected } = play(match, ziC.create({}), seed);
      expect(rejected).toEqual([]);
      for (const row of rowsOf(entries)) expect(row.payoff).toBeGreaterThanOrEqual(0);
      effs.push(efficiency(match));
    }
    const mean = effs.reduce((a, b) => a + b, 0) / effs.length;
    expect(mean).toBeGreaterThan(0.9);
    expect(Math.min(...effs)).toBeGreaterThan(0.85);
  });

  it('ZI-C also trades efficiently under the improvement rule with the book cleared after each trade', () => {
    let sum = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const match = openMatch(doubleAuction, { config: { ...TEXTBOOK, periods: 1, periodMs: 300_000, improvementRule: true, clearBookAfterTrade: true }, seats: 12, seed });
      expect(play(match, ziC.create({}), seed).rejected).toEqual([]);
      sum += efficiency(match);
    }
    expect(sum / 10).toBeGreaterThan(0.9);
  });

  it('ZI-U with losses allowed draws over the whole range: always legal, and it does trade at a loss', () => {
    let belowEveryCost = 0;
    let losses = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const entries: MatchEntry[] = [];
      const match = openMatch(doubleAuction, { config: { ...TEXTBOOK, periods: 1, periodMs: 300_000, allowLoss: true }, seats: 12, seed }, (e) => entries.push(e));
      expect(play(match, ziU.create({}), seed).rejected).toEqual([]);
      for (const row of rowsOf(entries)) {
        if (row.payoff < 0) losses++;
        for (const p of String(row.fields.prices).split('/').filter(Boolean).map(Number)) if (p < 60) belowEveryCost++;
      }
    }
    // Only a trader that ignores its costs sells below the lowest cost in the market.
    expect(belowEveryCost).toBeGreaterThan(0);
    expect(losses).toBeGreaterThan(0);
  });

  it('drawn prices lie on the legal grid, within both ranges, and reach both ends', () => {
    const open: LegalAction = { type: 'placeOrder', params: { side: { kind: 'choice', options: ['bid'] }, price: { kind: 'number', min: 10, max: 20, step: 0.5 } } };
    const rng = new Rng(1);
    const seen = new Set<number>();
    for (let k = 0; k < 2000; k++) {
      const p = drawOrderPrice(open, 12.2, 17, rng) as number;
      expect(p).toBeGreaterThanOrEqual(12.5);
      expect(p).toBeLessThanOrEqual(17);
      expect(Number.isInteger((p - 10) / 0.5)).toBe(true);
      seen.add(p);
    }
    expect(seen.size).toBe(10);
    expect(drawOrderPrice(open, 17.1, 17.4, rng)).toBeNull();
    expect(drawOrderPrice(open, 30, 40, rng)).toBeNull();
  });

  it('returns null when nothing is legal or the constrained range is empty', () => {
    const match = openMatch(doubleAuction, { config: { buyers: [[50], [150]], sellers: [[40]], improvementRule: true, allowLoss: true }, seats: 3, seed: 1 });
    match.submit('p1', 0, { type: 'placeOrder', side: 'bid', price: 100 }, 0);
    // p0 may bid above 100 (losses allowed), but ZI-C will not bid above its value of 50.
    const obs = observe(match, 'p0', 0);
    expect(obs.legal.length).toBe(1);
    expect(ziC.create({}).decide(obs, new Rng(1))).toBeNull();
    expect(ziU.create({}).decide(obs, new Rng(1))?.action).toMatchObject({ type: 'placeOrder', side: 'bid' });
    expect(ziC.create({}).decide({ ...obs, legal: [] }, new Rng(1))).toBeNull();
    expect(ziU.create({}).decide({ ...obs, legal: [] }, new Rng(1))).toBeNull();
  });

  it('plays the double auction (which names it) with no parameters', () => {
    for (const f of [ziU, ziC]) {
      expect(policySupports(f as never, doubleAuction)).toBe(true);
      expect(f.paramsSchema.parse({})).toEqual({});
      expect(() => f.paramsSchema.parse({ x: 1 })).toThrow();
    }
  });
});
