/** The reporting and audit game's terms, explained at first use. */
import type { Glossary } from '../../../client/src/lib/glossary.svelte.ts';

export default {
  report: { term: 'report', meaning: 'the amount you declare; you pay tax on what you report, not on your amount' },
  audit: { term: 'audit', meaning: 'a check by the regulator: an audited report below the true amount pays the unpaid tax and a fine' },
  fine: { term: 'fine', meaning: 'what an audited low report pays on top of the unpaid tax, a multiple of it' },
} satisfies Glossary;
