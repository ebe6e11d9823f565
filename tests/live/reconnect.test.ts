/**
 * Dropped connections against a real arena server and real SDK clients: a seat whose
 * socket dies (server side or client side) is reconnected by the SDK within the grace
 * period and keeps its seat, its private view and its right to act; the ledger records
 * the drop and the return. Past the grace period, or after a consented leave, the
 * session's dropout policy decides: 'replace' seats a bot (recorded as seat_replaced, and
 * the bot's actions land in the ledger) until its person comes back and takes it over again;
 * 'wait' keeps the seat for its human.
 */
import { Client } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ArenaRoom } from '../../rooms/arena-room.ts';
import type { LedgerEvent } from '../../mechanisms/core/ledger.ts';
import {
  act,
  joinError,
  joinRoom,
  leave,
  legalOf,
  privateView,
  seatToken,
  sleep,
  waitFor,
  type ArenaRoomClient,
  type DecodedState,
  serverView,
  viewsOf,
  follow,
} from './process-helpers.ts';
import { InProcessArena, type SeatedArena } from './helpers.ts';

type Dropout = { policy: 'wait' | 'replace'; graceSeconds: number; bot?: string };

const auction = (dropout: Dropout) => ({
  title: 'reconnection',
  mechanism: 'first-price',
  config: { rounds: 1000, bidStep: 1, values: { kind: 'uniformInt', low: 0, high: 100 } },
  seats: [{ kind: 'human', count: 2 }],
  dropout,
  autoStart: true,
});

let live: InProcessArena;

beforeAll(async () => {
  vi.spyOn(console, 'info').mockImplementation(() => undefined); // the SDK narrates every reconnection attempt
  live = await InProcessArena.start('reconnect', [0, 10]);
});

afterAll(async () => {
  await live?.stop();
  vi.restoreAllMocks();
});

const openArena = (dropout: Dropout, reconnect: boolean): Promise<SeatedArena> => live.seat(auction(dropout), { reconnect });
const serverRoom = (session: string): Promise<ArenaRoom> => live.room(session);

/** Kills a seat's socket on the server side, as a network failure would (the client sees 1006). */
async function cutFromServer(session: string, seat: string): Promise<void> {
  const room = await serverRoom(session);
  const client = room.clients.find((c) => c.userData?.seat === seat);
  if (!client) throw new Error(`nobody holds ${seat}`);
  (client.ref as unknown as { terminate(): void }).terminate();
}

const events = (session: string): LedgerEvent[] => live.server.ledger.events(session);
const seatEvents = (session: string, seat: string, kinds: readonly string[]) => events(session).filter((e) => e.seat === seat && kinds.includes(e.kind));
const SEAT_KINDS = ['seat_joined', 'seat_dropped', 'seat_reconnected', 'seat_left', 'seat_replaced'];

/** The client bids on the state it decoded, once that has caught up with the server; returns the ack. */
async function bidOnOwnView(session: string, client: ArenaRoomClient, seat: string, amount = 10) {
  const room = await serverRoom(session);
  await waitFor(() => client.state.stateId === room.state.stateId && legalOf(client, seat).length > 0, `${seat} to see the current state and be allowed to bid`);
  return act(client, client.state.stateId, { type: 'bid', amount });
}

/** The seat's decoded private view is the server's, and no other seat's entry is there. */
async function expectOwnView(session: string, client: ArenaRoomClient, seat: string): Promise<void> {
  const room = await serverRoom(session);
  await waitFor(() => privateView(client, seat) === serverView(room, seat) && client.state.stateId === room.state.stateId, `${seat}'s view to match the server`);
  expect(viewsOf(client).seats).toEqual([seat]);
}

const valueOf = (client: ArenaRoomClient, seat: string): number => (JSON.parse(privateView(client, seat) ?? 'null') as { value: number }).value;

describe('reconnection within the grace period', () => {
  it('a socket cut on the server side: the SDK reconnects to the same seat with the same view, and acts again', async () => {
    const arena = await openArena({ policy: 'replace', graceSeconds: 10, bot: 'truthful' }, true);
    const p0 = arena.clients.p0 as ArenaRoomClient;
    expect(await bidOnOwnView(arena.session, arena.clients.p1 as ArenaRoomClient, 'p1')).toMatchObject({ ok: true });
    await expectOwnView(arena.session, p0, 'p0');
    const sessionId = p0.sessionId;
    const view = privateView(p0, 'p0');
    const dropped = new Promise<number>((done) => p0.onDrop((code) => done(code)));
    const back = new Promise<void>((done) => p0.onReconnect(() => done()));

    await cutFromServer(arena.session, 'p0');
    expect(await dropped).toBe(1006);
    await back;
    expect(p0.sessionId).toBe(sessionId);
    await waitFor(async () => (await serverRoom(arena.session)).state.seats.get('p0')?.connected, 'p0 connected again');
    await expectOwnView(arena.session, p0, 'p0');
    expect(privateView(p0, 'p0')).toBe(view);

    const ack = await bidOnOwnView(arena.session, p0, 'p0', 42);
    expect(ack).toMatchObject({ ok: true });
    expect(seatEvents(arena.session, 'p0', [...SEAT_KINDS, 'action']).map((e) => e.kind)).toEqual(['seat_joined', 'seat_dropped', 'seat_reconnected', 'action']);
    const action = events(arena.session).find((e) => e.kind === 'action' && e.seat === 'p0');
    expect(action?.data).toMatchObject({ action: { type: 'bid', amount: 42 }, next: (ack as { stateId: number }).stateId });
    expect(seatEvents(arena.session, 'p0', ['seat_replaced'])).toEqual([]);
  });

  it('a socket closed on the client side (the browser went offline): same seat, same view, acts again', async () => {
    const arena = await openArena({ policy: 'wait', graceSeconds: 10 }, true);
    const p1 = arena.clients.p1 as ArenaRoomClient;
    expect(await bidOnOwnView(arena.session, arena.clients.p0 as ArenaRoomClient, 'p0')).toMatchObject({ ok: true });
    await expectOwnView(arena.session, p1, 'p1');
    const sessionId = p1.sessionId;
    const value = valueOf(p1, 'p1');
    const back = new Promise<void>((done) => p1.onReconnect(() => done()));

    p1.connection.close(4010); // what the SDK does itself on the browser's "offline" event
    await waitFor(() => seatEvents(arena.session, 'p1', ['seat_dropped']).length === 1, 'the server to record the drop');
    await back;
    expect(p1.sessionId).toBe(sessionId);
    await expectOwnView(arena.session, p1, 'p1');
    expect(valueOf(p1, 'p1')).toBe(value);
    expect(await bidOnOwnView(arena.session, p1, 'p1')).toMatchObject({ ok: true });
    expect(seatEvents(arena.session, 'p1', SEAT_KINDS).map((e) => e.kind)).toEqual(['seat_joined', 'seat_dropped', 'seat_reconnected']);
    // The round closed with both bids: both seats see its result.
    await waitFor(() => (JSON.parse(privateView(p1, 'p1') ?? '{}') as { history?: unknown[] }).history?.length === 1, 'p1 to see the closed round');
  });

  it('a reloaded page: a fresh SDK client reconnects with the reconnection token and takes the seat back', async () => {
    const arena = await openArena({ policy: 'replace', graceSeconds: 10, bot: 'truthful' }, false);
    const old = arena.clients.p0 as ArenaRoomClient;
    await expectOwnView(arena.session, old, 'p0');
    const token = old.reconnectionToken;
    const value = valueOf(old, 'p0');
    const left = new Promise<number>((done) => old.onLeave((code) => done(code)));
    await cutFromServer(arena.session, 'p0');
    expect(await left).toBe(1006);

    const fresh = follow(await new Client(live.url).reconnect<DecodedState>(token));
    live.track(fresh);
    fresh.onMessage('*', () => undefined);
    expect(fresh.sessionId).toBe(old.sessionId);
    await expectOwnView(arena.session, fresh, 'p0');
    expect(valueOf(fresh, 'p0')).toBe(value);
    expect(await bidOnOwnView(arena.session, fresh, 'p0')).toMatchObject({ ok: true });
    expect(seatEvents(arena.session, 'p0', SEAT_KINDS).map((e) => e.kind)).toEqual(['seat_joined', 'seat_dropped', 'seat_reconnected']);
  });
});

describe("dropout policy 'replace'", () => {
  /** After seat_replaced, the bot holds the seat and its bids are in the ledger. */
  async function expectBotPlays(arena: SeatedArena, seat: string, other: string): Promise<void> {
    await waitFor(() => seatEvents(arena.session, seat, ['seat_replaced']).length === 1, `${seat} to be replaced`);
    const replaced = seatEvents(arena.session, seat, ['seat_replaced'])[0] as LedgerEvent;
    expect(replaced.data).toMatchObject({ from: 'human', to: 'truthful' });
    const room = await serverRoom(arena.session);
    await waitFor(() => room.state.seats.get(seat)?.connected && room.clients.some((c) => c.userData?.seat === seat), `the bot to sit on ${seat}`);
    expect(room.state.seats.get(seat)).toMatchObject({ holder: 'bot', policy: 'truthful' });
    // The remaining human plays on; the bot answers on the replaced seat.
    for (let round = 0; round < 2; round++) {
      expect(await bidOnOwnView(arena.session, arena.clients[other] as ArenaRoomClient, other)).toMatchObject({ ok: true });
      await waitFor(() => events(arena.session).filter((e) => e.kind === 'round_closed').length > round, `round ${round + 1} to close`, 5000);
    }
    const botActions = events(arena.session).filter((e) => e.kind === 'action' && e.seat === seat && e.seq > replaced.seq);
    expect(botActions.length).toBeGreaterThanOrEqual(2);
    const joined = seatEvents(arena.session, seat, ['seat_joined']).at(-1) as LedgerEvent;
    expect(joined.seq).toBeGreaterThan(replaced.seq);
    expect(joined.data).toMatchObject({ holder: 'bot', policy: 'truthful' });
    // The person who comes back with the seat's token takes it back from the bot, which is let go.
    const again = await seatToken(live.url, arena.info, seat);
    const back = await joinRoom(live.url, arena.info.roomId, again.token);
    live.track(back);
    await waitFor(() => seatEvents(arena.session, seat, ['seat_claimed']).length === 1, `${seat} to be taken back`);
    expect(seatEvents(arena.session, seat, ['seat_claimed'])[0]?.data).toMatchObject({ from: 'bot', policy: 'truthful', to: 'human' });
    await waitFor(() => room.state.seats.get(seat)?.holder === 'human' && room.clients.filter((c) => c.userData?.seat === seat).length === 1, `the bot to leave ${seat}`);
  }

  it('a consented leave hands the seat to the bot at once', async () => {
    const arena = await openArena({ policy: 'replace', graceSeconds: 1, bot: 'truthful' }, false);
    await leave(arena.clients.p0 as ArenaRoomClient);
    await expectBotPlays(arena, 'p0', 'p1');
    expect(seatEvents(arena.session, 'p0', SEAT_KINDS).map((e) => e.kind)).toEqual(['seat_joined', 'seat_left', 'seat_replaced', 'seat_joined', 'seat_joined']);
  });

  it('a drop past the grace period hands the seat to the bot, not before', async () => {
    const arena = await openArena({ policy: 'replace', graceSeconds: 1, bot: 'truthful' }, false);
    const dropAt = Date.now();
    await cutFromServer(arena.session, 'p0');
    await waitFor(() => seatEvents(arena.session, 'p0', ['seat_dropped']).length === 1, 'the drop');
    await sleep(300);
    expect(seatEvents(arena.session, 'p0', ['seat_left', 'seat_replaced'])).toEqual([]);
    await expectBotPlays(arena, 'p0', 'p1');
    const replaced = seatEvents(arena.session, 'p0', ['seat_replaced'])[0] as LedgerEvent;
    const dropped = seatEvents(arena.session, 'p0', ['seat_dropped'])[0] as LedgerEvent;
    expect(replaced.at - dropped.at).toBeGreaterThanOrEqual(900); // match time: the grace period passed first
    expect(Date.now() - dropAt).toBeGreaterThanOrEqual(1000);
    expect(seatEvents(arena.session, 'p0', SEAT_KINDS).map((e) => e.kind)).toEqual(['seat_joined', 'seat_dropped', 'seat_left', 'seat_replaced', 'seat_joined', 'seat_joined']);
  });
});

describe("dropout policy 'wait'", () => {
  it('nothing is replaced: the seats wait for their humans, who can come back and act', async () => {
    const arena = await openArena({ policy: 'wait', graceSeconds: 1 }, false);
    await leave(arena.clients.p0 as ArenaRoomClient);
    await cutFromServer(arena.session, 'p1');
    await waitFor(() => seatEvents(arena.session, 'p1', ['seat_left']).length === 1, 'p1 to be let go after the grace period', 4000);
    await sleep(300);
    const room = await serverRoom(arena.session);
    expect(events(arena.session).filter((e) => e.kind === 'seat_replaced')).toEqual([]);
    expect(room.clients).toHaveLength(0);
    expect(room.state.seats.get('p0')).toMatchObject({ holder: 'human', connected: false });
    expect(room.state.seats.get('p1')).toMatchObject({ holder: 'human', connected: false });
    const idle = events(arena.session).length;

    // The humans come back with fresh tokens from their join codes.
    for (const seat of ['p0', 'p1']) {
      const token = await seatToken(live.url, arena.info, seat);
      const client = await joinRoom(live.url, token.roomId, token.token);
      live.track(client);
      await expectOwnView(arena.session, client, seat);
      expect(await bidOnOwnView(arena.session, client, seat)).toMatchObject({ ok: true });
    }
    const after = events(arena.session).slice(idle);
    expect(after.filter((e) => e.kind === 'seat_joined').map((e) => e.seat)).toEqual(['p0', 'p1']);
    expect(after.filter((e) => e.kind === 'action').map((e) => e.seat)).toEqual(['p0', 'p1']);
  });

});

describe('a second join during the grace period', () => {
  // The seat is held for its dropped holder (rooms/seating.ts): a fresh token for it is
  // refused until the grace period ends, and then the dropout policy decides as usual.
  it('is refused with SEAT_HELD; when the grace period ends unanswered, the seat goes to the bot', async () => {
    const arena = await openArena({ policy: 'replace', graceSeconds: 1, bot: 'truthful' }, false);
    await cutFromServer(arena.session, 'p0');
    await waitFor(() => seatEvents(arena.session, 'p0', ['seat_dropped']).length === 1, 'the drop');
    const token = await seatToken(live.url, arena.info, 'p0');
    const refused = await joinError(live.url, token.roomId, token.token);
    expect(refused).toMatchObject({ code: 409 });
    expect(refused?.message).toMatch(/^SEAT_HELD: /);
    await waitFor(() => seatEvents(arena.session, 'p0', ['seat_replaced']).length === 1, 'the bot to take the seat', 5000);
    const room = await serverRoom(arena.session);
    await waitFor(() => room.state.seats.get('p0')?.connected === true, 'the bot to connect');
    expect(room.state.seats.get('p0')).toMatchObject({ holder: 'bot', policy: 'truthful' });
  });
});
