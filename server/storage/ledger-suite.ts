/**
 * The tests every ledger store passes (SQLite: sqlite-ledger.test.ts, PostgreSQL:
 * pg-ledger.test.ts): order, hash chains, replay, page-by-page reads with writes between
 * pages, the group commit, refusals that write nothing (a duplicate, a failed transaction,
 * the size cap) and a store that takes writes again once it can.
 */
import { describe, expect, it } from 'vitest';
import { Chain, verifyChain, type LedgerEvent } from '../../mechanisms/core/ledger.ts';
import { openMatch } from '../../mechanisms/core/match.ts';
import { firstPrice } from '../../mechanisms/first-price/index.ts';
import { verifyMatch } from '../../studies/records.ts';
import type { Ledger } from './stores.ts';

/** Plays a short first-price match, handing each event to `sink` as it is chained. */
export function playMatch(id: string, sink: (e: LedgerEvent) => void = () => undefined): LedgerEvent[] {
  const chain = new Chain(id);
  const written: LedgerEvent[] = [];
  const match = openMatch(firstPrice, { config: { rounds: 2 }, seats: 3, seed: 4 }, (entry) => {
    const e = chain.append(entry);
    sink(e);
    written.push(e);
  });
  for (let r = 0; r < 2; r++) for (const seat of match.header.seats) match.submit(seat, match.state.stateId, { type: 'bid', amount: 40 + r }, r * 1000);
  match.submit('p0', 0, { type: 'bid', amount: 1 }, 5000);
  return written;
}

/** Records a match in a ledger, one event at a time. */
export const recordMatch = (ledger: Ledger, id: string): LedgerEvent[] => playMatch(id, (e) => ledger.append(e));

/** A fresh, empty store for one test: `open()` opens a ledger on it (again and again: other connections to the same store). */
export interface LedgerFixture {
  open(): Ledger;
}

export function ledgerSuite(name: string, fresh: () => LedgerFixture): void {
  describe(`${name}: the ledger contract`, () => {
    it('stores hash-chained events and gives them back in order, with one row per match', async () => {
      const ledger = fresh().open();
      const written = recordMatch(ledger, 'm1');
      recordMatch(ledger, 'm2');
      const read = ledger.events('m1');
      expect(read).toEqual(written);
      expect(verifyChain(read)).toBeNull();
      expect(verifyMatch(read).ok).toBe(true);
      expect(ledger.count('m1')).toBe(written.length);
      expect(ledger.matches().map((m) => [m.id, m.events, m.finalHash === written.find((e) => e.kind === 'match_ended')?.data.hash])).toEqual([
        ['m1', written.length, true],
        ['m2', written.length, true],
      ]);
      await ledger.close();
    });

    it('a second ledger on the same store reads what the first wrote, and reopens at once after it closed', async () => {
      const store = fresh();
      let ledger = store.open();
      for (let i = 0; i < 5; i++) {
        const written = recordMatch(ledger, `m${i}`);
        const reader = store.open();
        expect(reader.events(`m${i}`)).toEqual(written);
        await reader.close();
        await ledger.close();
        ledger = store.open();
        expect(ledger.count(`m${i}`)).toBe(written.length);
      }
      expect(ledger.matches()).toHaveLength(5);
      await ledger.close();
      await ledger.close();
    });

    it('streams a match page by page, the same events as reading it whole, while writes go on between pages', async () => {
      const ledger = fresh().open();
      const written = recordMatch(ledger, 'm');
      const read: LedgerEvent[] = [];
      let i = 0;
      for (const e of ledger.stream('m', 3)) {
        read.push(e);
        if (i++ === 1) recordMatch(ledger, 'other'); // a write between pages
      }
      expect(read).toEqual(written);
      expect([...ledger.stream('nothing')]).toEqual([]);
      await ledger.close();
    });

    it('group commit: each caller is told once its events are durable, in the order of the calls, and a reader then finds them', async () => {
      const store = fresh();
      const ledger = store.open();
      const a = playMatch('a');
      const b = playMatch('b');
      const told: string[] = [];
      const first = new Promise<unknown>((done) => ledger.appendSoon(a.slice(0, 5), (error) => (told.push('a1'), done(error))));
      const second = new Promise<unknown>((done) => ledger.appendSoon(b, (error) => (told.push('b'), done(error))));
      await new Promise((done) => setImmediate(done));
      const third = new Promise<unknown>((done) => ledger.appendSoon(a.slice(5), (error) => (told.push('a2'), done(error))));
      expect(await Promise.all([first, second, third])).toEqual([null, null, null]);
      expect(told).toEqual(['a1', 'b', 'a2']);
      const reader = store.open();
      expect(reader.events('a')).toEqual(a);
      expect(reader.events('b')).toEqual(b);
      await reader.close();
      // A synchronous write after queued ones lands after them.
      const c = playMatch('c');
      ledger.appendSoon(c.slice(0, 3), () => undefined);
      ledger.append(c[3] as LedgerEvent);
      expect(ledger.events('c')).toEqual(c.slice(0, 4));
      await ledger.close();
    });

    it('refuses writes past its size cap as a full disk does, writing nothing of the refused transaction, and takes them again when the cap is lifted', async () => {
      const ledger = fresh().open();
      recordMatch(ledger, 'm0');
      ledger.maxBytes = ledger.sizeBytes;
      expect(() => {
        for (let i = 1; i < 200; i++) ledger.transaction(() => recordMatch(ledger, `m${i}`));
      }).toThrow(/full/);
      const kept = ledger.matches();
      for (const m of kept) expect(verifyMatch(ledger.events(m.id)).ok).toBe(true);
      const failed = new Promise<unknown>((done) => ledger.appendSoon(playMatch('late'), done));
      expect(await failed).toBeInstanceOf(Error);
      expect(ledger.events('late')).toEqual([]);
      ledger.maxBytes = null;
      recordMatch(ledger, 'after');
      expect(verifyMatch(ledger.events('after')).ok).toBe(true);
      await ledger.close();
    });

    it('refuses a second event with the same match and seq, and goes on taking others', async () => {
      const ledger = fresh().open();
      const [first] = recordMatch(ledger, 'm');
      expect(() => ledger.append(first as LedgerEvent)).toThrow(/UNIQUE|PRIMARY|duplicate key/i);
      const refused = new Promise<unknown>((done) => ledger.appendSoon([first as LedgerEvent], done));
      expect(await refused).toBeInstanceOf(Error);
      const other = recordMatch(ledger, 'n');
      expect(ledger.events('n')).toEqual(other);
      await ledger.close();
    });

    it('rolls back a failed transaction whole', async () => {
      const ledger = fresh().open();
      expect(() =>
        ledger.transaction(() => {
          recordMatch(ledger, 'gone');
          throw new Error('crash mid-episode');
        }),
      ).toThrow(/crash/);
      expect(ledger.events('gone')).toEqual([]);
      expect(ledger.matches()).toEqual([]);
      await ledger.close();
    });

    it('gives back events exactly as written, so an edit anywhere breaks the chain', async () => {
      const ledger = fresh().open();
      const odd = new Chain('odd');
      const written = [odd.append({ kind: 'match_started', at: 0.1 + 0.2, seat: null, audience: 'public', data: { mechanism: 'x@1', text: 'zero \u0000 bidi \u202e é 😀', big: 1e21, small: 5e-324, nested: { b: 1, a: [null, true] } } })];
      ledger.append(written[0] as LedgerEvent);
      expect(ledger.events('odd')).toEqual(written);
      const events = recordMatch(ledger, 'm');
      expect(verifyChain(ledger.events('m'))).toBeNull();
      const edited = events.map((e, i) => (i === 3 ? { ...e, data: { ...e.data, stateId: 99 } } : e));
      expect(verifyChain(edited)).toMatch(/event 3/);
      expect(verifyMatch(edited).ok).toBe(false);
      await ledger.close();
    });
  });
}
