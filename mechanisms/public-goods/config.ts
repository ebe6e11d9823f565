/** The public goods game's parameters and actions: every field has a default. */
import { z } from 'zod';
import { communicationSchema, distributionSchema, support, type Distribution } from '../core/policy.ts';
import { strictObject } from '../core/config.ts';

/** Largest group the engine accepts. */
export const MAX_PLAYERS = 1000;

export const REVEALS = ['individual', 'total'] as const;
export type Reveal = (typeof REVEALS)[number];

export const punishmentSchema = strictObject({
  /** What the punisher pays per point assigned. */
  costPerPoint: z.number().min(0).max(1000).default(1).meta({ title: 'Cost per point', unit: 'points', description: 'What the punisher pays per point assigned.' }),
  /** What the target loses per point received. */
  effectPerPoint: z.number().min(0).max(1000).default(3).meta({ title: 'Effect per point', unit: 'points', description: 'What the target loses per point received.' }),
  /** Most points one punisher may assign to one target in a round. */
  maxPointsPerTarget: z.number().min(0).max(1000).default(10).meta({ title: 'Most points per target', unit: 'points', description: 'Most points one punisher may assign to one target in a round.' }),
  /** Most points one punisher may assign in a round, over all targets; null: no cap beyond the per-target one. */
  maxPointsTotal: z.number().min(0).nullable().default(null).meta({ title: 'Most points in all', unit: 'points', description: 'Most points one punisher may assign in a round over all targets; empty: no cap beyond the per-target one.' }),
  /** Points are multiples of this; 0 accepts any amount. */
  pointStep: z.number().min(0).default(1).meta({ title: 'Point step', unit: 'points', description: 'Points are multiples of this; 0 accepts any amount.' }),
  /** Length of the punishment stage in ms; null: it closes only when everyone has submitted. */
  stageMs: z.number().int().positive().nullable().default(null).meta({ title: 'Punishment stage length', unit: 'ms', description: 'Empty: the stage closes when everyone has submitted.' }),
  /** Whether a target learns who punished them and how much; otherwise only the total points received. */
  revealPunishers: z.boolean().default(false).meta({ title: 'Name the punishers', description: 'A target learns who punished them and how much; otherwise only the total points received.' }),
});
export type Punishment = z.infer<typeof punishmentSchema>;

export const publicGoodsConfigSchema = strictObject({
  rounds: z.number().int().min(1).max(100_000_000).default(10).meta({ title: 'Rounds', unit: 'rounds', description: 'Rounds of the game with the same group.' }),
  /** How many past rounds a view shows (the record keeps them all). */
  recall: z.number().int().min(0).max(1000).default(50).meta({ title: 'Rounds shown', unit: 'rounds', description: 'How many past rounds the players\' screens show (the record keeps them all).' }),
  /** A number: everyone's endowment, common knowledge. A distribution: drawn per seat, known only to that seat. */
  endowment: z.union([z.number().min(0).max(1_000_000), distributionSchema]).default(20).meta({ title: 'Endowment', unit: 'points', description: 'Points each player gets every round to keep or contribute: one number for everyone (common knowledge), or drawn per player (known only to that player).' }),
  /** With a drawn endowment: draw afresh every round, or keep the first draw throughout. */
  freshEndowments: z.boolean().default(true).meta({ title: 'Draw endowments each round', description: 'With a drawn endowment: draw afresh every round, or keep the first draw.' }),
  /** With a drawn endowment: show every seat's endowment to everyone when a round's contributions are revealed. */
  revealEndowments: z.boolean().default(false).meta({ title: 'Reveal endowments', description: 'With a drawn endowment: show every player\'s endowment when contributions are revealed.' }),
  /** Marginal per-capita return: each unit in the public account pays this much to every player. */
  mpcr: z.number().min(0).max(10).default(0.4).meta({ title: 'MPCR', description: 'Marginal per-capita return: how much each player gets from each point in the group account.' }),
  /** Contributions are multiples of this; 0 accepts any amount. */
  contributionStep: z.number().min(0).default(1).meta({ title: 'Contribution step', unit: 'points', description: 'Contributions are multiples of this; 0 accepts any amount.' }),
  /** What everyone learns of a round's contributions: each seat's ('individual') or only the group total ('total'). */
  reveal: z.enum(REVEALS).default('individual').meta({ title: 'What everyone learns', description: 'After each round: every player\'s contribution, or only the group total.' }),
  /** Length of the contribution stage in ms; null: it closes only when everyone has contributed. */
  roundMs: z.number().int().positive().nullable().default(null).meta({ title: 'Round length', unit: 'ms', description: 'How long the contribution stage lasts; empty: it closes when everyone has contributed.' }),
  /** A costly punishment stage after each contribution stage; null: none. */
  punishment: punishmentSchema.nullable().default(null).meta({ title: 'Punishment stage', description: 'A costly punishment stage after each contribution stage; off: none.' }),
  communication: communicationSchema,
})
  .refine((c) => c.punishment === null || c.reveal === 'individual', {
    message: "a punishment stage needs reveal: 'individual' (players can only punish contributions they can see); set reveal to 'individual' or punishment to null",
    path: ['punishment'],
  });
export type PublicGoodsConfig = z.infer<typeof publicGoodsConfigSchema>;

export const publicGoodsActionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('contribute'), amount: z.number() }),
  /** Points by target seat; the empty object punishes nobody. */
  z.object({ type: z.literal('punish'), points: z.record(z.string(), z.number()) }),
]);
export type PublicGoodsAction = z.infer<typeof publicGoodsActionSchema>;

export const isDrawn = (e: PublicGoodsConfig['endowment']): e is Distribution => typeof e !== 'number';

/** The largest endowment any seat can hold under this config. */
export function maxEndowment(config: PublicGoodsConfig): number {
  return isDrawn(config.endowment) ? support(config.endowment).high : config.endowment;
}

/** The mean endowment, common knowledge under either kind of endowment. */
export function meanEndowment(config: PublicGoodsConfig): number {
  const e = config.endowment;
  if (!isDrawn(e)) return e;
  if (e.kind === 'discrete') return e.values.reduce((a, b) => a + b, 0) / e.values.length;
  return (e.low + e.high) / 2;
}
