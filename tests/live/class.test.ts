/**
 * Seating a class (server/class-api.ts): one link per session hands out the next free
 * human seat, atomically (people asking at once get different seats; a full session
 * says so); a participant's nickname and label are recorded for the experimenter and
 * never reach another seat's or a spectator's bytes unless the session shows nicknames;
 * a person who comes back after a bot took their seat gets it back, and the export keeps
 * each holder's rounds apart; the seat page's integrity signals are recorded, bounded.
 */
import { Client } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holderStints } from '../../server/holders.ts';
import { INTEGRITY_LIMITS } from '../../rooms/participants.ts';
import { viewsOf, containsText, createSession, joinExperimenter, joinSpectator, rawBytes, sleep, startTestServer, waitFor, type ArenaClientRoom, type JoinInfo, type TestServer } from './helpers.ts';
import { follow } from './process-helpers.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

interface ClassInfo extends JoinInfo {
  class: { code: string; link: string };
}
interface ClassTicket {
  session: string;
  roomId: string;
  seat: string;
  code: string | null;
  token: string;
}

const classSeat = (code: string, body: unknown = {}) => t.api('POST', `/api/class/${code}`, body);

/** Joins with a seat token as the seat page does, saying who the person is. */
async function joinAs(ticket: ClassTicket, participant?: unknown): Promise<ArenaClientRoom> {
  const room = (await new Client(t.url).joinById(ticket.roomId, { token: ticket.token, ...(participant === undefined ? {} : { participant }) })) as unknown as ArenaClientRoom;
  follow(room);
  room.onMessage('*', () => undefined);
  t.rooms.push(room as never);
  await waitFor(() => viewsOf(room).version(ticket.seat) > 0, 3000, `${ticket.seat}'s private view`);
  return room;
}

const firstPrice = (seats: unknown, extra: Record<string, unknown> = {}) => ({ mechanism: 'first-price', config: { rounds: 20, roundMs: 60_000 }, seats, ...extra });

describe('the class link', () => {
  it('seats people asking at the same moment on different seats, and says plainly when the session is full', async () => {
    const info = (await createSession(t, firstPrice([{ kind: 'human', count: 5 }, { kind: 'bot', policy: 'truthful' }]))) as ClassInfo;
    expect(info.class.code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(info.class.link).toBe(`${t.url}/class/${info.class.code}`);
    const before = await t.api('GET', `/api/class/${info.class.code.toLowerCase().replace('-', '')}`);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ status: 'lobby', seats: { total: 5, taken: 0 } });

    const answers = await Promise.all([0, 1, 2, 3, 4, 5].map(() => classSeat(info.class.code)));
    const seated = answers.filter((a) => a.status === 200).map((a) => a.body as ClassTicket);
    expect(seated.map((s) => s.seat).sort()).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
    for (const s of seated) expect(s.code).toBe(info.seats.find((x) => x.seat === s.seat)?.code);
    const full = answers.find((a) => a.status !== 200);
    expect(full?.status).toBe(409);
    expect(full?.body).toMatchObject({ error: 'All 5 seats of this session are taken.', full: true });
    expect((await t.api('GET', `/api/class/${info.class.code}`)).body).toMatchObject({ seats: { total: 5, taken: 5 } });

    // Each token takes its own seat.
    const rooms = await Promise.all(seated.map((s) => joinAs(s, { nickname: `n-${s.seat}` })));
    expect(rooms).toHaveLength(5);
  });

  it('hands out seats of the role asked for, and refuses unknown codes and roles', async () => {
    const info = (await createSession(t, { mechanism: 'double-auction', seats: [{ kind: 'human', count: 8 }] })) as ClassInfo;
    const counted = (await t.api('GET', `/api/class/${info.class.code}`)).body as { seats: { roles: { role: string; total: number; free: number }[] } };
    const roles = counted.seats.roles.map((r) => r.role).sort();
    expect(roles).toEqual(['buyer', 'seller']);
    const seller = await classSeat(info.class.code, { role: 'seller' });
    expect(seller.status).toBe(200);
    const room = await t.server.room(info.session);
    expect(room?.resolved.seats.find((s) => s.seat === (seller.body as ClassTicket).seat)?.role).toBe('seller');
    expect((await classSeat(info.class.code, { role: 'auctioneer' })).status).toBe(400);
    expect((await classSeat(info.class.code, { role: 'seller', extra: 1 })).status).toBe(400);
    expect((await classSeat('ZZZZ-ZZZZ')).status).toBe(404);
  });

  it("records a participant's nickname and label for the experimenter only, and refuses ones that are not plain text", async () => {
    const info = (await createSession(t, firstPrice([{ kind: 'human', count: 2 }]))) as ClassInfo;
    const a = (await classSeat(info.class.code)).body as ClassTicket;
    const b = (await classSeat(info.class.code)).body as ClassTicket;
    await expect(joinAs(a, { nickname: 'bad\u0007bell' })).rejects.toThrow(/BAD_PARTICIPANT/);
    await expect(joinAs(a, { nickname: 'x', extra: true })).rejects.toThrow(/BAD_PARTICIPANT/);
    await expect(joinAs(a, { label: 'y'.repeat(81) })).rejects.toThrow(/BAD_PARTICIPANT/);

    const other = await joinAs(b, { nickname: 'Other' });
    const spectator = await joinSpectator(t, info.session);
    const experimenter = await joinExperimenter(t, info);
    const me = await joinAs(a, { nickname: 'Quokka-7731', label: 'S-99170423', fields: { PROLIFIC_PID: 'pid5f3c9e1a', STUDY_ID: 'st0042' } });

    const recorded = t.server.ledger.events(info.session).filter((e) => e.kind === 'participant' && e.seat === a.seat);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ audience: 'experimenter', data: { nickname: 'Quokka-7731', label: 'S-99170423', fields: { PROLIFIC_PID: 'pid5f3c9e1a', STUDY_ID: 'st0042' } } });
    await waitFor(() => String((experimenter.state as unknown as { people?: string }).people).includes('S-99170423'), 3000, 'the experimenter to see the label');
    await sleep(200);
    // Positive control: the experimenter's bytes carry the words; the person's own carry nothing else of theirs.
    for (const word of ['Quokka-7731', 'S-99170423', 'pid5f3c9e1a']) {
      expect(containsText(rawBytes(experimenter), word)).toBe(true);
      expect(containsText(rawBytes(other), word)).toBe(false);
      expect(containsText(rawBytes(spectator), word)).toBe(false);
      expect(containsText(rawBytes(me), word)).toBe(false);
    }
  });

  it('shows nicknames, never labels, to the other seats when the session says so', async () => {
    const info = (await createSession(t, firstPrice([{ kind: 'human', count: 2 }], { showNicknames: true }))) as ClassInfo;
    const a = (await classSeat(info.class.code)).body as ClassTicket;
    const b = (await classSeat(info.class.code)).body as ClassTicket;
    const other = await joinAs(b);
    await joinAs(a, { nickname: 'Wombat-4410', label: 'S-55510987' });
    await waitFor(() => (other.state.seats.get(a.seat) as unknown as { name?: string } | undefined)?.name === 'Wombat-4410', 3000, 'the nickname to reach the other seat');
    await sleep(100);
    expect(containsText(rawBytes(other), 'S-55510987')).toBe(false);
  });
});

describe('a participant replaced by a bot', () => {
  it('takes the seat back with their token; the record and the export keep each holder apart', async () => {
    const info = (await createSession(t, firstPrice([{ kind: 'human', count: 2 }], { autoStart: true, dropout: { policy: 'replace', graceSeconds: 1, bot: 'truthful' } }))) as ClassInfo;
    const ticket = (await classSeat(info.class.code)).body as ClassTicket;
    const person = { nickname: 'Ada', label: 'S-1001' };
    const me = await joinAs(ticket, person);
    const room = await t.server.room(info.session);
    const advance = async (round: number) => {
      expect((await t.api('POST', `/api/sessions/${info.session}/control`, { op: 'advance' }, true)).status).toBe(200);
      await waitFor(() => t.server.ledger.events(info.session).some((e) => e.kind === 'round_record' && e.data.round === round), 3000, `round ${round} to close`);
    };
    await advance(1);

    // The person leaves; a bot takes the seat.
    await me.leave(true);
    await waitFor(() => room?.state.seats.get(ticket.seat)?.holder === 'bot' && room.state.seats.get(ticket.seat)?.connected === true, 5000, 'the bot to take the seat');
    await advance(2);

    // They come back with the same token: the seat is theirs again, the bot is let go.
    const back = await joinAs(ticket, person);
    await waitFor(() => room?.state.seats.get(ticket.seat)?.holder === 'human', 3000, 'the person to hold the seat again');
    const claimed = t.server.ledger.events(info.session).filter((e) => e.kind === 'seat_claimed' && e.seat === ticket.seat);
    expect(claimed).toHaveLength(1);
    expect(claimed[0]?.data).toMatchObject({ from: 'bot', policy: 'truthful', to: 'human' });
    const bids = () => t.server.ledger.events(info.session).filter((e) => e.kind === 'action' && e.seat === ticket.seat).length;
    const before = bids();
    await sleep(300);
    expect(bids()).toBe(before);
    expect(back.state.seats.get(ticket.seat)?.holder).toBe('human');
    await advance(3);

    const stints = holderStints(t.server.ledger.events(info.session)).filter((s) => s.seat === ticket.seat);
    expect(stints.map((s) => [s.kind, s.policy, s.label, s.rounds])).toEqual([
      ['human', null, 'S-1001', [1]],
      ['bot', 'truthful', null, [2]],
      ['human', null, 'S-1001', [3]],
    ]);

    const csv = await t.api('GET', `/api/sessions/${info.session}/export.csv`, undefined, true);
    const [header, ...lines] = csv.text.trim().split('\n').map((l) => l.split(','));
    const col = (name: string) => (header as string[]).indexOf(name);
    const mine = lines.filter((l) => l[col('participant.seat')] === ticket.seat);
    expect(mine.map((l) => [l[col('round')], l[col('participant.stint')], l[col('participant.stint_holder')], l[col('participant.label')]])).toEqual([
      ['1', '0', 'human', 'S-1001'],
      ['2', '1', 'bot', ''],
      ['3', '2', 'human', 'S-1001'],
    ]);
  });
});

describe('integrity signals', () => {
  it('are recorded for the experimenter, bounded per seat, never refused for what they say; actions carry their response time', async () => {
    const info = (await createSession(t, firstPrice([{ kind: 'human', count: 2 }], { autoStart: true }))) as ClassInfo;
    const ticket = (await classSeat(info.class.code)).body as ClassTicket;
    const me = await joinAs(ticket, { nickname: 'Ibis' });
    const experimenter = await joinExperimenter(t, info);
    // Response time: from the seat being shown its decision to its action, in the action's event.
    await waitFor(() => (viewsOf(me).legal(ticket.seat)?.length ?? 0) > 0, 3000, 'a decision to make');
    const ack = (await me.request('act', { stateId: me.state.stateId, action: { type: 'bid', amount: 3 } })) as { ok: boolean };
    expect(ack).toEqual({ ok: true, stateId: expect.any(Number) });
    const action = t.server.ledger.events(info.session).find((e) => e.kind === 'action' && e.seat === ticket.seat);
    expect(typeof action?.data.responseMs).toBe('number');
    expect(action?.data.responseMs as number).toBeGreaterThanOrEqual(0);
    const signal = (msg: unknown) => me.request('integrity', msg) as Promise<{ ok: boolean; code?: string }>;

    expect(await signal({ signal: 'hidden', onTaskMs: 1200 })).toEqual({ ok: true });
    expect(await signal({ signal: 'visible', onTaskMs: 1200 })).toEqual({ ok: true });
    expect(await signal({ signal: 'paste', onTaskMs: 1500, chars: 42 })).toEqual({ ok: true });
    expect(await signal({ signal: 'paste', onTaskMs: 1500, text: 'pasted words' })).toMatchObject({ ok: false, code: 'BAD_MESSAGE' });
    expect(await signal({ signal: 'scroll', onTaskMs: 1 })).toMatchObject({ ok: false, code: 'BAD_MESSAGE' });
    const recorded = () => t.server.ledger.events(info.session).filter((e) => e.kind === 'integrity');
    expect(recorded().map((e) => [e.seat, e.audience, e.data.signal, e.data.onTaskMs])).toEqual([
      [ticket.seat, 'experimenter', 'hidden', 1200],
      [ticket.seat, 'experimenter', 'visible', 1200],
      [ticket.seat, 'experimenter', 'paste', 1500],
    ]);
    expect(recorded()[2]?.data.chars).toBe(42);

    // A page flickering between tabs: every signal is answered ok, the record keeps the seat's bound a minute.
    // (Within the seat's message budget, rooms/budget.ts, which the signals share with everything else it sends.)
    for (let i = 0; i < INTEGRITY_LIMITS.perMinute + 2; i++) expect(await signal({ signal: i % 2 ? 'blur' : 'focus', onTaskMs: 2000 + i })).toEqual({ ok: true });
    expect(recorded()).toHaveLength(INTEGRITY_LIMITS.perMinute);
    await waitFor(() => {
      const people = JSON.parse((experimenter.state as unknown as { people: string }).people) as Record<string, { integrity: Record<string, number>; onTaskMs: number; unrecorded: number }>;
      const p = people[ticket.seat];
      return p?.integrity.paste === 1 && p.integrity.hidden === 1 && p.unrecorded === 5 && p.onTaskMs === 2000 + INTEGRITY_LIMITS.perMinute + 1;
    }, 3000, 'the experimenter to see the counts');
  });
});
