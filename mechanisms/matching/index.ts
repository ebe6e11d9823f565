/**
 * matching@1 — a two-sided market in the school-choice setting: students (the seats) and
 * schools with capacities (the mechanism's side, ranking students by priority).
 *
 * Rules: every round each student draws values for the schools (a common quality drawn from
 * the shared stream, weight `correlation`, plus a private taste from its own stream), each
 * school orders the students by priority (a common score, weight `priorityCorrelation`, plus
 * the school's own noise, both public draws), or both are given in the config. Every student
 * submits a rank-order list of all schools, all at once; only the first `maxList` count.
 * The round closes when every list is in or at its deadline (`roundMs`; a student without a
 * list stays unmatched); the `rule` assigns the students: deferred acceptance with students
 * ('student-da') or schools ('school-da') proposing, or immediate acceptance ('boston'). A
 * student earns its value for its school (0 unmatched).
 *
 * With `schoolsPlay` the schools are seats too (the last ones, one per school): each draws
 * private values for the students (the common score plus its own taste), submits its
 * priority order, and earns its values for the students it admits; a school without an
 * order at the deadline admits nobody.
 *
 * Parameters: schools (names, capacities), rule, rounds, correlation, priorityCorrelation,
 * schoolsPlay, given, maxList, reveal ('matching': everyone sees who got which school; 'own': only one's
 * own school and how full each school is), roundMs, recall, communication.
 *
 * Seats see: the schools, capacities, qualities, their own values and true order, where they
 * stand in each school's priorities (unless the schools play), their own list and results, the reveal, and every
 * closed round's statistics (blocking pairs, rank counts, truthful lists), which are measured
 * against all students' true preferences and so are listed in revealedFields. Spectators see
 * the priorities, the counts, the reveal and the statistics.
 *
 * Benchmarks: the seats to fill, the fewest students left out, the blocking pairs of truthful
 * play under the rule (0 for deferred acceptance with full lists: its outcome is stable),
 * whether truth-telling is a dominant strategy for students, and, with given preferences, the
 * student-optimal stable matching's mean rank. Outcome: welfare = the students' values of
 * their schools; maxWelfare = the greatest total value of any assignment within capacities.
 */
import type { Benchmark, MeasureSpec, Mechanism } from '../core/types.ts';
import { MAX_STUDENTS, matchingActionSchema, matchingConfigSchema, type MatchingAction, type MatchingConfig } from './config.ts';
import { blockingPairs, studentProposing } from './clearing.ts';
import { advanceTo, firstRound, MECHANISM_ID, optionsOf, rank, type MatchingState } from './play.ts';
import { describeView, matchingRules, seatView, spectatorView, type MatchingPublicView, type SeatView } from './views.ts';
import { MATCHING_ROUND_FIELDS } from './tables.ts';

export type { MatchingConfig, MatchingAction, ClearingRule } from './config.ts';
export type { MatchingState, OwnRound, PublicRound, RoundRecord, RoundStats } from './play.ts';
export type { SeatView, MatchingPublicView, SchoolInfo } from './views.ts';

export const MATCHING_MEASURES: readonly MeasureSpec[] = [
  { name: 'blocking_pairs', unit: 'pairs per round', definition: 'student-school pairs that would both rather have each other than their match, under the true preferences, averaged over rounds' },
  { name: 'stable_share', unit: 'share', definition: 'rounds whose matching has no blocking pair under the true preferences' },
  { name: 'student_mean_rank', unit: 'rank (1 best)', definition: "the true rank of a matched student's school in its own preference order, averaged over matched students and rounds" },
  { name: 'school_mean_rank', unit: 'rank (1 best)', definition: "an admitted student's place in the school's priority order, averaged over filled seats and rounds" },
  { name: 'truthful_share', unit: 'share', definition: "students' submitted lists whose counted part is the beginning of the student's true order" },
  { name: 'school_truthful_share', unit: 'share', definition: "when the schools play: school seats' submitted priority orders that are their true orders (null otherwise)" },
  { name: 'unmatched', unit: 'students per round', definition: 'students admitted nowhere, averaged over rounds' },
  { name: 'efficiency', unit: 'share', definition: 'total value of the matchings over the greatest total value of any assignment within capacities' },
  { name: 'missed_share', unit: 'share', definition: 'seat-rounds in which the deadline passed before the seat submitted a list' },
];

export const matching: Mechanism<MatchingConfig, MatchingState, MatchingAction, SeatView, MatchingPublicView> = {
  id: MECHANISM_ID,
  version: 1,
  title: 'Matching (school choice)',
  traits: { timing: 'simultaneous', utility: 'general', chance: true, private: ['a student: its values for the schools (its true preferences)', 'a school seat, when the schools play: its values for the students'] },
  rules: matchingRules,
  configSchema: matchingConfigSchema,
  actionSchema: matchingActionSchema,
  measures: MATCHING_MEASURES,
  roundFields: MATCHING_ROUND_FIELDS,
  policies: ['truthful-ranker', 'skip-top', 'safe-first'],
  baseline: { policy: 'truthful-ranker' },
  seats: (config) => {
    const n = config.given?.students.length;
    const m = config.schoolsPlay ? config.schools.length : 0;
    return { min: (n ?? 2) + m, max: (n ?? MAX_STUDENTS) + m, roles: (k) => Array.from({ length: k }, (_, i) => (i < k - m ? 'student' : 'school')) };
  },
  setup: firstRound,
  legal(state, seat) {
    if (state.over) return [];
    const k = state.seats.indexOf(seat);
    if (k < 0 || state.reports[k] !== null) return [];
    const names = optionsOf(state, k);
    if (k >= state.students) return [{ type: 'rank', params: { order: { kind: 'ranking', options: names } }, hint: `order the students ${names.join(', ')}, the one you most want first` }];
    const limit = state.config.maxList;
    return [{ type: 'rank', params: { order: { kind: 'ranking', options: names } }, hint: `order the schools ${names.join(', ')}, most preferred first${limit === null ? '' : `; only your first ${limit} count`}` }];
  },
  apply: (state, seat, action, at) => rank(state, seat, action.order, at),
  advance: advanceTo,
  view: seatView,
  publicView: spectatorView,
  describe: describeView,
  revealedFields: () => ['stats'],

  progress(state) {
    return { round: state.round, rounds: state.config.rounds, unit: 'round', phase: state.over ? 'over' : 'ranking' };
  },

  outcome(state) {
    const t = state.tally;
    const n = state.seats.length;
    return {
      payoffs: Object.fromEntries(state.seats.map((s, i) => [s, state.totals[i] as number])),
      revenue: 0,
      welfare: t.welfare,
      maxWelfare: t.maxWelfare,
      measures: {
        blocking_pairs: t.rounds ? t.blockingPairs / t.rounds : null,
        stable_share: t.rounds ? t.stableRounds / t.rounds : null,
        student_mean_rank: t.matched ? t.studentRankSum / t.matched : null,
        school_mean_rank: t.matched ? t.schoolRankSum / t.matched : null,
        truthful_share: t.reports ? t.truthful / t.reports : null,
        school_truthful_share: t.schoolReports ? t.schoolsTruthful / t.schoolReports : null,
        unmatched: t.rounds ? t.unmatched / t.rounds : null,
        efficiency: t.maxWelfare > 0 ? t.welfare / t.maxWelfare : null,
        missed_share: t.rounds && n ? t.missed / (t.rounds * n) : null,
      },
    };
  },

  benchmarks(config, seats): Record<string, Benchmark> {
    const capacity = config.schools.reduce((a, s) => a + s.capacity, 0);
    const fullLists = config.maxList === null || config.maxList >= config.schools.length;
    const da = config.rule !== 'boston';
    const of = (value: number | null, unit: string, definition: string): Benchmark => ({ value, unit, definition, audience: 'public' });
    const out: Record<string, Benchmark> = {
      seats_total: of(capacity, 'seats', 'seats the schools offer in all'),
      unmatched_floor: of(Math.max(0, seats - capacity), 'students per round', 'students left out whatever the matching: students beyond the seats'),
      truthful_blocking_pairs: of(da && fullLists ? 0 : null, 'pairs per round', 'blocking pairs when every student lists its true order: 0 under deferred acceptance with full lists, whose outcome is stable (Gale and Shapley 1962); none: it depends on the draws'),
      truthful_dominant: of(config.rule === 'student-da' && fullLists ? 1 : 0, 'yes (1) or no (0)', 'whether listing the true order is a dominant strategy for every student: so under student-proposing deferred acceptance with full lists (Dubins and Freedman 1981, Roth 1982), not under the Boston mechanism or with truncated lists'),
    };
    const g = config.given;
    if (g) {
      const names = config.schools.map((s) => s.name);
      const truth = g.students.map((order) => order.map((name) => names.indexOf(name)));
      const priorities = g.priorities.map((order) => order.map((s) => Number(s.slice(1))));
      const capacities = config.schools.map((s) => s.capacity);
      const optimal = studentProposing({ lists: truth, priorities, capacities });
      const matchedRanks = optimal.flatMap((j, i) => (j === null ? [] : [(truth[i] as number[]).indexOf(j) + 1]));
      out.student_optimal_mean_rank = of(matchedRanks.length ? matchedRanks.reduce((a, b) => a + b, 0) / matchedRanks.length : null, 'rank (1 best)', "the mean true rank of the students' schools in the student-optimal stable matching of the given preferences");
      out.student_optimal_blocking_pairs = of(blockingPairs(truth, priorities, capacities, optimal).length, 'pairs', 'blocking pairs of the student-optimal stable matching (0: it is stable)');
    }
    return out;
  },

  payoffBounds(config) {
    const most = config.schoolsPlay ? Math.max(1, ...config.schools.map((s) => s.capacity)) : 1;
    return { min: 0, max: 100 * most * config.rounds };
  },

  oneRound(config) {
    return { ...config, rounds: 1 };
  },
};

export default matching;
