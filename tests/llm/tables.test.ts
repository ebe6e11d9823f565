/** The llm_calls table of a headless study with LLM seats against the fake endpoint: one row per decision, its accounting and its fallbacks. */
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { answer, bidBounds, FakeOpenAI, type Script } from './fake-openai.ts';
import { llmStudy, run } from './helpers.ts';

let fake: FakeOpenAI | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

const rowsOf = (file: string): Record<string, string>[] => {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const names = (header ?? '').split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i], v])));
};

describe('llm_calls in a results folder', () => {
  it('has one row per LLM decision with model, tokens, latency and the fallback that decided when the model could not', async () => {
    // Every third request gets an answer that is not an action: with no retries left, the fallback decides.
    const script: Script = (req, n) => (n % 3 === 2 ? { content: 'no idea' } : answer({ type: 'bid', amount: bidBounds(req).max / 2 }));
    fake = await new FakeOpenAI(script).start();
    const r = await run(llmStudy(fake.baseURL, { retries: 0 }));
    const rows = rowsOf(join(r.out, 'tables', 'llm_calls.csv'));
    expect(rows.map((x) => [x.treatment, x.episode, Number(x.seq), x.seat])).toEqual(r.calls.map((c) => ['baseline', c.match.split('/').at(-1), c.seq, c.seat]));
    for (const [i, row] of rows.entries()) {
      const call = r.calls[i]?.data as Record<string, unknown>;
      expect(row.model).toBe('fake-model');
      expect(Number(row.prompt_tokens)).toBe(call.promptTokens);
      expect(Number(row.completion_tokens)).toBe(call.completionTokens);
      expect(Number(row.latency_ms)).toBe(call.latencyMs);
      expect(Number(row.requests)).toBe((call.calls as unknown[]).length);
      expect(row.fallback).toBe(call.fallback === null ? '' : 'truthful');
      expect(row.wall_time).toBe('');
    }
    expect(rows.some((x) => x.fallback === 'truthful' && x.fallback_reason !== '')).toBe(true);
    expect(rows.some((x) => x.fallback === '' && x.action === 'bid')).toBe(true);
    const prompt = rows.reduce((n, x) => n + Number(x.prompt_tokens), 0);
    expect(prompt).toBe(fake.usage.prompt);
    // The participant rounds count the same decisions and fallbacks.
    const rounds = rowsOf(join(r.out, 'tables', 'participant_rounds.csv'));
    expect(rounds.reduce((n, x) => n + Number(x.llm_decisions), 0)).toBe(rows.length);
    expect(rounds.reduce((n, x) => n + Number(x.llm_fallbacks), 0)).toBe(rows.filter((x) => x.fallback !== '').length);
  });
});
