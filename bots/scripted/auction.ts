/** Baseline bidders for the sealed-bid auctions. */
import { z } from 'zod';
import type { BidderView } from '../../mechanisms/sealed-bid/auction.ts';
import type { Observation, PolicyFactory } from '../policy.ts';
import { decision } from '../policy.ts';

/** Clamps a bid into the legal range and onto the grid, so a shaded bid is always legal. */
function legalBid(obs: Observation<BidderView>, amount: number): number | null {
  let spec;
  for (const open of obs.legal) if (open.type === 'bid') spec = open.params.amount;
  if (!spec || spec.kind !== 'number') return null;
  let x = Math.min(spec.max, Math.max(spec.min, amount));
  if (spec.step) x = spec.min + Math.floor((x - spec.min) / spec.step + 1e-9) * spec.step;
  return x;
}

function bidder(name: string, description: string, shade: (view: BidderView) => number): PolicyFactory<Record<string, never>> {
  return {
    name,
    description,
    trusted: true,
    paramsSchema: z.object({}).strict(),
    create: () => ({
      name,
      decide(obs: Observation<BidderView>) {
        const amount = legalBid(obs, obs.view.value * shade(obs.view));
        return amount === null ? null : decision({ type: 'bid', amount });
      },
    }),
  };
}

export const truthful = bidder('truthful', 'Bids its value (dominant in second-price).', () => 1);

export const equilibriumShader = bidder(
  'equilibrium',
  'Bids v·(n−1)/n: the risk-neutral equilibrium of a first-price auction with values uniform on [0, high].',
  (view) => (view.bidders - 1) / view.bidders,
);

export const fixedShader: PolicyFactory<{ fraction: number }> = {
  name: 'shader',
  description: 'Bids a fixed fraction of its value (param: fraction, default 0.8).',
  trusted: true,
  paramsSchema: z.object({ fraction: z.number().min(0).max(2).default(0.8) }).strict(),
  create: ({ fraction }) => ({
    name: 'shader',
    decide(obs: Observation<BidderView>) {
      const amount = legalBid(obs, obs.view.value * fraction);
      return amount === null ? null : decision({ type: 'bid', amount });
    },
  }),
};
