/** The bid-rotation cartel: members take turns, the others bid the minimum, and the seller earns less than from competing bidders on the same draws. */
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../tests/temp.ts';
import { resolveStudy } from '../../studies/spec.ts';
import { runStudy, type EpisodeResult } from '../../studies/runner.ts';

const study = {
  name: 'rotation',
  mechanism: 'first-price',
  config: { rounds: 6 },
  seats: [{ policy: 'bid-rotation', count: 2, params: { members: ['p0', 'p1'] } }, { policy: 'equilibrium', count: 2 }],
  episodes: 300,
  seed: 5,
  output: { rounds: true },
  treatments: [{ name: 'cartel' }, { name: 'competition', seats: [{ policy: 'equilibrium', count: 4 }] }],
};

describe('bid-rotation', () => {
  const episodes: EpisodeResult[] = [];
  const report = runStudy(resolveStudy(study), { out: `${tempDir('rotation')}/results`, exports: false, onEpisode: (e) => episodes.push(e) });

  it("gives each round to one member in turn (p0 in odd rounds, p1 in even ones), the other bidding 0", () => {
    const rows = episodes.filter((e) => e.treatment === 'cartel').flatMap((e) => e.rows ?? []);
    expect(rows.length).toBe(300 * 6 * 4);
    for (const r of rows.filter((x) => x.seat === 'p0' || x.seat === 'p1')) {
      const turn = r.round % 2 === 1 ? 'p0' : 'p1';
      if (r.seat === turn) expect(r.fields.bid).toBeCloseTo((r.fields.value as number) * (2 / 3), 9);
      else expect(r.fields.bid).toBe(0);
    }
  });

  it('costs the seller revenue against the same bidders competing, on the same draws', () => {
    const revenue = (name: string) => report.summary.treatments.find((t) => t.name === name)?.metrics.revenue?.mean as number;
    expect(revenue('cartel')).toBeLessThan(revenue('competition') - 5);
  });

  it('refuses a seat that is not among the members', () => {
    const bad = { ...study, treatments: undefined, seats: [{ policy: 'bid-rotation', count: 1, params: { members: ['p1', 'p2'] } }, { policy: 'equilibrium', count: 3 }] };
    expect(() => runStudy(resolveStudy(bad), { out: `${tempDir('rotation')}/bad`, exports: false })).toThrow(/seat p0 is not among the members p1, p2/);
  });
});
