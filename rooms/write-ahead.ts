/**
 * The write-ahead rule of a live match (DESIGN §6, invariants 4 and 7): what an input
 * does to the match is chained and handed to the store, and nobody is told before the
 * store has it. When the store refuses (a full disk, a file the operator capped, a
 * database that went away), the match and the hash chain go back to where they stood
 * before the refused events, as if the inputs never came; the journal is then down, and
 * refuses inputs, until a probe write succeeds. The record stays a verifiable prefix of
 * the session.
 *
 * Inputs are group-committed by the store (appendSoon). Each input remembers the match
 * and the chain as they were before it, until its commit settles. A store may have
 * several commits under way at once (PostgreSQL: the next turn's inputs are queued while
 * the last turn's commit travels), so the first refused input is where the match goes
 * back to: every input before it is durable, every one after it is refused too.
 */
import type { Chain, ChainMark, LedgerEvent } from '../mechanisms/core/ledger.ts';
import type { Match, MatchCheckpoint, MatchEntry } from '../mechanisms/core/match.ts';
import type { BaseState } from '../mechanisms/core/types.ts';

/** The store a journal writes to (server/storage/sqlite-ledger.ts, server/storage/pg-ledger.ts). */
export interface LedgerStore {
  /** Writes one event at once (after what is queued); throws when the store refuses it. */
  append(event: LedgerEvent): void;
  /**
   * Queues events for a group commit; `done` is called from that commit (synchronously, or
   * when an asynchronous commit answers) with null once they are durable, or with the error.
   * The `done`s are called in the order of the calls, and once one is called with an error,
   * so is every later one queued before that error was reported: nothing queued after a
   * refused commit is written.
   */
  appendSoon(events: readonly LedgerEvent[], done: (error: unknown) => void): void;
  /** Commits what is queued now, and returns once every queued commit has settled (its `done`s called). */
  flush(): void;
  /** Writes what `fn` appends in one transaction; throws (having written nothing) when the store refuses it. */
  transaction<T>(fn: () => T): T;
}

/** The store refused to write: the input, message or change it carried did not happen. */
export class StoreFailed extends Error {
  readonly code = 'STORE_FAILED';
  constructor(cause: unknown) {
    super(`the record could not be written (${cause instanceof Error ? cause.message : String(cause)}): the session is paused until the experimenter resumes it`, { cause });
  }
}

/** An input whose commit has not settled: the match and the chain as they were before it. */
interface Pending {
  readonly match: MatchCheckpoint;
  readonly chain: ChainMark;
}

export class Journal {
  readonly #match: () => Match;
  readonly #chain: Chain;
  readonly #store: () => LedgerStore;
  readonly #published: (event: LedgerEvent) => void;
  readonly #failed: (error: StoreFailed) => void;
  #collecting: LedgerEvent[] | null = null;
  /** Inputs whose commit has not settled, oldest first. */
  #pending: Pending[] = [];
  #down: StoreFailed | null = null;

  /**
   * `published` is told each event once it is durable (the observatory); `failed` once,
   * when the store refuses a write (the room pauses the session and tells everyone).
   */
  constructor(options: { match: () => Match; chain: Chain; store: () => LedgerStore; published: (event: LedgerEvent) => void; failed: (error: StoreFailed) => void }) {
    this.#match = options.match;
    this.#chain = options.chain;
    this.#store = options.store;
    this.#published = options.published;
    this.#failed = options.failed;
  }

  /** Why the journal is down (the store refused a write and no probe has succeeded since), or null. */
  get down(): StoreFailed | null {
    return this.#down;
  }

  /** The engine state as far as it is recorded: what views may show. */
  get committedState(): BaseState {
    return this.#pending[0]?.match.state ?? this.#match().state;
  }

  /**
   * Chains one entry (the match's recorder and the room's own records). Inside `input` or
   * `atOnce` it is written with the rest of that input; otherwise it is written now, after
   * what is pending, and a refusal throws StoreFailed with nothing chained.
   */
  entry(entry: MatchEntry): LedgerEvent {
    if (this.#collecting) {
      const event = this.#chain.append(entry);
      this.#collecting.push(event);
      return event;
    }
    this.#settle();
    if (this.#down) throw this.#down;
    const mark = this.#chain.mark();
    const event = this.#chain.append(entry);
    try {
      this.#store().append(event);
    } catch (error) {
      this.#chain.rewind(mark);
      throw this.#fail(error);
    }
    this.#published(event);
    return event;
  }

  /**
   * Runs one input through the engine and resolves once everything it recorded is
   * durable; rejects with StoreFailed (the match and the chain back where they were
   * before the first refused input) when the store refuses it, or at once while the
   * journal is down.
   */
  async input<T>(fn: () => T): Promise<T> {
    if (this.#down) throw this.#down;
    const before: Pending = { match: this.#match().checkpoint(), chain: this.#chain.mark() };
    const events = this.#collect(fn);
    if (!events.length) return events.out;
    this.#pending.push(before);
    await new Promise<void>((resolve, reject) => {
      this.#store().appendSoon(events.list, (error) => {
        if (error) {
          this.#rollBack(before, error);
          reject(this.#down ?? new StoreFailed(error));
          return;
        }
        // Commits settle in order: this input is the oldest one still pending.
        if (this.#pending[0] === before) this.#pending.shift();
        for (const e of events.list) this.#published(e);
        resolve();
      });
    });
    return events.out;
  }

  /**
   * Runs `fn` (a clock tick) with everything it records written at once in one
   * transaction; throws StoreFailed, the match and the chain unchanged, when the store refuses.
   */
  atOnce<T>(fn: () => T): T {
    this.#settle();
    if (this.#down) throw this.#down;
    const checkpoint = this.#match().checkpoint();
    const mark = this.#chain.mark();
    const events = this.#collect(fn);
    if (!events.length) return events.out;
    const store = this.#store();
    try {
      store.transaction(() => events.list.forEach((e) => store.append(e)));
    } catch (error) {
      this.#match().restore(checkpoint);
      this.#chain.rewind(mark);
      throw this.#fail(error);
    }
    for (const e of events.list) this.#published(e);
    return events.out;
  }

  /**
   * Tries to write `entry` while the journal is down: when the store takes it, the
   * journal is up again and the event is returned; otherwise null, still down.
   */
  probe(entry: MatchEntry): LedgerEvent | null {
    if (!this.#down) return this.entry(entry);
    const mark = this.#chain.mark();
    const event = this.#chain.append(entry);
    try {
      this.#store().append(event);
    } catch {
      this.#chain.rewind(mark);
      return null;
    }
    this.#down = null;
    this.#published(event);
    return event;
  }

  #collect<T>(fn: () => T): { out: T; list: LedgerEvent[]; length: number } {
    const list: LedgerEvent[] = [];
    const outer = this.#collecting;
    this.#collecting = list;
    let out: T;
    try {
      out = fn();
    } finally {
      this.#collecting = outer;
    }
    return { out, list, length: list.length };
  }

  /** Commits what is pending now, so that what follows is written after it. */
  #settle(): void {
    if (this.#pending.length) this.#store().flush();
  }

  /**
   * The first refused input takes the match and the chain back to where they were before
   * it, undoing every input after it as well; the later refusals find it undone already.
   */
  #rollBack(input: Pending, error: unknown): void {
    if (!this.#pending.includes(input)) return;
    const first = this.#pending[0] as Pending;
    this.#pending = [];
    this.#match().restore(first.match);
    this.#chain.rewind(first.chain);
    this.#fail(error);
  }

  #fail(error: unknown): StoreFailed {
    if (this.#down) return this.#down;
    const failed = error instanceof StoreFailed ? error : new StoreFailed(error);
    this.#down = failed;
    this.#failed(failed);
    return failed;
  }
}
