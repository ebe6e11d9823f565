/**
 * A worker thread of a grid run (studies/grid.ts): resolves the study once, then plays each
 * job it is sent into its part folder, telling progress as episodes finish. A study with LLM
 * seats (on a queue) first checks that its seats can play from this machine (their keys set,
 * their endpoints answering), then calls the models with limits shared with the run's other
 * workers through Redis (studies/llm-shared.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Redis } from 'ioredis';
import { LlmRuntime } from '../bots/llm/runtime.ts';
import { llmSettingsSchema } from '../bots/llm/settings.ts';
import { ALLOW_FALLBACK_HINT, issueLines, preflightLlmSeats } from '../bots/llm/preflight.ts';
import { llmSeatPlans, resolveStudy } from './spec.ts';
import { isAsyncStudy } from './runner.ts';
import { RedisLimits } from './llm-shared.ts';
import { playCell, playCellAsync, type CellJob, type WorkerMessage } from './grid.ts';

const port = parentPort;
if (!port) throw new Error('grid-worker.ts runs as a worker thread of studies/grid.ts');
const resolved = resolveStudy((workerData as { study: unknown }).study);
const send = (message: WorkerMessage) => port.postMessage(message);
let checked: Promise<void> | null = null;

/** Refuses to play LLM seats this machine cannot reach (unless the study lets their fallbacks decide). */
async function checkSeats(llm: LlmRuntime): Promise<void> {
  const issues = await preflightLlmSeats(llmSeatPlans(resolved), llm.settings);
  if (!issues.length || llm.settings.allowFallback) return;
  throw new Error(`its LLM seats cannot play on this worker:\n${issueLines(issues)}\n(${ALLOW_FALLBACK_HINT})`);
}

async function playLlm(job: CellJob, onProgress: (done: number) => void) {
  const redis = job.shared ? new Redis(job.shared.url, { maxRetriesPerRequest: 3 }) : null;
  const settings = llmSettingsSchema.parse(resolved.study.llm ?? {});
  const llm = new LlmRuntime(settings, process.env, redis && job.shared ? new RedisLimits(redis, job.shared.key, settings) : null);
  try {
    checked ??= checkSeats(llm);
    await checked;
    return await playCellAsync(resolved, job, llm, onProgress);
  } finally {
    llm.close();
    redis?.disconnect();
  }
}

port.on('message', (job: CellJob) => {
  const progress = (done: number) => send({ type: 'progress', part: job.part, done });
  const playing = isAsyncStudy(resolved) ? playLlm(job, progress) : Promise.resolve().then(() => playCell(resolved, job, progress));
  playing.then(
    (report) => send({ type: 'done', part: job.part, decisions: report.decisions }),
    (error: unknown) => {
      const e = error instanceof Error ? error : new Error(String(error));
      send({ type: 'failed', part: job.part, message: e.message, ...(e.stack ? { stack: e.stack } : {}) });
    },
  );
});
