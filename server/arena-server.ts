/**
 * The arena server: one process with the Colyseus rooms (ws transport), the HTTP API,
 * the socket.io observatory and the ledger (SQLite, or PostgreSQL). Rooms are created only
 * here (by the experimenter API or the demo arenas); clients can only join by id with a
 * signed token. With a cluster (cluster.ts) several such processes share one Redis and one
 * PostgreSQL database: each runs the sessions it created, and any of them lists, joins,
 * controls and watches them all.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomInt } from 'node:crypto';
import { defineRoom, defineServer, matchMaker, type Server } from '@colyseus/core';
import { WebSocketTransport } from '@colyseus/ws-transport';
import { Server as SocketIOServer } from 'socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { ArenaRoom, SPECTATOR_ROOM, type ArenaAuth, type ArenaRoomOptions } from '../rooms/arena-room.ts';
import type { ClassSeats, Refused } from '../rooms/seating.ts';
import type { AdminMessage } from '../rooms/protocol.ts';
import { SpectatorRoom } from '../rooms/spectator-room.ts';
import { setArenaEnvironment } from '../rooms/environment.ts';
import { BUDGET_LIMITS, type BudgetLimits } from '../rooms/budget.ts';
import { TokenSigner } from '../rooms/tokens.ts';
import { resolveSession, SessionSpecError, type ResolvedSession } from '../rooms/session.ts';
import { findPolicy, policySupports } from '../bots/registry.ts';
import { findMechanism } from '../mechanisms/registry.ts';
import { runLiveBot, type LiveBot } from '../bots/live.ts';
import type { SeatContext } from '../bots/policy.ts';
import { LlmRuntime, llmSettingsSchema } from '../bots/llm/index.ts';
import type { SeatId } from '../mechanisms/core/types.ts';
import type { LedgerEvent } from '../mechanisms/core/ledger.ts';
import type { LedgerSync } from './storage/sqlite-ledger.ts';
import type { SessionRow, Sessions } from './storage/sessions.ts';
import { openStores, type Ledger, type StoreConfig } from './storage/stores.ts';
import { mountApi, type LiveSessions, type RoomVerdict } from './api.ts';
import { Cluster, type ClusterConfig } from './cluster.ts';
import { directoryEntry, type DirectoryEntry } from './directory.ts';
import { checkSessionLlmSeats, mountLlmStatus } from './llm-seats.ts';
import { mountConsoleApi } from './console-api.ts';
import { mountObservatory, type Observatory } from './observatory.ts';
import { mountNotFound, mountWebClient } from './web.ts';

export interface ArenaServerOptions {
  readonly port: number;
  readonly host?: string;
  /** The SQLite file of the ledger and the sessions (unless `store` names another store). */
  readonly dbPath: string;
  /** Where the ledger and the sessions are kept: default the SQLite file at `dbPath`; PostgreSQL for a cluster. */
  readonly store?: StoreConfig;
  /** Run as one process of several on one Redis (cluster.ts); needs `store` on PostgreSQL and a shared token secret and experimenter token. */
  readonly cluster?: ClusterConfig;
  readonly adminToken: string;
  readonly tokenSecret: string;
  /** Origins allowed to call the API and open sockets from a browser (besides the server's own). */
  readonly origins?: readonly string[];
  /**
   * Addresses of reverse proxies whose X-Forwarded-For / X-Real-IP headers name the client.
   * From anyone else those headers are replaced by the peer's address before any part of the
   * server reads them, so a client cannot pick the address its limits are counted under.
   */
  readonly trustedProxies?: readonly string[];
  /** Colyseus' own SIGTERM/SIGINT handling (the CLI turns it on). */
  readonly handleSignals?: boolean;
  /** Bot think time in ms (min, max): slower bots let humans keep up. */
  readonly botThinkMs?: readonly [number, number];
  /** Session specs kept running as demo arenas: each is replaced by a fresh one when it ends. */
  readonly demos?: readonly unknown[];
  /** Think time of stand-ins (ms, min and max): a person's pace, so that rounds do not race by before anyone arrives. */
  readonly standInThinkMs?: readonly [number, number];
  /** Told when an ended demo arena has been replaced by a fresh session (new codes). */
  readonly onDemoRestarted?: (row: SessionRow) => void;
  /** The built web client to serve (default client/dist); null serves none. */
  readonly clientDist?: string | null;
  /** How long an ended session's room stays open before it is disposed (ms; default 60 s). Its record stays in the ledger. */
  readonly endedLingerMs?: number;
  /** What one seat may cost: messages and recorded refusals per second, cooling down after abuse (rooms/budget.ts). */
  readonly seatBudget?: Partial<BudgetLimits>;
  /** The ledger file may not grow past this many bytes; a live session pauses when a write would pass it (default: no cap). */
  readonly ledgerMaxBytes?: number;
  /** Durability of a ledger commit (server/storage/sqlite-ledger.ts): 'normal' (default) or 'full'. */
  readonly ledgerSync?: LedgerSync;
}

export interface ArenaServer {
  readonly port: number;
  readonly url: string;
  readonly sessions: Sessions;
  readonly ledger: Ledger;
  readonly tokens: TokenSigner;
  /** This process's part of a cluster, or null for a server in one process. */
  readonly cluster: Cluster | null;
  readonly observatory: Observatory;
  createSession(spec: unknown): Promise<SessionRow>;
  room(session: string): Promise<ArenaRoom | null>;
  close(): Promise<void>;
}

/** Policy check for session specs: rooms cannot import bots/, so the server checks. */
export function checkPolicy(policy: string, params: Record<string, unknown>, mechanismId: string): string | null {
  const factory = findPolicy(policy);
  if (!factory) return `unknown policy '${policy}'`;
  const mechanism = findMechanism(mechanismId);
  if (!mechanism || !policySupports(factory, mechanism)) return `policy '${policy}' does not play ${mechanismId}`;
  const parsed = factory.paramsSchema.safeParse(params);
  return parsed.success ? null : `invalid params for '${policy}': ${parsed.error.issues.map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`).join('; ')}`;
}

/**
 * Stops a live bot without waiting forever: LiveBot.stop() awaits the room's answer to a
 * consented leave, which never comes once the bot's socket is already closed (its room
 * was disposed, or the server is shutting down).
 */
async function stopBot(bot: LiveBot): Promise<void> {
  const stopped = bot.stop().catch(() => undefined);
  if (!bot.room.connection?.isOpen) return;
  await Promise.race([stopped, new Promise<void>((done) => setTimeout(done, 2000).unref())]);
}

const STAND_IN_THINK_MS: readonly [number, number] = [6000, 15000];
/** Headers by which a proxy names the client (Colyseus reads the first three). */
const FORWARDING_HEADERS = ['x-real-ip', 'x-forwarded-for', 'x-client-ip', 'forwarded'] as const;

/** Join codes are typed by people: no 0/O, 1/I/L; shown as two groups of five (the API takes them with or without the dash). */
export const JOIN_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const JOIN_CODE_LENGTH = 10;
export const joinCode = (): string => {
  const body = Array.from({ length: JOIN_CODE_LENGTH }, () => JOIN_CODE_ALPHABET[randomInt(JOIN_CODE_ALPHABET.length)]).join('');
  return `${body.slice(0, 5)}-${body.slice(5)}`;
};

function restrictCors(allowed: ReadonlySet<string>): void {
  const defaults = matchMaker.controller.DEFAULT_CORS_HEADERS as Record<string, string>;
  delete defaults['Access-Control-Allow-Origin'];
  defaults['Access-Control-Allow-Credentials'] = 'false';
  matchMaker.controller.getCorsHeaders = (headers: Headers): Record<string, string> => {
    const origin = headers.get('origin');
    return origin && allowed.has(origin) ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' } : { Vary: 'Origin' };
  };
}

export async function startArenaServer(options: ArenaServerOptions): Promise<ArenaServer> {
  const host = options.host ?? '127.0.0.1';
  const cap = options.ledgerMaxBytes !== undefined ? { maxBytes: options.ledgerMaxBytes } : {};
  const storeConfig: StoreConfig = options.store ?? { kind: 'sqlite', path: options.dbPath, ...cap, ...(options.ledgerSync ? { sync: options.ledgerSync } : {}) };
  if (options.cluster && storeConfig.kind !== 'postgres') throw new Error('a server in several processes keeps its ledger and sessions in PostgreSQL (ARENA_DATABASE_URL)');
  const stores = openStores(storeConfig);
  const { ledger, sessions } = stores;
  const cluster = options.cluster ? new Cluster(options.cluster) : null;
  /** The process a session row names as its runner (the cluster's public address; none for one process). */
  const here = cluster?.host;
  const tokens = new TokenSigner(options.tokenSecret);
  const bots = new Map<string, LiveBot>();
  /** One LLM runtime per live session: its seats share the session's budget, cache and slots. */
  const llmRuntimes = new Map<string, LlmRuntime>();
  const llmRuntime = (session: string, settings: unknown): LlmRuntime => {
    let runtime = llmRuntimes.get(session);
    if (!runtime) {
      runtime = new LlmRuntime(llmSettingsSchema.parse(settings ?? {}));
      llmRuntimes.set(session, runtime);
    }
    return runtime;
  };
  const allowed = new Set(options.origins ?? []);
  let observatory: Observatory | null = null;
  let port = options.port;
  let closing = false;

  async function startDemo(spec: unknown): Promise<SessionRow> {
    const row = await api.createSession(spec);
    sessions.markDemo(row.id);
    return row;
  }

  /**
   * Opens the demo arenas that are not running. In a cluster they are opened once for all
   * its processes: under a cluster-wide lock, only those no process runs yet.
   */
  async function openDemos(specs: readonly unknown[]): Promise<SessionRow[]> {
    if (!cluster) {
      const opened: SessionRow[] = [];
      for (const spec of specs) opened.push(await startDemo(spec));
      return opened;
    }
    const opened: SessionRow[] = [];
    await cluster.exclusively('demos', 60_000, async () => {
      const running = new Set(sessions.list(500).filter((r) => r.demo && ['lobby', 'running', 'paused'].includes(r.status)).map((r) => r.title));
      for (const spec of specs) {
        const resolved = resolveSession(spec, 0, checkPolicy);
        if (running.has(resolved.spec.title ?? resolved.mechanism.title)) continue;
        opened.push(await startDemo(spec));
      }
    });
    return opened;
  }

  const ownOrigins = () => [`http://${host}:${port}`, `http://localhost:${port}`, `http://127.0.0.1:${port}`];
  const originAllowed = (origin: string | null | undefined) => !origin || allowed.has(origin) || ownOrigins().includes(origin);

  const loopback = () => `http://127.0.0.1:${port}`;

  async function seatBot(session: string, seat: string, policyName: string, params: Record<string, unknown>, thinkMs = options.botThinkMs ?? [300, 1500]): Promise<void> {
    // A room that lets its humans go while the server shuts down asks for replacements: none now.
    if (closing) return;
    const row = sessions.get(session);
    const factory = findPolicy(policyName);
    if (!row || !factory) return;
    const resolved = resolveSession(JSON.parse(row.spec), row.seed, checkPolicy);
    const key = `${session}/${seat}`;
    const previous = bots.get(key);
    if (previous) await stopBot(previous);
    // LLM seats write their call records into the session's ledger through the room (experimenter audience).
    const room = await api.room(session);
    const context: SeatContext = {
      mechanism: resolved.mechanism,
      config: resolved.config,
      seat: seat as SeatId,
      seats: resolved.seats.length,
      record: (entry) => void room?.recordAgent(seat, { kind: entry.kind, data: entry.data }),
      ...(factory.asynchronous ? { services: { llm: llmRuntime(session, resolved.spec.llm), session } } : {}),
    };
    const bot = await runLiveBot({
      url: loopback(),
      roomId: row.roomId,
      // The bot claim is what makes the seat a bot's (a client cannot say so itself).
      token: tokens.sign({ session, seat, role: 'player', bot: policyName }),
      seat: seat as SeatId,
      policy: factory.create(factory.paramsSchema.parse(params), context),
      mechanism: resolved.mechanism.id,
      seed: row.seed + Number(seat.slice(1)),
      thinkMs,
      describe: (v) => resolved.mechanism.describe(v),
      onError: (error) => console.error(`bot ${key}: ${(error as Error).message}`),
    });
    if (closing) {
      await stopBot(bot);
      return;
    }
    bots.set(key, bot);
  }

  setArenaEnvironment({
    tokens,
    ledger,
    ...(options.endedLingerMs !== undefined ? { endedLingerMs: options.endedLingerMs } : {}),
    seatBudget: { ...BUDGET_LIMITS, ...options.seatBudget },
    publish: (event: LedgerEvent) => observatory?.publish(event),
    seatBot: (session, seat, policy, params) => void seatBot(session, seat, policy, params).catch((error) => console.error(`seating a bot on ${session}/${seat}: ${(error as Error).message}`)),
    statusChanged: (session, status) => {
      sessions.setStatus(session, status);
      observatory?.directoryChanged();
      if (status !== 'ended') return;
      void stopBots(session).then(() => {
        llmRuntimes.get(session)?.close();
        llmRuntimes.delete(session);
      });
      const row = sessions.get(session);
      if (row?.demo && !closing) setTimeout(() => void openDemos([JSON.parse(row.spec)]).then((fresh) => fresh.forEach((f) => options.onDemoRestarted?.(f))).catch((error) => console.error(`restarting a demo arena: ${(error as Error).message}`)), 5000).unref();
    },
    // Iterable again and again: each pass reads the record afresh, page by page.
    history: (session) => ({ [Symbol.iterator]: () => ledger.stream(session) }),
    // A join reserved here for a session another process runs is decided there, with the same refusals.
    ...(cluster ? { admitElsewhere: (auth: ArenaAuth) => onHost<Refused | null>(auth.session, 'admit', [auth]) } : {}),
  });

  async function stopBots(session: string): Promise<void> {
    for (const [key, bot] of bots) {
      if (!key.startsWith(`${session}/`)) continue;
      bots.delete(key);
      await stopBot(bot);
    }
  }

  /** The room of a session when this process runs it, its views brought up to date. */
  const localRoom = (session: string): ArenaRoom | null => {
    const row = sessions.get(session);
    const room = row ? (matchMaker.getLocalRoomById(row.roomId) as ArenaRoom | undefined) : undefined;
    room?.syncViews();
    return room ?? null;
  };

  /** What this process answers for the sessions it runs (asked by the others through the cluster). */
  const hosted = {
    control: (session: string, op: AdminMessage['op']): RoomVerdict | null => localRoom(session)?.control(op, 'api') ?? null,
    release: (session: string, seat: string): RoomVerdict | null => localRoom(session)?.release(seat, 'api') ?? null,
    announce: (session: string, text: string): RoomVerdict | null => localRoom(session)?.announce(text, 'api') ?? null,
    spectatorRoomId: (session: string): string | null => localRoom(session)?.spectatorRoomId ?? null,
    entry: (session: string): DirectoryEntry | null => {
      const row = sessions.get(session);
      return row ? directoryEntry(row, localRoom(session)) : null;
    },
    admit: (auth: ArenaAuth): Refused | null => ArenaRoom.admit(auth),
    seatFree: (session: string, role: string | null): string | null => localRoom(session)?.seatFree(role) ?? null,
    classSeats: (session: string): ClassSeats | null => localRoom(session)?.classSeats() ?? null,
  };

  /**
   * Runs one of `hosted` for a session where it runs: here, or in the process the room's
   * listing names. Null when it runs nowhere (or its process does not answer).
   */
  async function onHost<T>(session: string, op: keyof typeof hosted, args: readonly unknown[]): Promise<T | null> {
    const run = (): T | null => (hosted[op] as (...a: readonly unknown[]) => T | null)(...args);
    const row = sessions.get(session);
    if (!row || !cluster) return run();
    const where = await cluster.whereIs(row.roomId);
    if (where === 'here') return run();
    if (where === null) return null;
    try {
      return await cluster.ask<T | null>(where, op, args);
    } catch (error) {
      console.error(`session ${session}: its process did not answer ${op} (${(error as Error).message})`);
      return null;
    }
  }

  const live: LiveSessions = {
    control: (session, op) => onHost<RoomVerdict>(session, 'control', [session, op]),
    release: (session, seat) => onHost<RoomVerdict>(session, 'release', [session, seat]),
    spectatorRoomId: (session) => onHost<string>(session, 'spectatorRoomId', [session]),
    entry: async (row) => (await onHost<DirectoryEntry>(row.id, 'entry', [row.id])) ?? directoryEntry(row, null),
    seatFree: (session, role) => onHost<string>(session, 'seatFree', [session, role]),
    classSeats: (session) => onHost<ClassSeats>(session, 'classSeats', [session]),
  };

  const httpServer = http.createServer();
  const trusted = new Set(options.trustedProxies ?? []);
  // Colyseus learns a client's address only from these headers (its matchmaking requests carry
  // no socket address): from a trusted proxy they stay; from anyone else they are replaced by
  // the peer's own address, which the seat admission's per-address limits count (rooms/seating.ts).
  const ownAddress = (req: http.IncomingMessage): void => {
    const peer = req.socket.remoteAddress ?? '';
    if (trusted.has(peer)) return;
    for (const header of FORWARDING_HEADERS) delete req.headers[header];
    if (peer) req.headers['x-real-ip'] = peer;
  };

  const transport = new WebSocketTransport({
    noServer: true,
    maxPayload: 16 * 1024,
    pingInterval: 5000,
    pingMaxRetries: 3,
    beforeUpgrade: (_req, ctx) => {
      if (!originAllowed(ctx.headers.get('origin'))) return new Response('forbidden origin', { status: 403 });
      return undefined;
    },
  });
  transport.attachToServer(httpServer, { filter: (req) => !req.url?.startsWith('/socket.io') });
  matchMaker.controller.exposedMethods = ['joinById', 'reconnect'];

  const api = {
    createSession: async (spec: unknown): Promise<SessionRow> => {
      const seed = randomInt(0, 0x7fffffff);
      const resolved: ResolvedSession = resolveSession(spec, seed, checkPolicy);
      const llm = llmSettingsSchema.safeParse(resolved.spec.llm ?? {});
      if (!llm.success) throw new SessionSpecError(llm.error.issues.map((i) => ({ path: ['llm', ...i.path].join('.'), message: i.message })));
      // LLM seats without a key or a reachable endpoint would only ever fall back: refused before anything exists.
      await checkSessionLlmSeats(resolved, llm.data);
      const id = `s${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
      const roomOptions: ArenaRoomOptions = { session: id, spec: resolved.spec, seed: resolved.seed };
      const codes: Record<string, string> = {};
      for (const s of resolved.seats) {
        if (s.kind !== 'human') continue;
        let code = joinCode();
        while (sessions.codeTaken(code) || Object.values(codes).includes(code)) code = joinCode();
        codes[s.seat] = code;
      }
      // The row exists before the room, so that status changes made while the room opens are kept.
      sessions.create({ id, roomId: '', spec: JSON.stringify(resolved.spec), seed: resolved.seed, mechanism: `${resolved.mechanism.id}@${resolved.mechanism.version}`, title: resolved.spec.title ?? resolved.mechanism.title, codes, ...(here ? { host: here } : {}) });
      try {
        const cache = await matchMaker.createRoom('arena', roomOptions);
        sessions.setRoom(id, cache.roomId);
      } catch (error) {
        sessions.setStatus(id, 'interrupted');
        throw error;
      }
      const row = sessions.get(id) as SessionRow;
      for (const s of resolved.seats) if (s.kind === 'bot' && s.policy) await seatBot(id, s.seat, s.policy, s.params);
      // Stand-ins play the human seats until people take them over.
      if (resolved.spec.standIn) for (const s of resolved.seats) if (s.kind === 'human') await seatBot(id, s.seat, resolved.spec.dropout.bot, resolved.spec.dropout.botParams, options.standInThinkMs ?? STAND_IN_THINK_MS);
      observatory?.directoryChanged();
      return row;
    },
    // The room rebuilds its views once per patch: localRoom brings them up to date for this reader.
    room: async (session: string): Promise<ArenaRoom | null> => localRoom(session),
  };

  const server: Server = defineServer({
    transport,
    greet: false,
    gracefullyShutdown: options.handleSignals ?? false,
    // A cluster: rooms listed in Redis, each process reached at its own address, and a room
    // made in the process that was asked for it (a session runs where it was created).
    ...(cluster ? { presence: cluster.presence, driver: cluster.driver, publicAddress: cluster.host, selectProcessIdToCreateRoom: cluster.here } : {}),
    rooms: { arena: defineRoom(ArenaRoom), [SPECTATOR_ROOM]: defineRoom(SpectatorRoom) },
    express: (app) => {
      // The API's per-address limits read req.ip: a trusted proxy's X-Forwarded-For, else the peer.
      if (trusted.size) app.set('trust proxy', [...trusted]);
      if (options.clientDist !== null) mountWebClient(app, options.clientDist);
      mountConsoleApi(app, { sessions, adminToken: options.adminToken, originAllowed, checkPolicy, announce: (session, text) => onHost<RoomVerdict>(session, 'announce', [session, text]) });
      mountLlmStatus(app, { sessions, adminToken: options.adminToken, originAllowed, liveDecisions: (id) => llmRuntimes.get(id)?.seatDecisions(id) ?? null, events: (id) => ledger.events(id) });
      mountApi(app, { sessions, ledger, tokens, adminToken: options.adminToken, createSession: api.createSession, live, originAllowed, health: () => ({ ok: !closing, node: here ?? null }) });
      mountNotFound(app, options.clientDist);
    },
  });
  restrictCors(new Set([...allowed]));
  await server.listen(options.port, host);
  // After listen: Colyseus puts its own request listener first when it binds.
  httpServer.prependListener('request', ownAddress);
  httpServer.prependListener('upgrade', ownAddress);
  port = (httpServer.address() as AddressInfo).port;
  restrictCors(new Set([...allowed, ...ownOrigins()]));

  // The origin rule of HTTP and the arena websockets: CORS headers alone do not stop a
  // non-browser client nor a websocket; allowRequest refuses the handshake itself.
  const io = new SocketIOServer(httpServer, {
    cors: { origin: (origin, cb) => cb(null, originAllowed(origin)) },
    allowRequest: (req, cb) => cb(originAllowed(req.headers.origin) ? null : 'forbidden origin', originAllowed(req.headers.origin)),
    destroyUpgrade: false,
    maxHttpBufferSize: 16 * 1024,
    // A cluster: what is emitted reaches the watchers connected to every process.
    ...(cluster ? { adapter: createAdapter(cluster.redis, { streamName: cluster.streamName }) } : {}),
  });
  observatory = mountObservatory(io, { sessions, adminToken: options.adminToken, everywhere: cluster !== null });
  if (cluster) await cluster.answer(hosted);

  // Sessions that were running when the process stopped are resumed from their ledger;
  // demo arenas are simply started afresh.
  for (const row of sessions.unfinished(here)) {
    if (row.demo) {
      sessions.setStatus(row.id, 'interrupted');
      continue;
    }
    try {
      const cache = await matchMaker.createRoom('arena', { session: row.id, spec: JSON.parse(row.spec), seed: row.seed, resume: true, resumeStatus: row.status } satisfies ArenaRoomOptions);
      sessions.setRoom(row.id, cache.roomId);
      const resolved = resolveSession(JSON.parse(row.spec), row.seed, checkPolicy);
      for (const s of resolved.seats) if (s.kind === 'bot' && s.policy) await seatBot(row.id, s.seat, s.policy, s.params);
    } catch (error) {
      sessions.setStatus(row.id, 'interrupted');
      console.error(`session ${row.id} could not be resumed (${(error as Error).message}); its record stays exportable`);
    }
  }

  await openDemos(options.demos ?? []);

  server.onBeforeShutdown(() => {
    closing = true;
  });
  server.onShutdown(async () => {
    closing = true;
    await Promise.all([...bots.values()].map(stopBot));
    bots.clear();
    for (const runtime of llmRuntimes.values()) runtime.close();
    llmRuntimes.clear();
    await new Promise<void>((resolve) => {
      io.close(() => resolve());
      httpServer.closeAllConnections();
    });
    await stores.close();
    cluster?.close();
    setArenaEnvironment(null);
  });

  return {
    port,
    url: `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`,
    sessions,
    ledger,
    tokens,
    cluster,
    observatory,
    createSession: api.createSession,
    room: api.room,
    close: async () => {
      await server.gracefullyShutdown(false);
    },
  };
}
