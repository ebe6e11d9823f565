/**
 * Baseline bidders of the VCG auction (mechanisms/vcg): the truthful bidder, whose strategy
 * is dominant, and a shader that bids a fixed fraction of its values. Both bid on the same
 * bundles: every bundle worth more than 0, leaving out a bundle worth no more than one of its
 * parts (under XOR bids with free disposal such a bid says nothing the part's bid does not),
 * and when maxBids is smaller than that, the most valuable ones (a tie goes to the smaller
 * bundle, then the one named first).
 */
import { z } from 'zod';
import type { BidderView } from '../../mechanisms/vcg/index.ts';
import type { Observation, PolicyFactory } from '../policy.ts';
import { decision } from '../policy.ts';

type Obs = Observation<BidderView>;

/** The bundles a truthful report names, most valuable first: [items, value]. */
export function reportedBundles(values: Readonly<Record<string, number>>, maxBids: number): [string[], number][] {
  const bundles = Object.entries(values).map(([name, value]) => [name.split('+'), value] as [string[], number]);
  const within = (part: readonly string[], whole: readonly string[]) => part.length < whole.length && part.every((x) => whole.includes(x));
  const telling = bundles.filter(([items, value]) => value > 0 && !bundles.some(([part, v]) => within(part, items) && v >= value));
  return telling
    .map((b, order) => ({ b, order }))
    .sort((x, y) => y.b[1] - x.b[1] || x.b[0].length - y.b[0].length || x.order - y.order)
    .slice(0, maxBids)
    .map((x) => x.b);
}

/** A price inside the legal range and on its grid (rounded down). */
function legalPrice(min: number, max: number, step: number | undefined, price: number): number {
  let x = Math.min(max, Math.max(min, price));
  if (step) x = Number((min + Math.floor((x - min) / step + 1e-9) * step).toFixed(10));
  return x;
}

function bundleBidder(obs: Obs, fraction: number) {
  const spec = obs.legal.find((a) => a.type === 'bid')?.params.bids;
  if (!spec || spec.kind !== 'bundle') return null;
  const bids = reportedBundles(obs.view.values, spec.maxBids).map(([items, value]) => ({ items, price: legalPrice(spec.min, spec.max, spec.step, value * fraction) }));
  return decision({ type: 'bid', bids });
}

export const bundleTruthful: PolicyFactory<Record<string, never>> = {
  name: 'bundle-truthful',
  description: 'Bids its value on every bundle it values (up to maxBids, the most valuable ones): the dominant strategy of a VCG auction.',
  trusted: true,
  paramsSchema: z.object({}).strict(),
  create: () => ({ name: 'bundle-truthful', decide: (obs: Obs) => bundleBidder(obs, 1) }),
};

export const bundleShader: PolicyFactory<{ fraction: number }> = {
  name: 'bundle-shader',
  description: 'Bids a fixed fraction of its value on the bundles a truthful bidder names (param: fraction, default 0.8).',
  trusted: true,
  paramsSchema: z.object({ fraction: z.number().min(0).max(2).default(0.8) }).strict(),
  create: ({ fraction }) => ({ name: 'bundle-shader', decide: (obs: Obs) => bundleBidder(obs, fraction) }),
};

export const VCG_POLICIES = [bundleTruthful, bundleShader];
