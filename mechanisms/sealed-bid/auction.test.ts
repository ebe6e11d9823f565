import { describe, expect, it } from 'vitest';
import { firstPrice } from '../first-price/index.ts';
import { secondPrice } from '../second-price/index.ts';
import { openMatch, type Match, type MatchEntry } from '../core/match.ts';
import { rowsOf } from '../core/rows.ts';
import type { AnyMechanism, SeatId } from '../core/types.ts';
import type { BidderView, AuctionPublicView, SealedBidState } from './auction.ts';

/** A match with every value fixed: discrete distributions with one point. */
const records = new WeakMap<Match, MatchEntry[]>();
function auction(m: AnyMechanism, config: Record<string, unknown>, seats = 3, seed = 1): Match {
  const entries: MatchEntry[] = [];
  const match = openMatch(m, { config: { values: { kind: 'discrete', values: [100] }, ...config }, seats, seed }, (e) => entries.push(e));
  records.set(match, entries);
  return match;
}

function bidAll(match: Match, bids: readonly (number | null)[], at = 0): void {
  bids.forEach((amount, i) => {
    if (amount === null) return;
    const r = match.submit(`p${i}` as SeatId, match.state.stateId, { type: 'bid', amount }, at);
    expect(r.ok, JSON.stringify(r)).toBe(true);
  });
}

const lastRound = (match: Match) => (match.publicView() as AuctionPublicView).history.at(-1);

describe('first-price', () => {
  it('the highest bid wins and pays its own bid', () => {
    const match = auction(firstPrice, { rounds: 1, reveal: 'allBids' });
    bidAll(match, [40, 70, 55]);
    expect(lastRound(match)).toMatchObject({ winner: 'p1', price: 70, sold: true });
    expect(match.outcome().payoffs).toEqual({ p0: 0, p1: 30, p2: 0 });
    expect(match.outcome().revenue).toBe(70);
    expect(match.over).toBe(true);
  });

  it('bids below the reserve cannot win; an all-below round is unsold', () => {
    const match = auction(firstPrice, { rounds: 2, reserve: 50, reveal: 'allBids' });
    bidAll(match, [40, 45, 49.99]);
    expect(lastRound(match)).toMatchObject({ sold: false, winner: null, price: null });
    bidAll(match, [50, 45, 20]);
    expect(lastRound(match)).toMatchObject({ sold: true, winner: 'p0', price: 50 });
    const o = match.outcome();
    expect(o.welfare).toBe(100);
    expect(o.maxWelfare).toBe(200);
    expect(o.measures.sale_rate).toBe(0.5);
  });

  it('ties go to the lowest seat when configured', () => {
    const match = auction(firstPrice, { rounds: 1, tieBreak: 'lowestSeat', reveal: 'allBids' }, 4);
    bidAll(match, [10, 60, 60, 60]);
    expect(lastRound(match)).toMatchObject({ winner: 'p1', price: 60 });
  });

  it('random tie-breaks are seeded: every tied bidder wins under some seed, the same seed always picks the same', () => {
    const winners = new Set<string>();
    for (let seed = 0; seed < 40; seed++) {
      const a = auction(firstPrice, { rounds: 1, reveal: 'winner' }, 3, seed);
      const b = auction(firstPrice, { rounds: 1, reveal: 'winner' }, 3, seed);
      bidAll(a, [80, 80, 80]);
      bidAll(b, [80, 80, 80]);
      expect(lastRound(a)?.winner).toBe(lastRound(b)?.winner);
      winners.add(String(lastRound(a)?.winner));
    }
    expect([...winners].sort()).toEqual(['p0', 'p1', 'p2']);
  });

  it('accepts bids at the edges of the range and rejects beyond them', () => {
    const match = auction(firstPrice, { rounds: 1, maxBid: 150, bidStep: 0.5 });
    expect(match.submit('p0', 0, { type: 'bid', amount: 150.5 }, 0)).toMatchObject({ ok: false, code: 'OUT_OF_RANGE' });
    expect(match.submit('p0', 0, { type: 'bid', amount: -0.5 }, 0)).toMatchObject({ ok: false, code: 'OUT_OF_RANGE' });
    expect(match.submit('p0', 0, { type: 'bid', amount: 10.25 }, 0)).toMatchObject({ ok: false, code: 'OUT_OF_RANGE' });
    expect(match.submit('p0', 0, { type: 'bid', amount: 150 }, 0).ok).toBe(true);
    expect(match.submit('p1', 0, { type: 'bid', amount: 0 }, 0).ok).toBe(true);
    expect(match.submit('p1', 0, { type: 'bid', amount: 5 }, 0)).toMatchObject({ ok: false, code: 'NOT_YOUR_TURN' });
  });

  it('a deadline closes the round; bidders who did not bid sit it out', () => {
    const match = auction(firstPrice, { rounds: 2, roundMs: 1000, reveal: 'allBids' });
    match.tick(500);
    expect(match.state.deadline).toBe(1500);
    bidAll(match, [30, null, null], 600);
    match.tick(1499);
    expect((match.state as unknown as SealedBidState).round).toBe(1);
    match.tick(1500);
    expect(lastRound(match)).toMatchObject({ winner: 'p0', price: 30, bids: { p0: 30, p1: null, p2: null } });
    expect(match.state.deadline).toBe(2500);
    // Nobody bids in round 2: an empty round.
    match.tick(10_000);
    expect(match.over).toBe(true);
    expect(lastRound(match)).toMatchObject({ sold: false });
  });

  it('a bid sent after the deadline lands in the next round', () => {
    const match = auction(firstPrice, { rounds: 2, roundMs: 1000, reveal: 'allBids' });
    match.tick(0);
    const stale = match.state.stateId;
    const r = match.submit('p0', stale, { type: 'bid', amount: 20 }, 1200);
    expect(r).toMatchObject({ ok: false, code: 'STALE_STATE' });
    expect((match.state as unknown as SealedBidState).round).toBe(2);
  });

  it('the information policy decides what others see; each bidder always sees its own result', () => {
    const expectations: Record<string, (r: Record<string, unknown>) => void> = {
      nothing: (r) => expect(Object.keys(r).sort()).toEqual(['round', 'sold']),
      winner: (r) => expect(r).toEqual({ round: 1, sold: true, winner: 'p2' }),
      winningPrice: (r) => expect(r).toEqual({ round: 1, sold: true, price: 90 }),
      allBids: (r) => expect(r).toEqual({ round: 1, sold: true, winner: 'p2', price: 90, bids: { p0: 10, p1: 20, p2: 90 } }),
    };
    for (const [reveal, check] of Object.entries(expectations)) {
      const match = auction(firstPrice, { rounds: 2, reveal });
      bidAll(match, [10, 20, 90]);
      check(lastRound(match) as unknown as Record<string, unknown>);
      const own = (match.view('p0') as BidderView).history[0];
      expect(own).toMatchObject({ value: 100, bid: 10, won: false, payoff: 0 });
      const winner = (match.view('p2') as BidderView).history[0];
      expect(winner).toMatchObject({ won: true, paid: 90, payoff: 10 });
    }
  });

  it('persistent values stay, fresh values change between rounds', () => {
    const fresh = openMatch(firstPrice, { config: { rounds: 3 }, seats: 2, seed: 9 });
    const fixed = openMatch(firstPrice, { config: { rounds: 3, freshValues: false }, seats: 2, seed: 9 });
    const seen = (m: Match) => {
      const values: number[] = [];
      while (!m.over) {
        values.push((m.view('p0') as BidderView).value);
        bidAll(m, [1, 1]);
      }
      return values;
    };
    const f = seen(fresh);
    expect(new Set(f).size).toBe(3);
    expect(new Set(seen(fixed)).size).toBe(1);
    expect(f[0]).toBe((fixed.view('p0') as BidderView).history[0]?.value);
  });

  it('a view never holds another bidder value, and the public view none at all', () => {
    const match = openMatch(firstPrice, { config: { rounds: 1, values: { kind: 'uniform', low: 0, high: 1000 } }, seats: 4, seed: 3 });
    const values = match.header.seats.map((s) => (match.view(s) as BidderView).value);
    const text = JSON.stringify(match.view('p0')) + firstPrice.describe(match.view('p0') as BidderView);
    for (const v of values.slice(1)) expect(text).not.toContain(String(v));
    const pub = JSON.stringify(match.publicView());
    for (const v of values) expect(pub).not.toContain(String(v));
  });

  it('rejects configs with a message naming the field', () => {
    expect(() => openMatch(firstPrice, { config: { reserve: -1 }, seats: 3, seed: 1 })).toThrow(/reserve/);
    expect(() => openMatch(firstPrice, { config: { reserve: 50, maxBid: 20 }, seats: 3, seed: 1 })).toThrow(/maxBid/);
    expect(() => openMatch(firstPrice, { config: {}, seats: 1, seed: 1 })).toThrow(/seats/);
  });
});

describe('second-price', () => {
  it('the winner pays the second-highest bid', () => {
    const match = auction(secondPrice, { rounds: 1, reveal: 'allBids' });
    bidAll(match, [40, 70, 55]);
    expect(lastRound(match)).toMatchObject({ winner: 'p1', price: 55 });
    expect(match.outcome().payoffs.p1).toBe(45);
  });

  it('the reserve sets the price when it beats the second bid or nobody else is eligible', () => {
    const a = auction(secondPrice, { rounds: 1, reserve: 60, reveal: 'allBids' });
    bidAll(a, [40, 70, 55]);
    expect(lastRound(a)).toMatchObject({ winner: 'p1', price: 60 });
    const b = auction(secondPrice, { rounds: 1, reserve: 30, reveal: 'allBids' });
    bidAll(b, [40, 70, 35]);
    expect(lastRound(b)).toMatchObject({ winner: 'p1', price: 40 });
  });

  it('a tie at the top pays the tied bid', () => {
    const match = auction(secondPrice, { rounds: 1, tieBreak: 'lowestSeat', reveal: 'allBids' });
    bidAll(match, [20, 80, 80]);
    expect(lastRound(match)).toMatchObject({ winner: 'p1', price: 80 });
  });

  it('truthful bidding never loses money; overbidding can', () => {
    const match = auction(secondPrice, { rounds: 1, values: { kind: 'discrete', values: [50] }, maxBid: 200, reveal: 'allBids' });
    bidAll(match, [120, 90, 10]);
    expect(match.outcome().payoffs.p0).toBe(-40);
    const rows = rowsOf(records.get(match) ?? []).filter((r) => r.payoff < r.outside);
    expect(rows.map((r) => r.seat)).toEqual(['p0']);
  });
});
