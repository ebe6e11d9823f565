/**
 * legal() is the single source of what a seat may do: the match runner checks
 * actions against it, random bots sample from it, UIs and LLM schemas are built from it.
 */
import type { Legal, LegalAction, ParamSpec, Rejection } from './types.ts';
import type { Rng } from './random.ts';

const EPS = 1e-9;

export function reject(code: Rejection['code'], message: string): Rejection {
  return { ok: false, code, message };
}

function onGrid(x: number, min: number, step: number | undefined): boolean {
  if (!step) return true;
  const k = (x - min) / step;
  return Math.abs(k - Math.round(k)) < 1e-7;
}

function checkParam(name: string, spec: ParamSpec, value: unknown): Rejection | null {
  switch (spec.kind) {
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return reject('INVALID_ACTION', `${name} must be a number`);
      if (value < spec.min - EPS || value > spec.max + EPS) return reject('OUT_OF_RANGE', `${name} must be between ${spec.min} and ${spec.max}`);
      if (!onGrid(value, spec.min, spec.step)) return reject('OUT_OF_RANGE', `${name} must be a multiple of ${spec.step}`);
      return null;
    }
    case 'integer': {
      if (typeof value !== 'number' || !Number.isInteger(value)) return reject('INVALID_ACTION', `${name} must be a whole number`);
      if (value < spec.min || value > spec.max) return reject('OUT_OF_RANGE', `${name} must be between ${spec.min} and ${spec.max}`);
      return null;
    }
    case 'choice':
      return spec.options.includes(value as string | number) ? null : reject('NOT_ALLOWED', `${name} must be one of the listed options`);
    case 'simplex': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return reject('INVALID_ACTION', `${name} must be an object of probabilities`);
      const entries = Object.entries(value);
      const keys = new Set(spec.keys);
      let sum = 0;
      for (const [key, p] of entries) {
        if (!keys.has(key)) return reject('NOT_ALLOWED', `${name} names ${key}, which is not an option`);
        if (typeof p !== 'number' || !Number.isFinite(p)) return reject('INVALID_ACTION', `${name}.${key} must be a number`);
        if (p < -EPS || p > 1 + EPS) return reject('OUT_OF_RANGE', `${name}.${key} must be between 0 and 1`);
        sum += p;
      }
      return Math.abs(sum - 1) <= 1e-6 ? null : reject('OUT_OF_RANGE', `${name} must add up to 1 (it adds up to ${sum})`);
    }
    case 'ranking': {
      if (!Array.isArray(value)) return reject('INVALID_ACTION', `${name} must be a list`);
      const seen = new Set<unknown>(value);
      if (value.length !== spec.options.length || seen.size !== value.length || !spec.options.every((o) => seen.has(o))) {
        return reject('OUT_OF_RANGE', `${name} must list each of ${spec.options.join(', ')} exactly once`);
      }
      return null;
    }
    case 'bundle': {
      if (!Array.isArray(value)) return reject('INVALID_ACTION', `${name} must be a list of bids`);
      if (value.length > spec.maxBids) return reject('OUT_OF_RANGE', `${name} may hold at most ${spec.maxBids} bids`);
      const items = new Set(spec.items);
      for (const [k, bid] of value.entries()) {
        const b = bid as { items?: unknown; price?: unknown } | null;
        if (typeof b !== 'object' || b === null || !Array.isArray(b.items)) return reject('INVALID_ACTION', `${name}[${k}] must be { items, price }`);
        if (b.items.length === 0 || new Set(b.items).size !== b.items.length || !b.items.every((i) => items.has(i as string))) {
          return reject('OUT_OF_RANGE', `${name}[${k}].items must be distinct items among ${spec.items.join(', ')}`);
        }
        const price = checkParam(`${name}[${k}].price`, { kind: 'number', min: spec.min, max: spec.max, ...(spec.step ? { step: spec.step } : {}) }, b.price);
        if (price) return price;
      }
      return null;
    }
    case 'allocation': {
      if (typeof value !== 'object' || value === null) return reject('INVALID_ACTION', `${name} must be an object`);
      let sum = 0;
      const keys = new Set(spec.keys);
      for (const [key, amount] of Object.entries(value)) {
        if (!keys.has(key)) return reject('NOT_ALLOWED', `${name} names ${key}, which is not an option`);
        if (typeof amount !== 'number' || !Number.isFinite(amount)) return reject('INVALID_ACTION', `${name}.${key} must be a number`);
        if (amount < spec.min - EPS || amount > spec.max + EPS) return reject('OUT_OF_RANGE', `${name}.${key} must be between ${spec.min} and ${spec.max}`);
        if (!onGrid(amount, spec.min, spec.step)) return reject('OUT_OF_RANGE', `${name}.${key} must be a multiple of ${spec.step}`);
        sum += amount;
      }
      return sum <= spec.total + EPS ? null : reject('OUT_OF_RANGE', `${name} may not add up to more than ${spec.total}`);
    }
  }
}

/** Checks a schema-valid action against what legal() allows; null when it conforms. */
export function checkLegal(legal: Legal, action: { readonly type: string }): Rejection | null {
  if (legal.length === 0) return reject('NOT_YOUR_TURN', 'you cannot act now');
  let open: LegalAction | undefined;
  for (const candidate of legal) {
    if (candidate.type === action.type) {
      open = candidate;
      break;
    }
  }
  if (!open) return reject('NOT_ALLOWED', `${action.type} is not open to you now`);
  const fields = action as unknown as Record<string, unknown>;
  for (const name in open.params) {
    const failure = checkParam(name, open.params[name] as ParamSpec, fields[name]);
    if (failure) return failure;
  }
  return null;
}

function snap(x: number, min: number, max: number, step: number | undefined): number {
  if (!step) return x;
  const snapped = min + Math.round((x - min) / step) * step;
  const clamped = Math.min(max, Math.max(min, snapped));
  // Keep decimal grids readable (0.1 + 0.2 style noise would fail the grid check elsewhere).
  return Number(clamped.toFixed(10));
}

function sampleNumber(spec: { min: number; max: number; step?: number }, rng: Rng): number {
  const r = rng.float();
  // Edges are where rules break: pick them a tenth of the time each.
  if (r < 0.1) return spec.min;
  if (r < 0.2) return spec.step ? snap(spec.max - spec.step / 2 + 1e-9, spec.min, spec.max, spec.step) : spec.max;
  return snap(rng.uniform(spec.min, spec.max), spec.min, spec.max, spec.step);
}

function sampleParam(spec: ParamSpec, rng: Rng): unknown {
  switch (spec.kind) {
    case 'number':
      return sampleNumber(spec, rng);
    case 'integer':
      return rng.int(spec.min, spec.max);
    case 'choice':
      return rng.pick(spec.options);
    case 'simplex': {
      // Exact sums: whole hundredths spread over the keys.
      const parts = spec.keys.map(() => rng.float());
      const total = parts.reduce((a, b) => a + b, 0) || 1;
      const cents = parts.map((p) => Math.floor((p / total) * 100));
      cents[0] = (cents[0] as number) + 100 - cents.reduce((a, b) => a + b, 0);
      return Object.fromEntries(spec.keys.map((k, i) => [k, (cents[i] as number) / 100]));
    }
    case 'ranking':
      return rng.shuffle(spec.options);
    case 'bundle': {
      const bids = [];
      const count = rng.int(0, spec.maxBids);
      for (let k = 0; k < count; k++) {
        const items = rng.shuffle(spec.items).slice(0, rng.int(1, spec.items.length));
        bids.push({ items, price: sampleNumber(spec, rng) });
      }
      return bids;
    }
    case 'allocation': {
      const out: Record<string, number> = {};
      let left = spec.total;
      for (const key of rng.shuffle(spec.keys)) {
        if (rng.float() < 0.5 || left < spec.min) continue;
        const amount = sampleNumber({ min: spec.min, max: Math.min(spec.max, left), step: spec.step }, rng);
        const bounded = Math.min(amount, left);
        if (!onGrid(bounded, spec.min, spec.step)) continue;
        out[key] = bounded;
        left -= bounded;
      }
      return out;
    }
  }
}

/** A uniformly chosen legal action type with sampled parameters; null when nothing is legal. */
export function sampleLegal(legal: Legal, rng: Rng): ({ type: string } & Record<string, unknown>) | null {
  if (legal.length === 0) return null;
  const open = rng.pick(legal);
  const action: { type: string } & Record<string, unknown> = { type: open.type };
  for (const name in open.params) action[name] = sampleParam(open.params[name] as ParamSpec, rng);
  return action;
}

/** How to make a continuous parameter finite for a learner: this many evenly spaced points from min to max. */
export interface Discretisation {
  readonly points: number;
}

/** Largest action list `enumerate` makes; beyond it the space is not one a table learner can hold. */
export const MAX_ENUMERATED = 100_000;

function valuesOf(name: string, spec: ParamSpec, discretise: Discretisation | undefined): readonly unknown[] {
  switch (spec.kind) {
    case 'choice':
      return spec.options;
    case 'integer':
      return Array.from({ length: spec.max - spec.min + 1 }, (_, i) => spec.min + i);
    case 'number': {
      if (spec.step) {
        const n = Math.floor((spec.max - spec.min) / spec.step + 1e-9) + 1;
        if (!discretise || n <= discretise.points) return Array.from({ length: n }, (_, i) => Number((spec.min + i * spec.step!).toFixed(10)));
      }
      if (!discretise) throw new RangeError(`${name} is a continuous range: give a discretisation (how many points) to enumerate it`);
      const k = Math.max(2, discretise.points);
      return Array.from({ length: k }, (_, i) => (i === k - 1 ? spec.max : snap(spec.min + ((spec.max - spec.min) * i) / (k - 1), spec.min, spec.max, spec.step)));
    }
    case 'ranking': {
      if (spec.options.length > 8) throw new RangeError(`${name} ranks ${spec.options.length} options: too many orders to enumerate`);
      const out: string[][] = [];
      const permute = (rest: readonly string[], done: string[]) => {
        if (!rest.length) out.push(done);
        rest.forEach((o, i) => permute([...rest.slice(0, i), ...rest.slice(i + 1)], [...done, o]));
      };
      permute(spec.options, []);
      return out;
    }
    case 'allocation':
    case 'simplex':
    case 'bundle':
      throw new RangeError(`${name} is ${spec.kind === 'allocation' ? 'an allocation' : spec.kind === 'simplex' ? 'a simplex' : 'a set of bundle bids'}: not a finite list of actions`);
  }
}

/**
 * Every action of a finite legal() as a list, in a fixed order (the action space of a
 * table learner): each open action type with every combination of its parameters'
 * values. A continuous number parameter needs a declared discretisation; allocations,
 * simplexes and bundle bids are not finite and throw, as does a space over MAX_ENUMERATED.
 */
export function enumerate(legal: Legal, discretise?: Discretisation): ({ type: string } & Record<string, unknown>)[] {
  const out: ({ type: string } & Record<string, unknown>)[] = [];
  for (const open of legal) {
    let partial: ({ type: string } & Record<string, unknown>)[] = [{ type: open.type }];
    for (const name in open.params) {
      const values = valuesOf(name, open.params[name] as ParamSpec, discretise);
      partial = partial.flatMap((a) => values.map((v) => ({ ...a, [name]: v })));
      if (partial.length > MAX_ENUMERATED) throw new RangeError(`more than ${MAX_ENUMERATED} actions: not a space to enumerate`);
    }
    out.push(...partial);
  }
  return out;
}
