/**
 * `arena counterfactual` and `arena indicators` as processes: what they write, and bad
 * input refused with exit code 2, a message naming the problem, and nothing written.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './temp.ts';
import { resolveStudy } from '../studies/spec.ts';
import { runStudy } from '../studies/runner.ts';
import { verifyRecords, readJsonl } from '../studies/records.ts';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'arena.ts');

function arena(args: readonly string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('arena counterfactual and arena indicators', () => {
  let dir = '';
  let results = '';
  let events = '';
  beforeAll(() => {
    dir = tempDir('cli-instruments');
    results = join(dir, 'run');
    const study = { name: 'fp', mechanism: 'first-price', config: { rounds: 5 }, seats: [{ policy: 'equilibrium', count: 3 }, { policy: 'shader', params: { fraction: 0.5 } }], episodes: 3, seed: 4 };
    runStudy(resolveStudy(study), { out: results, events: true });
    events = join(results, 'events.jsonl');
  });

  it('counterfactual writes the paired record and both outcomes; the record verifies', async () => {
    const out = join(dir, 'cf');
    const r = arena(['counterfactual', events, '--match', 'fp/baseline/1', '--at', '12', '--swap', 'p3=shader', '--params', 'p3={"fraction":0.9}', '--out', out, '--json']);
    expect(r.code, r.err).toBe(0);
    const shown = JSON.parse(r.out);
    expect(shown.fork).toMatchObject({ at: 12, mode: 're-driven', stepMs: 100 });
    expect(shown.seats[3]).toMatchObject({ seat: 'p3', original: 'shader', counterfactual: 'shader', params: { fraction: 0.9 }, swapped: true });
    expect(readdirSync(out).sort()).toEqual(['counterfactual.json', 'events.jsonl']);
    const saved = JSON.parse(readFileSync(join(out, 'counterfactual.json'), 'utf8'));
    expect(saved.difference.since.payoffs.p3).toBeCloseTo(shown.counterfactual.since.payoffs.p3 - shown.original.since.payoffs.p3, 9);
    const verdicts = await verifyRecords(readJsonl(join(out, 'events.jsonl')));
    expect(verdicts.map((v) => [v.ok, v.hash])).toEqual([[true, shown.counterfactual.hash]]);
    // The table names the swap.
    const table = arena(['counterfactual', events, '--match', 'fp/baseline/1', '--at', '12', '--swap', 'p3=truthful', '--out', join(dir, 'cf-table')]);
    expect(table.code, table.err).toBe(0);
    expect(table.out).toContain('payoff p3 (shader → truthful)');
  });

  it('indicators writes indicators.json into the results folder', () => {
    const r = arena(['indicators', results, '--null', '3', '--json']);
    expect(r.code, r.err).toBe(0);
    const report = JSON.parse(readFileSync(join(results, 'indicators.json'), 'utf8'));
    expect(JSON.parse(r.out)).toEqual(report);
    expect(report.version).toBe(1);
    const group = report.groups[0];
    expect(group).toMatchObject({ name: 'fp/baseline', mechanism: 'first-price@1', episodes: 3, replays: 3, honest: { policy: 'equilibrium' } });
    const slope = group.indicators.find((i: { name: string; seat: string | null }) => i.name === 'bid_value_slope' && i.seat === 'p3');
    expect(slope).toMatchObject({ mean: 0.5, n: 3, p: 0.25, pPaired: 0.125, direction: 'less' });
  });

  describe('refuse with exit code 2, naming the problem, writing nothing', () => {
    const refused = (args: string[], message: RegExp, out?: string) => {
      const r = arena(args);
      expect(r.code, r.err).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/at .*\.ts:\d+/);
      if (out) expect(existsSync(out)).toBe(false);
    };
    const cf = (extra: string[]) => ['counterfactual', events, '--match', 'fp/baseline/0', ...extra];

    it('a seat that does not exist, a policy that does not play the mechanism, a SEQ beyond the record', () => {
      const out = join(dir, 'never');
      refused(cf(['--at', '3', '--swap', 'p9=truthful', '--out', out]), /--swap p9: no such seat; the record's seats are p0, p1, p2, p3/, out);
      refused(cf(['--at', '3', '--swap', 'p1=zi-c', '--out', out]), /policy 'zi-c' does not play first-price@1/, out);
      refused(cf(['--at', '100000', '--out', out]), /--at 100000 is beyond the record: it has \d+ events/, out);
      refused(cf(['--swap', 'p1=truthful', '--out', out]), /--at SEQ is required/, out);
      refused(cf(['--at', 'x', '--out', out]), /--at must be a whole number of at least 0, got 'x'/, out);
      refused(cf(['--at', '3', '--params', 'p2={"fraction":0.7}', '--out', out]), /--params p2: the seat is not swapped/, out);
      refused(['counterfactual', events, '--at', '3', '--out', out], /holds 3 matches: pick one with --match ID \(fp\/baseline\/0, fp\/baseline\/1, fp\/baseline\/2\)/, out);
      refused(['counterfactual', events, '--match', 'fp/nope/0', '--at', '3', '--out', out], /no match 'fp\/nope\/0'/, out);
    });

    it('a record that does not verify', () => {
      const lines = readFileSync(events, 'utf8').trim().split('\n');
      const i = lines.findIndex((l) => JSON.parse(l).kind === 'action');
      const edited = JSON.parse(lines[i] as string);
      edited.data.action.amount = 1;
      lines[i] = JSON.stringify(edited);
      const bad = join(dir, 'bad');
      mkdirSync(bad);
      writeFileSync(join(bad, 'events.jsonl'), `${lines.join('\n')}\n`);
      const out = join(dir, 'never-bad');
      refused(['counterfactual', join(bad, 'events.jsonl'), '--match', 'fp/baseline/0', '--at', '3', '--out', out], new RegExp(`hash chain broken at event ${JSON.parse(lines[i] as string).seq}: its hash does not match its content`), out);
      refused(['indicators', bad, '--null', '2'], /match fp\/baseline\/0: hash chain broken/, join(bad, 'indicators.json'));
    });

    it('indicators: an unknown suspect, an honest policy that does not play, a folder without records', () => {
      refused(['indicators', results, '--suspects', 'p7', '--out', join(dir, 'i1.json')], /--suspects p7: no such seat/, join(dir, 'i1.json'));
      refused(['indicators', results, '--honest', 'zi-c', '--out', join(dir, 'i2.json')], /policy 'zi-c' does not play first-price@1/, join(dir, 'i2.json'));
      const empty = join(dir, 'empty');
      mkdirSync(empty);
      refused(['indicators', empty], /has no events.jsonl: run the study with --events/, join(empty, 'indicators.json'));
    });
  });
});
