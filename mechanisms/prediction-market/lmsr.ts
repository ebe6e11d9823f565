/**
 * Hanson's logarithmic market scoring rule as a market maker (Hanson 2003, 2007). With
 * outstanding shares q (one entry per outcome) and liquidity b, the maker's cost function
 * is C(q) = b·ln Σ_i exp(q_i / b); the price of outcome i is ∂C/∂q_i = softmax(q / b)_i, so
 * prices are positive and sum to 1; a trade from q to q' costs C(q') − C(q), whatever the
 * path (the cost of a sequence of trades is the cost of their sum). A share of the outcome
 * that happens pays 1, so the maker's loss is q_ω − (C(q) − C(q₀)), at most b·ln n from q₀ = 0.
 * Everything is computed through log-sum-exp, stable for any q.
 */

/** ln Σ exp(x_i), without overflow or underflow. */
export function logSumExp(xs: readonly number[]): number {
  let top = -Infinity;
  for (const x of xs) if (x > top) top = x;
  if (top === -Infinity) return -Infinity;
  let sum = 0;
  for (const x of xs) sum += Math.exp(x - top);
  return top + Math.log(sum);
}

/** The cost function C(q) = b·ln Σ exp(q_i / b). */
export const cost = (q: readonly number[], b: number): number => b * logSumExp(q.map((x) => x / b));

/** The prices softmax(q / b): each in (0, 1), together 1. */
export function prices(q: readonly number[], b: number): number[] {
  // Weights relative to the largest, normalised by their sum: the prices add up to 1 to the last bit or two, however large q/b.
  let top = -Infinity;
  for (const x of q) if (x / b > top) top = x / b;
  const w = q.map((x) => Math.exp(x / b - top));
  let sum = 0;
  for (const x of w) sum += x;
  return w.map((x) => x / sum);
}

/** What moving the outstanding shares by `delta` costs: C(q + delta) − C(q) (negative: the trader is paid). */
export function tradeCost(q: readonly number[], delta: readonly number[], b: number): number {
  return cost(
    q.map((x, i) => x + (delta[i] ?? 0)),
    b,
  ) - cost(q, b);
}

/** The log-prices q_i / b − ln Σ exp(q_j / b): finite even where a price underflows to 0. */
export function logPrices(q: readonly number[], b: number): number[] {
  const z = logSumExp(q.map((x) => x / b));
  return q.map((x) => x / b - z);
}

/**
 * One outcome's quote in logs: `logPrice` ln p_k and `logRest` ln(1 − p_k), each from its
 * own log-sum-exp, so that neither is lost when the price is within 1e-16 of 0 or of 1.
 */
export interface Quote {
  readonly logPrice: number;
  readonly logRest: number;
}

export function quote(q: readonly number[], b: number, k: number): Quote {
  const scaled = q.map((x) => x / b);
  const z = logSumExp(scaled);
  return { logPrice: (scaled[k] as number) - z, logRest: logSumExp(scaled.filter((_, i) => i !== k)) - z };
}

/** The cost of buying x ≥ 0 shares of an outcome: b·ln(1 − p + p·e^{x/b}). */
export function buyCost(at: Quote, x: number, b: number): number {
  const t = x / b;
  if (t < 30) return b * Math.log1p(Math.exp(at.logPrice) * Math.expm1(t));
  return b * logSumExp([at.logRest, at.logPrice + t]);
}

/** How many shares of an outcome a spend of s ≥ 0 buys: the inverse of buyCost. */
export function sharesFor(at: Quote, s: number, b: number): number {
  const t = s / b;
  if (t >= 30) return s + b * Math.log1p(-Math.exp(at.logRest - t)) - b * at.logPrice;
  if (at.logPrice > -600) return b * Math.log1p(Math.expm1(t) * Math.exp(-at.logPrice));
  // A price below e^-600 adds nothing to e^t − 1 + p.
  return b * (Math.log(Math.expm1(t)) - at.logPrice);
}

/** What selling x ≥ 0 shares of an outcome pays: −b·ln(1 − p + p·e^{−x/b}), at least 0. */
export function saleProceeds(at: Quote, x: number, b: number): number {
  const drop = Math.exp(at.logPrice) * -Math.expm1(-x / b);
  // While what is left, 1 − drop, is not small, log1p keeps a small sale exact; past that the logs of both terms do.
  if (drop < 0.5) return -b * Math.log1p(-drop);
  return -b * logSumExp([at.logRest, at.logPrice - x / b]);
}

/** The maker's worst-case loss from uniform opening prices: b·ln n (Hanson 2003). */
export const worstCaseLoss = (b: number, n: number): number => b * Math.log(n);

/**
 * The purchases (one number of shares per outcome, none negative) that take the prices from
 * `from` to `to`: q moves by b·ln(to_i / from_i) plus the constant that makes the smallest
 * purchase 0. Their cost is b·max_i ln(from_i / to_i), by path independence.
 */
export function purchasesToward(from: readonly number[], to: readonly number[], b: number): number[] {
  const raw = from.map((p, i) => b * Math.log((to[i] as number) / p));
  const least = Math.min(...raw);
  return raw.map((x) => x - least);
}
