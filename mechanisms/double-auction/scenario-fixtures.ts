/** Shared fixtures of the double-auction scenario tests: the textbook schedule and small helpers. */
import { expect } from 'vitest';
import { openMatch, type Match, type MatchEntry } from '../core/match.ts';
import { rowsOf } from '../core/rows.ts';
import type { LegalAction, MechEvent, SeatId } from '../core/types.ts';
import { doubleAuction, type DoubleAuctionState, type MarketPublicView, type TraderView } from './index.ts';
/** The textbook schedule: buyers p0 [120 100 80], p1 [110 90]; sellers p2 [40 60], p3 [50 70 90]. */
export const SCHEDULE = { buyers: [[120, 100, 80], [110, 90]], sellers: [[40, 60], [50, 70, 90]] };

const records = new WeakMap<Match, MatchEntry[]>();

export function market(config: Record<string, unknown> = {}, seed = 1): Match {
  const parsed = doubleAuction.configSchema.parse({ ...SCHEDULE, ...config });
  const entries: MatchEntry[] = [];
  const m = openMatch(doubleAuction, { config: { ...SCHEDULE, ...config }, seats: doubleAuction.seats(parsed).min, seed }, (e) => entries.push(e));
  records.set(m, entries);
  return m;
}

/** The participant rows of the periods a market() has closed. */
export const rows = (m: Match) => rowsOf(records.get(m) ?? []);

export const state = (m: Match) => m.state as unknown as DoubleAuctionState;
export const view = (m: Match, seat: SeatId) => m.view(seat) as TraderView;
export const pub = (m: Match) => m.publicView() as MarketPublicView;
export const placeSpec = (m: Match, seat: SeatId) => m.legal(seat).find((a) => a.type === 'placeOrder') as LegalAction | undefined;
export const priceRange = (m: Match, seat: SeatId) => {
  const spec = placeSpec(m, seat)?.params.price;
  return spec?.kind === 'number' ? [spec.min, spec.max] : null;
};

/** Places an order at time `at` and expects it accepted; returns the events. */
export function place(m: Match, seat: SeatId, price: number, at = m.now + 1): readonly MechEvent[] {
  const side = state(m).seats.indexOf(seat) < state(m).buyers ? 'bid' : 'ask';
  const r = m.submit(seat, m.state.stateId, { type: 'placeOrder', side, price }, at);
  expect(r.ok, JSON.stringify(r)).toBe(true);
  return r.ok ? r.events : [];
}

export function tryPlace(m: Match, seat: SeatId, side: string, price: number) {
  return m.submit(seat, m.state.stateId, { type: 'placeOrder', side, price }, m.now + 1);
}

export const ownIds = (m: Match, seat: SeatId) => view(m, seat).myOrders.map((o) => o.orderId);
