/**
 * What spectators and seats receive besides the state, with real SDK clients. Engine
 * events go to their audience only. Delayed spectators (session option
 * spectatorDelayMs): a
 * spectator sees the public state, public events and public chat that much later than
 * the players and the experimenter, in the same state shape, from a room of its own;
 * its token does not open the live room; players and the experimenter are not delayed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { viewsOf, createSession, joinExperimenter, joinSeat, joinSpectator, messages, publicOf, startTestServer, waitFor, type ArenaClientRoom, type JoinInfo, type TestServer } from './helpers.ts';

const DELAY_MS = 800;
/** Timers and patches run at 50 ms; the machine may be busy. */
const SLACK_MS = 100;

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

const auction = (spectatorDelayMs: number) => ({
  title: 'delayed spectators',
  mechanism: 'first-price',
  config: { rounds: 5, roundMs: null, reveal: 'winningPrice', communication: { channels: ['public'], maxLength: 200, ratePerMinute: 60, delayMs: 0, monitored: true } },
  seats: [{ kind: 'human', count: 2 }],
  autoStart: true,
  spectatorDelayMs,
});

/** Resolves with the time at which `cond` first holds (polled every 5 ms). */
async function when(cond: () => boolean, label: string, timeoutMs = 5000): Promise<number> {
  const t0 = performance.now();
  while (!cond()) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${label}`);
    await new Promise((done) => setTimeout(done, 5));
  }
  return performance.now();
}

describe('a session with spectatorDelayMs', () => {
  let info: JoinInfo;
  let p0: ArenaClientRoom;
  let p1: ArenaClientRoom;
  let spectator: ArenaClientRoom;
  let experimenter: ArenaClientRoom;

  beforeAll(async () => {
    info = await createSession(t, auction(DELAY_MS));
    ({ room: p0 } = await joinSeat(t, info.seats[0]?.code as string));
    ({ room: p1 } = await joinSeat(t, info.seats[1]?.code as string));
    experimenter = await joinExperimenter(t, info);
    spectator = await joinSpectator(t, info.session);
    await waitFor(() => spectator.state.stateId === p0.state.stateId && spectator.state.status === 'running', 3000, 'the spectator to catch up');
  });

  it('seats spectators in a room of their own, with the public part only; a spectator token does not open the live room', async () => {
    expect(spectator.roomId).not.toBe(info.roomId);
    expect(spectator.state.session).toBe(info.session);
    expect(viewsOf(spectator).seats).toEqual([]);
    expect(spectator.state.full ?? 'null').toBe('null');
    expect(spectator.state.seats.size).toBe(2);
    expect(publicOf(spectator)).toEqual(publicOf(p0));
    const spectate = await t.api('GET', `/api/sessions/${info.session}/spectate`);
    const { token } = spectate.body as { token: string };
    const { Client } = await import('@colyseus/sdk');
    await expect(new Client(t.url).joinById(info.roomId, { token })).rejects.toMatchObject({ code: 403 });
    const rejected = new Promise<{ code: string }>((done) => spectator.onMessage('rejected', (m: { code: string }) => done(m)));
    spectator.send('chat', { channel: 'public', text: 'may I?' });
    expect(await rejected).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('shows an action to players and the experimenter at once, to spectators only after the delay', async () => {
    const before = p0.state.stateId;
    const ack = (await p0.request('act', { stateId: before, action: { type: 'bid', amount: 40 } })) as { ok: boolean; stateId: number };
    const acked = performance.now();
    expect(ack).toMatchObject({ ok: true });
    const [player, exp, spec] = await Promise.all([
      when(() => p1.state.stateId >= ack.stateId, 'p1'),
      when(() => experimenter.state.stateId >= ack.stateId, 'the experimenter'),
      when(() => spectator.state.stateId >= ack.stateId, 'the spectator'),
    ]);
    expect(player - acked).toBeLessThan(DELAY_MS - SLACK_MS);
    expect(exp - acked).toBeLessThan(DELAY_MS - SLACK_MS);
    expect(spec - acked).toBeGreaterThanOrEqual(DELAY_MS - SLACK_MS);
    // The spectator's seats show p0 as done only then, too.
    expect(spectator.state.seats.get('p0')?.waiting).toBe(true);
  });

  it('delivers public events and public chat to spectators after the delay', async () => {
    const events = () => messages<{ kind: string }[]>(spectator, 'events').flat();
    const closedBefore = events().filter((e) => e.kind === 'round_closed').length;
    const ack = (await p1.request('act', { stateId: p1.state.stateId, action: { type: 'bid', amount: 30 } })) as { ok: boolean };
    const acked = performance.now();
    expect(ack).toMatchObject({ ok: true });
    const live = await when(() => messages<{ kind: string }[]>(p0, 'events').flat().some((e) => e.kind === 'round_closed'), 'the round result for p0');
    const late = await when(() => events().filter((e) => e.kind === 'round_closed').length > closedBefore, 'the round result for the spectator');
    expect(live - acked).toBeLessThan(DELAY_MS - SLACK_MS);
    expect(late - acked).toBeGreaterThanOrEqual(DELAY_MS - SLACK_MS);

    const text = `hello ${Date.now()}`;
    p0.send('chat', { channel: 'public', text });
    const sent = performance.now();
    const heard = (room: ArenaClientRoom) => messages<{ text: string }>(room, 'chat').some((m) => m.text === text);
    const [p1Heard, specHeard] = await Promise.all([when(() => heard(p1), 'p1 hears'), when(() => heard(spectator), 'the spectator hears')]);
    expect(p1Heard - sent).toBeLessThan(DELAY_MS - SLACK_MS);
    expect(specHeard - sent).toBeGreaterThanOrEqual(DELAY_MS - SLACK_MS);
  });
});

describe('engine events', () => {
  it('reach each client after the patch that shows them: public ones to everyone, a seat\'s own only to that seat, all to the experimenter', async () => {
    const info = await createSession(t, {
      mechanism: 'double-auction',
      config: { buyers: [[90, 80]], sellers: [[20, 30]], periods: 1, periodMs: 600_000 },
      seats: [{ kind: 'human', count: 2 }],
      autoStart: true,
    });
    const { room: buyer } = await joinSeat(t, info.seats[0]?.code as string);
    const { room: seller } = await joinSeat(t, info.seats[1]?.code as string);
    const experimenter = await joinExperimenter(t, info);
    const spectator = await joinSpectator(t, info.session);
    const ack = (await buyer.request('act', { stateId: buyer.state.stateId, action: { type: 'placeOrder', side: 'bid', price: 40 } })) as { ok: boolean; stateId: number };
    expect(ack).toMatchObject({ ok: true });
    const kinds = (room: ArenaClientRoom) => messages<{ kind: string }[]>(room, 'events').flat().map((e) => e.kind);
    await waitFor(() => [buyer, seller, experimenter, spectator].every((r) => kinds(r).includes('order_placed')), 3000, 'everyone to get the order');
    // The events came after the state that shows the order.
    expect(buyer.state.stateId).toBeGreaterThanOrEqual(ack.stateId);
    expect(kinds(buyer)).toContain('own_order_placed');
    expect(kinds(experimenter)).toContain('own_order_placed');
    expect(kinds(seller)).not.toContain('own_order_placed');
    expect(kinds(spectator)).not.toContain('own_order_placed');
  });
});

describe('a session without spectatorDelayMs', () => {
  it('seats spectators in the live room', async () => {
    const info = await createSession(t, auction(0));
    const spectator = await joinSpectator(t, info.session);
    expect(spectator.roomId).toBe(info.roomId);
  });
});
