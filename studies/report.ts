/** The summary as a terminal table: one row per metric, one column per treatment. */
import Table from 'cli-table3';
import pc from 'picocolors';
import type { Summary } from './runner.ts';
import type { MetricSummary } from './metrics.ts';

const HEADLINE = ['efficiency', 'revenue', 'welfare', 'ir_violation_rate', 'gini'];

function fmt(x: number): string {
  if (Number.isNaN(x)) return '–';
  const a = Math.abs(x);
  if (a !== 0 && (a < 0.01 || a >= 1e6)) return x.toExponential(2);
  return a >= 100 ? x.toFixed(1) : x.toFixed(3);
}

function cell(m: MetricSummary | undefined): string {
  if (!m || m.n === 0) return pc.dim('–');
  const half = (m.ci95[1] - m.ci95[0]) / 2;
  return `${fmt(m.mean)} ${pc.dim(`± ${fmt(half)}`)}`;
}

/** Beyond this many treatments (a factorial study's cells) the table turns: one row per cell. */
const WIDE = 6;

export function summaryTable(summary: Summary): string {
  if (summary.treatments.length > WIDE) return cellTable(summary);
  const names: string[] = [];
  for (const t of summary.treatments) for (const name of Object.keys(t.metrics)) if (!names.includes(name)) names.push(name);
  names.sort((a, b) => {
    const ia = HEADLINE.indexOf(a);
    const ib = HEADLINE.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
  });
  const measures: string[] = [];
  for (const t of summary.treatments) for (const name of Object.keys(t.measures)) if (!measures.includes(name)) measures.push(name);
  const benchmarks: string[] = [];
  for (const t of summary.treatments) for (const [name, b] of Object.entries(t.benchmarks)) if (b.value !== null && !benchmarks.includes(name) && !/_p\d+$/.test(name)) benchmarks.push(name);
  const table = new Table({ head: [`${summary.mechanism}`, ...summary.treatments.map((t) => `${t.name} (${t.episodes})`)], style: pc.isColorSupported ? { head: ['cyan'] } : { head: [], border: [] } });
  for (const name of names) table.push([name, ...summary.treatments.map((t) => cell(t.metrics[name]))]);
  // The mechanism's own measures, in their own namespace, then the engine's reference values.
  for (const name of measures) table.push([`m.${name}`, ...summary.treatments.map((t) => cell(t.measures[name]))]);
  // Each principal's summed payoff (studies with principals).
  const principals: string[] = [];
  for (const t of summary.treatments) for (const p of t.principals ?? []) if (!principals.includes(p.principal)) principals.push(p.principal);
  for (const name of principals) table.push([`principal ${name}`, ...summary.treatments.map((t) => cell(t.principals?.find((p) => p.principal === name)?.payoff))]);
  for (const name of benchmarks) table.push([pc.dim(`benchmark ${name}`), ...summary.treatments.map((t) => { const v = t.benchmarks[name]?.value; return v === null || v === undefined ? pc.dim('–') : pc.dim(fmt(v)); })]);
  return `${table.toString()}\n${pc.dim('mean ± half-width of the 95% confidence interval; m.: the mechanism\'s measures; (n): episodes')}${effectTables(summary)}`;
}

/** The headline metrics, then the mechanism's measures, that some treatment has. */
function columnsOf(summary: Summary): { name: string; measure: boolean }[] {
  const metrics = HEADLINE.filter((name) => summary.treatments.some((t) => t.metrics[name] && t.metrics[name].n > 0));
  const measures: string[] = [];
  for (const t of summary.treatments) for (const name of Object.keys(t.measures)) if (!measures.includes(name)) measures.push(name);
  return [...metrics.map((name) => ({ name, measure: false })), ...measures.slice(0, 3).map((name) => ({ name, measure: true }))];
}

/** Many cells: one row per cell, one column per headline metric (every metric is in summary.json). */
function cellTable(summary: Summary): string {
  const columns = columnsOf(summary);
  const table = new Table({ head: [`${summary.mechanism}`, 'n', ...columns.map((c) => (c.measure ? `m.${c.name}` : c.name))], style: pc.isColorSupported ? { head: ['cyan'] } : { head: [], border: [] } });
  for (const t of summary.treatments) table.push([t.name, String(t.episodes), ...columns.map((c) => cell((c.measure ? t.measures : t.metrics)[c.name]))]);
  return `${table.toString()}\n${pc.dim('mean ± half-width of the 95% confidence interval; m.: the mechanism\'s measures; n: episodes; every metric is in summary.json')}${effectTables(summary)}`;
}

/** One table per factor: each level's main effect against the reference level, paired over the shared seeds. */
function effectTables(summary: Summary): string {
  if (!summary.effects?.length) return '';
  const columns = columnsOf(summary);
  const parts = summary.effects.map((f) => {
    const table = new Table({ head: [`${f.factor}`, ...f.effects.map((e) => `${e.level} − ${e.versus}`)], style: pc.isColorSupported ? { head: ['cyan'] } : { head: [], border: [] } });
    for (const c of columns) {
      table.push([c.measure ? `m.${c.name}` : c.name, ...f.effects.map((e) => {
        const m = (c.measure ? e.measures : e.metrics)[c.name];
        // An interval that leaves out 0 is marked: the level moves the metric.
        const shown = cell(m);
        return m && m.n > 1 && (m.ci95[0] > 0 || m.ci95[1] < 0) ? pc.bold(shown) : shown;
      })]);
    }
    return table.toString();
  });
  return `\n\n${pc.bold('Main effects')} ${pc.dim('(paired over the shared seeds, averaged over the other factors; bold: the interval leaves out 0; effects.json has every metric)')}\n${parts.join('\n')}`;
}
