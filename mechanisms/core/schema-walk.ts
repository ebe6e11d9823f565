/**
 * The object schemas a zod schema can reach, for checks that must cover every nested
 * object of a config (the conformance suite's unknown-key check), including objects no
 * default or example config contains (a nullable punishment stage, a union's options).
 */
import type { z } from 'zod';

export interface ObjectSchemaAt {
  /** Where it sits, for messages: `config.values|1` (`|i` is a union's option i, `[]` an array's items). */
  readonly where: string;
  readonly schema: z.ZodType;
  readonly keys: readonly string[];
}

interface Def {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly innerType?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly element?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly items?: readonly z.ZodType[];
  readonly rest?: z.ZodType | null;
  readonly in?: z.ZodType;
  readonly out?: z.ZodType;
  readonly left?: z.ZodType;
  readonly right?: z.ZodType;
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'nonoptional', 'readonly', 'catch']);

export function objectSchemasIn(schema: z.ZodType, where = 'config'): ObjectSchemaAt[] {
  const found: ObjectSchemaAt[] = [];
  const seen = new Set<z.ZodType>();
  const walk = (s: z.ZodType, at: string) => {
    if (seen.has(s)) return;
    seen.add(s);
    const def = (s as unknown as { def: Def }).def;
    if (def.type === 'object' && def.shape) {
      found.push({ where: at, schema: s, keys: Object.keys(def.shape) });
      for (const [k, v] of Object.entries(def.shape)) walk(v, `${at}.${k}`);
    } else if (WRAPPERS.has(def.type) && def.innerType) walk(def.innerType, at);
    else if (def.type === 'union' && def.options) def.options.forEach((o, i) => walk(o, `${at}|${i}`));
    else if ((def.type === 'array' || def.type === 'set') && def.element) walk(def.element, `${at}[]`);
    else if (def.type === 'record' && def.valueType) walk(def.valueType, `${at}.*`);
    else if (def.type === 'tuple') [...(def.items ?? []), ...(def.rest ? [def.rest] : [])].forEach((t, i) => walk(t, `${at}[${i}]`));
    else if (def.type === 'pipe' && def.in && def.out) {
      walk(def.in, at);
      walk(def.out, at);
    } else if (def.type === 'intersection' && def.left && def.right) {
      walk(def.left, at);
      walk(def.right, at);
    }
  };
  walk(schema, where);
  return found;
}
