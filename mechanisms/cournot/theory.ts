/**
 * Quantity competition with linear inverse demand P(Q) = max(0, A − B·Q), constant
 * marginal costs c_i ≥ 0 and capacities k_i (Infinity for none): the one-shot
 * Cournot–Nash equilibrium, the joint-profit (collusive) optimum and the efficient
 * output, for equal and unequal costs and binding capacities. Pure functions.
 *
 * Textbook case (n firms, cost c, no binding capacity): q^N = (A − c)/(B(n + 1)),
 * P^N = (A + n·c)/(n + 1), π^N = (A − c)²/(B(n + 1)²); collusion: Q^M = (A − c)/(2B),
 * P^M = (A + c)/2, π^M = (A − c)²/(4·B·n).
 */

export interface LinearMarket {
  /** Demand intercept A and slope B. */
  readonly intercept: number;
  readonly slope: number;
  readonly costs: readonly number[];
  /** Infinity where a firm has no capacity limit. */
  readonly capacities: readonly number[];
}

export interface QuantityOutcome {
  readonly quantities: number[];
  readonly total: number;
  readonly price: number;
  readonly profits: number[];
}

export const priceAt = (m: LinearMarket, total: number): number => Math.max(0, m.intercept - m.slope * total);

/** Price and profits (P − c_i)·q_i at these quantities. */
export function outcomeAt(m: LinearMarket, quantities: readonly number[]): QuantityOutcome {
  let total = 0;
  for (const q of quantities) total += q;
  const price = priceAt(m, total);
  return { quantities: quantities.slice(), total, price, profits: quantities.map((q, i) => (price - (m.costs[i] as number)) * q) };
}

/** ∫₀^Q P(x) dx − Σ c_i q_i: consumers' and firms' surplus together. */
export function surplusAt(m: LinearMarket, quantities: readonly number[]): number {
  let total = 0;
  let cost = 0;
  quantities.forEach((q, i) => {
    total += q;
    cost += (m.costs[i] as number) * q;
  });
  return grossValue(m, total) - cost;
}

/** ∫₀^Q P(x) dx. */
export function grossValue(m: LinearMarket, total: number): number {
  const choke = m.intercept / m.slope;
  const q = Math.min(total, choke);
  return m.intercept * q - (m.slope * q * q) / 2;
}

/** Firm i's profit-maximising quantity when the others sell `others` in all. */
export function bestResponse(m: LinearMarket, others: number, i: number): number {
  return clamp((m.intercept - (m.costs[i] as number) - m.slope * others) / (2 * m.slope), 0, m.capacities[i] as number);
}

/**
 * The Cournot–Nash equilibrium (the one with a positive price; it is unique whenever
 * every cost is positive). At total output Q each firm's first-order condition gives
 * q_i(Q) = clamp((A − c_i)/B − Q, 0, k_i); Σ q_i(Q) − Q falls strictly in Q, so one
 * bisection finds the equilibrium total, and the linear equation on the firms found
 * strictly inside their bounds then gives it exactly.
 */
export function cournotNash(m: LinearMarket): QuantityOutcome {
  const n = m.costs.length;
  const own = (i: number) => (m.intercept - (m.costs[i] as number)) / m.slope;
  const share = (i: number, total: number) => clamp(own(i) - total, 0, m.capacities[i] as number);
  const excess = (total: number) => {
    let sum = -total;
    for (let i = 0; i < n; i++) sum += share(i, total);
    return sum;
  };
  let lo = 0;
  let hi = m.intercept / m.slope;
  for (let k = 0; k < 200 && hi - lo > 1e-15 * (1 + hi); k++) {
    const mid = 0.5 * (lo + hi);
    if (excess(mid) > 0) lo = mid;
    else hi = mid;
  }
  let total = 0.5 * (lo + hi);
  // Exact on the firms strictly inside [0, k_i] at that total: Q = (Σ_inside (A − c_i)/B + Σ_capped k_i) / (1 + #inside).
  let inside = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = own(i) - total;
    if (x >= (m.capacities[i] as number)) sum += m.capacities[i] as number;
    else if (x > 0) {
      sum += own(i);
      inside++;
    }
  }
  const exact = sum / (1 + inside);
  if (Math.abs(exact - total) < 1e-9 * (1 + total)) total = exact;
  return outcomeAt(
    m,
    Array.from({ length: n }, (_, i) => share(i, total)),
  );
}

/**
 * The joint-profit maximum: marginal revenue A − 2B·Q is set against the cheapest
 * capacity first (merit order); firms of equal cost share equally (up to capacities).
 */
export function collusiveOptimum(m: LinearMarket): QuantityOutcome {
  return outcomeAt(m, meritOrder(m, 2 * m.slope));
}

/** The efficient output: price A − B·Q down to the marginal cost, cheapest capacity first. */
export function efficientOutput(m: LinearMarket): QuantityOutcome {
  return outcomeAt(m, meritOrder(m, m.slope));
}

/** Quantities that fill the cheapest capacity first while A − slope·Q exceeds the cost of the next firm. */
function meritOrder(m: LinearMarket, slope: number): number[] {
  const n = m.costs.length;
  const quantities = new Array<number>(n).fill(0);
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => (m.costs[i] as number) - (m.costs[j] as number) || i - j);
  let total = 0;
  for (let start = 0; start < n; ) {
    const cost = m.costs[order[start] as number] as number;
    let end = start;
    while (end < n && m.costs[order[end] as number] === cost) end++;
    const group = order.slice(start, end);
    const target = (m.intercept - cost) / slope;
    if (target <= total) break;
    const room = group.reduce((s, i) => s + (m.capacities[i] as number), 0);
    if (total + room <= target) {
      for (const i of group) quantities[i] = m.capacities[i] as number;
      total += room;
      start = end;
      continue;
    }
    // Equal shares of what is left, each up to its capacity (smallest capacities first).
    let left = target - total;
    const byCapacity = group.sort((i, j) => (m.capacities[i] as number) - (m.capacities[j] as number));
    byCapacity.forEach((i, k) => {
      const q = Math.min(m.capacities[i] as number, left / (byCapacity.length - k));
      quantities[i] = q;
      left -= q;
    });
    break;
  }
  return quantities;
}

function clamp(x: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, x));
}
