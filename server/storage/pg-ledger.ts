/**
 * The ledger on PostgreSQL (ARENA_DATABASE_URL): the same store as the SQLite one
 * (sqlite-ledger.ts), the same rows, the same hash chains, for a server that runs in
 * several processes. The group commit is asynchronous: the events of every input that
 * arrives in one turn of the event loop leave at the end of that turn as one statement
 * (the rows unnested from arrays: one round trip however many), and each caller's `done`
 * is called when PostgreSQL has committed them, while the event loop goes on; the next
 * turn's commit may leave before the last one is answered, and commits are answered in
 * order. A synchronous `append`, `transaction`, `flush` or read first waits for every
 * commit under way (pg-bridge.ts), so the order on disk is the order of the calls, as with
 * SQLite. A refused commit refuses every commit queued behind it (pg-thread.ts), then the
 * store takes writes again. A commit is durable when PostgreSQL says so (its own
 * synchronous_commit, on by default).
 */
import type { LedgerEvent } from '../../mechanisms/core/ledger.ts';
import type { LedgerStore } from '../../rooms/write-ahead.ts';
import { PgBridge, PgError, type BridgeReply, type EventColumns } from './pg-bridge.ts';
import { SIZE_SQL } from './pg-schema.ts';
import type { MatchRow } from './sqlite-ledger.ts';

const COLUMNS = 'match, seq, at, kind, seat, audience, data, prev, hash';

function toEvent(r: Record<string, unknown>): LedgerEvent {
  return {
    match: String(r.match),
    seq: Number(r.seq),
    at: Number(r.at),
    kind: String(r.kind),
    seat: r.seat === null ? null : (String(r.seat) as LedgerEvent['seat']),
    audience: JSON.parse(String(r.audience)) as LedgerEvent['audience'],
    data: JSON.parse(String(r.data)) as LedgerEvent['data'],
    prev: String(r.prev),
    hash: String(r.hash),
  };
}

function columns(events: readonly LedgerEvent[]): EventColumns {
  const c: EventColumns = { match: [], seq: [], at: [], kind: [], seat: [], audience: [], data: [], prev: [], hash: [], mechanism: [], final: [] };
  for (const e of events) {
    c.match.push(e.match);
    c.seq.push(e.seq);
    c.at.push(e.at);
    c.kind.push(e.kind);
    c.seat.push(e.seat);
    c.audience.push(JSON.stringify(e.audience));
    c.data.push(JSON.stringify(e.data));
    c.prev.push(e.prev);
    c.hash.push(e.hash);
    // As the SQLite store keeps them (String of what the event says).
    c.mechanism.push(e.kind === 'match_started' ? String(e.data.mechanism) : null);
    c.final.push(e.kind === 'match_ended' ? String(e.data.hash) : null);
  }
  return c;
}

/** A connection string without its password, to show. */
export function shownUrl(url: string, schema: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return `${u.toString()} (schema ${schema})`;
  } catch {
    return `PostgreSQL (schema ${schema})`;
  }
}

export class PgLedger implements LedgerStore {
  readonly path: string;
  readonly #bridge: PgBridge;
  readonly #ownsBridge: boolean;
  #maxBytes: number | null = null;
  /** Inside transaction(): the events it appended, written together at its end. */
  #scope: LedgerEvent[] | null = null;
  /** The group commit: events queued in this turn of the event loop, and who waits for them. */
  #queued: LedgerEvent[] = [];
  #waiting: ((error: unknown) => void)[] = [];
  #sendScheduled = false;
  #closed: Promise<void> | null = null;

  /** Opens the ledger in `schema` of the database at `url` (created and migrated at once), or on a bridge shared with the session store. */
  constructor(target: { url: string; schema: string } | { bridge: PgBridge; path: string }, options: { maxBytes?: number } = {}) {
    if ('bridge' in target) {
      this.#bridge = target.bridge;
      this.#ownsBridge = false;
      this.path = target.path;
    } else {
      this.#bridge = new PgBridge(target.url, target.schema);
      this.#ownsBridge = true;
      this.path = shownUrl(target.url, target.schema);
    }
    // The first statement connects and migrates: a database that cannot be reached is said now, not at the first event.
    this.#bridge.query('SELECT 1');
    if (options.maxBytes !== undefined) this.maxBytes = options.maxBytes;
  }

  /** The largest the ledger's tables may grow to, in bytes, or null for no cap: a commit once they reach it is refused as on a full disk. */
  set maxBytes(bytes: number | null) {
    this.#maxBytes = bytes;
  }

  get maxBytes(): number | null {
    return this.#maxBytes;
  }

  /** The ledger's tables' size in bytes now. */
  get sizeBytes(): number {
    this.flush();
    return Number(this.#bridge.query<{ bytes: number }>(SIZE_SQL)[0]?.bytes ?? 0);
  }

  /** Writes one event now (after what appendSoon queued); throws, having written nothing, when PostgreSQL refuses it. */
  append(e: LedgerEvent): void {
    this.flush();
    if (this.#scope) {
      this.#scope.push(e);
      return;
    }
    this.#commitNow([e]);
  }

  /**
   * Queues events for the group commit that leaves at the end of this turn of the event
   * loop; `done` is called once PostgreSQL committed them (null), or with the error (then
   * none of that commit's events were written).
   */
  appendSoon(events: readonly LedgerEvent[], done: (error: unknown) => void): void {
    this.#queued.push(...events);
    this.#waiting.push(done);
    if (!this.#sendScheduled) {
      this.#sendScheduled = true;
      setImmediate(() => this.#send());
    }
  }

  /** Sends what appendSoon queued as one commit, without waiting for it. */
  #send(): void {
    this.#sendScheduled = false;
    if (this.#waiting.length === 0) return;
    const events = this.#queued;
    const waiting = this.#waiting;
    this.#queued = [];
    this.#waiting = [];
    if (events.length === 0) {
      for (const done of waiting) done(null);
      return;
    }
    this.#bridge.send(this.#commitBody(events), (reply) => {
      const error = reply.ok ? null : this.#refused(reply);
      for (const done of waiting) done(error);
    });
  }

  /** Sends what is queued and waits until every commit under way has been answered (their callers told). */
  flush(): void {
    this.#send();
    this.#bridge.drain();
  }

  /** Runs `fn` with what it appends written as one commit at its end (nothing when it throws or appends nothing). */
  transaction<T>(fn: () => T): T {
    if (this.#scope) return fn();
    this.flush();
    const scope: LedgerEvent[] = [];
    this.#scope = scope;
    let out: T;
    try {
      out = fn();
    } finally {
      this.#scope = null;
    }
    if (scope.length) this.#commitNow(scope);
    return out;
  }

  #commitBody(events: readonly LedgerEvent[]) {
    return { op: 'commit' as const, events: columns(events), createdAt: new Date().toISOString(), maxBytes: this.#maxBytes };
  }

  #commitNow(events: readonly LedgerEvent[]): void {
    let reply: BridgeReply | null = null;
    this.#bridge.wait(this.#bridge.send(this.#commitBody(events), (r) => (reply = r)));
    const r = reply as BridgeReply | null;
    if (!r) throw new PgError('no answer from PostgreSQL');
    if (!r.ok) throw this.#refused(r);
  }

  /**
   * A refused commit: the thread refuses what was queued behind it until it hears that the
   * refusal was seen; what is sent from now on is written again.
   */
  #refused(reply: Extract<BridgeReply, { ok: false }>): PgError {
    this.#bridge.send({ op: 'reset', after: reply.id }, () => undefined);
    return new PgError(reply.message, reply.code);
  }

  /** Every event of a match, in order, as one array (small records; `stream` reads a long one page by page). */
  events(match: string): LedgerEvent[] {
    this.flush();
    return this.#bridge.query(`SELECT ${COLUMNS} FROM events WHERE match = $1 ORDER BY seq`, [match]).map(toEvent);
  }

  /** The events of a match in order, read `pageSize` at a time: memory stays bounded by a page, and writes go on between pages. */
  *stream(match: string, pageSize = 2000): Generator<LedgerEvent> {
    this.flush();
    for (let from = 0; ; ) {
      const rows = this.#bridge.query(`SELECT ${COLUMNS} FROM events WHERE match = $1 AND seq >= $2 ORDER BY seq LIMIT $3`, [match, from, pageSize]);
      for (const r of rows) yield toEvent(r);
      if (rows.length < pageSize) return;
      from = Number((rows.at(-1) as { seq: number }).seq) + 1;
    }
  }

  /** How many events a match has. */
  count(match: string): number {
    this.flush();
    return Number(this.#bridge.query<{ n: string }>('SELECT count(*) AS n FROM events WHERE match = $1', [match])[0]?.n ?? 0);
  }

  matches(): MatchRow[] {
    this.flush();
    const rows = this.#bridge.query('SELECT m.id, m.mechanism, m.created_at, m.final_hash, (SELECT count(*) FROM events e WHERE e.match = m.id) AS n FROM matches m ORDER BY m.created_at, m.id');
    return rows.map((r) => ({ id: String(r.id), mechanism: String(r.mechanism), createdAt: String(r.created_at), events: Number(r.n), finalHash: r.final_hash === null ? null : String(r.final_hash) }));
  }

  /** Writes what is queued, then ends the connection (when the ledger opened it). */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      try {
        this.flush();
      } finally {
        if (this.#ownsBridge) await this.#bridge.close();
      }
    })();
    return this.#closed;
  }
}
