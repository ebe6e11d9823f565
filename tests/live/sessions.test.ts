/**
 * The life of a live session: deadlines close rounds by themselves; the experimenter
 * starts, pauses, resumes, advances and ends it (HTTP control or the `admin`
 * message), nobody else can; a finished session replays from its ledger to the room's
 * final hash, and exports as JSONL and as participant-round CSV.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyMatch } from '../../studies/records.ts';
import {
  autoPlay,
  createSession,
  joinExperimenter,
  joinSeat,
  joinSpectator,
  publicOf,
  sleep,
  startTestServer,
  waitFor,
  type ArenaClientRoom,
  type JoinInfo,
  type TestServer,
} from './helpers.ts';

interface Ack {
  ok: boolean;
  code?: string;
  stateId?: number;
}

const round = (room: ArenaClientRoom) => publicOf<{ round: number }>(room).round;
const act = (room: ArenaClientRoom, action: Record<string, unknown>, stateId = room.state.stateId) => room.request('act', { stateId, action }) as Promise<Ack>;

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});

afterAll(async () => {
  await t?.close();
});

const control = (session: string, op: string, auth = true) => t.api('POST', `/api/sessions/${session}/control`, { op }, auth);
const events = (session: string) => t.server.ledger.events(session);

/**
 * Round k of a session with roundMs 300 closes at match time first + 300·k, where
 * `first` is the first tick (which opens round 1's clock). The room's clock checks
 * deadlines every TICK_MS, so a close is recorded a tick or so (plus scheduling slack
 * on a busy machine) after its deadline, never before. Counting paused time as match
 * time would close the rounds due during an 800 ms pause together, at least 500 ms late.
 */
function expectOnTheGrid(session: string): void {
  const recorded = events(session);
  const first = recorded.find((e) => e.kind === 'tick')?.at as number;
  for (const e of recorded.filter((x) => x.kind === 'round_closed')) {
    const deadline = first + 300 * (e.data.round as number);
    expect(e.at, `round ${String(e.data.round)} closed at ${e.at}, deadline ${deadline}`).toBeGreaterThanOrEqual(deadline);
    expect(e.at - deadline, `round ${String(e.data.round)} closed late`).toBeLessThan(450);
  }
}

describe('deadlines and experimenter control', () => {
  let info: JoinInfo;
  let p0: ArenaClientRoom;
  let spectator: ArenaClientRoom;
  let experimenter: ArenaClientRoom;

  beforeAll(async () => {
    // Nobody bids: only the clock moves the match.
    info = await createSession(t, { mechanism: 'first-price', config: { rounds: 100, roundMs: 300 }, seats: [{ kind: 'human', count: 2 }], autoStart: true });
    ({ room: p0 } = await joinSeat(t, info.seats[0]?.code as string));
    spectator = await joinSpectator(t, info.session);
    experimenter = await joinExperimenter(t, info);
  });

  it('rounds close at their deadlines when nobody bids, and every client sees the round advance', async () => {
    expect(p0.state.status).toBe('running');
    await waitFor(() => round(p0) >= 3 && round(spectator) >= 3, 3000, 'round 3');
    expect(p0.state.deadline).toBeGreaterThan(0);
    const closed = events(info.session).filter((e) => e.kind === 'round_closed');
    expect(closed.length).toBeGreaterThanOrEqual(2);
    expect(closed.slice(0, 2).map((e) => e.data)).toEqual([
      { round: 1, sold: false, price: null },
      { round: 2, sold: false, price: null },
    ]);
    expectOnTheGrid(info.session);
  });

  it('pause (HTTP) stops the clock: no round closes and actions are refused; pausing twice is a conflict', async () => {
    const res = await control(info.session, 'pause');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
    await waitFor(() => p0.state.status === 'paused' && spectator.state.status === 'paused', 2000, 'paused');
    const frozen = round(p0);
    expect(p0.state.deadline).toBe(0);
    await sleep(800); // more than two round lengths
    expect(round(p0)).toBe(frozen);
    expect(round(experimenter)).toBe(frozen);
    expect(await act(p0, { type: 'bid', amount: 5 })).toMatchObject({ ok: false, code: 'NOT_RUNNING' });
    expect(events(info.session).at(-1)).toMatchObject({ kind: 'room_rejection', seat: 'p0', data: { code: 'NOT_RUNNING' } });
    const again = await control(info.session, 'pause');
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ ok: false, code: 'NOT_RUNNING' });
  });

  it('resume (HTTP) continues the clock where it stopped', async () => {
    const frozen = round(p0);
    const res = await control(info.session, 'resume');
    expect(res.status).toBe(200);
    await waitFor(() => p0.state.status === 'running', 2000, 'running');
    await waitFor(() => round(p0) > frozen, 2000, 'the next round after resuming');
    // Paused time is not match time: the rounds after the pause stay on the grid.
    expectOnTheGrid(info.session);
  });

  it("the experimenter's admin message pauses and resumes; a player's or a spectator's is FORBIDDEN", async () => {
    expect(await experimenter.request('admin', { op: 'pause' })).toEqual({ ok: true });
    await waitFor(() => p0.state.status === 'paused', 2000, 'paused by the admin message');
    expect(await p0.request('admin', { op: 'resume' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await spectator.request('admin', { op: 'end' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    await sleep(100);
    expect(experimenter.state.status).toBe('paused');
    expect(await experimenter.request('admin', { op: 'resume' })).toEqual({ ok: true });
    await waitFor(() => p0.state.status === 'running', 2000, 'resumed by the admin message');
    // An unknown op is refused at the boundary (BAD_MESSAGE) and changes nothing.
    expect(await experimenter.request('admin', { op: 'warp' })).toMatchObject({ ok: false, code: 'BAD_MESSAGE' });
    expect(experimenter.state.status).toBe('running');

    const admin = events(info.session).filter((e) => e.kind === 'admin');
    expect(admin.map((e) => [e.data.op, e.data.by, e.audience])).toEqual([
      ['pause', 'api', 'experimenter'],
      ['resume', 'api', 'experimenter'],
      ['pause', 'experimenter', 'experimenter'],
      ['resume', 'experimenter', 'experimenter'],
    ]);
    // Each admin event carries its calendar time, in order.
    const walls = admin.map((e) => e.data.wall as number);
    expect(walls.every((w, i) => Math.abs(w - Date.now()) < 60_000 && (i === 0 || w >= (walls[i - 1] as number)))).toBe(true);
  });

  it('control needs the experimenter token, a known op and a known session', async () => {
    expect((await control(info.session, 'end', false)).status).toBe(401);
    expect((await control(info.session, 'explode')).status).toBe(400);
    expect((await control('snosuchsession', 'end')).status).toBe(404);
    expect(p0.state.status).toBe('running');
  });

  it('end (HTTP) ends the session for everyone; ending again is a conflict', async () => {
    const res = await control(info.session, 'end');
    expect(res.status).toBe(200);
    await waitFor(() => [p0, spectator, experimenter].every((r) => r.state.status === 'ended'), 2000, 'ended everywhere');
    const last = round(p0);
    await sleep(400);
    expect(round(p0)).toBe(last);
    expect(await act(p0, { type: 'bid', amount: 5 })).toMatchObject({ ok: false, code: 'NOT_RUNNING' });
    expect((await control(info.session, 'end')).status).toBe(409);
    // The record ends with session_ended: what the lingering room's clients still do or say is not written.
    expect(await p0.request('chat', { channel: 'public', text: 'bye' })).toMatchObject({ ok: false, code: 'NOT_RUNNING' });
    expect(await p0.request('integrity', { signal: 'hidden', onTaskMs: 1000 })).toMatchObject({ ok: true });
    expect((await t.api('POST', `/api/sessions/${info.session}/announce`, { text: 'thanks' }, true)).status).toBe(409);
    await p0.leave();
    await sleep(200);
    expect(events(info.session).at(-1)?.kind).toBe('session_ended');
    expect(t.server.sessions.get(info.session)?.status).toBe('ended');
  });
});

describe('start and advance', () => {
  it('a session waits in the lobby until started; advance jumps to the deadline; no deadline, no advance', async () => {
    const info = await createSession(t, { mechanism: 'first-price', config: { rounds: 5, roundMs: 60_000 }, seats: [{ kind: 'human', count: 2 }] });
    const { room: p0 } = await joinSeat(t, info.seats[0]?.code as string);
    expect(p0.state.status).toBe('lobby');
    expect(await act(p0, { type: 'bid', amount: 5 })).toMatchObject({ ok: false, code: 'NOT_RUNNING' });
    expect((await control(info.session, 'advance')).status).toBe(409);

    expect((await control(info.session, 'start')).status).toBe(200);
    await waitFor(() => p0.state.status === 'running', 2000, 'running');
    expect((await control(info.session, 'start')).status).toBe(409);
    expect(round(p0)).toBe(1);

    // A minute-long round closes at once when the experimenter advances to its deadline.
    const t0 = Date.now();
    expect((await control(info.session, 'advance')).status).toBe(200);
    await waitFor(() => round(p0) === 2, 2000, 'round 2');
    expect(Date.now() - t0).toBeLessThan(2000);
    const closed = events(info.session).find((e) => e.kind === 'round_closed');
    expect(closed?.at).toBeGreaterThanOrEqual(60_000);

    const experimenter = await joinExperimenter(t, info);
    expect(await experimenter.request('admin', { op: 'advance' })).toEqual({ ok: true });
    await waitFor(() => round(p0) === 3, 2000, 'round 3');

    const open = await createSession(t, { mechanism: 'first-price', config: { rounds: 5, roundMs: null }, seats: [{ kind: 'human', count: 2 }], autoStart: true });
    const res = await control(open.session, 'advance');
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ ok: false, code: 'NO_DEADLINE' });
  });
});

describe('replay and export of a finished session', () => {
  let info: JoinInfo;
  let p0: ArenaClientRoom;

  beforeAll(async () => {
    info = await createSession(t, {
      mechanism: 'first-price',
      config: { rounds: 3, roundMs: 400, reveal: 'allBids' },
      seats: [{ kind: 'human' }, { kind: 'bot', policy: 'truthful' }, { kind: 'bot', policy: 'shader', params: { fraction: 0.5 } }],
    });
    ({ room: p0 } = await joinSeat(t, info.seats[0]?.code as string));
    const experimenter = await joinExperimenter(t, info);
    expect((await control(info.session, 'start')).status).toBe(200);
    await waitFor(() => p0.state.status === 'running', 2000, 'running');

    // Round 1 by hand, with inputs that are refused (and recorded) on the way.
    const first = p0.state.stateId;
    expect(await act(p0, { type: 'bid', amount: -3 })).toMatchObject({ ok: false });
    expect(await act(p0, { type: 'bid', amount: 7 }, first)).toMatchObject({ ok: true });
    expect(await act(p0, { type: 'bid', amount: 8 }, first)).toMatchObject({ ok: false });
    expect(await p0.request('act', { stateId: 'now', action: { type: 'bid', amount: 7 } })).toMatchObject({ ok: false, code: 'BAD_MESSAGE' }); // refused at the boundary, not recorded
    await waitFor(() => round(p0) === 2, 3000, 'round 2');
    // Then bid 7 in every round.
    autoPlay(p0, 'p0', () => ({ type: 'bid', amount: 7 }));
    await waitFor(() => experimenter.state.status === 'ended', 5000, 'the session to end');
  });

  it('the ledger replays to the final hash of the room', async () => {
    const recorded = events(info.session);
    const verdict = verifyMatch(recorded);
    expect(verdict.problem).toBeNull();
    expect(verdict.ok).toBe(true);
    const room = await t.server.room(info.session);
    expect(room).not.toBeNull();
    const hash = room?.match.hash();
    expect(verdict.hash).toBe(hash);
    expect(recorded.find((e) => e.kind === 'match_ended')?.data.hash).toBe(hash);
    expect(recorded.find((e) => e.kind === 'session_ended')?.data.hash).toBe(hash);
    // The refused inputs are part of the record and were replayed as refused.
    expect(recorded.filter((e) => e.kind === 'rejection' && e.seat === 'p0').length).toBe(2);
    expect(verdict.inputs).toBeGreaterThan(recorded.filter((e) => e.kind === 'action').length);
  });

  it('a tampered record no longer verifies', () => {
    const recorded = events(info.session);
    const i = recorded.findIndex((e) => e.kind === 'action' && e.seat === 'p0');
    const tampered = recorded.map((e, j) => (j === i ? { ...e, data: { ...e.data, action: { type: 'bid', amount: 9 } } } : e));
    expect(verifyMatch(tampered).ok).toBe(false);
  });

  it('export.jsonl is the complete record, for the experimenter only', async () => {
    expect((await t.api('GET', `/api/sessions/${info.session}/export.jsonl`)).status).toBe(401);
    const res = await t.api('GET', `/api/sessions/${info.session}/export.jsonl`, undefined, true);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="?${info.session}\\.jsonl"?$`));
    const lines = res.text.trim().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(lines).toEqual(events(info.session));
    expect(verifyMatch(lines as ReturnType<typeof events>).ok).toBe(true);
  });

  it('export.csv has one row per participant and round, with values and payoffs matching the ledger', async () => {
    expect((await t.api('GET', `/api/sessions/${info.session}/export.csv`)).status).toBe(401);
    const res = await t.api('GET', `/api/sessions/${info.session}/export.csv`, undefined, true);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const [header, ...rows] = res.text.trim().split('\n').map((l) => l.split(','));
    expect(header).toEqual(expect.arrayContaining(['session', 'round', 'participant.seat', 'participant.role', 'participant.holder', 'player.value', 'player.bid', 'player.payoff']));
    expect(rows).toHaveLength(3 * 3);
    const col = (name: string) => (header as string[]).indexOf(name);
    const cell = (row: string[], name: string) => row[col(name)];
    expect(rows.map((r) => `${cell(r, 'round')}/${cell(r, 'participant.seat')}`).sort()).toEqual(['1/p0', '1/p1', '1/p2', '2/p0', '2/p1', '2/p2', '3/p0', '3/p1', '3/p2']);
    expect(new Set(rows.map((r) => cell(r, 'session')))).toEqual(new Set([info.session]));
    expect(rows.filter((r) => cell(r, 'participant.seat') === 'p0').map((r) => cell(r, 'participant.holder'))).toEqual(['human', 'human', 'human']);
    expect(rows.filter((r) => cell(r, 'participant.seat') !== 'p0').every((r) => cell(r, 'participant.holder') === 'bot')).toBe(true);
    expect(rows.filter((r) => cell(r, 'participant.seat') === 'p0').map((r) => cell(r, 'player.bid'))).toEqual(['7', '7', '7']);
    for (const e of events(info.session).filter((x) => x.kind === 'round_result')) {
      const seat = (e.audience as string[])[0];
      const row = rows.find((r) => cell(r, 'round') === String(e.data.round) && cell(r, 'participant.seat') === seat) as string[];
      expect(Number(cell(row, 'player.value'))).toBe(e.data.value);
      expect(Number(cell(row, 'player.payoff'))).toBe(e.data.payoff);
    }
  });
});

describe('a session the experimenter ends early', () => {
  it('still verifies: its ledger replays to the hash recorded when it ended', async () => {
    const info = await createSession(t, { mechanism: 'first-price', config: { rounds: 50, roundMs: 200 }, seats: [{ kind: 'bot', policy: 'truthful', count: 3 }], autoStart: true });
    const room = await t.server.room(info.session);
    if (!room) throw new Error('the session has no live room');
    await waitFor(() => room.match.state.stateId > 5, 5000, 'some play');
    expect(room.control('end', 'test')).toEqual({ ok: true });
    expect(room.match.over).toBe(false);
    const verdict = verifyMatch(t.server.ledger.events(info.session));
    expect(verdict).toMatchObject({ ok: true, problem: null, hash: room.match.hash() });
  });
});
