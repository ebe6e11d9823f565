/**
 * `arena run` refuses a study before anything runs, with exit code 2, a plain message
 * naming the path, and nothing written: a misspelt key, a file nested too deep to check.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './temp.ts';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'arena.ts');

function arena(args: readonly string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...env, NO_COLOR: '1' }, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Writes a study file into a fresh folder and runs it with --out in that folder. */
function runStudyText(text: string, env?: NodeJS.ProcessEnv) {
  const dir = tempDir('cli-refusals');
  const file = join(dir, 'study.json');
  writeFileSync(file, text);
  const r = arena(['run', file, '--out', join(dir, 'out')], env);
  return { ...r, written: readdirSync(dir).filter((f) => f !== 'study.json') };
}

const runStudy = (study: unknown, env?: NodeJS.ProcessEnv) => runStudyText(JSON.stringify(study), env);

const base = { name: 'refused', mechanism: 'first-price', seats: [{ policy: 'truthful', count: 3 }], episodes: 2 };

describe('arena run refuses', () => {
  it('a misspelt config key, naming its path and the nearest valid key', () => {
    const r = runStudy({ ...base, config: { reserv: 50 } });
    expect(r.code, r.err).toBe(2);
    expect(r.err).toContain('config: unknown key `reserv`; did you mean `reserve`?');
    expect(r.written).toEqual([]);
    const market = runStudy({ ...base, mechanism: 'double-auction', seats: [{ policy: 'zi-c', count: 8 }], treatments: [{ name: 'a', config: { peroids: 2 } }] });
    expect(market.code, market.err).toBe(2);
    expect(market.err).toContain('treatments[0].config: unknown key `peroids`; did you mean `periods`?');
  });

  it('a study nested 20,000 deep, saying where and why', () => {
    const deep = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const inConfig = runStudyText(`{"name":"deep","mechanism":"first-price","seats":[{"policy":"truthful","count":3}],"config":{"values":${deep(20_000)}}}`);
    expect(inConfig.code, inConfig.err).toBe(2);
    expect(inConfig.err).toMatch(/config\.values(\.a)*: nested more than \d+ levels deep/);
    expect(inConfig.err).not.toMatch(/RangeError|at .*\.ts:\d+/);
    expect(inConfig.written).toEqual([]);
    // A treatment merged over a deep study config.
    const merged = runStudyText(`{"name":"deep","mechanism":"first-price","seats":[{"policy":"truthful","count":3}],"config":{"a":${deep(20_000)}},"treatments":[{"name":"t","config":{"a":${deep(20_000)}}}]}`);
    expect(merged.code, merged.err).toBe(2);
    expect(merged.err).toMatch(/nested more than \d+ levels deep/);
    const arrays = runStudyText(`{"name":"deep","mechanism":"first-price","seats":[{"policy":"truthful","count":3,"params":{"a":${'['.repeat(20_000)}${']'.repeat(20_000)}}}]}`);
    expect(arrays.code, arrays.err).toBe(2);
    expect(arrays.err).toMatch(/seats\[0\]\.params(\.a)?(\[0\])*: nested more than \d+ levels deep/);
  });
});
