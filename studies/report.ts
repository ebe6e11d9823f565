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

export function summaryTable(summary: Summary): string {
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
  for (const name of benchmarks) table.push([pc.dim(`benchmark ${name}`), ...summary.treatments.map((t) => { const v = t.benchmarks[name]?.value; return v === null || v === undefined ? pc.dim('–') : pc.dim(fmt(v)); })]);
  return `${table.toString()}\n${pc.dim('mean ± half-width of the 95% confidence interval; m.: the mechanism\'s measures; (n): episodes')}`;
}
