/**
 * The cournot engine against the textbook linear Cournot model (q^N = (A − c)/(B(n + 1)),
 * collusion at the monopoly output (A − c)/(2B)) and against theory.ts, through matches
 * played by the match runner.
 */
import { describe, expect, it } from 'vitest';
import { openMatch, type Match, type MatchEntry } from '../core/match.ts';
import { ROUND_RECORD, type RoundRecordData, type SeatId } from '../core/types.ts';
import { cournot, type CournotConfig, type FirmView, type MarketPublicView } from './index.ts';
import { outcomeAt, type LinearMarket } from './theory.ts';

const parse = (c: Partial<CournotConfig> = {}) => cournot.configSchema.parse(c);
const value = (b: ReturnType<typeof cournot.benchmarks>, name: string): number => b[name]?.value as number;

/** A firm's quantity grid (legal() at the start of a period). */
const gridOf = (match: Match, seat: SeatId): number[] => {
  const spec = cournot.legal(cournot.setup(match.header.config as CournotConfig, match.header.seats, { seed: 1 }), seat)[0]?.params.quantity;
  if (spec?.kind !== 'choice') throw new Error('no quantity grid');
  return spec.options as number[];
};

function play(config: Partial<CournotConfig>, seats: number, pick: (i: number, period: number, match: Match) => number): { match: Match; entries: MatchEntry[] } {
  const entries: MatchEntry[] = [];
  const match = openMatch(cournot, { config, seats, seed: 1 }, (e) => entries.push(e));
  let t = 0;
  while (!match.over) {
    const period = match.progress().round;
    match.header.seats.forEach((seat, i) => {
      const r = match.submit(seat, match.state.stateId, { type: 'quantity', quantity: pick(i, period, match) }, (t += 10));
      if (!r.ok) throw new Error(`${seat}: ${r.code} ${r.message}`);
    });
  }
  return { match, entries };
}

describe('benchmarks', () => {
  it.each([2, 3, 4])('are the textbook values with %i firms, A = 100, B = 2, c = 10', (n) => {
    const [A, B, c] = [100, 2, 10];
    const b = cournot.benchmarks(parse({ intercept: A, slope: B, costs: c }), n);
    expect(value(b, 'nash_quantity')).toBeCloseTo((A - c) / (B * (n + 1)), 10);
    expect(value(b, 'nash_total_quantity')).toBeCloseTo((n * (A - c)) / (B * (n + 1)), 10);
    expect(value(b, 'nash_price')).toBeCloseTo((A + n * c) / (n + 1), 10);
    expect(value(b, 'nash_profit')).toBeCloseTo((A - c) ** 2 / (B * (n + 1) ** 2), 10);
    expect(value(b, 'collusive_total_quantity')).toBeCloseTo((A - c) / (2 * B), 10);
    expect(value(b, 'collusive_price')).toBeCloseTo((A + c) / 2, 10);
    expect(value(b, 'collusive_profit')).toBeCloseTo((A - c) ** 2 / (4 * B * n), 10);
    expect(value(b, 'competitive_price')).toBeCloseTo(c, 10);
  });

  it('handle unequal costs and a binding capacity, per firm', () => {
    // A = 10, B = 1, c = (1, 2, 1.5), capacities (3, 10, 2): firm p2 is held at its capacity,
    // q^N = (8/3, 5/3, 2), Q^N = 19/3; the cartel fills p0 to capacity 3, then p2 to (10 − 1.5)/2 − 3 = 1.25.
    const b = cournot.benchmarks(parse({ costs: [1, 2, 1.5], capacities: [3, 10, 2] }), 3);
    expect(value(b, 'nash_quantity_p0')).toBeCloseTo(8 / 3, 12);
    expect(value(b, 'nash_quantity_p1')).toBeCloseTo(5 / 3, 12);
    expect(value(b, 'nash_quantity_p2')).toBe(2);
    expect(value(b, 'nash_total_quantity')).toBeCloseTo(19 / 3, 12);
    expect(value(b, 'collusive_quantity_p0')).toBe(3);
    expect(value(b, 'collusive_quantity_p1')).toBe(0);
    expect(value(b, 'collusive_quantity_p2')).toBeCloseTo(1.25, 12);
    expect(value(b, 'collusive_price')).toBeCloseTo(5.75, 12);
  });
});

describe('periods, rewards and records', () => {
  it('pays each firm (P − c)·q at the close of each period, P = max(0, A − B·Q)', () => {
    const m: LinearMarket = { intercept: 10, slope: 1, costs: [1, 1.5], capacities: [Infinity, Infinity] };
    const { match, entries } = play({ periods: 5, costs: [1, 1.5], range: { low: 0, high: 12 }, grid: 13 }, 2, (i, t) => (3 * t + 5 * i) % 13);
    const records = entries.filter((e) => e.kind === ROUND_RECORD).map((e) => e.data as unknown as RoundRecordData);
    expect(records).toHaveLength(5);
    for (const r of records) {
      const q = r.rows.map((row) => row.fields.quantity as number);
      const expected = outcomeAt(m, q);
      r.rows.forEach((row, i) => {
        expect(row.fields.price).toBe(expected.price);
        expect(row.payoff).toBe(expected.profits[i]);
      });
    }
    // Quantities 10 + 12 in period 4 push the price to 0: both firms lose their costs.
    expect(records[3]?.rows.map((row) => [row.fields.quantity, row.fields.price, row.payoff])).toEqual([
      [12, 0, -12],
      [4, 0, -6],
    ]);
    expect(match.outcome().payoffs.p1).toBeCloseTo(
      records.reduce((s, r) => s + (r.rows[1]?.payoff as number), 0),
      12,
    );
  });

  it('scores Nash output as Δ = 0 and the cartel output as Δ = 1, with the textbook price and quantity', () => {
    const b = cournot.benchmarks(parse(), 2);
    const at = (q: number) => play({ periods: 4, grid: null }, 2, () => q).match.outcome().measures;
    const nash = at(3);
    expect(nash.profit_gain).toBe(0);
    expect(nash.mean_price).toBe(4);
    expect(nash.mean_total_quantity).toBe(6);
    expect(at(2.25).profit_gain).toBe(1);
    expect(value(b, 'nash_profit')).toBe(9);
  });

  it('measures over the last gainWindow periods only', () => {
    const { match } = play({ periods: 4, grid: null, gainWindow: 1 }, 2, (_i, t) => (t < 4 ? 3 : 2.25));
    expect(match.outcome().measures.mean_price).toBe(5.5);
    expect(match.outcome().measures.profit_gain).toBe(1);
  });

  it('never offers more than a firm’s capacity, and refuses more', () => {
    const match = openMatch(cournot, { config: { grid: null, capacities: [2, 5] }, seats: 2, seed: 1 });
    const spec = match.legal('p0')[0]?.params.quantity;
    expect(spec).toMatchObject({ kind: 'number', max: 2 });
    expect(match.submit('p0', 0, { type: 'quantity', quantity: 2.5 }, 1)).toMatchObject({ ok: false, code: 'OUT_OF_RANGE' });
  });

  it('keeps a late firm’s last quantity at the deadline, and in period 1 the grid quantity nearest its Nash quantity', () => {
    const entries: MatchEntry[] = [];
    const match = openMatch(cournot, { config: { periods: 2, periodMs: 1000, grid: 11, range: { low: 0, high: 5 } }, seats: 2, seed: 1 }, (e) => entries.push(e));
    match.tick(0);
    match.submit('p0', match.state.stateId, { type: 'quantity', quantity: gridOf(match, 'p0')[4] }, 10);
    match.tick(1000);
    match.tick(2000);
    const rows = entries.filter((e) => e.kind === ROUND_RECORD).map((e) => (e.data as unknown as RoundRecordData).rows.map((r) => [r.fields.quantity, r.fields.missed]));
    // Nash quantity 3 is grid point 6 of 0, 0.5, ..., 5.
    expect(rows).toEqual([
      [
        [2, false],
        [3, true],
      ],
      [
        [2, true],
        [3, true],
      ],
    ]);
  });
});

describe('the information policy', () => {
  it("'allQuantities' shows every firm's quantities and grid indices; 'priceOnly' only the price and the firm's own", () => {
    const pick = (i: number, t: number, m: Match) => gridOf(m, `p${i}` as SeatId)[i + t] as number;
    const open = play({ periods: 2 }, 3, pick).match;
    expect((open.view('p0') as FirmView).lastIndices).toEqual([2, 3, 4]);
    expect((open.publicView() as MarketPublicView).last?.quantities).toHaveLength(3);

    const hidden = play({ periods: 2, reveal: 'priceOnly', recall: 2 }, 3, pick).match;
    const view = hidden.view('p1') as FirmView;
    expect(view.lastIndices).toEqual([null, 3, null]);
    expect(view.lastPrice).toBe((open.view('p0') as FirmView).lastPrice);
    for (const r of view.history) expect(r.quantities.filter((q) => q !== null)).toHaveLength(1);
    expect(Object.keys((hidden.publicView() as MarketPublicView).last ?? {})).toEqual(['period', 'price']);
  });
});
