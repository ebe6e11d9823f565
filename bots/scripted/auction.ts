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

/**
 * A bid-rotation cartel member: the members take turns (round 1 the first listed, round 2 the
 * second, ...); the member whose turn it is bids `fraction` of its value (by default the
 * equilibrium shade among the bidders who still compete: the outsiders and itself), the others
 * bid the least they may, so that members never bid against each other.
 */
export const bidRotation: PolicyFactory<{ members: string[]; fraction: number | null }> = {
  name: 'bid-rotation',
  description: 'A cartel member of a bid rotation (param: members, the seats of the cartel in turn order; fraction, what the designated member bids of its value, default the equilibrium shade among the bidders left competing); the others bid the minimum.',
  trusted: true,
  paramsSchema: z
    .object({
      members: z.array(z.string().regex(/^p\d+$/, 'a seat id such as p0')).min(2),
      fraction: z.number().min(0).max(2).nullable().default(null),
    })
    .strict(),
  create: ({ members, fraction }, context) => {
    if (context && !members.includes(context.seat)) throw new Error(`bid-rotation: seat ${context.seat} is not among the members ${members.join(', ')}`);
    return {
      name: 'bid-rotation',
      decide(obs: Observation<BidderView>) {
        const view = obs.view;
        const turn = members[(view.round - 1) % members.length];
        const competing = view.bidders - members.length + 1;
        const share = fraction ?? (competing - 1) / competing;
        const amount = legalBid(obs, turn === obs.seat ? view.value * share : 0);
        return amount === null ? null : decision({ type: 'bid', amount }, turn === obs.seat ? 'our turn' : 'a member’s turn: bidding low');
      },
    };
  },
};
