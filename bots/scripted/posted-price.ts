/**
 * Baseline players of the posted-price market (mechanisms/posted-price): a seller at a fixed
 * price, the truthful buyer (buys whenever the price is at most its value: its best reply in
 * any one round) and the strategic buyer, who holds out for a margin below its value, as a
 * buyer who would train a learning seller to lower its price. The monopolist is the generic
 * `benchmark` player with `{ "benchmark": "monopoly_price" }`; learners (exp3, q-learning)
 * play the seller through legal().
 */
import { z } from 'zod';
import type { PlayerView } from '../../mechanisms/posted-price/index.ts';
import type { Decision, Observation, PolicyFactory } from '../policy.ts';
import { decision } from '../policy.ts';

type Obs = Observation<PlayerView>;

/** Buys when value − price reaches `margin`; passes otherwise; null when not deciding. */
function buyer(obs: Obs, margin: number): Decision | null {
  const v = obs.view;
  if (v.role !== 'buyer' || !obs.legal.some((a) => a.type === 'buy') || v.price === null) return null;
  return decision({ type: v.value - v.price >= margin ? 'buy' : 'pass' });
}

export const fixedPriceSeller: PolicyFactory<{ price: number }> = {
  name: 'fixed-price',
  description: 'A seller that posts the same price every round (param: price; clamped to the allowed range and grid).',
  trusted: false,
  paramsSchema: z.object({ price: z.number().min(0).default(50) }).strict(),
  create: ({ price }) => ({
    name: 'fixed-price',
    decide(obs: Obs) {
      const spec = obs.legal.find((a) => a.type === 'post')?.params.price;
      if (!spec || spec.kind !== 'number') return null;
      let p = Math.min(spec.max, Math.max(spec.min, price));
      if (spec.step) p = Math.round((spec.min + Math.round((p - spec.min) / spec.step) * spec.step) * 1e9) / 1e9;
      return decision({ type: 'post', price: Math.min(p, spec.max) });
    },
  }),
};

export const truthfulBuyer: PolicyFactory<Record<string, never>> = {
  name: 'truthful-buyer',
  description: 'Buys whenever the price is at most its value.',
  trusted: true,
  paramsSchema: z.object({}).strict(),
  create: () => ({ name: 'truthful-buyer', decide: (obs: Obs) => buyer(obs, 0) }),
};

export const strategicBuyer: PolicyFactory<{ margin: number }> = {
  name: 'strategic-buyer',
  description: 'Buys only when its value exceeds the price by at least `margin` (default 10): holds out for lower prices.',
  trusted: true,
  paramsSchema: z.object({ margin: z.number().min(0).default(10) }).strict(),
  create: ({ margin }) => ({ name: 'strategic-buyer', decide: (obs: Obs) => buyer(obs, margin) }),
};

export const POSTED_PRICE_POLICIES = [fixedPriceSeller, truthfulBuyer, strategicBuyer];
