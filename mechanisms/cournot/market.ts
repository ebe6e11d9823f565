/**
 * The linear market of a cournot config: price and profits of one period, the one-shot
 * Cournot–Nash, collusive (joint-profit) and efficient outputs (theory.ts), each firm's
 * quantity grid.
 */
import type { CournotConfig } from './config.ts';
import { collusiveOptimum, cournotNash, efficientOutput, grossValue, outcomeAt, surplusAt, type LinearMarket, type QuantityOutcome } from './theory.ts';
import { firmValue, spaceAround, stepGrid, type ChoiceSpace, type MarketModel } from '../bertrand/repeated-market.ts';

export interface LinearModel extends MarketModel {
  readonly market: LinearMarket;
  readonly nash: QuantityOutcome;
  readonly collusive: QuantityOutcome;
  readonly efficient: QuantityOutcome;
  /** Whether every firm has the same cost and capacity (then every benchmark is the same for all). */
  readonly symmetric: boolean;
}

export function linearMarketOf(config: CournotConfig, n: number): LinearMarket {
  return {
    intercept: config.intercept,
    slope: config.slope,
    costs: Array.from({ length: n }, (_, i) => firmValue(config.costs, i)),
    capacities: Array.from({ length: n }, (_, i) => (config.capacities === null ? Infinity : firmValue(config.capacities, i))),
  };
}

/** Alike firms (the same cost and capacity) at exactly the same quantity, so that they get the same grid. */
function alike(market: LinearMarket, o: QuantityOutcome): QuantityOutcome {
  const same = (i: number, j: number) => market.costs[i] === market.costs[j] && market.capacities[i] === market.capacities[j];
  return outcomeAt(
    market,
    o.quantities.map((q, i) => o.quantities[o.quantities.findIndex((_, j) => same(i, j))] ?? q),
  );
}

/**
 * A firm's quantities: around its Nash and collusive quantities (spaceAround), or, when
 * the two coincide (a capacity binds in both, or the firm sells nothing in both), from 0
 * to the smaller of its capacity and the output that drives the price to 0.
 */
function quantitySpace(config: CournotConfig, market: LinearMarket, nash: number, collusive: number, capacity: number): ChoiceSpace {
  if (config.range !== null || Math.abs(nash - collusive) > 1e-9 * (1 + nash)) return spaceAround(config, nash, collusive, 0, capacity);
  const high = Math.min(capacity, market.intercept / market.slope);
  return { low: 0, high, grid: config.grid === null ? null : stepGrid(0, high / (config.grid - 1), config.grid) };
}

export function linearModel(config: CournotConfig, n: number): LinearModel {
  const market = linearMarketOf(config, n);
  const nash = alike(market, cournotNash(market));
  const collusive = alike(market, collusiveOptimum(market));
  const efficient = efficientOutput(market);
  const { intercept: A, slope: B, costs } = market;
  const spaces = costs.map((_, i) => quantitySpace(config, market, nash.quantities[i] as number, collusive.quantities[i] as number, market.capacities[i] as number));

  const evaluate = (choices: ArrayLike<number>, quantities: number[], prices: number[], profits: number[]): number => {
    let total = 0;
    for (let i = 0; i < n; i++) total += choices[i] as number;
    const price = Math.max(0, A - B * total);
    let cost = 0;
    for (let i = 0; i < n; i++) {
      const q = choices[i] as number;
      quantities[i] = q;
      prices[i] = price;
      profits[i] = (price - (costs[i] as number)) * q;
      cost += (costs[i] as number) * q;
    }
    return grossValue(market, total) - cost;
  };

  // A firm loses at most its cost on all it can sell (at price 0) and earns at most the monopoly profit (A − c)²/(4B).
  let min = 0;
  let max = 0;
  spaces.forEach((s, i) => {
    const c = costs[i] as number;
    min = Math.min(min, -c * s.high);
    max = Math.max(max, A > c ? (A - c) ** 2 / (4 * B) : 0);
  });
  return {
    market,
    nash,
    collusive,
    efficient,
    symmetric: costs.every((c, i) => c === costs[0] && market.capacities[i] === market.capacities[0]),
    spaces,
    nashChoices: nash.quantities,
    evaluate,
    maxSurplus: surplusAt(market, efficient.quantities),
    profitRange: { min, max },
  };
}
