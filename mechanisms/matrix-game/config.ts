/**
 * The matrix game's parameters and actions: a preset game or a payoff table of one's own,
 * the horizon (fixed, or a continuation probability), what is revealed after each round.
 * Every field has a default (the prisoner's dilemma, ten rounds, everything revealed).
 */
import { z } from 'zod';
import { communicationSchema } from '../core/policy.ts';
import { strictObject, unknownKeysMessage } from '../core/config.ts';

export const MAX_PLAYERS = 6;
export const MAX_ACTIONS = 8;
/** Most action profiles a table may have (players × actions multiply fast). */
export const MAX_PROFILES = 4096;

/** A game: each player's action labels and the payoffs of every profile, by player. */
export interface GameTable {
  readonly actions: readonly (readonly string[])[];
  /** Profile key (the labels joined by '/', player 0 first) -> each player's payoff. */
  readonly payoffs: Readonly<Record<string, readonly number[]>>;
}

/**
 * The textbook two-player games. The prisoner's dilemma has Axelrod's payoffs (T 5, R 3,
 * P 1, S 0); the stag hunt Skyrms's (stag 4 together, hare 3 whatever the other does, stag
 * alone 0); chicken swerving 3 together, straight against a swerver 4 (the swerver 1),
 * both straight 0 (Rapoport and Chammah's ordering); matching pennies ±1, the first player winning on a match.
 */
export const PRESETS = {
  'prisoners-dilemma': {
    actions: [
      ['cooperate', 'defect'],
      ['cooperate', 'defect'],
    ],
    payoffs: { 'cooperate/cooperate': [3, 3], 'cooperate/defect': [0, 5], 'defect/cooperate': [5, 0], 'defect/defect': [1, 1] },
  },
  'stag-hunt': {
    actions: [
      ['stag', 'hare'],
      ['stag', 'hare'],
    ],
    payoffs: { 'stag/stag': [4, 4], 'stag/hare': [0, 3], 'hare/stag': [3, 0], 'hare/hare': [3, 3] },
  },
  chicken: {
    actions: [
      ['swerve', 'straight'],
      ['swerve', 'straight'],
    ],
    payoffs: { 'swerve/swerve': [3, 3], 'swerve/straight': [1, 4], 'straight/swerve': [4, 1], 'straight/straight': [0, 0] },
  },
  'matching-pennies': {
    actions: [
      ['heads', 'tails'],
      ['heads', 'tails'],
    ],
    payoffs: { 'heads/heads': [1, -1], 'heads/tails': [-1, 1], 'tails/heads': [-1, 1], 'tails/tails': [1, -1] },
  },
} as const satisfies Record<string, GameTable>;
export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

const label = z
  .string()
  .min(1)
  .max(24)
  .regex(/^[A-Za-z0-9][A-Za-z0-9 _-]*$/, 'an action label is letters, digits, spaces, _ or - (no "/")');

export const gameTableSchema = strictObject({
  /** One list of action labels per player, player 0 first. */
  actions: z.array(z.array(label).min(2).max(MAX_ACTIONS)).min(2).max(MAX_PLAYERS).meta({ title: 'Actions', description: 'One list of action labels per player, player 0 first.' }),
  /**
   * Every profile 'a/b/…' (one label per player, in player order) with one payoff per player.
   * The entries are checked below, after the keys, so that a misspelt profile is named as such.
   */
  payoffs: z.record(z.string(), z.custom<number[]>(() => true)).meta({ title: 'Payoffs', description: 'Every profile \'a/b/…\' (one label per player, in player order) with one payoff per player. The entries are checked below, after the keys, so that a misspelt profile is named as such.' }),
}).superRefine((g, ctx) => {
  g.actions.forEach((labels, p) => {
    if (new Set(labels).size !== labels.length) ctx.addIssue({ code: 'custom', path: ['actions', p], message: `player ${p}'s action labels repeat` });
  });
  const profiles = g.actions.reduce((n, labels) => n * labels.length, 1);
  if (profiles > MAX_PROFILES) {
    ctx.addIssue({ code: 'custom', path: ['actions'], message: `${profiles} action profiles; at most ${MAX_PROFILES}` });
    return;
  }
  const names = allProfiles(g.actions).map((p) => p.join('/'));
  const expected = new Set(names);
  // A profile the actions do not make is an unknown key, refused like any other, with the nearest profile.
  const unknown = Object.keys(g.payoffs).filter((key) => !expected.has(key));
  if (unknown.length) ctx.addIssue({ code: 'unrecognized_keys', keys: unknown, path: ['payoffs'], message: unknownKeysMessage(unknown, names) });
  const row = z.array(z.number().min(-1e6).max(1e6)).length(g.actions.length, `needs ${g.actions.length} payoffs, one per player`);
  for (const key of Object.keys(g.payoffs)) {
    if (!expected.has(key)) continue;
    const checked = row.safeParse(g.payoffs[key]);
    for (const issue of checked.error?.issues ?? []) ctx.addIssue({ code: 'custom', path: ['payoffs', key, ...issue.path], message: issue.message });
  }
  const missing = [...expected].filter((k) => !(k in g.payoffs));
  if (missing.length) ctx.addIssue({ code: 'custom', path: ['payoffs'], message: `missing ${missing.length} profile${missing.length === 1 ? '' : 's'}: ${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ', …' : ''}` });
});

export const REVEALS = ['actions', 'own'] as const;
export type Reveal = (typeof REVEALS)[number];

export const matrixGameConfigSchema = strictObject({
  /** A preset's name, or 'custom' for the game in `table`. */
  game: z.enum(['prisoners-dilemma', 'stag-hunt', 'chicken', 'matching-pennies', 'custom'] as const satisfies readonly (PresetName | 'custom')[]).default('prisoners-dilemma').meta({ title: 'Game', description: 'A preset\'s name, or \'custom\' for the game in `table`.' }),
  /** With game 'custom': the actions and payoffs; null otherwise. */
  table: gameTableSchema.nullable().default(null).meta({ title: 'Table', description: 'With game \'custom\': the actions and payoffs; null otherwise.' }),
  /** The number of rounds; with a continuation probability, the most rounds a match may last. */
  rounds: z.number().int().min(1).max(100_000_000).default(10).meta({ title: 'Rounds', description: 'The number of rounds; with a continuation probability, the most rounds a match may last.' }),
  /** After each round the match goes on with this probability (drawn by the seed); null: exactly `rounds` rounds. */
  continuation: z.number().gt(0).lt(1).nullable().default(null).meta({ title: 'Continuation probability', description: 'After each round the match goes on with this probability (drawn by the seed); none: exactly `rounds` rounds.' }),
  /** What everyone learns after a round: every player's action and payoff ('actions'), or only their own ('own'). */
  reveal: z.enum(REVEALS).default('actions').meta({ title: 'What everyone learns', description: 'What everyone learns after a round: every player\'s action and payoff (\'actions\'), or only their own (\'own\').' }),
  /** How long a round stays open in ms; null: until everyone has chosen. A player who has not chosen repeats last round's action (round 1: their first action). */
  roundMs: z.number().int().positive().nullable().default(null).meta({ title: 'Round length', unit: 'ms', description: 'How long a round stays open; none: until everyone has chosen. A player who has not chosen repeats last round\'s action (round 1: their first action).' }),
  /** How many past rounds a view shows (the record keeps them all). */
  recall: z.number().int().min(0).max(1000).default(20).meta({ title: 'Rounds shown', description: 'How many past rounds a view shows (the record keeps them all).' }),
  communication: communicationSchema,
}).superRefine((c, ctx) => {
  if (c.game === 'custom' && !c.table) ctx.addIssue({ code: 'custom', path: ['table'], message: "game 'custom' needs a table: { actions: [[...], [...]], payoffs: { 'a/b': [1, 2], ... } }" });
  if (c.game !== 'custom' && c.table) ctx.addIssue({ code: 'custom', path: ['table'], message: `game '${c.game}' is a preset with its own table; set game to 'custom' to play this table, or leave table out` });
});
export type MatrixGameConfig = z.infer<typeof matrixGameConfigSchema>;

export const matrixGameActionSchema = z.discriminatedUnion('type', [z.object({ type: z.literal('choose'), action: z.string() })]);
export type MatrixGameAction = z.infer<typeof matrixGameActionSchema>;

/** Every action profile (as label lists), player 0's label changing slowest. */
export function allProfiles(actions: readonly (readonly string[])[]): string[][] {
  let out: string[][] = [[]];
  for (const labels of actions) out = out.flatMap((prefix) => labels.map((a) => [...prefix, a]));
  return out;
}
