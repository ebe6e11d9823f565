/**
 * What each audience sees of a prediction market, and the rules and a trader's view in
 * words. Everyone sees the prices, the outstanding shares, the anonymous tape of the open
 * market (with traders only under showTraders) and each resolved market's outcome and
 * final prices. A trader sees, besides, its own cash, holdings, signal and profits. Nobody
 * sees another trader's signal, cash or holdings, the realised outcome before the market
 * resolves, or the posterior given everyone's signals (that is the experimenter's, in the record).
 */
import type { SeatId } from '../core/types.ts';
import { priorOf, type PredictionMarketConfig } from './config.ts';
import { prices, worstCaseLoss } from './lmsr.ts';
import { MECHANISM_ID, publicTrade, signalValue, type PredictionMarketState } from './market.ts';

/** A trade on the public tape. */
export interface TapeEntry {
  readonly at: number;
  /** 'against': `shares` of every other outcome were bought. */
  readonly kind: 'buy' | 'sell' | 'against';
  readonly outcome: string;
  /** > 0 bought, < 0 sold. */
  readonly shares: number;
  /** Cash paid to the maker (< 0: received from it). */
  readonly amount: number;
  readonly prices: readonly number[];
  readonly trader?: SeatId;
}

/** A resolved market as everyone sees it. */
export interface PublicMarket {
  readonly market: number;
  readonly outcome: string;
  readonly finalPrices: readonly number[];
  readonly trades: number;
  readonly volume: number;
}

/** A resolved market as its trader sees it. */
export interface OwnMarket extends PublicMarket {
  readonly signal: string | number;
  readonly profit: number;
}

interface MarketStatus {
  readonly mechanism: typeof MECHANISM_ID;
  readonly outcomes: readonly string[];
  readonly prior: readonly number[];
  readonly signalKind: 'symmetric' | 'gaussian';
  /** 'symmetric': how often a signal names the true outcome; 'gaussian': the noise's standard deviation. */
  readonly signalPrecision: number;
  readonly liquidity: number;
  readonly budget: number;
  readonly market: number;
  readonly markets: number;
  readonly phase: 'opening' | 'trading' | 'over';
  readonly over: boolean;
  readonly openedAt: number | null;
  readonly deadline: number | null;
  readonly prices: readonly number[];
  /** Outstanding shares of each outcome this market. */
  readonly shares: readonly number[];
  readonly trades: number;
  readonly volume: number;
  readonly tape: readonly TapeEntry[];
  /** The most the maker can lose in a market: b·ln n. */
  readonly worstCaseLoss: number;
}

export interface TraderView extends MarketStatus {
  readonly seat: SeatId;
  readonly cash: number;
  readonly holdings: readonly number[];
  /** Your signal this market: an outcome's label ('symmetric') or a number near the true outcome's index ('gaussian'). */
  readonly signal: string | number;
  readonly myTrades: number;
  readonly history: readonly OwnMarket[];
  readonly totalProfit: number;
}

export interface MarketPublicView extends MarketStatus {
  readonly history: readonly PublicMarket[];
}

function status(state: PredictionMarketState): MarketStatus {
  const { config } = state;
  return {
    mechanism: MECHANISM_ID,
    outcomes: config.outcomes,
    prior: priorOf(config),
    signalKind: config.signal.kind,
    signalPrecision: config.signal.kind === 'symmetric' ? config.signal.accuracy : config.signal.noise,
    liquidity: config.liquidity,
    budget: config.budget,
    market: state.market,
    markets: config.markets,
    phase: state.over ? 'over' : state.openedAt === null ? 'opening' : 'trading',
    over: state.over,
    openedAt: state.openedAt,
    deadline: state.deadline,
    prices: prices(state.q, config.liquidity),
    shares: state.q,
    trades: state.trades,
    volume: state.volume,
    tape: state.tape.map((t) => publicTrade(state, t) as unknown as TapeEntry),
    worstCaseLoss: worstCaseLoss(config.liquidity, config.outcomes.length),
  };
}

const publicMarket = (state: PredictionMarketState, r: PredictionMarketState['recent'][number]): PublicMarket => ({
  market: r.market,
  outcome: state.config.outcomes[r.outcome] as string,
  finalPrices: r.finalPrices,
  trades: r.trades,
  volume: r.volume,
});

export function traderView(state: PredictionMarketState, seat: SeatId): TraderView {
  const i = state.seats.indexOf(seat);
  return {
    ...status(state),
    seat,
    cash: state.cash[i] as number,
    holdings: state.holdings[i] as readonly number[],
    signal: signalValue(state.config, state.signals[i] as number),
    myTrades: state.tradesBySeat[i] as number,
    history: state.recent.map((r) => ({ ...publicMarket(state, r), signal: signalValue(state.config, r.signals[i] as number), profit: r.profits[i] as number })),
    totalProfit: state.totals[i] as number,
  };
}

export function marketPublicView(state: PredictionMarketState): MarketPublicView {
  return { ...status(state), history: state.recent.map((r) => publicMarket(state, r)) };
}

const num = (x: number, digits = 2): string => (Number.isInteger(x) ? String(x) : x.toFixed(digits));
const pct = (p: number): string => `${(p * 100).toFixed(1)}%`;

function signalWords(config: PredictionMarketConfig): string {
  const n = config.outcomes.length;
  if (config.signal.kind === 'symmetric') {
    const a = config.signal.accuracy;
    return `Each trader gets a private signal: it names the true outcome with probability ${a} and ${n === 2 ? 'the other outcome' : 'one of the other outcomes, each alike,'} otherwise.`;
  }
  return `Each trader gets a private signal: a number equal to the true outcome's position (${config.outcomes.map((o, k) => `${o} = ${k}`).join(', ')}) plus normal noise with standard deviation ${config.signal.noise}.`;
}

export function predictionMarketRules(config: PredictionMarketConfig): string {
  const n = config.outcomes.length;
  const prior = priorOf(config);
  return [
    `A prediction market on an event with ${n} outcomes (${config.outcomes.join(', ')}); exactly one of them happens, drawn at random with probabilities ${prior.map((p, k) => `${config.outcomes[k]} ${num(p, 3)}`).join(', ')}.`,
    signalWords(config),
    `An automated market maker (Hanson's logarithmic market scoring rule, liquidity b = ${config.liquidity}) always quotes a price for each outcome; the prices are positive and add up to 1. With q the shares of each outcome it has sold, the total it has taken in is C(q) = b·ln Σ exp(q_i/b), so a trade costs the difference of C after and before it, and the price of outcome i is exp(q_i/b) / Σ exp(q_j/b). Buying an outcome raises its price; selling lowers it.`,
    `You start each market with ${config.budget} in cash and no shares. You may buy shares of any outcome by saying how much cash to spend, and sell shares you hold (a fraction of them)${config.betAgainst ? '; you may also bet against an outcome: spend cash on equal shares of every other outcome (this moves the prices as selling it would)' : ''}; you can never spend more than your cash or sell shares you do not hold.`,
    `Trading is continuous: each market lasts ${config.marketMs / 1000} seconds from its first moment, and trades are carried out one at a time in the order they arrive. The prices and every trade's size are public${config.showTraders ? ', with who made it' : ', but not who made it'}; your signal, cash and shares are yours alone.`,
    `When a market closes, the outcome is announced and every share of it pays 1; other shares pay nothing. Your profit in a market is your cash at the close plus that payout, less the ${config.budget} you started with. There ${config.markets === 1 ? 'is 1 market' : `are ${config.markets} markets`}, each with a new event and new signals; your payoff is the sum of your profits.`,
    `The market maker can lose at most b·ln n = ${num(worstCaseLoss(config.liquidity, n), 3)} per market.`,
  ].join('\n');
}

export function describeView(view: TraderView): string {
  const lines = [
    `You are trader ${view.seat} in a prediction market, market ${view.market} of ${view.markets}${view.over ? ' (over)' : ''}.`,
    `Outcomes and current prices: ${view.outcomes.map((o, k) => `${o} ${num(view.prices[k] as number, 4)}`).join(', ')}.`,
    view.signalKind === 'symmetric'
      ? `Your private signal: ${view.signal} (a signal names the true outcome with probability ${view.signalPrecision}).`
      : `Your private signal: ${num(view.signal as number, 4)} (the true outcome's position ${view.outcomes.map((o, k) => `${o} = ${k}`).join(', ')} plus noise of standard deviation ${view.signalPrecision}).`,
    `Prior: ${view.outcomes.map((o, k) => `${o} ${num(view.prior[k] as number, 3)}`).join(', ')}. Liquidity b = ${view.liquidity}.`,
    `Your cash: ${num(view.cash)}. Your shares: ${view.outcomes.map((o, k) => `${o} ${num(view.holdings[k] as number)}`).join(', ')}. Each share of the outcome that happens pays 1.`,
    `Trades this market: ${view.trades} (${view.myTrades} yours), ${num(view.volume)} shares in all.`,
  ];
  for (const t of view.tape.slice(-5)) lines.push(`  ${t.kind === 'against' ? `bet against ${t.outcome}: bought ${num(t.shares)} of every other outcome` : `${t.shares > 0 ? 'bought' : 'sold'} ${num(Math.abs(t.shares))} ${t.outcome}`}${t.trader ? ` (${t.trader})` : ''}; prices after: ${t.prices.map((p) => pct(p)).join(' / ')}`);
  for (const r of view.history.slice(-3)) lines.push(`Market ${r.market}: ${r.outcome} happened; your signal was ${typeof r.signal === 'number' ? num(r.signal, 4) : r.signal}; your profit ${num(r.profit)}.`);
  lines.push(`Your total profit so far: ${num(view.totalProfit)}.`);
  return lines.join('\n');
}
