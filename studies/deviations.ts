/**
 * A deviation class: the strategies an exploit search may try for a seat (DESIGN §8). It is
 * data: a policy, its params — each fixed, a grid of values, or a continuous range — and a
 * search method (grid, random, successive halving, CMA-ES); optionally a learner trained
 * against the population first, or a principal splitting into several identities (sybil).
 * This module validates a deviation file (every problem with the path of its field), and
 * turns the class into candidates: their params, names and the class in plain words.
 */
import { z } from 'zod';
import { strictObject, tooDeep, tooDeepIssue } from '../mechanisms/core/config.ts';
import type { AnyMechanism } from '../mechanisms/core/types.ts';
import { Rng, deriveSeed } from '../mechanisms/core/random.ts';
import { findPolicy, LEARNING_POLICIES, policySupports, POLICIES } from '../bots/registry.ts';
import type { AnyPolicy, PolicyFactory } from '../bots/policy.ts';

const gridSchema = strictObject({ grid: z.array(z.unknown()).min(1).max(10_000) });
const rangeSchema = strictObject({
  range: z.tuple([z.number(), z.number()]).refine(([lo, hi]) => lo < hi, { message: 'a range is [low, high] with low < high' }),
  /** Whole numbers only (rounded after sampling). */
  integer: z.boolean().default(false),
});

const isPlainObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** A param of the class: a search dimension when it is an object of `grid`, or of `range` (and `integer`); anything else is a fixed value. */
const searchKeys = (x: unknown): boolean => isPlainObject(x) && Object.keys(x).length > 0 && ('grid' in x || 'range' in x) && Object.keys(x).every((k) => k === 'grid' || k === 'range' || k === 'integer');

const trainSchema = strictObject({
  /** Training episodes against the population (on seeds of their own) before the learner is evaluated. */
  episodes: z.number().int().min(1).max(10_000_000),
  /** 'frozen': evaluated greedy and without learning (its fork); 'learning': it goes on learning while evaluated. */
  evaluate: z.enum(['frozen', 'learning']).default('frozen'),
});

const sybilSchema = strictObject({
  /** How many identities the principal plays through (its own seat and k − 1 more). */
  identities: z.number().int().min(2).max(64),
  /** What the principal's own seat plays; by default its baseline policy. The added identities play the class. */
  main: strictObject({ policy: z.string().min(1), params: z.record(z.string(), z.unknown()).default({}) }).optional(),
});

export const SEARCHES = ['grid', 'random', 'halving', 'cmaes'] as const;
export type SearchMethod = (typeof SEARCHES)[number];

export const deviationSchema = strictObject({
  $schema: z.string().optional(),
  /** The class in plain words, as every published number names it; made from the rest when left out. */
  class: z.string().min(1).max(300).optional(),
  policy: z.string().min(1),
  params: z.record(z.string(), z.unknown()).default({}),
  search: z.enum(SEARCHES).default('grid'),
  /** Grid and halving: points a range is cut into (ends included). */
  points: z.number().int().min(2).max(1000).optional(),
  /** Random: candidates drawn; halving: candidates drawn at random instead of the grid; cmaes: evaluations (whole generations). */
  candidates: z.number().int().min(1).max(100_000).optional(),
  /** CMA-ES: samples per generation (λ); default 4 + ⌊3 ln n⌋. */
  population: z.number().int().min(2).max(1000).optional(),
  /** CMA-ES: the first step size as a share of each range. */
  sigma: z.number().gt(0).max(1).optional(),
  /** Successive halving: the share of candidates kept each round is 1/eta. */
  eta: z.number().int().min(2).max(16).optional(),
  /** Search episodes per candidate (the command's --episodes wins). */
  episodes: z.number().int().min(2).max(100_000_000).optional(),
  /** Fresh episodes the winner is re-evaluated on (the command's --fresh wins). */
  fresh: z.number().int().min(2).max(100_000_000).optional(),
  train: trainSchema.optional(),
  sybil: sybilSchema.optional(),
});
export type DeviationInput = z.input<typeof deviationSchema>;
export type DeviationFile = z.output<typeof deviationSchema>;

export interface DeviationIssue {
  readonly path: string;
  readonly message: string;
}

export class DeviationError extends Error {
  readonly issues: readonly DeviationIssue[];
  constructor(issues: readonly DeviationIssue[]) {
    super(issues.map((i) => `${i.path || '(deviation)'}: ${i.message}`).join('\n'));
    this.name = 'DeviationError';
    this.issues = issues;
  }
}

export type Dimension =
  | { readonly key: string; readonly kind: 'grid'; readonly values: readonly unknown[] }
  | { readonly key: string; readonly kind: 'range'; readonly low: number; readonly high: number; readonly integer: boolean };

/** A validated deviation class, ready to make candidates. */
export interface DeviationClass {
  readonly file: DeviationFile;
  readonly factory: PolicyFactory<unknown, AnyPolicy>;
  /** Params every candidate has. */
  readonly fixed: Readonly<Record<string, unknown>>;
  readonly dimensions: readonly Dimension[];
  /** The class in plain words. */
  readonly description: string;
}

/** One member of the class: raw params (before the policy's schema fills defaults) and a name. */
export interface Candidate {
  readonly name: string;
  readonly params: Readonly<Record<string, unknown>>;
}

const pathOf = (parts: readonly PropertyKey[]): string => parts.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
const number = (x: number): string => String(Number(x.toPrecision(6)));
const shown = (v: unknown): string => (typeof v === 'number' ? number(v) : JSON.stringify(v));

/** The points a range is cut into for a grid: evenly, both ends included. */
export function rangePoints(d: Extract<Dimension, { kind: 'range' }>, points: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < points; i++) {
    const x = d.low + ((d.high - d.low) * i) / (points - 1);
    out.push(d.integer ? Math.round(x) : Number(x.toPrecision(12)));
  }
  return [...new Set(out)];
}

/** A candidate from a value per dimension. */
export function candidateOf(cls: DeviationClass, values: readonly unknown[]): Candidate {
  const params: Record<string, unknown> = { ...cls.fixed };
  cls.dimensions.forEach((d, i) => (params[d.key] = d.kind === 'range' && d.integer ? Math.round(values[i] as number) : values[i]));
  const varying = cls.dimensions.map((d) => `${d.key}=${shown(params[d.key])}`).join(', ');
  return { name: varying ? `${cls.file.policy}(${varying})` : cls.file.policy, params };
}

/** Every candidate of the grid (ranges cut into `points`), in order, the last dimension varying fastest. */
export function gridCandidates(cls: DeviationClass): Candidate[] {
  const points = cls.file.points ?? 11;
  let combos: unknown[][] = [[]];
  for (const d of cls.dimensions) {
    const values = d.kind === 'grid' ? d.values : rangePoints(d, points);
    combos = combos.flatMap((c) => values.map((v) => [...c, v]));
  }
  return combos.map((c) => candidateOf(cls, c));
}

/** `count` candidates drawn at random: a grid's values uniformly, a range uniformly. */
export function randomCandidates(cls: DeviationClass, count: number, seed: number): Candidate[] {
  const rng = Rng.fromSeed(deriveSeed(seed, 0x7a4d));
  return Array.from({ length: count }, () => candidateOf(cls, cls.dimensions.map((d) => (d.kind === 'grid' ? rng.pick(d.values) : rng.uniform(d.low, d.high)))));
}

/** How many candidates a grid makes, without making them. */
export function gridSize(cls: DeviationClass): number {
  const points = cls.file.points ?? 11;
  return cls.dimensions.reduce((n, d) => n * (d.kind === 'grid' ? d.values.length : rangePoints(d, points).length), 1);
}

const MAX_GRID = 100_000;

function describe(file: DeviationFile, dimensions: readonly Dimension[], fixed: Readonly<Record<string, unknown>>): string {
  const dims = dimensions.map((d) => (d.kind === 'grid' ? `${d.key} on the grid ${d.values.map(shown).join(', ')}` : `${d.key} in [${number(d.low)}, ${number(d.high)}]${d.integer ? ' (whole numbers)' : ''}`));
  const fixedText = Object.entries(fixed)
    .filter(([k]) => file.policy !== 'llm' || k === 'model' || k === 'agent')
    .map(([k, v]) => `${k}=${shown(v)}`);
  let what = `${file.policy}${dims.length ? ` with ${dims.join(' and ')}` : ''}${fixedText.length ? ` (${fixedText.join(', ')})` : ''}`;
  if (file.train) what = `${what}, trained for ${file.train.episodes} episodes against the population and evaluated ${file.train.evaluate === 'frozen' ? 'frozen' : 'still learning'}`;
  const how = { grid: 'grid search', random: `random search of ${file.candidates ?? 20} candidates`, halving: 'successive halving', cmaes: 'CMA-ES' }[file.search];
  const search = dimensions.length ? `, ${how}` : '';
  if (file.sybil) return `sybil: the principal plays through ${file.sybil.identities} identities, the ${file.sybil.identities - 1} added ones playing ${what}${search}`;
  return `${what}${search}`;
}

/**
 * Validates a parsed deviation file against a mechanism and the treatment's config: the
 * policy exists and plays the mechanism, every param is a fixed value, a grid or a range the
 * policy accepts (both ends of a range, every grid value), and the search fits the params.
 */
export function resolveDeviation(raw: unknown, mechanism: AnyMechanism): DeviationClass {
  const deep = tooDeep(raw);
  if (deep) {
    const issue = tooDeepIssue(deep);
    throw new DeviationError([{ path: pathOf(issue.path), message: issue.message }]);
  }
  const parsed = deviationSchema.safeParse(raw);
  if (!parsed.success) throw new DeviationError(parsed.error.issues.map((i) => ({ path: pathOf(i.path), message: i.message })));
  const file = parsed.data;
  const issues: DeviationIssue[] = [];
  const factory = findPolicy(file.policy);
  if (!factory) throw new DeviationError([{ path: 'policy', message: `unknown policy '${file.policy}'; known: ${POLICIES.map((p) => p.name).join(', ')}` }]);
  if (!policySupports(factory, mechanism)) throw new DeviationError([{ path: 'policy', message: `policy '${file.policy}' does not play ${mechanism.id} (${mechanism.id} is played by ${[...mechanism.policies, ...POLICIES.filter((p) => p.mechanisms === '*').map((p) => p.name)].join(', ')})` }]);

  const fixed: Record<string, unknown> = {};
  const dimensions: Dimension[] = [];
  for (const [key, spec] of Object.entries(file.params)) {
    if (!searchKeys(spec)) {
      fixed[key] = spec;
      continue;
    }
    const schema = 'grid' in (spec as object) ? gridSchema : rangeSchema;
    const dim = schema.safeParse(spec);
    if (!dim.success) {
      for (const i of dim.error.issues) issues.push({ path: `params.${key}${i.path.length ? '.' : ''}${pathOf(i.path)}`, message: i.message });
      continue;
    }
    const d = dim.data as { grid: unknown[] } | { range: [number, number]; integer: boolean };
    dimensions.push('grid' in d ? { key, kind: 'grid', values: d.grid } : { key, kind: 'range', low: d.range[0], high: d.range[1], integer: d.integer });
  }
  // Training makes a learner keep its table from one episode to the next.
  if (file.train && factory.paramsSchema.safeParse({ ...fixed, keep: true }).success && !('keep' in fixed)) fixed.keep = true;

  // Every grid value and both ends of every range, the other params at their first value.
  const firsts = dimensions.map((d) => (d.kind === 'grid' ? d.values[0] : d.low));
  const probe = (values: unknown[], where: string) => {
    const params: Record<string, unknown> = { ...fixed };
    dimensions.forEach((d, i) => (params[d.key] = values[i]));
    const r = factory.paramsSchema.safeParse(params);
    if (r.success) return true;
    for (const i of r.error.issues) {
      const key = String(i.path[0] ?? '');
      const dim = dimensions.findIndex((d) => d.key === key);
      const at = dim >= 0 ? `params.${key}.${where}` : `params${i.path.length ? '.' : ''}${pathOf(i.path)}`;
      const value = dim >= 0 ? ` (${shown(values[dim])})` : '';
      issues.push({ path: at, message: `${i.message}${value}` });
    }
    return false;
  };
  if (probe(firsts, 'grid[0]')) {
    dimensions.forEach((d, i) => {
      const tries = d.kind === 'grid' ? d.values.map((v, j) => [v, `grid[${j}]`] as const) : [[d.low, 'range[0]'] as const, [d.high, 'range[1]'] as const];
      for (const [v, where] of tries) {
        const values = firsts.slice();
        values[i] = v;
        if (!probe(values, where)) break;
      }
    });
  }

  const ranges = dimensions.filter((d) => d.kind === 'range');
  const only = (field: keyof DeviationFile, searches: readonly SearchMethod[]) => {
    if (file[field] !== undefined && !searches.includes(file.search)) issues.push({ path: field, message: `${field} applies to the ${searches.join(' and ')} search${searches.length > 1 ? 'es' : ''}, not ${file.search}` });
  };
  only('points', ['grid', 'halving']);
  only('candidates', ['random', 'halving', 'cmaes']);
  only('population', ['cmaes']);
  only('sigma', ['cmaes']);
  only('eta', ['halving']);
  if (file.search === 'cmaes') {
    if (!ranges.length) issues.push({ path: 'params', message: 'CMA-ES searches continuous ranges: give at least one param as { "range": [low, high] }' });
    for (const d of dimensions) if (d.kind === 'grid') issues.push({ path: `params.${d.key}`, message: 'CMA-ES searches continuous ranges only: give a range or a fixed value' });
  }
  if ((file.search === 'grid' || (file.search === 'halving' && file.candidates === undefined)) && gridSize({ file, factory, fixed, dimensions, description: '' }) > MAX_GRID) {
    issues.push({ path: 'params', message: `the grid has ${gridSize({ file, factory, fixed, dimensions, description: '' })} candidates; at most ${MAX_GRID} (use a random search or CMA-ES)` });
  }
  if (file.train && !LEARNING_POLICIES.some((p) => p.name === file.policy)) issues.push({ path: 'train', message: `only learners are trained (${LEARNING_POLICIES.map((p) => p.name).join(', ')}); '${file.policy}' is not one` });
  if (file.sybil?.main) {
    const main = findPolicy(file.sybil.main.policy);
    if (!main) issues.push({ path: 'sybil.main.policy', message: `unknown policy '${file.sybil.main.policy}'` });
    else if (!policySupports(main, mechanism)) issues.push({ path: 'sybil.main.policy', message: `policy '${file.sybil.main.policy}' does not play ${mechanism.id}` });
    else {
      const r = main.paramsSchema.safeParse(file.sybil.main.params);
      if (!r.success) for (const i of r.error.issues) issues.push({ path: `sybil.main.params${i.path.length ? '.' : ''}${pathOf(i.path)}`, message: i.message });
    }
  }
  if (issues.length) throw new DeviationError(issues);
  return { file, factory, fixed, dimensions, description: file.class ?? describe(file, dimensions, fixed) };
}
