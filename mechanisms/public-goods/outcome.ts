/**
 * A match's outcome from the tally of its closed rounds: payoffs, revenue (all
 * contributions into the public account), welfare against its maximum, and the measures
 * the literature reports (contribution rates, free riding, punishment, antisocial
 * punishment); one row per seat and round goes into each round's round_record event.
 */
import type { MeasureSpec, Outcome, ParticipantRound, SeatId } from '../core/types.ts';
import { floorToGrid, punishmentCost, punishmentLoss, tidy } from './payoffs.ts';
import type { PublicGoodsState, PublicGoodsTally, RoundRecord } from './reports.ts';
import { seatIndex } from './seats.ts';

/** Everything the seats were endowed with in a round. */
function endowedIn(r: RoundRecord): number {
  let endowed = 0;
  for (const e of r.endowments) endowed += e;
  return endowed;
}

/** The share of a round's endowments contributed. */
function contributionRate(r: RoundRecord): number {
  const e = endowedIn(r);
  return e > 0 ? r.total / e : 0;
}

/** One closed round: its participant rows (its round_record event) and the tally with it. */
export function closedRound(state: PublicGoodsState, r: RoundRecord): { rows: ParticipantRound[]; tally: PublicGoodsTally } {
  const { config, seats } = state;
  const n = seats.length;
  const t = state.tally;
  const rows: ParticipantRound[] = [];
  const cooperative = n * config.mpcr > 1;
  const roundEndowed = endowedIn(r);
  const fullShare = tidy(config.mpcr * roundEndowed);
  let { welfare, maxWelfare, zero, full, missed, points, antisocial, cost, loss } = t;
  const p = config.punishment;
  for (let i = 0; i < n; i++) {
    const seat = seats[i] as SeatId;
    const endowment = r.endowments[i] as number;
    const raw = r.contributions[i] ?? null;
    const contribution = raw ?? 0;
    const given = r.punishment?.given[i] ?? 0;
    const received = r.punishment?.received[i] ?? 0;
    const payoff = r.payoffs[i] as number;
    welfare += payoff;
    maxWelfare += cooperative ? fullShare : endowment;
    if (raw === null) missed++;
    if (contribution <= 0) zero++;
    if (contribution >= floorToGrid(endowment, config.contributionStep) - 1e-9) full++;
    points += given;
    if (p) {
      cost += given * p.costPerPoint;
      loss += received * p.effectPerPoint;
    }
    const assigned = r.punishment?.points[i] ?? null;
    if (assigned) {
      // Antisocial punishment: points to someone who contributed at least as much as the punisher.
      for (const target in assigned) if ((r.contributions[seatIndex(seats, target as SeatId)] ?? 0) >= contribution) antisocial += assigned[target as SeatId] as number;
    }
    rows.push({
      round: r.round,
      seat,
      role: 'player',
      fields: {
        endowment,
        contribution,
        missed: raw === null,
        group_total: r.total,
        group_average: r.total / n,
        earnings: r.earnings[i] as number,
        punishment_given: given,
        punishment_cost: punishmentCost(p, given),
        punishment_received: received,
        punishment_loss: punishmentLoss(p, received),
        missed_punishment: r.punishment ? r.punishment.points[i] === null : false,
      },
      payoff,
      outside: endowment,
    });
  }
  const rate = contributionRate(r);
  return {
    rows,
    tally: {
      rounds: t.rounds + 1,
      revenue: t.revenue + r.total,
      welfare,
      maxWelfare,
      endowed: t.endowed + roundEndowed,
      zero,
      full,
      missed,
      points,
      antisocial,
      cost,
      loss,
      firstRate: t.rounds === 0 ? rate : t.firstRate,
      lastRate: rate,
    },
  };
}

export const PUBLIC_GOODS_MEASURES: readonly MeasureSpec[] = [
  { name: 'contribution_rate', unit: 'share', definition: 'contributions / endowments over the match' },
  { name: 'first_round_contribution_rate', unit: 'share', definition: 'contributions / endowments in round 1' },
  { name: 'final_round_contribution_rate', unit: 'share', definition: 'contributions / endowments in the last closed round' },
  { name: 'zero_contribution_share', unit: 'share', definition: 'participant-rounds contributing nothing' },
  { name: 'full_contribution_share', unit: 'share', definition: 'participant-rounds contributing their whole endowment' },
  { name: 'missed_deadline_share', unit: 'share', definition: 'participant-rounds that missed the contribution deadline' },
  { name: 'punishment_points', unit: 'points', definition: 'punishment points assigned over the match' },
  { name: 'antisocial_punishment_points', unit: 'points', definition: 'points assigned to players who contributed at least as much as the punisher' },
  { name: 'punishment_cost', unit: 'money', definition: 'what punishers paid for their points' },
  { name: 'punishment_loss', unit: 'money', definition: 'what punished players lost' },
];

export function matchOutcome(state: PublicGoodsState): Outcome {
  const { seats } = state;
  const payoffs: Record<SeatId, number> = {};
  seats.forEach((s, i) => (payoffs[s] = state.totals[i] as number));
  const t = state.tally;
  const seatRounds = seats.length * t.rounds;
  return {
    payoffs,
    revenue: tidy(t.revenue),
    welfare: tidy(t.welfare),
    maxWelfare: tidy(t.maxWelfare),
    measures: {
      contribution_rate: t.endowed > 0 ? t.revenue / t.endowed : 0,
      first_round_contribution_rate: t.firstRate,
      final_round_contribution_rate: t.lastRate,
      zero_contribution_share: seatRounds ? t.zero / seatRounds : 0,
      full_contribution_share: seatRounds ? t.full / seatRounds : 0,
      missed_deadline_share: seatRounds ? t.missed / seatRounds : 0,
      punishment_points: tidy(t.points),
      antisocial_punishment_points: tidy(t.antisocial),
      punishment_cost: tidy(t.cost),
      punishment_loss: tidy(t.loss),
    },
  };
}
