/**
 * How a prediction market moves. Each market (a period of the match) has its own event:
 * the outcome is drawn from the prior on the shared stream and each trader's signal from
 * its own stream, when the market opens. The market's clock starts with the first tick or
 * trade; until its deadline traders buy and sell against the LMSR maker, one trade at a
 * time, in the order they arrive. At the deadline the market resolves: every share of the
 * realised outcome pays 1, the others nothing, the profits are paid as rewards, and the
 * next market opens with fresh cash, no shares, prices back at 1/n, a new outcome and new signals.
 */
import { OPENING, ROUND_RECORD, type ApplyResult, type BaseState, type MechEvent, type ParticipantRound, type Rewards, type SeatId } from '../core/types.ts';
import { draw, seatStream, sharedStream, type Rng, type RngState, type SeedSet } from '../core/random.ts';
import { DUST, priorOf, type PredictionMarketConfig, type SignalSpec } from './config.ts';
import { logPrices, logSumExp, prices, quote, saleProceeds, sharesFor } from './lmsr.ts';
import { keepRecent } from '../core/recent.ts';

export const MECHANISM_ID = 'prediction-market';

/**
 * One trade against the maker: `shares` > 0 bought, < 0 sold; `amount` the cash paid (< 0:
 * received). A bet against outcome k ('against') buys `shares` of every other outcome.
 */
export interface Trade {
  readonly at: number;
  readonly seat: number;
  readonly kind: 'buy' | 'sell' | 'against';
  readonly outcome: number;
  readonly shares: number;
  readonly amount: number;
  /** The prices just after the trade. */
  readonly prices: readonly number[];
}

/** A resolved market, as the engine keeps it (arrays by seat index). */
export interface MarketRecord {
  readonly market: number;
  readonly outcome: number;
  readonly finalPrices: readonly number[];
  /** The Bayesian posterior given the prior and every trader's signal. */
  readonly posterior: readonly number[];
  readonly signals: readonly number[];
  readonly profits: readonly number[];
  readonly trades: number;
  readonly volume: number;
  readonly makerLoss: number;
}

/** Sums over the resolved markets: what the outcome and the measures are made of. */
export interface Tally {
  readonly markets: number;
  readonly brierFinal: number;
  readonly brierPosterior: number;
  readonly brierPrior: number;
  readonly posteriorDistance: number;
  readonly makerLoss: number;
  readonly volume: number;
  readonly trades: number;
}

const EMPTY_TALLY: Tally = { markets: 0, brierFinal: 0, brierPosterior: 0, brierPrior: 0, posteriorDistance: 0, makerLoss: 0, volume: 0, trades: 0 };

export interface PredictionMarketState extends BaseState {
  readonly config: PredictionMarketConfig;
  readonly seats: readonly SeatId[];
  readonly market: number;
  /** When the open market's clock started; null before. */
  readonly openedAt: number | null;
  /** Outstanding shares of each outcome, sold by the maker this market. */
  readonly q: readonly number[];
  /** The realised outcome of this market (hidden until it resolves). */
  readonly outcome: number;
  /** Each trader's signal this market: an outcome index ('symmetric') or a number ('gaussian'). */
  readonly signals: readonly number[];
  readonly cash: readonly number[];
  /** Shares of each outcome each trader holds: holdings[seat][outcome]. */
  readonly holdings: readonly (readonly number[])[];
  /** Trades each seat made this market. */
  readonly tradesBySeat: readonly number[];
  readonly bought: readonly number[];
  readonly sold: readonly number[];
  /** The last `tapeLength` trades of this market (the record has every one). */
  readonly tape: readonly Trade[];
  readonly trades: number;
  readonly volume: number;
  readonly totals: readonly number[];
  readonly recent: readonly MarketRecord[];
  readonly tally: Tally;
  readonly shared: RngState;
  readonly rng: readonly RngState[];
}

const zeros = (n: number): number[] => new Array<number>(n).fill(0);

/** Draws the outcome from the prior. */
function drawOutcome(prior: readonly number[], rng: Rng): number {
  const u = rng.float();
  let acc = 0;
  for (let i = 0; i < prior.length; i++) {
    acc += prior[i] as number;
    if (u < acc && (prior[i] as number) > 0) return i;
  }
  // Rounding left u above the last cumulative sum: the last outcome with positive prior.
  for (let i = prior.length - 1; i >= 0; i--) if ((prior[i] as number) > 0) return i;
  return 0;
}

/** A standard normal draw (Box-Muller). */
function normal(rng: Rng): number {
  const u = 1 - rng.float();
  const v = rng.float();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** One trader's signal given the outcome, from its own stream. */
export function drawSignal(spec: SignalSpec, n: number, outcome: number, rng: Rng): number {
  if (spec.kind === 'gaussian') return outcome + spec.noise * normal(rng);
  if (rng.float() < spec.accuracy) return outcome;
  const other = rng.int(0, n - 2);
  return other >= outcome ? other + 1 : other;
}

/** ln P(signal | outcome k) for every k, up to a constant that does not depend on k. */
export function signalLogLikelihood(spec: SignalSpec, n: number, signal: number): number[] {
  return Array.from({ length: n }, (_, k) => {
    if (spec.kind === 'gaussian') return -((signal - k) ** 2) / (2 * spec.noise ** 2);
    return Math.log(k === signal ? spec.accuracy : (1 - spec.accuracy) / (n - 1));
  });
}

/** The posterior over outcomes given the prior and these signals (conditionally independent given the outcome). */
export function posteriorOf(prior: readonly number[], spec: SignalSpec, signals: readonly number[]): number[] {
  const n = prior.length;
  const log = prior.map((p) => Math.log(p));
  for (const s of signals) {
    const l = signalLogLikelihood(spec, n, s);
    for (let k = 0; k < n; k++) log[k] = (log[k] as number) + (l[k] as number);
  }
  const z = logSumExp(log);
  return log.map((x) => (z === -Infinity ? 1 / n : Math.exp(x - z)));
}

/** Draws the event of a market: its outcome on the shared stream, each signal on its seat's stream. */
function drawEvent(config: PredictionMarketConfig, shared: RngState, rng: readonly RngState[]): { outcome: number; signals: number[]; shared: RngState; rng: RngState[] } {
  const n = config.outcomes.length;
  const [outcome, nextShared] = draw(shared, (r) => drawOutcome(priorOf(config), r));
  const signals: number[] = [];
  const next = rng.map((s) => {
    const [signal, after] = draw(s, (r) => drawSignal(config.signal, n, outcome, r));
    signals.push(signal);
    return after;
  });
  return { outcome, signals, shared: nextShared, rng: next };
}

/** A fresh market: cash back, no shares, prices at 1/n. */
function freshMarket(config: PredictionMarketConfig, n: number) {
  const k = config.outcomes.length;
  return {
    openedAt: null,
    q: zeros(k),
    cash: new Array<number>(n).fill(config.budget),
    holdings: Array.from({ length: n }, () => zeros(k)),
    tradesBySeat: zeros(n),
    bought: zeros(n),
    sold: zeros(n),
    tape: [],
    trades: 0,
    volume: 0,
  };
}

export function openMatchState(config: PredictionMarketConfig, seats: readonly SeatId[], seeds: SeedSet): PredictionMarketState {
  const event = drawEvent(
    config,
    sharedStream(seeds),
    seats.map((_, i) => seatStream(seeds, i)),
  );
  return {
    ...OPENING,
    config,
    seats,
    market: 1,
    ...freshMarket(config, seats.length),
    outcome: event.outcome,
    signals: event.signals,
    totals: zeros(seats.length),
    recent: [],
    tally: EMPTY_TALLY,
    shared: event.shared,
    rng: event.rng,
  };
}

/** The signal as words and data: the outcome's label, or the number. */
export const signalValue = (config: PredictionMarketConfig, signal: number): string | number => (config.signal.kind === 'symmetric' ? (config.outcomes[signal] as string) : signal);

/** Starts the open market's clock: its deadline, and each trader told its signal. */
function startClock(state: PredictionMarketState, at: number, events: MechEvent[]): PredictionMarketState {
  if (state.openedAt !== null) return state;
  const deadline = at + state.config.marketMs;
  events.push({ kind: 'market_opened', audience: 'public', data: { market: state.market, deadline, prices: prices(state.q, state.config.liquidity) } });
  state.seats.forEach((seat, i) => events.push({ kind: 'signal', audience: [seat], data: { market: state.market, signal: signalValue(state.config, state.signals[i] as number) } }));
  return { ...state, openedAt: at, deadline };
}

const setAt = <T>(xs: readonly T[], i: number, x: T): T[] => {
  const out = xs.slice();
  out[i] = x;
  return out;
};

/** The public face of a trade: no seat unless the config shows traders. */
export function publicTrade(state: Pick<PredictionMarketState, 'config' | 'seats'>, t: Trade): Record<string, unknown> {
  return {
    at: t.at,
    kind: t.kind,
    outcome: state.config.outcomes[t.outcome],
    shares: t.shares,
    amount: t.amount,
    prices: t.prices,
    ...(state.config.showTraders ? { trader: state.seats[t.seat] } : {}),
  };
}

/** Carries out a trade by seat i for `amount` cash: `shares` (signed) of outcome k, or with 'against' `shares` of every outcome but k. */
function trade(state: PredictionMarketState, i: number, kind: Trade['kind'], k: number, shares: number, amount: number, at: number): ApplyResult<PredictionMarketState> {
  const events: MechEvent[] = [];
  const started = startClock(state, at, events);
  const b = state.config.liquidity;
  const moved = (j: number) => (kind === 'against' ? (j === k ? 0 : shares) : j === k ? shares : 0);
  const q = started.q.map((x, j) => x + moved(j));
  const mine = started.holdings[i] as readonly number[];
  const holdings = setAt(
    started.holdings,
    i,
    mine.map((h, j) => {
      const held = Math.max(0, h + moved(j));
      return held < DUST ? 0 : held;
    }),
  );
  const cash = setAt(started.cash, i, Math.max(0, (started.cash[i] as number) - amount));
  const record: Trade = { at, seat: i, kind, outcome: k, shares, amount, prices: prices(q, b) };
  const volume = kind === 'against' ? shares * (q.length - 1) : Math.abs(shares);
  const tape = [...started.tape.slice(Math.max(0, started.tape.length - state.config.tapeLength + 1)), record];
  const seat = state.seats[i] as SeatId;
  events.push({ kind: 'trade', audience: 'public', data: { market: state.market, ...publicTrade(state, record) } });
  events.push({ kind: 'position', audience: [seat], data: { market: state.market, cash: cash[i] as number, holdings: holdings[i] as number[] } });
  return {
    ok: true,
    state: {
      ...started,
      stateId: state.stateId + 1,
      q,
      holdings,
      cash,
      tape,
      trades: started.trades + 1,
      volume: started.volume + volume,
      tradesBySeat: setAt(started.tradesBySeat, i, (started.tradesBySeat[i] as number) + 1),
      bought: shares > 0 ? setAt(started.bought, i, (started.bought[i] as number) + volume) : started.bought,
      sold: shares < 0 ? setAt(started.sold, i, (started.sold[i] as number) - shares) : started.sold,
    },
    events,
  };
}

/** Spends `spend` on shares of outcome k (legal() has checked that the cash covers it). */
export function buy(state: PredictionMarketState, i: number, k: number, spend: number, at: number): ApplyResult<PredictionMarketState> {
  const b = state.config.liquidity;
  const amount = Math.min(spend, state.cash[i] as number);
  const shares = sharesFor(quote(state.q, b, k), amount, b);
  if (!(shares > 0) || !Number.isFinite(shares)) return { ok: false, code: 'OUT_OF_RANGE', message: 'that spend buys no shares' };
  return trade(state, i, 'buy', k, shares, amount, at);
}

/** Sells `fraction` of seat i's shares of outcome k. */
export function sell(state: PredictionMarketState, i: number, k: number, fraction: number, at: number): ApplyResult<PredictionMarketState> {
  const b = state.config.liquidity;
  const held = (state.holdings[i] as readonly number[])[k] as number;
  if (held < DUST) return { ok: false, code: 'NOT_ALLOWED', message: `you hold no shares of ${state.config.outcomes[k]}` };
  const shares = fraction >= 1 - 1e-12 ? held : Math.min(held, held * fraction);
  const proceeds = saleProceeds(quote(state.q, b, k), shares, b);
  return trade(state, i, 'sell', k, -shares, -proceeds, at);
}

/**
 * Spends `spend` betting against outcome k: equal shares of every other outcome, as many as
 * the cash buys. Holding one share of every outcome is worth 1 for sure, so this is selling k
 * short with the cash as collateral, and moves the prices exactly as selling k would.
 */
export function betAgainst(state: PredictionMarketState, i: number, k: number, spend: number, at: number): ApplyResult<PredictionMarketState> {
  const b = state.config.liquidity;
  const amount = Math.min(spend, state.cash[i] as number);
  const at_k = quote(state.q, b, k);
  // The other outcomes together are one asset priced 1 − p_k.
  const shares = sharesFor({ logPrice: at_k.logRest, logRest: at_k.logPrice }, amount, b);
  if (!(shares > 0) || !Number.isFinite(shares)) return { ok: false, code: 'OUT_OF_RANGE', message: 'that spend buys no shares' };
  return trade(state, i, 'against', k, shares, amount, at);
}

/** Lets time pass: starts the clock of a market that has none, resolves the market at its deadline. */
export function advanceTo(state: PredictionMarketState, at: number): { state: PredictionMarketState; events: MechEvent[]; rewards?: Rewards } {
  if (state.over) return { state, events: [] };
  if (state.openedAt === null) {
    const events: MechEvent[] = [];
    const started = startClock(state, at, events);
    return { state: { ...started, stateId: state.stateId + 1 }, events };
  }
  if (state.deadline === null || at < state.deadline) return { state, events: [] };
  return resolve(state, state.deadline);
}

/** Squared distance Σ (a_i − b_i)². */
const squares = (a: readonly number[], b: readonly number[]): number => a.reduce((sum, x, i) => sum + (x - (b[i] as number)) ** 2, 0);
/** The Brier score of a forecast against the outcome: Σ (p_i − 1[i = ω])². */
export const brier = (p: readonly number[], outcome: number): number => p.reduce((sum, x, i) => sum + (x - (i === outcome ? 1 : 0)) ** 2, 0);

/** The maker's loss: what it pays out, q_ω, less what it took in, C(q) − C(0); b·ln n + b·ln p_ω, never above b·ln n. */
export const makerLoss = (q: readonly number[], b: number, outcome: number): number => b * (Math.log(q.length) + (logPrices(q, b)[outcome] as number));

/** The open market as a record, resolved now. */
export function marketRecord(state: PredictionMarketState): MarketRecord {
  const { config } = state;
  const b = config.liquidity;
  return {
    market: state.market,
    outcome: state.outcome,
    finalPrices: prices(state.q, b),
    posterior: posteriorOf(priorOf(config), config.signal, state.signals),
    signals: state.signals,
    profits: state.seats.map((_, i) => (state.cash[i] as number) + ((state.holdings[i] as readonly number[])[state.outcome] as number) - config.budget),
    trades: state.trades,
    volume: state.volume,
    makerLoss: makerLoss(state.q, b, state.outcome),
  };
}

function tallied(t: Tally, r: MarketRecord, prior: readonly number[]): Tally {
  return {
    markets: t.markets + 1,
    brierFinal: t.brierFinal + brier(r.finalPrices, r.outcome),
    brierPosterior: t.brierPosterior + brier(r.posterior, r.outcome),
    brierPrior: t.brierPrior + brier(prior, r.outcome),
    posteriorDistance: t.posteriorDistance + squares(r.finalPrices, r.posterior),
    makerLoss: t.makerLoss + r.makerLoss,
    volume: t.volume + r.volume,
    trades: t.trades + r.trades,
  };
}

/** The participant rows of a resolved market (its round_record event). */
function marketRows(state: PredictionMarketState, r: MarketRecord): ParticipantRound[] {
  const { config } = state;
  return state.seats.map((seat, i) => ({
    round: r.market,
    seat,
    role: 'trader',
    fields: {
      signal: signalValue(config, r.signals[i] as number),
      trades: state.tradesBySeat[i] as number,
      bought: state.bought[i] as number,
      sold: state.sold[i] as number,
      cash: state.cash[i] as number,
      payout: (state.holdings[i] as readonly number[])[r.outcome] as number,
      outcome: config.outcomes[r.outcome] as string,
      final_price: r.finalPrices[r.outcome] as number,
      posterior: r.posterior[r.outcome] as number,
    },
    payoff: r.profits[i] as number,
    outside: 0,
  }));
}

/** Resolves the open market at `at`: pays the shares of the realised outcome, records it, opens the next market or ends the match. One transition. */
function resolve(state: PredictionMarketState, at: number): { state: PredictionMarketState; events: MechEvent[]; rewards: Rewards } {
  const { config, seats } = state;
  const record = marketRecord(state);
  const over = state.market >= config.markets;
  const events: MechEvent[] = [
    { kind: 'market_resolved', audience: 'public', data: { market: state.market, outcome: config.outcomes[record.outcome], prices: record.finalPrices, trades: record.trades, volume: record.volume } },
  ];
  const rewards: Record<SeatId, number> = {};
  const totals = state.totals.map((t, i) => t + (record.profits[i] as number));
  seats.forEach((seat, i) => {
    const profit = record.profits[i] as number;
    events.push({ kind: 'market_result', audience: [seat], data: { market: state.market, payout: (state.holdings[i] as readonly number[])[record.outcome] as number, profit, totalProfit: totals[i] as number } });
    if (profit !== 0) rewards[seat] = profit;
  });
  events.push({ kind: ROUND_RECORD, audience: 'experimenter', data: { round: state.market, rows: marketRows(state, record), posterior: record.posterior, makerLoss: record.makerLoss } });
  const recent = keepRecent(state.recent, record, config.recall);
  const tally = tallied(state.tally, record, priorOf(config));
  const stateId = state.stateId + 1;
  if (over) return { state: { ...state, stateId, phaseId: stateId, deadline: null, over: true, totals, recent, tally }, events, rewards };
  const event = drawEvent(config, state.shared, state.rng);
  const next: PredictionMarketState = {
    ...state,
    stateId,
    phaseId: stateId,
    deadline: null,
    market: state.market + 1,
    ...freshMarket(config, seats.length),
    outcome: event.outcome,
    signals: event.signals,
    totals,
    recent,
    tally,
    shared: event.shared,
    rng: event.rng,
  };
  // The next market opens at once, its clock running from the close.
  return { state: startClock(next, at, events), events, rewards };
}
