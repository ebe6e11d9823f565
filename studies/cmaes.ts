/**
 * CMA-ES (Hansen 2016, "The CMA Evolution Strategy: A Tutorial"): the (μ/μ_w, λ) strategy
 * with rank-one and rank-μ covariance updates and cumulative step-size adaptation, for the
 * few continuous parameters of a deviation class. It minimises; box bounds are kept by
 * reflecting every sample into the box (a mirror at each face), and the reflected point is
 * what is evaluated and what the update learns from. Randomness comes from a seeded Rng, so
 * a search is reproducible. Small dimensions only (the eigendecomposition is Jacobi's).
 */
import { Rng, deriveSeed } from '../mechanisms/core/random.ts';

export interface CmaEsOptions {
  /** The starting mean; its length is the dimension. */
  readonly mean: readonly number[];
  /** The starting step size (in the units of the coordinates). */
  readonly sigma: number;
  /** Samples per generation; default 4 + ⌊3 ln n⌋. */
  readonly lambda?: number;
  /** Box bounds per coordinate; samples are reflected into them. */
  readonly lower?: readonly number[];
  readonly upper?: readonly number[];
  readonly seed?: number;
}

/** Folds x into [lo, hi] by mirroring at the faces (periodic with period 2·(hi − lo)). */
export function reflect(x: number, lo: number, hi: number): number {
  if (!(hi > lo)) return lo;
  if (x >= lo && x <= hi) return x;
  const width = hi - lo;
  let t = (x - lo) % (2 * width);
  if (t < 0) t += 2 * width;
  return t <= width ? lo + t : hi - (t - width);
}

/** Eigen decomposition of a symmetric matrix by cyclic Jacobi rotations: C = B diag(d) Bᵀ. */
export function symmetricEigen(c: readonly (readonly number[])[]): { values: number[]; vectors: number[][] } {
  const n = c.length;
  const a = c.map((row) => row.slice());
  const v = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  const at = (m: number[][], i: number, j: number) => (m[i] as number[])[j] as number;
  const set = (m: number[][], i: number, j: number, x: number) => ((m[i] as number[])[j] = x);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += at(a, i, j) ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = at(a, p, q);
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (at(a, q, q) - at(a, p, p)) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const cos = 1 / Math.sqrt(t * t + 1);
        const sin = t * cos;
        for (let k = 0; k < n; k++) {
          const akp = at(a, k, p);
          const akq = at(a, k, q);
          set(a, k, p, cos * akp - sin * akq);
          set(a, k, q, sin * akp + cos * akq);
        }
        for (let k = 0; k < n; k++) {
          const apk = at(a, p, k);
          const aqk = at(a, q, k);
          set(a, p, k, cos * apk - sin * aqk);
          set(a, q, k, sin * apk + cos * aqk);
        }
        for (let k = 0; k < n; k++) {
          const vkp = at(v, k, p);
          const vkq = at(v, k, q);
          set(v, k, p, cos * vkp - sin * vkq);
          set(v, k, q, sin * vkp + cos * vkq);
        }
      }
    }
  }
  return { values: a.map((row, i) => row[i] as number), vectors: v };
}

/** Standard normal draws (Box–Muller) from a seeded Rng. */
class Normal {
  readonly #rng: Rng;
  #spare: number | null = null;
  constructor(rng: Rng) {
    this.#rng = rng;
  }
  next(): number {
    if (this.#spare !== null) {
      const s = this.#spare;
      this.#spare = null;
      return s;
    }
    const u = 1 - this.#rng.float();
    const w = this.#rng.float();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spare = r * Math.sin(2 * Math.PI * w);
    return r * Math.cos(2 * Math.PI * w);
  }
}

/** One CMA-ES run: ask() a generation of points, tell() their values (lower is better), repeat. */
export class CmaEs {
  readonly n: number;
  readonly lambda: number;
  readonly mu: number;
  readonly #weights: number[];
  readonly #muEff: number;
  readonly #cSigma: number;
  readonly #dSigma: number;
  readonly #cc: number;
  readonly #c1: number;
  readonly #cMu: number;
  readonly #chiN: number;
  readonly #lower: readonly number[] | null;
  readonly #upper: readonly number[] | null;
  readonly #normal: Normal;
  #mean: number[];
  #sigma: number;
  #c: number[][];
  #b: number[][];
  #d: number[];
  #pSigma: number[];
  #pc: number[];
  #generation = 0;
  #asked: number[][] | null = null;
  #best: { x: number[]; f: number } | null = null;

  constructor(options: CmaEsOptions) {
    const n = options.mean.length;
    if (n < 1) throw new RangeError('CMA-ES needs at least one coordinate');
    if (!(options.sigma > 0)) throw new RangeError('CMA-ES needs a positive step size');
    this.n = n;
    this.lambda = Math.max(2, options.lambda ?? 4 + Math.floor(3 * Math.log(n)));
    this.mu = Math.floor(this.lambda / 2);
    const raw = Array.from({ length: this.mu }, (_, i) => Math.log(this.mu + 0.5) - Math.log(i + 1));
    const sum = raw.reduce((a, b) => a + b, 0);
    this.#weights = raw.map((w) => w / sum);
    this.#muEff = 1 / this.#weights.reduce((a, w) => a + w * w, 0);
    const mueff = this.#muEff;
    this.#cSigma = (mueff + 2) / (n + mueff + 5);
    this.#dSigma = 1 + 2 * Math.max(0, Math.sqrt((mueff - 1) / (n + 1)) - 1) + this.#cSigma;
    this.#cc = (4 + mueff / n) / (n + 4 + (2 * mueff) / n);
    this.#c1 = 2 / ((n + 1.3) ** 2 + mueff);
    this.#cMu = Math.min(1 - this.#c1, (2 * (mueff - 2 + 1 / mueff)) / ((n + 2) ** 2 + mueff));
    this.#chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
    this.#lower = options.lower ?? null;
    this.#upper = options.upper ?? null;
    if ((this.#lower && this.#lower.length !== n) || (this.#upper && this.#upper.length !== n)) throw new RangeError('bounds must have one entry per coordinate');
    this.#normal = new Normal(Rng.fromSeed(deriveSeed(options.seed ?? 1, 0xc3a)));
    this.#mean = this.#bounded(options.mean.slice());
    this.#sigma = options.sigma;
    this.#c = identity(n);
    this.#b = identity(n);
    this.#d = new Array<number>(n).fill(1);
    this.#pSigma = new Array<number>(n).fill(0);
    this.#pc = new Array<number>(n).fill(0);
  }

  get mean(): readonly number[] {
    return this.#mean;
  }
  get sigma(): number {
    return this.#sigma;
  }
  get generation(): number {
    return this.#generation;
  }
  /** The best point told so far and its value. */
  get best(): { readonly x: readonly number[]; readonly f: number } | null {
    return this.#best;
  }

  #bounded(x: number[]): number[] {
    const lo = this.#lower;
    const hi = this.#upper;
    if (!lo && !hi) return x;
    return x.map((xi, i) => reflect(xi, lo ? (lo[i] as number) : -Infinity, hi ? (hi[i] as number) : Infinity));
  }

  /** λ new points: m + σ·B·D·z with z standard normal, reflected into the bounds. */
  ask(): number[][] {
    const n = this.n;
    const points: number[][] = [];
    for (let k = 0; k < this.lambda; k++) {
      const z = Array.from({ length: n }, () => this.#normal.next());
      const dz = z.map((zi, i) => (this.#d[i] as number) * zi);
      const y = Array.from({ length: n }, (_, i) => dot(this.#b[i] as number[], dz));
      points.push(this.#bounded(y.map((yi, i) => (this.#mean[i] as number) + this.#sigma * yi)));
    }
    this.#asked = points;
    return points.map((p) => p.slice());
  }

  /** The values of the points the last ask() gave, in the same order (lower is better). */
  tell(values: readonly number[]): void {
    const points = this.#asked;
    if (!points) throw new Error('tell() without ask()');
    if (values.length !== points.length) throw new RangeError(`tell() needs ${points.length} values, got ${values.length}`);
    this.#asked = null;
    const n = this.n;
    const order = values.map((f, i) => ({ f: Number.isNaN(f) ? Infinity : f, i })).sort((a, b) => a.f - b.f || a.i - b.i);
    const top = order[0] as { f: number; i: number };
    if (!this.#best || top.f < this.#best.f) this.#best = { x: (points[top.i] as number[]).slice(), f: top.f };
    const old = this.#mean;
    // Steps of the selected points in units of σ (of the reflected points, which is what was evaluated).
    const ys = order.slice(0, this.mu).map(({ i }) => (points[i] as number[]).map((x, j) => (x - (old[j] as number)) / this.#sigma));
    const yw = new Array<number>(n).fill(0);
    ys.forEach((y, k) => y.forEach((yj, j) => (yw[j] = (yw[j] as number) + (this.#weights[k] as number) * yj)));
    this.#mean = this.#bounded(old.map((m, j) => m + this.#sigma * (yw[j] as number)));
    // C^(−1/2)·y_w = B·D⁻¹·Bᵀ·y_w
    const bty = Array.from({ length: n }, (_, i) => this.#b.reduce((s, row, k) => s + (row[i] as number) * (yw[k] as number), 0));
    const scaled = bty.map((x, i) => x / (this.#d[i] as number));
    const invSqrtY = Array.from({ length: n }, (_, i) => dot(this.#b[i] as number[], scaled));
    const cs = this.#cSigma;
    this.#pSigma = this.#pSigma.map((p, i) => (1 - cs) * p + Math.sqrt(cs * (2 - cs) * this.#muEff) * (invSqrtY[i] as number));
    const normPs = Math.sqrt(dot(this.#pSigma, this.#pSigma));
    this.#generation++;
    const hSigma = normPs / Math.sqrt(1 - (1 - cs) ** (2 * this.#generation)) / this.#chiN < 1.4 + 2 / (n + 1) ? 1 : 0;
    const cc = this.#cc;
    this.#pc = this.#pc.map((p, i) => (1 - cc) * p + hSigma * Math.sqrt(cc * (2 - cc) * this.#muEff) * (yw[i] as number));
    const c1 = this.#c1;
    const cMu = this.#cMu;
    const deltaH = (1 - hSigma) * cc * (2 - cc);
    this.#c = this.#c.map((row, i) =>
      row.map((cij, j) => {
        let rankMu = 0;
        ys.forEach((y, k) => (rankMu += (this.#weights[k] as number) * (y[i] as number) * (y[j] as number)));
        return (1 - c1 - cMu) * cij + c1 * ((this.#pc[i] as number) * (this.#pc[j] as number) + deltaH * cij) + cMu * rankMu;
      }),
    );
    this.#sigma *= Math.exp((cs / this.#dSigma) * (normPs / this.#chiN - 1));
    // Symmetric by construction; keep it so against rounding, then refresh B and D.
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) (this.#c[i] as number[])[j] = (this.#c[j] as number[])[i] as number;
    const { values: eig, vectors } = symmetricEigen(this.#c);
    this.#b = vectors;
    this.#d = eig.map((e) => Math.sqrt(Math.max(e, 1e-20)));
  }
}

const identity = (n: number): number[][] => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
const dot = (a: readonly number[], b: readonly number[]): number => a.reduce((s, x, i) => s + x * (b[i] as number), 0);

/** Minimises f with CMA-ES for a number of generations; returns the best point seen. */
export function minimize(f: (x: readonly number[]) => number, options: CmaEsOptions & { readonly generations: number }): { x: readonly number[]; f: number; evaluations: number } {
  const es = new CmaEs(options);
  let evaluations = 0;
  for (let g = 0; g < options.generations; g++) {
    const points = es.ask();
    es.tell(points.map((p) => f(p)));
    evaluations += points.length;
  }
  const best = es.best as { x: readonly number[]; f: number };
  return { x: best.x, f: best.f, evaluations };
}
