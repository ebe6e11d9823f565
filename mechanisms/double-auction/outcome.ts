/**
 * Payoffs and measures of a double auction: a buyer earns value − price per unit
 * bought, a seller price − cost per unit sold; the market takes no fee. Welfare is the
 * realised surplus, maxWelfare the competitive-equilibrium surplus summed over periods.
 */
import type { MeasureSpec, Outcome, SeatId } from '../core/types.ts';
import { sideBounds, type DoubleAuctionConfig } from './config.ts';
import { periodRecord, tallied } from './periods.ts';
import type { DoubleAuctionState } from './state.ts';

/**
 * The closed periods' tally, plus the current one as it stands when the market is still
 * open. Measures: trades, turnover (sum of prices), ce_quantity (summed over periods),
 * ce_price_mid (mean over periods); mean_price and price_rmsd (against each period's CE
 * midpoint) only when something traded.
 */
export function marketOutcome(state: DoubleAuctionState): Outcome {
  const t = state.over ? state.tally : tallied(state.tally, periodRecord(state, 'deadline', state.deadline ?? 0));
  const payoffs: Record<SeatId, number> = {};
  state.seats.forEach((seat, i) => (payoffs[seat] = state.totals[i] as number));
  // Undefined quantities are null: NaN has no JSON form, and a missing key would drop a CSV column.
  const measures: Record<string, number | null> = {
    trades: t.trades,
    turnover: t.turnover,
    ce_quantity: t.ceQuantity,
    ce_price_mid: t.midCount > 0 ? t.midSum / t.midCount : null,
    mean_price: t.trades > 0 ? t.turnover / t.trades : null,
    price_rmsd: t.trades > 0 ? Math.sqrt(t.squares / t.trades) : null,
  };
  return { payoffs, revenue: 0, welfare: t.welfare, maxWelfare: t.maxWelfare, measures };
}

export const MARKET_MEASURES: readonly MeasureSpec[] = [
  { name: 'trades', unit: 'units', definition: 'units traded over the match' },
  { name: 'turnover', unit: 'money', definition: 'sum of trade prices' },
  { name: 'ce_quantity', unit: 'units', definition: 'competitive-equilibrium quantity, summed over periods' },
  { name: 'ce_price_mid', unit: 'money', definition: 'midpoint of the competitive-equilibrium price range, averaged over periods' },
  { name: 'mean_price', unit: 'money', definition: 'mean trade price; empty without trades' },
  { name: 'price_rmsd', unit: 'money', definition: "root-mean-square deviation of trade prices from their period's equilibrium midpoint; empty without trades" },
];

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
