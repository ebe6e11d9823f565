import { describe, expect, it } from 'vitest';
import { mergeConfig, resolveStudy, StudyError } from './spec.ts';

const base = { name: 's', mechanism: 'first-price', seats: [{ policy: 'truthful', count: 3 }] };

function issuesOf(raw: unknown): { path: string; message: string }[] {
  try {
    resolveStudy(raw);
  } catch (error) {
    if (error instanceof StudyError) return [...error.issues];
    throw error;
  }
  throw new Error('expected the study to be rejected');
}

describe('study validation', () => {
  it('resolves a minimal study with defaults and a baseline treatment', () => {
    const r = resolveStudy(base);
    expect(r.mechanism.id).toBe('first-price');
    expect(r.study.episodes).toBe(100);
    expect(r.treatments.map((t) => t.name)).toEqual(['baseline']);
    expect(r.treatments[0]?.seats.map((s) => s.seat)).toEqual(['p0', 'p1', 'p2']);
    expect((r.treatments[0]?.config as { reveal: string }).reveal).toBe('winningPrice');
  });

  it('names the path of a bad field in a treatment config', () => {
    const issues = issuesOf({ ...base, treatments: [{ name: 'a' }, { name: 'b', config: { reserve: -5 } }] });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('treatments[1].config.reserve');
  });

  it('names the path of a bad field in the base config and in the study shape', () => {
    expect(issuesOf({ ...base, config: { reveal: 'everything' } })[0]?.path).toBe('config.reveal');
    expect(issuesOf({ ...base, episodes: 0 })[0]?.path).toBe('episodes');
    expect(issuesOf({ ...base, seats: [{ policy: 'truthful', count: 'three' }] })[0]?.path).toBe('seats[0].count');
    expect(issuesOf({ ...base, extra: 1 })[0]?.message).toMatch(/extra/);
  });

  it('refuses unknown keys at every level of the study, naming the nearest valid key', () => {
    const near = (path: string, key: string, meant: string) => ({ path, message: `unknown key \`${key}\`; did you mean \`${meant}\`?` });
    expect(issuesOf({ ...base, episods: 5 })).toEqual([near('', 'episods', 'episodes')]);
    expect(issuesOf({ ...base, config: { reserv: 50 } })).toEqual([near('config', 'reserv', 'reserve')]);
    expect(issuesOf({ ...base, config: { values: { kind: 'uniform', low: 0, high: 100, hihg: 100 } } })).toEqual([near('config.values', 'hihg', 'high')]);
    expect(issuesOf({ ...base, mechanism: 'double-auction', seats: [{ policy: 'zi-c', count: 8 }], config: { peroids: 2 } })).toEqual([near('config', 'peroids', 'periods')]);
    expect(issuesOf({ ...base, mechanism: 'double-auction', seats: [{ policy: 'zi-c', count: 8 }], config: { revealSchedule: 'never' } })).toEqual([near('config', 'revealSchedule', 'revealSchedules')]);
    // A treatment's own misspelling is reported at the treatment, once.
    expect(issuesOf({ ...base, treatments: [{ name: 'a' }, { name: 'b', config: { reveal: 'allBids', reserv: 5 } }] })).toEqual([near('treatments[1].config', 'reserv', 'reserve')]);
    // The study's misspelling is reported at the study's config, once, whatever the treatments bring.
    expect(issuesOf({ ...base, config: { reserv: 5 }, treatments: [{ name: 'a' }, { name: 'b', config: { reveal: 'allBids' } }] })).toEqual([near('config', 'reserv', 'reserve')]);
    expect(issuesOf({ ...base, seats: [{ policy: 'truthful', cuont: 3 }] })).toEqual([near('seats[0]', 'cuont', 'count')]);
    expect(issuesOf({ ...base, treatments: [{ name: 'a', seat: [] }] })).toEqual([near('treatments[0]', 'seat', 'seats')]);
    expect(issuesOf({ ...base, output: { event: true } })).toEqual([near('output', 'event', 'events')]);
    expect(issuesOf({ ...base, clock: { stepMS: 5 } })).toEqual([near('clock', 'stepMS', 'stepMs')]);
    expect(issuesOf({ ...base, llm: { cach: { mode: 'off' } } })).toEqual([near('llm', 'cach', 'cache')]);
    expect(issuesOf({ ...base, llm: { cache: { mdoe: 'off' } } })).toEqual([near('llm.cache', 'mdoe', 'mode')]);
    expect(issuesOf({ ...base, seats: [{ policy: 'llm', count: 3, params: { temprature: 0.5 } }] })).toEqual([near('seats[0].params', 'temprature', 'temperature')]);
    expect(issuesOf({ ...base, seats: [{ policy: 'llm', count: 3, params: { agent: { typ: 'honest' } } }] })).toEqual([near('seats[0].params.agent', 'typ', 'type')]);
  });

  it('rejects unknown mechanisms and policies, and policies for another mechanism', () => {
    expect(issuesOf({ ...base, mechanism: 'japanese-auction' })[0]).toMatchObject({ path: 'mechanism', message: expect.stringMatching(/first-price@1/) });
    expect(issuesOf({ ...base, seats: [{ policy: 'genius', count: 3 }] })[0]).toMatchObject({ path: 'seats[0].policy', message: expect.stringMatching(/unknown policy/) });
  });

  it('validates policy params with their own schema', () => {
    const issues = issuesOf({ ...base, seats: [{ policy: 'shader', params: { fraction: 7 }, count: 3 }] });
    expect(issues[0]?.path).toBe('seats[0].params.fraction');
    expect(issuesOf({ ...base, seats: [{ policy: 'shader', params: { fractoin: 0.5 }, count: 3 }] })[0]?.path).toBe('seats[0].params');
  });

  it('checks the seat count against the mechanism', () => {
    expect(issuesOf({ ...base, seats: [{ policy: 'truthful', count: 1 }] })[0]).toMatchObject({ path: 'seats', message: expect.stringMatching(/2 to 1000 seats/) });
  });

  it('rejects duplicate treatment names and bad roles', () => {
    expect(issuesOf({ ...base, treatments: [{ name: 'a' }, { name: 'a' }] })[0]?.path).toBe('treatments[1].name');
    expect(issuesOf({ ...base, seats: [{ policy: 'truthful', count: 3, role: 'buyer' }] })[0]?.path).toBe('seats[0].role');
  });

  it('lets a treatment replace the seats', () => {
    const r = resolveStudy({ ...base, treatments: [{ name: 'a' }, { name: 'b', seats: [{ policy: 'equilibrium', count: 2 }, { policy: 'shader', count: 2, params: { fraction: 0.5 } }] }] });
    expect(r.treatments[1]?.seats.map((s) => `${s.seat}:${s.policy}`)).toEqual(['p0:equilibrium', 'p1:equilibrium', 'p2:shader', 'p3:shader']);
    expect(r.treatments[1]?.seats[2]?.params).toEqual({ fraction: 0.5 });
  });
});

describe('mergeConfig', () => {
  it('merges objects key by key and replaces everything else', () => {
    expect(mergeConfig({ a: 1, b: { c: 2, d: 3 }, e: [1, 2] }, { b: { d: 4 }, e: [9] })).toEqual({ a: 1, b: { c: 2, d: 4 }, e: [9] });
    expect(mergeConfig({ a: 1 }, {})).toEqual({ a: 1 });
  });
});
