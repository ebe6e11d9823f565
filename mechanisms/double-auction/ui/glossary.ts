/** The double auction's terms, as its seat page explains them at first use. */
import type { Glossary } from '../../../client/src/lib/glossary.svelte.ts';

export default {
  value: { term: 'value', meaning: 'what a unit is worth to you as a buyer: your profit on it is this value minus the price you pay' },
  cost: { term: 'cost', meaning: 'what a unit costs you as a seller: your profit on it is the price you get minus this cost' },
  bid: { term: 'bid', meaning: 'a price a buyer offers to pay for one unit' },
  ask: { term: 'ask', meaning: 'a price a seller asks for one unit' },
  book: { term: 'order book', meaning: 'the bids and asks not traded yet; a bid at or above the lowest ask trades at once, and so does an ask at or below the highest bid' },
} satisfies Glossary;
