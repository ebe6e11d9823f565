/**
 * The replay page's API against a real server and its SQLite ledger: records and states
 * only for the experimenter, match ids with slashes URL-encoded, a plain 404 for an unknown
 * match, a 400 naming the bad event number or seat, and the state after an event exactly
 * what replaying the record up to it gives. A live session's record opens the same way.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../mechanisms/core/ledger.ts';
import { replay } from '../mechanisms/core/replay.ts';
import { findMechanism } from '../mechanisms/registry.ts';
import firstPrice from '../mechanisms/first-price/index.ts';
import { RECORDS_RATE } from '../server/api.ts';
import { startArenaServer, type ArenaServer } from '../server/arena-server.ts';
import { playRecord } from './records.ts';
import { tempDir } from './temp.ts';

const ADMIN_TOKEN = 'replay-admin-token-0123456789abcdef';
const ID = 'first-price-study/equilibrium/3';
const path = (match: string, rest = '') => `/api/records/${encodeURIComponent(match)}${rest}`;

let server: ArenaServer;
let events: LedgerEvent[];

async function get(url: string, token: string | null = ADMIN_TOKEN) {
  const res = await fetch(`${server.url}${url}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Record<string, unknown>, headers: res.headers };
}

beforeAll(async () => {
  server = await startArenaServer({ port: 0, host: '127.0.0.1', dbPath: join(tempDir('replay-api'), 'arena.db'), adminToken: ADMIN_TOKEN, tokenSecret: 'replay-token-secret-0123456789abcdef', botThinkMs: [0, 0], clientDist: null });
  events = playRecord({ mechanism: firstPrice, config: { rounds: 3, reveal: 'allBids' }, seats: [{ policy: 'equilibrium' }, { policy: 'truthful' }, { policy: 'random' }], seed: 21, id: ID });
  server.ledger.transaction(() => events.forEach((e) => server.ledger.append(e)));
});

afterAll(async () => {
  for (const row of server?.sessions.list() ?? []) {
    const room = await server.room(row.id);
    if (room && room.state.status !== 'ended') room.control('end', 'test');
  }
  await server?.close();
});

describe('records for the replay page', () => {
  it('are the experimenter’s alone', async () => {
    for (const url of [path(ID), path(ID, '/state?at=3'), path('no/such/match'), path('no/such/match', '/state?at=0')]) {
      expect((await get(url, null)).status, url).toBe(401);
      expect((await get(url, 'not-the-token')).status, url).toBe(401);
    }
  });

  it('answers 404 in plain words for a match the ledger does not hold', async () => {
    const r = await get(path('no/such/match'));
    expect(r.status).toBe(404);
    expect(r.body.error).toBe("there is no record 'no/such/match' in this server's ledger");
    expect((await get(path('no/such/match', '/state?at=0'))).status).toBe(404);
  });

  it('gives the header, every event with a summary, the final hash and the verdict', async () => {
    const r = await get(path(ID));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ match: ID, verified: true, problem: null, finalHash: events.at(-1)?.data.hash, mechanismTitle: firstPrice.title });
    expect(r.body.header).toMatchObject({ mechanism: 'first-price@1', seats: ['p0', 'p1', 'p2'], seed: 21, config: { rounds: 3, reveal: 'allBids' } });
    const lines = r.body.events as { seq: number; kind: string; at: number; seat: string | null; audience: unknown; summary: string }[];
    expect(lines.map(({ seq, kind, at, seat, audience }) => ({ seq, kind, at, seat, audience }))).toEqual(events.map(({ seq, kind, at, seat, audience }) => ({ seq, kind, at, seat, audience })));
    expect(lines.every((l) => l.summary.length > 0 && l.summary.length <= 100 && !l.summary.includes('\n'))).toBe(true);
    // Rate-limited like the other reads.
    expect(r.headers.get('ratelimit-policy')).toContain(`${RECORDS_RATE.limit}`);
    expect(r.headers.get('cache-control')).toBe('no-store');
  });

  it('rebuilds the state after any event as replay does', async () => {
    for (let seq = 0; seq < events.length; seq++) {
      const folded = replay(findMechanism, events.slice(0, seq + 1)).match;
      const r = await get(path(ID, `/state?at=${seq}&seat=p2`));
      expect(r.status, `event ${seq}`).toBe(200);
      expect(r.body).toMatchObject({ match: ID, seq, kind: events[seq]?.kind, stateId: folded.state.stateId, over: folded.over });
      expect(r.body.publicView).toEqual(folded.publicView());
      expect(r.body.progress).toEqual(folded.progress());
      expect(r.body.seat).toEqual({ seat: 'p2', view: folded.view('p2'), legal: folded.legal('p2') });
    }
    const plain = await get(path(ID, '/state?at=1'));
    expect(plain.body.seat).toBeNull();
    expect(plain.body.benchmarks).toHaveProperty('equilibrium_price');
  });

  it('answers 400 naming a bad event number, an unknown seat or a stray parameter', async () => {
    const cases: [string, RegExp][] = [
      ['/state', /^send \?at=SEQ\[&seat=SEAT\]: at: /],
      ['/state?at=x', /at: an event number/],
      ['/state?at=-1', /at: an event number/],
      ['/state?at=1.5', /at: an event number/],
      ['/state?at=1&at=2', /at: /],
      [`/state?at=${events.length}`, new RegExp(`^at: there is no event ${events.length}; this record has events 0 to ${events.length - 1}$`)],
      ['/state?at=2&seat=p9', /^seat: no seat 'p9' in this match \(its seats are p0, p1, p2\)$/],
      ['/state?at=2&player=p1', /Unrecognized key/],
      ['?at=2', /takes no query parameters/],
    ];
    for (const [rest, message] of cases) {
      const r = await get(path(ID, rest));
      expect(r.status, rest).toBe(400);
      expect(r.body.error, rest).toMatch(message);
    }
    expect((await get('/api/records/%E0%A4%A')).status).toBe(400);
  });

  it('opens a live session’s record by its session id', async () => {
    const row = await server.createSession({ mechanism: 'first-price', config: { rounds: 2, roundMs: 400 }, seats: [{ kind: 'bot', policy: 'truthful', count: 2 }], autoStart: true });
    await expect.poll(() => server.ledger.events(row.id).some((e) => e.kind === 'session_ended' || e.kind === 'match_ended'), { timeout: 15_000 }).toBe(true);
    const r = await get(path(row.id));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ match: row.id, verified: true });
    const last = (r.body.events as unknown[]).length - 1;
    const end = await get(path(row.id, `/state?at=${last}&seat=p0`));
    expect(end.body).toMatchObject({ over: true, progress: { round: 2, rounds: 2 } });
  });
});
