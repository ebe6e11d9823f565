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
  const z = logSumExp(q.map((x) => x / b));
  return q.map((x) => Math.exp(x / b - z));
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
 * The cost of buying x ≥ 0 shares of an outcome whose log-price is lp (price p = e^lp):
 * b·ln(1 + p·(e^{x/b} − 1)), written so that neither a small nor a large x, nor a tiny p, loses precision.
 */
export function buyCost(lp: number, x: number, b: number): number {
  const t = x / b;
  const p = Math.exp(lp);
  if (t < 30) return b * Math.log1p(p * Math.expm1(t));
  return x + b * lp + b * Math.log1p(Math.exp(Math.log1p(-p) - lp - t));
}

/** How many shares of an outcome of log-price lp a spend of s buys: the inverse of buyCost. */
export function sharesFor(lp: number, s: number, b: number): number {
  const t = s / b;
  const p = Math.exp(lp);
  if (t >= 30) return s - b * lp + b * Math.log1p(-(1 - p) * Math.exp(-t));
  if (p > 1e-12) return b * Math.log1p(Math.expm1(t) / p);
  return b * (Math.log(Math.expm1(t) + p) - lp);
}

/** What selling x ≥ 0 shares of an outcome of log-price lp pays: −b·ln(1 − p·(1 − e^{−x/b})), at least 0. */
export function saleProceeds(lp: number, x: number, b: number): number {
  const t = x / b;
  if (t < 30) return -b * Math.log1p(Math.exp(lp) * Math.expm1(-t));
  // ln(1 − p + p·e^{−t}) as a log-sum-exp: a price that rounds to 1 must not make ln 0 of it.
  return -b * logSumExp([Math.log(-Math.expm1(lp)), lp - t]);
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
