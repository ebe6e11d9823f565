/**
 * What the clock auctions share around the clock itself: items sold one after another,
 * private values drawn per seat from the seat's own stream, ties broken by the shared
 * stream or by seat order, and the closing of an item (payment, rewards, the item's
 * events and its round_record, the running sums). The state keeps sums and the last
 * `recall` items only; the record holds the history.
 */
import { ROUND_RECORD, type BaseState, type Benchmark, type MechEvent, type ParticipantRound, type Rewards, type SeatId } from '../core/types.ts';
import { cents, drawFrom, type Distribution } from '../core/policy.ts';
import { draw, seatRng, sharedStream, type RngState, type SeedSet } from '../core/random.ts';
import { benchmarkPrice, expectedHighest } from '../sealed-bid/benchmark.ts';

/** The config fields every clock auction has. */
export interface ItemConfig {
  readonly rounds: number;
  readonly recall: number;
  readonly values: Distribution;
  readonly freshValues: boolean;
  readonly reserve: number;
  readonly tickMs: number;
  readonly tieBreak: 'random' | 'lowestSeat';
  readonly identities: boolean;
}

/** A bidder leaving the English clock: its seat index and the price it would not pay. */
export interface Exit {
  readonly seat: number;
  readonly price: number;
}

/** A closed item. Values by seat index; the winner is a seat index. */
export interface ItemRecord {
  readonly round: number;
  readonly values: readonly number[];
  readonly winner: number | null;
  readonly price: number | null;
  /** Moves of the clock before the item closed. */
  readonly ticks: number;
  /** Whether the winner was drawn from tied bidders. */
  readonly tie: boolean;
  /** English clock: the drop-outs, in order. */
  readonly exits?: readonly Exit[];
  /** Open outcry: how often a late bid moved the close, and whether the winning bid came in the last tick before the close. */
  readonly extensions?: number;
  readonly lastMoment?: boolean;
}

/** Sums over the closed items: what the outcome and the measures are made of. */
export interface Tally {
  readonly rounds: number;
  readonly sold: number;
  readonly revenue: number;
  readonly welfare: number;
  readonly maxWelfare: number;
  /** Sold items won by a bidder with the highest value. */
  readonly efficient: number;
  readonly ticks: number;
  readonly ties: number;
  /** Sum of price / winner's value over sold items whose winner's value is above 0, and how many. */
  readonly priceToValue: number;
  readonly priceToValueN: number;
  readonly extensions: number;
  readonly lastMoment: number;
}

export const EMPTY_TALLY: Tally = { rounds: 0, sold: 0, revenue: 0, welfare: 0, maxWelfare: 0, efficient: 0, ticks: 0, ties: 0, priceToValue: 0, priceToValueN: 0, extensions: 0, lastMoment: 0 };

/** The fields every clock auction's state has. */
export interface ItemState<C extends ItemConfig = ItemConfig> extends BaseState {
  readonly config: C;
  readonly seats: readonly SeatId[];
  /** The item on sale, counted from 1 (the last one once over). */
  readonly round: number;
  readonly values: readonly number[];
  /** When this item's clock started; null until the first step of time. */
  readonly openedAt: number | null;
  /** Moves of the clock so far on this item. */
  readonly step: number;
  /** The last `recall` closed items, oldest first. */
  readonly recent: readonly ItemRecord[];
  readonly totals: readonly number[];
  readonly tally: Tally;
  readonly rng: { readonly shared: RngState; readonly seats: readonly RngState[] };
}

/** The common part of a fresh state: round 1, values drawn from each seat's stream. */
export function openingFields<C extends ItemConfig>(config: C, seats: readonly SeatId[], seeds: SeedSet): Omit<ItemState<C>, keyof BaseState> {
  const values: number[] = [];
  const streams: RngState[] = [];
  for (let i = 0; i < seats.length; i++) {
    const rng = seatRng(seeds, i);
    values.push(drawFrom(config.values, rng));
    streams.push(rng.state());
  }
  return { config, seats, round: 1, values, openedAt: null, step: 0, recent: [], totals: new Array<number>(seats.length).fill(0), tally: EMPTY_TALLY, rng: { shared: sharedStream(seeds), seats: streams } };
}

/** One closed item as the public sees it: whether and at what price it sold, and, with identities, to whom. */
export interface ItemReport {
  readonly round: number;
  readonly sold: boolean;
  readonly price: number | null;
  readonly ticks: number;
  readonly tie: boolean;
  readonly winner?: SeatId | null;
}

/** A closed item as one bidder sees it: the public report and its own value and result. */
export interface OwnItem extends ItemReport {
  readonly value: number;
  readonly won: boolean;
  readonly paid: number;
  readonly payoff: number;
}

export function itemReport(r: ItemRecord, config: ItemConfig, seats: readonly SeatId[]): ItemReport {
  const base = { round: r.round, sold: r.winner !== null, price: r.price, ticks: r.ticks, tie: r.tie };
  return config.identities ? { ...base, winner: r.winner === null ? null : (seats[r.winner] as SeatId) } : base;
}

export function ownItem(r: ItemRecord, config: ItemConfig, seats: readonly SeatId[], i: number): OwnItem {
  const won = r.winner === i;
  const paid = won ? (r.price as number) : 0;
  const value = r.values[i] as number;
  return { ...itemReport(r, config, seats), value, won, paid, payoff: won ? cents(value - paid) : 0 };
}

/** The recall window after one more closed item. */
export const remember = <T>(recent: readonly T[], item: T, recall: number): T[] => (recall === 0 ? [] : [...recent.slice(Math.max(0, recent.length - recall + 1)), item]);

/**
 * The one winner among tied bidders (seat indices, in any order): the lowest seat, or a
 * draw from the shared stream over them in seat order. Returns the winner and the shared stream after the draw.
 */
export function breakTie(state: ItemState, tied: readonly number[]): [number | null, RngState] {
  if (tied.length === 0) return [null, state.rng.shared];
  const inSeatOrder = [...tied].sort((a, b) => a - b);
  if (tied.length === 1 || state.config.tieBreak === 'lowestSeat') return [inSeatOrder[0] as number, state.rng.shared];
  return draw(state.rng.shared, (rng) => rng.pick(inSeatOrder));
}

export interface Closing<S> {
  readonly state: S;
  readonly events: MechEvent[];
  readonly rewards?: Rewards;
}

/**
 * Closes the item at time `at`: the winner among `candidates` (tied when more than one)
 * pays `price`; no candidates, no sale. Records the item, pays, draws the next item's
 * values and hands the common fields of the next state to `reopen`, which sets the
 * auction's own fields (its clock back to the opening price). One transition.
 */
export function closeItem<C extends ItemConfig, S extends ItemState<C>>(
  state: S,
  candidates: readonly number[],
  price: number | null,
  at: number,
  detail: Pick<ItemRecord, 'exits' | 'extensions' | 'lastMoment'>,
  rowFields: (i: number) => Readonly<Record<string, number | string | boolean | null>>,
  reopen: (common: ItemState<C>, over: boolean) => S,
): Closing<S> {
  const { config, seats } = state;
  const [winner, shared] = breakTie(state, candidates);
  const sold = winner !== null;
  const record: ItemRecord = { round: state.round, values: state.values, winner, price: sold ? price : null, ticks: state.step, tie: candidates.length > 1, ...detail };
  const over = state.round >= config.rounds;
  const events: MechEvent[] = [{ kind: 'item_closed', audience: 'public', data: { ...itemReport(record, config, seats), over } }];
  const rows: ParticipantRound[] = [];
  const totals = state.totals.slice();
  let highest = 0;
  for (let i = 0; i < seats.length; i++) {
    const seat = seats[i] as SeatId;
    const own = ownItem(record, config, seats, i);
    totals[i] = cents((totals[i] as number) + own.payoff);
    if (own.value > highest) highest = own.value;
    events.push({ kind: 'round_result', audience: [seat], data: { round: record.round, value: own.value, won: own.won, paid: own.paid, payoff: own.payoff, totalPayoff: totals[i] as number } });
    rows.push({ round: record.round, seat, role: 'bidder', fields: { value: own.value, won: own.won, price: record.price, winner: winner === null ? null : (seats[winner] as SeatId), ticks: record.ticks, tie: record.tie, ...rowFields(i) }, payoff: own.payoff, outside: 0 });
  }
  events.push({ kind: ROUND_RECORD, audience: 'experimenter', data: { round: record.round, rows } });
  const winnerValue = sold ? (state.values[winner] as number) : 0;
  const t = state.tally;
  const tally: Tally = {
    rounds: t.rounds + 1,
    sold: t.sold + (sold ? 1 : 0),
    revenue: cents(t.revenue + (sold ? (price as number) : 0)),
    welfare: t.welfare + winnerValue,
    maxWelfare: t.maxWelfare + highest,
    efficient: t.efficient + (sold && winnerValue >= highest ? 1 : 0),
    ticks: t.ticks + state.step,
    ties: t.ties + (sold && record.tie ? 1 : 0),
    priceToValue: t.priceToValue + (sold && winnerValue > 0 ? (price as number) / winnerValue : 0),
    priceToValueN: t.priceToValueN + (sold && winnerValue > 0 ? 1 : 0),
    extensions: t.extensions + (detail.extensions ?? 0),
    lastMoment: t.lastMoment + (sold && detail.lastMoment ? 1 : 0),
  };
  let values = state.values;
  let seatStreams = state.rng.seats;
  if (!over && config.freshValues) {
    const drawn: number[] = [];
    const next: RngState[] = [];
    for (const stream of seatStreams) {
      const [value, after] = draw(stream, (rng) => drawFrom(config.values, rng));
      drawn.push(value);
      next.push(after);
    }
    values = drawn;
    seatStreams = next;
  }
  const stateId = state.stateId + 1;
  const common: ItemState<C> = {
    stateId,
    phaseId: stateId,
    deadline: null,
    over,
    config,
    seats,
    round: over ? state.round : state.round + 1,
    values,
    openedAt: over ? state.openedAt : at,
    step: over ? state.step : 0,
    recent: remember(state.recent, record, config.recall),
    totals,
    tally,
    rng: { shared, seats: seatStreams },
  };
  const rewards = sold && winnerValue - (price as number) !== 0 ? { [seats[winner] as SeatId]: cents(winnerValue - (price as number)) } : undefined;
  return { state: reopen(common, over), events, ...(rewards ? { rewards } : {}) };
}

/** The measures both clock auctions declare, from the tally. */
export function commonMeasures(t: Tally): Record<string, number | null> {
  return {
    sale_rate: t.rounds ? t.sold / t.rounds : null,
    mean_price: t.sold ? t.revenue / t.sold : null,
    efficient_share: t.sold ? t.efficient / t.sold : null,
    price_to_value: t.priceToValueN ? t.priceToValue / t.priceToValueN : null,
    ticks_per_item: t.rounds ? t.ticks / t.rounds : null,
    tie_share: t.sold ? t.ties / t.sold : null,
  };
}

export const COMMON_MEASURES = [
  { name: 'sale_rate', unit: 'share of items', definition: 'items sold (someone accepted a price at or above the reserve) / items offered' },
  { name: 'mean_price', unit: 'money', definition: 'mean price over the items sold' },
  { name: 'efficient_share', unit: 'share of items sold', definition: 'items sold to a bidder whose value was the highest for that item' },
  { name: 'price_to_value', unit: 'ratio', definition: "mean of price / the winner's value over items sold to a winner whose value is above 0" },
  { name: 'ticks_per_item', unit: 'ticks', definition: 'mean number of moves of the clock before an item closed' },
  { name: 'tie_share', unit: 'share of items sold', definition: 'items sold whose winner was drawn among tied bidders' },
] as const;

/**
 * The revenue-equivalence benchmarks: with risk-neutral bidders and independent private
 * values, the English auction's dominant strategy and the Dutch auction's symmetric
 * equilibrium both give the expected second-highest value as the expected price.
 */
export function itemBenchmarks(config: ItemConfig, seats: number, grid: string): Record<string, Benchmark> {
  const price = benchmarkPrice(config.values, seats, config.reserve);
  const highest = expectedHighest(config.values, seats);
  return {
    equilibrium_price: { value: price, unit: 'money', definition: `expected price per item in the risk-neutral equilibrium: the expected second-highest value, the same in the English and the Dutch auction (revenue equivalence), up to the ${grid}; null when the reserve binds`, audience: 'public' },
    equilibrium_revenue: { value: price === null ? null : cents(price * config.rounds), unit: 'money', definition: 'expected revenue over all items in that equilibrium', audience: 'public' },
    efficient_welfare: { value: cents(highest * config.rounds), unit: 'money', definition: "expected surplus of giving each item to its highest value", audience: 'public' },
  };
}
