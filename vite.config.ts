import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['mechanisms/**/*.test.ts', 'bots/**/*.test.ts', 'studies/**/*.test.ts', 'server/**/*.test.ts', 'rooms/**/*.test.ts', 'tests/**/*.test.ts'],
    testTimeout: 60_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'artifacts/vitest.json' },
    pool: 'forks',
  },
});
