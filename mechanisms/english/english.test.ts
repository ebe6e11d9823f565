/**
 * The English auction against the textbook, then its own rules.
 *
 * Textbook results checked (values independent and uniform on [0, high], risk-neutral bidders):
 * - In the ascending clock (button) auction dropping out once the price passes one's value
 *   is a dominant strategy; the item goes to the highest value at the second-highest value,
 *   so the expected price is E[second-highest of n] = (n − 1)/(n + 1)·high (Vickrey 1961,
 *   "Counterspeculation, Auctions, and Competitive Sealed Tenders", Journal of Finance
 *   16(1):8–37; Milgrom and Weber 1982, "A Theory of Auctions and Competitive Bidding",
 *   Econometrica 50(5):1089–1122, for the button auction). On a grid the price lies within
 *   one increment of the second-highest value, and the winner's value within one increment
 *   of the highest: checked item by item and in the mean, within sampling error.
 * - A reserve r at or above every value leaves the item unsold; a binding reserve is the
 *   opening price (Myerson 1981, "Optimal Auction Design", Mathematics of Operations
 *   Research 6(1):58–73, on reserves).
 * - Open outcry with a hard close rewards bidding at the last moment, and a soft close
 *   (the close moves on late bids) removes it (Roth and Ockenfels 2002, "Last-Minute Bidding
 *   and the Rules for Ending Second-Price Auctions", American Economic Review 92(4):1093–1103).
 * Scenario tests: ties (everyone still in dropping at one price; the clock's top), the
 * reserve, an item nobody accepts, bidders who do nothing, the information policy, soft
 * close extending and hard close not, the minimum raise.
 */
import { describe, expect, it } from 'vitest';
import { openMatch, type Match } from '../core/match.ts';
import type { MechEvent, RoundRecordData, SeatId } from '../core/types.ts';
import { findPolicy } from '../../bots/registry.ts';
import { HarnessRngs, playHeadless } from '../../bots/harness.ts';
import type { AnyPolicy } from '../../bots/policy.ts';
import { english, type EnglishBidderView, type EnglishPublicView } from './index.ts';
import { englishConfigSchema } from '../clock-auction/config.ts';
import { cents } from '../core/policy.ts';

interface Item {
  readonly values: number[];
  readonly price: number | null;
  readonly winner: number | null;
  readonly tie: boolean;
}

/** Plays one match of `rounds` items with these policies through the headless harness; each item's values, price and winner. */
function play(config: Record<string, unknown>, policies: readonly (string | { policy: string; params: Record<string, unknown> })[], seed = 1, stepMs = 100): { items: Item[]; match: Match } {
  const match = openMatch(english, { config: { recall: 0, ...config }, seats: policies.length, seed });
  const seats = policies.map((p, i) => {
    const { policy, params } = typeof p === 'string' ? { policy: p, params: {} } : p;
    const factory = findPolicy(policy);
    if (!factory) throw new Error(`no policy ${policy}`);
    return factory.create(factory.paramsSchema.parse(params), { mechanism: english, config: match.header.config, seat: `p${i}` as SeatId, seats: policies.length }) as AnyPolicy;
  });
  const items: Item[] = [];
  const onRound = (r: RoundRecordData) => {
    const winner = r.rows.findIndex((row) => row.fields.won === true);
    items.push({ values: r.rows.map((row) => row.fields.value as number), price: r.rows[0]?.fields.price as number | null, winner: winner < 0 ? null : winner, tie: r.rows[0]?.fields.tie as boolean });
  };
  playHeadless(match, seats, new HarnessRngs(seed), { stepMs, onRound });
  return { items, match };
}

const sorted = (xs: readonly number[]) => [...xs].sort((a, b) => b - a);
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: readonly number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
};

describe('the ascending clock against the textbook', () => {
  for (const n of [2, 3, 5]) {
    it(`${n} value-droppers, values on [0, 100], increment 1: the price is the second-highest value up to the increment, its mean (n − 1)/(n + 1)·100 within sampling error, and the highest value wins`, () => {
      const items = n === 5 ? 1200 : 2000;
      const { items: played, match } = play({ rounds: items, increment: 1 }, new Array<string>(n).fill('value-dropper'), n);
      expect(played).toHaveLength(items);
      for (const it of played) {
        const [v1, v2] = sorted(it.values) as [number, number];
        expect(it.winner).not.toBeNull();
        expect(Math.abs((it.price as number) - v2)).toBeLessThanOrEqual(1 + 1e-9);
        expect(it.values[it.winner as number] as number).toBeGreaterThanOrEqual(v1 - 1 - 1e-9);
        expect(it.values[it.winner as number] as number).toBeGreaterThanOrEqual((it.price as number) - 1e-9);
      }
      const prices = played.map((it) => it.price as number);
      const theory = ((n - 1) / (n + 1)) * 100;
      expect(english.benchmarks(match.header.config as never, n).equilibrium_price?.value).toBeCloseTo(theory, 2);
      // The price is the first grid point above the second value: half an increment above it on average.
      expect(Math.abs(mean(prices) - theory - 0.5)).toBeLessThan(0.5 + 3 * (sd(prices) / Math.sqrt(items)));
      const gaps = played.map((it) => (it.price as number) - (sorted(it.values)[1] as number));
      expect(mean(gaps)).toBeGreaterThan(0.3);
      expect(mean(gaps)).toBeLessThan(0.7);
      expect(match.outcome().measures.efficient_share).toBeGreaterThan(0.97);
      expect(match.outcome().welfare / match.outcome().maxWelfare).toBeGreaterThan(0.999);
    });
  }

  it('a coarse increment moves the price by at most one step: increment 10 with 3 bidders', () => {
    const { items } = play({ rounds: 600, increment: 10 }, ['value-dropper', 'value-dropper', 'value-dropper'], 4);
    for (const it of items) expect(Math.abs((it.price as number) - (sorted(it.values)[1] as number))).toBeLessThanOrEqual(10 + 1e-9);
    expect(items.some((it) => it.tie)).toBe(true);
  });

  it('a reserve above every value sells nothing; a binding reserve is the opening price', () => {
    const none = play({ rounds: 50, reserve: 100.5, maxPrice: 200, increment: 1 }, ['value-dropper', 'value-dropper', 'value-dropper']).match.outcome();
    expect(none.measures.sale_rate).toBe(0);
    expect(none.revenue).toBe(0);
    const { items } = play({ rounds: 400, reserve: 60, increment: 1 }, ['value-dropper', 'value-dropper', 'value-dropper'], 3);
    for (const it of items) {
      const [v1, v2] = sorted(it.values) as [number, number];
      if (v1 < 60) expect(it.winner).toBeNull();
      else {
        expect(it.price as number).toBeGreaterThanOrEqual(60);
        if (v2 < 60) expect(it.price).toBe(60);
      }
    }
  });
});

describe('open outcry: hard and soft close', () => {
  const outcry = { format: 'outcry', increment: 1, tickMs: 200, durationMs: 10_000, extendMs: 600 };
  const seats = ['sniper', 'value-dropper', 'value-dropper'];

  it('with a soft close the late bids move the close, so the incremental bidders answer the sniper: efficient, price near the second-highest value', () => {
    const { items, match } = play({ ...outcry, rounds: 300, close: 'soft' }, seats, 11);
    const o = match.outcome();
    expect(o.measures.extensions_per_item).toBeGreaterThan(1);
    expect(o.measures.efficient_share).toBeGreaterThan(0.95);
    for (const it of items) expect(Math.abs((it.price as number) - (sorted(it.values)[1] as number))).toBeLessThanOrEqual(2 + 1e-9);
  });

  it('with a hard close the close never moves and the sniper wins at the last moment more often, and earns more, than under a soft close', () => {
    const hard = play({ ...outcry, rounds: 300, close: 'hard' }, seats, 11).match.outcome();
    const soft = play({ ...outcry, rounds: 300, close: 'soft' }, seats, 11).match.outcome();
    expect(hard.measures.extensions_per_item).toBe(0);
    expect(hard.measures.last_moment_share).toBeGreaterThan(0.2);
    expect(hard.payoffs.p0 as number).toBeGreaterThan(soft.payoffs.p0 as number);
    expect(hard.revenue).toBeLessThan(soft.revenue);
  });
});

/** A match driven by hand: the clock opens at 0 and ticks every `tickMs`. */
function manual(config: Record<string, unknown>, seats = 3, seed = 1) {
  const match = openMatch(english, { config, seats, seed });
  const events: MechEvent[] = [...match.tick(0)];
  const act = (seat: SeatId, action: Record<string, unknown>, at: number) => {
    const r = match.submit(seat, match.state.stateId, action, at);
    if (r.ok) events.push(...r.events);
    return r;
  };
  const tick = (at: number) => events.push(...match.tick(at));
  const closed = () => events.filter((e) => e.kind === 'item_closed').map((e) => e.data);
  return { match, act, tick, events, closed, view: (s: SeatId) => match.view(s) as EnglishBidderView, pub: () => match.publicView() as EnglishPublicView };
}

describe('the clock, scenario by scenario', () => {
  const base = { rounds: 1, increment: 5, tickMs: 1000, values: { kind: 'uniform', low: 0, high: 50 } };

  it('the last one in wins at the price its last rival would not pay', () => {
    const m = manual(base);
    m.tick(1000); // 5
    expect(m.act('p0', { type: 'drop' }, 1500).ok).toBe(true);
    m.tick(2000); // 10
    expect(m.pub().price).toBe(10);
    m.act('p1', { type: 'drop' }, 2500);
    expect(m.match.over).toBe(false);
    m.tick(3000);
    expect(m.closed()).toEqual([{ round: 1, sold: true, price: 10, ticks: 2, tie: false, winner: 'p2', over: true }]);
  });

  it('everyone still in dropping at one price tie at the price before it; lowestSeat gives it to the lowest seat', () => {
    const m = manual({ ...base, tieBreak: 'lowestSeat' });
    m.tick(1000);
    m.act('p0', { type: 'drop' }, 1100);
    m.tick(2000); // 10
    m.act('p2', { type: 'drop' }, 2100);
    m.act('p1', { type: 'drop' }, 2200);
    m.tick(3000);
    expect(m.closed()[0]).toMatchObject({ sold: true, price: 5, tie: true, winner: 'p1' });
  });

  it('a random tie-break is drawn from the seed: the same seed, the same winner; over seeds, each tied bidder wins', () => {
    const winnerOf = (seed: number) => {
      const m = manual({ ...base, tieBreak: 'random' }, 3, seed);
      m.tick(1000);
      for (const s of ['p0', 'p1', 'p2'] as SeatId[]) m.act(s, { type: 'drop' }, 1500);
      m.tick(2000);
      return m.closed()[0]?.winner;
    };
    expect(winnerOf(5)).toBe(winnerOf(5));
    expect(new Set(Array.from({ length: 40 }, (_, k) => winnerOf(k)))).toEqual(new Set(['p0', 'p1', 'p2']));
  });

  it('the clock stops at its top: those still in tie there', () => {
    const m = manual({ ...base, maxPrice: 10, tieBreak: 'lowestSeat' });
    m.act('p0', { type: 'drop' }, 10);
    m.tick(5000);
    expect(m.closed()[0]).toMatchObject({ sold: true, price: 10, tie: true, winner: 'p1', ticks: 2 });
  });

  it('nobody accepting the opening price (the reserve) leaves the item unsold, and the next item opens', () => {
    const m = manual({ ...base, rounds: 2, reserve: 20 });
    expect(m.pub().price).toBe(20);
    for (const s of ['p0', 'p1', 'p2'] as SeatId[]) m.act(s, { type: 'drop' }, 100);
    m.tick(1000);
    expect(m.closed()[0]).toMatchObject({ round: 1, sold: false, price: null, winner: null, over: false });
    expect(m.match.progress().round).toBe(2);
    expect(m.pub()).toMatchObject({ price: 20, active: 3, dropouts: [] });
    expect(m.match.legal('p0')).toHaveLength(1);
  });

  it('one bidder accepting the reserve buys at it', () => {
    const m = manual({ ...base, reserve: 20 });
    m.act('p0', { type: 'drop' }, 100);
    m.act('p1', { type: 'drop' }, 200);
    m.tick(1000);
    expect(m.closed()[0]).toMatchObject({ sold: true, price: 20, winner: 'p2' });
  });

  it('doing nothing is staying in: with nobody acting, the clock runs to its top and they all tie there', () => {
    const m = manual({ ...base, increment: 10 });
    m.tick(100_000);
    expect(m.closed()[0]).toMatchObject({ sold: true, price: 50, tie: true, ticks: 5 });
    const payoff = m.match.outcome().payoffs;
    expect(Object.values(payoff).filter((p) => p !== 0)).toHaveLength(1);
  });

  it('a bidder who dropped is out for good: it has nothing legal and a second drop is refused', () => {
    const m = manual(base);
    m.act('p0', { type: 'drop' }, 100);
    expect(m.match.legal('p0')).toEqual([]);
    expect(m.act('p0', { type: 'drop' }, 200).ok).toBe(false);
    expect(m.act('p0', { type: 'bid', amount: 10 }, 200).ok).toBe(false);
    expect(m.view('p0')).toMatchObject({ in: false, myExit: 0 });
  });

  it('the information policy: counts and drop-outs shown, named or not, or hidden', () => {
    const shown = manual(base);
    shown.act('p1', { type: 'drop' }, 100);
    expect(shown.pub()).toMatchObject({ active: 2, dropouts: [{ price: 0, seat: 'p1' }] });
    expect(shown.events.find((e) => e.kind === 'dropout')?.data).toEqual({ round: 1, price: 0, active: 2, seat: 'p1' });
    const anonymous = manual({ ...base, identities: false });
    anonymous.act('p1', { type: 'drop' }, 100);
    expect(anonymous.pub().dropouts).toEqual([{ price: 0 }]);
    const hidden = manual({ ...base, showActive: false, showDropouts: false, identities: false });
    hidden.act('p1', { type: 'drop' }, 100);
    hidden.act('p2', { type: 'drop' }, 200);
    expect(hidden.pub()).toMatchObject({ active: null, dropouts: null });
    expect(hidden.view('p0')).toMatchObject({ active: null, dropouts: null, in: true });
    expect(hidden.events.filter((e) => e.audience === 'public').map((e) => e.kind)).toEqual(['item_opened']);
    hidden.tick(1000);
    expect(hidden.closed()[0]).toEqual({ round: 1, sold: true, price: 0, ticks: 0, tie: false, over: true });
  });
});

describe('open outcry, scenario by scenario', () => {
  const base = { format: 'outcry', rounds: 1, increment: 2, tickMs: 1000, durationMs: 10_000, extendMs: 3000, values: { kind: 'uniform', low: 0, high: 50 } };

  it('a soft close: a bid with less than extendMs left moves the close to extendMs after it', () => {
    const m = manual({ ...base, close: 'soft' });
    expect(m.pub().closesAt).toBe(10_000);
    m.act('p0', { type: 'bid', amount: 5 }, 4000);
    expect(m.pub().closesAt).toBe(10_000);
    m.act('p1', { type: 'bid', amount: 8 }, 8000);
    expect(m.pub()).toMatchObject({ closesAt: 11_000, extensions: 1, price: 8, standingBidder: 'p1' });
    m.tick(10_500);
    expect(m.match.over).toBe(false);
    m.act('p0', { type: 'bid', amount: 10 }, 10_900);
    expect(m.pub().closesAt).toBe(13_900);
    m.tick(13_900);
    expect(m.closed()[0]).toMatchObject({ sold: true, price: 10, winner: 'p0' });
    expect(m.match.outcome().measures.extensions_per_item).toBe(2);
    const rows = (m.events.find((e) => e.kind === 'round_record')?.data as unknown as RoundRecordData).rows;
    expect(rows.map((r) => r.fields.bestBid)).toEqual([10, 8, null]);
    expect(rows.map((r) => r.payoff)).toEqual([cents((m.view('p0').value as number) - 10), 0, 0]);
  });

  it('a hard close: the close never moves, so a bid just before it stands', () => {
    const m = manual({ ...base, close: 'hard' });
    m.act('p0', { type: 'bid', amount: 5 }, 4000);
    m.act('p1', { type: 'bid', amount: 7 }, 9990);
    expect(m.pub().closesAt).toBe(10_000);
    m.tick(10_000);
    expect(m.act('p0', { type: 'bid', amount: 9 }, 10_001)).toMatchObject({ ok: false, code: 'GAME_OVER' });
    expect(m.closed()[0]).toMatchObject({ sold: true, price: 7, winner: 'p1' });
    expect(m.match.outcome().measures).toMatchObject({ extensions_per_item: 0, last_moment_share: 1 });
  });

  it('the minimum raise: a bid must beat the standing one by the increment; the standing bidder may not raise itself', () => {
    const m = manual({ ...base, startPrice: 10 });
    expect(m.match.legal('p0')[0]?.params.amount).toEqual({ kind: 'number', min: 10, max: 50 });
    expect(m.act('p0', { type: 'bid', amount: 9 }, 100).ok).toBe(false);
    m.act('p0', { type: 'bid', amount: 10 }, 100);
    expect(m.match.legal('p0')).toEqual([]);
    expect(m.act('p1', { type: 'bid', amount: 11 }, 200)).toMatchObject({ ok: false, code: 'OUT_OF_RANGE' });
    expect(m.view('p1')).toMatchObject({ minBid: 12, standingIsMine: false });
    expect(m.view('p0')).toMatchObject({ minBid: null, standingIsMine: true });
    expect(m.act('p0', { type: 'drop' }, 300).ok).toBe(false);
  });

  it('no bid by the close: not sold', () => {
    const m = manual(base);
    m.tick(10_000);
    expect(m.closed()[0]).toMatchObject({ sold: false, price: null });
  });

  it('anonymous bids: amounts shown, bidders not', () => {
    const m = manual({ ...base, identities: false });
    m.act('p2', { type: 'bid', amount: 3 }, 100);
    expect(m.pub()).toMatchObject({ standingBidder: null, bids: [{ amount: 3, at: 100 }] });
    expect(m.events.find((e) => e.kind === 'bid')?.data).toEqual({ round: 1, amount: 3, closesAt: 10_000 });
  });
});

describe('config', () => {
  it('every field has a default, and a top below the opening price is refused by name', () => {
    expect(englishConfigSchema.parse({})).toMatchObject({ format: 'clock', startPrice: 0, increment: 5, tickMs: 1000, close: 'soft', tieBreak: 'random' });
    const bad = englishConfigSchema.safeParse({ reserve: 60, maxPrice: 50 });
    expect(bad.error?.issues[0]?.path).toEqual(['maxPrice']);
  });

  it('the rules say what doing nothing means and how ties and the close work', () => {
    const clock = english.rules(englishConfigSchema.parse({}));
    expect(clock).toContain('If you do nothing, you stay in');
    expect(clock).toContain('tie');
    expect(english.rules(englishConfigSchema.parse({ format: 'outcry', close: 'hard' }))).toContain('Hard close');
  });
});
