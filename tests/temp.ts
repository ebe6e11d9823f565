/**
 * Temporary folders of the tests: made under the system's temp folder, named by what made
 * them, and removed after the test file that made them (tests/setup.ts registers the hook
 * for every file), whether its tests passed or not.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

/** A fresh folder `arena-<prefix>-XXXXXX`, removed after this test file. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `arena-${prefix}-`));
  made.push(dir);
  return dir;
}

/** Removes every folder tempDir made so far (tests/setup.ts calls it after each file). */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}
