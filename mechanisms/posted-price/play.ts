/**
 * How a posted-price round moves: the seller posts a price (stage 'post'; skipped when the
 * mechanism posts a fixed price), then every buyer seat buys or passes, all at once (stage
 * 'buy'), the simulated buyers buy when the price is at most their value, the units go to
 * the buyers who accepted (in a random order when there are fewer units than takers), and
 * the round is paid: a buyer who gets a unit earns value − price, the seller (price − cost)
 * per unit sold. A stage closes when everyone is in or at its deadline.
 */
import { OPENING, ROUND_RECORD, type ApplyResult, type BaseState, type MechEvent, type ParticipantRound, type Rewards, type SeatId } from '../core/types.ts';
import { cents, drawFrom, tidy } from '../core/policy.ts';
import { draw, seatStream, sharedStream, type RngState, type SeedSet } from '../core/random.ts';
import type { PostedPriceConfig } from './config.ts';
import { keepRecent } from '../core/recent.ts';

export const MECHANISM_ID = 'posted-price';

export type Stage = 'post' | 'buy';

/** One closed round; arrays by seat index (the seller's entries unused). */
export interface RoundRecord {
  readonly round: number;
  readonly price: number;
  /** The seller missed the posting deadline and kept its price. */
  readonly missedPost: boolean;
  readonly values: readonly number[];
  /** Each buyer seat's decision: true buy, false pass, null missed the deadline (did not buy). */
  readonly decisions: readonly (boolean | null)[];
  readonly got: readonly boolean[];
  readonly simulated: number;
  readonly simulatedTakers: number;
  readonly simulatedGot: number;
  /** Buyers (seats and simulated) who accepted the price, and units sold. */
  readonly demand: number;
  readonly sold: number;
  readonly payoffs: readonly number[];
  /** Surplus of the simulated buyers who got a unit. */
  readonly simulatedSurplus: number;
  /** Welfare of the efficient allocation this round: the best `units` values above cost. */
  readonly maxWelfare: number;
}

export interface Tally {
  readonly rounds: number;
  readonly priceSum: number;
  readonly sold: number;
  readonly potential: number;
  readonly sellerProfit: number;
  /** The seller's receipts: price × units sold. */
  readonly revenue: number;
  readonly buyerSurplus: number;
  readonly welfare: number;
  readonly maxWelfare: number;
  readonly missed: number;
  readonly decisions: number;
}

export interface PostedPriceState extends BaseState {
  readonly config: PostedPriceConfig;
  readonly seats: readonly SeatId[];
  readonly round: number;
  readonly stage: Stage;
  /** This round's price once posted (always, with a fixed price). */
  readonly price: number | null;
  /** Last round's price (what a seller who misses the deadline keeps). */
  readonly lastPrice: number | null;
  /** The seller missed this round's posting deadline (its price is last round's). */
  readonly missedPost: boolean;
  /** This round's values by seat index (0 for the seller). */
  readonly values: readonly number[];
  readonly decisions: readonly (boolean | null)[];
  readonly decisionsIn: number;
  readonly recent: readonly RoundRecord[];
  readonly tally: Tally;
  readonly totals: readonly number[];
  /** Each buyer seat's stream for its values (the seller's unused). */
  readonly streams: readonly RngState[];
  /** The shared stream: simulated buyers' values and the order of takers when units run short. */
  readonly shared: RngState;
}

const EMPTY: Tally = { rounds: 0, priceSum: 0, sold: 0, potential: 0, sellerProfit: 0, revenue: 0, buyerSurplus: 0, welfare: 0, maxWelfare: 0, missed: 0, decisions: 0 };

/** Whether seat i is the seller (p0 when the seller posts). */
export const isSeller = (config: PostedPriceConfig, i: number): boolean => config.fixedPrice === null && i === 0;
export const buyerCount = (config: PostedPriceConfig, seats: number): number => (config.fixedPrice === null ? seats - 1 : seats);

const valueOf = (config: PostedPriceConfig, stream: RngState): [number, RngState] => draw(stream, (rng) => (config.values.kind === 'uniform' ? cents(drawFrom(config.values, rng)) : drawFrom(config.values, rng)));

function drawValues(config: PostedPriceConfig, streams: readonly RngState[]): [number[], RngState[]] {
  const values: number[] = [];
  const next: RngState[] = [];
  streams.forEach((s, i) => {
    if (isSeller(config, i)) {
      values.push(0);
      next.push(s);
      return;
    }
    const [v, after] = valueOf(config, s);
    values.push(v);
    next.push(after);
  });
  return [values, next];
}

export function firstRound(config: PostedPriceConfig, seats: readonly SeatId[], seeds: SeedSet): PostedPriceState {
  const [values, streams] = drawValues(
    config,
    seats.map((_, i) => seatStream(seeds, i)),
  );
  return {
    ...OPENING,
    config,
    seats,
    round: 1,
    stage: config.fixedPrice === null ? 'post' : 'buy',
    price: config.fixedPrice,
    lastPrice: null,
    missedPost: false,
    values,
    decisions: new Array<boolean | null>(seats.length).fill(null),
    decisionsIn: 0,
    recent: [],
    tally: EMPTY,
    totals: new Array<number>(seats.length).fill(0),
    streams,
    shared: sharedStream(seeds),
  };
}

interface Transition {
  readonly state: PostedPriceState;
  readonly events: MechEvent[];
  readonly rewards?: Rewards;
}

const stageMs = (s: PostedPriceState): number | null => (s.stage === 'post' ? s.config.postMs : s.config.buyMs);

/** The price a seller who misses the deadline posts: last round's, or the middle of the range. */
function defaultPrice(state: PostedPriceState): number {
  if (state.lastPrice !== null) return state.lastPrice;
  const { low, high } = state.config.priceRange;
  const step = state.config.priceStep;
  const mid = (low + high) / 2;
  return step > 0 ? Math.round((low + Math.floor((mid - low) / step + 1e-9) * step) * 1e9) / 1e9 : mid;
}

export function advanceTo(state: PostedPriceState, at: number): Transition {
  if (state.over) return { state, events: [] };
  const ms = stageMs(state);
  if (ms === null) return { state, events: [] };
  if (state.deadline === null) return { state: { ...state, stateId: state.stateId + 1, deadline: at + ms }, events: [] };
  if (at < state.deadline) return { state, events: [] };
  return state.stage === 'post' ? openBuying(state, defaultPrice(state), true, state.deadline) : closeRound(state, state.deadline);
}

/** The seller's price: opens the buying stage (or closes the round when no seat buys). */
export function post(state: PostedPriceState, seat: SeatId, price: number, at: number): ApplyResult<PostedPriceState> {
  const i = state.seats.indexOf(seat);
  if (state.stage !== 'post' || !isSeller(state.config, i)) return { ok: false, code: 'NOT_ALLOWED', message: 'only the seller posts, once a round, before buyers decide' };
  const t = openBuying(state, price + 0, false, at);
  return { ok: true, state: t.state, events: t.events, ...(t.rewards ? { rewards: t.rewards } : {}) };
}

function openBuying(state: PostedPriceState, price: number, missed: boolean, at: number): Transition {
  const posted: MechEvent = { kind: 'price_posted', audience: 'public', data: { round: state.round, price, ...(missed ? { missed: true } : {}) } };
  const opened: PostedPriceState = { ...state, stage: 'buy', price, lastPrice: price, missedPost: missed };
  if (buyerCount(state.config, state.seats.length) === 0) {
    const closed = closeRound(opened, at);
    return { ...closed, events: [posted, ...closed.events] };
  }
  const stateId = state.stateId + 1;
  return { state: { ...opened, stateId, phaseId: stateId, deadline: state.config.buyMs === null ? null : at + state.config.buyMs }, events: [posted] };
}

/** A buyer's decision; the last one in closes the round. */
export function decide(state: PostedPriceState, seat: SeatId, buy: boolean, at: number): ApplyResult<PostedPriceState> {
  const i = state.seats.indexOf(seat);
  if (state.stage !== 'buy' || isSeller(state.config, i)) return { ok: false, code: 'NOT_ALLOWED', message: 'buyers decide once the price is posted' };
  if (state.decisions[i] !== null) return { ok: false, code: 'NOT_YOUR_TURN', message: 'you have decided this round' };
  const decisions = state.decisions.slice();
  decisions[i] = buy;
  const placed: PostedPriceState = { ...state, decisions, decisionsIn: state.decisionsIn + 1 };
  const events: MechEvent[] = [
    { kind: 'decided', audience: [seat], data: { round: state.round, buy } },
    { kind: 'decision_count', audience: 'public', data: { round: state.round, decisionsIn: placed.decisionsIn } },
  ];
  if (placed.decisionsIn < buyerCount(state.config, state.seats.length)) return { ok: true, state: { ...placed, stateId: state.stateId + 1 }, events };
  const closed = closeRound(placed, at);
  return { ok: true, state: closed.state, events: [...events, ...closed.events], ...(closed.rewards ? { rewards: closed.rewards } : {}) };
}


/** Settles the round at `at` and opens the next one (or ends the match). One transition. */
function closeRound(state: PostedPriceState, at: number): Transition {
  const { config, seats, missedPost } = state;
  const n = seats.length;
  const price = state.price as number;
  const c = config.unitCost;
  let shared = state.shared;
  const simulated: number[] = [];
  for (let k = 0; k < config.simulatedBuyers; k++) {
    let v: number;
    [v, shared] = valueOf(config, shared);
    simulated.push(v);
  }
  // Takers: buyer seats that chose to buy, then simulated buyers whose value reaches the price.
  const takers: { seat: number | null; value: number }[] = [];
  seats.forEach((_, i) => {
    if (!isSeller(config, i) && state.decisions[i] === true) takers.push({ seat: i, value: state.values[i] as number });
  });
  for (const v of simulated) if (v >= price) takers.push({ seat: null, value: v });
  let served = takers;
  if (config.units !== null && takers.length > config.units) {
    let order: number[];
    [order, shared] = draw(shared, (rng) => rng.shuffle(takers.map((_, k) => k)));
    served = order.slice(0, config.units).map((k) => takers[k] as { seat: number | null; value: number });
  }
  const got = new Array<boolean>(n).fill(false);
  let simulatedGot = 0;
  let simulatedSurplus = 0;
  for (const t of served) {
    if (t.seat === null) {
      simulatedGot++;
      simulatedSurplus += t.value - price;
    } else got[t.seat] = true;
  }
  const sold = served.length;
  const payoffs = seats.map((_, i) => (isSeller(config, i) ? tidy((price - c) * sold) : got[i] ? tidy((state.values[i] as number) - price) : 0));
  // The efficient allocation: the best values above cost, as many as there are units.
  const all = [...seats.map((_, i) => (isSeller(config, i) ? -Infinity : (state.values[i] as number))), ...simulated].filter((v) => v > c).sort((a, b) => b - a);
  const maxWelfare = tidy(all.slice(0, config.units ?? all.length).reduce((s, v) => s + v - c, 0));
  const sellerProfit = tidy((price - c) * sold);
  let buyerSurplus = simulatedSurplus;
  seats.forEach((_, i) => {
    if (!isSeller(config, i)) buyerSurplus += payoffs[i] as number;
  });
  const decisions = state.decisions;
  const record: RoundRecord = {
    round: state.round,
    price,
    missedPost,
    values: state.values,
    decisions,
    got,
    simulated: simulated.length,
    simulatedTakers: takers.filter((t) => t.seat === null).length,
    simulatedGot,
    demand: takers.length,
    sold,
    payoffs,
    simulatedSurplus: tidy(simulatedSurplus),
    maxWelfare,
  };
  const buyers = buyerCount(config, n);
  const t = state.tally;
  const tally: Tally = {
    rounds: t.rounds + 1,
    priceSum: t.priceSum + price,
    sold: t.sold + sold,
    potential: t.potential + buyers + simulated.length,
    sellerProfit: tidy(t.sellerProfit + sellerProfit),
    revenue: tidy(t.revenue + price * sold),
    buyerSurplus: tidy(t.buyerSurplus + buyerSurplus),
    welfare: tidy(t.welfare + sellerProfit + buyerSurplus),
    maxWelfare: tidy(t.maxWelfare + maxWelfare),
    missed: t.missed + decisions.filter((d, i) => d === null && !isSeller(config, i)).length,
    decisions: t.decisions + buyers,
  };
  const totals = state.totals.map((x, i) => tidy(x + (payoffs[i] as number)));
  const events: MechEvent[] = [{ kind: 'round_closed', audience: 'public', data: { round: state.round, price, ...(config.reveal === 'sales' ? { sold } : {}), over: state.round >= config.rounds } }];
  const rewards: Record<SeatId, number> = {};
  const rows: ParticipantRound[] = [];
  seats.forEach((seat, i) => {
    const seller = isSeller(config, i);
    events.push({ kind: 'round_result', audience: [seat], data: { ...(seller ? sellerRound(record) : buyerRound(config, record, i)), totalPayoff: totals[i] as number } });
    if (payoffs[i] !== 0) rewards[seat] = payoffs[i] as number;
    rows.push({
      round: state.round,
      seat,
      role: seller ? 'seller' : 'buyer',
      fields: seller
        ? { price, missed: missedPost, demand: takers.length, sold, unit_cost: c }
        : { value: state.values[i] as number, price, decision: decisions[i] === null ? 'missed' : decisions[i] ? 'buy' : 'pass', got: got[i] as boolean },
      payoff: payoffs[i] as number,
      outside: 0,
    });
  });
  events.push({ kind: ROUND_RECORD, audience: 'experimenter', data: { round: state.round, rows } });
  const over = state.round >= config.rounds;
  let values = state.values;
  let streams = state.streams;
  if (!over) [values, streams] = drawValues(config, state.streams);
  const recent = keepRecent(state.recent, record, config.recall);
  const stateId = state.stateId + 1;
  const next: PostedPriceState = {
    ...state,
    stateId,
    phaseId: stateId,
    over,
    round: over ? state.round : state.round + 1,
    stage: over ? state.stage : config.fixedPrice === null ? 'post' : 'buy',
    price: over ? price : config.fixedPrice,
    missedPost: over ? missedPost : false,
    values,
    decisions: over ? decisions : new Array<boolean | null>(n).fill(null),
    decisionsIn: over ? state.decisionsIn : 0,
    recent,
    tally,
    totals,
    streams,
    shared,
    deadline: null,
  };
  const ms = over ? null : config.fixedPrice === null ? config.postMs : config.buyMs;
  return { state: { ...next, deadline: ms === null ? null : at + ms }, events, rewards };
}

/** The seller's view of a closed round. */
export const sellerRound = (r: RoundRecord) => ({ round: r.round, price: r.price, missed: r.missedPost, demand: r.demand, sold: r.sold, profit: r.payoffs[0] as number });
export type SellerRound = ReturnType<typeof sellerRound>;

/** A buyer's view of a closed round (the units sold, when the reveal shows them). */
export function buyerRound(config: PostedPriceConfig, r: RoundRecord, i: number) {
  return {
    round: r.round,
    price: r.price,
    value: r.values[i] as number,
    decision: r.decisions[i] === null ? ('missed' as const) : r.decisions[i] ? ('buy' as const) : ('pass' as const),
    got: r.got[i] as boolean,
    surplus: r.payoffs[i] as number,
    ...(config.reveal === 'sales' ? { sold: r.sold } : {}),
  };
}
export type BuyerRound = ReturnType<typeof buyerRound>;
