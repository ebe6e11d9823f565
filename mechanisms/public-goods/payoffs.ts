/**
 * The money of a public goods round: the group total, earnings after the contribution
 * stage, what punishment costs and takes, round payoffs, and the bounds of a match's
 * payoff. Amounts are kept on a 1e-9 grid (`tidy`) so that float noise never reaches a
 * payoff or a record.
 */
import type { SeatId } from '../core/types.ts';
import { maxEndowment, type Punishment, type PublicGoodsConfig } from './config.ts';
import type { PointsBySeat, PublicGoodsState, PunishmentRecord } from './reports.ts';
import { seatIndex } from './seats.ts';

/** Rounds off float noise (0.1 + 0.2) without losing money: 1e-9 grid, never -0. */
import { tidy } from '../core/policy.ts';
export { tidy };

/** The largest multiple of `step` not above x (any x when step is 0). */
export function floorToGrid(x: number, step: number): number {
  if (!(step > 0)) return x;
  return tidy(Math.floor(x / step + 1e-9) * step);
}

/** The sum of a round's contributions; a seat that has not contributed (or missed the deadline) counts 0. */
export function contributedTotal(contributions: readonly (number | null)[]): number {
  let total = 0;
  for (const c of contributions) total += c ?? 0;
  return tidy(total);
}

/** Earnings after the contribution stage: endowment - contribution + mpcr * total. */
export const earningsOf = (config: PublicGoodsConfig, endowment: number, contribution: number, total: number): number => tidy(endowment - contribution + config.mpcr * total);

/** Seat i's earnings this round before punishment, once the round's contribution stage has closed. */
export const earningsThisRound = (state: PublicGoodsState, i: number): number =>
  earningsOf(state.config, state.endowments[i] as number, state.contributions[i] ?? 0, state.revealed?.total ?? contributedTotal(state.contributions));

/** What assigning `given` points in a round cost the punisher. */
export const punishmentCost = (p: Punishment | null, given: number): number => (p ? tidy(given * p.costPerPoint) : 0);

/** What receiving `received` points in a round took from the target. */
export const punishmentLoss = (p: Punishment | null, received: number): number => (p ? tidy(received * p.effectPerPoint) : 0);

/** The points each seat gave and received in all, from the submissions of a punishment stage. */
function tallyPoints(seats: readonly SeatId[], punishments: readonly (PointsBySeat | null)[]): PunishmentRecord {
  const n = seats.length;
  const given = new Array<number>(n).fill(0);
  const received = new Array<number>(n).fill(0);
  punishments.forEach((points, i) => {
    if (!points) return;
    let sum = 0;
    for (const target in points) {
      const amount = points[target as SeatId] as number;
      sum += amount;
      const j = seatIndex(seats, target as SeatId);
      received[j] = (received[j] as number) + amount;
    }
    given[i] = tidy(sum);
  });
  for (let j = 0; j < n; j++) received[j] = tidy(received[j] as number);
  return { points: punishments, given, received };
}

/** The money of a round at its close; arrays are by seat index. */
export interface Settlement {
  readonly total: number;
  readonly punishment: PunishmentRecord | null;
  readonly earnings: number[];
  readonly payoffs: number[];
  /** Each seat's payoff summed over the closed rounds, this one included. */
  readonly totals: number[];
}

/** Settles the round in `state`: round payoff = earnings - cost of points given - effect of points received. */
export function settleRound(state: PublicGoodsState): Settlement {
  const { config, seats } = state;
  const n = seats.length;
  const total = contributedTotal(state.contributions);
  const p = config.punishment;
  const punishment = p && state.punishments ? tallyPoints(seats, state.punishments) : null;
  const earnings: number[] = [];
  const payoffs: number[] = [];
  const totals: number[] = [];
  for (let i = 0; i < n; i++) {
    const e = earningsOf(config, state.endowments[i] as number, state.contributions[i] ?? 0, total);
    earnings.push(e);
    const payoff = punishment && p ? tidy(e - (punishment.given[i] as number) * p.costPerPoint - (punishment.received[i] as number) * p.effectPerPoint) : e;
    payoffs.push(payoff);
    totals.push(tidy((state.totals[i] as number) + payoff));
  }
  return { total, punishment, earnings, payoffs, totals };
}

/** Bounds of one seat's match payoff with n seats. */
export function payoffBounds(config: PublicGoodsConfig, n: number): { min: number; max: number } {
  const e = maxEndowment(config);
  const others = n - 1;
  // Best round: keep (or, with mpcr > 1, contribute) everything while everyone else contributes everything.
  const best = Math.max(1, config.mpcr) * e + config.mpcr * others * e;
  // Worst round: earnings are never negative and spending on punishment never exceeds them,
  // so only points received can take a round below 0.
  const p = config.punishment;
  const worst = p ? -p.effectPerPoint * p.maxPointsPerTarget * others : 0;
  return { min: config.rounds * worst, max: config.rounds * best };
}
