/**
 * The embedded ledger store: one SQLite file (node:sqlite, WAL) holding every
 * match's hash-chained events. Appends are synchronous, so an event is on disk
 * before the caller goes on to acknowledge it.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { LedgerEvent } from '../../mechanisms/core/ledger.ts';

export interface MatchRow {
  readonly id: string;
  readonly mechanism: string;
  readonly createdAt: string;
  readonly events: number;
  readonly finalHash: string | null;
}

export class SqliteLedger {
  readonly path: string;
  readonly #db: DatabaseSync;
  readonly #insert: StatementSync;
  readonly #startMatch: StatementSync;
  readonly #endMatch: StatementSync;

  constructor(path: string) {
    this.path = path;
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.#db = new DatabaseSync(path);
    this.#db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = NORMAL;
      PRAGMA busy_timeout = 5000;
      CREATE TABLE IF NOT EXISTS matches (
        id TEXT PRIMARY KEY,
        mechanism TEXT NOT NULL,
        created_at TEXT NOT NULL,
        final_hash TEXT
      );
      CREATE TABLE IF NOT EXISTS events (
        match TEXT NOT NULL,
        seq INTEGER NOT NULL,
        at REAL NOT NULL,
        kind TEXT NOT NULL,
        seat TEXT,
        audience TEXT NOT NULL,
        data TEXT NOT NULL,
        prev TEXT NOT NULL,
        hash TEXT NOT NULL,
        PRIMARY KEY (match, seq)
      ) WITHOUT ROWID;
    `);
    this.#insert = this.#db.prepare('INSERT INTO events (match, seq, at, kind, seat, audience, data, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    this.#startMatch = this.#db.prepare('INSERT INTO matches (id, mechanism, created_at) VALUES (?, ?, ?)');
    this.#endMatch = this.#db.prepare('UPDATE matches SET final_hash = ? WHERE id = ?');
  }

  append(e: LedgerEvent): void {
    if (e.kind === 'match_started') this.#startMatch.run(e.match, String(e.data.mechanism), new Date().toISOString());
    this.#insert.run(e.match, e.seq, e.at, e.kind, e.seat, JSON.stringify(e.audience), JSON.stringify(e.data), e.prev, e.hash);
    if (e.kind === 'match_ended') this.#endMatch.run(String(e.data.hash), e.match);
  }

  /** Runs `fn` in one transaction: many appends, one disk sync. */
  transaction<T>(fn: () => T): T {
    this.#db.exec('BEGIN');
    try {
      const out = fn();
      this.#db.exec('COMMIT');
      return out;
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  events(match: string): LedgerEvent[] {
    const rows = this.#db.prepare('SELECT match, seq, at, kind, seat, audience, data, prev, hash FROM events WHERE match = ? ORDER BY seq').all(match);
    return rows.map((r) => ({
      match: String(r.match),
      seq: Number(r.seq),
      at: Number(r.at),
      kind: String(r.kind),
      seat: r.seat === null ? null : (String(r.seat) as LedgerEvent['seat']),
      audience: JSON.parse(String(r.audience)) as LedgerEvent['audience'],
      data: JSON.parse(String(r.data)) as LedgerEvent['data'],
      prev: String(r.prev),
      hash: String(r.hash),
    }));
  }

  matches(): MatchRow[] {
    const rows = this.#db
      .prepare('SELECT m.id, m.mechanism, m.created_at, m.final_hash, (SELECT COUNT(*) FROM events e WHERE e.match = m.id) AS n FROM matches m ORDER BY m.created_at, m.id')
      .all();
    return rows.map((r) => ({ id: String(r.id), mechanism: String(r.mechanism), createdAt: String(r.created_at), events: Number(r.n), finalHash: r.final_hash === null ? null : String(r.final_hash) }));
  }

  close(): void {
    this.#db.close();
  }
}
