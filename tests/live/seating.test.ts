/**
 * Who may come into an arena, against a real server and real SDK clients: reservations
 * made with a spectator token and never followed up cannot keep the players, the bots or
 * the experimenter out; a seat whose holder dropped is held for that holder during the
 * grace period, and only the experimenter hands it to a new device; a client cannot make
 * itself a bot by saying so; and an ended room is let go while its record stays.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { matchMaker } from '@colyseus/core';
import { Client } from '@colyseus/sdk';
import { SEATING_LIMITS } from '../../rooms/seating.ts';
import { InProcessArena } from './helpers.ts';
import { auction as auctionOf } from './hostile-fixtures.ts';
import { follow, privateView, ADMIN_TOKEN, act, createSession, fromAddress, http, joinError, joinRoom, legalOf, seatToken, sleep, waitFor, type ArenaRoomClient, type JoinInfo } from './process-helpers.ts';

let live: InProcessArena;

beforeAll(async () => {
  vi.spyOn(console, 'info').mockImplementation(() => undefined); // the SDK narrates every reconnection attempt
  live = await InProcessArena.start('seating', [0, 10], { endedLingerMs: 300 });
});

afterAll(async () => {
  await live?.stop();
  vi.restoreAllMocks();
});

const auction = (humans: number) => auctionOf(humans, 'seating');

const ledger = (session: string) => live.server.ledger.events(session);

/** Kills a seat's socket on the server side, as a network failure would. */
async function cutFromServer(session: string, seat: string): Promise<void> {
  const room = await live.room(session);
  const client = room.clients.find((c) => c.userData?.seat === seat);
  if (!client) throw new Error(`nobody holds ${seat}`);
  (client.ref as unknown as { terminate(): void }).terminate();
}

async function bids(session: string, client: ArenaRoomClient, seat: string, amount = 10): Promise<unknown> {
  const room = await live.room(session);
  await waitFor(() => client.state.stateId === room.state.stateId && legalOf(client, seat).length > 0, `${seat} to see the current state and be allowed to bid`);
  return act(client, client.state.stateId, { type: 'bid', amount });
}

describe('reservations nobody follows up', () => {
  it('spectator reservations from many addresses cannot keep the players, a bot or the experimenter out', async () => {
    const info = await createSession(live.url, auction(3));
    const spectate = await http<{ token: string }>(live.url, 'GET', `/api/sessions/${info.session}/spectate`);
    const limits = SEATING_LIMITS;
    // More addresses than the spectator places can take, each asking for more than its share.
    const addresses = Array.from({ length: Math.ceil(limits.spectators / limits.spectatorsPerAddress) + 2 }, (_, i) => `127.0.0.${i + 2}`);
    const statuses: number[] = [];
    for (const address of addresses) {
      const replies = await Promise.all(
        Array.from({ length: limits.spectatorsPerAddress + 5 }, () => fromAddress(live.server.port, address, 'POST', `/matchmake/joinById/${info.roomId}`, { body: { token: spectate.body.token } })),
      );
      statuses.push(...replies.map((r) => r.status));
    }
    const granted = statuses.filter((s) => s === 200).length;
    expect(granted).toBe(limits.spectators);
    expect(statuses.filter((s) => s !== 200).every((s) => s === 429 || s === 503)).toBe(true);
    // A header naming another client changes nothing: it is not the server's to believe.
    const spoofed = await fromAddress(live.server.port, '127.0.0.2', 'POST', `/matchmake/joinById/${info.roomId}`, { body: { token: spectate.body.token }, headers: { 'x-forwarded-for': '10.9.8.7', 'x-real-ip': '10.9.8.7' } });
    expect(spoofed.status).not.toBe(200);

    // Every seat, a bot and the experimenter still get in while the reservations are pending.
    const players: ArenaRoomClient[] = [];
    for (const seat of ['p0', 'p1']) {
      const token = await seatToken(live.url, info, seat);
      players.push(live.track(await joinRoom(live.url, token.roomId, token.token)));
    }
    const botToken = await http<{ token: string; roomId: string }>(live.url, 'POST', `/api/sessions/${info.session}/seats/p2/bot`, { body: { policy: 'truthful' }, admin: ADMIN_TOKEN });
    expect(botToken.status).toBe(200);
    live.track(await joinRoom(live.url, botToken.body.roomId, botToken.body.token));
    live.track(await joinRoom(live.url, info.roomId, info.experimenterToken));
    expect(await bids(info.session, players[0] as ArenaRoomClient, 'p0')).toMatchObject({ ok: true });
    const room = await live.room(info.session);
    expect(room.state.seats.get('p2')).toMatchObject({ holder: 'bot', policy: 'truthful', connected: true });
  });

  it('a bot token is the experimenter\'s to give', async () => {
    const info = await createSession(live.url, auction(2));
    expect((await http(live.url, 'POST', `/api/sessions/${info.session}/seats/p0/bot`, { body: { policy: 'truthful' } })).status).toBe(401);
    expect((await http(live.url, 'POST', `/api/sessions/${info.session}/seats/p9/bot`, { body: { policy: 'truthful' }, admin: ADMIN_TOKEN })).status).toBe(404);
    expect((await http(live.url, 'POST', `/api/sessions/${info.session}/seats/p0/bot`, { body: { policy: 'zi-c' }, admin: ADMIN_TOKEN })).status).toBe(400);
  });
});

describe('a seat belongs to one holder', () => {
  it('while its holder is dropped and within the grace period, a second join with the same code is refused (SEAT_HELD); the holder comes back and acts', async () => {
    const info = await createSession(live.url, auction(2));
    const first = await seatToken(live.url, info, 'p0');
    const holder = live.track(await joinRoom(live.url, first.roomId, first.token, { reconnect: true }));
    await waitFor(() => privateView(holder, 'p0') !== undefined, 'its view');
    const value = JSON.parse(privateView(holder, 'p0') ?? 'null') as { value: number };
    // The holder comes back only when the test says so (the SDK would reconnect at once, ending the hold).
    holder.reconnection.enabled = false;
    await cutFromServer(info.session, 'p0');
    await waitFor(() => ledger(info.session).some((e) => e.kind === 'seat_dropped' && e.seat === 'p0'), 'the drop');
    const second = await seatToken(live.url, info, 'p0');
    for (let i = 0; i < 3; i++) {
      const refused = await joinError(live.url, second.roomId, second.token);
      expect(refused).toMatchObject({ code: 409 });
      expect(refused?.message).toMatch(/^SEAT_HELD: /);
    }
    // The holder's own reconnection (with its reconnection token, as the SDK does it) is welcome.
    const back = live.track(follow((await new Client(live.url).reconnect(holder.reconnectionToken)) as ArenaRoomClient));
    await waitFor(() => ledger(info.session).some((e) => e.kind === 'seat_reconnected' && e.seat === 'p0'), 'the holder to come back', 10_000);
    await waitFor(() => privateView(back, 'p0') !== undefined, 'its view');
    expect(JSON.parse(privateView(back, 'p0') ?? 'null')).toEqual(value);
    expect(await bids(info.session, back, 'p0')).toMatchObject({ ok: true });
    expect(ledger(info.session).filter((e) => e.kind === 'seat_joined' && e.seat === 'p0')).toHaveLength(1);
  });

  it('the experimenter releases a dropped seat for a new device: the old hold ends (recorded), the old client cannot come back, the new one plays', async () => {
    const info = await createSession(live.url, auction(2));
    const first = await seatToken(live.url, info, 'p0');
    const old = live.track(await joinRoom(live.url, first.roomId, first.token));
    const left = new Promise<number>((done) => old.onLeave((code) => done(code)));
    await cutFromServer(info.session, 'p0');
    await left;
    await waitFor(() => ledger(info.session).some((e) => e.kind === 'seat_dropped' && e.seat === 'p0'), 'the drop');
    const released = await http(live.url, 'POST', `/api/sessions/${info.session}/seats/p0/release`, { admin: ADMIN_TOKEN });
    expect(released).toMatchObject({ status: 200, body: { ok: true } });
    expect(ledger(info.session).filter((e) => e.kind === 'seat_released')).toMatchObject([{ seat: 'p0', data: { by: 'api', connected: false } }]);
    // The old connection's reconnection token no longer opens the seat.
    old.reconnection.enabled = false;
    await expect(new Client(live.url).reconnect(old.reconnectionToken)).rejects.toThrow();
    const fresh = await seatToken(live.url, info, 'p0');
    const device = live.track(await joinRoom(live.url, fresh.roomId, fresh.token));
    expect(await bids(info.session, device, 'p0')).toMatchObject({ ok: true });
    expect((await live.room(info.session)).state.seats.get('p0')).toMatchObject({ holder: 'human', connected: true });
  });

  it('releasing a connected seat lets its holder go at once with a reason; a second device then joins', async () => {
    const info = await createSession(live.url, auction(2));
    const first = await seatToken(live.url, info, 'p1');
    const old = live.track(await joinRoom(live.url, first.roomId, first.token));
    const left = new Promise<number>((done) => old.onLeave((code) => done(code)));
    expect((await joinError(live.url, first.roomId, (await seatToken(live.url, info, 'p1')).token))?.message).toMatch(/^SEAT_TAKEN: /);
    expect((await http(live.url, 'POST', `/api/sessions/${info.session}/seats/p1/release`, { admin: ADMIN_TOKEN })).status).toBe(200);
    expect(await left).toBe(4000);
    const device = live.track(await joinRoom(live.url, first.roomId, (await seatToken(live.url, info, 'p1')).token));
    expect(await bids(info.session, device, 'p1')).toMatchObject({ ok: true });
    expect((await http(live.url, 'POST', `/api/sessions/${info.session}/seats/p7/release`, { admin: ADMIN_TOKEN })).status).toBe(404);
    expect((await http(live.url, 'POST', `/api/sessions/${info.session}/seats/p1/release`)).status).toBe(401);
  });
});

describe('only the server says who is a bot', () => {
  it('a person who joins saying agent "bot:truthful" is shown and recorded as a person', async () => {
    const info = await createSession(live.url, auction(2));
    const token = await seatToken(live.url, info, 'p0');
    live.track(await joinRoom(live.url, token.roomId, token.token, { agent: 'bot:truthful' }));
    const room = await live.room(info.session);
    expect(room.state.seats.get('p0')).toMatchObject({ holder: 'human', policy: '' });
    expect(ledger(info.session).find((e) => e.kind === 'seat_joined' && e.seat === 'p0')?.data).toMatchObject({ holder: 'human', client: 'bot:truthful' });
    expect(ledger(info.session).find((e) => e.kind === 'seat_joined' && e.seat === 'p0')?.data).not.toHaveProperty('policy');
  });
});

describe('an ended session', () => {
  it('lets its room go after the linger time; its record stays exportable and control says it is not live', async () => {
    const info: JoinInfo = await createSession(live.url, auction(2));
    const roomId = info.roomId;
    expect((await http(live.url, 'POST', `/api/sessions/${info.session}/control`, { body: { op: 'end' }, admin: ADMIN_TOKEN })).status).toBe(200);
    await waitFor(() => matchMaker.getLocalRoomById(roomId) === undefined, 'the ended room to be disposed', 5000);
    expect(await live.server.room(info.session)).toBeNull();
    const exported = await fetch(`${live.url}/api/sessions/${info.session}/export.jsonl`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(exported.status).toBe(200);
    expect(await exported.text()).toContain('"kind":"session_ended"');
    expect((await http(live.url, 'POST', `/api/sessions/${info.session}/control`, { body: { op: 'pause' }, admin: ADMIN_TOKEN })).status).toBe(409);
    await sleep(10);
  });
});
