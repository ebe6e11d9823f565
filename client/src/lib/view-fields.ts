/**
 * A seat's view as fields a person can read, for a mechanism without a board of its own:
 * each top-level field named in words ("myPrice" → "My price"), numbers and short lists as
 * they are, a past-rounds list by its length, and the fields that only say which mechanism
 * or which seat this is (ids) left out.
 */

/** Fields that identify rather than inform: never shown to a participant. */
const HIDDEN = new Set(['mechanism', 'seat', 'seats', 'deadline', 'historyFrom', 'stateId']);

export interface ViewField {
  readonly name: string;
  readonly value: string;
}

/** 'myPrice' → 'My price', 'lastQuantities' → 'Last quantities'. */
export function fieldWords(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
  return words[0]!.toUpperCase() + words.slice(1);
}

const number = (x: number) => (Number.isInteger(x) ? String(x) : String(Math.round(x * 100) / 100));

function valueWords(value: unknown): string | null {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'number') return number(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string') return /^p\d+$/.test(value) ? null : value;
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'number' || v === null)) return value.length ? value.map((v) => (v === null ? '–' : number(v))).join(', ') : 'none';
    return `${value.length} ${value.length === 1 ? 'entry' : 'entries'}`;
  }
  return null;
}

/** The view's readable fields, in its own order. */
export function viewFields(view: unknown): ViewField[] {
  if (view === null || typeof view !== 'object' || Array.isArray(view)) return [];
  const fields: ViewField[] = [];
  for (const [key, raw] of Object.entries(view as Record<string, unknown>)) {
    if (HIDDEN.has(key)) continue;
    const value = valueWords(raw);
    if (value !== null) fields.push({ name: fieldWords(key), value });
  }
  return fields;
}
