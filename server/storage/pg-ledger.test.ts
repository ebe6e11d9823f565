/**
 * The PostgreSQL ledger against a real PostgreSQL (a fresh schema per test, dropped after):
 * the ledger contract every store passes, then what is its own: commits under way while
 * the event loop goes on, a refused commit refusing those queued behind it, and the
 * session rows.
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../mechanisms/core/ledger.ts';
import { PgLedger } from './pg-ledger.ts';
import { openStores } from './stores.ts';
import { ledgerSuite, playMatch } from './ledger-suite.ts';
import { dropSchema, POSTGRES_URL, postgresAvailable, runName } from '../../tests/live/services.ts';

const available = await postgresAvailable();
const schemas: string[] = [];
const freshSchema = () => {
  const schema = runName('ledger');
  schemas.push(schema);
  return schema;
};

afterAll(async () => {
  if (available) for (const schema of schemas) await dropSchema(schema);
});

describe.skipIf(!available)('PgLedger', () => {
  ledgerSuite('PgLedger', () => {
    const schema = freshSchema();
    return { open: () => new PgLedger({ url: POSTGRES_URL, schema }) };
  });

  it('migrates a new schema once, whatever the number of processes opening it, and records the version', async () => {
    const schema = freshSchema();
    const ledgers = [new PgLedger({ url: POSTGRES_URL, schema }), new PgLedger({ url: POSTGRES_URL, schema })];
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    const versions = await client.query(`SELECT version, name FROM "${schema}".arena_migrations ORDER BY version`);
    await client.end();
    expect(versions.rows).toEqual([{ version: 1, name: 'ledger and sessions' }]);
    for (const l of ledgers) await l.close();
  });

  it('a commit refused by PostgreSQL refuses the commits queued behind it, then the store takes writes again', async () => {
    const schema = freshSchema();
    const ledger = new PgLedger({ url: POSTGRES_URL, schema });
    const m = playMatch('m');
    ledger.append(m[0] as LedgerEvent);
    // Another connection holds the table: both commits below wait in the store's thread, in order.
    const locker = new pg.Client({ connectionString: POSTGRES_URL });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query(`LOCK TABLE "${schema}".events IN ACCESS EXCLUSIVE MODE`);
    const duplicate = new Promise<unknown>((done) => ledger.appendSoon([m[0] as LedgerEvent], done));
    await new Promise((done) => setImmediate(done));
    const behind = new Promise<unknown>((done) => ledger.appendSoon(playMatch('other'), done));
    await new Promise((done) => setImmediate(done));
    await locker.query('ROLLBACK');
    await locker.end();
    expect(String(await duplicate)).toMatch(/duplicate key/);
    expect(String(await behind)).toMatch(/an earlier commit was refused/);
    expect(ledger.events('other')).toEqual([]);
    ledger.append(m[1] as LedgerEvent);
    expect(ledger.events('m')).toEqual(m.slice(0, 2));
    await ledger.close();
  });

  it('keeps session rows: created with their join codes in one statement, found by code, listed, resumed by their host', async () => {
    const schema = freshSchema();
    const stores = openStores({ kind: 'postgres', url: POSTGRES_URL, schema });
    const base = { spec: '{}', seed: 3_000_000_000, mechanism: 'first-price@1', title: 't' };
    stores.sessions.create({ ...base, id: 'sa1', roomId: 'r1', codes: { p0: 'AAAAA-BBBBB' }, host: 'one' });
    stores.sessions.create({ ...base, id: 'sa2', roomId: 'r2', codes: {}, host: 'two', demo: true });
    expect(() => stores.sessions.create({ ...base, id: 'sa3', roomId: 'r3', codes: { p0: 'AAAAA-BBBBB' } })).toThrow(/duplicate key/);
    expect(stores.sessions.get('sa3')).toBeNull();
    expect(stores.sessions.byCode('aaaaa-bbbbb')).toMatchObject({ seat: 'p0', session: { id: 'sa1', seed: 3_000_000_000, demo: false } });
    expect(stores.sessions.codeTaken('AAAAA-BBBBB')).toBe(true);
    stores.sessions.setStatus('sa1', 'running');
    stores.sessions.setRoom('sa1', 'r9');
    expect(stores.sessions.unfinished('one').map((r) => [r.id, r.status, r.roomId])).toEqual([['sa1', 'running', 'r9']]);
    expect(stores.sessions.unfinished().map((r) => r.id)).toEqual(['sa1', 'sa2']);
    stores.sessions.setStatus('sa1', 'ended');
    expect(stores.sessions.byCode('AAAAA-BBBBB')).toBeNull();
    expect(stores.sessions.list().map((r) => [r.id, r.demo])).toEqual([
      ['sa2', true],
      ['sa1', false],
    ]);
    await stores.close();
  });
});
