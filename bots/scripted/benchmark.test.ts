import { describe, expect, it } from 'vitest';
import { findMechanism } from '../../mechanisms/registry.ts';
import { openMatch } from '../../mechanisms/core/match.ts';
import { Rng } from '../../mechanisms/core/random.ts';
import type { AnyMechanism } from '../../mechanisms/core/types.ts';
import { SeatObservation, type Policy } from '../policy.ts';
import { benchmarkPlayer, nearestLegal } from './benchmark.ts';

const mechanism = (id: string): AnyMechanism => findMechanism(id) as AnyMechanism;

describe('benchmark policy', () => {
  it('takes the legal value nearest the benchmark: on a grid, a range with a step, whole numbers', () => {
    expect(nearestLegal({ kind: 'choice', options: [1, 1.5, 2] }, 1.7)).toBe(1.5);
    expect(nearestLegal({ kind: 'number', min: 0, max: 10, step: 0.5 }, 3.3)).toBe(3.5);
    expect(nearestLegal({ kind: 'number', min: 0, max: 10 }, 12)).toBe(10);
    expect(nearestLegal({ kind: 'integer', min: 1, max: 5 }, 2.6)).toBe(3);
    expect(nearestLegal({ kind: 'choice', options: ['a', 'b'] }, 1)).toBeNull();
  });

  it('prices a bertrand firm at the grid price nearest its Nash price', () => {
    const bertrand = mechanism('bertrand');
    const match = openMatch(bertrand, { config: { periods: 2 }, seats: 2, seed: 1 });
    const context = { mechanism: bertrand, config: match.header.config, seat: 'p0' as const, seats: 2 };
    const policy = benchmarkPlayer.create({ benchmark: 'nash_price' }, context) as Policy;
    const legal = match.legal('p0');
    const decided = policy.decide(new SeatObservation('bertrand', 'p0', match.state.stateId, match.view('p0'), legal, 0), new Rng(1));
    const nash = bertrand.benchmarks(match.header.config, 2).nash_price?.value as number;
    const spec = legal[0]?.params.price;
    expect(decided?.action).toEqual({ type: 'price', price: spec && nearestLegal(spec, nash) });
    expect(Math.abs((decided?.action.price as number) - nash)).toBeLessThan(0.03);
  });

  it('refuses a benchmark the mechanism does not have, and one that reveals private draws', () => {
    const bertrand = mechanism('bertrand');
    const config = bertrand.configSchema.parse({});
    expect(() => benchmarkPlayer.create({ benchmark: 'nope' }, { mechanism: bertrand, config, seat: 'p0', seats: 2 })).toThrow(/bertrand has no benchmark 'nope' \(public ones with a value: nash_price/);
    const market = mechanism('double-auction');
    const schedules = market.configSchema.parse({ buyers: [[10], [9]], sellers: [[1], [2]] });
    expect(() => benchmarkPlayer.create({ benchmark: 'ce_price_low' }, { mechanism: market, config: schedules, seat: 'p0', seats: 4 })).toThrow(/reveals private draws/);
  });
});
