/**
 * The HTTP API and the matchmaking edge as a stranger meets them: the public arena
 * directory carries no private value and no join code; creating sessions needs the
 * experimenter token and names the bad field of a bad spec; join codes and seat tokens
 * are checked; clients cannot create rooms.
 */
import { Client } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenSigner } from '../../rooms/tokens.ts';
import {
  containsNumber,
  containsText,
  createSession,
  joinSeat,
  startTestServer,
  waitFor,
  type ArenaClientRoom,
  type JoinInfo,
  type TestServer,
  publicOf,
  viewsOf,
} from './helpers.ts';

interface Issue {
  path: string;
  message: string;
}

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});

afterAll(async () => {
  await t?.close();
});

const joinError = async (roomId: string, options: Record<string, unknown>): Promise<{ code?: number; message: string }> => {
  try {
    const room = await new Client(t.url).joinById(roomId, options);
    await room.leave(true);
  } catch (error) {
    return error as { code?: number; message: string };
  }
  throw new Error('the join was accepted');
};

describe('the arena directory', () => {
  let info: JoinInfo;
  let p0: ArenaClientRoom;

  beforeAll(async () => {
    info = await createSession(t, {
      title: 'Directory check',
      mechanism: 'first-price',
      config: { rounds: 50, roundMs: 200, values: { kind: 'uniform', low: 0, high: 100 }, reveal: 'nothing' },
      seats: [{ kind: 'human', count: 2 }, { kind: 'bot', policy: 'truthful' }],
      autoStart: true,
      public: true,
    });
    ({ room: p0 } = await joinSeat(t, info.seats[0]?.code as string));
    await waitFor(() => (publicOf<{ round: number }>(p0)?.round ?? 0) >= 3, 3000, 'a few rounds');
  });

  it('lists live sessions with public facts only: no private value, no join code, no token', async () => {
    const res = await t.api('GET', '/api/arenas');
    expect(res.status).toBe(200);
    const entry = (res.body as Record<string, unknown>[]).find((e) => e.session === info.session);
    expect(entry).toBeDefined();
    expect(Object.keys(entry as object).sort()).toEqual(['createdAt', 'demo', 'join', 'mechanism', 'mechanismTitle', 'public', 'seats', 'session', 'status', 'title']);
    // Only demo arenas list the join codes of their open seats.
    expect(entry).toMatchObject({ title: 'Directory check', mechanism: 'first-price@1', status: 'running', demo: false, join: [], seats: { total: 3, humans: 1, bots: 1, open: 1 } });

    const room = await t.server.room(info.session);
    const values = [
      ...((room?.match.state as unknown as { values: number[] }).values ?? []),
      ...t.server.ledger
        .events(info.session)
        .filter((e) => e.kind === 'round_result')
        .map((e) => e.data.value as number),
    ];
    expect(values.length).toBeGreaterThan(3);
    const body = Buffer.from(res.text);
    expect(values.filter((v) => containsNumber(body, v))).toEqual([]);
    for (const s of info.seats) expect(containsText(body, s.code)).toBe(false);
    expect(containsText(body, info.experimenterToken)).toBe(false);
    expect(containsText(body, '"full"')).toBe(false);
  });

  it("the experimenter's session list needs the token", async () => {
    expect((await t.api('GET', '/api/sessions')).status).toBe(401);
    const res = await t.api('GET', '/api/sessions', undefined, true);
    expect(res.status).toBe(200);
    expect((res.body as { session: string }[]).some((s) => s.session === info.session)).toBe(true);
    expect((await t.api('GET', `/api/sessions/${info.session}`)).status).toBe(401);
  });
});

describe('creating sessions', () => {
  const good = { mechanism: 'first-price', config: { rounds: 2 }, seats: [{ kind: 'human', count: 2 }] };

  it('needs the experimenter token', async () => {
    expect((await t.api('POST', '/api/sessions', good)).status).toBe(401);
    const wrong = await fetch(`${t.url}/api/sessions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer not-the-token' }, body: JSON.stringify(good) });
    expect(wrong.status).toBe(401);
    const created = await t.api('POST', '/api/sessions', good, true);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'lobby', mechanism: 'first-price@1', seats: [{ seat: 'p0' }, { seat: 'p1' }] });
  });

  it.each([
    ['a config field of the wrong type', { ...good, config: { reserve: 'high' } }, 'config.reserve'],
    ['an unknown mechanism', { ...good, mechanism: 'beauty-contest' }, 'mechanism'],
    ['an unknown bot policy', { ...good, seats: [{ kind: 'human' }, { kind: 'bot', policy: 'oracle' }] }, 'seats.1.policy'],
    ['a bot policy for another mechanism', { ...good, seats: [{ kind: 'human' }, { kind: 'bot', policy: 'free-rider' }] }, 'seats.1.policy'],
    ['too few seats', { ...good, seats: [{ kind: 'human' }] }, 'seats'],
    ['an unknown field', { ...good, colour: 'red' }, ''],
    ['a bad dropout bot', { ...good, dropout: { policy: 'replace', bot: 'zi-c' } }, 'dropout.bot'],
  ])('rejects %s with 400 and the path of the bad field', async (_what, spec, path) => {
    const before = t.server.sessions.list().length;
    const res = await t.api('POST', '/api/sessions', spec, true);
    expect(res.status).toBe(400);
    const issues = (res.body as { issues: Issue[] }).issues;
    expect(issues.map((i) => i.path)).toContain(path);
    expect(t.server.sessions.list().length).toBe(before);
  });

  it('rejects a body that is not JSON with 400', async () => {
    const res = await t.api('POST', '/api/sessions', '{"mechanism": ', true);
    expect(res.status).toBe(400);
  });
});

describe('joining', () => {
  let info: JoinInfo;

  beforeAll(async () => {
    info = await createSession(t, { mechanism: 'first-price', config: { rounds: 2 }, seats: [{ kind: 'human', count: 2 }] });
  });

  it('a bad code is 404, a malformed body 400', async () => {
    expect((await t.api('POST', '/api/join', { code: 'ZZZZZZ' })).status).toBe(404);
    expect((await t.api('POST', '/api/join', { code: 12345 })).status).toBe(400);
    expect((await t.api('POST', '/api/join', {})).status).toBe(400);
  });

  it('a good code gives a token for its seat only; the seat cannot be taken twice', async () => {
    const res = await t.api('POST', '/api/join', { code: info.seats[1]?.code.toLowerCase() });
    expect(res.status).toBe(200);
    const { roomId, seat, token } = res.body as { roomId: string; seat: string; token: string };
    expect(seat).toBe('p1');
    expect(roomId).toBe(info.roomId);
    const { room } = await joinSeat(t, info.seats[1]?.code as string);
    expect(viewsOf(room).seats).toEqual(['p1']);
    expect((await joinError(roomId, { token })).code).toBe(409);
  });

  it('forged, missing and foreign tokens are refused', async () => {
    const forged = new TokenSigner('not-the-server-secret-0123456789').sign({ session: info.session, seat: 'p0', role: 'experimenter' });
    expect((await joinError(info.roomId, { token: forged })).code).toBe(401);
    expect((await joinError(info.roomId, {})).code).toBe(401);
    const other = await createSession(t, { mechanism: 'first-price', config: { rounds: 2 }, seats: [{ kind: 'human', count: 2 }] });
    expect((await joinError(info.roomId, { token: other.experimenterToken })).code).toBe(403);
  });

  it('spectating an unknown session is 404', async () => {
    expect((await t.api('GET', '/api/sessions/snosuchsession/spectate')).status).toBe(404);
  });

  it('clients cannot create rooms, nor join one by name', async () => {
    const client = new Client(t.url);
    await expect(client.create('arena', { session: 'sfake0001', spec: { mechanism: 'first-price', seats: [{ kind: 'human', count: 2 }] }, seed: 1 })).rejects.toThrow();
    await expect(client.joinOrCreate('arena', {})).rejects.toThrow();
    await expect(client.join('arena', { token: info.experimenterToken })).rejects.toThrow();
    expect(t.server.sessions.list().some((s) => s.id === 'sfake0001')).toBe(false);
  });
});
