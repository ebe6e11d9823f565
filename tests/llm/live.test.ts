/** LLM seats in a live arena: seated by the server as ordinary clients, their calls in the session's ledger and transcript. */
import { afterEach, describe, expect, it } from 'vitest';
import { answer, bidBounds, FakeOpenAI } from './fake-openai.ts';
import { createSession, startTestServer, waitFor, type TestServer } from '../live/helpers.ts';

let t: TestServer | null = null;
let fake: FakeOpenAI | null = null;
afterEach(async () => {
  await t?.close();
  await fake?.close();
  t = null;
  fake = null;
});

describe('LLM seats in a live arena', () => {
  it('play against scripted bots; every call lands in the ledger (experimenter only) and the transcript export', async () => {
    fake = await new FakeOpenAI((req) => answer({ type: 'bid', amount: bidBounds(req).max / 2 })).start();
    process.env.TEST_LLM_API_KEY = 'sk-live-secret';
    t = await startTestServer();
    const llm = { model: 'fake-model', baseURL: fake.baseURL, apiKeyEnv: 'TEST_LLM_API_KEY', fallback: { policy: 'truthful' } };
    const info = await createSession(t, {
      mechanism: 'first-price',
      config: { rounds: 3, roundMs: 5000 },
      seats: [
        { kind: 'bot', policy: 'llm', params: llm, count: 2 },
        { kind: 'bot', policy: 'equilibrium', count: 2 },
      ],
      llm: { sessionBudget: { tokens: 1_000_000 } },
      autoStart: true,
    });
    const server = t.server;
    await waitFor(() => server.sessions.get(info.session)?.status === 'ended', 15_000, 'the session to end');
    const events = server.ledger.events(info.session);
    const calls = events.filter((e) => e.kind === 'llm_call');
    expect(calls.length).toBe(6);
    for (const c of calls) {
      expect(c.audience).toBe('experimenter');
      expect(c.data.fallback).toBeNull();
      expect(c.data.seat).toBe(c.seat);
      expect(c.data.budgetMs).toBeLessThanOrEqual(5000);
    }
    expect(calls.reduce((n, c) => n + (c.data.promptTokens as number), 0)).toBe(fake.usage.prompt);
    const transcript = await t.api('GET', `/api/sessions/${info.session}/transcript.jsonl`, undefined, true);
    expect(transcript.status).toBe(200);
    const lines = transcript.text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatchObject({ model: 'fake-model' });
    expect(transcript.text).not.toContain('sk-live-secret');
    expect((await t.api('GET', `/api/sessions/${info.session}/transcript.jsonl`)).status).toBe(401);
    const jsonl = await t.api('GET', `/api/sessions/${info.session}/export.jsonl`, undefined, true);
    expect(jsonl.text).not.toContain('sk-live-secret');
  });

  it('refuses a session whose llm settings are invalid', async () => {
    t = await startTestServer();
    const res = await t.api('POST', '/api/sessions', { mechanism: 'first-price', seats: [{ kind: 'bot', policy: 'equilibrium', count: 2 }], llm: { cache: { mode: 'sometimes' } } }, true);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('llm.cache.mode');
  });
});
