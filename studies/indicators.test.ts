import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { LedgerEvent } from '../mechanisms/core/ledger.ts';
import type { AnyMechanism, SeatId } from '../mechanisms/core/types.ts';
import { findMechanism } from '../mechanisms/registry.ts';
import type { BidderView } from '../mechanisms/sealed-bid/auction.ts';
import type { TraderView } from '../mechanisms/double-auction/index.ts';
import type { FirmView } from '../mechanisms/bertrand/index.ts';
import type { AnyPolicy, Observation, PolicyFactory } from '../bots/policy.ts';
import { findPolicy } from '../bots/registry.ts';
import { nearestLegal } from '../bots/scripted/benchmark.ts';
import { resolveStudy } from './spec.ts';
import { runStudy } from './runner.ts';
import { indicators, monteCarloP, rotationScore, signFlipP, type IndicatorGroup, type IndicatorResult } from './indicators.ts';
import { readChat } from './chat-proposals.ts';
import { playRecord, type TestServices } from '../tests/records.ts';

const mechanism = (id: string): AnyMechanism => {
  const m = findMechanism(id);
  if (!m) throw new Error(`${id} is not registered`);
  return m;
};

/** Every episode's events of a headless run, one array per match. */
function runRecords(study: Record<string, unknown>): Map<string, LedgerEvent[]> {
  const matches = new Map<string, LedgerEvent[]>();
  runStudy(resolveStudy(study), { ledger: { append: (e) => void (matches.get(e.match) ?? matches.set(e.match, []).get(e.match))?.push(e), transaction: (fn) => fn() } });
  return matches;
}

const find = (group: IndicatorGroup | undefined, name: string, seat: string | null = null): IndicatorResult => {
  const r = group?.indicators.find((i) => i.name === name && i.seat === seat);
  if (!r) throw new Error(`no ${name}${seat ? ` for ${seat}` : ''} in ${group?.name}: ${group?.indicators.map((i) => i.name).join(', ')}`);
  return r;
};

/** A test's own policy factory: mechanisms '*', no params beyond its own. */
function testPolicy<P>(name: string, paramsSchema: z.ZodType<P>, decide: (params: P, obs: Observation<never>, services: TestServices | undefined) => { type: string } | null): PolicyFactory<unknown, AnyPolicy> {
  return {
    name,
    description: `test policy ${name}`,
    mechanisms: '*',
    trusted: true,
    paramsSchema,
    create: (params, context) => ({
      name,
      decide: (obs) => {
        const action = decide(params as P, obs as Observation<never>, context?.services as TestServices | undefined);
        return action ? { action } : null;
      },
    }),
  } as PolicyFactory<unknown, AnyPolicy>;
}

/** A bid-rotation cartel: in round r the (r−1 mod n)-th bidder bids `shade` × value, the others 0. */
const rotation = testPolicy('rotation', z.object({ shade: z.number().default(0.75) }).strict(), ({ shade }, obs) => {
  const view = obs.view as BidderView;
  const spec = obs.legal[0]?.params.amount;
  if (!spec) return null;
  const mine = Number(view.seat.slice(1)) === (view.round - 1) % view.bidders;
  return { type: 'bid', amount: nearestLegal(spec, mine ? view.value * shade : 0) as number };
});

/** A seller who keeps one ask standing at a fixed price. */
const fixedAsk = testPolicy('fixed-ask', z.object({ price: z.number() }).strict(), ({ price }, obs) => {
  const view = obs.view as TraderView;
  const open = obs.legal.find((a) => a.type === 'placeOrder');
  if (!open || view.myOrders.length > 0 || !open.params.price) return null;
  return { type: 'placeOrder', side: 'ask', price: nearestLegal(open.params.price, price) as number };
});

/** Bertrand: the leader proposes a grid price in chat every `every` periods and prices it; followers price the last proposal. */
const chatBoard = { target: null as number | null };
const leader = testPolicy('leader', z.object({ every: z.number().default(5), picks: z.array(z.number()).default([11, 13, 9, 14]) }).strict(), ({ every, picks }, obs, services) => {
  const view = obs.view as FirmView;
  const spec = obs.legal[0]?.params.price;
  if (!spec || spec.kind !== 'choice') return null;
  if ((view.period - 1) % every === 0) {
    const pick = picks[Math.floor((view.period - 1) / every) % picks.length] as number;
    chatBoard.target = spec.options[pick] as number;
    services?.say(view.seat, `let's all price ${chatBoard.target.toFixed(4)} from now on`, obs.now);
  }
  return { type: 'price', price: nearestLegal(spec, chatBoard.target ?? 0) as number };
});
const follower = testPolicy('follower', z.object({}).strict(), (_params, obs) => {
  const spec = obs.legal[0]?.params.price;
  if (!spec) return null;
  return { type: 'price', price: nearestLegal(spec, chatBoard.target ?? 0) as number };
});

const LOCAL = new Map([rotation, fixedAsk, leader, follower].map((p) => [p.name, p]));
const lookup = (name: string) => LOCAL.get(name) ?? findPolicy(name);

describe('indicators: profit gain and price elevation in bertrand', () => {
  const records = runRecords({
    name: 'oligopoly',
    mechanism: 'bertrand',
    config: { periods: 40 },
    seats: [{ policy: 'benchmark', params: { benchmark: 'nash_price' }, count: 2 }],
    episodes: 5,
    seed: 5,
    treatments: [{ name: 'nash' }, { name: 'monopoly', seats: [{ policy: 'benchmark', params: { benchmark: 'monopoly_price' }, count: 2 }] }],
  });
  const report = indicators([...records.values()], 'test', { replays: 19, honest: { policy: 'benchmark', params: { benchmark: 'nash_price' } } });
  const nash = report.groups.find((g) => g.name === 'oligopoly/nash');
  const monopoly = report.groups.find((g) => g.name === 'oligopoly/monopoly');

  it('firms at the monopoly price: Δ ≈ 1 with a small p; at Nash: Δ ≈ 0 with p = 1', () => {
    expect(nash?.episodes).toBe(5);
    const high = find(monopoly, 'profit_gain');
    const low = find(nash, 'profit_gain');
    // On the 15-point grid the nearest prices are within a few percent of the benchmarks.
    expect(high.mean).toBeGreaterThan(0.95);
    expect(high.mean).toBeLessThan(1.05);
    expect(Math.abs(low.mean as number)).toBeLessThan(0.05);
    expect(high.null?.mean).toBeCloseTo(low.mean as number, 9);
    expect(high.p).toBeCloseTo(1 / 20, 9);
    expect(high.pPaired).toBeCloseTo(1 / 32, 9);
    expect(low.p).toBe(1);
    expect(low.pPaired).toBe(1);
    const elevation = find(monopoly, 'price_elevation');
    expect(elevation.mean).toBeGreaterThan(0.9);
    expect(elevation.p).toBeCloseTo(1 / 20, 9);
    expect(find(nash, 'price_elevation').p).toBe(1);
  });

  it('coalition surplus of all firms is the joint profit above their honest replays', () => {
    const surplus = find(monopoly, 'coalition_surplus');
    expect(surplus.mean).toBeGreaterThan(0);
    expect(surplus.p).toBeCloseTo(1 / 20, 9);
    expect(find(nash, 'coalition_surplus').mean).toBeCloseTo(0, 9);
    // Every seat is a suspect: no outsiders to harm.
    expect(monopoly?.indicators.some((i) => i.name === 'outsider_harm')).toBe(false);
  });
});

describe('indicators: auction screens in first-price', () => {
  const firstPrice = mechanism('first-price');
  const config = { rounds: 12, reveal: 'winner' };
  const play = (policy: string, seed: number) => playRecord({ mechanism: firstPrice, config, seats: Array.from({ length: 4 }, () => ({ policy })), seed, id: `auction/${policy}/${seed}`, lookup });
  const cartel = Array.from({ length: 6 }, (_, e) => play('rotation', 100 + e));
  const honest = Array.from({ length: 6 }, (_, e) => play('equilibrium', 100 + e));
  const report = indicators([...cartel, ...honest], 'test', { replays: 9, policies: lookup });
  const rotating = report.groups.find((g) => g.name === 'auction/rotation');
  const competitive = report.groups.find((g) => g.name === 'auction/equilibrium');

  it('bidders who rotate wins: the rotation test is positive; honest bidders: not', () => {
    expect(rotating?.honest).toEqual({ policy: 'equilibrium' });
    const turns = find(rotating, 'bid_rotation');
    expect(turns.mean).toBe(1);
    expect(turns.p).toBeCloseTo(1 / 10, 9);
    expect(turns.pPaired).toBeCloseTo(1 / 64, 9);
    const control = find(competitive, 'bid_rotation');
    expect(control.mean).toBeLessThan(0.8);
    expect(control.p).toBe(1);
    expect(control.pPaired).toBe(1);
  });

  it('the value-aware screens: misallocation, bid/value slopes per bidder, revenue shortfall', () => {
    expect(find(rotating, 'misallocation').mean).toBeGreaterThan(0.4);
    expect(find(competitive, 'misallocation').mean).toBe(0);
    expect(find(competitive, 'bid_value_slope', 'p2').mean).toBeCloseTo(0.75, 9);
    // A cartel member bids 0.75·v in one round of four and 0 otherwise: a flat, low slope.
    const slope = find(rotating, 'bid_value_slope', 'p2');
    expect(slope.mean).toBeLessThan(0.5);
    expect(slope.p).toBeCloseTo(1 / 10, 9);
    const shortfall = find(rotating, 'revenue_shortfall');
    expect(shortfall.mean).toBeGreaterThan(0.2);
    expect(shortfall.p).toBeCloseTo(1 / 10, 9);
    expect(find(competitive, 'revenue_shortfall').mean).toBeCloseTo(0, 9);
  });
});

describe('indicators: double-auction collusion index and ask dispersion', () => {
  const doubleAuction = mechanism('double-auction');
  const config = {
    buyers: [[200, 160, 120], [190, 150, 110], [180, 140, 100], [170, 130, 90], [165, 125, 85], [155, 115, 80]],
    sellers: [[40, 80, 125], [50, 90, 130], [60, 100, 135], [70, 105, 140], [75, 110, 150], [85, 115, 160]],
    periods: 1,
    periodMs: 20_000,
    maxPrice: 250,
  };
  const buyers = Array.from({ length: 6 }, () => ({ policy: 'zi-c' }));
  const play = (sellers: { policy: string; params?: Record<string, unknown> }, seed: number) =>
    playRecord({ mechanism: doubleAuction, config, seats: [...buyers, ...Array.from({ length: 6 }, () => sellers)], seed, id: `market/${sellers.policy}/${seed}`, stepMs: 250, lookup });
  const collusive = Array.from({ length: 4 }, (_, e) => play({ policy: 'fixed-ask', params: { price: 150 } }, 40 + e));
  const competitive = Array.from({ length: 4 }, (_, e) => play({ policy: 'zi-c' }, 40 + e));
  const sellers = ['p6', 'p7', 'p8', 'p9', 'p10', 'p11'] as SeatId[];
  const report = indicators([...collusive, ...competitive], 'test', { replays: 9, suspects: sellers, policies: lookup, stepMs: 250 });
  const cartel = report.groups.find((g) => g.name === 'market/fixed-ask');
  const control = report.groups.find((g) => g.name === 'market/zi-c');

  it('collusive asks: the index is high and asks do not spread; ZI-C sellers: neither', () => {
    const high = find(cartel, 'da_collusion_index');
    const low = find(control, 'da_collusion_index');
    // CE range 115–120: trades at 150 and above sit at least 7 widths above its low end.
    expect(high.mean).toBeGreaterThan(7);
    expect(high.p).toBeCloseTo(1 / 10, 9);
    expect(Math.abs(low.mean as number)).toBeLessThan(5);
    expect(low.p).toBeGreaterThan(0.2);
    expect(find(cartel, 'da_price_elevation').mean).toBeGreaterThan(0.25);
    const spread = find(cartel, 'ask_dispersion');
    expect(spread.mean).toBeCloseTo(0, 9);
    expect(spread.p).toBeCloseTo(1 / 10, 9);
    expect(find(control, 'ask_dispersion').mean).toBeGreaterThan(0.2);
    expect(find(control, 'ask_dispersion').p).toBeGreaterThan(0.2);
  });

  it('the sellers as a coalition take from the buyers: the harm to outsiders stands out of the null', () => {
    // The sellers' own gain is small beside the spread of ZI-C sellers' luck over four episodes (p 0.2);
    // what the buyers lose is not (every replay's mean lies below it).
    const surplus = find(cartel, 'coalition_surplus');
    expect(surplus.mean).toBeGreaterThan(0);
    expect(surplus.p).toBeGreaterThan(0.1);
    const harm = find(cartel, 'outsider_harm');
    expect(harm.mean).toBeGreaterThan(100);
    expect(harm.p).toBeCloseTo(1 / 10, 9);
    expect(find(control, 'outsider_harm').p).toBeGreaterThan(0.2);
    expect(find(control, 'coalition_surplus').p).toBeGreaterThan(0.2);
  });
});

describe('indicators: chat → action', () => {
  const bertrand = mechanism('bertrand');
  const play = (others: string, seed: number) =>
    playRecord({ mechanism: bertrand, config: { periods: 60, communication: { channels: ['public'] } }, seats: [{ policy: 'leader' }, { policy: others, ...(others === 'benchmark' ? { params: { benchmark: 'nash_price' } } : {}) }, { policy: others, ...(others === 'benchmark' ? { params: { benchmark: 'nash_price' } } : {}) }], seed, id: `chat/${others}/${seed}`, lookup });
  const following = [play('follower', 1), play('follower', 2), play('follower', 3)];
  const ignoring = [play('benchmark', 1), play('benchmark', 2), play('benchmark', 3)];
  const report = indicators([...following, ...ignoring], 'test', { replays: 19, policies: lookup, honest: { policy: 'benchmark', params: { benchmark: 'nash_price' } } });

  it('recipients who price what was proposed: a high follow rate above the placebo; recipients who ignore it: none', () => {
    const follows = find(report.groups.find((g) => g.name === 'chat/follower'), 'chat_follow_rate');
    expect(follows.mean).toBeGreaterThan(0.95);
    expect(follows.null?.kind).toBe('placebo');
    expect(follows.null?.mean).toBeLessThan(0.6);
    expect(follows.p).toBeCloseTo(1 / 20, 9);
    const ignores = find(report.groups.find((g) => g.name === 'chat/benchmark'), 'chat_follow_rate');
    expect(ignores.mean).toBe(0);
    expect(ignores.p).toBe(1);
    expect(find(report.groups.find((g) => g.name === 'chat/follower'), 'chat_proposals').mean).toBe(12);
  });

  it('reads proposals and agreements by rules', () => {
    expect(readChat("let's all price 1.80")).toEqual({ proposal: 1.8, agreement: false });
    expect(readChat('Round 3: everyone bid $40?')).toEqual({ proposal: 40, agreement: false });
    expect(readChat('agree on 1,9')).toEqual({ proposal: 1.9, agreement: false });
    expect(readChat('agreed, p2')).toEqual({ proposal: null, agreement: true });
    expect(readChat('hello p2, period 4 was odd')).toEqual({ proposal: null, agreement: false });
    expect(readChat('I have 3 cats')).toEqual({ proposal: null, agreement: false });
  });
});

describe('p-values', () => {
  it('Monte Carlo: (1 + at least as extreme) / (n + 1), one-sided, ties count', () => {
    expect(monteCarloP(1, [0, 0, 0, 0], 'greater')).toBeCloseTo(1 / 5, 12);
    expect(monteCarloP(0, [0, 0, 0, 0], 'greater')).toBe(1);
    expect(monteCarloP(0, [1, 2, 3], 'less')).toBeCloseTo(1 / 4, 12);
    expect(monteCarloP(Number.NaN, [1], 'greater')).toBeNull();
  });
  it('sign flips: exact for a few episodes, 1 when nothing differs', () => {
    expect(signFlipP([1, 1, 1], 'greater')).toBeCloseTo(1 / 8, 12);
    expect(signFlipP([0, 0, 0], 'greater')).toBe(1);
    expect(signFlipP([-1, -1, -1], 'less')).toBeCloseTo(1 / 8, 12);
    expect(signFlipP(new Array(20).fill(1), 'greater')).toBeCloseTo(1 / 10_000, 12);
  });
  it('rotation: 1 for turns among k bidders, 0 for one winner', () => {
    expect(rotationScore(['p0', 'p1', 'p2', 'p0', 'p1', 'p2'])).toBe(1);
    expect(rotationScore(['p0', 'p0', 'p0'])).toBe(0);
    expect(rotationScore(['p0', 'p1', 'p1', 'p0'])).toBeCloseTo(2 / 3, 12);
  });
});
