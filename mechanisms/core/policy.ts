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
  channels: z.array(z.enum(CHANNELS)).default([]),
  maxLength: z.number().int().min(1).max(2000).default(280),
  /** Messages per seat per minute. */
  ratePerMinute: z.number().int().min(1).max(600).default(12),
  /** Delivery delay in milliseconds. */
  delayMs: z.number().int().min(0).max(60_000).default(0),
  /** Whether participants are told the experimenter reads every channel. */
  monitored: z.boolean().default(true),
}).prefault({});
export type Communication = z.infer<typeof communicationSchema>;

export const distributionSchema = z.discriminatedUnion('kind', [
  strictObject({ kind: z.literal('uniform'), low: z.number().min(0), high: z.number() }).refine((d) => d.high > d.low, { message: 'high must exceed low', path: ['high'] }),
  strictObject({ kind: z.literal('uniformInt'), low: z.number().int().min(0), high: z.number().int() }).refine((d) => d.high >= d.low, { message: 'high must be at least low', path: ['high'] }),
  strictObject({ kind: z.literal('discrete'), values: z.array(z.number().min(0)).min(1) }),
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
