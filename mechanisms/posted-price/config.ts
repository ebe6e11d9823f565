/**
 * The posted-price market's parameters and actions: who sets the price (a seller seat, or the
 * mechanism at a fixed price), the buyers (seats, and buyers the mechanism simulates), their
 * value distribution, the seller's unit cost and supply, timing and what is revealed.
 */
import { z } from 'zod';
import { communicationSchema, distributionSchema } from '../core/policy.ts';
import { strictObject } from '../core/config.ts';

export const MAX_SEATS = 1000;
export const REVEALS = ['sales', 'price'] as const;
export type Reveal = (typeof REVEALS)[number];

export const postedPriceConfigSchema = strictObject({
  rounds: z.number().int().min(1).max(10_000_000).default(20).meta({ title: 'Rounds' }),
  /** Each buyer's value for one unit, drawn afresh every round (a seat's from its own stream, private). */
  values: distributionSchema.default({ kind: 'uniform', low: 0, high: 100 }).meta({ title: 'Values', description: 'Each buyer\'s value for one unit, drawn afresh every round (a seat\'s from its own stream, private).' }),
  /** null: seat p0 is the seller and posts a price every round; a number: the mechanism posts this price and every seat is a buyer. */
  fixedPrice: z.number().min(0).max(1_000_000).nullable().default(null).meta({ title: 'Fixed price', description: 'None: seat p0 is the seller and posts a price every round; a number: the mechanism posts this price and every seat is a buyer.' }),
  /** Prices the seller may post. */
  priceRange: strictObject({ low: z.number().min(0).default(0), high: z.number().min(0).default(100) }).prefault({}),
  /** Prices are multiples of this (from priceRange.low); 0 accepts any price. */
  priceStep: z.number().min(0).default(1).meta({ title: 'Price step', description: 'Prices are multiples of this (from priceRange.low); 0 accepts any price.' }),
  /** The seller's cost of each unit sold. */
  unitCost: z.number().min(0).default(0).meta({ title: 'Unit cost', description: 'The seller\'s cost of each unit sold.' }),
  /** Units for sale each round; null: as many as buyers want. When more buyers accept than there are units, the units go to accepting buyers in a random order. */
  units: z.number().int().min(1).nullable().default(null).meta({ title: 'Units', description: 'Units for sale each round; none: as many as buyers want. When more buyers accept than there are units, the units go to accepting buyers in a random order.' }),
  /** Buyers the mechanism adds every round, with values from the same distribution, who buy whenever the price is at most their value. */
  simulatedBuyers: z.number().int().min(0).max(100_000).default(0).meta({ title: 'Simulated buyers', description: 'Buyers the mechanism adds every round, with values from the same distribution, who buy whenever the price is at most their value.' }),
  /** What buyers and spectators learn after each round besides the price: how many units were sold ('sales'), or only the price ('price'). The seller always learns its sales. */
  reveal: z.enum(REVEALS).default('sales').meta({ title: 'What everyone learns', description: 'What buyers and spectators learn after each round besides the price: how many units were sold (\'sales\'), or only the price (\'price\'). The seller always learns its sales.' }),
  /** How long the seller has to post, in ms; null: no deadline. A seller who misses it keeps last round's price (round 1: the middle of the range). */
  postMs: z.number().int().positive().nullable().default(null).meta({ title: 'Posting stage length', unit: 'ms', description: 'How long the seller has to post,; none: no deadline. A seller who misses it keeps last round\'s price (round 1: the middle of the range).' }),
  /** How long buyers have to decide, in ms; null: no deadline. A buyer who misses it does not buy. */
  buyMs: z.number().int().positive().nullable().default(null).meta({ title: 'Buying stage length', unit: 'ms', description: 'How long buyers have to decide,; none: no deadline. A buyer who misses it does not buy.' }),
  /** How many past rounds a view shows. */
  recall: z.number().int().min(0).max(1000).default(20).meta({ title: 'Rounds shown', description: 'How many past rounds a view shows.' }),
  communication: communicationSchema,
}).superRefine((c, ctx) => {
  if (c.priceRange.high <= c.priceRange.low) ctx.addIssue({ code: 'custom', path: ['priceRange', 'high'], message: 'priceRange.high must exceed priceRange.low' });
});
export type PostedPriceConfig = z.infer<typeof postedPriceConfigSchema>;

export const postedPriceActionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('post'), price: z.number() }),
  z.object({ type: z.literal('buy') }),
  z.object({ type: z.literal('pass') }),
]);
export type PostedPriceAction = z.infer<typeof postedPriceActionSchema>;
