/**
 * How a reputation-market round moves: every seller offers a hidden quality and a price
 * (stage 'offer'); every buyer seat, seeing the prices and (under information 'ratings') each
 * seller's rating, picks a seller or passes (stage 'choose'); the buyers who bought learn the
 * quality and rate it (stage 'rate'); the simulated buyers choose and rate at the close; the
 * round is paid and the ratings enter each seller's record. A stage closes when everyone due
 * is in or at its deadline.
 */
import { OPENING, ROUND_RECORD, type ApplyResult, type BaseState, type MechEvent, type ParticipantRound, type Rewards, type SeatId } from '../core/types.ts';
import { draw, seatStream, sharedStream, type Rng, type RngState, type SeedSet } from '../core/random.ts';
import { STARS, type Quality, type ReputationConfig } from './config.ts';
import { keepRecent } from '../core/recent.ts';

export const MECHANISM_ID = 'reputation';

export type Stage = 'offer' | 'choose' | 'rate';

export interface Offer {
  readonly quality: Quality;
  readonly price: number;
}

/** A seller's public rating: the weighted mean of the ratings that count (null before any), and how many count. */
export interface Rating {
  readonly mean: number | null;
  readonly count: number;
}

/** The ratings one closed round added, by seller index. */
export interface RatedRound {
  readonly round: number;
  readonly sum: readonly number[];
  readonly count: readonly number[];
}

/** Every round's ratings folded together (no window): decayed sums and weights, raw counts. */
export interface RatingMemory {
  readonly sum: readonly number[];
  readonly weight: readonly number[];
  readonly count: readonly number[];
}

/** One closed round; seat arrays by seat index, seller arrays by seller index. */
export interface RoundRecord {
  readonly round: number;
  readonly offers: readonly Offer[];
  /** The sellers that missed the offer deadline and kept their last offer. */
  readonly missed: readonly boolean[];
  /** The ratings buyers saw before choosing. */
  readonly board: readonly Rating[];
  /** Each buyer seat's choice: a seller index, -1 passed, null missed the deadline. */
  readonly choices: readonly (number | null)[];
  /** Each buyer seat's rating of what it bought (null: none). */
  readonly stars: readonly (number | null)[];
  /** Buyer seats' tastes and sellers' cost shocks, by seat index. */
  readonly tastes: readonly number[];
  /** Units each seller sold (seats and simulated buyers) and those simulated buyers bought. */
  readonly sales: readonly number[];
  readonly simulatedSales: readonly number[];
  readonly payoffs: readonly number[];
  readonly simulatedSurplus: number;
  readonly maxWelfare: number;
}

export interface Tally {
  readonly rounds: number;
  readonly sold: number;
  readonly lowSold: number;
  readonly offers: number;
  readonly highOffers: number;
  readonly sellerProfit: number;
  readonly revenue: number;
  readonly buyerSurplus: number;
  readonly welfare: number;
  readonly maxWelfare: number;
  /** Sums for the correlation between a seller's rating and the quality it then offered (rated sellers only). */
  readonly pairs: number;
  readonly sx: number;
  readonly sy: number;
  readonly sxx: number;
  readonly syy: number;
  readonly sxy: number;
  /** The same over units sold: the rating the buyer saw against the quality it got. */
  readonly units: number;
  readonly ux: number;
  readonly uy: number;
  readonly uxx: number;
  readonly uyy: number;
  readonly uxy: number;
  readonly missed: number;
  readonly decisions: number;
}

export interface ReputationState extends BaseState {
  readonly config: ReputationConfig;
  readonly seats: readonly SeatId[];
  readonly round: number;
  readonly stage: Stage;
  /** This round's offers by seller index (null until in). */
  readonly offers: readonly (Offer | null)[];
  readonly lastOffers: readonly (Offer | null)[];
  readonly missed: readonly boolean[];
  readonly offersIn: number;
  /** By seat index: a seller index, -1 passed, null not (yet) chosen. */
  readonly choices: readonly (number | null)[];
  readonly choicesIn: number;
  readonly stars: readonly (number | null)[];
  readonly ratesIn: number;
  /** This round's private draws by seat index: a buyer's taste, a seller's cost shock. */
  readonly tastes: readonly number[];
  /** The ratings buyers see this round. */
  readonly board: readonly Rating[];
  readonly memory: RatingMemory;
  /** With a window: the ratings of the rounds in it. */
  readonly rated: readonly RatedRound[];
  readonly recent: readonly RoundRecord[];
  readonly tally: Tally;
  readonly totals: readonly number[];
  readonly streams: readonly RngState[];
  /** The shared stream: simulated buyers' choices. */
  readonly shared: RngState;
}

const EMPTY: Tally = { rounds: 0, sold: 0, lowSold: 0, offers: 0, highOffers: 0, sellerProfit: 0, revenue: 0, buyerSurplus: 0, welfare: 0, maxWelfare: 0, pairs: 0, sx: 0, sy: 0, sxx: 0, syy: 0, sxy: 0, units: 0, ux: 0, uy: 0, uxx: 0, uyy: 0, uxy: 0, missed: 0, decisions: 0 };

import { tidy } from '../core/policy.ts';
export { tidy };
export const isSeller = (config: ReputationConfig, i: number): boolean => i < config.sellers;
export const buyerCount = (config: ReputationConfig, seats: number): number => Math.max(0, seats - config.sellers);
export const sellerSeats = (state: Pick<ReputationState, 'config' | 'seats'>): SeatId[] => state.seats.slice(0, state.config.sellers);

/** The rating a buyer reads as the chance of high quality: 1 star none, 5 stars certain. */
export const highChance = (mean: number): number => (mean - STARS.min) / (STARS.max - STARS.min);

/** What a buyer expects a unit to be worth: read off the rating under 'ratings' (a prior of one half for an unrated seller), one half otherwise. */
export function expectedValue(config: ReputationConfig, rating: Rating): number {
  const p = config.information === 'ratings' && rating.mean !== null ? highChance(rating.mean) : 0.5;
  return config.values.low + p * (config.values.high - config.values.low);
}

function drawTastes(config: ReputationConfig, streams: readonly RngState[]): [number[], RngState[]] {
  const tastes: number[] = [];
  const next: RngState[] = [];
  streams.forEach((s, i) => {
    const spread = isSeller(config, i) ? config.costSpread : config.tasteSpread;
    if (spread === 0) {
      tastes.push(0);
      next.push(s);
      return;
    }
    const [t, after] = draw(s, (rng) => Math.round(rng.uniform(0, spread) * 1e6) / 1e6);
    tastes.push(t);
    next.push(after);
  });
  return [tastes, next];
}

function boardOf(config: ReputationConfig, memory: RatingMemory, rated: readonly RatedRound[], lastRound: number): Rating[] {
  return Array.from({ length: config.sellers }, (_, k) => {
    if (config.window === null) {
      const w = memory.weight[k] as number;
      return { mean: w > 0 ? tidy((memory.sum[k] as number) / w) : null, count: memory.count[k] as number };
    }
    let sum = 0;
    let weight = 0;
    let count = 0;
    for (const r of rated) {
      const f = config.decay ** (lastRound - r.round);
      sum += f * (r.sum[k] as number);
      weight += f * (r.count[k] as number);
      count += r.count[k] as number;
    }
    return { mean: weight > 0 ? tidy(sum / weight) : null, count };
  });
}

export function firstRound(config: ReputationConfig, seats: readonly SeatId[], seeds: SeedSet): ReputationState {
  const [tastes, streams] = drawTastes(
    config,
    seats.map((_, i) => seatStream(seeds, i)),
  );
  const zeros = new Array<number>(config.sellers).fill(0);
  const memory = { sum: zeros, weight: zeros, count: zeros };
  return {
    ...OPENING,
    config,
    seats,
    round: 1,
    stage: 'offer',
    offers: new Array<Offer | null>(config.sellers).fill(null),
    lastOffers: new Array<Offer | null>(config.sellers).fill(null),
    missed: new Array<boolean>(config.sellers).fill(false),
    offersIn: 0,
    choices: new Array<number | null>(seats.length).fill(null),
    choicesIn: 0,
    stars: new Array<number | null>(seats.length).fill(null),
    ratesIn: 0,
    tastes,
    board: boardOf(config, memory, [], 0),
    memory,
    rated: [],
    recent: [],
    tally: EMPTY,
    totals: new Array<number>(seats.length).fill(0),
    streams,
    shared: sharedStream(seeds),
  };
}

interface Transition {
  readonly state: ReputationState;
  readonly events: MechEvent[];
  readonly rewards?: Rewards;
}

const ok = (t: Transition): ApplyResult<ReputationState> => ({ ok: true, state: t.state, events: t.events, ...(t.rewards ? { rewards: t.rewards } : {}) });
const notAllowed = (message: string): ApplyResult<ReputationState> => ({ ok: false, code: 'NOT_ALLOWED', message });

/** The middle of the price range, on the grid. */
export function middlePrice(config: ReputationConfig): number {
  const { low, high } = config.priceRange;
  const step = config.priceStep;
  const mid = (low + high) / 2;
  return step > 0 ? tidy(low + Math.floor((mid - low) / step + 1e-9) * step) : mid;
}

/** Seats that rate this round: buyer seats that bought. */
const ratersOf = (state: ReputationState): number => state.choices.filter((c, i) => !isSeller(state.config, i) && c !== null && c >= 0).length;

export function advanceTo(state: ReputationState, at: number): Transition {
  if (state.over) return { state, events: [] };
  const ms = state.config.stageMs;
  if (ms === null) return { state, events: [] };
  if (state.deadline === null) return { state: { ...state, stateId: state.stateId + 1, deadline: at + ms }, events: [] };
  if (at < state.deadline) return { state, events: [] };
  if (state.stage === 'offer') {
    const missed = state.offers.map((o) => o === null);
    const offers = state.offers.map((o, k) => o ?? state.lastOffers[k] ?? { quality: 'low' as const, price: middlePrice(state.config) });
    return openChoosing({ ...state, offers, missed }, state.deadline);
  }
  return state.stage === 'choose' ? openRating(state, state.deadline) : closeRound(state, state.deadline);
}

export function offer(state: ReputationState, seat: SeatId, quality: Quality, price: number, at: number): ApplyResult<ReputationState> {
  const i = state.seats.indexOf(seat);
  if (state.stage !== 'offer' || !isSeller(state.config, i)) return notAllowed('only sellers offer, once a round, before buyers choose');
  if (state.offers[i] !== null) return { ok: false, code: 'NOT_YOUR_TURN', message: 'you have offered this round' };
  const offers = state.offers.slice();
  offers[i] = { quality, price: price + 0 };
  const placed: ReputationState = { ...state, offers, offersIn: state.offersIn + 1 };
  const events: MechEvent[] = [
    { kind: 'offered', audience: [seat], data: { round: state.round, quality, price: price + 0 } },
    { kind: 'offer_count', audience: 'public', data: { round: state.round, offersIn: placed.offersIn } },
  ];
  if (placed.offersIn < state.config.sellers) return { ok: true, state: { ...placed, stateId: state.stateId + 1 }, events };
  const t = openChoosing(placed, at);
  return ok({ ...t, events: [...events, ...t.events] });
}

function openChoosing(state: ReputationState, at: number): Transition {
  const prices: MechEvent = { kind: 'prices_posted', audience: 'public', data: { round: state.round, prices: state.offers.map((o) => (o as Offer).price) } };
  const opened: ReputationState = { ...state, stage: 'choose', lastOffers: state.offers };
  if (buyerCount(state.config, state.seats.length) === 0) {
    const closed = closeRound(opened, at);
    return { ...closed, events: [prices, ...closed.events] };
  }
  const stateId = state.stateId + 1;
  return { state: { ...opened, stateId, phaseId: stateId, deadline: state.config.stageMs === null ? null : at + state.config.stageMs }, events: [prices] };
}

/** A buyer seat picks a seller (k ≥ 0) or passes (−1); the last one in opens the rating. */
export function choose(state: ReputationState, seat: SeatId, k: number, at: number): ApplyResult<ReputationState> {
  const i = state.seats.indexOf(seat);
  if (state.stage !== 'choose' || i < 0 || isSeller(state.config, i)) return notAllowed('buyers choose once the offers are in');
  if (state.choices[i] !== null) return { ok: false, code: 'NOT_YOUR_TURN', message: 'you have chosen this round' };
  if (k >= state.config.sellers) return notAllowed('no such seller');
  const choices = state.choices.slice();
  choices[i] = k;
  const placed: ReputationState = { ...state, choices, choicesIn: state.choicesIn + 1 };
  const events: MechEvent[] = [
    { kind: 'chose', audience: [seat], data: { round: state.round, seller: k >= 0 ? state.seats[k] : null, ...(k >= 0 ? { quality: (state.offers[k] as Offer).quality } : {}) } },
    { kind: 'choice_count', audience: 'public', data: { round: state.round, choicesIn: placed.choicesIn } },
  ];
  if (placed.choicesIn < buyerCount(state.config, state.seats.length)) return { ok: true, state: { ...placed, stateId: state.stateId + 1 }, events };
  const t = openRating(placed, at);
  return ok({ ...t, events: [...events, ...t.events] });
}

function openRating(state: ReputationState, at: number): Transition {
  if (ratersOf(state) === 0) return closeRound(state, at);
  const stateId = state.stateId + 1;
  return { state: { ...state, stage: 'rate', stateId, phaseId: stateId, deadline: state.config.stageMs === null ? null : at + state.config.stageMs }, events: [] };
}

/** A buyer that bought rates it; the last one in closes the round. */
export function rate(state: ReputationState, seat: SeatId, stars: number, at: number): ApplyResult<ReputationState> {
  const i = state.seats.indexOf(seat);
  const c = state.choices[i];
  if (state.stage !== 'rate' || i < 0 || c === null || c === undefined || c < 0 || isSeller(state.config, i)) return notAllowed('only a buyer that bought rates, after buying');
  if (state.stars[i] !== null) return { ok: false, code: 'NOT_YOUR_TURN', message: 'you have rated this round' };
  const all = state.stars.slice();
  all[i] = stars;
  const placed: ReputationState = { ...state, stars: all, ratesIn: state.ratesIn + 1 };
  const events: MechEvent[] = [{ kind: 'rated', audience: [seat], data: { round: state.round, seller: state.seats[c], stars } }];
  if (placed.ratesIn < ratersOf(state)) return { ok: true, state: { ...placed, stateId: state.stateId + 1 }, events };
  const t = closeRound(placed, at);
  return ok({ ...t, events: [...events, ...t.events] });
}

/** Simulated buyers' choices (seller indices, −1 none) from the board before the round. */
function simulatedChoices(state: ReputationState, rng: Rng): number[] {
  const { config } = state;
  const offers = state.offers as readonly Offer[];
  const out: number[] = [];
  const surplus = offers.map((o, k) => expectedValue(config, state.board[k] as Rating) - o.price);
  const best = Math.max(...surplus);
  const top = surplus.flatMap((s, k) => (s >= best - 1e-9 ? [k] : []));
  for (let b = 0; b < config.simulatedBuyers; b++) {
    if (config.simulatedChoice === 'random' || rng.float() < config.simulatedExplore) out.push(rng.int(0, config.sellers - 1));
    else out.push(best >= -1e-9 ? (top[top.length === 1 ? 0 : rng.int(0, top.length - 1)] as number) : -1);
  }
  return out;
}

/** Settles the round at `at` and opens the next one (or ends the match). One transition. */
function closeRound(state: ReputationState, at: number): Transition {
  const { config, seats } = state;
  const n = seats.length;
  const offers = state.offers as readonly Offer[];
  const value = (k: number) => config.values[(offers[k] as Offer).quality];
  const cost = (k: number) => config.costs[(offers[k] as Offer).quality] + (state.tastes[k] as number);
  let simulated: number[] = [];
  let shared = state.shared;
  if (config.simulatedBuyers > 0) [simulated, shared] = draw(shared, (rng) => simulatedChoices(state, rng));
  const sales = new Array<number>(config.sellers).fill(0);
  const simulatedSales = new Array<number>(config.sellers).fill(0);
  const sum = new Array<number>(config.sellers).fill(0);
  const count = new Array<number>(config.sellers).fill(0);
  let simulatedSurplus = 0;
  for (const k of simulated) {
    if (k < 0) continue;
    sales[k] = (sales[k] as number) + 1;
    simulatedSales[k] = (simulatedSales[k] as number) + 1;
    simulatedSurplus += value(k) - (offers[k] as Offer).price;
    sum[k] = (sum[k] as number) + ((offers[k] as Offer).quality === 'high' ? STARS.max : STARS.min);
    count[k] = (count[k] as number) + 1;
  }
  const payoffs = new Array<number>(n).fill(0);
  seats.forEach((_, i) => {
    const k = state.choices[i];
    if (isSeller(config, i) || k === null || k === undefined || k < 0) return;
    sales[k] = (sales[k] as number) + 1;
    payoffs[i] = tidy(value(k) + (state.tastes[i] as number) - (offers[k] as Offer).price);
    const s = state.stars[i];
    if (s !== null && s !== undefined) {
      sum[k] = (sum[k] as number) + s;
      count[k] = (count[k] as number) + 1;
    }
  });
  for (let k = 0; k < config.sellers; k++) payoffs[k] = tidy(((offers[k] as Offer).price - cost(k)) * (sales[k] as number));
  // The best a buyer can add: the better of the two qualities above its cost at the cheapest seller, or nothing.
  const shock = Math.min(...state.tastes.slice(0, config.sellers));
  const gain = (taste: number) => Math.max(0, config.values.high + taste - config.costs.high - shock, config.values.low + taste - config.costs.low - shock);
  let maxWelfare = config.simulatedBuyers * gain(0);
  seats.forEach((_, i) => {
    if (!isSeller(config, i)) maxWelfare += gain(state.tastes[i] as number);
  });
  const sellerProfit = tidy(payoffs.slice(0, config.sellers).reduce((s, x) => s + x, 0));
  const buyerSurplus = tidy(simulatedSurplus + payoffs.slice(config.sellers).reduce((s, x) => s + x, 0));
  const sold = sales.reduce((s, x) => s + x, 0);
  const lowSold = sales.reduce((s, x, k) => s + ((offers[k] as Offer).quality === 'low' ? x : 0), 0);
  const record: RoundRecord = {
    round: state.round,
    offers,
    missed: state.missed,
    board: state.board,
    choices: state.choices,
    stars: state.stars,
    tastes: state.tastes,
    sales,
    simulatedSales,
    payoffs,
    simulatedSurplus: tidy(simulatedSurplus),
    maxWelfare: tidy(maxWelfare),
  };
  const t = state.tally;
  let { pairs, sx, sy, sxx, syy, sxy, units, ux, uy, uxx, uyy, uxy } = t;
  state.board.forEach((r, k) => {
    if (r.mean === null) return;
    const y = (offers[k] as Offer).quality === 'high' ? 1 : 0;
    const q = sales[k] as number;
    pairs++;
    sx += r.mean;
    sy += y;
    sxx += r.mean * r.mean;
    syy += y;
    sxy += r.mean * y;
    units += q;
    ux += q * r.mean;
    uy += q * y;
    uxx += q * r.mean * r.mean;
    uyy += q * y;
    uxy += q * r.mean * y;
  });
  const buyers = buyerCount(config, n);
  const tally: Tally = {
    rounds: t.rounds + 1,
    sold: t.sold + sold,
    lowSold: t.lowSold + lowSold,
    offers: t.offers + config.sellers,
    highOffers: t.highOffers + offers.filter((o) => o.quality === 'high').length,
    sellerProfit: tidy(t.sellerProfit + sellerProfit),
    revenue: tidy(t.revenue + sales.reduce((s, x, k) => s + x * (offers[k] as Offer).price, 0)),
    buyerSurplus: tidy(t.buyerSurplus + buyerSurplus),
    welfare: tidy(t.welfare + sellerProfit + buyerSurplus),
    maxWelfare: tidy(t.maxWelfare + maxWelfare),
    pairs,
    sx: tidy(sx),
    sy,
    sxx: tidy(sxx),
    syy,
    sxy: tidy(sxy),
    units,
    ux: tidy(ux),
    uy,
    uxx: tidy(uxx),
    uyy,
    uxy: tidy(uxy),
    missed: t.missed + state.missed.filter(Boolean).length + state.choices.filter((c, i) => !isSeller(config, i) && c === null).length,
    decisions: t.decisions + config.sellers + buyers,
  };
  // The ratings enter the record: decayed into the memory (unrounded, so that a long-decayed
  // record keeps its mean), or kept by round within the window.
  const d = config.decay;
  const memory: RatingMemory =
    config.window === null
      ? { sum: state.memory.sum.map((x, k) => d * x + (sum[k] as number)), weight: state.memory.weight.map((x, k) => d * x + (count[k] as number)), count: state.memory.count.map((x, k) => x + (count[k] as number)) }
      : state.memory;
  const rated = config.window === null ? [] : [...state.rated, { round: state.round, sum, count }].filter((r) => r.round > state.round - (config.window as number));
  const board = boardOf(config, memory, rated, state.round);
  const totals = state.totals.map((x, i) => tidy(x + (payoffs[i] as number)));
  const over = state.round >= config.rounds;
  const events: MechEvent[] = [{ kind: 'round_closed', audience: 'public', data: { round: state.round, prices: offers.map((o) => o.price), ...(config.information === 'ratings' ? { ratings: board.map((r) => r.mean) } : {}), over } }];
  const rewards: Record<SeatId, number> = {};
  const rows: ParticipantRound[] = [];
  seats.forEach((seat, i) => {
    const seller = isSeller(config, i);
    events.push({ kind: 'round_result', audience: [seat], data: { ...(seller ? sellerRound(record, i, board) : buyerRound(state, record, i)), totalPayoff: totals[i] as number } });
    if (payoffs[i] !== 0) rewards[seat] = payoffs[i] as number;
    const c = state.choices[i];
    rows.push({
      round: state.round,
      seat,
      role: seller ? 'seller' : 'buyer',
      fields: seller
        ? { quality: (offers[i] as Offer).quality, price: (offers[i] as Offer).price, cost_shock: state.tastes[i] as number, missed: state.missed[i] as boolean, sold: sales[i] as number, rating: (state.board[i] as Rating).mean, ratings: (state.board[i] as Rating).count }
        : { choice: c === null || c === undefined ? 'missed' : c < 0 ? 'pass' : (seats[c] as string), quality: c !== null && c !== undefined && c >= 0 ? (offers[c] as Offer).quality : null, stars: state.stars[i] ?? null, taste: state.tastes[i] as number },
      payoff: payoffs[i] as number,
      outside: 0,
    });
  });
  events.push({ kind: ROUND_RECORD, audience: 'experimenter', data: { round: state.round, rows, simulatedSales, simulatedSurplus: record.simulatedSurplus } });
  let tastes = state.tastes;
  let streams = state.streams;
  if (!over) [tastes, streams] = drawTastes(config, state.streams);
  const recent = keepRecent(state.recent, record, config.recall);
  const stateId = state.stateId + 1;
  const next: ReputationState = over
    ? { ...state, stateId, phaseId: stateId, over, board, memory, rated, recent, tally, totals, shared, deadline: null }
    : {
        ...state,
        stateId,
        phaseId: stateId,
        round: state.round + 1,
        stage: 'offer',
        offers: new Array<Offer | null>(config.sellers).fill(null),
        missed: new Array<boolean>(config.sellers).fill(false),
        offersIn: 0,
        choices: new Array<number | null>(n).fill(null),
        choicesIn: 0,
        stars: new Array<number | null>(n).fill(null),
        ratesIn: 0,
        tastes,
        board,
        memory,
        rated,
        recent,
        tally,
        totals,
        streams,
        shared,
        deadline: config.stageMs === null ? null : at + config.stageMs,
      };
  return { state: next, events, rewards };
}

/** A seller's view of a closed round: its offer, sales, profit, and its rating after the round. */
export function sellerRound(r: RoundRecord, k: number, after?: readonly Rating[]) {
  return {
    round: r.round,
    quality: (r.offers[k] as Offer).quality,
    price: (r.offers[k] as Offer).price,
    costShock: r.tastes[k] as number,
    missed: r.missed[k] as boolean,
    sold: r.sales[k] as number,
    profit: r.payoffs[k] as number,
    ratingBefore: (r.board[k] as Rating).mean,
    ...(after ? { ratingAfter: (after[k] as Rating).mean } : {}),
  };
}
export type SellerRound = ReturnType<typeof sellerRound>;

/** A buyer's view of a closed round: the prices, whom it bought from, what it got and its rating. */
export function buyerRound(state: Pick<ReputationState, 'seats'>, r: RoundRecord, i: number) {
  const c = r.choices[i];
  const bought = c !== null && c !== undefined && c >= 0;
  return {
    round: r.round,
    prices: r.offers.map((o) => o.price),
    choice: c === null || c === undefined ? ('missed' as const) : bought ? (state.seats[c] as SeatId) : ('pass' as const),
    quality: bought ? (r.offers[c] as Offer).quality : null,
    price: bought ? (r.offers[c] as Offer).price : null,
    stars: r.stars[i] ?? null,
    taste: r.tastes[i] as number,
    surplus: r.payoffs[i] as number,
  };
}
export type BuyerRound = ReturnType<typeof buyerRound>;
