/**
 * The server side of `npm run bench:live`, run in a child process (forked with an IPC
 * channel) so that its CPU time and RSS are its own. `arena`: the real arena server
 * (startArenaServer: rooms, API, ledger, observatory) on a free port; sessions are
 * created by the benchmark through the HTTP API. `echo`: a bare Colyseus server with
 * `--rooms` EchoRooms. Measures its own CPU (process.cpuUsage deltas) and peak RSS
 * (sampled) between `measure-start` and `measure-stop`, and stops by itself if the
 * benchmark goes away or takes far too long.
 *
 *   node bench/live-server.ts arena --db FILE          (BENCH_ADMIN_TOKEN, BENCH_TOKEN_SECRET in env)
 *   node bench/live-server.ts echo --rooms K
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, performance as perf, type EventLoopUtilization } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

export type ToServer = { type: 'measure-start' } | { type: 'measure-stop' } | { type: 'shutdown' };

export interface Measured {
  readonly wallMs: number;
  readonly cpuUserMs: number;
  readonly cpuSystemMs: number;
  /** CPU time over wall time, in % of one core. */
  readonly cpuPercent: number;
  readonly peakRssMb: number;
  readonly rssAtStartMb: number;
  /** Lifetime peak RSS as the kernel reports it (includes start-up and joins). */
  readonly maxRssLifetimeMb: number;
  /** Share of the window the event loop was busy (running callbacks, including synchronous I/O), in %. */
  readonly eventLoopBusyPercent: number;
  /** p99 of the event loop's delay in ms (how late timers and I/O callbacks ran). */
  readonly eventLoopDelayP99Ms: number;
  /** Linux: share of the window the main thread was ready to run but waited for a CPU (other processes), in %; null elsewhere. */
  readonly runQueueWaitPercent: number | null;
}

export type FromServer =
  | { type: 'ready'; url: string; rooms: string[] }
  | { type: 'measured'; measured: Measured }
  | { type: 'closed' }
  | { type: 'error'; message: string };

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    db: { type: 'string' },
    rooms: { type: 'string', default: '1' },
    /** Hard limit on this process's life, in seconds. */
    'max-life': { type: 'string', default: '900' },
  },
});
const kind = positionals[0];
if (!process.send) throw new Error('live-server.ts runs as a forked child of bench/live.ts');
const send = (m: FromServer) => process.send?.(m);

let close: () => Promise<void> = async () => undefined;
let exiting = false;
async function exit(code: number): Promise<void> {
  if (exiting) return;
  exiting = true;
  const hard = setTimeout(() => process.exit(code), 10_000);
  hard.unref();
  try {
    await close();
  } catch (error) {
    console.error(`live-server: closing: ${(error as Error).message}`);
  }
  process.exit(code);
}

// Never outlive the benchmark: its channel closing or a hard time limit ends this process.
process.on('disconnect', () => void exit(0));
setTimeout(() => {
  console.error('live-server: time limit reached, stopping');
  void exit(2);
}, Number(values['max-life']) * 1000).unref();

const mb = (bytes: number) => bytes / (1024 * 1024);

/** Linux: ns the main thread has waited on a run queue so far (schedstat's second field); null elsewhere. */
function runQueueWaitNs(): number | null {
  try {
    const fields = readFileSync('/proc/thread-self/schedstat', 'utf8').trim().split(/\s+/);
    const wait = Number(fields[1]);
    return Number.isFinite(wait) ? wait : null;
  } catch {
    return null;
  }
}

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
let measuring: { cpu: NodeJS.CpuUsage; t0: number; peak: number; rss0: number; elu: EventLoopUtilization; wait0: number | null; timer: NodeJS.Timeout | undefined } | null = null;

process.on('message', (raw) => {
  const msg = raw as ToServer;
  if (msg.type === 'measure-start') {
    if (measuring) clearInterval(measuring.timer);
    const rss0 = process.memoryUsage.rss();
    loopDelay.disable();
    loopDelay.reset();
    loopDelay.enable();
    const m = { cpu: process.cpuUsage(), t0: performance.now(), peak: rss0, rss0, elu: perf.eventLoopUtilization(), wait0: runQueueWaitNs(), timer: undefined as NodeJS.Timeout | undefined };
    m.timer = setInterval(() => {
      m.peak = Math.max(m.peak, process.memoryUsage.rss());
    }, 100);
    measuring = m;
  } else if (msg.type === 'measure-stop') {
    const m = measuring;
    if (!m) return send({ type: 'error', message: 'measure-stop without measure-start' });
    clearInterval(m.timer);
    measuring = null;
    const cpu = process.cpuUsage(m.cpu);
    const wallMs = performance.now() - m.t0;
    const peak = Math.max(m.peak, process.memoryUsage.rss());
    const elu = perf.eventLoopUtilization(m.elu);
    const wait1 = runQueueWaitNs();
    loopDelay.disable();
    send({
      type: 'measured',
      measured: {
        wallMs,
        cpuUserMs: cpu.user / 1000,
        cpuSystemMs: cpu.system / 1000,
        cpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
        peakRssMb: mb(peak),
        rssAtStartMb: mb(m.rss0),
        maxRssLifetimeMb: process.resourceUsage().maxRSS / 1024,
        eventLoopBusyPercent: elu.utilization * 100,
        eventLoopDelayP99Ms: loopDelay.percentile(99) / 1e6,
        runQueueWaitPercent: m.wait0 === null || wait1 === null ? null : ((wait1 - m.wait0) / 1e6 / wallMs) * 100,
      },
    });
  } else if (msg.type === 'shutdown') {
    void (async () => {
      await close();
      close = async () => undefined;
      send({ type: 'closed' });
      setTimeout(() => process.exit(0), 50);
    })();
  }
});

try {
  if (kind === 'arena') {
    const { startArenaServer } = await import('../server/arena-server.ts');
    const adminToken = process.env.BENCH_ADMIN_TOKEN;
    const tokenSecret = process.env.BENCH_TOKEN_SECRET;
    if (!values.db || !adminToken || !tokenSecret) throw new Error('arena needs --db and BENCH_ADMIN_TOKEN, BENCH_TOKEN_SECRET');
    const { ledgerSync } = await import('../server/serve.ts');
    const server = await startArenaServer({ port: 0, host: '127.0.0.1', dbPath: values.db, adminToken, tokenSecret, demos: [], ledgerSync: ledgerSync(process.env.ARENA_DB_SYNC) });
    close = () => server.close();
    send({ type: 'ready', url: server.url, rooms: [] });
  } else if (kind === 'echo') {
    const { defineRoom, defineServer, matchMaker } = await import('@colyseus/core');
    const { WebSocketTransport } = await import('@colyseus/ws-transport');
    const { EchoRoom } = await import('./echo-room.ts');
    const httpServer = http.createServer();
    // The same transport settings as the arena server, so that only the room differs.
    const transport = new WebSocketTransport({ noServer: true, maxPayload: 16 * 1024, pingInterval: 5000, pingMaxRetries: 3 });
    transport.attachToServer(httpServer);
    const server = defineServer({ transport, greet: false, gracefullyShutdown: false, rooms: { echo: defineRoom(EchoRoom) } });
    server.onShutdown(() => {
      httpServer.closeAllConnections();
    });
    await server.listen(0, '127.0.0.1');
    const port = (httpServer.address() as AddressInfo).port;
    close = () => server.gracefullyShutdown(false);
    const count = Math.max(1, Math.min(10_000, Number(values.rooms)));
    const rooms: string[] = [];
    for (let i = 0; i < count; i++) rooms.push((await matchMaker.createRoom('echo', {})).roomId);
    send({ type: 'ready', url: `http://127.0.0.1:${port}`, rooms });
  } else {
    throw new Error(`unknown server kind '${kind ?? ''}' (arena or echo)`);
  }
} catch (error) {
  send({ type: 'error', message: (error as Error).stack ?? String(error) });
  await exit(1);
}
