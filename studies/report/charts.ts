/**
 * The report's plots as Vega-Lite specs, each with a title and a caption in plain words
 * (what a mark is, what an axis measures, what a line means). Pure functions of the data
 * gathered from the folder; rendering is render.ts's.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { MetricSummary } from '../metrics.ts';
import type { ExploitLog } from './folder.ts';
import type { EpisodeData, ImpulseData, LearningData, PricePath, RoundData, RoundSeries, SeriesPoint } from './data.ts';
import { compactObject, formatNumber, words } from './format.ts';
import { textWidth } from './text-width.ts';

export interface Figure {
  readonly title: string;
  /** Plain words: what the marks, axes and lines are. */
  readonly caption: string;
  readonly spec: TopLevelSpec;
  /** Takes the page's full width. */
  readonly wide?: boolean;
}

/** A reference value to draw: a benchmark of one treatment's config (or a fixed line such as Δ = 0). */
export interface Reference {
  readonly name: string;
  readonly treatment: string | null;
  readonly value: number;
}

const PALETTE = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#eeca3b', '#9d755d', '#ff9da6', '#79706e'];
const REFERENCE_COLORS = ['#222222', '#8a5a00', '#6a3d9a', '#1f6f5c', '#9b1c31'];
const SMALL_WIDTH = 330;
const WIDE_WIDTH = 940;

/** Each distinct reference name gets a dark color of its own, the same in every plot of the page. */
const referenceColor = (names: readonly string[]) => (name: string) => REFERENCE_COLORS[Math.max(0, names.indexOf(name)) % REFERENCE_COLORS.length] as string;

/**
 * Reference lines drawn as dashed rules with their label written beside them (no legend,
 * so facets need no scale of their own). `axis` is the position channel the value sits on.
 * Rows must carry `kind: 'ref'`, `ref` (the value), `refLabel` and `refColor`.
 */
function referenceRuleLayers(axis: 'x' | 'y', rows: readonly Record<string, unknown>[] = []): unknown[] {
  const filter = { filter: "datum.kind === 'ref'" };
  const color = { field: 'refColor', type: 'nominal', scale: null };
  const position = { [axis]: { field: 'ref', type: 'quantitative' } };
  const rule = { transform: [filter], mark: { type: 'rule', strokeDash: [6, 4], strokeWidth: 1.6, clip: true }, encoding: { ...position, color } };
  const text = { text: { field: 'refLabel' }, color };
  if (axis === 'y') return [rule, { transform: [filter], mark: { type: 'text', align: 'left', baseline: 'bottom', dy: -3, fontSize: 11.5 }, encoding: { ...position, x: { value: 4 }, ...text } }];
  // A line in the right half of the axis is labelled on its left, so the label stays inside the plot (a layer only for a side that has lines).
  return [
    rule,
    ...(rows.some((r) => r.kind === 'ref' && !r.refRight) ? [{ transform: [{ filter: "datum.kind === 'ref' && !datum.refRight" }], mark: { type: 'text', align: 'left', baseline: 'top', dx: 4, fontSize: 11.5 }, encoding: { ...position, y: { value: 1 }, ...text } }] : []),
    ...(rows.some((r) => r.kind === 'ref' && r.refRight) ? [{ transform: [{ filter: "datum.kind === 'ref' && datum.refRight" }], mark: { type: 'text', align: 'right', baseline: 'top', dx: -4, fontSize: 11.5 }, encoding: { ...position, y: { value: 1 }, ...text } }] : []),
  ];
}

/** Reference rows for referenceRuleLayers, one per facet panel (treatment) that has the value. */
function referenceRows(refs: readonly Reference[], panels: readonly string[] | null, extent?: readonly [number, number]): Record<string, unknown>[] {
  const names = [...new Set(refs.map((r) => r.name))];
  const colorOf = referenceColor(names);
  const right = (v: number) => (extent ? v > (extent[0] + extent[1]) / 2 : false);
  const row = (r: Reference, treatment: string | null) => ({ kind: 'ref', treatment, ref: r.value, refLabel: r.name.includes('=') ? r.name : `${words(r.name)} ${formatNumber(r.value)}`, refColor: colorOf(r.name), refRight: right(r.value) });
  if (panels === null) return distinctReferences(refs).map((r) => row(r, null));
  return panels.flatMap((t) => refs.filter((r) => r.treatment === null || r.treatment === t).map((r) => row(r, t)));
}

/**
 * The plot width that leaves a half-page figure room for its row labels (up to `limit` px),
 * so the SVG is drawn at its own size instead of shrunk: between 220 and SMALL_WIDTH.
 */
function fitWidth(labels: readonly string[], limit: number): number {
  const widest = Math.min(limit, Math.max(0, ...labels.map((l) => textWidth(l, 12.5))));
  return Math.round(Math.max(220, Math.min(SMALL_WIDTH, 515 - widest - 56)));
}

/** One color per treatment, the same in every plot. */
export const treatmentColor = (names: readonly string[], title: string | null = 'treatment') => ({
  field: 'treatment',
  type: 'nominal' as const,
  scale: { domain: [...names], range: names.map((_, i) => PALETTE[i % PALETTE.length] as string) },
  legend: names.length > 1 && title ? { title, orient: 'bottom' as const, direction: 'horizontal' as const, columns: 3, symbolOpacity: 1 } : null,
});

const sampleNote = (sampled: boolean, shown: number) => (sampled ? ` A uniform random sample of ${shown.toLocaleString('en-US')} is drawn.` : '');

/** How the plots talk about the row axis of rounds: periods for markets, rounds otherwise. */
export type RoundWord = 'round' | 'period';

/**
 * A metric's mean per treatment with its 95% confidence interval (from summary.json),
 * and the engine's reference values for the treatment's config as ticks.
 */
export function metricByTreatment(label: string, names: readonly string[], summaries: readonly (MetricSummary | undefined)[], references: readonly Reference[], definition?: string, noun = 'treatment'): Figure {
  const rows = names.flatMap((treatment, i) => {
    const m = summaries[i];
    if (!m || m.n === 0 || !Number.isFinite(m.mean)) return [];
    const [lo, hi] = m.ci95;
    return [{ treatment, mean: m.mean, lo: Number.isFinite(lo) ? lo : m.mean, hi: Number.isFinite(hi) ? hi : m.mean, label: `${formatNumber(m.mean)} ± ${formatNumber((hi - lo) / 2)}`, n: m.n }];
  });
  // Long names (a factorial study's cells) get the page's width, so they are not cut short.
  const long = names.some((n) => n.length > 26);
  const plotWidth = long ? 520 : fitWidth(names, 200);
  const y = { field: 'treatment', type: 'nominal' as const, sort: [...names], title: null, axis: { labelLimit: long ? 400 : 200 } };
  const x = { type: 'quantitative' as const, title: label, scale: { zero: false, nice: true, padding: 28 }, axis: { tickCount: long ? 10 : 6 } };
  const refNames = [...new Set(references.map((r) => words(r.name)))];
  const layers: unknown[] = [
    { mark: { type: 'rule', strokeWidth: 2.5 }, encoding: { y, x: { ...x, field: 'lo' }, x2: { field: 'hi' }, color: treatmentColor(names, null) } },
    { mark: { type: 'point', filled: true, size: 80, opacity: 1 }, encoding: { y, x: { ...x, field: 'mean' }, color: treatmentColor(names, null) } },
    { mark: { type: 'text', dy: -12, fontSize: 11, color: '#555' }, encoding: { y, x: { ...x, field: 'mean' }, text: { field: 'label' } } },
  ];
  if (references.length) {
    layers.push({
      data: { values: references.map((r) => ({ ...r, name: words(r.name) })) },
      mark: { type: 'tick', thickness: 2, size: 24 },
      encoding: {
        y,
        x: { ...x, field: 'value' },
        color: { field: 'name', type: 'nominal', title: 'reference value', scale: { domain: refNames, range: REFERENCE_COLORS }, legend: { orient: 'bottom', direction: 'horizontal', symbolType: 'M-0.12,-1H0.12V1H-0.12Z' } },
      },
    });
  }
  const refWords = references.length ? ` Vertical ticks: the reference value for the ${noun} (${refNames.join(', ')}).` : '';
  return {
    title: `${label} by ${noun}`,
    caption: `Dot: the mean over episodes; bar: its 95% confidence interval (number: mean ± half-width).${refWords}${definition ? ` ${definition}` : ''}`,
    spec: {
      width: plotWidth,
      height: Math.max(50, 34 * rows.length),
      data: { values: rows },
      layer: layers,
      resolve: { scale: { color: 'independent' } },
    } as TopLevelSpec,
    wide: long,
  };
}

/** A factorial study's main effects on one metric: each level against its factor's reference, with the paired 95% interval. */
export function effectsChart(label: string, effects: readonly { label: string; summary: MetricSummary }[]): Figure {
  const rows = effects.map(({ label: what, summary: m }) => {
    const [lo, hi] = m.ci95;
    const clear = m.n > 1 && (lo > 0 || hi < 0);
    return { what, mean: m.mean, lo: Number.isFinite(lo) ? lo : m.mean, hi: Number.isFinite(hi) ? hi : m.mean, text: `${formatNumber(m.mean)} [${formatNumber(lo)}, ${formatNumber(hi)}]`, verdict: clear ? 'interval leaves out 0' : 'within noise of 0' };
  });
  const y = { field: 'what', type: 'nominal', sort: rows.map((r) => r.what), title: null, axis: { labelLimit: 240 } };
  const width = fitWidth(rows.map((r) => r.what), 240);
  const x = { type: 'quantitative', title: `effect on ${label}`, scale: { zero: true, nice: true, padding: 28 }, axis: { tickCount: 6 } };
  const verdict = { field: 'verdict', type: 'nominal', title: null, scale: { domain: ['interval leaves out 0', 'within noise of 0'], range: ['#c23b22', '#8a8f94'] }, legend: { orient: 'bottom', direction: 'horizontal' } };
  return {
    title: `Main effects on ${label}`,
    caption: `Bar: a level's main effect on ${label} — the mean over episodes of its difference to the factor's first (reference) level on the same seed, the other factors held fixed and averaged over — with its 95% confidence interval. Red: the interval leaves out the dashed zero line, so the level moves ${label}.`,
    spec: {
      width,
      height: Math.max(50, 34 * rows.length),
      layer: [
        { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', strokeDash: [5, 4], color: '#777' }, encoding: { x: { field: 'zero', type: 'quantitative' } } },
        { data: { values: rows }, mark: { type: 'rule', strokeWidth: 2.5 }, encoding: { y, x: { ...x, field: 'lo' }, x2: { field: 'hi' }, color: verdict } },
        { data: { values: rows }, mark: { type: 'point', filled: true, size: 80, opacity: 1 }, encoding: { y, x: { ...x, field: 'mean' }, color: verdict } },
        { data: { values: rows }, mark: { type: 'text', dy: -12, fontSize: 11, color: '#555' }, encoding: { y, x: { ...x, field: 'mean' }, text: { field: 'text' } } },
      ],
    } as TopLevelSpec,
  };
}

/** Bin settings that suit the values: whole-number steps for counts, about 30 bins otherwise. */
function binFor(values: readonly number[]): { extent: [number, number]; step?: number; maxbins?: number; nice?: boolean } {
  let lo = Infinity;
  let hi = -Infinity;
  let whole = true;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    if (whole && !Number.isInteger(v)) whole = false;
  }
  if (!Number.isFinite(lo)) return { extent: [0, 1], maxbins: 30 };
  // Whole numbers (counts, cycle lengths): one bar per value, centred on it.
  if (whole && hi - lo <= 60) return { extent: [lo - 0.5, hi + 0.5], step: 1, nice: false };
  if (lo === hi) return { extent: [lo - 0.5, hi + 0.5], maxbins: 10 };
  return { extent: [lo, hi], maxbins: 30 };
}

/** A histogram per treatment (one panel each), bars as shares of that treatment's values; optional reference lines per panel. */
function histogramPanels(values: readonly { treatment: string; v: number }[], names: readonly string[], xTitle: string, references: readonly Reference[], percentX = false): TopLevelSpec {
  const present = names.filter((n) => values.some((r) => r.treatment === n));
  // Bins span the reference values too, so a line at Δ = 0 sits on the axis beside the bars.
  const bin = binFor([...values.map((r) => r.v), ...references.map((r) => r.value)]);
  const refRows = referenceRows(references, present, bin.extent);
  const data = [...values.map((r) => ({ kind: 'value', treatment: r.treatment, v: r.v })), ...refRows];
  const xAxis = { title: xTitle, ...(percentX ? { axis: { format: '.0%' } } : {}) };
  const layer: unknown[] = [
    {
      transform: [
        { filter: "datum.kind === 'value'" },
        { bin: { ...bin }, field: 'v', as: ['b0', 'b1'] },
        { aggregate: [{ op: 'count', as: 'k' }], groupby: ['treatment', 'b0', 'b1'] },
        { joinaggregate: [{ op: 'sum', field: 'k', as: 'total' }], groupby: ['treatment'] },
        { calculate: 'datum.k / datum.total', as: 'share' },
      ],
      mark: { type: 'bar', binSpacing: 1, clip: true },
      encoding: {
        x: { field: 'b0', type: 'quantitative', bin: { binned: true }, ...xAxis, ...(bin.step === 1 && !percentX ? { axis: { tickMinStep: 1, format: 'd' } } : {}), scale: bin.nice === false ? { domain: bin.extent } : { zero: false } },
        x2: { field: 'b1' },
        y: { field: 'share', type: 'quantitative', title: null, axis: { format: '.0%', tickCount: 3 } },
        color: treatmentColor(names, null),
      },
    },
    ...(refRows.length ? referenceRuleLayers('x', refRows) : []),
  ];
  return {
    data: { values: data },
    facet: { field: 'treatment', type: 'nominal', sort: present, header: { title: null, labelAnchor: 'start', labelOrient: 'top', labelPadding: 3 } },
    columns: 1,
    spacing: 10,
    spec: { width: SMALL_WIDTH + 90, height: 50, layer },
  } as TopLevelSpec;
}

/** Which episodes.csv columns have any spread (a constant column tells nothing a table does not). */
function varies(data: EpisodeData, column: number): boolean {
  let first: number | null = null;
  for (const r of data.rows) {
    const v = r.values[column];
    if (v === null || v === undefined) continue;
    if (first === null) first = v;
    else if (v !== first) return true;
  }
  return false;
}

/** The distribution of a metric over episodes, one panel per treatment. */
export function distributions(data: EpisodeData, names: readonly string[], columns: readonly string[]): { figures: Figure[]; constant: string[] } {
  const figures: Figure[] = [];
  const constant: string[] = [];
  for (const column of columns) {
    const i = data.columns.indexOf(column);
    if (i < 0) continue;
    if (!varies(data, i)) {
      constant.push(words(column));
      continue;
    }
    const values = data.rows.flatMap((r) => {
      const v = r.values[i];
      return v === null || v === undefined ? [] : [{ treatment: r.treatment, v }];
    });
    const counts = names.map((n) => `${data.counts.get(n) ?? 0}`);
    figures.push({
      title: `${words(column)}: distribution over episodes`,
      caption: `One panel per treatment. A bar's height is the share of the treatment's episodes whose ${words(column)} falls in the bar's range (${counts.join(' / ')} episodes).${sampleNote(data.sampled, values.length)}`,
      spec: histogramPanels(values, names, words(column), []),
    });
  }
  return { figures, constant };
}

const roundAxis = (word: RoundWord, series: RoundSeries) => ({
  title: series.width > 1 ? `${word} (each point: the mean over ${series.width} consecutive ${word}s)` : word,
  axis: { tickMinStep: 1, format: 'd' },
});

const referenceWords = (refs: readonly Reference[]) => (refs.length ? ` Dashed lines: ${[...new Set(refs.map((r) => words(r.name)))].join(', ')} — the engine's reference values for the treatment's config.` : '');

/** Distinct (name, value) references: one line when every treatment shares the value. */
function distinctReferences(refs: readonly Reference[]): Reference[] {
  const seen = new Map<string, Reference>();
  for (const r of refs) {
    const key = `${r.name}\u0001${r.value}`;
    if (!seen.has(key)) seen.set(key, { ...r, treatment: null });
  }
  return [...seen.values()];
}

/** Mean per round of one series per treatment, with a 95% band, and reference lines. */
function seriesByTreatment(points: readonly SeriesPoint[], names: readonly string[], series: RoundSeries, word: RoundWord, yTitle: string, refs: readonly Reference[], percentY = false): TopLevelSpec {
  const x = { field: 'x', type: 'quantitative' as const, ...roundAxis(word, series), scale: { domain: [0.5, series.maxRound + 0.5], nice: false } };
  const yAxis = percentY ? { axis: { format: '.0%' } } : {};
  const showPoints = points.length / Math.max(1, names.length) <= 60;
  const layer: unknown[] = [
    { transform: [{ filter: "datum.kind === 'point' && datum.lo !== null" }], mark: { type: 'area', opacity: 0.18 }, encoding: { x, y: { field: 'lo', type: 'quantitative', title: yTitle, scale: { zero: false }, ...yAxis }, y2: { field: 'hi' }, color: treatmentColor(names) } },
    { transform: [{ filter: "datum.kind === 'point'" }], mark: { type: 'line', strokeWidth: 2, point: showPoints ? { size: 36, filled: true } : false }, encoding: { x, y: { field: 'mean', type: 'quantitative', title: yTitle, ...yAxis }, color: treatmentColor(names) } },
    ...(refs.length ? referenceRuleLayers('y') : []),
  ];
  return { width: WIDE_WIDTH - 160, height: 260, data: { values: [...points.map((p) => ({ kind: 'point', ...p })), ...referenceRows(refs, null)] }, layer } as TopLevelSpec;
}

/** The auction's price per round against the equilibrium price (a histogram of prices when an episode has one round). */
export function auctionPrices(path: PricePath, names: readonly string[], refs: readonly Reference[], word: RoundWord): Figure {
  if (path.series.maxRound <= 1) {
    const values = path.points.map((p) => ({ treatment: p.treatment, v: p.value }));
    return {
      title: 'Price paid per item sold',
      caption: `One panel per treatment. A bar's height is the share of items sold whose price falls in the bar's range.${referenceWords(refs)}${sampleNote(path.sampled, values.length)}`,
      spec: histogramPanels(values, names, 'price paid by the winner', refs),
    };
  }
  return {
    title: `Price per ${word}`,
    caption: `Line: the mean price paid by the winner in each ${word}, over episodes; shaded: its 95% confidence interval.${referenceWords(refs)}`,
    spec: seriesByTreatment(path.series.points(), names, path.series, word, 'price paid by the winner', refs),
    wide: true,
  };
}

/** Double-auction trade prices by period: every trade (a sample) as a dot, the mean, and the competitive price range. */
export function tradePrices(path: PricePath, names: readonly string[], ceBand: RoundSeries | null, word: RoundWord): Figure {
  const means = path.series.points();
  const band = ceBand ? ceBand.points() : [];
  const bandRows = names.flatMap((treatment) => {
    const rounds = [...new Set(band.filter((p) => p.treatment === treatment).map((p) => p.x))];
    return rounds.map((x) => ({
      kind: 'band',
      treatment,
      x0: x - 0.42,
      x1: x + 0.42,
      low: band.find((p) => p.treatment === treatment && p.x === x && p.series === 'low')?.mean ?? null,
      high: band.find((p) => p.treatment === treatment && p.x === x && p.series === 'high')?.mean ?? null,
    }));
  });
  const data = [...bandRows, ...path.points.map((p) => ({ kind: 'trade', treatment: p.treatment, x: p.x, value: p.value })), ...means.map((p) => ({ kind: 'mean', treatment: p.treatment, x: p.x, value: p.mean }))];
  const x = { field: 'x', type: 'quantitative', title: word, scale: { domain: [0.5, path.series.maxRound + 0.5], nice: false }, axis: { tickMinStep: 1, format: 'd', grid: false } };
  const y = { type: 'quantitative', title: 'trade price', scale: { zero: false } };
  const present = names.filter((n) => means.some((p) => p.treatment === n));
  const layer: unknown[] = [
    { transform: [{ filter: "datum.kind === 'band'" }], mark: { type: 'rect', color: '#8c8c8c', opacity: 0.55 }, encoding: { x: { ...x, field: 'x0' }, x2: { field: 'x1' }, y: { ...y, field: 'low' }, y2: { field: 'high' } } },
    { transform: [{ filter: "datum.kind === 'trade'" }], mark: { type: 'circle', size: 13, opacity: 0.45 }, encoding: { x, y: { ...y, field: 'value' }, color: treatmentColor(names, null) } },
    { transform: [{ filter: "datum.kind === 'mean'" }], mark: { type: 'line', color: '#111', strokeWidth: 2, point: { color: '#111', size: 40, filled: true } }, encoding: { x, y: { ...y, field: 'value' } } },
  ];
  return {
    title: `Trade prices by ${word}, against the competitive range`,
    caption: `One panel per treatment. Dots: single trades (spread sideways within their ${word} so they do not hide each other); black line: the mean trade price per ${word}; grey box: the range of competitive-equilibrium prices (from the schedules) — prices inside it clear the market.${sampleNote(path.sampled, path.points.length)}`,
    spec: {
      data: { values: data },
      facet: { field: 'treatment', type: 'nominal', sort: present, header: { title: null, labelAnchor: 'start', labelOrient: 'top' } },
      columns: 2,
      spacing: { row: 14, column: 24 },
      spec: { width: 380, height: 220, layer },
    } as TopLevelSpec,
    wide: true,
  };
}

/** Each seat's own choice (price, quantity) per period: one line per seat, a panel per treatment. */
export function seatSeries(path: PricePath, names: readonly string[], refs: readonly Reference[], word: RoundWord): Figure {
  const points = path.series.points();
  const seats = [...new Set(points.map((p) => p.series))].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)) || a.localeCompare(b));
  const present = names.filter((n) => points.some((p) => p.treatment === n));
  const data = [...points.map((p) => ({ kind: 'seat', ...p })), ...referenceRows(refs, present)];
  const x = { field: 'x', type: 'quantitative', ...roundAxis(word, path.series), scale: { domain: [0.5, path.series.maxRound + 0.5], nice: false } };
  const y = { field: 'mean', type: 'quantitative', title: words(path.field), scale: { zero: false } };
  const seatColor = { field: 'series', type: 'nominal', title: 'seat', scale: { domain: seats, range: seats.map((_, i) => PALETTE[i % PALETTE.length] as string) }, legend: { orient: 'bottom', direction: 'horizontal', symbolOpacity: 1 } };
  const layer: unknown[] = [
    { transform: [{ filter: "datum.kind === 'seat'" }], mark: { type: 'line', strokeWidth: 1.8, point: points.length / Math.max(1, seats.length * present.length) <= 40 }, encoding: { x, y, color: seatColor } },
    ...(refs.length ? referenceRuleLayers('y') : []),
  ];
  return {
    title: `${words(path.field)} per ${word}, by seat`,
    caption: `One panel per treatment. Line: a seat's mean ${words(path.field)} in each ${word}, over episodes.${referenceWords(refs)}`,
    spec: {
      data: { values: data },
      facet: { field: 'treatment', type: 'nominal', sort: present, header: { title: null, labelAnchor: 'start', labelOrient: 'top' } },
      columns: present.length > 1 ? 2 : 1,
      spec: { width: present.length > 1 ? 380 : WIDE_WIDTH - 160, height: 220, layer },
    } as TopLevelSpec,
    wide: true,
  };
}

/** Public goods: the share of the endowment contributed, per round. */
export function contributions(series: RoundSeries, names: readonly string[], word: RoundWord): Figure {
  return {
    title: `Share of the endowment contributed, per ${word}`,
    caption: `Line: the mean over participants and episodes of contribution ÷ endowment in each ${word}; shaded: its 95% confidence interval. 0% is free riding, 100% full cooperation.`,
    spec: seriesByTreatment(series.points(), names, series, word, 'contribution ÷ endowment', [], true),
    wide: true,
  };
}

/** Bids against values, one panel per treatment, with the line where the bid equals the value. */
export function bidsAgainstValues(rounds: RoundData, names: readonly string[]): Figure | null {
  const bids = rounds.bids;
  if (!bids || bids.length === 0) return null;
  const present = names.filter((n) => bids.some((b) => b.treatment === n));
  let top = 0;
  for (const b of bids) top = Math.max(top, b.value, b.bid);
  const data = [...bids.map((b) => ({ kind: 'bid', ...b, outcome: b.won ? 'won' : 'lost' })), ...present.flatMap((treatment) => [{ kind: 'diag', treatment, value: 0, bid: 0 }, { kind: 'diag', treatment, value: top, bid: top }])];
  const x = { field: 'value', type: 'quantitative', title: 'value (what the item is worth to the bidder)', scale: { domain: [0, top], nice: true } };
  const y = { field: 'bid', type: 'quantitative', title: 'bid', scale: { domain: [0, top], nice: true } };
  return {
    title: 'Bids against values',
    caption: `One panel per treatment. Dot: one bidder in one round (filled: the bidder won the item; open: lost); dashed line: bid = value — dots below it shade their bids, dots above it overbid.${sampleNote(rounds.bidsSampled, bids.length)}`,
    spec: {
      data: { values: data },
      facet: { field: 'treatment', type: 'nominal', sort: present, header: { title: null, labelAnchor: 'start', labelOrient: 'top' } },
      columns: present.length > 1 ? 2 : 1,
      spacing: { row: 14, column: 24 },
      spec: {
        width: 330,
        height: 260,
        layer: [
          { transform: [{ filter: "datum.kind === 'diag'" }], mark: { type: 'line', color: '#333', strokeDash: [6, 4], strokeWidth: 1.5 }, encoding: { x, y } },
          {
            transform: [{ filter: "datum.kind === 'bid'" }],
            mark: { type: 'point', size: 16, strokeWidth: 1 },
            encoding: { x, y, color: treatmentColor(names, null), fill: { ...treatmentColor(names, null), condition: { test: "datum.outcome !== 'won'", value: 'transparent' } }, opacity: { value: 0.6 } },
          },
        ],
      },
    } as TopLevelSpec,
    wide: true,
  };
}

/** The impulse response: each seat's action after one seat deviates for one period, with the Nash and collusive levels. */
export function impulseResponse(data: ImpulseData, names: readonly string[], refs: readonly Reference[], deviator: string): Figure | null {
  if (data.series.empty || !data.param) return null;
  const points = data.series.points().map((p) => ({ ...p, tau: p.x - 1 }));
  const present = names.filter((n) => points.some((p) => p.treatment === n));
  const seats = data.seats;
  const rows = [...points.map((p) => ({ kind: 'seat', ...p })), ...referenceRows(refs, present), ...present.map((treatment) => ({ kind: 'deviation', treatment, tau: 1 }))];
  const maxTau = Math.max(...points.map((p) => p.tau));
  const x = { field: 'tau', type: 'quantitative', title: 'periods τ after the deviation (τ = 1: the deviation)', scale: { domain: [0, maxTau], nice: false }, axis: { tickMinStep: 1, format: 'd' } };
  const y = { type: 'quantitative', title: `mean ${words(data.param)}`, scale: { zero: false } };
  const seatColor = { field: 'series', type: 'nominal', title: 'seat', scale: { domain: [...seats], range: seats.map((_, i) => PALETTE[i % PALETTE.length] as string) }, legend: { orient: 'bottom', direction: 'horizontal', symbolOpacity: 1 } };
  const layer: unknown[] = [
    { transform: [{ filter: "datum.kind === 'deviation'" }], mark: { type: 'rule', color: '#999', strokeWidth: 1 }, encoding: { x } },
    { transform: [{ filter: "datum.kind === 'seat' && datum.lo !== null" }], mark: { type: 'area', opacity: 0.15 }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color: seatColor } },
    { transform: [{ filter: "datum.kind === 'seat'" }], mark: { type: 'line', strokeWidth: 2, point: { filled: true, size: 30 } }, encoding: { x, y: { ...y, field: 'mean' }, color: seatColor } },
  ];
  layer.push(...(refs.length ? referenceRuleLayers('y') : []));
  const episodes = present.map((t) => `${data.episodes.get(t) ?? 0}`).join(' / ');
  return {
    title: `Impulse response: ${words(data.param)} after ${deviator} deviates for one period`,
    caption: `From the first period of the learned limit cycle (τ = 0), ${deviator} plays its best one-period reply at τ = 1 (grey line); from τ = 2 every seat plays its learned greedy policy again. Line: a seat's mean ${words(data.param)} over episodes (${episodes}); shaded: 95% confidence interval. A drop of the others' ${words(data.param)} after τ = 1 is a punishment; a return to the τ = 0 level shows the collusive rule restoring itself.${referenceWords(refs)}`,
    spec: {
      data: { values: rows },
      facet: { field: 'treatment', type: 'nominal', sort: present, header: { title: null, labelAnchor: 'start', labelOrient: 'top' } },
      columns: present.length > 1 ? 2 : 1,
      spec: { width: present.length > 1 ? 380 : WIDE_WIDTH - 160, height: 240, layer },
    } as TopLevelSpec,
    wide: true,
  };
}

/** The limit cycles of learning sessions: profit gain Δ, the seats' cycle prices, and cycle lengths. */
export function limitCycles(data: LearningData, names: readonly string[], refs: readonly Reference[]): Figure[] {
  const figures: Figure[] = [];
  const gains = data.rows.flatMap((r) => (r.gain === null ? [] : [{ treatment: r.treatment, v: r.gain }]));
  if (gains.length) {
    figures.push({
      title: 'Profit gain Δ on the limit cycle',
      caption: `One panel per treatment. Δ = (mean profit − Nash profit) ÷ (collusive profit − Nash profit) per episode, measured on the cycle the learned policies settle into: 0 is the one-shot competitive (Nash) outcome, 1 full collusion. A bar's height is the share of episodes in its range.${sampleNote(data.sampled, gains.length)}`,
      spec: histogramPanels(gains, names, 'profit gain Δ', [
        { name: 'Nash (Δ = 0)', treatment: null, value: 0 },
        { name: 'collusive (Δ = 1)', treatment: null, value: 1 },
      ]),
    });
  }
  if (data.param && data.seats.length >= 2) {
    const [a, b] = data.seats as [string, string];
    const points = data.rows.flatMap((r) => (r.values[0] === null || r.values[1] === null ? [] : [{ kind: 'episode', treatment: r.treatment, a: r.values[0], b: r.values[1] }]));
    const refPoints = distinctReferences(refs).map((r) => ({ kind: 'ref', name: r.name, a: r.value, b: r.value, label: words(r.name) }));
    const enc = { x: { field: 'a', type: 'quantitative', title: `${a}'s mean ${words(data.param)} on the cycle`, scale: { zero: false } }, y: { field: 'b', type: 'quantitative', title: `${b}'s mean ${words(data.param)} on the cycle`, scale: { zero: false } } };
    figures.push({
      title: `Where the learners settle: ${a} against ${b}`,
      caption: `Dot: one episode, the two seats' mean ${words(data.param)} over the limit cycle. Black crosses: the engine's reference values (${refPoints.map((r) => r.label).join(', ') || 'none declared'}), where both seats charge the same. Dots near the collusive cross are sessions that learned to collude.${sampleNote(data.sampled, points.length)}`,
      spec: {
        width: SMALL_WIDTH - 40,
        height: 300,
        data: { values: [...points, ...refPoints] },
        layer: [
          { transform: [{ filter: "datum.kind === 'episode'" }], mark: { type: 'circle', size: 30, opacity: 0.55 }, encoding: { ...enc, color: treatmentColor(names) } },
          { transform: [{ filter: "datum.kind === 'ref'" }], mark: { type: 'point', shape: 'cross', size: 120, filled: true, color: '#111' }, encoding: enc },
          { transform: [{ filter: "datum.kind === 'ref'" }], mark: { type: 'text', align: 'left', dx: 8, dy: -6, fontSize: 11, color: '#111' }, encoding: { ...enc, text: { field: 'label' } } },
        ],
      } as TopLevelSpec,
    });
  }
  const lengths = [...data.byTreatment].flatMap(([treatment, t]) => [...t.lengths].map(([length, count]) => ({ treatment, length, share: count / t.episodes })));
  if (lengths.length) {
    figures.push({
      title: 'Length of the limit cycle',
      caption: 'Bar: the share of a treatment\'s episodes whose learned policies settle into a cycle of that many periods (1: a constant price pair; longer: the prices repeat every so many periods).',
      spec: {
        width: SMALL_WIDTH,
        height: 200,
        data: { values: lengths },
        mark: { type: 'bar' },
        encoding: {
          x: { field: 'length', type: 'ordinal', title: 'periods in the cycle', axis: { labelAngle: 0 } },
          xOffset: { field: 'treatment', type: 'nominal', sort: [...names] },
          y: { field: 'share', type: 'quantitative', title: 'share of episodes', axis: { format: '.0%' } },
          color: treatmentColor(names),
        },
      } as TopLevelSpec,
    });
  }
  return figures;
}

/** A metric's mean in each cell of a two-factor grid, with the value written in the cell. */
export function heatmap(label: string, cells: readonly { a: string; b: string; mean: number | null; half: number | null }[], factorA: string, factorB: string, orderA: readonly string[], orderB: readonly string[]): Figure {
  const values = cells.filter((c) => c.mean !== null && Number.isFinite(c.mean));
  const lo = Math.min(...values.map((c) => c.mean as number));
  const hi = Math.max(...values.map((c) => c.mean as number));
  const mid = (lo + hi) / 2;
  const rows = values.map((c) => ({ ...c, label: `${formatNumber(c.mean)}${c.half !== null && Number.isFinite(c.half) ? ` ±${formatNumber(c.half)}` : ''}` }));
  const width = Math.min(WIDE_WIDTH - 200, Math.max(260, 110 * orderA.length));
  return {
    title: `${label} over ${words(factorA)} × ${words(factorB)}`,
    caption: `Cell: the mean ${label} over the episodes of that combination of ${words(factorA)} (across) and ${words(factorB)} (down), ± the half-width of its 95% confidence interval; darker is higher. Every cell plays the same episode seeds.`,
    spec: {
      width,
      height: Math.max(120, 44 * orderB.length),
      data: { values: rows },
      layer: [
        { mark: { type: 'rect', stroke: 'white', strokeWidth: 2 }, encoding: { color: { field: 'mean', type: 'quantitative', title: label, scale: { scheme: 'blues', zero: false }, legend: { orient: 'right', gradientLength: 120 } } } },
        { mark: { type: 'text', fontSize: 12 }, encoding: { text: { field: 'label' }, color: { condition: { test: `datum.mean > ${mid}`, value: 'white' }, value: '#111' } } },
      ],
      encoding: {
        x: { field: 'a', type: 'ordinal', sort: [...orderA], title: words(factorA), axis: { labelAngle: 0, orient: 'top' } },
        y: { field: 'b', type: 'ordinal', sort: [...orderB], title: words(factorB) },
      },
    } as TopLevelSpec,
    wide: orderA.length > 4,
  };
}

/** An exploitability search: every candidate's estimated gain ± 2 standard errors by search round, and the winner re-evaluated on fresh seeds. */
export function exploitSearch(log: ExploitLog): Figure[] {
  const figures: Figure[] = [];
  const bestName = log.best?.name;
  const candidates = log.candidates.map((c) => ({ ...c, lo: c.estimate - 2 * c.se, hi: c.estimate + 2 * c.se, who: c.name === bestName ? 'the reported best' : 'other candidates', params: c.params ? compactObject(c.params) : '' }));
  const rounds = [...new Set(candidates.map((c) => c.round))].sort((a, b) => a - b);
  const bestSoFar: { round: number; best: number }[] = [];
  let running = -Infinity;
  for (const r of rounds) {
    for (const c of candidates) if (c.round === r && c.estimate > running) running = c.estimate;
    bestSoFar.push({ round: r, best: running });
  }
  // Candidates of a round side by side around the round's number, in the order the search tried them.
  const inRound = new Map<number, number>();
  const placed = candidates.map((c) => {
    const k = candidates.filter((o) => o.round === c.round).length;
    const i = inRound.get(c.round) ?? 0;
    inRound.set(c.round, i + 1);
    const step = Math.min(0.12, 0.8 / Math.max(1, k));
    return { ...c, x: c.round + (i - (k - 1) / 2) * step };
  });
  const lo = (rounds[0] ?? 1) - 0.5;
  const hi = (rounds[rounds.length - 1] ?? 1) + 0.5;
  const x = { field: 'x', type: 'quantitative', title: 'search round', scale: { domain: [lo, hi], nice: false }, axis: { tickMinStep: 1, format: 'd', grid: false } };
  const who = { field: 'who', type: 'nominal', title: null, scale: { domain: ['the reported best', 'other candidates'], range: ['#e45756', '#4c78a8'] }, legend: { orient: 'bottom', direction: 'horizontal' } };
  const y = { type: 'quantitative', title: 'estimated payoff gain over the baseline' };
  figures.push({
    title: `Exploitability search${log.class ? `: ${log.class}` : ''}`,
    caption: `Each dot: one candidate deviation${log.seat ? ` for seat ${log.seat}` : ''}, its estimated mean payoff gain over the baseline${log.baseline?.policy ? ` (${log.baseline.policy})` : ''} on the search seeds; bar: ± 2 standard errors. Candidates of a round sit side by side, in the order they were tried. Black steps: the best estimate so far. Dashed line: no gain. The best of many noisy estimates is biased upwards, so the winner is re-evaluated on fresh seeds (next plot).`,
    spec: {
      width: Math.min(WIDE_WIDTH - 200, Math.max(420, rounds.length * 130)),
      height: 280,
      layer: [
        { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', strokeDash: [5, 4], color: '#777' }, encoding: { y: { field: 'zero', type: 'quantitative' } } },
        { data: { values: bestSoFar.flatMap((b, i) => [{ x: b.round - (i === 0 ? 0.45 : 0), best: b.best }, { x: (bestSoFar[i + 1]?.round ?? b.round + 0.45), best: b.best }]) }, mark: { type: 'line', color: '#111', strokeWidth: 1.5 }, encoding: { x, y: { ...y, field: 'best' } } },
        { data: { values: placed }, mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color: who } },
        { data: { values: placed }, mark: { type: 'point', filled: true, size: 40, opacity: 1 }, encoding: { x, y: { ...y, field: 'estimate' }, color: who } },
      ],
    } as TopLevelSpec,
    wide: true,
  });
  // A class over one numeric parameter (a shading grid): the gain against the parameter shows the shape the search explored.
  const keys = new Set(log.candidates.flatMap((c) => Object.keys(c.params ?? {})));
  const [param] = [...keys];
  if (keys.size === 1 && param && log.candidates.every((c) => typeof c.params?.[param] === 'number')) {
    const byParam = placed.map((c, i) => ({ ...c, p: log.candidates[i]?.params?.[param] as number }));
    const px = { field: 'p', type: 'quantitative', title: words(param), scale: { zero: false, nice: true, padding: 16 } };
    figures.push({
      title: `Estimated gain against ${words(param)}`,
      caption: `Each dot: a candidate's estimated gain over the baseline on the search seeds, at its ${words(param)}; bar: ± 2 standard errors (a parameter tried in several rounds has a dot per round). Dashed line: no gain.`,
      spec: {
        width: SMALL_WIDTH,
        height: 240,
        layer: [
          { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', strokeDash: [5, 4], color: '#777' }, encoding: { y: { field: 'zero', type: 'quantitative' } } },
          { data: { values: byParam }, mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { x: px, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color: who } },
          { data: { values: byParam }, mark: { type: 'point', filled: true, size: 40, opacity: 1 }, encoding: { x: px, y: { ...y, field: 'estimate' }, color: who } },
        ],
      } as TopLevelSpec,
    });
  }
  const best = log.best;
  if (best) {
    const searched = log.candidates.findLast((c) => c.name === best.name);
    const rows = [
      ...(searched ? [{ what: 'on the search seeds (± 2 se)', gain: searched.estimate, lo: searched.estimate - 2 * searched.se, hi: searched.estimate + 2 * searched.se }] : []),
      { what: `on fresh seeds, paired (95% CI${best.n ? `, n = ${best.n}` : ''})`, gain: best.gain, lo: best.ci95[0], hi: best.ci95[1] },
    ];
    const yEnc = { field: 'what', type: 'nominal', sort: rows.map((r) => r.what), title: null, axis: { labelLimit: 340 } };
    const xEnc = { type: 'quantitative', title: 'payoff gain over the baseline', scale: { zero: true } };
    const layer: unknown[] = [
      { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', strokeDash: [5, 4], color: '#777' }, encoding: { x: { field: 'zero', type: 'quantitative' } } },
      { data: { values: rows }, mark: { type: 'rule', strokeWidth: 2.5, color: '#e45756' }, encoding: { y: yEnc, x: { ...xEnc, field: 'lo' }, x2: { field: 'hi' } } },
      { data: { values: rows }, mark: { type: 'point', filled: true, size: 90, color: '#e45756' }, encoding: { y: yEnc, x: { ...xEnc, field: 'gain' } } },
      { data: { values: rows.map((r) => ({ ...r, label: `${formatNumber(r.gain)} [${formatNumber(r.lo)}, ${formatNumber(r.hi)}]` })) }, mark: { type: 'text', dy: -13, fontSize: 11, color: '#444' }, encoding: { y: yEnc, x: { ...xEnc, field: 'gain' }, text: { field: 'label' } } },
    ];
    if (best.lowerBound !== undefined && Number.isFinite(best.lowerBound)) {
      layer.push({ data: { values: [{ what: rows[rows.length - 1]?.what, lb: best.lowerBound }] }, mark: { type: 'tick', thickness: 2.5, size: 26, color: '#111' }, encoding: { y: yEnc, x: { ...xEnc, field: 'lb' } } });
    }
    figures.push({
      title: `The best deviation found: ${best.name}`,
      caption: `Dot and bar: the gain of ${best.name}${best.params ? ` (${compactObject(best.params)})` : ''} over the baseline, first as the search saw it, then re-evaluated on fresh seeds with the same draws for baseline and deviation.${best.lowerBound !== undefined ? ` Black tick: the one-sided 95% lower bound (${formatNumber(best.lowerBound)}); above the dashed zero line, the deviation is profitable beyond noise.` : ''}`,
      spec: { width: SMALL_WIDTH + 120, height: 40 * rows.length + 20, layer } as TopLevelSpec,
      wide: true,
    });
  }
  return figures;
}
