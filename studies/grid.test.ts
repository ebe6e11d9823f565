import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../tests/temp.ts';
import { resolveStudy, StudyError } from './spec.ts';
import { runStudy } from './runner.ts';
import { GridError, GridInterrupted, gridStaging, runGrid, csvRecords, playCell } from './grid.ts';
import { pairedDifference } from './effects.ts';

/** Four bidders, values uniform on [0, 100]; one factor changes the bidders, one the reserve. */
const study = {
  name: 'grid-test',
  mechanism: 'first-price',
  config: { rounds: 1, values: { kind: 'uniform', low: 0, high: 100 } },
  seats: [{ policy: 'equilibrium', count: 4 }],
  episodes: 400,
  seed: 5,
  factors: [
    { name: 'bidders', levels: [{ name: 'equilibrium' }, { name: 'truthful', seats: [{ policy: 'truthful', count: 4 }] }] },
    { name: 'reserve', levels: [{ name: 'none' }, { name: 'r25', config: { reserve: 25 } }] },
  ],
};

const issuesOf = (raw: unknown) => {
  try {
    resolveStudy(raw);
  } catch (error) {
    if (error instanceof StudyError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  throw new Error('expected the study to be refused');
};

const manifestFiles = (dir: string): Record<string, string> => (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { files: Record<string, string> }).files;

describe('factors', () => {
  it('expand into cells, the last factor varying fastest, each with its levels, config and seats', () => {
    const r = resolveStudy(study);
    expect(r.treatments.map((t) => t.name)).toEqual(['bidders=equilibrium,reserve=none', 'bidders=equilibrium,reserve=r25', 'bidders=truthful,reserve=none', 'bidders=truthful,reserve=r25']);
    expect(r.factors).toEqual([{ name: 'bidders', levels: ['equilibrium', 'truthful'] }, { name: 'reserve', levels: ['none', 'r25'] }]);
    const cell = r.treatments[3];
    expect(cell?.levels).toEqual({ bidders: 'truthful', reserve: 'r25' });
    expect((cell?.config as { reserve: number }).reserve).toBe(25);
    expect(cell?.seats.map((s) => s.policy)).toEqual(['truthful', 'truthful', 'truthful', 'truthful']);
  });

  it('cross the treatments as a factor named treatment, and merge params into the seat groups playing a policy', () => {
    const r = resolveStudy({
      ...study,
      seats: [{ policy: 'shader', count: 4, params: { fraction: 0.8 } }],
      treatments: [{ name: 'a' }, { name: 'b', config: { reveal: 'allBids' } }],
      factors: [{ name: 'shading', levels: [{ name: 'light' }, { name: 'heavy', params: { shader: { fraction: 0.4 } } }] }],
    });
    expect(r.treatments.map((t) => t.name)).toEqual(['treatment=a,shading=light', 'treatment=a,shading=heavy', 'treatment=b,shading=light', 'treatment=b,shading=heavy']);
    expect(r.factors[0]).toEqual({ name: 'treatment', levels: ['a', 'b'] });
    expect(r.treatments[1]?.seats.map((s) => (s.params as { fraction: number }).fraction)).toEqual([0.4, 0.4, 0.4, 0.4]);
    expect((r.treatments[3]?.config as { reveal: string }).reveal).toBe('allBids');
  });

  it('refuse bad factors, naming where the problem is written', () => {
    const withFactors = (factors: unknown, extra: object = {}) => ({ ...study, ...extra, factors });
    expect(issuesOf(withFactors([{ name: 'reserve', levels: [{ name: 'none' }, { name: 'bad', config: { reserve: -1 } }] }]))).toEqual([expect.stringMatching(/^factors\[0\]\.levels\[1\]\.config\.reserve: /)]);
    expect(issuesOf(withFactors([{ name: 'reserve', levels: [{ name: 'none' }, { name: 'r', config: { reserv: 5 } }] }]))).toEqual(['factors[0].levels[1].config: unknown key `reserv`; did you mean `reserve`?']);
    expect(issuesOf(withFactors([{ name: 'f', levels: [{ name: 'x' }, { name: 'x' }] }]))).toEqual(["factors[0].levels[1].name: level 'x' appears twice in factor 'f'"]);
    expect(issuesOf(withFactors([{ name: 'treatment', levels: [{ name: 'x' }, { name: 'y' }] }], { treatments: [{ name: 'a' }] }))[0]).toMatch(/^factors\[0\]\.name: 'treatment' names the study's treatments/);
    expect(issuesOf(withFactors([{ name: 'f', levels: [{ name: 'x' }] }]))[0]).toMatch(/^factors\[0\]\.levels: /);
    expect(issuesOf(withFactors([{ name: 'f', levels: [{ name: 'x' }, { name: 'y', params: { truthful: {} } }] }]))).toEqual(["factors[0].levels[1].params.truthful: no seat group plays 'truthful' here (policies: equilibrium)"]);
    expect(issuesOf(withFactors([{ name: 'f', levels: [{ name: 'x' }, { name: 'y', seats: [{ policy: 'shader', count: 4, params: {} }], params: { shader: { fraction: 'half' } } }] }]))[0]).toMatch(/^factors\[0\]\.levels\[1\]\.params\.shader\.fraction: /);
    const seating = (name: string) => ({ name, levels: [{ name: 'x' }, { name: 'y', seats: [{ policy: 'truthful', count: 4 }] }] });
    expect(issuesOf(withFactors([seating('f'), seating('g')]))).toEqual(["factors: factors 'f' and 'g' both replace the seats; one factor at most may (give the others params instead)"]);
    const big = Array.from({ length: 7 }, (_, i) => ({ name: `f${i}`, levels: Array.from({ length: 4 }, (_, j) => ({ name: `l${j}` })) }));
    expect(issuesOf(withFactors(big))).toEqual(['factors: the factors make 16384 cells; at most 4096']);
  });
});

describe('main effects', () => {
  it('agree with first-price theory: truthful bidders raise revenue by E[highest] − E[second highest] = 100/(n+1)', () => {
    const r = resolveStudy({ ...study, episodes: 2000, factors: [study.factors[0]] });
    const report = runStudy(r);
    const effect = report.summary.effects?.[0]?.effects[0];
    expect(effect).toMatchObject({ level: 'truthful', versus: 'equilibrium' });
    const revenue = effect?.metrics.revenue;
    // Equilibrium bids v·(n−1)/n: revenue E[max]·(n−1)/n = E[second highest] (revenue equivalence); truthful: E[max] = 100·n/(n+1).
    expect(revenue?.ci95[0]).toBeLessThan(100 / 5);
    expect(revenue?.ci95[1]).toBeGreaterThan(100 / 5);
    // Paired on the shared values, the difference is the winner's shading v/n: its spread is far below the cells' own.
    const cells = report.summary.treatments;
    expect(revenue?.sd).toBeLessThan((cells[0]?.metrics.revenue?.sd ?? 0) / 2);
    // Efficiency is 1 in both cells: no effect, exactly.
    expect(effect?.metrics.efficiency?.mean).toBe(0);
  });

  it('are the mean of per-episode differences averaged over the other factors (recomputed from episodes.csv)', () => {
    const out = join(tempDir('grid'), 'r');
    const report = runStudy(resolveStudy(study), { out });
    const rows = [...csvRecords(join(out, 'episodes.csv'))];
    const header = rows[0] as string[];
    const at = (name: string) => header.indexOf(name);
    const revenue = new Map<string, number[]>();
    for (const row of rows.slice(1)) {
      const key = `${row[at('factor.bidders')]}/${row[at('factor.reserve')]}`;
      const series = revenue.get(key) ?? [];
      series[Number(row[at('episode')])] = Number(row[at('revenue')]);
      revenue.set(key, series);
    }
    const s = (k: string) => revenue.get(k) ?? [];
    const expected = pairedDifference([
      [s('equilibrium/r25'), s('equilibrium/none')],
      [s('truthful/r25'), s('truthful/none')],
    ]);
    const reserve = report.summary.effects?.find((f) => f.factor === 'reserve');
    expect(reserve?.pairs).toBe(2);
    expect(reserve?.effects[0]?.metrics.revenue).toEqual(expected);
    const written = JSON.parse(readFileSync(join(out, 'effects.json'), 'utf8'));
    expect(written.effects[1].effects[0].metrics.revenue.mean).toBe(expected.mean);
    expect(written.method).toMatch(/paired|per episode seed/);
  });
});

describe('grid runs', () => {
  it('on worker threads write the same files as one process, and an interrupted run resumed writes them too', async () => {
    const dir = tempDir('grid');
    const resolved = resolveStudy(study);
    runStudy(resolved, { out: join(dir, 'plain'), events: true });
    const threads = await runGrid(resolved, { out: join(dir, 'threads'), workers: 2, events: true });
    expect(threads.workers).toBe(2);
    expect(manifestFiles(join(dir, 'threads'))).toEqual(manifestFiles(join(dir, 'plain')));
    expect(readFileSync(join(dir, 'threads', 'effects.json'), 'utf8')).toBe(readFileSync(join(dir, 'plain', 'effects.json'), 'utf8'));

    // Stopped once the first cell is in; the finished part stays for the resumed run.
    const out = join(dir, 'resumed');
    const abort = new AbortController();
    await expect(runGrid(resolved, { out, workers: 0, events: true, signal: abort.signal, onProgress: (p) => p.cells >= 1 && abort.abort() })).rejects.toThrow(GridInterrupted);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(join(gridStaging(out), 'parts'))).toEqual(['00000']);
    await expect(runGrid(resolved, { out, workers: 1, events: true })).rejects.toThrow(/an interrupted run is waiting there \(1 of 4 cells done\); pass --resume/);
    await expect(runGrid(resolved, { out, workers: 1, events: true, resume: true, seed: 6 })).rejects.toThrow(/seed 5 then, 6 now/);
    await expect(runGrid(resolved, { out, workers: 1, resume: true })).rejects.toThrow(/events.jsonl written then, skipped now/);
    const resumed = await runGrid(resolved, { out, workers: 2, events: true, resume: true });
    expect(resumed).toMatchObject({ resumed: 1, cells: 4, played: 3 * 400 });
    expect(manifestFiles(out)).toEqual(manifestFiles(join(dir, 'plain')));
    expect(existsSync(gridStaging(out))).toBe(false);
  });

  it('refuse a folder another live run is writing, and one that exists', async () => {
    const dir = tempDir('grid');
    const resolved = resolveStudy({ ...study, episodes: 10 });
    const out = join(dir, 'busy');
    const abort = new AbortController();
    await expect(runGrid(resolved, { out, workers: 0, signal: abort.signal, onProgress: (p) => p.cells >= 1 && abort.abort() })).rejects.toThrow(GridInterrupted);
    // The parent of this process is alive and is not this process.
    writeFileSync(join(gridStaging(out), 'lock'), String(process.ppid));
    await expect(runGrid(resolved, { out, workers: 0, resume: true })).rejects.toThrow(new RegExp(`another run \\(process ${process.ppid}\\) is writing`));
    writeFileSync(join(gridStaging(out), 'lock'), String(process.pid));
    await runGrid(resolved, { out, workers: 0, resume: true });
    await expect(runGrid(resolved, { out, workers: 0 })).rejects.toThrow(GridError);
    await expect(runGrid(resolved, { out, workers: 0 })).rejects.toThrow(/already exists and is not empty/);
  });

  it('in chunks of episodes write the same files as one process: data, summary (principals too), effects, a resumed run, every thread count', async () => {
    const dir = tempDir('grid-chunks');
    // Alice plays through two seats: the summary sums her payoff per episode, which a chunked cell rebuilds from its chunks.
    const withPrincipal = { ...study, episodes: 23, seats: [{ policy: 'equilibrium', principal: 'alice', count: 2 }, { policy: 'equilibrium', count: 2 }] };
    const resolved = resolveStudy(withPrincipal);
    runStudy(resolved, { out: join(dir, 'plain'), events: true });
    for (const [name, options] of [
      ['threads', { workers: 2, chunk: 5 }],
      ['here', { workers: 0, chunk: 1 }],
      ['bigger', { workers: 2, chunk: 22 }],
    ] as const) {
      const report = await runGrid(resolved, { out: join(dir, name), events: true, ...options });
      expect(report.jobs, name).toBe(4 * Math.ceil(23 / options.chunk));
      expect(report.summary).toEqual(JSON.parse(JSON.stringify(report.summary)));
      for (const file of ['summary.json', 'effects.json', 'episodes.csv', 'rounds.csv', 'principals.csv', 'events.jsonl']) {
        expect(readFileSync(join(dir, name, file)).equals(readFileSync(join(dir, 'plain', file))), `${name}: ${file}`).toBe(true);
      }
      expect(manifestFiles(join(dir, name))).toEqual(manifestFiles(join(dir, 'plain')));
    }

    // Stopped after a few chunks: a resumed run plays only the missing ones, and only with the same chunks.
    const out = join(dir, 'resumed');
    const abort = new AbortController();
    await expect(runGrid(resolved, { out, workers: 0, chunk: 4, events: true, signal: abort.signal, onProgress: (p) => p.episodes >= 30 && abort.abort() })).rejects.toThrow(GridInterrupted);
    const kept = readdirSync(join(gridStaging(out), 'parts'));
    expect(kept.slice(0, 3)).toEqual(['00000.000000000', '00000.000000004', '00000.000000008']);
    await expect(runGrid(resolved, { out, workers: 0, chunk: 5, events: true, resume: true })).rejects.toThrow(/chunks of 4 episodes then, chunks of 5 now/);
    const resumed = await runGrid(resolved, { out, workers: 2, chunk: 4, events: true, resume: true });
    const keptEpisodes = kept.reduce((n, part) => n + Math.min(23, Number(part.split('.')[1]) + 4) - Number(part.split('.')[1]), 0);
    expect(resumed.played).toBe(4 * 23 - keptEpisodes);
    expect(manifestFiles(out)).toEqual(manifestFiles(join(dir, 'plain')));
    await expect(runGrid(resolved, { out: join(dir, 'zero'), chunk: 0 })).rejects.toThrow(/episodes per job is a whole number from 1/);
  });

  it('play a cell with a learner whole, whatever the chunk: it carries what it learned into the next episode', async () => {
    const dir = tempDir('grid-learner');
    const learners = resolveStudy({ name: 'learners', mechanism: 'matrix-game', seats: [{ policy: 'exp3', count: 2 }], episodes: 6, seed: 3, treatments: [{ name: 'a' }, { name: 'b' }] });
    const report = await runGrid(learners, { out: join(dir, 'g'), workers: 0, chunk: 2 });
    expect(report.jobs).toBe(2);
    runStudy(learners, { out: join(dir, 'plain') });
    expect(manifestFiles(join(dir, 'g'))).toEqual(manifestFiles(join(dir, 'plain')));
    const cell = learners.treatments[0] as (typeof learners.treatments)[number];
    expect(() => playCell(learners, { part: 0, index: 0, name: cell.name, dir: join(dir, 'x'), rounds: true, events: false, range: { from: 2, to: 4 } })).toThrow(/carry what they learn from episode to episode/);
  });
});
