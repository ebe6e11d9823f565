/**
 * A study's cells on every core, resumable. Each cell (a treatment, or a factorial study's
 * combination of levels) is a job, or with `chunk` several: a cell whose seats carry nothing
 * from one episode into the next (no learners) may be split into chunks of its episodes. A
 * worker thread plays a job alone into a part folder of its own under `.<out>.grid/parts/`,
 * which appears whole or not at all. When every part is in, the parts are merged in cell and
 * episode order into the results folder: the same bytes as one process playing the cells one
 * after another (a cell's episodes, policies and seeds do not depend on the other cells, nor
 * on the other chunks), the same summary and effects: a chunked cell's summary is made afresh
 * from its episodes' values, in episode order. An interrupted run keeps its finished parts;
 * run again with `resume` and only the missing ones are played.
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { hashOf } from '../mechanisms/core/hash.ts';
import { CellValues } from './effects.ts';
import type { MetricSummary } from './metrics.ts';
import { StagedDir, StreamFile } from './output.ts';
import { chunkedSummary, PartValues } from './part-values.ts';
import { isAsyncStudy, runStudy, runStudyAsync, summaryOf, writeResults, type EpisodeResult, type RunOptions, type RunReport, type TreatmentSummary } from './runner.ts';
import type { LlmRuntime } from '../bots/llm/runtime.ts';
import type { ResolvedStudy, Treatment } from './spec.ts';
import type { QueueTarget } from './queue.ts';

export interface GridOptions {
  /** The results folder. */
  readonly out: string;
  /** Worker threads (default: the machine's cores, at most one per cell); 0 plays the cells in this thread. */
  readonly workers?: number;
  /** Continue an interrupted run of the same study into the same folder. */
  readonly resume?: boolean;
  /** Replace the results folder if it exists, and discard an interrupted run's parts. */
  readonly replace?: boolean;
  readonly episodes?: number;
  readonly seed?: number;
  readonly rounds?: boolean;
  readonly events?: boolean;
  /** Parquet copies and report.html in the merged folder (default: the study's output.exports). */
  readonly exports?: boolean;
  readonly code?: RunOptions['code'];
  /** Told as episodes finish, with the cells finished (a resumed run counts the cells it found). */
  readonly onProgress?: (progress: GridProgress) => void;
  /** Aborting stops the workers and keeps the finished parts for a resumed run. */
  readonly signal?: AbortSignal;
  /** Play the cells on a Redis job queue's workers (`arena worker`) instead of this machine's threads. */
  readonly queue?: QueueTarget;
  /**
   * Episodes per job: a cell of more, whose seats carry nothing from one episode into the next,
   * is split into chunks of this many. Default: on a queue, enough chunks for at least
   * JOBS_WANTED jobs; on this machine's threads, a cell per job.
   */
  readonly chunk?: number;
}

export interface GridProgress {
  readonly cells: number;
  readonly totalCells: number;
  readonly episodes: number;
  readonly totalEpisodes: number;
}

export interface GridReport extends RunReport {
  readonly cells: number;
  /** Parts played apart: the cells, and the chunks of the cells split into some. */
  readonly jobs: number;
  /** Cells found finished by an earlier, interrupted run. */
  readonly resumed: number;
  /** Worker threads used (0: this thread; on a queue, 0). */
  readonly workers: number;
  /** The queue the cells were played on, if they were. */
  readonly queue?: string;
  /** Episodes played by this run (a resumed run's found cells not counted). */
  readonly played: number;
}

/** A grid run that cannot start or continue: the message says why and what to do. */
export class GridError extends Error {
  override name = 'GridError';
}

/** The grid stopped before every cell was played (its signal was aborted); the parts are kept. */
export class GridInterrupted extends Error {
  override name = 'GridInterrupted';
  readonly done: number;
  readonly total: number;
  constructor(done: number, total: number) {
    super(`interrupted with ${done} of ${total} cells done`);
    this.done = done;
    this.total = total;
  }
}

/** What a part must have been played with to be merged into this run. */
interface RunKey {
  readonly studyHash: string;
  readonly episodes: number;
  readonly seed: number;
  readonly rounds: boolean;
  readonly events: boolean;
  readonly cells: readonly string[];
  /** Episodes per chunk (null: a cell per job). */
  readonly chunk?: number | null;
}

/** A job: a cell whole, or a chunk of its episodes, and where its part goes. */
export interface CellJob {
  /** The job's place among the run's parts: progress and messages name it. */
  readonly part: number;
  /** The cell's place among the study's cells. */
  readonly index: number;
  /** The cell's name, checked against the study the worker resolved. */
  readonly name: string;
  readonly dir: string;
  readonly episodes?: number;
  readonly seed?: number;
  readonly rounds: boolean;
  readonly events: boolean;
  readonly code?: RunOptions['code'];
  /** A chunk: episodes [from, to) of the cell. */
  readonly range?: { readonly from: number; readonly to: number };
  /** A study with LLM seats on a queue: the Redis and key of the limits its workers share (studies/llm-shared.ts). */
  readonly shared?: { readonly url: string; readonly key: string };
}

/** Whether a cell's episodes may be played in chunks apart: no learning block, no seat that carries something over. */
export const chunkable = (resolved: ResolvedStudy, cell: Treatment): boolean => !resolved.study.learning && cell.seats.every((s) => s.factory.carriesOver !== true);

/** What playing a job means: the study cut down to its cell, the runner's options, and what to do after. */
function cellRun(resolved: ResolvedStudy, job: CellJob, onProgress?: (done: number) => void): { study: ResolvedStudy; options: RunOptions; after(report: RunReport): RunReport } {
  const cell = resolved.treatments[job.index];
  if (!cell || cell.name !== job.name) throw new Error(`cell ${job.index} of ${resolved.study.name} is ${cell ? `'${cell.name}'` : 'missing'}, not '${job.name}': the grid plays the cells its study's file resolves to`);
  if (job.range && !chunkable(resolved, cell)) throw new Error(`cell ${cell.name} has seats that carry what they learn from episode to episode: it cannot be played in chunks`);
  // A part is the cell alone: its effects (and a chunked cell's summary) are the merged run's to compute, from the values it keeps.
  const kept = resolved.factors.length || job.range ? new PartValues() : null;
  const options: RunOptions = {
    ...(kept ? { onEpisode: (e: EpisodeResult) => kept.push(e) } : {}),
    ...(job.range ? { range: job.range } : {}),
    out: job.dir,
    replace: true,
    // The merged folder gets the Parquet copies and the report; a part needs neither.
    exports: false,
    rounds: job.rounds,
    events: job.events,
    ...(job.episodes !== undefined ? { episodes: job.episodes } : {}),
    ...(job.seed !== undefined ? { seed: job.seed } : {}),
    ...(job.code ? { code: job.code } : {}),
    ...(onProgress ? { onProgress: (done: number) => onProgress(done) } : {}),
  };
  const after = (report: RunReport) => {
    kept?.write(job.dir);
    return report;
  };
  return { study: { ...resolved, treatments: [cell], factors: [] }, options, after };
}

/** Plays one cell of a study, or a chunk of it, into its part folder (here or in a worker thread). */
export function playCell(resolved: ResolvedStudy, job: CellJob, onProgress?: (done: number) => void): RunReport {
  const { study, options, after } = cellRun(resolved, job, onProgress);
  return after(runStudy(study, options));
}

/** Plays a job of a study with LLM seats, their calls made through `llm` (whose limits a queue's workers share). */
export async function playCellAsync(resolved: ResolvedStudy, job: CellJob, llm: LlmRuntime, onProgress?: (done: number) => void): Promise<RunReport> {
  const { study, options, after } = cellRun(resolved, job, onProgress);
  return after(await runStudyAsync(study, { ...options, llm }));
}

const DATA_FILES = ['episodes.csv', 'rounds.csv', 'principals.csv', 'learning.csv', 'impulse.csv', 'events.jsonl', 'llm-transcript.jsonl'] as const;

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Where the parts of a run into `out` are kept until they are merged. */
export const gridStaging = (out: string): string => join(dirname(resolve(out)), `.${basename(resolve(out))}.grid`);

const partName = (index: number): string => String(index).padStart(5, '0');

/** Names what differs between an interrupted run and this one. */
function differences(was: RunKey, now: RunKey): string[] {
  const out: string[] = [];
  if (was.studyHash !== now.studyHash) out.push('the study file changed');
  if (was.episodes !== now.episodes) out.push(`episodes ${was.episodes} then, ${now.episodes} now`);
  if (was.seed !== now.seed) out.push(`seed ${was.seed} then, ${now.seed} now`);
  if (was.rounds !== now.rounds) out.push(`rounds.csv ${was.rounds ? 'written' : 'skipped'} then, ${now.rounds ? 'written' : 'skipped'} now`);
  if (was.events !== now.events) out.push(`events.jsonl ${was.events ? 'written' : 'skipped'} then, ${now.events ? 'written' : 'skipped'} now`);
  if ((was.chunk ?? null) !== (now.chunk ?? null)) out.push(`${was.chunk ? `chunks of ${was.chunk} episodes` : 'a cell per job'} then, ${now.chunk ? `chunks of ${now.chunk}` : 'a cell per job'} now`);
  if (!out.length && hashOf(was.cells) !== hashOf(now.cells)) out.push('the cells differ');
  return out;
}

/** Whether a part folder holds a finished part of this cell (a chunk's with its values, which its summary is made from). */
function partDone(part: Part, cell: Treatment): boolean {
  const file = join(part.dir, 'manifest.json');
  if (!existsSync(file)) return false;
  try {
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { treatments?: { name?: string; configHash?: string }[] };
    const t = manifest.treatments?.[0];
    const same = manifest.treatments?.length === 1 && t?.name === cell.name && t.configHash === hashOf(cell.config);
    return same && (!part.range || PartValues.episodes(part.dir) === part.range.to - part.range.from);
  } catch {
    return false;
  }
}

/** One part of a grid run: a cell whole, or a chunk of its episodes. */
interface Part {
  readonly cell: number;
  readonly range: { readonly from: number; readonly to: number } | null;
  readonly episodes: number;
  readonly dir: string;
}

/** Jobs a queue run makes at least, when its cells can be chunked: enough to keep a few workers busy. */
export const JOBS_WANTED = 8;

/** The default episodes per chunk: on a queue, enough chunks for JOBS_WANTED jobs when the cells are fewer. */
function defaultChunk(resolved: ResolvedStudy, episodesOf: (i: number) => number, onQueue: boolean): number | null {
  const { treatments } = resolved;
  if (!onQueue || treatments.length >= JOBS_WANTED || !treatments.some((c) => chunkable(resolved, c))) return null;
  const total = treatments.reduce((n, _, i) => n + episodesOf(i), 0);
  return Math.max(1, Math.ceil(total / JOBS_WANTED));
}

/** A run's parts in merge order: each cell whole, or (chunkable, more episodes than a chunk) its chunks. */
function partsOf(resolved: ResolvedStudy, episodesOf: (i: number) => number, chunk: number | null, parts: string): Part[] {
  return resolved.treatments.flatMap((cell, i): Part[] => {
    const n = episodesOf(i);
    const dir = join(parts, partName(i));
    if (!chunk || n <= chunk || !chunkable(resolved, cell)) return [{ cell: i, range: null, episodes: n, dir }];
    return Array.from({ length: Math.ceil(n / chunk) }, (_, k) => {
      const range = { from: k * chunk, to: Math.min(n, (k + 1) * chunk) };
      return { cell: i, range, episodes: range.to - range.from, dir: `${dir}.${String(range.from).padStart(9, '0')}` };
    });
  });
}

/**
 * Plays a study's cells on worker threads (or in this thread), resumably, and merges them
 * into the results folder. Studies whose seats decide asynchronously (LLM seats) are played
 * by runStudyAsync in one process, or on a queue, whose workers share their LLM limits.
 */
export async function runGrid(resolved: ResolvedStudy, options: GridOptions): Promise<GridReport> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const { study } = resolved;
  const target = resolve(options.out);
  if (existsSync(target) && readdirSync(target).length > 0 && !options.replace) {
    throw new GridError(`${options.out} already exists and is not empty (choose another --out, or pass --force to replace it)`);
  }
  const episodes = options.episodes ?? study.episodes;
  const seed = options.seed ?? study.seed;
  const rounds = options.rounds ?? study.output.rounds;
  const events = options.events ?? study.output.events;
  if (isAsyncStudy(resolved) && !options.queue) throw new GridError(`${study.name} has LLM seats: it plays in one process (runStudyAsync), or on a queue whose workers share its LLM budget and request slots`);
  const episodesOf = (i: number) => options.episodes ?? resolved.treatments[i]?.episodes ?? study.episodes;
  if (options.chunk !== undefined && (!Number.isInteger(options.chunk) || options.chunk < 1)) throw new GridError(`chunk ${options.chunk}: episodes per job is a whole number from 1`);
  const chunk = options.chunk ?? defaultChunk(resolved, episodesOf, options.queue !== undefined);
  const key: RunKey = { studyHash: hashOf(study), episodes, seed, rounds, events, cells: resolved.treatments.map((t) => t.name), chunk };
  const staging = gridStaging(target);
  const parts = join(staging, 'parts');
  const runFile = join(staging, 'run.json');
  const lockFile = join(staging, 'lock');

  if (existsSync(staging)) {
    const holder = existsSync(lockFile) ? Number(readFileSync(lockFile, 'utf8')) : NaN;
    if (Number.isInteger(holder) && holder !== process.pid && alive(holder)) throw new GridError(`another run (process ${holder}) is writing ${options.out}; wait for it to finish or stop it`);
    let was: RunKey | null;
    try {
      was = JSON.parse(readFileSync(runFile, 'utf8')) as RunKey;
    } catch {
      was = null;
    }
    const finished = existsSync(parts) ? readdirSync(parts).filter((f) => !f.startsWith('.')).length : 0;
    if (options.resume && was) {
      const diff = differences(was, key);
      if (diff.length) throw new GridError(`${options.out}: the interrupted run there cannot be continued by this one (${diff.join('; ')}); run without --resume and with --force to start over`);
    } else if (options.replace || (options.resume && !was)) {
      rmSync(staging, { recursive: true, force: true });
    } else {
      throw new GridError(`${options.out}: an interrupted run is waiting there (${finished} of ${was?.cells.length ?? '?'} cells done); pass --resume to continue it, or --force to start over`);
    }
  }
  mkdirSync(parts, { recursive: true });
  writeFileSync(runFile, `${JSON.stringify(key, null, 2)}\n`);
  writeFileSync(lockFile, String(process.pid));
  // Parts a killed run was writing.
  for (const f of readdirSync(parts)) if (f.startsWith('.')) rmSync(join(parts, f), { recursive: true, force: true });

  const cells = resolved.treatments;
  const plan = partsOf(resolved, episodesOf, chunk, parts);
  const pending = plan.map((_, p) => p).filter((p) => !partDone(plan[p] as Part, cells[(plan[p] as Part).cell] as Treatment));
  // Each cell's parts still to play; a cell is done at 0.
  const partsLeft = cells.map(() => 0);
  for (const p of pending) {
    const { cell } = plan[p] as Part;
    partsLeft[cell] = (partsLeft[cell] ?? 0) + 1;
  }
  let cellsDone = partsLeft.filter((n) => n === 0).length;
  const resumed = cellsDone;
  const totalEpisodes = plan.reduce((n, part) => n + part.episodes, 0);
  let episodesDone = totalEpisodes - pending.reduce((n, p) => n + (plan[p] as Part).episodes, 0);
  const doneIn = new Map<number, number>();
  const tell = () => options.onProgress?.({ cells: cellsDone, totalCells: cells.length, episodes: episodesDone + [...doneIn.values()].reduce((a, b) => a + b, 0), totalEpisodes });
  tell();

  const jobOf = (p: number): CellJob => {
    const part = plan[p] as Part;
    return {
      part: p,
      index: part.cell,
      name: cells[part.cell]?.name ?? '',
      dir: part.dir,
      rounds,
      events,
      ...(part.range ? { range: part.range } : {}),
      ...(options.episodes !== undefined ? { episodes: options.episodes } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.code ? { code: options.code } : {}),
    };
  };
  const finishPart = (p: number) => {
    doneIn.delete(p);
    const part = plan[p] as Part;
    const left = (partsLeft[part.cell] ?? 1) - 1;
    partsLeft[part.cell] = left;
    if (left === 0) cellsDone++;
    episodesDone += part.episodes;
    tell();
  };

  const width = options.queue ? 0 : Math.max(0, Math.min(options.workers ?? availableParallelism(), pending.length));
  // Counted on disk once the workers have stopped: a part a worker renamed into place
  // just before the signal is kept, though its message had not arrived.
  const interrupted = () => new GridInterrupted(cells.filter((cell, i) => plan.every((part) => part.cell !== i || partDone(part, cell))).length, cells.length);
  const pool: PoolEvents = {
    progress(p, done) {
      doneIn.set(p, done);
      tell();
    },
    finished: finishPart,
    ...(options.signal ? { signal: options.signal } : {}),
    interrupted,
  };
  let decisions = 0;
  if (options.queue) {
    const { playOnQueue } = await import('./queue.ts');
    decisions = await playOnQueue(resolved, pending.map(jobOf), options.queue, options.code ?? null, pool);
  } else if (width === 0) {
    for (const p of pending) {
      if (options.signal?.aborted) throw interrupted();
      decisions += playCell(resolved, jobOf(p), (done) => pool.progress(p, done)).decisions;
      pool.finished(p);
    }
  } else {
    decisions = await playOnWorkers(resolved, pending.map(jobOf), width, pool);
  }

  const { summary: merged, llm } = mergeParts(resolved, plan, target, options.replace ?? false, { episodes, seed, code: options.code ?? null, startedAt, exports: options.exports ?? study.output.exports });
  const played = pending.reduce((n, p) => n + (plan[p] as Part).episodes, 0);
  rmSync(staging, { recursive: true, force: true });
  return { ...(llm ? { llm } : {}), summary: merged, out: target, seconds: (performance.now() - started) / 1000, decisions, cells: cells.length, jobs: plan.length, resumed, workers: width, played, ...(options.queue ? { queue: options.queue.name ?? DEFAULT_QUEUE } : {}) };
}

/** The job queue `arena run --queue` and `arena worker` use unless told another. */
export const DEFAULT_QUEUE = 'arena-cells';

/** What a pool of players (threads here, a queue's workers) tells the grid. */
export interface PoolEvents {
  /** Episodes done so far in a job (by its part). */
  progress(part: number, done: number): void;
  finished(part: number): void;
  readonly signal?: AbortSignal;
  interrupted(): Error;
}

/** Messages of grid-worker.ts. */
export type WorkerMessage = { type: 'progress'; part: number; done: number } | { type: 'done'; part: number; decisions: number } | { type: 'failed'; part: number; message: string; stack?: string };

/** What a job is called in messages: its cell, and a chunk's episodes. */
export const jobLabel = (job: Pick<CellJob, 'name' | 'range'>): string => (job.range ? `${job.name} (episodes ${job.range.from}–${job.range.to - 1})` : job.name);

let pretenuringOff = false;

/**
 * A worker thread that plays a study's jobs (studies/grid-worker.ts). V8's allocation-site
 * pretenuring misjudges a job's short-lived objects when the job starts inside the thread's
 * message handler: it moves them straight to the old generation, and the thread then spends a
 * fifth of its time collecting garbage and plays at half speed (300,000 first-price episodes:
 * 6.3 s against 3.4 s). The flag is V8's, for the whole process, so it is turned off once,
 * before the first thread starts; play in the main thread is as fast either way.
 */
export function gridThread(study: unknown): Worker {
  if (!pretenuringOff) {
    setFlagsFromString('--no-allocation-site-pretenuring');
    pretenuringOff = true;
  }
  return new Worker(new URL('./grid-worker.ts', import.meta.url), { workerData: { study } });
}

/** Plays the jobs on `width` worker threads, each taking the next job when it is free; resolves to the decisions made. */
function playOnWorkers(resolved: ResolvedStudy, jobs: readonly CellJob[], width: number, on: PoolEvents): Promise<number> {
  return new Promise((resolvePool, rejectPool) => {
    const queue = [...jobs];
    /** Each live worker and the cell it is playing (null: idle). */
    const busy = new Map<Worker, number | null>();
    let decisions = 0;
    let settled = false;
    const labels = new Map(jobs.map((job) => [job.part, jobLabel(job)]));
    const nameOf = (part: number) => labels.get(part) ?? String(part);
    /** Settles once every worker has stopped, so that the parts on disk no longer change. */
    const stop = (error: Error | (() => Error) | null) => {
      if (settled) return;
      settled = true;
      on.signal?.removeEventListener('abort', abort);
      const stopping = [...busy.keys()].map((w) => w.terminate());
      busy.clear();
      void Promise.allSettled(stopping).then(() => {
        if (error) rejectPool(typeof error === 'function' ? error() : error);
        else resolvePool(decisions);
      });
    };
    const abort = () => stop(on.interrupted);
    const give = (worker: Worker) => {
      const job = queue.shift();
      if (job) {
        busy.set(worker, job.part);
        worker.postMessage(job);
        return;
      }
      busy.delete(worker);
      void worker.terminate();
      if (!busy.size) stop(null);
    };
    if (on.signal?.aborted) return abort();
    on.signal?.addEventListener('abort', abort);
    for (let i = 0; i < width; i++) {
      const worker = gridThread(resolved.study);
      busy.set(worker, null);
      worker.on('message', (message: WorkerMessage) => {
        if (settled) return;
        if (message.type === 'progress') on.progress(message.part, message.done);
        else if (message.type === 'done') {
          decisions += message.decisions;
          on.finished(message.part);
          give(worker);
        } else {
          const error = new Error(`cell ${nameOf(message.part)}: ${message.message}`);
          if (message.stack) error.stack = message.stack;
          stop(error);
        }
      });
      worker.on('error', (error) => stop(error));
      worker.on('exit', (code) => {
        const playing = busy.get(worker);
        if (!settled && playing !== undefined && playing !== null) stop(new Error(`the worker playing cell ${nameOf(playing)} stopped (exit code ${code})`));
      });
      give(worker);
    }
  });
}

/** A part's summary of its cell, NaN restored where JSON wrote null. */
function partSummary(dir: string): TreatmentSummary {
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { treatments: TreatmentSummary[] };
  const t = summary.treatments[0] as TreatmentSummary;
  const revive = (m: Readonly<Record<string, MetricSummary>>): Record<string, MetricSummary> => {
    const out: Record<string, MetricSummary> = {};
    const num = (x: number | null) => (x === null ? Number.NaN : x);
    for (const [name, s] of Object.entries(m)) out[name] = { mean: num(s.mean), sd: num(s.sd), ci95: [num(s.ci95[0]), num(s.ci95[1])], n: s.n };
    return out;
  };
  const principals = t.principals?.map((p) => ({ ...p, payoff: (revive({ payoff: p.payoff }).payoff as MetricSummary) }));
  return { ...t, metrics: revive(t.metrics), measures: revive(t.measures), ...(principals ? { principals } : {}) };
}

/**
 * Merges the parts, in cell and episode order, into the results folder: each data file is the
 * parts' files one after the other (a CSV keeps the first part's header, as one process writing
 * the cells in turn would); the summary, the effects and the manifest are made afresh, a
 * chunked cell's summary from its chunks' values.
 */
function mergeParts(resolved: ResolvedStudy, plan: readonly Part[], target: string, replace: boolean, facts: { episodes: number; seed: number; code: RunOptions['code'] | null; startedAt: string; exports: boolean }) {
  const dir = new StagedDir(target, { replace });
  try {
    const files: Record<string, string> = {};
    for (const name of DATA_FILES) {
      if (!existsSync(join((plan[0] as Part).dir, name))) continue;
      const file = new StreamFile(dir.file(name));
      let header: string[] | null = null;
      for (const part of plan) {
        if (name.endsWith('.csv')) header = appendCsv(file, join(part.dir, name), header);
        else copyBytes(file, join(part.dir, name), 0);
      }
      files[name] = file.close();
    }
    const values = resolved.factors.length ? new CellValues() : null;
    const byCell = resolved.treatments.map((): Part[] => []);
    for (const part of plan) byCell[part.cell]?.push(part);
    const summaries = resolved.treatments.map((cell, i) => {
      const own = byCell[i] as Part[];
      values?.cell(cell.name, cell.levels ?? {});
      const first = own[0] as Part;
      if (!first.range) {
        if (values) {
          const series = PartValues.read(first.dir);
          if (series) PartValues.into(values, cell.name, series);
          else readEpisodeValues(join(first.dir, 'episodes.csv'), (episode, v) => values.push(cell.name, episode, v));
        }
        return partSummary(first.dir);
      }
      const series = PartValues.concat(own.map((part) => PartValues.read(part.dir) ?? missingValues(part)));
      if (values) PartValues.into(values, cell.name, series);
      return chunkedSummary(cell, partSummary(first.dir), series);
    });
    const summary = summaryOf(resolved, facts.episodes, summaries, values);
    const llm = isAsyncStudy(resolved) ? llmUsageOf(plan) : null;
    writeResults(dir, resolved, summary, files, { ...facts, ...(llm ? { llm } : {}) });
    return { summary, llm };
  } catch (error) {
    dir.discard();
    throw error;
  }
}

type LlmUsage = ReturnType<LlmRuntime['usage']>;

/** A study with LLM seats: the parts' LLM usage added up (money rounded to a millionth, as one run's is); null without. */
function llmUsageOf(plan: readonly Part[]): LlmUsage | null {
  let total: LlmUsage | null = null;
  for (const part of plan) {
    const { llm } = JSON.parse(readFileSync(join(part.dir, 'summary.json'), 'utf8')) as { llm?: LlmUsage };
    if (!llm) continue;
    if (!total) {
      total = structuredClone(llm);
      continue;
    }
    for (const k of ['calls', 'promptTokens', 'completionTokens', 'usd'] as const) total.study[k] += llm.study[k];
    for (const k of Object.keys(total.counters) as (keyof LlmUsage['counters'])[]) total.counters[k] += llm.counters[k] ?? 0;
  }
  if (total) total.study.usd = Math.round(total.study.usd * 1e6) / 1e6;
  return total;
}

const missingValues = (part: Part): never => {
  throw new Error(`the chunk in ${basename(part.dir)} lacks its values (values.json, values.bin): run again with --resume to play it again`);
};

const CHUNK = 1 << 20;

/** Copies a file's bytes from `offset` to the end. */
function copyBytes(into: StreamFile, path: string, offset: number): void {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (let at = offset; ; ) {
      const n = readSync(fd, buffer, 0, CHUNK, at);
      if (n === 0) break;
      into.writeBytes(buffer.subarray(0, n));
      at += n;
    }
  } finally {
    closeSync(fd);
  }
}

/** The records of a CSV file as written by CsvFile, each field as its raw text (quotes kept). */
export function* csvRecords(path: string): Generator<string[]> {
  const fd = openSync(path, 'r');
  try {
    const decoder = new StringDecoder('utf8');
    const buffer = Buffer.allocUnsafe(CHUNK);
    let field = '';
    let record: string[] = [];
    let quoted = false;
    for (;;) {
      const n = readSync(fd, buffer, 0, CHUNK, null);
      if (n === 0) break;
      const text = decoder.write(buffer.subarray(0, n));
      let from = 0;
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        // A doubled quote inside a quoted field closes and reopens it: the raw text is kept either way.
        if (c === 34) quoted = !quoted;
        else if (!quoted && (c === 44 || c === 10)) {
          field += text.slice(from, i);
          from = i + 1;
          record.push(field);
          field = '';
          if (c === 10) {
            yield record;
            record = [];
          }
        }
      }
      field += text.slice(from);
    }
    if (field || record.length) yield [...record, field];
  } finally {
    closeSync(fd);
  }
}

/** A CSV file's first record. */
function headerOf(path: string): string[] {
  for (const record of csvRecords(path)) return record;
  return [];
}

/** A raw CSV field's value (quotes removed). */
const unquote = (raw: string): string => (raw.startsWith('"') ? raw.slice(1, -1).replaceAll('""', '"') : raw);

/**
 * Appends a part's CSV to the merged file: the first part whole; a later part with the same
 * header without it, byte for byte; one with another header projected onto the first's
 * columns (a column it lacks left empty), as CsvFile would have written its rows.
 */
function appendCsv(into: StreamFile, path: string, header: string[] | null): string[] | null {
  const first = firstLine(path);
  const ownHeader = headerOf(path);
  // A part that wrote no row has no header either: nothing to add.
  if (!ownHeader.length) return header;
  if (!header) {
    copyBytes(into, path, 0);
    return ownHeader;
  }
  if (ownHeader.join(',') === header.join(',')) {
    copyBytes(into, path, first);
    return header;
  }
  const index = header.map((name) => ownHeader.indexOf(name));
  let line = 0;
  for (const record of csvRecords(path)) {
    if (line++ === 0) continue;
    into.write(`${index.map((i) => (i < 0 ? '' : (record[i] ?? ''))).join(',')}\n`);
  }
  return header;
}

/** The byte length of a file's first line, its newline included. */
function firstLine(path: string): number {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(1 << 16);
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    const at = buffer.subarray(0, n).indexOf(10);
    return at < 0 ? n : at + 1;
  } finally {
    closeSync(fd);
  }
}

/** Columns of episodes.csv that are neither metrics nor measures. */
const EPISODE_KEYS = new Set(['treatment', 'episode', 'seed', 'decisions', 'llm_decisions', 'llm_fallbacks']);

/** Each episode's metrics and measures as episodes.csv holds them (numbers as written, NA as NaN). */
function readEpisodeValues(path: string, each: (episode: number, values: { metrics: Record<string, number>; measures: Record<string, number> }) => void): void {
  let columns: string[] | null = null;
  for (const record of csvRecords(path)) {
    if (!columns) {
      columns = record.map(unquote);
      continue;
    }
    const metrics: Record<string, number> = {};
    const measures: Record<string, number> = {};
    let episode = -1;
    columns.forEach((name, i) => {
      const raw = record[i] ?? '';
      if (name === 'episode') episode = Number(raw);
      if (EPISODE_KEYS.has(name) || name.startsWith('factor.') || raw === '') return;
      const value = raw === 'NA' ? Number.NaN : Number(unquote(raw));
      if (name.startsWith('measure.')) measures[name.slice('measure.'.length)] = value;
      else metrics[name] = value;
    });
    each(episode, { metrics, measures });
  }
}
