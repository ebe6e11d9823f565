/**
 * The thread that talks to PostgreSQL for a PgBridge (pg-bridge.ts): one connection, one
 * request at a time in the order they came, each answered on the bridge's port, after
 * which the shared signal is bumped so that a caller waiting synchronously wakes up.
 *
 * After a refused commit every commit that follows is refused as well, until the bridge
 * says it has seen that refusal (`reset` naming it): commits queued behind a refused one
 * may chain on events that were never written, and must not be written either.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import pg from 'pg';
import { COMMIT_SQL, MIGRATIONS, SIZE_SQL } from './pg-schema.ts';
import type { BridgeReply, BridgeRequest } from './pg-bridge.ts';

const { url, schema, port, signal } = workerData as { url: string; schema: string; port: MessagePort; signal: Int32Array };

const quoted = `"${schema.replace(/"/g, '""')}"`;
let client: pg.Client | null = null;
/** Set by a refused commit (its id): what is refused until the bridge acknowledges that one. */
let refusing: { readonly by: number; readonly message: string } | null = null;

/** The connection, made (and the schema migrated) when there is none or the last one broke. */
async function connected(): Promise<pg.Client> {
  if (client) return client;
  const fresh = new pg.Client({ connectionString: url, application_name: 'mechanism-arena' });
  fresh.on('error', () => {
    if (client === fresh) client = null;
  });
  await fresh.connect();
  try {
    // A statement that hangs fails here, well before a caller waiting synchronously gives up.
    await fresh.query('SET statement_timeout = 15000');
    await migrate(fresh);
  } catch (error) {
    await fresh.end().catch(() => undefined);
    throw error;
  }
  client = fresh;
  return fresh;
}

async function migrate(c: pg.Client): Promise<void> {
  await c.query('BEGIN');
  try {
    await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`mechanism-arena:${schema}`]);
    await c.query(`CREATE SCHEMA IF NOT EXISTS ${quoted}`);
    await c.query(`SET search_path TO ${quoted}`);
    await c.query('CREATE TABLE IF NOT EXISTS arena_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
    const done = new Set((await c.query<{ version: number }>('SELECT version FROM arena_migrations')).rows.map((r) => Number(r.version)));
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      await c.query(m.sql);
      await c.query('INSERT INTO arena_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
    }
    await c.query('COMMIT');
  } catch (error) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function commit(request: Extract<BridgeRequest, { op: 'commit' }>): Promise<void> {
  if (refusing) throw new Error(refusing.message);
  const c = await connected();
  if (request.maxBytes !== null) {
    const bytes = Number((await c.query<{ bytes: number }>(SIZE_SQL)).rows[0]?.bytes ?? 0);
    if (bytes >= request.maxBytes) throw new Error(`database or disk is full: the ledger holds ${bytes} bytes, its cap is ${request.maxBytes}`);
  }
  const e = request.events;
  await c.query(COMMIT_SQL, [e.match, e.seq, e.at, e.kind, e.seat, e.audience, e.data, e.prev, e.hash, e.mechanism, e.final, request.createdAt]);
}

async function handle(request: BridgeRequest): Promise<BridgeReply> {
  try {
    switch (request.op) {
      case 'query': {
        const c = await connected();
        const result = await c.query(request.sql, request.params as unknown[]);
        return { id: request.id, ok: true, rows: result.rows as Record<string, unknown>[] };
      }
      case 'commit':
        try {
          await commit(request);
        } catch (error) {
          refusing ??= { by: request.id, message: `an earlier commit was refused (${(error as Error).message})` };
          throw error;
        }
        return { id: request.id, ok: true, rows: [] };
      case 'reset':
        // Only the acknowledgement of the refusal that started it ends it: one of a commit
        // refused for following it would let through what still follows a refused one.
        if (refusing?.by === request.after) refusing = null;
        return { id: request.id, ok: true, rows: [] };
      case 'close':
        await client?.end().catch(() => undefined);
        client = null;
        return { id: request.id, ok: true, rows: [] };
    }
  } catch (error) {
    const e = error as { message?: string; code?: string };
    return { id: request.id, ok: false, message: String(e.message ?? error), ...(e.code ? { code: e.code } : {}) };
  }
}

let chain: Promise<void> = Promise.resolve();
port.on('message', (request: BridgeRequest) => {
  chain = chain.then(async () => {
    const reply = await handle(request);
    port.postMessage(reply);
    Atomics.add(signal, 0, 1);
    Atomics.notify(signal, 0);
    if (request.op === 'close') {
      port.close();
      parentPort?.close();
    }
  });
});
