/**
 * Chat and coalitions (DESIGN §5) through a live room: each message reaches exactly
 * its audience (public: everyone; private: the two parties; coalition: the members;
 * always the experimenter), never anyone else's raw frames; membership changes are
 * events for the right seats; channels outside the communication policy, spectators,
 * floods and malformed messages get coded rejections; everything accepted is in the
 * ledger with its audience.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  containsText,
  createSession,
  joinExperimenter,
  joinSeat,
  joinSpectator,
  messages,
  rawBytes,
  sleep,
  startTestServer,
  waitFor,
  type ArenaClientRoom,
  type JoinInfo,
  type TestServer,
} from './helpers.ts';

interface ChatMsg {
  id: number;
  channel: string;
  from: string;
  to?: string;
  coalition?: string;
  text: string;
  round: number | null;
}
interface CoalitionMsg {
  coalition: string;
  op: string;
  seat: string;
  by: string;
  members: string[];
}
interface Rejected {
  for: string;
  code: string;
  message: string;
}

const nonce = () => randomBytes(6).toString('hex');
const bytes = (room: ArenaClientRoom) => rawBytes(room);
const chatsWith = (room: ArenaClientRoom, text: string) => messages<ChatMsg>(room, 'chat').filter((m) => m.text === text);

/** Sends a message and waits for the sender's next `rejected` reply. */
async function rejection(room: ArenaClientRoom, type: string, payload: unknown): Promise<Rejected> {
  const before = messages(room, 'rejected').length;
  room.send(type, payload);
  await waitFor(() => messages(room, 'rejected').length > before, 3000, `a rejection of ${type}`);
  return messages<Rejected>(room, 'rejected')[before] as Rejected;
}

// A first-price session without deadlines where nobody but one bot bids: the match
// stays in round 1 and only the conversation moves.
const chatSpec = (communication: Record<string, unknown>, humans: number) => ({
  mechanism: 'first-price',
  config: { rounds: 5, roundMs: null, communication },
  seats: [{ kind: 'human', count: humans }, { kind: 'bot', policy: 'truthful' }],
  autoStart: true,
});

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});

afterAll(async () => {
  await t?.close();
});

describe('all channels open', () => {
  let info: JoinInfo;
  let p0: ArenaClientRoom;
  let p1: ArenaClientRoom;
  let p2: ArenaClientRoom;
  let spectator: ArenaClientRoom;
  let experimenter: ArenaClientRoom;
  let everyone: Record<string, ArenaClientRoom>;

  beforeAll(async () => {
    info = await createSession(t, chatSpec({ channels: ['public', 'private', 'coalition'], ratePerMinute: 20, maxLength: 100 }, 3));
    const joined = await Promise.all(info.seats.map(async (s) => (await joinSeat(t, s.code)).room));
    [p0, p1, p2] = joined as [ArenaClientRoom, ArenaClientRoom, ArenaClientRoom];
    spectator = await joinSpectator(t, info.session);
    experimenter = await joinExperimenter(t, info);
    everyone = { p0, p1, p2, spectator, experimenter } as Record<string, ArenaClientRoom>;
  });

  const chatEvents = () => t.server.ledger.events(info.session).filter((e) => e.kind === 'chat');
  const coalitionEvents = () => t.server.ledger.events(info.session).filter((e) => e.kind === 'coalition');

  it('public chat reaches every player, the spectator and the experimenter, and is in the ledger as public', async () => {
    const text = `PUBLIC-${nonce()}`;
    p0.send('chat', { channel: 'public', text });
    await waitFor(() => Object.values(everyone).every((r) => chatsWith(r, text).length === 1), 3000, 'public chat everywhere');
    for (const r of Object.values(everyone)) expect(chatsWith(r, text)[0]).toMatchObject({ channel: 'public', from: 'p0', text, round: 1 });
    const recorded = chatEvents().filter((e) => e.data.text === text);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ seat: 'p0', audience: 'public', data: { channel: 'public', from: 'p0', text, round: 1 } });
  });

  it("a private message reaches its two parties and the experimenter, never a third seat's or the spectator's frames", async () => {
    const text = `PRIVATE-${nonce()}`;
    p0.send('chat', { channel: 'private', to: 'p1', text });
    await waitFor(() => [p0, p1, experimenter].every((r) => chatsWith(r, text).length === 1), 3000, 'private chat to its parties');
    expect(chatsWith(p1, text)[0]).toMatchObject({ channel: 'private', from: 'p0', to: 'p1', text });
    await sleep(150);
    expect(containsText(bytes(p2), text)).toBe(false);
    expect(containsText(bytes(spectator), text)).toBe(false);
    const recorded = chatEvents().filter((e) => e.data.text === text);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ seat: 'p0', audience: ['p0', 'p1'], data: { channel: 'private', from: 'p0', to: 'p1' } });
  });

  it('coalitions: invitation, acceptance, member-only chat and leaving reach exactly the right seats', async () => {
    const before = { p2: messages(p2, 'coalition').length, spectator: messages(spectator, 'coalition').length };

    p0.send('coalition', { op: 'invite', to: 'p1' });
    await waitFor(() => [p0, p1, experimenter].every((r) => messages<CoalitionMsg>(r, 'coalition').some((m) => m.op === 'invite')), 3000, 'the invitation');
    const invite = messages<CoalitionMsg>(p1, 'coalition').find((m) => m.op === 'invite') as CoalitionMsg;
    expect(invite).toMatchObject({ op: 'invite', seat: 'p1', by: 'p0', members: ['p0'] });
    const id = invite.coalition;
    expect(id).toMatch(/^c\d+$/);

    // Only an invited seat may accept; p2 was not invited.
    expect(await rejection(p2, 'coalition', { op: 'accept', coalition: id })).toMatchObject({ for: 'coalition', code: 'NO_SUCH_COALITION' });

    p1.send('coalition', { op: 'accept', coalition: id });
    await waitFor(() => [p0, p1, experimenter].every((r) => messages<CoalitionMsg>(r, 'coalition').some((m) => m.op === 'accept')), 3000, 'the acceptance');
    expect(messages<CoalitionMsg>(p0, 'coalition').find((m) => m.op === 'accept')).toMatchObject({ coalition: id, seat: 'p1', by: 'p1', members: ['p0', 'p1'] });

    const plan = `COALITION-${nonce()}`;
    p0.send('chat', { channel: 'coalition', coalition: id, text: plan });
    await waitFor(() => [p0, p1, experimenter].every((r) => chatsWith(r, plan).length === 1), 3000, 'coalition chat to its members');
    expect(chatsWith(p1, plan)[0]).toMatchObject({ channel: 'coalition', coalition: id, from: 'p0' });

    // A non-member cannot write to it.
    expect(await rejection(p2, 'chat', { channel: 'coalition', coalition: id, text: 'let me in' })).toMatchObject({ for: 'chat', code: 'NO_SUCH_COALITION' });

    p1.send('coalition', { op: 'leave', coalition: id });
    await waitFor(() => [p0, p1, experimenter].every((r) => messages<CoalitionMsg>(r, 'coalition').some((m) => m.op === 'leave')), 3000, 'the leave');
    expect(messages<CoalitionMsg>(p0, 'coalition').find((m) => m.op === 'leave')).toMatchObject({ coalition: id, seat: 'p1', by: 'p1', members: ['p0'] });

    const after = `AFTER-LEAVE-${nonce()}`;
    p0.send('chat', { channel: 'coalition', coalition: id, text: after });
    await waitFor(() => [p0, experimenter].every((r) => chatsWith(r, after).length === 1), 3000, 'coalition chat after the leave');

    await sleep(150);
    // Outsiders heard nothing of it: no coalition event, no coalition text.
    expect(messages(p2, 'coalition')).toHaveLength(before.p2);
    expect(messages(spectator, 'coalition')).toHaveLength(before.spectator);
    for (const r of [p2, spectator]) {
      expect(containsText(bytes(r), plan)).toBe(false);
      expect(containsText(bytes(r), after)).toBe(false);
    }
    // The seat that left no longer receives the coalition's chat.
    expect(containsText(bytes(p1), after)).toBe(false);

    const changes = coalitionEvents().filter((e) => e.data.coalition === id);
    expect(changes.map((e) => [e.data.op, e.seat, e.audience])).toEqual([
      ['invite', 'p0', ['p0', 'p1']],
      ['accept', 'p1', ['p0', 'p1']],
      ['leave', 'p1', ['p0', 'p1']],
    ]);
    expect(chatEvents().find((e) => e.data.text === plan)?.audience).toEqual(['p0', 'p1']);
    expect(chatEvents().find((e) => e.data.text === after)?.audience).toEqual(['p0']);
  });

  it('a founder who left a coalition can no longer dissolve it', async () => {
    p2.send('coalition', { op: 'invite', to: 'p0' });
    await waitFor(() => messages<CoalitionMsg>(p0, 'coalition').some((m) => m.op === 'invite' && m.by === 'p2'), 3000, "p2's invitation");
    const id = (messages<CoalitionMsg>(p0, 'coalition').find((m) => m.op === 'invite' && m.by === 'p2') as CoalitionMsg).coalition;
    p0.send('coalition', { op: 'accept', coalition: id });
    p2.send('coalition', { op: 'leave', coalition: id });
    await waitFor(() => messages<CoalitionMsg>(p0, 'coalition').some((m) => m.coalition === id && m.op === 'leave'), 3000, "p2's leave");
    expect(await rejection(p2, 'coalition', { op: 'dissolve', coalition: id })).toMatchObject({ for: 'coalition', code: 'NO_SUCH_COALITION' });
    // The coalition still stands for its remaining member.
    const text = `STILL-STANDING-${nonce()}`;
    p0.send('chat', { channel: 'coalition', coalition: id, text });
    await waitFor(() => chatsWith(experimenter, text).length === 1, 3000, 'chat in the remaining coalition');
    expect(coalitionEvents().filter((e) => e.data.coalition === id).map((e) => e.data.op)).toEqual(['invite', 'accept', 'leave']);
  });

  it('a spectator can neither chat nor join coalitions', async () => {
    expect(await rejection(spectator, 'chat', { channel: 'public', text: 'hello from the gallery' })).toMatchObject({ for: 'chat', code: 'FORBIDDEN' });
    expect(await rejection(spectator, 'coalition', { op: 'invite', to: 'p0' })).toMatchObject({ for: 'coalition', code: 'FORBIDDEN' });
    expect(chatEvents().some((e) => e.data.text === 'hello from the gallery')).toBe(false);
  });

  it('a message longer than the policy allows is refused with TOO_LARGE and not recorded', async () => {
    const text = `LONG-${'x'.repeat(120)}`;
    expect(await rejection(p2, 'chat', { channel: 'public', text })).toMatchObject({ for: 'chat', code: 'TOO_LARGE' });
    await sleep(100);
    expect(containsText(bytes(p0), text)).toBe(false);
    expect(chatEvents().some((e) => e.data.text === text)).toBe(false);
  });

  it('bidi overrides and isolates and control characters (but newline and tab) are stripped before anyone gets or records the text; nothing left is BAD_MESSAGE', async () => {
    const tag = nonce();
    p0.send('chat', { channel: 'public', text: `\u202Egnp.${tag}\u202C bidi\u2066 iso\u2069 \u0007bell\u0000 \u001b[31mred\r\nline\ttab\u0085\u007f` });
    const clean = `gnp.${tag} bidi iso bell [31mred\nline\ttab`;
    await waitFor(() => Object.values(everyone).every((r) => chatsWith(r, clean).length === 1), 3000, 'the cleaned chat everywhere');
    expect(chatEvents().filter((e) => String(e.data.text).includes(tag)).map((e) => e.data.text)).toEqual([clean]);
    for (const r of Object.values(everyone)) expect(containsText(bytes(r), '\u202E')).toBe(false);
    // Right-to-left writing keeps its marks (U+200E, U+200F, U+061C): they cannot reorder other text.
    const marks = `\u05E9\u05DC\u05D5\u05DD\u200F ${tag}`;
    p1.send('chat', { channel: 'public', text: marks });
    await waitFor(() => chatsWith(p0, marks).length === 1, 3000, 'a message with direction marks');

    for (const text of ['\u202E\u202C', '\u2066\u2069\u0000', ' \u0007 \n\t ', '\u200F']) {
      expect(await rejection(p2, 'chat', { channel: 'public', text }), JSON.stringify(text)).toMatchObject({ for: 'chat', code: 'BAD_MESSAGE', message: expect.stringMatching(/no text/) });
    }
    await sleep(100);
    expect(chatEvents().filter((e) => e.seat === 'p2' && /^[\s\u200F]*$/.test(String(e.data.text)))).toEqual([]);
  });

  it('accept, decline, leave and dissolve answer the same for a coalition that exists and one that does not: no probing for ids', async () => {
    p0.send('coalition', { op: 'invite', to: 'p1' });
    await waitFor(() => messages<CoalitionMsg>(p1, 'coalition').filter((m) => m.op === 'invite').length >= 2, 3000, 'a second invitation');
    const existing = (messages<CoalitionMsg>(p1, 'coalition').filter((m) => m.op === 'invite').at(-1) as CoalitionMsg).coalition;
    const known = new Set(messages<CoalitionMsg>(experimenter, 'coalition').map((m) => m.coalition));
    let missing = 'c1';
    for (let i = 1; known.has(missing); i++) missing = `c${i}`;
    for (const op of ['accept', 'decline', 'leave', 'dissolve']) {
      const real = await rejection(p2, 'coalition', { op, coalition: existing });
      const none = await rejection(p2, 'coalition', { op, coalition: missing });
      expect(real, op).toEqual(none);
      expect(real.code).toBe('NO_SUCH_COALITION');
    }
  });

  it('every chat message a client received is in the ledger, with exactly the audience that received it', async () => {
    await sleep(100);
    const seats = { p0, p1, p2 } as Record<string, ArenaClientRoom>;
    const got = messages<ChatMsg>(experimenter, 'chat');
    const recorded = chatEvents();
    expect(got.length).toBe(recorded.length);
    for (const m of got) {
      const e = recorded.find((r) => r.data.text === m.text);
      expect(e, `ledger event for "${m.text}"`).toBeDefined();
      const receivers = Object.keys(seats).filter((s) => chatsWith(seats[s] as ArenaClientRoom, m.text).length > 0);
      if (e?.audience === 'public') {
        expect(receivers).toEqual(['p0', 'p1', 'p2']);
        expect(chatsWith(spectator, m.text)).toHaveLength(1);
      } else {
        expect([...(e?.audience as string[])].sort()).toEqual(receivers);
        expect(chatsWith(spectator, m.text)).toHaveLength(0);
      }
    }
    // Coalition changes likewise: the experimenter saw each one, and each is recorded for the seats that got it.
    const changes = messages<CoalitionMsg>(experimenter, 'coalition');
    const recordedChanges = coalitionEvents();
    expect(changes.map((m) => [m.coalition, m.op, m.seat])).toEqual(recordedChanges.map((e) => [e.data.coalition, e.data.op, e.data.seat]));
    for (const [i, e] of recordedChanges.entries()) {
      const receivers = Object.keys(seats).filter((s) => messages<CoalitionMsg>(seats[s] as ArenaClientRoom, 'coalition').some((m) => m.coalition === changes[i]?.coalition && m.op === changes[i]?.op));
      expect([...(e.audience as string[])].sort()).toEqual(receivers);
    }
  });
});

describe('channels outside the communication policy, and the rate limit', () => {
  it('a session with public chat only refuses private chat, coalition chat and coalitions with NO_CHANNEL', async () => {
    const info = await createSession(t, chatSpec({ channels: ['public'], ratePerMinute: 3 }, 2));
    const { room: q0 } = await joinSeat(t, info.seats[0]?.code as string);
    const { room: q1 } = await joinSeat(t, info.seats[1]?.code as string);
    const secret = `NOT-A-CHANNEL-${nonce()}`;
    expect(await rejection(q0, 'chat', { channel: 'private', to: 'p1', text: secret })).toMatchObject({ for: 'chat', code: 'NO_CHANNEL' });
    expect(await rejection(q0, 'chat', { channel: 'coalition', coalition: 'c1', text: secret })).toMatchObject({ for: 'chat', code: 'NO_CHANNEL' });
    expect(await rejection(q0, 'coalition', { op: 'invite', to: 'p1' })).toMatchObject({ for: 'coalition', code: 'NO_CHANNEL' });
    await sleep(100);
    expect(containsText(bytes(q1), secret)).toBe(false);

    // The rate limit: 3 messages a minute per seat; the fourth is refused.
    const texts = [1, 2, 3, 4].map((i) => `FLOOD-${i}-${nonce()}`);
    for (const text of texts.slice(0, 3)) q1.send('chat', { channel: 'public', text });
    await waitFor(() => texts.slice(0, 3).every((text) => chatsWith(q0, text).length === 1), 3000, 'the first three messages');
    expect(await rejection(q1, 'chat', { channel: 'public', text: texts[3] })).toMatchObject({ for: 'chat', code: 'RATE_LIMITED' });
    await sleep(100);
    expect(containsText(bytes(q0), texts[3] as string)).toBe(false);

    const recorded = t.server.ledger.events(info.session).filter((e) => e.kind === 'chat');
    expect(recorded.map((e) => [e.seat, e.audience, e.data.text])).toEqual(texts.slice(0, 3).map((text) => ['p1', 'public', text]));
  });

  it('a malformed chat message is refused with BAD_MESSAGE: the sender stays, it reaches nobody and is not recorded', async () => {
    const info = await createSession(t, chatSpec({ channels: ['public', 'private'] }, 2));
    const { room: q0 } = await joinSeat(t, info.seats[0]?.code as string);
    const { room: q1 } = await joinSeat(t, info.seats[1]?.code as string);
    const text = `MALFORMED-${nonce()}`;
    expect(await rejection(q0, 'chat', { channel: 'shout', text })).toMatchObject({ for: 'chat', code: 'BAD_MESSAGE' });
    await sleep(100);
    expect(q0.connection.isOpen).toBe(true);
    expect(containsText(bytes(q1), text)).toBe(false);
    expect(t.server.ledger.events(info.session).some((e) => e.kind === 'chat')).toBe(false);
    // The room goes on for everyone, the sender included.
    const fine = `FINE-${nonce()}`;
    q0.send('chat', { channel: 'public', text: fine });
    await waitFor(() => chatsWith(q1, fine).length === 1, 3000, "q1's chat");
  });

  it('a session without chat refuses even public messages', async () => {
    const info = await createSession(t, chatSpec({ channels: [] }, 2));
    const { room } = await joinSeat(t, info.seats[0]?.code as string);
    expect(await rejection(room, 'chat', { channel: 'public', text: 'anyone?' })).toMatchObject({ for: 'chat', code: 'NO_CHANNEL' });
    expect(t.server.ledger.events(info.session).some((e) => e.kind === 'chat')).toBe(false);
  });
});
