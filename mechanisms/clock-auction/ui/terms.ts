/** The clock auctions' terms (the English and Dutch boards share ClockBoard); each folder's ui/glossary.ts picks its own. */
import type { Glossary } from '../../../client/src/lib/glossary.svelte.ts';

export default {
  value: { term: 'value', meaning: 'what the item is worth to you: if you win, your payoff is this value minus the price' },
  englishClock: { term: 'clock', meaning: 'the price, rising step by step; the last bidder still in wins at that price' },
  reserve: { term: 'reserve price', meaning: 'the lowest price the item sells for' },
  dutchClock: { term: 'clock', meaning: 'the price, falling step by step; the first bidder to stop it buys at that price' },
} satisfies Glossary;
