/**
 * `arena export --format tables --session ID --out DIR`: a session's tidy tables, one CSV
 * a table, and dictionary.csv, written into a folder (server/tables-export.ts), from the
 * SQLite ledger or the PostgreSQL one the environment names.
 */
import { existsSync, readdirSync } from 'node:fs';
import { openStores } from './storage/stores.ts';
import { storeFor } from './config.ts';
import { UsageError } from './usage-error.ts';
import type { SessionRecord } from './export.ts';
import { sessionTables, writeTablesFolder } from './tables-export.ts';

export async function exportTablesCommand(opts: { session: string; db: string; out?: string }): Promise<void> {
  if (!opts.out) throw new UsageError('--format tables writes a folder: pass --out DIR');
  if (existsSync(opts.out) && readdirSync(opts.out).length > 0) throw new UsageError(`${opts.out} already exists and is not empty (choose another --out)`);
  const config = storeFor(process.env, opts.db);
  if (config.kind === 'sqlite' && !existsSync(opts.db)) throw new UsageError(`${opts.db}: no ledger database here (pass --db FILE, or set ARENA_DATABASE_URL)`);
  const stores = openStores(config);
  try {
    const record: SessionRecord = { [Symbol.iterator]: () => stores.ledger.stream(opts.session) };
    if (record[Symbol.iterator]().next().done) throw new UsageError(`no session '${opts.session}' in ${stores.ledger.path}`);
    const names = await writeTablesFolder(opts.out, sessionTables(opts.session, record));
    console.error(`wrote ${names.length} files to ${opts.out}: ${names.join(', ')}`);
  } finally {
    await stores.close();
  }
}
