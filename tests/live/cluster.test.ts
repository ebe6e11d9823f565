/**
 * Two `arena serve` processes on one Redis and one PostgreSQL database (a fresh schema and
 * Redis key prefix for this run, removed after it), each with its own public address, as the
 * README's Deployment section runs them:
 * - the demo arenas are opened once for both;
 * - a session created through A is listed, joined (admission decided by A, with the same
 *   refusals), spectated, watched on the observatory and controlled (API and experimenter
 *   connection) through B;
 * - A killed with SIGKILL mid-session: B's session goes on untouched; A restarted resumes its
 *   session from PostgreSQL with every acknowledged action in the record.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifyChain, type LedgerEvent } from '../../mechanisms/core/ledger.ts';
import { replay } from '../../mechanisms/core/replay.ts';
import { findMechanism } from '../../mechanisms/registry.ts';
import { PgLedger } from '../../server/storage/pg-ledger.ts';
import { DEMO_ARENAS } from '../../server/demo.ts';
import {
  ADMIN_TOKEN,
  BIN,
  ROOT,
  SECRET,
  act,
  createSession,
  freePort,
  http,
  joinError,
  joinRoom,
  leave,
  legalOf,
  seatToken,
  tempDir,
  waitFor,
  type ArenaRoomClient,
  type JoinInfo,
  viewsOf,
} from './process-helpers.ts';
import { dropRedisPrefix, dropSchema, postgresAvailable, POSTGRES_URL, redisAvailable, REDIS_URL, runName } from './services.ts';

const available = (await postgresAvailable()) && (await redisAvailable());
const schema = runName('cluster');
const prefix = `${runName('cluster')}:`;

interface Node {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

const nodes: Node[] = [];
const rooms: ArenaRoomClient[] = [];
const sockets: Socket[] = [];

/** Starts one process of the cluster (`arena serve`, demo arenas included) and waits until it listens. */
async function startNode(name: string, port: number): Promise<Node> {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      ARENA_DATA: tempDir(`cluster-${name}`),
      ARENA_ADMIN_TOKEN: ADMIN_TOKEN,
      ARENA_SECRET: SECRET,
      ARENA_DATABASE_URL: POSTGRES_URL,
      ARENA_DATABASE_SCHEMA: schema,
      ARENA_REDIS_URL: REDIS_URL,
      ARENA_REDIS_PREFIX: prefix,
      ARENA_PUBLIC_ADDRESS: `127.0.0.1:${port}`,
      NO_COLOR: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  let gone = false;
  void exited.then(() => (gone = true));
  const node: Node = { name, port, url: `http://127.0.0.1:${port}`, child, exited, output: () => out };
  nodes.push(node);
  await waitFor(() => gone || /is live at/.test(out), `process ${name} to start`, 30_000);
  if (gone) throw new Error(`process ${name} exited at start:\n${out}`);
  return node;
}

const auction = (title: string, humans = 2) => ({
  title,
  mechanism: 'first-price',
  config: { rounds: 200, bidStep: 1, values: { kind: 'uniformInt', low: 0, high: 100 } },
  seats: [{ kind: 'human', count: humans }, { kind: 'bot', policy: 'truthful' }],
  dropout: { policy: 'wait', graceSeconds: 30 },
  public: true,
});

interface Acked {
  readonly seat: string;
  readonly stateId: number;
  readonly amount: number;
  readonly next: number;
}

/** A seat that bids whenever it may (a fixed amount a round), noting every acknowledged bid. */
function autoBid(room: ArenaRoomClient, seat: string, acked: Acked[], onAck: () => void = () => undefined): { stop(): void } {
  let busy = false;
  let stopped = false;
  let tried = -1;
  const go = async (): Promise<void> => {
    const state = room.state;
    if (stopped || busy || state?.status !== 'running' || state.stateId === tried || legalOf(room, seat).length === 0) return;
    busy = true;
    tried = state.stateId;
    const amount = 10 + (acked.length % 50);
    try {
      const ack = await act(room, tried, { type: 'bid', amount });
      if (ack.ok && !stopped) {
        acked.push({ seat, stateId: tried, amount, next: ack.stateId });
        onAck();
      }
    } catch {
      // the process went away mid-request: nothing was acknowledged
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

/** A session's record as PostgreSQL holds it (a reader of its own beside the running processes). */
async function recorded(session: string): Promise<LedgerEvent[]> {
  const ledger = new PgLedger({ url: POSTGRES_URL, schema });
  try {
    return ledger.events(session);
  } finally {
    await ledger.close();
  }
}

const sessionsOf = async (node: Node) => (await http<{ session: string; status: string; demo: boolean; title: string }[]>(node.url, 'GET', '/api/sessions', { admin: ADMIN_TOKEN })).body;

beforeAll(() => {
  vi.spyOn(console, 'info').mockImplementation(() => undefined); // the SDK narrates its reconnection attempts
});

afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  for (const room of rooms) await leave(room);
  for (const node of nodes) {
    if (node.child.exitCode !== null || node.child.signalCode !== null) continue;
    node.child.kill('SIGKILL');
    await node.exited;
  }
  vi.restoreAllMocks();
  if (available) {
    await dropSchema(schema);
    await dropRedisPrefix(prefix);
  }
});

describe.skipIf(!available)('two processes on one Redis and one PostgreSQL', () => {
  let a: Node;
  let b: Node;
  let info: JoinInfo;
  let p0: ArenaRoomClient;
  let p1: ArenaRoomClient;

  beforeAll(async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    // Both at once: the demo arenas must still be opened once.
    [a, b] = await Promise.all([startNode('a', portA), startNode('b', portB)]);
  }, 60_000);

  it('answers its health check for the proxy, naming the process', async () => {
    expect(await http(a.url, 'GET', '/api/health')).toEqual({ status: 200, body: { ok: true, node: `127.0.0.1:${a.port}` } });
    expect((await http(b.url, 'GET', '/api/health')).body).toEqual({ ok: true, node: `127.0.0.1:${b.port}` });
  });

  it('opens the demo arenas once for both processes', async () => {
    const demos = (await sessionsOf(b)).filter((s) => s.demo && s.status !== 'interrupted');
    expect(demos.map((d) => d.title).sort()).toEqual(DEMO_ARENAS.map((d) => d.title).sort());
    expect(await sessionsOf(a)).toEqual(await sessionsOf(b));
  });

  it('a session created through A is listed by B, its join code works on B, and a player joins its room through B', async () => {
    info = await createSession(a.url, auction('made on A'));
    expect((await sessionsOf(b)).find((s) => s.session === info.session)?.status).toBe('lobby');
    const token = await seatToken(b.url, info, 'p0');
    p0 = await joinRoom(b.url, token.roomId, token.token);
    rooms.push(p0);
    await waitFor(() => viewsOf(p0).version('p0') > 0, 'its own view');
    // The directory of B describes the room that runs on A (its seats come from the live room).
    const listed = (await http<{ session: string; seats: { total: number } }[]>(b.url, 'GET', '/api/arenas')).body.find((e) => e.session === info.session);
    expect(listed?.seats.total).toBe(3);
  });

  it('a second join of a held seat reserved through B is refused as through A (SEAT_TAKEN, 409)', async () => {
    const again = await seatToken(b.url, info, 'p0');
    const throughB = await joinError(b.url, again.roomId, again.token);
    const throughA = await joinError(a.url, again.roomId, again.token);
    expect(throughB).toEqual(throughA);
    expect(throughB?.code).toBe(409);
    expect(throughB?.message).toMatch(/^SEAT_TAKEN/);
  });

  it('the experimenter controls the session through B: the API starts it, an experimenter connection through B pauses and resumes it', async () => {
    const started = await http(b.url, 'POST', `/api/sessions/${info.session}/control`, { body: { op: 'start' }, admin: ADMIN_TOKEN });
    expect(started).toMatchObject({ status: 200, body: { ok: true } });
    await waitFor(() => p0.state.status === 'running', 'the session to run');
    const experimenter = await joinRoom(b.url, info.roomId, info.experimenterToken);
    rooms.push(experimenter);
    expect(await experimenter.request('admin', { op: 'pause' })).toEqual({ ok: true });
    await waitFor(() => p0.state.status === 'paused', 'the pause to reach the player');
    const resumed = await http(b.url, 'POST', `/api/sessions/${info.session}/control`, { body: { op: 'resume' }, admin: ADMIN_TOKEN });
    expect(resumed).toMatchObject({ status: 200, body: { ok: true } });
    await waitFor(() => p0.state.status === 'running', 'the session to run again');
    const spectate = await http<{ roomId: string; token: string }>(b.url, 'GET', `/api/sessions/${info.session}/spectate`);
    const spectator = await joinRoom(b.url, spectate.body.roomId, spectate.body.token);
    rooms.push(spectator);
    await viewsOf(spectator).ready;
    expect(viewsOf(spectator).seats).toEqual([]);
  });

  it("an observatory watcher connected to B receives the events of A's room: public ones in the public feed, all in the experimenter's", async () => {
    const watcher = connect(b.url, { transports: ['websocket'] });
    const experimenter = connect(`${b.url}/experimenter`, { transports: ['websocket'], auth: { token: ADMIN_TOKEN } });
    sockets.push(watcher, experimenter);
    const seen: { match: string; kind: string; seat?: unknown }[] = [];
    const all: { match: string; kind: string }[] = [];
    watcher.on('event', (e: { match: string; kind: string }) => seen.push(e));
    experimenter.on('event', (e: { match: string; kind: string }) => all.push(e));
    expect(await watcher.emitWithAck('watch', { session: info.session })).toEqual({ ok: true });
    expect(await experimenter.emitWithAck('watch', { session: info.session })).toEqual({ ok: true });
    const acked: Acked[] = [];
    const bidding = autoBid(p0, 'p0', acked);
    const p1Token = await seatToken(a.url, info, 'p1');
    p1 = await joinRoom(a.url, p1Token.roomId, p1Token.token);
    rooms.push(p1);
    const p1Bids = autoBid(p1, 'p1', acked);
    await waitFor(() => seen.some((e) => e.match === info.session && e.kind === 'round_closed'), 'a public round_closed event on B', 20_000);
    await waitFor(() => all.some((e) => e.match === info.session && e.kind === 'action'), 'an action in the experimenter feed on B', 20_000);
    bidding.stop();
    p1Bids.stop();
    expect(seen.every((e) => e.seat === undefined)).toBe(true);
  });

  describe('A killed with SIGKILL mid-session, then restarted', () => {
    let onB: JoinInfo;
    let beforeKill: LedgerEvent[];
    const ackedA: Acked[] = [];
    const ackedB: Acked[] = [];
    let b0: ArenaRoomClient;

    beforeAll(async () => {
      onB = await createSession(b.url, { ...auction('made on B', 1), autoStart: true });
      const tokenB = await seatToken(b.url, onB, 'p0');
      b0 = await joinRoom(b.url, tokenB.roomId, tokenB.token);
      rooms.push(b0);
      const bBids = autoBid(b0, 'p0', ackedB);
      const killed = a.exited;
      const players: { stop(): void }[] = [];
      let kills = 0;
      // Killed the moment p0 has had three more bids acknowledged on A's session.
      const start = ackedA.length;
      const onAck = () => {
        if (ackedA.length - start >= 3 && kills++ === 0) {
          a.child.kill('SIGKILL');
          for (const p of players) p.stop();
        }
      };
      players.push(autoBid(p0, 'p0', ackedA, onAck), autoBid(p1, 'p1', ackedA, onAck));
      expect(await killed).toMatchObject({ signal: 'SIGKILL' });
      beforeKill = await recorded(info.session);
      // B's session goes on while A is down.
      const before = ackedB.length;
      await waitFor(() => ackedB.length >= before + 2, "two more acknowledged bids on B's session after the kill", 20_000);
      bBids.stop();
      a = await startNode('a', a.port);
    }, 90_000);

    it("every action acknowledged on A's session is in PostgreSQL, whose chain verifies and replays", () => {
      expect(ackedA.length).toBeGreaterThanOrEqual(3);
      const actions = beforeKill.filter((e) => e.kind === 'action');
      for (const x of ackedA) {
        const found = actions.find((e) => e.seat === x.seat && e.data.next === x.next);
        expect(found, `acknowledged bid of ${x.seat} -> stateId ${x.next}`).toBeDefined();
        expect(found?.data).toMatchObject({ stateId: x.stateId, action: { type: 'bid', amount: x.amount } });
      }
      expect(verifyChain(beforeKill)).toBeNull();
      expect(replay(findMechanism, beforeKill).problem).toBeNull();
    });

    it("B's session went on untouched: bids acknowledged after the kill, its record one unbroken chain with no resume", async () => {
      const events = await recorded(onB.session);
      expect(verifyChain(events)).toBeNull();
      expect(events.some((e) => e.kind === 'session_resumed')).toBe(false);
      for (const x of ackedB) expect(events.find((e) => e.kind === 'action' && e.data.next === x.next)).toBeDefined();
      expect((await sessionsOf(b)).find((s) => s.session === onB.session)?.status).toBe('running');
    });

    it("the restarted A resumes its session from PostgreSQL: running, the record continued after a session_resumed, playable through B", async () => {
      expect((await sessionsOf(b)).find((s) => s.session === info.session)?.status).toBe('running');
      const now = (await http<JoinInfo>(b.url, 'GET', `/api/sessions/${info.session}`, { admin: ADMIN_TOKEN })).body;
      expect(now.roomId).not.toBe(info.roomId);
      const after = await recorded(info.session);
      expect(after.slice(0, beforeKill.length)).toEqual(beforeKill);
      expect(after[beforeKill.length]).toMatchObject({ kind: 'session_resumed', data: { after: beforeKill.length } });
      // The players come back through B; the one whose bid the open round still waits for bids.
      const back: Record<string, ArenaRoomClient> = {};
      for (const seat of ['p0', 'p1']) {
        const token = await seatToken(b.url, now, seat);
        back[seat] = await joinRoom(b.url, token.roomId, token.token);
        rooms.push(back[seat]);
      }
      const seat = await waitFor(() => ['p0', 'p1'].find((s) => back[s]?.state.status === 'running' && legalOf(back[s] as ArenaRoomClient, s).length > 0), 'a seat that may bid in the resumed session', 20_000);
      const bidder = back[seat] as ArenaRoomClient;
      expect(await act(bidder, bidder.state.stateId, { type: 'bid', amount: 7 })).toMatchObject({ ok: true });
      const events = await recorded(info.session);
      expect(verifyChain(events)).toBeNull();
      expect(replay(findMechanism, events).problem).toBeNull();
      // Its demo arenas were replaced, once: the cluster still has one of each running.
      const demos = (await sessionsOf(b)).filter((s) => s.demo && ['lobby', 'running', 'paused'].includes(s.status));
      expect(demos.map((d) => d.title).sort()).toEqual(DEMO_ARENAS.map((d) => d.title).sort());
    });
  });
});
