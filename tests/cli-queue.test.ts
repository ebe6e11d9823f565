/**
 * A factorial study spread over a Redis job queue (real Redis on 127.0.0.1, a queue of this
 * run's own, removed after it), each cell in chunks of its episodes: `arena run --queue` with
 * two `arena worker` processes writes the same files, byte for byte, as a local run of the
 * same study; a worker killed with SIGKILL in the middle of a job has that job played again by
 * the other, and the result is still complete and the same; a run from another commit is
 * refused by the workers.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BIN, ROOT, waitFor } from './live/process-helpers.ts';
import { dropRedisPrefix, redisAvailable, REDIS_URL, runName } from './live/services.ts';
import { tempDir } from './temp.ts';
import { resolveStudy } from '../studies/spec.ts';
import { runGrid } from '../studies/grid.ts';
import { answer, bidBounds, FakeOpenAI } from './llm/fake-openai.ts';

const available = await redisAvailable();
const queueName = runName('queue');

interface Child {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  readonly exited: Promise<number | null>;
  output(): string;
}

const children: Child[] = [];

/** The processes' temporary folder: a worker killed with SIGKILL leaves its half-played part there, removed with this file's folders. */
const scratch = tempDir('queue-scratch');

function arena(args: string[]): Child {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', TMPDIR: scratch }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  const started = { child, exited, output: () => output };
  children.push(started);
  return started;
}

/** An `arena worker` on this run's queue, ready once it says it takes cells. */
async function worker(stall = 30, threads = 1): Promise<Child> {
  const w = arena(['worker', '--queue', REDIS_URL, '--queue-name', queueName, '--stall', String(stall), '--threads', String(threads)]);
  await waitFor(() => /takes cells from queue/.test(w.output()) || w.child.exitCode !== null, 'the worker to start', 30_000);
  expect(w.output()).toMatch(/takes cells from queue/);
  return w;
}

function study(dir: string, episodes: number): string {
  const file = join(dir, 'grid.json');
  writeFileSync(
    file,
    JSON.stringify({
      name: 'queue-grid',
      mechanism: 'first-price',
      config: { rounds: 1 },
      seats: [{ policy: 'equilibrium', count: 4 }],
      episodes,
      seed: 11,
      factors: [
        { name: 'reserve', levels: [{ name: 'none' }, { name: 'r20', config: { reserve: 20 } }] },
        { name: 'shading', levels: [{ name: 'eq' }, { name: 'heavy', seats: [{ policy: 'shader', count: 4, params: { fraction: 0.5 } }] }] },
      ],
    }),
  );
  return file;
}

/** The data files of two results folders are the same bytes (the manifests differ only in times). */
function expectSameResults(a: string, b: string): void {
  const data = (dir: string) => readdirSync(dir).filter((f) => f !== 'manifest.json' && f !== 'report.html').sort();
  expect(data(a)).toEqual(data(b));
  expect(data(a)).toEqual(expect.arrayContaining(['episodes.csv', 'rounds.csv', 'summary.json', 'effects.json', 'episodes.parquet']));
  for (const f of data(a)) expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f).toBe(true);
  const files = (dir: string) => (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { files: Record<string, string> }).files;
  expect(files(a)).toEqual(files(b));
}

/** The jobs left waiting on this run's queue and the parts nobody fetched. */
async function leftOnQueue(): Promise<{ waiting: number; parts: number }> {
  const queue = new Queue(queueName, { connection: { url: REDIS_URL } });
  const redis = new Redis(REDIS_URL);
  try {
    return { waiting: await queue.getWaitingCount(), parts: (await redis.keys(`bull:${queueName}:part:*`)).length };
  } finally {
    redis.disconnect();
    await queue.close();
  }
}

async function stopAll(): Promise<void> {
  for (const c of children.splice(0)) {
    if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
    await c.exited;
  }
}

afterEach(stopAll);
afterAll(async () => {
  await stopAll();
  if (available) await dropRedisPrefix(`bull:${queueName}`);
});

/** Each test spawns several `arena` processes: on a busy machine each takes seconds to start. */
const SLOW = 180_000;
const EPISODES = 6000;

/** The study and a local run of it, made once for the tests that compare with it. */
let reference: { dir: string; file: string; local: string } | null = null;
async function localRun(): Promise<{ dir: string; file: string; local: string }> {
  if (reference) return reference;
  const dir = tempDir('queue');
  const file = study(dir, EPISODES);
  const local = arena(['run', file, '--out', join(dir, 'local'), '--workers', '2']);
  expect(await local.exited, local.output()).toBe(0);
  reference = { dir, file, local: join(dir, 'local') };
  return reference;
}

describe.skipIf(!available)('arena run --queue', () => {
  it('with two workers writes the same files as a local run, and leaves nothing on the queue', { timeout: SLOW }, async () => {
    const { dir, file } = await localRun();

    const [a, b] = [await worker(), await worker()];
    const run = arena(['run', file, '--out', join(dir, 'queued'), '--queue', REDIS_URL, '--queue-name', queueName]);
    expect(await run.exited, run.output()).toBe(0);
    // Four cells of 6000 episodes make at least eight jobs: each cell in two chunks of 3000.
    expect(run.output()).toMatch(new RegExp(`${4 * EPISODES} episodes in .*, 4 cells in 8 jobs on queue`));
    expectSameResults(join(dir, 'local'), join(dir, 'queued'));
    // Both took jobs; every job was played once.
    const played = (w: Child) => (w.output().match(/: done, /g) ?? []).length;
    expect(played(a) + played(b)).toBe(8);
    expect(a.output() + b.output()).toMatch(/reserve=r20,shading=heavy \(episodes 3000–5999\): done/);
    expect(played(a)).toBeGreaterThan(0);
    expect(played(b)).toBeGreaterThan(0);
    expect(existsSync(join(dir, '.queued.grid'))).toBe(false);
    expect(await leftOnQueue()).toEqual({ waiting: 0, parts: 0 });
  });

  it('plays again elsewhere the cell of a worker killed mid-cell: complete, nothing twice, the same files', { timeout: SLOW }, async () => {
    const { dir, file, local } = await localRun();
    const doomed = await worker(2);
    const run = arena(['run', file, '--out', join(dir, 'rescued'), '--queue', REDIS_URL, '--queue-name', queueName]);
    const job = (await waitFor(() => /: playing \(job ([\w-]+)\)/.exec(doomed.output()), 'the first worker to take a cell', 30_000))[1] as string;
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    const survivor = await worker(2);
    expect(await run.exited, run.output()).toBe(0);
    // The killed worker's cell was played by the survivor (after the stall time), with every other cell.
    expect(survivor.output()).toContain(`(job ${job})`);
    expect((survivor.output().match(/: done, /g) ?? []).length).toBeGreaterThanOrEqual(8 - (doomed.output().match(/: done, /g) ?? []).length);
    const rows = readFileSync(join(dir, 'rescued', 'episodes.csv'), 'utf8').trim().split('\n');
    expect(rows).toHaveLength(1 + 4 * EPISODES);
    expectSameResults(local, join(dir, 'rescued'));
    expect(await leftOnQueue()).toEqual({ waiting: 0, parts: 0 });
  });

  it('is refused by workers running another commit, with the reason, and the waiting cells are taken back', { timeout: SLOW }, async () => {
    const dir = tempDir('queue-code');
    await worker();
    const resolved = resolveStudy(JSON.parse(readFileSync(study(dir, 200), 'utf8')));
    const refused = runGrid(resolved, {
      out: join(dir, 'other'),
      queue: { url: REDIS_URL, name: queueName },
      code: { version: '0.0.0', commit: '0123456789abcdef0123456789abcdef01234567' },
    });
    await expect(refused).rejects.toThrow(/submitted from commit 0123456789ab .* run workers on the submitter's commit/);
    expect(existsSync(join(dir, 'other'))).toBe(false);
    expect((await leftOnQueue()).waiting).toBe(0);
  });

  it('refuses a queue URL where no Redis answers, before anything starts', { timeout: SLOW }, async () => {
    const dir = tempDir('queue-bad');
    const run = arena(['run', study(dir, 10), '--out', join(dir, 'x'), '--queue', 'redis://127.0.0.1:1']);
    expect(await run.exited).toBe(2);
    expect(run.output()).toMatch(/--queue redis:\/\/127\.0\.0\.1:1: Redis does not answer/);
    const bad = arena(['worker', '--queue', 'http://127.0.0.1:6379']);
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toMatch(/expected a redis:\/\/ or rediss:\/\/ URL/);
  });
});

/**
 * One LLM bidder against three truthful ones, on the local fake endpoint (its answers depend on
 * the request alone, each after a short wait): 12 episodes, on a queue in 6 chunks of 2.
 */
function llmStudy(dir: string, baseURL: string, llm: Record<string, unknown>): string {
  const file = join(dir, 'llm.json');
  writeFileSync(
    file,
    JSON.stringify({
      name: 'queue-llm',
      mechanism: 'second-price',
      config: { rounds: 2 },
      seats: [{ policy: 'llm', params: { model: 'fake-model', baseURL, apiKeyEnv: 'FAKE_API_KEY', temperature: 0, fallback: { policy: 'truthful' } } }, { policy: 'truthful', count: 3 }],
      episodes: 12,
      seed: 4,
      llm,
    }),
  );
  return file;
}

/** The LLM calls of a results folder's transcript, and the reasons its fallbacks decided. */
function transcript(dir: string): { calls: number; fallbacks: string[] } {
  const lines = readFileSync(join(dir, 'llm-transcript.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { calls: unknown[]; fallback: { reason: string } | null });
  return { calls: lines.reduce((n, l) => n + l.calls.length, 0), fallbacks: lines.flatMap((l) => (l.fallback ? [l.fallback.reason] : [])) };
}

describe.skipIf(!available)('arena run --queue, a study with LLM seats', () => {
  let fake: FakeOpenAI | null = null;
  afterEach(async () => {
    await fake?.close();
    fake = null;
  });

  it('shares the request slots over the workers (one at a time over 2 workers × 2 threads × 2 episodes), and writes what one process writes', { timeout: SLOW }, async () => {
    fake = await new FakeOpenAI((req) => ({ ...answer({ type: 'bid', amount: bidBounds(req).max / 2 }), delayMs: 25 })).start();
    const dir = tempDir('queue-llm');
    const file = llmStudy(dir, fake.baseURL, { concurrency: { global: 1 }, episodeConcurrency: 2 });
    const local = arena(['run', file, '--out', join(dir, 'local')]);
    expect(await local.exited, local.output()).toBe(0);
    const localCalls = fake.requests.length;
    expect(localCalls).toBe(24);

    await Promise.all([worker(30, 2), worker(30, 2)]);
    fake.maxInFlight = 0;
    const run = arena(['run', file, '--out', join(dir, 'queued'), '--queue', REDIS_URL, '--queue-name', queueName]);
    expect(await run.exited, run.output()).toBe(0);
    expect(run.output()).toMatch(/12 episodes in .*, 1 cell in 6 jobs on queue/);
    expect(run.output()).toMatch(/LLM: 24 calls \(0 cached\)/);
    expect(fake.requests.length).toBe(2 * localCalls);
    // Up to 8 requests could be waiting at once; the shared global slot let one through at a time.
    expect(fake.maxInFlight).toBe(1);
    for (const f of ['episodes.csv', 'rounds.csv', 'summary.json']) expect(readFileSync(join(dir, 'queued', f), 'utf8'), f).toBe(readFileSync(join(dir, 'local', f), 'utf8'));
    expect(transcript(join(dir, 'queued'))).toEqual(transcript(join(dir, 'local')));
    const redis = new Redis(REDIS_URL);
    try {
      expect(await redis.keys(`bull:${queueName}:llm:*`)).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });

  it("stops calling once the study's token budget is spent over all the workers, as one process does", { timeout: SLOW }, async () => {
    fake = await new FakeOpenAI((req) => ({ ...answer({ type: 'bid', amount: bidBounds(req).max / 2 }), delayMs: 10 })).start();
    const dir = tempDir('queue-llm-budget');
    const file = llmStudy(dir, fake.baseURL, { budget: { tokens: 3000 } });
    const local = arena(['run', file, '--out', join(dir, 'local')]);
    expect(await local.exited, local.output()).toBe(0);
    const alone = transcript(join(dir, 'local'));
    expect(alone.calls).toBeGreaterThan(2);
    expect(alone.calls).toBeLessThan(24);

    await worker();
    await worker();
    const run = arena(['run', file, '--out', join(dir, 'queued'), '--queue', REDIS_URL, '--queue-name', queueName]);
    expect(await run.exited, run.output()).toBe(0);
    const spread = transcript(join(dir, 'queued'));
    // Each of the 6 jobs alone would have spent up to the whole budget; over the workers it is spent once,
    // overrun by at most the one call each worker had in flight when it was reached.
    expect(spread.calls).toBeGreaterThanOrEqual(alone.calls);
    expect(spread.calls).toBeLessThanOrEqual(alone.calls + 2);
    expect(spread.fallbacks.length).toBe(24 - spread.calls);
    expect(spread.fallbacks.some((f) => /study token budget of 3000 reached \(over every worker of the run\)/.test(f))).toBe(true);
    const summary = JSON.parse(readFileSync(join(dir, 'queued', 'summary.json'), 'utf8')) as { llm: { study: { calls: number; promptTokens: number; completionTokens: number } } };
    expect(summary.llm.study.calls).toBe(spread.calls);
    expect(summary.llm.study.promptTokens + summary.llm.study.completionTokens).toBeGreaterThanOrEqual(3000);
  });
});

