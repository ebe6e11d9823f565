/**
 * report.html written synchronously, for the runner's synchronous finish: vega renders
 * SVG only asynchronously, so the report is built in a worker thread while this thread
 * waits on a shared flag (Atomics.wait), then reads the worker's answer off its port.
 * Importing this module loads no plotting code; the worker does.
 */
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';

export type ReportOutcome =
  | { readonly ok: true; readonly path: string; readonly bytes: number; readonly figures: number; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly error: string };

/** Builds `dir`/report.html and waits for it (at most `timeoutMs`); never throws, the outcome says what happened. */
export function writeReportSync(dir: string, timeoutMs = 10 * 60_000): ReportOutcome {
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  let worker: Worker;
  try {
    worker = new Worker(new URL('./worker.ts', import.meta.url), { workerData: { dir, port: port2, signal }, transferList: [port2] });
  } catch (error) {
    return { ok: false, error: `could not start the report worker: ${(error as Error).message}` };
  }
  worker.unref();
  const waited = Atomics.wait(signal, 0, 0, timeoutMs);
  const answer = receiveMessageOnPort(port1)?.message as ReportOutcome | undefined;
  port1.close();
  void worker.terminate();
  if (answer) return answer;
  return { ok: false, error: waited === 'timed-out' ? `the report took longer than ${Math.round(timeoutMs / 1000)} s` : 'the report worker stopped without an answer' };
}

/**
 * report.html at the end of a run, into the folder being staged: a report that cannot be
 * made does not cost the run its results (the data files are whole); it says so on stderr
 * and how to make the report later.
 */
export function reportAtFinish(staging: string, target: string): void {
  const outcome = writeReportSync(staging);
  if (!outcome.ok) process.stderr.write(`report.html was not written (${outcome.error}); make it with: arena report ${target}\n`);
}
