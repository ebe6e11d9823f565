/**
 * Regenerates every mechanism's golden playthroughs (`npm run golden`), or those of the
 * mechanisms named (`npm run golden -- matrix-game`). Run it after an intended change of
 * behaviour and review the diff; CI compares them with fresh runs.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MECHANISMS } from '../mechanisms/registry.ts';
import { playGolden } from '../mechanisms/core/golden.ts';
import { goldenCasesOf, goldenDir, goldenFile, orphanGoldenFiles } from './golden-files.ts';

const named = process.argv.slice(2);
const unknown = named.filter((id) => !MECHANISMS.some((m) => m.id === id));
if (unknown.length) {
  console.error(`no mechanism ${unknown.join(', ')}; the mechanisms are ${MECHANISMS.map((m) => m.id).join(', ')}`);
  process.exit(2);
}
for (const m of MECHANISMS.filter((m) => !named.length || named.includes(m.id))) {
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
