/**
 * Every mechanism's settings as the server describes them (GET /api/settings): the JSON
 * Schema of its config with each field's label, unit and meaning. Asked once per page.
 */
import { api } from '../lib/api.ts';
import type { JsonSchema } from './schema-form.ts';

export interface MechanismSettings {
  /** `double-auction@1` */
  readonly id: string;
  readonly mechanism: string;
  readonly title: string;
  readonly schema: JsonSchema;
  readonly defaults: Readonly<Record<string, unknown>>;
}

let asked: Promise<readonly MechanismSettings[]> | null = null;

export function loadSettings(): Promise<readonly MechanismSettings[]> {
  asked ??= api<MechanismSettings[]>('/api/settings');
  // A failed read is asked again next time.
  asked.catch(() => (asked = null));
  return asked;
}
