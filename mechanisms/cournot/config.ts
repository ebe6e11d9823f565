/** Parameters and actions of the repeated Cournot market. */
import { z } from 'zod';
import { strictObject } from '../core/config.ts';
import { firmsFixedBy, repeatedMarketFields, sameLengths } from '../bertrand/repeated-market.ts';

export const MAX_FIRMS = 20;

export const COURNOT_REVEALS = ['allQuantities', 'priceOnly'] as const;
export type CournotReveal = (typeof COURNOT_REVEALS)[number];

/** One number for every firm, or one per firm (then the seat count is the list's length). */
const perFirm = (value: z.ZodNumber) => z.union([value, z.array(value).min(2).max(MAX_FIRMS)]);

export const cournotConfigSchema = strictObject({
  /** Inverse demand P = max(0, A − B·Q): the intercept A. */
  intercept: z.number().positive().max(1e6).default(10).meta({ title: 'Intercept', description: 'Inverse demand P = max(0, A − B·Q): the intercept A.' }),
  /** The slope B. */
  slope: z.number().positive().max(1e6).default(1).meta({ title: 'Slope', description: 'The slope B.' }),
  /** Constant marginal costs c_i (public). */
  costs: perFirm(z.number().min(0).max(1e6)).default(1).meta({ title: 'Costs', description: 'Constant marginal costs c_i (public).' }),
  /** Most a firm can produce in a period; null: no limit. */
  capacities: perFirm(z.number().positive().max(1e6)).nullable().default(null).meta({ title: 'Capacities', description: 'Most a firm can produce in a period; none: no limit.' }),
  /** What every firm learns when a period closes: every firm's quantity and the price, or the price only (each firm always learns its own quantity and profit). */
  reveal: z.enum(COURNOT_REVEALS).default('allQuantities').meta({ title: 'What everyone learns', description: 'What every firm learns when a period closes: every firm\'s quantity and the price, or the price only (each firm always learns its own quantity and profit).' }),
  ...repeatedMarketFields,
})
  .refine((c) => sameLengths(c.costs, c.capacities), { message: 'costs and capacities must list the same number of firms', path: ['capacities'] })
  .refine((c) => c.range === null || c.capacities === null || c.range.low < (typeof c.capacities === 'number' ? c.capacities : Math.min(...c.capacities)), {
    message: "range.low must be below every firm's capacity",
    path: ['range'],
  });
export type CournotConfig = z.infer<typeof cournotConfigSchema>;

export const cournotActionSchema = z.discriminatedUnion('type', [z.object({ type: z.literal('quantity'), quantity: z.number() })]);
export type CournotAction = z.infer<typeof cournotActionSchema>;

/** Seats a config takes: exactly the firms its lists name, else 2 to MAX_FIRMS. */
export function cournotSeats(config: CournotConfig): { min: number; max: number } {
  const fixed = firmsFixedBy(config.costs, config.capacities);
  return fixed === null ? { min: 2, max: MAX_FIRMS } : { min: fixed, max: fixed };
}
