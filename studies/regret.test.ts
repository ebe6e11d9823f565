/**
 * Ex-post regret against hand-computed rounds and against theory: truthful bidders in a
 * second-price auction have none (bidding one's value is the best bid in hindsight), truthful
 * first-price bidders leave E[(v − h)⁺] = 100/(n(n+1)) on the table per round; a results folder
 * and an events.jsonl record give the same numbers as the rows in memory.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../tests/temp.ts';
import { resolveStudy, type StudyInput } from './spec.ts';
import { runStudy } from './runner.ts';
import { auctionRules, bidRowsOf, ExpostRegret, expostRegret, openBidRecords, payoffOf, type AuctionRules, type BidRow } from './regret.ts';

const first: AuctionRules = { price: 'first', reserve: 0, tieBreak: 'random' };
const second: AuctionRules = { price: 'second', reserve: 0, tieBreak: 'random' };

const row = (seat: string, value: number, bid: number | null, payoff: number, round = 1, episode = 0): BidRow => ({ treatment: 't', episode, round, seat, value, bid, payoff });

describe('the payoff of a bid against the others', () => {
  it('loses below the others or the reserve, pays its bid or the second price above, shares ties', () => {
    const facing = { high: 45, tied: 1, firstTied: 1 };
    expect(payoffOf(40, 60, 0, facing, first)).toBe(0);
    expect(payoffOf(50, 60, 0, facing, first)).toBe(10);
    expect(payoffOf(50, 60, 0, facing, second)).toBe(15);
    expect(payoffOf(45, 60, 0, facing, first)).toBe(7.5);
    expect(payoffOf(45, 60, 0, facing, { ...first, tieBreak: 'lowestSeat' })).toBe(15);
    expect(payoffOf(45, 60, 2, facing, { ...first, tieBreak: 'lowestSeat' })).toBe(0);
    expect(payoffOf(50, 60, 0, facing, { ...second, reserve: 55 })).toBe(0);
    expect(payoffOf(56, 60, 0, { high: -Infinity, tied: 0, firstTied: Infinity }, { ...second, reserve: 55 })).toBe(5);
  });
});

describe('ex-post regret', () => {
  it('per seat and round: the best bid on the grid against the recorded other bids, minus what the seat got', () => {
    // First price: p1 wins with 45 and earns 5.
    const rows = [row('p0', 60, 40, 0), row('p1', 50, 45, 5), row('p2', 30, 10, 0)];
    const r = expostRegret(rows, () => first);
    const bySeat = Object.fromEntries(r.rounds.map((x) => [x.seat, x]));
    expect(bySeat.p0?.bestBid).toBeCloseTo(45.01, 9);
    expect(bySeat.p0?.regret).toBeCloseTo(14.99, 9);
    expect(bySeat.p1?.bestBid).toBeCloseTo(40.01, 9);
    expect(bySeat.p1?.regret).toBeCloseTo(4.99, 9);
    expect(bySeat.p2).toMatchObject({ bestBid: 0, bestPayoff: 0, regret: 0 });
    // One round: the best fixed factor is the best f·value on the factor grid.
    const p0 = r.episodes.find((e) => e.seat === 'p0');
    expect(p0?.bestFraction).toBe(0.76);
    expect(p0?.regret).toBeCloseTo(60 - 45.6, 9);
    // Second price: the winner already pays the second bid; the grid's best is its own outcome.
    const r2 = expostRegret([row('p0', 60, 40, 0), row('p1', 50, 45, 10), row('p2', 30, 10, 0)], () => second);
    expect(r2.rounds.map((x) => x.regret)).toEqual([15, 0, 0]);
    expect(expostRegret(rows, () => ({ ...first, maxBid: 42 })).rounds[0]).toMatchObject({ bestPayoff: 0, regret: 0 });
  });

  it('over an episode of rounds: the best fixed shading factor; it may do worse than a seat that adapts', () => {
    const rows = [row('p0', 80, 70, 10, 1), row('p1', 60, 60, 0, 1), row('p0', 20, 0, 0, 2), row('p1', 90, 15, 90 - 15, 2)];
    const r = expostRegret(rows, () => first, { fractions: [0.5, 0.8, 1] });
    const p0 = r.episodes.find((e) => e.seat === 'p0');
    // f = 0.8: 64 beats 60 (16), 16 beats 15 (4).
    expect(p0).toMatchObject({ rounds: 2, payoff: 10, bestFraction: 0.8 });
    expect(p0?.bestPayoff).toBeCloseTo(20, 9);
    const p1 = r.episodes.find((e) => e.seat === 'p1');
    // p1's own play (75) beats every fixed factor (0.5: 0 + 45 = 45).
    expect(p1?.regret).toBeLessThan(0);
  });

  const study = (mechanism: string, policy: string): StudyInput => ({ name: 'regret', mechanism, config: { rounds: 3 }, seats: [{ policy, count: 4 }], episodes: 400, seed: 8 });
  const rowsOf = async (input: StudyInput) => {
    const resolved = resolveStudy(input);
    const rows: BidRow[] = [];
    runStudy(resolved, { keepRows: true, onEpisode: (e) => rows.push(...bidRowsOf(e.rows ?? [], e.treatment, e.episode, () => input.seats[0]?.policy)) });
    return { rows, rules: (await auctionRules(resolved.study.mechanism, resolved.treatments[0]?.config)) as AuctionRules };
  };

  it('truthful bidders in a second-price auction have no regret, round by round or as a fixed factor', async () => {
    const { rows, rules } = await rowsOf(study('second-price', 'truthful'));
    const { summary } = expostRegret(rows, () => rules);
    expect(summary).toHaveLength(4);
    for (const s of summary) {
      expect(s.round.mean).toBeCloseTo(0, 9);
      expect(s.fixedFraction.mean).toBeCloseTo(0, 9);
      expect(s.bestFraction).toBe(1);
      expect(s.policy).toBe('truthful');
    }
  });

  it('truthful first-price bidders regret E[(v − h)⁺] = 100/(n(n+1)) a round; equilibrium bidders regret something too (ex post, a bid just above the others is better)', async () => {
    const truthful = await rowsOf(study('first-price', 'truthful'));
    for (const s of expostRegret(truthful.rows, () => truthful.rules).summary) {
      expect(s.payoff.mean).toBe(0);
      // 100/(4·5) = 5 less the grid's 0.01 step at most.
      expect(s.round.ci95[0]).toBeLessThan(5);
      expect(s.round.ci95[1]).toBeGreaterThan(4.99);
    }
    const { rows, rules } = await rowsOf(study('first-price', 'equilibrium'));
    for (const s of expostRegret(rows, () => rules).summary) expect(s.round.mean).toBeGreaterThan(0);
  });

  it('reads the same rows from a results folder (rounds.csv, manifest.json) and from an events.jsonl record', async () => {
    const input: StudyInput = { ...study('first-price', 'equilibrium'), episodes: 30, config: { rounds: 2, reserve: 10 }, treatments: [{ name: 'eq' }, { name: 'truthful', seats: [{ policy: 'truthful', count: 4 }] }] };
    const resolved = resolveStudy(input);
    const out = join(tempDir('regret'), 'run');
    runStudy(resolved, { out, events: true });
    const memory: BidRow[] = [];
    runStudy(resolved, { keepRows: true, onEpisode: (e) => memory.push(...bidRowsOf(e.rows ?? [], e.treatment, e.episode)) });
    const rules = (await auctionRules('first-price', resolved.treatments[0]?.config)) as AuctionRules;
    expect(rules.reserve).toBe(10);
    const expected = expostRegret(memory, () => rules).summary;
    for (const source of [out, join(out, 'events.jsonl')]) {
      const records = await openBidRecords(source);
      const tally = new ExpostRegret(records.rulesOf);
      for await (const r of records.rows) tally.add(r);
      const got = tally.finish();
      expect(records.treatments).toEqual(['eq', 'truthful']);
      expect(got.map((s) => [s.treatment, s.seat, s.round.mean, s.fixedFraction.mean])).toEqual(expected.map((s) => [s.treatment, s.seat, s.round.mean, s.fixedFraction.mean]));
    }
  });
});
