/**
 * How the English auction moves, in its two formats.
 *
 * Clock: the clock shows a price; every bidder still in when the clock moves on has
 * accepted that price. A bidder drops out (for good) while the clock shows a price it will
 * not pay. At each tick: with two or more still in, the clock rises by the increment (at its
 * top, those still in tie); with one still in, it wins at the price showing, the one its
 * last rival would not pay; with nobody still in, those who dropped at this price tie at
 * the price before it, which they had all accepted (at the opening price: no sale).
 *
 * Open outcry: bidders call bids of at least the standing bid plus the increment (the first
 * at least the opening price) until the close; the standing bid wins and pays itself. With
 * a soft close a bid with less than `extendMs` left moves the close to `extendMs` after it;
 * with a hard close it does not. The clock still ticks every `tickMs`, so that a bidder
 * sees time run out.
 */
import type { ApplyResult, Legal, MechEvent, SeatId } from '../core/types.ts';
import { cents } from '../core/policy.ts';
import type { SeedSet } from '../core/random.ts';
import { OPENING } from '../core/types.ts';
import { englishPriceAt, maxPriceOf, openingOf, type EnglishAction, type EnglishConfig } from './config.ts';
import { closeItem, itemReport, openingFields, ownItem, type Closing, type Exit, type ItemReport, type ItemState, type OwnItem } from './items.ts';

export const ENGLISH_ID = 'english';
/** How many of an item's bids a view lists (the record has them all). */
export const BIDS_SHOWN = 12;

export interface Bid {
  readonly bidder: number;
  readonly amount: number;
  readonly at: number;
}

export interface EnglishState extends ItemState<EnglishConfig> {
  /** Clock: who has not dropped out of this item, by seat index. */
  readonly active: readonly boolean[];
  /** Clock: seat indices that dropped while the clock showed the current price. */
  readonly droppedNow: readonly number[];
  /** Clock: this item's drop-outs so far (at most one per bidder). */
  readonly exits: readonly Exit[];
  /** Open outcry: the standing bid, and the item's latest bids. */
  readonly standing: Bid | null;
  readonly bids: readonly Bid[];
  readonly bidCount: number;
  /** Open outcry: each seat's highest bid on this item (null: none), for its row. */
  readonly bestBids: readonly (number | null)[];
  /** Open outcry: when bidding on this item closes; null until it opens. */
  readonly closesAt: number | null;
  readonly extensions: number;
}

/** A drop-out as the information policy shows it. */
export interface DropoutReport {
  readonly price: number;
  readonly seat?: SeatId;
}

export interface BidReport {
  readonly amount: number;
  readonly at: number;
  readonly bidder?: SeatId;
}

/** What everyone may know of the English auction now. */
export interface EnglishPublicView {
  readonly mechanism: string;
  readonly format: EnglishConfig['format'];
  readonly round: number;
  readonly rounds: number;
  readonly over: boolean;
  readonly bidders: number;
  readonly open: boolean;
  /** Clock: the price showing. Open outcry: the standing bid (null: no bid yet). */
  readonly price: number | null;
  readonly step: number;
  readonly opening: number;
  readonly increment: number;
  readonly maxPrice: number;
  readonly reserve: number;
  readonly tickMs: number;
  readonly openedAt: number | null;
  readonly deadline: number | null;
  /** Clock with showActive: how many are still in; null otherwise. */
  readonly active: number | null;
  /** Clock with showDropouts: this item's drop-outs; null otherwise. */
  readonly dropouts: readonly DropoutReport[] | null;
  /** Open outcry: the standing bid's bidder, with identities (null: no bid, or not shown). */
  readonly standingBidder: SeatId | null;
  readonly bids: readonly BidReport[];
  readonly bidCount: number;
  readonly close: EnglishConfig['close'];
  readonly closesAt: number | null;
  readonly extensions: number;
  readonly history: readonly ItemReport[];
}

export interface EnglishBidderView extends Omit<EnglishPublicView, 'history'> {
  readonly seat: SeatId;
  readonly value: number;
  /** Clock: whether this bidder is still in; open outcry: always true. */
  readonly in: boolean;
  /** Clock: the price at which this bidder dropped out of this item. */
  readonly myExit: number | null;
  /** Open outcry: whether the standing bid is this bidder's, and the least it may bid now (null: it may not bid). */
  readonly standingIsMine: boolean;
  readonly minBid: number | null;
  readonly history: readonly OwnItem[];
  readonly totalPayoff: number;
}

export function englishSetup(config: EnglishConfig, seats: readonly SeatId[], seeds: SeedSet): EnglishState {
  return { ...OPENING, ...openingFields(config, seats, seeds), ...freshItem(seats.length) };
}

const freshItem = (n: number) => ({ active: new Array<boolean>(n).fill(true), droppedNow: [], exits: [], standing: null, bids: [], bidCount: 0, bestBids: new Array<number | null>(n).fill(null), closesAt: null, extensions: 0 });

/** The least bid open now in open outcry. */
const minBidOf = (s: EnglishState): number => (s.standing ? cents(s.standing.amount + s.config.increment) : openingOf(s.config));

/** The next time the clock moves (open outcry: or the close, if sooner). */
function nextDeadline(s: Pick<EnglishState, 'config' | 'openedAt' | 'step' | 'closesAt'>): number {
  const tick = (s.openedAt as number) + (s.step + 1) * s.config.tickMs;
  return s.closesAt === null ? tick : Math.min(tick, s.closesAt);
}

export function englishLegal(state: EnglishState, seat: SeatId): Legal {
  const i = state.seats.indexOf(seat);
  if (state.over || i < 0 || state.openedAt === null) return [];
  const c = state.config;
  if (c.format === 'clock') {
    if (!state.active[i]) return [];
    return [{ type: 'drop', params: {}, hint: `the clock is at ${englishPriceAt(c, state.step)}; drop out if you will not pay it (you cannot come back in)` }];
  }
  if (state.standing?.bidder === i) return [];
  const min = minBidOf(state);
  const max = maxPriceOf(c);
  if (min > max) return [];
  return [{ type: 'bid', params: { amount: { kind: 'number', min, max } }, hint: `bid at least ${min}; the highest bid at the close wins and pays its bid` }];
}

export function englishApply(state: EnglishState, seat: SeatId, action: EnglishAction, at: number): ApplyResult<EnglishState> {
  const i = state.seats.indexOf(seat);
  const c = state.config;
  const stateId = state.stateId + 1;
  if (action.type === 'drop') {
    if (c.format !== 'clock' || !state.active[i]) return { ok: false, code: 'NOT_ALLOWED', message: 'you are not in the clock auction' };
    const price = englishPriceAt(c, state.step);
    const active = state.active.slice();
    active[i] = false;
    const exits = [...state.exits, { seat: i, price }];
    const left = active.filter(Boolean).length;
    const events: MechEvent[] = [{ kind: 'dropped', audience: [seat], data: { round: state.round, price } }];
    if (c.showDropouts) events.push({ kind: 'dropout', audience: 'public', data: { round: state.round, price, ...(c.showActive ? { active: left } : {}), ...(c.identities ? { seat } : {}) } });
    else if (c.showActive) events.push({ kind: 'active_count', audience: 'public', data: { round: state.round, active: left } });
    return { ok: true, state: { ...state, stateId, active, droppedNow: [...state.droppedNow, i], exits }, events };
  }
  if (c.format !== 'outcry' || state.standing?.bidder === i) return { ok: false, code: 'NOT_ALLOWED', message: 'you may not bid now' };
  const min = minBidOf(state);
  if (action.amount < min - 1e-9 || action.amount > maxPriceOf(c) + 1e-9) return { ok: false, code: 'OUT_OF_RANGE', message: `bid between ${min} and ${maxPriceOf(c)}` };
  const bid: Bid = { bidder: i, amount: action.amount, at };
  let closesAt = state.closesAt as number;
  let extensions = state.extensions;
  if (c.close === 'soft' && closesAt - at < c.extendMs) {
    closesAt = at + c.extendMs;
    extensions++;
  }
  const bestBids = state.bestBids.slice();
  bestBids[i] = action.amount;
  const next: EnglishState = { ...state, stateId, standing: bid, bids: [...state.bids.slice(-(BIDS_SHOWN - 1)), bid], bidCount: state.bidCount + 1, bestBids, closesAt, extensions };
  return {
    ok: true,
    state: { ...next, deadline: nextDeadline(next) },
    events: [
      { kind: 'bid_placed', audience: [seat], data: { round: state.round, amount: action.amount } },
      { kind: 'bid', audience: 'public', data: { round: state.round, amount: action.amount, closesAt, ...(c.identities ? { bidder: seat } : {}) } },
    ],
  };
}

export function englishAdvance(state: EnglishState, at: number): Closing<EnglishState> {
  const c = state.config;
  if (state.over) return { state, events: [] };
  if (state.openedAt === null) {
    const opened = { ...state, stateId: state.stateId + 1, openedAt: at, closesAt: c.format === 'outcry' ? at + c.durationMs : null };
    return { state: { ...opened, deadline: nextDeadline(opened) }, events: [{ kind: 'item_opened', audience: 'public', data: openedData(opened) }] };
  }
  if (state.deadline === null || at < state.deadline) return { state, events: [] };
  const now = state.deadline;
  return c.format === 'clock' ? clockTick(state, now) : outcryTick(state, now);
}

const openedData = (s: EnglishState) => ({ round: s.round, price: s.config.format === 'clock' ? englishPriceAt(s.config, 0) : null, ...(s.closesAt !== null ? { closesAt: s.closesAt } : {}) });

function clockTick(state: EnglishState, now: number): Closing<EnglishState> {
  const c = state.config;
  const price = englishPriceAt(c, state.step);
  const stayers: number[] = [];
  state.active.forEach((a, i) => a && stayers.push(i));
  if (stayers.length >= 2 && price < maxPriceOf(c)) {
    const risen: EnglishState = { ...state, stateId: state.stateId + 1, step: state.step + 1, droppedNow: [] };
    return { state: { ...risen, deadline: nextDeadline(risen) }, events: [{ kind: 'clock', audience: 'public', data: { round: state.round, price: englishPriceAt(c, risen.step), step: risen.step } }] };
  }
  if (stayers.length >= 1) return close(state, stayers, price, now);
  if (state.step === 0) return close(state, [], null, now);
  return close(state, state.droppedNow, englishPriceAt(c, state.step - 1), now);
}

function outcryTick(state: EnglishState, now: number): Closing<EnglishState> {
  if (state.closesAt !== null && now >= state.closesAt) {
    const s = state.standing;
    return close(state, s ? [s.bidder] : [], s ? s.amount : null, now);
  }
  const ticked: EnglishState = { ...state, stateId: state.stateId + 1, step: state.step + 1 };
  return { state: { ...ticked, deadline: nextDeadline(ticked) }, events: [] };
}

function close(state: EnglishState, candidates: readonly number[], price: number | null, now: number): Closing<EnglishState> {
  const c = state.config;
  const clock = c.format === 'clock';
  const exitOf = (i: number) => state.exits.find((e) => e.seat === i)?.price ?? null;
  const lastMoment = !clock && state.standing !== null && state.closesAt !== null && state.standing.at >= state.closesAt - c.tickMs;
  const detail = clock ? { exits: state.exits } : { extensions: state.extensions, lastMoment };
  const rowFields = (i: number): Record<string, number | null> => (clock ? { exit: exitOf(i) } : { bestBid: state.bestBids[i] ?? null, extensions: state.extensions });
  const closed = closeItem<EnglishConfig, EnglishState>(state, candidates, price, now, detail, rowFields, (common, over) => {
    if (over) return { ...state, ...common };
    const next: EnglishState = { ...common, ...freshItem(state.seats.length), closesAt: clock ? null : now + c.durationMs };
    return { ...next, deadline: nextDeadline(next) };
  });
  if (closed.state.over) return closed;
  return { ...closed, events: [...closed.events, { kind: 'item_opened', audience: 'public', data: openedData(closed.state) }] };
}

export function englishPublicView(state: EnglishState): EnglishPublicView {
  const c = state.config;
  const clock = c.format === 'clock';
  const seatOf = (i: number) => state.seats[i] as SeatId;
  return {
    mechanism: ENGLISH_ID,
    format: c.format,
    round: state.round,
    rounds: c.rounds,
    over: state.over,
    bidders: state.seats.length,
    open: state.openedAt !== null && !state.over,
    price: clock ? englishPriceAt(c, state.step) : (state.standing?.amount ?? null),
    step: state.step,
    opening: openingOf(c),
    increment: c.increment,
    maxPrice: maxPriceOf(c),
    reserve: c.reserve,
    tickMs: c.tickMs,
    openedAt: state.openedAt,
    deadline: state.deadline,
    active: clock && c.showActive ? state.active.filter(Boolean).length : null,
    dropouts: clock && c.showDropouts ? state.exits.map((e) => (c.identities ? { price: e.price, seat: seatOf(e.seat) } : { price: e.price })) : null,
    standingBidder: c.identities && state.standing ? seatOf(state.standing.bidder) : null,
    bids: state.bids.map((b) => (c.identities ? { amount: b.amount, at: b.at, bidder: seatOf(b.bidder) } : { amount: b.amount, at: b.at })),
    bidCount: state.bidCount,
    close: c.close,
    closesAt: state.closesAt,
    extensions: state.extensions,
    history: state.recent.map((r) => itemReport(r, c, state.seats)),
  };
}

export function englishView(state: EnglishState, seat: SeatId): EnglishBidderView {
  const i = state.seats.indexOf(seat);
  const c = state.config;
  const { history: _public, ...shown } = englishPublicView(state);
  const mine = state.standing?.bidder === i;
  const bidOpen = c.format === 'outcry' && !state.over && state.openedAt !== null && !mine && minBidOf(state) <= maxPriceOf(c);
  return {
    ...shown,
    seat,
    value: state.values[i] as number,
    in: c.format === 'outcry' || (state.active[i] ?? false),
    myExit: state.exits.find((e) => e.seat === i)?.price ?? null,
    standingIsMine: mine,
    minBid: bidOpen ? minBidOf(state) : null,
    history: state.recent.map((r) => ownItem(r, c, state.seats, i)),
    totalPayoff: state.totals[i] ?? 0,
  };
}

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

export function describeEnglish(v: EnglishBidderView): string {
  const lines = [`You are bidder ${v.seat} of ${v.bidders} in an English auction (${v.format === 'clock' ? 'ascending clock' : `open outcry, ${v.close} close`}), item ${v.round} of ${v.rounds}.`, `Your private value for this item is ${v.value}.`];
  if (v.over) lines.push('The auction is over.');
  else if (!v.open) lines.push(`The clock has not started; it opens at ${v.opening}.`);
  else if (v.format === 'clock') {
    lines.push(`The clock shows ${v.price} (it rises by ${v.increment} every ${seconds(v.tickMs)}, up to ${v.maxPrice}).`);
    lines.push(v.in ? 'You are still in: staying in when the clock moves on means you accept this price.' : `You dropped out at ${v.myExit}.`);
    if (v.active !== null) lines.push(`${v.active} of ${v.bidders} bidders are still in.`);
    if (v.dropouts?.length) lines.push(`Drop-outs so far: ${v.dropouts.map((d) => (d.seat ? `${d.seat} at ${d.price}` : `${d.price}`)).join(', ')}.`);
  } else {
    lines.push(v.price === null ? `No bid yet; the first bid must be at least ${v.opening}.` : `The standing bid is ${v.price}${v.standingIsMine ? ' (yours)' : v.standingBidder ? ` by ${v.standingBidder}` : ''}.`);
    if (v.minBid !== null) lines.push(`You may bid from ${v.minBid} to ${v.maxPrice}.`);
    if (v.closesAt !== null && v.openedAt !== null) lines.push(`Bidding closes ${seconds(v.closesAt - (v.openedAt + v.step * v.tickMs))} after the clock's last tick (its time ${seconds(v.closesAt)})${v.close === 'soft' ? ', later if a bid comes in near the close' : ' and never later'}.`);
  }
  for (const r of v.history.slice(-5)) lines.push(`Item ${r.round}: value ${r.value}, ${r.won ? `you won and paid ${r.paid}` : r.sold ? `sold at ${r.price}${r.winner ? ` to ${r.winner}` : ''}` : 'not sold'}, payoff ${r.payoff}.`);
  lines.push(`Your total payoff so far: ${v.totalPayoff}.`);
  return lines.join('\n');
}
