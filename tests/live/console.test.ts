/**
 * The console's part of a live server: sessions are private unless marked public,
 * announcements reach every seat and spectator (and the record), a spec is checked
 * without creating anything, and the settings of every mechanism are served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MECHANISMS } from '../../mechanisms/registry.ts';
import { createSession, joinExperimenter, joinSeat, joinSpectator, startTestServer, waitFor, type ArenaClientRoom, type TestServer } from './helpers.ts';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});

afterAll(async () => {
  await t?.close();
});

const auction = (extra: Record<string, unknown> = {}) => ({
  mechanism: 'first-price',
  config: { rounds: 50, values: { kind: 'uniformInt', low: 0, high: 100 } },
  seats: [{ kind: 'human', count: 2 }, { kind: 'bot', policy: 'truthful' }],
  ...extra,
});

const listed = async (): Promise<string[]> => ((await t.api('GET', '/api/arenas')).body as { session: string }[]).map((e) => e.session);

describe('sessions are private by default', () => {
  it('a session is on /arenas only when its spec says public: true; the console lists both', async () => {
    const hidden = await createSession(t, auction({ title: 'Lab session' }));
    const shown = await createSession(t, auction({ title: 'Open class', public: true }));
    // The directory is cached for a second: read it until it has the public one; the private one is absent from that same answer.
    let arenas: string[] = [];
    for (let i = 0; i < 50 && !arenas.includes(shown.session); i++) {
      arenas = await listed();
      if (!arenas.includes(shown.session)) await new Promise((r) => setTimeout(r, 100));
    }
    expect(arenas).toContain(shown.session);
    expect(arenas).not.toContain(hidden.session);
    const all = ((await t.api('GET', '/api/sessions', undefined, true)).body as { session: string }[]).map((s) => s.session);
    expect(all).toEqual(expect.arrayContaining([hidden.session, shown.session]));
    // Its links still work: a spectator with the session's link watches it.
    expect((await t.api('GET', `/api/sessions/${hidden.session}/spectate`)).status).toBe(200);
  });
});

describe('announcements', () => {
  let info: Awaited<ReturnType<typeof createSession>>;
  let p0: ArenaClientRoom;
  let spectator: ArenaClientRoom;
  let experimenter: ArenaClientRoom;
  const announcementOf = (room: ArenaClientRoom): { id: number; text: string } | null => {
    const raw = (room.state as unknown as { announcement?: string }).announcement;
    return raw ? (JSON.parse(raw) as { id: number; text: string }) : null;
  };

  beforeAll(async () => {
    info = await createSession(t, auction({ title: 'Announced' }));
    ({ room: p0 } = await joinSeat(t, info.seats[0]?.code as string));
    spectator = await joinSpectator(t, info.session);
    experimenter = await joinExperimenter(t, info);
  });

  it('need the experimenter token and a plain, bounded text', async () => {
    expect((await t.api('POST', `/api/sessions/${info.session}/announce`, { text: 'hello' })).status).toBe(401);
    expect((await t.api('POST', `/api/sessions/${info.session}/announce`, { text: 'hello', extra: 1 }, true)).status).toBe(400);
    expect((await t.api('POST', `/api/sessions/${info.session}/announce`, { text: 'x'.repeat(501) }, true)).status).toBe(400);
    expect((await t.api('POST', '/api/sessions/snosuchsession/announce', { text: 'hello' }, true)).status).toBe(404);
    expect(announcementOf(p0)).toBeNull();
  });

  it('reach every seat and spectator, are recorded for everyone, and are withdrawn with empty text', async () => {
    const res = await t.api('POST', `/api/sessions/${info.session}/announce`, { text: 'Period 2 starts in one minute' }, true);
    expect(res.status).toBe(200);
    for (const room of [p0, spectator, experimenter]) await waitFor(() => announcementOf(room)?.text === 'Period 2 starts in one minute', 3000, 'the announcement');
    const recorded = t.server.ledger.events(info.session).filter((e) => e.kind === 'announcement');
    expect(recorded).toMatchObject([{ audience: 'public', seat: null, data: { text: 'Period 2 starts in one minute', by: 'api' } }]);
    expect(announcementOf(p0)?.id).toBe(recorded[0]?.seq);

    expect((await t.api('POST', `/api/sessions/${info.session}/announce`, { text: '' }, true)).status).toBe(200);
    await waitFor(() => announcementOf(p0) === null && announcementOf(spectator) === null, 3000, 'the announcement withdrawn');
  });

  it("reach a delayed session's spectators after the delay, with the rest of the public view", async () => {
    const delayed = await createSession(t, auction({ title: 'Delayed', spectatorDelayMs: 200 }));
    const watcher = await joinSpectator(t, delayed.session);
    expect((await t.api('POST', `/api/sessions/${delayed.session}/announce`, { text: 'Seen late' }, true)).status).toBe(200);
    await waitFor(() => announcementOf(watcher)?.text === 'Seen late', 5000, "the announcement in the spectators' mirror");
  });

  it('the room command is the experimenter\'s alone', async () => {
    expect(await p0.request('announce', { text: 'I am the experimenter' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await experimenter.request('announce', { text: 'Trading is open' })).toEqual({ ok: true });
    await waitFor(() => announcementOf(p0)?.text === 'Trading is open', 3000, 'the second announcement');
    expect(t.server.ledger.events(info.session).filter((e) => e.kind === 'announcement').map((e) => e.data.by)).toEqual(['api', 'api', 'experimenter']);
  });
});

describe('the console form', () => {
  it('GET /api/settings serves every mechanism\'s config as JSON Schema, with labels', async () => {
    const res = await t.api('GET', '/api/settings');
    expect(res.status).toBe(200);
    const settings = res.body as { mechanism: string; schema: { properties: Record<string, { title?: string }> } }[];
    expect(settings.map((s) => s.mechanism).sort()).toEqual(MECHANISMS.map((m) => m.id).sort());
    expect(settings.find((s) => s.mechanism === 'double-auction')?.schema.properties.periods?.title).toBe('Periods');
  });

  it('POST /api/sessions/check answers issues or benchmarks and creates nothing', async () => {
    const before = t.server.sessions.list().length;
    expect((await t.api('POST', '/api/sessions/check', { mechanism: 'double-auction', seats: [{ kind: 'human' }] })).status).toBe(401);
    const bad = await t.api('POST', '/api/sessions/check', { mechanism: 'double-auction', config: { periods: 0 }, seats: [{ kind: 'human', count: 8 }] }, true);
    expect(bad.body).toMatchObject({ ok: false, issues: [{ path: 'config.periods' }] });
    const good = await t.api('POST', '/api/sessions/check', { mechanism: 'double-auction', config: { buyers: [[120, 100], [110]], sellers: [[40], [60, 90]] }, seats: [{ kind: 'human', count: 4 }] }, true);
    expect(good.body).toMatchObject({ ok: true, seats: 4, benchmarks: { ce_quantity: { value: 3 } } });
    expect(t.server.sessions.list().length).toBe(before);
  });
});
