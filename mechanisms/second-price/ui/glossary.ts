/** The second-price auction's terms: the sealed-bid board's, and its price rule. */
import type { Glossary } from '../../../client/src/lib/glossary.svelte.ts';
import sealedBid from '../../sealed-bid/ui/glossary.ts';

export default {
  ...sealedBid,
  secondPrice: { term: 'second price', meaning: 'the highest bid wins and pays the second-highest bid, not its own' },
} satisfies Glossary;
