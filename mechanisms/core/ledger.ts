/**
 * The ledger's event shape and hash chain (DESIGN §6). Each event carries the hash
 * of its predecessor, so a record that was cut, reordered or edited no longer verifies.
 * Storage lives elsewhere (JSONL files, SQLite); this is the pure part they share.
 */
import type { Audience, SeatId } from './types.ts';
import type { MatchEntry } from './match.ts';
import { canonicalJson, sha256 } from './hash.ts';

export interface LedgerEvent {
  /** Which match (session or episode) the event belongs to. */
  readonly match: string;
  readonly seq: number;
  readonly at: number;
  readonly kind: string;
  readonly seat: SeatId | null;
  readonly audience: Audience;
  readonly data: Readonly<Record<string, unknown>>;
  readonly prev: string;
  readonly hash: string;
}

export const GENESIS = '0'.repeat(64);

export function eventHash(prev: string, e: Omit<LedgerEvent, 'prev' | 'hash'>): string {
  return sha256(prev + canonicalJson({ match: e.match, seq: e.seq, at: e.at, kind: e.kind, seat: e.seat, audience: e.audience, data: e.data }));
}

/** Where a chain stands: the next seq and the hash it follows. */
export interface ChainMark {
  readonly seq: number;
  readonly prev: string;
}

/** Appends entries of one match to a chain, numbering and hashing them. */
export class Chain {
  readonly match: string;
  #seq: number;
  #prev: string;

  constructor(match: string, last?: { seq: number; hash: string }) {
    this.match = match;
    this.#seq = last ? last.seq + 1 : 0;
    this.#prev = last ? last.hash : GENESIS;
  }

  append(entry: MatchEntry): LedgerEvent {
    const base = { match: this.match, seq: this.#seq, at: entry.at, kind: entry.kind, seat: entry.seat, audience: entry.audience, data: entry.data };
    const hash = eventHash(this.#prev, base);
    const event: LedgerEvent = { ...base, prev: this.#prev, hash };
    this.#seq++;
    this.#prev = hash;
    return event;
  }

  mark(): ChainMark {
    return { seq: this.#seq, prev: this.#prev };
  }

  /** Goes back to a mark: the events chained since were never stored, and the next one takes the mark's seq. */
  rewind(mark: ChainMark): void {
    this.#seq = mark.seq;
    this.#prev = mark.prev;
  }
}

/** Checks numbering and hashes of one match's events; returns the first problem found, or null. */
export function verifyChain(events: readonly LedgerEvent[]): string | null {
  let prev = GENESIS;
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as LedgerEvent;
    if (e.seq !== i) return `event ${i}: seq is ${e.seq}, expected ${i}`;
    if (e.prev !== prev) return `event ${i}: prev does not match the hash of event ${i - 1}`;
    if (eventHash(prev, e) !== e.hash) return `event ${i}: hash does not match its content`;
    prev = e.hash;
  }
  return null;
}
