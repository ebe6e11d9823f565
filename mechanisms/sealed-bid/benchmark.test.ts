import { describe, expect, it } from 'vitest';
import { benchmarkPrice } from './benchmark.ts';

describe('benchmarkPrice', () => {
  it('is (n-1)/(n+1) of the range above the low end for uniform values', () => {
    expect(benchmarkPrice({ kind: 'uniform', low: 0, high: 100 }, 10, 0)).toBe(81.82);
    expect(benchmarkPrice({ kind: 'uniform', low: 20, high: 80 }, 2, 0)).toBe(40);
  });

  it('sums exactly over equally likely points', () => {
    // Two bidders, values 0 or 1: the second-highest is 1 only when both draw 1.
    expect(benchmarkPrice({ kind: 'discrete', values: [0, 1] }, 2, 0)).toBe(0.25);
    expect(benchmarkPrice({ kind: 'uniformInt', low: 0, high: 1 }, 2, 0)).toBe(0.25);
    // Three bidders on {1, 2, 3}: P(X(2) <= 1) = 7/27, P(<= 2) = 20/27, so E = (7 + 2*13 + 3*7) / 27 = 2.
    expect(benchmarkPrice({ kind: 'uniformInt', low: 1, high: 3 }, 3, 0)).toBe(2);
  });

  it('is undefined with one bidder or a binding reserve', () => {
    expect(benchmarkPrice({ kind: 'uniform', low: 0, high: 100 }, 1, 0)).toBeNull();
    expect(benchmarkPrice({ kind: 'uniform', low: 0, high: 100 }, 5, 10)).toBeNull();
    expect(benchmarkPrice({ kind: 'uniform', low: 10, high: 100 }, 5, 10)).not.toBeNull();
  });
});
