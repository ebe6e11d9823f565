/** The `arena` command as a user runs it: a real process, real files, exit codes. */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './temp.ts';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'arena.ts');

function arena(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const tmp = () => tempDir('cli');

describe('arena run', () => {
  it('rejects a bad study with the path of the bad field, exit code 2, and writes nothing', () => {
    const dir = tmp();
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ name: 'bad', mechanism: 'first-price', seats: [{ policy: 'truthful', count: 3 }], treatments: [{ name: 'x', config: { reserve: 'high' } }] }));
    const r = arena('run', file, '--out', join(dir, 'out'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/treatments\[0\]\.config\.reserve/);
    expect(readdirSync(dir)).toEqual(['bad.json']);
  });

  it('rejects a file that is not JSON, and a missing file, with exit code 2', () => {
    const dir = tmp();
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{ "name": ');
    expect(arena('run', file).code).toBe(2);
    const missing = arena('run', join(dir, 'nope.json'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no such file/);
  });

  it('runs an example study, prints the table and honours --episodes and --seed', () => {
    const out = join(tmp(), 'fp');
    const r = arena('run', 'studies/examples/first-price.json', '--out', out, '--episodes', '50', '--seed', '3');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/efficiency/);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.episodes).toBe(50);
    expect(manifest.seed).toBe(3);
    expect(manifest.code.version).toBe('0.1.0');
  });

  it('--json prints the summary object', () => {
    const r = arena('run', 'studies/examples/second-price.json', '--out', join(tmp(), 'sp'), '-n', '20', '--json');
    expect(r.code, r.err).toBe(0);
    const summary = JSON.parse(r.out);
    expect(summary.treatments[0].metrics.efficiency.n).toBe(20);
  });
});

describe('arena replay', () => {
  it('verifies an events file, and fails on a tampered one', () => {
    const out = join(tmp(), 'ev');
    expect(arena('run', 'studies/examples/first-price.json', '--out', out, '-n', '5', '--events').code).toBe(0);
    const file = join(out, 'events.jsonl');
    const ok = arena('replay', file);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toMatch(/20 records verified/);
    expect(ok.out).toMatch(/final hash [0-9a-f]{64}/);

    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const i = lines.findIndex((l) => l.includes('"kind":"action"'));
    lines[i] = (lines[i] as string).replace(/"amount":[0-9.]+/, '"amount":1');
    const tampered = join(out, 'tampered.jsonl');
    writeFileSync(tampered, `${lines.join('\n')}\n`);
    const bad = arena('replay', tampered);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/hash chain broken/);
  });

  it('replays a session from the SQLite ledger', () => {
    const dir = tmp();
    const db = join(dir, 'arena.db');
    expect(arena('run', 'studies/examples/second-price.json', '--out', join(dir, 'o'), '-n', '2', '--db', db).code).toBe(0);
    expect(existsSync(db)).toBe(true);
    const r = arena('replay', '--session', 'second-price-truthful/shaders/1', '--db', db);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/1 record verified/);
    const missing = arena('replay', '--session', 'nope', '--db', db);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/second-price-truthful/);
  });
});

describe('arena listings', () => {
  it('lists mechanisms, prints rules, lists policies', () => {
    expect(arena('mechanisms').out).toMatch(/first-price@1/);
    expect(arena('mechanisms', 'second-price').out).toMatch(/second-highest bid/);
    expect(arena('policies').out).toMatch(/equilibrium/);
    expect(arena('mechanisms', 'nope').code).toBe(2);
  });
});
