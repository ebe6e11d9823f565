/**
 * Parquet copies of a results folder's row files, for pandas, polars, R and DuckDB users:
 * episodes.csv → episodes.parquet, rounds.csv → rounds.parquet (and principals.csv, learning.csv,
 * impulse.csv), events.jsonl → events.parquet, llm-transcript.jsonl → llm-calls.parquet.
 * Written from the finished files in two streaming passes (the first decides each
 * column's type, the second writes row groups), so memory stays flat however long the
 * CSV. Every file carries the study hash and the code version in its key-value metadata.
 *
 * Column types: whole numbers INT64, other numbers DOUBLE, true/false BOOLEAN, the rest
 * UTF8 text; an empty cell (and `NA` in a numeric column) is null. In the JSONL files a
 * column whose values are objects, arrays or of mixed kinds holds each value as JSON text.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ByteWriter, ParquetWriter, schemaFromColumnData, type BasicType, type ColumnSource, type KeyValue, type Writer } from 'hyparquet-writer';
import { csvRecords, jsonLines } from './read-rows.ts';

/** Rows per row group: large enough for readers to scan fast, small enough to hold one in memory. */
export const ROW_GROUP_ROWS = 16_384;

/** What every Parquet file of a results folder says about where it comes from. */
export interface ParquetProvenance {
  readonly study: string;
  readonly studyHash: string;
  readonly mechanism: string;
  readonly code: { readonly version: string; readonly commit: string | null } | null;
}

/** The row files that get a Parquet copy, and the copy's name. */
export const PARQUET_SOURCES: readonly { readonly source: string; readonly parquet: string }[] = [
  { source: 'episodes.csv', parquet: 'episodes.parquet' },
  { source: 'rounds.csv', parquet: 'rounds.parquet' },
  { source: 'principals.csv', parquet: 'principals.parquet' },
  { source: 'learning.csv', parquet: 'learning.parquet' },
  { source: 'impulse.csv', parquet: 'impulse.parquet' },
  { source: 'events.jsonl', parquet: 'events.parquet' },
  { source: 'llm-transcript.jsonl', parquet: 'llm-calls.parquet' },
];

type Kind = 'none' | 'int' | 'float' | 'bool' | 'text' | 'json';

const PARQUET_TYPE: Record<Kind, BasicType> = { none: 'STRING', int: 'INT64', float: 'DOUBLE', bool: 'BOOLEAN', text: 'STRING', json: 'STRING' };

const WHOLE = /^-?\d+$/;

/** The kind of one CSV cell; null when missing. `NA` counts as a number (the runner writes NaN so). */
function cellKind(cell: string): Kind | null {
  if (cell === '') return null;
  if (cell === 'NA') return 'float';
  if (cell === 'true' || cell === 'false') return 'bool';
  if (WHOLE.test(cell)) return Number.isSafeInteger(Number(cell)) ? 'int' : 'float';
  return Number.isNaN(Number(cell)) || cell.trim() !== cell ? 'text' : 'float';
}

/** The kind of one JSON value; null when missing. */
function valueKind(value: unknown): Kind | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isSafeInteger(value) ? 'int' : 'float';
  if (typeof value === 'string') return 'text';
  return 'json';
}

/** The kind a column takes when it holds both: whole and other numbers make DOUBLE, any other mix text (CSV) or JSON (JSONL). */
function merge(a: Kind, b: Kind, mixed: 'text' | 'json'): Kind {
  if (a === b || b === 'none') return a;
  if (a === 'none') return b;
  if ((a === 'int' && b === 'float') || (a === 'float' && b === 'int')) return 'float';
  if (a === 'json' || b === 'json') return 'json';
  return mixed;
}

function keyValues(provenance: ParquetProvenance, source: string, sourceHash: string | undefined): KeyValue[] {
  return [
    { key: 'arena.study', value: provenance.study },
    { key: 'arena.study_hash', value: provenance.studyHash },
    { key: 'arena.mechanism', value: provenance.mechanism },
    { key: 'arena.code_version', value: provenance.code?.version ?? '' },
    { key: 'arena.code_commit', value: provenance.code?.commit ?? '' },
    { key: 'arena.source', value: source },
    ...(sourceHash ? [{ key: 'arena.source_sha256', value: sourceHash }] : []),
  ];
}

const FLUSH_BYTES = 1 << 20;

/**
 * The library's byte writer, emptied into a file whenever it holds a megabyte, hashing
 * what it writes; `finish` syncs and closes the file (as the runner's own files are).
 */
function fileSink(path: string): Writer & { readonly hash: Hash } {
  const fd = openSync(path, 'w');
  const hash = createHash('sha256');
  const bytes = new ByteWriter();
  const flush = () => {
    const chunk = new Uint8Array(bytes.buffer, 0, bytes.index);
    hash.update(chunk);
    writeSync(fd, chunk);
    bytes.index = 0;
  };
  const grow = ByteWriter.prototype.ensure;
  bytes.ensure = (size: number) => {
    if (bytes.index > FLUSH_BYTES) flush();
    grow.call(bytes, size);
  };
  bytes.finish = () => {
    flush();
    fsyncSync(fd);
    closeSync(fd);
  };
  return Object.assign(bytes, { hash });
}

/** Collects rows column by column and writes them a row group at a time. */
class GroupedWriter {
  readonly #writer: ParquetWriter;
  readonly #sink: ReturnType<typeof fileSink>;
  readonly #names: readonly string[];
  readonly #kinds: readonly Kind[];
  #columns: unknown[][];
  rows = 0;

  constructor(path: string, names: readonly string[], kinds: readonly Kind[], kvMetadata: KeyValue[]) {
    this.#names = names;
    this.#kinds = kinds;
    this.#columns = names.map(() => []);
    const schema = schemaFromColumnData({ columnData: names.map((name, i) => ({ name, data: [], type: PARQUET_TYPE[kinds[i] as Kind], nullable: true })) });
    this.#sink = fileSink(path);
    this.#writer = new ParquetWriter({ writer: this.#sink, schema, kvMetadata, createdBy: 'mechanism-arena (hyparquet-writer)' });
  }

  push(values: readonly unknown[]): void {
    for (let i = 0; i < this.#names.length; i++) (this.#columns[i] as unknown[]).push(values[i] ?? null);
    if (++this.rows % ROW_GROUP_ROWS === 0) this.#flush();
  }

  #flush(): void {
    if ((this.#columns[0]?.length ?? 0) === 0) return;
    const columnData: ColumnSource[] = this.#names.map((name, i) => ({ name, data: this.#columns[i] as ColumnSource['data'], type: PARQUET_TYPE[this.#kinds[i] as Kind], nullable: true }));
    void this.#writer.write({ columnData, rowGroupSize: ROW_GROUP_ROWS });
    this.#columns = this.#names.map(() => []);
  }

  /** Writes the footer and closes the file; returns its SHA-256. */
  finish(): string {
    this.#flush();
    void this.#writer.finish();
    return this.#sink.hash.digest('hex');
  }
}

/** What a conversion wrote: rows, columns, and the file's SHA-256. */
export interface ParquetWritten {
  readonly rows: number;
  readonly columns: number;
  readonly sha256: string;
}

/** A CSV cell as the value its column's kind stores. */
function csvValue(cell: string | undefined, kind: Kind): unknown {
  if (cell === undefined || cell === '') return null;
  switch (kind) {
    case 'int':
      return BigInt(cell);
    case 'float':
      return cell === 'NA' ? null : Number(cell);
    case 'bool':
      return cell === 'true';
    default:
      return cell;
  }
}

/** Writes `csvPath` as Parquet; returns its rows, columns and hash. */
export function csvToParquet(csvPath: string, parquetPath: string, kvMetadata: KeyValue[]): ParquetWritten {
  let names: string[] = [];
  let kinds: Kind[] = [];
  for (const record of csvRecords(csvPath)) {
    if (names.length === 0) {
      names = record;
      kinds = record.map(() => 'none');
      continue;
    }
    for (let i = 0; i < names.length; i++) {
      const k = cellKind(record[i] ?? '');
      if (k) kinds[i] = merge(kinds[i] as Kind, k, 'text');
    }
  }
  const out = new GroupedWriter(parquetPath, names, kinds, kvMetadata);
  let header = true;
  for (const record of csvRecords(csvPath)) {
    if (header) {
      header = false;
      continue;
    }
    out.push(names.map((_, i) => csvValue(record[i], kinds[i] as Kind)));
  }
  const sha256 = out.finish();
  return { rows: out.rows, columns: names.length, sha256 };
}

/** A JSON value as the value its column's kind stores. */
function jsonValue(value: unknown, kind: Kind): unknown {
  if (value === null || value === undefined) return null;
  if (kind === 'json') return JSON.stringify(value);
  return kind === 'int' ? BigInt(value as number) : value;
}

/** Writes `jsonlPath` (one object per line) as Parquet, one column per top-level key; returns its rows, columns and hash. */
export function jsonlToParquet(jsonlPath: string, parquetPath: string, kvMetadata: KeyValue[]): ParquetWritten {
  const index = new Map<string, number>();
  const kinds: Kind[] = [];
  for (const line of jsonLines(jsonlPath)) {
    for (const [key, value] of Object.entries(line as Record<string, unknown>)) {
      let i = index.get(key);
      if (i === undefined) {
        i = kinds.length;
        index.set(key, i);
        kinds.push('none');
      }
      const k = valueKind(value);
      if (k) kinds[i] = merge(kinds[i] as Kind, k, 'json');
    }
  }
  const names = [...index.keys()];
  const out = new GroupedWriter(parquetPath, names, kinds, kvMetadata);
  for (const line of jsonLines(jsonlPath)) {
    const row = line as Record<string, unknown>;
    out.push(names.map((name, i) => jsonValue(row[name], kinds[i] as Kind)));
  }
  const sha256 = out.finish();
  return { rows: out.rows, columns: names.length, sha256 };
}

/**
 * Writes the Parquet copy of every row file present in `dir`; returns each written
 * file's SHA-256 by name (for the manifest). `sourceHashes` (the manifest's hashes of
 * the CSV and JSONL files) go into each copy's metadata beside the study hash.
 */
export function writeParquetFiles(dir: string, provenance: ParquetProvenance, sourceHashes: Readonly<Record<string, string>> = {}): Record<string, string> {
  const written: Record<string, string> = {};
  for (const { source, parquet } of PARQUET_SOURCES) {
    const from = join(dir, source);
    if (!existsSync(from)) continue;
    const to = join(dir, parquet);
    const kv = keyValues(provenance, source, sourceHashes[source]);
    written[parquet] = (source.endsWith('.csv') ? csvToParquet(from, to, kv) : jsonlToParquet(from, to, kv)).sha256;
  }
  return written;
}
