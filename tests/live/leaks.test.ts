/**
 * DESIGN §10.2 on the wire: for every registered mechanism, a live session with human
 * seats (SDK clients that joined by code), bot seats, a spectator and the experimenter
 * plays to its end; then every private value of every seat, read from the ledger, is
 * looked for in the raw websocket bytes each client received. A player's bytes carry
 * its own values and never another seat's; a spectator's carry none; the
 * experimenter's carry all of them. A public watcher of the socket.io observatory gets
 * the session's public events with no private value and no seat: every case's
 * information policy hides who bid, ordered or traded.
 */
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../mechanisms/core/ledger.ts';
import { MECHANISMS, casesOf } from '../../mechanisms/registry.ts';
import {
  autoPlay,
  containsNumber,
  createSession,
  joinExperimenter,
  joinSeat,
  joinSpectator,
  rawBytes,
  sleep,
  startTestServer,
  waitFor,
  type ArenaClientRoom,
  type TestServer,
  viewsOf,
} from './helpers.ts';

type Decide = (view: Record<string, unknown>, legal: { type: string }[], progress: { round: number }) => Record<string, unknown> | null;

interface LeakCase {
  readonly mechanism: string;
  readonly spec: Record<string, unknown>;
  /** What a human seat does when it may act (by seat). */
  readonly decide: (seat: string) => Decide;
  /** Each seat's private values over the whole session, read from the ledger. */
  readonly secrets: (events: readonly LedgerEvent[]) => Map<string, number[]>;
}

const roundsPlayed = new Map<string, Set<number>>();
/** Acts once per round (or period): the first time the seat may act in it, as the room's progress says. */
const oncePer = (key: string, seat: string, action: (view: Record<string, unknown>, legal: { type: string }[]) => Record<string, unknown> | null): Decide => (view, legal, progress) => {
  const id = `${key}/${seat}`;
  const done = roundsPlayed.get(id) ?? new Set<number>();
  roundsPlayed.set(id, done);
  const round = progress.round;
  if (done.has(round)) return null;
  done.add(round);
  return action(view, legal);
};

// Every registered mechanism's live case, from its folder (cases.ts): nothing here names a mechanism.
const CASES: readonly LeakCase[] = await Promise.all(
  MECHANISMS.map(async (m) => {
    const live = (await casesOf(m)).live;
    return {
      mechanism: m.id,
      spec: { mechanism: m.id, seed: live.seed, config: live.config, seats: live.seats },
      decide: (seat: string) => oncePer(m.id, seat, (view, legal) => live.decide(view, legal as never)),
      secrets: live.secrets,
    };
  }),
);

let t: TestServer;
const sockets: Socket[] = [];

beforeAll(async () => {
  t = await startTestServer();
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await t?.close();
});

/** A public observatory watcher of one session: the raw engine.io packets it received, before socket.io decodes them. */
async function watchPublicly(session: string): Promise<{ frames: string[]; events: Record<string, unknown>[] }> {
  const socket = connect(t.url, { transports: ['websocket'], reconnection: false });
  sockets.push(socket);
  const frames: string[] = [];
  const events: Record<string, unknown>[] = [];
  socket.io.on('open', () => socket.io.engine.on('data', (data: unknown) => frames.push(typeof data === 'string' ? data : Buffer.from(data as ArrayBuffer).toString('latin1'))));
  socket.on('event', (e: Record<string, unknown>) => events.push(e));
  await waitFor(() => socket.connected, 5000, 'the observatory socket');
  expect(await socket.emitWithAck('watch', { session })).toEqual({ ok: true });
  return { frames, events };
}


describe.each(CASES)('$mechanism: private values on raw frames', (c) => {
  it("a player's frames carry its own values and no other seat's, a spectator's none, the experimenter's all", async () => {
    const info = await createSession(t, c.spec);
    expect(info.status).toBe('lobby');
    const players: { room: ArenaClientRoom; seat: string }[] = [];
    for (const s of info.seats) players.push(await joinSeat(t, s.code));
    expect(players.map((p) => p.seat)).toEqual(info.seats.map((s) => s.seat));
    const spectator = await joinSpectator(t, info.session);
    const experimenter = await joinExperimenter(t, info);
    const watcher = await watchPublicly(info.session);
    const play = players.map((p) => autoPlay(p.room, p.seat, c.decide(p.seat)));

    const start = await t.api('POST', `/api/sessions/${info.session}/control`, { op: 'start' }, true);
    expect(start.status).toBe(200);
    await waitFor(() => experimenter.state.status === 'ended', 15_000, `${c.mechanism} to end`);
    await waitFor(() => players.every((p) => p.room.state.status === 'ended') && spectator.state.status === 'ended', 3000, 'everyone to see the end');
    await sleep(150); // any late (wrong) patch or message would arrive by now
    for (const p of play) p.stop();

    // The humans did play: at least one accepted action each.
    for (const p of play) expect(p.acks.some((a) => (a as { ok?: boolean }).ok === true)).toBe(true);

    const events = t.server.ledger.events(info.session);
    const secrets = c.secrets(events);
    const seats = [...secrets.keys()].sort();
    expect(seats).toEqual(['p0', 'p1', 'p2', 'p3']);
    for (const values of secrets.values()) expect(values.length).toBeGreaterThan(0);
    // No value is held by two seats, so finding one in a frame means it is that seat's.
    const all = [...secrets.values()].flat();
    expect(new Set(all).size).toBe(all.length);

    const found = (room: ArenaClientRoom, values: readonly number[]) => {
      const bytes = rawBytes(room);
      return values.filter((v) => containsNumber(bytes, v));
    };

    for (const p of players) {
      const own = secrets.get(p.seat) ?? [];
      const others = [...secrets].filter(([seat]) => seat !== p.seat).flatMap(([, v]) => v);
      // The probe works: the seat's own values reached it.
      expect(found(p.room, own), `${p.seat}'s own values in its frames`).toEqual(own);
      expect(found(p.room, others), `other seats' values in ${p.seat}'s frames`).toEqual([]);
      // Decoded state agrees: only its own private entry, no full state.
      expect(viewsOf(p.room).seats).toEqual([p.seat]);
      expect(p.room.state.full ?? 'null').toBe('null');
    }

    expect(found(spectator, all), "private values in the spectator's frames").toEqual([]);
    expect(viewsOf(spectator).seats).toEqual([]);
    expect(spectator.state.full ?? 'null').toBe('null');

    // The observatory's public feed: events did arrive, none with a private value, a seat or a ledger position.
    expect(watcher.events.length).toBeGreaterThan(0);
    const feed = Buffer.from(watcher.frames.join('\n'), 'latin1');
    expect(all.filter((v) => containsNumber(feed, v)), 'private values in the public observatory feed').toEqual([]);
    expect(feed.toString('latin1').match(/"p\d+"/g) ?? [], 'seat ids in the public observatory feed').toEqual([]);
    for (const e of watcher.events) expect(Object.keys(e).sort()).toEqual(['at', 'data', 'kind', 'match']);

    expect(found(experimenter, all), "values in the experimenter's frames").toEqual(all);
    expect(viewsOf(experimenter).seats.sort()).toEqual(seats);
    expect(experimenter.state.full).not.toBe('null');
  });
});
