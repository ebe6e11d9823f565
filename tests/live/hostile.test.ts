/**
 * Hostile input against a real arena server: fuzzed messages through real SDK clients
 * and raw websockets, oversized frames, floods, forged and misplaced seat tokens, and
 * bad HTTP bodies. For every rejected input: the engine state and each seat's private
 * view are unchanged, the ledger gained nothing but recorded rejections (or the drop of
 * the offending client), and the server still serves a well-behaved client.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startArenaServer, type ArenaServer } from '../../server/arena-server.ts';
import type { ArenaRoom } from '../../rooms/arena-room.ts';
import { actMessage } from '../../rooms/protocol.ts';
import { TokenSigner } from '../../rooms/tokens.ts';
import type { LedgerEvent } from '../../mechanisms/core/ledger.ts';
import {
  ADMIN_TOKEN,
  SECRET,
  act,
  createSession,
  http,
  joinError,
  joinRoom,
  leave,
  legalOf,
  paced,
  privateView,
  removeTempDirs,
  seatToken,
  sleep,
  tempDir,
  waitFor,
  type Ack,
  type ArenaRoomClient,
  type JoinInfo,
} from './process-helpers.ts';

const SEED = 20_261_117;
const MAX_BID = 100;

/** A first-price auction that only moves when its human seats bid: no deadline, no bots. */
const auction = (humans: number) => ({
  title: 'hostile input',
  mechanism: 'first-price',
  config: { rounds: 10_000, bidStep: 1, values: { kind: 'uniformInt', low: 0, high: 100 } },
  seats: [{ kind: 'human', count: humans }],
  dropout: { policy: 'wait', graceSeconds: 60 },
  autoStart: true,
});

let server: ArenaServer;
const rooms: ArenaRoomClient[] = [];
const serverErrors: string[] = [];

beforeAll(async () => {
  // Colyseus prints every rejected frame; keep the output readable and the text for inspection.
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void serverErrors.push(args.map(String).join(' ')));
  server = await startArenaServer({ port: 0, dbPath: join(tempDir('hostile'), 'arena.db'), adminToken: ADMIN_TOKEN, tokenSecret: SECRET, botThinkMs: [0, 0] });
});

afterAll(async () => {
  for (const room of rooms) await leave(room);
  await server?.close();
  vi.restoreAllMocks();
  removeTempDirs();
});

// --- fixtures and invariants ---------------------------------------------------

interface Arena {
  readonly info: JoinInfo;
  readonly session: string;
  readonly clients: Record<string, ArenaRoomClient>;
}

async function openArena(humans = 2): Promise<Arena> {
  const info = await createSession(server.url, auction(humans));
  const clients: Record<string, ArenaRoomClient> = {};
  for (const { seat } of info.seats) {
    const token = await seatToken(server.url, info, seat);
    clients[seat] = await joinRoom(server.url, token.roomId, token.token);
    rooms.push(clients[seat]);
  }
  return { info, session: info.session, clients };
}

async function serverRoom(session: string): Promise<ArenaRoom> {
  const room = await server.room(session);
  if (!room) throw new Error(`session ${session} is not live`);
  return room;
}

interface Snapshot {
  readonly stateId: number;
  readonly hash: string;
  readonly publicView: string;
  readonly privates: Record<string, { view: string; legal: string }>;
  readonly events: LedgerEvent[];
}

async function snapshot(session: string): Promise<Snapshot> {
  const room = await serverRoom(session);
  const privates: Record<string, { view: string; legal: string }> = {};
  room.state.privates.forEach((p, seat) => (privates[seat] = { view: p.view, legal: p.legal }));
  return { stateId: room.state.stateId, hash: room.match.hash(), publicView: room.state.publicView, privates, events: server.ledger.events(session) };
}

/** Asserts that nothing but the allowed kinds of ledger events happened since `before`; returns the new events. */
async function expectUnchanged(session: string, before: Snapshot, allowed: readonly string[] = ['rejection']): Promise<LedgerEvent[]> {
  const after = await snapshot(session);
  expect(after.stateId).toBe(before.stateId);
  expect(after.hash).toBe(before.hash);
  expect(after.publicView).toBe(before.publicView);
  expect(after.privates).toEqual(before.privates);
  expect(after.events.slice(0, before.events.length)).toEqual(before.events);
  const added = after.events.slice(before.events.length);
  for (const e of added) expect(allowed, `unexpected ledger event ${e.kind}`).toContain(e.kind);
  return added;
}

/** A well-behaved client waits until its decoded state has caught up, then bids on it. */
async function bidsFine(arena: Arena, seat: string, amount = 10): Promise<number> {
  const room = await serverRoom(arena.session);
  const client = arena.clients[seat] as ArenaRoomClient;
  await waitFor(() => client.state.stateId === room.state.stateId && legalOf(client, seat).length > 0, `${seat} sees the current state and may bid`);
  const ack = await act(client, client.state.stateId, { type: 'bid', amount });
  expect(ack).toEqual({ ok: true, stateId: expect.any(Number) });
  return (ack as { stateId: number }).stateId;
}

/** Plays whole rounds: every seat bids. */
async function playRounds(arena: Arena, n: number): Promise<void> {
  for (let r = 0; r < n; r++) for (const seat of Object.keys(arena.clients)) await bidsFine(arena, seat, 20 + r);
}

/** What the client decoded for its own seat equals the server's view; no other seat's entry arrived. */
async function expectClientInSync(arena: Arena, seat: string): Promise<void> {
  const room = await serverRoom(arena.session);
  const client = arena.clients[seat] as ArenaRoomClient;
  await waitFor(() => client.state.stateId === room.state.stateId && privateView(client, seat) === room.state.privates.get(seat)?.view, `${seat}'s decoded view to match the server`);
  expect([...client.state.privates.keys()]).toEqual([seat]);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const wellFormed = (s: string): boolean => !LONE_SURROGATE.test(s);

/** JSON can carry it unchanged (what the ledger stores and hashes). */
function jsonSafe(value: unknown): boolean {
  if (value === null || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value === 'string') return wellFormed(value);
  if (Array.isArray(value)) return value.every(jsonSafe);
  if (typeof value === 'object') return Object.getPrototypeOf(value) === Object.prototype && Object.entries(value).every(([k, v]) => wellFormed(k) && jsonSafe(v));
  return false;
}

/** Would the engine accept this as a bid (its own tolerance: 1e-9 on the bounds, 1e-7 on the grid)? */
function acceptableBid(action: unknown): boolean {
  const a = action as { type?: unknown; amount?: unknown } | null;
  if (typeof a !== 'object' || a === null || a.type !== 'bid' || typeof a.amount !== 'number' || !Number.isFinite(a.amount)) return false;
  return a.amount >= -1e-9 && a.amount <= MAX_BID + 1e-9 && Math.abs(a.amount - Math.round(a.amount)) < 1e-7;
}

type Reply = { ok: true; value: unknown } | { ok: false; error: { name?: string; message?: string } };

/** Refused at the boundary, before the engine: Colyseus' validation error, or the room's BAD_MESSAGE rejection. */
const refusedAtBoundary = (reply: Reply): boolean => !reply.ok || ((reply.value as Ack | undefined)?.ok === false && (reply.value as { code: string }).code === 'BAD_MESSAGE');
async function request(room: ArenaRoomClient, type: string, payload: unknown): Promise<Reply> {
  await paced(room);
  try {
    return { ok: true, value: await room.request(type, payload) };
  } catch (error) {
    return { ok: false, error: error as { name?: string; message?: string } };
  }
}

const fuzz = <T>(arb: fc.Arbitrary<T>, check: (value: T) => Promise<void>, numRuns: number) =>
  fc.assert(
    fc.asyncProperty(arb, check),
    { numRuns, seed: SEED, endOnFailure: true },
  );

// --- fuzzed messages from a seated player ----------------------------------------

describe('fuzzed messages from a seated player', () => {
  let arena: Arena;

  beforeAll(async () => {
    arena = await openArena(2);
    await playRounds(arena, 3); // phaseId > 0, so there are stale stateIds below it
  });

  it('envelopes of any shape on act, chat, coalition and admin never act, and change nothing but recorded rejections', async () => {
    await bidsFine(arena, 'p0'); // p0 has bid this round: no action of p0 can be accepted now
    const attacker = arena.clients.p0 as ArenaRoomClient;
    const arb = fc.record({
      type: fc.constantFrom('act', 'chat', 'coalition', 'admin'),
      payload: fc.oneof(
        fc.anything(),
        fc.record({ stateId: fc.anything(), action: fc.anything() }),
        fc.record({ stateId: fc.nat(), action: fc.dictionary(fc.string(), fc.anything()) }),
        fc.record({ stateId: fc.nat(), action: fc.record({ type: fc.constant('bid'), amount: fc.integer({ min: 0, max: MAX_BID }) }), seat: fc.constant('p1') }),
        fc.record({ channel: fc.string(), text: fc.anything(), to: fc.anything() }),
        fc.record({ op: fc.oneof(fc.string(), fc.constantFrom('start', 'end', 'pause', 'invite')), to: fc.string() }),
      ),
    });
    await fuzz(
      arb,
      async ({ type, payload }) => {
        const before = await snapshot(arena.session);
        const reply = await request(attacker, type, payload);
        if (reply.ok) expect((reply.value as Ack | undefined)?.ok).not.toBe(true);
        const added = await expectUnchanged(arena.session, before);
        if (type !== 'act') expect(added).toEqual([]);
        expect(attacker.connection.isOpen).toBe(true);
      },
      100,
    );
    await bidsFine(arena, 'p1');
    await expectClientInSync(arena, 'p0');
    await expectClientInSync(arena, 'p1');
  });

  it('hostile actions in a valid envelope get a coded rejection that is recorded, and change nothing else', async () => {
    const attacker = arena.clients.p0 as ArenaRoomClient;
    const value = fc.oneof(fc.string(), fc.boolean(), fc.constant(null), fc.double(), fc.integer(), fc.array(fc.nat(), { maxLength: 3 }), fc.object({ maxDepth: 1 }));
    const action = fc
      .record(
        {
          type: fc.oneof(fc.constant('bid'), fc.constantFrom('ask', 'cancelOrder', 'contribute', 'BID', ''), fc.string({ maxLength: 70 })),
          amount: fc.oneof(value, fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: 101, max: 2 ** 40 })),
          extra: value,
        },
        { requiredKeys: ['type'] },
      )
      .filter((a) => !acceptableBid(a));
    await fuzz(
      action,
      async (a) => {
        const before = await snapshot(arena.session);
        const payload = { stateId: before.stateId, action: a };
        const reply = await request(attacker, 'act', payload);
        if (!jsonSafe(payload)) {
          // Non-JSON values (NaN, Infinity, lone surrogates) cannot be recorded as they are: they must at least never act.
          if (reply.ok) expect((reply.value as Ack | undefined)?.ok).not.toBe(true);
          await expectUnchanged(arena.session, before);
          return;
        }
        if (!actMessage.safeParse(payload).success) {
          expect(refusedAtBoundary(reply), JSON.stringify(reply)).toBe(true);
          expect(await expectUnchanged(arena.session, before)).toEqual([]);
          return;
        }
        expect(reply.ok).toBe(true);
        const ack = (reply as { value: Ack }).value;
        expect(ack.ok).toBe(false);
        expect(['INVALID_ACTION', 'NOT_ALLOWED', 'OUT_OF_RANGE']).toContain((ack as { code: string }).code);
        const added = await expectUnchanged(arena.session, before);
        expect(added.map((e) => [e.kind, e.seat, e.data.code])).toEqual([['rejection', 'p0', (ack as { code: string }).code]]);
      },
      100,
    );
    await bidsFine(arena, 'p1');
    await bidsFine(arena, 'p0');
  });

  it('stale and future stateIds are rejected with STALE_STATE and recorded', async () => {
    const attacker = arena.clients.p0 as ArenaRoomClient;
    const room = await serverRoom(arena.session);
    const { phaseId } = room.match.state;
    expect(phaseId).toBeGreaterThan(0);
    const stale = fc.oneof(fc.integer({ min: 0, max: phaseId - 1 }), fc.integer({ min: room.state.stateId + 1, max: 2 ** 31 }));
    await fuzz(
      fc.tuple(stale, fc.integer({ min: 0, max: MAX_BID })),
      async ([stateId, amount]) => {
        const before = await snapshot(arena.session);
        const ack = await act(attacker, stateId, { type: 'bid', amount });
        expect(ack).toMatchObject({ ok: false, code: 'STALE_STATE' });
        const added = await expectUnchanged(arena.session, before);
        expect(added.map((e) => [e.kind, e.seat, e.data.code, e.data.stateId])).toEqual([['rejection', 'p0', 'STALE_STATE', stateId]]);
      },
      50,
    );
    await expectClientInSync(arena, 'p0');
  });

  it('out-of-range and off-grid bids are rejected with OUT_OF_RANGE and recorded', async () => {
    const attacker = arena.clients.p0 as ArenaRoomClient;
    const amount = fc.oneof(
      fc.double({ min: -1e12, max: -1e-6, noNaN: true, noDefaultInfinity: true }),
      fc.double({ min: MAX_BID + 1e-6, max: 1e12, noNaN: true, noDefaultInfinity: true }),
      fc.tuple(fc.integer({ min: 0, max: MAX_BID - 1 }), fc.double({ min: 0.01, max: 0.99, noNaN: true })).map(([k, f]) => k + f),
    );
    await fuzz(
      amount,
      async (x) => {
        const before = await snapshot(arena.session);
        const ack = await act(attacker, before.stateId, { type: 'bid', amount: x });
        expect(ack).toMatchObject({ ok: false, code: 'OUT_OF_RANGE' });
        const added = await expectUnchanged(arena.session, before);
        expect(added.map((e) => [e.kind, e.data.code])).toEqual([['rejection', 'OUT_OF_RANGE']]);
      },
      50,
    );
  });

  it('a seat that already bid is told NOT_YOUR_TURN; naming another seat is refused at the boundary', async () => {
    const before = await snapshot(arena.session);
    const other = await request(arena.clients.p0 as ArenaRoomClient, 'act', { stateId: before.stateId, action: { type: 'bid', amount: 5 }, seat: 'p1' });
    expect(refusedAtBoundary(other)).toBe(true);
    expect(await expectUnchanged(arena.session, before)).toEqual([]);

    await bidsFine(arena, 'p0', 30);
    const mid = await snapshot(arena.session);
    await fuzz(
      fc.integer({ min: 0, max: MAX_BID }),
      async (amount) => {
        const b = await snapshot(arena.session);
        const ack = await act(arena.clients.p0 as ArenaRoomClient, b.stateId, { type: 'bid', amount });
        expect(ack).toMatchObject({ ok: false, code: 'NOT_YOUR_TURN' });
        await expectUnchanged(arena.session, b);
      },
      25,
    );
    expect(JSON.parse(mid.privates.p0?.view ?? '{}').myBid).toBe(30);
    await bidsFine(arena, 'p1');
  });

  it('unknown request types are answered with no_handler (BAD_MESSAGE for the wildcard type); the connection stays and nothing changes', async () => {
    const attacker = arena.clients.p0 as ArenaRoomClient;
    await fuzz(
      fc.string({ minLength: 1, maxLength: 40 }).filter((t) => !['act', 'chat', 'coalition', 'admin'].includes(t)),
      async (type) => {
        const before = await snapshot(arena.session);
        const reply = await request(attacker, type, { stateId: before.stateId, action: { type: 'bid', amount: 1 } });
        if (type === '*') expect(reply).toMatchObject({ ok: true, value: { ok: false, code: 'BAD_MESSAGE' } });
        else expect(reply).toMatchObject({ ok: false, error: { name: 'no_handler' } });
        expect(await expectUnchanged(arena.session, before)).toEqual([]);
      },
      40,
    );
    expect(attacker.connection.isOpen).toBe(true);
    await bidsFine(arena, 'p0');
  });

  it('roles are enforced: a spectator cannot act or chat, a player cannot use admin', async () => {
    const spectate = await http<{ roomId: string; token: string }>(server.url, 'GET', `/api/sessions/${arena.session}/spectate`);
    const spectator = await joinRoom(server.url, spectate.body.roomId, spectate.body.token);
    rooms.push(spectator);
    expect(spectator.state.privates?.size ?? 0).toBe(0);
    const before = await snapshot(arena.session);
    expect(await act(spectator, before.stateId, { type: 'bid', amount: 5 })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    const rejected = new Promise<{ code: string }>((done) => spectator.onMessage('rejected', (m: { code: string }) => done(m)));
    spectator.send('chat', { channel: 'public', text: 'hello' });
    expect(await rejected).toMatchObject({ code: 'FORBIDDEN' });
    const admin = await request(arena.clients.p1 as ArenaRoomClient, 'admin', { op: 'end' });
    expect(admin).toMatchObject({ ok: true, value: { ok: false, code: 'FORBIDDEN' } });
    expect(await expectUnchanged(arena.session, before)).toEqual([]);
    expect((await serverRoom(arena.session)).state.status).toBe('running');
    await leave(spectator);
  });
});

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
    expect((await http(server.url, 'GET', '/api/health')).status).toBe(200);
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
      ['rejection', 'seat_dropped'],
    );
    const rejections = added.filter((e) => e.kind === 'rejection');
    expect(rejections.length).toBeGreaterThan(0);
    expect(rejections.length).toBeLessThanOrEqual(limit + 1);
    expect(rejections.every((e) => e.data.code === 'STALE_STATE')).toBe(true);
  });

  it('fire-and-forget messages that fail validation, or of an unknown type, get BAD_MESSAGE, keep the connection and change nothing', async () => {
    const arena = await openArena(2);
    await playRounds(arena, 1);
    const attacker = arena.clients.p0 as ArenaRoomClient;
    const refused: { for: string; code: string }[] = [];
    attacker.onMessage('rejected', (m: { for: string; code: string }) => refused.push(m));
    const before = await snapshot(arena.session);
    const { stateId } = before;
    attacker.send('act', { stateId: 'soon', action: 42 });
    attacker.send('chat', { channel: 'telepathy', text: 7 });
    attacker.send('coalition', { op: 'invite', to: 'everyone' });
    attacker.send('admin', { op: 'warp' });
    attacker.send('teleport', { to: 'p1' });
    attacker.send('act', { stateId, action: { type: 'bid', amount: Number.NaN } });
    attacker.send('act', { stateId, action: { type: 'bid', amount: 5, note: Number.POSITIVE_INFINITY } });
    await waitFor(() => refused.length === 7, 'seven rejections');
    expect(refused).toEqual([
      { for: 'act', code: 'BAD_MESSAGE', message: expect.any(String) },
      { for: 'chat', code: 'BAD_MESSAGE', message: expect.any(String) },
      { for: 'coalition', code: 'BAD_MESSAGE', message: expect.any(String) },
      { for: 'admin', code: 'BAD_MESSAGE', message: expect.any(String) },
      { for: 'unknown', code: 'BAD_MESSAGE', message: expect.any(String) },
      { for: 'act', code: 'BAD_MESSAGE', message: expect.any(String) },
      { for: 'act', code: 'BAD_MESSAGE', message: expect.any(String) },
    ]);
    expect(attacker.connection.isOpen).toBe(true);
    expect(await expectUnchanged(arena.session, before, [])).toEqual([]);
    await bidsFine(arena, 'p1');
    await bidsFine(arena, 'p0');
    await expectClientInSync(arena, 'p0');
  });
});

// --- seat tokens ------------------------------------------------------------------

describe('seat tokens', () => {
  let arena: Arena;
  let other: JoinInfo;

  beforeAll(async () => {
    arena = await openArena(2);
    other = await createSession(server.url, auction(3));
  });

  const tamper = (token: string, edit: (claims: Record<string, unknown>) => void): string => {
    const [body, sig] = token.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
    edit(claims);
    return `${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${sig}`;
  };

  it('a forged, tampered, expired or missing token is refused with 401, and nothing changes', async () => {
    const good = server.tokens.sign({ session: arena.session, seat: 'p0', role: 'player' });
    const sig = good.split('.')[1] as string;
    const cases: unknown[] = [
      undefined,
      '',
      'not-a-token',
      tamper(good, (c) => (c.seat = 'p1')),
      tamper(good, (c) => (c.role = 'experimenter')),
      tamper(good, (c) => (c.exp = Number(c.exp) + 3600)),
      `${good.split('.')[0]}.${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`,
      server.tokens.sign({ session: arena.session, seat: 'p0', role: 'player' }, -60),
      new TokenSigner('another-secret-of-sufficient-length').sign({ session: arena.session, seat: 'p0', role: 'experimenter' }),
      'x'.repeat(5000),
    ];
    const before = await snapshot(arena.session);
    for (const token of cases) expect(await joinError(server.url, arena.info.roomId, token), String(token).slice(0, 40)).toMatchObject({ code: 401 });
    await fuzz(
      fc.oneof(fc.anything(), fc.string(), fc.base64String().map((s) => `${s}.${s}`)),
      async (token) => {
        expect(await joinError(server.url, arena.info.roomId, token)).toMatchObject({ code: 401 });
      },
      30,
    );
    expect(await expectUnchanged(arena.session, before, [])).toEqual([]);
    await bidsFine(arena, 'p0');
  });

  it("another session's token is refused with 403, and so is a seat the session does not have", async () => {
    const before = await snapshot(arena.session);
    const foreign = await seatToken(server.url, other, 'p2');
    expect(await joinError(server.url, arena.info.roomId, foreign.token)).toMatchObject({ code: 403 });
    const spectatorOfOther = (await http<{ token: string }>(server.url, 'GET', `/api/sessions/${other.session}/spectate`)).body.token;
    expect(await joinError(server.url, arena.info.roomId, spectatorOfOther)).toMatchObject({ code: 403 });
    expect(await joinError(server.url, arena.info.roomId, server.tokens.sign({ session: arena.session, seat: 'p7', role: 'player' }))).toMatchObject({ code: 403 });
    expect(await expectUnchanged(arena.session, before, [])).toEqual([]);
  });

  it('a second client on a seat already held is refused with 409; the holder keeps its seat', async () => {
    const before = await snapshot(arena.session);
    const again = await seatToken(server.url, arena.info, 'p1');
    for (let i = 0; i < 3; i++) expect(await joinError(server.url, arena.info.roomId, again.token)).toMatchObject({ code: 409 });
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
  let arena: Arena;
  let spectatorToken: string;

  beforeAll(async () => {
    arena = await openArena(2);
    spectatorToken = (await http<{ token: string }>(server.url, 'GET', `/api/sessions/${arena.session}/spectate`)).body.token;
  });

  /** Reserves a seat over HTTP and opens the room's websocket by hand; resolves after the server's first frame. */
  async function rawJoin(token: string): Promise<{ ws: WebSocket; closed: Promise<number> }> {
    const r = await http<{ sessionId: string; roomId: string; processId: string }>(server.url, 'POST', `/matchmake/joinById/${arena.info.roomId}`, { body: { token } });
    expect(r.status).toBe(200);
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/${r.body.processId}/${r.body.roomId}?sessionId=${r.body.sessionId}`);
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
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/whatever/${arena.info.roomId}?sessionId=forged`);
    const code = await new Promise<number>((done) => ws.addEventListener('close', (e) => done(e.code)));
    expect(code).not.toBe(1000);
    expect(await expectUnchanged(arena.session, before, [])).toEqual([]);
    expect((await serverRoom(arena.session)).clients).toHaveLength(2);
  });
});

// --- the HTTP API -----------------------------------------------------------------------

describe('HTTP API under bad input', () => {
  it('arbitrary bodies on every write endpoint get a 4xx, never a 5xx, and create nothing', async () => {
    const count = () => server.sessions.list(1000).length;
    const sessions = count();
    const known = (await createSession(server.url, auction(2))).session;
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
        const r = await http(server.url, 'POST', endpoint.path, { body, ...(endpoint.admin ? { admin: ADMIN_TOKEN } : {}) });
        expect(r.status, JSON.stringify(r.body)).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(500);
      },
      150,
    );
    expect(count()).toBe(sessions + 1);
    const raw = await fetch(`${server.url}/api/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"code": ' });
    expect(raw.status).toBe(400);
    const huge = await fetch(`${server.url}/api/sessions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` }, body: JSON.stringify({ title: 'x'.repeat(200_000) }) });
    expect(huge.status).toBe(413);
    expect((await http(server.url, 'GET', '/api/health')).status).toBe(200);
  });
});
