// One lint configuration for the whole repository, run by `npm run check`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noClockOrChance = [
  { object: 'Math', property: 'random', message: 'Engines take randomness from seeded streams in their state (mechanisms/core/random.ts).' },
  { object: 'Date', property: 'now', message: 'Engines take time as the `at` input.' },
  { object: 'performance', property: 'now', message: 'Engines take time as the `at` input.' },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'data/', 'artifacts/', '**/dist/', '.cache/', '**/golden/*.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', performance: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Nothing imports server/ (DESIGN §2).
    files: ['mechanisms/**/*.ts', 'bots/**/*.ts', 'rooms/**/*.ts', 'studies/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/server/**'], message: 'Nothing imports server/ (DESIGN §2).' }] }],
    },
  },
  {
    // Mechanisms are pure: no clock, no chance, no timers, no I/O (DESIGN §2, STYLE habit 5).
    // A mechanism's ui/ folder is the client's (its board, watch view and console preset,
    // found by client/mechanism-ui.ts): the engine never imports it, and it is not engine code.
    files: ['mechanisms/**/*.ts'],
    ignores: ['mechanisms/**/*.test.ts', 'mechanisms/*/ui/**'],
    rules: {
      'no-restricted-properties': ['error', ...noClockOrChance],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Deadlines come in through advance(state, at).' },
        { name: 'setInterval', message: 'Deadlines come in through advance(state, at).' },
        { name: 'fetch', message: 'Engines do no I/O.' },
      ],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Engines take time as the `at` input.' }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:fs', 'node:fs/*', 'fs', 'node:net', 'node:http', 'node:child_process', 'node:sqlite'], message: 'Engines do no I/O.' },
            { group: ['**/bots/**', '**/rooms/**', '**/studies/**', '**/server/**', '**/client/**', '**/scripts/**'], message: 'mechanisms/ imports nothing of ours but mechanisms/ (DESIGN §2).' },
            { group: ['**/ui/**', '**/*.svelte'], message: "A mechanism's ui/ is the client's: the engine never imports it." },
          ],
        },
      ],
    },
  },
  {
    // The registry finds the mechanism folders on disk: it may read directories; the rest holds.
    files: ['mechanisms/registry.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:net', 'node:http', 'node:child_process', 'node:sqlite'], message: 'The registry only reads folders.' },
            { group: ['**/bots/**', '**/rooms/**', '**/studies/**', '**/server/**', '**/client/**', '**/scripts/**', '**/ui/**', '**/*.svelte'], message: 'mechanisms/ imports nothing of ours but mechanisms/ (DESIGN §2).' },
          ],
        },
      ],
    },
  },
);
