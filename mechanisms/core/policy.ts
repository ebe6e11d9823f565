/**
 * Config pieces every mechanism shares: the communication policy (which chat
 * channels exist and their limits) and distributions of private values.
 */
import { z } from 'zod';
import type { Rng } from './random.ts';
import { strictObject } from './config.ts';

export const CHANNELS = ['public', 'private', 'coalition'] as const;
export type Channel = (typeof CHANNELS)[number];

export const communicationSchema = strictObject({
  /** Which channels exist; none means no chat at all. */
  channels: z.array(z.enum(CHANNELS)).default([]).meta({ title: 'Chat channels', description: 'Which chat channels the participants have: public to all, private between two, within a coalition; none means no chat.' }),
  maxLength: z.number().int().min(1).max(2000).default(280).meta({ title: 'Longest message', unit: 'characters', description: 'Most characters in one chat message.' }),
  /** Messages per seat per minute. */
  ratePerMinute: z.number().int().min(1).max(600).default(12).meta({ title: 'Messages per minute', unit: 'messages', description: 'Most chat messages one seat may send a minute.' }),
  /** Delivery delay in milliseconds. */
  delayMs: z.number().int().min(0).max(60_000).default(0).meta({ title: 'Delivery delay', unit: 'ms', description: 'How long a chat message takes to arrive.' }),
  /** Whether participants are told the experimenter reads every channel. */
  monitored: z.boolean().default(true).meta({ title: 'Tell them chat is read', description: 'Participants are told the experimenter reads every channel.' }),
})
  .prefault({})
  .meta({ title: 'Communication', description: 'Who may chat with whom, how much, and whether they are told it is read.' });
export type Communication = z.infer<typeof communicationSchema>;

export const distributionSchema = z.discriminatedUnion('kind', [
  strictObject({ kind: z.literal('uniform'), low: z.number().min(0).meta({ title: 'Lowest' }), high: z.number().meta({ title: 'Highest' }) }).meta({ title: 'Drawn uniformly between two numbers' }).refine((d) => d.high > d.low, { message: 'high must exceed low', path: ['high'] }),
  strictObject({ kind: z.literal('uniformInt'), low: z.number().int().min(0).meta({ title: 'Lowest' }), high: z.number().int().meta({ title: 'Highest' }) }).meta({ title: 'Drawn uniformly among whole numbers' }).refine((d) => d.high >= d.low, { message: 'high must be at least low', path: ['high'] }),
  strictObject({ kind: z.literal('discrete'), values: z.array(z.number().min(0)).min(1).meta({ title: 'Values' }) }).meta({ title: 'Drawn from a list, each equally likely' }),
]);
export type Distribution = z.infer<typeof distributionSchema>;

export function drawFrom(dist: Distribution, rng: Rng): number {
  switch (dist.kind) {
    case 'uniform':
      return dist.low + (dist.high - dist.low) * rng.float();
    case 'uniformInt':
      return rng.int(dist.low, dist.high);
    case 'discrete':
      return rng.pick(dist.values);
  }
}

export function support(dist: Distribution): { low: number; high: number } {
  switch (dist.kind) {
    case 'uniform':
    case 'uniformInt':
      return { low: dist.low, high: dist.high };
    case 'discrete':
      return { low: Math.min(...dist.values), high: Math.max(...dist.values) };
  }
}

/** Rounds off float noise from sums and products (nine decimals kept; never -0). */
export const tidy = (x: number): number => Math.round(x * 1e9) / 1e9 + 0;

/** Rounds money to cents, so that sums print cleanly and replay compares exactly. */
export const cents = (x: number): number => Math.round(x * 100) / 100;
