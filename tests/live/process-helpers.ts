/**
 * Helpers of the hostile-input, reconnection and crash tests: free ports, polling,
 * the HTTP API, seat tokens, SDK clients, and `arena serve` as a child process.
 */
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { Client, type Room } from '@colyseus/sdk';
import type { ArenaRoom } from '../../rooms/arena-room.ts';
import { ViewFollower, type FollowedRoom } from '../../rooms/views.ts';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'arena.ts');
export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const SECRET = 'test-token-secret-0123456789abcdef';

export const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** A port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => done(port));
    });
  });
}

/** Polls until `probe` returns something truthy; fails naming `what` after `timeoutMs`. */
export async function waitFor<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 5000, everyMs = 20): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export { tempDir, removeTempDirs } from '../temp.ts';

// --- the HTTP API -------------------------------------------------------------

export interface HttpReply<T = unknown> {
  readonly status: number;
  readonly body: T;
}

export async function http<T = unknown>(base: string, method: string, path: string, options: { body?: unknown; admin?: string } = {}): Promise<HttpReply<T>> {
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.admin) headers.authorization = `Bearer ${options.admin}`;
  const res = await fetch(`${base}${path}`, { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: body as T };
}

/**
 * One HTTP request from a given loopback address (127.0.0.x): a client of its own for the
 * server's per-address limits. Answers the status, headers and body (JSON when it parses).
 */
export interface AddressReply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  readonly body: unknown;
}

export function fromAddress(port: number, address: string, method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<AddressReply> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((done, fail) => {
    const req = request(
      { host: '127.0.0.1', port, localAddress: address, method, path, agent: false, headers: { ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}), ...options.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = null;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON
          }
          done({ status: res.statusCode ?? 0, headers: res.headers, text, body });
        });
      },
    );
    req.on('error', fail);
    req.end(payload);
  });
}

export interface JoinInfo {
  readonly session: string;
  readonly roomId: string;
  readonly status: string;
  readonly seats: readonly { seat: string; code: string }[];
  readonly experimenterToken: string;
}

export interface SeatToken {
  readonly session: string;
  readonly roomId: string;
  readonly seat: string;
  readonly token: string;
}

/** Creates a session through the experimenter API (201 or the test fails). */
export async function createSession(base: string, spec: unknown, admin = ADMIN_TOKEN): Promise<JoinInfo> {
  const reply = await http<JoinInfo>(base, 'POST', '/api/sessions', { body: spec, admin });
  if (reply.status !== 201) throw new Error(`POST /api/sessions: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

/** A seat token by join code, as a participant gets it. */
export async function seatToken(base: string, info: JoinInfo, seat: string): Promise<SeatToken> {
  const code = info.seats.find((s) => s.seat === seat)?.code;
  if (!code) throw new Error(`no join code for ${seat}`);
  const reply = await http<SeatToken>(base, 'POST', '/api/join', { body: { code } });
  if (reply.status !== 200) throw new Error(`POST /api/join: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

// --- SDK clients --------------------------------------------------------------

export interface DecodedInfo {
  holder: string;
  connected: boolean;
  policy: string;
}
export interface DecodedState {
  status: string;
  stateId: number;
  phaseId: number;
  seats: { get(seat: string): DecodedInfo | undefined; size: number };
}
export type ArenaRoomClient = Room<DecodedState>;

export type Ack = { ok: true; stateId: number } | { ok: false; code: string; message: string };

/** Joins a room by id with a token, as a browser or bot does; messages the test does not read are ignored. */
export async function joinRoom(url: string, roomId: string, token: string, options: { agent?: string; reconnect?: boolean } = {}): Promise<ArenaRoomClient> {
  const room = await new Client(url).joinById<DecodedState>(roomId, { token, ...(options.agent ? { agent: options.agent } : {}) });
  follow(room);
  room.onMessage('*', () => undefined);
  room.reconnection.minUptime = 0;
  room.reconnection.enabled = options.reconnect ?? false;
  await waitFor(() => room.state?.status !== undefined && room.state.seats?.size > 0, 'the first state');
  return room;
}

/** What a join attempt failed with (its HTTP-like code), or null when it succeeded (the room is left). */
export async function joinError(url: string, roomId: string, token: unknown): Promise<{ code: number; message: string } | null> {
  try {
    const room = await new Client(url).joinById(roomId, { token });
    room.reconnection.enabled = false;
    await Promise.race([room.leave(true), sleep(2000)]);
    return null;
  } catch (error) {
    const e = error as { code?: number; message?: string };
    return { code: Number(e.code), message: String(e.message) };
  }
}

const followers = new WeakMap<object, ViewFollower>();

/** Follows the views of a joined room as the web client does (rooms/views.ts); returns the room. */
export function follow<R extends object>(room: R): R {
  if (!followers.has(room)) followers.set(room, new ViewFollower(room as unknown as FollowedRoom));
  return room;
}

/** The views a client follows. */
export function viewsOf(room: object): ViewFollower {
  const f = followers.get(room);
  if (!f) throw new Error('not a room that follows its views (follow())');
  return f;
}

/** A seat's view as a client holds it, as JSON; undefined when it does not get it. */
export const privateView = (room: ArenaRoomClient, seat: string): string | undefined => (viewsOf(room).version(seat) > 0 ? JSON.stringify(viewsOf(room).view(seat)) : undefined);
export const legalOf = (room: ArenaRoomClient, seat: string): { type: string; params: Record<string, { min: number; max: number; step?: number }> }[] =>
  (viewsOf(room).legal(seat) ?? []) as unknown as { type: string; params: Record<string, { min: number; max: number; step?: number }> }[];
/** The server's view of a seat in the committed state, as JSON. */
export const serverView = (room: ArenaRoom, seat: string): string | undefined => {
  const s = room.seatView(seat);
  return s ? JSON.stringify(s.view) : undefined;
};

const sentAt = new WeakMap<object, number[]>();
/**
 * Waits so that `room` sends at most 50 messages in any 1.1 s: the arena drops a client
 * past its maxMessagesPerSecond (60), and tests that are not about floods must not flood.
 */
export async function paced(room: ArenaRoomClient): Promise<void> {
  const times = (sentAt.get(room) ?? []).filter((t) => Date.now() - t < 1100);
  if (times.length >= 50) await sleep(1100 - (Date.now() - (times[0] as number)) + 5);
  sentAt.set(room, [...times.filter((t) => Date.now() - t < 1100), Date.now()]);
}

/** Sends `act` (paced) and returns the server's reply. */
export async function act(room: ArenaRoomClient, stateId: number, action: unknown): Promise<Ack> {
  await paced(room);
  return (await room.request('act', { stateId, action })) as Ack;
}

/** Leaves a room if its connection is still open (the SDK's leave() never settles on a closed one). */
export async function leave(room: ArenaRoomClient): Promise<void> {
  room.reconnection.enabled = false;
  if (!room.connection?.isOpen) return;
  await Promise.race([room.leave(true), sleep(2000)]);
}

// --- `arena serve` as a child process ---------------------------------------

export interface ServerProcess {
  readonly port: number;
  readonly url: string;
  readonly dataDir: string;
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  /** Everything the process printed so far. */
  output(): string;
  /** Resolves when the process has exited: its exit code, or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ServerProcess>();

/** Starts `arena serve --no-demo` on a data folder and waits until it listens. */
export async function spawnServer(dataDir: string, port?: number): Promise<ServerProcess> {
  const chosen = port ?? (await freePort());
  const child = spawn(process.execPath, [BIN, 'serve', '--no-demo'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(chosen), HOST: '127.0.0.1', ARENA_DATA: dataDir, ARENA_DB: join(dataDir, 'arena.db'), ARENA_ADMIN_TOKEN: ADMIN_TOKEN, ARENA_SECRET: SECRET, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  const proc: ServerProcess = { port: chosen, url: `http://127.0.0.1:${chosen}`, dataDir, child, output: () => out, exited };
  running.add(proc);
  void exited.then(() => running.delete(proc));
  let gone = false;
  void exited.then(() => (gone = true));
  await waitFor(() => gone || /is live at/.test(out), 'arena serve to start', 20_000);
  if (gone) throw new Error(`arena serve exited at start:\n${out}`);
  return proc;
}

/** Kills every server process still running (afterAll). */
export async function killServers(): Promise<void> {
  await Promise.all(
    [...running].map(async (p) => {
      p.child.kill('SIGKILL');
      await p.exited;
    }),
  );
}

/** Runs the `arena` command to completion. */
export function arenaCli(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
