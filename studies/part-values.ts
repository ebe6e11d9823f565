/**
 * What a grid's part keeps beside its files for the merge (studies/grid.ts): each episode's
 * metrics, measures and principals' payoffs in binary, and the summary of a chunked cell made
 * again from them, as the runner makes it playing the cell's episodes in order.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CellValues } from './effects.ts';
import { RunningStat, type MetricSummary } from './metrics.ts';
import type { EpisodeResult, TreatmentSummary } from './runner.ts';
import type { Treatment } from './spec.ts';

/** A part's per-episode values by name, in the order the names first appeared (NaN where an episode has none). */
export interface Series {
  readonly episodes: number;
  readonly metrics: ReadonlyMap<string, Float64Array>;
  readonly measures: ReadonlyMap<string, Float64Array>;
  /** Each principal's payoff (a study with principals). */
  readonly principals: ReadonlyMap<string, Float64Array>;
}

const KINDS = ['metrics', 'measures', 'principals'] as const;

/**
 * A part's per-episode metrics, measures and principals' payoffs, kept in binary beside it
 * (values.json names them, values.bin holds one float64 column per name, NaN where an episode
 * has none), so the merge reads the effects' and a chunked cell's summary's inputs without
 * parsing episodes.csv. A whole cell's part without them (its process stopped between the
 * two writes) is read from its CSV instead; a chunk without them is played again.
 */
export class PartValues {
  readonly #series = { metrics: new Map<string, number[]>(), measures: new Map<string, number[]>(), principals: new Map<string, number[]>() };
  #episodes = 0;

  /** The next episode's values (episodes come in order). */
  push(episode: EpisodeResult): void {
    const at = this.#episodes++;
    const add = (kind: (typeof KINDS)[number], name: string, value: number) => {
      let series = this.#series[kind].get(name);
      if (!series) this.#series[kind].set(name, (series = []));
      series[at] = value;
    };
    for (const name in episode.metrics) add('metrics', name, episode.metrics[name] as number);
    for (const name in episode.measures) add('measures', name, episode.measures[name] as number);
    for (const name in episode.principals) add('principals', name, episode.principals[name] as number);
  }

  write(dir: string): void {
    const names = { metrics: [...this.#series.metrics.keys()], measures: [...this.#series.measures.keys()], principals: [...this.#series.principals.keys()] };
    const columns = KINDS.flatMap((kind) => names[kind].map((n) => this.#series[kind].get(n)));
    const data = new Float64Array(columns.length * this.#episodes).fill(Number.NaN);
    columns.forEach((series, c) => series?.forEach((x, e) => (data[c * this.#episodes + e] = x)));
    writeFileSync(join(dir, 'values.bin'), new Uint8Array(data.buffer));
    writeFileSync(join(dir, 'values.json'), `${JSON.stringify({ episodes: this.#episodes, ...names })}\n`);
  }

  /** How many episodes a part's values hold, from values.json and the size of values.bin (not read); null when it has none that match. */
  static episodes(dir: string): number | null {
    const meta = PartValues.#meta(dir);
    return meta && statSync(join(dir, 'values.bin')).size === meta.bytes ? meta.episodes : null;
  }

  /** A part's values.json, and the size its values.bin has when it matches; null without both files. */
  static #meta(dir: string): { episodes: number; names: Record<(typeof KINDS)[number], string[]>; bytes: number } | null {
    const meta = join(dir, 'values.json');
    if (!existsSync(meta) || !existsSync(join(dir, 'values.bin'))) return null;
    const parsed = JSON.parse(readFileSync(meta, 'utf8')) as { episodes: number; metrics: string[]; measures: string[]; principals?: string[] };
    const names = { metrics: parsed.metrics, measures: parsed.measures, principals: parsed.principals ?? [] };
    const width = names.metrics.length + names.measures.length + names.principals.length;
    return { episodes: parsed.episodes, names, bytes: 8 * parsed.episodes * width };
  }

  /** A part's series from its values.json and values.bin; null when it has none (or they do not match). */
  static read(dir: string): Series | null {
    const meta = PartValues.#meta(dir);
    if (!meta) return null;
    const { episodes, names } = meta;
    const bytes = readFileSync(join(dir, 'values.bin'));
    if (bytes.length !== meta.bytes) return null;
    const data = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    let c = 0;
    const columns = (list: readonly string[]) => new Map(list.map((name) => [name, data.subarray(c * episodes, ++c * episodes)]));
    return { episodes, metrics: columns(names.metrics), measures: columns(names.measures), principals: columns(names.principals) };
  }

  /** The series of a cell's chunks one after the other; a name a chunk lacks is NaN there. */
  static concat(parts: readonly Series[]): Series {
    const episodes = parts.reduce((n, p) => n + p.episodes, 0);
    const joined = (kind: (typeof KINDS)[number]) => {
      const out = new Map<string, Float64Array>();
      let at = 0;
      for (const part of parts) {
        for (const [name, series] of part[kind]) {
          let into = out.get(name);
          if (!into) out.set(name, (into = new Float64Array(episodes).fill(Number.NaN)));
          into.set(series, at);
        }
        at += part.episodes;
      }
      return out;
    };
    return { episodes, metrics: joined('metrics'), measures: joined('measures'), principals: joined('principals') };
  }

  /** Hands a cell's series to the effects. */
  static into(values: CellValues, cell: string, series: Series): void {
    // NaN stands for undefined and for missing alike: the effects leave out both.
    for (const [name, column] of series.metrics) values.column(cell, 'metrics', name, column);
    for (const [name, column] of series.measures) values.column(cell, 'measures', name, column);
  }
}

/**
 * A chunked cell's summary from its episodes' values, as the runner makes it playing the
 * cell's episodes in order: each metric's running summary fed episode by episode (NaN is left
 * out, as the runner leaves it out), in the order the names first appeared; the benchmarks are
 * its first chunk's (they depend on the config alone).
 */
export function chunkedSummary(cell: Treatment, first: TreatmentSummary, series: Series): TreatmentSummary {
  // A MetricSet's summary, column by column: one running summary per name, in the order the names first appeared.
  const feed = (columns: ReadonlyMap<string, Float64Array>) => {
    const out: Record<string, MetricSummary> = {};
    for (const [name, column] of columns) {
      const stat = new RunningStat();
      for (const x of column) stat.push(x);
      out[name] = stat.summary();
    }
    return out;
  };
  const principals = first.principals?.map((p) => {
    const stat = new RunningStat();
    for (const x of series.principals.get(p.principal) ?? []) stat.push(x);
    return { principal: p.principal, seats: p.seats, payoff: stat.summary() };
  });
  return { name: cell.name, episodes: series.episodes, metrics: feed(series.metrics), measures: feed(series.measures), benchmarks: first.benchmarks, ...(principals ? { principals } : {}) };
}
