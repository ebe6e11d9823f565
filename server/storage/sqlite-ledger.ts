/**
 * The embedded ledger store: one SQLite file (node:sqlite, WAL) holding every
 * match's hash-chained events. `append` is synchronous, so an event is on disk
 * before the caller goes on to acknowledge it. `appendSoon` is the group commit of a
 * busy server: the events of every input that arrives in one turn of the event loop
 * are written in one transaction at the end of that turn, and each caller is told
 * (synchronously, from that commit) whether they are on disk before it tells anyone.
 * Any synchronous append or read first writes what is queued, so the order on disk is
 * the order of the calls. A write the file refuses (a full disk, or the size cap an
 * operator set with `maxBytes`) throws or is reported, and leaves nothing half-written.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';
import type { LedgerEvent } from '../../mechanisms/core/ledger.ts';
import type { Ledger } from './stores.ts';

/**
 * How far a commit is on disk when it returns (README, Durability). 'normal' (WAL with
 * synchronous=NORMAL): a commit survives the process crashing, not the machine losing power
 * before the OS wrote it out. 'full': the WAL is synced at every commit, so it survives a
 * power loss too, at the cost of one sync per commit (group commit shares it).
 */
export type LedgerSync = 'normal' | 'full';

export interface MatchRow {
  readonly id: string;
  readonly mechanism: string;
  readonly createdAt: string;
  readonly events: number;
  readonly finalHash: string | null;
}

/**
 * Copies the WAL back into the database file from a thread of its own: a checkpoint
 * writes and syncs many pages, and run by a commit (SQLite's default) it stalls the
 * event loop for milliseconds. PASSIVE checkpoints never block the writer but, under
 * steady writes, never let the WAL start over either; the RESTART that follows one
 * has little left to copy, so the writer waits for it only briefly.
 */
const CHECKPOINTER = `
const { workerData, parentPort } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(workerData.path);
db.exec('PRAGMA busy_timeout = 1000');
const timer = setInterval(() => {
  try {
    db.exec('PRAGMA wal_checkpoint(PASSIVE)');
    db.exec('PRAGMA wal_checkpoint(RESTART)');
  } catch {}
}, workerData.everyMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;
const CHECKPOINT_EVERY_MS = 1000;

/** A row of the events table as the event it stores. */
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

export class SqliteLedger implements Ledger {
  readonly path: string;
  readonly #db: DatabaseSync;
  readonly #insert: StatementSync;
  readonly #startMatch: StatementSync;
  readonly #endMatch: StatementSync;
  readonly #begin: StatementSync;
  readonly #commit: StatementSync;
  readonly #rollback: StatementSync;
  /** Inside transaction(): whether BEGIN has run (it runs at the first write, so a transaction that writes nothing costs nothing). */
  #scope: { begun: boolean } | null = null;
  /** The group commit: events queued in this turn of the event loop, and who waits for them. */
  #queued: LedgerEvent[] = [];
  #waiting: ((error: unknown) => void)[] = [];
  #flushScheduled = false;
  /** Started at the first write: a reader (replay, export) never runs one. */
  #checkpointer: Worker | null = null;
  #closed: Promise<void> | null = null;

  readonly #checkpointEveryMs: number;
  #maxBytes: number | null = null;

  /**
   * `checkpointEveryMs`: how often the checkpointer thread copies the WAL back (tests
   * shorten it). `maxBytes`: the file may not grow past this size; writes beyond it fail
   * as on a full disk (see `maxBytes` below).
   */
  constructor(path: string, options: { checkpointEveryMs?: number; maxBytes?: number; sync?: LedgerSync } = {}) {
    this.path = path;
    this.#checkpointEveryMs = options.checkpointEveryMs ?? CHECKPOINT_EVERY_MS;
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.#db = new DatabaseSync(path);
    // The busy timeout comes first: switching to WAL takes a lock that another connection
    // to the same file (a checkpointer, a second reader) may briefly hold.
    this.#db.exec(`
      PRAGMA busy_timeout = 5000;
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = ${(options.sync ?? 'normal').toUpperCase()};
      CREATE TABLE IF NOT EXISTS matches (
        id TEXT PRIMARY KEY,
        mechanism TEXT NOT NULL,
        created_at TEXT NOT NULL,
        final_hash TEXT
      );
      -- Rows in arrival order (a live server interleaves many matches: appending at the end
      -- of one table writes far fewer pages than inserting into each match's range), found
      -- by match through the unique index. Files made before this layout keep theirs
      -- (PRIMARY KEY (match, seq) WITHOUT ROWID); every statement here works on both.
      CREATE TABLE IF NOT EXISTS events (
        id INTEGER PRIMARY KEY,
        match TEXT NOT NULL,
        seq INTEGER NOT NULL,
        at REAL NOT NULL,
        kind TEXT NOT NULL,
        seat TEXT,
        audience TEXT NOT NULL,
        data TEXT NOT NULL,
        prev TEXT NOT NULL,
        hash TEXT NOT NULL,
        UNIQUE (match, seq)
      );
    `);
    this.#insert = this.#db.prepare('INSERT INTO events (match, seq, at, kind, seat, audience, data, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    this.#startMatch = this.#db.prepare('INSERT INTO matches (id, mechanism, created_at) VALUES (?, ?, ?)');
    this.#endMatch = this.#db.prepare('UPDATE matches SET final_hash = ? WHERE id = ?');
    this.#begin = this.#db.prepare('BEGIN');
    this.#commit = this.#db.prepare('COMMIT');
    this.#rollback = this.#db.prepare('ROLLBACK');
    // Checkpoints are the checkpointer thread's job (#startCheckpointer), never a commit's.
    if (path !== ':memory:') this.#db.exec('PRAGMA wal_autocheckpoint = 0');
    if (options.maxBytes !== undefined) this.maxBytes = options.maxBytes;
  }

  /**
   * The largest the database file may grow to, in bytes (rounded down to whole pages), or
   * null for no cap. A write that would pass it fails like one on a full disk: a live
   * session pauses and tells everyone, instead of the disk filling up.
   */
  set maxBytes(bytes: number | null) {
    this.#maxBytes = bytes;
    const pageSize = Number((this.#db.prepare('PRAGMA page_size').get() as { page_size: number }).page_size);
    const pages = bytes === null ? 0xfffffffe : Math.max(1, Math.floor(bytes / pageSize));
    this.#db.exec(`PRAGMA max_page_count = ${pages}`);
  }

  get maxBytes(): number | null {
    return this.#maxBytes;
  }

  /** The database's size in bytes now (pages in use, WAL frames included once committed). */
  get sizeBytes(): number {
    const { page_count: pages } = this.#db.prepare('PRAGMA page_count').get() as { page_count: number };
    const { page_size: size } = this.#db.prepare('PRAGMA page_size').get() as { page_size: number };
    return Number(pages) * Number(size);
  }

  /** Hands WAL checkpoints to a thread of its own, once this connection writes. */
  #startCheckpointer(): void {
    if (this.#checkpointer || this.path === ':memory:') return;
    this.#checkpointer = new Worker(CHECKPOINTER, { eval: true, workerData: { path: this.path, everyMs: this.#checkpointEveryMs } });
    this.#checkpointer.unref();
  }

  /** Writes one event now (after what appendSoon queued); throws, having written nothing, when the file refuses it. */
  append(e: LedgerEvent): void {
    this.flush();
    if (this.#scope) {
      if (!this.#scope.begun) {
        this.#begin.run();
        this.#scope.begun = true;
      }
      this.#write(e);
      return;
    }
    // One event may be two statements (a match's first and last events update `matches` too).
    this.#begin.run();
    try {
      this.#write(e);
      this.#commit.run();
    } catch (error) {
      this.#rollBack();
      throw error;
    }
  }

  /**
   * Queues events for the group commit at the end of this turn of the event loop; `done`
   * is called from that commit with null once they are on disk, or with the error when
   * the commit failed (then none of that commit's events were written).
   */
  appendSoon(events: readonly LedgerEvent[], done: (error: unknown) => void): void {
    this.#queued.push(...events);
    this.#waiting.push(done);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Writes what appendSoon queued, in one transaction, and tells its callers. */
  flush(): void {
    this.#flushScheduled = false;
    if (this.#queued.length === 0 && this.#waiting.length === 0) return;
    const events = this.#queued;
    const waiting = this.#waiting;
    this.#queued = [];
    this.#waiting = [];
    try {
      if (events.length) {
        this.#begin.run();
        try {
          for (const e of events) this.#write(e);
          this.#commit.run();
        } catch (error) {
          this.#rollBack();
          throw error;
        }
      }
    } catch (error) {
      for (const done of waiting) done(error);
      return;
    }
    for (const done of waiting) done(null);
  }

  /** Undoes an open transaction (SQLite has already undone it after some errors, such as a full disk). */
  #rollBack(): void {
    if (this.#db.isTransaction) this.#rollback.run();
  }

  #write(e: LedgerEvent): void {
    if (!this.#checkpointer) this.#startCheckpointer();
    if (e.kind === 'match_started') this.#startMatch.run(e.match, String(e.data.mechanism), new Date().toISOString());
    this.#insert.run(e.match, e.seq, e.at, e.kind, e.seat, JSON.stringify(e.audience), JSON.stringify(e.data), e.prev, e.hash);
    if (e.kind === 'match_ended') this.#endMatch.run(String(e.data.hash), e.match);
  }

  /** Runs `fn` in one transaction: many appends, one disk sync (none when it appends nothing). */
  transaction<T>(fn: () => T): T {
    if (this.#scope) return fn();
    this.flush();
    const scope = { begun: false };
    this.#scope = scope;
    try {
      const out = fn();
      if (scope.begun) this.#commit.run();
      return out;
    } catch (error) {
      if (scope.begun) this.#rollBack();
      throw error;
    } finally {
      this.#scope = null;
    }
  }

  /** Every event of a match, in order, as one array (small records; `stream` reads a long one page by page). */
  events(match: string): LedgerEvent[] {
    this.flush();
    const rows = this.#db.prepare('SELECT match, seq, at, kind, seat, audience, data, prev, hash FROM events WHERE match = ? ORDER BY seq').all(match);
    return rows.map(toEvent);
  }

  /**
   * The events of a match in order, read `pageSize` at a time: memory stays bounded by a
   * page however long the record, and no statement stays open between pages (writes go on).
   */
  *stream(match: string, pageSize = 2000): Generator<LedgerEvent> {
    this.flush();
    const page = this.#db.prepare('SELECT match, seq, at, kind, seat, audience, data, prev, hash FROM events WHERE match = ? AND seq >= ? ORDER BY seq LIMIT ?');
    for (let from = 0; ; ) {
      const rows = page.all(match, from, pageSize);
      for (const r of rows) yield toEvent(r);
      if (rows.length < pageSize) return;
      from = Number((rows.at(-1) as { seq: number }).seq) + 1;
    }
  }

  /** How many events a match has. */
  count(match: string): number {
    this.flush();
    return Number((this.#db.prepare('SELECT COUNT(*) AS n FROM events WHERE match = ?').get(match) as { n: number }).n);
  }

  matches(): MatchRow[] {
    this.flush();
    const rows = this.#db
      .prepare('SELECT m.id, m.mechanism, m.created_at, m.final_hash, (SELECT COUNT(*) FROM events e WHERE e.match = m.id) AS n FROM matches m ORDER BY m.created_at, m.id')
      .all();
    return rows.map((r) => ({ id: String(r.id), mechanism: String(r.mechanism), createdAt: String(r.created_at), events: Number(r.n), finalHash: r.final_hash === null ? null : String(r.final_hash) }));
  }

  /**
   * Writes what is queued, stops the checkpointer (its connection closed, its thread
   * gone) and closes the file: once this resolves, another process or a new ledger may
   * open the same file at once.
   */
  close(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  async #close(): Promise<void> {
    try {
      this.flush();
    } finally {
      const worker = this.#checkpointer;
      this.#checkpointer = null;
      if (worker) {
        const exited = new Promise<void>((done) => worker.once('exit', () => done()));
        worker.postMessage('stop');
        const late = setTimeout(() => void worker.terminate(), 5000);
        await exited;
        clearTimeout(late);
      }
      this.#db.close();
    }
  }
}
