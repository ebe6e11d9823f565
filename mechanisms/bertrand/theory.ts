/**
 * The static benchmarks of Calvano, Calzolari, Denicolò and Pastorello (2020),
 * "Artificial Intelligence, Algorithmic Pricing, and Collusion", AER 110(10):
 * the logit demand, the one-shot Bertrand–Nash equilibrium, the joint-profit
 * (monopoly) prices, the price grid the learners choose from and the profit gain.
 *
 * Demand of firm i, with an outside good 0:
 *   q_i = exp((a_i − p_i)/μ) / (Σ_j exp((a_j − p_j)/μ) + exp(a_0/μ)),
 * profit π_i = (p_i − c_i) q_i. Pure functions, no I/O, so the engine can reuse them.
 */

/** The demand side of the market: qualities a_i, costs c_i, outside good a_0, differentiation μ. */
export interface LogitMarket {
  readonly a: readonly number[];
  readonly c: readonly number[];
  readonly a0: number;
  readonly mu: number;
}

/** The paper's baseline for n firms: a_i = 2, c_i = 1, a_0 = 0, μ = 1/4. */
export function baselineMarket(n = 2): LogitMarket {
  return { a: Array<number>(n).fill(2), c: Array<number>(n).fill(1), a0: 0, mu: 0.25 };
}

/** Quantities at the given prices. */
export function logitDemands(market: LogitMarket, prices: readonly number[]): number[] {
  const { a, a0, mu } = market;
  // Shift every exponent by the largest one so that small μ cannot overflow.
  let top = a0 / mu;
  for (let i = 0; i < prices.length; i++) top = Math.max(top, (at(a, i) - at(prices, i)) / mu);
  const weights = prices.map((p, i) => Math.exp((at(a, i) - p) / mu - top));
  const total = weights.reduce((s, w) => s + w, Math.exp(a0 / mu - top));
  return weights.map((w) => w / total);
}

/** Profits (p_i − c_i) q_i at the given prices. */
export function logitProfits(market: LogitMarket, prices: readonly number[]): number[] {
  return logitDemands(market, prices).map((q, i) => (at(prices, i) - at(market.c, i)) * q);
}

/**
 * Firm i's profit-maximising price against the others' prices. The first-order
 * condition of the logit profit is p_i = c_i + μ / (1 − q_i(p)); its left side minus
 * its right side rises strictly in p_i, so bisection finds the unique maximiser.
 */
export function bestResponse(market: LogitMarket, prices: readonly number[], i: number, tol = 1e-13): number {
  const trial = prices.slice();
  const gap = (p: number): number => {
    trial[i] = p;
    return p - at(market.c, i) - market.mu / (1 - at(logitDemands(market, trial), i));
  };
  return bisect(gap, at(market.c, i), at(market.c, i) + market.mu / (1 - shareAt(market, trial, i, at(market.c, i))), tol);
}

export interface Equilibrium {
  readonly prices: number[];
  readonly demands: number[];
  readonly profits: number[];
}

/**
 * The one-shot Bertrand–Nash equilibrium: the fixed point of the best responses,
 * iterated (Gauss–Seidel) until no price moves by more than `tol`.
 */
export function bertrandNash(market: LogitMarket, tol = 1e-12, maxRounds = 10_000): Equilibrium {
  const prices = market.c.map((c) => c + market.mu);
  for (let round = 0; round < maxRounds; round++) {
    let moved = 0;
    for (let i = 0; i < prices.length; i++) {
      const next = bestResponse(market, prices, i);
      moved = Math.max(moved, Math.abs(next - at(prices, i)));
      prices[i] = next;
    }
    if (moved <= tol) return equilibriumAt(market, prices);
  }
  throw new Error(`best responses did not settle within ${maxRounds} rounds`);
}

/**
 * The prices that maximise joint profit. With logit demand the joint optimum gives
 * every product the same markup m = p_i − c_i, the root of m = μ / (1 − Σ_j q_j),
 * so one bisection finds it, for symmetric and asymmetric firms alike.
 */
export function jointProfitMaximum(market: LogitMarket, tol = 1e-13): Equilibrium {
  const pricesAt = (m: number) => market.c.map((c) => c + m);
  const inside = (m: number) => logitDemands(market, pricesAt(m)).reduce((s, q) => s + q, 0);
  const gap = (m: number) => m - market.mu / (1 - inside(m));
  const markup = bisect(gap, 0, market.mu / (1 - inside(0)), tol);
  return equilibriumAt(market, pricesAt(markup));
}

/**
 * The m prices a firm may charge: evenly spaced on
 * [p^N − ξ(p^M − p^N), p^M + ξ(p^M − p^N)].
 */
export function priceGrid(nashPrice: number, monopolyPrice: number, m: number, xi: number): Float64Array {
  const span = monopolyPrice - nashPrice;
  const low = nashPrice - xi * span;
  const step = (span * (1 + 2 * xi)) / (m - 1);
  const grid = new Float64Array(m);
  for (let k = 0; k < m; k++) grid[k] = low + k * step;
  return grid;
}

/** Δ = (π̄ − π^N) / (π^M − π^N): 0 at the Nash profit, 1 at the monopoly profit. */
export function profitGain(profit: number, nashProfit: number, monopolyProfit: number): number {
  return (profit - nashProfit) / (monopolyProfit - nashProfit);
}

function equilibriumAt(market: LogitMarket, prices: readonly number[]): Equilibrium {
  const demands = logitDemands(market, prices);
  return { prices: prices.slice(), demands, profits: demands.map((q, i) => (at(prices, i) - at(market.c, i)) * q) };
}

function shareAt(market: LogitMarket, prices: number[], i: number, p: number): number {
  const trial = prices.slice();
  trial[i] = p;
  return at(logitDemands(market, trial), i);
}

/** Root of an increasing function with f(low) < 0 < f(high). */
function bisect(f: (x: number) => number, low: number, high: number, tol: number): number {
  let lo = low;
  let hi = high;
  for (let k = 0; k < 200 && hi - lo > tol; k++) {
    const mid = 0.5 * (lo + hi);
    if (f(mid) < 0) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

function at(values: readonly number[], i: number): number {
  const v = values[i];
  if (v === undefined) throw new RangeError(`no value for firm ${i}`);
  return v;
}
