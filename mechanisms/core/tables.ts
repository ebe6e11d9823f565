/**
 * Tidy tables over a record (DESIGN §6): a table is a fold over one match's ledger events
 * into rows of single values, declared with its columns' units and meanings, so a data
 * dictionary is generated from the same declarations and can never drift. A mechanism
 * declares the tables of its own kind (a double auction's trades and orders, a prediction
 * market's trades) and the meaning of its participant-round fields; the exporters
 * (studies/tables.ts) add the tables every record has and write them. Pure: no I/O.
 */
import type { LedgerEvent } from './ledger.ts';

/** One cell: a single value (never a list joined into text). */
export type Cell = string | number | boolean | null;
export type TableRow = Readonly<Record<string, Cell>>;

/** A column: its name, its unit ('ms', 'points', 'seat', 'text'...) and its meaning in plain words. */
export interface ColumnSpec {
  readonly name: string;
  readonly unit: string;
  readonly definition: string;
}

/**
 * Reads one match's events in order. Rows that carry `seq` and `at_ms` (the event that
 * made them, and its time on the match clock) get their wall-clock time from the exporter.
 */
export interface TableReader {
  see(e: LedgerEvent): readonly TableRow[] | undefined;
  /** Rows that only the whole match settles; called once after its last event. */
  end?(): readonly TableRow[];
}

export interface TableSpec {
  /** The file's name without `.csv`: snake_case. */
  readonly name: string;
  /** What one row is. */
  readonly definition: string;
  readonly columns: readonly ColumnSpec[];
  /** A fresh reader for one match. */
  reader(): TableReader;
}

/**
 * The meaning of one field of a mechanism's participant-round rows. A field holding a list
 * joined into text (`180/178/15`, `C>A>B`) names its separator: the tidy participant-rounds
 * table leaves it out and the round_lists table holds it, one element a row.
 */
export interface RoundFieldSpec {
  readonly unit: string;
  readonly definition: string;
  readonly separator?: string;
}

/** The columns most event tables start with: the event's number in the record and its time. */
export const EVENT_COLUMNS: readonly ColumnSpec[] = [
  { name: 'seq', unit: 'event number', definition: 'number of the ledger event the row comes from (0 is the first event of the match); the replay page opens the record there' },
  { name: 'at_ms', unit: 'ms', definition: 'time of the event on the match clock: milliseconds of running time since the match started (pauses excluded)' },
];

/** seq and at_ms of an event, for a row. */
export const eventCells = (e: LedgerEvent): { seq: number; at_ms: number } => ({ seq: e.seq, at_ms: e.at });

/** The config of a match, read from its match_started event (null for other events). */
export function configOf(e: LedgerEvent): Readonly<Record<string, unknown>> | null {
  if (e.kind !== 'match_started') return null;
  const config = e.data.config;
  return config && typeof config === 'object' ? (config as Record<string, unknown>) : {};
}
