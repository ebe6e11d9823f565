import { describe, expect, it } from 'vitest';
import { publicGoods, type PlayerView } from '../../mechanisms/public-goods/index.ts';
import { firstPrice } from '../../mechanisms/first-price/index.ts';
import { openMatch, type Match, type MatchEntry } from '../../mechanisms/core/match.ts';
import { rowsOf } from '../../mechanisms/core/rows.ts';
import { Rng } from '../../mechanisms/core/random.ts';
import type { Outcome, ParticipantRound, SeatId } from '../../mechanisms/core/types.ts';
import type { Observation, Policy } from '../policy.ts';
import { findPolicy, policySupports } from '../registry.ts';
import { conditionalCooperator, freeRider, fullContributor, punisher } from './public-goods.ts';

const free = () => freeRider.create({});
const full = () => fullContributor.create({});
const cc = (params: Record<string, unknown> = {}) => conditionalCooperator.create(conditionalCooperator.paramsSchema.parse(params));
const pun = (params: Record<string, unknown> = {}) => punisher.create(punisher.paramsSchema.parse(params));

interface Played {
  readonly match: Match;
  readonly outcome: Outcome;
  readonly rows: readonly ParticipantRound[];
  readonly rejections: number;
  readonly views: PlayerView[];
}

/** Plays a match: seats in a shuffled order decide on their own view, the clock moves 10 ms a decision and jumps to deadlines. */
function play(config: Record<string, unknown>, policies: readonly Policy[], seed = 1): Played {
  const entries: MatchEntry[] = [];
  const match = openMatch(publicGoods, { config, seats: policies.length, seed }, (e) => entries.push(e));
  const rng = new Rng(seed);
  const order = policies.map((_, i) => i);
  let now = 0;
  let rejections = 0;
  match.tick(now);
  while (!match.over) {
    let acted = false;
    for (const i of rng.shuffle(order)) {
      if (match.over) break;
      const seat = `p${i}` as SeatId;
      const legal = match.legal(seat);
      if (legal.length === 0) continue;
      const view = match.view(seat) as PlayerView;
      const obs: Observation<PlayerView> = { mechanism: 'public-goods', seat, stateId: match.state.stateId, view, legal, text: publicGoods.describe(view), now };
      const decision = (policies[i] as Policy).decide(obs, rng);
      if (!decision) continue;
      now += 10;
      const result = match.submit(seat, obs.stateId, decision.action, now);
      if (result.ok) acted = true;
      else rejections++;
    }
    if (!acted && !match.over) {
      const deadline = match.state.deadline;
      if (deadline === null) throw new Error('stuck: nobody acted and no deadline is set');
      now = Math.max(now, deadline);
      match.tick(now);
    }
  }
  return { match, outcome: match.outcome(), rows: rowsOf(entries), rejections, views: policies.map((_, i) => match.view(`p${i}` as SeatId) as PlayerView) };
}

const contributions = (p: Played, seat: SeatId): number[] => p.views[Number(seat.slice(1))]?.history.map((r) => r.contribution) ?? [];

describe('public-goods scripted bots', () => {
  it('are registered for public-goods, with strict params and defaults', () => {
    for (const name of ['free-rider', 'full-contributor', 'conditional-cooperator', 'punisher']) {
      const policy = findPolicy(name);
      expect(policy, name).toBeDefined();
      expect(policySupports(policy as never, publicGoods)).toBe(true);
      expect(policySupports(policy as never, firstPrice)).toBe(false);
      expect(policy?.paramsSchema.safeParse({ nonsense: 1 }).success).toBe(false);
    }
    expect(conditionalCooperator.paramsSchema.parse({})).toEqual({ slope: 1, initial: 0.5 });
    expect(punisher.paramsSchema.parse({})).toEqual({ fraction: 1, points: 2 });
  });

  it('a free rider among full contributors earns more than each of them', () => {
    const p = play({ rounds: 5, endowment: 20, mpcr: 0.4 }, [full(), free(), full(), full()]);
    expect(p.rejections).toBe(0);
    expect(contributions(p, 'p1')).toEqual([0, 0, 0, 0, 0]);
    expect(contributions(p, 'p0')).toEqual([20, 20, 20, 20, 20]);
    // Each round: contributors 0.4 x 60 = 24, the free rider 20 + 24 = 44.
    expect(p.outcome.payoffs).toEqual({ p0: 120, p1: 220, p2: 120, p3: 120 });
  });

  it('conditional cooperators start at half and then follow the group, with individual or total reveal', () => {
    for (const reveal of ['individual', 'total'] as const) {
      const high = play({ rounds: 4, reveal }, [cc(), full(), full(), full()]);
      expect(contributions(high, 'p0')).toEqual([10, 20, 20, 20]);
      const low = play({ rounds: 4, reveal }, [cc(), free(), free(), free()]);
      expect(contributions(low, 'p0')).toEqual([10, 0, 0, 0]);
      // Others gave 20, 0 and 10: a mean of 10, half the endowment.
      const mixed = play({ rounds: 3, reveal }, [cc(), full(), free(), cc({ initial: 0.5 })]);
      expect(contributions(mixed, 'p0')).toEqual([10, 10, 10]);
      expect(high.rejections + low.rejections + mixed.rejections).toBe(0);
    }
    const shy = play({ rounds: 3 }, [cc({ slope: 0.5, initial: 0 }), full(), full()]);
    expect(contributions(shy, 'p0')).toEqual([0, 10, 10]);
  });

  it('punishers punish the free rider and not each other; everyone else submits an empty punishment', () => {
    const p = play({ rounds: 3, punishment: { stageMs: 60_000 }, roundMs: 60_000 }, [pun(), pun(), free(), pun()]);
    expect(p.rejections).toBe(0);
    // No deadline was needed: every stage closed because every seat submitted.
    expect(p.rows.some((r) => r.fields.missed || r.fields.missed_punishment)).toBe(false);
    for (const r of p.views[2]?.history ?? []) expect(r.pointsReceived).toBe(6);
    for (const seat of [0, 1, 3]) for (const r of p.views[seat]?.history ?? []) expect(r).toMatchObject({ pointsReceived: 0, pointsGiven: 2, contribution: 20 });
    expect(p.outcome.measures.punishment_points).toBe(18);
    // Each round: punishers 0.4 x 60 - 2 = 22; the free rider 20 + 24 - 18 = 26.
    expect(p.outcome.payoffs).toEqual({ p0: 66, p1: 66, p2: 78, p3: 66 });
  });

  it('punishers stay within the caps and what they can afford', () => {
    const p = play({ rounds: 2, endowment: 10, mpcr: 0.1, punishment: { maxPointsPerTarget: 3, maxPointsTotal: 4 } }, [pun({ points: 5 }), free(), free(), free()]);
    expect(p.rejections).toBe(0);
    // The punisher earns 10 x 0.1 = 1 each round, so it can afford one point.
    for (const r of p.views[0]?.history ?? []) expect(r.pointsGiven).toBe(1);
    const rich = play({ rounds: 1, endowment: 100, punishment: { maxPointsPerTarget: 3, maxPointsTotal: 4 } }, [pun({ points: 5 }), free(), free(), free()]);
    expect(rich.views[0]?.history[0]?.pointsGiven).toBe(4);
  });

  it('always act legally, under grids, private endowments, deadlines and punishment', () => {
    const configs: Record<string, unknown>[] = [
      { rounds: 4, contributionStep: 0.5, endowment: 7.3 },
      { rounds: 4, contributionStep: 0, endowment: { kind: 'uniform', low: 5, high: 25 }, reveal: 'total' },
      { rounds: 4, contributionStep: 3, endowment: { kind: 'uniformInt', low: 0, high: 10 }, revealEndowments: true, roundMs: 1000 },
      { rounds: 4, endowment: { kind: 'discrete', values: [10, 40] }, punishment: { pointStep: 0.5, maxPointsPerTarget: 2.75, costPerPoint: 2 }, roundMs: 500 },
      { rounds: 4, mpcr: 1.5, punishment: { pointStep: 0, maxPointsTotal: 1 } },
    ];
    for (const [k, config] of configs.entries()) {
      for (let seed = 1; seed <= 5; seed++) {
        const p = play(config, [free(), full(), cc(), pun(), cc({ slope: 2, initial: 1 }), pun({ fraction: 0.3, points: 1.3 })], seed + 10 * k);
        expect(p.rejections, JSON.stringify(config)).toBe(0);
        expect(p.match.over).toBe(true);
      }
    }
  });

  it('return null when nothing is legal', () => {
    const match = openMatch(publicGoods, { config: { rounds: 1 }, seats: 2, seed: 1 });
    match.submit('p0', 0, { type: 'contribute', amount: 3 }, 0);
    const view = match.view('p0') as PlayerView;
    const obs: Observation<PlayerView> = { mechanism: 'public-goods', seat: 'p0', stateId: match.state.stateId, view, legal: match.legal('p0'), text: '', now: 0 };
    for (const policy of [free(), full(), cc(), pun()]) expect(policy.decide(obs, new Rng(1))).toBeNull();
  });
});
