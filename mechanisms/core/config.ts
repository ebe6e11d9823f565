/**
 * Strict config objects: an unknown key is refused, never silently dropped, and the
 * refusal names the nearest valid key, so that a misspelt `peroids` does not run a whole
 * session on the default number of periods. Every config object (a mechanism's, its
 * nested `values` or `communication`, a study's, a session's) is made with `strictObject`.
 */
import { z } from 'zod';

/**
 * Edit distance with adjacent transpositions counted as one edit (optimal string
 * alignment): `peroids` is one edit from `periods`.
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  const first = rows[0] as number[];
  for (let j = 0; j <= b.length; j++) first[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    const up = rows[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((up[j] as number) + 1, (row[j - 1] as number) + 1, (up[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      row[j] = d;
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/**
 * The valid name a typo most likely meant, or null when none is close (case is ignored):
 * the nearest within a few edits, else the one name the word begins (`grace` for `graceSeconds`).
 */
export function nearestName(word: string, names: readonly string[]): string | null {
  const lower = word.toLowerCase();
  const limit = Math.max(2, Math.floor(word.length / 3));
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const name of names) {
    const d = editDistance(lower, name.toLowerCase());
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  if (bestDistance <= limit) return best;
  const longer = lower.length >= 3 ? names.filter((n) => n.toLowerCase().startsWith(lower)) : [];
  return longer.length === 1 ? (longer[0] as string) : null;
}

/**
 * What to tell someone who wrote unknown keys in an object whose keys are `names`:
 * "unknown key `peroids`; did you mean `periods`?", or the valid keys when none is close.
 */
export function unknownKeysMessage(keys: readonly string[], names: readonly string[]): string {
  const near = keys.map((k) => ({ key: k, near: nearestName(k, names) }));
  const [only] = near;
  if (near.length === 1 && only?.near) return `unknown key \`${only.key}\`; did you mean \`${only.near}\`?`;
  const listed = near.map((k) => (k.near ? `\`${k.key}\` (did you mean \`${k.near}\`?)` : `\`${k.key}\``)).join(', ');
  const lost = near.some((k) => !k.near);
  return `unknown key${keys.length === 1 ? '' : 's'} ${listed}${lost ? `; the keys here are ${names.join(', ') || '(none)'}` : ''}`;
}

/** z.strictObject whose unknown-key refusal names the nearest valid key. */
export function strictObject<T extends z.core.$ZodLooseShape>(shape: T): z.ZodObject<T, z.core.$strict> {
  const names = Object.keys(shape);
  return z.strictObject(shape, { error: (issue) => (issue.code === 'unrecognized_keys' ? unknownKeysMessage(issue.keys, names) : undefined) });
}

/** Deepest nesting of objects and arrays a spec, study or config may have; real ones need a handful of levels. */
export const MAX_NESTING = 32;

/**
 * Where a parsed JSON value nests objects or arrays more than `limit` levels deep (the
 * path to the first value past the limit), or null. Iterative, so it never runs out of
 * stack however deep the value is: boundaries call it before anything recursive (schema
 * validation, merging, hashing, JSON.stringify) sees the value.
 */
export function tooDeep(value: unknown, limit = MAX_NESTING): PropertyKey[] | null {
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value, path: [] }];
  for (let top = stack.pop(); top; top = stack.pop()) {
    if (typeof top.value !== 'object' || top.value === null) continue;
    if (top.path.length >= limit) return top.path;
    const entries = Array.isArray(top.value) ? top.value.map((v, i) => [i, v] as const) : Object.entries(top.value);
    for (const [key, child] of entries) if (typeof child === 'object' && child !== null) stack.push({ value: child, path: [...top.path, key] });
  }
  return null;
}

/** What a boundary says about a value tooDeep() found: where it happens (its first levels) and why it is refused. */
export function tooDeepIssue(path: readonly PropertyKey[], limit = MAX_NESTING): { path: readonly PropertyKey[]; message: string } {
  return { path: path.slice(0, 3), message: `nested more than ${limit} levels deep; a spec needs only a few` };
}
