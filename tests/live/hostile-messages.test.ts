/**
 * Hostile messages against a real arena server, through real SDK clients: fuzzed
 * envelopes on every message type, hostile actions in valid envelopes, stale stateIds,
 * out-of-range bids, other seats' actions, unknown types, wrong roles. Every one gets a
 * coded rejection (the request's reply, or a `rejected` message for a plain send), the
 * engine state, every view and the ledger are unchanged but for recorded rejections,
 * the sender keeps its connection, and well-behaved clients play on.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { InProcessArena, type SeatedArena } from './helpers.ts';
import { actMessage } from '../../rooms/protocol.ts';
import { viewsOf, act, http, joinRoom, leave, waitFor, type Ack, type ArenaRoomClient } from './process-helpers.ts';
import { MAX_BID, ROOMY_BUDGET, acceptableBid, fuzz, hostileFixtures, jsonSafe, refusedAtBoundary, request } from './hostile-fixtures.ts';

let live: InProcessArena;
const serverErrors: string[] = [];

beforeAll(async () => {
  // Colyseus prints every rejected frame; keep the output readable and the text for inspection.
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void serverErrors.push(args.map(String).join(' ')));
  live = await InProcessArena.start('hostile-messages', [0, 0], { seatBudget: ROOMY_BUDGET });
});

afterAll(async () => {
  await live?.stop();
  vi.restoreAllMocks();
});

const { openArena, serverRoom, snapshot, expectUnchanged, bidsFine, playRounds, expectClientInSync } = hostileFixtures(() => live);

// --- fuzzed messages from a seated player ----------------------------------------

describe('fuzzed messages from a seated player', () => {
  let arena: SeatedArena;

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
    const spectate = await http<{ roomId: string; token: string }>(live.url, 'GET', `/api/sessions/${arena.session}/spectate`);
    const spectator = await joinRoom(live.url, spectate.body.roomId, spectate.body.token);
    live.track(spectator);
    await viewsOf(spectator).ready;
    expect(viewsOf(spectator).seats).toEqual([]);
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
