/**
 * The state of a public goods game, a closed round, and what each audience may see
 * of it. A round's public report is built once, when its contributions are revealed,
 * and kept in the state, so that every later view shares it instead of rebuilding it.
 */
import type { BaseState, SeatId } from '../core/types.ts';
import type { RngState } from '../core/random.ts';
import { isDrawn, type PublicGoodsConfig } from './config.ts';
import { contributedTotal, punishmentCost, punishmentLoss } from './payoffs.ts';

export const MECHANISM_ID = 'public-goods';

export type Stage = 'contribute' | 'punish';

/** Points one punisher assigned, by target; null: did not submit before the deadline. */
export type PointsBySeat = Readonly<Record<SeatId, number>>;

export interface PunishmentRecord {
  readonly points: readonly (PointsBySeat | null)[];
  /** Points each seat assigned in all. */
  readonly given: readonly number[];
  /** Points each seat received in all. */
  readonly received: readonly number[];
}

/** One closed round; arrays are by seat index. */
export interface RoundRecord {
  readonly round: number;
  /** What everyone was told of this round's contributions. */
  readonly report: RoundReport;
  readonly endowments: readonly number[];
  /** null: the seat missed the deadline and contributed 0. */
  readonly contributions: readonly (number | null)[];
  readonly total: number;
  /** null: no punishment stage under this config. */
  readonly punishment: PunishmentRecord | null;
  /** Earnings after the contribution stage: endowment - contribution + mpcr * total. */
  readonly earnings: readonly number[];
  readonly payoffs: readonly number[];
}

/** Sums over the closed rounds: what the outcome and the measures are made of. */
export interface PublicGoodsTally {
  readonly rounds: number;
  readonly revenue: number;
  readonly welfare: number;
  readonly maxWelfare: number;
  readonly endowed: number;
  readonly zero: number;
  readonly full: number;
  readonly missed: number;
  readonly points: number;
  readonly antisocial: number;
  readonly cost: number;
  readonly loss: number;
  /** Contribution rates of the first and the latest closed round. */
  readonly firstRate: number;
  readonly lastRate: number;
}

export const EMPTY_TALLY: PublicGoodsTally = { rounds: 0, revenue: 0, welfare: 0, maxWelfare: 0, endowed: 0, zero: 0, full: 0, missed: 0, points: 0, antisocial: 0, cost: 0, loss: 0, firstRate: 0, lastRate: 0 };

export interface PublicGoodsState extends BaseState {
  readonly config: PublicGoodsConfig;
  readonly seats: readonly SeatId[];
  readonly round: number;
  readonly stage: Stage;
  /** This round's endowments by seat index (private when drawn). */
  readonly endowments: readonly number[];
  /** This round's contributions by seat index; null: not yet (or missed). */
  readonly contributions: readonly (number | null)[];
  readonly contributionsIn: number;
  /** This round's report once its contribution stage has closed (the punishment stage); null before. */
  readonly revealed: RoundReport | null;
  /** Punishments submitted this round, by seat index; null outside the punishment stage. */
  readonly punishments: readonly (PointsBySeat | null)[] | null;
  readonly punishmentsIn: number;
  /** The last `recall` closed rounds (the record has every one, as round_record events). */
  readonly recent: readonly RoundRecord[];
  readonly tally: PublicGoodsTally;
  /** Each seat's payoff summed over closed rounds. */
  readonly totals: readonly number[];
  /** Per-seat streams for fresh endowment draws; empty when nothing is drawn after setup. */
  readonly rng: readonly RngState[];
}

/** A round's contributions as everyone may see them under the information policy. */
export interface RoundReport {
  readonly round: number;
  readonly total: number;
  /** Mean contribution per player. */
  readonly average: number;
  /** reveal 'individual': each seat's contribution (0 for a missed deadline). */
  readonly contributions?: Readonly<Record<SeatId, number>>;
  /** reveal 'individual': the seats that missed the deadline. */
  readonly missed?: readonly SeatId[];
  /** revealEndowments with drawn endowments: every seat's endowment this round. */
  readonly endowments?: Readonly<Record<SeatId, number>>;
}

/** One closed round as one seat sees it: the public report plus its own result. */
export interface OwnRound {
  readonly round: number;
  readonly group: RoundReport;
  readonly endowment: number;
  readonly contribution: number;
  readonly missed: boolean;
  /** endowment - contribution + mpcr * total. */
  readonly earnings: number;
  readonly pointsGiven: number;
  readonly punishmentCost: number;
  readonly pointsReceived: number;
  readonly punishmentLoss: number;
  /** Only when the config reveals punishers: who assigned you points, and how many. */
  readonly punishedBy?: Readonly<Record<SeatId, number>>;
  readonly payoff: number;
}

/** The public report of a closed contribution stage. */
export function makeReport(config: PublicGoodsConfig, seats: readonly SeatId[], round: number, contributions: readonly (number | null)[], endowments: readonly number[]): RoundReport {
  const total = contributedTotal(contributions);
  const report: { -readonly [K in keyof RoundReport]: RoundReport[K] } = { round, total, average: total / seats.length };
  if (config.reveal === 'individual') {
    const bySeat: Record<SeatId, number> = {};
    const missed: SeatId[] = [];
    for (let i = 0; i < seats.length; i++) {
      const s = seats[i] as SeatId;
      const c = contributions[i] ?? null;
      bySeat[s] = c ?? 0;
      if (c === null) missed.push(s);
    }
    report.contributions = bySeat;
    report.missed = missed;
  }
  if (config.revealEndowments && isDrawn(config.endowment)) report.endowments = Object.fromEntries(seats.map((s, i) => [s, endowments[i] as number]));
  return report;
}

/** Seat i's result in a closed round. */
export function ownRound(config: PublicGoodsConfig, seats: readonly SeatId[], r: RoundRecord, i: number): OwnRound {
  const p = config.punishment;
  const given = r.punishment?.given[i] ?? 0;
  const received = r.punishment?.received[i] ?? 0;
  const contribution = r.contributions[i] ?? null;
  const own: { -readonly [K in keyof OwnRound]: OwnRound[K] } = {
    round: r.round,
    group: r.report,
    endowment: r.endowments[i] as number,
    contribution: contribution ?? 0,
    missed: contribution === null,
    earnings: r.earnings[i] as number,
    pointsGiven: given,
    punishmentCost: punishmentCost(p, given),
    pointsReceived: received,
    punishmentLoss: punishmentLoss(p, received),
    payoff: r.payoffs[i] as number,
  };
  if (p?.revealPunishers && r.punishment) {
    const me = seats[i] as SeatId;
    const by: Record<SeatId, number> = {};
    r.punishment.points.forEach((points, j) => {
      const amount = points?.[me];
      if (amount !== undefined && amount > 0) by[seats[j] as SeatId] = amount;
    });
    own.punishedBy = by;
  }
  return own;
}
