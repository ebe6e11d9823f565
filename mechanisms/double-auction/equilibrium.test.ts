import { describe, expect, it } from 'vitest';
import { equilibrium, equilibriumMid } from './equilibrium.ts';

describe('equilibrium', () => {
  it('finds quantity, price range and surplus of a textbook schedule', () => {
    // Demand 120 110 100 90 80, supply 40 50 60 70 90: four units trade, the fifth pair (80 < 90) does not.
    const ce = equilibrium([120, 100, 80, 110, 90], [40, 60, 50, 70, 90]);
    expect(ce).toEqual({ quantity: 4, priceLow: 80, priceHigh: 90, surplus: 80 + 60 + 40 + 20 });
    expect(equilibriumMid(ce)).toBe(85);
  });

  it('takes the order of the inputs as irrelevant', () => {
    expect(equilibrium([80, 120, 100], [90, 40, 60])).toEqual(equilibrium([120, 100, 80], [40, 60, 90]));
  });

  it('the price range is bounded by the first excluded units when they are tighter', () => {
    // d: 200 150 | 100, s: 50 60 | 180. q = 2; low = max(s2 = 60, d3 = 100), high = min(d2 = 150, s3 = 180).
    expect(equilibrium([200, 150, 100], [50, 60, 180])).toEqual({ quantity: 2, priceLow: 100, priceHigh: 150, surplus: 240 });
  });

  it('vertical overlap: equal values and costs give a single price and count zero-surplus units', () => {
    expect(equilibrium([100, 100, 100], [100, 100])).toEqual({ quantity: 2, priceLow: 100, priceHigh: 100, surplus: 0 });
    // Flat demand at 100 over a rising supply: the price is pinned at 100 by the demand step.
    expect(equilibrium([100, 100, 100, 100], [20, 40, 60])).toEqual({ quantity: 3, priceLow: 100, priceHigh: 100, surplus: 180 });
    // Flat supply at 50 under a falling demand: pinned at 50.
    expect(equilibrium([90, 70], [50, 50, 50])).toEqual({ quantity: 2, priceLow: 50, priceHigh: 50, surplus: 60 });
  });

  it('a whole short side trades: the range runs to the long side', () => {
    // One buyer unit, three sellers: q = 1, any price in [max(10, —), min(100, 20)].
    expect(equilibrium([100], [10, 20, 30])).toEqual({ quantity: 1, priceLow: 10, priceHigh: 20, surplus: 90 });
    expect(equilibrium([100, 90, 80], [10])).toEqual({ quantity: 1, priceLow: 90, priceHigh: 100, surplus: 90 });
    expect(equilibrium([100, 90], [10, 20])).toEqual({ quantity: 2, priceLow: 20, priceHigh: 90, surplus: 160 });
  });

  it('no trade when every value lies below every cost: the range is [highest value, lowest cost]', () => {
    expect(equilibrium([30, 20], [50, 60])).toEqual({ quantity: 0, priceLow: 30, priceHigh: 50, surplus: 0 });
  });

  it('no units on a side: no quantity and no price', () => {
    const ce = equilibrium([], [10]);
    expect(ce).toEqual({ quantity: 0, priceLow: null, priceHigh: null, surplus: 0 });
    expect(equilibriumMid(ce)).toBeNull();
  });

  it('decimal money sums without binary noise', () => {
    expect(equilibrium([87.95, 72.46], [8.1, 22.2]).surplus).toBe(130.11);
  });

  it('low never exceeds high on random schedules, and the surplus is the best any matching can do', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) % 50;
    for (let k = 0; k < 300; k++) {
      const values = Array.from({ length: 1 + (next() % 6) }, next);
      const costs = Array.from({ length: 1 + (next() % 6) }, next);
      const ce = equilibrium(values, costs);
      expect(ce.priceLow as number).toBeLessThanOrEqual(ce.priceHigh as number);
      // Brute force: best surplus over every count of traded pairs (top values against bottom costs).
      const d = values.slice().sort((a, b) => b - a);
      const s = costs.slice().sort((a, b) => a - b);
      let best = 0;
      for (let q = 0; q <= Math.min(d.length, s.length); q++) {
        let sum = 0;
        for (let i = 0; i < q; i++) sum += (d[i] as number) - (s[i] as number);
        best = Math.max(best, sum);
      }
      expect(ce.surplus).toBe(best);
      // At any price inside the range, demand and supply both admit exactly q units (ties count either way).
      const p = equilibriumMid(ce) as number;
      expect(values.filter((v) => v > p).length).toBeLessThanOrEqual(ce.quantity);
      expect(values.filter((v) => v >= p).length).toBeGreaterThanOrEqual(ce.quantity);
      expect(costs.filter((c) => c < p).length).toBeLessThanOrEqual(ce.quantity);
      expect(costs.filter((c) => c <= p).length).toBeGreaterThanOrEqual(ce.quantity);
    }
  });
});
