/**
 * The live server's side of LLM seats beyond seating them: the check before a session
 * exists (every LLM seat's key is set and its endpoint answers, bots/llm/preflight.ts),
 * and the experimenter's view of how each seat is doing, `GET /api/sessions/:id/llm`:
 * its decisions and how many its fallback made, which the console's seat monitor shows.
 */
import type { Application, Request, Response } from 'express';
import { z } from 'zod';
import { agentParamsSchema, preflightLlmSeats, type AgentParams, type LlmSeatPlan, type LlmSettings, type SeatDecisions } from '../bots/llm/index.ts';
import { ALLOW_FALLBACK_HINT } from '../bots/llm/preflight.ts';
import type { LedgerEvent } from '../mechanisms/core/ledger.ts';
import { SessionSpecError, type ResolvedSession } from '../rooms/session.ts';
import { llmDecisionsBySeat } from '../studies/llm-decisions.ts';
import { isExperimenter } from './api.ts';
import type { Sessions } from './storage/sessions.ts';

const LLM = 'llm';

/** A session's LLM seats by the seat plan they come from; the dropout bot too when it is an LLM and may take human seats. */
export function sessionLlmSeatPlans(resolved: ResolvedSession): LlmSeatPlan[] {
  const plans = new Map<number, { seats: string[]; params: AgentParams }>();
  for (const s of resolved.seats) {
    if (s.kind !== 'bot' || s.policy !== LLM) continue;
    // The spec keeps params as written; resolveSession has checked them, so they parse.
    const plan = plans.get(s.plan) ?? { seats: [], params: agentParamsSchema.parse(s.params) };
    plan.seats.push(s.seat);
    plans.set(s.plan, plan);
  }
  const out: LlmSeatPlan[] = [...plans].map(([i, p]) => ({ path: `seats.${i}.params`, seats: p.seats, params: p.params }));
  const { dropout, standIn } = resolved.spec;
  const humans = resolved.seats.filter((s) => s.kind === 'human').map((s) => s.seat);
  if (dropout.bot === LLM && humans.length && (standIn || dropout.policy === 'replace')) out.push({ path: 'dropout.botParams', seats: humans, params: agentParamsSchema.parse(dropout.botParams) });
  return out;
}

/** Refuses (SessionSpecError, a 400) a session whose LLM seats could only fall back, unless its llm block allows it. */
export async function checkSessionLlmSeats(resolved: ResolvedSession, settings: LlmSettings, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const issues = await preflightLlmSeats(sessionLlmSeatPlans(resolved), settings, { env });
  if (issues.length && !settings.allowFallback) throw new SessionSpecError(issues.map((i) => ({ path: i.path, message: `${i.message}; ${ALLOW_FALLBACK_HINT}` })));
}

export interface LlmStatusDeps {
  readonly sessions: Sessions;
  readonly adminToken: string;
  originAllowed(origin: string | undefined): boolean;
  /** The decisions of a live session's LLM seats, from the runtime it plays with; null when it has none (ended, or never had LLM seats). */
  liveDecisions(session: string): Record<string, SeatDecisions> | null;
  /** The session's record, read when it is no longer live. */
  events(session: string): readonly LedgerEvent[];
}

const sessionParam = z.string().regex(/^s[a-z0-9]{4,40}$/);

/** Mounts GET /api/sessions/:id/llm (experimenter): `{session, seats: {p0: {decisions, fallbacks, lastFallback}}}`. */
export function mountLlmStatus(app: Application, deps: LlmStatusDeps): void {
  app.get('/api/sessions/:id/llm', (req: Request, res: Response) => {
    if (!deps.originAllowed(req.get('origin'))) {
      res.status(403).json({ error: 'origin not allowed' });
      return;
    }
    if (!isExperimenter(req.get('authorization'), deps.adminToken)) {
      res.status(401).json({ error: 'experimenter token required (Authorization: Bearer <token>)' });
      return;
    }
    const id = sessionParam.safeParse(req.params.id);
    const row = id.success ? deps.sessions.get(id.data) : null;
    if (!row) {
      res.status(404).json({ error: 'no such session' });
      return;
    }
    // While the session is live its runtime counts as decisions are made; afterwards the record does.
    res.json({ session: row.id, seats: deps.liveDecisions(row.id) ?? llmDecisionsBySeat(deps.events(row.id)) });
  });
}
