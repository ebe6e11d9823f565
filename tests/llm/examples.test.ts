/** The LLM example studies validate and run as written, pointed at the fake endpoint instead of a real one. */
import { afterEach, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { answer, bidBounds, FakeOpenAI } from './fake-openai.ts';
import { run, tmp } from './helpers.ts';
import type { StudyInput } from '../../studies/spec.ts';

let fake: FakeOpenAI | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

/** Points every LLM seat of a study at a base URL. */
function pointAt(study: StudyInput, baseURL: string): StudyInput {
  const seats = (groups: StudyInput['seats']) => groups.map((g) => (g.policy === 'llm' ? { ...g, params: { ...g.params, baseURL, apiKeyEnv: 'FAKE_API_KEY' } } : g));
  return { ...study, seats: seats(study.seats), ...(study.treatments ? { treatments: study.treatments.map((t) => (t.seats ? { ...t, seats: seats(t.seats) } : t)) } : {}) };
}

it.each(['llm-first-price', 'llm-local'])('%s runs against an OpenAI-compatible endpoint', async (name) => {
  fake = await new FakeOpenAI((req) => answer({ type: 'bid', amount: bidBounds(req).max / 2 })).start();
  const study = JSON.parse(readFileSync(join('studies/examples', `${name}.json`), 'utf8')) as StudyInput;
  const cacheDir = join(tmp(), 'cache');
  const r = await run({ ...pointAt(study, fake.baseURL), episodes: 1, output: { events: true }, llm: { ...study.llm, cache: { mode: 'read-write', dir: cacheDir } } });
  expect(r.calls.length).toBeGreaterThan(0);
  expect(r.calls.every((c) => c.data.fallback === null)).toBe(true);
  expect(r.report.llm?.study.promptTokens).toBe(fake.usage.prompt);
});
