/** Parameters and actions of the repeated logit Bertrand market. */
import { z } from 'zod';
import { strictObject } from '../core/config.ts';
import { firmsFixedBy, repeatedMarketFields, sameLengths } from './repeated-market.ts';

export const MAX_FIRMS = 20;

export const BERTRAND_REVEALS = ['allPrices', 'ownOnly'] as const;
export type BertrandReveal = (typeof BERTRAND_REVEALS)[number];

/** One number for every firm, or one per firm (then the seat count is the list's length). */
const perFirm = (value: z.ZodNumber) => z.union([value, z.array(value).min(2).max(MAX_FIRMS)]);

export const bertrandConfigSchema = strictObject({
  /** Product qualities a_i. */
  qualities: perFirm(z.number().min(-1000).max(1000)).default(2).meta({ title: 'Qualities', description: 'Product qualities a_i.' }),
  /** Marginal costs c_i (public). */
  costs: perFirm(z.number().min(0).max(1000)).default(1).meta({ title: 'Costs', description: 'Marginal costs c_i (public).' }),
  /** Quality of the outside good a_0. */
  outsideQuality: z.number().min(-1000).max(1000).default(0).meta({ title: 'Outside quality', description: 'Quality of the outside good a_0.' }),
  /** Horizontal differentiation μ: the larger, the less price matters. */
  mu: z.number().min(0.001).max(100).default(0.25).meta({ title: 'Differentiation (μ)', description: 'Horizontal differentiation μ: the larger, the less price matters.' }),
  /** What every firm learns when a period closes: all firms' prices, or only its own (each firm always learns its own sales and profit). */
  reveal: z.enum(BERTRAND_REVEALS).default('allPrices').meta({ title: 'What everyone learns', description: 'What every firm learns when a period closes: all firms\' prices, or only its own (each firm always learns its own sales and profit).' }),
  ...repeatedMarketFields,
}).refine((c) => sameLengths(c.qualities, c.costs), { message: 'qualities and costs must list the same number of firms', path: ['costs'] });
export type BertrandConfig = z.infer<typeof bertrandConfigSchema>;

export const bertrandActionSchema = z.discriminatedUnion('type', [z.object({ type: z.literal('price'), price: z.number() })]);
export type BertrandAction = z.infer<typeof bertrandActionSchema>;

/** Seats a config takes: exactly the firms its lists name, else 2 to MAX_FIRMS. */
export function bertrandSeats(config: BertrandConfig): { min: number; max: number } {
  const fixed = firmsFixedBy(config.qualities, config.costs);
  return fixed === null ? { min: 2, max: MAX_FIRMS } : { min: fixed, max: fixed };
}
