/**
 * The response cache: one SQLite file (node:sqlite) keyed by the SHA-256 of the
 * canonical request (model, messages, parameters, seed, tools, answer schema) and the
 * sample index. Modes: off; read-write; replay-only, where a miss is an error and no
 * request leaves the process. With k samples, the n-th identical request of a run uses
 * sample n mod k, so a study can draw k independent answers and replay them exactly.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { canonicalJson, sha256 } from '../../mechanisms/core/hash.ts';
import type { CacheMode } from './settings.ts';

export interface CachedResponse {
  /** The endpoint's response body as it came. */
  readonly response: unknown;
  /** The original call's latency, so that a replayed record equals the first one. */
  readonly latencyMs: number;
}

export class CacheMiss extends Error {
  constructor(key: string) {
    super(`replay-only cache has no response for request ${key.slice(0, 12)}…`);
    this.name = 'CacheMiss';
  }
}

/** Most repetitions of one request counted per run (the counter map is bounded). */
const COUNTED_KEYS = 100_000;

export class ResponseCache {
  readonly mode: CacheMode;
  readonly samples: number;
  readonly #db: DatabaseSync | null;
  readonly #get: StatementSync | null;
  readonly #put: StatementSync | null;
  readonly #seen = new Map<string, number>();

  constructor(mode: CacheMode, dir: string, samples: number) {
    this.mode = mode;
    this.samples = samples;
    if (mode === 'off') {
      this.#db = this.#get = this.#put = null;
      return;
    }
    mkdirSync(dir, { recursive: true });
    this.#db = new DatabaseSync(join(dir, 'llm-cache.sqlite'));
    this.#db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA busy_timeout = 5000;
      CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, response TEXT NOT NULL, latency_ms REAL NOT NULL, created_at TEXT NOT NULL) WITHOUT ROWID;
    `);
    this.#get = this.#db.prepare('SELECT response, latency_ms FROM responses WHERE key = ?');
    this.#put = this.#db.prepare('INSERT OR REPLACE INTO responses (key, response, latency_ms, created_at) VALUES (?, ?, ?, ?)');
  }

  get enabled(): boolean {
    return this.mode !== 'off';
  }

  /** The key of a request's next repetition in this run (counting advances the sample). */
  keyFor(request: unknown): { key: string; sample: number } {
    const base = sha256(canonicalJson(request));
    const n = this.#seen.get(base) ?? 0;
    if (this.#seen.size < COUNTED_KEYS || this.#seen.has(base)) this.#seen.set(base, n + 1);
    const sample = n % this.samples;
    return { key: sha256(`${base}#${sample}`), sample };
  }

  get(key: string): CachedResponse | null {
    const row = this.#get?.get(key);
    if (!row) {
      if (this.mode === 'replay-only') throw new CacheMiss(key);
      return null;
    }
    return { response: JSON.parse(String(row.response)), latencyMs: Number(row.latency_ms) };
  }

  put(key: string, entry: CachedResponse): void {
    if (this.mode !== 'read-write') return;
    this.#put?.run(key, JSON.stringify(entry.response), entry.latencyMs, new Date().toISOString());
  }

  close(): void {
    this.#db?.close();
  }
}
