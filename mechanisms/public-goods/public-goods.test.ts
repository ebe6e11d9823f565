import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publicGoods, type PlayerView, type PublicGoodsPublicView, type PublicGoodsState } from './index.ts';
import { cases } from './cases.ts';
import { ConfigError, openMatch, type Match, type MatchEntry } from '../core/match.ts';
import { rowsOf } from '../core/rows.ts';
import { Rng } from '../core/random.ts';
import { playRandom } from '../core/playthrough.ts';
import { playGolden } from '../core/golden.ts';
import type { SeatId } from '../core/types.ts';

const goldenCases = cases.golden;
const records = new WeakMap<Match, MatchEntry[]>();
const game = (config: Record<string, unknown>, seats = 4, seed = 1): Match => {
  const entries: MatchEntry[] = [];
  const match = openMatch(publicGoods, { config, seats, seed }, (e) => entries.push(e));
  records.set(match, entries);
  return match;
};
/** The participant rows of the rounds a game() has closed. */
const rows = (match: Match) => rowsOf(records.get(match) ?? []);
const state = (m: Match) => m.state as unknown as PublicGoodsState;
const view = (m: Match, seat: SeatId) => m.view(seat) as PlayerView;
const pub = (m: Match) => m.publicView() as PublicGoodsPublicView;

function contributeAll(match: Match, amounts: readonly (number | null)[], at = 0): void {
  amounts.forEach((amount, i) => {
    if (amount === null) return;
    const r = match.submit(`p${i}` as SeatId, match.state.stateId, { type: 'contribute', amount }, at);
    expect(r.ok, JSON.stringify(r)).toBe(true);
  });
}

function punishAll(match: Match, points: readonly (Record<string, number> | null)[], at = 0): void {
  points.forEach((p, i) => {
    if (p === null) return;
    const r = match.submit(`p${i}` as SeatId, match.state.stateId, { type: 'punish', points: p }, at);
    expect(r.ok, JSON.stringify(r)).toBe(true);
  });
}

describe('public-goods payoffs', () => {
  it('pays endowment - contribution + mpcr x total, summed over rounds', () => {
    const match = game({ rounds: 2, endowment: 20, mpcr: 0.4 });
    contributeAll(match, [0, 10, 20, 10]);
    // Total 40, each gets 0.4 x 40 = 16 from the public account.
    expect(view(match, 'p0').history[0]).toMatchObject({ endowment: 20, contribution: 0, earnings: 36, payoff: 36 });
    expect(view(match, 'p2').history[0]).toMatchObject({ contribution: 20, payoff: 16 });
    contributeAll(match, [20, 20, 20, 20]);
    expect(match.over).toBe(true);
    const o = match.outcome();
    expect(o.payoffs).toEqual({ p0: 36 + 32, p1: 26 + 32, p2: 16 + 32, p3: 26 + 32 });
    expect(o.revenue).toBe(120);
    expect(o.welfare).toBe(104 + 128);
    // n x mpcr = 1.6 > 1: the efficient outcome is everyone contributing everything.
    expect(o.maxWelfare).toBe(256);
    expect(o.measures.contribution_rate).toBe(0.75);
    expect(o.measures.first_round_contribution_rate).toBe(0.5);
    expect(o.measures.final_round_contribution_rate).toBe(1);
    expect(o.measures.zero_contribution_share).toBe(1 / 8);
    expect(o.measures.full_contribution_share).toBe(5 / 8);
    expect(o.measures.punishment_points).toBe(0);
    expect(rows(match)).toHaveLength(8);
    expect(rows(match)[0]).toMatchObject({ round: 1, seat: 'p0', role: 'player', payoff: 36, outside: 20 });
    expect(rows(match)[0]?.fields).toMatchObject({ endowment: 20, contribution: 0, group_total: 40, group_average: 10, punishment_given: 0, punishment_received: 0, missed: false });
    // Only the full contributor in round 1 ends below its endowment.
    expect(rows(match).filter((r) => r.payoff < r.outside).map((r) => `${r.round}${r.seat}`)).toEqual(['1p2']);
    expect(view(match, 'p0').totalPayoff).toBe(68);
  });

  it('keeps float noise out of payoffs', () => {
    const match = game({ rounds: 1, endowment: 10, mpcr: 0.1, contributionStep: 0.1 }, 3);
    contributeAll(match, [0.1, 0.2, 0.7]);
    expect(match.outcome().payoffs).toEqual({ p0: 10, p1: 9.9, p2: 9.4 });
  });

  it('mpcr 0: contributions are lost; maxWelfare is everyone keeping everything', () => {
    const match = game({ rounds: 1, mpcr: 0 }, 2);
    contributeAll(match, [5, 0]);
    const o = match.outcome();
    expect(o.payoffs).toEqual({ p0: 15, p1: 20 });
    expect(o.maxWelfare).toBe(40);
  });

  it('mpcr = 1/n: contributing moves money around but welfare stays put', () => {
    const match = game({ rounds: 1, mpcr: 0.25 }, 4);
    contributeAll(match, [20, 0, 8, 4]);
    const o = match.outcome();
    expect(o.payoffs).toEqual({ p0: 8, p1: 28, p2: 20, p3: 24 });
    expect(o.welfare).toBe(80);
    expect(o.maxWelfare).toBe(80);
  });

  it('mpcr 1: contributing is free for you, and maxWelfare multiplies by n', () => {
    const match = game({ rounds: 1, mpcr: 1 }, 3);
    contributeAll(match, [20, 20, 0]);
    const o = match.outcome();
    expect(o.payoffs).toEqual({ p0: 40, p1: 40, p2: 60 });
    expect(o.maxWelfare).toBe(180);
  });

  it('an all-zero round pays everyone their endowment', () => {
    const match = game({ rounds: 1 }, 3);
    contributeAll(match, [0, 0, 0]);
    const o = match.outcome();
    expect(o.payoffs).toEqual({ p0: 20, p1: 20, p2: 20 });
    expect(o.revenue).toBe(0);
    expect(o.measures.contribution_rate).toBe(0);
    expect(o.measures.zero_contribution_share).toBe(1);
    expect((pub(match).history[0] as { total: number }).total).toBe(0);
  });
});

describe('public-goods contributions and the grid', () => {
  it('integers by default; a step grid; any amount with step 0; never above the endowment', () => {
    const a = game({ rounds: 1 }, 2);
    expect(a.legal('p0')).toEqual([expect.objectContaining({ type: 'contribute', params: { amount: { kind: 'number', min: 0, max: 20, step: 1 } } })]);
    expect(a.submit('p0', 0, { type: 'contribute', amount: 2.5 }, 0)).toMatchObject({ ok: false, code: 'OUT_OF_RANGE' });
    expect(a.submit('p0', 0, { type: 'contribute', amount: 21 }, 0)).toMatchObject({ ok: false, code: 'OUT_OF_RANGE' });
    expect(a.submit('p0', 0, { type: 'contribute', amount: -1 }, 0)).toMatchObject({ ok: false, code: 'OUT_OF_RANGE' });
    expect(a.submit('p0', 0, { type: 'contribute', amount: '3' }, 0)).toMatchObject({ ok: false, code: 'INVALID_ACTION' });
    expect(a.submit('p0', 0, { type: 'contribute', amount: 20 }, 0).ok).toBe(true);
    expect(a.submit('p0', 1, { type: 'contribute', amount: 0 }, 0)).toMatchObject({ ok: false, code: 'NOT_YOUR_TURN' });

    const half = game({ rounds: 1, contributionStep: 0.5 }, 2);
    expect(half.submit('p0', 0, { type: 'contribute', amount: 2.25 }, 0)).toMatchObject({ ok: false, code: 'OUT_OF_RANGE' });
    expect(half.submit('p0', 0, { type: 'contribute', amount: 2.5 }, 0).ok).toBe(true);

    const any = game({ rounds: 1, contributionStep: 0 }, 2);
    expect(any.legal('p0')[0]?.params.amount).toEqual({ kind: 'number', min: 0, max: 20 });
    expect(any.submit('p0', 0, { type: 'contribute', amount: 3.14159 }, 0).ok).toBe(true);
  });

  it('an endowment off the grid caps contributions at the last grid point below it', () => {
    const match = game({ rounds: 1, endowment: 13.7 }, 2);
    expect(match.legal('p0')[0]?.params.amount).toMatchObject({ max: 13 });
    expect(match.submit('p0', 0, { type: 'contribute', amount: 14 }, 0)).toMatchObject({ ok: false, code: 'OUT_OF_RANGE' });
    expect(match.submit('p0', 0, { type: 'contribute', amount: 13 }, 0).ok).toBe(true);
  });

  it('every transition bumps stateId by one; a stage opens at its own stateId', () => {
    const match = game({ rounds: 2, punishment: {} }, 2);
    contributeAll(match, [5, 5]);
    expect(match.state.stateId).toBe(2);
    expect(match.state.phaseId).toBe(2);
    expect(state(match).stage).toBe('punish');
    expect(match.submit('p0', 1, { type: 'punish', points: {} }, 0)).toMatchObject({ ok: false, code: 'STALE_STATE' });
    punishAll(match, [{}, {}]);
    expect(match.state.stateId).toBe(4);
    expect(match.state.phaseId).toBe(4);
    expect(state(match).round).toBe(2);
  });
});

describe('public-goods information policy', () => {
  it("'individual' shows each contribution after the stage, to seats and spectators alike, and nothing before", () => {
    const match = game({ rounds: 2, reveal: 'individual' }, 3);
    contributeAll(match, [4, 9, null]);
    expect(view(match, 'p0')).toMatchObject({ myContribution: 4, contributionsIn: 2, current: null, history: [] });
    expect(JSON.stringify(view(match, 'p0'))).not.toContain('9');
    expect(pub(match)).toMatchObject({ contributionsIn: 2, history: [] });
    contributeAll(match, [null, null, 0]);
    const group = { round: 1, total: 13, average: 13 / 3, contributions: { p0: 4, p1: 9, p2: 0 }, missed: [] };
    expect(view(match, 'p2').history[0]?.group).toEqual(group);
    expect(pub(match).history[0]).toEqual(group);
  });

  it("'total' shows only the group total and average, and each seat its own contribution", () => {
    const match = game({ rounds: 2, reveal: 'total' }, 3);
    contributeAll(match, [4, 9, 2]);
    const group = { round: 1, total: 15, average: 5 };
    expect(pub(match).history[0]).toEqual(group);
    const own = view(match, 'p1').history[0];
    expect(own?.group).toEqual(group);
    expect(own).toMatchObject({ contribution: 9, earnings: 20 - 9 + 6 });
    expect(JSON.stringify(view(match, 'p0'))).not.toMatch(/"p1"|"p2"/);
    expect(JSON.stringify(pub(match))).not.toMatch(/"p\d"/);
  });

  it('private endowments: drawn per seat, shown only to their seat unless the config reveals them', () => {
    const config = { rounds: 2, endowment: { kind: 'uniform', low: 10, high: 1000 } };
    const match = game(config, 4, 7);
    const endowments = match.header.seats.map((s) => view(match, s).endowment);
    expect(new Set(endowments).size).toBe(4);
    for (const e of endowments) expect(e).toBe(Math.round(e * 100) / 100);
    const text = JSON.stringify(view(match, 'p0')) + publicGoods.describe(view(match, 'p0')) + JSON.stringify(match.legal('p0'));
    for (const e of endowments.slice(1)) expect(text).not.toContain(String(e));
    expect(pub(match).endowment).toBeNull();
    const spectators = JSON.stringify(pub(match));
    for (const e of endowments) expect(spectators).not.toContain(String(e));
    contributeAll(match, [1, 1, 1, 1]);
    for (const e of endowments.slice(1)) expect(JSON.stringify(view(match, 'p0'))).not.toContain(String(e));
    expect(publicGoods.revealedFields?.(state(match))).toEqual([]);

    const revealed = game({ ...config, revealEndowments: true }, 4, 7);
    expect(publicGoods.revealedFields?.(state(revealed))).toEqual(['current', 'history', 'endowments']);
    contributeAll(revealed, [1, 1, 1, 1]);
    expect(pub(revealed).history[0]?.endowments).toEqual({ p0: endowments[0], p1: endowments[1], p2: endowments[2], p3: endowments[3] });
  });

  it("a seat's endowment comes from its own stream only; fresh or fixed across rounds", () => {
    const config = { rounds: 3, endowment: { kind: 'uniformInt', low: 0, high: 1_000_000 } };
    const a = openMatch(publicGoods, { config, seats: 3, seed: 5 });
    const b = openMatch(publicGoods, { config, seats: 3, seed: 5, seatOverrides: { 1: 999 } });
    expect(view(b, 'p0').endowment).toBe(view(a, 'p0').endowment);
    expect(view(b, 'p2').endowment).toBe(view(a, 'p2').endowment);
    expect(view(b, 'p1').endowment).not.toBe(view(a, 'p1').endowment);
    const seen = (m: Match) => {
      const values: number[] = [];
      while (!m.over) {
        values.push(view(m, 'p0').endowment);
        contributeAll(m, [0, 0, 0]);
      }
      return values;
    };
    expect(new Set(seen(a)).size).toBe(3);
    expect(new Set(seen(openMatch(publicGoods, { config: { ...config, freshEndowments: false }, seats: 3, seed: 5 }))).size).toBe(1);
  });
});

describe('public-goods punishment stage', () => {
  const punishing = (punishment: Record<string, unknown> = {}, rest: Record<string, unknown> = {}) => game({ rounds: 1, endowment: 20, mpcr: 0.5, punishment, ...rest }, 3);

  it('reveals contributions, then charges punishers and hits targets (1 per point given, 3 per point received)', () => {
    const match = punishing();
    contributeAll(match, [20, 20, 0]);
    // Total 40, share 20: earnings p0 20, p1 20, p2 40.
    expect(view(match, 'p0')).toMatchObject({ stage: 'punish', myEarnings: 20, current: { total: 40, contributions: { p0: 20, p1: 20, p2: 0 } } });
    expect(pub(match)).toMatchObject({ stage: 'punish', current: { total: 40 } });
    const legal = match.legal('p0');
    expect(legal).toEqual([expect.objectContaining({ type: 'punish', params: { points: { kind: 'allocation', keys: ['p1', 'p2'], min: 0, max: 10, step: 1, total: 20 } } })]);
    expect(match.submit('p0', match.state.stateId, { type: 'contribute', amount: 1 }, 0)).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
    punishAll(match, [{ p2: 5 }, { p2: 3, p0: 0 }, {}]);
    expect(match.over).toBe(true);
    const o = match.outcome();
    expect(o.payoffs).toEqual({ p0: 15, p1: 17, p2: 40 - 24 });
    expect(o.welfare).toBe(48);
    expect(o.measures.punishment_points).toBe(8);
    expect(o.measures.punishment_cost).toBe(8);
    expect(o.measures.punishment_loss).toBe(24);
    expect(o.measures.antisocial_punishment_points).toBe(0);
    expect(rows(match).find((r) => r.seat === 'p2')?.fields).toMatchObject({ punishment_received: 8, punishment_loss: 24, punishment_given: 0, earnings: 40 });
    // By default a target learns only the total received.
    const target = view(match, 'p2').history[0];
    expect(target).toMatchObject({ pointsReceived: 8, punishmentLoss: 24, payoff: 16 });
    expect(target).not.toHaveProperty('punishedBy');
    expect(JSON.stringify(pub(match))).not.toContain('"points');
  });

  it('reveals who punished whom to the target when configured', () => {
    const match = punishing({ revealPunishers: true });
    contributeAll(match, [20, 20, 0]);
    punishAll(match, [{ p2: 5 }, { p2: 3 }, { p0: 1 }]);
    expect(view(match, 'p2').history[0]?.punishedBy).toEqual({ p0: 5, p1: 3 });
    expect(view(match, 'p0').history[0]?.punishedBy).toEqual({ p2: 1 });
    expect(view(match, 'p1').history[0]?.punishedBy).toEqual({});
    // p2 (contributed 0) punishing p0 (contributed 20) is antisocial.
    expect(match.outcome().measures.antisocial_punishment_points).toBe(1);
  });

  it('enforces the per-target cap, the total cap, the grid, no self-punishment, and accepts the empty punishment', () => {
    const match = punishing({ maxPointsPerTarget: 4, maxPointsTotal: 6 });
    contributeAll(match, [10, 10, 10]);
    const id = match.state.stateId;
    expect(match.submit('p0', id, { type: 'punish', points: { p1: 5 } }, 0)).toMatchObject({ ok: false, code: 'OUT_OF_RANGE' });
    expect(match.submit('p0', id, { type: 'punish', points: { p1: 4, p2: 4 } }, 0)).toMatchObject({ ok: false, code: 'OUT_OF_RANGE' });
    expect(match.submit('p0', id, { type: 'punish', points: { p1: 1.5 } }, 0)).toMatchObject({ ok: false, code: 'OUT_OF_RANGE' });
    expect(match.submit('p0', id, { type: 'punish', points: { p1: -1 } }, 0)).toMatchObject({ ok: false, code: 'OUT_OF_RANGE' });
    expect(match.submit('p0', id, { type: 'punish', points: { p0: 1 } }, 0)).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
    expect(match.submit('p0', id, { type: 'punish', points: { p7: 1 } }, 0)).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
    expect(match.submit('p0', id, { type: 'punish', points: 3 }, 0)).toMatchObject({ ok: false, code: 'INVALID_ACTION' });
    expect(match.state.stateId).toBe(id);
    expect(match.submit('p0', id, { type: 'punish', points: { p1: 4, p2: 2 } }, 0).ok).toBe(true);
    expect(match.submit('p0', id, { type: 'punish', points: {} }, 0)).toMatchObject({ ok: false, code: 'NOT_YOUR_TURN' });
    expect(match.submit('p1', id, { type: 'punish', points: {} }, 0).ok).toBe(true);
    expect(view(match, 'p1').myPunishment).toEqual({});
    expect(match.submit('p2', id, { type: 'punish', points: {} }, 0).ok).toBe(true);
    expect(match.outcome().payoffs).toEqual({ p0: 25 - 6, p1: 25 - 12, p2: 25 - 6 });
  });

  it('caps spending at the round earnings, and received punishment can make a payoff negative within bounds', () => {
    const match = game({ rounds: 1, endowment: 10, mpcr: 0.1, punishment: { maxPointsPerTarget: 10, effectPerPoint: 3 } }, 3);
    contributeAll(match, [10, 0, 0]);
    // p0 earns 0.1 x 10 = 1 and may assign 1 point; p1 and p2 earn 11 and may assign 11.
    expect(match.legal('p0')[0]?.params.points).toMatchObject({ total: 1 });
    expect(match.legal('p1')[0]?.params.points).toMatchObject({ total: 11 });
    expect(match.submit('p0', match.state.stateId, { type: 'punish', points: { p1: 2 } }, 0)).toMatchObject({ ok: false, code: 'OUT_OF_RANGE' });
    punishAll(match, [{ p1: 1 }, { p0: 10 }, { p0: 1 }]);
    const o = match.outcome();
    expect(o.payoffs).toEqual({ p0: 1 - 1 - 33, p1: 11 - 10 - 3, p2: 11 - 1 });
    const bounds = publicGoods.payoffBounds(match.header.config as never, match.header.seats.length);
    for (const p of Object.values(o.payoffs)) {
      expect(p).toBeGreaterThanOrEqual(bounds.min);
      expect(p).toBeLessThanOrEqual(bounds.max);
    }
    expect(bounds.min).toBeLessThan(-33);
  });

  it('free punishment is bounded only by the caps; a fractional point grid works', () => {
    const match = game({ rounds: 1, punishment: { costPerPoint: 0, pointStep: 0.5, maxPointsPerTarget: 2.5 } }, 3);
    contributeAll(match, [0, 0, 0]);
    expect(match.legal('p0')[0]?.params.points).toMatchObject({ max: 2.5, step: 0.5, total: 5 });
    punishAll(match, [{ p1: 2.5, p2: 0.5 }, {}, {}]);
    expect(match.outcome().payoffs).toEqual({ p0: 20, p1: 20 - 7.5, p2: 20 - 1.5 });
  });
});

describe('public-goods deadlines', () => {
  it('a missed contribution deadline counts as 0 and is recorded as missed', () => {
    const match = game({ rounds: 2, roundMs: 1000 }, 3);
    expect(match.state.deadline).toBeNull();
    match.tick(0);
    expect(match.state.deadline).toBe(1000);
    expect(match.state.stateId).toBe(1);
    contributeAll(match, [10, null, null], 500);
    match.tick(999);
    expect(state(match).round).toBe(1);
    match.tick(1000);
    expect(state(match).round).toBe(2);
    expect(match.state.deadline).toBe(2000);
    expect(pub(match).history[0]).toEqual({ round: 1, total: 10, average: 10 / 3, contributions: { p0: 10, p1: 0, p2: 0 }, missed: ['p1', 'p2'] });
    expect(view(match, 'p1').history[0]).toMatchObject({ missed: true, contribution: 0, payoff: 24 });
    // Nobody contributes in round 2: an all-zero round.
    match.tick(5000);
    expect(match.over).toBe(true);
    const o = match.outcome();
    expect(rows(match).filter((r) => r.fields.missed).length).toBe(5);
    expect(o.measures.missed_deadline_share).toBe(5 / 6);
    expect(o.payoffs).toEqual({ p0: 14 + 20, p1: 24 + 20, p2: 24 + 20 });
  });

  it('an action after the deadline is stale: the stage has closed', () => {
    const match = game({ rounds: 2, roundMs: 1000 }, 2);
    match.tick(0);
    const stale = match.state.stateId;
    expect(match.submit('p0', stale, { type: 'contribute', amount: 5 }, 1200)).toMatchObject({ ok: false, code: 'STALE_STATE' });
    expect(state(match).round).toBe(2);
  });

  it('the punishment stage closes at its own deadline; a seat that did not submit assigns nothing', () => {
    const match = game({ rounds: 1, roundMs: 1000, punishment: { stageMs: 500 } }, 3);
    match.tick(0);
    contributeAll(match, [20, 20, null], 100);
    match.tick(1000);
    expect(state(match).stage).toBe('punish');
    expect(match.state.deadline).toBe(1500);
    expect(view(match, 'p2').current?.missed).toEqual(['p2']);
    punishAll(match, [{ p2: 2 }, null, null], 1200);
    match.tick(1500);
    expect(match.over).toBe(true);
    const o = match.outcome();
    // mpcr 0.4 x 40 = 16 each.
    expect(o.payoffs).toEqual({ p0: 16 - 2, p1: 16, p2: 36 - 6 });
    expect(rows(match).map((r) => r.fields.missed_punishment)).toEqual([false, true, true]);
  });

  it('without roundMs but with stageMs, only the punishment stage is timed', () => {
    const match = game({ rounds: 1, punishment: { stageMs: 300 } }, 2);
    match.tick(0);
    expect(match.state.deadline).toBeNull();
    contributeAll(match, [1, 2], 50);
    expect(match.state.deadline).toBe(350);
    match.tick(350);
    expect(match.over).toBe(true);
  });
});

describe('public-goods config', () => {
  it('punishment requires individual reveal, with a message naming the field', () => {
    let error: unknown;
    try {
      game({ reveal: 'total', punishment: {} });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([{ path: 'punishment', message: expect.stringContaining("reveal: 'individual'") }]);
    expect(() => game({ reveal: 'total', punishment: null })).not.toThrow();
  });

  it('rejects bad values and unknown fields, naming them', () => {
    expect(() => game({ mpcr: -0.1 })).toThrow(/mpcr/);
    expect(() => game({ rounds: 0 })).toThrow(/rounds/);
    expect(() => game({ endowment: -5 })).toThrow(/endowment/);
    expect(() => game({ endowment: { kind: 'uniform', low: 10, high: 5 } })).toThrow(/endowment/);
    expect(() => game({ punishment: { costPerPoint: -1 } })).toThrow(/punishment\.costPerPoint/);
    expect(() => game({ punishment: { cost: 1 } })).toThrow(/punishment/);
    expect(() => game({ mcpr: 0.4 })).toThrow(/mcpr/);
    expect(() => game({}, 1)).toThrow(/seats/);
  });

  it('fills defaults: 10 rounds, endowment 20, mpcr 0.4, integer steps, individual reveal, no punishment', () => {
    const config = publicGoods.configSchema.parse({});
    expect(config).toMatchObject({ rounds: 10, endowment: 20, mpcr: 0.4, contributionStep: 1, reveal: 'individual', roundMs: null, punishment: null });
    expect(publicGoods.configSchema.parse({ punishment: {} }).punishment).toEqual({
      costPerPoint: 1,
      effectPerPoint: 3,
      maxPointsPerTarget: 10,
      maxPointsTotal: null,
      pointStep: 1,
      stageMs: null,
      revealPunishers: false,
    });
    expect(publicGoods.seats(config)).toMatchObject({ min: 2, max: 1000 });
    expect(publicGoods.seats(config).roles(3)).toEqual(['player', 'player', 'player']);
  });

  it('states the rules of each variant in words', () => {
    const plain = publicGoods.rules(publicGoods.configSchema.parse({}));
    expect(plain).toContain('0.4');
    expect(plain).toContain("each player's contribution");
    const full = publicGoods.rules(publicGoods.configSchema.parse({ endowment: { kind: 'uniformInt', low: 5, high: 15 }, roundMs: 30_000, punishment: { stageMs: 20_000 } }));
    expect(full).toMatch(/punishment stage/);
    expect(full).toMatch(/Only you know your endowment/);
    expect(full).toMatch(/30 seconds/);
    expect(publicGoods.rules(publicGoods.configSchema.parse({ reveal: 'total' }))).toMatch(/only the total/);
  });

  it('describes a view in words', () => {
    const match = game({ rounds: 2, punishment: {} }, 2);
    expect(publicGoods.describe(view(match, 'p0'))).toMatch(/endowment this round is 20/);
    contributeAll(match, [20, 0]);
    const text = publicGoods.describe(view(match, 'p0'));
    expect(text).toMatch(/p1: 0/);
    expect(text).toMatch(/Punishment stage/);
    punishAll(match, [{ p1: 2 }, {}]);
    expect(publicGoods.describe(view(match, 'p1'))).toMatch(/received 2 points/);
  });
});

describe('public-goods conformance, locally', () => {
  it('random legal play ends on every golden case and every state survives JSON unchanged', () => {
    for (const c of goldenCases) {
      for (let seed = 0; seed < 15; seed++) {
        const match = openMatch(publicGoods, { config: c.config, seats: c.seats, seed: c.seed + seed });
        const check = () => expect(JSON.parse(JSON.stringify(match.state))).toStrictEqual(match.state);
        playRandom(match, new Rng(seed), { passRate: c.passRate ?? 0.2, onStep: check });
        check();
        expect(match.over).toBe(true);
        const o = match.outcome();
        expect(JSON.parse(JSON.stringify(o))).toStrictEqual(o);
        expect(o.welfare).toBeLessThanOrEqual(o.maxWelfare + 1e-9);
        const bounds = publicGoods.payoffBounds(match.header.config as never, match.header.seats.length);
        for (const p of Object.values(o.payoffs)) expect(p >= bounds.min && p <= bounds.max).toBe(true);
        for (const seat of match.header.seats) expect(JSON.parse(JSON.stringify(match.view(seat)))).toStrictEqual(match.view(seat));
      }
    }
  });

  it('golden playthroughs are deterministic', () => {
    for (const c of goldenCases) expect(playGolden(publicGoods, c)).toEqual(playGolden(publicGoods, c));
  });

  it('no clock and no Math.random under mechanisms/public-goods', () => {
    const dir = import.meta.dirname;
    const files = readdirSync(dir).map((f) => join(dir, f)).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    for (const f of files) expect(readFileSync(f, 'utf8')).not.toMatch(/Math\.random|Date\.now|setTimeout|setInterval|performance\.now/);
  });
});
