/**
 * The reporting game's parameters and actions: private amounts (income, emissions) drawn
 * per seat, the tax on what is reported, how audits are chosen (at random with one
 * probability, more often below a threshold, or by a regulator seat within a budget), the
 * fine on what an audit finds unreported, and what everyone learns.
 */
import { z } from 'zod';
import { communicationSchema, distributionSchema } from '../core/policy.ts';
import { strictObject } from '../core/config.ts';

export const MAX_SEATS = 1000;
export const AUDIT_MODES = ['uniform', 'threshold', 'regulator'] as const;
export type AuditMode = (typeof AUDIT_MODES)[number];
export const REVEALS = ['none', 'audits'] as const;
export type Reveal = (typeof REVEALS)[number];

export const reportingAuditConfigSchema = strictObject({
  rounds: z.number().int().min(1).max(10_000_000).default(10).meta({ title: 'Rounds' }),
  /** Each taxpayer's amount, drawn afresh every round from its own stream; only it knows it. */
  income: distributionSchema.default({ kind: 'uniformInt', low: 50, high: 150 }).meta({ title: 'Income', description: 'Each taxpayer\'s amount, drawn afresh every round from its own stream; only it knows it.' }),
  /** Tax on each unit reported. */
  taxRate: z.number().min(0).max(1).default(0.3).meta({ title: 'Tax rate', description: 'Tax on each unit reported.' }),
  /** Reports are multiples of this; 0 accepts any amount. */
  reportStep: z.number().min(0).default(1).meta({ title: 'Report step', description: 'Reports are multiples of this; 0 accepts any amount.' }),
  /** 'uniform': every report is audited with `auditProbability`; 'threshold': reports below `threshold` with `auditProbability`, the others with `probabilityAbove`; 'regulator': seat p0 chooses up to `auditBudget` taxpayers to audit after seeing the reports. */
  auditMode: z.enum(AUDIT_MODES).default('uniform').meta({ title: 'Audit mode', description: '\'uniform\': every report is audited with `auditProbability`; \'threshold\': reports below `threshold` with `auditProbability`, the others with `probabilityAbove`; \'regulator\': seat p0 chooses up to `auditBudget` taxpayers to audit after seeing the reports.' }),
  auditProbability: z.number().min(0).max(1).default(0.2).meta({ title: 'Audit probability' }),
  threshold: z.number().min(0).default(100).meta({ title: 'Threshold' }),
  probabilityAbove: z.number().min(0).max(1).default(0.05).meta({ title: 'Probability above' }),
  /** Audits a regulator may order each round. */
  auditBudget: z.number().int().min(0).default(1).meta({ title: 'Audit budget', description: 'Audits a regulator may order each round.' }),
  /** What each audit costs (the regulator's when there is one; the treasury's otherwise). */
  auditCost: z.number().min(0).default(5).meta({ title: 'Audit cost', description: 'What each audit costs (the regulator\'s when there is one; the treasury\'s otherwise).' }),
  /** An audit that finds tax unpaid collects it and a fine of this multiple of it. */
  fineMultiple: z.number().min(0).max(100).default(1).meta({ title: 'Fine multiple', description: 'An audit that finds tax unpaid collects it and a fine of this multiple of it.' }),
  /** What everyone learns after a round: nothing about the others ('none'), or who was audited and what they paid ('audits'). */
  reveal: z.enum(REVEALS).default('none').meta({ title: 'What everyone learns', description: 'What everyone learns after a round: nothing about the others (\'none\'), or who was audited and what they paid (\'audits\').' }),
  /** How long reporting (and the regulator's choice) stays open in ms; null: until everyone is in. A taxpayer who misses it reports 0; a regulator who misses it audits nobody. */
  roundMs: z.number().int().positive().nullable().default(null).meta({ title: 'Round length', unit: 'ms', description: 'How long reporting (and the regulator\'s choice) stays open; none: until everyone is in. A taxpayer who misses it reports 0; a regulator who misses it audits nobody.' }),
  recall: z.number().int().min(0).max(1000).default(20).meta({ title: 'Rounds shown' }),
  communication: communicationSchema,
});
export type ReportingAuditConfig = z.infer<typeof reportingAuditConfigSchema>;

export const reportingAuditActionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('report'), amount: z.number() }),
  /** Taxpayers to audit: seat → 1 (audit) or 0; the empty object audits nobody. */
  z.object({ type: z.literal('audit'), targets: z.record(z.string(), z.number()) }),
]);
export type ReportingAuditAction = z.infer<typeof reportingAuditActionSchema>;
