/**
 * A study is data (DESIGN §8): a mechanism@version, its config, the seats (policy,
 * params, count), episodes, seed, optional treatments that override config or seats,
 * and optional factors whose levels cross into a grid of cells. This module validates a
 * study and resolves it into the cells the runner plays, reporting every problem with
 * the path of the bad field.
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
  /**
   * The principal the group's seats play for (sybil identities): seats of one principal, in one
   * group or several, are independent policies whose payoffs the principal sums. A seat without
   * one is its own principal, named by its seat id.
   */
  principal: z
    .string({ error: 'a principal is a name (a string)' })
    .regex(/^[\w.-]{1,60}$/, 'use 1 to 60 letters, digits, _ . or -')
    .refine((name) => !/^p\d+$/.test(name), 'p0, p1, ... name seats (a seat without a principal is its own); choose another name')
    .optional(),
  /** The group's seats draw the private draws (values, costs) of their principal's first seat: one principal's value played through several names. */
  shareDraws: z.boolean().optional(),
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

const levelSchema = strictObject({
  name: z.string().regex(/^[\w.-]+$/, 'use letters, digits, _ . or -'),
  description: z.string().optional(),
  /** Merged over the treatment's config (objects key by key, arrays replaced). */
  config: z.record(z.string(), z.unknown()).default({}),
  /** Replaces the seats (one factor of a study at most may replace them). */
  seats: z.array(seatGroupSchema).min(1).optional(),
  /** Policy name -> params merged over those of every seat group playing it (an LLM model, its tools, a bot's parameter). */
  params: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
});

/** A factor: levels whose overrides cross with every other factor's (and with the treatments). */
const factorSchema = strictObject({
  name: z.string().regex(/^[a-zA-Z][\w-]*$/, 'start with a letter; then letters, digits, _ or -'),
  description: z.string().optional(),
  /** The first level is the reference the factor's effects are measured against. */
  levels: z.array(levelSchema).min(2).max(64),
});

/** What `arena probe` searches and tries beside the mechanism's own declarations (mechanisms/core/probe.ts). */
const probeSchema = strictObject({
  deviations: z
    .array(strictObject({ name: z.string().min(1).max(60), role: z.string().min(1).optional(), deviation: z.record(z.string(), z.unknown()) }))
    .max(64)
    .optional(),
  mitigations: z.array(strictObject({ name: z.string().min(1).max(60), config: z.record(z.string(), z.unknown()), why: z.string().default('') })).max(64).optional(),
  /** Use only these, not the mechanism's. */
  replace: z.boolean().default(false),
  /** A finding: the gain's one-sided lower bound above this share of a seat's share of the efficient surplus. */
  threshold: z.number().min(0).max(10).default(0.02),
  /** Search episodes per candidate. */
  episodes: z.number().int().min(2).max(10_000_000).default(200),
  /** Fresh episodes the winner is re-evaluated on. */
  fresh: z.number().int().min(2).max(10_000_000).default(400),
  /** Fresh episodes recorded as evidence of each finding (those where the deviation gained most), by both populations. */
  evidence: z.number().int().min(0).max(1000).default(3),
  /** Episodes of each treatment whose records the indicators read (0: no indicators). */
  indicators: z.number().int().min(0).max(100_000).default(20),
  /** Honest replays per episode (the indicators' Monte Carlo null). */
  replays: z.number().int().min(0).max(999).default(19),
  /** An indicator is a finding when both its one-sided p-values are at most this. */
  alpha: z.number().gt(0).lt(1).default(0.05),
});

/** Most cells a study may expand into. */
export const MAX_CELLS = 4096;

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
  /**
   * Factors: the cells are every combination of one level of each (crossed with the
   * treatments, which act as a factor named \`treatment\`), all played on the same seeds.
   */
  factors: z.array(factorSchema).min(1).max(8).optional(),
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
  /** Settings and declarations of \`arena probe\`. */
  probe: probeSchema.optional(),
  output: strictObject({
    /** Write rounds.csv (one row per participant-round). */
    rounds: z.boolean().default(true),
    /** Write events.jsonl: every episode's hash-chained ledger (large). */
    events: z.boolean().default(false),
    /** Write the Parquet copies of the row files and report.html (the CSVs, summary and manifest are always written). */
    exports: z.boolean().default(true),
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
  /** The principal the seat plays for, when its group names one (otherwise the seat is its own). */
  readonly principal?: string;
  /** The seat draws the private draws of its principal's first seat. */
  readonly shareDraws?: boolean;
}

export interface Treatment {
  /** The treatment's name; a cell's is its levels, \`factor=level,...\`. */
  readonly name: string;
  /** Factor -> level of this cell (a study with factors), with \`treatment\` when they cross treatments. */
  readonly levels: Readonly<Record<string, string>> | null;
  readonly config: unknown;
  readonly seats: readonly SeatAssignment[];
  /** Its own episode count, or null for the study's. */
  readonly episodes: number | null;
}

/** A factor as the runner and the effects read it: its name and its levels, the reference first. */
export interface FactorLevels {
  readonly name: string;
  readonly levels: readonly string[];
}

export interface ResolvedStudy {
  readonly study: Study;
  readonly mechanism: AnyMechanism;
  /** The treatments, or with factors the cells (treatment by treatment, the last factor varying fastest). */
  readonly treatments: readonly Treatment[];
  /** The factors of the grid (with \`treatment\` first when a study crosses several treatments with factors); empty without factors. */
  readonly factors: readonly FactorLevels[];
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

/** Params written at one place (a level's \`params\`), merged over a seat group's own. */
interface ParamsLayer {
  readonly at: string;
  readonly params: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

function assignSeats(mechanism: AnyMechanism, config: unknown, groups: readonly SeatGroup[], at: string, issues: StudyIssue[], layers: readonly ParamsLayer[] = []): SeatAssignment[] {
  const n = groups.reduce((sum, g) => sum + g.count, 0);
  const plan = mechanism.seats(config);
  if (n < plan.min || n > plan.max) {
    const want = plan.min === plan.max ? `${plan.min}` : `${plan.min} to ${plan.max}`;
    issues.push({ path: at, message: `${mechanismKey(mechanism)} takes ${want} seats under this config; the seat groups add up to ${n}` });
    return [];
  }
  for (const layer of layers) {
    for (const policy of Object.keys(layer.params)) {
      if (!groups.some((g) => g.policy === policy)) issues.push({ path: `${layer.at}.params.${policy}`, message: `no seat group plays '${policy}' here (policies: ${[...new Set(groups.map((g) => g.policy))].join(', ')})` });
    }
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
    const own = layers.filter((l) => l.params[g.policy] !== undefined);
    const raw = own.reduce<unknown>((acc, l) => mergeConfig(acc, l.params[g.policy]), g.params);
    const params = factory.paramsSchema.safeParse(raw);
    if (!params.success) {
      for (const issue of params.error.issues) {
        // Reported where it was written: the last level that wrote it, or else the seat group.
        const layer = own.findLast((l) => writtenIn(l.params[g.policy], issue));
        const base = layer ? `${layer.at}.params.${g.policy}` : `${where}.params`;
        issues.push({ path: `${base}${issue.path.length ? '.' : ''}${pathOf(issue.path)}`, message: issue.message });
      }
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
      out[idx] = { seat: ids[idx] as SeatId, role: roles[idx] as string, group: where, policy: g.policy, params: params.data, factory, ...(g.principal !== undefined ? { principal: g.principal } : {}), ...(g.shareDraws ? { shareDraws: true } : {}) };
    }
  }
  const seats = out.filter((s): s is SeatAssignment => s !== undefined);
  issues.push(...drawIssues(groups, seats, at));
  return seats;
}

/** Problems of draw sharing: a group that shares draws without a principal, or with a first seat of another role. */
function drawIssues(groups: readonly SeatGroup[], seats: readonly SeatAssignment[], at: string): StudyIssue[] {
  const issues: StudyIssue[] = [];
  groups.forEach((g, i) => {
    if (!g.shareDraws) return;
    if (g.principal === undefined) {
      issues.push({ path: `${at}[${i}].shareDraws`, message: 'shares the draws of its principal\'s first seat, but the group names no principal' });
      return;
    }
    const first = seats.find((s) => s.principal === g.principal);
    const other = seats.find((s) => s.group === `${at}[${i}]` && s.role !== first?.role);
    if (first && other) issues.push({ path: `${at}[${i}].shareDraws`, message: `seat ${other.seat} is a ${other.role}; it cannot draw what ${first.seat}, the first seat of principal '${g.principal}', draws as a ${first.role}` });
  });
  return issues;
}

/** Whether any seat group of the study, in any treatment or level, names a principal: then every record and table of the run names every seat's. */
export function studyHasPrincipals(study: Study): boolean {
  const named = (groups: readonly SeatGroup[] | undefined) => (groups ?? []).some((g) => g.principal !== undefined);
  return named(study.seats) || (study.treatments ?? []).some((t) => named(t.seats)) || (study.factors ?? []).some((f) => f.levels.some((l) => named(l.seats)));
}

/** The principal a seat plays for: the one its group names, or the seat itself. */
export const principalOf = (seat: Pick<SeatAssignment, 'seat' | 'principal'>): string => seat.principal ?? seat.seat;

/** The principals of a treatment's seats, in the order of their first seats, each with its seats. */
export function principalsOf(seats: readonly Pick<SeatAssignment, 'seat' | 'principal'>[]): { readonly principal: string; readonly seats: readonly SeatId[] }[] {
  const byName = new Map<string, SeatId[]>();
  for (const s of seats) {
    const name = principalOf(s);
    const list = byName.get(name) ?? [];
    list.push(s.seat);
    byName.set(name, list);
  }
  return [...byName].map(([principal, list]) => ({ principal, seats: list }));
}

/** One level's overrides, with where they are written. */
interface LevelPlan {
  readonly factor: string;
  readonly level: string;
  readonly at: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly seats?: readonly SeatGroup[];
  readonly params: ParamsLayer['params'];
}

/** Every combination of one level per factor, the last factor varying fastest. */
function crossed(factors: NonNullable<Study['factors']>): LevelPlan[][] {
  let combos: LevelPlan[][] = [[]];
  factors.forEach((f, i) => {
    const levels = f.levels.map((l, j): LevelPlan => ({ factor: f.name, level: l.name, at: `factors[${i}].levels[${j}]`, config: l.config, ...(l.seats ? { seats: l.seats } : {}), params: l.params }));
    combos = combos.flatMap((combo) => levels.map((l) => [...combo, l]));
  });
  return combos;
}

/** Problems of the factors themselves: repeated names, two factors replacing the seats, too many cells. */
function factorIssues(study: Study): StudyIssue[] {
  const factors = study.factors ?? [];
  const issues: StudyIssue[] = [];
  const names = new Set<string>(study.treatments ? ['treatment'] : []);
  factors.forEach((f, i) => {
    if (names.has(f.name)) issues.push({ path: `factors[${i}].name`, message: f.name === 'treatment' ? "'treatment' names the study's treatments; call this factor something else" : `factor '${f.name}' appears twice` });
    names.add(f.name);
    const levels = new Set<string>();
    f.levels.forEach((l, j) => {
      if (levels.has(l.name)) issues.push({ path: `factors[${i}].levels[${j}].name`, message: `level '${l.name}' appears twice in factor '${f.name}'` });
      levels.add(l.name);
    });
  });
  const seating = factors.filter((f) => f.levels.some((l) => l.seats));
  if (seating.length > 1) issues.push({ path: 'factors', message: `factors ${seating.map((f) => `'${f.name}'`).join(' and ')} both replace the seats; one factor at most may (give the others params instead)` });
  const cells = factors.reduce((n, f) => n * f.levels.length, study.treatments?.length ?? 1);
  if (cells > MAX_CELLS) issues.push({ path: 'factors', message: `the factors make ${cells} cells; at most ${MAX_CELLS}` });
  return issues;
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
  const issues: StudyIssue[] = factorIssues(study);
  if (issues.length) throw new StudyError(issues);
  const plans = study.treatments ?? [{ name: 'baseline', config: {}, seats: undefined, episodes: undefined }];
  const combos = study.factors ? crossed(study.factors) : [[]];
  const names = new Set<string>();
  const treatments: Treatment[] = [];
  plans.forEach((t, i) => {
    const at = study.treatments ? `treatments[${i}]` : '';
    if (names.has(t.name)) issues.push({ path: `${at}.name`, message: `treatment '${t.name}' appears twice` });
    names.add(t.name);
    for (const combo of combos) {
      // Config written at each place, in the order they merge: the study's, the treatment's, each level's.
      const layers = [...(study.treatments ? [{ at: `${at}.config`, config: t.config }] : []), ...combo.map((l) => ({ at: `${l.at}.config`, config: l.config }))];
      const merged = layers.reduce<unknown>((acc, l) => mergeConfig(acc, l.config), study.config);
      const config = mechanism.configSchema.safeParse(merged);
      if (!config.success) {
        for (const issue of config.error.issues) {
          // Each problem is reported where it was written: the last place that wrote it, or else the study's config.
          const base = layers.findLast((l) => writtenIn(l.config, issue))?.at ?? 'config';
          issues.push({ path: `${base}${issue.path.length ? '.' : ''}${pathOf(issue.path)}`, message: issue.message });
        }
        continue;
      }
      const seating = combo.find((l) => l.seats);
      const groups = seating?.seats ?? t.seats ?? study.seats;
      const seatsAt = seating ? `${seating.at}.seats` : t.seats ? `${at}.seats` : 'seats';
      const paramLayers = combo.filter((l) => Object.keys(l.params).length).map((l) => ({ at: l.at, params: l.params }));
      const seats = assignSeats(mechanism, config.data, groups, seatsAt, issues, paramLayers);
      const levels = study.factors ? Object.fromEntries([...(study.treatments ? [['treatment', t.name]] : []), ...combo.map((l) => [l.factor, l.level])]) : null;
      const name = levels ? Object.entries(levels).map(([f, l]) => `${f}=${l}`).join(',') : t.name;
      treatments.push({ name, levels, config: config.data, seats, episodes: t.episodes ?? null });
    }
  });
  if (issues.length) throw new StudyError(unique(issues));
  const factors: FactorLevels[] = study.factors ? [...(study.treatments ? [{ name: 'treatment', levels: study.treatments.map((t) => t.name) }] : []), ...study.factors.map((f) => ({ name: f.name, levels: f.levels.map((l) => l.name) }))] : [];
  return { study, mechanism, treatments, factors };
}

/** The LLM seats of a study by the seat group they come from (for the check before a run, bots/llm/preflight.ts). */
export function llmSeatPlans(resolved: ResolvedStudy): LlmSeatPlan[] {
  const groups = new Map<string, { path: string; seats: Set<string>; params: AgentParams }>();
  for (const t of resolved.treatments) {
    for (const s of t.seats) {
      if (s.factory.name !== 'llm') continue;
      // A factor's levels may give one group different params (models, tools): each is checked.
      const key = `${s.group}\n${JSON.stringify(s.params)}`;
      const group = groups.get(key) ?? { path: s.group, seats: new Set<string>(), params: s.params as AgentParams };
      group.seats.add(s.seat);
      groups.set(key, group);
    }
  }
  return [...groups.values()].map((g) => ({ path: `${g.path}.params`, seats: [...g.seats], params: g.params }));
}
