/**
 * The monopoly price of a posted-price market: the price p that maximises expected profit
 * per buyer (p − c)·P(v ≥ p) for the value distribution (for values uniform on [0, H] and
 * unit cost c < H, p* = (H + c)/2: the textbook monopoly price), searched on the seller's
 * price grid; and the expected surplus per buyer of the efficient outcome, E[(v − c)⁺].
 */
import type { Distribution } from '../core/policy.ts';
import type { PostedPriceConfig } from './config.ts';

/** P(v ≥ p). */
export function survival(dist: Distribution, p: number): number {
  switch (dist.kind) {
    case 'uniform':
      return Math.min(1, Math.max(0, (dist.high - p) / (dist.high - dist.low)));
    case 'uniformInt': {
      const k = Math.max(dist.low, Math.ceil(p - 1e-9));
      return Math.min(1, Math.max(0, (dist.high - k + 1) / (dist.high - dist.low + 1)));
    }
    case 'discrete':
      return dist.values.filter((v) => v >= p - 1e-9).length / dist.values.length;
  }
}

/** E[(v − c)⁺]: what one buyer adds to welfare when every unit goes to a buyer who values it above cost. */
export function efficientSurplus(dist: Distribution, c: number): number {
  switch (dist.kind) {
    case 'uniform': {
      const lo = Math.max(dist.low, c);
      if (lo >= dist.high) return 0;
      return ((dist.high - lo) * ((dist.high + lo) / 2 - c)) / (dist.high - dist.low);
    }
    case 'uniformInt': {
      let s = 0;
      for (let v = dist.low; v <= dist.high; v++) s += Math.max(0, v - c);
      return s / (dist.high - dist.low + 1);
    }
    case 'discrete':
      return dist.values.reduce((s, v) => s + Math.max(0, v - c), 0) / dist.values.length;
  }
}

/** The prices the seller may post (a grid with a step; with step 0, a fine grid of 10,001 points for the search). */
export function priceGrid(config: PostedPriceConfig): number[] {
  const { low, high } = config.priceRange;
  const step = config.priceStep > 0 ? config.priceStep : (high - low) / 10_000;
  const out: number[] = [];
  for (let k = 0; low + k * step <= high + 1e-9; k++) out.push(Math.round((low + k * step) * 1e9) / 1e9);
  return out;
}

/** The grid price of the greatest expected profit per buyer (the lowest of ties), and that profit. */
export function monopolyPrice(config: PostedPriceConfig): { price: number; profit: number } {
  let best = { price: config.priceRange.low, profit: -Infinity };
  for (const p of priceGrid(config)) {
    const profit = (p - config.unitCost) * survival(config.values, p);
    if (profit > best.profit + 1e-12) best = { price: p, profit };
  }
  return best;
}
