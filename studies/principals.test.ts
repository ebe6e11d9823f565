/**
 * Principals (sybil identities in any study): seat groups that name one principal are
 * independent policies whose payoffs the principal sums. The record, rounds.csv,
 * principals.csv and the summary name every seat's principal; a study without principals
 * writes what it wrote before. Textbook check: in a second-price auction among truthful
 * bidders, a principal bidding its value through one seat gains nothing from a second
 * identity, and a shill bidding below its value can only raise the price it pays.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../tests/temp.ts';
import type { SeatContext } from '../bots/policy.ts';
import { resolveStudy, StudyError, type StudyInput } from './spec.ts';
import { runStudy, type RunReport } from './runner.ts';
import { runGrid, csvRecords } from './grid.ts';
import type { LedgerEvent } from '../mechanisms/core/ledger.ts';

/**
 * Alice bids her value at p0; in the shill treatments her second identity p4 draws her value
 * (shareDraws) and bids a fraction of it. The truthful p1..p3 keep their seats, and so their
 * draws, in every treatment: episode by episode the treatments differ only by the shill.
 */
const shill = (fraction: number) => [
  { policy: 'truthful', principal: 'alice' },
  { policy: 'truthful', count: 3 },
  { policy: 'shader', params: { fraction }, principal: 'alice', shareDraws: true },
];
const study: StudyInput = {
  name: 'principals-test',
  mechanism: 'second-price',
  config: { rounds: 2, values: { kind: 'uniform', low: 0, high: 100 } },
  seats: shill(0),
  episodes: 60,
  seed: 11,
  treatments: [
    { name: 'alone', seats: [{ policy: 'truthful', principal: 'alice' }, { policy: 'truthful', count: 3 }] },
    { name: 'silent-shill' },
    { name: 'shill', seats: shill(0.5) },
  ],
  output: { exports: false },
};

/** A CSV file as objects by column name (the runner's files have no quoted commas here). */
const table = (file: string): Record<string, string>[] => {
  const [head, ...rows] = [...csvRecords(file)];
  return rows.map((r) => Object.fromEntries((head ?? []).map((name, i) => [name, r[i] ?? ''])));
};

const issuesOf = (raw: unknown): string[] => {
  try {
    resolveStudy(raw);
  } catch (error) {
    if (error instanceof StudyError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  throw new Error('expected the study to be refused');
};

describe('principals', () => {
  let out = '';
  const payoffs = new Map<string, Readonly<Record<string, number>>>();
  let report: RunReport;
  let principals: Record<string, string>[] = [];
  let rounds: Record<string, string>[] = [];
  beforeAll(() => {
    out = join(tempDir('principals'), 'results');
    report = runStudy(resolveStudy(study), { out, events: true, onEpisode: (e) => payoffs.set(`${e.treatment}/${e.episode}`, e.payoffs) });
    principals = table(join(out, 'principals.csv'));
    rounds = table(join(out, 'rounds.csv'));
  });
  const alice = (treatment: string) => principals.filter((r) => r.treatment === treatment && r.principal === 'alice').map((r) => Number(r.payoff));

  it("principals.csv: one row per episode and principal, the principal's payoff the sum of its seats' (by the outcome and by rounds.csv)", () => {
    // Alice and the three truthful seats, each its own principal.
    expect(principals).toHaveLength(3 * 60 * 4);
    expect(principals.filter((r) => r.treatment === 'shill' && r.episode === '0').map((r) => [r.principal, r.seats])).toEqual([['alice', 'p0 p4'], ['p1', 'p1'], ['p2', 'p2'], ['p3', 'p3']]);
    const fromRounds = new Map<string, number>();
    for (const r of rounds) {
      const key = `${r.treatment}/${r.episode}/${r['participant.principal']}`;
      fromRounds.set(key, (fromRounds.get(key) ?? 0) + Number(r['player.payoff']));
    }
    for (const r of principals) {
      const seats = (r.seats ?? '').split(' ');
      const outcome = payoffs.get(`${r.treatment}/${r.episode}`) ?? {};
      const sum = seats.reduce((s, seat) => s + (outcome[seat] ?? Number.NaN), 0);
      expect(Number(r.payoff)).toBeCloseTo(sum, 9);
      expect(Number(r.payoff)).toBeCloseTo(fromRounds.get(`${r.treatment}/${r.episode}/${r.principal}`) ?? Number.NaN, 9);
    }
  });

  it("rounds.csv names every participant's principal, and a seat that shares its principal's draws holds the principal's value", () => {
    const first = Object.keys(rounds[0] ?? {});
    expect(first.indexOf('participant.principal')).toBe(first.indexOf('participant.policy') + 1);
    const byKey = new Map(rounds.map((r) => [`${r.treatment}/${r.episode}/${r.round}/${r['participant.seat']}`, r]));
    for (const r of rounds.filter((x) => x.treatment === 'shill')) {
      expect(r['participant.principal']).toBe(r['participant.seat'] === 'p0' || r['participant.seat'] === 'p4' ? 'alice' : r['participant.seat']);
      if (r['participant.seat'] === 'p4') expect(r['player.value']).toBe(byKey.get(`shill/${r.episode}/${r.round}/p0`)?.['player.value']);
      // Every other seat draws what it draws without the shill.
      else expect(r['player.value']).toBe(byKey.get(`alone/${r.episode}/${r.round}/${r['participant.seat']}`)?.['player.value']);
    }
  });

  it('the record and the manifest name the principal of every seat', () => {
    const started = readFileSync(join(out, 'events.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as LedgerEvent).find((e) => e.kind === 'match_started' && e.match === 'principals-test/shill/0');
    const population = (started?.data as { population: { seat: string; principal: string }[] }).population;
    expect(population.map((h) => [h.seat, h.principal])).toEqual([['p0', 'alice'], ['p1', 'p1'], ['p2', 'p2'], ['p3', 'p3'], ['p4', 'alice']]);
    expect((started?.data as { seatOverrides?: Record<string, number> }).seatOverrides).toEqual({ 4: expect.any(Number) });
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.treatments[2].seats.map((s: { principal: string; shareDraws?: boolean }) => [s.principal, s.shareDraws ?? false])).toEqual([['alice', false], ['p1', false], ['p2', false], ['p3', false], ['alice', true]]);
  });

  it("summary.json gives each principal's mean payoff with its 95% interval", () => {
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary).toEqual(JSON.parse(JSON.stringify(report.summary)));
    const p = summary.treatments[2].principals.find((x: { principal: string }) => x.principal === 'alice');
    const xs = alice('shill');
    expect(p.seats).toEqual(['p0', 'p4']);
    expect(p.payoff.n).toBe(60);
    expect(p.payoff.mean).toBeCloseTo(xs.reduce((a, b) => a + b, 0) / xs.length, 9);
    expect(p.payoff.ci95[0]).toBeLessThan(p.payoff.mean);
    expect(p.payoff.ci95[1]).toBeGreaterThan(p.payoff.mean);
  });

  it('second price: a silent second identity changes nothing; a shill below the value only raises the price the principal pays', () => {
    const alone = alice('alone');
    expect(alice('silent-shill')).toEqual(alone);
    const shilled = alice('shill');
    shilled.forEach((x, e) => expect(x).toBeLessThanOrEqual((alone[e] as number) + 1e-9));
    expect(shilled.some((x, e) => x < (alone[e] as number) - 1e-9)).toBe(true);
  });

  it("a seat of a named principal is told which seats share it, nothing more; a seat without one is told nothing", () => {
    const resolved = resolveStudy({ ...study, treatments: undefined, episodes: 1 });
    const contexts = new Map<string, SeatContext | undefined>();
    const watched = {
      ...resolved,
      treatments: resolved.treatments.map((t) => ({ ...t, seats: t.seats.map((s) => ({ ...s, factory: { ...s.factory, create: (params: unknown, context?: SeatContext) => (contexts.set(s.seat, context), s.factory.create(params, context)) } })) })),
    };
    runStudy(watched);
    expect(contexts.get('p0')?.principalSeats).toEqual(['p0', 'p4']);
    expect(contexts.get('p4')?.principalSeats).toEqual(['p0', 'p4']);
    expect(contexts.get('p1')).not.toHaveProperty('principalSeats');
  });
});

describe('principals in a study', () => {
  it('are validated: a name (a string), not a seat id, draws shared only with a principal of the same role', () => {
    const seats = (group: object) => ({ ...study, treatments: undefined, seats: [{ policy: 'truthful', count: 3 }, { policy: 'truthful', ...group }] });
    expect(issuesOf(seats({ principal: 7 }))).toEqual(['seats[1].principal: a principal is a name (a string)']);
    expect(issuesOf(seats({ principal: '' }))).toEqual(['seats[1].principal: use 1 to 60 letters, digits, _ . or -']);
    expect(issuesOf(seats({ principal: 'p3' }))).toEqual(['seats[1].principal: p0, p1, ... name seats (a seat without a principal is its own); choose another name']);
    expect(issuesOf(seats({ shareDraws: true }))).toEqual(["seats[1].shareDraws: shares the draws of its principal's first seat, but the group names no principal"]);
    expect(issuesOf(seats({ principal: 'alice', shareDraws: 'yes' }))[0]).toMatch(/^seats\[1\]\.shareDraws: /);
    expect(issuesOf(seats({ principle: 'alice' }))[0]).toMatch(/^seats\[1\]: unknown key `principle`; did you mean `principal`\?/);
    const market = {
      name: 'da',
      mechanism: 'double-auction',
      config: { buyers: 2, sellers: 2 },
      seats: [
        { policy: 'zi-c', role: 'buyer', count: 2, principal: 'x' },
        { policy: 'zi-c', role: 'seller', count: 2, principal: 'x', shareDraws: true },
      ],
    };
    expect(issuesOf(market)).toEqual([expect.stringMatching(/^seats\[1\]\.shareDraws: seat p2 is a seller; it cannot draw what p0, the first seat of principal 'x', draws as a buyer$/)]);
  });

  it('without principals, a run writes no principal anywhere (no principals.csv, no column, no field)', () => {
    const out = join(tempDir('principals'), 'plain');
    const report = runStudy(resolveStudy({ ...study, seats: [{ policy: 'truthful', count: 4 }], treatments: undefined, episodes: 3 }), { out, events: true });
    expect(existsSync(join(out, 'principals.csv'))).toBe(false);
    expect(readFileSync(join(out, 'rounds.csv'), 'utf8').split('\n')[0]).not.toMatch(/principal/);
    expect(readFileSync(join(out, 'events.jsonl'), 'utf8')).not.toMatch(/"principal"|"seatOverrides"/);
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).not.toMatch(/"principal"|"shareDraws"/);
    expect(report.summary.treatments[0]).not.toHaveProperty('principals');
  });

  it('a grid run merges principals.csv and the principal summaries as one process writes them', async () => {
    const dir = tempDir('principals');
    const grid: StudyInput = { ...study, episodes: 20, treatments: undefined, factors: [{ name: 'shill', levels: [{ name: 'silent' }, { name: 'half', seats: shill(0.5) }] }] };
    const resolved = resolveStudy(grid);
    const plain = runStudy(resolved, { out: join(dir, 'plain') });
    const merged = await runGrid(resolved, { out: join(dir, 'grid'), workers: 0 });
    expect(readFileSync(join(dir, 'grid', 'principals.csv'), 'utf8')).toBe(readFileSync(join(dir, 'plain', 'principals.csv'), 'utf8'));
    expect(readFileSync(join(dir, 'grid', 'rounds.csv'), 'utf8')).toBe(readFileSync(join(dir, 'plain', 'rounds.csv'), 'utf8'));
    expect(merged.summary.treatments.map((t) => t.principals)).toEqual(plain.summary.treatments.map((t) => t.principals));
    expect(table(join(dir, 'grid', 'principals.csv'))[0]).toMatchObject({ 'factor.shill': 'silent', principal: 'alice', seats: 'p0 p4' });
  });
});
