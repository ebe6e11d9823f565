/**
 * A match's outcome from its closed rounds: payoffs, revenue (all contributions into
 * the public account), welfare against its maximum, one row per seat and round, and
 * the measures the literature reports (contribution rates, free riding, punishment,
 * antisocial punishment).
 */
import type { Outcome, ParticipantRound, SeatId } from '../core/types.ts';
import { floorToGrid, punishmentCost, punishmentLoss, tidy } from './payoffs.ts';
import type { PublicGoodsState, RoundRecord } from './reports.ts';
import { seatIndex } from './seats.ts';

/** Everything the seats were endowed with in a round. */
function endowedIn(r: RoundRecord): number {
  let endowed = 0;
  for (const e of r.endowments) endowed += e;
  return endowed;
}

/** The share of a round's endowments contributed; 0 for no round. */
function contributionRate(r: RoundRecord | undefined): number {
  if (!r) return 0;
  const e = endowedIn(r);
  return e > 0 ? r.total / e : 0;
}

export function matchOutcome(state: PublicGoodsState): Outcome {
  const { config, seats } = state;
  const n = seats.length;
  const payoffs: Record<SeatId, number> = {};
  seats.forEach((s, i) => {
    payoffs[s] = state.totals[i] as number;
  });
  const rows: ParticipantRound[] = [];
  const cooperative = n * config.mpcr > 1;
  let revenue = 0;
  let welfare = 0;
  let maxWelfare = 0;
  let endowed = 0;
  let zero = 0;
  let full = 0;
  let missed = 0;
  let points = 0;
  let antisocial = 0;
  let cost = 0;
  let loss = 0;
  const p = config.punishment;
  for (const r of state.history) {
    const roundEndowed = endowedIn(r);
    endowed += roundEndowed;
    revenue += r.total;
    const fullShare = tidy(config.mpcr * roundEndowed);
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
  }
  const seatRounds = n * state.history.length;
  return {
    payoffs,
    revenue: tidy(revenue),
    welfare: tidy(welfare),
    maxWelfare: tidy(maxWelfare),
    rows,
    measures: {
      contribution_rate: endowed > 0 ? revenue / endowed : 0,
      first_round_contribution_rate: contributionRate(state.history[0]),
      final_round_contribution_rate: contributionRate(state.history.at(-1)),
      zero_contribution_share: seatRounds ? zero / seatRounds : 0,
      full_contribution_share: seatRounds ? full / seatRounds : 0,
      missed_deadline_share: seatRounds ? missed / seatRounds : 0,
      punishment_points: tidy(points),
      antisocial_punishment_points: tidy(antisocial),
      punishment_cost: tidy(cost),
      punishment_loss: tidy(loss),
    },
  };
}
