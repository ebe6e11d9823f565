/**
 * Baseline players of the reporting game (mechanisms/reporting-audit): the honest taxpayer,
 * the evader who reports a fixed share, the risk-neutral taxpayer of Allingham and Sandmo
 * (1972), who reports the amount that minimises its expected payment t·r + P(audit | r)·t·(y − r)(1 + f)
 * under the public audit rule (with a regulator: audits spread evenly, budget/taxpayers); and
 * two regulators, one auditing at random and one auditing the lowest reports.
 */
import { z } from 'zod';
import { auditChance, type PlayerView, type TaxpayerView } from '../../mechanisms/reporting-audit/index.ts';
import type { ReportingAuditConfig } from '../../mechanisms/reporting-audit/config.ts';
import type { Rng } from '../../mechanisms/core/random.ts';
import type { Decision, Observation, PolicyFactory } from '../policy.ts';
import { decision } from '../policy.ts';

type Obs = Observation<PlayerView>;

/** The legal report nearest `amount` (down to the grid); null when reporting is not open. */
function reportNear(obs: Obs, amount: number): Decision | null {
  const spec = obs.legal.find((a) => a.type === 'report')?.params.amount;
  if (!spec || spec.kind !== 'number') return null;
  let x = Math.min(spec.max, Math.max(spec.min, amount));
  if (spec.step) x = spec.min + Math.floor((x - spec.min) / spec.step + 1e-9) * spec.step;
  return decision({ type: 'report', amount: Math.round(x * 1e9) / 1e9 });
}

/** A risk-neutral taxpayer's expected payment for reporting r. */
function expectedPayment(view: TaxpayerView, r: number): number {
  const t = view.taxRate;
  const chance =
    view.auditMode === 'regulator'
      ? Math.min(1, (view.auditBudget ?? 0) / Math.max(1, view.taxpayers))
      : auditChance({ auditMode: view.auditMode, auditProbability: view.auditProbability, threshold: view.threshold ?? 0, probabilityAbove: view.probabilityAbove ?? 0 } as ReportingAuditConfig, r);
  return t * r + chance * t * Math.max(0, view.income - r) * (1 + view.fineMultiple);
}

export const honest: PolicyFactory<Record<string, never>> = {
  name: 'honest',
  description: 'Reports its whole amount.',
  trusted: true,
  paramsSchema: z.object({}).strict(),
  create: () => ({ name: 'honest', decide: (obs: Obs) => (obs.view.role === 'taxpayer' ? reportNear(obs, obs.view.income) : null) }),
};

export const evader: PolicyFactory<{ fraction: number }> = {
  name: 'evader',
  description: 'Reports a fixed share of its amount (param: fraction, default 0: reports nothing).',
  trusted: true,
  paramsSchema: z.object({ fraction: z.number().min(0).max(1).default(0) }).strict(),
  create: ({ fraction }) => ({ name: 'evader', decide: (obs: Obs) => (obs.view.role === 'taxpayer' ? reportNear(obs, fraction * obs.view.income) : null) }),
};

export const riskNeutral: PolicyFactory<Record<string, never>> = {
  name: 'risk-neutral',
  description: 'Reports the amount that minimises its expected payment under the audit rule (everything, nothing, or just enough to clear an audit threshold); honest when indifferent.',
  trusted: true,
  paramsSchema: z.object({}).strict(),
  create: () => ({
    name: 'risk-neutral',
    decide(obs: Obs) {
      const view = obs.view;
      if (view.role !== 'taxpayer') return null;
      // The optimum is at a corner: nothing, the threshold (the smallest report audited less), or everything.
      const candidates = [view.income, 0, ...(view.threshold !== null && view.threshold <= view.income ? [view.threshold] : [])];
      let best = view.income;
      for (const r of candidates) if (expectedPayment(view, r) < expectedPayment(view, best) - 1e-9) best = r;
      return reportNear(obs, best);
    },
  }),
};

/** Seats to audit, as the allocation the regulator's action takes. */
function auditOf(obs: Obs, pick: (reports: [string, number][], budget: number, rng: Rng) => string[], rng: Rng): Decision | null {
  const spec = obs.legal.find((a) => a.type === 'audit')?.params.targets;
  if (!spec || spec.kind !== 'allocation' || obs.view.role !== 'regulator' || !obs.view.reports) return null;
  const chosen = pick(Object.entries(obs.view.reports), spec.total, rng);
  return decision({ type: 'audit', targets: Object.fromEntries(chosen.map((s) => [s, 1])) });
}

export const randomAuditor: PolicyFactory<Record<string, never>> = {
  name: 'random-auditor',
  description: 'A regulator that audits as many taxpayers as its budget allows, chosen at random.',
  trusted: true,
  paramsSchema: z.object({}).strict(),
  create: () => ({ name: 'random-auditor', decide: (obs: Obs, rng: Rng) => auditOf(obs, (reports, budget, r) => r.shuffle(reports.map(([s]) => s)).slice(0, budget), rng) }),
};

export const lowestReports: PolicyFactory<Record<string, never>> = {
  name: 'lowest-reports',
  description: 'A regulator that audits the lowest reports, as many as its budget allows (ties: the lower seat).',
  trusted: true,
  paramsSchema: z.object({}).strict(),
  create: () => ({ name: 'lowest-reports', decide: (obs: Obs, rng: Rng) => auditOf(obs, (reports, budget) => [...reports].sort((a, b) => a[1] - b[1]).slice(0, budget).map(([s]) => s), rng) }),
};

export const REPORTING_AUDIT_POLICIES = [honest, evader, riskNeutral, randomAuditor, lowestReports];
