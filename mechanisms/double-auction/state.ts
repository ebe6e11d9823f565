/**
 * The state of a double auction and its closed periods. Arrays are indexed by seat
 * index: seats [0, buyers) are buyers, the rest sellers.
 */
import type { SeatId } from '../core/types.ts';
import type { RngState } from '../core/random.ts';
import type { DoubleAuctionConfig, Role } from './config.ts';
import type { BookSide, Order } from './book.ts';
import type { Equilibrium } from './equilibrium.ts';

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
  readonly equilibrium: Equilibrium;
  readonly end: PeriodEnd;
  readonly closedAt: number;
}

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
  /** Trades of this period. */
  readonly tape: readonly Trade[];
  readonly history: readonly PeriodRecord[];
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
