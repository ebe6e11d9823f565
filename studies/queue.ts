/**
 * A grid's cells on a Redis job queue (BullMQ), for sweeps larger than one machine.
 * `arena run STUDY --queue URL` puts each cell the run still needs on the queue as a job;
 * `arena worker --queue URL` (on any machine with the same code) takes jobs, plays each cell
 * on a worker thread of its own (studies/grid-worker.ts, as a local grid does) and leaves the
 * cell's part folder in Redis; the submitting process follows the queue's events for progress, fetches
 * each finished part into its staging folder and merges them as a local grid does, so the
 * results are the same bytes however the cells were spread.
 *
 * A worker that dies mid-job stops renewing its lock: after the stall time another worker
 * takes the job again from the start. A cell is a pure function of the study, its seed and the
 * code, so a part played twice is the same part, and the submitter keeps one per cell.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Job, Queue, QueueEvents, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { isAsyncStudy, type RunOptions } from './runner.ts';
import { sharedKeys } from './llm-shared.ts';
import type { ResolvedStudy } from './spec.ts';
import { DEFAULT_QUEUE, gridThread, jobLabel, type CellJob, type PoolEvents, type WorkerMessage } from './grid.ts';

/** Where the jobs go: a Redis URL and the queue's name (one queue serves any number of runs). */
export interface QueueTarget {
  readonly url: string;
  /** Default `arena-cells`. */
  readonly name?: string;
}

/** BullMQ's key prefix: a queue's keys are `bull:<name>:…`, the parts `bull:<name>:part:<job>`. */
const PREFIX = 'bull';
/** A part nobody fetched (its run was stopped) is dropped after a day. */
const PART_TTL_SECONDS = 24 * 3600;
/** How often the submitter checks every outstanding part, besides the queue's events. */
const SWEEP_MS = 5000;

/** What a job carries: the study as resolved (it is resolved again by the worker), the cell, the code that submitted it. */
interface CellJobData {
  readonly run: string;
  readonly study: unknown;
  readonly job: Omit<CellJob, 'dir'>;
  readonly code: RunOptions['code'] | null;
}

/** What a finished job returns. */
interface CellResult {
  readonly decisions: number;
  readonly worker: string;
  readonly files: readonly string[];
}

const partKey = (name: string, jobId: string) => `${PREFIX}:${name}:part:${jobId}`;
/** The LLM limits a run's workers share (studies/llm-shared.ts): `bull:<name>:llm:<run>`. */
const llmKey = (name: string, run: string) => `${PREFIX}:${name}:llm:${run}`;

/** A connection BullMQ can share (its blocking commands need maxRetriesPerRequest null). */
const connectionOf = (url: string) => ({ url, maxRetriesPerRequest: null, lazyConnect: false });

/** Checks a queue URL before anything is sent: a clear error instead of endless reconnection. */
export async function checkQueue(url: string): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`--queue ${url}: not a URL (expected redis://host:port, or rediss:// for TLS)`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new Error(`--queue ${url}: expected a redis:// or rediss:// URL`);
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3000, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(`--queue ${url}: Redis does not answer (${(error as Error).message})`, { cause: error });
  } finally {
    redis.disconnect();
  }
}

/**
 * Plays a grid's jobs on the queue's workers; each finished part is written into its `dir`
 * (through a hidden folder renamed into place). Resolves to the decisions made.
 *
 * The submitter listens to the queue's event stream (progress, completed, failed) from the
 * stream's position before its jobs were added, so no event of its run is missed; a check of
 * every outstanding part each few seconds covers an event trimmed from a long stream.
 */
export async function playOnQueue(resolved: ResolvedStudy, jobs: readonly CellJob[], target: QueueTarget, code: RunOptions['code'] | null, on: PoolEvents): Promise<number> {
  const name = target.name ?? DEFAULT_QUEUE;
  const queue = new Queue<CellJobData, CellResult>(name, { connection: connectionOf(target.url), prefix: PREFIX });
  const redis = new Redis(target.url, { maxRetriesPerRequest: 3 });
  const run = randomUUID().slice(0, 8);
  const shared = isAsyncStudy(resolved) ? { url: target.url, key: llmKey(name, run) } : null;
  const idOf = (job: CellJob) => `${run}-${job.part}`;
  const outstanding = new Map(jobs.map((job) => [idOf(job), job]));
  // Jobs whose part may be waiting in Redis, and jobs that failed with their reason.
  const finished = new Set<string>();
  const failed = new Map<string, string>();
  let wake: () => void = () => {};
  const nudge = () => wake();
  const [last] = await redis.xrevrange(`${PREFIX}:${name}:events`, '+', '-', 'COUNT', 1);
  const events = new QueueEvents(name, { connection: connectionOf(target.url), prefix: PREFIX, lastEventId: last?.[0] ?? '0-0' });
  events.on('progress', ({ jobId, data }) => {
    const cell = outstanding.get(jobId);
    if (cell && typeof data === 'number' && data > 0) on.progress(cell.part, data);
  });
  events.on('completed', ({ jobId }) => {
    if (!outstanding.has(jobId)) return;
    finished.add(jobId);
    nudge();
  });
  events.on('failed', ({ jobId, failedReason }) => {
    if (!outstanding.has(jobId)) return;
    failed.set(jobId, failedReason);
    nudge();
  });
  on.signal?.addEventListener('abort', nudge, { once: true });
  let decisions = 0;
  const fetchPart = async (id: string, cell: CellJob): Promise<boolean> => {
    const part = await redis.hgetallBuffer(partKey(name, id));
    if (!Object.keys(part).length) return false;
    const meta = JSON.parse((part['.result'] as Buffer).toString('utf8')) as CellResult;
    writePart(cell.dir, part, meta.files);
    await redis.del(partKey(name, id));
    decisions += meta.decisions;
    outstanding.delete(id);
    on.finished(cell.part);
    return true;
  };
  try {
    await events.waitUntilReady();
    await queue.addBulk(
      jobs.map((job) => {
        const { dir: _dir, ...rest } = job;
        return {
          name: job.name,
          data: { run, study: resolved.study, job: { ...rest, ...(shared ? { shared } : {}) }, code },
          opts: { jobId: idOf(job), attempts: 1, removeOnComplete: true, removeOnFail: { age: PART_TTL_SECONDS } },
        };
      }),
    );
    let sweepAt = Date.now() + SWEEP_MS;
    while (outstanding.size) {
      if (on.signal?.aborted) throw on.interrupted();
      for (const [id, reason] of failed) {
        const cell = outstanding.get(id);
        if (cell) throw new Error(`cell ${jobLabel(cell)}: ${reason}`);
      }
      const sweep = Date.now() >= sweepAt;
      for (const id of sweep ? [...outstanding.keys()] : [...finished]) {
        finished.delete(id);
        const cell = outstanding.get(id);
        if (cell) await fetchPart(id, cell);
      }
      if (sweep) sweepAt = Date.now() + SWEEP_MS;
      if (!outstanding.size || finished.size || failed.size || on.signal?.aborted) continue;
      await new Promise<void>((resume) => {
        const timer = setTimeout(resume, Math.max(0, sweepAt - Date.now()));
        wake = () => {
          clearTimeout(timer);
          resume();
        };
      });
      wake = () => {};
    }
    return decisions;
  } finally {
    on.signal?.removeEventListener('abort', nudge);
    // A stopped or failed run takes back its waiting jobs; one being played finishes and its part expires unfetched.
    for (const id of outstanding.keys()) {
      await Job.fromId(queue, id)
        .then((job) => job?.remove())
        .catch(() => {});
    }
    await events.close();
    if (shared) await dropShared(redis, shared.key).catch(() => {});
    redis.disconnect();
    await queue.close();
  }
}

/** Removes a finished run's shared LLM account and slots. */
async function dropShared(redis: Redis, key: string): Promise<void> {
  const { account, slots } = sharedKeys(key);
  const keys = [account];
  for (let cursor = '0'; ; ) {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${slots}*`, 'COUNT', 100);
    keys.push(...found);
    cursor = next;
    if (cursor === '0') break;
  }
  await redis.del(...keys);
}

/** Writes a fetched part into `dir`, whole or not at all. */
function writePart(dir: string, part: Record<string, Buffer>, files: readonly string[]): void {
  const staging = join(dirname(dir), `.${basename(dir)}.fetch`);
  rmSync(staging, { recursive: true, force: true });
  for (const file of files) {
    const bytes = part[file];
    if (!bytes) throw new Error(`the part of ${basename(dir)} lacks ${file}`);
    mkdirSync(dirname(join(staging, file)), { recursive: true });
    writeFileSync(join(staging, file), bytes);
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
}

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? filesUnder(join(dir, f), `${prefix}${f}/`) : [`${prefix}${f}`]));
}

export interface WorkerOptions extends QueueTarget {
  /** Cells played at once, each on its own thread (default 1). */
  readonly threads?: number;
  /** Seconds without a lock renewal after which a job counts as abandoned and is played again (default 30). */
  readonly stallSeconds?: number;
  /** The code this worker runs; a job submitted from another commit is refused. */
  readonly code: RunOptions['code'] | null;
  /** Told as jobs start, finish and fail. */
  readonly log?: (line: string) => void;
  /** Aborting lets the cells being played finish, then stops. */
  readonly signal?: AbortSignal;
}

/** Takes cells from the queue until the signal is aborted. */
export async function serveQueue(options: WorkerOptions): Promise<{ played: number }> {
  const name = options.name ?? DEFAULT_QUEUE;
  const log = options.log ?? (() => {});
  const redis = new Redis(options.url, { maxRetriesPerRequest: 3 });
  const me = `${hostname()}:${process.pid}`;
  let played = 0;
  const stallMs = (options.stallSeconds ?? 30) * 1000;
  const worker = new Worker<CellJobData, CellResult>(
    name,
    async (job) => {
      const { data } = job;
      if (data.code?.commit && options.code?.commit && data.code.commit !== options.code.commit) {
        throw new UnrecoverableError(`the run was submitted from commit ${data.code.commit.slice(0, 12)} and worker ${me} runs ${options.code.commit.slice(0, 12)}: run workers on the submitter's commit, so that the cells are played by the same code`);
      }
      log(`${jobLabel(job.data.job)}: playing (job ${job.id})`);
      const dir = mkdtempSync(join(tmpdir(), 'arena-queue-part-'));
      try {
        const decisions = await playInThread(data.study, { ...data.job, dir, ...(data.code ? { code: data.code } : {}) }, (done) => void job.updateProgress(done).catch(() => {}));
        const files = filesUnder(dir);
        const result: CellResult = { decisions, worker: me, files };
        const key = partKey(name, job.id as string);
        const multi = redis.multi().del(key);
        for (const file of files) multi.hset(key, file, readFileSync(join(dir, file)));
        multi.hset(key, '.result', JSON.stringify(result)).expire(key, PART_TTL_SECONDS);
        await multi.exec();
        played++;
        log(`${jobLabel(job.data.job)}: done, ${decisions} decisions`);
        return result;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    { connection: connectionOf(options.url), prefix: PREFIX, concurrency: options.threads ?? 1, lockDuration: stallMs, stalledInterval: stallMs, maxStalledCount: 5 },
  );
  worker.on('failed', (job, error) => log(`${job ? jobLabel(job.data.job) : '?'}: failed: ${error.message}`));
  worker.on('error', (error) => log(`queue: ${error.message}`));
  await worker.waitUntilReady();
  log(`worker ${me} takes cells from queue ${name} at ${options.url} (${options.threads ?? 1} at a time)`);
  await new Promise<void>((stop) => {
    if (options.signal?.aborted) return stop();
    options.signal?.addEventListener('abort', () => stop(), { once: true });
  });
  await worker.close();
  redis.disconnect();
  return { played };
}

/** Plays one cell on a thread of its own (the lock on its job is renewed meanwhile); resolves to its decisions. */
function playInThread(study: unknown, job: CellJob, onProgress: (done: number) => void): Promise<number> {
  return new Promise((resolvePlay, rejectPlay) => {
    const thread = gridThread(study);
    let settled = false;
    let told = 0;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      void thread.terminate();
      fn();
    };
    thread.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') {
        // A few updates a second are enough for the submitter's progress bar.
        const now = Date.now();
        if (now - told >= 250) {
          told = now;
          onProgress(message.done);
        }
      } else if (message.type === 'done') settle(() => resolvePlay(message.decisions));
      else settle(() => rejectPlay(new UnrecoverableError(message.message)));
    });
    thread.on('error', (error) => settle(() => rejectPlay(error)));
    thread.on('exit', (code) => settle(() => rejectPlay(new Error(`the thread playing the cell stopped (exit code ${code})`))));
    thread.postMessage(job);
  });
}
