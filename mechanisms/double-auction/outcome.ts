/**
 * Payoffs and measures of a double auction: a buyer earns value − price per unit
 * bought, a seller price − cost per unit sold; the market takes no fee. Welfare is the
 * realised surplus, maxWelfare the competitive-equilibrium surplus summed over periods.
 */
import type { Outcome, ParticipantRound, SeatId } from '../core/types.ts';
import { money, sideBounds, type DoubleAuctionConfig } from './config.ts';
import { equilibriumMid } from './equilibrium.ts';
import { periodRecord } from './periods.ts';
import { roleOf, type DoubleAuctionState } from './state.ts';

const compact = (xs: readonly number[]): string => xs.join('/');

/**
 * Closed periods, plus the current one as it stands when the market is still open.
 * Measures: trades, turnover (sum of prices), ce_quantity (summed over periods),
 * ce_price_mid (mean over periods); mean_price and price_rmsd (against each period's CE
 * midpoint) only when something traded.
 */
export function marketOutcome(state: DoubleAuctionState): Outcome {
  const records = state.over ? state.history : [...state.history, periodRecord(state, 'deadline', state.deadline ?? 0)];
  const payoffs: Record<SeatId, number> = {};
  for (const seat of state.seats) payoffs[seat] = 0;
  const rows: ParticipantRound[] = [];
  let welfare = 0;
  let maxWelfare = 0;
  let trades = 0;
  let turnover = 0;
  let squares = 0;
  let ceQuantity = 0;
  let midSum = 0;
  let midCount = 0;
  for (const r of records) {
    const mid = equilibriumMid(r.equilibrium);
    maxWelfare = money(maxWelfare + r.equilibrium.surplus);
    ceQuantity += r.equilibrium.quantity;
    if (mid !== null) {
      midSum += mid;
      midCount++;
    }
    const prices: number[][] = state.seats.map(() => []);
    for (const t of r.trades) {
      welfare = money(welfare + t.value - t.cost);
      trades++;
      turnover = money(turnover + t.price);
      if (mid !== null) squares += (t.price - mid) ** 2;
      (prices[t.buyer] as number[]).push(t.price);
      (prices[t.seller] as number[]).push(t.price);
    }
    state.seats.forEach((seat, i) => {
      const profit = r.profit[i] as number;
      payoffs[seat] = money((payoffs[seat] as number) + profit);
      const schedule = r.schedules[i] as readonly number[];
      rows.push({
        round: r.period,
        seat,
        role: roleOf(state, i),
        fields: {
          units: r.traded[i] as number,
          offered: schedule.length,
          // One column for both roles (a CSV takes its header from the first row): values of a buyer, costs of a seller.
          schedule: compact(schedule),
          prices: compact(prices[i] as number[]),
          ce_quantity: r.equilibrium.quantity,
          ce_price_low: r.equilibrium.priceLow,
          ce_price_high: r.equilibrium.priceHigh,
          end: r.end,
        },
        payoff: profit,
        outside: 0,
      });
    });
  }
  // Undefined quantities are null: NaN has no JSON form, and a missing key would drop a CSV column.
  const measures: Record<string, number | null> = {
    trades,
    turnover,
    ce_quantity: ceQuantity,
    ce_price_mid: midCount > 0 ? midSum / midCount : null,
    mean_price: trades > 0 ? turnover / trades : null,
    price_rmsd: trades > 0 ? Math.sqrt(squares / trades) : null,
  };
  return { payoffs, revenue: 0, welfare, maxWelfare, rows, measures };
}

/** Bounds of one seat's total payoff over a match. */
export function payoffBounds(config: DoubleAuctionConfig): { min: number; max: number } {
  const b = sideBounds(config.buyers, config.unitsPerTrader, config.values);
  const s = sideBounds(config.sellers, config.unitsPerTrader, config.costs);
  const units = config.periods * Math.max(b.units, s.units);
  // Per unit: a buyer gains at most value − minPrice, a seller maxPrice − cost; losses only with allowLoss.
  const best = Math.max(0, b.high - config.minPrice, config.maxPrice - s.low);
  const worst = config.allowLoss ? Math.min(0, b.low - config.maxPrice, config.minPrice - s.high) : 0;
  return { min: units * worst, max: units * best };
}
