/**
 * The theory's price for a sealed-bid auction with n risk-neutral bidders and independent
 * private values from one distribution: in the symmetric equilibrium of the first-price
 * auction and in the dominant-strategy equilibrium of the second-price auction, the
 * expected price is the same (revenue equivalence), the expected second-highest value.
 * Defined here only when the reserve does not bind (reserve at or below the lowest value).
 */
import { cents, type Distribution } from '../core/policy.ts';

/** Largest number of points summed exactly for an integer distribution; beyond it the continuous formula is used. */
const EXACT_POINTS = 100_000;

/** E[second-highest of n draws] over equally likely points, via P(X(2) <= x) = F^n + n F^(n-1) (1 - F). */
function secondHighestOfPoints(points: readonly number[], n: number): number {
  const sorted = [...points].sort((a, b) => a - b);
  const m = sorted.length;
  const atMost = (k: number) => {
    const f = k / m;
    return f ** n + n * f ** (n - 1) * (1 - f);
  };
  let expected = 0;
  for (let k = 1; k <= m; k++) expected += (sorted[k - 1] as number) * (atMost(k) - atMost(k - 1));
  return expected;
}

function secondHighest(dist: Distribution, n: number): number {
  switch (dist.kind) {
    case 'uniform':
      return dist.low + ((dist.high - dist.low) * (n - 1)) / (n + 1);
    case 'uniformInt': {
      const m = dist.high - dist.low + 1;
      if (m > EXACT_POINTS) return dist.low + ((dist.high - dist.low) * (n - 1)) / (n + 1);
      return secondHighestOfPoints(Array.from({ length: m }, (_, i) => dist.low + i), n);
    }
    case 'discrete':
      return secondHighestOfPoints(dist.values, n);
  }
}

const cache = new WeakMap<Distribution, Map<string, number | null>>();

/** The benchmark price, or null when it is not defined here (one bidder, or a binding reserve). */
export function benchmarkPrice(dist: Distribution, bidders: number, reserve: number): number | null {
  const key = `${bidders}/${reserve}`;
  const known = cache.get(dist)?.get(key);
  if (known !== undefined) return known;
  const low = dist.kind === 'discrete' ? Math.min(...dist.values) : dist.low;
  const price = bidders < 2 || reserve > low ? null : cents(secondHighest(dist, bidders));
  const entry = cache.get(dist) ?? new Map<string, number | null>();
  entry.set(key, price);
  cache.set(dist, entry);
  return price;
}

/** E[highest of n draws] over equally likely points: P(X(1) <= x) = F^n. */
function highestOfPoints(points: readonly number[], n: number): number {
  const sorted = [...points].sort((a, b) => a - b);
  const m = sorted.length;
  let expected = 0;
  for (let k = 1; k <= m; k++) expected += (sorted[k - 1] as number) * ((k / m) ** n - ((k - 1) / m) ** n);
  return expected;
}

/** The expected highest of n values: the surplus per round of an efficient allocation. */
export function expectedHighest(dist: Distribution, n: number): number {
  switch (dist.kind) {
    case 'uniform':
      return dist.low + ((dist.high - dist.low) * n) / (n + 1);
    case 'uniformInt': {
      const m = dist.high - dist.low + 1;
      if (m > EXACT_POINTS) return dist.low + ((dist.high - dist.low) * n) / (n + 1);
      return highestOfPoints(Array.from({ length: m }, (_, i) => dist.low + i), n);
    }
    case 'discrete':
      return highestOfPoints(dist.values, n);
  }
}
