/**
 * Reading a results folder's row files in constant memory: CSV records and JSON lines
 * come one at a time from a fixed read buffer, however large the file. The report and
 * the Parquet export both read through here, so they see the same cells.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

const CHUNK_BYTES = 1 << 20;

/** The file's lines, without their newline (a trailing '\r' is dropped); the last line may lack one. */
export function* textLines(path: string): Generator<string> {
  const fd = openSync(path, 'r');
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  const decoder = new StringDecoder('utf8');
  let carry = '';
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      carry += n > 0 ? decoder.write(buffer.subarray(0, n)) : decoder.end();
      let start = 0;
      for (let nl = carry.indexOf('\n'); nl >= 0; nl = carry.indexOf('\n', start)) {
        const end = nl > start && carry.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        yield carry.slice(start, end);
        start = nl + 1;
      }
      carry = carry.slice(start);
      if (n === 0) break;
    }
    if (carry.length > 0) yield carry;
  } finally {
    closeSync(fd);
  }
}

const quotes = (line: string): number => {
  let n = 0;
  for (let i = line.indexOf('"'); i >= 0; i = line.indexOf('"', i + 1)) n++;
  return n;
};

/** One CSV record's cells (RFC 4180 quoting: `"a ""b"", c"`). */
export function parseCsvRecord(record: string): string[] {
  if (!record.includes('"')) return record.split(',');
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < record.length; i++) {
    const c = record[i] as string;
    if (quoted) {
      if (c !== '"') cell += c;
      else if (record[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}

/**
 * The CSV file's records as arrays of cells, the header first. A quoted cell may hold
 * newlines: a record ends at a newline only once its quotes are balanced.
 */
export function* csvRecords(path: string): Generator<string[]> {
  let pending: string | null = null;
  let open = 0;
  for (const line of textLines(path)) {
    pending = pending === null ? line : `${pending}\n${line}`;
    open += quotes(line);
    if (open % 2 === 0) {
      if (pending.length > 0) yield parseCsvRecord(pending);
      pending = null;
      open = 0;
    }
  }
  if (pending !== null && pending.length > 0) yield parseCsvRecord(pending);
}

/** A CSV file read as its header and a generator of records (each as long as the header). */
export function openCsv(path: string): { readonly columns: readonly string[]; readonly records: Generator<string[]> } {
  const records = csvRecords(path);
  const first = records.next();
  return { columns: first.done ? [] : first.value, records };
}

/**
 * A CSV cell as a number: empty and `NA` (how the runner writes NaN) are missing (null);
 * anything that is not a number is missing too.
 */
export function csvNumber(cell: string | undefined): number | null {
  if (cell === undefined || cell === '' || cell === 'NA') return null;
  const n = Number(cell);
  return Number.isNaN(n) ? null : n;
}

/** One parsed JSON value per non-empty line. */
export function* jsonLines(path: string): Generator<unknown> {
  let line = 0;
  for (const text of textLines(path)) {
    line++;
    if (text.trim() === '') continue;
    try {
      yield JSON.parse(text) as unknown;
    } catch (error) {
      throw new Error(`${path}:${line}: not a JSON line (${(error as Error).message})`, { cause: error });
    }
  }
}

/** A small seeded generator (mulberry32): subsamples are the same on every rebuild. */
export function seededUniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform random sample of at most `size` items from a stream of unknown length (Vitter's algorithm R). */
export class Reservoir<T> {
  readonly size: number;
  readonly items: T[] = [];
  seen = 0;
  readonly #uniform: () => number;

  constructor(size: number, seed = 1) {
    this.size = Math.max(0, Math.floor(size));
    this.#uniform = seededUniform(seed);
  }

  /**
   * Where the next item of the stream goes: an index into `items` (a new one at the end
   * while the sample is not full), or -1 when it is left out. Lets a caller build an item
   * only when it is kept.
   */
  slot(): number {
    this.seen++;
    if (this.items.length < this.size) return this.items.length;
    const j = Math.floor(this.#uniform() * this.seen);
    return j < this.size ? j : -1;
  }

  add(item: T): void {
    const i = this.slot();
    if (i >= 0) this.items[i] = item;
  }
}
