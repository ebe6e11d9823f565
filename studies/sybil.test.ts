/**
 * Sybil identities: the added identities hold the principal's value in every round, and in a
 * second-price auction with a reserve a shill bid can only hurt a single-unit principal or
 * leave it as it was: the sybil gain is never positive, and exactly zero for a shill that
 * never bids above the reserve.
 */
import { describe, expect, it } from 'vitest';
import type { SeatId } from '../mechanisms/core/types.ts';
import { findPolicy } from '../bots/registry.ts';
import { resolveStudy, type StudyInput } from './spec.ts';
import { runStudy } from './runner.ts';
import { planExploit, runExploit } from './exploit.ts';
import { sybilPopulation, sybilProblem } from './sybil.ts';

const secondPrice: StudyInput = {
  name: 'sybil-test',
  mechanism: 'second-price',
  config: { rounds: 3, reserve: 20 },
  seats: [{ policy: 'truthful', count: 4 }],
  episodes: 400,
  seed: 5,
};

describe('sybil identities', () => {
  it("draw the principal's value in every round, while the other seats keep their own draws", () => {
    const resolved = resolveStudy(secondPrice);
    const treatment = resolved.treatments[0] as NonNullable<(typeof resolved.treatments)[0]>;
    const truthful = findPolicy('truthful');
    if (!truthful) throw new Error('no truthful policy');
    const play = { group: 'test', policy: 'truthful', params: {}, factory: truthful };
    const population = sybilPopulation(resolved.mechanism, treatment, 'p1' as SeatId, 3, play, play);
    expect(population.principal).toEqual(['p1', 'p4', 'p5']);
    expect(population.seats.map((s) => s.seat)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5']);
    const study = Object.assign({}, resolved, { mechanism: population.mechanism, treatments: [{ ...treatment, seats: population.seats }] });
    const values = new Map<string, number>();
    let checked = 0;
    runStudy(study, {
      episodes: 20,
      keepRows: true,
      onEpisode: (e) => {
        for (const row of e.rows ?? []) values.set(`${e.episode}/${row.round}/${row.seat}`, row.fields.value as number);
      },
    });
    const alone: Map<string, number> = new Map();
    runStudy(resolved, { episodes: 20, keepRows: true, onEpisode: (e) => e.rows?.forEach((row) => alone.set(`${e.episode}/${row.round}/${row.seat}`, row.fields.value as number)) });
    for (let e = 0; e < 20; e++) {
      for (let r = 1; r <= 3; r++) {
        const v = values.get(`${e}/${r}/p1`);
        expect(values.get(`${e}/${r}/p4`)).toBe(v);
        expect(values.get(`${e}/${r}/p5`)).toBe(v);
        // Every seat of the study keeps the draws it has without the identities.
        for (const s of ['p0', 'p1', 'p2', 'p3']) expect(values.get(`${e}/${r}/${s}`)).toBe(alone.get(`${e}/${r}/${s}`));
        checked++;
      }
    }
    expect(checked).toBe(60);
  });

  it('second price with a reserve: a shill bid never helps a single-unit principal (sybil gain ≤ 0, exactly 0 below the reserve)', async () => {
    const plan = planExploit(resolveStudy(secondPrice), { policy: 'shader', params: { fraction: { grid: [0, 0.1, 0.25, 0.5, 0.75, 1, 1.25, 1.5] } }, sybil: { identities: 2 } }, { seats: ['p0'], fresh: 1000 });
    expect(plan.cls.description).toBe('sybil: the principal plays through 2 identities, the 1 added ones playing shader with fraction on the grid 0, 0.1, 0.25, 0.5, 0.75, 1, 1.25, 1.5, grid search');
    const r = await runExploit(plan);
    const byFraction = new Map(r.log.candidates.map((c) => [c.params.fraction as number, c]));
    // A shill bidding 0 (under the reserve of 20) changes nothing; 0.1·v < 20 for every value up to 100 too.
    expect(byFraction.get(0)).toMatchObject({ estimate: 0, se: 0 });
    expect(byFraction.get(0.1)).toMatchObject({ estimate: 0, se: 0 });
    for (const c of r.log.candidates) expect(c.estimate).toBeLessThanOrEqual(1e-9);
    // A shill bid above the reserve and below the principal's value raises the price it pays.
    expect(byFraction.get(0.75)?.estimate).toBeLessThan(0);
    expect((byFraction.get(0.75)?.estimate as number) + 3 * (byFraction.get(0.75)?.se as number)).toBeLessThan(0);
    expect(r.log.best.gain).toBeLessThanOrEqual(1e-9);
    expect(r.log.best.lowerBound).toBeLessThanOrEqual(0);
    expect(r.log.seat).toBe('p0');
  });

  it('first price against equilibrium bidders: a shill costs the principal, because the others see one more bidder and bid more', async () => {
    const input: StudyInput = { ...secondPrice, mechanism: 'first-price', config: { rounds: 3 }, seats: [{ policy: 'equilibrium', count: 4 }] };
    const r = await runExploit(planExploit(resolveStudy(input), { policy: 'shader', params: { fraction: { grid: [0, 0.5] } }, sybil: { identities: 2 } }, { seats: ['p0'], fresh: 1000 }));
    expect(r.log.best.ci95[1]).toBeLessThan(0);
  });

  it('refuses identities past the seats a mechanism takes', () => {
    const resolved = resolveStudy({ ...secondPrice, seats: [{ policy: 'truthful', count: 999 }] });
    expect(sybilProblem(resolved.mechanism, resolved.treatments[0] as NonNullable<(typeof resolved.treatments)[0]>, 'p0' as SeatId, 3)).toBe('second-price takes at most 1000 seats under this config; 999 seats and 2 more identities make 1001');
  });
});
