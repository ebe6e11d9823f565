/**
 * A ledger that refuses writes, against a real server: the SQLite file is capped at its
 * size (`ledger.maxBytes`), so the next write that needs a page fails with SQLite's own
 * "database or disk is full", exactly as on a full disk. The refused bid never happens
 * (the engine state and its hash are as before, nobody sees it), the session pauses with a
 * coded alert to every client and the experimenter, nothing else is accepted meanwhile,
 * and the record on disk stays a verifiable prefix. Once the store takes writes again, the
 * experimenter resumes the session and play goes on with an unbroken chain.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifyChain } from '../../mechanisms/core/ledger.ts';
import { replay } from '../../mechanisms/core/replay.ts';
import { findMechanism } from '../../mechanisms/registry.ts';
import { InProcessArena } from './helpers.ts';
import { auction as auctionOf } from './hostile-fixtures.ts';
import { ADMIN_TOKEN, act, http, joinRoom, legalOf, waitFor, type Ack, type ArenaRoomClient } from './process-helpers.ts';

let live: InProcessArena;
const serverErrors: string[] = [];

beforeAll(async () => {
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void serverErrors.push(args.map(String).join(' ')));
  live = await InProcessArena.start('store-failure');
});

afterAll(async () => {
  live.server.ledger.maxBytes = null;
  await live?.stop();
  vi.restoreAllMocks();
});

const auction = auctionOf(2, 'store failure');

const alerts = new Map<ArenaRoomClient, { code: string; message: string }[]>();
function listen(room: ArenaRoomClient): ArenaRoomClient {
  const got: { code: string; message: string }[] = [];
  alerts.set(room, got);
  room.onMessage('alert', (m: { code: string; message: string }) => got.push(m));
  return room;
}

describe('a ledger that refuses writes', () => {
  it('pauses the session without changing the game, tells everyone, keeps the record verifiable, and resumes once the store takes writes again', async () => {
    const arena = await live.seat(auction);
    const session = arena.session;
    const p0 = listen(arena.clients.p0 as ArenaRoomClient);
    const p1 = listen(arena.clients.p1 as ArenaRoomClient);
    const experimenter = listen(live.track(await joinRoom(live.url, arena.info.roomId, arena.info.experimenterToken)));
    const spectate = await http<{ token: string; roomId: string }>(live.url, 'GET', `/api/sessions/${session}/spectate`);
    const spectator = listen(live.track(await joinRoom(live.url, spectate.body.roomId, spectate.body.token)));
    const room = await live.room(session);

    const bid = async (client: ArenaRoomClient, seat: string, amount: number): Promise<Ack> => {
      await waitFor(() => client.state.stateId === room.state.stateId && (legalOf(client, seat).length > 0 || room.state.status !== 'running'), `${seat} to catch up`);
      return act(client, client.state.stateId, { type: 'bid', amount });
    };

    // The file may not grow any more: play until a write needs a page it cannot have.
    live.server.ledger.maxBytes = live.server.ledger.sizeBytes;
    let refused: Ack | null = null;
    let before = { hash: '', stateId: 0, publicView: '', view: '' };
    for (let round = 0; round < 100 && !refused; round++) {
      for (const [client, seat] of [[p0, 'p0'], [p1, 'p1']] as const) {
        room.syncViews();
        before = { hash: room.match.hash(), stateId: room.match.state.stateId, publicView: room.publicViewJson, view: JSON.stringify(room.seatView(seat)?.view) };
        const ack = await bid(client, seat, 10 + (round % 50));
        if (!ack.ok) {
          refused = ack;
          break;
        }
      }
    }
    expect(refused).toMatchObject({ ok: false, code: 'STORE_FAILED', message: expect.stringMatching(/full/) });

    // The refused bid did not happen, and nobody was shown it.
    room.syncViews();
    expect(room.match.hash()).toBe(before.hash);
    expect(room.match.state.stateId).toBe(before.stateId);
    expect(room.state.stateId).toBe(before.stateId);
    expect(room.publicViewJson).toBe(before.publicView);
    expect(room.state).toMatchObject({ status: 'paused', alert: 'STORE_FAILED' });
    for (const client of [p0, p1, experimenter, spectator]) {
      await waitFor(() => (alerts.get(client) ?? []).some((a) => a.code === 'STORE_FAILED'), 'the alert to reach every client');
      await waitFor(() => (client.state as unknown as { alert: string }).alert === 'STORE_FAILED', 'the alert in every client state');
    }

    // The record on disk is a verifiable prefix that replays to the state the room holds.
    const stored = live.server.ledger.events(session);
    expect(verifyChain(stored)).toBeNull();
    expect(replay(findMechanism, stored).hash).toBe(room.match.hash());

    // Nothing is accepted meanwhile; resuming while the store still refuses is refused too.
    expect(await act(p1, p1.state.stateId, { type: 'bid', amount: 5 })).toMatchObject({ ok: false, code: 'STORE_FAILED' });
    expect(await p1.request('chat', { channel: 'public', text: 'hello?' })).toMatchObject({ ok: false });
    const stillFull = await http(live.url, 'POST', `/api/sessions/${session}/control`, { body: { op: 'resume' }, admin: ADMIN_TOKEN });
    expect(stillFull).toMatchObject({ status: 409, body: { ok: false, code: 'STORE_FAILED' } });
    expect(live.server.ledger.events(session)).toEqual(stored);

    // The store takes writes again: the experimenter resumes, the alert clears, play goes on.
    live.server.ledger.maxBytes = null;
    expect(await http(live.url, 'POST', `/api/sessions/${session}/control`, { body: { op: 'resume' }, admin: ADMIN_TOKEN })).toMatchObject({ status: 200, body: { ok: true } });
    expect(room.state).toMatchObject({ status: 'running', alert: '' });
    await waitFor(() => (alerts.get(p0) ?? []).some((a) => a.code === ''), 'the all-clear');
    const seat = (room.seatView('p0')?.legal.length ?? 0) > 0 ? 'p0' : 'p1';
    expect(await bid(seat === 'p0' ? p0 : p1, seat, 33)).toMatchObject({ ok: true });
    const after = live.server.ledger.events(session);
    expect(verifyChain(after)).toBeNull();
    expect(after.slice(0, stored.length)).toEqual(stored);
    expect(after.slice(stored.length).map((e) => e.kind)).toContain('store_recovered');
    expect(replay(findMechanism, after).hash).toBe(room.match.hash());
    expect(serverErrors.some((line) => /could not be written/.test(line))).toBe(true);
  }, 60_000);
});
