/** Runs before every test file of the node project (vite.config.ts): what a file leaves behind is removed after it. */
import { afterAll } from 'vitest';
import { removeTempDirs } from './temp.ts';

afterAll(() => removeTempDirs());
