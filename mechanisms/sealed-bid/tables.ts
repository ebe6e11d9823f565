/** What each field of a sealed-bid auction's participant-round rows means (the data dictionary's entries). */
import type { RoundFieldSpec } from '../core/tables.ts';

export const SEALED_BID_ROUND_FIELDS: Readonly<Record<string, RoundFieldSpec>> = {
  value: { unit: 'money', definition: "the bidder's private value for the item this round" },
  bid: { unit: 'money', definition: "the bidder's sealed bid (empty when it bid nothing)" },
  won: { unit: '1 (true) or 0 (false)', definition: 'the bidder won the item' },
  price: { unit: 'money', definition: 'what the winner paid (its own bid in a first-price auction, the highest other bid or the reserve in a second-price one); empty when the item was not sold' },
  winner: { unit: 'seat', definition: 'the seat that won the item; empty when it was not sold' },
};
