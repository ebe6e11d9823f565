/** Golden playthroughs: a fresh run of every case must equal the recorded one (`npm run golden` rewrites them). */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MECHANISMS } from './registry.ts';
import { playGolden } from './core/golden.ts';
import { goldenCasesOf, goldenFile, orphanGoldenFiles } from '../scripts/golden-files.ts';

for (const m of MECHANISMS) {
  const cases = await goldenCasesOf(m);
  describe(`${m.id} golden playthroughs`, () => {
    for (const c of cases) {
      it(`${c.name} plays exactly as recorded`, () => {
        const file = goldenFile(m, c);
        expect(existsSync(file), `${file} is missing: run npm run golden`).toBe(true);
        const recorded = JSON.parse(readFileSync(file, 'utf8'));
        expect(playGolden(m, c)).toEqual(recorded);
      });
    }
    it('has no recorded playthrough without a case', () => {
      expect(orphanGoldenFiles(m, cases)).toEqual([]);
    });
  });
}
