/**
 * A PostgreSQL connection in a thread of its own (pg-thread.ts), callable two ways:
 * `send` hands a request over and calls back when it is answered (the event loop goes on
 * meanwhile: the ledger's group commits travel this way), and `wait`/`call` block until
 * an answer is in (Atomics.wait on a shared signal, the answer taken with
 * receiveMessageOnPort). The stores' synchronous calls (a lone record, a tick, a read) keep
 * the same contract as SQLite's that way, and the order of every call is the order on the
 * connection. Answers are taken in order whichever way they arrive.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

/** The events of one commit, column by column (what the COMMIT statement unnests). */
export interface EventColumns {
  match: string[];
  seq: number[];
  at: number[];
  kind: string[];
  seat: (string | null)[];
  audience: string[];
  data: string[];
  prev: string[];
  hash: string[];
  /** A match_started's mechanism, a match_ended's final hash (null on other events). */
  mechanism: (string | null)[];
  final: (string | null)[];
}

export type BridgeRequest =
  | { readonly id: number; readonly op: 'query'; readonly sql: string; readonly params: readonly unknown[] }
  | { readonly id: number; readonly op: 'commit'; readonly events: EventColumns; readonly createdAt: string; readonly maxBytes: number | null }
  | { readonly id: number; readonly op: 'reset'; readonly after: number }
  | { readonly id: number; readonly op: 'close' };

export type BridgeReply = { readonly id: number; readonly ok: true; readonly rows: Record<string, unknown>[] } | { readonly id: number; readonly ok: false; readonly message: string; readonly code?: string };

/** What PostgreSQL answered with an error (its SQLSTATE in `code`). */
export class PgError extends Error {
  readonly code: string | undefined;
  constructor(message: string, code?: string) {
    super(message);
    this.code = code;
  }
}

type Pending = (reply: BridgeReply) => void;
type Body = { op: 'query'; sql: string; params: readonly unknown[] } | { op: 'commit'; events: EventColumns; createdAt: string; maxBytes: number | null } | { op: 'reset'; after: number } | { op: 'close' };

/** How long a synchronous call waits for PostgreSQL (the thread's statements time out at 15 s, before this). */
const WAIT_MS = 30_000;

export class PgBridge {
  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #signal: Int32Array;
  readonly #pending = new Map<number, Pending>();
  #next = 1;
  #closed: Promise<void> | null = null;

  /** `schema` is created (and migrated) at the first connection. */
  constructor(url: string, schema: string) {
    const { port1, port2 } = new MessageChannel();
    this.#signal = new Int32Array(new SharedArrayBuffer(4));
    this.#worker = new Worker(new URL('./pg-thread.ts', import.meta.url), { workerData: { url, schema, port: port2, signal: this.#signal }, transferList: [port2] });
    this.#worker.unref();
    this.#port = port1;
    this.#port.on('message', (reply: BridgeReply) => this.#answer(reply));
    this.#port.unref();
  }

  /** Hands a request over; `answered` is called with the reply, from the event loop or from a synchronous wait. */
  send(body: Body, answered: Pending): number {
    if (this.#closed) throw new PgError('the PostgreSQL store is closed');
    const id = this.#next++;
    this.#pending.set(id, answered);
    // While an answer is awaited, the port keeps the process alive (idle, it lets it exit).
    if (this.#pending.size === 1) this.#port.ref();
    this.#port.postMessage({ ...body, id } as BridgeRequest);
    return id;
  }

  /** Blocks until the request `id` is answered (every earlier one is answered first). */
  wait(id: number): void {
    this.#waitUntil(() => !this.#pending.has(id));
  }

  /** Blocks until every request sent so far is answered. */
  drain(): void {
    this.#waitUntil(() => this.#pending.size === 0);
  }

  /** Runs a query and blocks until its rows are in; throws PgError when PostgreSQL refuses it. */
  query<R = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): R[] {
    let reply: BridgeReply | null = null;
    this.wait(this.send({ op: 'query', sql, params }, (r) => (reply = r)));
    const r = reply as BridgeReply | null;
    if (!r) throw new PgError('no answer from PostgreSQL');
    if (!r.ok) throw new PgError(r.message, r.code);
    return r.rows as R[];
  }

  /** Answers what is outstanding, then ends the connection and the thread. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      const exited = new Promise<void>((done) => this.#worker.once('exit', () => done()));
      this.#worker.ref();
      const id = this.#next++;
      this.#pending.set(id, () => undefined);
      this.#port.postMessage({ op: 'close', id } satisfies BridgeRequest);
      try {
        this.wait(id);
      } catch {
        // a thread that does not answer is ended all the same
      }
      const late = setTimeout(() => void this.#worker.terminate(), 5000);
      await exited;
      clearTimeout(late);
      this.#port.close();
    })();
    return this.#closed;
  }

  #answer(reply: BridgeReply): void {
    const answered = this.#pending.get(reply.id);
    this.#pending.delete(reply.id);
    if (this.#pending.size === 0) this.#port.unref();
    answered?.(reply);
  }

  #waitUntil(done: () => boolean): void {
    const until = performance.now() + WAIT_MS;
    while (!done()) {
      const seen = Atomics.load(this.#signal, 0);
      const taken = receiveMessageOnPort(this.#port);
      if (taken) {
        this.#answer(taken.message as BridgeReply);
        continue;
      }
      const left = until - performance.now();
      if (left <= 0) this.#giveUp();
      Atomics.wait(this.#signal, 0, seen, left);
    }
  }

  /** PostgreSQL did not answer in time: everything outstanding is refused (the thread's timeouts end its statements first). */
  #giveUp(): never {
    const error = new PgError(`PostgreSQL did not answer within ${WAIT_MS / 1000} s`);
    for (const [id, answered] of [...this.#pending]) {
      this.#pending.delete(id);
      answered({ id, ok: false, message: error.message });
    }
    this.#port.unref();
    throw error;
  }
}
