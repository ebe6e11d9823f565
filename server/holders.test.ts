import { describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../mechanisms/core/ledger.ts';
import { holderName, holderStints, stintOfRound } from './holders.ts';

let seq = 0;
const event = (kind: string, seat: string | null, data: Record<string, unknown>): LedgerEvent => ({ match: 's1', seq: ++seq, at: seq * 10, kind, seat, audience: 'experimenter', data, prev: '', hash: '' }) as unknown as LedgerEvent;
const round = (n: number, payoffs: Record<string, number>) => event('round_record', null, { round: n, rows: Object.entries(payoffs).map(([seat, payoff]) => ({ round: n, seat, role: 'buyer', fields: {}, payoff, outside: 0 })) });

describe('holderStints', () => {
  it("splits a seat's earnings between the person, the bot that replaced them, and the person who came back", () => {
    seq = 0;
    const record = [
      event('seat_joined', 'p0', { holder: 'human', client: 'human:web' }),
      event('participant', 'p0', { nickname: 'Ada', label: 'S123', fields: { PROLIFIC_PID: 'abc' } }),
      event('seat_joined', 'p1', { holder: 'bot', policy: 'zi-c' }),
      round(1, { p0: 5, p1: 2 }),
      // A reload: the same person, the same stint.
      event('seat_dropped', 'p0', { code: 1006 }),
      event('seat_left', 'p0', { holder: 'human' }),
      event('seat_joined', 'p0', { holder: 'human', client: 'human:web' }),
      event('participant', 'p0', { nickname: 'Ada', label: 'S123', fields: { PROLIFIC_PID: 'abc' } }),
      round(2, { p0: 7, p1: 1 }),
      event('seat_left', 'p0', { holder: 'human' }),
      event('seat_replaced', 'p0', { from: 'human', to: 'random', params: {} }),
      event('seat_joined', 'p0', { holder: 'bot', policy: 'random' }),
      round(3, { p0: 3, p1: 4 }),
      event('seat_claimed', 'p0', { from: 'bot', policy: 'random', to: 'human' }),
      event('seat_joined', 'p0', { holder: 'human' }),
      event('participant', 'p0', { nickname: 'Ada', label: 'S123', fields: { PROLIFIC_PID: 'abc' } }),
      round(4, { p0: 10, p1: 0 }),
    ];
    const stints = holderStints(record);
    const p0 = stints.filter((s) => s.seat === 'p0');
    expect(p0.map((s) => [s.index, s.kind, s.policy, s.label, s.rounds, s.earnings])).toEqual([
      [0, 'human', null, 'S123', [1, 2], 12],
      [1, 'bot', 'random', null, [3], 3],
      [2, 'human', null, 'S123', [4], 10],
    ]);
    expect(p0[0]?.from).toEqual({ seq: 1, at: 10 });
    expect(p0[0]?.to).toEqual({ seq: record[10]?.seq, at: record[10]?.at });
    expect(p0[0]?.fields).toEqual({ PROLIFIC_PID: 'abc' });
    expect(p0[2]?.to).toBeNull();
    const p1 = stints.filter((s) => s.seat === 'p1');
    expect(p1.map((s) => [s.kind, s.policy, s.earnings])).toEqual([['bot', 'zi-c', 7]]);
    expect(stintOfRound(stints, 'p0', 3)?.policy).toBe('random');
    expect(holderName(stintOfRound(stints, 'p0', 4))).toBe('S123');
    expect(holderName(stintOfRound(stints, 'p0', 9))).toBe('');
  });

  it('starts a new stint when another person takes a released seat, and lists rounds nobody held', () => {
    seq = 0;
    const stints = holderStints([
      round(1, { p0: 1 }),
      event('seat_joined', 'p0', { holder: 'human' }),
      event('participant', 'p0', { nickname: 'Bo', label: null, fields: {} }),
      round(2, { p0: 2 }),
      event('seat_released', 'p0', { by: 'api', holder: 'human', connected: true }),
      event('seat_joined', 'p0', { holder: 'human' }),
      event('participant', 'p0', { nickname: 'Cy', label: null, fields: {} }),
      round(3, { p0: 4 }),
      event('seat_joined', 'p0', { holder: 'human' }),
      event('participant', 'p0', { nickname: 'Di', label: null, fields: {} }),
    ]);
    expect(stints.map((s) => [s.kind, s.nickname, s.rounds, s.earnings])).toEqual([
      ['open', null, [1], 1],
      ['human', 'Bo', [2], 2],
      ['human', 'Cy', [3], 4],
      ['human', 'Di', [], 0],
    ]);
    expect(stints[0]?.from.seq).toBe(-1);
    // The released seat's open time paid no round: no stint of its own, and Bo's ends at the release.
    expect(stints[1]?.to?.seq).toBe(5);
  });

  it('counts a person who gave no name as one stint across rejoins', () => {
    seq = 0;
    const stints = holderStints([event('seat_joined', 'p2', { holder: 'human' }), round(1, { p2: 1 }), event('seat_left', 'p2', { holder: 'human' }), event('seat_joined', 'p2', { holder: 'human' }), round(2, { p2: 1 })]);
    expect(stints.map((s) => [s.seat, s.kind, s.nickname, s.earnings])).toEqual([['p2', 'human', null, 2]]);
  });
});
