/**
 * report.html: written by every run, self-contained (no URL, no script), with the plots each
 * kind of results folder calls for and the words that explain them, the same bytes on a
 * rebuild; a folder that is not a results folder is refused with the reason.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveStudy, type StudyInput } from '../spec.ts';
import { runStudy } from '../runner.ts';
import { tempDir } from '../../tests/temp.ts';
import { buildReport, NotResultsFolder, openResultsFolder } from './index.ts';
import { MAX_ROUND_BUCKETS, readRounds, RoundSeries, SCATTER_POINTS } from './data.ts';
import { Reservoir } from '../read-rows.ts';

const run = (study: StudyInput, out: string) => runStudy(resolveStudy(study), { out, code: { version: '0.1.0', commit: 'c0ffee' } });

/** The page's plot titles, in order. */
const titles = (html: string) => [...html.matchAll(/<h3>([^<]*)<\/h3>/g)].map((m) => m[1]);

/** A report must not reach outside the file: no URL, no script, no stylesheet link, nothing loaded. */
function expectSelfContained(html: string): void {
  const found = (pattern: RegExp) => [...html.matchAll(pattern)].map((m) => html.slice(Math.max(0, (m.index ?? 0) - 40), (m.index ?? 0) + 60));
  expect(found(/https?:\/\//g)).toEqual([]);
  // An SVG may point at its own gradients and clip paths (url(#id)), nothing else.
  expect(found(/<script|<link|<img|<iframe|@import|url\((?!#)/gi)).toEqual([]);
  expect(found(/\s(?:href|src)="(?!#)/g)).toEqual([]);
}

export const FIRST_PRICE: StudyInput = {
  name: 'report-first-price',
  description: 'Four bidders: equilibrium shading, a reserve of 40, truthful bidding.',
  mechanism: 'first-price@1',
  config: { rounds: 1, values: { kind: 'uniform', low: 0, high: 100 } },
  seats: [{ policy: 'equilibrium', count: 4 }],
  episodes: 120,
  seed: 4,
  treatments: [{ name: 'equilibrium' }, { name: 'reserve-40', config: { reserve: 40 } }, { name: 'truthful', seats: [{ policy: 'truthful', count: 4 }] }],
};

export const DOUBLE_AUCTION: StudyInput = {
  name: 'report-double-auction',
  mechanism: 'double-auction@1',
  config: {
    buyers: [[200, 160, 120], [190, 150, 110], [180, 140, 100], [170, 130, 90]],
    sellers: [[40, 80, 125], [50, 90, 130], [60, 100, 135], [70, 105, 140]],
    periods: 3,
    periodMs: 20000,
    maxPrice: 250,
    allowLoss: true,
  },
  seats: [{ policy: 'zi-c', count: 8 }],
  episodes: 8,
  seed: 1993,
  clock: { stepMs: 250 },
  treatments: [{ name: 'zi-c' }, { name: 'zi-u', seats: [{ policy: 'zi-u', count: 8 }] }],
};

describe('report.html of a run', () => {
  it('first-price: metrics with intervals and the equilibrium, distributions, prices against the equilibrium price, bids against values', async () => {
    const out = join(tempDir('report'), 'fp');
    run(FIRST_PRICE, out);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expectSelfContained(html);
    const t = titles(html);
    expect(t).toEqual(expect.arrayContaining(['efficiency by treatment', 'revenue by treatment', 'revenue: distribution over episodes', 'Price paid per item sold', 'Bids against values']));
    expect((html.match(/<svg /g) ?? []).length).toBe(t.length);
    // The header names what ran and how to reproduce it; the table holds every metric.
    expect(html).toContain('report-first-price');
    expect(html).toContain('first-price@1 — First-price sealed-bid auction');
    expect(html).toContain('0.1.0 (commit c0ffee)');
    expect(html).toContain('deriveSeed(seed, e)');
    expect(html).toContain('equilibrium revenue');
    expect(html).toMatch(/<td>revenue<\/td><td>\d/);
    // Captions say what a mark is.
    expect(html).toContain('Dot: the mean over episodes; bar: its 95% confidence interval');
    expect(html).toContain('dashed line: bid = value');
    // A rebuild gives the same bytes (seeded samples, no clock), and no plot spec drew a compiler warning.
    const rebuilt = await buildReport(out);
    expect(rebuilt.html).toBe(html);
    expect(rebuilt.warnings).toEqual([]);
  });

  it('double auction: trade prices by period against the competitive range', async () => {
    const out = join(tempDir('report'), 'da');
    run(DOUBLE_AUCTION, out);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expectSelfContained(html);
    expect(titles(html)).toEqual(expect.arrayContaining(['efficiency by treatment', 'trades by treatment', 'Trade prices by period, against the competitive range']));
    expect(html).toContain('the range of competitive-equilibrium prices');
    const { warnings } = await buildReport(out);
    expect(warnings).toEqual([]);
  });

  it('learners: limit cycles and the impulse response against the Nash and collusive prices', async () => {
    const out = join(tempDir('report'), 'learn');
    run({ name: 'report-learning', mechanism: 'bertrand', config: { periods: 60000 }, seats: [{ policy: 'q-learning', params: { beta: 0.0005, stableFor: 500 }, count: 2 }], episodes: 2, seed: 3, learning: { impulse: 8 }, output: { rounds: false } }, out);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expectSelfContained(html);
    expect(titles(html)).toEqual(expect.arrayContaining(['Profit gain Δ on the limit cycle', 'Where the learners settle: p0 against p1', 'Length of the limit cycle', 'Impulse response: price after p0 deviates for one period']));
    expect(html).toContain('nash price');
    expect(html).toContain('monopoly price');
  });

  it('a factorial study: heatmaps over its two factors and the main effects', async () => {
    const out = join(tempDir('report'), 'grid');
    run(
      {
        name: 'report-factorial',
        mechanism: 'first-price@1',
        config: { rounds: 2, values: { kind: 'uniform', low: 0, high: 100 } },
        seats: [{ policy: 'equilibrium', count: 4 }],
        episodes: 40,
        seed: 2,
        factors: [
          { name: 'reserve', levels: [{ name: '0' }, { name: '30', config: { reserve: 30 } }, { name: '60', config: { reserve: 60 } }] },
          { name: 'population', levels: [{ name: 'equilibrium' }, { name: 'truthful', seats: [{ policy: 'truthful', count: 4 }] }] },
        ],
      },
      out,
    );
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expectSelfContained(html);
    const t = titles(html);
    expect(t).toEqual(expect.arrayContaining(['revenue over reserve × population', 'Main effects on revenue', 'revenue by cell']));
    expect(html).toContain('id="factors"');
    const { warnings } = await buildReport(out);
    expect(warnings).toEqual([]);
  });
});

describe('report.html of a hand-made folder', () => {
  /** A small results folder to dress up: cells with two factor dimensions, an exploitability search. */
  function folder(): string {
    const base = join(tempDir('report-made'), 'base');
    run({ ...FIRST_PRICE, episodes: 30, treatments: [{ name: 'low-eq' }, { name: 'high-eq', config: { reserve: 40 } }, { name: 'low-tr', seats: [{ policy: 'truthful', count: 4 }] }, { name: 'high-tr', config: { reserve: 40 }, seats: [{ policy: 'truthful', count: 4 }] }] }, base);
    return base;
  }

  it('draws a heatmap when cells carry two factor dimensions, and the search curve and the re-evaluated winner of exploit.json', async () => {
    const dir = folder();
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    manifest.cells = [
      { name: 'low-eq', factors: { reserve: 'none', population: 'equilibrium' } },
      { name: 'high-eq', factors: { reserve: '40', population: 'equilibrium' } },
      { name: 'low-tr', factors: { reserve: 'none', population: { name: 'truthful', seats: 4 } } },
      { name: 'high-tr', factors: { reserve: '40', population: { name: 'truthful', seats: 4 } } },
    ];
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const candidates = [0.5, 0.6, 0.7, 0.8, 0.9, 0.75, 0.8, 0.85].map((fraction, i) => ({ name: `shader f=${fraction}`, params: { fraction }, estimate: 1 - 10 * (fraction - 0.78) ** 2, se: 0.12, episodes: 200, round: i < 5 ? 1 : 2 }));
    writeFileSync(
      join(dir, 'exploit.json'),
      JSON.stringify({ seat: 'p0', class: 'shader fraction grid', baseline: { policy: 'equilibrium', params: {} }, candidates, best: { name: 'shader f=0.8', params: { fraction: 0.8 }, gain: 0.61, ci95: [0.2, 1.02], lowerBound: 0.27, n: 2000 } }),
    );
    const { html, warnings } = await buildReport(dir);
    expect(warnings).toEqual([]);
    expectSelfContained(html);
    const t = titles(html);
    expect(t).toEqual(expect.arrayContaining(['revenue over reserve × population', 'Exploitability search: shader fraction grid', 'The best deviation found: shader f=0.8']));
    expect(html).toContain('one-sided lower bound 0.270');
    expect(html).toContain('± 2 standard errors');
  });

  it('refuses what is not a results folder, saying why', () => {
    const root = tempDir('report-bad');
    expect(() => openResultsFolder(join(root, 'nope'))).toThrow(new NotResultsFolder(`${join(root, 'nope')}: no such folder`));
    mkdirSync(join(root, 'empty'));
    expect(() => openResultsFolder(join(root, 'empty'))).toThrow(/is not a results folder: it has no manifest\.json/);
    writeFileSync(join(root, 'file.txt'), 'x');
    expect(() => openResultsFolder(join(root, 'file.txt'))).toThrow(/is a file, not a results folder/);
    const dir = folder();
    const broken = join(root, 'broken');
    cpSync(dir, broken, { recursive: true });
    writeFileSync(join(broken, 'exploit.json'), JSON.stringify({ candidates: [{ name: 'x' }] }));
    expect(() => openResultsFolder(broken)).toThrow(/exploit\.json: candidates\[0\] needs name, estimate, se and round/);
    writeFileSync(join(broken, 'summary.json'), '{"treatments": 3}');
    expect(() => openResultsFolder(broken)).toThrow(/summary\.json is not a study summary/);
  });
});

describe('reading row files for plots', () => {
  it('samples a large rounds.csv to at most the plot budget and merges rounds of a long series', () => {
    const dir = tempDir('report-rows');
    const path = join(dir, 'rounds.csv');
    let text = 'treatment,episode,round,participant.seat,participant.role,participant.policy,player.value,player.bid,player.won,player.price,player.payoff,player.outside\n';
    for (let e = 0; e < 40; e++) for (let r = 1; r <= 1000; r++) for (let s = 0; s < 2; s++) text += `t${e % 2},${e},${r},p${s},bidder,x,${r % 97},${(r % 97) * 0.9},${s === 0 ? 1 : 0},${r % 50},0,0\n`;
    writeFileSync(path, text);
    const rounds = readRounds(path, 2);
    expect(rounds.rows).toBe(80_000);
    expect(rounds.bids?.length).toBe(SCATTER_POINTS);
    const prices = rounds.paths[0];
    expect(prices?.kind).toBe('auction');
    expect(prices?.points.length).toBeLessThanOrEqual(SCATTER_POINTS);
    const points = prices?.series.points() ?? [];
    expect(points.length).toBeLessThanOrEqual(2 * MAX_ROUND_BUCKETS);
    expect(prices?.series.maxRound).toBe(1000);
    // Every winner's price is counted once, whatever the merging.
    expect(points.reduce((n, p) => n + p.n, 0)).toBe(40_000);
  });

  it('a series keeps exact means when its rounds merge', () => {
    const series = new RoundSeries(4);
    for (let r = 1; r <= 16; r++) series.add('t', 's', r, r);
    const points = series.points();
    expect(series.width).toBe(4);
    expect(points.map((p) => [p.x, p.mean, p.n])).toEqual([[2.5, 2.5, 4], [6.5, 6.5, 4], [10.5, 10.5, 4], [14.5, 14.5, 4]]);
  });

  it('a reservoir keeps a uniform sample of fixed size, the same for the same seed', () => {
    const a = new Reservoir<number>(100, 7);
    const b = new Reservoir<number>(100, 7);
    for (let i = 0; i < 100_000; i++) {
      a.add(i);
      b.add(i);
    }
    expect(a.items).toEqual(b.items);
    expect(a.items.length).toBe(100);
    const mean = a.items.reduce((s, x) => s + x, 0) / 100;
    expect(mean).toBeGreaterThan(35_000);
    expect(mean).toBeLessThan(65_000);
  });
});
