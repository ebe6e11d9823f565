/**
 * A live session's tidy tables (studies/tables.ts) with its holders as server/holders.ts
 * folds them (nicknames, labels, each holder's earnings): one CSV a table plus
 * dictionary.csv, as a zip streamed with backpressure, or as files in a folder. Rows are
 * read from the ledger page by page, once per table; nothing is held whole.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { Zip, ZipDeflate } from 'fflate';
import { recordTables, sessionKeys, tableFiles, type Table } from '../studies/tables.ts';
import { holderStints } from './holders.ts';
import { writeChunks, type SessionRecord } from './export.ts';

/** Every tidy table of a session's record. */
export function sessionTables(session: string, record: SessionRecord): Table[] {
  return recordTables(() => record, { keys: sessionKeys(session), stints: holderStints });
}

/** A table's file by name (`trades.csv`, `dictionary.csv`), or undefined when the session has no such table. */
export function sessionTableFile(tables: readonly Table[], name: string): { readonly name: string; chunks(): Generator<string> } | undefined {
  for (const f of tableFiles(tables)) if (f.name === name) return f;
  return undefined;
}

/**
 * Writes every table and the dictionary into one zip on `out`, then ends it. The zip's
 * entries carry `stamp` as their time (the session's start), not the time of the download.
 */
export async function writeTablesZip(out: Writable, tables: readonly Table[], folder: string, stamp: Date): Promise<void> {
  let failure: Error | null = null;
  const ready: Uint8Array[] = [];
  const zip = new Zip((error, chunk) => {
    if (error) failure = error;
    else ready.push(chunk);
  });
  const send = async () => {
    for (const chunk of ready.splice(0)) if (!out.write(chunk)) await once(out, 'drain');
    if (failure) throw failure;
  };
  const encoder = new TextEncoder();
  for (const file of tableFiles(tables)) {
    const entry = new ZipDeflate(`${folder}/${file.name}`, { level: 6 });
    entry.mtime = stamp;
    zip.add(entry);
    let batch = '';
    for (const chunk of file.chunks()) {
      batch += chunk;
      if (batch.length < 64 * 1024) continue;
      entry.push(encoder.encode(batch));
      batch = '';
      await send();
    }
    entry.push(encoder.encode(batch), true);
    await send();
  }
  zip.end();
  await send();
  await new Promise<void>((done, fail) => out.once('error', fail).end(() => done()));
}

/** Writes every table and the dictionary as files of folder `dir` (made when missing); returns their names. */
export async function writeTablesFolder(dir: string, tables: readonly Table[]): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const names: string[] = [];
  for (const file of tableFiles(tables)) {
    await writeChunks(createWriteStream(join(dir, file.name)), file.chunks());
    names.push(file.name);
  }
  return names;
}
