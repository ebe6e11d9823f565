import { describe, expect, it } from 'vitest';
import { CmaEs, minimize, reflect, symmetricEigen } from './cmaes.ts';

const sphere = (x: readonly number[]) => x.reduce((s, xi) => s + (xi - 0.3) ** 2, 0);
const rosenbrock = (x: readonly number[]) => 100 * ((x[1] as number) - (x[0] as number) ** 2) ** 2 + (1 - (x[0] as number)) ** 2;

describe('CMA-ES', () => {
  it('reflects into a box at its faces', () => {
    expect(reflect(0.5, 0, 1)).toBe(0.5);
    expect(reflect(1.25, 0, 1)).toBeCloseTo(0.75);
    expect(reflect(-0.25, 0, 1)).toBeCloseTo(0.25);
    expect(reflect(2.25, 0, 1)).toBeCloseTo(0.25);
    expect(reflect(-1.75, 0, 1)).toBeCloseTo(0.25);
    expect(reflect(7, 3, 3)).toBe(3);
  });

  it('decomposes a symmetric matrix (C = B diag(d) Bᵀ, B orthonormal)', () => {
    const c = [
      [4, 1, 0.5],
      [1, 3, 0.2],
      [0.5, 0.2, 2],
    ];
    const { values, vectors } = symmetricEigen(c);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let sum = 0;
        let ortho = 0;
        for (let k = 0; k < 3; k++) {
          sum += (vectors[i]![k] as number) * (values[k] as number) * (vectors[j]![k] as number);
          ortho += (vectors[k]![i] as number) * (vectors[k]![j] as number);
        }
        expect(sum).toBeCloseTo(c[i]![j] as number, 10);
        expect(ortho).toBeCloseTo(i === j ? 1 : 0, 10);
      }
    }
    expect(values.reduce((a, b) => a + b, 0)).toBeCloseTo(9, 10);
  });

  it('finds the minimum of a shifted sphere in 1, 2 and 5 dimensions', () => {
    for (const n of [1, 2, 5]) {
      const r = minimize(sphere, { mean: new Array<number>(n).fill(2), sigma: 1, seed: 3, generations: 120 });
      expect(r.f, `n=${n}`).toBeLessThan(1e-8);
      for (const xi of r.x) expect(xi).toBeCloseTo(0.3, 3);
    }
  });

  it('follows the curved valley of Rosenbrock to (1, 1)', () => {
    const r = minimize(rosenbrock, { mean: [-1, 2], sigma: 0.5, seed: 5, generations: 400 });
    expect(r.f).toBeLessThan(1e-6);
    expect(r.x[0]).toBeCloseTo(1, 2);
    expect(r.x[1]).toBeCloseTo(1, 2);
  });

  it('keeps every sample in the box and finds an optimum on its face', () => {
    const lower = [0, 0];
    const upper = [1, 1];
    const es = new CmaEs({ mean: [0.5, 0.5], sigma: 0.5, lower, upper, seed: 2 });
    // Best at x = (1, 0.25): outside on the first coordinate, so the box's face is the answer.
    const f = (x: readonly number[]) => ((x[0] as number) - 1.5) ** 2 + ((x[1] as number) - 0.25) ** 2;
    for (let g = 0; g < 80; g++) {
      const points = es.ask();
      for (const p of points) for (const [i, xi] of p.entries()) expect(xi >= (lower[i] as number) && xi <= (upper[i] as number)).toBe(true);
      es.tell(points.map(f));
    }
    expect(es.best?.x[0]).toBeGreaterThan(0.99);
    expect(es.best?.x[1]).toBeCloseTo(0.25, 2);
  });

  it('is reproducible from its seed and differs across seeds', () => {
    const a = new CmaEs({ mean: [0, 0], sigma: 1, seed: 9 }).ask();
    const b = new CmaEs({ mean: [0, 0], sigma: 1, seed: 9 }).ask();
    const c = new CmaEs({ mean: [0, 0], sigma: 1, seed: 10 }).ask();
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a).toHaveLength(4 + Math.floor(3 * Math.log(2)));
  });

  it('refuses tell() of the wrong length or without ask()', () => {
    const es = new CmaEs({ mean: [0], sigma: 1 });
    expect(() => es.tell([1])).toThrow(/without ask/);
    es.ask();
    expect(() => es.tell([1])).toThrow(/needs 4 values/);
  });
});
