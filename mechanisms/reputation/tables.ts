/** What each field of the reputation market's participant-round rows means (the data dictionary's entries). */
import type { RoundFieldSpec } from '../core/tables.ts';

export const REPUTATION_ROUND_FIELDS: Readonly<Record<string, RoundFieldSpec>> = {
  quality: { unit: 'high or low', definition: "seller rows: the quality the seller offered; buyer rows: the quality of the seller's good the buyer bought (empty when it bought nothing)" },
  price: { unit: 'money', definition: "seller rows: the seller's price" },
  cost_shock: { unit: 'money', definition: "seller rows: the seller's private cost shock this round, drawn from its own stream (how it enters the seller's earnings: the rules)" },
  missed: { unit: '1 (true) or 0 (false)', definition: 'seller rows: the seller offered nothing in time' },
  sold: { unit: 'units', definition: 'seller rows: units the seller sold' },
  rating: { unit: 'stars', definition: "seller rows: the seller's public rating after the round (the mean of the stars counted)" },
  ratings: { unit: 'ratings', definition: 'seller rows: how many ratings the public rating counts' },
  choice: { unit: 'seat, pass or missed', definition: 'buyer rows: the seller the buyer bought from, pass, or missed (no choice in time)' },
  stars: { unit: 'stars', definition: 'buyer rows: the rating the buyer gave the seller; empty when none' },
  taste: { unit: 'money', definition: "buyer rows: the buyer's private taste this round, added to its value of either quality" },
};
