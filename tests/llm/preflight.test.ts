/**
 * LLM seats are checked before anything runs: a key variable that is not set (for an
 * endpoint that is not on this machine or its network), an endpoint that does not answer
 * GET /models, or one that refuses the key, refuses the session (400) or the study
 * (exit 2) with a plain message naming the seat, the model, the endpoint and the
 * variable, unless `llm.allowFallback` says to play on with the fallback. A replay-only
 * run needs neither key nor endpoint. Fallbacks are counted where people look: the
 * experimenter API the console polls, the progress bar, rounds.csv, episodes.csv and the
 * session CSV.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeOpenAI, answer, bidBounds } from './fake-openai.ts';
import { llmStudy, tmp } from './helpers.ts';
import { startTestServer, waitFor, type TestServer } from '../live/helpers.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'arena.ts');
const ENDPOINT_VARS = ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'FAKE_API_KEY'] as const;

let t: TestServer | null = null;
let fake: FakeOpenAI | null = null;
const saved = Object.fromEntries(ENDPOINT_VARS.map((name) => [name, process.env[name]]));
beforeEach(() => {
  for (const name of ENDPOINT_VARS) delete process.env[name];
});
afterEach(async () => {
  await t?.close();
  await fake?.close();
  t = null;
  fake = null;
  for (const name of ENDPOINT_VARS) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

/** A loopback address where nothing listens (a port just given up). */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** The environment of a child `arena` without any endpoint variable of the test runner's. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...extra };
  for (const name of ENDPOINT_VARS) if (!(name in extra)) delete env[name];
  return env;
}

/** Runs a command without blocking this process (whose fake endpoint must keep answering the child). */
function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string; err: string; seconds: number }> {
  const started = performance.now();
  const child = spawn(command, args, { cwd: ROOT, env, timeout: 120_000 });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  return new Promise((done) => child.on('close', (code) => done({ code, out, err, seconds: (performance.now() - started) / 1000 })));
}

const arena = (args: readonly string[], env: NodeJS.ProcessEnv) => run(process.execPath, [BIN, ...args], env);

const bidHalf = (req: Parameters<typeof bidBounds>[0]) => answer({ type: 'bid', amount: bidBounds(req).max / 2 });

const firstPrice = (params: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  mechanism: 'first-price',
  config: { rounds: 2, roundMs: 5000 },
  seats: [
    { kind: 'bot', policy: 'llm', params: { model: 'fake-model', fallback: { policy: 'truthful' }, ...params } },
    { kind: 'bot', policy: 'truthful', count: 2 },
  ],
  autoStart: true,
  ...extra,
});

describe('a live session with LLM seats', () => {
  it('is refused when a seat has no key for a remote endpoint, naming the seat, model, endpoint and variable', async () => {
    t = await startTestServer();
    const res = await t.api('POST', '/api/sessions', firstPrice({ model: 'gpt-4o-mini' }), true);
    expect(res.status, res.text).toBe(400);
    expect(res.body).toMatchObject({ issues: [{ path: 'seats.0.params', message: expect.stringContaining('seat p0 uses model gpt-4o-mini at https://api.openai.com/v1 but OPENAI_API_KEY is not set') }] });
    expect(JSON.stringify(res.body)).toContain('allowFallback');
    expect(t.server.sessions.list()).toEqual([]);
  });

  it('is refused when its endpoint does not answer, or refuses the key', async () => {
    t = await startTestServer();
    const port = await closedPort();
    const down = await t.api('POST', '/api/sessions', firstPrice({ baseURL: `http://127.0.0.1:${port}/v1` }), true);
    expect(down.status, down.text).toBe(400);
    expect(down.body).toMatchObject({ issues: [{ path: 'seats.0.params', message: expect.stringContaining(`seat p0 uses model fake-model at http://127.0.0.1:${port}/v1, which does not answer`) }] });

    fake = await new FakeOpenAI(bidHalf).start();
    fake.requireKey = 'sk-right';
    process.env.FAKE_API_KEY = 'sk-wrong';
    const wrong = await t.api('POST', '/api/sessions', firstPrice({ baseURL: fake.baseURL, apiKeyEnv: 'FAKE_API_KEY' }), true);
    expect(wrong.status, wrong.text).toBe(400);
    expect(wrong.body).toMatchObject({ issues: [{ path: 'seats.0.params', message: expect.stringContaining('which refuses the key in FAKE_API_KEY (401)') }] });
    expect(t.server.sessions.list()).toEqual([]);
    expect(fake.requests).toEqual([]);

    process.env.FAKE_API_KEY = 'sk-right';
    expect((await t.api('POST', '/api/sessions', firstPrice({ baseURL: fake.baseURL, apiKeyEnv: 'FAKE_API_KEY' }), true)).status).toBe(201);
  });

  it('with llm.allowFallback plays on by the fallback; the experimenter API and the CSV count each seat\'s fallbacks', async () => {
    t = await startTestServer();
    const port = await closedPort();
    const res = await t.api('POST', '/api/sessions', firstPrice({ baseURL: `http://127.0.0.1:${port}/v1`, deadlineMs: 300 }, { llm: { allowFallback: true } }), true);
    expect(res.status, res.text).toBe(201);
    const session = (res.body as { session: string }).session;
    const server = t.server;
    await waitFor(() => server.sessions.get(session)?.status === 'ended', 15_000, 'the session to end');
    const status = await t.api('GET', `/api/sessions/${session}/llm`, undefined, true);
    expect(status.status, status.text).toBe(200);
    expect(status.body).toEqual({ session, seats: { p0: { decisions: 2, fallbacks: 2, lastFallback: expect.stringMatching(/endpoint did not answer|deadline/) } } });
    expect((await t.api('GET', `/api/sessions/${session}/llm`)).status).toBe(401);

    const csv = (await t.api('GET', `/api/sessions/${session}/export.csv`, undefined, true)).text.trim().split('\n');
    const header = (csv[0] as string).split(',');
    const rows = csv.slice(1).map((line) => Object.fromEntries(line.split(',').map((cell, i) => [header[i], cell])));
    expect(rows.filter((r) => r['participant.seat'] === 'p0').map((r) => [r['participant.policy'], r['participant.llm_decisions'], r['participant.llm_fallbacks']])).toEqual([
      ['llm', '1', '1'],
      ['llm', '1', '1'],
    ]);
    expect(rows.filter((r) => r['participant.seat'] === 'p1').map((r) => [r['participant.policy'], r['participant.llm_fallbacks']])).toEqual([
      ['truthful', '0'],
      ['truthful', '0'],
    ]);
  });

  it('counts the fallbacks of a reachable endpoint whose answers fail, live and after the end', async () => {
    fake = await new FakeOpenAI(() => ({ kind: 'error', status: 400 })).start();
    t = await startTestServer();
    // A human seat nobody takes keeps the first round open.
    const spec = firstPrice({ baseURL: fake.baseURL }, { config: { rounds: 2, roundMs: 60_000 } });
    const res = await t.api('POST', '/api/sessions', { ...spec, seats: [...spec.seats, { kind: 'human' }] }, true);
    expect(res.status, res.text).toBe(201);
    const session = (res.body as { session: string }).session;
    const api = t;
    let seats: Record<string, { decisions: number }> = {};
    await waitFor(() => {
      void api.api('GET', `/api/sessions/${session}/llm`, undefined, true).then((r) => (seats = (r.body as { seats: typeof seats }).seats));
      return seats.p0?.decisions === 1;
    }, 10_000, "p0's first decision");
    const live = { session, seats: { p0: { decisions: 1, fallbacks: 1, lastFallback: expect.stringContaining('400') } } };
    expect((await t.api('GET', `/api/sessions/${session}/llm`, undefined, true)).body).toEqual(live);
    expect(t.server.sessions.get(session)?.status).toBe('running');
    expect((await t.api('POST', `/api/sessions/${session}/control`, { op: 'end' }, true)).status).toBe(200);
    const server = t.server;
    await waitFor(() => server.sessions.get(session)?.status === 'ended', 5000, 'the session to end');
    expect((await t.api('GET', `/api/sessions/${session}/llm`, undefined, true)).body).toEqual(live);
  });
});

describe('arena run with LLM seats', () => {
  it('refuses llm-first-price.json without OPENAI_API_KEY at once, writing nothing', async () => {
    const out = join(tmp(), 'out');
    const r = await arena(['run', 'studies/examples/llm-first-price.json', '--out', out], childEnv());
    expect(r.code, r.err).toBe(2);
    expect(r.err).toContain('seats p0, p1 use model gpt-4o-mini at https://api.openai.com/v1 but OPENAI_API_KEY is not set');
    expect(r.seconds).toBeLessThan(20);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a study whose local endpoint is not running, and runs it with allowFallback', async () => {
    const port = await closedPort();
    const dir = tmp();
    const study = JSON.parse(readFileSync(join(ROOT, 'studies/examples/llm-local.json'), 'utf8')) as { seats: { params?: Record<string, unknown> }[]; llm: Record<string, unknown>; episodes: number };
    (study.seats[0] as { params: Record<string, unknown> }).params = { ...study.seats[0]?.params, baseURL: `http://127.0.0.1:${port}/v1`, deadlineMs: 200, timeoutMs: 200 };
    study.llm = { cache: { mode: 'read-write', dir: join(dir, 'cache') } };
    study.episodes = 1;
    const file = join(dir, 'local.json');
    writeFileSync(file, JSON.stringify(study));
    const refused = await arena(['run', file, '--out', join(dir, 'out')], childEnv());
    expect(refused.code, refused.err).toBe(2);
    expect(refused.err).toContain(`seats[0].params: seat p0 uses model llama3.2 at http://127.0.0.1:${port}/v1, which does not answer`);
    expect(existsSync(join(dir, 'out'))).toBe(false);

    writeFileSync(file, JSON.stringify({ ...study, llm: { ...study.llm, allowFallback: true } }));
    const ran = await arena(['run', file, '--out', join(dir, 'out')], childEnv());
    expect(ran.code, ran.err).toBe(0);
    expect(ran.err).toContain('which does not answer');
    expect(ran.out).toMatch(/3 fallbacks/);
  });

  it('needs no key or endpoint to replay a cache', async () => {
    fake = await new FakeOpenAI(bidHalf).start();
    const dir = tmp();
    const study = (mode: string) => llmStudy(fake?.baseURL ?? '', {}, { episodes: 1, output: { events: false }, llm: { cache: { mode: mode as 'read-write', dir: join(dir, 'cache') } } });
    writeFileSync(join(dir, 'record.json'), JSON.stringify(study('read-write')));
    writeFileSync(join(dir, 'replay.json'), JSON.stringify(study('replay-only')));
    const recorded = await arena(['run', join(dir, 'record.json'), '--out', join(dir, 'a')], childEnv({ FAKE_API_KEY: 'sk-test' }));
    expect(recorded.code, recorded.err).toBe(0);
    await fake.close();
    fake = null;
    const replayed = await arena(['run', join(dir, 'replay.json'), '--out', join(dir, 'b')], childEnv());
    expect(replayed.code, replayed.err).toBe(0);
    expect(readFileSync(join(dir, 'b', 'rounds.csv'), 'utf8')).toBe(readFileSync(join(dir, 'a', 'rounds.csv'), 'utf8'));
  });

  it('shows the fallbacks on the progress bar and writes them to rounds.csv and episodes.csv', async () => {
    // The first answer of every decision is refused by the endpoint (no retry): the fallback decides.
    fake = await new FakeOpenAI(() => ({ kind: 'error', status: 400 })).start();
    const dir = tmp();
    const file = join(dir, 'study.json');
    writeFileSync(file, JSON.stringify(llmStudy(fake.baseURL, {}, { episodes: 3, output: { events: false } })));
    const out = join(dir, 'out');
    // The bar shows only on a terminal: run the command in one (util-linux `script`).
    const command = [process.execPath, BIN, 'run', file, '--out', out].join(' ');
    const r = await run('script', ['-q', '-e', '-c', command, '/dev/null'], childEnv({ FAKE_API_KEY: 'sk-test' }));
    expect(r.code, r.out).toBe(0);
    // Live: the count grows as decisions are made, before the first episode is done.
    expect(r.out).toMatch(/0\/3 episodes \| [1-3]\/[1-3] LLM decisions fell back/);
    expect(r.out).toContain('12/12 LLM decisions fell back');
    const rounds = readFileSync(join(out, 'rounds.csv'), 'utf8').trim().split('\n');
    const header = (rounds[0] as string).split(',');
    expect(header).toEqual(expect.arrayContaining(['participant.policy', 'participant.llm_decisions', 'participant.llm_fallbacks']));
    const cell = (line: string, name: string) => line.split(',')[header.indexOf(name)];
    const llmRows = rounds.slice(1).filter((l) => cell(l, 'participant.policy') === 'llm');
    expect(llmRows).toHaveLength(12);
    expect(llmRows.every((l) => cell(l, 'participant.llm_decisions') === '1' && cell(l, 'participant.llm_fallbacks') === '1')).toBe(true);
    const episodes = readFileSync(join(out, 'episodes.csv'), 'utf8').trim().split('\n');
    const eh = (episodes[0] as string).split(',');
    expect(episodes.slice(1).map((l) => [l.split(',')[eh.indexOf('llm_decisions')], l.split(',')[eh.indexOf('llm_fallbacks')]])).toEqual([
      ['4', '4'],
      ['4', '4'],
      ['4', '4'],
    ]);
  });
});
