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
import type { Finding, MitigationTrial, ProbeResult, SearchOutcome } from './probe.ts';
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
    const summary = {
      version: 1,
      study: result.study,
      mechanism: result.mechanism,
      settings: result.settings,
      startedAt: result.startedAt,
      seconds: result.seconds,
      code: options.code ?? null,
      searches: result.searches.map(searchJson),
      findings: result.findings.map((f) => ({ id: f.id, title: f.title, severity: f.severity, treatment: f.treatment, seats: f.seats, gain: { ...gainJson(f.gain), relative: finite(f.gain.relative) }, mitigation: f.mitigation?.name ?? null, report: `findings/${f.id}.html` })),
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
  const header = `<header class="study"><div class="kicker">probe · ${escapeHtml(result.mechanism)}</div><h1>${escapeHtml(result.study)}: ${result.findings.length ? `${result.findings.length} finding${result.findings.length === 1 ? '' : 's'}` : 'no finding above the threshold'}</h1>
<p class="lede">Each search looks for the best deviation of a declared class for one seat against the rest of the population, on one seed block, and re-evaluates the winner on fresh seeds. A finding is a deviation whose one-sided 95% lower bound of gain exceeds ${formatNumber(result.settings.threshold * 100)}% of a seat's share of the efficient surplus (the surplus of the efficient outcome over the seats, under the baseline's draws).</p></header>`;
  const rows = result.searches
    .map((s) => `<tr><td class="text">${escapeHtml(s.treatment)}</td><td class="text">${escapeHtml(s.seat)} (${escapeHtml(s.baseline.policy)})</td><td class="text">${escapeHtml(s.deviation)}</td><td class="text">${escapeHtml(s.best.name)}</td><td>${ci(s.gain)}</td><td>${formatNumber(s.gain.lowerBound)}</td><td class="text">${s.finding ? 'finding' : '–'}</td></tr>`)
    .join('');
  const table = `<div class="scroll"><table><thead><tr><th>treatment</th><th class="text">seat</th><th class="text">deviation</th><th class="text">best found</th><th>gain [95% CI]</th><th>lower bound</th><th class="text"></th></tr></thead><tbody>${rows}</tbody></table></div>`;
  const list = result.findings.length
    ? `<ul>${result.findings.map((f) => `<li>${badge(f.severity)} <a href="findings/${encodeURIComponent(f.id)}.html">${escapeHtml(f.title)}</a>${f.mitigation ? ` — closed by <b>${escapeHtml(f.mitigation.name)}</b>` : ' — no verified mitigation'}</li>`).join('')}</ul>`
    : '<p class="note">No deviation of the declared classes gains more than the threshold: within these classes and this population, no profitable deviation was found.</p>';
  const sections: PageSection[] = [
    { id: 'findings', title: 'Findings', intro: list, figures: [] },
    { id: 'searches', title: 'Every search', intro: table, figures: await rendered([searchesFigure(result)]) },
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
