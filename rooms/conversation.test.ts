import { describe, expect, it } from 'vitest';
import { Conversation, chatText, type Delivery } from './conversation.ts';
import type { Communication } from '../mechanisms/core/policy.ts';

const policy = (over: Partial<Communication> = {}): Communication => ({ channels: ['public', 'private', 'coalition'], maxLength: 50, ratePerMinute: 5, delayMs: 0, monitored: true, ...over });
const seats = ['p0', 'p1', 'p2', 'p3'];
const ok = (r: unknown): Delivery => {
  expect(r).toMatchObject({ ok: true });
  return r as Delivery;
};

describe('Conversation', () => {
  it('delivers public chat to everyone and private chat to the two parties only', () => {
    const c = new Conversation(policy(), seats);
    expect(ok(c.chat('p0', { channel: 'public', text: 'hi' }, 0)).audience).toBe('public');
    expect(ok(c.chat('p0', { channel: 'private', to: 'p2', text: 'psst' }, 0)).audience).toEqual(['p0', 'p2']);
    expect(c.chat('p0', { channel: 'private', to: 'p0', text: 'me' }, 0)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(c.chat('p0', { channel: 'private', to: 'p9', text: 'who' }, 0)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });

  it('refuses channels the policy does not open, and messages that are too long', () => {
    const c = new Conversation(policy({ channels: ['public'] }), seats);
    expect(c.chat('p0', { channel: 'private', to: 'p1', text: 'x' }, 0)).toMatchObject({ ok: false, code: 'NO_CHANNEL' });
    expect(c.coalition('p0', { op: 'invite', to: 'p1' }, 0)).toMatchObject({ ok: false, code: 'NO_CHANNEL' });
    expect(c.chat('p0', { channel: 'public', text: 'x'.repeat(51) }, 0)).toMatchObject({ ok: false, code: 'TOO_LARGE' });
  });

  it('limits the rate per seat and refills over time', () => {
    const c = new Conversation(policy({ ratePerMinute: 3 }), seats);
    for (let i = 0; i < 3; i++) ok(c.chat('p0', { channel: 'public', text: 'a' }, 1000));
    expect(c.chat('p0', { channel: 'public', text: 'a' }, 1000)).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
    ok(c.chat('p1', { channel: 'public', text: 'a' }, 1000));
    ok(c.chat('p0', { channel: 'public', text: 'a' }, 1000 + 20_000));
  });

  it('forms coalitions by invitation and acceptance, each change to its audience', () => {
    const c = new Conversation(policy({ ratePerMinute: 100 }), seats);
    const invite = ok(c.coalition('p0', { op: 'invite', to: 'p1' }, 0));
    const id = invite.data.coalition as string;
    expect(invite.audience).toEqual(['p0', 'p1']);
    expect(c.chat('p1', { channel: 'coalition', coalition: id, text: 'in?' }, 0)).toMatchObject({ ok: false, code: 'NO_SUCH_COALITION' });
    expect(ok(c.coalition('p1', { op: 'accept', coalition: id }, 0)).data.members).toEqual(['p0', 'p1']);
    expect(ok(c.chat('p1', { channel: 'coalition', coalition: id, text: 'in' }, 0)).audience).toEqual(['p0', 'p1']);
    expect(c.coalition('p2', { op: 'accept', coalition: id }, 0)).toMatchObject({ ok: false, code: 'NO_SUCH_COALITION' });
    ok(c.coalition('p1', { op: 'invite', to: 'p2', coalition: id }, 0));
    expect(ok(c.coalition('p2', { op: 'decline', coalition: id }, 0)).data.members).toEqual(['p0', 'p1']);
    expect(c.coalition('p1', { op: 'dissolve', coalition: id }, 0)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(ok(c.coalition('p1', { op: 'leave', coalition: id }, 0)).audience).toEqual(['p0', 'p1']);
    expect(c.chat('p1', { channel: 'coalition', coalition: id, text: 'back?' }, 0)).toMatchObject({ ok: false, code: 'NO_SUCH_COALITION' });
    ok(c.coalition('p0', { op: 'dissolve', coalition: id }, 0));
    expect(c.chat('p0', { channel: 'coalition', coalition: id, text: 'x' }, 0)).toMatchObject({ ok: false, code: 'NO_SUCH_COALITION' });
  });

  it('spends the rate allowance only on accepted messages: refused attempts cost nothing', () => {
    const c = new Conversation(policy({ ratePerMinute: 2, channels: ['public', 'private', 'coalition'] }), seats);
    for (let i = 0; i < 10; i++) {
      expect(c.chat('p0', { channel: 'private', to: 'p9', text: 'who' }, 0)).toMatchObject({ code: 'FORBIDDEN' });
      expect(c.chat('p0', { channel: 'public', text: 'x'.repeat(51) }, 0)).toMatchObject({ code: 'TOO_LARGE' });
      expect(c.chat('p0', { channel: 'coalition', coalition: 'c42', text: 'hi' }, 0)).toMatchObject({ code: 'NO_SUCH_COALITION' });
      expect(c.coalition('p0', { op: 'accept', coalition: 'c42' }, 0)).toMatchObject({ code: 'NO_SUCH_COALITION' });
      expect(c.coalition('p0', { op: 'invite', to: 'p0' }, 0)).toMatchObject({ code: 'FORBIDDEN' });
    }
    ok(c.chat('p0', { channel: 'public', text: 'one' }, 0));
    ok(c.coalition('p0', { op: 'invite', to: 'p1' }, 0));
    expect(c.chat('p0', { channel: 'public', text: 'three' }, 0)).toMatchObject({ code: 'RATE_LIMITED' });
    // A rate-limited op changes nothing: no coalition was founded.
    expect(c.coalition('p0', { op: 'invite', to: 'p2' }, 0)).toMatchObject({ code: 'RATE_LIMITED' });
    const none = new Conversation(policy({ channels: ['public'] }), seats);
    for (let i = 0; i < 10; i++) expect(none.chat('p0', { channel: 'private', to: 'p1', text: 'x' }, 0)).toMatchObject({ code: 'NO_CHANNEL' });
    ok(none.chat('p0', { channel: 'public', text: 'still fine' }, 0));
  });

  it('answers an outsider the same for a coalition that exists and one that does not', () => {
    const c = new Conversation(policy({ ratePerMinute: 100 }), seats);
    const id = ok(c.coalition('p0', { op: 'invite', to: 'p1' }, 0)).data.coalition as string;
    const other = id === 'c1' ? 'c2' : 'c1';
    for (const op of ['accept', 'decline', 'leave', 'dissolve'] as const) expect(c.coalition('p2', { op, coalition: id }, 0), op).toEqual(c.coalition('p2', { op, coalition: other }, 0));
    expect(c.coalition('p2', { op: 'invite', to: 'p3', coalition: id }, 0)).toEqual(c.coalition('p2', { op: 'invite', to: 'p3', coalition: other }, 0));
    expect(c.chat('p2', { channel: 'coalition', coalition: id, text: 'x' }, 0)).toEqual(c.chat('p2', { channel: 'coalition', coalition: other, text: 'x' }, 0));
  });

  it('strips bidi overrides, isolates and control characters but tab and newline; refuses what has nothing visible left', () => {
    expect(chatText('\u202Aa\u202Bb\u202Cc\u202Dd\u202Ee\u2066f\u2067g\u2068h\u2069i')).toBe('abcdefghi');
    expect(chatText('a\u0000b\u0007c\u001bd\u007fe\u0085f\u009fg')).toBe('abcdefg');
    expect(chatText('one\r\ntwo\rthree\n\tfour')).toBe('one\ntwo\nthree\n\tfour');
    expect(chatText('\u05E9\u05DC\u05D5\u05DD\u200F 42 \u200E\u061C')).toBe('\u05E9\u05DC\u05D5\u05DD\u200F 42 \u200E\u061C');
    expect(chatText('🏳️‍🌈 ok')).toBe('🏳️‍🌈 ok');
    for (const empty of ['\u202E', '\u2066\u2069\u0000', ' \t\n ', '\u200F\u200B\uFEFF']) expect(chatText(empty), JSON.stringify(empty)).toBeNull();
    const c = new Conversation(policy({ ratePerMinute: 1, maxLength: 5 }), seats);
    expect(c.chat('p0', { channel: 'public', text: '\u202E\u0007' }, 0)).toMatchObject({ ok: false, code: 'BAD_MESSAGE' });
    // The length counts the text as delivered; a refused message spends no allowance.
    expect(ok(c.chat('p0', { channel: 'public', text: '\u202Eabcde\u202C' }, 0)).data.text).toBe('abcde');
  });

  it('draws coalition ids at random: they match the protocol and do not count the coalitions', () => {
    const ids = new Set<string>();
    for (let run = 0; run < 20; run++) {
      const c = new Conversation(policy({ ratePerMinute: 100 }), seats);
      const id = ok(c.coalition('p0', { op: 'invite', to: 'p1' }, 0)).data.coalition as string;
      expect(id).toMatch(/^c\d{1,6}$/);
      ids.add(id);
      const second = ok(c.coalition('p2', { op: 'invite', to: 'p3' }, 0)).data.coalition as string;
      expect(second).not.toBe(id);
    }
    // The first coalition of twenty sessions: not always the same id.
    expect(ids.size).toBeGreaterThan(15);
  });
});
