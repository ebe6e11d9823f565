/** What each field of a clock auction's participant-round rows means (English and Dutch; the data dictionary's entries). */
import type { RoundFieldSpec } from '../core/tables.ts';

export const CLOCK_AUCTION_ROUND_FIELDS: Readonly<Record<string, RoundFieldSpec>> = {
  value: { unit: 'money', definition: "the bidder's private value for the item" },
  won: { unit: '1 (true) or 0 (false)', definition: 'the bidder won the item' },
  price: { unit: 'money', definition: 'the price the item sold at; empty when it was not sold' },
  winner: { unit: 'seat', definition: 'the seat that won the item; empty when it was not sold' },
  ticks: { unit: 'ticks', definition: 'moves of the clock before the item closed' },
  tie: { unit: '1 (true) or 0 (false)', definition: 'the winner was drawn from tied bidders' },
  stopped: { unit: 'money', definition: 'Dutch: the price at which the bidder stopped the clock; empty when it did not' },
  exit: { unit: 'money', definition: 'English clock: the price at which the bidder dropped out; empty when it stayed in to the end' },
  bestBid: { unit: 'money', definition: "English open outcry: the bidder's best bid on the item; empty when it bid nothing" },
  extensions: { unit: 'extensions', definition: 'English open outcry: times a late bid extended the closing time of the item' },
};
