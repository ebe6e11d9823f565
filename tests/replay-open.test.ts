/**
 * `arena replay DIR --open`: a results folder's recorded episodes (`arena run --events`) go
 * into the server's ledger, verified, each with its replay page address printed; running it
 * again changes nothing; another record under the same match id is refused, not overwritten;
 * and a server on that ledger opens the episode on its replay API as it opens a live record.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startArenaServer } from '../server/arena-server.ts';
import { SqliteLedger } from '../server/storage/sqlite-ledger.ts';
import { tempDir } from './temp.ts';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'arena.ts');
const arena = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

const study = (seed: number) => ({
  name: 'open-check',
  mechanism: 'first-price@1',
  config: { rounds: 2, reveal: 'allBids' },
  seats: [{ policy: 'truthful', count: 3 }],
  episodes: 2,
  seed,
  treatments: [{ name: 'truthful' }],
});

let dir: string;

beforeAll(() => {
  dir = tempDir('replay-open');
  for (const seed of [3, 4]) {
    writeFileSync(join(dir, `study-${seed}.json`), JSON.stringify(study(seed)));
    const run = arena('run', join(dir, `study-${seed}.json`), '--out', join(dir, `out-${seed}`), '--events', '--no-exports');
    expect(run.status, run.stderr).toBe(0);
  }
}, 60_000);

describe('arena replay DIR --open', () => {
  it('puts the verified episodes in the ledger and prints their replay pages', async () => {
    const db = join(dir, 'arena.db');
    const first = arena('replay', join(dir, 'out-3'), '--open', '--db', db, '--base-url', 'http://class.example:2567');
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('✓ open-check/truthful/0');
    expect(first.stdout).toContain('http://class.example:2567/replay/open-check%2Ftruthful%2F1?at=0');
    const lines = readFileSync(join(dir, 'out-3', 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { match: string });
    const ledger = new SqliteLedger(db);
    expect(ledger.count('open-check/truthful/0')).toBe(lines.filter((e) => e.match === 'open-check/truthful/0').length);
    await ledger.close();

    const again = arena('replay', join(dir, 'out-3'), '--open', '--db', db);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('(already in the ledger)');

    // Another run of a study of the same name: the same match ids, other events.
    const clash = arena('replay', join(dir, 'out-4', 'events.jsonl'), '--open', '--db', db);
    expect(clash.status).toBe(1);
    expect(clash.stdout).toContain("the ledger already holds another record 'open-check/truthful/0'");

    const server = await startArenaServer({ port: 0, host: '127.0.0.1', dbPath: db, adminToken: 'open-admin-token-0123456789abcdef', tokenSecret: 'open-token-secret-0123456789abcdef', botThinkMs: [0, 0], clientDist: null });
    try {
      const res = await fetch(`${server.url}/api/records/${encodeURIComponent('open-check/truthful/1')}`, { headers: { authorization: 'Bearer open-admin-token-0123456789abcdef' } });
      expect(res.status).toBe(200);
      const record = (await res.json()) as { verified: boolean; roles: Record<string, string>; holders: Record<string, { kind: string; policy: string | null }[]> };
      expect(record.verified).toBe(true);
      expect(record.roles.p0).toBe('bidder');
      expect(record.holders.p0).toEqual([{ kind: 'bot', policy: 'truthful' }]);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('says what to do with a folder recorded without --events', () => {
    const bare = tempDir('replay-open-bare');
    const r = arena('replay', bare, '--open', '--db', join(bare, 'arena.db'));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('has no events.jsonl; run the study with --events');
  });
});
