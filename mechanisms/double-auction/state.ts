/**
 * The state of a double auction and its closed periods. Arrays are indexed by seat
 * index: seats [0, buyers) are buyers, the rest sellers.
 */
import type { SeatId } from '../core/types.ts';
import type { RngState } from '../core/random.ts';
import type { DoubleAuctionConfig, Role } from './config.ts';
import type { BookSide, Order } from './book.ts';
import type { Equilibrium } from './equilibrium.ts';
import type { Schedules } from './schedules.ts';

/** A trade on the public tape. */
export interface TapeEntry {
  readonly price: number;
  readonly at: number;
  readonly buyer?: SeatId;
  readonly seller?: SeatId;
}

export const MECHANISM_ID = 'double-auction';

/** One trade; `buyer` and `seller` are seat indices, `value` and `cost` the units it used. */
export interface Trade {
  readonly price: number;
  readonly at: number;
  readonly buyer: number;
  readonly seller: number;
  readonly value: number;
  readonly cost: number;
}

export type PeriodEnd = 'deadline' | 'unitsExhausted';

/** A closed period, as the engine keeps it (arrays indexed by seat index). */
export interface PeriodRecord {
  readonly period: number;
  readonly schedules: readonly (readonly number[])[];
  readonly traded: readonly number[];
  readonly profit: readonly number[];
  readonly trades: readonly Trade[];
  /** Trade prices in order, and the market's anonymous demand and supply: what a reveal shows. */
  readonly prices: readonly number[];
  readonly market: Schedules;
  readonly equilibrium: Equilibrium;
  readonly end: PeriodEnd;
  readonly closedAt: number;
}

/** Sums over the closed periods: what the outcome and the measures are made of. */
export interface MarketTally {
  readonly periods: number;
  readonly welfare: number;
  readonly maxWelfare: number;
  readonly trades: number;
  readonly turnover: number;
  /** Sum of squared deviations of trade prices from their period's CE midpoint. */
  readonly squares: number;
  readonly ceQuantity: number;
  readonly midSum: number;
  readonly midCount: number;
}

export const EMPTY_TALLY: MarketTally = { periods: 0, welfare: 0, maxWelfare: 0, trades: 0, turnover: 0, squares: 0, ceQuantity: 0, midSum: 0, midCount: 0 };

export interface DoubleAuctionState {
  readonly stateId: number;
  readonly phaseId: number;
  readonly deadline: number | null;
  readonly over: boolean;
  readonly config: DoubleAuctionConfig;
  readonly seats: readonly SeatId[];
  /** Seats [0, buyers) are buyers, the rest sellers. */
  readonly buyers: number;
  readonly period: number;
  /** Each seat's units this period in trading order: values descending (buyers), costs ascending (sellers). */
  readonly schedules: readonly (readonly number[])[];
  /** Units each seat has traded this period. */
  readonly traded: readonly number[];
  /** Profit of each seat this period and over the match so far. */
  readonly profit: readonly number[];
  readonly totals: readonly number[];
  readonly bids: readonly Order[];
  readonly asks: readonly Order[];
  readonly nextOrderId: number;
  /** Trades of this period, and the same as everyone sees them (parties only with showTradeParties). */
  readonly tape: readonly Trade[];
  readonly publicTape: readonly TapeEntry[];
  /** The last `recall` closed periods (the record has every one, as round_record events). */
  readonly recent: readonly PeriodRecord[];
  readonly tally: MarketTally;
  /** Each seat's private stream (drawn schedules). */
  readonly rng: readonly RngState[];
}

/** Seat index of a seat; seats are normally `p0`, `p1`... in order, so the name says where to look. */
export function seatIndex(state: DoubleAuctionState, seat: SeatId): number {
  const guess = Number(seat.slice(1));
  if (state.seats[guess] === seat) return guess;
  return state.seats.indexOf(seat);
}

export const sideOf = (state: DoubleAuctionState, i: number): BookSide => (i < state.buyers ? 'bid' : 'ask');
export const roleOf = (state: DoubleAuctionState, i: number): Role => (i < state.buyers ? 'buyer' : 'seller');
