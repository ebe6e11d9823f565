/** What each field of the reporting-and-audit game's participant-round rows means (the data dictionary's entries). */
import type { RoundFieldSpec } from '../core/tables.ts';

export const REPORTING_AUDIT_ROUND_FIELDS: Readonly<Record<string, RoundFieldSpec>> = {
  income: { unit: 'money', definition: "taxpayer rows: the taxpayer's private income this round" },
  report: { unit: 'money', definition: 'taxpayer rows: the income the taxpayer reported (0 when it reported nothing in time)' },
  missed: { unit: '1 (true) or 0 (false)', definition: 'taxpayer rows: the taxpayer reported nothing in time' },
  tax: { unit: 'money', definition: 'taxpayer rows: the tax paid on the report' },
  audited: { unit: '1 (true) or 0 (false)', definition: 'taxpayer rows: the taxpayer was audited' },
  penalty: { unit: 'money', definition: 'taxpayer rows: the fine an audit imposed for under-reporting (0 when none)' },
  audits: { unit: 'audits', definition: 'regulator rows: audits carried out this round' },
  audit_cost: { unit: 'money', definition: 'regulator rows: what the audits cost' },
  collected: { unit: 'money', definition: 'regulator rows: taxes and fines collected' },
};
