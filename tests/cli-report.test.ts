/** `arena report DIR` as a user runs it: rebuilds report.html of a results folder; anything else is refused with exit code 2. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './temp.ts';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'arena.ts');

function arena(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('arena report', () => {
  it('rebuilds the report a run wrote, byte for byte', () => {
    const out = join(tempDir('cli-report'), 'sp');
    expect(arena('run', 'studies/examples/second-price.json', '--out', out, '--episodes', '20').code).toBe(0);
    const written = readFileSync(join(out, 'report.html'), 'utf8');
    rmSync(join(out, 'report.html'));
    const r = arena('report', out);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/report\.html: \d+ plots, \d+ KB/);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toBe(written);
  });

  it('refuses a missing folder, a file and a folder that is not a results folder, with exit code 2 and the reason', () => {
    const dir = tempDir('cli-report-bad');
    const missing = arena('report', join(dir, 'nope'));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no such folder');
    writeFileSync(join(dir, 'notes.txt'), 'x');
    const file = arena('report', join(dir, 'notes.txt'));
    expect(file.code).toBe(2);
    expect(file.err).toContain('is a file, not a results folder');
    mkdirSync(join(dir, 'other'));
    const other = arena('report', join(dir, 'other'));
    expect(other.code).toBe(2);
    expect(other.err).toContain('is not a results folder: it has no manifest.json');
    expect(other.err).not.toMatch(/\n\s+at /);
  });
});
