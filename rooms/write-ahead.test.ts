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

function setup() {
  const store = new FlakyStore();
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
