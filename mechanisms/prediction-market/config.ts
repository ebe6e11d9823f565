/**
 * The prediction market's parameters and actions: the event (its outcomes and prior), the
 * traders' signals, the market maker's liquidity, budgets, the clock and what the public
 * tape shows. Every field has a default (a yes/no event on a fair coin, signals right 70%
 * of the time, b = 10, a budget of 100, three markets of two minutes).
 */
import { z } from 'zod';
import { communicationSchema } from '../core/policy.ts';
import { strictObject } from '../core/config.ts';

export const MAX_OUTCOMES = 8;
export const MAX_TRADERS = 50;

const label = z
  .string()
  .min(1)
  .max(24)
  .regex(/^[A-Za-z0-9][A-Za-z0-9 _-]*$/, 'an outcome label is letters, digits, spaces, _ or -');

/**
 * How a trader's private signal is drawn, given the realised outcome:
 * 'symmetric': the true outcome with probability `accuracy`, otherwise one of the others, each alike;
 * 'gaussian': a number, the outcome's index (0, 1, ...) plus normal noise with standard deviation `noise`.
 */
export const signalSchema = z.discriminatedUnion('kind', [
  strictObject({ kind: z.literal('symmetric'), accuracy: z.number().min(0).max(1).default(0.7) }),
  strictObject({ kind: z.literal('gaussian'), noise: z.number().positive().max(100).default(1) }),
]);
export type SignalSpec = z.infer<typeof signalSchema>;

export const predictionMarketConfigSchema = strictObject({
  /** The event's outcomes, by label; exactly one of them happens. */
  outcomes: z.array(label).min(2).max(MAX_OUTCOMES).default(['yes', 'no']).meta({ title: 'Outcomes', description: 'The event\'s outcomes, by label; exactly one of them happens.' }),
  /** The probability of each outcome (the seed draws the outcome from it); null: all alike. */
  prior: z.array(z.number().min(0).max(1)).nullable().default(null).meta({ title: 'Outcome probabilities', description: 'The probability of each outcome (the seed draws the outcome from it); none: all alike.' }),
  signal: signalSchema.default({ kind: 'symmetric', accuracy: 0.7 }).meta({ title: 'Signal' }),
  /** The market maker's liquidity b: larger b, prices move less per share and the maker may lose more (at most b·ln n). */
  liquidity: z.number().positive().max(1_000_000).default(10).meta({ title: 'Liquidity', description: 'The market maker\'s liquidity b: larger b, prices move less per share and the maker may lose more (at most b·ln n).' }),
  /** Each trader's cash at the opening of every market. */
  budget: z.number().positive().max(1_000_000).default(100).meta({ title: 'Budget', description: 'Each trader\'s cash at the opening of every market.' }),
  /** Markets (events) in a match, one after another, each with a fresh outcome and fresh signals. */
  markets: z.number().int().min(1).max(10_000).default(3).meta({ title: 'Markets', description: 'Markets (events) in a match, one after another, each with a fresh outcome and fresh signals.' }),
  /** Length of a market's trading period in ms; its clock starts with the first tick or trade. */
  marketMs: z.number().int().min(1).max(86_400_000).default(120_000).meta({ title: 'Market length', unit: 'ms', description: 'Length of a market\'s trading period; its clock starts with the first tick or trade.' }),
  /**
   * Allow betting against an outcome: spending cash on equal shares of every other outcome,
   * the covered form of selling it short (no borrowing: the cash is the collateral).
   */
  betAgainst: z.boolean().default(false).meta({ title: 'Allow betting against', description: 'Allow betting against an outcome: spending cash on equal shares of every other outcome, the covered form of selling it short (no borrowing: the cash is the collateral).' }),
  /** Show which seat made each trade on the public tape. */
  showTraders: z.boolean().default(false).meta({ title: 'Show who traded', description: 'Show which seat made each trade on the public tape.' }),
  /** How many trades of the open market the views keep (the record keeps them all). */
  tapeLength: z.number().int().min(1).max(5000).default(400).meta({ title: 'Tape length', description: 'How many trades of the open market the views keep (the record keeps them all).' }),
  /** How many closed markets views show. */
  recall: z.number().int().min(0).max(1000).default(20).meta({ title: 'Markets shown', description: 'How many closed markets views show.' }),
  communication: communicationSchema,
}).superRefine((c, ctx) => {
  if (new Set(c.outcomes).size !== c.outcomes.length) ctx.addIssue({ code: 'custom', path: ['outcomes'], message: 'outcome labels repeat' });
  if (c.prior !== null) {
    if (c.prior.length !== c.outcomes.length) ctx.addIssue({ code: 'custom', path: ['prior'], message: `needs ${c.outcomes.length} probabilities, one per outcome` });
    const sum = c.prior.reduce((a, b) => a + b, 0);
    if (Math.abs(sum - 1) > 1e-9) ctx.addIssue({ code: 'custom', path: ['prior'], message: `the prior must add up to 1 (it adds up to ${sum})` });
  }
});
export type PredictionMarketConfig = z.infer<typeof predictionMarketConfigSchema>;

export const predictionMarketActionSchema = z.discriminatedUnion('type', [
  /** Spend this much cash on shares of one outcome (the maker sells as many as the cash buys). */
  z.object({ type: z.literal('buy'), outcome: z.string(), spend: z.number() }),
  /** Sell this fraction of your shares of one outcome back to the maker. */
  z.object({ type: z.literal('sell'), outcome: z.string(), fraction: z.number() }),
  /** With betAgainst: spend this much cash on equal shares of every outcome but this one. */
  z.object({ type: z.literal('betAgainst'), outcome: z.string(), spend: z.number() }),
]);
export type PredictionMarketAction = z.infer<typeof predictionMarketActionSchema>;

/** The prior as a full list (all alike when the config gives none). */
export const priorOf = (c: PredictionMarketConfig): number[] => c.prior ?? c.outcomes.map(() => 1 / c.outcomes.length);

/** The least cash a buy may spend (a buy of nothing is no trade). */
export const MIN_SPEND = 1e-6;
/** The least fraction of a holding a sale may sell. */
export const MIN_FRACTION = 0.001;
/** Holdings below this are dust, not a position one can sell. */
export const DUST = 1e-9;
