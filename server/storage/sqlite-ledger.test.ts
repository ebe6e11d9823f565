import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { SqliteLedger } from './sqlite-ledger.ts';
import { tempDir } from '../../tests/temp.ts';
import { ledgerSuite, recordMatch } from './ledger-suite.ts';

ledgerSuite('SqliteLedger', () => {
  const path = join(tempDir('db'), 'ledger.db');
  return { open: () => new SqliteLedger(path) };
});

describe('SqliteLedger', () => {
  it('keeps its file in WAL mode', async () => {
    const path = join(tempDir('db'), 'ledger.db');
    const ledger = new SqliteLedger(path);
    recordMatch(ledger, 'm1');
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
});
