/**
 * Baseline players of the reputation market (mechanisms/reputation): the honest seller
 * (high quality at a fixed price), the low-quality seller, the milker (builds a rating with
 * high quality, then sells low for good: after k rounds, once its rating reaches a
 * threshold, or in the last rounds), the rating buyer (picks the best rating per unit of
 * price and buys when the rating promises its price; now and then tries a seller at random) and the
 * truthful rater (picks any seller at random). Every buyer here rates truthfully: top stars
 * for high quality, bottom for low.
 */
import { z } from 'zod';
import type { BuyerView, PlayerView, SellerView } from '../../mechanisms/reputation/index.ts';
import { STARS, type Quality } from '../../mechanisms/reputation/config.ts';
import type { Rng } from '../../mechanisms/core/random.ts';
import type { Decision, Observation, PolicyFactory } from '../policy.ts';
import { decision } from '../policy.ts';

type Obs = Observation<PlayerView>;

/** An offer of `quality` at `price`, clamped to the allowed range and grid; null when not offering. */
function offer(obs: Obs, quality: Quality, price: number, note?: string): Decision | null {
  const spec = obs.legal.find((a) => a.type === 'offer')?.params.price;
  if (!spec || spec.kind !== 'number') return null;
  let p = Math.min(spec.max, Math.max(spec.min, price));
  if (spec.step) p = Math.min(spec.max, Math.round((spec.min + Math.round((p - spec.min) / spec.step) * spec.step) * 1e9) / 1e9);
  return decision({ type: 'offer', quality, price: p }, note);
}

/** The truthful rating of what the buyer got, when it may rate. */
function rateTruthfully(obs: Obs): Decision | null {
  const v = obs.view;
  if (v.role !== 'buyer' || !v.bought || !obs.legal.some((a) => a.type === 'rate')) return null;
  return decision({ type: 'rate', stars: v.bought.quality === 'high' ? STARS.max : STARS.min });
}

const priceParam = z.number().min(0).default(14);

export const honestSeller: PolicyFactory<{ price: number }> = {
  name: 'honest-seller',
  description: 'A seller that offers high quality every round at a fixed price (param: price, default 14).',
  trusted: true,
  paramsSchema: z.object({ price: priceParam }).strict(),
  create: ({ price }) => ({ name: 'honest-seller', decide: (obs: Obs) => offer(obs, 'high', price) }),
};

export const lowQualitySeller: PolicyFactory<{ price: number }> = {
  name: 'low-quality-seller',
  description: 'A seller that offers low quality every round at a fixed price (param: price, default 14).',
  trusted: true,
  paramsSchema: z.object({ price: priceParam }).strict(),
  create: ({ price }) => ({ name: 'low-quality-seller', decide: (obs: Obs) => offer(obs, 'low', price) }),
};

interface MilkerParams {
  price: number;
  switchAfter: number | null;
  threshold: number | null;
  lastRounds: number | null;
}

/** Whether the milker has switched: it sold low by choice before, or a trigger fires now. */
function milking(v: SellerView, p: MilkerParams): boolean {
  if (v.history.some((r) => r.quality === 'low' && !r.missed)) return true;
  if (p.switchAfter !== null && v.round > p.switchAfter) return true;
  if (p.lastRounds !== null && v.round > v.rounds - p.lastRounds) return true;
  const mine = v.market.find((l) => l.seat === v.seat);
  return p.threshold !== null && mine?.rating !== undefined && mine.rating !== null && mine.rating >= p.threshold;
}

export const milker: PolicyFactory<MilkerParams> = {
  name: 'milker',
  description: 'A reputation farmer: high quality at a fixed price until it switches to low quality for good, after `switchAfter` rounds (default 5), once its rating reaches `threshold`, or in the `lastRounds` rounds of the match (each null to ignore).',
  trusted: true,
  paramsSchema: z
    .object({
      price: priceParam,
      switchAfter: z.number().int().min(0).nullable().default(5),
      threshold: z.number().min(STARS.min).max(STARS.max).nullable().default(null),
      lastRounds: z.number().int().min(0).nullable().default(null),
    })
    .strict(),
  create: (params) => ({
    name: 'milker',
    decide(obs: Obs) {
      const v = obs.view;
      if (v.role !== 'seller') return null;
      return milking(v, params) ? offer(obs, 'low', params.price, 'milking') : offer(obs, 'high', params.price);
    },
  }),
};

/** The seller the rating buyer picks: the best rating per unit of price (an unrated seller or no ratings: the middle of the scale), at random with chance `explore`. */
function ratingChoice(v: BuyerView, explore: number, rng: Rng): { seat: string; rating: number; price: number; explored: boolean } | null {
  const listed = v.market.filter((l) => l.price !== null).map((l) => ({ seat: l.seat as string, rating: l.rating ?? (STARS.min + STARS.max) / 2, price: l.price as number, explored: false }));
  if (!listed.length) return null;
  if (rng.float() < explore) {
    const pick = listed[rng.int(0, listed.length - 1)];
    return pick ? { ...pick, explored: true } : null;
  }
  const score = (l: { rating: number; price: number }) => (l.price > 0 ? l.rating / l.price : Infinity);
  return listed.reduce((best, l) => (score(l) > score(best) ? l : best));
}

export const ratingBuyer: PolicyFactory<{ explore: number }> = {
  name: 'rating-buyer',
  description: 'A buyer that picks the seller with the best rating per unit of price (param explore, default 0.1: the chance of buying from a random seller instead, to try it), buys when the value the rating promises (a chance (stars − 1)/4 of high quality) plus its taste covers the price, and rates truthfully.',
  trusted: true,
  paramsSchema: z.object({ explore: z.number().min(0).max(1).default(0.1) }).strict(),
  create: ({ explore }) => ({
    name: 'rating-buyer',
    decide(obs: Obs, rng: Rng) {
      const v = obs.view;
      if (v.role !== 'buyer') return null;
      if (!obs.legal.some((a) => a.type === 'choose')) return rateTruthfully(obs);
      const pick = ratingChoice(v, explore, rng);
      if (!pick) return decision({ type: 'pass' });
      const chance = (pick.rating - STARS.min) / (STARS.max - STARS.min);
      const expected = v.values.low + chance * (v.values.high - v.values.low) + v.taste;
      if (pick.explored) return decision({ type: 'choose', seller: pick.seat }, 'exploring');
      return expected >= pick.price ? decision({ type: 'choose', seller: pick.seat }) : decision({ type: 'pass' }, `the rating promises ${Math.round(expected * 100) / 100}, less than the price`);
    },
  }),
};

export const truthfulRater: PolicyFactory<Record<string, never>> = {
  name: 'truthful-rater',
  description: 'A buyer that picks a seller at random whatever its rating and price, and rates what it got truthfully.',
  trusted: true,
  paramsSchema: z.object({}).strict(),
  create: () => ({
    name: 'truthful-rater',
    decide(obs: Obs, rng: Rng) {
      const spec = obs.legal.find((a) => a.type === 'choose')?.params.seller;
      if (!spec || spec.kind !== 'choice') return rateTruthfully(obs);
      return decision({ type: 'choose', seller: spec.options[rng.int(0, spec.options.length - 1)] as string });
    },
  }),
};

export const REPUTATION_POLICIES = [honestSeller, lowQualitySeller, milker, ratingBuyer, truthfulRater];
