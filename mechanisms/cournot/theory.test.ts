import { describe, expect, it } from 'vitest';
import { bestResponse, collusiveOptimum, cournotNash, efficientOutput, outcomeAt, surplusAt, type LinearMarket } from './theory.ts';

const market = (intercept: number, slope: number, costs: number[], capacities?: number[]): LinearMarket => ({ intercept, slope, costs, capacities: capacities ?? costs.map(() => Infinity) });

/** No firm gains by moving its quantity a little either way (within its capacity). */
function isNash(m: LinearMarket, q: readonly number[]): boolean {
  const profit = (i: number, x: number) => outcomeAt(m, q.map((y, j) => (j === i ? x : y))).profits[i] as number;
  return q.every((x, i) => [1e-4, -1e-4, 0.1, -0.1].every((d) => x + d < 0 || x + d > (m.capacities[i] as number) || profit(i, x + d) <= profit(i, x) + 1e-12));
}

describe('the textbook Cournot oligopoly (linear demand, equal costs)', () => {
  // Any intermediate microeconomics text, e.g. Tirole (1988), The Theory of Industrial Organization, §5.4.
  it.each([2, 3, 5])('with %i firms: q = (A − c)/(B(n + 1)), P = (A + nc)/(n + 1), π = (A − c)²/(B(n + 1)²)', (n) => {
    const [A, B, c] = [10, 1, 1];
    const nash = cournotNash(market(A, B, new Array<number>(n).fill(c)));
    for (const q of nash.quantities) expect(q).toBeCloseTo((A - c) / (B * (n + 1)), 12);
    expect(nash.price).toBeCloseTo((A + n * c) / (n + 1), 12);
    for (const p of nash.profits) expect(p).toBeCloseTo((A - c) ** 2 / (B * (n + 1) ** 2), 12);
  });

  it('colludes at the monopoly output (A − c)/(2B), shared equally: P = (A + c)/2, π = (A − c)²/(4Bn)', () => {
    const [A, B, c, n] = [100, 2, 10, 4];
    const cartel = collusiveOptimum(market(A, B, new Array<number>(n).fill(c)));
    expect(cartel.total).toBeCloseTo((A - c) / (2 * B), 12);
    for (const q of cartel.quantities) expect(q).toBeCloseTo((A - c) / (2 * B * n), 12);
    expect(cartel.price).toBeCloseTo((A + c) / 2, 12);
    for (const p of cartel.profits) expect(p).toBeCloseTo((A - c) ** 2 / (4 * B * n), 12);
  });

  it('the duopoly of the defaults: q^N = 3, P^N = 4, π^N = 9; q^M = 2.25, P^M = 5.5, π^M = 10.125', () => {
    const m = market(10, 1, [1, 1]);
    expect(cournotNash(m).quantities).toEqual([3, 3]);
    expect(cournotNash(m).profits).toEqual([9, 9]);
    expect(collusiveOptimum(m).quantities).toEqual([2.25, 2.25]);
    expect(collusiveOptimum(m).price).toBe(5.5);
    expect(collusiveOptimum(m).profits).toEqual([10.125, 10.125]);
  });
});

describe('unequal costs and capacities', () => {
  it('gives the asymmetric duopoly q_i = (A − 2c_i + c_j)/(3B)', () => {
    const [A, B, c1, c2] = [12, 1, 1, 3];
    const nash = cournotNash(market(A, B, [c1, c2]));
    expect(nash.quantities[0]).toBeCloseTo((A - 2 * c1 + c2) / (3 * B), 12);
    expect(nash.quantities[1]).toBeCloseTo((A - 2 * c2 + c1) / (3 * B), 12);
    expect(isNash(market(A, B, [c1, c2]), nash.quantities)).toBe(true);
  });

  it('shuts a firm whose cost is above the rival’s monopoly price out of the equilibrium', () => {
    const m = market(10, 1, [1, 6]);
    const nash = cournotNash(m);
    // Firm 1 alone would sell (10 − 1)/2 = 4.5 at a price 5.5 < 6: firm 2 sells nothing.
    expect(nash.quantities[0]).toBeCloseTo(4.5, 12);
    expect(nash.quantities[1]).toBe(0);
    expect(isNash(m, nash.quantities)).toBe(true);
  });

  it('holds a firm at a binding capacity and lets the other best-respond to it', () => {
    const m = market(10, 1, [1, 1], [2, Infinity]);
    const nash = cournotNash(m);
    expect(nash.quantities[0]).toBe(2);
    expect(nash.quantities[1]).toBeCloseTo((10 - 1 - 2) / 2, 12);
    expect(bestResponse(m, nash.quantities[0] as number, 1)).toBeCloseTo(nash.quantities[1] as number, 12);
    expect(isNash(m, nash.quantities)).toBe(true);
  });

  it('is a fixed point of the best responses for many firms with mixed costs and capacities', () => {
    const m = market(50, 0.5, [1, 2, 3, 5, 8, 13, 21, 34], [10, 20, 5, Infinity, 30, 2, Infinity, 1]);
    const nash = cournotNash(m);
    nash.quantities.forEach((q, i) => expect(bestResponse(m, nash.total - q, i)).toBeCloseTo(q, 9));
    expect(isNash(m, nash.quantities)).toBe(true);
  });

  it('lets the cheapest firm serve the cartel, up to its capacity, then the next', () => {
    expect(collusiveOptimum(market(10, 1, [1, 3])).quantities).toEqual([4.5, 0]);
    // Capacity 3 for the cheap firm: the dearer one adds (10 − 3)/2 − 3 = 0.5.
    const capped = collusiveOptimum(market(10, 1, [1, 3], [3, Infinity]));
    expect(capped.quantities[0]).toBe(3);
    expect(capped.quantities[1]).toBeCloseTo(0.5, 12);
  });

  it('splits equal-cost output equally, water-filling past a small capacity', () => {
    const cartel = collusiveOptimum(market(10, 1, [1, 1, 1], [0.5, Infinity, Infinity]));
    expect(cartel.total).toBeCloseTo(4.5, 12);
    expect(cartel.quantities).toEqual([0.5, 2, 2]);
  });

  it('finds the efficient output where price meets marginal cost, and no quantities do better', () => {
    const m = market(10, 1, [1, 2], [3, Infinity]);
    const best = efficientOutput(m);
    expect(best.quantities[0]).toBe(3);
    expect(best.price).toBeCloseTo(2, 12);
    for (const q of [cournotNash(m).quantities, collusiveOptimum(m).quantities, [3, 4.5], [2, 6]]) expect(surplusAt(m, q)).toBeLessThanOrEqual(surplusAt(m, best.quantities) + 1e-12);
  });

  it('gives collusion more joint profit than Nash, and Nash more than the efficient output', () => {
    const m = market(20, 1, [2, 3, 4]);
    const joint = (q: readonly number[]) => outcomeAt(m, q).profits.reduce((s, x) => s + x, 0);
    expect(joint(collusiveOptimum(m).quantities)).toBeGreaterThan(joint(cournotNash(m).quantities));
    expect(joint(cournotNash(m).quantities)).toBeGreaterThan(joint(efficientOutput(m).quantities));
  });
});
