/**
 * A study is data (DESIGN §8): a mechanism@version, its config, the seats (policy,
 * params, count), episodes, seed, and optional treatments that override config or
 * seats. This module validates a study and resolves it into what the runner plays,
 * reporting every problem with the path of the bad field.
 */
import { z } from 'zod';
import { findMechanism, mechanismRefs } from '../mechanisms/registry.ts';
import type { AnyMechanism, SeatId } from '../mechanisms/core/types.ts';
import { mechanismKey } from '../mechanisms/core/types.ts';
import { seatIds } from '../mechanisms/core/match.ts';
import { findPolicy, policySupports, POLICIES } from '../bots/registry.ts';
import type { AnyPolicy, PolicyFactory } from '../bots/policy.ts';
import { llmSettingsSchema, type AgentParams } from '../bots/llm/settings.ts';
import type { LlmSeatPlan } from '../bots/llm/preflight.ts';
import { strictObject, tooDeep, tooDeepIssue } from '../mechanisms/core/config.ts';

const seatGroupSchema = strictObject({
  policy: z.string().min(1),
  params: z.record(z.string(), z.unknown()).default({}),
  count: z.number().int().min(1).max(10_000).default(1),
  /** Puts this group on seats of a role (e.g. 'buyer'); otherwise the next free seats. */
  role: z.string().min(1).optional(),
});

const treatmentSchema = strictObject({
  name: z.string().regex(/^[\w.-]+$/, 'use letters, digits, _ . or -'),
  description: z.string().optional(),
  /** Merged over the study's config (objects key by key, arrays replaced). */
  config: z.record(z.string(), z.unknown()).default({}),
  /** Replaces the study's seats. */
  seats: z.array(seatGroupSchema).min(1).optional(),
  /** Episodes of this treatment, when not the study's (a slow treatment may play fewer). */
  episodes: z.number().int().min(1).max(100_000_000).optional(),
});

export const studySchema = strictObject({
  $schema: z.string().optional(),
  name: z.string().regex(/^[\w.-]+$/, 'use letters, digits, _ . or -'),
  description: z.string().optional(),
  /** `id` (latest version) or `id@version`. */
  mechanism: z.string().min(1),
  config: z.record(z.string(), z.unknown()).default({}),
  seats: z.array(seatGroupSchema).min(1),
  episodes: z.number().int().min(1).max(100_000_000).default(100),
  seed: z.number().int().min(0).max(0xffffffff).default(1),
  treatments: z.array(treatmentSchema).min(1).optional(),
  /** Headless clock: milliseconds that pass with each decision. */
  clock: strictObject({ stepMs: z.number().int().min(1).max(3_600_000).default(100) }).prefault({}),
  /** LLM seats: cache, budgets, prices, concurrency, tool budget (bots/llm/settings.ts). */
  llm: llmSettingsSchema.optional(),
  /**
   * Learning seats (studies/learning.ts): end each episode once every learner has converged
   * (at the latest at the mechanism's last period), measure on the limit cycle of the greedy
   * policies, and with `impulse` record the response to a one-period deviation.
   */
  learning: strictObject({
    untilConverged: z.boolean().default(true),
    /** Longest greedy play searched for a limit cycle. */
    cyclePeriods: z.number().int().min(1).max(1_000_000).default(10_000),
    /** Periods recorded after the deviation (0: none). */
    impulse: z.number().int().min(0).max(10_000).default(0),
    /** The seat index that deviates. */
    deviator: z.number().int().min(0).default(0),
  }).optional(),
  output: strictObject({
    /** Write rounds.csv (one row per participant-round). */
    rounds: z.boolean().default(true),
    /** Write events.jsonl: every episode's hash-chained ledger (large). */
    events: z.boolean().default(false),
  }).prefault({}),
});

export type StudyInput = z.input<typeof studySchema>;
export type Study = z.output<typeof studySchema>;
type SeatGroup = z.output<typeof seatGroupSchema>;

export interface StudyIssue {
  readonly path: string;
  readonly message: string;
}

export class StudyError extends Error {
  readonly issues: readonly StudyIssue[];
  constructor(issues: readonly StudyIssue[]) {
    super(issues.map((i) => `${i.path || '(study)'}: ${i.message}`).join('\n'));
    this.name = 'StudyError';
    this.issues = issues;
  }
}

export interface SeatAssignment {
  readonly seat: SeatId;
  readonly role: string;
  /** Where the seat's group is written: `seats[0]`, `treatments[1].seats[0]`. */
  readonly group: string;
  readonly policy: string;
  readonly params: unknown;
  readonly factory: PolicyFactory<unknown, AnyPolicy>;
}

export interface Treatment {
  readonly name: string;
  readonly config: unknown;
  readonly seats: readonly SeatAssignment[];
  /** Its own episode count, or null for the study's. */
  readonly episodes: number | null;
}

export interface ResolvedStudy {
  readonly study: Study;
  readonly mechanism: AnyMechanism;
  readonly treatments: readonly Treatment[];
}

const isPlainObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Treatment config over study config: objects merge key by key, everything else replaces. */
export function mergeConfig(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = mergeConfig(base[k], v);
  return out;
}

/** Whether a config issue concerns what a treatment's own config says (the value at its path, or an unknown key it wrote). */
function writtenIn(config: unknown, issue: { readonly path: readonly PropertyKey[]; readonly code: string; readonly keys?: readonly string[] }): boolean {
  let at: unknown = config;
  for (const part of issue.path) {
    if (!isPlainObject(at) && !Array.isArray(at)) return false;
    at = (at as Record<PropertyKey, unknown>)[part];
    if (at === undefined) return false;
  }
  if (issue.code !== 'unrecognized_keys') return true;
  return isPlainObject(at) && (issue.keys ?? []).some((k) => k in at);
}

/** Issues without repeats (a problem of the study's config shows in every treatment that inherits it). */
function unique(issues: readonly StudyIssue[]): StudyIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}\n${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const pathOf = (parts: readonly PropertyKey[]): string =>
  parts.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');

function assignSeats(mechanism: AnyMechanism, config: unknown, groups: readonly SeatGroup[], at: string, issues: StudyIssue[]): SeatAssignment[] {
  const n = groups.reduce((sum, g) => sum + g.count, 0);
  const plan = mechanism.seats(config);
  if (n < plan.min || n > plan.max) {
    const want = plan.min === plan.max ? `${plan.min}` : `${plan.min} to ${plan.max}`;
    issues.push({ path: at, message: `${mechanismKey(mechanism)} takes ${want} seats under this config; the seat groups add up to ${n}` });
    return [];
  }
  const roles = plan.roles(n);
  const ids = seatIds(n);
  const taken = new Array<boolean>(n).fill(false);
  const out: (SeatAssignment | undefined)[] = new Array(n);
  // Groups naming a role go first, so unroled groups fill what is left.
  const order = groups.map((g, i) => ({ g, i })).sort((a, b) => Number(!a.g.role) - Number(!b.g.role));
  for (const { g, i } of order) {
    const where = `${at}[${i}]`;
    const factory = findPolicy(g.policy);
    if (!factory) {
      issues.push({ path: `${where}.policy`, message: `unknown policy '${g.policy}'; known: ${POLICIES.map((p) => p.name).join(', ')}` });
      continue;
    }
    if (!policySupports(factory, mechanism)) {
      issues.push({ path: `${where}.policy`, message: `policy '${g.policy}' does not play ${mechanism.id} (${mechanism.id} is played by ${[...mechanism.policies, ...POLICIES.filter((p) => p.mechanisms === '*').map((p) => p.name)].join(', ')})` });
      continue;
    }
    const params = factory.paramsSchema.safeParse(g.params);
    if (!params.success) {
      for (const issue of params.error.issues) issues.push({ path: `${where}.params${issue.path.length ? '.' : ''}${pathOf(issue.path)}`, message: issue.message });
      continue;
    }
    if (g.role && !roles.includes(g.role)) {
      issues.push({ path: `${where}.role`, message: `no seats of role '${g.role}'; roles here: ${[...new Set(roles)].join(', ')}` });
      continue;
    }
    for (let k = 0; k < g.count; k++) {
      const idx = roles.findIndex((r, j) => !taken[j] && (!g.role || r === g.role));
      if (idx < 0) {
        issues.push({ path: `${where}.count`, message: `not enough free seats${g.role ? ` of role '${g.role}'` : ''} for ${g.count}` });
        break;
      }
      taken[idx] = true;
      out[idx] = { seat: ids[idx] as SeatId, role: roles[idx] as string, group: where, policy: g.policy, params: params.data, factory };
    }
  }
  return out.filter((s): s is SeatAssignment => s !== undefined);
}

/** Validates a parsed JSON study and resolves mechanism, configs and seats; throws StudyError. */
export function resolveStudy(raw: unknown): ResolvedStudy {
  // Before anything recursive (validation, merging, hashing) meets it.
  const deep = tooDeep(raw);
  if (deep) {
    const issue = tooDeepIssue(deep);
    throw new StudyError([{ path: pathOf(issue.path), message: issue.message }]);
  }
  const parsed = studySchema.safeParse(raw);
  if (!parsed.success) throw new StudyError(parsed.error.issues.map((i) => ({ path: pathOf(i.path), message: i.message })));
  const study = parsed.data;
  const mechanism = findMechanism(study.mechanism);
  if (!mechanism) throw new StudyError([{ path: 'mechanism', message: `unknown mechanism '${study.mechanism}'; known: ${mechanismRefs().join(', ')}` }]);
  const issues: StudyIssue[] = [];
  const plans = study.treatments ?? [{ name: 'baseline', config: {}, seats: undefined, episodes: undefined }];
  const names = new Set<string>();
  const treatments: Treatment[] = [];
  plans.forEach((t, i) => {
    const at = study.treatments ? `treatments[${i}]` : '';
    if (names.has(t.name)) issues.push({ path: `${at}.name`, message: `treatment '${t.name}' appears twice` });
    names.add(t.name);
    const merged = mergeConfig(study.config, t.config);
    const config = mechanism.configSchema.safeParse(merged);
    if (!config.success) {
      for (const issue of config.error.issues) {
        // Each problem is reported where it was written: in the treatment's config, or else in the study's.
        const base = study.treatments && writtenIn(t.config, issue) ? `${at}.config` : 'config';
        issues.push({ path: `${base}${issue.path.length ? '.' : ''}${pathOf(issue.path)}`, message: issue.message });
      }
      return;
    }
    const seatsAt = t.seats ? `${at}.seats` : 'seats';
    const seats = assignSeats(mechanism, config.data, t.seats ?? study.seats, seatsAt, issues);
    treatments.push({ name: t.name, config: config.data, seats, episodes: t.episodes ?? null });
  });
  if (issues.length) throw new StudyError(unique(issues));
  return { study, mechanism, treatments };
}

/** The LLM seats of a study by the seat group they come from (for the check before a run, bots/llm/preflight.ts). */
export function llmSeatPlans(resolved: ResolvedStudy): LlmSeatPlan[] {
  const groups = new Map<string, { seats: Set<string>; params: AgentParams }>();
  for (const t of resolved.treatments) {
    for (const s of t.seats) {
      if (s.factory.name !== 'llm') continue;
      const group = groups.get(s.group) ?? { seats: new Set<string>(), params: s.params as AgentParams };
      group.seats.add(s.seat);
      groups.set(s.group, group);
    }
  }
  return [...groups].map(([group, g]) => ({ path: `${group}.params`, seats: [...g.seats], params: g.params }));
}
