/**
 * Which environment variables an LLM seat may name as its key: `*_API_KEY` (not ARENA_*)
 * or those the operator lists in ARENA_LLM_KEY_VARS, never the server's own secrets. A
 * study or session naming another is refused while it is validated, and nothing is sent.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveStudy, StudyError } from '../../studies/spec.ts';
import { FakeOpenAI, answer, bidBounds } from './fake-openai.ts';
import { llmStudy, tmp } from './helpers.ts';
import { startTestServer, type TestServer } from '../live/helpers.ts';

let t: TestServer | null = null;
let fake: FakeOpenAI | null = null;
const listed = process.env.ARENA_LLM_KEY_VARS;
afterEach(async () => {
  await t?.close();
  await fake?.close();
  t = null;
  fake = null;
  if (listed === undefined) delete process.env.ARENA_LLM_KEY_VARS;
  else process.env.ARENA_LLM_KEY_VARS = listed;
});

function keyIssues(apiKeyEnv: string): { path: string; message: string }[] {
  try {
    resolveStudy(llmStudy('http://127.0.0.1:9/v1', { apiKeyEnv }));
    return [];
  } catch (error) {
    if (error instanceof StudyError) return [...error.issues];
    throw error;
  }
}

describe('the key variable of an LLM seat', () => {
  it('may be any *_API_KEY outside ARENA_, or one the operator lists; never the server secrets', () => {
    delete process.env.ARENA_LLM_KEY_VARS;
    expect(keyIssues('OPENAI_API_KEY')).toEqual([]);
    expect(keyIssues('GROQ_API_KEY')).toEqual([]);
    expect(keyIssues('ARENA_ADMIN_TOKEN')).toEqual([{ path: 'seats[0].params.apiKeyEnv', message: expect.stringMatching(/ARENA_ADMIN_TOKEN is one of the server's own secrets/) }]);
    expect(keyIssues('ARENA_SECRET')[0]?.message).toMatch(/server's own secrets/);
    expect(keyIssues('ARENA_OPENAI_API_KEY')[0]?.message).toMatch(/ARENA_LLM_KEY_VARS/);
    expect(keyIssues('HOME')[0]?.message).toMatch(/HOME is not allowed/);
    process.env.ARENA_LLM_KEY_VARS = 'HF_TOKEN, ARENA_OPENAI_API_KEY,ARENA_SECRET';
    expect(keyIssues('HF_TOKEN')).toEqual([]);
    expect(keyIssues('ARENA_OPENAI_API_KEY')).toEqual([]);
    expect(keyIssues('ARENA_SECRET')[0]?.message).toMatch(/server's own secrets/);
    expect(keyIssues('ARENA_ADMIN_TOKEN')[0]?.message).toMatch(/server's own secrets/);
  });

  it('naming the admin token makes POST /api/sessions answer 400, and the endpoint hears nothing', async () => {
    fake = await new FakeOpenAI((req) => answer({ type: 'bid', amount: bidBounds(req).max / 2 })).start();
    t = await startTestServer();
    const spec = (apiKeyEnv: string) => ({
      mechanism: 'first-price',
      seats: [
        { kind: 'bot', policy: 'llm', params: { model: 'm', baseURL: fake?.baseURL, apiKeyEnv, fallback: { policy: 'truthful' } } },
        { kind: 'bot', policy: 'truthful' },
      ],
      autoStart: true,
    });
    for (const name of ['ARENA_ADMIN_TOKEN', 'ARENA_SECRET', 'PATH']) {
      const res = await t.api('POST', '/api/sessions', spec(name), true);
      expect(res.status, res.text).toBe(400);
      expect(res.body).toMatchObject({ issues: [{ path: 'seats.0.policy', message: expect.stringContaining(`apiKeyEnv: ${name}`) }] });
    }
    expect(t.server.sessions.list()).toEqual([]);
    expect(fake.authorizations).toEqual([]);
  });

  it('naming a server secret in a study file makes arena run exit 2 before anything runs', () => {
    const dir = tmp();
    const file = join(dir, 'study.json');
    writeFileSync(file, JSON.stringify(llmStudy('http://127.0.0.1:9/v1', { apiKeyEnv: 'ARENA_SECRET' })));
    const root = resolve(import.meta.dirname, '../..');
    const r = spawnSync(process.execPath, [join(root, 'bin', 'arena.ts'), 'run', file, '--out', join(dir, 'out')], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toContain("seats[0].params.apiKeyEnv: ARENA_SECRET is one of the server's own secrets");
  });
});
