/**
 * The bertrand engine against Calvano, Calzolari, Denicolò and Pastorello (2020), AER
 * 110(10), Section III and the authors' replication package (NashP = 1.47293,
 * CoopP = 1.92498, NashProft = 0.22293, CoopProft = 0.33749), and against the logit
 * formulas of theory.ts, through matches played by the match runner.
 */
import { describe, expect, it } from 'vitest';
import { openMatch, type Match, type MatchEntry } from '../core/match.ts';
import { ROUND_RECORD, type RoundRecordData, type SeatId } from '../core/types.ts';
import { canonicalJson } from '../core/hash.ts';
import { bertrand, type BertrandConfig, type FirmView, type MarketPublicView } from './index.ts';
import { baselineMarket, bertrandNash, jointProfitMaximum, logitProfits, priceGrid } from './theory.ts';

const parse = (c: Partial<BertrandConfig> = {}) => bertrand.configSchema.parse(c);
/** A firm's price grid (legal() at the start of a period). */
const gridOf = (match: Match, seat: SeatId): number[] => {
  const spec = bertrand.legal(bertrand.setup(match.header.config as BertrandConfig, match.header.seats, { seed: 1 }), seat)[0]?.params.price;
  if (spec?.kind !== 'choice') throw new Error('no price grid');
  return spec.options as number[];
};

/** Plays every period with the prices `pick` names (seat index, period) and returns the record. */
function play(config: Partial<BertrandConfig>, seats: number, pick: (i: number, period: number, match: Match) => number): { match: Match; entries: MatchEntry[] } {
  const entries: MatchEntry[] = [];
  const match = openMatch(bertrand, { config, seats, seed: 1 }, (e) => entries.push(e));
  let t = 0;
  while (!match.over) {
    const period = match.progress().round;
    match.header.seats.forEach((seat, i) => {
      const r = match.submit(seat, match.state.stateId, { type: 'price', price: pick(i, period, match) }, (t += 10));
      if (!r.ok) throw new Error(`${seat}: ${r.code} ${r.message}`);
    });
  }
  return { match, entries };
}

const rowsOf = (entries: readonly MatchEntry[]) => entries.filter((e) => e.kind === ROUND_RECORD).map((e) => e.data as unknown as RoundRecordData);

describe('benchmarks of the baseline (two firms, a = 2, c = 1, a0 = 0, μ = 1/4)', () => {
  const b = bertrand.benchmarks(parse(), 2);

  it('has the published Nash and monopoly prices and profits', () => {
    // Section III: p^N ≈ 1.47, p^M ≈ 1.92; replication package to five decimals.
    expect(Math.abs((b.nash_price?.value as number) - 1.47293)).toBeLessThan(5e-6);
    expect(Math.abs((b.monopoly_price?.value as number) - 1.92498)).toBeLessThan(5e-6);
    expect(Math.abs((b.nash_profit?.value as number) - 0.22293)).toBeLessThan(5e-6);
    expect(Math.abs((b.monopoly_profit?.value as number) - 0.33749)).toBeLessThan(5e-6);
    expect((b.nash_price?.value as number).toFixed(4)).toBe('1.4729');
    expect((b.monopoly_price?.value as number).toFixed(4)).toBe('1.9250');
    expect((b.nash_profit?.value as number).toFixed(4)).toBe('0.2229');
    expect((b.monopoly_profit?.value as number).toFixed(4)).toBe('0.3375');
  });

  it('solves them to better than 1e-6: Nash is a fixed point of best responses, monopoly the best common price', () => {
    const pN = b.nash_price?.value as number;
    const pM = b.monopoly_price?.value as number;
    const own = (p: number) => logitProfits(baselineMarket(2), [p, pN])[0] as number;
    const joint = (p: number) => (logitProfits(baselineMarket(2), [p, p]) as number[]).reduce((s, x) => s + x, 0);
    for (const d of [1e-6, -1e-6, 1e-3, -1e-3]) {
      expect(own(pN + d)).toBeLessThan(own(pN));
      expect(joint(pM + d)).toBeLessThan(joint(pM));
    }
  });

  it('prices on the paper’s grid: 15 points from 1.4277 to 1.9702, the same numbers as theory.priceGrid', () => {
    const match = openMatch(bertrand, { config: {}, seats: 2, seed: 1 });
    const grid = gridOf(match, 'p0');
    const nash = bertrandNash(baselineMarket(2));
    const monopoly = jointProfitMaximum(baselineMarket(2));
    expect(grid).toEqual(Array.from(priceGrid(nash.prices[0] as number, monopoly.prices[0] as number, 15, 0.1)));
    expect(gridOf(match, 'p1')).toEqual(grid);
    expect(Math.abs((grid[0] as number) - 1.42773)).toBeLessThan(1e-4);
    expect(Math.abs((grid[14] as number) - 1.97018)).toBeLessThan(1e-4);
  });

  it('gives three firms the monopoly markup μ/(1 − Σq) = 1 (price 2), and firms that differ benchmarks of their own', () => {
    expect(bertrand.benchmarks(parse(), 3).monopoly_price?.value).toBeCloseTo(2, 9);
    const asym = bertrand.benchmarks(parse({ costs: [1, 0.5] }), 2);
    // Replication package, Table 4: with c2 = 0.5 the cheaper firm's Nash share of the inside goods is 0.662.
    const prices = [asym.nash_price_p0?.value as number, asym.nash_price_p1?.value as number];
    expect(prices[1]).toBeLessThan(prices[0] as number);
    const market = { ...baselineMarket(2), c: [1, 0.5] };
    const shares = logitProfits(market, prices).map((pi, i) => pi / ((prices[i] as number) - (market.c[i] as number)));
    expect(Math.abs((shares[1] as number) / ((shares[0] as number) + (shares[1] as number)) - 0.662)).toBeLessThan(5e-4);
  });
});

describe('periods, rewards and records', () => {
  it('pays each firm its logit profit at the close of each period, as reward and in the period record', () => {
    const { match, entries } = play({ periods: 6 }, 2, (i, t, m) => gridOf(m, `p${i}` as SeatId)[(3 * t + 5 * i) % 15] as number);
    const records = rowsOf(entries);
    expect(records.map((r) => r.round)).toEqual([1, 2, 3, 4, 5, 6]);
    let totals = [0, 0];
    for (const r of records) {
      const prices = r.rows.map((row) => row.fields.price as number);
      const expected = logitProfits(baselineMarket(2), prices);
      r.rows.forEach((row, i) => {
        expect(row.payoff).toBe(expected[i]);
        expect(row.fields.profit).toBe(expected[i]);
        expect(gridOf(match, row.seat)[row.fields.index as number]).toBe(row.fields.price);
      });
      totals = totals.map((x, i) => x + (expected[i] as number));
    }
    expect(match.outcome().payoffs.p0).toBeCloseTo(totals[0] as number, 12);
    expect(match.rewards.totals[1]).toBeCloseTo(totals[1] as number, 12);
  });

  it('rewards seats by their own names, whatever they are', () => {
    for (const seats of [['p0', 'p1'], ['p1', 'p0'], ['p3', 'p9', 'p4']] as SeatId[][]) {
      const match = openMatch(bertrand, { config: { periods: 2 }, seats, seed: 1 });
      for (let t = 0; t < 2; t++) for (const seat of seats) match.submit(seat, match.state.stateId, { type: 'price', price: gridOf(match, seat)[7] }, t);
      const payoffs = match.outcome().payoffs;
      expect(Object.keys(payoffs).sort()).toEqual([...seats].sort());
      seats.forEach((seat, i) => expect(match.rewards.totals[i]).toBe(payoffs[seat]));
      expect(payoffs[seats[0] as SeatId]).toBeGreaterThan(0);
    }
  });

  it('scores Nash pricing as Δ = 0 and monopoly pricing as Δ = 1 (continuous prices)', () => {
    const b = bertrand.benchmarks(parse(), 2);
    const at = (price: number) => play({ periods: 5, grid: null }, 2, () => price).match.outcome().measures;
    const nash = at(b.nash_price?.value as number);
    expect(nash.profit_gain).toBeCloseTo(0, 9);
    expect(nash.mean_price).toBeCloseTo(b.nash_price?.value as number, 12);
    expect(nash.mean_profit).toBeCloseTo(b.nash_profit?.value as number, 12);
    expect(at(b.monopoly_price?.value as number).profit_gain).toBeCloseTo(1, 9);
  });

  it('measures over the last gainWindow periods only', () => {
    const b = bertrand.benchmarks(parse(), 2);
    const [pN, pM] = [b.nash_price?.value as number, b.monopoly_price?.value as number];
    const { match } = play({ periods: 4, grid: null, gainWindow: 2 }, 2, (_i, t) => (t <= 2 ? pN : pM));
    expect(match.outcome().measures.profit_gain).toBeCloseTo(1, 9);
    expect(match.outcome().measures.mean_price).toBeCloseTo(pM, 12);
  });

  it('refuses a price off the grid and a second price in one period, with codes', () => {
    const match = openMatch(bertrand, { config: {}, seats: 2, seed: 1 });
    const grid = gridOf(match, 'p0');
    expect(match.submit('p0', 0, { type: 'price', price: (grid[3] as number) + 1e-4 }, 1)).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
    expect(match.submit('p0', 0, { type: 'price', price: grid[3] }, 1).ok).toBe(true);
    expect(match.submit('p0', 1, { type: 'price', price: grid[4] }, 2)).toMatchObject({ ok: false, code: 'NOT_YOUR_TURN' });
    expect(match.submitTrusted('p0', { type: 'price', price: grid[4] } as { type: string }, 2)).toMatchObject({ ok: false, code: 'NOT_YOUR_TURN' });
  });

  it('keeps a late firm’s last price at the deadline, and in period 1 the grid price nearest its Nash price', () => {
    const entries: MatchEntry[] = [];
    const match = openMatch(bertrand, { config: { periods: 3, periodMs: 1000 }, seats: 2, seed: 1 }, (e) => entries.push(e));
    match.tick(0);
    const grid = gridOf(match, 'p0');
    match.submit('p0', match.state.stateId, { type: 'price', price: grid[9] }, 100);
    match.tick(1000); // p1 misses period 1
    match.submit('p1', match.state.stateId, { type: 'price', price: grid[12] }, 1100);
    match.tick(2000); // p0 misses period 2
    match.tick(3000); // both miss period 3
    expect(match.over).toBe(true);
    const rows = rowsOf(entries).map((r) => r.rows.map((row) => [row.fields.index, row.fields.missed]));
    // The Nash price 1.4729 lies between grid[1] = 1.4665 and grid[2] = 1.5052, nearer grid[1].
    expect(rows).toEqual([
      [
        [9, false],
        [1, true],
      ],
      [
        [9, true],
        [12, false],
      ],
      [
        [9, true],
        [12, true],
      ],
    ]);
  });
});

describe('the information policy', () => {
  it("'allPrices' shows every firm's last prices, as prices and grid indices, to firms and spectators", () => {
    const { match } = play({ periods: 2 }, 3, (i, t, m) => gridOf(m, `p${i}` as SeatId)[i + t] as number);
    const view = match.view('p0') as FirmView;
    expect(view.lastIndices).toEqual([2, 3, 4]);
    expect(view.lastPrices).toEqual([0, 1, 2].map((i) => gridOf(match, `p${i}` as SeatId)[i + 2]));
    expect((match.publicView() as MarketPublicView).last?.prices).toEqual(view.lastPrices);
  });

  it("'ownOnly' shows a firm only its own price, sales and profit, and spectators no firm's", () => {
    const entries: MatchEntry[] = [];
    const match = openMatch(bertrand, { config: { periods: 2, reveal: 'ownOnly', recall: 2 }, seats: 3, seed: 1 }, (e) => entries.push(e));
    for (let t = 0; t < 2; t++) for (const [i, seat] of match.header.seats.entries()) match.submit(seat, match.state.stateId, { type: 'price', price: gridOf(match, seat)[i + 4] }, t);
    const view = match.view('p1') as FirmView;
    expect(view.lastIndices).toEqual([null, 5, null]);
    expect(view.lastPrices?.filter((p) => p !== null)).toHaveLength(1);
    for (const r of view.history) {
      expect(r.prices.filter((p) => p !== null)).toHaveLength(1);
      expect(r.profits.filter((p) => p !== null)).toEqual([view.lastProfit]);
    }
    const spectator = match.publicView() as MarketPublicView;
    expect(spectator.last).toEqual({ period: 2 });
    const told = entries.filter((e) => e.audience === 'public');
    expect(told.length).toBeGreaterThan(0);
    for (const e of told) expect(Object.keys(e.data)).toEqual(['period']);
  });
});

describe('long matches', () => {
  it('keep the state the same size, period after period', () => {
    const sizes: number[] = [];
    play({ periods: 3000, recall: 5 }, 2, (i, t, m) => {
      if (i === 0 && t % 1000 === 0) sizes.push(canonicalJson(m.state).length);
      return gridOf(m, `p${i}` as SeatId)[(t * 7 + i) % 15] as number;
    });
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThan(16);
  });

  it('accept up to 100,000,000 periods and no more', () => {
    expect(bertrand.configSchema.safeParse({ periods: 100_000_000 }).success).toBe(true);
    expect(bertrand.configSchema.safeParse({ periods: 100_000_001 }).success).toBe(false);
  });

  it('refuse per-firm lists of different lengths, and seat counts other than their length', () => {
    expect(bertrand.configSchema.safeParse({ qualities: [2, 2], costs: [1, 1, 1] }).success).toBe(false);
    expect(() => openMatch(bertrand, { config: { costs: [1, 1, 1] }, seats: 2, seed: 1 })).toThrow(/takes 3 seats/);
  });
});
