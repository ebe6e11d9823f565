/**
 * The end of a session over HTTP (server/results.ts computes it from the record).
 *
 * - GET /api/sessions/:id/results: the class's debrief. Without the experimenter token
 *   only once the session has ended (409 before), and public facts only; with it, at any
 *   time, the experimenter's numbers and each seat's earnings and label too.
 * - GET /api/sessions/:id/results/mine (Authorization: Bearer <the seat's token>): the
 *   seat's own earnings once the session has ended, and the completion code when the
 *   session has one.
 * - GET /api/sessions/:id/payments[.csv]?rate=&showUpFee=&currency= (experimenter): the
 *   payment list, points converted at `rate` money per point plus the show-up fee.
 * Public reads are rate-limited per address (RESULTS_RATE).
 */
import type { Application, Request, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import type { LedgerEvent } from '../mechanisms/core/ledger.ts';
import { sessionSpecSchema } from '../rooms/session.ts';
import type { TokenSigner } from '../rooms/tokens.ts';
import type { Ledger } from './storage/stores.ts';
import type { SessionRow, Sessions } from './storage/sessions.ts';
import { isExperimenter } from './api.ts';
import { RecordReplays, ReplayRefusal } from './record-replay.ts';
import { classResults, earningsBySeat, fullResults, participantLabels, payments, paymentsCsv, type PaymentTerms } from './results.ts';
import { writeChunks } from './export.ts';

export interface ResultsDeps {
  readonly sessions: Sessions;
  readonly ledger: Ledger;
  readonly tokens: TokenSigner;
  readonly adminToken: string;
}

/** Result reads per client address and window (a class opening the debrief at once, from one address). */
export const RESULTS_RATE = { limit: 300, windowMs: 60_000 } as const;

const sessionParam = z.string().regex(/^s[a-z0-9]{4,40}$/);
const noQuery = z.object({}).strict();
const decimal = (max: number) =>
  z
    .string()
    .regex(/^\d{1,6}(\.\d{1,6})?$/, 'a number like 0.05')
    .transform(Number)
    .refine((x) => x <= max, `at most ${max}`);
const termsQuery = z
  .object({
    rate: decimal(1000).default(1),
    showUpFee: decimal(10_000).default(0),
    currency: z.string().regex(/^[A-Za-z]{0,8}$/, 'letters only, e.g. GBP').default(''),
  })
  .strict();

const issuesLine = (error: z.ZodError): string => error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; ');

/** The session's completion code and redirect (an online panel's), if its spec has one. */
function completionOf(row: SessionRow): { code: string; redirect: string | null } | null {
  let raw: unknown;
  try {
    raw = JSON.parse(row.spec);
  } catch {
    return null;
  }
  const spec = sessionSpecSchema.safeParse(raw);
  const c = spec.success ? spec.data.completion : undefined;
  return c ? { code: c.code, redirect: c.redirect ?? null } : null;
}

export function mountResultsApi(app: Application, deps: ResultsDeps): void {
  const limit = rateLimit({
    ...RESULTS_RATE,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    message: { error: `at most ${RESULTS_RATE.limit} result reads a minute from one address` },
  });
  const replays = new RecordReplays(deps.ledger);
  const experimenter = (req: Request) => isExperimenter(req.get('authorization'), deps.adminToken);

  const session = (req: Request, res: Response): SessionRow | null => {
    const id = sessionParam.safeParse(req.params.id);
    const row = id.success ? deps.sessions.get(id.data) : null;
    if (!row) res.status(404).json({ error: 'no such session' });
    return row;
  };
  const queryless = (req: Request, res: Response): boolean => {
    const q = noQuery.safeParse(req.query);
    if (!q.success) res.status(400).json({ error: 'this endpoint takes no query parameters' });
    return q.success;
  };
  const ended = (row: SessionRow) => row.status === 'ended';

  /** The public view where the record ends (the last period revealed), or null when the record cannot be replayed. */
  const finalView = (row: SessionRow): { publicView: unknown; progress: unknown } | null => {
    try {
      const last = replays.record(row.id).events.at(-1);
      if (!last) return null;
      const at = replays.stateAt(row.id, last.seq);
      return { publicView: at.publicView, progress: at.progress };
    } catch (error) {
      if (error instanceof ReplayRefusal) return null;
      throw error;
    }
  };

  app.get('/api/sessions/:id/results', limit, (req, res) => {
    const row = session(req, res);
    if (!row || !queryless(req, res)) return;
    const events: LedgerEvent[] = deps.ledger.events(row.id);
    if (experimenter(req)) {
      const labels = participantLabels(events);
      res.json({
        ...fullResults(row, events),
        final: finalView(row),
        earnings: earningsBySeat(events).map((s) => ({ ...s, nickname: labels.get(s.seat)?.nickname ?? '', label: labels.get(s.seat)?.label ?? '' })),
      });
      return;
    }
    if (!ended(row)) {
      res.status(409).json({ error: 'the results open once the session has ended' });
      return;
    }
    res.json({ ...classResults(row, events), final: finalView(row) });
  });

  app.get('/api/sessions/:id/results/mine', limit, (req, res) => {
    const row = session(req, res);
    if (!row || !queryless(req, res)) return;
    const claims = deps.tokens.verify((req.get('authorization') ?? '').replace(/^Bearer\s+/i, ''));
    if (!claims || claims.session !== row.id || claims.role !== 'player' || claims.bot !== undefined) {
      res.status(401).json({ error: "send this seat's token (Authorization: Bearer <token>)" });
      return;
    }
    if (!ended(row)) {
      res.status(409).json({ error: 'your results open once the session has ended' });
      return;
    }
    const mine = earningsBySeat(deps.ledger.events(row.id)).find((s) => s.seat === claims.seat);
    res.json({ seat: claims.seat, role: mine?.role ?? null, total: mine?.total ?? 0, rounds: mine?.rounds ?? [], completion: completionOf(row) });
  });

  const terms = (req: Request, res: Response): PaymentTerms | null => {
    if (!experimenter(req)) {
      res.status(401).json({ error: 'experimenter token required (Authorization: Bearer <token>)' });
      return null;
    }
    const q = termsQuery.safeParse(req.query);
    if (!q.success) {
      res.status(400).json({ error: `send ?rate=MONEY_PER_POINT&showUpFee=MONEY&currency=CODE: ${issuesLine(q.error)}` });
      return null;
    }
    return q.data;
  };

  app.get('/api/sessions/:id/payments', (req, res) => {
    const row = session(req, res);
    const t = row && terms(req, res);
    if (!row || !t) return;
    res.json({ session: row.id, status: row.status, ...t, rows: payments(deps.ledger.events(row.id), t) });
  });

  app.get('/api/sessions/:id/payments.csv', (req, res) => {
    const row = session(req, res);
    const t = row && terms(req, res);
    if (!row || !t) return;
    res.attachment(`${row.id}-payments.csv`).type('text/csv');
    void writeChunks(res, paymentsCsv(payments(deps.ledger.events(row.id), t), t)).catch(() => res.destroy());
  });
}
