/**
 * The worker thread behind writeReportSync: builds report.html (vega renders
 * asynchronously), posts the outcome on the port, then wakes the thread waiting on
 * `signal`. Loading the report inside the try means even a failed import is answered.
 */
import { workerData, type MessagePort } from 'node:worker_threads';

const { dir, port, signal } = workerData as { dir: string; port: MessagePort; signal: Int32Array };

try {
  const { writeReport } = await import('./index.ts');
  const written = await writeReport(dir);
  port.postMessage({ ok: true, ...written });
} catch (error) {
  port.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) });
} finally {
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
}
