/**
 * How a matching market moves: each round opens with fresh values for the students (their
 * private draws) and fresh priorities for the schools (public draws); every student submits
 * a rank-order list of the schools, all at once; the round closes when everyone has
 * submitted or at its deadline (a student without a list stays unmatched), the clearing rule
 * assigns students to schools, and each student earns its value for its school.
 */
import { OPENING, ROUND_RECORD, type ApplyResult, type BaseState, type MechEvent, type ParticipantRound, type Rewards, type SeatId } from '../core/types.ts';
import { draw, seatStream, sharedStream, type RngState, type SeedSet } from '../core/random.ts';
import type { MatchingConfig } from './config.ts';
import { blockingPairs, clear, maxTotalValue, orderByValue, positions } from './clearing.ts';

export const MECHANISM_ID = 'matching';

/** Values carry six decimals: whole enough to read, fine enough that no two seats share one. */
const micro = (x: number): number => Math.round(x * 1e6) / 1e6;

/** What everyone may learn of a closed round beyond the assignment: measured against the true preferences. */
export interface RoundStats {
  readonly round: number;
  readonly blockingPairs: number;
  /** rankCounts[k]: students matched to their (k+1)-th true choice. */
  readonly rankCounts: readonly number[];
  readonly unmatched: number;
  readonly truthful: number;
  /** Mean true rank (1 best) of the matched students' schools; null when nobody was matched. */
  readonly studentMeanRank: number | null;
  /** Mean priority rank (1 highest) of the students the schools admitted; null when nobody was. */
  readonly schoolMeanRank: number | null;
}

/** One closed round; arrays by seat index. */
export interface RoundRecord {
  readonly round: number;
  /** The counted part of each list (school indices); null: none submitted. */
  readonly lists: readonly (readonly number[] | null)[];
  readonly assignment: readonly (number | null)[];
  /** Each student's true rank (1 best) of its school; null: unmatched. */
  readonly ranks: readonly (number | null)[];
  readonly values: readonly number[];
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
  readonly missed: number;
  readonly welfare: number;
  readonly maxWelfare: number;
}

export interface MatchingState extends BaseState {
  readonly config: MatchingConfig;
  readonly seats: readonly SeatId[];
  readonly round: number;
  /** This round's values by seat, by school (seat i's own draws). */
  readonly values: readonly (readonly number[])[];
  /** This round's school qualities (the common part of values, public); null with given preferences. */
  readonly quality: readonly number[] | null;
  /** This round's priorities: each school's order of the seat indices. */
  readonly priorities: readonly (readonly number[])[];
  /** This round's lists by seat (full orders of school indices); null: not yet. */
  readonly reports: readonly (readonly number[] | null)[];
  readonly reportsIn: number;
  readonly recent: readonly RoundRecord[];
  readonly tally: Tally;
  readonly totals: readonly number[];
  /** The shared stream (qualities, priorities) and each seat's own stream (its tastes); null with given preferences. */
  readonly shared: RngState | null;
  readonly streams: readonly RngState[] | null;
}

const EMPTY: Tally = { rounds: 0, blockingPairs: 0, stableRounds: 0, studentRankSum: 0, matched: 0, schoolRankSum: 0, unmatched: 0, reports: 0, truthful: 0, missed: 0, welfare: 0, maxWelfare: 0 };

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
    return { values, quality: null, priorities, shared: null, streams: null };
  }
  const w = config.correlation;
  const b = config.priorityCorrelation;
  const [publicDraws, nextShared] = draw(shared, (rng) => ({
    quality: Array.from({ length: m }, () => rng.float()),
    score: Array.from({ length: n }, () => rng.float()),
    noise: Array.from({ length: m }, () => Array.from({ length: n }, () => rng.float())),
  }));
  const values: number[][] = [];
  const nextStreams = streams.map((stream) => {
    const [tastes, next] = draw(stream, (rng) => Array.from({ length: m }, () => rng.float()));
    values.push(tastes.map((t, j) => micro(100 * (w * (publicDraws.quality[j] as number) + (1 - w) * t))));
    return next;
  });
  const priorities = publicDraws.noise.map((row) => {
    const merit = row.map((eta, i) => b * (publicDraws.score[i] as number) + (1 - b) * eta);
    return merit.map((_, i) => i).sort((x, y) => (merit[y] as number) - (merit[x] as number) || x - y);
  });
  return { values, quality: publicDraws.quality.map(micro), priorities, shared: nextShared, streams: nextStreams };
}

export function firstRound(config: MatchingConfig, seats: readonly SeatId[], seeds: SeedSet): MatchingState {
  const drawn = config.given === null;
  const draws = drawRound(config, seats.length, drawn ? sharedStream(seeds) : null, drawn ? seats.map((_, i) => seatStream(seeds, i)) : null);
  return {
    ...OPENING,
    config,
    seats,
    round: 1,
    ...draws,
    reports: new Array<null>(seats.length).fill(null),
    reportsIn: 0,
    recent: [],
    tally: EMPTY,
    totals: new Array<number>(seats.length).fill(0),
  };
}

/** The part of a list the rule counts: its first `maxList` schools. */
export const counted = (config: MatchingConfig, order: readonly number[]): readonly number[] => (config.maxList === null ? order : order.slice(0, config.maxList));

/** Takes a student's list (legal() has checked that it orders every school once); the last one in closes the round. */
export function rank(state: MatchingState, seat: SeatId, order: readonly string[], at: number): ApplyResult<MatchingState> {
  const i = state.seats.indexOf(seat);
  if (state.reports[i] !== null) return { ok: false, code: 'NOT_YOUR_TURN', message: 'you have submitted your list this round' };
  const names = state.config.schools.map((s) => s.name);
  const list = order.map((name) => names.indexOf(name));
  const reports = state.reports.slice();
  reports[i] = list;
  const placed: MatchingState = { ...state, reports, reportsIn: state.reportsIn + 1 };
  const events: MechEvent[] = [
    { kind: 'submitted', audience: [seat], data: { round: state.round, order: counted(state.config, list).map((j) => names[j] as string) } },
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
  const n = seats.length;
  const m = config.schools.length;
  const names = config.schools.map((s) => s.name);
  const capacities = config.schools.map((s) => s.capacity);
  const lists = state.reports.map((r) => (r === null ? null : counted(config, r)));
  const assignment = clear(config.rule, { lists: lists.map((l) => l ?? []), priorities: state.priorities, capacities });
  const truths = seats.map((_, i) => trueOrder(state, i));
  const ranks = assignment.map((j, i) => (j === null ? null : (truths[i] as number[]).indexOf(j) + 1));
  const values = assignment.map((j, i) => (j === null ? 0 : ((state.values[i] as readonly number[])[j] as number)));
  const truthful = state.reports.map((r, i) => r !== null && isTruthful(config, r, truths[i] as number[]));
  const blocking = blockingPairs(truths, state.priorities, capacities, assignment).length;
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
    truthful: truthful.filter(Boolean).length,
    studentMeanRank: matched ? studentRanks / matched : null,
    schoolMeanRank: matched ? schoolRanks / matched : null,
  };
  const record: RoundRecord = { round: state.round, lists, assignment, ranks, values, truthful, stats };
  const welfare = values.reduce((a, b) => a + b, 0);
  const t = state.tally;
  const reportsIn = lists.filter((l) => l !== null).length;
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
    missed: t.missed + n - reportsIn,
    welfare: t.welfare + welfare,
    maxWelfare: t.maxWelfare + maxTotalValue(state.values, capacities),
  };
  const totals = state.totals.map((x, i) => micro(x + (values[i] as number)));
  const over = state.round >= config.rounds;
  const rows: ParticipantRound[] = seats.map((seat, i) => {
    const j = assignment[i] ?? null;
    return {
      round: state.round,
      seat,
      role: 'student',
      fields: {
        list: lists[i] ? (lists[i] as readonly number[]).map((k) => names[k]).join('>') : null,
        true_order: (truths[i] as number[]).map((k) => names[k]).join('>'),
        truthful: truthful[i] as boolean,
        missed: lists[i] === null,
        school: j === null ? null : (names[j] as string),
        rank: ranks[i] ?? null,
        value: values[i] as number,
        blocking_pairs: blocking,
      },
      payoff: values[i] as number,
      outside: 0,
    };
  });
  const events: MechEvent[] = [{ kind: 'round_closed', audience: 'public', data: { ...publicRound(state, record), stats, over } }];
  const rewards: Record<SeatId, number> = {};
  seats.forEach((seat, i) => {
    events.push({ kind: 'round_result', audience: [seat], data: { ...ownRound(state, record, i), totalPayoff: totals[i] as number } });
    if (values[i] !== 0) rewards[seat] = values[i] as number;
  });
  events.push({ kind: ROUND_RECORD, audience: 'experimenter', data: { round: state.round, rows } });
  const recent = config.recall === 0 ? [] : [...state.recent.slice(Math.max(0, state.recent.length - config.recall + 1)), record];
  const stateId = state.stateId + 1;
  const next = over ? null : drawRound(config, n, state.shared, state.streams);
  if (next) seats.forEach((seat, i) => events.push({ kind: 'preferences', audience: [seat], data: { round: state.round + 1, values: next.values[i] as readonly number[] } }));
  return {
    state: {
      ...state,
      ...(next ?? {}),
      stateId,
      phaseId: stateId,
      deadline: over || config.roundMs === null ? null : at + config.roundMs,
      over,
      round: over ? state.round : state.round + 1,
      reports: over ? state.reports : new Array<null>(n).fill(null),
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

export function publicRound(state: Pick<MatchingState, 'config' | 'seats'>, r: RoundRecord): PublicRound {
  const names = state.config.schools.map((s) => s.name);
  const filled: Record<string, number> = Object.fromEntries(names.map((name) => [name, 0]));
  for (const j of r.assignment) if (j !== null) filled[names[j] as string] = (filled[names[j] as string] as number) + 1;
  if (state.config.reveal !== 'matching') return { round: r.round, filled };
  const matching: Record<SeatId, string | null> = {};
  state.seats.forEach((s, i) => {
    const j = r.assignment[i] ?? null;
    matching[s] = j === null ? null : (names[j] as string);
  });
  return { round: r.round, filled, matching };
}

/** A closed round as one student sees it: its list, its school, that school's rank in its true order and its value. */
export interface OwnRound extends PublicRound {
  readonly list: readonly string[] | null;
  readonly school: string | null;
  readonly rank: number | null;
  readonly value: number;
}

export function ownRound(state: Pick<MatchingState, 'config' | 'seats'>, r: RoundRecord, i: number): OwnRound {
  const names = state.config.schools.map((s) => s.name);
  const j = r.assignment[i] ?? null;
  const list = r.lists[i] ?? null;
  return { ...publicRound(state, r), list: list === null ? null : list.map((k) => names[k] as string), school: j === null ? null : (names[j] as string), rank: r.ranks[i] ?? null, value: r.values[i] as number };
}
