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
import { MECHANISMS } from '../../mechanisms/registry.ts';
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
} from './helpers.ts';

type Decide = (view: Record<string, unknown>, legal: { type: string }[]) => Record<string, unknown> | null;

interface LeakCase {
  readonly mechanism: string;
  readonly spec: Record<string, unknown>;
  /** What a human seat does when it may act (by seat). */
  readonly decide: (seat: string) => Decide;
  /** Each seat's private values over the whole session, read from the ledger. */
  readonly secrets: (events: readonly LedgerEvent[]) => Map<string, number[]>;
}

const roundsPlayed = new Map<string, Set<number>>();
/** Acts once per round (or period): the first time the seat may act in it. */
const oncePer = (key: string, seat: string, action: (view: Record<string, unknown>) => Record<string, unknown> | null): Decide => (view) => {
  const id = `${key}/${seat}`;
  const done = roundsPlayed.get(id) ?? new Set<number>();
  roundsPlayed.set(id, done);
  const round = Number(view.round ?? view.period);
  if (done.has(round)) return null;
  done.add(round);
  return action(view);
};

/** Values addressed to one seat in `kind` events (the seat is the event's audience). */
function fromAddressedEvents(kind: string, field: string): (events: readonly LedgerEvent[]) => Map<string, number[]> {
  return (events) => {
    const out = new Map<string, number[]>();
    for (const e of events) {
      if (e.kind !== kind || !Array.isArray(e.audience) || e.audience.length !== 1) continue;
      const seat = e.audience[0] as string;
      out.set(seat, [...(out.get(seat) ?? []), e.data[field] as number]);
    }
    return out;
  };
}

// Values with many decimals (uniform draws, not rounded by the auctions) cannot turn
// up by accident; the double auction's explicit schedules use distinct fractional
// parts (powers of two in the fourth decimal), so no price, profit or sum of one
// seat's own profits can equal another seat's value.
const CASES: readonly LeakCase[] = [
  {
    mechanism: 'first-price',
    spec: {
      mechanism: 'first-price',
      seed: 424242,
      config: { rounds: 3, roundMs: 250, values: { kind: 'uniform', low: 10, high: 90 }, reveal: 'winningPrice', communication: { channels: ['public'] } },
      seats: [{ kind: 'human', count: 2 }, { kind: 'bot', policy: 'shader', params: { fraction: 0.7 } }, { kind: 'bot', policy: 'equilibrium' }],
    },
    decide: (seat) => oncePer('first-price', seat, () => ({ type: 'bid', amount: 1 })),
    secrets: fromAddressedEvents('round_result', 'value'),
  },
  {
    mechanism: 'second-price',
    spec: {
      mechanism: 'second-price',
      seed: 77,
      config: { rounds: 3, roundMs: 250, values: { kind: 'uniform', low: 10, high: 90 }, reveal: 'winningPrice' },
      seats: [{ kind: 'human', count: 2 }, { kind: 'bot', policy: 'shader', params: { fraction: 0.7 } }, { kind: 'bot', policy: 'shader', params: { fraction: 0.9 } }],
    },
    decide: (seat) => oncePer('second-price', seat, () => ({ type: 'bid', amount: 2 })),
    secrets: fromAddressedEvents('round_result', 'value'),
  },
  {
    mechanism: 'double-auction',
    spec: {
      mechanism: 'double-auction',
      seed: 5,
      config: {
        buyers: [
          [173.0001, 151.0002],
          [165.0004, 140.0008],
        ],
        sellers: [
          [41.0016, 63.0032],
          [52.0064, 71.0128],
        ],
        periods: 2,
        periodMs: 400,
        maxPrice: 200,
        tick: 1,
        revealSchedules: 'never',
      },
      seats: [
        { kind: 'human', role: 'buyer' },
        { kind: 'human', role: 'seller' },
        { kind: 'bot', policy: 'zi-c', role: 'buyer' },
        { kind: 'bot', policy: 'zi-c', role: 'seller' },
      ],
    },
    // Humans post one order per period far from the bots' prices.
    decide: (seat) => oncePer('double-auction', seat, (view) => (view.role === 'buyer' ? { type: 'placeOrder', side: 'bid', price: 1 } : { type: 'placeOrder', side: 'ask', price: 199 })),
    secrets: (events) => {
      const started = events.find((e) => e.kind === 'match_started');
      const config = (started?.data.config ?? {}) as { buyers: number[][]; sellers: number[][] };
      const header = started?.data as { seats: string[] };
      const schedules = [...config.buyers, ...config.sellers];
      return new Map(header.seats.map((seat, i) => [seat, schedules[i] ?? []]));
    },
  },
  {
    mechanism: 'public-goods',
    spec: {
      mechanism: 'public-goods',
      seed: 9001,
      config: { rounds: 3, roundMs: 250, endowment: { kind: 'uniform', low: 1000, high: 9000 }, reveal: 'total', contributionStep: 1, mpcr: 0.4 },
      seats: [{ kind: 'human', count: 2 }, { kind: 'bot', policy: 'conditional-cooperator' }, { kind: 'bot', policy: 'free-rider' }],
    },
    decide: (seat) => oncePer('public-goods', seat, () => ({ type: 'contribute', amount: 3 })),
    secrets: fromAddressedEvents('round_result', 'endowment'),
  },
];

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

it('covers every registered mechanism', () => {
  expect(CASES.map((c) => c.mechanism).sort()).toEqual(MECHANISMS.map((m) => m.id).sort());
});

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
      expect([...p.room.state.privates.keys()]).toEqual([p.seat]);
      expect(p.room.state.full ?? 'null').toBe('null');
    }

    expect(found(spectator, all), "private values in the spectator's frames").toEqual([]);
    expect(spectator.state.privates?.size ?? 0).toBe(0);
    expect(spectator.state.full ?? 'null').toBe('null');

    // The observatory's public feed: events did arrive, none with a private value, a seat or a ledger position.
    expect(watcher.events.length).toBeGreaterThan(0);
    const feed = Buffer.from(watcher.frames.join('\n'), 'latin1');
    expect(all.filter((v) => containsNumber(feed, v)), 'private values in the public observatory feed').toEqual([]);
    expect(feed.toString('latin1').match(/"p\d+"/g) ?? [], 'seat ids in the public observatory feed').toEqual([]);
    for (const e of watcher.events) expect(Object.keys(e).sort()).toEqual(['at', 'data', 'kind', 'match']);

    expect(found(experimenter, all), "values in the experimenter's frames").toEqual(all);
    expect([...experimenter.state.privates.keys()].sort()).toEqual(seats);
    expect(experimenter.state.full).not.toBe('null');
  });
});
