/**
 * The matching market against the textbook:
 * - Gale and Shapley (1962), "College Admissions and the Stability of Marriage", Amer. Math.
 *   Monthly 69(1):9–15: deferred acceptance ends in a stable matching, the proposing side's
 *   optimal one; their three-by-three example has exactly three stable matchings (each man
 *   his first choice, each woman hers, everyone their second), found here by brute force.
 * - Roth (1982), "The Economics of Matching: Stability and Incentives", Math. Oper. Res.
 *   7(4):617–628, and Dubins and Freedman (1981), "Machiavelli and the Gale-Shapley
 *   Algorithm", Amer. Math. Monthly 88(7):485–494: under student-proposing deferred
 *   acceptance no student gains by misreporting (every permutation tried, random instances).
 * - Abdulkadiroğlu and Sönmez (2003), "School Choice: A Mechanism Design Approach", AER
 *   93(3):729–747: the Boston mechanism is manipulable and its outcome may be unstable (a
 *   three-student instance where a student gains by ranking its second choice first, and
 *   whose truthful outcome has a blocking pair).
 * - Roth (1982) again: no stable rule is strategy-proof for both sides. With unit
 *   capacities, schools proposing leaves no school a profitable misreport, while under
 *   students proposing some school gains by reordering its priorities (found by search).
 * Then the engine's own rules: deadlines, truncated lists, fresh draws, ties, refusals, bots.
 */
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../tests/temp.ts';
import { resolveStudy } from '../../studies/spec.ts';
import { runStudy, type EpisodeResult } from '../../studies/runner.ts';
import { openMatch, type Match } from '../core/match.ts';
import { Rng } from '../core/random.ts';
import type { SeatId } from '../core/types.ts';
import { matching, type SeatView } from './index.ts';
import { matchingConfigSchema } from './config.ts';
import { blockingPairs, immediateAcceptance, maxTotalValue, orderByValue, schoolProposing, studentProposing, type Market } from './clearing.ts';
import { GALE_SHAPLEY_1962 } from './cases.ts';

/** Every assignment within capacities (each student a school or none). */
function allAssignments(n: number, capacities: readonly number[]): (number | null)[][] {
  let out: (number | null)[][] = [[]];
  for (let i = 0; i < n; i++) out = out.flatMap((a) => [null, ...capacities.map((_, j) => j)].map((j) => [...a, j]));
  return out.filter((a) => capacities.every((c, j) => a.filter((x) => x === j).length <= c));
}

/** Every matching stable under full true lists: no blocking pair. */
function stableMatchings(truth: number[][], priorities: number[][], capacities: number[]): (number | null)[][] {
  return allAssignments(truth.length, capacities).filter((a) => blockingPairs(truth, priorities, capacities, a).length === 0);
}

/** Where a student's school stands in its true order (0 best; unmatched after every school). */
const place = (truth: readonly number[], j: number | null | undefined): number => (j === null || j === undefined ? truth.length : truth.indexOf(j));

/** A random market of n students and m schools, capacities 1–2, full true lists. */
function randomMarket(rng: Rng, n: number, m: number): { truth: number[][]; priorities: number[][]; capacities: number[] } {
  const schools = Array.from({ length: m }, (_, j) => j);
  const students = Array.from({ length: n }, (_, i) => i);
  return { truth: students.map(() => rng.shuffle(schools)), priorities: schools.map(() => rng.shuffle(students)), capacities: schools.map(() => rng.int(1, 2)) };
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [items.slice()];
  return items.flatMap((x, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [x, ...rest]));
}

const gs = {
  truth: GALE_SHAPLEY_1962.given.students.map((o) => o.map((s) => 'ABC'.indexOf(s))),
  priorities: GALE_SHAPLEY_1962.given.priorities.map((o) => o.map((s) => Number(s.slice(1)))),
  capacities: [1, 1, 1],
};

/** Abdulkadiroğlu–Sönmez style Boston instance: two students want A, which gives p1 priority; p0 outranks p2 at B. */
const boston = {
  truth: [
    [0, 1, 2],
    [0, 1, 2],
    [1, 0, 2],
  ],
  priorities: [
    [1, 0, 2],
    [0, 2, 1],
    [0, 1, 2],
  ],
  capacities: [1, 1, 1],
};
const marketOf = (x: { truth: number[][]; priorities: number[][]; capacities: number[] }, lists = x.truth): Market => ({ lists, priorities: x.priorities, capacities: x.capacities });

describe('deferred acceptance against the textbook', () => {
  it("Gale and Shapley's example: exactly three stable matchings; students proposing give each student its first choice, schools proposing each school its first choice", () => {
    const stable = stableMatchings(gs.truth, gs.priorities, gs.capacities).map((a) => a.join(''));
    expect(stable.sort()).toEqual(['012', '120', '201']);
    expect(studentProposing(marketOf(gs))).toEqual([0, 1, 2]);
    expect(schoolProposing(marketOf(gs))).toEqual([2, 0, 1]);
    // The third: everyone's second choice (α–B, β–C, γ–A).
    expect(stable).toContain('120');
  });

  it('over random markets, both forms of deferred acceptance end stable; students proposing is the best stable matching for every student, schools proposing the worst', () => {
    const rng = new Rng(1962);
    for (let k = 0; k < 150; k++) {
      const x = randomMarket(rng, rng.int(2, 4), rng.int(2, 3));
      const byStudents = studentProposing(marketOf(x));
      const bySchools = schoolProposing(marketOf(x));
      expect(blockingPairs(x.truth, x.priorities, x.capacities, byStudents)).toEqual([]);
      expect(blockingPairs(x.truth, x.priorities, x.capacities, bySchools)).toEqual([]);
      for (const s of stableMatchings(x.truth, x.priorities, x.capacities)) {
        x.truth.forEach((truth, i) => {
          expect(place(truth, byStudents[i])).toBeLessThanOrEqual(place(truth, s[i]));
          expect(place(truth, bySchools[i])).toBeGreaterThanOrEqual(place(truth, s[i]));
        });
      }
    }
  });

  it('students proposing is strategy-proof: no permutation of a list improves a student against truthful others (Dubins and Freedman 1981, Roth 1982)', () => {
    const rng = new Rng(1981);
    let tried = 0;
    for (let k = 0; k < 120; k++) {
      const x = randomMarket(rng, rng.int(2, 4), rng.int(2, 4));
      const truthful = studentProposing(marketOf(x));
      x.truth.forEach((truth, i) => {
        for (const lie of permutations(truth)) {
          for (const length of [truth.length, 1]) {
            const lists = x.truth.map((t, h) => (h === i ? lie.slice(0, length) : t));
            expect(place(truth, studentProposing(marketOf(x, lists))[i])).toBeGreaterThanOrEqual(place(truth, truthful[i]));
            tried++;
          }
        }
      });
    }
    expect(tried).toBeGreaterThan(1000);
  });
});

describe('both sides reporting (Roth 1982)', () => {
  /** Where school j's admitted student stands in its true order (unit capacity; none after everyone). */
  const schoolPlace = (truth: readonly number[], assignment: readonly (number | null)[], j: number): number => {
    const i = assignment.indexOf(j);
    return i < 0 ? truth.length : truth.indexOf(i);
  };

  it('with unit capacities no school gains by misreporting when schools propose; when students propose, some school does', () => {
    const rng = new Rng(1982);
    let gains = 0;
    for (let k = 0; k < 120; k++) {
      const n = rng.int(2, 4);
      const x = randomMarket(rng, n, rng.int(2, 3));
      const market = { ...x, capacities: x.capacities.map(() => 1) };
      const honest = { school: schoolProposing(marketOf(market)), student: studentProposing(marketOf(market)) };
      market.priorities.forEach((truth, j) => {
        for (const lie of permutations(truth)) {
          const priorities = market.priorities.map((p, h) => (h === j ? lie : p));
          const lied = { lists: market.truth, priorities, capacities: market.capacities };
          expect(schoolPlace(truth, schoolProposing(lied), j)).toBeGreaterThanOrEqual(schoolPlace(truth, honest.school, j));
          if (schoolPlace(truth, studentProposing(lied), j) < schoolPlace(truth, honest.student, j)) gains++;
        }
      });
    }
    expect(gains).toBeGreaterThan(0);
  });
});

describe('the Boston mechanism against the textbook (Abdulkadiroğlu and Sönmez 2003)', () => {
  it('is manipulable: p0 truthful ends at its third choice, ranking its second choice first gets it', () => {
    expect(immediateAcceptance(marketOf(boston))).toEqual([2, 0, 1]);
    const lie = [[1, 0, 2], boston.truth[1] as number[], boston.truth[2] as number[]];
    expect(immediateAcceptance(marketOf(boston, lie))[0]).toBe(1);
    // Under deferred acceptance the same lie gains nothing: truthful p0 already gets B.
    expect(studentProposing(marketOf(boston))).toEqual([1, 0, 2]);
    expect(studentProposing(marketOf(boston, lie))[0]).toBe(1);
  });

  it('its truthful outcome can be unstable: p0 and B block (p0 prefers B, B gave its seat to p2 of lower priority)', () => {
    expect(blockingPairs(boston.truth, boston.priorities, boston.capacities, immediateAcceptance(marketOf(boston)))).toEqual([[0, 1]]);
  });

  it('gives first choices to as many students as can have them: every school is filled first by those who rank it first', () => {
    const rng = new Rng(2003);
    for (let k = 0; k < 100; k++) {
      const x = randomMarket(rng, rng.int(2, 5), rng.int(2, 4));
      const a = immediateAcceptance(marketOf(x));
      const firsts = a.filter((j, i) => j === x.truth[i]?.[0]).length;
      const possible = x.capacities.reduce((sum, c, j) => sum + Math.min(c, x.truth.filter((t) => t[0] === j).length), 0);
      expect(firsts).toBe(possible);
    }
  });
});

describe('clearing helpers', () => {
  it('the greatest total value equals a brute-force search over every assignment', () => {
    const rng = new Rng(7);
    for (let k = 0; k < 60; k++) {
      const n = rng.int(1, 4);
      const m = rng.int(1, 3);
      const values = Array.from({ length: n }, () => Array.from({ length: m }, () => Math.round(rng.float() * 1000) / 10));
      const capacities = Array.from({ length: m }, () => rng.int(1, 2));
      const best = Math.max(...allAssignments(n, capacities).map((a) => a.reduce<number>((s, j, i) => s + (j === null ? 0 : (values[i]?.[j] ?? 0)), 0)));
      expect(maxTotalValue(values, capacities)).toBeCloseTo(best, 9);
    }
  });

  it('equal values are ordered by school (a tie breaks toward the school listed first)', () => {
    expect(orderByValue([50, 70, 50, 70])).toEqual([1, 3, 0, 2]);
  });

  it('a truncated list leaves a student out though a school it did not list has a free seat: a blocking pair under the true preferences', () => {
    const market: Market = { lists: [[0], [0]], priorities: [[0, 1], [0, 1]], capacities: [1, 1] };
    for (const a of [studentProposing(market), schoolProposing(market), immediateAcceptance(market)]) {
      expect(a).toEqual([0, null]);
      expect(blockingPairs([[0, 1], [0, 1]], market.priorities, market.capacities, a)).toEqual([[1, 1]]);
    }
  });
});

const parse = (c: Record<string, unknown>) => matchingConfigSchema.parse(c);

/** Opens a match and submits each seat's list (school names), in seat order. */
function playLists(config: Record<string, unknown>, lists: readonly (readonly string[] | null)[][], seed = 1): Match {
  const seats = lists[0]?.length ?? 0;
  const match = openMatch(matching, { config, seats, seed });
  match.tick(0);
  for (const round of lists) {
    round.forEach((order, i) => {
      if (order === null) return;
      const r = match.submit(`p${i}` as SeatId, match.state.stateId, { type: 'rank', order }, match.now + 10);
      expect(r.ok, JSON.stringify(r)).toBe(true);
    });
    if (round.includes(null) && match.state.deadline !== null) match.tick(match.state.deadline);
  }
  return match;
}

const names = (order: readonly number[]) => order.map((j) => 'ABC'[j] as string);

describe('the engine', () => {
  it("plays Gale and Shapley's example: students proposing, every student at its first choice (mean rank 1) and every school at its last (3); schools proposing the reverse", () => {
    const truthful = gs.truth.map(names);
    const byStudents = playLists({ ...GALE_SHAPLEY_1962, rounds: 1 }, [truthful]);
    expect(byStudents.over).toBe(true);
    expect(byStudents.outcome().measures).toMatchObject({ blocking_pairs: 0, stable_share: 1, student_mean_rank: 1, school_mean_rank: 3, truthful_share: 1, unmatched: 0, efficiency: 1 });
    expect(byStudents.outcome().payoffs).toEqual({ p0: 100, p1: 100, p2: 100 });
    const bySchools = playLists({ ...GALE_SHAPLEY_1962, rule: 'school-da', rounds: 1 }, [truthful]);
    expect(bySchools.outcome().measures).toMatchObject({ blocking_pairs: 0, student_mean_rank: 3, school_mean_rank: 1 });
    const b = matching.benchmarks(parse(GALE_SHAPLEY_1962), 3);
    expect(b.student_optimal_mean_rank?.value).toBe(1);
    expect(b.student_optimal_blocking_pairs?.value).toBe(0);
    expect(b.truthful_dominant?.value).toBe(1);
  });

  it('plays the Boston instance: the manipulating student earns more, and truthful play shows a blocking pair to everyone', () => {
    const config = {
      rule: 'boston',
      rounds: 1,
      given: { students: boston.truth.map(names), priorities: boston.priorities.map((o) => o.map((i) => `p${i}`)) },
    };
    const truthful = playLists(config, [boston.truth.map(names)]);
    const lying = playLists(config, [[['B', 'A', 'C'], ...boston.truth.slice(1).map(names)]]);
    expect((lying.outcome().payoffs.p0 as number) > (truthful.outcome().payoffs.p0 as number)).toBe(true);
    expect(truthful.outcome().measures.blocking_pairs).toBe(1);
    expect((truthful.publicView() as { stats: { blockingPairs: number }[] }).stats[0]?.blockingPairs).toBe(1);
    expect(lying.outcome().measures.truthful_share).toBeCloseTo(2 / 3, 12);
    expect(matching.benchmarks(parse(config), 3).truthful_dominant?.value).toBe(0);
  });

  it('draws fresh values and priorities each round; correlation 1 gives every student the same order', () => {
    const match = openMatch(matching, { config: { rounds: 2, correlation: 1 }, seats: 3, seed: 9 });
    const before = match.view('p0') as SeatView;
    expect((match.view('p1') as SeatView).myTrueOrder).toEqual(before.myTrueOrder);
    for (const s of ['p0', 'p1', 'p2'] as SeatId[]) match.submit(s, match.state.stateId, { type: 'rank', order: ['A', 'B', 'C'] }, 10);
    const after = match.view('p0') as SeatView;
    expect(after.round).toBe(2);
    expect(after.myValues).not.toEqual(before.myValues);
    expect(after.history[0]?.school).not.toBeUndefined();
  });

  it('a deadline closes the round; a student without a list is left out and counted as missed', () => {
    const match = openMatch(matching, { config: { rounds: 2, roundMs: 1000 }, seats: 3, seed: 4 });
    match.tick(0);
    expect(match.state.deadline).toBe(1000);
    match.submit('p0', match.state.stateId, { type: 'rank', order: ['A', 'B', 'C'] }, 100);
    match.tick(1000);
    expect(match.progress().round).toBe(2);
    expect(match.state.deadline).toBe(2000);
    const mine = (match.view('p1') as SeatView).history[0];
    expect(mine).toMatchObject({ list: null, school: null, value: 0 });
    expect((match.view('p0') as SeatView).history[0]?.school).toBe('A');
    match.tick(2000);
    expect(match.over).toBe(true);
    expect(match.outcome().measures.missed_share).toBeCloseTo(5 / 6, 12);
    // Nobody submitted in round 2: an empty round, everyone unmatched.
    expect(match.outcome().measures.unmatched).toBe(2.5);
  });

  it('with maxList only the first schools of a list count, and the view says which', () => {
    const match = playLists({ maxList: 1, rounds: 1 }, [[['A', 'B', 'C'], ['A', 'C', 'B'], ['A', 'B', 'C']]]);
    const outcome = match.outcome();
    expect(outcome.measures.unmatched).toBe(2);
    const view = match.view('p1') as SeatView;
    expect(view.history[0]?.list).toEqual(['A']);
  });

  it('refuses a second list, a list that misses a school or names an unknown one, and lists out of turn', () => {
    const match = openMatch(matching, { config: {}, seats: 3, seed: 2 });
    match.tick(0);
    const id = match.state.stateId;
    expect(match.submit('p0', id, { type: 'rank', order: ['A', 'B'] }, 1)).toMatchObject({ ok: false, code: 'OUT_OF_RANGE' });
    expect(match.submit('p0', id, { type: 'rank', order: ['A', 'B', 'Z'] }, 1)).toMatchObject({ ok: false, code: 'OUT_OF_RANGE' });
    expect(match.submit('p0', id, { type: 'rank', order: ['A', 'A', 'B'] }, 1)).toMatchObject({ ok: false, code: 'OUT_OF_RANGE' });
    expect(match.submit('p0', id, { type: 'rank', order: ['C', 'B', 'A'] }, 1).ok).toBe(true);
    expect(match.submit('p0', match.state.stateId, { type: 'rank', order: ['A', 'B', 'C'] }, 2)).toMatchObject({ ok: false, code: 'NOT_YOUR_TURN' });
    expect(match.view('p0')).toMatchObject({ myList: ['C', 'B', 'A'] });
  });

  it('refuses configs that do not make a market: repeated school names, a list longer than the schools, given orders that miss someone', () => {
    expect(matchingConfigSchema.safeParse({ schools: [{ name: 'A' }, { name: 'A' }] }).success).toBe(false);
    expect(matchingConfigSchema.safeParse({ maxList: 4 }).success).toBe(false);
    const bad = { given: { students: [['A', 'B', 'C'], ['A', 'B']], priorities: [['p0', 'p1'], ['p1', 'p0'], ['p0', 'p1']] } };
    expect(matchingConfigSchema.safeParse(bad).error?.issues[0]?.path).toEqual(['given', 'students', 1]);
    const missing = { given: { students: [['A', 'B', 'C'], ['A', 'B', 'C']], priorities: [['p0', 'p1'], ['p1', 'p2'], ['p0', 'p1']] } };
    expect(matchingConfigSchema.safeParse(missing).error?.issues[0]?.path).toEqual(['given', 'priorities', 1]);
    expect(matching.seats(parse(GALE_SHAPLEY_1962))).toMatchObject({ min: 3, max: 3 });
  });

  it('a student sees its own values, true order and priorities; the public view holds no values', () => {
    const match = openMatch(matching, { config: {}, seats: 3, seed: 5 });
    const view = match.view('p0') as SeatView;
    expect(Object.keys(view.myValues)).toEqual(['A', 'B', 'C']);
    expect(view.myTrueOrder).toEqual(orderByValue(['A', 'B', 'C'].map((s) => view.myValues[s] as number)).map((j) => 'ABC'[j]));
    expect(Object.keys(view.myPriority ?? {})).toEqual(['A', 'B', 'C']);
    for (const k of Object.values(view.myPriority ?? {})) expect([1, 2, 3]).toContain(k);
    expect(view.role).toBe('student');
    const text = JSON.stringify(match.publicView());
    for (const v of Object.values(view.myValues)) expect(text).not.toContain(String(v));
  });
});

describe('schools as seats', () => {
  const gsPlaying = { ...GALE_SHAPLEY_1962, schoolsPlay: true, rounds: 1 };

  it('seats the schools after the students, one each, with their roles', () => {
    expect(matching.seats(parse({ schoolsPlay: true }))).toMatchObject({ min: 5, max: 19 });
    expect(matching.seats(parse({ schoolsPlay: true })).roles(6)).toEqual(['student', 'student', 'student', 'school', 'school', 'school']);
    expect(matching.seats(parse(gsPlaying)).min).toBe(6);
  });

  it("a school seat ranks the students, earns its values for those it admits, and keeps its priorities to itself: Gale and Shapley's example with the women playing", () => {
    const match = openMatch(matching, { config: gsPlaying, seats: 6, seed: 1 });
    const school = match.view('p3') as SeatView;
    expect(school).toMatchObject({ role: 'school', mySchool: 'A', myCapacity: 1, myTrueOrder: ['p1', 'p2', 'p0'] });
    expect(match.legal('p3')[0]?.params.order).toEqual({ kind: 'ranking', options: ['p0', 'p1', 'p2'] });
    expect((match.view('p0') as SeatView).myPriority).toBeNull();
    expect((match.publicView() as { priorities: unknown }).priorities).toBeNull();
    gs.truth.forEach((t, i) => match.submit(`p${i}` as SeatId, match.state.stateId, { type: 'rank', order: names(t) }, 10));
    for (const k of [3, 4, 5]) match.submit(`p${k}` as SeatId, match.state.stateId, { type: 'rank', order: (match.view(`p${k}` as SeatId) as SeatView).myTrueOrder }, 20);
    expect(match.over).toBe(true);
    // Students proposing: each student its first choice, each school its last (a third of 100).
    expect(match.outcome().payoffs).toEqual({ p0: 100, p1: 100, p2: 100, p3: 33.333333, p4: 33.333333, p5: 33.333333 });
    expect(match.outcome().measures).toMatchObject({ truthful_share: 1, school_truthful_share: 1, blocking_pairs: 0 });
    expect((match.view('p3') as SeatView).history[0]).toMatchObject({ school: 'A', admitted: ['p0'], value: 33.333333 });
  });

  it('a school seat without an order at the deadline admits nobody', () => {
    const match = openMatch(matching, { config: { schoolsPlay: true, schools: [{ name: 'A' }, { name: 'B' }], rounds: 1, roundMs: 1000 }, seats: 4, seed: 3 });
    match.tick(0);
    for (const s of ['p0', 'p1'] as SeatId[]) match.submit(s, match.state.stateId, { type: 'rank', order: ['A', 'B'] }, 10);
    match.submit('p3', match.state.stateId, { type: 'rank', order: ['p0', 'p1'] }, 20);
    match.tick(1000);
    expect(match.over).toBe(true);
    expect((match.view('p2') as SeatView).history[0]).toMatchObject({ list: null, admitted: [], value: 0 });
    expect(match.outcome().measures.missed_share).toBe(0.25);
    // Both students listed A first; A took nobody, so the one B took and the other is out.
    expect(match.outcome().measures.unmatched).toBe(1);
  });

  it('the schools draw private values for the students around a common score: priority correlation 1 gives every school the same order', () => {
    const match = openMatch(matching, { config: { schoolsPlay: true, priorityCorrelation: 1 }, seats: 7, seed: 8 });
    const orders = [4, 5, 6].map((k) => (match.view(`p${k}` as SeatId) as SeatView).myTrueOrder);
    expect(orders[1]).toEqual(orders[0]);
    expect(orders[2]).toEqual(orders[0]);
  });
});

/** Plays `episodes` episodes of a study with these seat policies; each episode's measures. */
function study(config: Record<string, unknown>, seats: { policy: string; params?: Record<string, unknown>; count?: number }[], episodes = 40): EpisodeResult[] {
  const out: EpisodeResult[] = [];
  runStudy(resolveStudy({ name: 'matching', mechanism: 'matching', config, seats: seats.map((s) => ({ count: 1, ...s })), episodes, seed: 11, output: { rounds: false } }), {
    out: `${tempDir('matching')}/results`,
    exports: false,
    keepRows: true,
    onEpisode: (e) => out.push(e),
  });
  return out;
}
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('the scripted students', () => {
  it('truthful rankers under deferred acceptance: every list truthful, every matching stable', () => {
    const episodes = study({ rounds: 3, schools: [{ name: 'A', capacity: 2 }, { name: 'B' }, { name: 'C' }] }, [{ policy: 'truthful-ranker', count: 5 }], 20);
    for (const e of episodes) expect(e.measures).toMatchObject({ truthful_share: 1, blocking_pairs: 0, stable_share: 1 });
  });

  it('under Boston with correlated tastes, truthful rankers leave blocking pairs; a safe-first student is never left out, where a truthful one in its seat often is', () => {
    const config = { rule: 'boston', rounds: 4, correlation: 0.8, schools: [{ name: 'A' }, { name: 'B' }, { name: 'C' }] };
    const truthful = study(config, [{ policy: 'truthful-ranker', count: 5 }], 60);
    expect(mean(truthful.map((e) => e.measures.blocking_pairs as number))).toBeGreaterThan(0);
    const leftOut = (episodes: EpisodeResult[]) => episodes.flatMap((e) => (e.rows ?? []).filter((r) => r.seat === 'p0' && r.fields.school === null)).length;
    const strategic = study(config, [{ policy: 'safe-first' }, { policy: 'truthful-ranker', count: 4 }], 60);
    // A school where p0 stands within capacity must admit it when p0 applies there first: p0 is out only when no school is safe.
    const unsafe = strategic.flatMap((e) => (e.rows ?? []).filter((r) => r.seat === 'p0' && r.fields.school === null && r.fields.truthful === false));
    expect(unsafe).toEqual([]);
    expect(leftOut(strategic)).toBeLessThan(leftOut(truthful));
    const skipping = study(config, [{ policy: 'skip-top', params: { skip: 1 } }, { policy: 'truthful-ranker', count: 4 }], 5);
    for (const e of skipping) expect(e.measures.truthful_share).toBeLessThan(1);
  });
});
