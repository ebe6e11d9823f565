import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { editDistance, nearestName, strictObject, tooDeep, unknownKeysMessage } from './config.ts';

describe('unknown config keys', () => {
  it('count a swap of neighbouring letters as one edit', () => {
    expect(editDistance('peroids', 'periods')).toBe(1);
    expect(editDistance('reserv', 'reserve')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('suggest the nearest valid name, ignoring case, and nothing when none is close', () => {
    const names = ['rounds', 'reserve', 'reveal', 'revealSchedules'];
    expect(nearestName('revealSchedule', names)).toBe('revealSchedules');
    expect(nearestName('RESERVE', names)).toBe('reserve');
    expect(nearestName('colour', names)).toBeNull();
    expect(nearestName('grace', ['policy', 'graceSeconds'])).toBe('graceSeconds');
    expect(nearestName('round', ['rounds', 'roundMs', 'reserve'])).toBe('rounds');
    expect(nearestName('rou', ['roundMs', 'rounds'])).toBeNull();
  });

  it('are refused with the suggestion, or with the valid keys when nothing is close', () => {
    const schema = strictObject({ periods: z.number().default(3), reserve: z.number().default(0) });
    expect(schema.safeParse({ peroids: 5 }).error?.issues).toEqual([expect.objectContaining({ code: 'unrecognized_keys', path: [], message: 'unknown key `peroids`; did you mean `periods`?' })]);
    expect(unknownKeysMessage(['peroids', 'colour'], ['periods', 'reserve'])).toBe('unknown keys `peroids` (did you mean `periods`?), `colour`; the keys here are periods, reserve');
    expect(schema.parse({})).toEqual({ periods: 3, reserve: 0 });
  });
});

describe('tooDeep', () => {
  it('finds where a value nests past the limit, without running out of stack', () => {
    expect(tooDeep({ a: [{ b: 1 }], c: 'x' }, 3)).toBeNull();
    expect(tooDeep({ a: [{ b: {} }] }, 3)).toEqual(['a', 0, 'b']);
    const deep = JSON.parse(`${'['.repeat(200_000)}${']'.repeat(200_000)}`) as unknown;
    expect(tooDeep(deep)).toHaveLength(32);
  });
});
