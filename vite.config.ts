import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'artifacts/vitest.json' },
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['mechanisms/**/*.test.ts', 'bots/**/*.test.ts', 'studies/**/*.test.ts', 'server/**/*.test.ts', 'rooms/**/*.test.ts', 'tests/**/*.test.ts'],
          pool: 'forks',
          setupFiles: ['tests/setup.ts'],
        },
      },
      {
        // Components in jsdom with the Svelte compiler (browser build of svelte).
        extends: true,
        plugins: [svelte(), svelteTesting()],
        test: { name: 'client', include: ['client/src/**/*.test.ts'], environment: 'jsdom' },
      },
    ],
  },
});
