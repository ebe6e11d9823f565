/** Where each mechanism's golden cases and recorded playthroughs live on disk. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AnyMechanism } from '../mechanisms/core/types.ts';
import type { GoldenCase } from '../mechanisms/core/golden.ts';

const ROOT = join(import.meta.dirname, '..', 'mechanisms');

export function goldenDir(m: AnyMechanism): string {
  return join(ROOT, m.id, 'golden');
}

export async function goldenCasesOf(m: AnyMechanism): Promise<readonly GoldenCase[]> {
  const mod = (await import(join(goldenDir(m), 'cases.ts'))) as { goldenCases: GoldenCase[] };
  return mod.goldenCases;
}

export const goldenFile = (m: AnyMechanism, c: GoldenCase): string => join(goldenDir(m), `${c.name}.json`);

/** Recorded playthroughs on disk that no case produces any more. */
export function orphanGoldenFiles(m: AnyMechanism, cases: readonly GoldenCase[]): string[] {
  const names = new Set(cases.map((c) => `${c.name}.json`));
  return readdirSync(goldenDir(m)).filter((f) => f.endsWith('.json') && !names.has(f));
}
