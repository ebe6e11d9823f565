import { describe, expect, it } from 'vitest';
import { openMatch, refusalData, REFUSAL_KEPT_BYTES, type MatchEntry } from './match.ts';
import { replay } from './replay.ts';
import { hashOf } from './hash.ts';
import { firstPrice } from '../first-price/index.ts';
import { findMechanism } from '../registry.ts';

describe('refusals in the record', () => {
  it('keep a small action whole and a large one as its size and fingerprint only; replay verifies both records', () => {
    const entries: MatchEntry[] = [];
    const match = openMatch(firstPrice, { config: { rounds: 2, bidStep: 1 }, seats: 2, seed: 3 }, (e) => entries.push(e));
    const big = { type: 'bid', amount: -1, pad: Array.from({ length: 4 }, () => 'x'.repeat(500)) };
    expect(match.submit('p0', 0, { type: 'bid', amount: -5 }, 1).ok).toBe(false);
    expect(match.submit('p0', 0, big, 2).ok).toBe(false);
    expect(match.submit('p0', 0, { type: 'bid', amount: 10 }, 3).ok).toBe(true);
    const [small, large] = entries.filter((e) => e.kind === 'rejection');
    expect(small?.data).toMatchObject({ code: 'OUT_OF_RANGE', type: 'bid', action: { type: 'bid', amount: -5 } });
    expect(large?.data).toMatchObject({ code: expect.any(String), type: 'bid', digest: hashOf(big) });
    expect(large?.data.bytes as number).toBeGreaterThan(REFUSAL_KEPT_BYTES);
    expect(large?.data).not.toHaveProperty('action');
    expect(JSON.stringify(entries)).not.toContain('xxxx');
    expect(replay(findMechanism, entries)).toMatchObject({ ok: true, hash: match.hash() });
  });

  it('a kept refusal that replay would now accept is caught', () => {
    const entries: MatchEntry[] = [];
    const match = openMatch(firstPrice, { config: { rounds: 2, bidStep: 1 }, seats: 2, seed: 3 }, (e) => entries.push(e));
    match.submit('p0', 0, { type: 'bid', amount: -5 }, 1);
    const forged = entries.map((e) => (e.kind === 'rejection' ? { ...e, data: { ...e.data, action: { type: 'bid', amount: 5 } } } : e));
    expect(replay(findMechanism, forged)).toMatchObject({ ok: false, problem: expect.stringMatching(/now accepted/) });
  });

  it('fingerprint an action with no JSON form by its text', () => {
    expect(refusalData(0, undefined, 'INVALID_ACTION', 'no action')).toMatchObject({ bytes: 4, type: null, action: null });
  });
});
