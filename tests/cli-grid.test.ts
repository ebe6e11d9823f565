/** A factorial study through the `arena` command: stopped with Ctrl-C, continued with --resume. */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './temp.ts';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'arena.ts');

/** Starts `arena ARGS`; `whenReady` may send it a signal once a condition holds. */
function arena(args: string[], whenReady?: { ready: () => boolean; signal: NodeJS.Signals }): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const poll = whenReady
      ? setInterval(() => {
          if (whenReady.ready()) {
            clearInterval(poll);
            child.kill(whenReady.signal);
          }
        }, 20)
      : undefined;
    child.on('close', (code) => {
      clearInterval(poll);
      done({ code, out, err });
    });
  });
}

describe('arena run on a factorial study', () => {
  it('stops on Ctrl-C keeping the finished cells, says how to continue, and --resume finishes the same results', async () => {
    const dir = tempDir('cli-grid');
    const file = join(dir, 'grid.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'cli-grid',
        mechanism: 'first-price',
        config: { rounds: 1 },
        seats: [{ policy: 'equilibrium', count: 5 }],
        episodes: 15_000,
        seed: 3,
        output: { rounds: false },
        factors: [
          { name: 'reserve', levels: [{ name: 'none' }, { name: 'r20', config: { reserve: 20 } }] },
          { name: 'shading', levels: [{ name: 'eq' }, { name: 'heavy', seats: [{ policy: 'shader', count: 5, params: { fraction: 0.5 } }] }] },
        ],
      }),
    );
    const out = join(dir, 'results');
    const parts = join(dir, '.results.grid', 'parts');
    const finished = () => (existsSync(parts) ? readdirSync(parts).filter((f) => !f.startsWith('.')).length : 0);
    // One worker: the cells finish one after another, and three are left when the first is in.
    const stopped = await arena(['run', file, '--out', out, '--workers', '1'], { ready: () => finished() >= 1, signal: 'SIGINT' });
    expect(stopped.code).toBe(130);
    expect(stopped.err).toMatch(/Stopped: [123] of 4 cells finished/);
    expect(stopped.err).toContain(`--out ${out} --resume`);
    expect(existsSync(out)).toBe(false);

    const again = await arena(['run', file, '--out', out]);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/an interrupted run is waiting there \([123] of 4 cells done\); pass --resume/);

    const resumed = await arena(['run', file, '--out', out, '--resume', '--workers', '2']);
    expect(resumed.code).toBe(0);
    expect(resumed.out).toMatch(/resumed: [123] of 4 cells were finished by the interrupted run/);
    expect(resumed.out).toMatch(/Main effects/);
    expect(resumed.out).toMatch(/4 cells on 2 worker threads/);
    expect(existsSync(join(dir, '.results.grid'))).toBe(false);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { files: Record<string, string>; factors: unknown[] };
    expect(Object.keys(manifest.files)).toEqual(['episodes.csv', 'episodes.parquet', 'summary.json', 'effects.json']);
    expect(manifest.factors).toHaveLength(2);
    const episodes = readFileSync(join(out, 'episodes.csv'), 'utf8').trim().split('\n');
    expect(episodes).toHaveLength(1 + 4 * 15_000);
    expect(episodes[0]).toMatch(/^treatment,factor\.reserve,factor\.shading,episode,seed,/);
  });
});
