import { describe, expect, it } from 'vitest';
import { openMatch, type Match } from '../core/match.ts';
import type { LegalAction, MechEvent, SeatId } from '../core/types.ts';
import { doubleAuction, type DoubleAuctionState, type MarketPublicView, type TraderView } from './index.ts';

/** The textbook schedule: buyers p0 [120 100 80], p1 [110 90]; sellers p2 [40 60], p3 [50 70 90]. */
const SCHEDULE = { buyers: [[120, 100, 80], [110, 90]], sellers: [[40, 60], [50, 70, 90]] };

function market(config: Record<string, unknown> = {}, seed = 1): Match {
  const parsed = doubleAuction.configSchema.parse({ ...SCHEDULE, ...config });
  return openMatch(doubleAuction, { config: { ...SCHEDULE, ...config }, seats: doubleAuction.seats(parsed).min, seed });
}

const state = (m: Match) => m.state as unknown as DoubleAuctionState;
const view = (m: Match, seat: SeatId) => m.view(seat) as TraderView;
const pub = (m: Match) => m.publicView() as MarketPublicView;
const placeSpec = (m: Match, seat: SeatId) => m.legal(seat).find((a) => a.type === 'placeOrder') as LegalAction | undefined;
const priceRange = (m: Match, seat: SeatId) => {
  const spec = placeSpec(m, seat)?.params.price;
  return spec?.kind === 'number' ? [spec.min, spec.max] : null;
};

/** Places an order at time `at` and expects it accepted; returns the events. */
function place(m: Match, seat: SeatId, price: number, at = m.now + 1): readonly MechEvent[] {
  const side = state(m).seats.indexOf(seat) < state(m).buyers ? 'bid' : 'ask';
  const r = m.submit(seat, m.state.stateId, { type: 'placeOrder', side, price }, at);
  expect(r.ok, JSON.stringify(r)).toBe(true);
  return r.ok ? r.events : [];
}

function tryPlace(m: Match, seat: SeatId, side: string, price: number) {
  return m.submit(seat, m.state.stateId, { type: 'placeOrder', side, price }, m.now + 1);
}

const ownIds = (m: Match, seat: SeatId) => view(m, seat).myOrders.map((o) => o.orderId);

describe('double-auction: seats, roles and sides', () => {
  it('buyers first, then sellers; exactly as many seats as traders', () => {
    const config = doubleAuction.configSchema.parse(SCHEDULE);
    const plan = doubleAuction.seats(config);
    expect([plan.min, plan.max]).toEqual([4, 4]);
    expect(plan.roles(4)).toEqual(['buyer', 'buyer', 'seller', 'seller']);
    const drawn = doubleAuction.seats(doubleAuction.configSchema.parse({ buyers: 3, sellers: 2 }));
    expect(drawn.roles(5)).toEqual(['buyer', 'buyer', 'buyer', 'seller', 'seller']);
    expect(() => openMatch(doubleAuction, { config: SCHEDULE, seats: 5, seed: 1 })).toThrow(/seats/);
  });

  it('a buyer may only bid and a seller only ask', () => {
    const m = market();
    expect(placeSpec(m, 'p0')?.params.side).toEqual({ kind: 'choice', options: ['bid'] });
    expect(placeSpec(m, 'p2')?.params.side).toEqual({ kind: 'choice', options: ['ask'] });
    expect(tryPlace(m, 'p0', 'ask', 50)).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
    expect(tryPlace(m, 'p2', 'bid', 50)).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
    expect(doubleAuction.apply(state(m), 'p2', { type: 'placeOrder', side: 'bid', price: 50 }, 0)).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
  });

  it('given schedules are used best unit first', () => {
    const m = market({ buyers: [[80, 120, 100]], sellers: [[90, 40]] });
    expect(view(m, 'p0').units).toEqual({ traded: 0, left: 3, next: 120, remaining: [120, 100, 80] });
    expect(view(m, 'p1').units).toEqual({ traded: 0, left: 2, next: 40, remaining: [40, 90] });
  });
});

describe('double-auction: matching', () => {
  it('a crossing bid trades at the standing ask’s price; a crossing ask at the standing bid’s price', () => {
    const m = market();
    place(m, 'p2', 50);
    const events = place(m, 'p0', 70);
    const trade = events.find((e) => e.kind === 'trade');
    expect(trade).toMatchObject({ audience: 'public', data: { price: 50, period: 1 } });
    expect(trade?.data).not.toHaveProperty('buyer');
    expect(events.find((e) => e.kind === 'bought')).toMatchObject({ audience: ['p0'], data: { price: 50, value: 120, profit: 70 } });
    expect(events.find((e) => e.kind === 'sold')).toMatchObject({ audience: ['p2'], data: { price: 50, cost: 40, profit: 10 } });
    place(m, 'p1', 95);
    place(m, 'p3', 60);
    expect(pub(m).tape.map((t) => t.price)).toEqual([50, 95]);
    expect(view(m, 'p1').myTrades).toEqual([{ price: 95, at: m.now, unit: 110, profit: 15 }]);
    expect(view(m, 'p3').periodProfit).toBe(45);
    expect(pub(m).book).toEqual({ bids: [], asks: [] });
  });

  it('price priority: the best standing order trades first, whatever its age', () => {
    const m = market({ sellers: [[40], [40], [40]] });
    place(m, 'p2', 60);
    place(m, 'p3', 55);
    place(m, 'p4', 58);
    const events = place(m, 'p0', 100);
    expect(events.find((e) => e.kind === 'trade')?.data.price).toBe(55);
    expect(events.find((e) => e.kind === 'sold')?.audience).toEqual(['p3']);
    expect(pub(m).book.asks.map((l) => l.price)).toEqual([58, 60]);
  });

  it('time priority: among equal prices the earliest order trades first', () => {
    const m = market({ sellers: [[40], [40], [40]] });
    place(m, 'p3', 60);
    place(m, 'p2', 60);
    place(m, 'p4', 60);
    expect(place(m, 'p0', 60).find((e) => e.kind === 'sold')?.audience).toEqual(['p3']);
    expect(place(m, 'p1', 75).find((e) => e.kind === 'sold')?.audience).toEqual(['p2']);
    // A replaced order loses its place in the queue.
    const n = market({ buyers: [[100], [100], [100]], sellers: [[10]] });
    place(n, 'p0', 50);
    place(n, 'p1', 50);
    place(n, 'p0', 50);
    expect(place(n, 'p3', 50).find((e) => e.kind === 'bought')?.audience).toEqual(['p1']);
  });

  it('a non-crossing order rests: the public book shows price levels and sizes, best first, no owners', () => {
    const m = market({ buyers: [[120], [110], [100]], sellers: [[40], [50]] });
    place(m, 'p0', 80);
    place(m, 'p1', 90);
    place(m, 'p2', 80);
    place(m, 'p3', 95);
    place(m, 'p4', 130);
    expect(pub(m).book).toEqual({ bids: [{ price: 90, size: 1 }, { price: 80, size: 2 }], asks: [{ price: 95, size: 1 }, { price: 130, size: 1 }] });
    expect(view(m, 'p1').book).toEqual(pub(m).book);
    expect(view(m, 'p1').myOrders).toEqual([{ orderId: 2, side: 'bid', price: 90 }]);
    expect(pub(m).tape).toEqual([]);
  });

  it('showOrderOwners and showTradeParties put names in the book and on the tape', () => {
    const m = market({ showOrderOwners: true, showTradeParties: true });
    place(m, 'p0', 80);
    place(m, 'p1', 80);
    expect(pub(m).book.bids).toEqual([{ price: 80, size: 2, owners: ['p0', 'p1'] }]);
    const events = place(m, 'p3', 70);
    expect(events.find((e) => e.kind === 'trade')?.data).toMatchObject({ price: 80, buyer: 'p0', seller: 'p3' });
    expect(pub(m).tape).toEqual([{ price: 80, at: m.now, buyer: 'p0', seller: 'p3' }]);
  });

  it('the owner alone learns its order id', () => {
    const m = market();
    const events = place(m, 'p0', 80);
    expect(events).toEqual([
      { kind: 'clock_started', audience: 'public', data: { period: 1, deadline: m.now + 180_000 } },
      { kind: 'order_placed', audience: 'public', data: { period: 1, side: 'bid', price: 80 } },
      { kind: 'own_order_placed', audience: ['p0'], data: { period: 1, orderId: 1, side: 'bid', price: 80, resting: true } },
    ]);
  });
});

describe('double-auction: order rules', () => {
  it('improvement rule on: a new bid must beat the best bid, a new ask undercut the best ask; crossing stays allowed', () => {
    const m = market({ improvementRule: true, tick: 5, maxPrice: 150 });
    place(m, 'p0', 80);
    expect(priceRange(m, 'p1')).toEqual([85, 110]);
    expect(tryPlace(m, 'p1', 'bid', 80)).toMatchObject({ ok: false, code: 'OUT_OF_RANGE' });
    place(m, 'p2', 100);
    expect(priceRange(m, 'p3')).toEqual([50, 95]);
    expect(tryPlace(m, 'p3', 'ask', 100)).toMatchObject({ ok: false, code: 'OUT_OF_RANGE' });
    // The holder of the best bid must beat it too.
    expect(priceRange(m, 'p0')).toEqual([85, 120]);
    // A bid above the best ask trades at the ask.
    expect(place(m, 'p1', 105).find((e) => e.kind === 'trade')?.data.price).toBe(100);
  });

  it('improvement rule: when nothing beats the best bid, a buyer can only cancel', () => {
    const m = market({ improvementRule: true });
    place(m, 'p0', 120);
    expect(m.legal('p1')).toEqual([]);
    expect(m.legal('p0').map((a) => a.type)).toEqual(['cancelOrder']);
  });

  it('improvement rule off: any price in range, below the best bid included', () => {
    const m = market();
    place(m, 'p0', 80);
    expect(priceRange(m, 'p1')).toEqual([0, 110]);
    place(m, 'p1', 10);
    expect(pub(m).book.bids.map((l) => l.price)).toEqual([80, 10]);
  });

  it('clear-book-after-trade withdraws every open order after a trade', () => {
    const m = market({ clearBookAfterTrade: true });
    place(m, 'p0', 60);
    place(m, 'p1', 50);
    place(m, 'p3', 95);
    const events = place(m, 'p2', 55);
    expect(events.find((e) => e.kind === 'trade')?.data.price).toBe(60);
    expect(events.find((e) => e.kind === 'book_cleared')).toMatchObject({ audience: 'public', data: { orders: 2 } });
    expect(pub(m).book).toEqual({ bids: [], asks: [] });
    expect(view(m, 'p1').myOrders).toEqual([]);
    // Without the rule the other orders stay.
    const n = market();
    place(n, 'p0', 60);
    place(n, 'p1', 50);
    place(n, 'p3', 95);
    place(n, 'p2', 55);
    expect(pub(n).book).toEqual({ bids: [{ price: 50, size: 1 }], asks: [{ price: 95, size: 1 }] });
  });

  it('cancel: only your own open orders are legal; another trader’s id is not', () => {
    const m = market();
    expect(m.legal('p0').map((a) => a.type)).toEqual(['placeOrder']);
    place(m, 'p0', 60);
    place(m, 'p1', 70);
    expect(m.legal('p0')[1]).toEqual({ type: 'cancelOrder', params: { orderId: { kind: 'choice', options: [1] } } });
    expect(m.submit('p0', m.state.stateId, { type: 'cancelOrder', orderId: 2 }, m.now)).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
    expect(m.submit('p2', m.state.stateId, { type: 'cancelOrder', orderId: 1 }, m.now)).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
    const r = m.submit('p0', m.state.stateId, { type: 'cancelOrder', orderId: 1 }, m.now);
    expect(r.ok).toBe(true);
    expect(r.ok && r.events).toEqual([
      { kind: 'order_cancelled', audience: 'public', data: { period: 1, side: 'bid', price: 60, reason: 'cancelled' } },
      { kind: 'own_order_cancelled', audience: ['p0'], data: { period: 1, orderId: 1, side: 'bid', price: 60, reason: 'cancelled' } },
    ]);
    expect(pub(m).book.bids).toEqual([{ price: 70, size: 1 }]);
    expect(m.legal('p0').map((a) => a.type)).toEqual(['placeOrder']);
    // The engine itself refuses someone else's order even without the legal() check.
    expect(doubleAuction.apply(state(m), 'p0', { type: 'cancelOrder', orderId: 2 }, m.now)).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
  });

  it('one open order per trader by default: a new order replaces the previous one', () => {
    const m = market();
    place(m, 'p0', 60);
    const events = place(m, 'p0', 65);
    expect(events.map((e) => e.kind)).toEqual(['order_cancelled', 'own_order_cancelled', 'order_placed', 'own_order_placed']);
    expect(events[1]?.data).toMatchObject({ orderId: 1, reason: 'replaced' });
    expect(view(m, 'p0').myOrders).toEqual([{ orderId: 2, side: 'bid', price: 65 }]);
    expect(placeSpec(m, 'p0')?.hint).toMatch(/replaces your order #2/);
  });

  it('several open orders up to the cap, never more than units left; at the cap the oldest is replaced', () => {
    const m = market({ maxOpenOrdersPerTrader: 2, allowLoss: true });
    place(m, 'p0', 60);
    place(m, 'p0', 61);
    expect(ownIds(m, 'p0')).toEqual([1, 2]);
    place(m, 'p0', 62);
    expect(ownIds(m, 'p0')).toEqual([2, 3]);
    // p2 has two units: after one trades, one order at most.
    place(m, 'p2', 100);
    place(m, 'p2', 101);
    place(m, 'p1', 100);
    expect(view(m, 'p2').units.left).toBe(1);
    expect(ownIds(m, 'p2')).toEqual([5]);
    expect(placeSpec(m, 'p2')?.hint).toMatch(/replaces your order #5/);
  });

  it('no loss by default: bids up to the next unit’s value, asks from its cost, floored/ceiled onto the grid', () => {
    const m = market({ buyers: [[87]], sellers: [[42]], tick: 5 });
    expect(priceRange(m, 'p0')).toEqual([0, 85]);
    expect(priceRange(m, 'p1')).toEqual([45, 200]);
    expect(tryPlace(m, 'p0', 'bid', 90)).toMatchObject({ ok: false, code: 'OUT_OF_RANGE' });
    expect(tryPlace(m, 'p1', 'ask', 40)).toMatchObject({ ok: false, code: 'OUT_OF_RANGE' });
    const loss = market({ buyers: [[87]], sellers: [[42]], tick: 5, allowLoss: true });
    expect(priceRange(loss, 'p0')).toEqual([0, 200]);
    expect(priceRange(loss, 'p1')).toEqual([0, 200]);
  });

  it('the bound follows the next unit as units trade', () => {
    const m = market();
    place(m, 'p2', 40);
    place(m, 'p0', 120);
    expect(priceRange(m, 'p0')).toEqual([0, 100]);
    expect(priceRange(m, 'p2')).toEqual([60, 200]);
  });

  it('several orders without loss: every open order must be covered by the units left', () => {
    const m = market({ maxOpenOrdersPerTrader: 3 });
    // p0's units are worth 120, 100, 80: a second bid may go up to 100, a third up to 80.
    expect(priceRange(m, 'p0')).toEqual([0, 120]);
    place(m, 'p0', 80);
    expect(priceRange(m, 'p0')).toEqual([0, 100]);
    place(m, 'p0', 70);
    expect(priceRange(m, 'p0')).toEqual([0, 80]);
    place(m, 'p0', 60);
    // At the cap a new bid replaces the oldest (80); the others stay covered by the 80 unit.
    expect(priceRange(m, 'p0')).toEqual([0, 80]);
    // A bid that the next unit could not cover blocks further orders until one is cancelled.
    const n = market({ maxOpenOrdersPerTrader: 2 });
    place(n, 'p0', 110);
    expect(n.legal('p0').map((a) => a.type)).toEqual(['cancelOrder']);
    // Whatever order trades, no unit trades at a loss.
    place(m, 'p3', 50);
    place(m, 'p2', 40);
    place(m, 'p2', 60);
    expect(view(m, 'p0').myTrades.every((t) => t.profit >= 0)).toBe(true);
  });

  it('edge prices: the minimum and the maximum are legal, off-grid and out-of-range prices are not', () => {
    const m = market({ buyers: [[300], [300]], sellers: [[0], [0]], minPrice: 10, maxPrice: 250, tick: 0.5 });
    expect(tryPlace(m, 'p0', 'bid', 250.5)).toMatchObject({ ok: false, code: 'OUT_OF_RANGE' });
    expect(tryPlace(m, 'p0', 'bid', 9.5)).toMatchObject({ ok: false, code: 'OUT_OF_RANGE' });
    expect(tryPlace(m, 'p0', 'bid', 100.25)).toMatchObject({ ok: false, code: 'OUT_OF_RANGE' });
    expect(tryPlace(m, 'p0', 'bid', Number.NaN)).toMatchObject({ ok: false });
    place(m, 'p0', 250);
    place(m, 'p1', 10);
    expect(place(m, 'p2', 10).find((e) => e.kind === 'trade')?.data.price).toBe(250);
    expect(place(m, 'p3', 10).find((e) => e.kind === 'trade')?.data.price).toBe(10);
    // A price within the grid tolerance is stored exactly on the grid.
    const n = market({ tick: 0.1 });
    place(n, 'p0', 0.1 + 0.2);
    expect(pub(n).book.bids[0]?.price).toBe(0.3);
  });

  it('a trader with no units left has nothing to do', () => {
    const m = market();
    place(m, 'p2', 40);
    place(m, 'p0', 50);
    place(m, 'p2', 60);
    place(m, 'p1', 60);
    expect(view(m, 'p2').units).toEqual({ traded: 2, left: 0, next: null, remaining: [] });
    expect(m.legal('p2')).toEqual([]);
    expect(tryPlace(m, 'p2', 'ask', 100)).toMatchObject({ ok: false, code: 'NOT_YOUR_TURN' });
  });

  it('rejects bad configs naming the field', () => {
    expect(() => market({ tick: 7 })).toThrow(/tick/);
    expect(() => market({ minPrice: 50, maxPrice: 50 })).toThrow(/maxPrice/);
    expect(() => market({ buyers: [[]] })).toThrow(/buyers/);
    expect(() => market({ maxOpenOrdersPerTrader: 0 })).toThrow(/maxOpenOrdersPerTrader/);
  });
});

describe('double-auction: periods and time', () => {
  it('the first tick starts the clock; the deadline closes the period, clears the book and gives units back', () => {
    const m = market({ periods: 2, periodMs: 10_000 });
    expect(m.state.deadline).toBeNull();
    m.tick(500);
    expect(m.state.deadline).toBe(10_500);
    expect(m.state.stateId).toBe(1);
    expect(m.state.phaseId).toBe(0);
    place(m, 'p0', 50, 1000);
    place(m, 'p2', 40, 2000);
    place(m, 'p1', 30, 3000);
    // Trades do not make earlier stateIds of the same period stale.
    const early = state(m).phaseId;
    expect(m.submit('p3', early, { type: 'placeOrder', side: 'ask', price: 100 }, 4000).ok).toBe(true);
    expect(m.tick(10_499)).toEqual([]);
    const events = m.tick(10_500);
    expect(events.find((e) => e.kind === 'period_closed')).toMatchObject({ audience: 'public', data: { period: 1, trades: 1, prices: [50], end: 'deadline' } });
    expect(events.find((e) => e.kind === 'period_result' && (e.audience as string[])[0] === 'p0')?.data).toEqual({ period: 1, units: 1, profit: 70 });
    expect(events.find((e) => e.kind === 'period_opened')?.data).toEqual({ period: 2, deadline: 20_500 });
    const s = state(m);
    expect(s.period).toBe(2);
    expect(s.phaseId).toBe(s.stateId);
    expect(s.deadline).toBe(20_500);
    expect(pub(m).book).toEqual({ bids: [], asks: [] });
    expect(pub(m).tape).toEqual([]);
    expect(view(m, 'p0').units).toEqual({ traded: 0, left: 3, next: 120, remaining: [120, 100, 80] });
    expect(view(m, 'p0')).toMatchObject({ periodProfit: 0, totalProfit: 70, history: [{ period: 1, prices: [50], units: 1, profit: 70 }] });
    // An order naming the old period is stale.
    expect(m.submit('p0', early, { type: 'placeOrder', side: 'bid', price: 50 }, 11_000)).toMatchObject({ ok: false, code: 'STALE_STATE' });
    m.tick(20_500);
    expect(m.over).toBe(true);
    expect(m.state.deadline).toBeNull();
    expect(m.legal('p0')).toEqual([]);
  });

  it('an order sent after the deadline lands too late: the period closes first', () => {
    const m = market({ periods: 2, periodMs: 1000 });
    m.tick(0);
    const r = m.submit('p0', m.state.stateId, { type: 'placeOrder', side: 'bid', price: 50 }, 1000);
    expect(r).toMatchObject({ ok: false, code: 'STALE_STATE' });
    expect(state(m).period).toBe(2);
  });

  it('the first order starts the clock when no tick came before', () => {
    const m = market({ periodMs: 5000 });
    place(m, 'p0', 50, 300);
    expect(m.state.deadline).toBe(5300);
  });

  it('a period ends early once every seller (or every buyer) has traded all units', () => {
    const m = market({ periods: 2, sellers: [[40], [50]] });
    m.tick(0);
    place(m, 'p2', 40);
    const events = place(m, 'p0', 100);
    expect(events.some((e) => e.kind === 'period_closed')).toBe(false);
    place(m, 'p1', 60);
    const last = place(m, 'p3', 55);
    expect(last.find((e) => e.kind === 'period_closed')?.data).toMatchObject({ period: 1, trades: 2, end: 'unitsExhausted' });
    expect(state(m).period).toBe(2);
    expect(m.state.deadline).toBe(m.now + 180_000);
    expect(pub(m).history[0]).toMatchObject({ period: 1, prices: [40, 60], end: 'unitsExhausted' });
  });

  it('an empty period: nobody trades, everyone earns 0', () => {
    const m = market({ periods: 1, periodMs: 1000 });
    m.tick(0);
    place(m, 'p0', 10);
    place(m, 'p2', 150);
    m.tick(1000);
    expect(m.over).toBe(true);
    const o = m.outcome();
    expect(o.payoffs).toEqual({ p0: 0, p1: 0, p2: 0, p3: 0 });
    expect(o.welfare).toBe(0);
    expect(o.maxWelfare).toBe(200);
    expect(o.measures).toEqual({ trades: 0, turnover: 0, ce_quantity: 4, ce_price_mid: 85, mean_price: null, price_rmsd: null });
    expect(o.rows).toHaveLength(4);
    expect(o.rows.every((r) => r.payoff === 0 && r.outside === 0)).toBe(true);
  });

  it('drawn schedules: fixed by default, fresh every period with freshValues', () => {
    const drawn = { buyers: 2, sellers: 2, unitsPerTrader: 3, values: { kind: 'uniform', low: 0, high: 200 }, periods: 3, periodMs: 1000 };
    const units = (m: Match) => {
      const seen: number[][] = [];
      m.tick(0);
      while (!m.over) {
        seen.push([...view(m, 'p0').units.remaining]);
        m.tick(m.state.deadline as number);
      }
      return seen;
    };
    const fixed = units(market(drawn, 4));
    expect(fixed[0]).toHaveLength(3);
    expect(fixed[0]).toEqual([...(fixed[0] as number[])].sort((a, b) => b - a));
    expect(fixed[1]).toEqual(fixed[0]);
    expect(fixed[2]).toEqual(fixed[0]);
    const fresh = units(market({ ...drawn, freshValues: true }, 4));
    expect(fresh[0]).toEqual(fixed[0]);
    expect(fresh[1]).not.toEqual(fresh[0]);
    // Drawn money is in cents.
    for (const x of fresh.flat()) expect(Math.round(x * 100) / 100).toBe(x);
  });

  it('changing one seat’s seed changes only that seat’s draws', () => {
    const config = { buyers: 2, sellers: 2, periods: 2, freshValues: true };
    const a = openMatch(doubleAuction, { config, seats: 4, seed: 9 });
    const b = openMatch(doubleAuction, { config, seats: 4, seed: 9, seatOverrides: { 2: 12345 } });
    const sa = state(a).schedules;
    const sb = state(b).schedules;
    expect(sb[0]).toEqual(sa[0]);
    expect(sb[1]).toEqual(sa[1]);
    expect(sb[3]).toEqual(sa[3]);
    expect(sb[2]).not.toEqual(sa[2]);
  });
});

describe('double-auction: information and outcome', () => {
  it('a view holds only its own values; the public view none until the market closes, then schedules and CE', () => {
    const m = openMatch(doubleAuction, { config: { buyers: 2, sellers: 2, values: { kind: 'uniform', low: 0, high: 1000 }, costs: { kind: 'uniform', low: 0, high: 1000 }, maxPrice: 1000, periods: 1, periodMs: 1000 }, seats: 4, seed: 3 });
    const all = state(m).schedules.flat();
    const mine = new Set(view(m, 'p0').units.remaining);
    const text = JSON.stringify(view(m, 'p0')) + doubleAuction.describe(view(m, 'p0'));
    for (const x of all) if (!mine.has(x)) expect(text).not.toContain(String(x));
    const before = JSON.stringify(pub(m));
    for (const x of all) expect(before).not.toContain(String(x));
    expect(doubleAuction.revealsPrivate?.(state(m))).toBe(false);
    m.tick(0);
    m.tick(1000);
    expect(doubleAuction.revealsPrivate?.(state(m))).toBe(true);
    const after = pub(m).history[0];
    expect(after?.schedules?.demand).toHaveLength(6);
    expect(after?.equilibrium?.surplus).toBe(m.outcome().maxWelfare);
    // Traders see the revealed schedules, never the equilibrium.
    expect(JSON.stringify(view(m, 'p0'))).not.toContain('equilibrium');
    expect(view(m, 'p0').history[0]?.schedules).toEqual(after?.schedules);
  });

  it('revealSchedules afterPeriod shows each closed period; never keeps them hidden', () => {
    const after = market({ periods: 2, periodMs: 1000, revealSchedules: 'afterPeriod' });
    after.tick(0);
    expect(doubleAuction.revealsPrivate?.(state(after))).toBe(false);
    const events = after.tick(1000);
    expect(events.find((e) => e.kind === 'period_closed')?.data).toMatchObject({ schedules: { demand: [120, 110, 100, 90, 80], supply: [40, 50, 60, 70, 90] }, equilibrium: { quantity: 4, priceLow: 80, priceHigh: 90 } });
    expect(pub(after).history[0]?.equilibrium).toEqual({ quantity: 4, priceLow: 80, priceHigh: 90, surplus: 200 });
    expect(doubleAuction.revealsPrivate?.(state(after))).toBe(true);
    const never = market({ periods: 1, periodMs: 1000, revealSchedules: 'never' });
    never.tick(0);
    never.tick(1000);
    expect(never.over).toBe(true);
    expect(pub(never).history[0]).toEqual({ period: 1, prices: [], end: 'deadline' });
    expect(doubleAuction.revealsPrivate?.(state(never))).toBe(false);
  });

  it('outcome: payoffs, welfare against the CE surplus, one row per seat per period, price measures', () => {
    const m = market({ periods: 2, periodMs: 10_000 });
    m.tick(0);
    place(m, 'p2', 80); // p0 buys its 120 unit at 80
    place(m, 'p0', 90);
    place(m, 'p1', 90); // p3 sells its 50 unit at 90
    place(m, 'p3', 85);
    m.tick(10_000);
    place(m, 'p3', 70); // period 2: p1 buys its 110 unit from p3 (50) at 70
    place(m, 'p1', 75);
    m.tick(20_000);
    const o = m.outcome();
    expect(o.payoffs).toEqual({ p0: 40, p1: 20 + 40, p2: 40, p3: 40 + 20 });
    expect(o.revenue).toBe(0);
    expect(o.welfare).toBe(200);
    expect(o.welfare).toBe(Object.values(o.payoffs).reduce((a, b) => a + b, 0));
    expect(o.maxWelfare).toBe(400);
    expect(o.rows).toHaveLength(8);
    expect(o.rows[0]).toEqual({
      round: 1,
      seat: 'p0',
      role: 'buyer',
      fields: { units: 1, offered: 3, schedule: '120/100/80', prices: '80', ce_quantity: 4, ce_price_low: 80, ce_price_high: 90, end: 'deadline' },
      payoff: 40,
      outside: 0,
    });
    expect(o.rows[7]).toMatchObject({ round: 2, seat: 'p3', role: 'seller', fields: { units: 1, schedule: '50/70/90', prices: '70' }, payoff: 20 });
    expect(o.measures).toEqual({
      trades: 3,
      turnover: 240,
      ce_quantity: 8,
      ce_price_mid: 85,
      mean_price: 80,
      price_rmsd: Math.sqrt((25 + 25 + 225) / 3),
    });
  });

  it('payoff bounds cover the best and the worst a seat can do', () => {
    const config = doubleAuction.configSchema.parse({ ...SCHEDULE, periods: 2, maxPrice: 150 });
    // Best unit: the 120 unit bought at 0 (a seller's best, 150 - 40, is less).
    expect(doubleAuction.payoffBounds(config, 6)).toEqual({ min: 0, max: 2 * 3 * 120 });
    const loss = doubleAuction.configSchema.parse({ ...SCHEDULE, periods: 2, maxPrice: 150, allowLoss: true });
    // Worst unit: a buyer paying 150 for an 80 unit, or a seller selling its 90 unit at 0.
    expect(doubleAuction.payoffBounds(loss, 6)).toEqual({ min: 2 * 3 * -90, max: 2 * 3 * 120 });
  });

  it('describe() tells a trader its situation in words', () => {
    const m = market();
    place(m, 'p0', 60);
    const text = doubleAuction.describe(view(m, 'p0'));
    expect(text).toContain('You are buyer p0');
    expect(text).toContain('120, 100, 80');
    expect(text).toContain('#1 bid 60');
    expect(doubleAuction.rules(doubleAuction.configSchema.parse(SCHEDULE))).toContain('price of the order that was already standing');
  });
});
