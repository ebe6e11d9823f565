/**
 * Where the server keeps its ledger and its session rows: one SQLite file (the default,
 * nothing to install), or a PostgreSQL database (ARENA_DATABASE_URL), which several
 * processes of one server share. Both stores keep the same rows and the same promises
 * (rooms/write-ahead.ts says what a ledger store promises a live match).
 */
import type { LedgerEvent } from '../../mechanisms/core/ledger.ts';
import type { LedgerStore } from '../../rooms/write-ahead.ts';
import { PgBridge } from './pg-bridge.ts';
import { PgLedger, shownUrl } from './pg-ledger.ts';
import { PgSessionStore } from './pg-sessions.ts';
import { SessionStore, type Sessions } from './sessions.ts';
import { SqliteLedger, type LedgerSync, type MatchRow } from './sqlite-ledger.ts';

/** A ledger store with the readers the server, replay and export use. */
export interface Ledger extends LedgerStore {
  /** Where it is: a file, or a database (without its password). */
  readonly path: string;
  /** Every event of a match, in order (small records). */
  events(match: string): LedgerEvent[];
  /** The events of a match in order, read page by page. */
  stream(match: string, pageSize?: number): Generator<LedgerEvent>;
  count(match: string): number;
  matches(): MatchRow[];
  /** The size the ledger may not grow past (bytes), or null. */
  maxBytes: number | null;
  readonly sizeBytes: number;
  close(): Promise<void>;
}

export type StoreConfig =
  | { readonly kind: 'sqlite'; readonly path: string; readonly sync?: LedgerSync; readonly maxBytes?: number }
  | { readonly kind: 'postgres'; readonly url: string; readonly schema: string; readonly maxBytes?: number };

export interface Stores {
  readonly ledger: Ledger;
  readonly sessions: Sessions;
  /** Writes what is queued and closes both. */
  close(): Promise<void>;
}

/** The ledger alone (replay, export, `arena run --db`). */
export function openLedger(config: StoreConfig): Ledger {
  const cap = config.maxBytes !== undefined ? { maxBytes: config.maxBytes } : {};
  if (config.kind === 'sqlite') return new SqliteLedger(config.path, { ...cap, ...(config.sync ? { sync: config.sync } : {}) });
  return new PgLedger({ url: config.url, schema: config.schema }, cap);
}

/** The ledger and the session rows, on one connection for PostgreSQL. */
export function openStores(config: StoreConfig): Stores {
  if (config.kind === 'sqlite') {
    const ledger = openLedger(config);
    const sessions = new SessionStore(config.path);
    return {
      ledger,
      sessions,
      close: async () => {
        try {
          await ledger.close();
        } finally {
          sessions.close();
        }
      },
    };
  }
  const bridge = new PgBridge(config.url, config.schema);
  const ledger = new PgLedger({ bridge, path: shownUrl(config.url, config.schema) }, config.maxBytes !== undefined ? { maxBytes: config.maxBytes } : {});
  return {
    ledger,
    sessions: new PgSessionStore(bridge),
    close: async () => {
      try {
        await ledger.close();
      } finally {
        await bridge.close();
      }
    },
  };
}
