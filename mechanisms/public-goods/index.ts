/**
 * public-goods@1 — the linear public goods game (voluntary contribution mechanism),
 * with an optional Fehr–Gächter punishment stage.
 *
 * Rules: n players (2 to 1000) play `rounds` rounds. Each round every player holds an
 * endowment E_i and contributes c_i in [0, E_i] (multiples of `contributionStep`; 0 =
 * any amount) to a public account. Round earnings: E_i - c_i + mpcr * sum_j c_j. The
 * contribution stage closes when everyone has contributed, or at its deadline
 * (`roundMs`, null = no deadline), where a seat that has not contributed contributes 0
 * and is recorded as having missed it. With `punishment` set, a punishment stage
 * follows: each player assigns points to other players (allocation over the other
 * seats, each within [0, maxPointsPerTarget] on the `pointStep` grid, in all at most
 * maxPointsTotal and at most what the player can pay out of this round's earnings;
 * `{}` punishes nobody, yourself never). Each point costs the punisher costPerPoint
 * and takes effectPerPoint from the target; the stage closes when everyone has
 * submitted or at its deadline (`stageMs`), where a missing seat assigns nothing.
 * Round payoff = earnings - cost of points given - effect of points received; it may
 * be negative (through punishment received only). The match payoff is the sum over rounds.
 *
 * Parameters: rounds, endowment (a number: common and public; a distribution: drawn
 * per seat from that seat's own stream, private; `freshEndowments` redraws each round,
 * `revealEndowments` shows them with the contributions), mpcr, contributionStep,
 * reveal ('individual' | 'total'), roundMs, punishment (null or { costPerPoint,
 * effectPerPoint, maxPointsPerTarget, maxPointsTotal, pointStep, stageMs,
 * revealPunishers }; requires reveal 'individual'), communication.
 *
 * Seats see: their own endowment, their own contribution, how many have contributed,
 * the stage, the deadline; when a contribution stage closes, what `reveal` says (each
 * seat's contribution, or only the total and average); in the punishment stage their
 * earnings and their own submission; after each round their own result: earnings,
 * points given and their cost, points received (in total, or by punisher with
 * `revealPunishers`) and their effect, payoff. Never another seat's endowment (unless
 * revealed), earnings or payoff, nor who punished whom.
 * Spectators see: the counts of submissions, the stage, the deadline, and the same
 * revealed contributions; nothing about punishment and no private endowment.
 *
 * Outcome: revenue = all contributions into the public account over the match;
 * welfare = the sum of payoffs; maxWelfare = everyone contributing everything and
 * nobody punishing when n * mpcr > 1, else everyone keeping everything. `outside`
 * of a row is the seat's endowment that round (keeping everything, unpunished).
 */
import type { Benchmark, Mechanism } from '../core/types.ts';
import { MAX_PLAYERS, publicGoodsActionSchema, publicGoodsConfigSchema, type PublicGoodsAction, type PublicGoodsConfig } from './config.ts';
import { describeView } from './describe.ts';
import { legalActions } from './legal.ts';
import { PUBLIC_GOODS_MEASURES, matchOutcome } from './outcome.ts';
import { payoffBounds } from './payoffs.ts';
import { MECHANISM_ID, type PublicGoodsState } from './reports.ts';
import { publicGoodsRules } from './rules.ts';
import { advanceTo, firstRound } from './stages.ts';
import { contribute, punish } from './submissions.ts';
import { playerView, revealedEndowmentFields, spectatorView, type PlayerView, type PublicGoodsPublicView } from './views.ts';
import { isDrawn } from './config.ts';
import { support } from '../core/policy.ts';
import { PUBLIC_GOODS_ROUND_FIELDS } from './tables.ts';

export type { PublicGoodsConfig, PublicGoodsAction } from './config.ts';
export type { OwnRound, PublicGoodsState, RoundRecord, RoundReport } from './reports.ts';
export type { PlayerView, PublicGoodsPublicView, PunishmentTerms } from './views.ts';

export const publicGoods: Mechanism<PublicGoodsConfig, PublicGoodsState, PublicGoodsAction, PlayerView, PublicGoodsPublicView> = {
  id: MECHANISM_ID,
  version: 1,
  title: 'Public goods game',
  traits: { timing: 'simultaneous', utility: 'general', chance: true, private: ['its endowment, when endowments are drawn'] },
  rules: publicGoodsRules,
  configSchema: publicGoodsConfigSchema,
  actionSchema: publicGoodsActionSchema,
  measures: PUBLIC_GOODS_MEASURES,
  roundFields: PUBLIC_GOODS_ROUND_FIELDS,
  policies: ['free-rider', 'full-contributor', 'conditional-cooperator', 'punisher'],
  seats: () => ({ min: 2, max: MAX_PLAYERS, roles: (n) => new Array<string>(n).fill('player') }),
  setup: firstRound,
  legal: legalActions,
  apply: (state, seat, action, at) => (action.type === 'contribute' ? contribute(state, seat, action.amount, at) : punish(state, seat, action.points, at)),
  advance: advanceTo,
  view: playerView,
  publicView: spectatorView,
  describe: describeView,
  outcome: matchOutcome,
  payoffBounds,
  revealedFields: revealedEndowmentFields,

  progress(state) {
    return { round: state.round, rounds: state.config.rounds, unit: 'round', phase: state.over ? 'over' : state.stage === 'contribute' ? 'contribution' : 'punishment' };
  },

  benchmarks(config, seats): Record<string, Benchmark> {
    // A common endowment, or the mean of a drawn one: the benchmarks of one seat over the match.
    const e = isDrawn(config.endowment) ? (support(config.endowment).low + support(config.endowment).high) / 2 : config.endowment;
    const rounds = config.rounds;
    const of = (value: number, definition: string): Benchmark => ({ value, unit: 'money', definition, audience: 'public' });
    return {
      zero_contribution_payoff: of(e * rounds, "each player's payoff over the match when nobody contributes (the Nash equilibrium when mpcr < 1)"),
      full_contribution_payoff: of(config.mpcr * seats * e * rounds, "each player's payoff over the match when everyone contributes everything"),
      free_rider_payoff: of((e + config.mpcr * (seats - 1) * e) * rounds, 'the payoff over the match of one player who contributes nothing while all others contribute everything'),
    };
  },

  oneRound(config) {
    return { ...config, rounds: 1 };
  },
};

export default publicGoods;
