/**
 * The console's routes beside the API (server/api.ts):
 * - GET /api/settings (public, rate-limited): every mechanism's settings as JSON Schema,
 *   with each field's label, unit, range, default and meaning (the `.meta()` of its config
 *   schema), for the console's session form and the settings page;
 * - POST /api/sessions/check (experimenter): what is wrong with a session spec, or the
 *   benchmarks of its config, without creating anything;
 * - POST /api/sessions/:id/announce (experimenter): an announcement to every seat and the
 *   projector of a live session (`{ "text": "" }` withdraws it).
 */
import express, { type Application, type NextFunction, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import { MECHANISMS } from '../mechanisms/registry.ts';
import { mechanismKey, type AnyMechanism, type Benchmark } from '../mechanisms/core/types.ts';
import { announceMessage } from '../rooms/protocol.ts';
import { resolveSession, SessionSpecError, type PolicyCheck } from '../rooms/session.ts';
import type { Sessions } from './storage/sessions.ts';
import type { RoomVerdict } from './api.ts';
import { isExperimenter } from './api.ts';
import { apiHeaders } from './headers.ts';

export interface ConsoleApiDeps {
  readonly sessions: Sessions;
  readonly adminToken: string;
  originAllowed(origin: string | undefined): boolean;
  readonly checkPolicy: PolicyCheck;
  /** The room's verdict on an announcement, or null when the session is not live anywhere. */
  announce(session: string, text: string): Promise<RoomVerdict | null>;
}

/** Settings reads per client address and window (each page that shows a form asks once). */
export const SETTINGS_RATE = { limit: 120, windowMs: 60_000 } as const;

/** One mechanism's settings, as GET /api/settings serves them. */
export interface MechanismSettings {
  readonly id: string;
  readonly mechanism: string;
  readonly title: string;
  /** JSON Schema (draft 2020-12) of the config as written: fields, ranges, defaults, labels. */
  readonly schema: unknown;
  /** The config every default gives. */
  readonly defaults: unknown;
}

export function settingsOf(m: AnyMechanism): MechanismSettings {
  return {
    id: mechanismKey(m),
    mechanism: m.id,
    title: m.title,
    schema: z.toJSONSchema(m.configSchema, { io: 'input', unrepresentable: 'any' }),
    defaults: m.configSchema.parse({}),
  };
}

/** What POST /api/sessions/check answers. */
export type SpecCheck =
  | { readonly ok: true; readonly mechanism: string; readonly seats: number; readonly roles: readonly string[]; readonly config: unknown; readonly benchmarks: Readonly<Record<string, Benchmark>> }
  | { readonly ok: false; readonly issues: readonly { path: string; message: string }[] };

/** Validates a session spec as creating it would, and computes its benchmarks; creates nothing. */
export function checkSpec(spec: unknown, checkPolicy: PolicyCheck): SpecCheck {
  try {
    const resolved = resolveSession(spec, 0, checkPolicy);
    const n = resolved.seats.length;
    return { ok: true, mechanism: mechanismKey(resolved.mechanism), seats: n, roles: resolved.seats.map((s) => s.role), config: resolved.config, benchmarks: resolved.mechanism.benchmarks(resolved.config, n) };
  } catch (error) {
    if (error instanceof SessionSpecError) return { ok: false, issues: error.issues };
    throw error;
  }
}

const sessionParam = z.string().regex(/^s[a-z0-9]{4,40}$/);

export function mountConsoleApi(app: Application, deps: ConsoleApiDeps): void {
  const guard = (req: Request, res: Response, next: NextFunction) => {
    if (!deps.originAllowed(req.get('origin'))) {
      res.status(403).json({ error: 'origin not allowed' });
      return;
    }
    next();
  };
  const experimenter = (req: Request, res: Response, next: NextFunction) => {
    if (isExperimenter(req.get('authorization'), deps.adminToken)) return next();
    res.status(401).json({ error: 'experimenter token required (Authorization: Bearer <token>)' });
  };
  const json = express.json({ limit: '64kb' });

  const settings = JSON.stringify(MECHANISMS.map(settingsOf));
  const settingsLimit = rateLimit({
    ...SETTINGS_RATE,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    message: { error: `at most ${SETTINGS_RATE.limit} settings reads a minute from one address` },
  });
  app.get('/api/settings', apiHeaders, guard, settingsLimit, (_req, res) => {
    res.type('application/json').send(settings);
  });

  app.post('/api/sessions/check', apiHeaders, guard, experimenter, json, (req, res) => {
    res.json(checkSpec(req.body, deps.checkPolicy));
  });

  app.post('/api/sessions/:id/announce', apiHeaders, guard, experimenter, json, async (req, res) => {
    const id = sessionParam.safeParse(req.params.id);
    const row = id.success ? deps.sessions.get(id.data) : null;
    if (!row) {
      res.status(404).json({ error: 'no such session' });
      return;
    }
    const body = announceMessage.safeParse(req.body);
    if (!body.success) {
      res.status(400).json({ error: `send {"text": the announcement, at most 500 characters, "" to withdraw it}: ${body.error.issues.map((i) => i.message).join('; ')}` });
      return;
    }
    const verdict = await deps.announce(row.id, body.data.text);
    if (!verdict) {
      res.status(409).json({ error: 'the session is not live on this server' });
      return;
    }
    res.status(verdict.ok ? 200 : 409).json(verdict);
  });
}
