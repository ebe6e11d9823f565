/** What each field of a repeated market's participant-round rows means (Bertrand and Cournot firms; the data dictionary's entries). */
import type { RoundFieldSpec } from '../core/tables.ts';

export const REPEATED_MARKET_ROUND_FIELDS: Readonly<Record<string, RoundFieldSpec>> = {
  price: { unit: 'money', definition: "the firm's price in the period (Cournot: the market price its quantity met)" },
  quantity: { unit: 'units', definition: "the firm's quantity sold in the period (Bertrand: the demand its price met)" },
  index: { unit: 'grid step', definition: "the step of the price or quantity grid the firm chose, from 0; empty when the market's choices are not on a grid" },
  profit: { unit: 'money', definition: "the firm's profit in the period" },
  missed: { unit: '1 (true) or 0 (false)', definition: 'the firm chose nothing in time, so the engine chose for it' },
};
