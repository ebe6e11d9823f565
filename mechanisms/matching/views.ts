/**
 * What each audience sees of a matching market, and the rules and a seat's view in words.
 * The schools, their capacities and qualities are public, and so are their priorities
 * unless the schools play (then each school seat's values are its own). A student sees its
 * own values (its true preferences), where it stands in each school's public priority
 * order, its own list and results; a school seat its values for the students, its list and
 * whom it admitted; of the others, what `reveal` shows. After each round everyone sees its
 * statistics (blocking pairs, ranks, truthful lists), measured against everyone's true preferences.
 */
import type { SeatId } from '../core/types.ts';
import type { ClearingRule, MatchingConfig, Reveal } from './config.ts';
import { counted, MECHANISM_ID, optionsOf, ownRound, publicRound, trueOrder, type MatchingState, type OwnRound, type PublicRound, type RoundStats } from './play.ts';

export interface SchoolInfo {
  readonly name: string;
  readonly capacity: number;
  /** This round's common quality (0 to 1) that every student's values share in part; null with given preferences. */
  readonly quality: number | null;
}

interface MarketStatus {
  readonly mechanism: typeof MECHANISM_ID;
  readonly students: number;
  /** Whether the schools are seats (with private values for the students) rather than the mechanism's side. */
  readonly schoolsPlay: boolean;
  readonly round: number;
  readonly rounds: number;
  readonly over: boolean;
  readonly stage: 'rank' | 'over';
  readonly deadline: number | null;
  readonly rule: ClearingRule;
  readonly reveal: Reveal;
  /** How many schools of a list count; null: all. */
  readonly maxList: number | null;
  readonly correlation: number;
  readonly schools: readonly SchoolInfo[];
  readonly reportsIn: number;
  /** The closed rounds' statistics, measured against the true preferences (the last `recall`). */
  readonly stats: readonly RoundStats[];
}

export interface SeatView extends MarketStatus {
  readonly seat: SeatId;
  readonly role: 'student' | 'school';
  /** A school seat's name; null for a student. */
  readonly mySchool: string | null;
  /** A school seat's capacity; null for a student. */
  readonly myCapacity: number | null;
  /**
   * Your value this round for each option you rank, by name: a student's for each school
   * (what it earns there), a school seat's for each student (what it earns by admitting them).
   */
  readonly myValues: Readonly<Record<string, number>>;
  /** The options by your values, highest first: your true preference order. */
  readonly myTrueOrder: readonly string[];
  /** A student's place in each school's public priority order this round (1: first), by name; null when the schools play (their priorities are private) and for a school seat. */
  readonly myPriority: Readonly<Record<string, number>> | null;
  /** The counted part of the list you submitted this round; null: not yet. */
  readonly myList: readonly string[] | null;
  readonly history: readonly OwnRound[];
  readonly totalPayoff: number;
}

export interface MatchingPublicView extends MarketStatus {
  /** Each school's priority order this round, by name (seats, highest first); null when the schools play. */
  readonly priorities: Readonly<Record<string, readonly SeatId[]>> | null;
  readonly history: readonly PublicRound[];
}

function status(state: MatchingState): MarketStatus {
  const { config } = state;
  return {
    mechanism: MECHANISM_ID,
    students: state.students,
    schoolsPlay: config.schoolsPlay,
    round: state.round,
    rounds: config.rounds,
    over: state.over,
    stage: state.over ? 'over' : 'rank',
    deadline: state.deadline,
    rule: config.rule,
    reveal: config.reveal,
    maxList: config.maxList,
    correlation: config.correlation,
    schools: config.schools.map((s, j) => ({ name: s.name, capacity: s.capacity, quality: state.quality ? (state.quality[j] as number) : null })),
    reportsIn: state.reportsIn,
    stats: state.recent.map((r) => r.stats),
  };
}

export function seatView(state: MatchingState, seat: SeatId): SeatView {
  const k = state.seats.indexOf(seat);
  const student = k < state.students;
  const schools = state.config.schools;
  const names = optionsOf(state, k);
  const values = state.values[k] as readonly number[];
  const report = state.reports[k] ?? null;
  return {
    ...status(state),
    seat,
    role: student ? 'student' : 'school',
    mySchool: student ? null : (schools[k - state.students]?.name ?? null),
    myCapacity: student ? null : (schools[k - state.students]?.capacity ?? null),
    myValues: Object.fromEntries(names.map((name, x) => [name, values[x] as number])),
    myTrueOrder: trueOrder(state, k).map((x) => names[x] as string),
    myPriority: student && !state.config.schoolsPlay ? Object.fromEntries(schools.map((s, j) => [s.name, (state.priorities[j] as readonly number[]).indexOf(k) + 1])) : null,
    myList: report === null ? null : (student ? counted(state.config, report) : report).map((x) => names[x] as string),
    history: state.recent.map((r) => ownRound(state, r, k)),
    totalPayoff: state.totals[k] as number,
  };
}

export function spectatorView(state: MatchingState): MatchingPublicView {
  const names = state.config.schools.map((s) => s.name);
  return {
    ...status(state),
    priorities: state.config.schoolsPlay ? null : Object.fromEntries(names.map((name, j) => [name, (state.priorities[j] as readonly number[]).map((i) => state.seats[i] as SeatId)])),
    history: state.recent.map((r) => publicRound(state, r)),
  };
}

const num = (x: number): string => String(Math.round(x * 1e6) / 1e6);
const ordinal = (k: number): string => `${k}${k % 10 === 1 && k % 100 !== 11 ? 'st' : k % 10 === 2 && k % 100 !== 12 ? 'nd' : k % 10 === 3 && k % 100 !== 13 ? 'rd' : 'th'}`;

const RULE_WORDS: Record<ClearingRule, string> = {
  'student-da':
    'Deferred acceptance, students proposing: each student applies to the first school on their list; each school keeps, provisionally, its highest-priority applicants up to its capacity and turns the others away; a student turned away applies to the next school on their list; this goes on until nobody is turned away by a school still on their list. Listing your true preferences is always in your interest under this rule.',
  'school-da':
    'Deferred acceptance, schools proposing: each school offers its seats to its highest-priority students; each student keeps, provisionally, the best offer from a school on their list and declines the others; a school declined offers the seat to its next student; this goes on until no school has an offer to make.',
  boston:
    'Immediate acceptance (the Boston mechanism): in step 1 every student applies to the first school on their list, and each school admits its applicants by priority up to its capacity, for good; in step 2 the students not yet admitted apply to the second school on their list, where only the seats left can be filled; and so on. A school you rank first may be full before you apply to it second.',
};

export function matchingRules(config: MatchingConfig): string {
  const schools = config.schools.map((s) => `${s.name} (${s.capacity} seat${s.capacity === 1 ? '' : 's'})`).join(', ');
  return [
    `A school-choice market: you are a student; the schools are ${schools}.`,
    config.given
      ? 'Your values for the schools are given and stay the same every round.'
      : config.schoolsPlay
        ? `Every round you get fresh values for the schools, from 0 to 100: partly a quality common to all students (weight ${config.correlation}) and partly your own taste, seen only by you.`
        : `Every round you get fresh values for the schools, from 0 to 100: partly a quality common to all students (weight ${config.correlation}) and partly your own taste, seen only by you. Each school also ranks all students by priority, afresh each round; everyone can see the priorities.`,
    ...(config.schoolsPlay
      ? [
          `The schools are players too: each school gets values for the students${config.given ? '' : ` (partly a score common to all schools, weight ${config.priorityCorrelation}, partly its own view), seen only by that school`}, submits its priority order of all students, and earns the sum of its values for the students it admits. A school that submits no order by the deadline admits nobody that round.`,
        ]
      : []),
    `A student submits a rank-order list of the schools, most preferred first${config.maxList === null ? '' : `; only the first ${config.maxList} school${config.maxList === 1 ? '' : 's'} of the list count, and the student cannot be admitted elsewhere`}.`,
    RULE_WORDS[config.rule],
    'A student earns its value for the school it is admitted to, and nothing if it is admitted nowhere.',
    config.reveal === 'matching' ? 'After each round everyone sees who was admitted where.' : 'After each round you learn only your own school (and how many seats each school filled).',
    'After each round everyone also sees how many blocking pairs the matching has (a student and a school that would both rather have each other) and how many students were matched to their first, second, ... choice.',
    config.roundMs === null ? `There ${config.rounds === 1 ? 'is 1 round' : `are ${config.rounds} rounds`}; a round closes once every student has submitted.` : `There ${config.rounds === 1 ? 'is 1 round' : `are ${config.rounds} rounds`}; a round closes once every student has submitted or after ${config.roundMs / 1000} seconds; a student without a list by then is admitted nowhere that round.`,
    'Your total payoff is the sum of your round payoffs.',
  ].join('\n');
}

export function describeView(view: SeatView): string {
  const rule = view.rule === 'student-da' ? 'deferred acceptance, students proposing' : view.rule === 'school-da' ? 'deferred acceptance, schools proposing' : 'immediate acceptance (Boston)';
  const school = view.role === 'school';
  const lines = school
    ? [
        `You are school ${view.mySchool} (${view.seat}) with ${view.myCapacity} seat${view.myCapacity === 1 ? '' : 's'}, round ${view.round} of ${view.rounds}; ${view.students} students. Rule: ${rule}.`,
        'Your values for the students (what you earn for each one you admit):',
        ...view.myTrueOrder.map((s) => `  ${s}: ${num(view.myValues[s] ?? 0)}`),
        `Your true priority order: ${view.myTrueOrder.join(' > ')}.`,
      ]
    : [
        `You are student ${view.seat} of ${view.students}, round ${view.round} of ${view.rounds}. Rule: ${rule}.`,
        `Schools (seats; your value${view.myPriority ? '; where you stand in its priority order' : ''}):`,
        ...view.schools.map((s) => `  ${s.name}: ${s.capacity} seat${s.capacity === 1 ? '' : 's'}; value ${num(view.myValues[s.name] ?? 0)}${view.myPriority ? `; you are ${ordinal(view.myPriority[s.name] ?? 0)} of ${view.students}` : ''}${s.quality === null ? '' : `; common quality ${num(s.quality)}`}`),
        `Your true preference order: ${view.myTrueOrder.join(' > ')}.`,
      ];
  if (view.stage === 'rank') {
    if (view.myList === null) lines.push(school ? 'Submit your priority order of all students (first: the one you most want).' : `Submit a rank-order list of all schools (most preferred first)${view.maxList === null ? '' : `; only the first ${view.maxList} count`}.`);
    else lines.push(`You submitted ${view.myList.join(' > ')}; waiting for the others (${view.reportsIn} of ${view.students + (view.schoolsPlay ? view.schools.length : 0)} in).`);
  }
  for (const r of view.history.slice(-5)) {
    const stat = view.stats.find((s) => s.round === r.round);
    const got = school ? `admitted ${r.admitted?.length ? r.admitted.join(', ') : 'nobody'}` : r.school === null ? 'admitted nowhere' : `admitted to ${r.school} (your ${ordinal(r.rank ?? 0)} choice)`;
    lines.push(`Round ${r.round}: ${r.list === null ? 'you submitted no list' : `you listed ${r.list.join(' > ')}`}; ${got}, earning ${num(r.value)}${stat ? `; blocking pairs: ${stat.blockingPairs}` : ''}.`);
  }
  lines.push(`Your total payoff so far: ${num(view.totalPayoff)}.`);
  return lines.join('\n');
}
