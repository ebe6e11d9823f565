/**
 * A mechanism's settings as form fields, read from the JSON Schema of its config (GET
 * /api/settings, made by zod's toJSONSchema from the config schema and the `.meta()` of
 * each field: title, unit, description). The console's session form and the settings page
 * are built from these fields alone; nothing here knows a mechanism.
 */

/** The part of JSON Schema (draft 2020-12) that zod writes for a config. */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly default?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly title?: string;
  readonly description?: string;
  /** A field's unit (our own keyword, from `.meta({ unit })`): 'points', 'ms', 'units'. */
  readonly unit?: string;
}

interface Common {
  /** Where the value sits in the config: ['communication', 'channels']. */
  readonly path: readonly string[];
  readonly label: string;
  readonly unit: string | null;
  readonly help: string | null;
  readonly default: unknown;
}

/** Bounds of a number as zod writes them (JavaScript's safe-integer limits are no bound). */
export interface Bounds {
  readonly min: number | null;
  readonly max: number | null;
  /** The minimum itself is not allowed (a positive number). */
  readonly above: boolean;
}

export type Field =
  | (Common & { readonly kind: 'number'; readonly integer: boolean; readonly bounds: Bounds; readonly nullable: boolean })
  | (Common & { readonly kind: 'boolean' })
  | (Common & { readonly kind: 'choice'; readonly options: readonly string[] })
  /** Several of a list (chat channels). */
  | (Common & { readonly kind: 'choices'; readonly options: readonly string[] })
  /** A count of participants whose numbers are drawn, or each one's numbers given row by row (a value or cost schedule). */
  | (Common & { readonly kind: 'schedule'; readonly count: Bounds; readonly rows: number; readonly units: number; readonly unitBounds: Bounds })
  /** A distribution to draw from: one of its kinds, each with its own fields. */
  | (Common & { readonly kind: 'distribution'; readonly options: readonly DistributionKind[]; readonly number: Bounds | null })
  /** A group of settings (communication), or an optional stage (punishment) when nullable. */
  | (Common & { readonly kind: 'group'; readonly fields: readonly Field[]; readonly nullable: boolean })
  /** Anything else, edited as JSON text. */
  | (Common & { readonly kind: 'json' });

export interface DistributionKind {
  readonly kind: string;
  readonly label: string;
  readonly fields: readonly Field[];
}

/** 'maxOpenOrdersPerTrader' → 'Max open orders per trader': the label of a field without one. */
export function wordsOf(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/_/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const SAFE = 9007199254740991;

function boundsOf(s: JsonSchema): Bounds {
  const min = s.exclusiveMinimum ?? s.minimum;
  const max = s.exclusiveMaximum ?? s.maximum;
  return { min: min === undefined || min <= -SAFE ? null : min, max: max === undefined || max >= SAFE ? null : max, above: s.exclusiveMinimum !== undefined };
}

const types = (s: JsonSchema): readonly string[] => (s.type === undefined ? [] : typeof s.type === 'string' ? [s.type] : s.type);
const isNumber = (s: JsonSchema) => types(s).some((t) => t === 'number' || t === 'integer');
const isNull = (s: JsonSchema) => types(s).includes('null');
const isObject = (s: JsonSchema) => types(s).includes('object') && s.properties !== undefined;
/** An object of a discriminated union: its `kind` is a constant. */
const kindOf = (s: JsonSchema): string | null => {
  const k = s.properties?.kind?.const;
  return typeof k === 'string' ? k : null;
};

/** The fields of an object schema (a config), in the schema's order. */
export function fieldsOf(schema: JsonSchema, at: readonly string[] = []): Field[] {
  return Object.entries(schema.properties ?? {}).map(([key, s]) => fieldOf(key, s, [...at, key]));
}

function fieldOf(key: string, s: JsonSchema, path: readonly string[]): Field {
  const common: Common = { path, label: s.title ?? wordsOf(key), unit: s.unit ?? null, help: s.description ?? null, default: s.default };
  const options = s.anyOf ?? s.oneOf;
  if (options) {
    const others = options.filter((o) => !isNull(o));
    const nullable = others.length < options.length;
    const [only] = others;
    // A number or nothing (no cap, no deadline).
    if (others.length === 1 && only && isNumber(only)) return { ...common, kind: 'number', integer: types(only).includes('integer'), bounds: boundsOf(only), nullable };
    // An optional stage: off (null) or a group of settings.
    if (others.length === 1 && only && isObject(only)) return { ...common, kind: 'group', fields: fieldsOf(only, path), nullable };
    // A count, or rows of numbers.
    const count = others.find((o) => types(o).includes('integer'));
    const rows = others.find((o) => types(o).includes('array') && o.items && types(o.items).includes('array') && o.items.items && isNumber(o.items.items));
    if (others.length === 2 && count && rows?.items?.items) {
      return { ...common, kind: 'schedule', count: boundsOf(count), rows: rows.maxItems ?? 100, units: rows.items.maxItems ?? 100, unitBounds: boundsOf(rows.items.items) };
    }
    // A distribution (objects told apart by `kind`), perhaps beside a plain number (an endowment).
    const kinds = others.flatMap((o) => (o.oneOf ?? o.anyOf ?? [o]).filter((x) => kindOf(x) !== null));
    const plain = others.find((o) => isNumber(o));
    if (kinds.length > 0 && kinds.length + (plain ? 1 : 0) === others.flatMap((o) => o.oneOf ?? o.anyOf ?? [o]).length && !nullable) {
      return {
        ...common,
        kind: 'distribution',
        number: plain ? boundsOf(plain) : null,
        options: kinds.map((k) => ({ kind: kindOf(k) as string, label: k.title ?? wordsOf(kindOf(k) as string), fields: fieldsOf({ properties: Object.fromEntries(Object.entries(k.properties ?? {}).filter(([name]) => name !== 'kind')) }, []) })),
      };
    }
    return { ...common, kind: 'json' };
  }
  if (s.enum && s.enum.every((v) => typeof v === 'string')) return { ...common, kind: 'choice', options: s.enum as string[] };
  if (types(s).includes('boolean')) return { ...common, kind: 'boolean' };
  if (isNumber(s)) return { ...common, kind: 'number', integer: types(s).includes('integer'), bounds: boundsOf(s), nullable: false };
  if (types(s).includes('array') && s.items?.enum?.every((v) => typeof v === 'string')) return { ...common, kind: 'choices', options: s.items.enum as string[] };
  if (isObject(s)) return { ...common, kind: 'group', fields: fieldsOf(s, path), nullable: false };
  return { ...common, kind: 'json' };
}

/**
 * How a number is shown: milliseconds as seconds (nobody sets a 90 000 ms period), other
 * units as they are.
 */
export function shownUnit(unit: string | null): { readonly unit: string | null; readonly scale: number } {
  return unit === 'ms' ? { unit: 'seconds', scale: 1000 } : { unit, scale: 1 };
}

/** "from 1 to 100", "at least 0", "more than 0", or '' (no bounds), in the shown unit. */
export function rangeWords(bounds: Bounds, unit: string | null = null): string {
  const { scale } = shownUnit(unit);
  const n = (x: number) => String(x / scale);
  if (bounds.min !== null && bounds.max !== null) return `from ${n(bounds.min)} to ${n(bounds.max)}`;
  if (bounds.min !== null) return bounds.above ? `more than ${n(bounds.min)}` : `at least ${n(bounds.min)}`;
  if (bounds.max !== null) return `at most ${n(bounds.max)}`;
  return '';
}

/** A value as plain words for the settings page and the form's "default" hints. */
export function valueWords(value: unknown, unit: string | null = null): string {
  if (value === null || value === undefined) return 'none';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') {
    const { unit: shown, scale } = shownUnit(unit);
    return `${value / scale}${shown ? ` ${shown}` : ''}`;
  }
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map((v) => valueWords(v)).join(', ');
  if (typeof value === 'object') {
    const d = value as Record<string, unknown>;
    if (d.kind === 'uniform' || d.kind === 'uniformInt') return `drawn from ${String(d.low)} to ${String(d.high)}${d.kind === 'uniformInt' ? ' (whole numbers)' : ''}`;
    if (d.kind === 'discrete' && Array.isArray(d.values)) return `one of ${d.values.join(', ')}`;
    if (Object.keys(d).length === 0) return 'the defaults below';
    return JSON.stringify(value);
  }
  return String(value);
}

/** The value at `path` in a config, or undefined. */
export function valueAt(config: unknown, path: readonly string[]): unknown {
  let at: unknown = config;
  for (const key of path) at = typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[key] : undefined;
  return at;
}

/** A copy of `config` with `value` at `path` (objects on the way created as needed). */
export function withValue(config: Readonly<Record<string, unknown>>, path: readonly string[], value: unknown): Record<string, unknown> {
  const [key, ...rest] = path;
  if (key === undefined) return { ...config };
  if (rest.length === 0) return { ...config, [key]: value };
  const inner = config[key];
  return { ...config, [key]: withValue(typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? (inner as Record<string, unknown>) : {}, rest, value) };
}

/** The value a field shows: what the config holds, else the schema's default. */
export function currentValue(field: Field, config: unknown): unknown {
  const v = valueAt(config, field.path);
  return v === undefined ? field.default : v;
}

/**
 * One row of a schedule as typed ("120, 100 80") as numbers, or what is wrong with it in
 * plain words.
 */
export function parseRow(text: string, bounds: Bounds, most: number): { ok: true; units: number[] } | { ok: false; message: string } {
  const parts = text.split(/[\s,;]+/).filter((p) => p !== '');
  if (parts.length === 0) return { ok: false, message: 'give at least one number' };
  if (parts.length > most) return { ok: false, message: `at most ${most} units` };
  const units: number[] = [];
  for (const p of parts) {
    const x = Number(p);
    if (!Number.isFinite(x)) return { ok: false, message: `'${p}' is not a number` };
    if (bounds.min !== null && x < bounds.min) return { ok: false, message: `${p} is below ${bounds.min}` };
    if (bounds.max !== null && x > bounds.max) return { ok: false, message: `${p} is above ${bounds.max}` };
    units.push(x);
  }
  return { ok: true, units };
}

/** A number as typed into a field, in the stored unit (seconds typed, ms stored); null for an empty nullable field. */
export function parseNumber(field: Extract<Field, { kind: 'number' }>, text: string): { ok: true; value: number | null } | { ok: false; message: string } {
  const { scale, unit } = shownUnit(field.unit);
  if (text.trim() === '') return field.nullable ? { ok: true, value: null } : { ok: false, message: 'give a number' };
  const typed = Number(text);
  if (!Number.isFinite(typed)) return { ok: false, message: 'give a number' };
  const value = Math.round(typed * scale * 1e9) / 1e9;
  if (field.integer && !Number.isInteger(value)) return { ok: false, message: scale === 1 ? 'give a whole number' : `give a whole number of ${scale === 1000 ? 'milliseconds' : 'units'} (at most three decimals of ${unit})` };
  const { min, max, above } = field.bounds;
  const range = rangeWords(field.bounds, field.unit);
  if (min !== null && (above ? value <= min : value < min)) return { ok: false, message: `must be ${range}` };
  if (max !== null && value > max) return { ok: false, message: `must be ${range}` };
  return { ok: true, value };
}

/** The server's issues (`config.periods: ...`) by field: a field's own under its path, the rest apart. */
export function issuesByField(issues: readonly { path: string; message: string }[], fields: readonly Field[]): { byField: Map<string, string[]>; other: { path: string; message: string }[] } {
  const keys = new Set<string>();
  const walk = (fs: readonly Field[]) => {
    for (const f of fs) {
      keys.add(f.path.join('.'));
      if (f.kind === 'group') walk(f.fields);
    }
  };
  walk(fields);
  const byField = new Map<string, string[]>();
  const other: { path: string; message: string }[] = [];
  for (const issue of issues) {
    const parts = issue.path.split('.');
    if (parts[0] !== 'config') {
      other.push(issue);
      continue;
    }
    // The longest field path the issue lies under (config.buyers.2.0 → buyers).
    let key: string | null = null;
    for (let n = parts.length - 1; n >= 1 && key === null; n--) {
      const candidate = parts.slice(1, n + 1).join('.');
      if (keys.has(candidate)) key = candidate;
    }
    if (key === null) other.push(issue);
    else byField.set(key, [...(byField.get(key) ?? []), issue.message]);
  }
  return { byField, other };
}
