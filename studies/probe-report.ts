/**
 * What `arena probe` writes: probe.json and probe.html (every search, findings first), and for
 * each finding findings/<id>.json and findings/<id>.html (the failure report), the records
 * that show it (evidence/<id>/events.jsonl, also appended to a ledger when one is given, so
 * the web client's replay page opens them), and the regression study for the exploit library
 * (regression/<id>.json). The folder appears whole or not at all.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { LedgerEvent } from '../mechanisms/core/ledger.ts';
import { StagedDir, StreamFile } from './output.ts';
import type { Finding, IndicatorFinding, MitigationTrial, ProbeResult, SearchOutcome } from './probe.ts';
import type { IndicatorResult } from './indicators.ts';
import { exploitSearch, type Figure } from './report/charts.ts';
import { escapeHtml, formatNumber } from './report/format.ts';
import { page, type PageSection, type RenderedFigure } from './report/page.ts';
import { renderSvg } from './report/render.ts';
import type { ExploitLog as FolderExploitLog } from './report/folder.ts';

export interface ProbeWriteOptions {
  /** Where the web client runs: links to the replay page start with it. */
  readonly baseUrl: string;
  /** The evidence records also go here (the server's ledger), so the replay links open. */
  readonly ledger?: { append(event: LedgerEvent): void; transaction<T>(fn: () => T): T; readonly path?: string };
  readonly replace?: boolean;
  readonly code?: { readonly version: string; readonly commit: string | null } | null;
}

/** The replay page of a record, opened at an event. */
export const replayUrl = (base: string, match: string, seq: number): string => `${base.replace(/\/+$/, '')}/replay/${encodeURIComponent(match)}?at=${seq}`;

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
const gainJson = (g: { mean: number; ci95: readonly [number, number]; lowerBound: number; n: number }) => ({ mean: finite(g.mean), ci95: g.ci95.map(finite), lowerBound: finite(g.lowerBound), n: g.n });

function searchJson(s: SearchOutcome) {
  return {
    treatment: s.treatment,
    seat: s.seat,
    group: s.group,
    deviation: s.deviation,
    class: s.class,
    baseline: s.baseline,
    best: s.best,
    gain: gainJson(s.gain),
    baselinePayoff: finite(s.baselinePayoff),
    relative: finite(s.relative),
    finding: s.finding,
    episodes: s.result.episodes,
  };
}

const trialJson = (t: MitigationTrial) => ({ ...t, gain: t.gain ? gainJson(t.gain) : null });

function findingJson(f: Finding, base: string) {
  return {
    ...f,
    gain: { ...gainJson(f.gain), relative: finite(f.gain.relative) },
    frequency: finite(f.frequency),
    mitigation: f.mitigation ? trialJson(f.mitigation) : null,
    mitigations: f.mitigations.map(trialJson),
    evidence: f.evidence.map((e) => ({ ...e, url: replayUrl(base, e.match, e.seq) })),
    records: `evidence/${f.id}/events.jsonl`,
    regression: `regression/${f.id}.json`,
  };
}

/** Writes the probe's folder; returns the files written, by name. */
export async function writeProbe(out: string, result: ProbeResult, options: ProbeWriteOptions): Promise<{ dir: string; files: string[] }> {
  const dir = new StagedDir(out, { replace: options.replace ?? false });
  const files: string[] = [];
  try {
    const write = (name: string, text: string) => {
      const file = new StreamFile(dir.file(name));
      file.write(text);
      file.close();
      files.push(name);
    };
    const { mkdirSync } = await import('node:fs');
    for (const sub of ['findings', 'evidence', 'regression']) mkdirSync(dir.file(sub), { recursive: true });
    for (const f of result.findings) {
      mkdirSync(dir.file(`evidence/${f.id}`), { recursive: true });
      const events = result.records.get(f.id) ?? [];
      write(`evidence/${f.id}/events.jsonl`, events.map((e) => `${JSON.stringify(e)}\n`).join(''));
      if (options.ledger && events.length) {
        const ledger = options.ledger;
        ledger.transaction(() => {
          for (const e of events) ledger.append(e);
        });
      }
      write(`findings/${f.id}.json`, `${JSON.stringify(findingJson(f, options.baseUrl), null, 2)}\n`);
      write(`regression/${f.id}.json`, `${JSON.stringify({ $schema: 'exploit-regression', ...f.regression }, null, 2)}\n`);
      write(`findings/${f.id}.html`, await findingPage(f, result, options));
    }
    for (const f of result.indicatorFindings) {
      mkdirSync(dir.file(`evidence/${f.id}`), { recursive: true });
      const events = result.records.get(f.id) ?? [];
      write(`evidence/${f.id}/events.jsonl`, events.map((e) => `${JSON.stringify(e)}\n`).join(''));
      if (options.ledger && events.length) {
        const ledger = options.ledger;
        ledger.transaction(() => {
          for (const e of events) ledger.append(e);
        });
      }
      write(`findings/${f.id}.json`, `${JSON.stringify({ kind: 'indicator', ...f, evidence: f.evidence.map((e) => ({ match: e.match, seq: e.seq, episode: e.episode, url: replayUrl(options.baseUrl, e.match, e.seq) })), records: `evidence/${f.id}/events.jsonl` }, null, 2)}\n`);
      write(`findings/${f.id}.html`, await indicatorPage(f, result, options));
    }
    const summary = {
      version: 1,
      study: result.study,
      mechanism: result.mechanism,
      settings: result.settings,
      startedAt: result.startedAt,
      seconds: result.seconds,
      code: options.code ?? null,
      searches: result.searches.map(searchJson),
      findings: [
        ...result.findings.map((f) => ({ id: f.id, kind: 'exploit', title: f.title, severity: f.severity, treatment: f.treatment, seats: f.seats, gain: { ...gainJson(f.gain), relative: finite(f.gain.relative) }, mitigation: f.mitigation?.name ?? null, report: `findings/${f.id}.html` })),
        ...result.indicatorFindings.map((f) => ({ id: f.id, kind: 'indicator', title: f.title, severity: f.severity, treatment: f.treatment, indicator: f.indicator, mitigation: f.mitigation?.name ?? null, report: `findings/${f.id}.html` })),
      ],
      indicators: result.indicators.map((i) => ({ treatment: i.treatment, ...i.indicator, finding: i.finding })),
      skipped: result.skipped,
    };
    write('probe.json', `${JSON.stringify(summary, null, 2)}\n`);
    write('probe.html', await indexPage(result));
    dir.commit();
    return { dir: dir.target, files };
  } catch (error) {
    dir.discard();
    throw error;
  }
}

async function rendered(figures: readonly Figure[]): Promise<RenderedFigure[]> {
  const out: RenderedFigure[] = [];
  for (const f of figures) out.push({ title: f.title, caption: f.caption, svg: await renderSvg(f.spec), wide: f.wide ?? false });
  return out;
}

const SEVERITY_COLOR: Record<string, string> = { high: '#b42318', medium: '#b54708', low: '#5b6770' };
const badge = (severity: string) => `<span style="display:inline-block;padding:1px 8px;border-radius:10px;color:white;background:${SEVERITY_COLOR[severity] ?? '#5b6770'};font-size:13px">${escapeHtml(severity)}</span>`;
const ci = (g: { mean: number; ci95: readonly [number, number] }) => `${formatNumber(g.mean)} <span class="ci">[${formatNumber(g.ci95[0])}, ${formatNumber(g.ci95[1])}]</span>`;

/** The gain with its interval under the study's config and under each mitigation tried, the threshold dashed. */
function mitigationFigure(f: Finding, threshold: number): Figure {
  const rows = [
    { what: 'as the study runs it', mean: f.gain.mean, lo: f.gain.ci95[0], hi: f.gain.ci95[1], kind: 'finding' },
    ...f.mitigations.filter((t) => t.gain).map((t) => ({ what: `${t.name}${t.verified ? ' (verified)' : ''}`, mean: t.gain?.mean as number, lo: t.gain?.ci95[0] as number, hi: t.gain?.ci95[1] as number, kind: t.verified ? 'verified mitigation' : 'not enough' })),
  ];
  const kind = { field: 'kind', type: 'nominal', title: null, scale: { domain: ['finding', 'verified mitigation', 'not enough'], range: ['#e45756', '#54a24b', '#9aa5ad'] }, legend: { orient: 'bottom', direction: 'horizontal' } };
  const y = { field: 'what', type: 'nominal', sort: rows.map((r) => r.what), title: null, axis: { labelLimit: 280 } };
  return {
    title: 'The gain, and what each config change leaves of it',
    caption: `Dot: the best deviation's mean payoff gain per episode over the baseline on fresh seeds, paired; bar: its 95% confidence interval. First row: the study's config; the others: the same deviation class searched again with one config change, on the same seeds. Dashed line: the threshold (${formatNumber(threshold)}) a gain's one-sided lower bound must pass to be a finding; dotted: no gain.`,
    spec: {
      width: 560,
      height: Math.max(80, 38 * rows.length),
      layer: [
        { data: { values: [{ x: 0 }] }, mark: { type: 'rule', strokeDash: [2, 3], color: '#777' }, encoding: { x: { field: 'x', type: 'quantitative' } } },
        { data: { values: [{ x: threshold }] }, mark: { type: 'rule', strokeDash: [6, 4], color: '#222' }, encoding: { x: { field: 'x', type: 'quantitative' } } },
        { data: { values: rows }, mark: { type: 'rule', strokeWidth: 2 }, encoding: { y, x: { field: 'lo', type: 'quantitative', title: 'payoff gain per episode' }, x2: { field: 'hi' }, color: kind } },
        { data: { values: rows }, mark: { type: 'point', filled: true, size: 70, opacity: 1 }, encoding: { y, x: { field: 'mean', type: 'quantitative' }, color: kind } },
      ],
    } as TopLevelSpec,
    wide: true,
  };
}

/** Every search's best gain with its interval: findings red. */
function searchesFigure(result: ProbeResult): Figure {
  const rows = result.searches.map((s) => ({ what: `${s.treatment} · ${s.seat} · ${s.deviation}`, mean: s.gain.mean, lo: s.gain.ci95[0], hi: s.gain.ci95[1], kind: s.finding ? 'finding' : 'within the threshold' }));
  const kind = { field: 'kind', type: 'nominal', title: null, scale: { domain: ['finding', 'within the threshold'], range: ['#e45756', '#4c78a8'] }, legend: { orient: 'bottom', direction: 'horizontal' } };
  const y = { field: 'what', type: 'nominal', sort: rows.map((r) => r.what), title: null, axis: { labelLimit: 320 } };
  return {
    title: 'Best deviation found in each search',
    caption: 'Dot: the mean payoff gain per episode of the best deviation of the class over the seat’s own policy, re-evaluated on fresh seeds (paired); bar: its 95% confidence interval. Red: a finding (the gain’s one-sided lower bound passes the threshold). Dotted line: no gain.',
    spec: {
      width: 600,
      height: Math.max(80, 34 * rows.length),
      layer: [
        { data: { values: [{ x: 0 }] }, mark: { type: 'rule', strokeDash: [2, 3], color: '#777' }, encoding: { x: { field: 'x', type: 'quantitative' } } },
        { data: { values: rows }, mark: { type: 'rule', strokeWidth: 2 }, encoding: { y, x: { field: 'lo', type: 'quantitative', title: 'payoff gain per episode' }, x2: { field: 'hi' }, color: kind } },
        { data: { values: rows }, mark: { type: 'point', filled: true, size: 70, opacity: 1 }, encoding: { y, x: { field: 'mean', type: 'quantitative' }, color: kind } },
      ],
    } as TopLevelSpec,
    wide: true,
  };
}

const footer = (result: ProbeResult) => `Written by <code>arena probe</code> on ${escapeHtml(result.startedAt)} in ${formatNumber(result.seconds)} s. Every gain is paired: the deviation and the baseline play the same seeds, episode by episode.`;

async function indexPage(result: ProbeResult): Promise<string> {
  const header = `<header class="study"><div class="kicker">probe · ${escapeHtml(result.mechanism)}</div><h1>${escapeHtml(result.study)}: ${result.findings.length + result.indicatorFindings.length ? `${result.findings.length + result.indicatorFindings.length} finding${result.findings.length + result.indicatorFindings.length === 1 ? '' : 's'}` : 'no finding above the threshold'}</h1>
<p class="lede">Each search looks for the best deviation of a declared class for one seat against the rest of the population, on one seed block, and re-evaluates the winner on fresh seeds. Beside the searches, each treatment's indicators are read from its records against honest replays of the same seeds; an indicator is a finding when both its p-values are at most ${formatNumber(result.settings.alpha)} and it lies beyond the replays' 5–95% range. A search finding is a deviation whose one-sided 95% lower bound of gain exceeds ${formatNumber(result.settings.threshold * 100)}% of a seat's share of the efficient surplus (the surplus of the efficient outcome over the seats, under the baseline's draws).</p></header>`;
  const rows = result.searches
    .map((s) => `<tr><td class="text">${escapeHtml(s.treatment)}</td><td class="text">${escapeHtml(s.seat)} (${escapeHtml(s.baseline.policy)})</td><td class="text">${escapeHtml(s.deviation)}</td><td class="text">${escapeHtml(s.best.name)}</td><td>${ci(s.gain)}</td><td>${formatNumber(s.gain.lowerBound)}</td><td class="text">${s.finding ? 'finding' : '–'}</td></tr>`)
    .join('');
  const table = `<div class="scroll"><table><thead><tr><th>treatment</th><th class="text">seat</th><th class="text">deviation</th><th class="text">best found</th><th>gain [95% CI]</th><th>lower bound</th><th class="text"></th></tr></thead><tbody>${rows}</tbody></table></div>`;
  const all = [...result.findings.map((f) => ({ id: f.id, severity: f.severity, title: f.title, mitigation: f.mitigation?.name ?? null })), ...result.indicatorFindings.map((f) => ({ id: f.id, severity: f.severity, title: f.title, mitigation: f.mitigation?.name ?? null }))];
  const list = all.length
    ? `<ul>${all.map((f) => `<li>${badge(f.severity)} <a href="findings/${encodeURIComponent(f.id)}.html">${escapeHtml(f.title)}</a>${f.mitigation ? ` — closed by <b>${escapeHtml(f.mitigation)}</b>` : ' — no verified mitigation'}</li>`).join('')}</ul>`
    : '<p class="note">No deviation of the declared classes gains more than the threshold, and no indicator departs from honest play: within these classes and this population, nothing was found.</p>';
  const indicatorRows = result.indicators
    .map((i) => `<tr><td class="text">${escapeHtml(i.treatment)}</td><td class="text">${escapeHtml(i.indicator.name)}${i.indicator.seat ? ` (${escapeHtml(i.indicator.seat)})` : ''}</td><td>${indicatorCell(i.indicator)}</td><td>${i.indicator.null ? `${formatNumber(i.indicator.null.mean)} <span class="ci">[${formatNumber(i.indicator.null.q05)}, ${formatNumber(i.indicator.null.q95)}]</span>` : '–'}</td><td>${formatNumber(i.indicator.p)}</td><td>${formatNumber(i.indicator.pPaired)}</td><td class="text">${i.finding ? 'finding' : '–'}</td></tr>`)
    .join('');
  const indicatorTable = result.indicators.length ? `<div class="scroll"><table><thead><tr><th>treatment</th><th class="text">indicator</th><th>value [95% CI]</th><th>honest replays: mean [5%, 95%]</th><th>p</th><th>paired p</th><th class="text"></th></tr></thead><tbody>${indicatorRows}</tbody></table></div><p class="note">Definitions and windows: README, "Indicators". p: the share of honest replays at least as extreme (one-sided, Monte Carlo); paired p: a sign-flip test of each episode against its own replays.</p>` : '';
  const sections: PageSection[] = [
    { id: 'findings', title: 'Findings', intro: list, figures: [] },
    ...(result.searches.length ? [{ id: 'searches', title: 'Every search', intro: table, figures: await rendered([searchesFigure(result)]) }] : []),
    ...(indicatorTable ? [{ id: 'indicators', title: 'Indicators against honest replays', intro: indicatorTable, figures: [] }] : []),
    ...(result.skipped.length ? [{ id: 'skipped', title: 'Not searched', intro: `<ul>${result.skipped.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul>`, figures: [] }] : []),
  ];
  return page(`${result.study}: probe`, header, sections, footer(result));
}

async function findingPage(f: Finding, result: ProbeResult, options: ProbeWriteOptions): Promise<string> {
  const search = result.searches.find((s) => s.treatment === f.treatment && s.seat === f.seats[0] && s.deviation === f.deviation.name);
  const threshold = result.settings.threshold * f.scale;
  const header = `<header class="study"><div class="kicker">failure report · ${escapeHtml(f.mechanism)} · ${badge(f.severity)}</div><h1>${escapeHtml(f.title)}</h1>
<dl class="facts">
<dt>study, treatment</dt><dd>${escapeHtml(f.study)}, ${escapeHtml(f.treatment)}</dd>
<dt>seat</dt><dd>${escapeHtml(f.seats.join(', '))}, whose own policy is ${escapeHtml(f.baseline.policy)} (mean payoff ${formatNumber(f.baseline.payoff)} per episode)</dd>
<dt>population</dt><dd>${escapeHtml(f.population.map((p) => `${p.seat} ${p.policy}`).join(', '))}</dd>
<dt>strategy found</dt><dd>${escapeHtml(f.deviation.strategy)}</dd>
<dt>gain per episode</dt><dd>${ci(f.gain)} (95% CI), one-sided 95% lower bound ${formatNumber(f.gain.lowerBound)}, ${f.gain.n} fresh paired episodes; the lower bound is ${formatNumber(f.gain.relative * 100)}% of a seat's share of the efficient surplus (${formatNumber(f.scale)})</dd>
<dt>how often</dt><dd>the deviation earns more than the baseline in ${formatNumber(f.frequency * 100)}% of the fresh episodes</dd>
<dt>severity</dt><dd>${escapeHtml(f.severity)} (high: lower bound ≥ 10% of a seat's share of the surplus; medium: ≥ 3%; low: above the threshold of ${formatNumber(result.settings.threshold * 100)}%)</dd>
</dl></header>`;
  const rule = f.rule
    ? `<p>The verified mitigation changes <b>${escapeHtml(f.rule.fields.join(', '))}</b>. The rules as the study runs them say:</p><pre>${escapeHtml(f.rule.before.join('\n') || '(no line changes)')}</pre><p>and with the change:</p><pre>${escapeHtml(f.rule.after.join('\n') || '(no line changes)')}</pre>`
    : '<p class="note">No config change tried closes the exploit, so no single rule can be named; the rules as the study runs them are below.</p>';
  const m = f.mitigation;
  const mitigation = m
    ? `<p><b>${escapeHtml(m.name)}</b>: set <code>${escapeHtml(JSON.stringify(m.config))}</code>. ${escapeHtml(m.why)}.</p><p>Verified on the same seeds: the best deviation of the class then gains ${m.gain ? ci(m.gain) : '–'} (lower bound ${formatNumber(m.gain?.lowerBound ?? Number.NaN)}, below the threshold ${formatNumber(threshold)} and below the finding's lower bound). Its cost to the honest population: ${escapeHtml(Object.entries(m.cost).map(([k, v]) => `${k} ${v >= 0 ? '+' : ''}${formatNumber(v)}`).join(', ') || 'none measured')}.</p>`
    : '<p class="note">None of the config changes tried lowers the gain below the threshold.</p>';
  const trials = `<div class="scroll"><table><thead><tr><th>change</th><th class="text">config</th><th>best gain [95% CI]</th><th>lower bound</th><th class="text">verified</th><th class="text">cost to the honest population</th></tr></thead><tbody>${f.mitigations
    .map((t) => `<tr><td class="text">${escapeHtml(t.name)}</td><td class="text"><code>${escapeHtml(JSON.stringify(t.config))}</code></td><td>${t.gain ? ci(t.gain) : escapeHtml(t.problem ?? '–')}</td><td>${t.gain ? formatNumber(t.gain.lowerBound) : ''}</td><td class="text">${t.verified ? 'yes' : 'no'}</td><td class="text">${escapeHtml(Object.entries(t.cost).map(([k, v]) => `${k} ${v >= 0 ? '+' : ''}${formatNumber(v)}`).join(', '))}</td></tr>`)
    .join('')}</tbody></table></div>`;
  const evidence = f.evidence.length
    ? `<p>The first fresh episodes of both populations are recorded in <code>../evidence/${escapeHtml(f.id)}/events.jsonl</code> (<code>arena replay</code> verifies them)${options.ledger ? ` and in the ledger ${escapeHtml(options.ledger.path ?? '')}` : ''}. The episodes where the deviation gained most, opened at the deviating seat's first action:</p><ul>${f.evidence
        .map((e) => `<li>episode ${e.episode}, ${e.population}: payoff ${formatNumber(e.payoff)} — <a href="${escapeHtml(replayUrl(options.baseUrl, e.match, e.seq))}">${escapeHtml(e.match)} at event ${e.seq}</a></li>`)
        .join('')}</ul>${options.ledger ? '' : '<p class="note">The replay links open once these records are in the server’s ledger (run the probe with <code>--db</code> pointing at it).</p>'}`
    : '<p class="note">No records kept for this finding.</p>';
  const regression = `<p>A regression study reproducing this finding: <code>../regression/${escapeHtml(f.id)}.json</code>. Put it in the exploit library (<code>exploits/${escapeHtml(f.mechanism.split('@')[0] ?? '')}/</code>); <code>npm test</code> then fails if ${m ? `the exploit comes back under ${escapeHtml(m.name)}` : 'it stops reproducing'}. Check it now with <code>npm run arena -- regress regression/${escapeHtml(f.id)}.json</code>.</p>`;
  const figures: Figure[] = [mitigationFigure(f, threshold), ...(search ? exploitSearch(search.result.log as unknown as FolderExploitLog) : [])];
  const sections: PageSection[] = [
    { id: 'rule', title: 'The rule', intro: rule, figures: [] },
    { id: 'mitigation', title: 'Mitigation', intro: mitigation, after: trials, figures: await rendered(figures.slice(0, 1)) },
    { id: 'search', title: 'The search', figures: await rendered(figures.slice(1)) },
    { id: 'evidence', title: 'Records that show it', intro: evidence, figures: [] },
    { id: 'regression', title: 'Regression study', intro: regression, figures: [] },
    { id: 'rules', title: 'The mechanism’s rules under this treatment', intro: `<pre>${escapeHtml(f.rulesText)}</pre>`, figures: [] },
  ];
  return page(f.title, header, sections, footer(result));
}

const indicatorCell = (r: IndicatorResult) => (r.mean === null ? '–' : `${formatNumber(r.mean)}${r.ci95 ? ` <span class="ci">[${formatNumber(r.ci95[0])}, ${formatNumber(r.ci95[1])}]</span>` : ''}`);

/** The indicator's value with its interval, and the honest replays' range, under the study's config and each change tried. */
function indicatorFigure(f: IndicatorFinding): Figure {
  const rows: Record<string, unknown>[] = [];
  const add = (what: string, r: IndicatorResult | null, kind: string) => {
    if (!r || r.mean === null) return;
    rows.push({ what, kind, mean: r.mean, lo: r.ci95?.[0] ?? r.mean, hi: r.ci95?.[1] ?? r.mean });
    if (r.null && r.null.mean !== null) rows.push({ what, kind: 'honest replays', mean: r.null.mean, lo: r.null.q05 ?? r.null.mean, hi: r.null.q95 ?? r.null.mean });
  };
  add('as the study runs it', f.indicator, 'finding');
  for (const t of f.mitigations) add(`${t.name}${t.verified ? ' (verified)' : ''}`, t.indicator, t.verified ? 'verified mitigation' : 'not enough');
  const kind = { field: 'kind', type: 'nominal', title: null, scale: { domain: ['finding', 'verified mitigation', 'not enough', 'honest replays'], range: ['#e45756', '#54a24b', '#9aa5ad', '#222222'] }, legend: { orient: 'bottom', direction: 'horizontal' } };
  const y = { field: 'what', type: 'nominal', sort: [...new Set(rows.map((r) => r.what as string))], title: null, axis: { labelLimit: 280 } };
  return {
    title: `${f.indicator.name.replaceAll('_', ' ')} against honest play`,
    caption: `Coloured dot and bar: the indicator's mean over the episodes and its 95% confidence interval; black: the same statistic over the honest replays of the same seeds (their mean and 5–95% range), where ${f.honest ? `the seats play ${f.honest.policy}` : 'the seats play the honest baseline'}. First row: the study's config; the others: the treatment played again with one config change.`,
    spec: {
      width: 560,
      height: Math.max(80, 40 * new Set(rows.map((r) => r.what)).size),
      layer: [
        { data: { values: rows }, mark: { type: 'rule', strokeWidth: 2 }, encoding: { y, yOffset: { field: 'kind' }, x: { field: 'lo', type: 'quantitative', title: f.indicator.unit }, x2: { field: 'hi' }, color: kind } },
        { data: { values: rows }, mark: { type: 'point', filled: true, size: 70, opacity: 1 }, encoding: { y, yOffset: { field: 'kind' }, x: { field: 'mean', type: 'quantitative' }, color: kind } },
      ],
    } as TopLevelSpec,
    wide: true,
  };
}

async function indicatorPage(f: IndicatorFinding, result: ProbeResult, options: ProbeWriteOptions): Promise<string> {
  const r = f.indicator;
  const header = `<header class="study"><div class="kicker">failure report · indicator · ${escapeHtml(f.mechanism)} · ${badge(f.severity)}</div><h1>${escapeHtml(f.title)}</h1>
<dl class="facts">
<dt>study, treatment</dt><dd>${escapeHtml(f.study)}, ${escapeHtml(f.treatment)}</dd>
<dt>indicator</dt><dd>${escapeHtml(r.name)}${r.seat ? ` of ${escapeHtml(r.seat)}` : ''} (${escapeHtml(r.unit)}, window: ${escapeHtml(r.window)}): ${escapeHtml(f.definition)}</dd>
<dt>population</dt><dd>${escapeHtml(f.population.map((p) => `${p.seat} ${p.policy}`).join(', '))}</dd>
<dt>value</dt><dd>${indicatorCell(r)} (95% CI over ${r.n} episodes)</dd>
<dt>honest replays</dt><dd>${r.null ? `${formatNumber(r.null.mean)} [${formatNumber(r.null.q05)}, ${formatNumber(r.null.q95)}], ${r.null.replays} replays per episode${f.honest ? ` with the seats played by ${escapeHtml(f.honest.policy)}` : ''}` : '–'}</dd>
<dt>p-values</dt><dd>Monte Carlo p = ${formatNumber(r.p)}, paired (sign-flip) p = ${formatNumber(r.pPaired)}, one-sided towards ${r.direction === 'greater' ? 'higher' : 'lower'} values</dd>
<dt>severity</dt><dd>${escapeHtml(f.severity)} (high: the value is at least 50% away from the honest mean, as a share of the larger; medium: 20%)</dd>
</dl></header>`;
  const rule = f.rule
    ? `<p>The verified mitigation changes <b>${escapeHtml(f.rule.fields.join(', '))}</b>. The rules as the study runs them say:</p><pre>${escapeHtml(f.rule.before.join('\n') || '(no line changes)')}</pre><p>and with the change:</p><pre>${escapeHtml(f.rule.after.join('\n') || '(no line changes)')}</pre>`
    : '<p class="note">No config change tried brings the indicator back to honest play, so no single rule can be named; the rules as the study runs them are below.</p>';
  const m = f.mitigation;
  const mitigation = m
    ? `<p><b>${escapeHtml(m.name)}</b>: set <code>${escapeHtml(JSON.stringify(m.config))}</code>. ${escapeHtml(m.why)}.</p><p>Verified on the same seeds: the indicator is then ${m.indicator ? indicatorCell(m.indicator) : '–'} (p = ${formatNumber(m.indicator?.p)}, paired p = ${formatNumber(m.indicator?.pPaired)}), no longer apart from honest play and beyond the finding's interval.</p>`
    : '<p class="note">None of the config changes tried brings the indicator back within the honest replays.</p>';
  const trials = `<div class="scroll"><table><thead><tr><th>change</th><th class="text">config</th><th>value [95% CI]</th><th>p</th><th>paired p</th><th class="text">verified</th></tr></thead><tbody>${f.mitigations
    .map((t) => `<tr><td class="text">${escapeHtml(t.name)}</td><td class="text"><code>${escapeHtml(JSON.stringify(t.config))}</code></td><td>${t.indicator ? indicatorCell(t.indicator) : escapeHtml(t.problem ?? '–')}</td><td>${formatNumber(t.indicator?.p)}</td><td>${formatNumber(t.indicator?.pPaired)}</td><td class="text">${t.verified ? 'yes' : 'no'}</td></tr>`)
    .join('')}</tbody></table></div>`;
  const evidence = f.evidence.length
    ? `<p>The first episodes' records are in <code>../evidence/${escapeHtml(f.id)}/events.jsonl</code>${options.ledger ? ` and in the ledger ${escapeHtml(options.ledger.path ?? '')}` : ''}, opened at their first closed round:</p><ul>${f.evidence.map((e) => `<li>episode ${e.episode} — <a href="${escapeHtml(replayUrl(options.baseUrl, e.match, e.seq))}">${escapeHtml(e.match)} at event ${e.seq}</a></li>`).join('')}</ul>`
    : '<p class="note">No records kept for this finding.</p>';
  const sections: PageSection[] = [
    { id: 'rule', title: 'The rule', intro: rule, figures: [] },
    { id: 'mitigation', title: 'Mitigation', intro: mitigation, after: trials, figures: await rendered([indicatorFigure(f)]) },
    { id: 'evidence', title: 'Records that show it', intro: evidence, figures: [] },
    { id: 'rules', title: 'The mechanism’s rules under this treatment', intro: `<pre>${escapeHtml(f.rulesText)}</pre>`, figures: [] },
  ];
  return page(f.title, header, sections, footer(result));
}
