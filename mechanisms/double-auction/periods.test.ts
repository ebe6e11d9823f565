/** Double-auction scenarios over time and information: periods, deadlines, draws, reveals, outcome. */
import { describe, expect, it } from 'vitest';
import { openMatch, type Match } from '../core/match.ts';
import { doubleAuction } from './index.ts';
import { SCHEDULE, market, place, pub, rows, state, view } from './scenario-fixtures.ts';

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
    expect(rows(m)).toHaveLength(4);
    expect(rows(m).every((r) => r.payoff === 0 && r.outside === 0)).toBe(true);
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
    expect(doubleAuction.revealedFields?.(state(m))).toEqual([]);
    m.tick(0);
    m.tick(1000);
    expect(doubleAuction.revealedFields?.(state(m))).toEqual(['history', 'schedules', 'equilibrium', 'periods']);
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
    expect(doubleAuction.revealedFields?.(state(after))).toEqual([]);
    const events = after.tick(1000);
    expect(events.find((e) => e.kind === 'period_closed')?.data).toMatchObject({ schedules: { demand: [120, 110, 100, 90, 80], supply: [40, 50, 60, 70, 90] }, equilibrium: { quantity: 4, priceLow: 80, priceHigh: 90 } });
    expect(pub(after).history[0]?.equilibrium).toEqual({ quantity: 4, priceLow: 80, priceHigh: 90, surplus: 200 });
    expect(doubleAuction.revealedFields?.(state(after))).toEqual(['history', 'schedules', 'equilibrium', 'periods']);
    const never = market({ periods: 1, periodMs: 1000, revealSchedules: 'never' });
    never.tick(0);
    never.tick(1000);
    expect(never.over).toBe(true);
    expect(pub(never).history[0]).toEqual({ period: 1, prices: [], end: 'deadline' });
    expect(doubleAuction.revealedFields?.(state(never))).toEqual([]);
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
    expect(rows(m)).toHaveLength(8);
    expect(rows(m)[0]).toEqual({
      round: 1,
      seat: 'p0',
      role: 'buyer',
      fields: { units: 1, offered: 3, schedule: '120/100/80', prices: '80', ce_quantity: 4, ce_price_low: 80, ce_price_high: 90, end: 'deadline' },
      payoff: 40,
      outside: 0,
    });
    expect(rows(m)[7]).toMatchObject({ round: 2, seat: 'p3', role: 'seller', fields: { units: 1, schedule: '50/70/90', prices: '70' }, payoff: 20 });
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
