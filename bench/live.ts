/**
 * `npm run bench:live`: the live arena under load, beside a bare Colyseus room, in one run.
 *
 * Arena: the real server (startArenaServer) in a child process; K double-auction
 * sessions created through POST /api/sessions, each with M human seats (half buyers,
 * half sellers, with values below every cost, so orders never cross and every seat
 * always has a legal placeOrder); every seat joined with the SDK after POST /api/join;
 * each client acts at a steady rate with a legal placeOrder or cancelOrder from its
 * synchronized legal list. Measured over the window after a warm-up: action ->
 * acknowledgement, action -> visible in state, server CPU and peak RSS (reported by
 * the child itself), raw websocket bytes per client per second, and events lost:
 * every acknowledged action must be an `action` entry of its session's ledger (read
 * from the SQLite file after the server has stopped). "Visible" means the client's
 * synchronized stateId has reached the acknowledged one (so its own order is in its
 * private view); bytes are websocket message payloads as the SDK receives them
 * (frame headers and TCP not counted). The load runs in worker threads of this
 * process (--workers), whose CPU is reported too: near saturation, it inflates latencies.
 *
 * Bare: the same number of clients at the same rate on K bare rooms (echo-room.ts) in
 * a second child process, for the CPU ratio.
 *
 * Views travel as deltas (rooms/views.ts); each client asks at join for the engine events
 * addressed to its own seat only, as the web client does (--events all: the public feed
 * too, as an LLM seat keeps it). The bytes are reported by what carried them.
 *
 *   node bench/live.ts [--rooms K] [--seats M] [--seconds S] [--rate R] [--warmup W] [--workers N] [--events own|all] [--profile DIR] [--quick] [--json]
 *
 * The machine is shared: compare the two columns of one run rather than runs.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import Table from 'cli-table3';
import { SqliteLedger } from '../server/storage/sqlite-ledger.ts';
import { verifyChain } from '../mechanisms/core/ledger.ts';
import type { FromServer, Measured, ToServer } from './live-server.ts';
import type { FromLoad, LoadClientSpec, LoadInput, LoadResult, ToLoad } from './live-load.ts';
import { percentile } from './stats.ts';

// --- options -------------------------------------------------------------------

const { values: opts } = parseArgs({
  options: {
    rooms: { type: 'string' },
    seats: { type: 'string' },
    seconds: { type: 'string' },
    rate: { type: 'string' },
    warmup: { type: 'string' },
    workers: { type: 'string' },
    /** Write V8 CPU profiles of the server children into this folder (node --cpu-prof). */
    profile: { type: 'string' },
    /** The engine events each arena client asks for: 'own' (the web client's choice, the default) or 'all' (a client that keeps the public feed too). */
    events: { type: 'string', default: 'own' },
    quick: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});

function intOption(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  const x = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(x) || x < min || x > max) {
    console.error(`--${name} must be a number from ${min} to ${max} (got ${raw})`);
    process.exit(2);
  }
  return x;
}

const quick = opts.quick;
const ROOMS = Math.round(intOption('rooms', opts.rooms, quick ? 5 : 50, 1, 1000));
const SEATS = Math.round(intOption('seats', opts.seats, 10, 2, 200));
const SECONDS = intOption('seconds', opts.seconds, quick ? 5 : 30, 1, 3600);
// The arena closes a client sending more than 60 messages a second.
const RATE = intOption('rate', opts.rate, 2, 0.1, 50);
const WARMUP = intOption('warmup', opts.warmup, quick ? 1 : 3, 0, 600);
const WORKERS = Math.round(intOption('workers', opts.workers, Math.max(1, Math.min(4, Math.floor(availableParallelism() / 2))), 1, 32));
if (opts.events !== 'own' && opts.events !== 'all') {
  console.error(`--events must be 'own' or 'all' (got ${opts.events})`);
  process.exit(2);
}
const EVENTS: 'own' | 'all' = opts.events;
const CLIENTS = ROOMS * SEATS;
const BUYERS = Math.ceil(SEATS / 2);
const SELLERS = SEATS - BUYERS;
const UNITS = 20;
const CANCEL_SHARE = 0.25;
const REQUEST_TIMEOUT_MS = 10_000;
const TARGET_ACK_P99_MS = 25;
const TARGET_ACK_AT_CLIENTS = 500;
const TARGET_CPU_RATIO = 1.5;
const TARGET_BYTES_PER_CLIENT = 2000;

const log = (msg: string) => {
  if (!opts.json) process.stderr.write(`${msg}\n`);
};

// Everything stops by itself: a hard limit on the whole run.
const RUN_LIMIT_S = 2 * (WARMUP + SECONDS) + 120 + Math.ceil(CLIENTS / 5);
const children = new Set<ChildProcess>();
const workers = new Set<Worker>();
const watchdog = setTimeout(() => {
  console.error(`bench:live: still running after ${RUN_LIMIT_S} s; giving up`);
  for (const c of children) c.kill('SIGKILL');
  for (const w of workers) void w.terminate();
  process.exit(1);
}, RUN_LIMIT_S * 1000);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

// --- the server child ------------------------------------------------------------

class ServerChild {
  readonly proc: ChildProcess;
  readonly #waiters: { type: FromServer['type']; resolve: (m: FromServer) => void }[] = [];
  #exit: Promise<number | null>;

  constructor(args: string[], env: Record<string, string>) {
    this.proc = fork(join(import.meta.dirname, 'live-server.ts'), [...args, '--max-life', String(RUN_LIMIT_S + 60)], {
      env: { ...process.env, ...env },
      // The V8 flags `npm start` runs the server with; both servers get them.
      execArgv: [...process.execArgv, '--max-semi-space-size=16', ...(opts.profile ? ['--cpu-prof', '--cpu-prof-dir', opts.profile] : [])],
      // The server's own stdout goes to our stderr, so that --json output stays clean.
      stdio: ['ignore', 2, 2, 'ipc'],
    });
    children.add(this.proc);
    this.#exit = new Promise((resolve) => this.proc.once('exit', (code) => resolve(code)));
    this.proc.on('message', (raw) => {
      const m = raw as FromServer;
      if (m.type === 'error') console.error(`server child: ${m.message}`);
      const k = this.#waiters.findIndex((w) => w.type === m.type || m.type === 'error');
      if (k >= 0) this.#waiters.splice(k, 1)[0]?.resolve(m);
    });
  }

  next<T extends FromServer['type']>(type: T, ms: number): Promise<Extract<FromServer, { type: T }>> {
    const got = new Promise<FromServer>((resolve) => this.#waiters.push({ type, resolve }));
    const exited = this.#exit.then((code): FromServer => ({ type: 'error', message: `the server exited (code ${code}) before '${type}'` }));
    return within(Promise.race([got, exited]), ms, `server '${type}'`).then((m) => {
      if (m.type === 'error') throw new Error(m.message);
      return m as Extract<FromServer, { type: T }>;
    });
  }

  send(m: ToServer): void {
    this.proc.send(m);
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      try {
        this.send({ type: 'shutdown' });
        await this.next('closed', 15_000);
      } catch (error) {
        console.error(`stopping the server: ${(error as Error).message}`);
      }
    }
    const exited = await within(this.#exit, 5000, 'server exit').catch(() => {
      this.proc.kill('SIGKILL');
      return null;
    });
    children.delete(this.proc);
    void exited;
  }
}

// --- the load threads -----------------------------------------------------------------

interface PhaseFigures {
  readonly clients: number;
  readonly joined: number;
  readonly windowSeconds: number;
  readonly acceptedPerSecond: number;
  readonly ackP50Ms: number | null;
  readonly ackP99Ms: number | null;
  readonly ackMaxMs: number | null;
  readonly visibleP50Ms: number | null;
  readonly visibleP99Ms: number | null;
  readonly neverVisible: number;
  readonly serverCpuPercent: number;
  readonly serverPeakRssMb: number;
  readonly serverRssAtStartMb: number;
  readonly serverEventLoopBusyPercent: number;
  readonly serverEventLoopDelayP99Ms: number;
  readonly serverRunQueueWaitPercent: number | null;
  readonly bytesPerClientPerSecond: number;
  /** The same, by what carried the bytes (state patches, replies, each message type). */
  readonly bytesPerClientPerSecondByKind: Record<string, number>;
  readonly loaderCpuPercent: number;
  /** The busiest load thread's event-loop utilisation over the window, in %. */
  readonly loaderEventLoopBusyPercent: number;
  readonly sent: number;
  readonly accepted: number;
  readonly rejected: Record<string, number>;
  readonly errors: Record<string, number>;
  readonly skipped: number;
  readonly noLegal: number;
  readonly drops: number;
}


const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const merge = (rs: readonly Record<string, number>[]) => {
  const out: Record<string, number> = {};
  for (const r of rs) for (const [k, v] of Object.entries(r)) out[k] = (out[k] ?? 0) + v;
  return out;
};

/** Joins the clients in WORKERS threads, runs warm-up and window, and collects the figures. */
async function drive(kind: 'arena' | 'echo', server: ServerChild, url: string, specs: readonly LoadClientSpec[]): Promise<{ figures: PhaseFigures; results: LoadResult[] }> {
  const n = Math.min(WORKERS, specs.length);
  const threads: { worker: Worker; inbox: FromLoad[]; wake: (() => void) | null; failed: Error | null }[] = [];
  for (let w = 0; w < n; w++) {
    const share = specs.filter((_, i) => i % n === w);
    const input: LoadInput = {
      kind,
      url,
      clients: share,
      rate: RATE,
      seed: 0x5eed + w * 7919 + (kind === 'echo' ? 104_729 : 0),
      cancelShare: CANCEL_SHARE,
      joinConcurrency: 8,
      joinTimeoutMs: 20_000,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      events: EVENTS,
    };
    const worker = new Worker(new URL('./live-load.ts', import.meta.url), { workerData: input });
    workers.add(worker);
    const t = { worker, inbox: [] as FromLoad[], wake: null as (() => void) | null, failed: null as Error | null };
    worker.on('message', (m: FromLoad) => {
      t.inbox.push(m);
      t.wake?.();
    });
    worker.on('error', (e) => {
      t.failed = e;
      t.wake?.();
    });
    threads.push(t);
  }
  const receive = async <T extends FromLoad['type']>(t: (typeof threads)[number], type: T, ms: number): Promise<Extract<FromLoad, { type: T }>> => {
    const deadline = performance.now() + ms;
    for (;;) {
      if (t.failed) throw t.failed;
      const k = t.inbox.findIndex((m) => m.type === type || m.type === 'fatal');
      if (k >= 0) {
        const m = t.inbox.splice(k, 1)[0] as FromLoad;
        if (m.type === 'fatal') throw new Error(`load thread: ${m.message}`);
        return m as Extract<FromLoad, { type: T }>;
      }
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`load thread: no '${type}' after ${ms} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        t.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      t.wake = null;
    }
  };
  const tell = (m: ToLoad) => {
    for (const t of threads) t.worker.postMessage(m);
  };

  try {
    const joinStart = performance.now();
    const joined = await Promise.all(threads.map((t) => receive(t, 'joined', 60_000 + specs.length * 200)));
    const joinedCount = sum(joined.map((j) => j.joined));
    const failed = sum(joined.map((j) => j.failed));
    log(`  ${joinedCount} of ${specs.length} clients joined in ${((performance.now() - joinStart) / 1000).toFixed(1)} s${failed ? ` (${failed} failed: ${joined.find((j) => j.firstError)?.firstError})` : ''}`);
    if (joinedCount === 0) throw new Error('no client could join');

    tell({ type: 'go' });
    log(`  warming up ${WARMUP} s, then measuring ${SECONDS} s at ${RATE} actions/s per client`);
    await sleep(WARMUP * 1000);
    server.send({ type: 'measure-start' });
    tell({ type: 'window', on: true });
    const loaderCpu0 = process.cpuUsage();
    const loaderT0 = performance.now();
    await sleep(SECONDS * 1000);
    server.send({ type: 'measure-stop' });
    tell({ type: 'window', on: false });
    const loaderCpu = process.cpuUsage(loaderCpu0);
    const loaderMs = performance.now() - loaderT0;
    const measured: Measured = (await server.next('measured', 10_000)).measured;
    tell({ type: 'stop' });
    const results = (await Promise.all(threads.map((t) => receive(t, 'result', REQUEST_TIMEOUT_MS + 20_000)))).map((m) => m.result);

    const ack = results.flatMap((r) => r.ack).sort((a, b) => a - b);
    const visible = results.flatMap((r) => r.visible).sort((a, b) => a - b);
    const windowSeconds = Math.max(...results.map((r) => r.windowMs)) / 1000;
    const round = (x: number | null, digits = 1) => (x === null ? null : Number(x.toFixed(digits)));
    const figures: PhaseFigures = {
      clients: specs.length,
      joined: joinedCount,
      windowSeconds: Number(windowSeconds.toFixed(2)),
      acceptedPerSecond: Math.round(sum(results.map((r) => r.windowAccepted)) / windowSeconds),
      ackP50Ms: round(percentile(ack, 50), 2),
      ackP99Ms: round(percentile(ack, 99), 2),
      ackMaxMs: round(percentile(ack, 100), 1),
      visibleP50Ms: round(percentile(visible, 50), 1),
      visibleP99Ms: round(percentile(visible, 99), 1),
      neverVisible: sum(results.map((r) => r.neverVisible)),
      serverCpuPercent: Number(measured.cpuPercent.toFixed(1)),
      serverPeakRssMb: Math.round(measured.peakRssMb),
      serverRssAtStartMb: Math.round(measured.rssAtStartMb),
      serverEventLoopBusyPercent: Number(measured.eventLoopBusyPercent.toFixed(1)),
      serverEventLoopDelayP99Ms: Number(measured.eventLoopDelayP99Ms.toFixed(1)),
      serverRunQueueWaitPercent: measured.runQueueWaitPercent === null ? null : Number(measured.runQueueWaitPercent.toFixed(1)),
      bytesPerClientPerSecond: Math.round(sum(results.map((r) => r.windowBytes)) / joinedCount / windowSeconds),
      bytesPerClientPerSecondByKind: Object.fromEntries(
        Object.entries(merge(results.map((r) => r.windowBytesByKind)))
          .sort((x, y) => y[1] - x[1])
          .map(([k, n]) => [k, Math.round(n / joinedCount / windowSeconds)]),
      ),
      loaderCpuPercent: Number(((((loaderCpu.user + loaderCpu.system) / 1000) / loaderMs) * 100).toFixed(1)),
      loaderEventLoopBusyPercent: Number(Math.max(...results.map((r) => r.eventLoopBusyPercent)).toFixed(1)),
      sent: sum(results.map((r) => r.sent)),
      accepted: sum(results.map((r) => r.accepted)),
      rejected: merge(results.map((r) => r.rejected)),
      errors: merge(results.map((r) => r.errors)),
      skipped: sum(results.map((r) => r.skipped)),
      noLegal: sum(results.map((r) => r.noLegal)),
      drops: sum(results.map((r) => r.drops)),
    };
    return { figures, results };
  } finally {
    for (const t of threads) {
      await within(t.worker.terminate(), 5000, 'worker terminate').catch(() => undefined);
      workers.delete(t.worker);
    }
  }
}

// --- the arena phase --------------------------------------------------------------------

interface JoinReply {
  session: string;
  roomId: string;
  seat: string;
  token: string;
}

async function api<T>(url: string, path: string, body: unknown, adminToken?: string): Promise<T> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(adminToken ? { authorization: `Bearer ${adminToken}` } : {}) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** Runs `fn` over `items` with at most `lanes` at once. */
async function inLanes<T, R>(items: readonly T[], lanes: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(lanes, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i] as T);
      }
    }),
  );
  return out;
}

function sessionSpec(i: number): unknown {
  // Buyers value every unit below 100 and sellers' costs start at 120: with allowLoss
  // false no bid reaches an ask, units are never used up, and placeOrder stays legal.
  const values = Array.from({ length: UNITS }, (_, u) => 99 - u);
  const costs = Array.from({ length: UNITS }, (_, u) => 120 + u);
  return {
    title: `bench:live ${i + 1}`,
    mechanism: 'double-auction',
    config: {
      buyers: Array.from({ length: BUYERS }, () => values),
      sellers: Array.from({ length: SELLERS }, () => costs),
      periods: 1,
      periodMs: Math.min(86_400_000, Math.max(3_600_000, (WARMUP + SECONDS) * 10_000)),
      minPrice: 0,
      maxPrice: 200,
      tick: 1,
      allowLoss: false,
      maxOpenOrdersPerTrader: 1,
      revealSchedules: 'never',
    },
    seats: [{ kind: 'human', count: SEATS }],
    autoStart: true,
  };
}

interface LedgerCheck {
  readonly acknowledged: number;
  readonly ledgerActions: number;
  readonly lost: number;
  /** Ledger actions with no acknowledgement at the client (sent, recorded, reply not received). */
  readonly unacknowledged: number;
  readonly chainsVerify: boolean;
  readonly firstProblem: string | null;
}

async function checkLedger(dbPath: string, sessions: readonly string[], results: readonly LoadResult[]): Promise<LedgerCheck> {
  const ledger = new SqliteLedger(dbPath);
  try {
    const recorded = new Set<string>();
    let ledgerActions = 0;
    let chainsVerify = true;
    let firstProblem: string | null = null;
    for (const session of sessions) {
      const events = ledger.events(session);
      const problem = verifyChain(events);
      if (problem) {
        chainsVerify = false;
        firstProblem ??= `${session}: ${problem}`;
      }
      for (const e of events) {
        if (e.kind !== 'action') continue;
        ledgerActions++;
        recorded.add(`${session}/${e.seat}/${String(e.data.next)}`);
      }
    }
    let acknowledged = 0;
    let lost = 0;
    for (const r of results) {
      for (const [session, seat, stateId] of r.acks) {
        acknowledged++;
        if (!recorded.has(`${session}/${seat}/${stateId}`)) {
          lost++;
          firstProblem ??= `acknowledged action ${session}/${seat} -> stateId ${stateId} is not in the ledger`;
        }
      }
    }
    return { acknowledged, ledgerActions, lost, unacknowledged: ledgerActions - (acknowledged - lost), chainsVerify, firstProblem };
  } finally {
    await ledger.close();
  }
}

async function arenaPhase(dir: string): Promise<{ figures: PhaseFigures; ledger: LedgerCheck }> {
  const dbPath = join(dir, 'arena.db');
  const adminToken = randomBytes(24).toString('hex');
  const server = new ServerChild(['arena', '--db', dbPath], { BENCH_ADMIN_TOKEN: adminToken, BENCH_TOKEN_SECRET: randomBytes(24).toString('hex') });
  try {
    const { url } = await server.next('ready', 60_000);
    log(`arena server at ${url} (child pid ${server.proc.pid})`);
    const t0 = performance.now();
    const created = await inLanes(
      Array.from({ length: ROOMS }, (_, i) => i),
      4,
      (i) => api<{ session: string; roomId: string; seats: { seat: string; code: string }[] }>(url, '/api/sessions', sessionSpec(i), adminToken),
    );
    const codes = created.flatMap((s) => s.seats.map((x) => x.code));
    const joins = await inLanes(codes, 8, (code) => api<JoinReply>(url, '/api/join', { code }));
    log(`  ${created.length} sessions, ${joins.length} seat tokens in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const specs: LoadClientSpec[] = joins.map((j) => ({ roomId: j.roomId, token: j.token, session: j.session, seat: j.seat }));
    const { figures, results } = await drive('arena', server, url, specs);
    await server.stop();
    const ledger = await checkLedger(
      dbPath,
      created.map((s) => s.session),
      results,
    );
    return { figures, ledger };
  } finally {
    await server.stop();
  }
}

async function barePhase(): Promise<PhaseFigures> {
  const server = new ServerChild(['echo', '--rooms', String(ROOMS)], {});
  try {
    const { url, rooms } = await server.next('ready', 60_000);
    log(`bare server at ${url} (child pid ${server.proc.pid}), ${rooms.length} rooms`);
    const specs: LoadClientSpec[] = [];
    for (const roomId of rooms) for (let s = 0; s < SEATS; s++) specs.push({ roomId, token: null, session: roomId, seat: `p${s}` });
    return (await drive('echo', server, url, specs)).figures;
  } finally {
    await server.stop();
  }
}

// --- the run ------------------------------------------------------------------------

const dir = mkdtempSync(join(tmpdir(), 'arena-bench-live-'));
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const c of children) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  });
}
let exitCode = 0;
try {
  log(`bench:live: ${ROOMS} rooms x ${SEATS} seats = ${CLIENTS} clients, ${RATE} actions/s each, ${SECONDS} s measured after ${WARMUP} s, ${WORKERS} load thread(s), Node ${process.version}`);
  log('arena (double auction, real server in a child process):');
  const arena = await arenaPhase(dir);
  log('bare Colyseus room (echo-room.ts, child process):');
  const bare = await barePhase();

  const cpuRatio = bare.serverCpuPercent > 0 ? Number((arena.figures.serverCpuPercent / bare.serverCpuPercent).toFixed(2)) : null;
  const atScale = CLIENTS >= TARGET_ACK_AT_CLIENTS;
  const checks = {
    ack_p99_ms_le_25_at_500_clients: arena.figures.ackP99Ms !== null && arena.figures.ackP99Ms <= TARGET_ACK_P99_MS,
    cpu_ratio_le_1_5: cpuRatio !== null && cpuRatio <= TARGET_CPU_RATIO,
    events_lost_zero: arena.ledger.lost === 0 && arena.ledger.chainsVerify,
    bytes_per_client_le_2000: arena.figures.bytesPerClientPerSecond <= TARGET_BYTES_PER_CLIENT,
  };
  const result = {
    config: { rooms: ROOMS, seats: SEATS, clients: CLIENTS, rate_per_client: RATE, seconds: SECONDS, warmup_seconds: WARMUP, load_threads: WORKERS, units_per_trader: UNITS, cancel_share: CANCEL_SHARE, events: EVENTS, node: process.version, cpus: availableParallelism() },
    arena: { ...arena.figures, ledger: arena.ledger },
    bare,
    cpu_ratio_arena_over_bare: cpuRatio,
    targets: { ack_p99_ms: TARGET_ACK_P99_MS, ack_target_clients: TARGET_ACK_AT_CLIENTS, cpu_ratio: TARGET_CPU_RATIO, events_lost: 0, bytes_per_client_per_second: TARGET_BYTES_PER_CLIENT },
    checks: { ...checks, ack_target_applies: atScale },
  };

  if (opts.json) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    const a = arena.figures;
    const b = bare;
    const ms = (x: number | null) => (x === null ? 'n/a' : `${x} ms`);
    const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
    const codes = (r: Record<string, number>) =>
      Object.entries(r)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || '0';
    const table = new Table({ head: ['measure', 'arena', 'bare room', 'target'] });
    table.push(
      ['clients joined', `${a.joined} / ${a.clients}`, `${b.joined} / ${b.clients}`, ''],
      ['window', `${a.windowSeconds} s`, `${b.windowSeconds} s`, ''],
      ['accepted actions / s', a.acceptedPerSecond, b.acceptedPerSecond, `${CLIENTS * RATE} offered`],
      ['ack p50', ms(a.ackP50Ms), ms(b.ackP50Ms), ''],
      ['ack p99', ms(a.ackP99Ms), ms(b.ackP99Ms), `<= ${TARGET_ACK_P99_MS} ms at ${TARGET_ACK_AT_CLIENTS} clients: ${met(checks.ack_p99_ms_le_25_at_500_clients)}${atScale ? '' : ` (at ${CLIENTS} clients)`}`],
      ['ack max', ms(a.ackMaxMs), ms(b.ackMaxMs), ''],
      ['visible in state p50', ms(a.visibleP50Ms), ms(b.visibleP50Ms), ''],
      ['visible in state p99', ms(a.visibleP99Ms), ms(b.visibleP99Ms), ''],
      ['acknowledged, never visible', a.neverVisible, b.neverVisible, '0'],
      ['server CPU (% of one core)', a.serverCpuPercent, b.serverCpuPercent, ''],
      ['server CPU, arena / bare', cpuRatio ?? 'n/a', '', `<= ${TARGET_CPU_RATIO}: ${met(checks.cpu_ratio_le_1_5)}`],
      ['server event loop busy (%)', a.serverEventLoopBusyPercent, b.serverEventLoopBusyPercent, ''],
      ['server event-loop delay p99', ms(a.serverEventLoopDelayP99Ms), ms(b.serverEventLoopDelayP99Ms), ''],
      ['server waiting for a CPU (% of window)', a.serverRunQueueWaitPercent ?? 'n/a', b.serverRunQueueWaitPercent ?? 'n/a', ''],
      ['server peak RSS (MB)', a.serverPeakRssMb, b.serverPeakRssMb, ''],
      ['bytes received / client / s', a.bytesPerClientPerSecond, b.bytesPerClientPerSecond, `<= ${TARGET_BYTES_PER_CLIENT}: ${met(checks.bytes_per_client_le_2000)}`],
      ...Object.entries(a.bytesPerClientPerSecondByKind).map(([kind, n]) => [`  of which ${kind}`, n, b.bytesPerClientPerSecondByKind[kind] ?? '', '']),
      ['events lost (acked, not in ledger)', arena.ledger.lost, '', `0: ${met(checks.events_lost_zero)}`],
      ['ledger: acked / action entries', `${arena.ledger.acknowledged} / ${arena.ledger.ledgerActions}`, '', ''],
      ['ledger chains verify', arena.ledger.chainsVerify ? 'yes' : 'NO', '', 'yes'],
      ['rejected', codes(a.rejected), codes(b.rejected), ''],
      ['request errors', codes(a.errors), codes(b.errors), '0'],
      ['slots skipped (busy / nothing legal)', `${a.skipped} / ${a.noLegal}`, `${b.skipped} / ${b.noLegal}`, ''],
      ['connections dropped', a.drops, b.drops, '0'],
      ['load generator CPU (% of one core)', a.loaderCpuPercent, b.loaderCpuPercent, ''],
      ['busiest load thread event loop busy (%)', a.loaderEventLoopBusyPercent, b.loaderEventLoopBusyPercent, ''],
    );
    console.log(table.toString());
    if (arena.ledger.firstProblem) console.log(`ledger: ${arena.ledger.firstProblem}`);
    if (Math.max(a.loaderEventLoopBusyPercent, b.loaderEventLoopBusyPercent) > 80) console.log('note: a load thread was near saturation; latencies include its own delays (try --workers).');
    if (Math.max(a.serverRunQueueWaitPercent ?? 0, b.serverRunQueueWaitPercent ?? 0) > 10) console.log('note: a server waited for a CPU for a noticeable share of the window: the machine is busy, latencies are inflated.');
  }
  if (!checks.events_lost_zero) exitCode = 1;
} catch (error) {
  console.error(`bench:live failed: ${(error as Error).stack ?? String(error)}`);
  exitCode = 1;
} finally {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  clearTimeout(watchdog);
}
process.exit(exitCode);
