/**
 * POST /api/sessions refuses a session spec before anything exists: a misspelt key
 * anywhere (the spec, its seats, the mechanism's config and its nested objects, the llm
 * block) with the nearest valid name, and a spec nested too deep to check, each with a
 * 400 that names the path; nothing is created.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

const firstPrice = { mechanism: 'first-price', seats: [{ kind: 'bot', policy: 'truthful', count: 2 }] };
const market = { mechanism: 'double-auction', seats: [{ kind: 'bot', policy: 'zi-c', count: 8 }] };
const near = (path: string, key: string, meant: string) => ({ path, message: `unknown key \`${key}\`; did you mean \`${meant}\`?` });

async function refused(spec: unknown): Promise<{ error: string; issues: { path: string; message: string }[] }> {
  const before = t.server.sessions.list().length;
  const res = await t.api('POST', '/api/sessions', spec, true);
  expect(res.status, res.text).toBe(400);
  expect(t.server.sessions.list().length).toBe(before);
  return res.body as { error: string; issues: { path: string; message: string }[] };
}

describe('POST /api/sessions with a misspelt key', () => {
  it('is refused at the path of the key, naming the nearest valid one', async () => {
    expect((await refused({ ...firstPrice, config: { reserv: 50 } })).issues).toEqual([near('config', 'reserv', 'reserve')]);
    expect((await refused({ ...market, config: { peroids: 2 } })).issues).toEqual([near('config', 'peroids', 'periods')]);
    expect((await refused({ ...market, config: { revealSchedule: 'never' } })).issues).toEqual([near('config', 'revealSchedule', 'revealSchedules')]);
    expect((await refused({ ...firstPrice, config: { values: { kind: 'uniform', low: 0, high: 100, hihg: 1 } } })).issues).toEqual([near('config.values', 'hihg', 'high')]);
    expect((await refused({ ...firstPrice, config: { communication: { channel: ['public'] } } })).issues).toEqual([near('config.communication', 'channel', 'channels')]);
    expect((await refused({ ...firstPrice, autostart: true })).issues).toEqual([near('', 'autostart', 'autoStart')]);
    expect((await refused({ ...firstPrice, seats: [{ kind: 'bot', policy: 'truthful', cuont: 2 }] })).issues).toEqual([near('seats.0', 'cuont', 'count')]);
    expect((await refused({ ...firstPrice, dropout: { grace: 10 } })).issues).toEqual([near('dropout', 'grace', 'graceSeconds')]);
    expect((await refused({ ...firstPrice, llm: { cach: { mode: 'off' } } })).issues).toEqual([near('llm', 'cach', 'cache')]);
  });

  it('in a bot seat\'s params is refused at the params, with the suggestion', async () => {
    const body = await refused({ mechanism: 'first-price', seats: [{ kind: 'bot', policy: 'llm', params: { model: 'm', temprature: 0.5 } }, { kind: 'bot', policy: 'truthful' }] });
    expect(body.issues).toHaveLength(1);
    expect(body.issues[0]?.path).toBe('seats.0.policy');
    expect(body.issues[0]?.message).toContain('did you mean `temperature`?');
  });
});

/** `{"a":{"a":...}}` (or `[[...]]`) nested `depth` deep, as JSON text. */
const nested = (depth: number, open = '{"a":', close = '}', inner = '1'): string => `${open.repeat(depth)}${inner}${close.repeat(depth)}`;

describe('POST /api/sessions with a spec nested 20,000 deep', () => {
  it('is refused with a 400 that says where and why, and the server stays up', async () => {
    const seats = '[{"kind":"bot","policy":"truthful","count":2}]';
    const cases: [string, RegExp][] = [
      // Unknown keys whose values nest deep: the 500 this used to be (the stored spec could not be written).
      [`{"mechanism":"first-price","seats":${seats},"config":{"a":${nested(20_000, '[', ']')}}}`, /^config\.a(\.0)*$/],
      [`{"mechanism":"first-price","seats":${seats},"config":{"values":${nested(20_000, '[', ']')}}}`, /^config\.values(\.0)*$/],
      [`{"mechanism":"first-price","seats":[{"kind":"bot","policy":"llm","count":2,"params":{"fallback":{"params":${nested(20_000, '[', ']')}}}}]}`, /^seats\.0\.params/],
      [`{"mechanism":"first-price","seats":${seats},"llm":{"prices":${nested(20_000, '[', ']')}}}`, /^llm\.prices/],
      [nested(20_000, '[', ']'), /^0(\.0)*$/],
    ];
    for (const [body, path] of cases) {
      const refusal = await refused(body);
      expect(refusal.issues).toHaveLength(1);
      expect(refusal.issues[0]?.path).toMatch(path);
      expect(refusal.issues[0]?.message).toMatch(/^nested more than \d+ levels deep/);
    }
    // Objects 20,000 deep do not fit in a request body at all: refused for their size, with the reason.
    const big = await t.api('POST', '/api/sessions', `{"mechanism":"first-price","seats":${seats},"config":${nested(20_000)}}`, true);
    expect(big.status).toBe(413);
    expect(big.body).toEqual({ error: 'request entity too large' });
    expect((await t.api('GET', '/api/health')).status).toBe(200);
  });
});
