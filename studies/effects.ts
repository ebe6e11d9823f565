/**
 * Main effects of a factorial study. Every cell plays the same episode seeds (common random
 * numbers), so a level's effect is measured episode by episode: for episode e, the difference
 * between the cell with the level and the cell with the factor's reference level (its first),
 * the other factors held fixed, averaged over the other factors' combinations. The effect is
 * the mean of those per-episode differences, with a t-based 95% confidence interval over
 * episodes: a paired comparison, whose interval is as narrow as the shared draws make it.
 */
import { RunningStat, type MetricSummary } from './metrics.ts';
import type { FactorLevels } from './spec.ts';

/** One episode's values of one cell, by name (metrics and measures apart). */
export interface EpisodeValues {
  readonly metrics: Readonly<Record<string, number>>;
  readonly measures: Readonly<Record<string, number>>;
}

/** Per-episode values of every cell of a run, kept for the effects (only studies with factors keep them). */
export class CellValues {
  /** Cell name -> its levels, in the order of the cells. */
  readonly #levels = new Map<string, Readonly<Record<string, string>>>();
  /** Cell name -> 'metrics' | 'measures' -> name -> values by episode (NaN where undefined). */
  readonly #values = new Map<string, { metrics: Map<string, ArrayLike<number>>; measures: Map<string, ArrayLike<number>> }>();

  cell(name: string, levels: Readonly<Record<string, string>>): void {
    this.#levels.set(name, levels);
    this.#values.set(name, { metrics: new Map(), measures: new Map() });
  }

  push(cell: string, episode: number, values: EpisodeValues): void {
    const at = this.#values.get(cell);
    if (!at) throw new Error(`no cell '${cell}'`);
    for (const kind of ['metrics', 'measures'] as const) {
      const into = at[kind];
      for (const name in values[kind]) {
        let series = into.get(name) as number[] | undefined;
        if (!series) {
          series = [];
          into.set(name, series);
        }
        series[episode] = values[kind][name] as number;
      }
    }
  }

  /** A whole series of a cell at once, by episode (NaN where an episode has no value). */
  column(cell: string, kind: 'metrics' | 'measures', name: string, series: ArrayLike<number>): void {
    const at = this.#values.get(cell);
    if (!at) throw new Error(`no cell '${cell}'`);
    at[kind].set(name, series);
  }

  get cells(): readonly string[] {
    return [...this.#levels.keys()];
  }

  levelsOf(cell: string): Readonly<Record<string, string>> {
    return this.#levels.get(cell) ?? {};
  }

  series(cell: string, kind: 'metrics' | 'measures', name: string): ArrayLike<number> | undefined {
    return this.#values.get(cell)?.[kind].get(name);
  }

  /** Every name of a kind, in order of first appearance over the cells. */
  names(kind: 'metrics' | 'measures'): string[] {
    const out: string[] = [];
    for (const v of this.#values.values()) for (const name of v[kind].keys()) if (!out.includes(name)) out.push(name);
    return out;
  }
}

/** A level's main effect against the factor's reference level: the paired difference of every metric and measure. */
export interface LevelEffect {
  readonly level: string;
  readonly versus: string;
  readonly metrics: Readonly<Record<string, MetricSummary>>;
  readonly measures: Readonly<Record<string, MetricSummary>>;
}

export interface FactorEffects {
  readonly factor: string;
  readonly reference: string;
  readonly levels: readonly string[];
  /** How many cells each comparison averages over (the other factors' combinations). */
  readonly pairs: number;
  readonly effects: readonly LevelEffect[];
}

export const EFFECTS_METHOD =
  "Each level against the factor's first level: per episode seed, the difference between the two cells with the other factors held fixed, averaged over the other factors' combinations; mean and t-based 95% confidence interval over episodes. Episodes where either value is undefined (NaN) are left out.";

/** The main effect of every level of every factor (with at least two levels), from the cells' per-episode values. */
export function mainEffects(factors: readonly FactorLevels[], values: CellValues): FactorEffects[] {
  const out: FactorEffects[] = [];
  const cells = values.cells;
  for (const factor of factors) {
    if (factor.levels.length < 2) continue;
    const reference = factor.levels[0] as string;
    // The cells grouped by the levels of the other factors: each group holds one cell per level of this one.
    const groups = new Map<string, Map<string, string>>();
    for (const cell of cells) {
      const levels = values.levelsOf(cell);
      const rest = factors.filter((f) => f.name !== factor.name).map((f) => levels[f.name]).join('\u0000');
      const group = groups.get(rest) ?? new Map<string, string>();
      group.set(levels[factor.name] as string, cell);
      groups.set(rest, group);
    }
    const effects: LevelEffect[] = factor.levels.slice(1).map((level) => {
      const pairs = [...groups.values()].flatMap((g) => {
        const a = g.get(level);
        const b = g.get(reference);
        return a && b ? [[a, b] as const] : [];
      });
      const of = (kind: 'metrics' | 'measures') => {
        const summaries: Record<string, MetricSummary> = {};
        for (const name of values.names(kind)) summaries[name] = pairedDifference(pairs.map(([a, b]) => [values.series(a, kind, name) ?? [], values.series(b, kind, name) ?? []] as const));
        return summaries;
      };
      return { level, versus: reference, metrics: of('metrics'), measures: of('measures') };
    });
    out.push({ factor: factor.name, reference, levels: factor.levels, pairs: groups.size, effects });
  }
  return out;
}

/** Mean over episodes of the per-episode mean difference a − b over the pairs of series, with its interval. */
export function pairedDifference(pairs: readonly (readonly [ArrayLike<number>, ArrayLike<number>])[]): MetricSummary {
  const stat = new RunningStat();
  const episodes = Math.max(0, ...pairs.map(([a, b]) => Math.min(a.length, b.length)));
  for (let e = 0; e < episodes; e++) {
    let sum = 0;
    let n = 0;
    for (const [a, b] of pairs) {
      const x = a[e];
      const y = b[e];
      if (x === undefined || y === undefined || Number.isNaN(x) || Number.isNaN(y)) continue;
      sum += x - y;
      n++;
    }
    if (n) stat.push(sum / n);
  }
  return stat.summary();
}
