import { describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../mechanisms/core/ledger.ts';
import { holdersByRound, policiesByRound } from './export.ts';

let seq = 0;
const event = (kind: string, seat: string | null, data: Record<string, unknown>, audience: LedgerEvent['audience'] = 'experimenter'): LedgerEvent =>
  ({ match: 's1', seq: ++seq, at: seq, kind, seat, audience, data, prev: '', hash: '' }) as unknown as LedgerEvent;

describe('holdersByRound', () => {
  it('says who held each seat in each round, and when it changed hands mid-round', () => {
    const holder = holdersByRound([
      event('seat_joined', 'p1', { holder: 'bot' }),
      event('round_record', null, { round: 1, rows: [] }),
      event('round_record', null, { round: 2, rows: [] }),
      event('seat_joined', 'p0', { holder: 'human' }),
      event('round_record', null, { round: 3, rows: [] }),
      event('round_record', null, { round: 4, rows: [] }),
      event('seat_replaced', 'p0', { from: 'human', to: 'zi-c' }),
      event('round_record', null, { round: 5, rows: [] }),
    ]);
    expect([1, 2, 3, 4, 5].map((r) => holder(r, 'p0'))).toEqual(['open', 'open', 'open>human', 'human', 'human>bot']);
    expect([1, 2, 3, 4, 5].map((r) => holder(r, 'p1'))).toEqual(['bot', 'bot', 'bot', 'bot', 'bot']);
    // A round still open at the end: the holders so far.
    expect(holder(6, 'p0')).toBe('bot');
  });
});

describe('policiesByRound', () => {
  it('names the bot policies that played each seat in each round, none for people', () => {
    const policy = policiesByRound([
      event('seat_joined', 'p0', { holder: 'bot', policy: 'llm' }),
      event('seat_joined', 'p1', { holder: 'bot', agent: 'bot:zi-c' }),
      event('seat_joined', 'p2', { holder: 'human' }),
      event('round_record', null, { round: 1, rows: [] }),
      event('seat_replaced', 'p2', { from: 'human', to: 'zi-c' }),
      event('round_record', null, { round: 2, rows: [] }),
    ]);
    expect([1, 2].map((r) => policy(r, 'p0'))).toEqual(['llm', 'llm']);
    expect([1, 2].map((r) => policy(r, 'p1'))).toEqual(['zi-c', 'zi-c']);
    expect([1, 2].map((r) => policy(r, 'p2'))).toEqual(['', 'zi-c']);
  });
});
