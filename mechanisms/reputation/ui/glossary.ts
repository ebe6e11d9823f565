/** The reputation market's terms, explained at first use. */
import type { Glossary } from '../../../client/src/lib/glossary.svelte.ts';

export default {
  quality: { term: 'quality', meaning: 'high or low, chosen by the seller; high costs the seller more and is worth more to the buyer, who learns it only after buying' },
  rating: { term: 'rating', meaning: 'the stars buyers give a seller after buying, averaged; later buyers see it before they choose' },
} satisfies Glossary;
