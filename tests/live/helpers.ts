/**
 * Shared pieces of the live-arena integration tests: a real server on a random port
 * with a fresh SQLite file, real HTTP calls, real SDK clients, and a tap on every raw
 * websocket frame the SDK receives (so leak checks look at bytes, not decoded state).
 * InProcessArena (at the end) is the same server for the tests that seat participants
 * with the process-helpers clients (hostile input, reconnection).
 */
import { join } from 'node:path';
import { Client, type Room } from '@colyseus/sdk';
import { startArenaServer, type ArenaServer, type ArenaServerOptions } from '../../server/arena-server.ts';
import type { ArenaRoom } from '../../rooms/arena-room.ts';
import {
  ADMIN_TOKEN as PROCESS_ADMIN_TOKEN,
  SECRET,
  createSession as createSessionAt,
  follow,
  joinRoom as joinRoomAt,
  leave as leaveRoom,
  removeTempDirs,
  seatToken,
  tempDir,
  type ArenaRoomClient,
  type JoinInfo as ProcessJoinInfo,
  viewsOf,
} from './process-helpers.ts';

export { viewsOf } from './process-helpers.ts';

// --- raw frames --------------------------------------------------------------

/** Every raw frame received by any WebSocket the SDK opened, by socket. */
const rawFrames = new Map<WebSocket, Uint8Array[]>();
let tapped = false;

/**
 * Patches the global WebSocket's `onmessage` setter (the SDK assigns it on every
 * socket it opens, including after reconnection) to copy each frame before the SDK
 * decodes it. Install before the first client connects.
 */
export function installRawTap(): void {
  if (tapped) return;
  tapped = true;
  const desc = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage');
  if (!desc?.set || !desc.get) throw new Error('WebSocket.prototype.onmessage is not an accessor: cannot tap raw frames');
  const set = desc.set;
  Object.defineProperty(WebSocket.prototype, 'onmessage', {
    configurable: true,
    get: desc.get,
    set(this: WebSocket, handler: ((ev: MessageEvent) => unknown) | null) {
      const frames = rawFrames.get(this) ?? [];
      rawFrames.set(this, frames);
      set.call(
        this,
        handler &&
          function (this: WebSocket, ev: MessageEvent) {
            const d: unknown = ev.data;
            frames.push(d instanceof ArrayBuffer ? new Uint8Array(d.slice(0)) : new TextEncoder().encode(String(d)));
            return handler.call(this, ev);
          },
      );
    },
  });
}

/** All bytes received on the sockets of one SDK room (its sessionId is in the socket URL). */
export function rawBytes(room: { readonly sessionId: string }): Buffer {
  const parts: Uint8Array[] = [];
  for (const [ws, frames] of rawFrames) if (new URL(ws.url).searchParams.get('sessionId') === room.sessionId) parts.push(...frames);
  return Buffer.concat(parts);
}

/**
 * Whether a number travelled in these bytes: as JSON text (the synchronized views are
 * JSON strings; the text must stand alone, not inside a longer number) or as an
 * IEEE-754 double in either byte order (msgpack messages are big-endian, schema
 * numbers little-endian).
 */
export function containsNumber(bytes: Buffer, x: number): boolean {
  const be = Buffer.alloc(8);
  be.writeDoubleBE(x);
  const le = Buffer.alloc(8);
  le.writeDoubleLE(x);
  if (bytes.includes(be) || bytes.includes(le)) return true;
  const text = JSON.stringify(x);
  const latin = bytes.toString('latin1');
  for (let i = latin.indexOf(text); i >= 0; i = latin.indexOf(text, i + 1)) {
    const before = latin[i - 1] ?? '';
    const after = latin[i + text.length] ?? '';
    if (!/[0-9.-]/.test(before) && !/[0-9.eE]/.test(after)) return true;
  }
  return false;
}

/** Whether a text travelled in these bytes (msgpack and schema strings are raw UTF-8). */
export const containsText = (bytes: Buffer, s: string): boolean => bytes.includes(Buffer.from(s, 'utf8'));

// --- the server ----------------------------------------------------------------

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
const TOKEN_SECRET = 'test-token-secret-0123456789abcdef';

export interface TestServer {
  readonly server: ArenaServer;
  readonly url: string;
  /** Calls the HTTP API; `auth` adds the experimenter Bearer token. */
  api(method: string, path: string, body?: unknown, auth?: boolean): Promise<{ status: number; body: unknown; text: string; headers: Headers }>;
  /** Every SDK room opened through this helper (closed by close()). */
  readonly rooms: Room[];
  close(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  installRawTap();
  const dir = tempDir('live');
  const server = await startArenaServer({ port: 0, host: '127.0.0.1', dbPath: join(dir, 'arena.db'), adminToken: ADMIN_TOKEN, tokenSecret: TOKEN_SECRET, botThinkMs: [0, 0], standInThinkMs: [0, 0] });
  const rooms: Room[] = [];
  return {
    server,
    url: server.url,
    rooms,
    async api(method, path, body, auth = false) {
      const headers: Record<string, string> = {};
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (auth) headers.authorization = `Bearer ${ADMIN_TOKEN}`;
      const res = await fetch(`${server.url}${path}`, { method, headers, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
      return { status: res.status, body: parsed, text, headers: res.headers };
    },
    async close() {
      // End what is still live first: the server stops a session's bots when it ends,
      // while the server is still up to answer their leave.
      for (const row of server.sessions.list()) {
        const room = await server.room(row.id);
        if (room && room.state.status !== 'ended') room.control('end', 'test');
      }
      for (const room of rooms) {
        room.reconnection.enabled = false;
        if (room.connection?.isOpen) await Promise.race([room.leave(true).catch(() => undefined), sleep(1000)]);
      }
      await sleep(50);
      await server.close();
    },
  };
}

// --- sessions and clients ----------------------------------------------------------

export interface JoinInfo {
  session: string;
  roomId: string;
  title: string;
  mechanism: string;
  status: string;
  seats: { seat: string; code: string; link: string }[];
  spectate: string;
  experimenterToken: string;
}

/** POST /api/sessions as the experimenter; fails the test unless it is created. */
export async function createSession(t: TestServer, spec: unknown): Promise<JoinInfo> {
  const res = await t.api('POST', '/api/sessions', spec, true);
  if (res.status !== 201) throw new Error(`creating a session: ${res.status} ${res.text}`);
  return res.body as JoinInfo;
}

/** The decoded synchronized state as the tests read it. */
export interface ArenaView {
  session: string;
  status: string;
  stateId: number;
  phaseId: number;
  deadline: number;
  progress: string;
  full: string;
  seats: Map<string, { seat: string; holder: string; connected: boolean; waiting: boolean }> & { size: number };
}

export type ArenaClientRoom = Room<unknown, ArenaView>;

async function joinRoom(t: TestServer, roomId: string, token: string): Promise<ArenaClientRoom> {
  const room = (await new Client(t.url).joinById(roomId, { token })) as unknown as ArenaClientRoom;
  // Follow the views as the web client does.
  follow(room);
  // Keep every other message, in order, for the tests to inspect.
  const log: { type: string; message: unknown }[] = [];
  logs.set(room, log);
  room.onMessage('*', (type: string | number, message: unknown) => log.push({ type: String(type), message }));
  t.rooms.push(room as unknown as Room);
  return room;
}

/** Joins a human seat the way a participant does: POST /api/join with the code, then joinById. */
export async function joinSeat(t: TestServer, code: string): Promise<{ room: ArenaClientRoom; seat: string }> {
  const res = await t.api('POST', '/api/join', { code });
  if (res.status !== 200) throw new Error(`joining with ${code}: ${res.status} ${res.text}`);
  const { roomId, token, seat } = res.body as { roomId: string; token: string; seat: string };
  const room = await joinRoom(t, roomId, token);
  await waitFor(() => viewsOf(room).version(seat) > 0, 3000, `${seat}'s private view`);
  return { room, seat };
}

export async function joinSpectator(t: TestServer, session: string): Promise<ArenaClientRoom> {
  const res = await t.api('GET', `/api/sessions/${session}/spectate`);
  if (res.status !== 200) throw new Error(`spectating ${session}: ${res.status} ${res.text}`);
  const { roomId, token } = res.body as { roomId: string; token: string };
  const room = await joinRoom(t, roomId, token);
  await waitFor(() => room.state?.seats?.size > 0 && viewsOf(room).synced, 3000, 'spectator state');
  return room;
}

export async function joinExperimenter(t: TestServer, info: JoinInfo): Promise<ArenaClientRoom> {
  const room = await joinRoom(t, info.roomId, info.experimenterToken);
  await waitFor(() => viewsOf(room).seats.length > 0 && room.state.full !== 'null', 3000, 'experimenter state');
  return room;
}

const logs = new WeakMap<ArenaClientRoom, { type: string; message: unknown }[]>();
/** A seat's view and legal actions as a client holds them; null when it does not get them. */
export function privateOf<V = Record<string, unknown>>(room: ArenaClientRoom, seat: string): { view: V; legal: { type: string }[] } | null {
  const f = viewsOf(room);
  return f.version(seat) > 0 ? { view: f.view(seat) as V, legal: f.legal(seat) as unknown as { type: string }[] } : null;
}

/** The messages of one type a client has received so far, in order. */
export function messages<T = Record<string, unknown>>(room: ArenaClientRoom, type: string): T[] {
  return (logs.get(room) ?? []).filter((m) => m.type === type).map((m) => m.message as T);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor(cond: () => boolean, timeoutMs = 5000, label = 'condition'): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${label}`);
    await sleep(10);
  }
}

/**
 * Plays a seat like a participant: whenever the synchronized state offers the seat a
 * legal action at a stateId it has not tried yet, asks `decide` and sends the action.
 */
export function autoPlay(room: ArenaClientRoom, seat: string, decide: (view: Record<string, unknown>, legal: { type: string }[], progress: { round: number }) => Record<string, unknown> | null): { acks: unknown[]; stop(): void } {
  const acks: unknown[] = [];
  let tried = -1;
  let busy = false;
  let stopped = false;
  const step = async (): Promise<void> => {
    const state = room.state;
    const mine = privateOf(room, seat);
    if (stopped || busy || !mine || state.status !== 'running' || state.stateId === tried) return;
    const legal = mine.legal;
    if (!legal.length) return;
    tried = state.stateId;
    const action = decide(mine.view, legal, JSON.parse(state.progress) as { round: number });
    if (!action) return;
    busy = true;
    try {
      acks.push(await room.request('act', { stateId: tried, action }));
    } catch (error) {
      if (!stopped) acks.push({ error: (error as Error).message });
    } finally {
      busy = false;
    }
  };
  room.onStateChange(() => void step());
  void step();
  return {
    acks,
    stop() {
      stopped = true;
    },
  };
}

/** The public view a client holds. */
export const publicOf = <T = Record<string, unknown>>(room: ArenaClientRoom): T => viewsOf(room).publicView as T;

// --- an in-process server driven like a participant (process-helpers clients) ----------

/** A session and one SDK client per seat, each joined by its join code. */
export interface SeatedArena {
  readonly info: ProcessJoinInfo;
  readonly session: string;
  readonly clients: Record<string, ArenaRoomClient>;
}

/**
 * A real arena server in this process on a fresh SQLite file, for tests that seat
 * participants the way the hostile-input and reconnection tests do (tokens by join code,
 * SDK rooms, server-side rooms by session). `stop()` leaves every room it opened and
 * closes the server.
 */
export class InProcessArena {
  readonly server: ArenaServer;
  /** Every client opened through `seat`/`track`, left by stop(). */
  readonly rooms: ArenaRoomClient[] = [];

  private constructor(server: ArenaServer) {
    this.server = server;
  }

  static async start(prefix: string, botThinkMs: readonly [number, number] = [0, 0], options: Partial<ArenaServerOptions> = {}): Promise<InProcessArena> {
    const server = await startArenaServer({ port: 0, dbPath: join(tempDir(prefix), 'arena.db'), adminToken: PROCESS_ADMIN_TOKEN, tokenSecret: SECRET, botThinkMs, ...options });
    return new InProcessArena(server);
  }

  get url(): string {
    return this.server.url;
  }

  /** Creates a session from `spec` and joins every seat with its join code. */
  async seat(spec: unknown, options: { reconnect?: boolean } = {}): Promise<SeatedArena> {
    const info = await createSessionAt(this.server.url, spec);
    const clients: Record<string, ArenaRoomClient> = {};
    for (const { seat } of info.seats) {
      const token = await seatToken(this.server.url, info, seat);
      clients[seat] = this.track(await joinRoomAt(this.server.url, token.roomId, token.token, options));
    }
    return { info, session: info.session, clients };
  }

  /** Leaves `room` at stop(). */
  track(room: ArenaRoomClient): ArenaRoomClient {
    this.rooms.push(room);
    return room;
  }

  /** The live server-side room of a session, its views brought up to date. */
  async room(session: string): Promise<ArenaRoom> {
    const room = await this.server.room(session);
    if (!room) throw new Error(`session ${session} is not live`);
    return room;
  }

  async stop(): Promise<void> {
    for (const room of this.rooms) await leaveRoom(room);
    await this.server.close();
    removeTempDirs();
  }
}
