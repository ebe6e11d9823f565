/** The Cournot (quantity competition) market's terms, listed under the rules. */
import type { Glossary } from '../../../client/src/lib/glossary.svelte.ts';

export default {
  quantity: { term: 'quantity', meaning: 'how much your firm produces; the market price falls as all firms together produce more' },
  marginalCost: { term: 'marginal cost', meaning: 'what one more unit costs your firm to make: your profit per unit is the price minus this cost' },
} satisfies Glossary;
