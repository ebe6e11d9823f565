/**
 * The harness's metrics. Per episode: revenue, efficiency, welfare, individual-
 * rationality violations, Gini of payoffs, rejections; beside them, in a namespace of
 * their own, the measures the mechanism declares. Per treatment: streamed mean, sd and a
 * t-based 95% confidence interval, so memory stays flat however many episodes run.
 */
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import type { Outcome, ParticipantRound } from '../mechanisms/core/types.ts';

/** Scratch space of gini(), reused: it runs once per episode on a handful of seats. */
let scratch = new Float64Array(64);

/** Gini coefficient of non-negative amounts (negatives count as 0); 0 when all are 0. */
export function gini(amounts: readonly number[]): number {
  const n = amounts.length;
  if (scratch.length < n) scratch = new Float64Array(n);
  const xs = scratch.subarray(0, n);
  for (let i = 0; i < n; i++) xs[i] = Math.max(0, amounts[i] as number);
  // Insertion sort: fastest for the few seats of an episode (the typed array's sort for many).
  if (n <= 32) {
    for (let i = 1; i < n; i++) {
      const x = xs[i] as number;
      let j = i - 1;
      while (j >= 0 && (xs[j] as number) > x) {
        xs[j + 1] = xs[j] as number;
        j--;
      }
      xs[j + 1] = x;
    }
  } else xs.sort();
  let total = 0;
  let weighted = 0;
  for (let i = 0; i < n; i++) {
    const x = xs[i] as number;
    total += x;
    weighted += (i + 1) * x;
  }
  if (n === 0 || total === 0) return 0;
  return (2 * weighted) / (n * total) - (n + 1) / n;
}

/** Counts participant-rounds below their outside option, from each closed round's rows. */
export class IrCount {
  rows = 0;
  violations = 0;

  add(rows: readonly ParticipantRound[]): void {
    for (const row of rows) {
      this.rows++;
      if (row.payoff < row.outside - 1e-9) this.violations++;
    }
  }
}

/** The harness's metrics, by name: a namespace of their own, beside the mechanism's declared measures. */
export const HARNESS_METRICS = ['revenue', 'welfare', 'efficiency', 'ir_violation_rate', 'gini', 'rejections'] as const;

/**
 * The metrics of one episode, by name, and the mechanism's measures apart. NaN marks a
 * value that is undefined here (efficiency with no surplus to gain, a mean price without trades).
 */
export function episodeMetrics(outcome: Outcome, rejections: number, ir: IrCount): { metrics: Record<string, number>; measures: Record<string, number> } {
  const metrics: Record<string, number> = {
    revenue: outcome.revenue,
    welfare: outcome.welfare,
    efficiency: outcome.maxWelfare > 0 ? outcome.welfare / outcome.maxWelfare : Number.NaN,
    ir_violation_rate: ir.rows ? ir.violations / ir.rows : 0,
    gini: gini(Object.values(outcome.payoffs)),
    rejections,
  };
  const measures: Record<string, number> = {};
  for (const name in outcome.measures) measures[name] = outcome.measures[name] ?? Number.NaN;
  return { metrics, measures };
}

export interface MetricSummary {
  readonly mean: number;
  readonly sd: number;
  readonly ci95: readonly [number, number];
  readonly n: number;
}

/** Welford's streaming mean and variance; NaN values are skipped and not counted. */
export class RunningStat {
  #n = 0;
  #mean = 0;
  #m2 = 0;

  push(x: number): void {
    if (Number.isNaN(x)) return;
    this.#n++;
    const d = x - this.#mean;
    this.#mean += d / this.#n;
    this.#m2 += d * (x - this.#mean);
  }

  summary(): MetricSummary {
    const n = this.#n;
    if (n === 0) return { mean: Number.NaN, sd: Number.NaN, ci95: [Number.NaN, Number.NaN], n };
    const sd = n > 1 ? Math.sqrt(this.#m2 / (n - 1)) : 0;
    const half = n > 1 ? tQuantile(0.975, n - 1) * (sd / Math.sqrt(n)) : 0;
    return { mean: this.#mean, sd, ci95: [this.#mean - half, this.#mean + half], n };
  }
}

/** Running summaries of every metric of one treatment. */
export class MetricSet {
  readonly #stats = new Map<string, RunningStat>();

  push(metrics: Readonly<Record<string, number>>): void {
    for (const name in metrics) {
      let stat = this.#stats.get(name);
      if (!stat) {
        stat = new RunningStat();
        this.#stats.set(name, stat);
      }
      stat.push(metrics[name] as number);
    }
  }

  summary(): Record<string, MetricSummary> {
    const out: Record<string, MetricSummary> = {};
    for (const [name, stat] of this.#stats) out[name] = stat.summary();
    return out;
  }
}
