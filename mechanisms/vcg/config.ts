/**
 * The VCG auction's parameters: the items and the bidders' valuations (a preset, or items
 * and a valuation family of one's own), the bidding limits, rounds, what is revealed after
 * each round, deadlines. Every field has a default: two items A and B, complementary values.
 */
import { z } from 'zod';
import { communicationSchema, distributionSchema, support, type Distribution } from '../core/policy.ts';
import { strictObject } from '../core/config.ts';

export const MAX_ITEMS = 6;
export const MAX_BIDDERS = 20;

const itemLabel = z
  .string()
  .min(1)
  .max(16)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'an item name is letters, digits, _ or - (no spaces, no "+")');

const itemDistribution = distributionSchema.default({ kind: 'uniformInt', low: 0, high: 50 });

/** One bundle of an explicit valuation and what it is worth. */
const listedBundle = strictObject({ items: z.array(itemLabel).min(1).max(MAX_ITEMS), value: z.number().min(0).max(1e9) });

/**
 * How a bidder values bundles. Drawn families draw one value per item per bidder (from its
 * own stream): additive (a bundle is worth the sum of its items), unitDemand (substitutes: a
 * bundle is worth its best item), complements (the sum plus `synergy` for each item beyond
 * the first). Explicit: each bidder's list of bundles and values, read as XOR with free
 * disposal (a bundle is worth the most valuable listed bundle inside it, 0 without one).
 */
export const valuationsSchema = z.discriminatedUnion('family', [
  strictObject({ family: z.literal('additive'), item: itemDistribution }),
  strictObject({ family: z.literal('unitDemand'), item: itemDistribution }),
  strictObject({ family: z.literal('complements'), item: itemDistribution, synergy: z.number().min(0).max(1e6).default(20) }),
  strictObject({ family: z.literal('explicit'), bidders: z.array(z.array(listedBundle).max(64)).min(1).max(MAX_BIDDERS) }),
]);
export type Valuations = z.infer<typeof valuationsSchema>;

/**
 * The presets. single-item: one item, additive values (VCG is then the second-price
 * auction). global-local: bidder 1 wants A and B together for 10, bidder 2 wants A for 6,
 * bidder 3 B for 6 (VCG sells A and B to the locals for 4 each). low-revenue: the same with
 * 2, 2 and 2 (the locals win and pay nothing: revenue 0, outside the core; Ausubel and Milgrom 2006).
 */
export const PRESETS = {
  'single-item': { items: ['item'], valuations: { family: 'additive', item: { kind: 'uniformInt', low: 0, high: 100 } } },
  'global-local': {
    items: ['A', 'B'],
    valuations: { family: 'explicit', bidders: [[{ items: ['A', 'B'], value: 10 }], [{ items: ['A'], value: 6 }], [{ items: ['B'], value: 6 }]] },
  },
  'low-revenue': {
    items: ['A', 'B'],
    valuations: { family: 'explicit', bidders: [[{ items: ['A', 'B'], value: 2 }], [{ items: ['A'], value: 2 }], [{ items: ['B'], value: 2 }]] },
  },
} as const satisfies Record<string, { items: readonly string[]; valuations: Valuations }>;
export type PresetName = keyof typeof PRESETS;

const CUSTOM_DEFAULT = { items: ['A', 'B'], valuations: { family: 'complements', item: { kind: 'uniformInt', low: 0, high: 50 }, synergy: 20 } } as const satisfies { items: readonly string[]; valuations: Valuations };

export const REVEALS = ['nothing', 'revenue', 'allocation', 'allBids'] as const;
export type Reveal = (typeof REVEALS)[number];

export const vcgConfigSchema = strictObject({
  /** A preset market, or 'custom' for `items` and `valuations` (A and B with complementary values when left out). */
  preset: z.enum(['custom', 'single-item', 'global-local', 'low-revenue'] as const satisfies readonly (PresetName | 'custom')[]).default('custom').meta({ title: 'Preset', description: 'A preset market, or \'custom\' for `items` and `valuations` (A and B with complementary values when left out).' }),
  /** The items for sale, at most 6; null: the preset's. */
  items: z.array(itemLabel).min(1).max(MAX_ITEMS).nullable().default(null).meta({ title: 'Items', description: 'The items for sale, at most 6; none: the preset\'s.' }),
  /** How bidders value bundles; null: the preset's. */
  valuations: valuationsSchema.nullable().default(null).meta({ title: 'Valuations', description: 'How bidders value bundles; none: the preset\'s.' }),
  rounds: z.number().int().min(1).max(100_000_000).default(5).meta({ title: 'Rounds' }),
  /** Draw fresh values every round, or keep the first round's values throughout (explicit valuations never change). */
  freshValues: z.boolean().default(true).meta({ title: 'Draw afresh each round', description: 'Draw fresh values every round, or keep the first round\'s values throughout (explicit valuations never change).' }),
  /** Most bids (bundles) in one bidder's list; null: one for every bundle (2^items − 1). */
  maxBids: z.number().int().min(1).max(63).nullable().default(null).meta({ title: 'Most bids per bidder', description: 'Most bids (bundles) in one bidder\'s list; none: one for every bundle (2^items − 1).' }),
  /** Highest price a bid may name; null: the most any bundle can be worth. */
  maxBid: z.number().positive().nullable().default(null).meta({ title: 'Highest bid', description: 'Highest price a bid may name; none: the most any bundle can be worth.' }),
  /** Prices must be multiples of this; 0 accepts any amount. */
  bidStep: z.number().min(0).default(0).meta({ title: 'Bid step', description: 'Prices must be multiples of this; 0 accepts any amount.' }),
  /** What everyone learns when a round closes (each bidder always learns its own result). */
  reveal: z.enum(REVEALS).default('allocation').meta({ title: 'What everyone learns', description: 'What everyone learns when a round closes (each bidder always learns its own result).' }),
  /** Round length in ms; null: a round closes only when every bidder has bid. */
  roundMs: z.number().int().positive().nullable().default(null).meta({ title: 'Round length', unit: 'ms', description: 'Round length; none: a round closes only when every bidder has bid.' }),
  /** How many past rounds a view shows (the record keeps them all). */
  recall: z.number().int().min(0).max(1000).default(20).meta({ title: 'Rounds shown', description: 'How many past rounds a view shows (the record keeps them all).' }),
  communication: communicationSchema,
}).superRefine((c, ctx) => {
  if (c.preset === 'global-local' || c.preset === 'low-revenue') {
    for (const key of ['items', 'valuations'] as const) {
      if (c[key] !== null) ctx.addIssue({ code: 'custom', path: [key], message: `preset '${c.preset}' fixes the items and valuations; set preset to 'custom' to give your own, or leave ${key} out` });
    }
    return;
  }
  if (c.preset === 'single-item' && c.items !== null && c.items.length !== 1) ctx.addIssue({ code: 'custom', path: ['items'], message: "preset 'single-item' has one item; give one name or leave items out" });
  const items: readonly string[] = c.items ?? (c.preset === 'single-item' ? PRESETS['single-item'].items : CUSTOM_DEFAULT.items);
  if (new Set(items).size !== items.length) ctx.addIssue({ code: 'custom', path: ['items'], message: 'item names repeat' });
  const v = c.valuations;
  if (v?.family === 'explicit') {
    v.bidders.forEach((bundles, i) =>
      bundles.forEach((b, j) => {
        const unknown = b.items.filter((x) => !items.includes(x));
        if (unknown.length) ctx.addIssue({ code: 'custom', path: ['valuations', 'bidders', i, j, 'items'], message: `${unknown.join(', ')} ${unknown.length === 1 ? 'is not an item' : 'are not items'} (the items: ${items.join(', ')})` });
        if (new Set(b.items).size !== b.items.length) ctx.addIssue({ code: 'custom', path: ['valuations', 'bidders', i, j, 'items'], message: 'a bundle names an item twice' });
      }),
    );
  }
});
export type VcgConfig = z.infer<typeof vcgConfigSchema>;

const bidSchema = z.object({ items: z.array(z.string()), price: z.number() });
export const vcgActionSchema = z.discriminatedUnion('type', [z.object({ type: z.literal('bid'), bids: z.array(bidSchema) })]);
export type VcgAction = z.infer<typeof vcgActionSchema>;

/** The market a config describes: the items and the valuations, presets resolved. */
export interface Market {
  readonly items: readonly string[];
  readonly valuations: Valuations;
}

const markets = new WeakMap<VcgConfig, Market>();
export function marketOf(config: VcgConfig): Market {
  let market = markets.get(config);
  if (!market) {
    const preset = config.preset === 'custom' ? CUSTOM_DEFAULT : PRESETS[config.preset];
    market = { items: config.items ?? preset.items, valuations: config.valuations ?? (preset.valuations as Valuations) };
    markets.set(config, market);
  }
  return market;
}

/** The bundle of a mask in words: its items in config order joined by '+', 'A+B'. */
export function bundleName(items: readonly string[], mask: number): string {
  return items.filter((_, k) => mask & (1 << k)).join('+');
}

/** The mask of a list of item names (names not among the items are ignored). */
export function maskOf(items: readonly string[], names: readonly string[]): number {
  let mask = 0;
  for (const name of names) {
    const k = items.indexOf(name);
    if (k >= 0) mask |= 1 << k;
  }
  return mask;
}

/** A seat's value of every bundle (index: mask; index 0 is the empty bundle, worth 0) from its item values. */
export function bundleTable(valuations: Valuations, items: number, itemValues: readonly number[], listed?: readonly { mask: number; value: number }[]): number[] {
  const size = 1 << items;
  const table = new Array<number>(size).fill(0);
  for (let m = 1; m < size; m++) {
    let sum = 0;
    let best = 0;
    let count = 0;
    for (let k = 0; k < items; k++) {
      if (!(m & (1 << k))) continue;
      const v = itemValues[k] ?? 0;
      sum += v;
      if (v > best) best = v;
      count++;
    }
    switch (valuations.family) {
      case 'additive':
        table[m] = sum;
        break;
      case 'unitDemand':
        table[m] = best;
        break;
      case 'complements':
        table[m] = sum + valuations.synergy * (count - 1);
        break;
      case 'explicit': {
        let v = 0;
        for (const b of listed ?? []) if ((b.mask & ~m) === 0 && b.value > v) v = b.value;
        table[m] = v;
        break;
      }
    }
  }
  return table;
}

/** The most a bundle can be worth under the valuations: the top of the price range by default. */
export function highestValue(market: Market): number {
  const v = market.valuations;
  const k = market.items.length;
  if (v.family === 'explicit') return Math.max(0, ...v.bidders.flatMap((bundles) => bundles.map((b) => b.value)));
  const high = support(v.item as Distribution).high;
  if (v.family === 'unitDemand') return high;
  if (v.family === 'additive') return k * high;
  return k * high + v.synergy * (k - 1);
}

export const maxPriceOf = (config: VcgConfig): number => config.maxBid ?? Math.max(1, highestValue(marketOf(config)));
export const maxBidsOf = (config: VcgConfig): number => Math.min(config.maxBids ?? 63, (1 << marketOf(config).items.length) - 1);
