/**
 * Baseline traders of the LMSR prediction market (mechanisms/prediction-market).
 * The Bayesian trader forms its posterior from the prior, what the price already says and
 * its own signal, and buys until the prices equal that posterior (or its cash runs out):
 * with conditionally independent signals and truthful predecessors the price is the
 * posterior given their signals, so multiplying it by the likelihood of one's own signal
 * gives the posterior given all of them. In LMSR terms that is adding b·ln P(signal | i) to
 * every q_i (up to a constant), whoever else trades in between, so a sequence of such
 * traders leaves the price at the full-information posterior. It trades once per market
 * (its signal, once in the price, must not be counted twice). `reach` below 1 moves the
 * log-prices only that share of the way (a reticent trader), `spendShare` caps the cash it
 * spends. With `learnFromPrice` false
 * it ignores the market and moves the prices to the posterior from the prior and its signal
 * alone. The noise trader makes a few random trades per market: buys of random outcomes for
 * random amounts (where bets against are open, half of them bets against), and sales of
 * random fractions of what it holds.
 */
import { z } from 'zod';
import type { TraderView } from '../../mechanisms/prediction-market/index.ts';
import { buyCost, purchasesToward, quote, tradeCost } from '../../mechanisms/prediction-market/lmsr.ts';
import { signalLogLikelihood } from '../../mechanisms/prediction-market/market.ts';
import { MIN_FRACTION, MIN_SPEND } from '../../mechanisms/prediction-market/config.ts';
import type { Rng } from '../../mechanisms/core/random.ts';
import type { Decision, Observation, PolicyFactory } from '../policy.ts';
import { decision } from '../policy.ts';

type Obs = Observation<TraderView>;

/** The posterior over outcomes from a base forecast and the view's own signal. */
export function beliefOf(view: TraderView, base: readonly number[]): number[] {
  const n = view.outcomes.length;
  const signal = typeof view.signal === 'number' ? view.signal : view.outcomes.indexOf(view.signal);
  const spec = view.signalKind === 'symmetric' ? { kind: 'symmetric' as const, accuracy: view.signalPrecision } : { kind: 'gaussian' as const, noise: view.signalPrecision };
  const l = signalLogLikelihood(spec, n, signal);
  const log = base.map((p, k) => Math.log(p) + (l[k] as number));
  const top = Math.max(...log);
  const w = log.map((x) => Math.exp(x - top));
  const z = w.reduce((a, b) => a + b, 0);
  // Keep every target price inside (0, 1): an exact 0 or 1 cannot be reached by finite purchases.
  const floor = 1e-6;
  const clipped = w.map((x) => Math.max(floor, x / z));
  const zc = clipped.reduce((a, b) => a + b, 0);
  return clipped.map((x) => x / zc);
}

/** Purchases toward `target` scaled down (along the same direction) until their cost fits `cash`. */
export function affordable(view: TraderView, target: readonly number[], cash: number): number[] {
  const b = view.liquidity;
  const full = purchasesToward(view.prices, target, b);
  const costOf = (t: number) => tradeCost(view.shares, full.map((x) => x * t), b);
  if (costOf(1) <= cash) return full;
  let lo = 0;
  let hi = 1;
  for (let k = 0; k < 60; k++) {
    const mid = (lo + hi) / 2;
    if (costOf(mid) <= cash) lo = mid;
    else hi = mid;
  }
  return full.map((x) => x * lo);
}

interface Plan {
  readonly market: number;
  /** Shares of each outcome still to buy. */
  readonly left: number[];
  sent: number;
}

export const bayesian: PolicyFactory<{ learnFromPrice: boolean; spendShare: number; reach: number }> = {
  name: 'bayesian',
  description: 'Bayesian trader: once per market, buys until the prices equal its posterior given the prior, what the price reveals and its own signal (within its cash).',
  trusted: true,
  paramsSchema: z.object({ learnFromPrice: z.boolean().default(true), spendShare: z.number().gt(0).max(1).default(1), reach: z.number().gt(0).max(1).default(1) }).strict(),
  create: ({ learnFromPrice, spendShare, reach }) => {
    let plan: Plan | null = null;
    return {
      name: 'bayesian',
      startEpisode: () => {
        plan = null;
      },
      decide(obs: Obs): Decision | null {
        const view = obs.view;
        const open = obs.legal.find((a) => a.type === 'buy');
        const spend = open?.params.spend;
        if (!open || spend?.kind !== 'number') return null;
        // A new market, or the same market number in a new match (a run that did not say so).
        if (plan && (plan.market !== view.market || (view.trades === 0 && plan.sent > 0))) plan = null;
        if (!plan) {
          if (view.myTrades > 0) return null;
          const base = learnFromPrice && view.trades > 0 ? view.prices : view.prior;
          plan = { market: view.market, left: affordable(view, beliefOf(view, base), view.cash * spendShare * (1 - 1e-9)).map((x) => x * reach), sent: 0 };
        }
        // The smallest purchase first: made before the larger ones depress its price, it costs the most it can, and is least likely to fall below the smallest spend.
        const next = (left: readonly number[]) => {
          let k = -1;
          for (let i = 0; i < left.length; i++) if ((left[i] as number) > 1e-9 && (k < 0 || (left[i] as number) < (left[k] as number))) k = i;
          return k;
        };
        let k = next(plan.left);
        while (k >= 0) {
          const shares = plan.left[k] as number;
          plan.left[k] = 0;
          const amount = Math.min(spend.max, buyCost(quote(view.shares, view.liquidity, k), shares, view.liquidity));
          if (amount >= spend.min) {
            plan.sent++;
            return decision({ type: 'buy', outcome: view.outcomes[k] as string, spend: amount }, 'toward its posterior');
          }
          k = next(plan.left);
        }
        return null;
      },
    };
  },
};

export const noise: PolicyFactory<{ tradesPerMarket: number; maxShare: number; sellRate: number }> = {
  name: 'noise',
  description: 'Noise trader: a few random trades per market (buys of a random outcome for a random share of its cash, sales of a random fraction of a holding).',
  trusted: true,
  paramsSchema: z.object({ tradesPerMarket: z.number().int().min(0).max(1000).default(4), maxShare: z.number().gt(0).max(1).default(0.25), sellRate: z.number().min(0).max(1).default(0.3) }).strict(),
  create: ({ tradesPerMarket, maxShare, sellRate }) => ({
    name: 'noise',
    decide(obs: Obs, rng: Rng): Decision | null {
      if (obs.view.myTrades >= tradesPerMarket) return null;
      const buy = obs.legal.find((a) => a.type === 'buy');
      const sell = obs.legal.find((a) => a.type === 'sell');
      if (sell && (!buy || rng.float() < sellRate)) {
        const options = sell.params.outcome?.kind === 'choice' ? sell.params.outcome.options : [];
        return decision({ type: 'sell', outcome: rng.pick(options) as string, fraction: MIN_FRACTION + (1 - MIN_FRACTION) * rng.float() });
      }
      // With bets against open, half the purchases are bets against a random outcome.
      const against = obs.legal.find((a) => a.type === 'betAgainst');
      const open = against && rng.float() < 0.5 ? against : buy;
      const spend = open?.params.spend;
      if (!open || spend?.kind !== 'number') return null;
      const high = Math.max(spend.min, Math.min(spend.max, obs.view.cash * maxShare));
      return decision({ type: open.type, outcome: rng.pick(obs.view.outcomes), spend: Math.max(MIN_SPEND, rng.uniform(spend.min, high)) });
    },
  }),
};

export const PREDICTION_MARKET_POLICIES = [bayesian, noise] as const;
