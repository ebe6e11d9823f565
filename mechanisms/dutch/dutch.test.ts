/**
 * The Dutch auction against the textbook, then its own rules.
 *
 * Textbook results checked (n risk-neutral bidders, values independent and uniform on [0, high]):
 * - The Dutch auction is strategically the first-price sealed-bid auction; its symmetric
 *   equilibrium stops the clock at (n − 1)/n of one's value, so the highest value wins and
 *   the expected price is (n − 1)/n · E[highest of n] = (n − 1)/(n + 1)·high, the same as the
 *   English auction's expected second-highest value: revenue equivalence (Vickrey 1961,
 *   "Counterspeculation, Auctions, and Competitive Sealed Tenders", Journal of Finance
 *   16(1):8–37; Myerson 1981, "Optimal Auction Design", Mathematics of Operations Research
 *   6(1):58–73; Riley and Samuelson 1981, "Optimal Auctions", American Economic Review
 *   71(3):381–392). Checked item by item (the price is the first grid point at or below
 *   (n − 1)/n of the highest value), in the mean within sampling error and the decrement
 *   grid, and against the English clock played with value-droppers on the same values.
 * Scenario tests: ties (two stops at one price), the reserve and the floor (nobody stops:
 * no sale), an item nobody bids on followed by the next, stops kept from view until their
 * tick, a stop refused twice.
 */
import { describe, expect, it } from 'vitest';
import { openMatch, type Match } from '../core/match.ts';
import type { AnyMechanism, MechEvent, RoundRecordData, SeatId } from '../core/types.ts';
import { findPolicy } from '../../bots/registry.ts';
import { HarnessRngs, playHeadless } from '../../bots/harness.ts';
import type { AnyPolicy } from '../../bots/policy.ts';
import { dutch, type DutchBidderView, type DutchPublicView } from './index.ts';
import { english } from '../english/index.ts';
import { dutchConfigSchema } from '../clock-auction/config.ts';

interface Item {
  readonly values: number[];
  readonly price: number | null;
  readonly winner: number | null;
}

function play(mechanism: AnyMechanism, config: Record<string, unknown>, policies: readonly string[], seed = 1): { items: Item[]; match: Match } {
  const match = openMatch(mechanism, { config: { recall: 0, ...config }, seats: policies.length, seed });
  const seats = policies.map((policy, i) => {
    const factory = findPolicy(policy);
    if (!factory) throw new Error(`no policy ${policy}`);
    return factory.create(factory.paramsSchema.parse({}), { mechanism, config: match.header.config, seat: `p${i}` as SeatId, seats: policies.length }) as AnyPolicy;
  });
  const items: Item[] = [];
  const onRound = (r: RoundRecordData) => {
    const winner = r.rows.findIndex((row) => row.fields.won === true);
    items.push({ values: r.rows.map((row) => row.fields.value as number), price: r.rows[0]?.fields.price as number | null, winner: winner < 0 ? null : winner });
  };
  playHeadless(match, seats, new HarnessRngs(seed), { stepMs: 100, onRound });
  return { items, match };
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: readonly number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
};

describe('the Dutch clock against the textbook', () => {
  for (const n of [2, 3, 5]) {
    it(`${n} equilibrium stoppers, values on [0, 100], decrement 1: the price is (n − 1)/n of the highest value, down to the grid, its mean (n − 1)/(n + 1)·100 within sampling error`, () => {
      const items = n === 5 ? 1200 : 2000;
      const { items: played, match } = play(dutch, { rounds: items, decrement: 1 }, new Array<string>(n).fill('dutch-shader'), n);
      const shade = (n - 1) / n;
      for (const it of played) {
        const v1 = Math.max(...it.values);
        expect(it.winner).not.toBeNull();
        const target = shade * v1;
        expect(it.price as number).toBeLessThanOrEqual(target + 1e-9);
        expect(it.price as number).toBeGreaterThan(target - 1 - 1e-9);
        // The winner's value is the highest, up to one step of the clock seen through the shade.
        expect(it.values[it.winner as number] as number).toBeGreaterThanOrEqual(v1 - 1 / shade - 1e-9);
      }
      const prices = played.map((it) => it.price as number);
      const theory = ((n - 1) / (n + 1)) * 100;
      expect(dutch.benchmarks(match.header.config as never, n).equilibrium_price?.value).toBeCloseTo(theory, 2);
      // The clock stops at the first grid point at or below the target: half a decrement below it on average.
      expect(Math.abs(mean(prices) - theory + 0.5)).toBeLessThan(0.5 + 3 * (sd(prices) / Math.sqrt(items)));
      expect(match.outcome().measures.efficient_share).toBeGreaterThan(0.97);
    });
  }

  it('revenue equivalence: on the same values, the Dutch equilibrium and the English value-droppers give the same mean price within sampling error and one grid step', () => {
    const items = 2000;
    const d = play(dutch, { rounds: items, decrement: 1 }, ['dutch-shader', 'dutch-shader', 'dutch-shader'], 21);
    const e = play(english, { rounds: items, increment: 1 }, ['value-dropper', 'value-dropper', 'value-dropper'], 21);
    // The same seed draws the same values in both.
    expect(d.items.map((it) => it.values)).toEqual(e.items.map((it) => it.values));
    const diffs = d.items.map((it, k) => (it.price as number) - (e.items[k]?.price as number));
    expect(Math.abs(mean(diffs))).toBeLessThan(1 + 3 * (sd(diffs) / Math.sqrt(items)));
    expect(Math.abs(d.match.outcome().revenue - e.match.outcome().revenue) / items).toBeLessThan(2);
  });
});

function manual(config: Record<string, unknown>, seats = 3, seed = 1) {
  const match = openMatch(dutch, { config, seats, seed });
  const events: MechEvent[] = [...match.tick(0)];
  const act = (seat: SeatId, at: number) => {
    const r = match.submit(seat, match.state.stateId, { type: 'stop' }, at);
    if (r.ok) events.push(...r.events);
    return r;
  };
  const tick = (at: number) => events.push(...match.tick(at));
  const closed = () => events.filter((e) => e.kind === 'item_closed').map((e) => e.data);
  return { match, act, tick, events, closed, view: (s: SeatId) => match.view(s) as DutchBidderView, pub: () => match.publicView() as DutchPublicView };
}

describe('the Dutch clock, scenario by scenario', () => {
  const base = { rounds: 1, decrement: 10, tickMs: 1000, values: { kind: 'uniform', low: 0, high: 100 } };

  it('the first to stop wins at the price showing, settled at the end of the tick', () => {
    const m = manual(base);
    expect(m.pub().price).toBe(100);
    m.tick(3000);
    expect(m.pub().price).toBe(70);
    m.act('p2', 3500);
    expect(m.view('p2').myStop).toBe(70);
    expect(m.match.over).toBe(false);
    m.tick(4000);
    expect(m.closed()).toEqual([{ round: 1, sold: true, price: 70, ticks: 3, tie: false, winner: 'p2', over: true }]);
  });

  it('two stops at one price tie: lowestSeat gives the item to the lower seat, random draws from the seed', () => {
    const m = manual({ ...base, tieBreak: 'lowestSeat' });
    m.tick(2000);
    m.act('p2', 2100);
    m.act('p1', 2200);
    m.tick(3000);
    expect(m.closed()[0]).toMatchObject({ price: 80, tie: true, winner: 'p1' });
    const winnerOf = (seed: number) => {
      const r = manual(base, 3, seed);
      r.act('p0', 100);
      r.act('p2', 200);
      r.tick(1000);
      return r.closed()[0]?.winner;
    };
    expect(winnerOf(3)).toBe(winnerOf(3));
    expect(new Set(Array.from({ length: 30 }, (_, k) => winnerOf(k)))).toEqual(new Set(['p0', 'p2']));
  });

  it('a stop is seen by nobody else before its tick, and a second stop is refused', () => {
    const m = manual(base);
    const before = JSON.stringify(m.pub());
    const other = JSON.stringify(m.view('p1'));
    m.act('p0', 100);
    expect(JSON.stringify(m.pub())).toBe(before);
    expect(JSON.stringify(m.view('p1'))).toBe(other);
    expect(m.events.filter((e) => e.kind === 'stopped').map((e) => e.audience)).toEqual([['p0']]);
    expect(m.match.legal('p0')).toEqual([]);
    expect(m.act('p0', 200).ok).toBe(false);
  });

  it('nobody stopping by the floor (here the reserve) leaves the item unsold; the next item opens at the start', () => {
    const m = manual({ ...base, rounds: 2, reserve: 35, floor: 20 });
    m.tick(7000);
    expect(m.pub().price).toBe(35);
    m.tick(8000);
    expect(m.closed()[0]).toMatchObject({ round: 1, sold: false, price: null, winner: null, ticks: 7 });
    expect(m.match.progress().round).toBe(2);
    expect(m.pub()).toMatchObject({ price: 100, floor: 35 });
  });

  it('a stop at the floor buys at the floor', () => {
    const m = manual({ ...base, reserve: 35 });
    m.tick(7000);
    expect(m.pub().price).toBe(35);
    m.act('p1', 7500);
    m.tick(8000);
    expect(m.closed()[0]).toMatchObject({ sold: true, price: 35, winner: 'p1' });
  });

  it('anonymous: the winner is not named', () => {
    const m = manual({ ...base, identities: false });
    m.act('p1', 100);
    m.tick(1000);
    expect(m.closed()[0]).toEqual({ round: 1, sold: true, price: 100, ticks: 0, tie: false, over: true });
    expect(m.view('p1').history[0]).toMatchObject({ won: true, paid: 100 });
  });

  it('config: defaults for every field; a start price below the floor is refused by name', () => {
    expect(dutchConfigSchema.parse({})).toMatchObject({ startPrice: null, decrement: 5, floor: 0, tickMs: 1000, tieBreak: 'random' });
    expect(dutchConfigSchema.safeParse({ startPrice: 10, floor: 20 }).error?.issues[0]?.path).toEqual(['startPrice']);
    expect(dutch.rules(dutchConfigSchema.parse({}))).toContain('the first to stop it buys');
  });
});
