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
    case 'choice':
      return spec.options.includes(value as string | number) ? null : reject('NOT_ALLOWED', `${name} must be one of the listed options`);
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
    case 'choice':
      return rng.pick(spec.options);
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
