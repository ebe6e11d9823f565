import { describe, expect, it } from 'vitest';
import { openMatch } from '../core/match.ts';
import { doubleAuction } from './index.ts';
import { SCHEDULE, market, ownIds, place, placeSpec, priceRange, pub, state, tryPlace, view } from './scenario-fixtures.ts';

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
