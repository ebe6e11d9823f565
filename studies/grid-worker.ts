/**
 * A worker thread of a grid run (studies/grid.ts): resolves the study once, then plays each
 * cell it is sent into its part folder, telling progress as episodes finish.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { resolveStudy } from './spec.ts';
import { playCell, type CellJob, type WorkerMessage } from './grid.ts';

const port = parentPort;
if (!port) throw new Error('grid-worker.ts runs as a worker thread of studies/grid.ts');
const resolved = resolveStudy((workerData as { study: unknown }).study);
const send = (message: WorkerMessage) => port.postMessage(message);

port.on('message', (job: CellJob) => {
  try {
    const report = playCell(resolved, job, (done) => send({ type: 'progress', part: job.part, done }));
    send({ type: 'done', part: job.part, decisions: report.decisions });
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    send({ type: 'failed', part: job.part, message: e.message, ...(e.stack ? { stack: e.stack } : {}) });
  }
});
