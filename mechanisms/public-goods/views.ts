/**
 * What each audience sees. A seat sees its own endowment,
 * contribution, earnings, submission and results, and of the others only what the
 * round reports reveal; spectators see the counts, the stage and the reports.
 * Views share the round reports and the config's terms rather than copying them.
 */
import type { SeatId } from '../core/types.ts';
import { isDrawn, meanEndowment, type PublicGoodsConfig, type Reveal } from './config.ts';
import { earningsThisRound } from './payoffs.ts';
import { MECHANISM_ID, ownRound, type OwnRound, type PointsBySeat, type PublicGoodsState, type RoundReport, type Stage } from './reports.ts';
import { seatIndex } from './seats.ts';

/** What every seat and every spectator knows now. */
export interface MatchStatus {
  readonly mechanism: typeof MECHANISM_ID;
  readonly players: number;
  readonly round: number;
  readonly rounds: number;
  readonly over: boolean;
  readonly stage: Stage | 'over';
  readonly deadline: number | null;
  readonly mpcr: number;
  readonly reveal: Reveal;
  /** Mean endowment (the common one, or the mean of the distribution). */
  readonly endowmentMean: number;
  readonly contributionsIn: number;
  readonly punishmentsIn: number;
  /** This round's contributions as revealed, once the contribution stage has closed (punishment stage). */
  readonly current: RoundReport | null;
}

/** What a player knows now. */
export interface PlayerView extends MatchStatus {
  readonly seat: SeatId;
  readonly contributionStep: number;
  /** 'common': everyone has the same, public endowment; 'private': drawn per seat. */
  readonly endowments: 'common' | 'private';
  /** Your endowment this round. */
  readonly endowment: number;
  readonly myContribution: number | null;
  /** Your earnings this round before punishment, in the punishment stage. */
  readonly myEarnings: number | null;
  /** The points you assigned this round, once submitted. */
  readonly myPunishment: PointsBySeat | null;
  readonly punishment: PunishmentTerms | null;
  readonly history: readonly OwnRound[];
  readonly totalPayoff: number;
}

export interface PunishmentTerms {
  readonly costPerPoint: number;
  readonly effectPerPoint: number;
  readonly maxPointsPerTarget: number;
  readonly maxPointsTotal: number | null;
  readonly pointStep: number;
  readonly revealPunishers: boolean;
}

/** What spectators know now. */
export interface PublicGoodsPublicView extends MatchStatus {
  /** The common endowment; null when endowments are private draws. */
  readonly endowment: number | null;
  readonly history: readonly RoundReport[];
}

function punishmentTerms(config: PublicGoodsConfig): PunishmentTerms | null {
  const p = config.punishment;
  if (!p) return null;
  return {
    costPerPoint: p.costPerPoint,
    effectPerPoint: p.effectPerPoint,
    maxPointsPerTarget: p.maxPointsPerTarget,
    maxPointsTotal: p.maxPointsTotal,
    pointStep: p.pointStep,
    revealPunishers: p.revealPunishers,
  };
}

export function playerView(state: PublicGoodsState, seat: SeatId): PlayerView {
  const { config, seats } = state;
  const i = seatIndex(seats, seat);
  const punishing = !state.over && state.stage === 'punish';
  return {
    mechanism: MECHANISM_ID,
    seat,
    players: seats.length,
    round: state.round,
    rounds: config.rounds,
    over: state.over,
    stage: state.over ? 'over' : state.stage,
    deadline: state.deadline,
    mpcr: config.mpcr,
    reveal: config.reveal,
    contributionStep: config.contributionStep,
    endowments: isDrawn(config.endowment) ? 'private' : 'common',
    endowmentMean: meanEndowment(config),
    endowment: state.endowments[i] as number,
    myContribution: state.contributions[i] ?? null,
    contributionsIn: state.contributionsIn,
    current: state.revealed,
    myEarnings: punishing ? earningsThisRound(state, i) : null,
    myPunishment: punishing ? (state.punishments?.[i] ?? null) : null,
    punishmentsIn: state.punishmentsIn,
    punishment: punishmentTerms(config),
    history: state.recent.map((r) => ownRound(config, seats, r, i)),
    totalPayoff: state.totals[i] as number,
  };
}

export function spectatorView(state: PublicGoodsState): PublicGoodsPublicView {
  const { config } = state;
  return {
    mechanism: MECHANISM_ID,
    players: state.seats.length,
    round: state.round,
    rounds: config.rounds,
    over: state.over,
    stage: state.over ? 'over' : state.stage,
    deadline: state.deadline,
    mpcr: config.mpcr,
    reveal: config.reveal,
    endowment: isDrawn(config.endowment) ? null : config.endowment,
    endowmentMean: meanEndowment(config),
    contributionsIn: state.contributionsIn,
    punishmentsIn: state.punishmentsIn,
    current: state.revealed,
    history: state.recent.map((r) => r.report),
  };
}

/** Where revealed endowments show: the current round's report (punishment stage), past rounds, and the reports in events. */
export const revealedEndowmentFields = (state: PublicGoodsState): readonly string[] =>
  state.config.revealEndowments && isDrawn(state.config.endowment) ? ['current', 'history', 'endowments'] : [];
