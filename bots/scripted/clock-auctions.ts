/**
 * Baseline bidders for the clock auctions (mechanisms/english, mechanisms/dutch).
 * - value-dropper: on the English clock, stays in while the price is at most its value and
 *   drops out once it is above (the dominant strategy); in open outcry, raises by the least
 *   allowed whenever it is outbid and that is at most its value. With a `margin` it stays in
 *   up to value + margin (a deviation class for the probe: negative drops early).
 * - sniper: open outcry; waits, and bids the least allowed in the last moment before the
 *   close (within `windowMs`, default one tick), when that is at most its value. On the
 *   clock it plays as the value-dropper.
 * - dutch-shader: stops the Dutch clock once the price is at most `fraction` of its value;
 *   by default (n−1)/n, the symmetric equilibrium for values uniform on [0, high].
 */
import { z } from 'zod';
import type { EnglishBidderView } from '../../mechanisms/clock-auction/english.ts';
import type { DutchBidderView } from '../../mechanisms/clock-auction/dutch.ts';
import type { Decision, Observation, PolicyFactory } from '../policy.ts';
import { decision } from '../policy.ts';

const EPS = 1e-9;

/** Drops out once the clock is above the value plus `margin` (clock format). */
function dropIfAbove(obs: Observation<EnglishBidderView>, margin = 0): Decision | null {
  const v = obs.view;
  if (!obs.legal.some((a) => a.type === 'drop') || v.price === null) return null;
  return v.price > v.value + margin + EPS ? decision({ type: 'drop' }, `the clock at ${v.price} is above my value ${v.value}${margin ? ` by more than ${margin}` : ''}`) : null;
}

/** The least bid open now, when it is at most the value plus `margin` (open outcry). */
function leastBid(obs: Observation<EnglishBidderView>, margin = 0): number | null {
  const spec = obs.legal.find((a) => a.type === 'bid')?.params.amount;
  if (!spec || spec.kind !== 'number') return null;
  return spec.min <= obs.view.value + margin + EPS ? spec.min : null;
}

export const valueDropper: PolicyFactory<{ margin: number }> = {
  name: 'value-dropper',
  description: 'English auction: stays in while the clock is at most its value, drops out above it (dominant); in open outcry raises by the least allowed while that is at most its value. Param margin (default 0): stay in up to value + margin instead (negative: drop early).',
  trusted: true,
  paramsSchema: z.object({ margin: z.number().min(-1e6).max(1e6).default(0) }).strict(),
  create: ({ margin }) => ({
    name: 'value-dropper',
    decide(obs: Observation<EnglishBidderView>) {
      if (obs.view.format === 'clock') return dropIfAbove(obs, margin);
      const amount = leastBid(obs, margin);
      return amount === null ? null : decision({ type: 'bid', amount });
    },
  }),
};

export const sniper: PolicyFactory<{ windowMs: number | null }> = {
  name: 'sniper',
  description: 'English open outcry: bids the least allowed only in the last moment before the close (param windowMs, default one tick), while that is at most its value; on the clock, drops out above its value.',
  trusted: true,
  paramsSchema: z.object({ windowMs: z.number().int().positive().nullable().default(null) }).strict(),
  create: ({ windowMs }) => ({
    name: 'sniper',
    decide(obs: Observation<EnglishBidderView>) {
      const v = obs.view;
      if (v.format === 'clock') return dropIfAbove(obs);
      if (v.closesAt === null || v.closesAt - obs.now > (windowMs ?? v.tickMs)) return null;
      const amount = leastBid(obs);
      return amount === null ? null : decision({ type: 'bid', amount }, `${v.closesAt - obs.now} ms before the close`);
    },
  }),
};

export const dutchShader: PolicyFactory<{ fraction: number | null }> = {
  name: 'dutch-shader',
  description: 'Dutch auction: stops the clock once the price is at most fraction × value (param fraction; default (n−1)/n, the equilibrium for values uniform on [0, high]).',
  trusted: true,
  paramsSchema: z.object({ fraction: z.number().min(0).max(2).nullable().default(null) }).strict(),
  create: ({ fraction }) => ({
    name: 'dutch-shader',
    decide(obs: Observation<DutchBidderView>) {
      const v = obs.view;
      if (!obs.legal.some((a) => a.type === 'stop')) return null;
      const target = v.value * (fraction ?? (v.bidders - 1) / v.bidders);
      return v.price <= target + EPS ? decision({ type: 'stop' }, `the clock at ${v.price} is at most ${target}`) : null;
    },
  }),
};

export const CLOCK_AUCTION_POLICIES = [valueDropper, sniper, dutchShader];
