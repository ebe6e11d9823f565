/**
 * Hostile connections against a real arena server: frames beyond the size limit and
 * floods cost the sender its socket; forged, tampered, foreign and doubled seat tokens
 * are refused at the door; random raw websocket frames and bad HTTP bodies change
 * nothing. In every case the engine state, the views and the ledger are unchanged but
 * for what is recorded about the offender, and the server goes on serving.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { InProcessArena, type SeatedArena } from './helpers.ts';
import type { ArenaRoom } from '../../rooms/arena-room.ts';
import { TokenSigner } from '../../rooms/tokens.ts';
import type { LedgerEvent } from '../../mechanisms/core/ledger.ts';
import { ADMIN_TOKEN, createSession, http, joinError, seatToken, sleep, waitFor, type ArenaRoomClient, type JoinInfo } from './process-helpers.ts';
import { auction, fuzz, hostileFixtures, request, type Reply } from './hostile-fixtures.ts';

let live: InProcessArena;
const serverErrors: string[] = [];

beforeAll(async () => {
  // Colyseus prints every rejected frame; keep the output readable and the text for inspection.
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void serverErrors.push(args.map(String).join(' ')));
  live = await InProcessArena.start('hostile-transport');
});

afterAll(async () => {
  await live?.stop();
  vi.restoreAllMocks();
});

const { openArena, serverRoom, snapshot, expectUnchanged, bidsFine, playRounds, expectClientInSync } = hostileFixtures(() => live);

// --- inputs that cost the sender its connection ----------------------------------

describe('inputs that close the offending connection', () => {
  /** Runs `attack` from p0 of a fresh arena; p0's socket must close with `code`; p1 still bids afterwards. */
  async function closes(attack: (room: ArenaRoomClient, stateId: number, hosted: ArenaRoom) => void | Promise<unknown>, code: number, allowed: readonly string[]): Promise<LedgerEvent[]> {
    const arena = await openArena(2);
    await playRounds(arena, 1);
    const attacker = arena.clients.p0 as ArenaRoomClient;
    const left = new Promise<number>((done) => attacker.onLeave((c) => done(c)));
    const before = await snapshot(arena.session);
    await attack(attacker, before.stateId, await serverRoom(arena.session));
    expect(await left).toBe(code);
    await waitFor(async () => (await serverRoom(arena.session)).state.seats.get('p0')?.connected === false, 'the server to notice');
    const added = await expectUnchanged(arena.session, before, allowed);
    await bidsFine(arena, 'p1');
    await expectClientInSync(arena, 'p1');
    expect((await http(live.url, 'GET', '/api/health')).status).toBe(200);
    return added;
  }

  it('a frame beyond the websocket maxPayload closes the socket with 1009', async () => {
    const added = await closes((room, stateId) => room.send('act', { stateId, action: { type: 'bid', amount: 1, pad: 'x'.repeat(40_000) } }), 1009, ['seat_dropped']);
    expect(added.map((e) => e.kind)).toEqual(['seat_dropped']);
  });

  it('an oversized request fails and closes the socket with 1009', async () => {
    let failed: Reply | null = null;
    await closes(
      async (room, stateId) => {
        failed = await request(room, 'act', { stateId, action: { type: 'bid', amount: 1, pad: 'y'.repeat(100_000) } });
      },
      1009,
      ['seat_dropped'],
    );
    expect(failed).toMatchObject({ ok: false });
  });

  it('a flood beyond maxMessagesPerSecond closes the socket; at most that many messages were handled', async () => {
    let limit = 0;
    const added = await closes(
      (r, stateId, hosted) => {
        limit = hosted.maxMessagesPerSecond;
        expect(limit).toBeGreaterThan(0);
        expect(limit).toBeLessThan(1000);
        for (let i = 0; i < limit * 3; i++) r.send('act', { stateId: stateId + 1000 + i, action: { type: 'bid', amount: 1 } });
      },
      4002,
      ['rejection', 'refusals_suppressed', 'seat_dropped'],
    );
    const rejections = added.filter((e) => e.kind === 'rejection');
    expect(rejections.length).toBeGreaterThan(0);
    expect(rejections.length).toBeLessThanOrEqual(limit + 1);
    expect(rejections.every((e) => e.data.code === 'STALE_STATE')).toBe(true);
  });
});

// --- seat tokens ------------------------------------------------------------------

describe('seat tokens', () => {
  let arena: SeatedArena;
  let other: JoinInfo;

  beforeAll(async () => {
    arena = await openArena(2);
    other = await createSession(live.url, auction(3));
  });

  const tamper = (token: string, edit: (claims: Record<string, unknown>) => void): string => {
    const [body, sig] = token.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
    edit(claims);
    return `${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${sig}`;
  };

  it('a forged, tampered, expired or missing token is refused with 401, and nothing changes', async () => {
    const good = live.server.tokens.sign({ session: arena.session, seat: 'p0', role: 'player' });
    const sig = good.split('.')[1] as string;
    const cases: unknown[] = [
      undefined,
      '',
      'not-a-token',
      tamper(good, (c) => (c.seat = 'p1')),
      tamper(good, (c) => (c.role = 'experimenter')),
      tamper(good, (c) => (c.exp = Number(c.exp) + 3600)),
      `${good.split('.')[0]}.${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`,
      live.server.tokens.sign({ session: arena.session, seat: 'p0', role: 'player' }, -60),
      new TokenSigner('another-secret-of-sufficient-length').sign({ session: arena.session, seat: 'p0', role: 'experimenter' }),
      'x'.repeat(5000),
    ];
    const before = await snapshot(arena.session);
    for (const token of cases) expect(await joinError(live.url, arena.info.roomId, token), String(token).slice(0, 40)).toMatchObject({ code: 401 });
    await fuzz(
      fc.oneof(fc.anything(), fc.string(), fc.base64String().map((s) => `${s}.${s}`)),
      async (token) => {
        expect(await joinError(live.url, arena.info.roomId, token)).toMatchObject({ code: 401 });
      },
      30,
    );
    expect(await expectUnchanged(arena.session, before, [])).toEqual([]);
    await bidsFine(arena, 'p0');
  });

  it('a good token in any non-canonical base64url encoding (padding, spare bits, other alphabets) is refused with 401; the canonical one joins', async () => {
    const good = (await http<{ token: string }>(live.url, 'GET', `/api/sessions/${arena.session}/spectate`)).body.token;
    const [body, mac] = good.split('.') as [string, string];
    const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // The last of the MAC's 43 characters carries spare bits that a lenient decoder ignores.
    const spare = `${mac.slice(0, -1)}${letters[letters.indexOf(mac.at(-1) as string) ^ 1]}`;
    const before = await snapshot(arena.session);
    const variants = [`${good}=`, `${good}==`, `${body}.${spare}`, `${body}.${mac.slice(0, 8)}!${mac.slice(8)}`, `${body}.${mac.replace(/-/g, '+').replace(/_/g, '/')}`, `${body}==.${mac}`];
    // (The standard alphabet spells the MAC differently only when it has a - or _.)
    for (const variant of variants.filter((v) => v !== good)) expect(await joinError(live.url, arena.info.roomId, variant), variant).toMatchObject({ code: 401 });
    expect(await joinError(live.url, arena.info.roomId, good)).toBeNull();
    expect(await expectUnchanged(arena.session, before, [])).toEqual([]);
  });

  it("another session's token is refused with 403, and so is a seat the session does not have", async () => {
    const before = await snapshot(arena.session);
    const foreign = await seatToken(live.url, other, 'p2');
    expect(await joinError(live.url, arena.info.roomId, foreign.token)).toMatchObject({ code: 403 });
    const spectatorOfOther = (await http<{ token: string }>(live.url, 'GET', `/api/sessions/${other.session}/spectate`)).body.token;
    expect(await joinError(live.url, arena.info.roomId, spectatorOfOther)).toMatchObject({ code: 403 });
    expect(await joinError(live.url, arena.info.roomId, live.server.tokens.sign({ session: arena.session, seat: 'p7', role: 'player' }))).toMatchObject({ code: 403 });
    expect(await expectUnchanged(arena.session, before, [])).toEqual([]);
  });

  it('a second client on a seat already held is refused with 409; the holder keeps its seat', async () => {
    const before = await snapshot(arena.session);
    const again = await seatToken(live.url, arena.info, 'p1');
    for (let i = 0; i < 3; i++) expect(await joinError(live.url, arena.info.roomId, again.token)).toMatchObject({ code: 409 });
    expect(await expectUnchanged(arena.session, before, [])).toEqual([]);
    const room = await serverRoom(arena.session);
    expect(room.state.seats.get('p1')?.connected).toBe(true);
    expect(room.clients.filter((c) => c.userData?.seat === 'p1')).toHaveLength(1);
    await bidsFine(arena, 'p1');
    await expectClientInSync(arena, 'p1');
  });
});

// --- raw websocket frames -----------------------------------------------------------

describe('raw websocket frames', () => {
  let arena: SeatedArena;
  let spectatorToken: string;

  beforeAll(async () => {
    arena = await openArena(2);
    spectatorToken = (await http<{ token: string }>(live.url, 'GET', `/api/sessions/${arena.session}/spectate`)).body.token;
  });

  /** Reserves a seat over HTTP and opens the room's websocket by hand; resolves after the server's first frame. */
  async function rawJoin(token: string): Promise<{ ws: WebSocket; closed: Promise<number> }> {
    const r = await http<{ sessionId: string; roomId: string; processId: string }>(live.url, 'POST', `/matchmake/joinById/${arena.info.roomId}`, { body: { token } });
    expect(r.status).toBe(200);
    const ws = new WebSocket(`${live.url.replace('http', 'ws')}/${r.body.processId}/${r.body.roomId}?sessionId=${r.body.sessionId}`);
    ws.binaryType = 'arraybuffer';
    const closed = new Promise<number>((done) => ws.addEventListener('close', (e) => done(e.code)));
    await new Promise<void>((done, fail) => {
      ws.addEventListener('message', () => done(), { once: true });
      ws.addEventListener('error', () => fail(new Error('raw websocket failed')), { once: true });
    });
    return { ws, closed };
  }

  it('random frames after joining never change the match, and the server keeps serving', async () => {
    const codes = [10, 12, 13, 14, 16, 17, 18, 21, 0, 31, 255];
    await fuzz(
      fc.tuple(fc.constantFrom(...codes), fc.uint8Array({ maxLength: 300 })),
      async ([code, rest]) => {
        const before = await snapshot(arena.session);
        const { ws, closed } = await rawJoin(spectatorToken);
        ws.send(Uint8Array.from([code, ...rest]));
        await Promise.race([closed, sleep(30)]);
        ws.close();
        await closed;
        expect(await expectUnchanged(arena.session, before, [])).toEqual([]);
      },
      40,
    );
    await bidsFine(arena, 'p0');
    await bidsFine(arena, 'p1');
    await expectClientInSync(arena, 'p0');
  });

  it('a 1 MB frame is refused with 1009 before it is read', async () => {
    const before = await snapshot(arena.session);
    const { ws, closed } = await rawJoin(spectatorToken);
    ws.send(new Uint8Array(1024 * 1024).fill(13));
    expect(await closed).toBe(1009);
    expect(await expectUnchanged(arena.session, before, [])).toEqual([]);
    await bidsFine(arena, 'p0');
  });

  it('a websocket without a seat reservation is closed and joins nothing', async () => {
    const before = await snapshot(arena.session);
    const ws = new WebSocket(`${live.url.replace('http', 'ws')}/whatever/${arena.info.roomId}?sessionId=forged`);
    const code = await new Promise<number>((done) => ws.addEventListener('close', (e) => done(e.code)));
    expect(code).not.toBe(1000);
    expect(await expectUnchanged(arena.session, before, [])).toEqual([]);
    expect((await serverRoom(arena.session)).clients).toHaveLength(2);
  });
});

// --- the HTTP API -----------------------------------------------------------------------

describe('HTTP API under bad input', () => {
  it('arbitrary bodies on every write endpoint get a 4xx, never a 5xx, and create nothing', async () => {
    const count = () => live.server.sessions.list(1000).length;
    const sessions = count();
    const known = (await createSession(live.url, auction(2))).session;
    await fuzz(
      fc.tuple(
        fc.constantFrom(
          { path: '/api/join', admin: false },
          { path: '/api/sessions', admin: true },
          { path: `/api/sessions/${known}/control`, admin: true },
          { path: '/api/sessions/s00000000/control', admin: true },
          { path: '/api/sessions', admin: false },
        ),
        fc.oneof(fc.jsonValue(), fc.record({ code: fc.anything() }), fc.record({ op: fc.string() }), fc.record({ mechanism: fc.constantFrom('first-price', 'nope', ''), seats: fc.anything(), config: fc.anything() })),
      ),
      async ([endpoint, body]) => {
        const r = await http(live.url, 'POST', endpoint.path, { body, ...(endpoint.admin ? { admin: ADMIN_TOKEN } : {}) });
        expect(r.status, JSON.stringify(r.body)).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(500);
      },
      150,
    );
    expect(count()).toBe(sessions + 1);
    const raw = await fetch(`${live.url}/api/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"code": ' });
    expect(raw.status).toBe(400);
    const huge = await fetch(`${live.url}/api/sessions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` }, body: JSON.stringify({ title: 'x'.repeat(200_000) }) });
    expect(huge.status).toBe(413);
    expect((await http(live.url, 'GET', '/api/health')).status).toBe(200);
  });
});
