/**
 * reporting-audit@1 — an enforcement game: taxpayers report a private amount (income,
 * emissions) and pay a tax on the report; some reports are audited, and an audit of a report
 * below the amount collects the unpaid tax and a fine of `fineMultiple` times it.
 *
 * Rules: each round every taxpayer's amount is drawn afresh from its own stream; all report
 * at once (on the `reportStep` grid, at most the amount). Audits: 'uniform', each report with
 * `auditProbability`; 'threshold', reports below `threshold` with `auditProbability` and the
 * others with `probabilityAbove` (both drawn from the shared stream); 'regulator', seat p0 sees
 * the reports and orders up to `auditBudget` audits, earning what is collected less
 * `auditCost` per audit. A taxpayer's round payoff: amount − tax on the report − what an audit
 * collects. Under reveal 'audits' everyone learns who was audited and what they paid.
 *
 * Benchmarks (Allingham and Sandmo 1972; Becker 1968): the audit probability 1/(1 + f) at
 * which a risk-neutral taxpayer is indifferent between reporting everything and nothing; under
 * uniform audits the risk-neutral compliance (1 above it, 0 below) and the revenue per
 * taxpayer that follows; the revenue of honest reporting. Outcome: revenue = taxes and
 * penalties collected; welfare = the amounts less the audit costs (taxes and fines are
 * transfers); maxWelfare = the amounts (no audit).
 */
import type { Benchmark, Legal, MeasureSpec, Mechanism, SeatId } from '../core/types.ts';
import { support } from '../core/policy.ts';
import { MAX_SEATS, reportingAuditActionSchema, reportingAuditConfigSchema, type AuditMode, type ReportingAuditAction, type ReportingAuditConfig, type Reveal } from './config.ts';
import {
  advanceTo,
  audit,
  firstRound,
  hasRegulator,
  isRegulator,
  MECHANISM_ID,
  publicRound,
  regulatorRound,
  report,
  taxpayerCount,
  taxpayerRound,
  type PublicRound,
  type RegulatorRound,
  type ReportingAuditState,
  type Stage,
  type TaxpayerRound,
} from './play.ts';
import { REPORTING_AUDIT_ROUND_FIELDS } from './tables.ts';

export type { ReportingAuditConfig, ReportingAuditAction } from './config.ts';
export type { ReportingAuditState, RoundRecord, TaxpayerRound, RegulatorRound, PublicRound } from './play.ts';
export { auditChance } from './play.ts';

interface Status {
  readonly mechanism: typeof MECHANISM_ID;
  readonly round: number;
  readonly rounds: number;
  readonly over: boolean;
  readonly stage: Stage | 'over';
  readonly deadline: number | null;
  readonly taxRate: number;
  readonly fineMultiple: number;
  readonly auditMode: AuditMode;
  /** The audit rule's probabilities (uniform and threshold modes). */
  readonly auditProbability: number;
  readonly threshold: number | null;
  readonly probabilityAbove: number | null;
  readonly auditBudget: number | null;
  readonly reveal: Reveal;
  readonly taxpayers: number;
  readonly reportsIn: number;
}

export interface TaxpayerView extends Status {
  readonly role: 'taxpayer';
  readonly seat: SeatId;
  /** Your amount this round: only you know it. */
  readonly income: number;
  readonly reportStep: number;
  readonly myReport: number | null;
  readonly history: readonly TaxpayerRound[];
  readonly totalPayoff: number;
}

export interface RegulatorView extends Status {
  readonly role: 'regulator';
  readonly seat: SeatId;
  readonly auditCost: number;
  /** This round's reports, once they are all in (the audit stage). */
  readonly reports: Readonly<Record<SeatId, number>> | null;
  readonly history: readonly RegulatorRound[];
  readonly totalPayoff: number;
}

export type PlayerView = TaxpayerView | RegulatorView;

export interface ReportingAuditPublicView extends Status {
  readonly history: readonly PublicRound[];
}

function status(state: ReportingAuditState): Status {
  const c = state.config;
  return {
    mechanism: MECHANISM_ID,
    round: state.round,
    rounds: c.rounds,
    over: state.over,
    stage: state.over ? 'over' : state.stage,
    deadline: state.deadline,
    taxRate: c.taxRate,
    fineMultiple: c.fineMultiple,
    auditMode: c.auditMode,
    auditProbability: c.auditProbability,
    threshold: c.auditMode === 'threshold' ? c.threshold : null,
    probabilityAbove: c.auditMode === 'threshold' ? c.probabilityAbove : null,
    auditBudget: c.auditMode === 'regulator' ? c.auditBudget : null,
    reveal: c.reveal,
    taxpayers: taxpayerCount(c, state.seats.length),
    reportsIn: state.reportsIn,
  };
}

const num = (x: number | null): string => (x === null ? '–' : String(Math.round(x * 100) / 100));
const pct = (p: number): string => `${Math.round(p * 1000) / 10}%`;

function auditWords(c: ReportingAuditConfig): string {
  if (c.auditMode === 'uniform') return `Each report is audited with probability ${pct(c.auditProbability)}, whatever it says.`;
  if (c.auditMode === 'threshold') return `A report below ${c.threshold} is audited with probability ${pct(c.auditProbability)}; a report of ${c.threshold} or more with probability ${pct(c.probabilityAbove)}.`;
  return `A regulator (seat p0) sees every report and orders up to ${c.auditBudget} audit${c.auditBudget === 1 ? '' : 's'} each round; each audit costs it ${c.auditCost}, and it keeps everything collected.`;
}

function rules(c: ReportingAuditConfig): string {
  const { low, high } = support(c.income);
  return [
    `A reporting game with audits, ${c.rounds} round${c.rounds === 1 ? '' : 's'}.`,
    `Each round every taxpayer receives an amount drawn at random between ${low} and ${high}${c.income.kind === 'uniformInt' ? ' (whole numbers)' : ''}; only they know it.`,
    `Every taxpayer reports an amount between 0 and their own${c.reportStep > 0 ? ` in steps of ${c.reportStep}` : ''}, all at the same time, and pays a tax of ${pct(c.taxRate)} on what they report.`,
    auditWords(c),
    `An audit finds the true amount: if the report was lower, the taxpayer pays the unpaid tax plus a fine of ${c.fineMultiple} times it.`,
    'Your round payoff is your amount minus the tax you paid minus whatever an audit collected.',
    c.reveal === 'audits' ? 'After each round everyone learns who was audited and what they paid.' : 'After each round you learn only whether you were audited; nobody learns the others\u2019 amounts, reports or audits.',
    c.roundMs === null ? '' : `Reporting closes after ${c.roundMs / 1000} seconds; a taxpayer who has not reported by then reports 0.`,
    'Your total payoff is the sum of your round payoffs.',
  ]
    .filter(Boolean)
    .join('\n');
}

function describe(view: PlayerView): string {
  const lines = [`Reporting game with audits, round ${view.round} of ${view.rounds}; you are the ${view.role} (${view.seat}). Tax ${pct(view.taxRate)} on reports; an audit of a low report collects the unpaid tax and ${view.fineMultiple} times it as a fine.`];
  if (view.role === 'taxpayer') {
    lines.push(`Your amount this round is ${num(view.income)}.`);
    if (view.auditMode === 'uniform') lines.push(`Each report is audited with probability ${pct(view.auditProbability)}.`);
    else if (view.auditMode === 'threshold') lines.push(`Reports below ${view.threshold} are audited with probability ${pct(view.auditProbability)}, others with ${pct(view.probabilityAbove ?? 0)}.`);
    else lines.push(`A regulator chooses up to ${view.auditBudget} of the ${view.taxpayers} taxpayers to audit after seeing the reports.`);
    if (view.stage === 'report') lines.push(view.myReport === null ? `Report an amount between 0 and ${num(view.income)}.` : `You reported ${num(view.myReport)}; waiting for the others (${view.reportsIn} of ${view.taxpayers} in).`);
    for (const r of view.history.slice(-5)) lines.push(`Round ${r.round}: amount ${num(r.income)}, reported ${num(r.report)}${r.missed ? ' (missed the deadline)' : ''}, tax ${num(r.tax)}, ${r.audited ? `audited: paid ${num(r.penalty)} more` : 'not audited'}, payoff ${num(r.payoff)}.`);
  } else {
    if (view.stage === 'audit' && view.reports) lines.push(`Reports: ${Object.entries(view.reports).map(([s, r]) => `${s} ${num(r)}`).join(', ')}. Choose up to ${view.auditBudget} to audit (each costs ${view.auditCost}).`);
    else if (view.stage === 'report') lines.push(`Waiting for the reports (${view.reportsIn} of ${view.taxpayers} in).`);
    for (const r of view.history.slice(-5)) lines.push(`Round ${r.round}: ${r.audits} audit${r.audits === 1 ? '' : 's'}${Object.keys(r.found).length ? ` (${Object.entries(r.found).map(([s, x]) => `${s} paid ${num(x)}`).join(', ')})` : ''}, collected ${num(r.collected)}, payoff ${num(r.payoff)}.`);
  }
  lines.push(`Your total payoff so far: ${num(view.totalPayoff)}.`);
  return lines.join('\n');
}

export const REPORTING_AUDIT_MEASURES: readonly MeasureSpec[] = [
  { name: 'compliance_rate', unit: 'share', definition: 'amounts reported / amounts held, over taxpayers and rounds' },
  { name: 'full_compliance_share', unit: 'share', definition: 'reports of the whole amount among all reports' },
  { name: 'revenue_per_round', unit: 'money per round', definition: 'taxes and audit collections per round' },
  { name: 'audits_per_round', unit: 'audits per round', definition: 'audits carried out per round' },
  { name: 'audit_cost', unit: 'money', definition: 'what the audits cost over the match' },
  { name: 'detection_rate', unit: 'share', definition: 'audits that found unpaid tax among all audits' },
  { name: 'missed_share', unit: 'share', definition: 'reports missed at the deadline (counted as 0)' },
];

const reportLegal = (c: ReportingAuditConfig, income: number): Legal => {
  const max = c.reportStep > 0 ? Math.floor(income / c.reportStep + 1e-9) * c.reportStep : income;
  return [{ type: 'report', params: { amount: { kind: 'number', min: 0, max: Math.round(max * 1e9) / 1e9, ...(c.reportStep > 0 ? { step: c.reportStep } : {}) } }, hint: `your amount is ${num(income)}; the tax is ${pct(c.taxRate)} of what you report` }];
};

const mean = (c: ReportingAuditConfig): number => (c.income.kind === 'discrete' ? c.income.values.reduce((a, b) => a + b, 0) / c.income.values.length : (support(c.income).low + support(c.income).high) / 2);

export const reportingAudit: Mechanism<ReportingAuditConfig, ReportingAuditState, ReportingAuditAction, PlayerView, ReportingAuditPublicView> = {
  id: MECHANISM_ID,
  version: 1,
  title: 'Reporting game with audits',
  traits: { timing: 'simultaneous', utility: 'general', chance: true, private: ['its amount (income, emissions)', 'its report, except to the regulator'] },
  rules,
  configSchema: reportingAuditConfigSchema,
  actionSchema: reportingAuditActionSchema,
  roundFields: REPORTING_AUDIT_ROUND_FIELDS,
  measures: REPORTING_AUDIT_MEASURES,
  policies: ['honest', 'evader', 'risk-neutral', 'random-auditor', 'lowest-reports'],
  baseline: { policy: 'honest' },
  seats: (config) => ({ min: hasRegulator(config) ? 2 : 1, max: MAX_SEATS, roles: (n) => Array.from({ length: n }, (_, i) => (isRegulator(config, i) ? 'regulator' : 'taxpayer')) }),
  setup: firstRound,
  legal(state, seat) {
    if (state.over) return [];
    const i = state.seats.indexOf(seat);
    if (i < 0) return [];
    const c = state.config;
    if (isRegulator(c, i)) {
      if (state.stage !== 'audit') return [];
      const keys = state.seats.slice(1);
      return [{ type: 'audit', params: { targets: { kind: 'allocation', keys, min: 0, max: 1, step: 1, total: Math.min(c.auditBudget, keys.length) } }, hint: `give 1 to each taxpayer to audit, at most ${c.auditBudget}; each audit costs ${c.auditCost}; {} audits nobody` }];
    }
    return state.stage === 'report' && state.reports[i] === null ? reportLegal(c, state.incomes[i] as number) : [];
  },
  apply: (state, seat, action, at) => (action.type === 'report' ? report(state, seat, action.amount, at) : audit(state, seat, action.targets, at)),
  advance: advanceTo,
  view(state, seat) {
    const i = state.seats.indexOf(seat);
    const c = state.config;
    if (isRegulator(c, i)) {
      const reports = state.stage === 'audit' && !state.over ? Object.fromEntries(state.seats.slice(1).map((s, k) => [s, state.reports[k + 1] ?? 0])) : null;
      return { ...status(state), role: 'regulator', seat, auditCost: c.auditCost, reports, history: state.recent.map((r) => regulatorRound(state.seats, r)), totalPayoff: state.totals[i] as number };
    }
    return {
      ...status(state),
      role: 'taxpayer',
      seat,
      income: state.incomes[i] as number,
      reportStep: c.reportStep,
      myReport: state.reports[i] ?? null,
      history: state.recent.map((r) => taxpayerRound(c, state.seats, r, i)),
      totalPayoff: state.totals[i] as number,
    };
  },
  publicView: (state) => ({ ...status(state), history: state.recent.map((r) => publicRound(state.config, state.seats, r)) }),
  describe,
  progress: (state) => ({ round: state.round, rounds: state.config.rounds, unit: 'round', phase: state.over ? 'over' : state.stage === 'report' ? 'reporting' : 'auditing' }),
  outcome(state) {
    const t = state.tally;
    return {
      payoffs: Object.fromEntries(state.seats.map((s, i) => [s, state.totals[i] as number])),
      revenue: t.collected,
      welfare: Math.round((t.income - t.auditCost) * 1e9) / 1e9,
      maxWelfare: t.income,
      measures: {
        compliance_rate: t.income > 0 ? t.reported / t.income : null,
        full_compliance_share: t.filings ? t.full / t.filings : null,
        revenue_per_round: t.rounds ? t.collected / t.rounds : null,
        audits_per_round: t.rounds ? t.audits / t.rounds : null,
        audit_cost: t.auditCost,
        detection_rate: t.audits ? t.found / t.audits : null,
        missed_share: t.filings ? t.missed / t.filings : null,
      },
    };
  },
  benchmarks(config): Record<string, Benchmark> {
    const f = config.fineMultiple;
    const p = config.auditProbability;
    const deterrent = 1 / (1 + f);
    const uniform = config.auditMode === 'uniform';
    // Risk neutral: each unit hidden saves t for sure and costs t(1 + f) with probability p.
    const compliance = uniform ? (p * (1 + f) > 1 + 1e-12 ? 1 : p * (1 + f) < 1 - 1e-12 ? 0 : null) : null;
    const y = mean(config);
    const t = config.taxRate;
    const of = (value: number | null, unit: string, definition: string): Benchmark => ({ value, unit, definition, audience: 'public' });
    return {
      deterrence_probability: of(deterrent, 'probability', 'the audit probability 1/(1 + fine multiple) at which a risk-neutral taxpayer is indifferent between reporting everything and nothing (Allingham and Sandmo 1972)'),
      risk_neutral_compliance: of(compliance, 'share', 'under uniform audits, the share a risk-neutral taxpayer reports: everything when p(1 + f) > 1, nothing when it is < 1 (none: indifferent, or audits not uniform)'),
      risk_neutral_revenue_per_taxpayer: of(compliance === null ? null : compliance === 1 ? t * y : p * (1 + f) * t * y, 'money per round', 'expected tax and penalties per taxpayer and round when every taxpayer is risk neutral (uniform audits)'),
      honest_revenue_per_taxpayer: of(t * y, 'money per round', 'expected tax per taxpayer and round when everyone reports everything'),
    };
  },
  // What audits find depends on the amounts: the regulator learns it, and under reveal 'audits' everyone does.
  revealedFields(state) {
    const fields: string[] = [];
    if (state.config.reveal === 'audits') fields.push('history', 'penalties');
    if (hasRegulator(state.config)) fields.push('history', 'found', 'collected', 'payoff', 'totalPayoff');
    return fields;
  },
  payoffBounds(config, seats) {
    const { high } = support(config.income);
    // A taxpayer who hides everything and is caught: amount × (1 − t(1 + f)).
    const worst = Math.min(0, high * (1 - config.taxRate * (1 + config.fineMultiple)));
    const regulatorMax = (taxpayerCount(config, seats) * config.taxRate * high * (1 + config.fineMultiple));
    const regulatorMin = -config.auditCost * config.auditBudget;
    return { min: Math.min(0, worst, regulatorMin) * config.rounds, max: Math.max(high, regulatorMax) * config.rounds };
  },
  oneRound: (config) => ({ ...config, rounds: 1 }),
};

export default reportingAudit;
