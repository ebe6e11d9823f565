/**
 * One streaming pass over each row file, gathering only what the plots need: uniform
 * samples (at most PLOT_POINTS points a plot, seeded, so a rebuild draws the same ones)
 * and running sums per treatment and round. A million-row CSV is never held in memory.
 */
import { csvNumber, openCsv, Reservoir, seededUniform } from '../read-rows.ts';

/** The most points any one plot draws. */
export const PLOT_POINTS = 5000;
/** Scatter plots draw fewer: each point is an SVG element. */
export const SCATTER_POINTS = 2000;
/** Series with more rounds than this are averaged over consecutive rounds. */
export const MAX_ROUND_BUCKETS = 400;

/** Count, mean and a normal 95% interval of the mean, from running sums. */
export interface PointStat {
  readonly n: number;
  readonly mean: number;
  /** null with fewer than two values. */
  readonly lo: number | null;
  readonly hi: number | null;
}

class Sums {
  n = 0;
  sum = 0;
  sumsq = 0;
  add(x: number): void {
    this.n++;
    this.sum += x;
    this.sumsq += x * x;
  }
  merge(o: Sums): void {
    this.n += o.n;
    this.sum += o.sum;
    this.sumsq += o.sumsq;
  }
  stat(): PointStat {
    const mean = this.sum / this.n;
    if (this.n < 2) return { n: this.n, mean, lo: null, hi: null };
    const variance = Math.max(0, (this.sumsq - this.n * mean * mean) / (this.n - 1));
    const half = 1.96 * Math.sqrt(variance / this.n);
    return { n: this.n, mean, lo: mean - half, hi: mean + half };
  }
}

/** A point of a per-round series: treatment, series (a seat, a band edge...), x (round or the middle of a range of rounds). */
export interface SeriesPoint extends PointStat {
  readonly treatment: string;
  readonly series: string;
  readonly x: number;
}

/**
 * Running sums per treatment, series and round; once any series has more than
 * MAX_ROUND_BUCKETS rounds, consecutive rounds are merged (the width doubles), so a
 * million-period session still plots as a few hundred points.
 */
export class RoundSeries {
  width = 1;
  maxRound = 0;
  readonly #buckets = new Map<string, Map<number, Sums>>();
  readonly #keys = new Map<string, { treatment: string; series: string }>();
  readonly #bucketLimit: number;

  constructor(bucketLimit = MAX_ROUND_BUCKETS) {
    this.#bucketLimit = bucketLimit;
  }

  add(treatment: string, series: string, round: number, value: number): void {
    const key = `${treatment}\u0001${series}`;
    let buckets = this.#buckets.get(key);
    if (!buckets) {
      buckets = new Map();
      this.#buckets.set(key, buckets);
      this.#keys.set(key, { treatment, series });
    }
    if (round > this.maxRound) this.maxRound = round;
    const b = Math.floor((round - 1) / this.width);
    let sums = buckets.get(b);
    if (!sums) {
      sums = new Sums();
      buckets.set(b, sums);
      if (buckets.size > this.#bucketLimit) this.#coarsen();
    }
    sums.add(value);
  }

  #coarsen(): void {
    this.width *= 2;
    for (const [key, buckets] of this.#buckets) {
      const merged = new Map<number, Sums>();
      for (const [b, sums] of buckets) {
        const to = Math.floor(b / 2);
        const into = merged.get(to);
        if (into) into.merge(sums);
        else merged.set(to, sums);
      }
      this.#buckets.set(key, merged);
    }
  }

  get empty(): boolean {
    return this.#buckets.size === 0;
  }

  /** Every point, x being the round (or the middle of the merged rounds). */
  points(): SeriesPoint[] {
    const out: SeriesPoint[] = [];
    for (const [key, buckets] of this.#buckets) {
      const { treatment, series } = this.#keys.get(key) as { treatment: string; series: string };
      for (const b of [...buckets.keys()].sort((x, y) => x - y)) {
        const x = this.width === 1 ? b + 1 : b * this.width + (this.width + 1) / 2;
        out.push({ treatment, series, x, ...(buckets.get(b) as Sums).stat() });
      }
    }
    return out;
  }
}

/** Samples of a treatment: at most `size` of its items, and how many there were. */
class PerTreatment<T> {
  readonly #size: number;
  readonly #seed: number;
  readonly samples = new Map<string, Reservoir<T>>();

  constructor(total: number, treatments: number, seed: number) {
    this.#size = Math.max(1, Math.floor(total / Math.max(1, treatments)));
    this.#seed = seed;
  }

  of(treatment: string): Reservoir<T> {
    let r = this.samples.get(treatment);
    if (!r) {
      r = new Reservoir<T>(this.#size, this.#seed + this.samples.size);
      this.samples.set(treatment, r);
    }
    return r;
  }

  /** Every kept item with its treatment. */
  all(): { treatment: string; item: T }[] {
    return [...this.samples].flatMap(([treatment, r]) => r.items.map((item) => ({ treatment, item })));
  }

  seen(treatment: string): number {
    return this.samples.get(treatment)?.seen ?? 0;
  }

  get sampled(): boolean {
    return [...this.samples.values()].some((r) => r.seen > r.items.length);
  }
}

export interface EpisodeData {
  /** The numeric columns sampled (names as in episodes.csv). */
  readonly columns: readonly string[];
  /** Sampled episodes: the treatment and one value per column (null when missing). */
  readonly rows: readonly { readonly treatment: string; readonly values: readonly (number | null)[] }[];
  /** Episodes per treatment in the file. */
  readonly counts: ReadonlyMap<string, number>;
  readonly sampled: boolean;
}

/** episodes.csv: a sample of every metric and measure column, per treatment. */
export function readEpisodes(path: string, treatments: number): EpisodeData {
  const { columns, records } = openCsv(path);
  const skip = new Set(['treatment', 'episode', 'seed']);
  const picked = columns.map((c, i) => ({ c, i })).filter(({ c }) => !skip.has(c));
  const ti = columns.indexOf('treatment');
  const samples = new PerTreatment<(number | null)[]>(PLOT_POINTS, treatments, 11);
  for (const record of records) {
    const treatment = record[ti] ?? '';
    const r = samples.of(treatment);
    const slot = r.slot();
    if (slot >= 0) r.items[slot] = picked.map(({ i }) => csvNumber(record[i]));
  }
  const counts = new Map([...samples.samples].map(([t, r]) => [t, r.seen]));
  return { columns: picked.map(({ c }) => c), rows: samples.all().map(({ treatment, item }) => ({ treatment, values: item })), counts, sampled: samples.sampled };
}

/** How a mechanism's rounds carry a price. */
export type PriceKind =
  /** One price per round, the winner's (auctions: player.won and player.price). */
  | 'auction'
  /** Every trade's price, listed in the buyer's row (double auction: player.prices as `a/b/c`). */
  | 'trades'
  /** Each seat's own choice per round (oligopolies: player.price, player.quantity). */
  | 'seat';

export interface PricePath {
  readonly kind: PriceKind;
  /** The field plotted (price, quantity). */
  readonly field: string;
  readonly series: RoundSeries;
  /** Sampled single values with their round (x jittered for trades, so a cloud shows). */
  readonly points: readonly { readonly treatment: string; readonly round: number; readonly x: number; readonly value: number }[];
  readonly sampled: boolean;
}

export interface RoundData {
  readonly rows: number;
  /** Sampled (value, bid) pairs of sealed-bid auctions. */
  readonly bids: readonly { readonly treatment: string; readonly value: number; readonly bid: number; readonly won: boolean }[] | null;
  readonly bidsSampled: boolean;
  readonly paths: readonly PricePath[];
  /** The competitive price range per round (double auction: player.ce_price_low, player.ce_price_high), as series `low` and `high`. */
  readonly ceBand: RoundSeries | null;
  /** Contribution / endowment per round (public goods). */
  readonly contribution: RoundSeries | null;
}

/** rounds.csv: bids against values, price paths, the competitive band and contributions by round. */
export function readRounds(path: string, treatments: number): RoundData {
  const { columns, records } = openCsv(path);
  const at = (name: string) => columns.indexOf(name);
  const ti = at('treatment');
  const ri = at('round');
  const seatI = at('participant.seat');
  const roleI = at('participant.role');
  const valueI = at('player.value');
  const bidI = at('player.bid');
  const wonI = at('player.won');
  const priceI = at('player.price');
  const pricesI = at('player.prices');
  const quantityI = at('player.quantity');
  const ceLowI = at('player.ce_price_low');
  const ceHighI = at('player.ce_price_high');
  const contributionI = at('player.contribution');
  const endowmentI = at('player.endowment');

  const bids = valueI >= 0 && bidI >= 0 ? new PerTreatment<{ value: number; bid: number; won: boolean }>(SCATTER_POINTS, treatments, 21) : null;
  const jitter = seededUniform(31);
  interface Path {
    kind: PriceKind;
    field: string;
    index: number;
    series: RoundSeries;
    points: PerTreatment<{ round: number; x: number; value: number }>;
  }
  const paths: Path[] = [];
  const track = (kind: PriceKind, field: string, index: number, seed: number) => paths.push({ kind, field, index, series: new RoundSeries(), points: new PerTreatment(SCATTER_POINTS, treatments, seed) });
  if (wonI >= 0 && priceI >= 0) track('auction', 'price', priceI, 41);
  else if (pricesI >= 0) track('trades', 'price', pricesI, 42);
  else {
    if (priceI >= 0 && seatI >= 0) track('seat', 'price', priceI, 43);
    if (quantityI >= 0 && seatI >= 0) track('seat', 'quantity', quantityI, 44);
  }
  const ceBand = ceLowI >= 0 && ceHighI >= 0 ? new RoundSeries() : null;
  const contribution = contributionI >= 0 && endowmentI >= 0 ? new RoundSeries() : null;

  let rows = 0;
  for (const record of records) {
    rows++;
    const treatment = record[ti] ?? '';
    const round = csvNumber(record[ri]) ?? 1;
    if (bids) {
      const value = csvNumber(record[valueI]);
      const bid = csvNumber(record[bidI]);
      if (value !== null && bid !== null) {
        const r = bids.of(treatment);
        const slot = r.slot();
        if (slot >= 0) r.items[slot] = { value, bid, won: record[wonI] === '1' || record[wonI] === 'true' };
      }
    }
    for (const p of paths) {
      if (p.kind === 'auction') {
        if (record[wonI] !== '1' && record[wonI] !== 'true') continue;
        const price = csvNumber(record[p.index]);
        if (price === null) continue;
        p.series.add(treatment, treatment, round, price);
        const r = p.points.of(treatment);
        const slot = r.slot();
        if (slot >= 0) r.items[slot] = { round, x: round, value: price };
      } else if (p.kind === 'trades') {
        // Each trade is in the buyer's row and the seller's: count it once, from the buyer's.
        if (roleI >= 0 && record[roleI] !== 'buyer') continue;
        const cell = record[p.index] ?? '';
        if (cell === '') continue;
        for (const part of cell.split('/')) {
          const price = csvNumber(part);
          if (price === null) continue;
          p.series.add(treatment, treatment, round, price);
          const r = p.points.of(treatment);
          const slot = r.slot();
          if (slot >= 0) r.items[slot] = { round, x: round + (jitter() - 0.5) * 0.6, value: price };
        }
      } else {
        const value = csvNumber(record[p.index]);
        if (value === null) continue;
        p.series.add(treatment, record[seatI] ?? '', round, value);
      }
    }
    if (ceBand && (roleI < 0 || record[roleI] === 'buyer')) {
      const low = csvNumber(record[ceLowI]);
      const high = csvNumber(record[ceHighI]);
      if (low !== null && high !== null) {
        ceBand.add(treatment, 'low', round, low);
        ceBand.add(treatment, 'high', round, high);
      }
    }
    if (contribution) {
      const c = csvNumber(record[contributionI]);
      const e = csvNumber(record[endowmentI]);
      if (c !== null && e !== null && e > 0) contribution.add(treatment, treatment, round, c / e);
    }
  }
  return {
    rows,
    bids: bids ? bids.all().map(({ treatment, item }) => ({ treatment, ...item })) : null,
    bidsSampled: bids?.sampled ?? false,
    paths: paths
      .filter((p) => !p.series.empty)
      .map((p) => ({ kind: p.kind, field: p.field, series: p.series, points: p.points.all().map(({ treatment, item }) => ({ treatment, ...item })), sampled: p.points.sampled })),
    ceBand: ceBand && !ceBand.empty ? ceBand : null,
    contribution: contribution && !contribution.empty ? contribution : null,
  };
}

export interface LearningData {
  /** Seats with a `cycle.<seat>.<param>` column, and that param (price, else the first one). */
  readonly seats: readonly string[];
  readonly param: string | null;
  readonly rows: readonly {
    readonly treatment: string;
    readonly gain: number | null;
    readonly cycleLength: number | null;
    readonly periods: number | null;
    /** Mean of the param on the cycle, per seat (in `seats` order). */
    readonly values: readonly (number | null)[];
  }[];
  readonly sampled: boolean;
  /** Per treatment: episodes, how many converged, mean periods, and the count of each cycle length. */
  readonly byTreatment: ReadonlyMap<string, { episodes: number; converged: number; periods: number; lengths: Map<number, number> }>;
}

/** The seats and the action parameter of `<seat>.<param>` columns (`prefix` before the seat): price when there is one. */
function seatColumns(columns: readonly string[], prefix: string): { seats: string[]; param: string | null } {
  const pattern = new RegExp(`^${prefix.replace('.', '\\.')}(p\\d+)\\.([A-Za-z_][\\w]*)$`);
  const seats: string[] = [];
  const params: string[] = [];
  for (const c of columns) {
    const m = pattern.exec(c);
    if (!m || m[2] === 'reward') continue;
    if (!seats.includes(m[1] as string)) seats.push(m[1] as string);
    if (!params.includes(m[2] as string)) params.push(m[2] as string);
  }
  return { seats, param: params.includes('price') ? 'price' : (params[0] ?? null) };
}

/** learning.csv: the limit cycle of every episode. */
export function readLearning(path: string, treatments: number): LearningData {
  const { columns, records } = openCsv(path);
  const at = (name: string) => columns.indexOf(name);
  const { seats, param } = seatColumns(columns, 'cycle.');
  const seatIndex = seats.map((s) => at(`cycle.${s}.${param}`));
  const [ti, gi, li, pi, ci] = [at('treatment'), at('cycle_profit_gain'), at('cycle_length'), at('periods'), at('converged')];
  const sample = new PerTreatment<LearningData['rows'][number]>(PLOT_POINTS, treatments, 51);
  const byTreatment = new Map<string, { episodes: number; converged: number; periods: number; lengths: Map<number, number> }>();
  for (const record of records) {
    const treatment = record[ti] ?? '';
    const cycleLength = csvNumber(record[li]);
    const periods = csvNumber(record[pi]);
    let t = byTreatment.get(treatment);
    if (!t) {
      t = { episodes: 0, converged: 0, periods: 0, lengths: new Map() };
      byTreatment.set(treatment, t);
    }
    t.episodes++;
    if (record[ci] === '1' || record[ci] === 'true') t.converged++;
    t.periods += periods ?? 0;
    if (cycleLength !== null && cycleLength > 0) t.lengths.set(cycleLength, (t.lengths.get(cycleLength) ?? 0) + 1);
    const r = sample.of(treatment);
    const slot = r.slot();
    if (slot >= 0) r.items[slot] = { treatment, gain: csvNumber(record[gi]), cycleLength, periods, values: seatIndex.map((i) => csvNumber(record[i])) };
  }
  return { seats, param, rows: sample.all().map(({ item }) => item), sampled: sample.sampled, byTreatment };
}

export interface ImpulseData {
  readonly seats: readonly string[];
  readonly param: string | null;
  /** Mean of the param per treatment, seat (series) and period τ (x). */
  readonly series: RoundSeries;
  readonly episodes: ReadonlyMap<string, number>;
}

/** impulse.csv: each seat's action after one seat's one-period deviation, per period τ. */
export function readImpulse(path: string): ImpulseData {
  const { columns, records } = openCsv(path);
  const at = (name: string) => columns.indexOf(name);
  const { seats, param } = seatColumns(columns, '');
  const seatIndex = seats.map((s) => at(`${s}.${param}`));
  const [ti, taui] = [at('treatment'), at('tau')];
  // τ runs 0..impulse: never merged (x is τ + 1 inside the series, which counts from 1).
  const series = new RoundSeries(Number.MAX_SAFE_INTEGER);
  const episodes = new Map<string, number>();
  for (const record of records) {
    const treatment = record[ti] ?? '';
    const tau = csvNumber(record[taui]);
    if (tau === null) continue;
    // Every episode's response starts at τ = 0.
    if (tau === 0) episodes.set(treatment, (episodes.get(treatment) ?? 0) + 1);
    seats.forEach((seat, i) => {
      const v = csvNumber(record[seatIndex[i] as number]);
      if (v !== null) series.add(treatment, seat, tau + 1, v);
    });
  }
  return { seats, param, series, episodes };
}
