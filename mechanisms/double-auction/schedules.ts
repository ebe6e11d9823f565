/**
 * Unit schedules: each seat's values (buyers) or costs (sellers) for a period, given in
 * the config or drawn from the seat's own stream, and the market's demand and supply
 * pooled from them.
 */
import { drawFrom, support } from '../core/policy.ts';
import { draw, type RngState } from '../core/random.ts';
import type { DoubleAuctionConfig, Side } from './config.ts';
import { equilibrium, type Equilibrium } from './equilibrium.ts';

/** Demand (values, descending) and supply (costs, ascending) of one period, without names. */
export interface Schedules {
  readonly demand: readonly number[];
  readonly supply: readonly number[];
}

/** Draws are rounded to cents (and kept inside the distribution's support) so prices and profits print cleanly. */
function drawUnits(units: number, dist: DoubleAuctionConfig['values'], stream: RngState, order: 'desc' | 'asc'): [number[], RngState] {
  const { low, high } = support(dist);
  return draw(stream, (rng) => {
    const xs: number[] = [];
    for (let k = 0; k < units; k++) xs.push(Math.min(high, Math.max(low, Math.round(drawFrom(dist, rng) * 100) / 100)));
    return xs.sort(order === 'desc' ? (a, b) => b - a : (a, b) => a - b);
  });
}

/** Each seat's schedule for a new period; given schedules keep their (sorted) arrays, drawn ones draw from the seat's stream. */
export function schedulesFor(
  config: DoubleAuctionConfig,
  nb: number,
  previous: readonly (readonly number[])[] | null,
  streams: readonly RngState[],
): [(readonly number[])[], RngState[]] {
  const out: (readonly number[])[] = [];
  const next: RngState[] = [];
  const n = streams.length;
  for (let i = 0; i < n; i++) {
    const buyer = i < nb;
    const side: Side = buyer ? config.buyers : config.sellers;
    const stream = streams[i] as RngState;
    if (typeof side !== 'number') {
      const given = side[buyer ? i : i - nb] as readonly number[];
      out.push(previous ? (previous[i] as readonly number[]) : given.slice().sort(buyer ? (a, b) => b - a : (a, b) => a - b));
      next.push(stream);
    } else if (previous && !config.freshValues) {
      out.push(previous[i] as readonly number[]);
      next.push(stream);
    } else {
      const [units, after] = drawUnits(config.unitsPerTrader, buyer ? config.values : config.costs, stream, buyer ? 'desc' : 'asc');
      out.push(units);
      next.push(after);
    }
  }
  return [out, next];
}

/** Every buyer's values and every seller's costs in two new arrays, unsorted. */
function pooled(schedules: readonly (readonly number[])[], nb: number): { demand: number[]; supply: number[] } {
  const demand: number[] = [];
  const supply: number[] = [];
  schedules.forEach((s, i) => (i < nb ? demand : supply).push(...s));
  return { demand, supply };
}

/** The market's demand and supply, sorted, without names. */
export function marketSchedules(schedules: readonly (readonly number[])[], nb: number): Schedules {
  const { demand, supply } = pooled(schedules, nb);
  return { demand: demand.sort((a, b) => b - a), supply: supply.sort((a, b) => a - b) };
}

export function equilibriumOf(schedules: readonly (readonly number[])[], nb: number): Equilibrium {
  const { demand, supply } = pooled(schedules, nb);
  return equilibrium(demand, supply);
}
