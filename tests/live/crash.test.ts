/**
 * `arena serve` as a real process, killed mid-round (SIGKILL) and restarted on the same data
 * folder: every action a client saw acknowledged is in the ledger, the hash chain verifies,
 * replay reproduces the recorded transitions, and the session resumes from its ledger where
 * it stopped: listed as running, the same round with the same bids in, bots seated again, and
 * a human with a fresh token joins and acts. SIGTERM shuts down gracefully with exit code 0.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifyChain, type LedgerEvent } from '../../mechanisms/core/ledger.ts';
import { replay } from '../../mechanisms/core/replay.ts';
import { findMechanism } from '../../mechanisms/registry.ts';
import { SqliteLedger } from '../../server/storage/sqlite-ledger.ts';
import {
  ADMIN_TOKEN,
  act,
  arenaCli,
  createSession,
  http,
  joinRoom,
  killServers,
  leave,
  legalOf,
  privateView,
  removeTempDirs,
  seatToken,
  spawnServer,
  tempDir,
  waitFor,
  type ArenaRoomClient,
  type JoinInfo,
  type ServerProcess,
} from './process-helpers.ts';

const CLOSE_SERVER_SHUTDOWN = 4001;
const rooms: ArenaRoomClient[] = [];

const auction = (autoStart: boolean, dropout: { policy: 'wait' | 'replace'; graceSeconds: number; bot?: string } = { policy: 'wait', graceSeconds: 30 }) => ({
  title: 'crash',
  mechanism: 'first-price',
  config: { rounds: 200, bidStep: 1, values: { kind: 'uniformInt', low: 0, high: 100 } },
  seats: [{ kind: 'human', count: 2 }, { kind: 'bot', policy: 'truthful' }],
  dropout,
  autoStart,
});

beforeAll(() => {
  vi.spyOn(console, 'info').mockImplementation(() => undefined); // the SDK narrates its reconnection attempts
});

afterAll(async () => {
  for (const room of rooms) await leave(room);
  await killServers();
  vi.restoreAllMocks();
  removeTempDirs();
});

/** A session's record as `arena export` writes it (JSONL, complete). */
function exported(dataDir: string, session: string): LedgerEvent[] {
  const r = arenaCli('export', '--session', session, '--db', join(dataDir, 'arena.db'), '--format', 'jsonl');
  expect(r.code, r.err).toBe(0);
  return r.out
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as LedgerEvent);
}

/** A session's record read straight from the SQLite file (a second reader beside the running server). */
async function stored(dataDir: string, session: string): Promise<LedgerEvent[]> {
  const ledger = new SqliteLedger(join(dataDir, 'arena.db'));
  try {
    return ledger.events(session);
  } finally {
    await ledger.close();
  }
}

interface Acked {
  readonly seat: string;
  readonly stateId: number;
  readonly amount: number;
  readonly next: number;
}

/** A human who bids half their value whenever they may; every acknowledged bid is noted, then `onAck` runs. */
function autoBid(room: ArenaRoomClient, seat: string, acked: Acked[], onAck: () => void): { stop(): void } {
  let busy = false;
  let stopped = false;
  let lastTried = -1;
  const go = async (): Promise<void> => {
    const state = room.state;
    if (stopped || busy || state?.status !== 'running' || state.stateId === lastTried || legalOf(room, seat).length === 0) return;
    busy = true;
    lastTried = state.stateId;
    const amount = Math.floor((JSON.parse(privateView(room, seat) ?? '{}') as { value: number }).value / 2);
    try {
      const ack = await act(room, state.stateId, { type: 'bid', amount });
      if (ack.ok && !stopped) {
        acked.push({ seat, stateId: lastTried, amount, next: ack.stateId });
        onAck();
      }
    } catch {
      // the server went away mid-request: nothing was acknowledged
    } finally {
      busy = false;
      if (!stopped) queueMicrotask(() => void go());
    }
  };
  room.onStateChange(() => void go());
  void go();
  return {
    stop() {
      stopped = true;
    },
  };
}

async function sessionsOf(server: ServerProcess): Promise<{ session: string; status: string }[]> {
  const r = await http<{ session: string; status: string }[]>(server.url, 'GET', '/api/sessions', { admin: ADMIN_TOKEN });
  expect(r.status).toBe(200);
  return r.body;
}

describe('SIGKILL mid-round, then a restart on the same data folder', () => {
  let dataDir: string;
  let restarted: ServerProcess;
  let info: JoinInfo;
  let lobby: JoinInfo;
  const acked: Acked[] = [];
  let beforeRestart: LedgerEvent[];

  beforeAll(async () => {
    dataDir = tempDir('crash');
    const first = await spawnServer(dataDir);
    lobby = await createSession(first.url, auction(false));
    info = await createSession(first.url, auction(true));
    const killed = first.exited;
    const players: { stop(): void }[] = [];
    // Kill the process the moment both humans have had a bid acknowledged in their third
    // round: the bot (300-1500 ms of thinking) has not bid yet, so the round is open.
    const onAck = () => {
      const n0 = acked.filter((a) => a.seat === 'p0').length;
      const n1 = acked.filter((a) => a.seat === 'p1').length;
      if (n0 >= 3 && n0 === n1 && first.child.exitCode === null) {
        first.child.kill('SIGKILL');
        for (const p of players) p.stop();
      }
    };
    for (const seat of ['p0', 'p1']) {
      const token = await seatToken(first.url, info, seat);
      const room = await joinRoom(first.url, token.roomId, token.token);
      rooms.push(room);
      players.push(autoBid(room, seat, acked, onAck));
    }
    expect(await killed).toMatchObject({ signal: 'SIGKILL' });
    beforeRestart = exported(dataDir, info.session);
    restarted = await spawnServer(dataDir);
  }, 30_000);

  it('every action a client saw acknowledged is in the ledger, whose hash chain verifies and replays', () => {
    expect(acked.length).toBeGreaterThanOrEqual(6);
    const actions = beforeRestart.filter((e) => e.kind === 'action');
    for (const a of acked) {
      const found = actions.find((e) => e.seat === a.seat && e.data.next === a.next);
      expect(found, `acknowledged bid of ${a.seat} -> stateId ${a.next}`).toBeDefined();
      expect(found?.data).toMatchObject({ stateId: a.stateId, action: { type: 'bid', amount: a.amount } });
    }
    expect(verifyChain(beforeRestart)).toBeNull();
    const replayed = replay(findMechanism, beforeRestart);
    expect(replayed.problem).toBeNull();
    expect(replayed.inputs).toBeGreaterThanOrEqual(acked.length);
    // Mid-round: both humans' last bids are in, the round they belong to has not closed.
    const lastClose = beforeRestart.findLastIndex((e) => e.kind === 'round_closed');
    const lastHumanBid = beforeRestart.findLastIndex((e) => e.kind === 'action' && e.seat === 'p0');
    expect(lastHumanBid).toBeGreaterThan(lastClose);
  });

  it('the session is resumed from its ledger: listed as running, same round, same bids in, chain continued', async () => {
    const listed = await sessionsOf(restarted);
    expect(listed.find((s) => s.session === info.session)?.status).toBe('running');
    const now = await http<JoinInfo>(restarted.url, 'GET', `/api/sessions/${info.session}`, { admin: ADMIN_TOKEN });
    expect(now.status).toBe(200);
    expect(now.body.roomId).not.toBe(info.roomId);

    const after = exported(restarted.dataDir, info.session);
    expect(after.slice(0, beforeRestart.length)).toEqual(beforeRestart);
    expect(after[beforeRestart.length]).toMatchObject({ kind: 'session_resumed', data: { after: beforeRestart.length } });
    expect(verifyChain(after)).toBeNull();

    // The round open at the kill goes on with the bids acknowledged before it: the re-seated
    // bot closes it, and each human's result shows the bid it had in.
    const open = (replay(findMechanism, beforeRestart).match.state as unknown as { round: number }).round;
    const results = await waitFor(
      async () => {
        const found = (await stored(restarted.dataDir, info.session)).filter((e) => e.kind === 'round_result' && e.data.round === open);
        return found.length === 3 ? found : null;
      },
      `round ${open} to close after the restart`,
      8000,
    );
    for (const seat of ['p0', 'p1']) {
      const last = acked.filter((a) => a.seat === seat).at(-1) as Acked;
      expect(results.find((e) => JSON.stringify(e.audience) === JSON.stringify([seat]))?.data.bid).toBe(last.amount);
    }
    expect(results.every((e) => e.seq > beforeRestart.length)).toBe(true);
  });

  it('a human with a fresh token joins the resumed session, sees its own bid, and plays the next round', async () => {
    const now = (await http<JoinInfo>(restarted.url, 'GET', `/api/sessions/${info.session}`, { admin: ADMIN_TOKEN })).body;
    const token = await seatToken(restarted.url, now, 'p0');
    expect(token.roomId).toBe(now.roomId);
    const p0 = await joinRoom(restarted.url, token.roomId, token.token);
    rooms.push(p0);
    const mine = acked.filter((a) => a.seat === 'p0');
    await waitFor(() => (JSON.parse(privateView(p0, 'p0') ?? '{"history": []}') as { history: unknown[] }).history.length >= mine.length, 'the rounds before the crash in the view', 8000);
    // Its own history holds the rounds played before the crash, with its acknowledged bids.
    const history = (JSON.parse(privateView(p0, 'p0') as string) as { history: { round: number; bid: number | null }[] }).history;
    expect(history.slice(0, mine.length).map((h) => h.bid)).toEqual(mine.map((a) => a.amount));
    // p0 bids in the round after those.
    await waitFor(() => p0.state.status === 'running' && legalOf(p0, 'p0').length > 0, 'p0 to be allowed to bid again', 8000);
    const ack = await act(p0, p0.state.stateId, { type: 'bid', amount: 1 });
    expect(ack).toMatchObject({ ok: true });
    const events = exported(restarted.dataDir, info.session);
    expect(events.filter((e) => e.kind === 'seat_joined' && e.seq > beforeRestart.length).map((e) => e.seat).sort()).toEqual(['p0', 'p2']);
    expect(events.find((e) => e.kind === 'action' && e.seat === 'p0' && e.data.next === (ack as { stateId: number }).stateId)).toBeDefined();
    expect(verifyChain(events)).toBeNull();
    expect(replay(findMechanism, events).problem).toBeNull();
  });

  // Every session has history from its creation on: a resumed room comes back in the status it
  // had (lobby included), not started because it has a history.
  it('a session still in its lobby stays in the lobby', async () => {
    const listed = await sessionsOf(restarted);
    expect(listed.find((s) => s.session === lobby.session)?.status).toBe('lobby');
  });
});

describe('SIGTERM', () => {
  let dataDir: string;
  let info: JoinInfo;
  let ack: { ok: true; stateId: number };
  let closeCode: number;
  let exit: { code: number | null; signal: NodeJS.Signals | null };
  let output: string;
  let events: LedgerEvent[];
  let again: ServerProcess;

  beforeAll(async () => {
    dataDir = tempDir('sigterm');
    const server = await spawnServer(dataDir);
    info = await createSession(server.url, auction(true, { policy: 'replace', graceSeconds: 30, bot: 'truthful' }));
    const token = await seatToken(server.url, info, 'p0');
    const p0 = await joinRoom(server.url, token.roomId, token.token);
    rooms.push(p0);
    await waitFor(() => legalOf(p0, 'p0').length > 0, 'p0 may bid');
    const stateId = p0.state.stateId;
    // An act carrying values JSON cannot hold is refused at the boundary with a code; it
    // must not end the process, which Colyseus does on an uncaught exception.
    const intruderToken = await seatToken(server.url, info, 'p1');
    const intruder = await joinRoom(server.url, intruderToken.roomId, intruderToken.token);
    rooms.push(intruder);
    const refused = new Promise<{ code: string }>((done) => intruder.onMessage('rejected', (m: { code: string }) => done(m)));
    intruder.send('act', { stateId, action: { type: 'bid', amount: Number.NaN } });
    expect(await refused).toMatchObject({ code: 'BAD_MESSAGE' });
    const reply = await act(p0, stateId, { type: 'bid', amount: 3 });
    expect(reply).toMatchObject({ ok: true });
    ack = reply as { ok: true; stateId: number };
    expect(server.child.exitCode).toBeNull();

    const left = new Promise<number>((done) => p0.onLeave((code) => done(code)));
    server.child.kill('SIGTERM');
    closeCode = await left;
    exit = await server.exited;
    output = server.output();
    events = exported(dataDir, info.session);
    again = await spawnServer(dataDir);
  }, 30_000);

  it('shuts down gracefully: the client is told (4001) and the process exits with code 0', () => {
    expect(closeCode).toBe(CLOSE_SERVER_SHUTDOWN);
    expect(exit).toEqual({ code: 0, signal: null });
    // Rooms let their humans go while shutting down; no bot is seated in a server that is going away.
    expect(output).not.toMatch(/seating a bot|^bot s/m);
  });

  it('keeps the acknowledged action in a verifiable ledger, and the session resumes on the next start', async () => {
    expect(verifyChain(events)).toBeNull();
    expect(replay(findMechanism, events).problem).toBeNull();
    expect(events.find((e) => e.kind === 'action' && e.seat === 'p0' && e.data.next === ack.stateId)).toBeDefined();
    expect((await sessionsOf(again)).find((s) => s.session === info.session)?.status).toBe('running');
    const resumed = exported(dataDir, info.session);
    expect(resumed.slice(0, events.length)).toEqual(events);
    expect(resumed[events.length]?.kind).toBe('session_resumed');
    again.child.kill('SIGTERM');
    expect(await again.exited).toEqual({ code: 0, signal: null });
  });

  // While Colyseus disposes the rooms at shutdown, onDrop/onLeave run for every connected human;
  // under 'replace' they must not record seat_replaced (the server seats no bot while closing).
  it('a graceful shutdown does not record its humans as replaced by bots', () => {
    expect(events.filter((e) => e.kind === 'seat_replaced')).toEqual([]);
  });
});
