/** The posted-price market's terms, explained at first use. */
import type { Glossary } from '../../../client/src/lib/glossary.svelte.ts';

export default {
  postedPrice: { term: 'posted price', meaning: 'a price a seller announces; buyers take it or leave it, without bargaining' },
  unitCost: { term: 'unit cost', meaning: 'what each unit you sell costs you: your profit on it is the price minus this cost' },
  value: { term: 'value', meaning: 'what one unit is worth to you: buying earns you this value minus the price' },
} satisfies Glossary;
