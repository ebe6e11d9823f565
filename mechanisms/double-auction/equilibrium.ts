/**
 * Competitive equilibrium of a market with unit demand and supply schedules: the
 * benchmark a double auction is measured against (quantity, price range, surplus).
 */

export interface Equilibrium {
  /** Units traded at the competitive equilibrium (marginal units with zero surplus included). */
  readonly quantity: number;
  /** Lowest and highest market-clearing price; null only when one side has no units at all. */
  readonly priceLow: number | null;
  readonly priceHigh: number | null;
  /** Total surplus of the efficient allocation: the top `quantity` values minus the bottom `quantity` costs. */
  readonly surplus: number;
}

const descending = (a: number, b: number) => b - a;
const ascending = (a: number, b: number) => a - b;

/**
 * The competitive equilibrium of unit values (demand) and unit costs (supply), in any order.
 *
 * With demand d1 >= d2 >= ... and supply s1 <= s2 <= ..., the quantity q is the largest k
 * with d_k >= s_k, and every price in [max(s_q, d_{q+1}), min(d_q, s_{q+1})] clears the
 * market (a missing d_{q+1} or s_{q+1} drops out of its max or min). With q = 0 the range
 * is [d1, s1]: prices at which nobody wants to trade.
 *
 * @example equilibrium([120, 100, 80], [40, 60, 90]) // { quantity: 2, priceLow: 80, priceHigh: 90, surplus: 120 }
 */
export function equilibrium(values: readonly number[], costs: readonly number[]): Equilibrium {
  if (values.length === 0 || costs.length === 0) return { quantity: 0, priceLow: null, priceHigh: null, surplus: 0 };
  const d = values.slice().sort(descending);
  const s = costs.slice().sort(ascending);
  let q = 0;
  let surplus = 0;
  while (q < d.length && q < s.length && (d[q] as number) >= (s[q] as number)) {
    // Rounded so that sums of decimal money print cleanly (and compare exactly across runs).
    surplus = Number((surplus + (d[q] as number) - (s[q] as number)).toFixed(9)) + 0;
    q++;
  }
  // Bounds of the clearing range; index q is the first unit that does not trade.
  const lows: number[] = [];
  const highs: number[] = [];
  if (q > 0) {
    lows.push(s[q - 1] as number);
    highs.push(d[q - 1] as number);
  }
  if (q < d.length) lows.push(d[q] as number);
  if (q < s.length) highs.push(s[q] as number);
  return { quantity: q, priceLow: Math.max(...lows), priceHigh: Math.min(...highs), surplus };
}

/** Midpoint of the clearing range; null when there is none. */
export function equilibriumMid(ce: Equilibrium): number | null {
  return ce.priceLow === null || ce.priceHigh === null ? null : (ce.priceLow + ce.priceHigh) / 2;
}
