/** Example studies checked against theory, played as they are in studies/examples/; every example resolves and plays. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveStudy } from './spec.ts';
import { isAsyncStudy, runStudy } from './runner.ts';
import { chunkable, runGrid } from './grid.ts';
import { tempDir } from '../tests/temp.ts';

const example = (name: string) => resolveStudy(JSON.parse(readFileSync(join(import.meta.dirname, 'examples', `${name}.json`), 'utf8')));

/**
 * Expected revenue of a second-price auction with reserve r, n truthful bidders and values
 * uniform on [0, 1] (Myerson 1981; Riley and Samuelson 1981): n ∫_r^1 (2v − 1) v^(n−1) dv.
 */
const revenue = (n: number, r: number) => (n - 1) / (n + 1) + r ** n - ((2 * n) / (n + 1)) * r ** (n + 1);

describe('reserve-prices.json', () => {
  it("each cell's revenue agrees with the theory of optimal reserves, and 50 is the best reserve with two bidders", () => {
    const resolved = example('reserve-prices');
    const report = runStudy(resolved);
    for (const [i, cell] of resolved.treatments.entries()) {
      const n = cell.seats.length;
      const r = (cell.config as { reserve: number }).reserve / 100;
      const m = report.summary.treatments[i]?.metrics.revenue;
      if (!m) throw new Error(`no revenue for ${cell.name}`);
      const se = m.sd / Math.sqrt(m.n);
      expect(Math.abs(m.mean - 100 * revenue(n, r)), `${cell.name}: ${m.mean} against ${100 * revenue(n, r)}`).toBeLessThan(3.5 * se);
    }
    const reserve = report.summary.effects?.find((f) => f.factor === 'reserve');
    const gain = (level: string) => reserve?.effects.find((e) => e.level === level)?.metrics.revenue?.mean ?? Number.NaN;
    expect(gain('r50')).toBeGreaterThan(gain('r25'));
    expect(gain('r50')).toBeGreaterThan(gain('r75'));
    // Main effect of r50 against no reserve, averaged over two and five bidders.
    const theory = (100 * (revenue(2, 0.5) - revenue(2, 0) + revenue(5, 0.5) - revenue(5, 0))) / 2;
    const r50 = reserve?.effects.find((e) => e.level === 'r50')?.metrics.revenue;
    expect(r50?.ci95[0]).toBeLessThan(theory);
    expect(r50?.ci95[1]).toBeGreaterThan(theory);
  });
});

describe('every example study', () => {
  const files = readdirSync(join(import.meta.dirname, 'examples')).filter((f) => f.endsWith('.json'));

  it.each(files)('%s resolves, and (when it plays in a moment: scripted seats, no learning run) plays five episodes of every cell, in chunks too, to the same files', async (file) => {
    const resolved = resolveStudy(JSON.parse(readFileSync(join(import.meta.dirname, 'examples', file), 'utf8')));
    expect(resolved.treatments.length).toBeGreaterThan(0);
    // LLM studies need an endpoint (tests/llm/examples.test.ts plays them against a local one); learning sessions take minutes.
    if (isAsyncStudy(resolved) || resolved.study.learning) return;
    const dir = tempDir('example');
    const report = runStudy(resolved, { out: join(dir, 'results'), episodes: 5, exports: false });
    expect(report.summary.treatments.map((t) => t.episodes)).toEqual(resolved.treatments.map(() => 5));
    // Chunks of two episodes played apart, merged: what each seat does in an episode depends on that episode alone
    // (a cell with a learner, which carries what it learned into the next episode, is played whole).
    const chunked = await runGrid(resolved, { out: join(dir, 'chunked'), episodes: 5, exports: false, workers: 0, chunk: 2 });
    expect(chunked.jobs).toBe(resolved.treatments.reduce((n, cell) => n + (chunkable(resolved, cell) ? 3 : 1), 0));
    const files = (out: string) => (JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { files: Record<string, string> }).files;
    expect(files(join(dir, 'chunked'))).toEqual(files(join(dir, 'results')));
  });
});
