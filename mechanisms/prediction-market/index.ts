/**
 * prediction-market@1 — an information market run by Hanson's logarithmic market scoring
 * rule (LMSR) on a binary or n-outcome event.
 *
 * Rules: each market's event has outcomes drawn from a prior (on the shared stream);
 * each trader gets a private signal (from its own stream): the true outcome with
 * probability `accuracy` and another outcome otherwise ('symmetric'), or the true
 * outcome's index plus normal noise ('gaussian'). An automated maker with liquidity b
 * sells and buys back shares at the prices softmax(q/b) of its cost function
 * C(q) = b·ln Σ exp(q_i/b); a trade from q to q' costs C(q') − C(q). Traders start each
 * market with `budget` in cash and no shares; they buy by naming the cash to spend on an
 * outcome and sell a fraction of the shares of an outcome they hold (no borrowing; with
 * `betAgainst` they may also spend cash on equal shares of every outcome but one, the
 * covered short sale of that one). Trading is continuous, as in the double auction: a market lasts `marketMs`
 * from its first tick or trade, and trades are carried out one at a time in the order
 * they arrive (which fits an automated maker: there is nothing to match, and every trade
 * is priced against the state the last one left). At the deadline the market resolves:
 * each share of the realised outcome pays 1. `markets` markets run one after another,
 * each with a new event, fresh cash and prices back at 1/n.
 *
 * Parameters: outcomes, prior, signal, liquidity, budget, markets, marketMs, betAgainst, showTraders
 * (the public tape names who traded), tapeLength, recall, communication.
 *
 * Seats see (view): the prices, outstanding shares, the anonymous tape of the open market,
 * their own cash, holdings, signal, trades and profits, and each resolved market's outcome
 * and final prices. Spectators see the same without any trader's own. Nobody sees another
 * trader's signal, cash or holdings; the posterior given every signal is the
 * experimenter's (in the record and the live measures), never in a view.
 *
 * Payoffs: a trader's profit in a market is its cash at the close plus its shares of the
 * realised outcome, less its budget. The profits of all traders add up to the maker's loss,
 * at most b·ln n per market (Hanson 2003): welfare is that sum, maxWelfare the bound, and
 * revenue what the maker kept (minus its loss).
 */
import type { Benchmark, Legal, MeasureSpec, Mechanism } from '../core/types.ts';
import { MAX_TRADERS, MIN_FRACTION, MIN_SPEND, DUST, predictionMarketActionSchema, predictionMarketConfigSchema, priorOf, type PredictionMarketAction, type PredictionMarketConfig } from './config.ts';
import { worstCaseLoss } from './lmsr.ts';
import { expectedPosteriorBrier } from './benchmarks.ts';
import { advanceTo, betAgainst, buy, brier, MECHANISM_ID, openMatchState, posteriorOf, sell, type PredictionMarketState } from './market.ts';
import { describeView, marketPublicView, predictionMarketRules, traderView, type MarketPublicView, type TraderView } from './views.ts';
import { PREDICTION_MARKET_ROUND_FIELDS, PREDICTION_MARKET_TABLES } from './tables.ts';

export type { PredictionMarketAction, PredictionMarketConfig, SignalSpec } from './config.ts';
export type { MarketRecord, PredictionMarketState, Trade } from './market.ts';
export type { MarketPublicView, OwnMarket, PublicMarket, TapeEntry, TraderView } from './views.ts';

export const PREDICTION_MARKET_MEASURES: readonly MeasureSpec[] = [
  { name: 'markets_resolved', unit: 'markets', definition: 'markets that have closed and paid out' },
  { name: 'brier_final', unit: 'Brier score', definition: 'Σ_i (p_i − 1[i happened])² of the closing prices, averaged over resolved markets (0 best, 2 worst)' },
  { name: 'brier_posterior', unit: 'Brier score', definition: "the same score of the Bayesian posterior given the prior and every trader's signal: what perfect aggregation would score" },
  { name: 'brier_prior', unit: 'Brier score', definition: 'the same score of the prior: what a market that learned nothing would score' },
  { name: 'posterior_distance', unit: 'squared probability', definition: 'Σ_i (p_i − posterior_i)² between the closing prices and the full-information posterior, averaged over resolved markets' },
  { name: 'maker_loss', unit: 'money', definition: "the market maker's loss summed over resolved markets: shares of the realised outcome paid out less the cash taken in (the traders' total profit)" },
  { name: 'maker_loss_share', unit: 'share', definition: "the maker's loss over its worst case, b·ln n per resolved market" },
  { name: 'volume', unit: 'shares', definition: 'shares bought and sold, summed over resolved markets' },
  { name: 'trades', unit: 'trades', definition: 'trades over resolved markets' },
  { name: 'mean_profit', unit: 'money per trader-market', definition: "traders' profits averaged over traders and resolved markets" },
  { name: 'open_posterior_first', unit: 'probability', definition: "the full-information posterior of the first outcome in the market under way (the last one once the match is over): the experimenter's reference line" },
];

export const predictionMarket: Mechanism<PredictionMarketConfig, PredictionMarketState, PredictionMarketAction, TraderView, MarketPublicView> = {
  id: MECHANISM_ID,
  version: 1,
  title: 'Prediction market (LMSR)',
  traits: { timing: 'continuous', utility: 'general', chance: true, private: ['its signal about the outcome', 'its cash and shares'] },
  rules: predictionMarketRules,
  configSchema: predictionMarketConfigSchema,
  actionSchema: predictionMarketActionSchema,
  measures: PREDICTION_MARKET_MEASURES,
  tables: PREDICTION_MARKET_TABLES,
  roundFields: PREDICTION_MARKET_ROUND_FIELDS,
  policies: ['bayesian', 'noise'],
  baseline: { policy: 'bayesian' },

  seats: () => ({ min: 1, max: MAX_TRADERS, roles: (k) => new Array<string>(k).fill('trader') }),
  setup: openMatchState,

  legal(state, seat): Legal {
    if (state.over) return [];
    const i = state.seats.indexOf(seat);
    if (i < 0) return [];
    const { outcomes } = state.config;
    const cash = state.cash[i] as number;
    const mine = state.holdings[i] as readonly number[];
    const out: Legal[number][] = [];
    if (cash >= MIN_SPEND) {
      out.push({ type: 'buy', params: { outcome: { kind: 'choice', options: outcomes }, spend: { kind: 'number', min: MIN_SPEND, max: cash } }, hint: `spend up to ${cash.toFixed(2)} of your cash on shares of one outcome` });
    }
    if (state.config.betAgainst && cash >= MIN_SPEND) {
      out.push({ type: 'betAgainst', params: { outcome: { kind: 'choice', options: outcomes }, spend: { kind: 'number', min: MIN_SPEND, max: cash } }, hint: `spend up to ${cash.toFixed(2)} on equal shares of every outcome but one (a bet against it)` });
    }
    const held = outcomes.filter((_, k) => (mine[k] as number) >= DUST);
    if (held.length) {
      out.push({ type: 'sell', params: { outcome: { kind: 'choice', options: held }, fraction: { kind: 'number', min: MIN_FRACTION, max: 1 } }, hint: `sell a fraction of your shares of ${held.join(' or ')} (you hold ${held.map((o) => `${(mine[outcomes.indexOf(o)] as number).toFixed(2)} ${o}`).join(', ')})` });
    }
    return out;
  },

  apply(state, seat, action, at) {
    const i = state.seats.indexOf(seat);
    if (i < 0) return { ok: false, code: 'UNKNOWN_SEAT', message: 'no such seat in this match' };
    if (state.over) return { ok: false, code: 'GAME_OVER', message: 'the markets have closed' };
    const k = state.config.outcomes.indexOf(action.outcome);
    if (k < 0) return { ok: false, code: 'OUT_OF_RANGE', message: `'${action.outcome}' is not an outcome` };
    switch (action.type) {
      case 'buy':
        return buy(state, i, k, action.spend, at);
      case 'sell':
        return sell(state, i, k, action.fraction, at);
      case 'betAgainst':
        return betAgainst(state, i, k, action.spend, at);
    }
  },

  advance: advanceTo,
  view: traderView,
  publicView: marketPublicView,
  describe: describeView,

  progress(state) {
    return { round: state.market, rounds: state.config.markets, unit: 'period', phase: state.over ? 'over' : state.openedAt === null ? 'opening' : 'trading' };
  },

  outcome(state) {
    const t = state.tally;
    const { config } = state;
    const m = t.markets;
    const n = state.seats.length;
    const bound = worstCaseLoss(config.liquidity, config.outcomes.length);
    const open = state.over ? (state.recent.at(-1)?.posterior ?? null) : posteriorOf(priorOf(config), config.signal, state.signals);
    const mean = (x: number) => (m ? x / m : null);
    return {
      payoffs: Object.fromEntries(state.seats.map((s, i) => [s, state.totals[i] as number])),
      revenue: -t.makerLoss,
      welfare: t.makerLoss,
      maxWelfare: m * bound,
      measures: {
        markets_resolved: m,
        brier_final: mean(t.brierFinal),
        brier_posterior: mean(t.brierPosterior),
        brier_prior: mean(t.brierPrior),
        posterior_distance: mean(t.posteriorDistance),
        maker_loss: t.makerLoss,
        maker_loss_share: m && bound > 0 ? t.makerLoss / (m * bound) : null,
        volume: t.volume,
        trades: t.trades,
        mean_profit: m && n ? t.makerLoss / (m * n) : null,
        open_posterior_first: open?.[0] ?? null,
      },
    };
  },

  benchmarks(config, seats): Record<string, Benchmark> {
    const n = config.outcomes.length;
    const prior = priorOf(config);
    const of = (value: number | null, unit: string, definition: string): Benchmark => ({ value, unit, definition, audience: 'public' });
    return {
      worst_case_loss: of(worstCaseLoss(config.liquidity, n), 'money per market', "the most the LMSR maker can lose in one market, b·ln n (Hanson 2003), reached as a trader moves the realised outcome's price to 1"),
      worst_case_loss_total: of(config.markets * worstCaseLoss(config.liquidity, n), 'money', 'the same over every market of the match'),
      prior_brier_expected: of(prior.reduce((s, p, w) => s + p * brier(prior, w), 0), 'Brier score', 'the expected Brier score of the prior, 1 − Σ π_i²: a market that learns nothing scores this on average'),
      opening_price: of(1 / n, 'probability', 'the price of every outcome when a market opens (q = 0)'),
      posterior_brier_expected: of(expectedPosteriorBrier(config, seats), 'Brier score', "the expected Brier score of the posterior given every trader's signal: what perfect aggregation scores on average (symmetric signals; null for gaussian ones)"),
    };
  },

  payoffBounds(config, seats) {
    // A trader can lose at most its budget; all traders together win at most b·ln n, so one wins at most that plus the others' budgets.
    const bound = worstCaseLoss(config.liquidity, config.outcomes.length);
    return { min: -config.budget * config.markets, max: config.markets * (bound + Math.max(0, seats - 1) * config.budget) };
  },

  oneRound(config) {
    return { ...config, markets: 1 };
  },
};

export default predictionMarket;
