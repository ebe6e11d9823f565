/**
 * A live session's plan: the mechanism and config, which seats are humans and which
 * bots, and what happens when a human drops out. Validated with zod wherever it comes in
 * (experimenter API, demo arenas).
 */
import { z } from 'zod';
import { findMechanism } from '../mechanisms/registry.ts';
import { mechanismKey, type AnyMechanism } from '../mechanisms/core/types.ts';
import { seatIds } from '../mechanisms/core/match.ts';
import { strictObject, tooDeep, tooDeepIssue } from '../mechanisms/core/config.ts';

export const seatPlanSchema = strictObject({
  /** 'human' seats wait for a person (join link or code); 'bot' seats are filled by a scripted policy. */
  kind: z.enum(['human', 'bot']),
  policy: z.string().min(1).optional(),
  params: z.record(z.string(), z.unknown()).default({}),
  count: z.number().int().min(1).max(200).default(1),
  role: z.string().min(1).optional(),
}).refine((s) => s.kind === 'human' || s.policy !== undefined, { message: 'a bot seat names its policy', path: ['policy'] });

export const dropoutSchema = strictObject({
  /** 'wait' keeps the seat for its human; 'replace' hands it to a bot after the grace period. */
  policy: z.enum(['wait', 'replace']).default('wait'),
  graceSeconds: z.number().int().min(1).max(3600).default(30),
  bot: z.string().min(1).default('random'),
  botParams: z.record(z.string(), z.unknown()).default({}),
}).prefault({});

export const sessionSpecSchema = strictObject({
  title: z.string().min(1).max(120).optional(),
  mechanism: z.string().min(1),
  config: z.record(z.string(), z.unknown()).default({}),
  seats: z.array(seatPlanSchema).min(1).max(50),
  seed: z.number().int().min(0).max(0xffffffff).optional(),
  dropout: dropoutSchema,
  /** Start the clock as soon as the session exists (demo arenas); otherwise the experimenter starts it. */
  autoStart: z.boolean().default(false),
  /** Human seats nobody holds yet are played by the dropout bot meanwhile; a person who joins takes the seat over. */
  standIn: z.boolean().default(false),
  /**
   * Spectators see the public view, public events and public chat this many ms late
   * (in a mirror room of their own); players and the experimenter are not delayed. 0: live.
   */
  spectatorDelayMs: z.number().int().min(0).max(3_600_000).default(0),
  /** Listed on the public arena page (/arenas); otherwise only people given its links or codes find it. */
  public: z.boolean().default(false),
  /** Show participants' nicknames to the other seats and spectators; otherwise only the experimenter sees them. */
  showNicknames: z.boolean().default(false),
  /**
   * What a participant recruited on an online panel (Prolific) sees at the end: the study's
   * completion code and, when given, the address their browser is sent to (the panel's
   * completion URL, http or https).
   */
  completion: strictObject({
    code: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _ (at most 64)'),
    redirect: z.url({ protocol: /^https?$/ }).max(500).optional(),
  }).optional(),
  /** Settings shared by the session's LLM seats (cache, budget, prices, concurrency); the server validates them. */
  llm: z.record(z.string(), z.unknown()).optional(),
});
export type SessionSpec = z.output<typeof sessionSpecSchema>;
export type SessionSpecInput = z.input<typeof sessionSpecSchema>;

/** One seat as the room holds it. */
export interface SeatAssignment {
  readonly seat: string;
  readonly role: string;
  /** Index of the spec's seat plan (`seats[i]`) the seat comes from. */
  readonly plan: number;
  readonly kind: 'human' | 'bot';
  readonly policy: string | null;
  readonly params: Record<string, unknown>;
}


export interface ResolvedSession {
  readonly spec: SessionSpec;
  readonly mechanism: AnyMechanism;
  readonly config: unknown;
  readonly seats: readonly SeatAssignment[];
  readonly seed: number;
}

export class SessionSpecError extends Error {
  readonly issues: readonly { path: string; message: string }[];
  constructor(issues: readonly { path: string; message: string }[]) {
    super(issues.map((i) => `${i.path || '(session)'}: ${i.message}`).join('\n'));
    this.issues = issues;
  }
}

/** Checks a bot policy and its params for a mechanism: null when fine, else what is wrong. (Bots live in bots/, which rooms do not import.) */
export type PolicyCheck = (policy: string, params: Record<string, unknown>, mechanismId: string) => string | null;

/** "exactly 19 seats", "2 to 8 seats", "at least 2 seats": a seat count range in words. */
export function seatRange(min: number, max: number): string {
  if (min === max) return `exactly ${min} seat${min === 1 ? '' : 's'}`;
  if (!Number.isFinite(max)) return `at least ${min} seats`;
  return `${min} to ${max} seats`;
}

/** Validates a session spec and assigns seats to roles; throws SessionSpecError naming the bad fields. */
export function resolveSession(raw: unknown, fallbackSeed: number, checkPolicy: PolicyCheck): ResolvedSession {
  // Before anything recursive (validation, JSON.stringify of the stored spec) meets it.
  const deep = tooDeep(raw);
  if (deep) {
    const issue = tooDeepIssue(deep);
    throw new SessionSpecError([{ path: issue.path.join('.'), message: issue.message }]);
  }
  const parsed = sessionSpecSchema.safeParse(raw);
  if (!parsed.success) throw new SessionSpecError(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  const spec = parsed.data;
  const mechanism = findMechanism(spec.mechanism);
  if (!mechanism) throw new SessionSpecError([{ path: 'mechanism', message: `unknown mechanism '${spec.mechanism}'` }]);
  const config = mechanism.configSchema.safeParse(spec.config);
  if (!config.success) throw new SessionSpecError(config.error.issues.map((i) => ({ path: ['config', ...i.path].join('.'), message: i.message })));
  const n = spec.seats.reduce((sum, s) => sum + s.count, 0);
  const plan = mechanism.seats(config.data);
  if (n < plan.min || n > plan.max) throw new SessionSpecError([{ path: 'seats', message: `${mechanismKey(mechanism)} takes ${seatRange(plan.min, plan.max)} under this config; the plan has ${n}` }]);
  const roles = plan.roles(n);
  const ids = seatIds(n);
  const out: (SeatAssignment | undefined)[] = new Array(n);
  const issues: { path: string; message: string }[] = [];
  const order = spec.seats.map((s, i) => ({ s, i })).sort((a, b) => Number(!a.s.role) - Number(!b.s.role));
  for (const { s, i } of order) {
    if (s.kind === 'bot') {
      const problem = checkPolicy(s.policy ?? '', s.params, mechanism.id);
      if (problem) issues.push({ path: `seats.${i}.policy`, message: problem });
    }
    for (let k = 0; k < s.count; k++) {
      const idx = roles.findIndex((r, j) => out[j] === undefined && (!s.role || r === s.role));
      if (idx < 0) {
        issues.push({ path: `seats.${i}`, message: `not enough free seats${s.role ? ` of role '${s.role}'` : ''}` });
        break;
      }
      out[idx] = { seat: ids[idx] as string, role: roles[idx] as string, plan: i, kind: s.kind, policy: s.kind === 'bot' ? (s.policy ?? null) : null, params: s.params };
    }
  }
  if (issues.length) throw new SessionSpecError(issues);
  const dropoutProblem = checkPolicy(spec.dropout.bot, spec.dropout.botParams, mechanism.id);
  if (dropoutProblem) throw new SessionSpecError([{ path: 'dropout.bot', message: dropoutProblem }]);
  return { spec, mechanism, config: config.data, seats: out as SeatAssignment[], seed: spec.seed ?? fallbackSeed };
}
