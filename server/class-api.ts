/**
 * One link per session that seats a whole class: `/class/<code>` opens a page where a
 * participant gives a nickname or label and lands on the next free human seat (of a role,
 * when asked). The code is derived from the session id with the server's secret, so it
 * needs no storage and cannot be worked out from the id.
 *
 *   GET  /api/class/:code   what the page shows before seating: title, status, seats taken, roles
 *   POST /api/class/:code   {"role"?: "buyer"} -> the same answer as POST /api/join (a seat's token), plus its code
 *
 * The room picks the seat (rooms/seating.ts reserveFree), so two people asking at once get
 * two seats, wherever the session runs. Wrong codes are rate-limited like /api/join; seat
 * requests are bounded per address.
 */
import { createHmac } from 'node:crypto';
import type { Application, Request, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import type { ApiDeps } from './api.ts';
import type { SessionRow } from './storage/sessions.ts';

/** Wrong class codes allowed per address and window (as JOIN_GUESSES for seat codes). */
export const CLASS_GUESSES = { limit: 30, windowMs: 15 * 60_000 } as const;
/** Seat requests through class links per address and minute: a class behind one address fits well within it. */
export const CLASS_SEATS_RATE = { limit: 300, windowMs: 60_000 } as const;

const ALPHABET = 'ABCDEFGHJKMNPQRSTVWXYZ23456789';

/** The class code of a session: 8 characters shown as ABCD-EFGH, from an HMAC of its id. */
export function classCodeOf(session: string, secret: string): string {
  const mac = createHmac('sha256', secret).update(`class:${session}`).digest();
  let code = '';
  for (let i = 0; i < 8; i++) code += ALPHABET[(mac[i] as number) % ALPHABET.length];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** A class code as typed or scanned: upper case, grouped in fours. */
export const normalizeClassCode = (typed: string): string => {
  const body = typed.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return body.length === 8 ? `${body.slice(0, 4)}-${body.slice(4)}` : body;
};

/** The class link of a session, for the experimenter's join info. */
export function classLink(row: SessionRow, base: string, secret: string): { code: string; link: string } {
  const code = classCodeOf(row.id, secret);
  return { code, link: `${base}/class/${code}` };
}

const codeParam = z.string().min(4).max(20);
const seatBody = z.object({ role: z.string().min(1).max(40).optional() }).strict();

export function mountClassApi(app: Application, deps: ApiDeps): void {
  const known = new Map<string, string>();
  /** The session a class code names: looked up among recent sessions, remembered once found. */
  const sessionOf = (code: string): SessionRow | null => {
    const hit = known.get(code);
    if (hit) return deps.sessions.get(hit);
    for (const row of deps.sessions.list(2000)) {
      const c = classCodeOf(row.id, deps.adminToken);
      known.set(c, row.id);
      if (c === code) return row;
    }
    return null;
  };

  const guesses = rateLimit({
    ...CLASS_GUESSES,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode !== 404,
    message: { error: `too many wrong class codes from this address: try again within ${CLASS_GUESSES.windowMs / 60_000} minutes` },
  });
  const seats = rateLimit({
    ...CLASS_SEATS_RATE,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    message: { error: 'too many seat requests from this address: wait a minute and try again' },
  });

  const found = (req: Request, res: Response): SessionRow | null => {
    const code = codeParam.safeParse(req.params.code);
    const row = code.success ? sessionOf(normalizeClassCode(code.data)) : null;
    if (!row) res.status(404).json({ error: 'No session has this class code. Check the link, or ask for a new one.' });
    return row;
  };

  app.get('/api/class/:code', guesses, async (req, res) => {
    const row = found(req, res);
    if (!row) return;
    const counted = row.status === 'ended' ? null : await deps.live.classSeats?.(row.id);
    res.json({ title: row.title, status: row.status, seats: counted ?? null });
  });

  app.post('/api/class/:code', guesses, seats, async (req, res) => {
    const row = found(req, res);
    if (!row) return;
    const body = seatBody.safeParse(req.body ?? {});
    if (!body.success) {
      res.status(400).json({ error: 'send {} or {"role": a role of the session}' });
      return;
    }
    if (row.status === 'ended') {
      res.status(410).json({ error: 'This session has ended.' });
      return;
    }
    const counted = await deps.live.classSeats?.(row.id);
    if (!counted) {
      res.status(409).json({ error: 'This session is not open on this server right now. Ask the experimenter.' });
      return;
    }
    const role = body.data.role ?? null;
    if (role !== null && !counted.roles.some((r) => r.role === role)) {
      res.status(400).json({ error: `This session has no seats for the role '${role}'.` });
      return;
    }
    const seat = (await deps.live.seatFree?.(row.id, role)) ?? null;
    if (!seat) {
      const of = role === null ? counted.total : (counted.roles.find((r) => r.role === role)?.total ?? 0);
      res.status(409).json({ error: `All ${of} ${role === null ? '' : `${role} `}seats of this session are taken.`, full: true });
      return;
    }
    res.json({ session: row.id, roomId: row.roomId, seat, code: row.codes[seat] ?? null, token: deps.tokens.sign({ session: row.id, seat, role: 'player' }) });
  });
}
