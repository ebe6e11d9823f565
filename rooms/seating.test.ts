import { describe, expect, it } from 'vitest';
import { Seating, type JoinRequest, type SeatingLimits } from './seating.ts';
import type { SeatAssignment } from './session.ts';

const seats: SeatAssignment[] = [
  { seat: 'p0', role: 'bidder', plan: 0, kind: 'human', policy: null, params: {} },
  { seat: 'p1', role: 'bidder', plan: 1, kind: 'bot', policy: 'truthful', params: {} },
];
const limits: SeatingLimits = { spectators: 4, spectatorsPerAddress: 2, experimenters: 1, joinMs: 1000 };
const ask = (role: JoinRequest['role'], seat = '-', extra: Partial<JoinRequest> = {}): JoinRequest => ({ session: 's1', role, seat, bot: false, address: 'a', ...extra });

describe('Seating', () => {
  it('grants a free seat once: a second join is refused while the first is under way, connected or in its grace period', () => {
    const s = new Seating('s1', seats, { standIn: false, limits });
    expect(s.admit(ask('player', 'p0'), 't1', 0)).toMatchObject({ ok: true, seat: 'p0' });
    expect(s.admit(ask('player', 'p0'), 't2', 1)).toMatchObject({ ok: false, code: 'SEAT_TAKEN' });
    expect(s.arrive(ask('player', 'p0'), 't1', 2)).toMatchObject({ ok: true, replaces: null });
    expect(s.admit(ask('player', 'p0'), 't3', 3)).toMatchObject({ ok: false, status: 409, code: 'SEAT_TAKEN' });
    s.dropped('t1', 30_003);
    expect(s.admit(ask('player', 'p0'), 't4', 10_003)).toMatchObject({ ok: false, code: 'SEAT_HELD', message: expect.stringMatching(/20 s/) });
    s.reconnected('t1');
    expect(s.holderOf('p0')).toMatchObject({ client: 't1', state: 'connected' });
    expect(s.left('t1')).toBe(true);
    expect(s.admit(ask('player', 'p0'), 't5', 10_004)).toMatchObject({ ok: true });
  });

  it('a grant nobody follows up expires; wrong sessions and unknown seats are refused', () => {
    const s = new Seating('s1', seats, { standIn: false, limits });
    s.admit(ask('player', 'p0'), 't1', 0);
    expect(s.admit(ask('player', 'p0'), 't2', 999)).toMatchObject({ ok: false });
    expect(s.admit(ask('player', 'p0'), 't2', 1000)).toMatchObject({ ok: true });
    expect(s.admit(ask('player', 'p9'), 't3', 0)).toMatchObject({ ok: false, status: 403, code: 'NO_SUCH_SEAT' });
    expect(s.admit(ask('player', 'p0', { session: 's2' }), 't3', 0)).toMatchObject({ ok: false, code: 'WRONG_SESSION' });
  });

  it('counts spectators (joining or connected) in places of their own, per address too, and experimenters apart', () => {
    const s = new Seating('s1', seats, { standIn: false, limits });
    expect(s.admit(ask('spectator'), 'a1', 0).ok).toBe(true);
    expect(s.admit(ask('spectator'), 'a2', 0).ok).toBe(true);
    expect(s.admit(ask('spectator'), 'a3', 0)).toMatchObject({ ok: false, status: 429 });
    s.arrive(ask('spectator'), 'a1', 1);
    expect(s.admit(ask('spectator'), 'a3', 1)).toMatchObject({ ok: false, status: 429 });
    for (const [i, address] of ['b', 'c'].entries()) expect(s.admit(ask('spectator', '-', { address }), `x${i}`, 1).ok).toBe(true);
    expect(s.admit(ask('spectator', '-', { address: 'd' }), 'x3', 1)).toMatchObject({ ok: false, status: 503, code: 'FULL' });
    // Spectators never take a player's or the experimenter's place.
    expect(s.admit(ask('player', 'p0'), 'p', 1).ok).toBe(true);
    expect(s.admit(ask('experimenter'), 'e1', 1).ok).toBe(true);
    expect(s.admit(ask('experimenter'), 'e2', 1)).toMatchObject({ ok: false, code: 'FULL' });
    s.left('a1');
    expect(s.admit(ask('spectator', '-', { address: 'd' }), 'x4', 2).ok).toBe(true);
  });

  it('a stand-in session lets a person take a human seat over from its bot, not another bot, and never a bot seat', () => {
    const s = new Seating('s1', seats, { standIn: true, limits });
    s.admit(ask('player', 'p0', { bot: true }), 'bot0', 0);
    s.arrive(ask('player', 'p0', { bot: true }), 'bot0', 0);
    expect(s.admit(ask('player', 'p0', { bot: true }), 'bot1', 1)).toMatchObject({ ok: false, code: 'SEAT_TAKEN' });
    expect(s.admit(ask('player', 'p0'), 'human', 1)).toMatchObject({ ok: true, claim: true });
    expect(s.arrive(ask('player', 'p0'), 'human', 2)).toMatchObject({ ok: true, claim: true, replaces: 'bot0' });
    expect(s.left('bot0')).toBe(false);
    s.admit(ask('player', 'p1', { bot: true }), 'bot2', 3);
    s.arrive(ask('player', 'p1', { bot: true }), 'bot2', 3);
    expect(s.admit(ask('player', 'p1'), 'h2', 4)).toMatchObject({ ok: false, code: 'SEAT_TAKEN' });
  });

  it('a release ends the hold: the next join takes the seat', () => {
    const s = new Seating('s1', seats, { standIn: false, limits });
    s.admit(ask('player', 'p0'), 't1', 0);
    s.arrive(ask('player', 'p0'), 't1', 0);
    s.dropped('t1', 60_000);
    expect(s.release('p0')).toBe('t1');
    expect(s.admit(ask('player', 'p0'), 't2', 1).ok).toBe(true);
    expect(s.left('t1')).toBe(false);
  });

  it('spectators are sent elsewhere when a mirror shows them the session', () => {
    const s = new Seating('s1', seats, { standIn: false, limits });
    s.spectatorsElsewhere = true;
    expect(s.admit(ask('spectator'), 'a', 0)).toMatchObject({ ok: false, code: 'DELAYED_SPECTATORS' });
  });
});
