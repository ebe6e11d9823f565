/** Where each mechanism's golden cases and recorded playthroughs live on disk: in its folder. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AnyMechanism } from '../mechanisms/core/types.ts';
import type { GoldenCase } from '../mechanisms/core/golden.ts';
import { casesOf, folderOf } from '../mechanisms/registry.ts';

export function goldenDir(m: AnyMechanism): string {
  return join(folderOf(m), 'golden');
}

export async function goldenCasesOf(m: AnyMechanism): Promise<readonly GoldenCase[]> {
  return (await casesOf(m)).golden;
}

export const goldenFile = (m: AnyMechanism, c: GoldenCase): string => join(goldenDir(m), `${c.name}.json`);

/** Recorded playthroughs on disk that no case produces any more. */
export function orphanGoldenFiles(m: AnyMechanism, cases: readonly GoldenCase[]): string[] {
  const names = new Set(cases.map((c) => `${c.name}.json`));
  return existsSync(goldenDir(m)) ? readdirSync(goldenDir(m)).filter((f) => f.endsWith('.json') && !names.has(f)) : [];
}
