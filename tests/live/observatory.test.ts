/**
 * The socket.io observatory and the `arena bots` command, against a real server; and a
 * session with delayed spectators, which the public sees late everywhere it can look.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { ADMIN_TOKEN, createSession, joinSeat, sleep, startTestServer, waitFor, type JoinInfo, type TestServer } from './helpers.ts';
import { waitFor as waitUntil } from './process-helpers.ts';

const BIN = join(resolve(import.meta.dirname, '..', '..'), 'bin', 'arena.ts');
let t: TestServer;
const sockets: Socket[] = [];

const spec = (seats: unknown[]) => ({
  mechanism: 'first-price',
  config: { rounds: 3, roundMs: 400, values: { kind: 'uniform', low: 0, high: 1000 }, reveal: 'nothing' },
  seats,
  autoStart: true,
});

function open(namespace: string, auth?: Record<string, string>): Socket {
  const socket = connect(`${t.url}${namespace}`, { transports: ['websocket'], reconnection: false, ...(auth ? { auth } : {}) });
  sockets.push(socket);
  return socket;
}

beforeAll(async () => {
  t = await startTestServer();
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await t.close();
});

describe('observatory', () => {
  it('streams the directory and a watched session public events, never private ones', async () => {
    const publicSocket = open('/');
    const directories: unknown[][] = [];
    publicSocket.on('arenas', (list: unknown[]) => directories.push(list));
    await waitFor(() => publicSocket.connected && directories.length > 0, 5000, 'the public socket');

    const experimenter = open('/experimenter', { token: ADMIN_TOKEN });
    const all: { kind: string; data: Record<string, unknown> }[] = [];
    experimenter.on('event', (e: { kind: string; data: Record<string, unknown> }) => all.push(e));
    await waitFor(() => experimenter.connected, 5000, 'the experimenter socket');
    experimenter.emit('watch-all');
    await sleep(50);

    // Public: the public socket's directory lists it.
    const info: JoinInfo = await createSession(t, { ...spec([{ kind: 'bot', policy: 'truthful', count: 3 }]), public: true });
    const seen: { kind: string; data: Record<string, unknown> }[] = [];
    publicSocket.on('event', (e: { kind: string; data: Record<string, unknown> }) => seen.push(e));
    const ack = await publicSocket.emitWithAck('watch', { session: info.session });
    expect(ack).toEqual({ ok: true });
    await waitFor(() => directories.some((list) => list.some((a) => (a as { session: string }).session === info.session)), 5000, 'the session in the directory');
    await waitFor(() => seen.filter((e) => e.kind === 'round_closed').length >= 2, 10_000, 'two public round closes');

    expect(new Set(seen.map((e) => e.kind))).not.toContain('round_result');
    expect(new Set(seen.map((e) => e.kind))).not.toContain('match_ended');
    expect(new Set(seen.map((e) => e.kind))).not.toContain('action');
    // Values are private: the experimenter feed carries them (in round_result), the public one never.
    const values = all.filter((e) => e.kind === 'round_result').map((e) => e.data.value as number);
    expect(values.length).toBeGreaterThan(0);
    const publicText = JSON.stringify(seen);
    for (const v of values) expect(publicText).not.toContain(String(v));

    expect(await publicSocket.emitWithAck('watch', { session: 'nope' })).toMatchObject({ ok: false });
  });

  it('a session with delayed spectators is shown late everywhere the public looks (directory, API, feed); the experimenter namespace stays live', async () => {
    const delayed = (ms: number) => ({ ...spec([{ kind: 'bot', policy: 'truthful', count: 3 }]), config: { rounds: 200, roundMs: 60, values: { kind: 'uniform', low: 0, high: 1000 }, reveal: 'winningPrice' }, spectatorDelayMs: ms, public: true });
    const publicSocket = open('/');
    const directories: { session: string; status: string }[][] = [];
    const seen: { match: string; kind: string }[] = [];
    publicSocket.on('arenas', (list: { session: string; status: string }[]) => directories.push(list));
    publicSocket.on('event', (e: { match: string; kind: string }) => seen.push(e));
    const experimenter = open('/experimenter', { token: ADMIN_TOKEN });
    const live: { match: string; kind: string }[] = [];
    experimenter.on('event', (e: { match: string; kind: string }) => live.push(e));
    await waitFor(() => publicSocket.connected && experimenter.connected, 5000, 'both sockets');
    experimenter.emit('watch-all');
    await sleep(50);

    // An hour late: within this test the public sees none of it.
    const hour = await createSession(t, delayed(3_600_000));
    // Half a second late: the public does see it, later.
    const half = await createSession(t, delayed(500));
    for (const s of [hour, half]) expect(await publicSocket.emitWithAck('watch', { session: s.session })).toEqual({ ok: true });
    const closed = (events: { match: string; kind: string }[], session: string) => events.filter((e) => e.match === session && e.kind === 'round_closed').length;
    await waitFor(() => closed(live, hour.session) >= 3, 10_000, 'three live round closes');

    const liveRound = (JSON.parse((await t.server.room(hour.session))?.publicViewJson ?? 'null') as { round: number }).round;
    expect(liveRound).toBeGreaterThanOrEqual(3);
    const listed = async (session: string) => ((await t.api('GET', '/api/arenas')).body as { session: string; status: string; public: unknown }[]).find((e) => e.session === session);
    // Its spectators' mirror has shown nothing yet: no public view, still in the lobby.
    expect(await listed(hour.session)).toMatchObject({ status: 'lobby', public: null });
    expect(directories.at(-1)?.find((e) => e.session === hour.session)).toMatchObject({ status: 'lobby' });
    expect(closed(seen, hour.session)).toBe(0);
    expect(seen.filter((e) => e.match === hour.session)).toEqual([]);

    // Delayed, not dropped: the half-second session reaches the public.
    await waitFor(() => closed(seen, half.session) >= 2, 10_000, 'the delayed public events');
    await waitFor(() => directories.at(-1)?.find((e) => e.session === half.session)?.status === 'running', 10_000, 'the delayed status');
    await waitUntil(async () => ((await listed(half.session))?.public as { round?: number } | null)?.round !== undefined, 'the delayed public view', 10_000, 100);
    expect(closed(seen, hour.session)).toBe(0);
  });

  it("public chat reaches the public feed no earlier than the players: after the chat's delivery delay", async () => {
    const info = await createSession(t, { mechanism: 'first-price', config: { rounds: 5, roundMs: null, communication: { channels: ['public'], delayMs: 60_000 } }, seats: [{ kind: 'human', count: 2 }], autoStart: true });
    const publicSocket = open('/');
    const seen: { kind: string }[] = [];
    publicSocket.on('event', (e: { kind: string }) => seen.push(e));
    const experimenter = open('/experimenter', { token: ADMIN_TOKEN });
    const live: { kind: string; match: string }[] = [];
    experimenter.on('event', (e: { kind: string; match: string }) => live.push(e));
    await waitFor(() => publicSocket.connected && experimenter.connected, 5000, 'both sockets');
    expect(await publicSocket.emitWithAck('watch', { session: info.session })).toEqual({ ok: true });
    expect(await experimenter.emitWithAck('watch', { session: info.session })).toEqual({ ok: true });
    const { room } = await joinSeat(t, info.seats[0]?.code as string);
    room.send('chat', { channel: 'public', text: 'a minute from now' });
    await waitFor(() => live.some((e) => e.kind === 'chat' && e.match === info.session), 5000, 'the chat on the experimenter feed');
    await sleep(100);
    expect(seen.filter((e) => e.kind === 'chat')).toEqual([]);
  });

  it('refuses the experimenter namespace without the token', async () => {
    const socket = open('/experimenter', { token: 'wrong' });
    const error = await new Promise<Error>((resolve) => socket.on('connect_error', resolve));
    expect(error.message).toMatch(/token/);
  });
});

describe('arena bots', () => {
  it('seats scripted bots in open human seats as ordinary clients', async () => {
    const info = await createSession(t, { ...spec([{ kind: 'human', count: 2 }, { kind: 'bot', policy: 'equilibrium' }]), config: { rounds: 50, roundMs: 5000, reveal: 'nothing' } });
    const child = spawn(process.execPath, [BIN, 'bots', '--url', t.url, '--session', info.session, '--policy', 'truthful', '--count', '2', '--token', ADMIN_TOKEN], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await waitFor(
        () => {
          const events = t.server.ledger.events(info.session);
          const acted = new Set(events.filter((e) => e.kind === 'action').map((e) => e.seat));
          return acted.has('p0') && acted.has('p1');
        },
        20_000,
        'both human seats to act through the bots command',
      );
      expect(out).toMatch(/seated truthful on p0/);
      const joined = t.server.ledger.events(info.session).filter((e) => e.kind === 'seat_joined');
      expect(joined.filter((e) => e.data.policy === 'truthful').map((e) => e.seat).sort()).toEqual(['p0', 'p1']);
    } finally {
      child.kill('SIGINT');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  });
});
