/**
 * The expected Brier score of the full-information posterior: what a market that
 * aggregates every trader's signal perfectly scores on average, E[Σ_i (π_i(s) − 1[i = ω])²]
 * over the outcome ω and the signals s. For symmetric signals it depends on the signals only
 * through how many name each outcome, so it is an exact sum over those counts (multinomial
 * weights); null for gaussian signals and when there are too many counts to sum.
 */
import { priorOf, type PredictionMarketConfig } from './config.ts';
import { posteriorOf } from './market.ts';
import { brier } from './market.ts';

const MAX_PROFILES = 50_000;

/** Every way of splitting `total` signals over `parts` outcomes. */
function compositions(total: number, parts: number): number[][] {
  if (parts === 1) return [[total]];
  const out: number[][] = [];
  for (let first = 0; first <= total; first++) for (const rest of compositions(total - first, parts - 1)) out.push([first, ...rest]);
  return out;
}

function binomialLog(n: number): number[] {
  const lf = [0];
  for (let k = 1; k <= n; k++) lf.push((lf[k - 1] as number) + Math.log(k));
  return lf;
}

/** How many count profiles `seats` signals over `n` outcomes have: C(seats + n − 1, n − 1). */
function profiles(seats: number, n: number): number {
  let c = 1;
  for (let k = 1; k < n; k++) c = (c * (seats + k)) / k;
  return c;
}

export function expectedPosteriorBrier(config: PredictionMarketConfig, seats: number): number | null {
  if (config.signal.kind !== 'symmetric') return null;
  const n = config.outcomes.length;
  if (seats < 1 || profiles(seats, n) > MAX_PROFILES) return null;
  const a = config.signal.accuracy;
  const prior = priorOf(config);
  const lf = binomialLog(seats);
  let total = 0;
  for (const counts of compositions(seats, n)) {
    // The signals as a list (their order does not matter to the posterior).
    const signals = counts.flatMap((c, k) => new Array<number>(c).fill(k));
    const post = posteriorOf(prior, config.signal, signals);
    const logMultinomial = (lf[seats] as number) - counts.reduce((s, c) => s + (lf[c] as number), 0);
    prior.forEach((pw, w) => {
      if (pw === 0) return;
      let log = logMultinomial;
      for (let k = 0; k < n; k++) {
        const c = counts[k] as number;
        if (c === 0) continue;
        const l = k === w ? a : (1 - a) / (n - 1);
        log += c * Math.log(l);
      }
      if (log === -Infinity) return;
      total += pw * Math.exp(log) * brier(post, w);
    });
  }
  return total;
}
