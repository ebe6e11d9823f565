import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../tests/temp.ts';
import { resolveStudy } from './spec.ts';
import { runStudy, episodeSeed } from './runner.ts';
import { verifyRecords, readJsonl } from './records.ts';

const study = {
  name: 'runner-test',
  mechanism: 'first-price',
  config: { rounds: 2 },
  seats: [{ policy: 'equilibrium', count: 4 }],
  episodes: 30,
  seed: 9,
  treatments: [{ name: 'eq' }, { name: 'truthful', seats: [{ policy: 'truthful', count: 4 }] }],
};

const tmp = () => tempDir('runner');
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const csv = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split(','));

describe('runStudy', () => {
  it('writes manifest, episodes, rounds, summary (and events when asked) with matching hashes', async () => {
    const out = join(tmp(), 'results');
    const report = runStudy(resolveStudy(study), { out, events: true });
    expect(readdirSync(out).sort()).toEqual(['episodes.csv', 'episodes.parquet', 'events.jsonl', 'events.parquet', 'manifest.json', 'report.html', 'rounds.csv', 'rounds.parquet', 'summary.json', 'tables']);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.mechanism).toBe('first-price@1');
    expect(manifest.treatments.map((t: { name: string }) => t.name)).toEqual(['eq', 'truthful']);
    for (const [name, hash] of Object.entries(manifest.files)) expect(sha(join(out, name))).toBe(hash);

    const episodes = csv(join(out, 'episodes.csv'));
    expect(episodes[0]?.slice(0, 6)).toEqual(['treatment', 'episode', 'seed', 'decisions', 'revenue', 'welfare']);
    expect(episodes).toHaveLength(1 + 60);

    const rounds = csv(join(out, 'rounds.csv'));
    expect(rounds[0]).toEqual(expect.arrayContaining(['participant.seat', 'participant.role', 'participant.policy', 'player.value', 'player.bid', 'player.payoff']));
    expect(rounds).toHaveLength(1 + 2 * 30 * 4 * 2);

    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary).toEqual(report.summary);
    const revenue = summary.treatments[0].metrics.revenue;
    expect(Object.keys(revenue).sort()).toEqual(['ci95', 'mean', 'n', 'sd']);
    expect(revenue.n).toBe(30);
    expect(revenue.ci95[0]).toBeLessThan(revenue.mean);

    const verdicts = await verifyRecords(readJsonl(join(out, 'events.jsonl')));
    expect(verdicts).toHaveLength(60);
    expect(verdicts.every((v) => v.ok)).toBe(true);
  });

  it('is reproducible and compares treatments on the same draws', () => {
    const a = join(tmp(), 'a');
    const b = join(tmp(), 'b');
    runStudy(resolveStudy(study), { out: a });
    runStudy(resolveStudy(study), { out: b });
    expect(sha(join(a, 'episodes.csv'))).toBe(sha(join(b, 'episodes.csv')));
    expect(sha(join(a, 'rounds.csv'))).toBe(sha(join(b, 'rounds.csv')));
    const rows = csv(join(a, 'episodes.csv')).slice(1);
    const seedsOf = (t: string) => rows.filter((r) => r[0] === t).map((r) => Number(r[2]));
    expect(seedsOf('eq')).toEqual(seedsOf('truthful'));
    expect(seedsOf('eq')[3]).toBe(episodeSeed(9, 3));
    // Same draws: truthful bidders earn nothing, and their value rows equal the equilibrium ones.
    const values = (t: string) => csv(join(a, 'rounds.csv')).filter((r) => r[0] === t).map((r) => r[6]);
    expect(values('eq')).toEqual(values('truthful'));
  });

  it('leaves nothing behind when an episode fails', () => {
    const parent = tmp();
    const out = join(parent, 'never');
    const stuck = resolveStudy({ ...study, treatments: undefined, seats: [{ policy: 'random', params: { passRate: 1 }, count: 3 }] });
    expect(() => runStudy(stuck, { out })).toThrow(/no deadline/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('refuses to overwrite a results folder unless told to', () => {
    const out = join(tmp(), 'r');
    runStudy(resolveStudy(study), { out, episodes: 2 });
    expect(() => runStudy(resolveStudy(study), { out, episodes: 2 })).toThrow(/already exists/);
    expect(runStudy(resolveStudy(study), { out, episodes: 3, replace: true }).summary.episodes).toBe(3);
    expect(csv(join(out, 'episodes.csv'))).toHaveLength(1 + 6);
  });

  it('reports progress up to the total', () => {
    const seen: number[] = [];
    runStudy(resolveStudy(study), { onProgress: (done, total) => seen.push(done / total) });
    expect(seen.at(-1)).toBe(1);
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
  });
});
