/**
 * The matrix game against the textbook: each preset's pure and mixed equilibria, the grim
 * trigger threshold of the prisoner's dilemma (δ ≥ (T − R)/(T − P) = 1/2, Friedman 1971),
 * Axelrod's pairings of tit for tat, always defect and win-stay, lose-shift (Nowak and
 * Sigmund 1993: Pavlov against always defect alternates), the mixed equilibrium's value of
 * matching pennies within sampling error, and the geometric length of a match with a
 * continuation probability; then the engine's own rules (deadlines, reveal, refusals).
 */
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../tests/temp.ts';
import { resolveStudy } from '../../studies/spec.ts';
import { runStudy, type EpisodeResult } from '../../studies/runner.ts';
import { openMatch, type Match } from '../core/match.ts';
import type { SeatId } from '../core/types.ts';
import { matrixGame, type MatrixGameState, type PlayerView } from './index.ts';
import { matrixGameConfigSchema, type MatrixGameConfig } from './config.ts';
import { cooperativeProfiles, expectedRounds, gameOf, grimThreshold, mixed2x2, profileKey, pureNash } from './game.ts';

const configOf = (c: Record<string, unknown>): MatrixGameConfig => matrixGameConfigSchema.parse(c);
const nashOf = (c: Record<string, unknown>) => {
  const game = gameOf(configOf(c));
  return pureNash(game).map((k) => profileKey(game, k));
};
const benchmarks = (c: Record<string, unknown>) => Object.fromEntries(Object.entries(matrixGame.benchmarks(configOf(c), 2)).map(([k, b]) => [k, b.value]));

/** Plays `episodes` episodes of a study of this game with these seat policies; each episode's payoffs and measures. */
function play(config: Record<string, unknown>, seats: { policy: string; params?: Record<string, unknown> }[], episodes = 1, seed = 1): EpisodeResult[] {
  const out: EpisodeResult[] = [];
  runStudy(resolveStudy({ name: 'matrix', mechanism: 'matrix-game', config, seats: seats.map((s) => ({ ...s, count: 1 })), episodes, seed, output: { rounds: false } }), {
    out: `${tempDir('matrix')}/results`,
    exports: false,
    onEpisode: (e) => out.push(e),
  });
  return out;
}

describe('the presets against the textbook', () => {
  it("the prisoner's dilemma: (defect, defect) the only pure equilibrium, (cooperate, cooperate) the cooperative outcome, no mixed one", () => {
    expect(nashOf({})).toEqual(['defect/defect']);
    const game = gameOf(configOf({}));
    expect(cooperativeProfiles(game)).toEqual({ welfare: 6, profiles: [0] });
    expect(mixed2x2(game)).toBeNull();
    expect(benchmarks({})).toMatchObject({ pure_nash_equilibria: 1, nash_welfare_best: 2, cooperative_welfare: 6, mixed_first_action_p0: null });
  });

  it("grim trigger sustains cooperation in the dilemma from δ = (T − R)/(T − P) = (5 − 3)/(5 − 1) = 1/2", () => {
    expect(grimThreshold(gameOf(configOf({})))).toBe(0.5);
    // A dilemma with T 7, R 4, P 2, S 0: (7 − 4)/(7 − 2) = 0.6.
    const table = { actions: [['c', 'd'], ['c', 'd']], payoffs: { 'c/c': [4, 4], 'c/d': [0, 7], 'd/c': [7, 0], 'd/d': [2, 2] } };
    expect(grimThreshold(gameOf(configOf({ game: 'custom', table })))).toBeCloseTo(0.6, 12);
  });

  it('the stag hunt: two pure equilibria, the mixed one at P(stag) = 3/4; cooperation needs no threat', () => {
    expect(nashOf({ game: 'stag-hunt' })).toEqual(['stag/stag', 'hare/hare']);
    expect(mixed2x2(gameOf(configOf({ game: 'stag-hunt' })))).toEqual([0.75, 0.75]);
    expect(benchmarks({ game: 'stag-hunt' })).toMatchObject({ nash_welfare_best: 8, nash_welfare_worst: 6, grim_threshold: 0 });
  });

  it('chicken: the two asymmetric pure equilibria and the mixed one at P(swerve) = 1/2', () => {
    expect(nashOf({ game: 'chicken' })).toEqual(['swerve/straight', 'straight/swerve']);
    expect(mixed2x2(gameOf(configOf({ game: 'chicken' })))).toEqual([0.5, 0.5]);
  });

  it('matching pennies: no pure equilibrium, the mixed one at 1/2 each, whose value 0 the equilibrium players reach within sampling error', () => {
    expect(nashOf({ game: 'matching-pennies' })).toEqual([]);
    expect(mixed2x2(gameOf(configOf({ game: 'matching-pennies' })))).toEqual([0.5, 0.5]);
    const [e] = play({ game: 'matching-pennies', rounds: 20_000 }, [{ policy: 'nash' }, { policy: 'nash' }]);
    const perRound = (e?.payoffs.p0 as number) / 20_000;
    // Each round pays ±1 with probability 1/2: the standard error of the mean is 1/√20000 ≈ 0.0071.
    expect(Math.abs(perRound)).toBeLessThan(4 / Math.sqrt(20_000));
    expect(e?.measures.first_action_share).toBeGreaterThan(0.48);
    expect(e?.measures.first_action_share).toBeLessThan(0.52);
  });
});

describe("Axelrod's pairings over ten rounds of the dilemma", () => {
  const payoffs = (a: string, b: string, params: Record<string, unknown> = {}) => play({ rounds: 10 }, [{ policy: a, params }, { policy: b }])[0]?.payoffs;
  it('tit for tat with itself cooperates throughout (10 × R = 30 each); against always defect it loses only round 1 (S + 9P = 9 against T + 9P = 14)', () => {
    expect(payoffs('tit-for-tat', 'tit-for-tat')).toEqual({ p0: 30, p1: 30 });
    expect(payoffs('tit-for-tat', 'always', {})).toEqual({ p0: 30, p1: 30 });
    expect(play({ rounds: 10 }, [{ policy: 'tit-for-tat' }, { policy: 'always', params: { action: 'defect' } }])[0]?.payoffs).toEqual({ p0: 9, p1: 14 });
  });

  it('grim trigger against always defect: S then P for ever; win-stay, lose-shift against it alternates cooperate and defect (0, 1, 0, 1, ...)', () => {
    expect(play({ rounds: 10 }, [{ policy: 'grim' }, { policy: 'always', params: { action: 'defect' } }])[0]?.payoffs).toEqual({ p0: 9, p1: 14 });
    const [e] = play({ rounds: 10 }, [{ policy: 'win-stay-lose-shift' }, { policy: 'always', params: { action: 'defect' } }]);
    expect(e?.payoffs).toEqual({ p0: 5 * 0 + 5 * 1, p1: 5 * 5 + 5 * 1 });
    expect(e?.measures.first_action_share).toBe(5 / 20);
  });

  it('the equilibrium players defect every round and the myopic best responder defects from round 2 on', () => {
    expect(payoffs('nash', 'nash')).toEqual({ p0: 10, p1: 10 });
    expect(play({ rounds: 10 }, [{ policy: 'best-response' }, { policy: 'always' }])[0]?.payoffs).toEqual({ p0: 50, p1: 0 });
  });

  it('tit for tat reads a defection from its own payoff when only payoffs are revealed', () => {
    expect(play({ rounds: 10, reveal: 'own' }, [{ policy: 'tit-for-tat' }, { policy: 'always', params: { action: 'defect' } }])[0]?.payoffs).toEqual({ p0: 9, p1: 14 });
  });
});

describe('a continuation probability', () => {
  it('makes the length geometric: the mean over 4,000 matches is (1 − δ^R)/(1 − δ) within sampling error', () => {
    const delta = 0.8;
    const results = play({ rounds: 50, continuation: delta }, [{ policy: 'random' }, { policy: 'random' }], 4000, 7);
    const lengths = results.map((e) => e.measures.rounds_played as number);
    const mean = lengths.reduce((a, b) => a + b, 0) / lengths.length;
    const expected = expectedRounds(50, delta);
    // The geometric law's standard deviation is √δ/(1 − δ) ≈ 4.47 rounds.
    expect(Math.abs(mean - expected)).toBeLessThan((4 * Math.sqrt(delta)) / (1 - delta) / Math.sqrt(4000));
    expect(Math.max(...lengths)).toBeLessThanOrEqual(50);
    expect(Math.min(...lengths)).toBe(1);
    expect(matrixGame.progress(matrixGame.setup(configOf({ continuation: 0.5 }), ['p0', 'p1'], { seed: 1 })).rounds).toBeNull();
  });
});

describe('the engine', () => {
  const open = (config: Record<string, unknown>): Match => openMatch(matrixGame, { config, seats: 2, seed: 5 });
  const choose = (m: Match, seat: SeatId, action: string, at = 0) => m.submit(seat, m.state.stateId, { type: 'choose', action }, at);

  it('pays the profile once both have chosen, and shows the others what reveal allows', () => {
    const m = open({ rounds: 2 });
    expect(choose(m, 'p0', 'cooperate').ok).toBe(true);
    expect((m.view('p1') as PlayerView).choicesIn).toBe(1);
    expect(JSON.stringify(m.view('p1'))).not.toContain('"myChoice":"cooperate"');
    expect(choose(m, 'p1', 'defect').ok).toBe(true);
    const v = m.view('p0') as PlayerView;
    expect(v.history[0]).toEqual({ round: 1, action: 'cooperate', payoff: 0, missed: false, actions: { p0: 'cooperate', p1: 'defect' }, payoffs: { p0: 0, p1: 5 } });
    const own = openMatch(matrixGame, { config: { rounds: 2, reveal: 'own' }, seats: 2, seed: 5 });
    own.submit('p0', own.state.stateId, { type: 'choose', action: 'cooperate' }, 0);
    own.submit('p1', own.state.stateId, { type: 'choose', action: 'defect' }, 0);
    expect((own.view('p0') as PlayerView).history[0]).toEqual({ round: 1, action: 'cooperate', payoff: 0, missed: false });
    expect((own.publicView() as { history: unknown[] }).history).toEqual([{ round: 1 }]);
  });

  it("refuses an action not in the seat's list, and a second choice in a round, changing nothing", () => {
    const m = open({});
    const before = JSON.stringify(m.state);
    const bad = choose(m, 'p0', 'betray');
    expect(bad.ok).toBe(false);
    expect(JSON.stringify(m.state)).toBe(before);
    expect(choose(m, 'p0', 'defect').ok).toBe(true);
    const again = choose(m, 'p0', 'cooperate');
    expect(again.ok).toBe(false);
  });

  it('at the deadline a player who has not chosen repeats its last action (round 1: its first), recorded as missed', () => {
    const m = open({ rounds: 3, roundMs: 1000 });
    m.tick(0);
    expect(choose(m, 'p0', 'defect', 10).ok).toBe(true);
    m.tick(1000);
    let s = m.state as unknown as MatrixGameState;
    expect(s.round).toBe(2);
    expect(s.recent[0]?.choices).toEqual([1, 0]);
    expect(s.recent[0]?.missed).toEqual([false, true]);
    expect(choose(m, 'p1', 'defect', 1100).ok).toBe(true);
    m.tick(2000);
    s = m.state as unknown as MatrixGameState;
    // p0 missed round 2 and repeated its defect.
    expect(s.recent[1]?.choices).toEqual([1, 1]);
    expect(m.outcome().measures.missed_share).toBe(2 / 4);
  });

  it('refuses a custom table with a missing profile, a profile of unknown labels or a row of the wrong length, naming each', () => {
    const table = { actions: [['a', 'b'], ['a', 'b']], payoffs: { 'a/a': [1, 1], 'a/b': [1], 'b/a': [1, 1], 'a/c': [0, 0] } };
    const issues = matrixGameConfigSchema.safeParse({ game: 'custom', table }).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues).toEqual(['table.payoffs: unknown key `a/c`; did you mean `a/a`?', 'table.payoffs.a/b: needs 2 payoffs, one per player', 'table.payoffs: missing 1 profile: b/b']);
    expect(matrixGameConfigSchema.safeParse({ game: 'custom' }).error?.issues[0]?.message).toMatch(/needs a table/);
  });
});
