/**
 * report.html of a results folder: who ran what (study, mechanism@version, code version,
 * seeds), the summary table, and plots rendered on the server — every metric by treatment
 * with its 95% interval, distributions over episodes, prices per round against the
 * engine's benchmarks, bids against values, the limit cycles and impulse responses of
 * learners, heatmaps over two factors of a factorial study, and exploitability searches.
 * Reads manifest.json and summary.json whole and the row files streaming (plots draw
 * samples of at most a few thousand points). Deterministic: the same folder gives the
 * same bytes.
 *
 * report.html is written after the manifest and is not among its hashed files: it shows
 * the manifest (a hash of it inside the manifest would be a cycle) and can be rebuilt
 * from the folder at any time with `arena report DIR`.
 */
import { existsSync, readdirSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MeasureSpec } from '../../mechanisms/core/types.ts';
import type { MetricSummary } from '../metrics.ts';
import { openResultsFolder, type ResultsFolder, type SummaryTreatment } from './folder.ts';
import { readEpisodes, readImpulse, readLearning, readRounds } from './data.ts';
import * as charts from './charts.ts';
import type { Figure, Reference, RoundWord } from './charts.ts';
import { renderSvg, startPage } from './render.ts';
import { page, type PageSection, type RenderedFigure } from './page.ts';
import { compactObject, escapeHtml, formatNumber, words } from './format.ts';

export { NotResultsFolder, openResultsFolder } from './folder.ts';

const HEADLINE = ['efficiency', 'revenue', 'welfare', 'ir_violation_rate', 'gini'];

/** The harness's metrics, in words (the mechanism's own measures are defined by the mechanism). */
const METRIC_DEFINITIONS: Readonly<Record<string, string>> = {
  revenue: 'Revenue: what the mechanism collects (auction payments, public contributions; 0 in a market that takes no fee).',
  welfare: 'Welfare: realised total surplus.',
  efficiency: 'Efficiency: welfare ÷ the surplus of the efficient outcome under the same draws.',
  ir_violation_rate: 'IR violation rate: share of participant-rounds paid less than the outside option.',
  gini: 'Gini: inequality of the seats\' episode payoffs (0 equal, 1 one seat takes all).',
  rejections: 'Rejections: actions the engine refused.',
  converged: 'Converged: share of sessions whose learners stopped changing their greedy action.',
  periods: 'Periods: periods played until the learners converged.',
  cycle_length: 'Cycle length: periods in the limit cycle of the learned policies.',
  cycle_profit_gain: 'Profit gain Δ on the limit cycle: 0 at the Nash profit, 1 at the collusive profit.',
};

/** Which benchmarks a metric is compared with (when the mechanism declares them). */
const METRIC_REFERENCES: Readonly<Record<string, readonly string[]>> = {
  revenue: ['equilibrium_revenue'],
  welfare: ['efficient_welfare'],
  'm.mean_price': ['equilibrium_price', 'nash_price', 'monopoly_price', 'collusive_price', 'competitive_price', 'ce_price_low', 'ce_price_high'],
  'm.mean_profit': ['nash_profit', 'monopoly_profit', 'collusive_profit'],
  'm.mean_quantity': ['nash_quantity', 'collusive_quantity'],
};

const PROFIT_GAIN_LINES: readonly Reference[] = [
  { name: 'Nash (Δ = 0)', treatment: null, value: 0 },
  { name: 'collusive (Δ = 1)', treatment: null, value: 1 },
];

/** Benchmark names drawn beside a per-round series of `field` (price, quantity). */
const seriesBenchmarks = (field: string): string[] => [`equilibrium_${field}`, `nash_${field}`, `monopoly_${field}`, `collusive_${field}`, `competitive_${field}`];

/** The mechanism's title and measure definitions, read from its folder when the pinned version is installed. */
async function mechanismInfo(key: string): Promise<{ title: string | null; measures: readonly MeasureSpec[] }> {
  const [id, version] = key.split('@');
  const roots = [resolve(import.meta.dirname, '../../mechanisms'), ...(process.env.ARENA_MECHANISMS_PATH ?? '').split(delimiter).filter(Boolean)];
  for (const root of roots) {
    const file = join(root, id ?? '', 'index.ts');
    if (!id || !existsSync(file)) continue;
    try {
      const mod = (await import(pathToFileURL(file).href)) as { default?: { title?: string; version?: number; measures?: readonly MeasureSpec[] } };
      if (version !== undefined && String(mod.default?.version) !== version) return { title: mod.default?.title ?? null, measures: [] };
      return { title: mod.default?.title ?? null, measures: mod.default?.measures ?? [] };
    } catch {
      return { title: null, measures: [] };
    }
  }
  return { title: null, measures: [] };
}

/** One row of the summary table or one plotted metric: a harness metric or a mechanism measure (prefixed `m.`). */
interface MetricRef {
  readonly key: string;
  readonly label: string;
  readonly column: string;
  readonly of: (t: SummaryTreatment) => MetricSummary | undefined;
}

function metricRefs(treatments: readonly SummaryTreatment[]): MetricRef[] {
  const metrics: string[] = [];
  const measures: string[] = [];
  for (const t of treatments) {
    for (const name of Object.keys(t.metrics)) if (!metrics.includes(name)) metrics.push(name);
    for (const name of Object.keys(t.measures ?? {})) if (!measures.includes(name)) measures.push(name);
  }
  const rank = (n: string) => (HEADLINE.includes(n) ? HEADLINE.indexOf(n) : 99);
  metrics.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return [
    ...metrics.map((name) => ({ key: name, label: words(name), column: name, of: (t: SummaryTreatment) => t.metrics[name] })),
    ...measures.map((name) => ({ key: `m.${name}`, label: words(name), column: `measure.${name}`, of: (t: SummaryTreatment) => t.measures?.[name] })),
  ];
}

/** Whether a metric shows anything in a plot: some spread within or between treatments. */
function informative(ref: MetricRef, treatments: readonly SummaryTreatment[]): boolean {
  const means = treatments.map((t) => ref.of(t)).filter((m): m is MetricSummary => !!m && m.n > 0 && Number.isFinite(m.mean));
  if (!means.length) return false;
  return means.some((m) => m.sd > 0) || means.some((m) => m.mean !== means[0]?.mean);
}

/** Benchmarks of the summary's treatments named in `names`, as references (one per treatment that declares a value). */
function referencesOf(treatments: readonly SummaryTreatment[], names: readonly string[]): Reference[] {
  const out: Reference[] = [];
  for (const name of names) {
    for (const t of treatments) {
      const v = t.benchmarks?.[name]?.value;
      if (typeof v === 'number' && Number.isFinite(v)) out.push({ name, treatment: t.name, value: v });
    }
  }
  return out;
}

const ci = (m: MetricSummary | undefined): string => {
  if (!m || m.n === 0) return '<td>–</td>';
  const half = (m.ci95[1] - m.ci95[0]) / 2;
  return `<td>${escapeHtml(formatNumber(m.mean))}${Number.isFinite(half) && m.n > 1 ? ` <span class="ci">± ${escapeHtml(formatNumber(half))}</span>` : ''}</td>`;
};

function summaryTable(treatments: readonly SummaryTreatment[], refs: readonly MetricRef[]): string {
  const head = `<tr><th>metric</th>${treatments.map((t) => `<th>${escapeHtml(t.name)}<br><span class="ci">${t.episodes} episodes</span></th>`).join('')}</tr>`;
  const metrics = refs.filter((r) => !r.key.startsWith('m.'));
  const measures = refs.filter((r) => r.key.startsWith('m.'));
  const rows = (list: readonly MetricRef[]) => list.map((r) => `<tr><td>${escapeHtml(r.label)}</td>${treatments.map((t) => ci(r.of(t))).join('')}</tr>`).join('');
  const benchmarkNames: string[] = [];
  for (const t of treatments) for (const [name, b] of Object.entries(t.benchmarks ?? {})) if (b.value !== null && !benchmarkNames.includes(name) && !/_p\d+$/.test(name)) benchmarkNames.push(name);
  const benchmarkRows = benchmarkNames
    .map((name) => {
      const unit = treatments.map((t) => t.benchmarks?.[name]?.unit).find(Boolean);
      return `<tr><td title="${escapeHtml(treatments.map((t) => t.benchmarks?.[name]?.definition).find(Boolean) ?? '')}">${escapeHtml(words(name))}${unit ? ` <span class="ci">(${escapeHtml(unit)})</span>` : ''}</td>${treatments.map((t) => `<td class="ref">${escapeHtml(formatNumber(t.benchmarks?.[name]?.value ?? null))}</td>`).join('')}</tr>`;
    })
    .join('');
  const cols = treatments.length + 1;
  const principals: string[] = [];
  for (const t of treatments) for (const p of t.principals ?? []) if (!principals.includes(p.principal)) principals.push(p.principal);
  const principalRows = principals
    .map((name) => {
      const seats = treatments.map((t) => t.principals?.find((p) => p.principal === name)?.seats.join(' ')).find(Boolean) ?? '';
      return `<tr><td title="${escapeHtml(`seats ${seats}`)}">${escapeHtml(name)}</td>${treatments.map((t) => ci(t.principals?.find((p) => p.principal === name)?.payoff)).join('')}</tr>`;
    })
    .join('');
  return `<div class="scroll"><table${treatments.length <= 2 ? ' class="compact"' : ''}>${head}${rows(metrics)}${measures.length ? `<tr class="group"><td colspan="${cols}">the mechanism's measures</td></tr>${rows(measures)}` : ''}${principalRows ? `<tr class="group"><td colspan="${cols}">each principal's payoff per episode (the sum of its seats')</td></tr>${principalRows}` : ''}${benchmarkRows ? `<tr class="group"><td colspan="${cols}">the engine's reference values for each treatment's config</td></tr>${benchmarkRows}` : ''}</table></div>
<p class="note">Mean over episodes ± the half-width of its 95% confidence interval (Student t). Every treatment plays episode <i>e</i> on the same seed, so differences between treatments are not differences of luck in the draws.</p>`;
}

/** Seat groups in a line: `9 × equilibrium, 1 × shader (fraction 0.5)`. */
function seatsLine(seats: readonly { policy: string; role?: string; params?: Readonly<Record<string, unknown>> }[] | undefined): string {
  if (!seats?.length) return '–';
  const groups: { label: string; count: number }[] = [];
  for (const s of seats) {
    const params = s.params && Object.keys(s.params).length ? ` (${compactObject(s.params)})` : '';
    const label = `${s.role && s.role !== 'bidder' && s.role !== 'player' && s.role !== 'firm' ? `${s.role}: ` : ''}${s.policy}${params}`;
    const last = groups[groups.length - 1];
    if (last && last.label === label) last.count++;
    else groups.push({ label, count: 1 });
  }
  return groups.map((g) => `${g.count} × ${g.label}`).join(', ');
}

/** The seat groups as the study file wrote them (params given, not the defaults filled in), one seat each. */
function studySeats(groups: unknown): { policy: string; role?: string; params?: Readonly<Record<string, unknown>> }[] | null {
  if (!Array.isArray(groups)) return null;
  const seats: { policy: string; role?: string; params?: Readonly<Record<string, unknown>> }[] = [];
  for (const g of groups as { policy?: unknown; role?: unknown; params?: unknown; count?: unknown }[]) {
    if (typeof g?.policy !== 'string') return null;
    const count = typeof g.count === 'number' && g.count > 0 ? g.count : 1;
    for (let i = 0; i < count; i++) seats.push({ policy: g.policy, ...(typeof g.role === 'string' ? { role: g.role } : {}), ...(g.params && typeof g.params === 'object' ? { params: g.params as Record<string, unknown> } : {}) });
  }
  return seats;
}

function treatmentsTable(folder: ResultsFolder): string {
  const { manifest, summary } = folder;
  const written = new Map((manifest.study.treatments ?? []).map((t) => [t.name, t]));
  const baseSeats = manifest.study.seats;
  const rows = summary.treatments.map((t) => {
    const m = manifest.treatments?.find((x) => x.name === t.name);
    // A factorial cell: what its levels write (the treatment's, then each factor's), and the seats it played.
    const levels = m?.levels;
    const cellParts = levels
      ? Object.entries(levels).flatMap(([factor, level]) => {
          const written = factor === 'treatment' ? manifest.study.treatments?.find((x) => x.name === level) : manifest.study.factors?.find((f) => f.name === factor)?.levels.find((l) => l.name === level);
          const parts: string[] = [];
          if (written?.config && typeof written.config === 'object' && Object.keys(written.config).length) parts.push(compactObject(written.config));
          const params = (written as { params?: unknown } | undefined)?.params;
          if (params && typeof params === 'object' && Object.keys(params).length) parts.push(`params ${compactObject(params)}`);
          return parts;
        })
      : [];
    const override = written.get(t.name)?.config;
    const change = levels ? cellParts.join('; ') || 'the study\'s config' : override && typeof override === 'object' && Object.keys(override).length ? compactObject(override) : 'the study\'s config';
    const seats = levels ? m?.seats : (studySeats(written.get(t.name)?.seats ?? baseSeats) ?? m?.seats);
    return `<tr><td>${escapeHtml(t.name)}</td><td>${t.episodes}</td><td class="text">${escapeHtml(seatsLine(seats))}</td><td class="text">${escapeHtml(change)}</td><td class="text"><code>${escapeHtml((m?.configHash ?? '').slice(0, 12) || '–')}</code></td></tr>`;
  });
  return `<div class="scroll"><table><tr><th>treatment</th><th>episodes</th><th class="text">seats</th><th class="text">config</th><th class="text">config hash</th></tr>${rows.join('')}</table></div>`;
}

function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function headerHtml(folder: ResultsFolder, title: string | null): string {
  const { manifest, summary } = folder;
  const code = manifest.code ? `${manifest.code.version}${manifest.code.commit ? ` (commit ${manifest.code.commit.slice(0, 12)})` : ''}` : 'not recorded';
  const episodes = summary.treatments.reduce((n, t) => n + t.episodes, 0);
  const facts: [string, string][] = [
    ['mechanism', `${manifest.mechanism}${title ? ` — ${title}` : ''}`],
    ['treatments', `${summary.treatments.length} (${episodes.toLocaleString('en-US')} episodes in all)`],
    ['seeds', `study seed ${manifest.seed ?? '–'}; ${manifest.seeds ?? 'episode e of every treatment uses the same seed'}`],
    ['code', code],
    ['run', `${manifest.startedAt ?? '–'} → ${manifest.finishedAt ?? '–'}${manifest.node ? `, Node ${manifest.node}` : ''}${manifest.clock?.stepMs ? `, ${manifest.clock.stepMs} ms of headless time per decision` : ''}`],
    ['study hash', manifest.studyHash ?? '–'],
  ];
  return `<header class="study"><div class="kicker">Mechanism Arena · study report</div><h1>${escapeHtml(manifest.study.name)}</h1>${manifest.study.description ? `<p class="lede">${escapeHtml(manifest.study.description)}</p>` : ''}<dl class="facts">${facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl></header>`;
}

function filesHtml(folder: ResultsFolder): string {
  const names = readdirSync(folder.dir).filter((n) => !n.startsWith('.') && n !== 'report.html').sort();
  const items = names.map((n) => `<tr><td><code>${escapeHtml(n)}</code></td><td>${fileSize(statSync(join(folder.dir, n)).size)}</td></tr>`).join('');
  const parquet = names.some((n) => n.endsWith('.parquet'))
    ? `<p class="note">Read the Parquet files with pandas <code>pd.read_parquet("rounds.parquet")</code>, polars <code>pl.read_parquet("rounds.parquet")</code> or R <code>arrow::read_parquet("rounds.parquet")</code>; each carries the study hash and code version in its metadata.</p>`
    : '';
  return `<div class="scroll" style="max-width: 460px"><table><tr><th>file</th><th>size</th></tr>${items}</table></div>${parquet}`;
}

/**
 * The cells of a factorial study with their levels, and the factors that take several
 * levels (in the manifest's order, levels as declared): from `treatments[].levels` as the
 * runner writes them, or a `cells` list with `factors`.
 */
function factorGrid(folder: ResultsFolder): { factors: string[]; order: Map<string, string[]>; cells: { name: string; levels: Record<string, string> }[] } | null {
  const { manifest } = folder;
  const label = (v: unknown): string => {
    if (v === null || typeof v !== 'object') return String(v);
    const named = (v as { name?: unknown }).name;
    return typeof named === 'string' ? named : compactObject(v);
  };
  const fromTreatments = (manifest.treatments ?? []).flatMap((t) => (t.levels && typeof t.levels === 'object' ? [{ name: t.name, levels: { ...t.levels } }] : []));
  const fromCells = (Array.isArray(manifest.cells) ? manifest.cells : []).flatMap((c) =>
    c && typeof c.name === 'string' && c.factors && typeof c.factors === 'object' ? [{ name: c.name, levels: Object.fromEntries(Object.entries(c.factors).map(([k, v]) => [k, label(v)])) }] : [],
  );
  const cells = fromTreatments.length ? fromTreatments : fromCells;
  if (!cells.length) return null;
  const order = new Map<string, string[]>();
  for (const f of manifest.factors ?? []) if (f && typeof f.name === 'string' && Array.isArray(f.levels)) order.set(f.name, f.levels.map(String));
  for (const c of cells) {
    for (const [k, v] of Object.entries(c.levels)) {
      const levels = order.get(k) ?? [];
      if (!levels.includes(v)) levels.push(v);
      order.set(k, levels);
    }
  }
  const factors = [...order.keys()].filter((f) => new Set(cells.map((c) => c.levels[f])).size > 1);
  return factors.length >= 2 ? { factors, order, cells } : null;
}

function heatmaps(folder: ResultsFolder, refs: readonly MetricRef[]): Figure[] {
  const grid = factorGrid(folder);
  if (!grid) return [];
  const [a, b, ...rest] = grid.factors as [string, string, ...string[]];
  const order = (f: string) => grid.order.get(f) ?? [];
  const byName = new Map(folder.summary.treatments.map((t) => [t.name, t]));
  // More than two factors: one heatmap per combination of the others.
  const slices = new Map<string, typeof grid.cells>();
  for (const c of grid.cells) {
    const key = rest.map((f) => `${words(f)} ${c.levels[f]}`).join(', ');
    slices.set(key, [...(slices.get(key) ?? []), c]);
  }
  const figures: Figure[] = [];
  const shown = refs.filter((r) => informative(r, folder.summary.treatments)).slice(0, 6);
  for (const ref of shown) {
    for (const [slice, cells] of slices) {
      const values = cells.map((c) => {
        const m = byName.get(c.name) ? ref.of(byName.get(c.name) as SummaryTreatment) : undefined;
        return { a: c.levels[a] ?? '', b: c.levels[b] ?? '', mean: m && m.n > 0 ? m.mean : null, half: m && m.n > 1 ? (m.ci95[1] - m.ci95[0]) / 2 : null };
      });
      if (!values.some((v) => v.mean !== null)) continue;
      const f = charts.heatmap(ref.label, values, a, b, order(a), order(b));
      figures.push(slice ? { ...f, title: `${f.title} (${slice})` } : f);
    }
  }
  return figures;
}

/** A factorial study's main effects (summary.json): for each metric, every level against its factor's reference level. */
function mainEffects(folder: ResultsFolder, refs: readonly MetricRef[]): Figure[] {
  const effects = folder.summary.effects;
  if (!effects?.length) return [];
  const figures: Figure[] = [];
  for (const ref of refs) {
    const measure = ref.key.startsWith('m.');
    const name = measure ? ref.key.slice(2) : ref.key;
    const rows = effects.flatMap((f) =>
      f.effects.flatMap((e) => {
        const m = (measure ? e.measures : e.metrics)?.[name];
        return m && m.n > 0 && Number.isFinite(m.mean) ? [{ label: `${words(f.factor)}: ${e.level} − ${e.versus}`, summary: m }] : [];
      }),
    );
    if (!rows.some((r) => r.summary.mean !== 0 || r.summary.sd > 0)) continue;
    figures.push(charts.effectsChart(ref.label, rows));
  }
  return figures;
}

async function renderAll(figures: readonly Figure[], warnings: string[]): Promise<RenderedFigure[]> {
  const out: RenderedFigure[] = [];
  for (const f of figures) {
    const before = warnings.length;
    const svg = await renderSvg(f.spec, warnings);
    for (let i = before; i < warnings.length; i++) warnings[i] = `${f.title}: ${warnings[i]}`;
    out.push({ title: f.title, caption: f.caption, svg, wide: f.wide ?? false });
  }
  return out;
}

function exploitTable(folder: ResultsFolder): string {
  const log = folder.exploit;
  if (!log) return '';
  const top = [...log.candidates].sort((x, y) => y.estimate - x.estimate).slice(0, 10);
  const best = log.best;
  const intro = `<p class="note">Seat ${escapeHtml(log.seat ?? '–')} searched the deviation class <b>${escapeHtml(log.class ?? 'not named')}</b> against the rest of the population, from the baseline ${escapeHtml(log.baseline?.policy ?? '–')}${log.baseline?.params && Object.keys(log.baseline.params).length ? ` (${escapeHtml(compactObject(log.baseline.params))})` : ''}: ${log.candidates.length} candidates.${best ? ` Best: <b>${escapeHtml(best.name)}</b>, gain ${escapeHtml(formatNumber(best.gain))}, 95% CI [${escapeHtml(formatNumber(best.ci95[0]))}, ${escapeHtml(formatNumber(best.ci95[1]))}]${best.lowerBound !== undefined ? `, one-sided lower bound ${escapeHtml(formatNumber(best.lowerBound))}` : ''}${best.n ? ` on ${best.n} fresh paired episodes` : ''}.` : ''}</p>`;
  const rows = top.map((c) => `<tr><td>${escapeHtml(c.name)}</td><td class="text">${escapeHtml(c.params ? compactObject(c.params) : '')}</td><td>${c.round}</td><td>${escapeHtml(formatNumber(c.estimate))}</td><td>${escapeHtml(formatNumber(c.se))}</td><td>${c.episodes ?? '–'}</td></tr>`);
  return `${intro}<div class="scroll"><table><tr><th>candidate</th><th class="text">params</th><th>round</th><th>estimated gain</th><th>standard error</th><th>episodes</th></tr>${rows.join('')}</table></div><p class="note">The ${top.length} candidates with the highest search estimates.</p>`;
}

function learningTable(folder: ResultsFolder, data: ReturnType<typeof readLearning>): string {
  const rows = folder.summary.treatments.flatMap((t) => {
    const b = data.byTreatment.get(t.name);
    if (!b) return [];
    return [`<tr><td>${escapeHtml(t.name)}</td><td>${b.episodes}</td><td>${escapeHtml(formatNumber(b.converged / b.episodes))}</td><td>${escapeHtml(formatNumber(b.periods / b.episodes))}</td></tr>`];
  });
  return rows.length ? `<div class="scroll" style="max-width: 640px"><table><tr><th>treatment</th><th>sessions</th><th>share converged</th><th>mean periods to convergence</th></tr>${rows.join('')}</table></div>` : '';
}

function llmTable(folder: ResultsFolder): string {
  const llm = folder.summary.llm;
  if (!llm) return '';
  const entries = [...Object.entries(llm.study ?? {}), ...Object.entries(llm.counters ?? {})].filter(([, v]) => typeof v === 'number');
  if (!entries.length) return '';
  return `<div class="scroll" style="max-width: 520px"><table>${entries.map(([k, v]) => `<tr><td>${escapeHtml(words(k))}</td><td>${escapeHtml(formatNumber(v))}</td></tr>`).join('')}</table></div><p class="note">Tokens, cost and counters of the LLM seats over the run (llm-transcript.jsonl holds every call).</p>`;
}

/** A built report: the page, how many plots it holds, and what the plot compiler warned about (nothing, for specs that are right). */
export interface BuiltReport {
  readonly html: string;
  readonly figures: number;
  readonly warnings: readonly string[];
}

/** Builds report.html's text for a results folder (throws NotResultsFolder when it is not one). */
export async function buildReport(dir: string): Promise<BuiltReport> {
  const warnings: string[] = [];
  const folder = openResultsFolder(dir);
  startPage();
  const { manifest, summary } = folder;
  const treatments = summary.treatments;
  const names = treatments.map((t) => t.name);
  const info = await mechanismInfo(manifest.mechanism);
  const definitions = new Map<string, string>(Object.entries(METRIC_DEFINITIONS));
  for (const m of info.measures) definitions.set(`m.${m.name}`, `${words(m.name)}: ${m.definition}${m.unit ? ` (${m.unit})` : ''}.`);
  const refs = metricRefs(treatments);
  const firstConfig = manifest.treatments?.[0]?.config ?? {};
  const word: RoundWord = 'periods' in firstConfig ? 'period' : 'round';
  const hasGainBenchmarks = treatments.some((t) => t.benchmarks?.nash_profit?.value != null && (t.benchmarks?.monopoly_profit?.value != null || t.benchmarks?.collusive_profit?.value != null));

  const factorial = (manifest.factors?.length ?? 0) > 0 || (manifest.cells?.length ?? 0) > 0;
  // Metrics by treatment (or cell), from summary.json.
  const plotted = refs.filter((r) => informative(r, treatments) && r.key !== 'rejections');
  const flat = refs.filter((r) => !informative(r, treatments)).map((r) => r.label);
  const metricFigures = plotted.map((r) => {
    const isGain = r.key === 'cycle_profit_gain' || r.key === 'm.profit_gain';
    const references = isGain && hasGainBenchmarks ? names.flatMap((t) => PROFIT_GAIN_LINES.map((l) => ({ ...l, treatment: t }))) : referencesOf(treatments, METRIC_REFERENCES[r.key] ?? []);
    return charts.metricByTreatment(r.label, names, treatments.map(r.of), references, definitions.get(r.key), factorial ? 'cell' : 'treatment');
  });

  // Distributions over episodes, from episodes.csv.
  const episodesFile = folder.file('episodes.csv');
  const distributionFigures: Figure[] = [];
  let flatInEpisodes: string[] = [];
  if (episodesFile) {
    const episodeData = readEpisodes(episodesFile, treatments.length);
    const columns = plotted.map((r) => r.column).slice(0, 10);
    const d = charts.distributions(episodeData, names, columns);
    distributionFigures.push(...d.figures);
    flatInEpisodes = d.constant;
  }

  // Rounds: prices against benchmarks, bids against values, contributions.
  const roundFigures: Figure[] = [];
  const roundsFile = folder.file('rounds.csv');
  if (roundsFile) {
    const rounds = readRounds(roundsFile, treatments.length);
    for (const path of rounds.paths) {
      if (path.kind === 'auction') roundFigures.push(charts.auctionPrices(path, names, referencesOf(treatments, ['equilibrium_price']), word));
      else if (path.kind === 'trades') roundFigures.push(charts.tradePrices(path, names, rounds.ceBand, word));
      else roundFigures.push(charts.seatSeries(path, names, referencesOf(treatments, seriesBenchmarks(path.field)), word));
    }
    const bids = charts.bidsAgainstValues(rounds, names);
    if (bids) roundFigures.push(bids);
    if (rounds.contribution) roundFigures.push(charts.contributions(rounds.contribution, names, word));
  }

  // Learners: limit cycles and impulse responses.
  const learningFigures: Figure[] = [];
  let learningIntro = '';
  const learningFile = folder.file('learning.csv');
  if (learningFile) {
    const learning = readLearning(learningFile, treatments.length);
    learningIntro = learningTable(folder, learning);
    learningFigures.push(...charts.limitCycles(learning, names, learning.param ? referencesOf(treatments, seriesBenchmarks(learning.param)) : []));
  }
  const impulseFile = folder.file('impulse.csv');
  if (impulseFile) {
    const impulse = readImpulse(impulseFile);
    const deviator = `p${manifest.study.learning?.deviator ?? 0}`;
    const f = charts.impulseResponse(impulse, names, impulse.param ? referencesOf(treatments, seriesBenchmarks(impulse.param)) : [], deviator);
    if (f) learningFigures.push(f);
  }

  const gridFigures = heatmaps(folder, plotted);
  const effectFigures = mainEffects(folder, plotted);
  const exploitFigures = folder.exploit && folder.exploit.candidates.length ? charts.exploitSearch(folder.exploit) : [];

  const flatNote = flat.length ? `<p class="note">Not plotted, the same in every episode of every treatment: ${escapeHtml(flat.join(', '))} (see the table).</p>` : '';
  const flatEpisodes = flatInEpisodes.filter((n) => !flat.includes(n));
  const sections: PageSection[] = [
    { id: 'treatments', title: 'Treatments', intro: treatmentsTable(folder), figures: [] },
    { id: 'summary', title: 'Summary', intro: summaryTable(treatments, refs), figures: [] },
    { id: 'metrics', title: factorial ? 'Metrics by cell' : 'Metrics by treatment', figures: await renderAll(metricFigures, warnings), after: flatNote },
    { id: 'factors', title: 'Factors', intro: '<p class="note">The study\'s cells arranged by two of its factors.</p>', figures: await renderAll(gridFigures, warnings) },
    { id: 'effects', title: 'Main effects', intro: '<p class="note">Every cell plays the same episode seeds, so a level\'s effect is measured episode by episode against the factor\'s reference level (effects.json holds every metric).</p>', figures: await renderAll(effectFigures, warnings) },
    { id: 'distributions', title: 'Distributions over episodes', figures: await renderAll(distributionFigures, warnings), ...(flatEpisodes.length ? { after: `<p class="note">Not plotted, the same in every episode: ${escapeHtml(flatEpisodes.join(', '))}.</p>` } : {}) },
    { id: 'rounds', title: word === 'period' ? 'Periods' : 'Rounds', figures: await renderAll(roundFigures, warnings) },
    { id: 'learning', title: 'Learning', ...(learningIntro ? { intro: learningIntro } : {}), figures: await renderAll(learningFigures, warnings) },
    { id: 'exploit', title: 'Exploitability', ...(folder.exploit ? { intro: exploitTable(folder) } : {}), figures: await renderAll(exploitFigures, warnings) },
    { id: 'llm', title: 'LLM seats', ...(summary.llm ? { intro: llmTable(folder) } : {}), figures: [] },
    { id: 'files', title: 'Files', intro: filesHtml(folder), figures: [] },
  ].filter((s) => (s.id !== 'factors' && s.id !== 'effects') || s.figures.length > 0);
  const footer = `Made by <code>arena report</code> from manifest.json, summary.json and the row files of this folder; plots of many points draw a seeded random sample, so a rebuild gives the same page. Rebuild it with <code>arena report</code> and this folder's path. This page fetches nothing: it reads the same offline.`;
  const html = page(`${manifest.study.name} — report`, headerHtml(folder, info.title), sections, footer);
  return { html, figures: sections.reduce((n, s) => n + s.figures.length, 0), warnings };
}

/** Writes report.html into the results folder (whole or not at all); returns its path, size in bytes, plots and warnings. */
export async function writeReport(dir: string): Promise<{ path: string; bytes: number; figures: number; warnings: readonly string[] }> {
  const { html, figures, warnings } = await buildReport(dir);
  const path = join(dir, 'report.html');
  const partial = join(dir, `.report.html.partial-${process.pid}`);
  writeFileSync(partial, html);
  renameSync(partial, path);
  return { path, bytes: Buffer.byteLength(html), figures, warnings };
}
