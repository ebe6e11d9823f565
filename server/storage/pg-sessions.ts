/**
 * The session rows on PostgreSQL (pg-schema.ts), shared by every process of a server: a
 * session created through one process is found, joined by code and controlled through any
 * other. Each row names the process that runs it (`host`, its public address), which
 * resumes it after a restart. Calls are synchronous, like the SQLite store's (pg-bridge.ts).
 */
import type { PgBridge } from './pg-bridge.ts';
import type { NewSession, SessionRow, Sessions } from './sessions.ts';

type Row = Record<string, unknown>;

const toRow = (r: Row): SessionRow => ({
  id: String(r.id),
  roomId: String(r.room_id),
  spec: String(r.spec),
  seed: Number(r.seed),
  mechanism: String(r.mechanism),
  title: String(r.title),
  status: String(r.status),
  demo: r.demo === true,
  createdAt: String(r.created_at),
  codes: JSON.parse(String(r.codes)) as Record<string, string>,
});

const UNFINISHED = "('lobby', 'running', 'paused')";

export class PgSessionStore implements Sessions {
  readonly #bridge: PgBridge;

  constructor(bridge: PgBridge) {
    this.#bridge = bridge;
  }

  /** The row and its join codes in one statement: a code already taken refuses the whole session. */
  create(s: NewSession): SessionRow {
    const seats = Object.keys(s.codes);
    const rows = this.#bridge.query(
      `WITH created AS (
         INSERT INTO sessions (id, room_id, spec, seed, mechanism, title, demo, created_at, codes, host)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *
       ), codes AS (
         INSERT INTO join_codes (code, session, seat) SELECT c, $1, seat FROM unnest($11::text[], $12::text[]) AS t(seat, c)
       )
       SELECT * FROM created`,
      [s.id, s.roomId, s.spec, s.seed, s.mechanism, s.title, s.demo ?? false, new Date().toISOString(), JSON.stringify(s.codes), s.host ?? '', seats, seats.map((seat) => s.codes[seat])],
    );
    return toRow(rows[0] as Row);
  }

  get(id: string): SessionRow | null {
    const r = this.#bridge.query('SELECT * FROM sessions WHERE id = $1', [id])[0];
    return r ? toRow(r) : null;
  }

  byCode(code: string): { session: SessionRow; seat: string } | null {
    const r = this.#bridge.query(`SELECT s.*, j.seat AS code_seat FROM join_codes j JOIN sessions s ON s.id = j.session WHERE j.code = $1 AND s.status NOT IN ('ended', 'interrupted')`, [code.trim().toUpperCase()])[0];
    return r ? { session: toRow(r), seat: String(r.code_seat) } : null;
  }

  codeTaken(code: string): boolean {
    return this.#bridge.query('SELECT 1 FROM join_codes WHERE code = $1', [code]).length > 0;
  }

  list(limit = 200): SessionRow[] {
    return this.#bridge.query('SELECT * FROM sessions ORDER BY created_at DESC LIMIT $1', [limit]).map(toRow);
  }

  unfinished(host?: string): SessionRow[] {
    const rows = host === undefined ? this.#bridge.query(`SELECT * FROM sessions WHERE status IN ${UNFINISHED} ORDER BY created_at`) : this.#bridge.query(`SELECT * FROM sessions WHERE status IN ${UNFINISHED} AND host = $1 ORDER BY created_at`, [host]);
    return rows.map(toRow);
  }

  setStatus(id: string, status: string): void {
    this.#bridge.query('UPDATE sessions SET status = $2 WHERE id = $1', [id, status]);
  }

  setRoom(id: string, roomId: string): void {
    this.#bridge.query('UPDATE sessions SET room_id = $2 WHERE id = $1', [id, roomId]);
  }

  markDemo(id: string): void {
    this.#bridge.query('UPDATE sessions SET demo = true WHERE id = $1', [id]);
  }

  /** The connection is the ledger's (stores.ts closes it). */
  close(): void {}
}
