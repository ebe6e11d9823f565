/**
 * A results folder that appears whole or not at all: files are written into a
 * temporary sibling folder, then renamed into place. Writers buffer and hash as
 * they go, so a million-episode study streams to disk in constant memory.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';

const BUFFER_BYTES = 1 << 18;

/** An append-only text file with a fixed write buffer and a running SHA-256. */
export class StreamFile {
  readonly path: string;
  readonly #fd: number;
  readonly #hash: Hash = createHash('sha256');
  readonly #buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  #used = 0;
  #closed = false;

  constructor(path: string) {
    this.path = path;
    this.#fd = openSync(path, 'w');
  }

  write(text: string): void {
    // Worst case 3 bytes per UTF-16 unit; long texts bypass the buffer.
    if (text.length * 3 > BUFFER_BYTES) {
      this.flush();
      const bytes = Buffer.from(text);
      this.#hash.update(bytes);
      writeSync(this.#fd, bytes);
      return;
    }
    if (this.#used + text.length * 3 > BUFFER_BYTES) this.flush();
    this.#used += this.#buffer.write(text, this.#used);
  }

  /** Appends bytes as they are (a part file copied into a merged one). */
  writeBytes(bytes: Uint8Array): void {
    this.flush();
    this.#hash.update(bytes);
    for (let at = 0; at < bytes.length; ) at += writeSync(this.#fd, bytes, at);
  }

  flush(): void {
    if (this.#used === 0) return;
    const filled = this.#buffer.subarray(0, this.#used);
    this.#hash.update(filled);
    writeSync(this.#fd, filled);
    this.#used = 0;
  }

  /** Flushes, syncs and closes; returns the SHA-256 of everything written. */
  close(): string {
    if (this.#closed) throw new Error(`${this.path} is already closed`);
    this.flush();
    fsyncSync(this.#fd);
    closeSync(this.#fd);
    this.#closed = true;
    return this.#hash.digest('hex');
  }

  /** Closes without syncing, for abandoning a run. */
  abandon(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.#fd);
  }
}

const csvCell = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isNaN(v) ? 'NA' : String(v);
  const s = typeof v === 'string' ? v : typeof v === 'boolean' ? (v ? '1' : '0') : JSON.stringify(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/** One CSV line (no newline) from a row of values. */
export const csvLine = (values: readonly unknown[]): string => values.map(csvCell).join(',');

/** A CSV file whose header is fixed by the first row written. */
export class CsvFile {
  readonly #file: StreamFile;
  #columns: readonly string[] | null = null;

  constructor(path: string) {
    this.#file = new StreamFile(path);
  }

  get path(): string {
    return this.#file.path;
  }

  row(values: Readonly<Record<string, unknown>>): void {
    if (!this.#columns) {
      this.#columns = Object.keys(values);
      this.#file.write(`${this.#columns.map(csvCell).join(',')}\n`);
    }
    let line = '';
    for (let i = 0; i < this.#columns.length; i++) line += (i ? ',' : '') + csvCell(values[this.#columns[i] as string]);
    this.#file.write(`${line}\n`);
  }

  close(): string {
    return this.#file.close();
  }

  abandon(): void {
    this.#file.abandon();
  }
}

/** A folder filled in a temporary place and moved to `target` only on commit. */
export class StagedDir {
  readonly target: string;
  readonly staging: string;

  /** Fails when `target` exists and is not empty, unless `replace` is set. */
  constructor(target: string, options: { replace?: boolean } = {}) {
    this.target = resolve(target);
    if (existsSync(this.target) && readdirSync(this.target).length > 0 && !options.replace) {
      throw new Error(`${target} already exists and is not empty (choose another --out, or pass --force to replace it)`);
    }
    mkdirSync(dirname(this.target), { recursive: true });
    this.staging = join(dirname(this.target), `.${basename(this.target)}.partial-${process.pid}`);
    rmSync(this.staging, { recursive: true, force: true });
    mkdirSync(this.staging);
  }

  file(name: string): string {
    return join(this.staging, name);
  }

  commit(): void {
    rmSync(this.target, { recursive: true, force: true });
    renameSync(this.staging, this.target);
  }

  discard(): void {
    rmSync(this.staging, { recursive: true, force: true });
  }
}
