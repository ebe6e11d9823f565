import { describe, expect, it } from 'vitest';
import { gini, MetricSet, RunningStat } from './metrics.ts';

describe('gini', () => {
  it('is 0 for equal payoffs and (n-1)/n when one seat takes everything', () => {
    expect(gini([5, 5, 5, 5])).toBeCloseTo(0, 12);
    expect(gini([0, 0, 0, 10])).toBeCloseTo(0.75, 12);
    expect(gini([0, 0])).toBe(0);
  });

  it('matches the mean absolute difference formula', () => {
    const xs = [1, 2, 3, 7, 11];
    const mean = xs.reduce((a, b) => a + b) / xs.length;
    let sum = 0;
    for (const a of xs) for (const b of xs) sum += Math.abs(a - b);
    expect(gini(xs)).toBeCloseTo(sum / (2 * xs.length * xs.length * mean), 12);
  });

  it('counts negative payoffs as zero', () => {
    expect(gini([-5, 0, 0, 10])).toBeCloseTo(gini([0, 0, 0, 10]), 12);
  });
});

describe('RunningStat', () => {
  it('gives the sample mean, sd and a t-based 95% interval', () => {
    const xs = [2, 4, 4, 4, 5, 5, 7, 9, 10, 12];
    const stat = new RunningStat();
    for (const x of xs) stat.push(x);
    const s = stat.summary();
    const mean = 6.2;
    const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / 9);
    expect(s.n).toBe(10);
    expect(s.mean).toBeCloseTo(mean, 12);
    expect(s.sd).toBeCloseTo(sd, 12);
    // t(0.975, 9) = 2.2621571627...
    expect(s.ci95[1] - s.mean).toBeCloseTo((2.2621571628 * sd) / Math.sqrt(10), 8);
  });

  it('skips NaN and reports an empty metric as NaN with n = 0', () => {
    const stat = new RunningStat();
    stat.push(Number.NaN);
    expect(stat.summary().n).toBe(0);
    stat.push(3);
    expect(stat.summary()).toEqual({ mean: 3, sd: 0, ci95: [3, 3], n: 1 });
  });

  it('groups metrics by name', () => {
    const set = new MetricSet();
    set.push({ a: 1, b: 10 });
    set.push({ a: 3, b: Number.NaN });
    const s = set.summary();
    expect(s.a?.mean).toBe(2);
    expect(s.b?.n).toBe(1);
  });
});
