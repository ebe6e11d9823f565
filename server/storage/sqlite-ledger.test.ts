import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { SqliteLedger } from './sqlite-ledger.ts';
import { Chain, verifyChain, type LedgerEvent } from '../../mechanisms/core/ledger.ts';
import { openMatch } from '../../mechanisms/core/match.ts';
import { firstPrice } from '../../mechanisms/first-price/index.ts';
import { verifyMatch } from '../../studies/records.ts';
import { tempDir } from '../../tests/temp.ts';

function recordMatch(ledger: SqliteLedger, id: string): LedgerEvent[] {
  const chain = new Chain(id);
  const written: LedgerEvent[] = [];
  const match = openMatch(firstPrice, { config: { rounds: 2 }, seats: 3, seed: 4 }, (entry) => {
    const e = chain.append(entry);
    ledger.append(e);
    written.push(e);
  });
  for (let r = 0; r < 2; r++) for (const seat of match.header.seats) match.submit(seat, match.state.stateId, { type: 'bid', amount: 40 + r }, r * 1000);
  match.submit('p0', 0, { type: 'bid', amount: 1 }, 5000);
  return written;
}

describe('SqliteLedger', () => {
  it('stores hash-chained events in WAL mode and gives them back in order', async () => {
    const path = join(tempDir('db'), 'ledger.db');
    const ledger = new SqliteLedger(path);
    const written = recordMatch(ledger, 'm1');
    recordMatch(ledger, 'm2');
    const read = ledger.events('m1');
    expect(read).toEqual(written);
    expect(verifyChain(read)).toBeNull();
    expect(verifyMatch(read).ok).toBe(true);
    expect(ledger.matches().map((m) => [m.id, m.events, m.finalHash !== null])).toEqual([
      ['m1', written.length, true],
      ['m2', written.length, true],
    ]);
    await ledger.close();
    const raw = new DatabaseSync(path);
    expect(raw.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    raw.close();
  });

  it('is fully closed when close() resolves: no connection of its own, the checkpointer thread included, is left on the file', async () => {
    const path = join(tempDir('db'), 'ledger.db');
    for (let i = 0; i < 20; i++) {
      // A checkpoint every millisecond: close() lands in the middle of one most of the time.
      const ledger = new SqliteLedger(path, { checkpointEveryMs: 1 });
      recordMatch(ledger, `m${i}`);
      // Long enough for the checkpointer thread to be up and copying.
      await new Promise((done) => setTimeout(done, 60 + (i % 7)));
      await ledger.close();
      // Leaving WAL mode needs the only connection to the file, and no waiting is allowed.
      const raw = new DatabaseSync(path);
      raw.exec('PRAGMA busy_timeout = 0');
      expect(raw.prepare('PRAGMA journal_mode = DELETE').get()).toEqual({ journal_mode: 'delete' });
      raw.close();
    }
  });

  it('reopens a file at once after another ledger on it closed, as a server restarting in process does', async () => {
    const path = join(tempDir('db'), 'ledger.db');
    let ledger = new SqliteLedger(path, { checkpointEveryMs: 1 });
    for (let i = 0; i < 30; i++) {
      recordMatch(ledger, `m${i}`);
      await new Promise((done) => setTimeout(done, 40 + (i % 7)));
      await ledger.close();
      ledger = new SqliteLedger(path, { checkpointEveryMs: 1 });
      expect(ledger.events(`m${i}`).length).toBeGreaterThan(0);
    }
    expect(ledger.matches()).toHaveLength(30);
    await ledger.close();
    await ledger.close();
  });

  it('streams a match page by page, the same events as reading it whole, while writes go on between pages', async () => {
    const ledger = new SqliteLedger(join(tempDir('db'), 'ledger.db'));
    const written = recordMatch(ledger, 'm');
    const read: LedgerEvent[] = [];
    let i = 0;
    for (const e of ledger.stream('m', 3)) {
      read.push(e);
      if (i++ === 1) recordMatch(ledger, 'other'); // a write between pages
    }
    expect(read).toEqual(written);
    expect(ledger.count('m')).toBe(written.length);
    expect([...ledger.stream('nothing')]).toEqual([]);
    await ledger.close();
  });

  it('refuses writes past its size cap as a full disk does, writing nothing of the refused transaction, and takes them again when the cap is lifted', async () => {
    const ledger = new SqliteLedger(join(tempDir('db'), 'ledger.db'));
    recordMatch(ledger, 'm0');
    ledger.maxBytes = ledger.sizeBytes;
    expect(() => {
      for (let i = 1; i < 200; i++) ledger.transaction(() => recordMatch(ledger, `m${i}`));
    }).toThrow(/full/);
    const kept = ledger.matches();
    for (const m of kept) expect(verifyMatch(ledger.events(m.id)).ok).toBe(true);
    const failed = new Promise<unknown>((done) => ledger.appendSoon(recordMatch(new SqliteLedger(':memory:'), 'late'), done));
    expect(await failed).toBeInstanceOf(Error);
    expect(ledger.events('late')).toEqual([]);
    ledger.maxBytes = null;
    recordMatch(ledger, 'after');
    expect(verifyMatch(ledger.events('after')).ok).toBe(true);
    await ledger.close();
  });

  it('refuses a second event with the same match and seq', () => {
    const ledger = new SqliteLedger(':memory:');
    const [first] = recordMatch(ledger, 'm');
    expect(() => ledger.append(first as LedgerEvent)).toThrow(/UNIQUE|PRIMARY/);
  });

  it('rolls back a failed transaction whole', () => {
    const ledger = new SqliteLedger(':memory:');
    expect(() =>
      ledger.transaction(() => {
        recordMatch(ledger, 'gone');
        throw new Error('crash mid-episode');
      }),
    ).toThrow(/crash/);
    expect(ledger.events('gone')).toEqual([]);
    expect(ledger.matches()).toEqual([]);
  });

  it('detects an edited event', () => {
    const ledger = new SqliteLedger(':memory:');
    const events = recordMatch(ledger, 'm');
    const edited = events.map((e, i) => (i === 3 ? { ...e, data: { ...e.data, stateId: 99 } } : e));
    expect(verifyChain(edited)).toMatch(/event 3/);
    expect(verifyMatch(edited).ok).toBe(false);
  });
});
