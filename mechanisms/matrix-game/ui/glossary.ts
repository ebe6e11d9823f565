/** The matrix game's terms, explained at first use. */
import type { Glossary } from '../../../client/src/lib/glossary.svelte.ts';

export default {
  action: { term: 'action', meaning: 'the row or column you choose; everyone chooses at the same time' },
  payoffTable: { term: 'payoffs', meaning: 'what each player gets for each pair of actions; yours first' },
} satisfies Glossary;
