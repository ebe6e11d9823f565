/** The cache (replay determinism, misses), budgets, deadlines, and the leak check over recorded prompts. */
import { afterEach, describe, expect, it } from 'vitest';
import { rowsOf } from '../../mechanisms/core/rows.ts';
import { join } from 'node:path';
import { answer, bidBounds, FakeOpenAI, type Script } from './fake-openai.ts';
import { llmStudy, run, tmp } from './helpers.ts';
import { LlmRuntime } from '../../bots/llm/index.ts';
import type { DecisionTiming } from '../../bots/llm/runtime.ts';

let fake: FakeOpenAI | null = null;
const serve = async (script: Script) => (fake = await new FakeOpenAI(script).start());
afterEach(async () => {
  await fake?.close();
  fake = null;
});

/** A varied but valid answer: the bid depends on the request count, so samples differ. */
const variedBid: Script = (req, n) => answer({ type: 'bid', amount: Math.round(((n % 7) / 7) * bidBounds(req).max * 100) / 100 });

describe('the response cache', () => {
  it('replays a study exactly: two replay-only runs write identical ledgers, without a request', async () => {
    const f = await serve(variedBid);
    const dir = join(tmp(), 'cache');
    const study = (mode: string) => llmStudy(f.baseURL, {}, { llm: { cache: { mode: mode as 'read-write', dir } } });
    const first = await run(study('read-write'));
    const asked = f.requests.length;
    expect(asked).toBe(8);
    const again = await run(study('replay-only'));
    const third = await run(study('replay-only'));
    expect(f.requests.length).toBe(asked);
    expect(again.eventsText).toBe(third.eventsText);
    // The replay took the same decisions as the run that filled the cache.
    expect(again.calls.map((c) => c.data.action)).toEqual(first.calls.map((c) => c.data.action));
    expect(again.report.summary).toEqual(first.report.summary);
    expect(again.report.llm?.counters.cachedCalls).toBe(8);
    // Cached answers count against budgets as if called: the replay spends what the first run spent.
    expect(again.report.llm?.study).toEqual(first.report.llm?.study);
  });

  it('treats a miss in replay-only mode as an error', async () => {
    const f = await serve(variedBid);
    const dir = join(tmp(), 'cache');
    await expect(run(llmStudy(f.baseURL, {}, { llm: { cache: { mode: 'replay-only', dir } } }))).rejects.toThrow(/replay-only cache has no response/);
    expect(f.requests).toHaveLength(0);
  });

  it('draws k independent samples of identical requests and replays them', async () => {
    const f = await serve(variedBid);
    const dir = join(tmp(), 'cache');
    // Same seed every episode (episodes: 1, run four times) gives identical prompts.
    const study = (mode: string) => llmStudy(f.baseURL, {}, { episodes: 1, config: { rounds: 1 }, llm: { cache: { mode: mode as 'read-write', dir, samples: 2 } } });
    const runtime = new LlmRuntime({ cache: { mode: 'read-write', dir, samples: 2 } }, {});
    for (let i = 0; i < 4; i++) await run(study('read-write'), runtime);
    // Two seats x two samples: four distinct requests, the rest from the cache.
    expect(f.requests).toHaveLength(4);
    expect(runtime.counters.cachedCalls).toBe(4);
  });
});

describe('budgets', () => {
  it('falls back once the session budget is spent, and says so in the record', async () => {
    const f = await serve((req) => ({ ...answer({ type: 'bid', amount: bidBounds(req).max / 3 }), usage: { prompt: 100, completion: 10 } }));
    const r = await run(llmStudy(f.baseURL, {}, { episodes: 2, config: { rounds: 3 }, llm: { sessionBudget: { tokens: 300 }, prices: { 'fake-model': { input: 1, output: 2 } } } }));
    const perEpisode = [0, 1].map((e) => r.calls.filter((c) => c.match.endsWith(`/${e}`)));
    for (const calls of perEpisode) {
      // 2 seats x 3 rounds; 110 tokens a call: the first three calls fit under 300, the rest fall back.
      expect(calls.filter((c) => c.data.fallback === null)).toHaveLength(3);
      const refused = calls.filter((c) => c.data.fallback !== null);
      expect(refused).toHaveLength(3);
      for (const c of refused) expect((c.data.fallback as { reason: string }).reason).toMatch(/session token budget of 300 reached/);
    }
    expect(r.report.llm?.study.usd).toBeCloseTo((6 * 100 * 1 + 6 * 10 * 2) / 1e6, 9);
    expect(r.calls[0]?.data.costUsd).toBeCloseTo(120 / 1e6, 12);
  });

  it('stops calling when the study budget is spent', async () => {
    const f = await serve(() => ({ ...answer({ type: 'bid', amount: 1 }), usage: { prompt: 40, completion: 10 } }));
    const r = await run(llmStudy(f.baseURL, {}, { episodes: 3, config: { rounds: 2 }, llm: { budget: { usd: 0.0001 }, prices: { 'fake-model': { input: 1000, output: 1000 } } } }));
    // $0.05 a call: the first two calls reach $0.0001 at once... every call costs 0.05 > budget, so one call is made.
    expect(f.requests).toHaveLength(1);
    expect(r.calls.filter((c) => c.data.fallback !== null)).toHaveLength(r.calls.length - 1);
  });
});

describe('deadlines', () => {
  it('decides before every deadline: slow and hanging answers give way to the fallback in time', async () => {
    const f = await serve((req, n) => (n % 3 === 2 ? { kind: 'hang' } : { ...answer({ type: 'bid', amount: bidBounds(req).max / 2 }), delayMs: (n * 37) % 400 }));
    const runtime = new LlmRuntime({}, {});
    const timings: DecisionTiming[] = [];
    runtime.observe = (t) => timings.push(t);
    const r = await run(llmStudy(f.baseURL, { deadlineMs: 250, timeoutMs: 30_000 }, { episodes: 3 }), runtime);
    expect(timings).toHaveLength(r.calls.length);
    // A hanging answer gives way at the deadline, not at the 30 s request timeout (the margin
    // is for a loaded machine's timers, far below the timeout: no decision waits for it).
    for (const t of timings) expect(t.elapsedMs).toBeLessThan(t.budgetMs + 10_000);
    expect(timings.some((t) => t.fallback === 'deadline reached')).toBe(true);
    expect(timings.some((t) => t.fallback === null)).toBe(true);
  });

  it('takes the phase deadline into account (roundMs on the headless clock)', async () => {
    const f = await serve(() => ({ ...answer({ type: 'bid', amount: 1 }), delayMs: 600 }));
    const runtime = new LlmRuntime({}, {});
    const timings: DecisionTiming[] = [];
    runtime.observe = (t) => timings.push(t);
    await run(llmStudy(f.baseURL, { deadlineMs: 60_000 }, { episodes: 1, config: { rounds: 1, roundMs: 500 }, clock: { stepMs: 10 } }), runtime);
    // Every answer comes after 600 ms, past the phase's 500: each decision is the fallback, never the late answer.
    expect(timings.length).toBeGreaterThan(0);
    for (const t of timings) {
      expect(t.budgetMs).toBeLessThanOrEqual(500);
      expect(t.fallback).not.toBeNull();
    }
  });
});

describe('privacy', () => {
  it('never puts another seat\'s private value in a prompt (leak check over the recorded prompts)', async () => {
    const f = await serve(variedBid);
    const r = await run(llmStudy(f.baseURL, { tools: ['history', 'notebook', 'rules'] }, { episodes: 3, config: { rounds: 3, reveal: 'allBids' } }));
    let checked = 0;
    for (const ended of r.events.filter((e) => e.kind === 'match_ended')) {
      const rows = rowsOf(r.events.filter((e) => e.match === ended.match));
      const calls = r.calls.filter((c) => c.match === ended.match);
      for (const c of calls) {
        const prompt = JSON.stringify(c.data.messages);
        for (const row of rows) {
          if (row.seat === c.seat) continue;
          expect(prompt).not.toContain(String(row.fields.value));
          checked++;
        }
      }
      // The seat's own value is in its own prompt: the check looks at the right field.
      const own = calls[0];
      const mine = rows.find((row) => row.seat === own?.seat && row.round === 1);
      expect(JSON.stringify(own?.data.messages)).toContain(String(mine?.fields.value));
    }
    expect(checked).toBeGreaterThan(100);
  });
});
