/**
 * How a VCG auction moves: each round every bidder submits one sealed list of bundle bids
 * (possibly empty); the round closes when everyone has, or at its deadline (a bidder who has
 * not bid takes no part); the auction allocates, charges the Clarke payments, records the
 * round and opens the next, with fresh values unless they are fixed. The state keeps sums
 * and the last `recall` rounds; the record keeps every round (round_record events).
 */
import { OPENING, ROUND_RECORD, type ApplyResult, type BaseState, type MechEvent, type ParticipantRound, type Rewards, type SeatId } from '../core/types.ts';
import { drawFrom } from '../core/policy.ts';
import { draw, seatRng, type Rng, type RngState, type SeedSet } from '../core/random.ts';
import { bundleName, bundleTable, marketOf, maskOf, type Market, type VcgConfig } from './config.ts';
import { bestWelfare, coreShortfall, countItems, normalise, vcg, type MaskBid } from './vcg.ts';
import { keepRecent } from '../core/recent.ts';

export const MECHANISM_ID = 'vcg';

/** A bid as a seat placed it: the items (in the config's order) and the price. */
export interface Bid {
  readonly items: readonly string[];
  readonly price: number;
}

/** One closed round; arrays by seat index. */
export interface RoundRecord {
  readonly round: number;
  /** Each seat's bids; null: it did not bid before the deadline. */
  readonly bids: readonly (readonly Bid[] | null)[];
  /** The items each seat won (a mask; 0: none). */
  readonly masks: readonly number[];
  /** The price of the bid each seat won on (0: none). */
  readonly accepted: readonly number[];
  readonly payments: readonly number[];
  /** What the won bundle is worth to each seat (private to the seat). */
  readonly wonValues: readonly number[];
  readonly revenue: number;
  readonly bidWelfare: number;
  readonly coreShortfall: number;
}

/** Sums over the closed rounds: what the outcome and the measures are made of. */
export interface Tally {
  readonly rounds: number;
  readonly revenue: number;
  readonly welfare: number;
  readonly maxWelfare: number;
  readonly bidWelfare: number;
  /** Rounds whose outcome is in the core of the bids, and the sum of the shortfalls. */
  readonly core: number;
  readonly shortfall: number;
  /** Bid lists in which every bid is the bidder's value of its bundle, and all non-empty lists. */
  readonly truthful: number;
  readonly lists: number;
  /** Sum of price / value over bids on bundles worth more than 0, and how many. */
  readonly ratioSum: number;
  readonly ratioN: number;
  readonly itemsSold: number;
}

export interface VcgState extends BaseState {
  readonly config: VcgConfig;
  readonly seats: readonly SeatId[];
  readonly round: number;
  /** Each seat's value of every bundle this round, by mask (index 0, the empty bundle, is 0). */
  readonly values: readonly (readonly number[])[];
  readonly bids: readonly (readonly Bid[] | null)[];
  readonly bidsIn: number;
  readonly recent: readonly RoundRecord[];
  readonly totals: readonly number[];
  readonly tally: Tally;
  /** Each seat's private stream (its item values). */
  readonly rng: readonly RngState[];
}

const EMPTY: Tally = { rounds: 0, revenue: 0, welfare: 0, maxWelfare: 0, bidWelfare: 0, core: 0, shortfall: 0, truthful: 0, lists: 0, ratioSum: 0, ratioN: 0, itemsSold: 0 };

/** Seat i's bundle values for one round, drawn from its own stream (explicit valuations draw nothing). */
function tableOf(market: Market, i: number, rng: Rng): number[] {
  const v = market.valuations;
  const k = market.items.length;
  if (v.family === 'explicit') {
    const listed = (v.bidders[i] ?? []).map((b) => ({ mask: maskOf(market.items, b.items), value: b.value }));
    return bundleTable(v, k, [], listed);
  }
  const itemValues = market.items.map(() => drawFrom(v.item, rng));
  return bundleTable(v, k, itemValues);
}

function drawTables(market: Market, streams: readonly RngState[]): [number[][], RngState[]] {
  const tables: number[][] = [];
  const next: RngState[] = [];
  streams.forEach((stream, i) => {
    const [table, after] = draw(stream, (rng) => tableOf(market, i, rng));
    tables.push(table);
    next.push(after);
  });
  return [tables, next];
}

export function firstRound(config: VcgConfig, seats: readonly SeatId[], seeds: SeedSet): VcgState {
  const market = marketOf(config);
  const values: number[][] = [];
  const rng: RngState[] = [];
  for (let i = 0; i < seats.length; i++) {
    const stream = seatRng(seeds, i);
    values.push(tableOf(market, i, stream));
    rng.push(stream.state());
  }
  return { ...OPENING, config, seats, round: 1, values, bids: new Array<null>(seats.length).fill(null), bidsIn: 0, recent: [], totals: new Array<number>(seats.length).fill(0), tally: EMPTY, rng };
}

/** A seat's bids as masks, for the auction. */
const masked = (items: readonly string[], bids: readonly Bid[] | null): MaskBid[] => normalise((bids ?? []).map((b) => ({ mask: maskOf(items, b.items), price: b.price })));

/** Takes a seat's bid list (legal() has checked it): items put in the config's order. The last list in closes the round. */
export function placeBids(state: VcgState, seat: SeatId, bids: readonly Bid[], at: number): ApplyResult<VcgState> {
  const i = state.seats.indexOf(seat);
  if (state.bids[i] !== null) return { ok: false, code: 'NOT_YOUR_TURN', message: 'you have bid this round' };
  const { items } = marketOf(state.config);
  const ordered = bids.map((b) => ({ items: items.filter((x) => b.items.includes(x)), price: b.price }));
  const all = state.bids.slice();
  all[i] = ordered;
  const placed: VcgState = { ...state, bids: all, bidsIn: state.bidsIn + 1 };
  const events: MechEvent[] = [
    { kind: 'bid_placed', audience: [seat], data: { round: state.round, bids: ordered } },
    { kind: 'bid_count', audience: 'public', data: { round: state.round, bidsIn: placed.bidsIn } },
  ];
  if (placed.bidsIn < state.seats.length) return { ok: true, state: { ...placed, stateId: state.stateId + 1 }, events };
  const closed = closeRound(placed, at);
  return { ok: true, state: closed.state, events: [...events, ...closed.events], ...(closed.rewards ? { rewards: closed.rewards } : {}) };
}

interface Transition {
  readonly state: VcgState;
  readonly events: MechEvent[];
  readonly rewards?: Rewards;
}

/** Lets time pass: schedules the open round's deadline, or closes the round once it has come. */
export function advanceTo(state: VcgState, at: number): Transition {
  if (state.over || state.config.roundMs === null) return { state, events: [] };
  if (state.deadline === null) return { state: { ...state, stateId: state.stateId + 1, deadline: at + state.config.roundMs }, events: [] };
  if (at < state.deadline) return { state, events: [] };
  return closeRound(state, state.deadline);
}

/** A closed round as everyone may see it under the information policy. */
export interface PublicRound {
  readonly round: number;
  /** reveal 'revenue' and beyond: the sum of payments, the sum of the accepted bids, items sold, whether the outcome is in the core of the bids. */
  readonly revenue?: number;
  readonly bidWelfare?: number;
  readonly itemsSold?: number;
  readonly inCore?: boolean;
  readonly coreShortfall?: number;
  /** reveal 'allocation' and 'allBids': each winner's bundle, its bid on it and its payment. */
  readonly winners?: readonly { readonly seat: SeatId; readonly bundle: string; readonly bid: number; readonly paid: number }[];
  /** reveal 'allBids': every seat's bids (null: did not bid). */
  readonly bids?: Readonly<Record<SeatId, readonly Bid[] | null>>;
}

export function publicRound(state: Pick<VcgState, 'config' | 'seats'>, r: RoundRecord): PublicRound {
  const reveal = state.config.reveal;
  if (reveal === 'nothing') return { round: r.round };
  const { items } = marketOf(state.config);
  const sold = r.masks.reduce((a, m) => a | m, 0);
  const summary = { round: r.round, revenue: r.revenue, bidWelfare: r.bidWelfare, itemsSold: countItems(sold), inCore: r.coreShortfall === 0, coreShortfall: r.coreShortfall };
  if (reveal === 'revenue') return summary;
  const winners = state.seats.flatMap((seat, i) => ((r.masks[i] as number) === 0 ? [] : [{ seat, bundle: bundleName(items, r.masks[i] as number), bid: r.accepted[i] as number, paid: r.payments[i] as number }]));
  if (reveal === 'allocation') return { ...summary, winners };
  return { ...summary, winners, bids: Object.fromEntries(state.seats.map((s, i) => [s, r.bids[i] ?? null])) };
}

/** A closed round as one bidder sees it: its bids and result, and what the reveal shows. */
export interface OwnRound extends PublicRound {
  readonly myBids: readonly Bid[] | null;
  /** The bundle won, or null. */
  readonly won: string | null;
  /** What the won bundle is worth to you (0 when nothing is won). */
  readonly value: number;
  readonly paid: number;
  readonly payoff: number;
}

export function ownRound(state: Pick<VcgState, 'config' | 'seats'>, r: RoundRecord, i: number): OwnRound {
  const mask = r.masks[i] as number;
  const value = r.wonValues[i] as number;
  const paid = r.payments[i] as number;
  return { ...publicRound(state, r), myBids: r.bids[i] ?? null, won: mask === 0 ? null : bundleName(marketOf(state.config).items, mask), value, paid, payoff: value - paid };
}

/** A seat's values by bundle name, every non-empty bundle in mask order. */
export function valuesByBundle(items: readonly string[], table: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (let m = 1; m < table.length; m++) out[bundleName(items, m)] = table[m] as number;
  return out;
}

const TRUTH = 1e-6;

/** Closes the round at `at`: allocates, pays, records, opens the next round or ends the auction. One transition. */
function closeRound(state: VcgState, at: number): Transition {
  const { config, seats } = state;
  const market = marketOf(config);
  const k = market.items.length;
  const n = seats.length;
  const bids = state.bids.map((b) => masked(market.items, b));
  const result = vcg(bids, k);
  const shortfall = coreShortfall(bids, result, k);
  const wonValues = result.masks.map((m, i) => (state.values[i] as readonly number[])[m] as number);
  const record: RoundRecord = { round: state.round, bids: state.bids, masks: result.masks, accepted: result.accepted, payments: result.payments, wonValues, revenue: result.revenue, bidWelfare: result.bidWelfare, coreShortfall: shortfall };

  // The efficient allocation under the true values: every bundle bid at its value.
  const truth = state.values.map((table) => table.flatMap((value, mask) => (mask > 0 && value > 0 ? [{ mask, price: value }] : [])));
  const maxWelfare = bestWelfare(truth, k);
  let welfare = 0;
  for (const v of wonValues) welfare += v;

  const t = state.tally;
  let { truthful, lists, ratioSum, ratioN } = t;
  const rows: ParticipantRound[] = [];
  const events: MechEvent[] = [{ kind: 'round_closed', audience: 'public', data: publicRound(state, record) as unknown as Record<string, unknown> }];
  const rewards: Record<SeatId, number> = {};
  const totals = state.totals.slice();
  seats.forEach((seat, i) => {
    const table = state.values[i] as readonly number[];
    const own = state.bids[i] ?? null;
    let honest: boolean | null = null;
    if (own && own.length) {
      honest = true;
      for (const b of own) {
        const value = table[maskOf(market.items, b.items)] as number;
        if (Math.abs(b.price - value) > TRUTH * Math.max(1, value)) honest = false;
        if (value > 0) {
          ratioSum += b.price / value;
          ratioN++;
        }
      }
      lists++;
      if (honest) truthful++;
    }
    const mine = ownRound(state, record, i);
    totals[i] = (totals[i] as number) + mine.payoff;
    if (mine.payoff !== 0) rewards[seat] = mine.payoff;
    events.push({ kind: 'round_result', audience: [seat], data: { ...mine, values: valuesByBundle(market.items, table), totalPayoff: totals[i] as number } as unknown as Record<string, unknown> });
    rows.push({
      round: state.round,
      seat,
      role: 'bidder',
      fields: { bids: own === null ? null : own.length, truthful: honest, won: mine.won, value: mine.value, bid: result.accepted[i] as number, paid: mine.paid, revenue: result.revenue, in_core: shortfall === 0 },
      payoff: mine.payoff,
      outside: 0,
    });
  });
  events.push({ kind: ROUND_RECORD, audience: 'experimenter', data: { round: state.round, rows } });

  const tally: Tally = {
    rounds: t.rounds + 1,
    revenue: t.revenue + result.revenue,
    welfare: t.welfare + welfare,
    maxWelfare: t.maxWelfare + Math.max(maxWelfare, welfare),
    bidWelfare: t.bidWelfare + result.bidWelfare,
    core: t.core + (shortfall === 0 ? 1 : 0),
    shortfall: t.shortfall + shortfall,
    truthful,
    lists,
    ratioSum,
    ratioN,
    itemsSold: t.itemsSold + countItems(result.masks.reduce((a, m) => a | m, 0)),
  };
  const over = state.round >= config.rounds;
  let values = state.values;
  let rng = state.rng;
  if (!over && config.freshValues && market.valuations.family !== 'explicit') [values, rng] = drawTables(market, rng);
  const recent = keepRecent(state.recent, record, config.recall);
  const stateId = state.stateId + 1;
  return {
    state: {
      ...state,
      stateId,
      phaseId: stateId,
      deadline: over || config.roundMs === null ? null : at + config.roundMs,
      over,
      round: over ? state.round : state.round + 1,
      values,
      bids: over ? state.bids : new Array<null>(n).fill(null),
      bidsIn: over ? state.bidsIn : 0,
      recent,
      totals,
      tally,
      rng,
    },
    events,
    rewards,
  };
}
