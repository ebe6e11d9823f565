/** The first-price auction's terms: the sealed-bid board's, and its price rule. */
import type { Glossary } from '../../../client/src/lib/glossary.svelte.ts';
import sealedBid from '../../sealed-bid/ui/glossary.ts';

export default {
  ...sealedBid,
  firstPrice: { term: 'first price', meaning: 'the highest bid wins and pays what it bid' },
} satisfies Glossary;
