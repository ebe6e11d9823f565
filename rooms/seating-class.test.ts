import { describe, expect, it } from 'vitest';
import { Seating, type JoinRequest, type SeatingLimits } from './seating.ts';
import type { SeatAssignment } from './session.ts';

const seat = (id: string, role: string, kind: 'human' | 'bot' = 'human'): SeatAssignment => ({ seat: id, role, plan: 0, kind, policy: kind === 'bot' ? 'zi-c' : null, params: {} });
const seats = [seat('p0', 'buyer'), seat('p1', 'buyer'), seat('p2', 'seller'), seat('p3', 'seller', 'bot')];
const limits: SeatingLimits = { spectators: 4, spectatorsPerAddress: 2, experimenters: 1, joinMs: 1000 };
const player = (id: string, bot = false): JoinRequest => ({ session: 's1', role: 'player', seat: id, bot, address: 'a' });

describe('Seating for the class link', () => {
  it('hands each free human seat out once, by role when asked, and keeps it for a while', () => {
    const s = new Seating('s1', seats, { standIn: false, limits });
    expect(s.classSeats(0)).toEqual({ total: 3, taken: 0, roles: [{ role: 'buyer', total: 2, free: 2 }, { role: 'seller', total: 1, free: 1 }] });
    expect(s.reserveFree('seller', 0)).toBe('p2');
    expect(s.reserveFree('seller', 0)).toBeNull();
    expect(s.reserveFree(null, 0)).toBe('p0');
    expect(s.reserveFree(null, 0)).toBe('p1');
    expect(s.reserveFree(null, 0)).toBeNull();
    expect(s.classSeats(0)).toMatchObject({ taken: 3 });
    // A seat handed out but never taken comes free again.
    expect(s.reserveFree(null, 11_999)).toBeNull();
    expect(s.reserveFree(null, 12_000)).toBe('p0');
  });

  it('never hands out a seat a person has held: it is theirs to come back to', () => {
    const s = new Seating('s1', seats, { standIn: false, limits });
    s.admit(player('p0'), 't1', 0);
    s.arrive(player('p0'), 't1', 0);
    s.left('t1');
    expect(s.reserveFree('buyer', 10)).toBe('p1');
    expect(s.reserveFree('buyer', 10)).toBeNull();
  });

  it('lets a person take their seat back from the dropout bot only when dropouts are replaced', () => {
    for (const reclaim of [true, false]) {
      const s = new Seating('s1', seats, { standIn: false, reclaim, limits });
      s.admit(player('p0'), 't1', 0);
      s.arrive(player('p0'), 't1', 0);
      s.left('t1');
      s.admit(player('p0', true), 'bot', 1);
      s.arrive(player('p0', true), 'bot', 1);
      const back = s.admit(player('p0'), 't2', 2);
      if (reclaim) expect(back).toMatchObject({ ok: true, claim: true });
      else expect(back).toMatchObject({ ok: false, code: 'SEAT_TAKEN' });
    }
  });
});
