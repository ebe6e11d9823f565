/** The Bertrand (price competition) market's terms, listed under the rules. */
import type { Glossary } from '../../../client/src/lib/glossary.svelte.ts';

export default {
  price: { term: 'price', meaning: 'what your firm charges; buyers go to the cheapest firms first' },
  marginalCost: { term: 'marginal cost', meaning: 'what one more unit costs your firm to make: your profit per unit sold is the price minus this cost' },
} satisfies Glossary;
