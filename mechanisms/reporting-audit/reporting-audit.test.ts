/**
 * The reporting game against the economics of tax evasion: a risk-neutral taxpayer facing an
 * audit probability p and a fine of f times the unpaid tax reports everything when p(1 + f) > 1
 * and nothing when p(1 + f) < 1 (Allingham and Sandmo 1972, "Income tax evasion: a theoretical
 * analysis", Journal of Public Economics 1(3–4):323–338; Becker 1968, "Crime and Punishment:
 * An Economic Approach", Journal of Political Economy 76(2):169–217); expected revenue per
 * taxpayer is then t·E[y], or p(1 + f)·t·E[y], which the engine reproduces within sampling
 * error; with audits concentrated below a threshold, risk-neutral taxpayers bunch at it
 * (a cutoff rule, Reinganum and Wilde 1985, "Income tax compliance in a principal-agent
 * framework", Journal of Public Economics 26(1):1–18). Then the engine's own rules.
 */
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../tests/temp.ts';
import { resolveStudy } from '../../studies/spec.ts';
import { runStudy, type EpisodeResult } from '../../studies/runner.ts';
import { openMatch, type Match } from '../core/match.ts';
import type { SeatId } from '../core/types.ts';
import { reportingAudit, type RegulatorView, type ReportingAuditState, type TaxpayerView } from './index.ts';
import { reportingAuditConfigSchema } from './config.ts';

const configOf = (c: Record<string, unknown>) => reportingAuditConfigSchema.parse(c);
const benchmark = (c: Record<string, unknown>, name: string) => reportingAudit.benchmarks(configOf(c), 4)[name]?.value;

function play(config: Record<string, unknown>, seats: { policy: string; params?: Record<string, unknown>; count?: number }[], rows = false): EpisodeResult[] {
  const out: EpisodeResult[] = [];
  runStudy(resolveStudy({ name: 'audit', mechanism: 'reporting-audit', config, seats: seats.map((s) => ({ count: 1, ...s })), episodes: 1, seed: 11, output: { rounds: rows } }), {
    out: `${tempDir('audit')}/results`,
    exports: false,
    onEpisode: (e) => out.push(e),
  });
  return out;
}

describe('Allingham and Sandmo', () => {
  it('the deterrent audit probability is 1/(1 + f): below it a risk-neutral taxpayer reports nothing, above it everything', () => {
    expect(benchmark({ fineMultiple: 1 }, 'deterrence_probability')).toBe(0.5);
    expect(benchmark({ fineMultiple: 3 }, 'deterrence_probability')).toBe(0.25);
    expect(benchmark({ auditProbability: 0.2, fineMultiple: 1 }, 'risk_neutral_compliance')).toBe(0);
    expect(benchmark({ auditProbability: 0.6, fineMultiple: 1 }, 'risk_neutral_compliance')).toBe(1);
    expect(benchmark({ auditProbability: 0.5, fineMultiple: 1 }, 'risk_neutral_compliance')).toBeNull();
  });

  it('risk-neutral taxpayers evade fully under weak enforcement and yield p(1 + f)·t·E[y] a head, and comply fully under strong enforcement, yielding t·E[y]', () => {
    // Amounts uniform on 50..150 (mean 100), t = 0.3, f = 1; 20 taxpayers × 500 rounds.
    const weak = play({ rounds: 500, auditProbability: 0.2 }, [{ policy: 'risk-neutral', count: 20 }])[0];
    expect(weak?.measures.compliance_rate).toBe(0);
    const perHead = (weak?.measures.revenue_per_round as number) / 20;
    expect(benchmark({ auditProbability: 0.2 }, 'risk_neutral_revenue_per_taxpayer')).toBeCloseTo(12, 12);
    // Each head pays 0.6·y with probability 0.2: SD ≈ 0.6·100·0.4 plus the spread of y, about 25; SE over 10,000 ≈ 0.25.
    expect(Math.abs(perHead - 12)).toBeLessThan(1);
    const strong = play({ rounds: 200, auditProbability: 0.6 }, [{ policy: 'risk-neutral', count: 20 }])[0];
    expect(strong?.measures.compliance_rate).toBe(1);
    expect(Math.abs((strong?.measures.revenue_per_round as number) / 20 - 30)).toBeLessThan(0.5);
    expect(strong?.measures.detection_rate).toBe(0);
  });

  it('with audits concentrated below a threshold, risk-neutral taxpayers above it report exactly the threshold (bunching), those below it everything', () => {
    const [e] = play({ rounds: 50, auditMode: 'threshold', threshold: 90, auditProbability: 0.6, probabilityAbove: 0.1 }, [{ policy: 'risk-neutral', count: 10 }], true);
    const rows = e?.rows ?? [];
    expect(rows.length).toBe(500);
    for (const r of rows) expect(r.fields.report).toBe(Math.min(r.fields.income as number, 90));
  });
});

describe('the engine', () => {
  const open = (config: Record<string, unknown>, seats = 3, seed = 5): Match => openMatch(reportingAudit, { config, seats, seed });
  const act = (m: Match, seat: SeatId, action: Record<string, unknown>, at = 0) => m.submit(seat, m.state.stateId, action, at);
  const st = (m: Match) => m.state as unknown as ReportingAuditState;

  it('charges the unpaid tax and the fine when an audit finds a low report, and nothing more when the report was honest', () => {
    const m = open({ rounds: 1, auditProbability: 1, fineMultiple: 2 }, 2);
    const y0 = (m.view('p0') as TaxpayerView).income;
    const y1 = (m.view('p1') as TaxpayerView).income;
    expect(act(m, 'p0', { type: 'report', amount: 0 }).ok).toBe(true);
    expect(act(m, 'p1', { type: 'report', amount: y1 }).ok).toBe(true);
    const [a, b] = [(m.view('p0') as TaxpayerView).history[0], (m.view('p1') as TaxpayerView).history[0]];
    expect(a).toMatchObject({ audited: true, tax: 0, penalty: Math.round(0.3 * y0 * 3 * 1e9) / 1e9 });
    expect(b).toMatchObject({ audited: true, penalty: 0, payoff: Math.round(0.7 * y1 * 1e9) / 1e9 });
    expect(m.outcome().measures.detection_rate).toBe(0.5);
    // reveal 'none': p1 learns nothing of p0's audit.
    expect(JSON.stringify(m.view('p1'))).not.toContain(String(a?.penalty));
  });

  it('lets the regulator see the reports, not the amounts, and audit within its budget', () => {
    const m = open({ rounds: 2, auditMode: 'regulator', auditBudget: 1 }, 4);
    for (const s of ['p1', 'p2', 'p3'] as SeatId[]) act(m, s, { type: 'report', amount: s === 'p2' ? 0 : 50 });
    const reg = m.view('p0') as RegulatorView;
    expect(reg.reports).toEqual({ p1: 50, p2: 0, p3: 50 });
    expect(JSON.stringify(reg)).not.toContain(String((m.view('p2') as TaxpayerView).income));
    expect(act(m, 'p0', { type: 'audit', targets: { p1: 1, p2: 1 } }).ok).toBe(false);
    expect(act(m, 'p0', { type: 'audit', targets: { p2: 1 } }).ok).toBe(true);
    const round = (m.view('p0') as RegulatorView).history[0];
    const y2 = st(m).recent[0]?.incomes[2] as number;
    expect(round?.found).toEqual({ p2: Math.round(0.3 * y2 * 2 * 1e9) / 1e9 });
    expect(round?.payoff).toBeCloseTo((round?.collected as number) - 5, 9);
  });

  it('counts a report missed at the deadline as 0, and a regulator who misses it audits nobody', () => {
    const m = open({ rounds: 1, auditMode: 'regulator', roundMs: 1000 }, 3);
    m.tick(0);
    expect(act(m, 'p1', { type: 'report', amount: 40 }, 10).ok).toBe(true);
    m.tick(1000);
    expect(st(m).stage).toBe('audit');
    m.tick(2000);
    expect(m.over).toBe(true);
    expect(st(m).recent[0]).toMatchObject({ reports: [null, 40, null], audits: 0 });
    expect(m.outcome().measures.missed_share).toBe(0.5);
  });

  it('refuses a report above the amount or off the grid, changing nothing', () => {
    const m = open({ reportStep: 5 }, 2);
    const y = (m.view('p0') as TaxpayerView).income;
    const before = JSON.stringify(m.state);
    expect(act(m, 'p0', { type: 'report', amount: y + 10 }).ok).toBe(false);
    expect(act(m, 'p0', { type: 'report', amount: 3 }).ok).toBe(false);
    expect(act(m, 'p0', { type: 'audit', targets: {} }).ok).toBe(false);
    expect(JSON.stringify(m.state)).toBe(before);
  });
});
