/** LLM seats in headless studies against the fake endpoint: answers, refusals, retries, fallbacks, records. */
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { answer, bidBounds, FakeOpenAI, type Script } from './fake-openai.ts';
import { llmStudy, run } from './helpers.ts';
import { verifyRecords } from '../../studies/records.ts';

let fake: FakeOpenAI | null = null;
const serve = async (script: Script) => (fake = await new FakeOpenAI(script).start());
afterEach(async () => {
  await fake?.close();
  fake = null;
});

/** Bids half the top of the allowed range: always legal. */
const halfBid: Script = (req) => answer({ type: 'bid', amount: bidBounds(req).max / 2 });

describe('LLM seats, headless', () => {
  it('play valid structured answers; every call is on the record with exact token accounting', async () => {
    const f = await serve(halfBid);
    const r = await run(llmStudy(f.baseURL));
    // 2 episodes x 2 rounds x 2 LLM seats.
    expect(r.calls).toHaveLength(8);
    for (const c of r.calls) {
      expect(c.audience).toBe('experimenter');
      expect(c.data.fallback).toBeNull();
      expect(c.data.retries).toBe(0);
      expect(c.data.model).toBe('fake-model');
      expect((c.data.action as { type: string }).type).toBe('bid');
      expect((c.data.messages as unknown[]).length).toBeGreaterThanOrEqual(2);
      expect((c.data.calls as { response: { usage: unknown } }[])[0]?.response.usage).toBeDefined();
    }
    // The request carries the structured-output schema narrowed by legal().
    const format = f.requests[0]?.response_format;
    expect(format?.type).toBe('json_schema');
    expect(JSON.stringify(format)).toContain('"bid"');
    const prompt = r.calls.reduce((n, c) => n + (c.data.promptTokens as number), 0);
    const completion = r.calls.reduce((n, c) => n + (c.data.completionTokens as number), 0);
    expect({ prompt, completion }).toEqual(f.usage);
    expect(r.report.llm?.study.promptTokens).toBe(f.usage.prompt);
    expect(r.report.llm?.study.completionTokens).toBe(f.usage.completion);
    expect(r.transcript).toHaveLength(8);
    expect(r.transcript[0]).toMatchObject({ match: 'llm-test/baseline/0', model: 'fake-model' });
    // The LLM records leave the hash chain and replay intact; no API key anywhere.
    const verdicts = await verifyRecords(r.events);
    expect(verdicts.every((v) => v.ok)).toBe(true);
    expect(r.eventsText).not.toContain('sk-test-secret');
    expect(readFileSync(join(r.out, 'llm-transcript.jsonl'), 'utf8')).not.toContain('sk-test-secret');
    expect(JSON.parse(readFileSync(join(r.out, 'manifest.json'), 'utf8')).llm.study.promptTokens).toBe(f.usage.prompt);
  });

  it('feeds back malformed JSON, schema violations and legal() refusals with their codes, then falls back', async () => {
    const f = await serve((req, n) => {
      const last = req.messages.at(-1)?.content ?? '';
      if (!last.includes('refused')) return { content: 'not json {' };
      if (last.includes('INVALID_JSON')) return answer({ type: 'bid', amount: 'lots' });
      if (last.includes('INVALID_ACTION')) return answer({ type: 'bid', amount: 1e9 });
      return n % 2 ? answer({ type: 'bid', amount: 1 }) : answer({ type: 'bid', amount: -5 });
    });
    const r = await run(llmStudy(f.baseURL, { retries: 2 }, { episodes: 1 }));
    for (const c of r.calls) {
      const codes = (c.data.refusals as { code: string }[]).map((x) => x.code);
      expect(codes.slice(0, 3)).toEqual(['INVALID_JSON', 'INVALID_ACTION', 'OUT_OF_RANGE']);
      expect(c.data.retries).toBe(2);
      expect(c.data.fallback).toMatchObject({ policy: 'truthful' });
      // The fallback bid its value (truthful), which is legal.
      expect((c.data.action as { type: string }).type).toBe('bid');
      const feedback = (c.data.messages as { role: string; content: string }[]).filter((m) => m.role === 'user' && m.content.startsWith('Your answer was refused'));
      expect(feedback).toHaveLength(2);
    }
    expect(r.report.llm?.counters.fallbacks).toBe(r.calls.length);
    expect(r.report.llm?.counters.retries).toBe(2 * r.calls.length);
    expect(r.events.filter((e) => e.kind === 'rejection')).toHaveLength(0);
  });

  it('accepts an answer after a refusal when it comes within the retries', async () => {
    const f = await serve((req) => ((req.messages.at(-1)?.content ?? '').includes('refused') ? halfBid(req, 0) : answer({ type: 'sell', amount: 3 })));
    const r = await run(llmStudy(f.baseURL, { retries: 1 }, { episodes: 1 }));
    for (const c of r.calls) {
      expect(c.data.fallback).toBeNull();
      expect(c.data.retries).toBe(1);
      expect((c.data.refusals as { code: string }[])[0]?.code).toBe('INVALID_ACTION');
    }
  });

  it('backs off on 429 honouring Retry-After, retries 5xx, and counts transport retries', async () => {
    const f = await serve((req, n) => (n === 0 ? { kind: 'error', status: 429, headers: { 'retry-after': '1' } } : n === 1 ? { kind: 'error', status: 503 } : halfBid(req, n)));
    const started = performance.now();
    const r = await run(llmStudy(f.baseURL, {}, { episodes: 1, config: { rounds: 1 } }));
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
    const first = r.calls[0]?.data as { calls: { transportRetries: number }[]; fallback: unknown };
    expect(first.fallback).toBeNull();
    expect(first.calls[0]?.transportRetries).toBe(2);
    expect(r.report.llm?.counters.transportRetries).toBe(2);
  });

  it('falls back when the endpoint refuses for good (4xx other than 429)', async () => {
    const f = await serve(() => ({ kind: 'error', status: 401 }));
    const r = await run(llmStudy(f.baseURL, {}, { episodes: 1, config: { rounds: 1 } }));
    for (const c of r.calls) {
      expect((c.data.fallback as { reason: string }).reason).toMatch(/did not answer/);
      expect((c.data.calls as { error: string }[])[0]?.error).toMatch(/^401/);
    }
  });

  it('lets the model call its tools: notebook (kept across rounds), history, rules and the payoff calculator', async () => {
    const f = await serve((req) => {
      const toolsAnswered = req.messages.filter((m) => m.role === 'tool').length;
      if (toolsAnswered === 0) {
        const me = /You are bidder (p\d+)/.exec(JSON.stringify(req.messages))?.[1];
        const others = ['p0', 'p1', 'p2', 'p3'].filter((s) => s !== me).map((seat, i) => ({ seat, action: { type: 'bid', amount: 10 + 10 * i } }));
        return {
          kind: 'tools',
          calls: [
            { name: 'notebook', arguments: { op: 'append', text: `saw ${req.messages.length}` } },
            { name: 'payoff', arguments: { action: { type: 'bid', amount: 40 }, others } },
          ],
        };
      }
      return halfBid(req, 0);
    });
    const r = await run(llmStudy(f.baseURL, { tools: ['notebook', 'payoff', 'history', 'rules'] }, { episodes: 1 }));
    const p0 = r.calls.filter((c) => c.seat === r.calls[0]?.seat);
    expect(p0).toHaveLength(2);
    const tools = p0[0]?.data.toolCalls as { name: string; result: string }[];
    expect(tools.map((t) => t.name)).toEqual(['notebook', 'payoff']);
    const payoff = JSON.parse(tools[1]?.result ?? '{}') as { closed: boolean; yourRow: { fields: Record<string, unknown> }[] };
    expect(payoff.closed).toBe(true);
    expect(payoff.yourRow[0]?.fields).toMatchObject({ bid: 40, won: true });
    // Round 2's prompt shows the notebook written in round 1.
    const round2 = JSON.stringify(p0[1]?.data.messages);
    expect(round2).toContain('YOUR NOTEBOOK');
    expect(f.requests[0]?.tools?.map((t) => t.function.name)).toEqual(['notebook', 'payoff', 'history', 'rules']);
    // Each decision may make at most maxToolCalls calls; the study's tool budget counts them all.
    expect(r.report.llm?.counters.toolCalls).toBe(2 * r.calls.length);
  });
});
