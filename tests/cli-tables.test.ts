/** `arena export --format tables` as a user runs it: a real process, a real SQLite ledger, a folder of tables. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './temp.ts';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'arena.ts');

function arena(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('arena export --format tables', () => {
  it('writes a recorded match as tidy tables with their dictionary, and refuses a missing or full folder', { timeout: 240_000 }, () => {
    const dir = tempDir('cli-tables');
    const db = join(dir, 'arena.db');
    expect(arena('run', 'studies/examples/second-price.json', '--out', join(dir, 'o'), '-n', '2', '--db', db).code).toBe(0);
    const out = join(dir, 'tables');
    const r = arena('export', '--format', 'tables', '--session', 'second-price-truthful/shaders/1', '--db', db, '--out', out);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/wrote 6 files/);
    const files = readdirSync(out).sort();
    expect(files).toEqual(['chat.csv', 'decisions.csv', 'dictionary.csv', 'llm_calls.csv', 'participant_rounds.csv', 'seat_holders.csv']);
    const rounds = readFileSync(join(out, 'participant_rounds.csv'), 'utf8').trim().split('\n');
    expect(rounds[0]).toMatch(/^session,round,seat,role,stint,holder,policy,nickname,label,/);
    expect(rounds.slice(1).every((l) => l.startsWith('second-price-truthful/shaders/1,'))).toBe(true);
    // The dictionary names every column of every file beside it.
    const dictionary = readFileSync(join(out, 'dictionary.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    for (const f of files.filter((x) => x !== 'dictionary.csv')) {
      const header = (readFileSync(join(out, f), 'utf8').split('\n')[0] ?? '').split(',');
      expect(dictionary.filter((d) => d[0] === f && d[1] !== '').map((d) => d[1])).toEqual(header);
    }

    expect(arena('export', '--format', 'tables', '--session', 'second-price-truthful/shaders/1', '--db', db).code).toBe(2);
    const full = join(dir, 'full');
    mkdirSync(full);
    writeFileSync(join(full, 'keep.txt'), 'mine');
    expect(arena('export', '--format', 'tables', '--session', 'second-price-truthful/shaders/1', '--db', db, '--out', full).code).toBe(2);
    expect(readdirSync(full)).toEqual(['keep.txt']);
    const missing = arena('export', '--format', 'tables', '--session', 'nope', '--db', db, '--out', join(dir, 'none'));
    expect(missing.code).toBe(2);
    expect(existsSync(join(dir, 'none'))).toBe(false);
  });
});
