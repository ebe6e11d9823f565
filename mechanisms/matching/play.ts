/**
 * How a matching market moves: each round opens with fresh values for the students (their
 * private draws) and fresh priorities for the schools (public draws, or, when the schools
 * play, each school seat's private values for the students); every seat submits a
 * rank-order list, all at once; the round closes when everyone has submitted or at its
 * deadline (a student without a list stays unmatched, a school without one admits nobody),
 * the clearing rule assigns students to schools, and each student earns its value for its
 * school, each school seat the sum of its values for the students it admits.
 */
import { OPENING, ROUND_RECORD, type ApplyResult, type BaseState, type MechEvent, type ParticipantRound, type Rewards, type SeatId } from '../core/types.ts';
import { draw, seatStream, sharedStream, type RngState, type SeedSet } from '../core/random.ts';
import type { MatchingConfig } from './config.ts';
import { blockingPairs, clear, maxTotalValue, orderByValue, positions } from './clearing.ts';
import { keepRecent } from '../core/recent.ts';

export const MECHANISM_ID = 'matching';

/** Values carry six decimals: whole enough to read, fine enough that no two seats share one. */
const micro = (x: number): number => Math.round(x * 1e6) / 1e6;

/** What everyone may learn of a closed round beyond the assignment: measured against the true preferences. */
export interface RoundStats {
  readonly round: number;
  /** Students whose list is truthful (as far as it counts). */
  readonly blockingPairs: number;
  /** rankCounts[k]: students matched to their (k+1)-th true choice. */
  readonly rankCounts: readonly number[];
  readonly unmatched: number;
  readonly truthful: number;
  /** When the schools play: school seats whose priority order is their true one; else null. */
  readonly schoolsTruthful: number | null;
  /** Mean true rank (1 best) of the matched students' schools; null when nobody was matched. */
  readonly studentMeanRank: number | null;
  /** Mean priority rank (1 highest) of the students the schools admitted; null when nobody was. */
  readonly schoolMeanRank: number | null;
}

/** One closed round. Students' arrays by student index; `payoffs` and `truthful` by seat (school seats after the students). */
export interface RoundRecord {
  readonly round: number;
  /** The counted part of each student's list (school indices); null: none submitted. */
  readonly lists: readonly (readonly number[] | null)[];
  /** When the schools play: each school seat's submitted order of the students; null: none. */
  readonly schoolLists: readonly (readonly number[] | null)[] | null;
  readonly assignment: readonly (number | null)[];
  /** Each student's true rank (1 best) of its school; null: unmatched. */
  readonly ranks: readonly (number | null)[];
  readonly payoffs: readonly number[];
  readonly truthful: readonly boolean[];
  readonly stats: RoundStats;
}

/** Sums over the closed rounds: what the outcome and the measures are made of. */
export interface Tally {
  readonly rounds: number;
  readonly blockingPairs: number;
  readonly stableRounds: number;
  readonly studentRankSum: number;
  readonly matched: number;
  readonly schoolRankSum: number;
  readonly unmatched: number;
  readonly reports: number;
  readonly truthful: number;
  readonly schoolReports: number;
  readonly schoolsTruthful: number;
  readonly missed: number;
  readonly welfare: number;
  readonly maxWelfare: number;
}

export interface MatchingState extends BaseState {
  readonly config: MatchingConfig;
  readonly seats: readonly SeatId[];
  /** How many of the seats are students (the first ones); the rest, when the schools play, are the schools in order. */
  readonly students: number;
  readonly round: number;
  /** This round's values by seat (each seat's own draws): a student's by school, a school seat's by student. */
  readonly values: readonly (readonly number[])[];
  /** This round's school qualities (the common part of values, public); null with given preferences. */
  readonly quality: readonly number[] | null;
  /** This round's true priorities: each school's order of the student indices (public draws, or a school seat's values). */
  readonly priorities: readonly (readonly number[])[];
  /** This round's lists by seat (full orders of school indices, or of student indices from a school seat); null: not yet. */
  readonly reports: readonly (readonly number[] | null)[];
  readonly reportsIn: number;
  readonly recent: readonly RoundRecord[];
  readonly tally: Tally;
  readonly totals: readonly number[];
  /** The shared stream (qualities, priorities) and each seat's own stream (its tastes); null with given preferences. */
  readonly shared: RngState | null;
  readonly streams: readonly RngState[] | null;
}

const EMPTY: Tally = { rounds: 0, blockingPairs: 0, stableRounds: 0, studentRankSum: 0, matched: 0, schoolRankSum: 0, unmatched: 0, reports: 0, truthful: 0, schoolReports: 0, schoolsTruthful: 0, missed: 0, welfare: 0, maxWelfare: 0 };

type Draws = Pick<MatchingState, 'values' | 'quality' | 'priorities' | 'shared' | 'streams'>;

/** A round's values and priorities: given ones, or drawn from the shared stream and each seat's own. */
function drawRound(config: MatchingConfig, n: number, shared: RngState | null, streams: readonly RngState[] | null): Draws {
  const m = config.schools.length;
  const g = config.given;
  if (g || !shared || !streams) {
    const given = g as NonNullable<MatchingConfig['given']>;
    const names = config.schools.map((s) => s.name);
    const values = given.students.map((order) => names.map((name) => micro((100 * (m - order.indexOf(name))) / m)));
    const priorities = given.priorities.map((order) => order.map((s) => Number(s.slice(1))));
    if (config.schoolsPlay) for (const order of priorities) values.push(Array.from({ length: n }, (_, i) => micro((100 * (n - order.indexOf(i))) / n)));
    return { values, quality: null, priorities, shared: null, streams: null };
  }
  const w = config.correlation;
  const b = config.priorityCorrelation;
  const [publicDraws, nextShared] = draw(shared, (rng) => ({
    quality: Array.from({ length: m }, () => rng.float()),
    score: Array.from({ length: n }, () => rng.float()),
    noise: Array.from({ length: m }, () => Array.from({ length: n }, () => rng.float())),
  }));
  const merit = (eta: number, i: number) => b * (publicDraws.score[i] as number) + (1 - b) * eta;
  const values: number[][] = [];
  const nextStreams = streams.map((stream, k) => {
    const student = k < n;
    const [tastes, next] = draw(stream, (rng) => Array.from({ length: student ? m : n }, () => rng.float()));
    values.push(tastes.map((t, x) => micro(100 * (student ? w * (publicDraws.quality[x] as number) + (1 - w) * t : merit(t, x)))));
    return next;
  });
  const priorities = config.schoolsPlay
    ? values.slice(n).map(orderByValue)
    : publicDraws.noise.map((row) => {
        const scores = row.map(merit);
        return scores.map((_, i) => i).sort((x, y) => (scores[y] as number) - (scores[x] as number) || x - y);
      });
  return { values, quality: publicDraws.quality.map(micro), priorities, shared: nextShared, streams: nextStreams };
}

/** How many seats are students: all of them, or all but one per school when the schools play. */
export const studentsOf = (config: MatchingConfig, seats: number): number => (config.schoolsPlay ? seats - config.schools.length : seats);

export function firstRound(config: MatchingConfig, seats: readonly SeatId[], seeds: SeedSet): MatchingState {
  const drawn = config.given === null;
  const n = studentsOf(config, seats.length);
  const draws = drawRound(config, n, drawn ? sharedStream(seeds) : null, drawn ? seats.map((_, i) => seatStream(seeds, i)) : null);
  return {
    ...OPENING,
    config,
    seats,
    students: n,
    round: 1,
    ...draws,
    reports: new Array<null>(seats.length).fill(null),
    reportsIn: 0,
    recent: [],
    tally: EMPTY,
    totals: new Array<number>(seats.length).fill(0),
  };
}

/** What seat k ranks: the schools (a student) or the students (a school seat), by name. */
export function optionsOf(state: Pick<MatchingState, 'config' | 'seats' | 'students'>, k: number): string[] {
  return k < state.students ? state.config.schools.map((s) => s.name) : state.seats.slice(0, state.students);
}

/** The part of a list the rule counts: its first `maxList` schools. */
export const counted = (config: MatchingConfig, order: readonly number[]): readonly number[] => (config.maxList === null ? order : order.slice(0, config.maxList));

/** Takes a student's list (legal() has checked that it orders every school once); the last one in closes the round. */
export function rank(state: MatchingState, seat: SeatId, order: readonly string[], at: number): ApplyResult<MatchingState> {
  const i = state.seats.indexOf(seat);
  if (state.reports[i] !== null) return { ok: false, code: 'NOT_YOUR_TURN', message: 'you have submitted your list this round' };
  const names = optionsOf(state, i);
  const list = order.map((name) => names.indexOf(name));
  const reports = state.reports.slice();
  reports[i] = list;
  const placed: MatchingState = { ...state, reports, reportsIn: state.reportsIn + 1 };
  const shown = i < state.students ? counted(state.config, list) : list;
  const events: MechEvent[] = [
    { kind: 'submitted', audience: [seat], data: { round: state.round, order: shown.map((j) => names[j] as string) } },
    { kind: 'report_count', audience: 'public', data: { round: state.round, reportsIn: placed.reportsIn } },
  ];
  if (placed.reportsIn < state.seats.length) return { ok: true, state: { ...placed, stateId: state.stateId + 1 }, events };
  const closed = closeRound(placed, at);
  return { ok: true, state: closed.state, events: [...events, ...closed.events], ...(closed.rewards ? { rewards: closed.rewards } : {}) };
}

interface Transition {
  readonly state: MatchingState;
  readonly events: MechEvent[];
  readonly rewards?: Rewards;
}

/** Lets time pass: schedules the open round's deadline, or closes the round once it has come. */
export function advanceTo(state: MatchingState, at: number): Transition {
  if (state.over || state.config.roundMs === null) return { state, events: [] };
  if (state.deadline === null) return { state: { ...state, stateId: state.stateId + 1, deadline: at + state.config.roundMs }, events: [] };
  if (at < state.deadline) return { state, events: [] };
  return closeRound(state, state.deadline);
}

/** A student's true order of the schools this round. */
export const trueOrder = (state: Pick<MatchingState, 'values'>, i: number): number[] => orderByValue(state.values[i] as readonly number[]);

/** Whether a list is the truth as far as it counts: its counted part is the true order's beginning. */
function isTruthful(config: MatchingConfig, list: readonly number[], truth: readonly number[]): boolean {
  const head = counted(config, list);
  return head.every((j, k) => truth[k] === j);
}

/** Clears the round at `at`: assigns, pays, measures, records it, then opens the next round or ends the match. One transition. */
function closeRound(state: MatchingState, at: number): Transition {
  const { config, seats } = state;
  const n = state.students;
  const m = config.schools.length;
  const names = config.schools.map((s) => s.name);
  const capacities = config.schools.map((s) => s.capacity);
  const lists = state.reports.slice(0, n).map((r) => (r === null ? null : counted(config, r)));
  const schoolLists = config.schoolsPlay ? state.reports.slice(n) : null;
  const assignment = clear(config.rule, { lists: lists.map((l) => l ?? []), priorities: schoolLists ? schoolLists.map((l) => l ?? []) : state.priorities, capacities });
  const truths = seats.map((_, k) => trueOrder(state, k));
  const ranks = assignment.map((j, i) => (j === null ? null : (truths[i] as number[]).indexOf(j) + 1));
  const payoffs = seats.map((_, k) => {
    const own = state.values[k] as readonly number[];
    if (k < n) return assignment[k] === null || assignment[k] === undefined ? 0 : (own[assignment[k] as number] as number);
    return micro(assignment.reduce<number>((sum, j, i) => sum + (j === k - n ? (own[i] as number) : 0), 0));
  });
  const truthful = state.reports.map((r, k) => r !== null && (k < n ? isTruthful(config, r, truths[k] as number[]) : r.every((x, p) => truths[k]?.[p] === x)));
  const blocking = blockingPairs(truths.slice(0, n), state.priorities, capacities, assignment).length;
  const priorityAt = positions(state.priorities, n);
  const rankCounts = new Array<number>(m).fill(0);
  let studentRanks = 0;
  let schoolRanks = 0;
  let matched = 0;
  assignment.forEach((j, i) => {
    if (j === null) return;
    matched++;
    const r = ranks[i] as number;
    rankCounts[r - 1] = (rankCounts[r - 1] as number) + 1;
    studentRanks += r;
    schoolRanks += ((priorityAt[j] as number[])[i] as number) + 1;
  });
  const stats: RoundStats = {
    round: state.round,
    blockingPairs: blocking,
    rankCounts,
    unmatched: n - matched,
    truthful: truthful.slice(0, n).filter(Boolean).length,
    schoolsTruthful: schoolLists ? truthful.slice(n).filter(Boolean).length : null,
    studentMeanRank: matched ? studentRanks / matched : null,
    schoolMeanRank: matched ? schoolRanks / matched : null,
  };
  const record: RoundRecord = { round: state.round, lists, schoolLists, assignment, ranks, payoffs, truthful, stats };
  const welfare = payoffs.slice(0, n).reduce((a, b) => a + b, 0);
  const t = state.tally;
  const reportsIn = lists.filter((l) => l !== null).length;
  const schoolsIn = schoolLists ? schoolLists.filter((l) => l !== null).length : 0;
  const tally: Tally = {
    rounds: t.rounds + 1,
    blockingPairs: t.blockingPairs + blocking,
    stableRounds: t.stableRounds + (blocking === 0 ? 1 : 0),
    studentRankSum: t.studentRankSum + studentRanks,
    matched: t.matched + matched,
    schoolRankSum: t.schoolRankSum + schoolRanks,
    unmatched: t.unmatched + n - matched,
    reports: t.reports + reportsIn,
    truthful: t.truthful + stats.truthful,
    schoolReports: t.schoolReports + schoolsIn,
    schoolsTruthful: t.schoolsTruthful + (stats.schoolsTruthful ?? 0),
    missed: t.missed + seats.length - reportsIn - schoolsIn,
    welfare: t.welfare + welfare,
    maxWelfare: t.maxWelfare + maxTotalValue(state.values.slice(0, n), capacities),
  };
  const totals = state.totals.map((x, k) => micro(x + (payoffs[k] as number)));
  const over = state.round >= config.rounds;
  const rows: ParticipantRound[] = seats.map((seat, k) => {
    const options = optionsOf(state, k);
    const order = (list: readonly number[] | null | undefined) => (list ? list.map((x) => options[x]).join('>') : null);
    const j = k < n ? (assignment[k] ?? null) : k - n;
    return {
      round: state.round,
      seat,
      role: k < n ? 'student' : 'school',
      fields: {
        list: order(k < n ? lists[k] : schoolLists?.[k - n]),
        true_order: order(truths[k]),
        truthful: truthful[k] as boolean,
        missed: state.reports[k] === null,
        school: j === null ? null : (names[j] as string),
        rank: k < n ? (ranks[k] ?? null) : null,
        admitted: k < n ? null : assignment.filter((x) => x === k - n).length,
        value: payoffs[k] as number,
        blocking_pairs: blocking,
      },
      payoff: payoffs[k] as number,
      outside: 0,
    };
  });
  const events: MechEvent[] = [{ kind: 'round_closed', audience: 'public', data: { ...publicRound(state, record), stats, over } }];
  const rewards: Record<SeatId, number> = {};
  seats.forEach((seat, k) => {
    events.push({ kind: 'round_result', audience: [seat], data: { ...ownRound(state, record, k), totalPayoff: totals[k] as number } });
    if (payoffs[k] !== 0) rewards[seat] = payoffs[k] as number;
  });
  events.push({ kind: ROUND_RECORD, audience: 'experimenter', data: { round: state.round, rows } });
  const recent = keepRecent(state.recent, record, config.recall);
  const stateId = state.stateId + 1;
  const next = over ? null : drawRound(config, n, state.shared, state.streams);
  if (next) seats.forEach((seat, k) => events.push({ kind: 'preferences', audience: [seat], data: { round: state.round + 1, values: next.values[k] as readonly number[] } }));
  return {
    state: {
      ...state,
      ...(next ?? {}),
      stateId,
      phaseId: stateId,
      deadline: over || config.roundMs === null ? null : at + config.roundMs,
      over,
      round: over ? state.round : state.round + 1,
      reports: over ? state.reports : new Array<null>(seats.length).fill(null),
      reportsIn: over ? state.reportsIn : 0,
      recent,
      tally,
      totals,
    },
    events,
    rewards,
  };
}

/** A round as everyone sees it: who got which school under reveal 'matching', and how full each school is. */
export interface PublicRound {
  readonly round: number;
  /** Seats admitted by each school (its seats count), by school name. */
  readonly filled: Readonly<Record<string, number>>;
  /** reveal 'matching': each student's school, null for none. */
  readonly matching?: Readonly<Record<SeatId, string | null>>;
}

export function publicRound(state: Pick<MatchingState, 'config' | 'seats' | 'students'>, r: RoundRecord): PublicRound {
  const names = state.config.schools.map((s) => s.name);
  const filled: Record<string, number> = Object.fromEntries(names.map((name) => [name, 0]));
  for (const j of r.assignment) if (j !== null) filled[names[j] as string] = (filled[names[j] as string] as number) + 1;
  if (state.config.reveal !== 'matching') return { round: r.round, filled };
  const matching: Record<SeatId, string | null> = {};
  state.seats.slice(0, state.students).forEach((s, i) => {
    const j = r.assignment[i] ?? null;
    matching[s] = j === null ? null : (names[j] as string);
  });
  return { round: r.round, filled, matching };
}

/**
 * A closed round as one seat sees it: its list and what it got. A student: its school, that
 * school's rank in its true order and its value. A school seat: itself as `school`, the
 * students it admitted and the sum of its values for them.
 */
export interface OwnRound extends PublicRound {
  readonly list: readonly string[] | null;
  readonly school: string | null;
  readonly rank: number | null;
  /** A school seat's admitted students; absent for a student. */
  readonly admitted?: readonly SeatId[];
  readonly value: number;
}

export function ownRound(state: Pick<MatchingState, 'config' | 'seats' | 'students'>, r: RoundRecord, k: number): OwnRound {
  const names = state.config.schools.map((s) => s.name);
  const options = optionsOf(state, k);
  const value = r.payoffs[k] as number;
  if (k >= state.students) {
    const list = r.schoolLists?.[k - state.students] ?? null;
    const admitted = state.seats.slice(0, state.students).filter((_, i) => r.assignment[i] === k - state.students);
    return { ...publicRound(state, r), list: list === null ? null : list.map((x) => options[x] as string), school: names[k - state.students] as string, rank: null, admitted, value };
  }
  const j = r.assignment[k] ?? null;
  const list = r.lists[k] ?? null;
  return { ...publicRound(state, r), list: list === null ? null : list.map((x) => options[x] as string), school: j === null ? null : (names[j] as string), rank: r.ranks[k] ?? null, value };
}
