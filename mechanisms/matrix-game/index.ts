/**
 * matrix-game@1 — a repeated normal-form game from a payoff table: the prisoner's dilemma,
 * the stag hunt, chicken and matching pennies as presets, or any table of 2 to 6 players
 * with 2 to 8 actions each.
 *
 * Rules: every round each player chooses an action, all at once; each is paid its entry of
 * the profile's payoffs. The match lasts `rounds` rounds, or, with `continuation` δ, goes on
 * after each round with probability δ (drawn from the shared stream) up to `rounds`. A round
 * closes when everyone has chosen or at its deadline (`roundMs`), where a player who has not
 * chosen repeats last round's action (round 1: its first) and is recorded as having missed.
 *
 * Parameters: game (a preset name or { actions, payoffs }), rounds, continuation, reveal
 * ('actions': everyone's action and payoff after each round; 'own': only one's own payoff),
 * roundMs, recall, communication. The game is common knowledge.
 *
 * Seats see: the game, the round, how many have chosen, their own choice, their own results,
 * and what `reveal` shows. Spectators see the counts and what `reveal` shows.
 *
 * Benchmarks, per round: the number of pure Nash equilibria, the total payoff at the best
 * and the worst of them, the cooperative (greatest) total payoff, the completely mixed
 * equilibrium of a 2×2 game (each player's probability of its first action), the smallest
 * continuation probability at which grim trigger sustains the cooperative profile, and the
 * expected number of rounds. Outcome: welfare = the sum of payoffs; maxWelfare = rounds
 * played × the cooperative total; revenue 0 (nothing is collected).
 */
import type { Benchmark, MeasureSpec, Mechanism } from '../core/types.ts';
import { MAX_PLAYERS, matrixGameActionSchema, matrixGameConfigSchema, type MatrixGameAction, type MatrixGameConfig } from './config.ts';
import { expectedRounds, gameOf, grimThreshold, mixed2x2, pureNash, welfareAt } from './game.ts';
import { advanceTo, choose, factsOf, firstRound, MECHANISM_ID, type MatrixGameState } from './play.ts';
import { describeView, matrixGameRules, playerView, spectatorView, type MatrixGamePublicView, type PlayerView } from './views.ts';
import { MATRIX_GAME_ROUND_FIELDS } from './tables.ts';

export type { MatrixGameConfig, MatrixGameAction, GameTable } from './config.ts';
export type { MatrixGameState, OwnRound, PublicRound, RoundRecord } from './play.ts';
export type { PlayerView, MatrixGamePublicView } from './views.ts';

export const MATRIX_GAME_MEASURES: readonly MeasureSpec[] = [
  { name: 'first_action_share', unit: 'share', definition: "choices of a player's first action (cooperate, stag, swerve, heads in the presets) among all choices" },
  { name: 'cooperative_share', unit: 'share', definition: 'rounds whose profile has the greatest total payoff (the cooperative outcome)' },
  { name: 'nash_share', unit: 'share', definition: 'rounds whose profile is a pure Nash equilibrium of the stage game' },
  { name: 'mean_payoff', unit: 'money per player-round', definition: 'payoffs over players and rounds, averaged' },
  { name: 'rounds_played', unit: 'rounds', definition: 'rounds the match lasted' },
  { name: 'missed_share', unit: 'share', definition: 'player-rounds in which the deadline passed before the player chose' },
];

export const matrixGame: Mechanism<MatrixGameConfig, MatrixGameState, MatrixGameAction, PlayerView, MatrixGamePublicView> = {
  id: MECHANISM_ID,
  version: 1,
  title: 'Matrix game',
  traits: { timing: 'simultaneous', utility: 'general', chance: false, private: [] },
  rules: matrixGameRules,
  configSchema: matrixGameConfigSchema,
  actionSchema: matrixGameActionSchema,
  measures: MATRIX_GAME_MEASURES,
  roundFields: MATRIX_GAME_ROUND_FIELDS,
  policies: ['always', 'tit-for-tat', 'grim', 'win-stay-lose-shift', 'nash', 'best-response'],
  baseline: { policy: 'nash' },
  seats: (config) => {
    const n = gameOf(config).players;
    return { min: n, max: Math.min(n, MAX_PLAYERS), roles: (k) => new Array<string>(k).fill('player') };
  },
  setup: firstRound,
  legal(state, seat) {
    if (state.over) return [];
    const i = state.seats.indexOf(seat);
    if (i < 0 || state.choices[i] !== null) return [];
    return legalOf(state.config, i);
  },
  apply: (state, seat, action, at) => choose(state, seat, action.action, at),
  advance: advanceTo,
  view: playerView,
  publicView: spectatorView,
  describe: describeView,

  progress(state) {
    return { round: state.round, rounds: state.config.continuation === null ? state.config.rounds : null, unit: 'round', phase: state.over ? 'over' : 'choosing' };
  },

  outcome(state) {
    const t = state.tally;
    const n = state.seats.length;
    const payoffs = Object.fromEntries(state.seats.map((s, i) => [s, state.totals[i] as number]));
    const choices = t.rounds * n;
    return {
      payoffs,
      revenue: 0,
      welfare: t.welfare,
      maxWelfare: t.rounds * factsOf(gameOf(state.config)).welfare,
      measures: {
        first_action_share: choices ? t.first / choices : null,
        cooperative_share: t.rounds ? t.cooperative / t.rounds : null,
        nash_share: t.rounds ? t.nash / t.rounds : null,
        mean_payoff: choices ? t.welfare / choices : null,
        rounds_played: t.rounds,
        missed_share: choices ? t.missed / choices : null,
      },
    };
  },

  benchmarks(config): Record<string, Benchmark> {
    const game = gameOf(config);
    const nash = pureNash(game).map((k) => welfareAt(game, k));
    const mixed = mixed2x2(game);
    const of = (value: number | null, unit: string, definition: string): Benchmark => ({ value, unit, definition, audience: 'public' });
    return {
      pure_nash_equilibria: of(nash.length, 'profiles', 'pure-strategy Nash equilibria of the stage game'),
      nash_welfare_best: of(nash.length ? Math.max(...nash) : null, 'money per round', 'total payoff per round at the best pure Nash equilibrium (none: no pure equilibrium)'),
      nash_welfare_worst: of(nash.length ? Math.min(...nash) : null, 'money per round', 'total payoff per round at the worst pure Nash equilibrium'),
      cooperative_welfare: of(factsOf(game).welfare, 'money per round', 'the greatest total payoff of any profile: the cooperative outcome'),
      mixed_first_action_p0: of(mixed?.[0] ?? null, 'probability', "a 2×2 game's completely mixed equilibrium: player 1's probability of its first action (none: not 2×2, or no such equilibrium)"),
      mixed_first_action_p1: of(mixed?.[1] ?? null, 'probability', "the same equilibrium: player 2's probability of its first action"),
      grim_threshold: of(grimThreshold(game), 'probability', 'the smallest continuation probability at which grim trigger (revert for ever to the worst pure equilibrium) sustains the cooperative profile: max over players of (deviation − cooperation)/(deviation − reversion); 0 when cooperation is itself an equilibrium'),
      expected_rounds: of(expectedRounds(config.rounds, config.continuation), 'rounds', 'expected length of a match: rounds, or (1 − δ^rounds)/(1 − δ) with continuation δ'),
    };
  },

  payoffBounds(config) {
    const game = gameOf(config);
    return { min: Math.min(game.min, game.min * config.rounds), max: Math.max(game.max, game.max * config.rounds) };
  },

  oneRound(config) {
    return { ...config, rounds: 1, continuation: null };
  },
};

/** The one action open to player i while it has not chosen: its labels (shared per config). */
const legalCache = new WeakMap<MatrixGameConfig, ReturnType<Mechanism['legal']>[]>();
function legalOf(config: MatrixGameConfig, i: number): ReturnType<Mechanism['legal']> {
  let byPlayer = legalCache.get(config);
  if (!byPlayer) {
    const game = gameOf(config);
    byPlayer = game.actions.map((labels) => [{ type: 'choose', params: { action: { kind: 'choice', options: labels } }, hint: `choose one of ${labels.join(', ')}` }]);
    legalCache.set(config, byPlayer);
  }
  return byPlayer[i] ?? [];
}

export default matrixGame;
