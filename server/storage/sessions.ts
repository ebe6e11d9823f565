/**
 * Live sessions: their plan, room, seed, status and human join codes, in the same
 * SQLite file as the ledger (or, for a server in several processes, the same PostgreSQL
 * database: pg-sessions.ts). The ledger holds what happened; this holds what exists.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

export interface SessionRow {
  readonly id: string;
  readonly roomId: string;
  readonly spec: string;
  readonly seed: number;
  readonly mechanism: string;
  readonly title: string;
  readonly status: string;
  readonly demo: boolean;
  readonly createdAt: string;
  /** Seat -> short join code, for human seats. */
  readonly codes: Readonly<Record<string, string>>;
}

/** What a new session row holds. `host`: the process that runs it (a server in several processes; one process ignores it). */
export interface NewSession {
  readonly id: string;
  readonly roomId: string;
  readonly spec: string;
  readonly seed: number;
  readonly mechanism: string;
  readonly title: string;
  readonly codes: Record<string, string>;
  readonly demo?: boolean;
  readonly host?: string;
}

/** The session rows, wherever they are kept (SQLite here, PostgreSQL in pg-sessions.ts). */
export interface Sessions {
  create(s: NewSession): SessionRow;
  get(id: string): SessionRow | null;
  /** The open seat a join code names, in a session that has not ended. */
  byCode(code: string): { session: SessionRow; seat: string } | null;
  codeTaken(code: string): boolean;
  list(limit?: number): SessionRow[];
  /** Sessions that had not ended when their process stopped (of process `host` only, where several share the rows). */
  unfinished(host?: string): SessionRow[];
  setStatus(id: string, status: string): void;
  setRoom(id: string, roomId: string): void;
  markDemo(id: string): void;
  close(): void;
}

type Row = Record<string, unknown>;

const toRow = (r: Row): SessionRow => ({
  id: String(r.id),
  roomId: String(r.room_id),
  spec: String(r.spec),
  seed: Number(r.seed),
  mechanism: String(r.mechanism),
  title: String(r.title),
  status: String(r.status),
  demo: Number(r.demo) === 1,
  createdAt: String(r.created_at),
  codes: JSON.parse(String(r.codes)) as Record<string, string>,
});

export class SessionStore implements Sessions {
  readonly #db: DatabaseSync;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.#db = new DatabaseSync(path);
    this.#db.exec(`
      PRAGMA busy_timeout = 5000;
      PRAGMA journal_mode = WAL;
      CREATE TABLE IF NOT EXISTS sessions (
        id TEXT PRIMARY KEY,
        room_id TEXT NOT NULL,
        spec TEXT NOT NULL,
        seed INTEGER NOT NULL,
        mechanism TEXT NOT NULL,
        title TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'lobby',
        demo INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        codes TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX IF NOT EXISTS sessions_status ON sessions (status);
      CREATE TABLE IF NOT EXISTS join_codes (
        code TEXT PRIMARY KEY,
        session TEXT NOT NULL,
        seat TEXT NOT NULL
      ) WITHOUT ROWID;
      -- Databases written before join codes had their own table keep them in sessions.codes.
      INSERT OR IGNORE INTO join_codes (code, session, seat) SELECT j.value, s.id, j.key FROM sessions s, json_each(s.codes) j;
    `);
  }

  create(s: NewSession): SessionRow {
    this.#db
      .prepare('INSERT INTO sessions (id, room_id, spec, seed, mechanism, title, demo, created_at, codes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(s.id, s.roomId, s.spec, s.seed, s.mechanism, s.title, s.demo ? 1 : 0, new Date().toISOString(), JSON.stringify(s.codes));
    const code = this.#db.prepare('INSERT INTO join_codes (code, session, seat) VALUES (?, ?, ?)');
    for (const [seat, c] of Object.entries(s.codes)) code.run(c, s.id, seat);
    return this.get(s.id) as SessionRow;
  }

  get(id: string): SessionRow | null {
    const r = this.#db.prepare('SELECT * FROM sessions WHERE id = ?').get(id);
    return r ? toRow(r as Row) : null;
  }

  /** The open seat a join code names, in a session that has not ended. */
  byCode(code: string): { session: SessionRow; seat: string } | null {
    const r = this.#db
      .prepare("SELECT s.*, j.seat AS code_seat FROM join_codes j JOIN sessions s ON s.id = j.session WHERE j.code = ? AND s.status NOT IN ('ended', 'interrupted')")
      .get(code.trim().toUpperCase());
    return r ? { session: toRow(r as Row), seat: String((r as Row).code_seat) } : null;
  }

  codeTaken(code: string): boolean {
    return this.#db.prepare('SELECT 1 FROM join_codes WHERE code = ?').get(code) !== undefined;
  }

  list(limit = 200): SessionRow[] {
    return this.#db.prepare('SELECT * FROM sessions ORDER BY created_at DESC LIMIT ?').all(limit).map((r) => toRow(r as Row));
  }

  /** Sessions that had not ended when the process stopped. */
  unfinished(): SessionRow[] {
    return this.#db.prepare("SELECT * FROM sessions WHERE status IN ('lobby', 'running', 'paused') ORDER BY created_at").all().map((r) => toRow(r as Row));
  }

  setStatus(id: string, status: string): void {
    this.#db.prepare('UPDATE sessions SET status = ? WHERE id = ?').run(status, id);
  }

  setRoom(id: string, roomId: string): void {
    this.#db.prepare('UPDATE sessions SET room_id = ? WHERE id = ?').run(roomId, id);
  }

  markDemo(id: string): void {
    this.#db.prepare('UPDATE sessions SET demo = 1 WHERE id = ?').run(id);
  }

  close(): void {
    this.#db.close();
  }
}
