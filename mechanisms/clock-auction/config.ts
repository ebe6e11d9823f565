/**
 * The parameters the clock auctions share (items, values, reserve, ties, tick, information
 * and communication policy) and each one's own: the English auction's clock or open-outcry
 * format, the Dutch auction's descending clock. Every field has a default. Values come
 * from the same distributions as the sealed-bid auctions (core/policy.ts).
 */
import { z } from 'zod';
import { cents, communicationSchema, distributionSchema, support } from '../core/policy.ts';
import { strictObject } from '../core/config.ts';

/** Fields both clock auctions have, in the same words as the sealed-bid auctions. */
const itemFields = {
  /** Items sold one after another, one per round. */
  rounds: z.number().int().min(1).max(1_000_000).default(5).meta({ title: 'Rounds', description: 'Items sold one after another, one per round.' }),
  /** How many past items a view shows (the record keeps them all). */
  recall: z.number().int().min(0).max(1000).default(50).meta({ title: 'Items shown', description: 'How many past items a view shows (the record keeps them all).' }),
  values: distributionSchema.default({ kind: 'uniform', low: 0, high: 100 }).meta({ title: 'Values' }),
  /** Draw fresh values for every item, or keep the first item's values throughout. */
  freshValues: z.boolean().default(true).meta({ title: 'Draw afresh each round', description: 'Draw fresh values for every item, or keep the first item\'s values throughout.' }),
  /** No sale below this price. */
  reserve: z.number().min(0).default(0).meta({ title: 'Reserve price', description: 'No sale below this price.' }),
  /** Milliseconds between two moves of the clock. */
  tickMs: z.number().int().min(10).max(600_000).default(1000).meta({ title: 'Tick length', unit: 'ms', description: 'Milliseconds between two moves of the clock.' }),
  /**
   * Who wins when bidders tie (all the last ones drop at the same tick; several stop the
   * Dutch clock at the same price; the English clock reaches its top with several in):
   * one of them drawn from the seeded shared stream, or the lowest-numbered seat.
   */
  tieBreak: z.enum(['random', 'lowestSeat']).default('random').meta({ title: 'Ties', description: 'Who wins when bidders tie (all the last ones drop at the same tick; several stop the Dutch clock at the same price; the English clock reaches its top with several in): one of them drawn from the seeded shared stream, or the lowest-numbered seat.' }),
  /** Whether public reports name bidders (who dropped out, who holds the standing bid, who won); false: prices and counts only. */
  identities: z.boolean().default(true).meta({ title: 'Name the bidders', description: 'Whether public reports name bidders (who dropped out, who holds the standing bid, who won); off: prices and counts only.' }),
  communication: communicationSchema,
};

export const englishConfigSchema = strictObject({
  ...itemFields,
  /** 'clock': an ascending clock, bidders drop out for good; 'outcry': bidders call out rising bids until the close. */
  format: z.enum(['clock', 'outcry']).default('clock').meta({ title: 'Format', description: '\'clock\': an ascending clock, bidders drop out for good; \'outcry\': bidders call out rising bids until the close.' }),
  /** The clock's first price (it opens at the reserve when that is higher); in open outcry the lowest first bid. */
  startPrice: z.number().min(0).default(0).meta({ title: 'Start price', description: 'The clock\'s first price (it opens at the reserve when that is higher); in open outcry the lowest first bid.' }),
  /** How much the clock rises per tick; in open outcry the smallest raise over the standing bid. */
  increment: z.number().positive().default(5).meta({ title: 'Increment', description: 'How much the clock rises per tick; in open outcry the smallest raise over the standing bid.' }),
  /** The clock's top, and the highest bid; null: the top of the value distribution's support (or the opening price, if higher). */
  maxPrice: z.number().positive().nullable().default(null).meta({ title: 'Highest price', description: 'The clock\'s top, and the highest bid; none: the top of the value distribution\'s support (or the opening price, if higher).' }),
  /** Clock format: whether everyone sees how many bidders are still in. */
  showActive: z.boolean().default(true).meta({ title: 'Show how many are still in', description: 'Clock format: whether everyone sees how many bidders are still in.' }),
  /** Clock format: whether each drop-out is shown as it happens, with its price (and, with identities, who). */
  showDropouts: z.boolean().default(true).meta({ title: 'Show each drop-out', description: 'Clock format: whether each drop-out is shown as it happens, with its price (and, with identities, who).' }),
  /** Open outcry: how long bidding on an item runs, in ms, before any extension. */
  durationMs: z.number().int().min(10).max(3_600_000).default(30_000).meta({ title: 'Duration', unit: 'ms', description: 'Open outcry: how long bidding on an item runs before any extension.' }),
  /** Open outcry: 'soft', a late bid moves the close; 'hard', the close is fixed (so bids at the last moment cannot be answered). */
  close: z.enum(['soft', 'hard']).default('soft').meta({ title: 'Close rule', description: 'Open outcry: \'soft\', a late bid moves the close; \'hard\', the close is fixed (so bids at the last moment cannot be answered).' }),
  /** Open outcry, soft close: a bid with less than this left moves the close to this long after the bid. */
  extendMs: z.number().int().min(1).max(600_000).default(5000).meta({ title: 'Extension', unit: 'ms', description: 'Open outcry, soft close: a bid with less than this left moves the close to this long after the bid.' }),
}).superRefine((c, ctx) => {
  if (c.maxPrice !== null && c.maxPrice < openingOf(c)) ctx.addIssue({ code: 'custom', path: ['maxPrice'], message: `maxPrice must be at least the opening price ${openingOf(c)} (the start price or the reserve, whichever is higher)` });
});
export type EnglishConfig = z.infer<typeof englishConfigSchema>;

export const dutchConfigSchema = strictObject({
  ...itemFields,
  /** The clock's first price; null: the top of the value distribution's support (or the floor, if higher). */
  startPrice: z.number().positive().nullable().default(null).meta({ title: 'Start price', description: 'The clock\'s first price; none: the top of the value distribution\'s support (or the floor, if higher).' }),
  /** How much the clock falls per tick. */
  decrement: z.number().positive().default(5).meta({ title: 'Decrement', description: 'How much the clock falls per tick.' }),
  /** The clock's lowest price (it stops at the reserve when that is higher): nobody stopping by then leaves the item unsold. */
  floor: z.number().min(0).default(0).meta({ title: 'Floor', description: 'The clock\'s lowest price (it stops at the reserve when that is higher): nobody stopping by then leaves the item unsold.' }),
}).superRefine((c, ctx) => {
  if (c.startPrice !== null && c.startPrice < floorOf(c)) ctx.addIssue({ code: 'custom', path: ['startPrice'], message: `startPrice must be at least the floor ${floorOf(c)} (the floor or the reserve, whichever is higher)` });
});
export type DutchConfig = z.infer<typeof dutchConfigSchema>;

export const englishActionSchema = z.discriminatedUnion('type', [z.object({ type: z.literal('drop') }), z.object({ type: z.literal('bid'), amount: z.number() })]);
export type EnglishAction = z.infer<typeof englishActionSchema>;

export const dutchActionSchema = z.discriminatedUnion('type', [z.object({ type: z.literal('stop') })]);
export type DutchAction = z.infer<typeof dutchActionSchema>;

/** The English auction's opening price: the start price, or the reserve when it is higher. */
export const openingOf = (c: Pick<EnglishConfig, 'startPrice' | 'reserve'>): number => Math.max(c.startPrice, c.reserve);

/** The English clock's top and the highest bid. */
export const maxPriceOf = (c: EnglishConfig): number => c.maxPrice ?? Math.max(support(c.values).high, openingOf(c));

/** A clock's price after `step` ticks from `start`, moving by `change` per tick (negative: falling) and held at `bound`. */
export const clockPrice = (start: number, change: number, step: number, bound: number): number => (change >= 0 ? Math.min(cents(start + step * change), bound) : Math.max(cents(start + step * change), bound));

/** The English clock's price after `step` ticks. */
export const englishPriceAt = (c: EnglishConfig, step: number): number => clockPrice(openingOf(c), c.increment, step, maxPriceOf(c));

/** The Dutch clock's lowest price: the floor, or the reserve when it is higher. */
export const floorOf = (c: Pick<DutchConfig, 'floor' | 'reserve'>): number => Math.max(c.floor, c.reserve);

/** The Dutch clock's first price. */
export const dutchStartOf = (c: DutchConfig): number => c.startPrice ?? Math.max(support(c.values).high, floorOf(c));

/** The Dutch clock's price after `step` ticks. */
export const dutchPriceAt = (c: DutchConfig, step: number): number => clockPrice(dutchStartOf(c), -c.decrement, step, floorOf(c));
