/** The sealed-bid auctions' terms (first-price and second-price share this board), explained at first use. */
import type { Glossary } from '../../../client/src/lib/glossary.svelte.ts';

export default {
  value: { term: 'value', meaning: 'what the item is worth to you: if you win, your payoff is this value minus what you pay' },
  sealedBid: { term: 'sealed bid', meaning: 'a bid nobody else sees before the round closes' },
  reserve: { term: 'reserve price', meaning: 'the lowest price the item sells for: a bid below it cannot win' },
} satisfies Glossary;
