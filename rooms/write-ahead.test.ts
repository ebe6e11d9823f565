import { afterEach, describe, expect, it, vi } from 'vitest';
import { Chain, verifyChain, type LedgerEvent } from '../mechanisms/core/ledger.ts';
import { openMatch, type Match } from '../mechanisms/core/match.ts';
import { firstPrice } from '../mechanisms/first-price/index.ts';
import { Journal, StoreFailed, type LedgerStore } from './write-ahead.ts';

/** A store that keeps what it is given, with a group commit at the end of the turn, and refuses writes on demand. */
class FlakyStore implements LedgerStore {
  readonly written: LedgerEvent[] = [];
  failing = false;
  #queued: LedgerEvent[] = [];
  #waiting: ((error: unknown) => void)[] = [];
  #scheduled = false;

  append(event: LedgerEvent): void {
    this.flush();
    if (this.failing) throw new Error('disk full');
    this.written.push(event);
  }
  appendSoon(events: readonly LedgerEvent[], done: (error: unknown) => void): void {
    this.#queued.push(...events);
    this.#waiting.push(done);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.flush());
    }
  }
  flush(): void {
    this.#scheduled = false;
    const events = this.#queued.splice(0);
    const waiting = this.#waiting.splice(0);
    const error = events.length && this.failing ? new Error('disk full') : null;
    if (!error) this.written.push(...events);
    for (const done of waiting) done(error);
  }
  transaction<T>(fn: () => T): T {
    const before = this.written.length;
    const out = fn();
    if (this.failing) {
      this.written.length = before;
      throw new Error('disk full');
    }
    return out;
  }
}

/**
 * A store whose commits travel, as a database server's do: each turn's events leave as one
 * commit at the end of the turn and are answered later, in order, so the next turn's
 * commit can be queued while one is under way. `answer()` settles the oldest commit under
 * way (refused when `refuse` says so); once one is refused, those already queued behind it
 * are refused too. `flush()` waits for every commit, as the PostgreSQL store does.
 */
class TravellingStore implements LedgerStore {
  readonly written: LedgerEvent[] = [];
  refuse = false;
  #queued: { events: LedgerEvent[]; waiting: ((error: unknown) => void)[] } = { events: [], waiting: [] };
  readonly #travelling: { events: LedgerEvent[]; waiting: ((error: unknown) => void)[] }[] = [];
  #scheduled = false;

  get underWay(): number {
    return this.#travelling.length;
  }
  append(event: LedgerEvent): void {
    this.flush();
    if (this.refuse) throw new Error('connection lost');
    this.written.push(event);
  }
  appendSoon(events: readonly LedgerEvent[], done: (error: unknown) => void): void {
    this.#queued.events.push(...events);
    this.#queued.waiting.push(done);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#send());
    }
  }
  #send(): void {
    this.#scheduled = false;
    if (this.#queued.waiting.length) this.#travelling.push(this.#queued);
    this.#queued = { events: [], waiting: [] };
  }
  /** Settles the oldest commit under way. */
  answer(): void {
    const commit = this.#travelling.shift();
    if (!commit) throw new Error('no commit under way');
    const error = this.refuse ? new Error('connection lost') : null;
    if (!error) this.written.push(...commit.events);
    for (const done of commit.waiting) done(error);
    if (error) for (const later of this.#travelling.splice(0)) for (const done of later.waiting) done(new Error('an earlier commit was refused'));
  }
  flush(): void {
    this.#send();
    while (this.#travelling.length) this.answer();
  }
  transaction<T>(fn: () => T): T {
    this.flush();
    const before = this.written.length;
    const out = fn();
    if (this.refuse) {
      this.written.length = before;
      throw new Error('connection lost');
    }
    return out;
  }
}

const turn = () => new Promise<void>((done) => setImmediate(done));

function setup<S extends LedgerStore = FlakyStore>(make: () => S = () => new FlakyStore() as unknown as S) {
  const store = make();
  const failures: StoreFailed[] = [];
  const chain = new Chain('m');
  const held: { match?: Match } = {};
  const journal = new Journal({ match: () => held.match as Match, chain, store: () => store, published: () => undefined, failed: (e) => failures.push(e) });
  const match = openMatch(firstPrice, { config: { rounds: 3, bidStep: 1, values: { kind: 'uniformInt', low: 0, high: 100 }, roundMs: 1000 }, seats: 2, seed: 7 }, (e) => void journal.entry(e));
  held.match = match;
  const bid = (seat: 'p0' | 'p1', amount: number) => journal.input(() => match.submit(seat, match.state.stateId, { type: 'bid', amount }, 10));
  return { store, failures, journal, match: () => match, bid };
}

afterEach(() => vi.restoreAllMocks());

describe('Journal', () => {
  it('resolves an input once its events are stored, and shows only stored state meanwhile', async () => {
    const { store, journal, match, bid } = setup();
    const before = match().state;
    const pending = bid('p0', 40);
    expect(match().state).not.toBe(before); // the engine moved on...
    expect(journal.committedState).toBe(before); // ...but views still show what is recorded
    const result = await pending;
    expect(result.ok).toBe(true);
    expect(journal.committedState).toBe(match().state);
    expect(verifyChain(store.written)).toBeNull();
  });

  it('a refused batch puts the match and the chain back as they were before it, refuses what comes next, and a probe brings it back', async () => {
    const { store, failures, journal, match, bid } = setup();
    await bid('p0', 40);
    const hash = match().hash();
    const stored = store.written.length;
    store.failing = true;
    const both = await Promise.allSettled([bid('p1', 30), bid('p0', 50)]); // one batch: both undone
    expect(both.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((both[0] as PromiseRejectedResult).reason).toBeInstanceOf(StoreFailed);
    expect(match().hash()).toBe(hash);
    expect(failures).toHaveLength(1);
    expect(journal.down?.code).toBe('STORE_FAILED');
    await expect(bid('p1', 30)).rejects.toBeInstanceOf(StoreFailed);
    expect(() => journal.entry({ kind: 'chat', at: 11, seat: 'p0', audience: 'public', data: { text: 'hi' } })).toThrow(StoreFailed);
    expect(journal.probe({ kind: 'store_recovered', at: 11, seat: null, audience: 'experimenter', data: {} })).toBeNull();
    expect(store.written).toHaveLength(stored);
    store.failing = false;
    expect(journal.probe({ kind: 'store_recovered', at: 12, seat: null, audience: 'experimenter', data: {} })).toMatchObject({ seq: stored });
    expect(journal.down).toBeNull();
    expect((await bid('p1', 30)).ok).toBe(true);
    expect(verifyChain(store.written)).toBeNull();
    expect(store.written.map((e) => e.seq)).toEqual(store.written.map((_, i) => i));
  });

  it('a refused tick leaves the round open and the chain where it was', () => {
    const { store, journal, match } = setup();
    const state = match().state;
    const deadline = state.deadline as number;
    store.failing = true;
    expect(() => journal.atOnce(() => match().tick(deadline + 1))).toThrow(StoreFailed);
    expect(match().state).toBe(state);
    store.failing = false;
    journal.probe({ kind: 'store_recovered', at: deadline, seat: null, audience: 'experimenter', data: {} });
    journal.atOnce(() => match().tick(deadline + 1));
    expect(match().state.stateId).toBeGreaterThan(state.stateId);
    expect(verifyChain(store.written)).toBeNull();
  });

  it('a lone record after an open batch is written after it, in order', async () => {
    const { store, journal, bid } = setup();
    const pending = bid('p0', 40);
    journal.entry({ kind: 'chat', at: 10, seat: 'p0', audience: 'public', data: { text: 'after the bid' } });
    await pending;
    expect(store.written.at(-1)?.kind).toBe('chat');
    expect(verifyChain(store.written)).toBeNull();
  });
});

describe('Journal on a store whose commits travel', () => {
  const travelling = () => setup(() => new TravellingStore());

  it('acknowledges each input when its own commit answers, and shows only what is durable', async () => {
    const { store, journal, match, bid } = travelling();
    const start = match().state;
    const first = bid('p0', 40);
    await turn(); // the first commit leaves
    const afterFirst = match().state;
    const second = bid('p1', 30);
    await turn(); // the second leaves while the first is under way
    expect(store.underWay).toBe(2);
    expect(journal.committedState).toBe(start);
    store.answer();
    expect((await first).ok).toBe(true);
    expect(journal.committedState).toBe(afterFirst);
    store.answer();
    expect((await second).ok).toBe(true);
    expect(journal.committedState).toBe(match().state);
    expect(verifyChain(store.written)).toBeNull();
  });

  it('a refused commit behind a durable one takes the match back to the durable one, not before it', async () => {
    const { store, failures, journal, match, bid } = travelling();
    const first = bid('p0', 40);
    await turn();
    const durableHash = match().hash();
    const durableState = match().state;
    const second = bid('p1', 30);
    await turn();
    const third = bid('p0', 45); // queued behind the second, not yet sent
    store.answer(); // the first is durable
    expect((await first).ok).toBe(true);
    store.refuse = true;
    store.answer(); // the second is refused: the match goes back to the first, the third undone with it
    await expect(second).rejects.toBeInstanceOf(StoreFailed);
    expect(match().hash()).toBe(durableHash);
    expect(match().state).toBe(durableState);
    expect(journal.committedState).toBe(durableState);
    store.flush(); // the third's own commit is refused as well, and changes nothing more
    await expect(third).rejects.toBeInstanceOf(StoreFailed);
    expect(match().state).toBe(durableState);
    expect(failures).toHaveLength(1);
    store.refuse = false;
    expect(journal.probe({ kind: 'store_recovered', at: 12, seat: null, audience: 'experimenter', data: {} })).not.toBeNull();
    const again = bid('p1', 30);
    store.flush();
    expect((await again).ok).toBe(true);
    expect(verifyChain(store.written)).toBeNull();
    expect(store.written.map((e) => e.seq)).toEqual(store.written.map((_, i) => i));
  });

  it('a lone record waits for the commits under way and is written after them', async () => {
    const { store, journal, bid } = travelling();
    const pending = bid('p0', 40);
    await turn();
    expect(store.underWay).toBe(1);
    journal.entry({ kind: 'chat', at: 10, seat: 'p0', audience: 'public', data: { text: 'after the bid' } });
    expect(store.underWay).toBe(0);
    expect((await pending).ok).toBe(true);
    expect(store.written.at(-1)?.kind).toBe('chat');
    expect(verifyChain(store.written)).toBeNull();
  });
});
