/**
 * The HTTP API: zod-validated JSON in and out. Public: health, mechanisms, the arena
 * directory (public information only, cached), joining by code, spectating. Experimenter
 * (Authorization: Bearer <token>): create sessions, join info, control, export.
 * Per client address (IPv6 by /56): wrong join codes and directory reads are rate-limited
 * (JOIN_GUESSES, ARENAS_RATE); every answer carries the API's security headers.
 */
import { timingSafeEqual } from 'node:crypto';
import express, { type Application, type NextFunction, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import { MECHANISMS, findMechanism } from '../mechanisms/registry.ts';
import { POLICIES, findPolicy, playedBy, policySupports } from '../bots/registry.ts';
import { mechanismKey } from '../mechanisms/core/types.ts';
import { ADMIN_OPS, type AdminMessage } from '../rooms/protocol.ts';
import type { ArenaRoom } from '../rooms/arena-room.ts';
import { SessionSpecError } from '../rooms/session.ts';
import type { TokenSigner } from '../rooms/tokens.ts';
import type { Ledger } from './storage/stores.ts';
import type { SessionRow, Sessions } from './storage/sessions.ts';
import { sessionCsv, sessionJsonl, sessionTranscript, writeChunks, type SessionRecord } from './export.ts';
import { ArenaDirectory, type DirectoryEntry } from './directory.ts';
import { apiHeaders } from './headers.ts';
import { RecordReplays, ReplayRefusal } from './record-replay.ts';
import { classLink, mountClassApi } from './class-api.ts';
import type { ClassSeats } from '../rooms/seating.ts';
import { mountResultsApi } from './results-api.ts';
import { mountTablesApi } from './tables-api.ts';

/** A room's answer to a command (ArenaRoom.control, ArenaRoom.release). */
export type RoomVerdict = ReturnType<ArenaRoom['control']>;

/** What the API asks of a live session, in whichever process of the server it runs (arena-server.ts). */
export interface LiveSessions {
  /** The room's verdict, or null when the session is not live anywhere. */
  control(session: string, op: AdminMessage['op']): Promise<RoomVerdict | null>;
  release(session: string, seat: string): Promise<RoomVerdict | null>;
  /** The room its spectators join (a delayed session's mirror), or null when it is not live anywhere. */
  spectatorRoomId(session: string): Promise<string | null>;
  /** Its directory entry, from its live room wherever it runs. */
  entry(row: SessionRow): Promise<DirectoryEntry>;
  /** The class link (class-api.ts): the next free human seat (of a role), kept for its person; null when none is free or it is not live. */
  seatFree?(session: string, role: string | null): Promise<string | null>;
  classSeats?(session: string): Promise<ClassSeats | null>;
}

export interface ApiDeps {
  readonly sessions: Sessions;
  readonly ledger: Ledger;
  readonly tokens: TokenSigner;
  readonly adminToken: string;
  createSession(spec: unknown): Promise<SessionRow>;
  readonly live: LiveSessions;
  originAllowed(origin: string | undefined): boolean;
  /** The process's health for a proxy: 503 while it shuts down, or when its stores do not answer. */
  health(): { ok: boolean; node: string | null };
}

/**
 * Wrong join codes (404) allowed per client address and window; past them every join from
 * the address is refused with 429 until the window ends, so a guess that would hit learns
 * nothing. Right codes do not count: a class behind one address joins freely.
 */
export const JOIN_GUESSES = { limit: 30, windowMs: 15 * 60_000 } as const;
/** Directory reads per client address and window (the web client's arena page polls every 3 s). */
export const ARENAS_RATE = { limit: 600, windowMs: 60_000 } as const;

/**
 * Record reads per client address and window: the replay page asks for a state at each step
 * it shows (a few a second while it plays); each answer folds at most a checkpoint's worth of
 * events (server/record-replay.ts).
 */
export const RECORDS_RATE = { limit: 600, windowMs: 60_000 } as const;

const codeBody = z.object({ code: z.string().max(40) }).strict();

/**
 * A join code as stored: upper case, spaces and dashes dropped, then grouped in fives
 * (ABCDE-FGHJK); codes of other lengths (older sessions') stay as they are.
 */
export function normalizeJoinCode(typed: string): string {
  const body = typed.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return body.length === 10 ? `${body.slice(0, 5)}-${body.slice(5)}` : body;
}

const minutes = (ms: number) => Math.ceil(ms / 60_000);
const controlBody = z.object({ op: z.enum(ADMIN_OPS) }).strict();
const botBody = z.object({ policy: z.string().min(1).max(40) }).strict();
const sessionParam = z.string().regex(/^s[a-z0-9]{4,40}$/);
// Match ids hold slashes (`study/treatment/3`): the path carries them URL-encoded.
const matchParam = z
  .string()
  .min(1)
  .max(300)
  .regex(/^[^\p{Cc}]+$/u, 'a match id has no control characters');
const recordQuery = z.object({}).strict();
const stateQuery = z
  .object({
    at: z.string().regex(/^\d{1,9}$/, 'an event number (a whole number from 0)').transform(Number),
    seat: z.string().min(1).max(64).optional(),
  })
  .strict();

/** A zod failure as one line that names each bad field. */
const issuesLine = (error: z.ZodError): string => error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; ');

export function isExperimenter(header: string | undefined, adminToken: string): boolean {
  const given = Buffer.from((header ?? '').replace(/^Bearer\s+/i, ''));
  const expected = Buffer.from(adminToken);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function mountApi(app: Application, deps: ApiDeps): void {
  app.disable('x-powered-by');
  app.use('/api', apiHeaders);
  app.use('/api', (req: Request, res: Response, next: NextFunction) => {
    if (!deps.originAllowed(req.get('origin'))) {
      res.status(403).json({ error: 'origin not allowed' });
      return;
    }
    next();
  });
  app.use('/api', express.json({ limit: '64kb' }));

  const experimenter = (req: Request, res: Response, next: NextFunction) => {
    if (isExperimenter(req.get('authorization'), deps.adminToken)) return next();
    res.status(401).json({ error: 'experimenter token required (Authorization: Bearer <token>)' });
  };

  // Exports read the record page by page as they send it (never whole in memory).
  const record = (id: string): SessionRecord => ({ [Symbol.iterator]: () => deps.ledger.stream(id) });

  const session = (req: Request, res: Response): SessionRow | null => {
    const id = sessionParam.safeParse(req.params.id);
    const row = id.success ? deps.sessions.get(id.data) : null;
    if (!row) res.status(404).json({ error: 'no such session' });
    return row;
  };

  app.get('/api/health', (_req, res) => {
    const health = deps.health();
    res.status(health.ok ? 200 : 503).json(health);
  });

  app.get('/api/mechanisms', (_req, res) => {
    res.json(MECHANISMS.map((m) => ({ id: mechanismKey(m), title: m.title, rules: m.rules(m.configSchema.parse({})) })));
  });

  app.get('/api/policies', (_req, res) => {
    res.json(POLICIES.map((p) => ({ name: p.name, description: p.description, mechanisms: playedBy(p, MECHANISMS) })));
  });

  const directory = new ArenaDirectory({ sessions: deps.sessions, entry: (row) => deps.live.entry(row) });
  const arenasLimit = rateLimit({
    ...ARENAS_RATE,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    message: { error: `at most ${ARENAS_RATE.limit} directory reads a minute from one address` },
  });
  app.get('/api/arenas', arenasLimit, async (_req, res) => {
    res.type('application/json').send(await directory.json());
  });

  const joinLimit = rateLimit({
    ...JOIN_GUESSES,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode !== 404,
    message: { error: `too many wrong join codes from this address: try again within ${minutes(JOIN_GUESSES.windowMs)} minutes` },
  });
  app.post('/api/join', joinLimit, (req, res) => {
    const body = codeBody.safeParse(req.body);
    if (!body.success) {
      res.status(400).json({ error: 'A seat code has 10 letters and digits, like ABCDE-FGHJK. Check the code you were given, or ask the experimenter for a new one.', example: { code: 'ABCDE-FGHJK' } });
      return;
    }
    const found = deps.sessions.byCode(normalizeJoinCode(body.data.code));
    if (!found) {
      res.status(404).json({ error: 'No open seat has this code. Check the code you were given, or ask the experimenter for a new one.' });
      return;
    }
    res.json({ session: found.session.id, roomId: found.session.roomId, seat: found.seat, token: deps.tokens.sign({ session: found.session.id, seat: found.seat, role: 'player' }) });
  });

  app.get('/api/sessions/:id/spectate', async (req, res) => {
    const row = session(req, res);
    if (!row) return;
    // A session with delayed spectators has a room of their own (rooms/spectator-room.ts).
    const roomId = (await deps.live.spectatorRoomId(row.id)) ?? row.roomId;
    res.json({ session: row.id, roomId, token: deps.tokens.sign({ session: row.id, seat: '-', role: 'spectator' }) });
  });

  app.post('/api/sessions', experimenter, async (req, res) => {
    try {
      const row = await deps.createSession(req.body);
      res.status(201).json(joinInfo(row, deps, req));
    } catch (error) {
      if (error instanceof SessionSpecError) res.status(400).json({ error: 'invalid session spec', issues: error.issues });
      else throw error;
    }
  });

  app.get('/api/sessions', experimenter, (_req, res) => {
    res.json(deps.sessions.list().map((r) => ({ session: r.id, title: r.title, mechanism: r.mechanism, status: r.status, demo: r.demo, createdAt: r.createdAt })));
  });

  app.get('/api/sessions/:id', experimenter, (req, res) => {
    const row = session(req, res);
    if (row) res.json(joinInfo(row, deps, req));
  });

  app.post('/api/sessions/:id/control', experimenter, async (req, res) => {
    const row = session(req, res);
    if (!row) return;
    const body = controlBody.safeParse(req.body);
    if (!body.success) {
      res.status(400).json({ error: `send {"op": one of ${ADMIN_OPS.join(', ')}}` });
      return;
    }
    const result = await deps.live.control(row.id, body.data.op);
    if (!result) {
      res.status(409).json({ error: 'the session is not live on this server' });
      return;
    }
    res.status(result.ok ? 200 : 409).json(result);
  });

  // A seat's holder changes device: the old hold (connected, or dropped and waited for) ends, and is recorded.
  app.post('/api/sessions/:id/seats/:seat/release', experimenter, async (req, res) => {
    const row = session(req, res);
    if (!row) return;
    const result = await deps.live.release(row.id, String(req.params.seat));
    if (!result) {
      res.status(409).json({ error: 'the session is not live on this server' });
      return;
    }
    res.status(result.ok ? 200 : result.code === 'NO_SUCH_SEAT' ? 404 : 409).json(result);
  });

  // A bot started elsewhere (`arena bots`) takes an open seat: only the experimenter gets a token that makes a seat a bot's.
  app.post('/api/sessions/:id/seats/:seat/bot', experimenter, (req, res) => {
    const row = session(req, res);
    if (!row) return;
    const body = botBody.safeParse(req.body);
    const factory = body.success ? findPolicy(body.data.policy) : undefined;
    if (!body.success || !factory) {
      res.status(400).json({ error: 'send {"policy": a policy name} (GET /api/policies lists them)' });
      return;
    }
    const mechanism = findMechanism(row.mechanism);
    if (!mechanism || !policySupports(factory, mechanism)) {
      res.status(400).json({ error: `policy '${body.data.policy}' does not play ${row.mechanism}` });
      return;
    }
    const seat = String(req.params.seat);
    if (!(seat in row.codes)) {
      res.status(404).json({ error: 'no human seat of this session has that name' });
      return;
    }
    res.json({ session: row.id, roomId: row.roomId, seat, token: deps.tokens.sign({ session: row.id, seat, role: 'player', bot: factory.name }) });
  });

  app.get('/api/sessions/:id/export.jsonl', experimenter, (req, res) => {
    const row = session(req, res);
    if (!row) return;
    res.attachment(`${row.id}.jsonl`).type('application/x-ndjson');
    void writeChunks(res, sessionJsonl(record(row.id))).catch(() => res.destroy());
  });

  app.get('/api/sessions/:id/transcript.jsonl', experimenter, (req, res) => {
    const row = session(req, res);
    if (!row) return;
    res.attachment(`${row.id}-llm-transcript.jsonl`).type('application/x-ndjson');
    void writeChunks(res, sessionTranscript(record(row.id))).catch(() => res.destroy());
  });

  app.get('/api/sessions/:id/export.csv', experimenter, (req, res) => {
    const row = session(req, res);
    if (!row) return;
    res.attachment(`${row.id}.csv`).type('text/csv');
    void writeChunks(res, sessionCsv(row, record(row.id))).catch(() => res.destroy());
  });

  // Records for the replay page (client/src/pages/Replay.svelte), from whichever ledger the server keeps.
  const replays = new RecordReplays(deps.ledger);
  const recordsLimit = rateLimit({
    ...RECORDS_RATE,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    message: { error: `at most ${RECORDS_RATE.limit} record reads a minute from one address` },
  });
  const answer = (res: Response, read: () => unknown) => {
    try {
      res.json(read());
    } catch (error) {
      if (!(error instanceof ReplayRefusal)) throw error;
      res.status(error.status).json({ error: error.message });
    }
  };
  const matchOf = (req: Request, res: Response): string | null => {
    const match = matchParam.safeParse(req.params.match);
    if (!match.success) res.status(400).json({ error: `match: ${issuesLine(match.error)}` });
    return match.success ? match.data : null;
  };

  app.get('/api/records/:match', recordsLimit, experimenter, (req, res) => {
    const match = matchOf(req, res);
    if (match === null) return;
    const query = recordQuery.safeParse(req.query);
    if (!query.success) {
      res.status(400).json({ error: `this endpoint takes no query parameters (${issuesLine(query.error)})` });
      return;
    }
    answer(res, () => replays.record(match));
  });

  app.get('/api/records/:match/state', recordsLimit, experimenter, (req, res) => {
    const match = matchOf(req, res);
    if (match === null) return;
    const query = stateQuery.safeParse(req.query);
    if (!query.success) {
      res.status(400).json({ error: `send ?at=SEQ[&seat=SEAT]: ${issuesLine(query.error)}` });
      return;
    }
    answer(res, () => replays.stateAt(match, query.data.at, query.data.seat));
  });

  mountResultsApi(app, deps);

  mountTablesApi(app, deps);

  mountClassApi(app, deps);

  app.use('/api', (_req: Request, res: Response) => {
    res.status(404).json({ error: 'no such endpoint' });
  });
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const status = (error as { status?: number }).status;
    if (status && status >= 400 && status < 500) {
      res.status(status).json({ error: (error as Error).message });
      return;
    }
    console.error(error);
    res.status(500).json({ error: 'internal error' });
  });
}

function joinInfo(row: SessionRow, deps: ApiDeps, req: Request) {
  const base = `${req.protocol}://${req.get('host')}`;
  return {
    session: row.id,
    roomId: row.roomId,
    title: row.title,
    mechanism: row.mechanism,
    status: row.status,
    seats: Object.entries(row.codes).map(([seat, code]) => ({ seat, code, link: `${base}/join/${code}` })),
    spectate: `${base}/watch/${row.id}`,
    class: classLink(row, base, deps.adminToken),
    experimenterToken: deps.tokens.sign({ session: row.id, seat: '-', role: 'experimenter' }),
  };
}
