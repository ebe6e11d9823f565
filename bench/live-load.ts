/**
 * A load generator thread of `npm run bench:live`: seats its share of SDK clients
 * (`new Client(url).joinById(roomId, { token })`), then, between `go` and `stop`, has
 * each client send `act` at a steady rate with an action taken from its synchronized
 * legal list, and measures action -> acknowledgement (the request promise resolves),
 * action -> visible in state (the client's synchronized stateId reaches the
 * acknowledged one) and the raw websocket bytes it receives. Only actions sent while
 * the measuring window is open are sampled; every accepted action is reported, so
 * that the benchmark can look for it in the ledger.
 */
import { performance as perf, type EventLoopUtilization } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { Client, type Room } from '@colyseus/sdk';
import { ViewFollower, type FollowedRoom } from '../rooms/views.ts';

export interface LoadClientSpec {
  readonly roomId: string;
  /** Seat token for the arena; null for the bare room. */
  readonly token: string | null;
  readonly session: string;
  readonly seat: string;
}

export interface LoadInput {
  readonly kind: 'arena' | 'echo';
  readonly url: string;
  readonly clients: readonly LoadClientSpec[];
  /** Actions per second per client. */
  readonly rate: number;
  readonly seed: number;
  /** Share of actions that cancel the client's open order when it has one (the rest place orders). */
  readonly cancelShare: number;
  readonly joinConcurrency: number;
  readonly joinTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** Which engine events each arena client asks for at join: 'own' (the web client's choice) or 'all'. */
  readonly events: 'all' | 'own';
}

export type ToLoad = { type: 'go' } | { type: 'window'; on: boolean } | { type: 'stop' };

export interface LoadResult {
  /** Latencies (ms) of actions sent inside the window. */
  readonly ack: number[];
  readonly visible: number[];
  /** Acknowledged in the window but not visible in state by the end. */
  readonly neverVisible: number;
  readonly windowMs: number;
  /** Share of the window this thread's event loop was busy, in %. */
  readonly eventLoopBusyPercent: number;
  readonly windowBytes: number;
  /** The window's bytes by what carried them: 'state patches', 'replies', and each message type. */
  readonly windowBytesByKind: Record<string, number>;
  readonly windowSent: number;
  readonly windowAccepted: number;
  readonly sent: number;
  readonly accepted: number;
  /** Rejections by code (all of the run). */
  readonly rejected: Record<string, number>;
  /** Failed requests (timeouts, closed connections) by message. */
  readonly errors: Record<string, number>;
  /** Send slots skipped because the previous request was still in flight. */
  readonly skipped: number;
  /** Send slots skipped because the seat had nothing legal to do. */
  readonly noLegal: number;
  /** Connections lost before the end. */
  readonly drops: number;
  /** Every accepted action: [session, seat, acknowledged stateId]. */
  readonly acks: [string, string, number][];
}

export type FromLoad = { type: 'joined'; joined: number; failed: number; firstError: string | null } | { type: 'result'; result: LoadResult } | { type: 'fatal'; message: string };

interface LegalParam {
  readonly kind: string;
  readonly options?: readonly unknown[];
  readonly min?: number;
  readonly max?: number;
  readonly step?: number;
}
interface LegalAction {
  readonly type: string;
  readonly params: Record<string, LegalParam>;
}
interface SyncedState {
  stateId: number;
  status?: string;
}

const input = workerData as LoadInput;
const port = parentPort;
if (!port) throw new Error('live-load.ts runs as a worker thread of bench/live.ts');
const post = (m: FromLoad) => port.postMessage(m);

// --- raw bytes: count every frame any WebSocket of this thread receives (the SDK sets onmessage) ---
let bytesIn = 0;
const bytesByKind: Record<string, number> = {};
const PROTOCOL_KINDS: Record<number, string> = { 14: 'full states', 15: 'state patches', 22: 'replies' };
/** What a Colyseus frame carries: its protocol code, and for a message (code 13) its type, a short string. */
function kindOf(bytes: Uint8Array): string {
  const code = bytes[0] ?? -1;
  if (code !== 13) return PROTOCOL_KINDS[code] ?? `protocol ${code}`;
  const head = bytes[1] ?? 0;
  if ((head & 0xe0) !== 0xa0) return 'messages (numbered types)';
  return `'${Buffer.from(bytes.subarray(2, 2 + (head & 0x1f))).toString('utf8')}' messages`;
}
{
  const desc = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage');
  if (!desc?.set || !desc.get) throw new Error('WebSocket.prototype.onmessage is not an accessor: cannot count bytes');
  const { get, set } = desc;
  Object.defineProperty(WebSocket.prototype, 'onmessage', {
    configurable: true,
    get,
    set(this: WebSocket, handler: ((ev: MessageEvent) => void) | null) {
      set.call(
        this,
        handler &&
          function (this: WebSocket, ev: MessageEvent) {
            const d: unknown = ev.data;
            const n = d instanceof ArrayBuffer ? d.byteLength : typeof d === 'string' ? Buffer.byteLength(d) : d instanceof Blob ? d.size : 0;
            bytesIn += n;
            if (d instanceof ArrayBuffer) {
              const kind = kindOf(new Uint8Array(d, 0, Math.min(34, d.byteLength)));
              bytesByKind[kind] = (bytesByKind[kind] ?? 0) + n;
            }
            return handler.call(this, ev);
          },
      );
    },
  });
}

// --- a small seeded generator (xorshift32) ---
let seed = input.seed >>> 0 || 0x9e3779b9;
const random = (): number => {
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return seed / 0x1_0000_0000;
};

const withTimeout = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
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
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// --- measurements ---
let windowOn = false;
let windowStart = 0;
let windowMs = 0;
let windowElu: EventLoopUtilization | null = null;
let eventLoopBusyPercent = 0;
let windowBytes0 = 0;
let windowBytes = 0;
let windowKinds0: Record<string, number> = {};
let windowBytesByKind: Record<string, number> = {};
let windowSent = 0;
let windowAccepted = 0;
let sent = 0;
let accepted = 0;
let skipped = 0;
let noLegal = 0;
let drops = 0;
let stopping = false;
const ackSamples: number[] = [];
const visibleSamples: number[] = [];
const rejected: Record<string, number> = {};
const errors: Record<string, number> = {};
const acks: [string, string, number][] = [];
const bump = (o: Record<string, number>, k: string) => {
  if (k in o || Object.keys(o).length < 20) o[k] = (o[k] ?? 0) + 1;
  else o['(other)'] = (o['(other)'] ?? 0) + 1;
};

interface Pending {
  readonly target: number;
  readonly t0: number;
}

class LoadClient {
  readonly spec: LoadClientSpec;
  room: Room<unknown, SyncedState> | null = null;
  inFlight = false;
  timer: NodeJS.Timeout | null = null;
  /** Visibility waits of acknowledged in-window actions, in acknowledgement order. */
  pending: Pending[] = [];
  /** The stateId of this client's last accepted action. */
  lastAccepted = -1;
  /** The seat's legal actions, followed as deltas (rooms/views.ts); the load acts on nothing else, so it builds no views. */
  #views: ViewFollower | null = null;

  constructor(spec: LoadClientSpec) {
    this.spec = spec;
  }

  async join(): Promise<void> {
    const client = new Client(input.url);
    const room = await withTimeout(client.joinById<SyncedState>(this.spec.roomId, this.spec.token ? { token: this.spec.token, agent: 'bench', events: input.events } : {}), input.joinTimeoutMs, 'join');
    room.reconnection.enabled = false;
    room.onMessage('*', () => undefined);
    if (input.kind === 'arena') this.#views = new ViewFollower(room as unknown as FollowedRoom, { views: false });
    room.onStateChange((state) => this.#seen(state.stateId));
    room.onLeave(() => {
      if (!stopping) drops++;
    });
    this.room = room;
  }

  #seen(stateId: number): void {
    if (this.pending.length === 0) return;
    const now = performance.now();
    let k = 0;
    while (k < this.pending.length && (this.pending[k] as Pending).target <= stateId) {
      visibleSamples.push(now - (this.pending[k] as Pending).t0);
      k++;
    }
    if (k) this.pending.splice(0, k);
  }

  #action(state: SyncedState): unknown {
    if (input.kind === 'echo') return { type: 'noop' };
    if (state.status !== 'running') return null;
    const legal = this.#views?.legal(this.spec.seat) as readonly LegalAction[] | null | undefined;
    if (!legal) return null;
    const cancel = legal.find((a) => a.type === 'cancelOrder');
    const place = legal.find((a) => a.type === 'placeOrder');
    const ids = cancel?.params.orderId?.options;
    // A legal list older than this client's own last action may name an order that action replaced:
    // cancel only from a state that shows it (placeOrder is legal either way).
    const current = state.stateId >= this.lastAccepted;
    if (ids?.length && (!place || (current && random() < input.cancelShare))) return { type: 'cancelOrder', orderId: ids[0] };
    if (!place) return null;
    const side = place.params.side?.options?.[0];
    const price = place.params.price;
    if (side === undefined || !price || price.min === undefined || price.max === undefined) return null;
    const step = price.step ?? 1;
    const levels = Math.floor((price.max - price.min) / step + 1e-9) + 1;
    return { type: 'placeOrder', side, price: Math.min(price.max, price.min + Math.floor(random() * levels) * step) };
  }

  fire(): void {
    const room = this.room;
    if (stopping || !room) return;
    if (this.inFlight) {
      skipped++;
      return;
    }
    const state = room.state;
    const action = state ? this.#action(state) : null;
    if (!state || !action) {
      noLegal++;
      return;
    }
    const inWindow = windowOn;
    const t0 = performance.now();
    this.inFlight = true;
    sent++;
    if (inWindow) windowSent++;
    room
      .request('act', { stateId: state.stateId, action }, { timeout: input.requestTimeoutMs })
      .then((raw: unknown) => {
        const now = performance.now();
        const reply = raw as { ok: boolean; stateId?: number; code?: string };
        if (!reply?.ok || typeof reply.stateId !== 'number') {
          bump(rejected, reply?.code ?? 'UNKNOWN');
          return;
        }
        accepted++;
        this.lastAccepted = Math.max(this.lastAccepted, reply.stateId);
        acks.push([this.spec.session, this.spec.seat, reply.stateId]);
        if (!inWindow) return;
        windowAccepted++;
        ackSamples.push(now - t0);
        if ((room.state?.stateId ?? -1) >= reply.stateId) visibleSamples.push(now - t0);
        else this.pending.push({ target: reply.stateId, t0 });
      })
      .catch((error: unknown) => bump(errors, (error as Error).message?.slice(0, 80) ?? String(error)))
      .finally(() => {
        this.inFlight = false;
      });
  }

  /** Sends at `rate` per second from `start + phase`, on a fixed grid (no drift). */
  schedule(start: number, periodMs: number, phase: number): void {
    let k = 0;
    const next = () => {
      if (stopping) return;
      const at = start + phase + k * periodMs;
      k++;
      this.timer = setTimeout(
        () => {
          this.fire();
          next();
        },
        Math.max(0, at - performance.now()),
      );
    };
    next();
  }
}

const clients = input.clients.map((spec) => new LoadClient(spec));

async function joinAll(): Promise<void> {
  let joined = 0;
  let failed = 0;
  let firstError: string | null = null;
  let nextIndex = 0;
  const lane = async () => {
    while (nextIndex < clients.length) {
      const c = clients[nextIndex++] as LoadClient;
      try {
        await c.join();
        joined++;
      } catch (error) {
        failed++;
        firstError ??= (error as Error).message ?? String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, input.joinConcurrency) }, lane));
  post({ type: 'joined', joined, failed, firstError });
}

async function stop(): Promise<void> {
  if (windowOn) closeWindow();
  stopping = true;
  for (const c of clients) if (c.timer) clearTimeout(c.timer);
  // Let requests in flight come back, then give patches a moment to show them (both bounded).
  for (let waited = 0; waited < input.requestTimeoutMs + 500 && clients.some((c) => c.inFlight); waited += 20) await sleep(20);
  for (let waited = 0; waited < 1000 && clients.some((c) => c.pending.length > 0); waited += 20) await sleep(20);
  const neverVisible = clients.reduce((n, c) => n + c.pending.length, 0);
  await Promise.all(clients.map((c) => (c.room ? withTimeout(c.room.leave(true), 5000, 'leave').catch(() => undefined) : undefined)));
  post({
    type: 'result',
    result: {
      ack: ackSamples,
      visible: visibleSamples,
      neverVisible,
      windowMs,
      eventLoopBusyPercent,
      windowBytes,
      windowBytesByKind,
      windowSent,
      windowAccepted,
      sent,
      accepted,
      rejected,
      errors,
      skipped,
      noLegal,
      drops,
      acks,
    },
  });
}

function closeWindow(): void {
  windowOn = false;
  windowMs = performance.now() - windowStart;
  windowBytes = bytesIn - windowBytes0;
  windowBytesByKind = Object.fromEntries(Object.entries(bytesByKind).map(([k, n]) => [k, n - (windowKinds0[k] ?? 0)]));
  if (windowElu) eventLoopBusyPercent = perf.eventLoopUtilization(windowElu).utilization * 100;
}

port.on('message', (msg: ToLoad) => {
  if (msg.type === 'go') {
    const periodMs = 1000 / input.rate;
    const start = performance.now();
    for (const c of clients) c.schedule(start, periodMs, random() * periodMs);
  } else if (msg.type === 'window') {
    if (msg.on) {
      windowOn = true;
      windowStart = performance.now();
      windowBytes0 = bytesIn;
      windowKinds0 = { ...bytesByKind };
      windowElu = perf.eventLoopUtilization();
    } else if (windowOn) closeWindow();
  } else if (msg.type === 'stop') {
    stop()
      .catch((error: unknown) => post({ type: 'fatal', message: (error as Error).stack ?? String(error) }))
      .finally(() => port.close());
  }
});

joinAll().catch((error: unknown) => post({ type: 'fatal', message: (error as Error).stack ?? String(error) }));
