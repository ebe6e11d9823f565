/**
 * The logit market of a bertrand config: demand and profits of one period, the one-shot
 * Bertrand–Nash and joint-profit (monopoly) prices (theory.ts), each firm's price grid.
 */
import type { BertrandConfig } from './config.ts';
import { bertrandNash, jointProfitMaximum, logitDemands, logitProfits, type Equilibrium, type LogitMarket } from './theory.ts';
import { firmValue, spaceAround, type ChoiceSpace, type MarketModel } from './repeated-market.ts';

export interface LogitModel extends MarketModel {
  readonly market: LogitMarket;
  readonly nash: Equilibrium;
  readonly monopoly: Equilibrium;
  /** Whether every firm has the same quality and cost (then every benchmark is the same for all). */
  readonly symmetric: boolean;
}

export function logitMarketOf(config: BertrandConfig, n: number): LogitMarket {
  return {
    a: Array.from({ length: n }, (_, i) => firmValue(config.qualities, i)),
    c: Array.from({ length: n }, (_, i) => firmValue(config.costs, i)),
    a0: config.outsideQuality,
    mu: config.mu,
  };
}

/**
 * The equilibrium with alike firms (the same quality and cost) at exactly the same price:
 * the solver leaves them apart in the last digits, which would give them different grids.
 */
function alike(market: LogitMarket, eq: Equilibrium): Equilibrium {
  const prices = eq.prices.map((p, i) => {
    const first = market.a.findIndex((a, j) => a === market.a[i] && market.c[j] === market.c[i]);
    return eq.prices[first] ?? p;
  });
  return { prices, demands: logitDemands(market, prices), profits: logitProfits(market, prices) };
}

export function logitModel(config: BertrandConfig, n: number): LogitModel {
  const market = logitMarketOf(config, n);
  const nash = alike(market, bertrandNash(market));
  const monopoly = alike(market, jointProfitMaximum(market));
  const { a, c, a0, mu } = market;
  const spaces: ChoiceSpace[] = a.map((_, i) => spaceAround(config, nash.prices[i] as number, monopoly.prices[i] as number, 0, Infinity));

  /** Shares, profits and total surplus at these prices; consumer surplus is measured over the outside good. */
  const evaluate = (choices: ArrayLike<number>, quantities: number[], prices: number[], profits: number[]): number => {
    // Exponents shifted by the largest, so that a small μ cannot overflow.
    let top = a0 / mu;
    for (let i = 0; i < n; i++) {
      const x = ((a[i] as number) - (choices[i] as number)) / mu;
      if (x > top) top = x;
    }
    let total = Math.exp(a0 / mu - top);
    for (let i = 0; i < n; i++) {
      const w = Math.exp(((a[i] as number) - (choices[i] as number)) / mu - top);
      quantities[i] = w;
      total += w;
    }
    let surplus = mu * (Math.log(total) + top) - a0;
    for (let i = 0; i < n; i++) {
      const p = choices[i] as number;
      const q = (quantities[i] as number) / total;
      quantities[i] = q;
      prices[i] = p;
      profits[i] = (p - (c[i] as number)) * q;
      surplus += profits[i] as number;
    }
    return surplus;
  };

  const scratch = new Array<number>(n);
  const maxSurplus = evaluate(c, scratch.slice(), scratch.slice(), scratch.slice());
  // A share is below 1, so a period's profit lies between (low − c)·1 and (high − c)·1.
  let min = 0;
  let max = 0;
  spaces.forEach((s, i) => {
    min = Math.min(min, s.low - (c[i] as number));
    max = Math.max(max, s.high - (c[i] as number));
  });
  return {
    market,
    nash,
    monopoly,
    symmetric: a.every((x) => x === a[0]) && c.every((x) => x === c[0]),
    spaces,
    nashChoices: nash.prices,
    evaluate,
    maxSurplus,
    profitRange: { min, max },
  };
}
