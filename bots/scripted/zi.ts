/**
 * Zero-intelligence traders for the double auction (Gode & Sunder 1993): each
 * decision posts one order at a random price, with no memory and no learning.
 * ZI-U draws over the whole legal range (run it with `allowLoss: true` for the
 * classic unconstrained trader; under the default no-loss rule its range is already
 * capped at the unit's value or cost). ZI-C never trades at a loss: a buyer bids in
 * [minPrice, value of its next unit], a seller asks in [cost of its next unit, maxPrice].
 * Both draw uniformly over the grid points of the legal range intersected with their
 * own range, so every order they send is legal; neither ever cancels.
 */
import { z } from 'zod';
import type { TraderView } from '../../mechanisms/double-auction/index.ts';
import type { LegalAction } from '../../mechanisms/core/types.ts';
import type { Rng } from '../../mechanisms/core/random.ts';
import type { Decision, Observation, PolicyFactory } from '../policy.ts';
import { decision } from '../policy.ts';


/**
 * A price drawn uniformly from the grid points of the legal placeOrder range that lie
 * within [low, high]; null when there is none. The grid starts at the legal minimum.
 */
export function drawOrderPrice(open: LegalAction, low: number, high: number, rng: Rng): number | null {
  const spec = open.params.price;
  if (!spec || spec.kind !== 'number') return null;
  const lo = Math.max(spec.min, low);
  const hi = Math.min(spec.max, high);
  if (!(lo <= hi)) return null;
  if (!spec.step) return lo + (hi - lo) * rng.float();
  const first = Math.ceil((lo - spec.min) / spec.step - 1e-9);
  const last = Math.floor((hi - spec.min) / spec.step + 1e-9);
  if (first > last) return null;
  const price = Number((spec.min + rng.int(first, last) * spec.step).toFixed(10));
  // Keep float noise from nudging the price past a bound.
  return Math.min(spec.max, Math.max(spec.min, price));
}

function orderSide(open: LegalAction): string | null {
  const side = open.params.side;
  return side?.kind === 'choice' && typeof side.options[0] === 'string' ? side.options[0] : null;
}

function trader(name: string, description: string, range: (view: TraderView) => [number, number] | null): PolicyFactory<Record<string, never>> {
  return {
    name,
    description,
    trusted: true,
    paramsSchema: z.object({}).strict(),
    create: () => ({
      name,
      decide(obs: Observation<TraderView>, rng: Rng): Decision | null {
        const open = obs.legal.find((a) => a.type === 'placeOrder');
        if (!open) return null;
        const side = orderSide(open);
        const bounds = range(obs.view);
        if (side === null || bounds === null) return null;
        const price = drawOrderPrice(open, bounds[0], bounds[1], rng);
        return price === null ? null : decision({ type: 'placeOrder', side, price });
      },
    }),
  };
}

export const ziU = trader('zi-u', 'Zero intelligence, unconstrained: posts an order at a uniform random price over the whole legal range.', () => [-Infinity, Infinity]);

export const ziC = trader('zi-c', 'Zero intelligence, constrained: bids uniformly up to its unit value, asks uniformly from its unit cost (never a loss).', (view) => {
  const unit = view.units.next;
  if (unit === null) return null;
  return view.role === 'buyer' ? [view.minPrice, unit] : [unit, view.maxPrice];
});
