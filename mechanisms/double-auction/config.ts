/** Parameters, actions and the price grid of the continuous double auction. */
import { z } from 'zod';
import { communicationSchema, distributionSchema, support, type Distribution } from '../core/policy.ts';
import { strictObject } from '../core/config.ts';

export const REVEAL_SCHEDULES = ['never', 'afterPeriod', 'afterMarket'] as const;
export type RevealSchedules = (typeof REVEAL_SCHEDULES)[number];

const MAX_TRADERS_PER_SIDE = 100;
const MAX_UNITS = 100;

/** One side of the market: a count of traders whose units are drawn, or each trader's units given explicitly. */
const sideSchema = z.union([
  z.number().int().min(1).max(MAX_TRADERS_PER_SIDE),
  z.array(z.array(z.number().min(0)).min(1).max(MAX_UNITS)).min(1).max(MAX_TRADERS_PER_SIDE),
]);
export type Side = z.infer<typeof sideSchema>;

const GRID_EPS = 1e-7;

export const doubleAuctionConfigSchema = strictObject({
  /** Buyers: a count (values drawn from `values`) or each buyer's unit values, e.g. [[120, 100, 80], [110, 90]]. */
  buyers: sideSchema.default(4).meta({ title: 'Buyers', description: 'How many buyers (their unit values drawn from Values), or each buyer\'s unit values given row by row.' }),
  /** Sellers: a count (costs drawn from `costs`) or each seller's unit costs, e.g. [[40, 60], [50, 70, 90]]. */
  sellers: sideSchema.default(4).meta({ title: 'Sellers', description: 'How many sellers (their unit costs drawn from Costs), or each seller\'s unit costs given row by row.' }),
  /** Units per drawn trader (explicit schedules bring their own). */
  unitsPerTrader: z.number().int().min(1).max(MAX_UNITS).default(3).meta({ title: 'Units per trader', unit: 'units', description: 'Units each drawn trader may buy or sell in a period; given schedules bring their own.' }),
  values: distributionSchema.default({ kind: 'uniformInt', low: 0, high: 200 }).meta({ title: 'Values', unit: 'points', description: 'Where drawn buyers\' unit values come from.' }),
  costs: distributionSchema.default({ kind: 'uniformInt', low: 0, high: 200 }).meta({ title: 'Costs', unit: 'points', description: 'Where drawn sellers\' unit costs come from.' }),
  /** Drawn schedules: draw afresh every period, or keep the first period's throughout. */
  freshValues: z.boolean().default(false).meta({ title: 'Draw afresh each period', description: 'Drawn values and costs: draw new ones every period, or keep the first period\'s throughout.' }),
  periods: z.number().int().min(1).max(1_000_000).default(3).meta({ title: 'Periods', unit: 'periods', description: 'Trading periods in the session; each trader\'s units are restored at the start of each.' }),
  /** How many closed periods views show (the record keeps them all). */
  recall: z.number().int().min(0).max(1000).default(50).meta({ title: 'Periods shown', unit: 'periods', description: 'How many closed periods the traders\' screens show (the record keeps them all).' }),
  /** Length of a trading period in ms; the clock starts with the first tick or order of the period. */
  periodMs: z.number().int().min(1).max(86_400_000).default(180_000).meta({ title: 'Period length', unit: 'ms', description: 'How long a trading period lasts; its clock starts with the first order or tick of the period.' }),
  minPrice: z.number().min(0).default(0).meta({ title: 'Lowest price', unit: 'points', description: 'No bid or ask below this.' }),
  maxPrice: z.number().positive().default(200).meta({ title: 'Highest price', unit: 'points', description: 'No bid or ask above this.' }),
  /** Prices are minPrice + k·tick. */
  tick: z.number().positive().default(1).meta({ title: 'Price step', unit: 'points', description: 'Prices are the lowest price plus a whole number of steps.' }),
  /** A new bid must beat the best standing bid by a tick, a new ask undercut the best ask (NYSE rule). */
  improvementRule: z.boolean().default(false).meta({ title: 'Improvement rule', description: 'A new bid must beat the best standing bid, a new ask undercut the best ask (NYSE rule).' }),
  /** After every trade all open orders are withdrawn (Smith's classroom rule). */
  clearBookAfterTrade: z.boolean().default(false).meta({ title: 'Clear the book after each trade', description: 'After every trade all open orders are withdrawn (Smith\'s classroom rule).' }),
  /** Open orders a trader may have at once (never more than its units left); at the cap a new order replaces the oldest. */
  maxOpenOrdersPerTrader: z.number().int().min(1).max(20).default(1).meta({ title: 'Open orders per trader', unit: 'orders', description: 'Orders a trader may have standing at once; at the cap a new one replaces the oldest.' }),
  /** May a buyer bid above the value of its units, a seller ask below their cost? */
  allowLoss: z.boolean().default(false).meta({ title: 'Allow trades at a loss', description: 'May a buyer bid above its unit\'s value, a seller ask below its cost?' }),
  /** Show who placed each order in the public book. */
  showOrderOwners: z.boolean().default(false).meta({ title: 'Show who placed each order', description: 'The public order book names the trader of each order.' }),
  /** Show buyer and seller of each trade on the public tape. */
  showTradeParties: z.boolean().default(false).meta({ title: 'Show who traded', description: 'The public tape names the buyer and seller of each trade.' }),
  /** When the demand and supply schedules and the competitive equilibrium become public. */
  revealSchedules: z.enum(REVEAL_SCHEDULES).default('afterMarket').meta({ title: 'Reveal the schedules', description: 'When the demand and supply schedules and the competitive equilibrium become public: never, after each period, or after the last period.' }),
  communication: communicationSchema,
})
  .refine((c) => c.maxPrice > c.minPrice, { message: 'maxPrice must exceed minPrice', path: ['maxPrice'] })
  .refine(
    (c) => {
      const k = (c.maxPrice - c.minPrice) / c.tick;
      return Math.abs(k - Math.round(k)) < GRID_EPS && Math.round(k) <= 10_000_000;
    },
    { message: 'maxPrice - minPrice must be a whole number of ticks', path: ['tick'] },
  );
export type DoubleAuctionConfig = z.infer<typeof doubleAuctionConfigSchema>;

export const doubleAuctionActionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('placeOrder'), side: z.enum(['bid', 'ask']), price: z.number() }),
  z.object({ type: z.literal('cancelOrder'), orderId: z.number().int().min(0) }),
]);
export type DoubleAuctionAction = z.infer<typeof doubleAuctionActionSchema>;

export type Role = 'buyer' | 'seller';

export const traderCount = (side: Side): number => (typeof side === 'number' ? side : side.length);

/** Bounds of what one trader on a side may hold: units and unit values (or costs). */
export function sideBounds(side: Side, units: number, dist: Distribution): { units: number; low: number; high: number } {
  if (typeof side === 'number') return { units, ...support(dist) };
  let low = Infinity;
  let high = -Infinity;
  let most = 0;
  for (const schedule of side) {
    most = Math.max(most, schedule.length);
    for (const x of schedule) {
      low = Math.min(low, x);
      high = Math.max(high, x);
    }
  }
  return { units: most, low, high };
}

/** Keeps decimal grids readable and free of -0 (0.1 + 0.2 noise would drift off the grid). */
const clean = (x: number): number => (Number.isInteger(x) ? x + 0 : Number(x.toFixed(10)) + 0);

/** Sums of money without binary noise (87.95 - 81.5 is 6.45, not 6.450000000000003) and without -0. */
export const money = (x: number): number => (Number.isInteger(x) ? x + 0 : Number(x.toFixed(9)) + 0);

/** The price grid minPrice + k·tick, clipped to [minPrice, maxPrice]. */
export interface Grid {
  readonly min: number;
  readonly max: number;
  readonly tick: number;
}

export const gridOf = (c: DoubleAuctionConfig): Grid => ({ min: c.minPrice, max: c.maxPrice, tick: c.tick });

/** The nearest grid price (used to store prices that legal() let through within its tolerance). */
export const snapToGrid = (g: Grid, x: number): number => clean(Math.min(g.max, Math.max(g.min, g.min + Math.round((x - g.min) / g.tick) * g.tick)));

/** The highest grid price at or below x (may lie below the grid's minimum). Never above x: no rounding may turn a limit into a loss. */
export function floorToGrid(g: Grid, x: number): number {
  const k = Math.floor((x - g.min) / g.tick + GRID_EPS);
  const p = clean(g.min + k * g.tick);
  return p > x ? clean(g.min + (k - 1) * g.tick) : p;
}

/** The lowest grid price at or above x (may lie above the grid's maximum). Never below x. */
export function ceilToGrid(g: Grid, x: number): number {
  const k = Math.ceil((x - g.min) / g.tick - GRID_EPS);
  const p = clean(g.min + k * g.tick);
  return p < x ? clean(g.min + (k + 1) * g.tick) : p;
}

/** One tick above or below a grid price. */
export const stepGrid = (g: Grid, x: number, ticks: number): number => clean(x + ticks * g.tick);
