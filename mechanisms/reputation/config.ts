/**
 * The reputation market's parameters and actions: the sellers, the buyers (seats, and buyers
 * the mechanism simulates), what quality is worth to a buyer and costs a seller, how ratings
 * are remembered, what buyers see before choosing, and timing.
 */
import { z } from 'zod';
import { communicationSchema } from '../core/policy.ts';
import { strictObject } from '../core/config.ts';

export const MAX_SEATS = 1000;
export const QUALITIES = ['high', 'low'] as const;
export type Quality = (typeof QUALITIES)[number];
export const INFORMATION = ['ratings', 'prices'] as const;
export type Information = (typeof INFORMATION)[number];
export const STARS = { min: 1, max: 5 } as const;

const byQuality = (high: number, low: number) => strictObject({ high: z.number().min(0).max(1_000_000).default(high), low: z.number().min(0).max(1_000_000).default(low) }).prefault({});

export const reputationConfigSchema = strictObject({
  rounds: z.number().int().min(1).max(1_000_000).default(20).meta({ title: 'Rounds' }),
  /** The first `sellers` seats sell; the others buy. */
  sellers: z.number().int().min(1).max(100).default(2).meta({ title: 'Sellers', description: 'The first `sellers` seats sell; the others buy.' }),
  /** What one unit is worth to a buyer, by its quality. */
  values: byQuality(20, 4),
  /** What one unit costs its seller, by its quality. */
  costs: byQuality(8, 2),
  /** Prices a seller may ask. */
  priceRange: strictObject({ low: z.number().min(0).default(0), high: z.number().min(0).default(20) }).prefault({}),
  /** Prices are multiples of this (from priceRange.low); 0 accepts any price. */
  priceStep: z.number().min(0).default(1).meta({ title: 'Price step', description: 'Prices are multiples of this (from priceRange.low); 0 accepts any price.' }),
  /** A buyer seat's private taste: drawn afresh each round, uniform on [0, tasteSpread], from its own stream, and added to its value of either quality. */
  tasteSpread: z.number().min(0).max(1_000_000).default(0).meta({ title: 'Taste spread', description: 'A buyer seat\'s private taste: drawn afresh each round, uniform on [0, tasteSpread], from its own stream, and added to its value of either quality.' }),
  /** A seller's private cost shock: drawn afresh each round, uniform on [0, costSpread], from its own stream, and added to its cost of either quality. */
  costSpread: z.number().min(0).max(1_000_000).default(0).meta({ title: 'Cost spread', description: 'A seller\'s private cost shock: drawn afresh each round, uniform on [0, costSpread], from its own stream, and added to its cost of either quality.' }),
  /** Buyers the mechanism adds every round. Each buys from the seller whose rating promises the most surplus (value expected from the rating − price), if that is at least 0, and rates truthfully (top stars for high quality, bottom for low). */
  simulatedBuyers: z.number().int().min(0).max(100_000).default(0).meta({ title: 'Simulated buyers', description: 'Buyers the mechanism adds every round. Each buys from the seller whose rating promises the most surplus (value expected from the rating − price), if that is at least 0, and rates truthfully (top stars for high quality, bottom for low).' }),
  /** How simulated buyers choose: 'rating' as above, or 'random' (any seller, at random, whatever its rating). */
  simulatedChoice: z.enum(['rating', 'random']).default('rating').meta({ title: 'How simulated buyers choose', description: 'How simulated buyers choose: \'rating\' as above, or \'random\' (any seller, at random, whatever its rating).' }),
  /** The chance that a simulated buyer steering by ratings picks a seller at random instead (exploration). */
  simulatedExplore: z.number().min(0).max(1).default(0.1).meta({ title: 'Simulated buyers\' exploration', description: 'The chance that a simulated buyer steering by ratings picks a seller at random instead (exploration).' }),
  /** The weight a rating keeps per round of age: 1 counts every rating alike, 0.5 halves it each round, 0 keeps only the latest round with ratings. */
  decay: z.number().min(0).max(1).default(1).meta({ title: 'Decay', description: 'The weight a rating keeps per round of age: 1 counts every rating alike, 0.5 halves it each round, 0 keeps only the latest round with ratings.' }),
  /** Only ratings from the last `window` rounds count; null: all of them. */
  window: z.number().int().min(1).max(1000).nullable().default(null).meta({ title: 'Window', description: 'Only ratings from the last `window` rounds count; none: all of them.' }),
  /** What buyers see before choosing: each seller's price, average rating and rating count ('ratings'), or only the prices ('prices': quality cannot be learnt, the lemons market). */
  information: z.enum(INFORMATION).default('ratings').meta({ title: 'Information', description: 'What buyers see before choosing: each seller\'s price, average rating and rating count (\'ratings\'), or only the prices (\'prices\': quality cannot be learnt, the lemons market).' }),
  /** The interest rate per round for the Klein–Leffler benchmark (not used in play). */
  interest: z.number().min(0).max(100).default(0.1).meta({ title: 'Interest rate', description: 'The interest rate per round for the Klein–Leffler benchmark (not used in play).' }),
  /** How long sellers have to offer, buyers to choose and to rate, each in ms; null: no deadline. A seller who misses it keeps its last offer (round 1: low quality at the middle price); a buyer who misses choosing buys nothing, one who misses rating leaves no rating. */
  stageMs: z.number().int().positive().nullable().default(null).meta({ title: 'Stage length', unit: 'ms', description: 'How long sellers have to offer, buyers to choose and to rate, each; none: no deadline. A seller who misses it keeps its last offer (round 1: low quality at the middle price); a buyer who misses choosing buys nothing, one who misses rating leaves no rating.' }),
  /** How many past rounds a view shows. */
  recall: z.number().int().min(0).max(1000).default(20).meta({ title: 'Rounds shown', description: 'How many past rounds a view shows.' }),
  communication: communicationSchema,
}).superRefine((c, ctx) => {
  if (c.priceRange.high <= c.priceRange.low) ctx.addIssue({ code: 'custom', path: ['priceRange', 'high'], message: 'priceRange.high must exceed priceRange.low' });
  if (c.values.high < c.values.low) ctx.addIssue({ code: 'custom', path: ['values', 'high'], message: 'values.high must be at least values.low' });
  if (c.costs.high < c.costs.low) ctx.addIssue({ code: 'custom', path: ['costs', 'high'], message: 'costs.high must be at least costs.low' });
});
export type ReputationConfig = z.infer<typeof reputationConfigSchema>;

export const reputationActionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('offer'), quality: z.enum(QUALITIES), price: z.number() }),
  z.object({ type: z.literal('choose'), seller: z.string() }),
  z.object({ type: z.literal('pass') }),
  z.object({ type: z.literal('rate'), stars: z.number() }),
]);
export type ReputationAction = z.infer<typeof reputationActionSchema>;
