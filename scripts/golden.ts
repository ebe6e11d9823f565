/**
 * Regenerates every mechanism's golden playthroughs (`npm run golden`). Run it after
 * an intended change of behaviour and review the diff; CI compares them with fresh runs.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MECHANISMS } from '../mechanisms/registry.ts';
import { playGolden } from '../mechanisms/core/golden.ts';
import { goldenCasesOf, goldenDir, goldenFile, orphanGoldenFiles } from './golden-files.ts';

for (const m of MECHANISMS) {
  const cases = await goldenCasesOf(m);
  mkdirSync(goldenDir(m), { recursive: true });
  for (const c of cases) {
    const file = goldenFile(m, c);
    writeFileSync(file, `${JSON.stringify(playGolden(m, c), null, 1)}\n`);
    console.log(`wrote ${file}`);
  }
  for (const orphan of orphanGoldenFiles(m, cases)) {
    rmSync(join(goldenDir(m), orphan));
    console.log(`removed ${orphan} (no case produces it)`);
  }
}
