/**
 * How a task moves: the seed draws its true answer; every agent it is assigned to (all, or the
 * `taskSize` of highest reputation) gets a private signal, right with its own accuracy and
 * otherwise another answer at random, and reports; when every assigned agent is in (or at the
 * deadline, where a missing report counts as the uniform distribution), the answer is revealed,
 * each report is scored and paid, and reputations move towards the scores.
 */
import { OPENING, ROUND_RECORD, type ApplyResult, type BaseState, type MechEvent, type ParticipantRound, type Rewards, type SeatId } from '../core/types.ts';
import { drawFrom, tidy } from '../core/policy.ts';
import { draw, seatStream, sharedStream, type RngState, type SeedSet } from '../core/random.ts';
import { answerNames, type ScoringRuleConfig } from './config.ts';
import { gapScore, scoreBounds, scoreOf } from './rules.ts';
import { keepRecent } from '../core/recent.ts';

export const MECHANISM_ID = 'scoring-rule';

/** A report as a distribution over the answers, with the answer it ranks first and its probability. */
export interface Report {
  readonly p: readonly number[];
  readonly answer: number;
  readonly confidence: number;
}

export interface TaskRecord {
  readonly round: number;
  readonly truth: number;
  readonly assigned: readonly boolean[];
  readonly signals: readonly (number | null)[];
  /** null: not assigned; missed ones hold the uniform report. */
  readonly reports: readonly (Report | null)[];
  readonly missed: readonly boolean[];
  readonly scores: readonly (number | null)[];
  readonly payments: readonly number[];
  /** Reputations after the task. */
  readonly reputations: readonly number[];
}

export interface Tally {
  readonly tasks: number;
  readonly reports: number;
  readonly score: number;
  readonly brier: number;
  readonly confidence: number;
  readonly hits: number;
  readonly assignedAccuracy: number;
  readonly missed: number;
  readonly paid: number;
}

export interface ScoringRuleState extends BaseState {
  readonly config: ScoringRuleConfig;
  readonly seats: readonly SeatId[];
  readonly round: number;
  readonly accuracies: readonly number[];
  readonly truth: number;
  readonly assigned: readonly boolean[];
  readonly signals: readonly (number | null)[];
  readonly reports: readonly (Report | null)[];
  readonly reportsIn: number;
  readonly reputations: readonly number[];
  /** Tasks scored per agent. */
  readonly scored: readonly number[];
  readonly recent: readonly TaskRecord[];
  readonly tally: Tally;
  readonly totals: readonly number[];
  readonly streams: readonly RngState[];
  readonly shared: RngState;
}

const EMPTY: Tally = { tasks: 0, reports: 0, score: 0, brier: 0, confidence: 0, hits: 0, assignedAccuracy: 0, missed: 0, paid: 0 };

/** The agents of a task: everyone, or the `taskSize` of highest reputation (ties: the lower seat). */
/**
 * The agents of a task: everyone, or the `taskSize` of highest reputation (ties: the lower
 * seat), each place going instead, with probability `explore`, to an agent drawn at random
 * among the others (so that an agent's early bad luck does not shut it out for good).
 */
function assign(config: ScoringRuleConfig, reputations: readonly number[], shared: RngState): [boolean[], RngState] {
  if (config.assign === 'all') return [reputations.map(() => true), shared];
  const order = reputations.map((r, i) => [r, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  const size = Math.min(config.taskSize, reputations.length);
  const [chosen, after] = draw(shared, (rng) => {
    const picked = new Set<number>();
    for (const [, i] of order.slice(0, size)) {
      if (config.explore > 0 && rng.float() < config.explore) {
        const rest = order.map(([, j]) => j).filter((j) => !picked.has(j) && j !== i);
        picked.add(rest.length ? (rest[rng.int(0, rest.length - 1)] as number) : i);
      } else if (!picked.has(i)) picked.add(i);
      else picked.add(order.map(([, j]) => j).find((j) => !picked.has(j)) as number);
    }
    return picked;
  });
  return [reputations.map((_, i) => chosen.has(i)), after];
}

/** Draws a task: its truth from the shared stream, each assigned agent's signal from its own. */
function drawTask(config: ScoringRuleConfig, accuracies: readonly number[], assigned: readonly boolean[], shared: RngState, streams: readonly RngState[]) {
  const k = config.answers;
  const [truth, sharedAfter] = draw(shared, (rng) => rng.int(0, k - 1));
  const signals: (number | null)[] = [];
  const next: RngState[] = [];
  streams.forEach((s, i) => {
    if (!assigned[i]) {
      signals.push(null);
      next.push(s);
      return;
    }
    const [signal, after] = draw(s, (rng) => {
      if (rng.float() < (accuracies[i] as number)) return truth;
      const other = rng.int(0, k - 2);
      return other >= truth ? other + 1 : other;
    });
    signals.push(signal);
    next.push(after);
  });
  return { truth, signals, shared: sharedAfter, streams: next };
}

export function firstTask(config: ScoringRuleConfig, seats: readonly SeatId[], seeds: SeedSet): ScoringRuleState {
  const accuracies: number[] = [];
  const streams: RngState[] = [];
  seats.forEach((_, i) => {
    const [a, after] = draw(seatStream(seeds, i), (rng) => Math.min(1, Math.max(0, drawFrom(config.accuracy, rng))));
    accuracies.push(a);
    streams.push(after);
  });
  const reputations = seats.map(() => config.initialReputation ?? scoreBounds(config).max);
  const [assigned, shared] = assign(config, reputations, sharedStream(seeds));
  const task = drawTask(config, accuracies, assigned, shared, streams);
  return {
    ...OPENING,
    config,
    seats,
    round: 1,
    accuracies,
    truth: task.truth,
    assigned,
    signals: task.signals,
    reports: seats.map(() => null),
    reportsIn: 0,
    reputations,
    scored: seats.map(() => 0),
    recent: [],
    tally: EMPTY,
    totals: seats.map(() => 0),
    streams: task.streams,
    shared: task.shared,
  };
}

interface Transition {
  readonly state: ScoringRuleState;
  readonly events: MechEvent[];
  readonly rewards?: Rewards;
}

const uniformReport = (k: number): Report => ({ p: new Array<number>(k).fill(1 / k), answer: 0, confidence: 1 / k });

/** A distribution's report (its first-ranked answer the lowest of ties). */
export function fromDistribution(p: readonly number[]): Report {
  let answer = 0;
  p.forEach((x, i) => {
    if (x > (p[answer] as number) + 1e-12) answer = i;
  });
  return { p, answer, confidence: p[answer] as number };
}

/** One answer and a confidence as a distribution: the rest spread evenly over the other answers. */
export const fromAnswer = (k: number, answer: number, confidence: number): Report => ({ p: Array.from({ length: k }, (_, i) => (i === answer ? confidence : (1 - confidence) / (k - 1))), answer, confidence });

const assignedCount = (s: ScoringRuleState): number => s.assigned.filter(Boolean).length;

export function submit(state: ScoringRuleState, seat: SeatId, report: Report, at: number): ApplyResult<ScoringRuleState> {
  const i = state.seats.indexOf(seat);
  if (!state.assigned[i]) return { ok: false, code: 'NOT_ALLOWED', message: 'this task went to other agents' };
  if (state.reports[i] !== null) return { ok: false, code: 'NOT_YOUR_TURN', message: 'you have reported on this task' };
  const reports = state.reports.slice();
  reports[i] = report;
  const placed: ScoringRuleState = { ...state, reports, reportsIn: state.reportsIn + 1 };
  const names = answerNames(state.config.answers);
  const events: MechEvent[] = [
    { kind: 'reported', audience: [seat], data: { round: state.round, answer: names[report.answer] as string, confidence: report.confidence, probabilities: Object.fromEntries(report.p.map((x, k) => [names[k] as string, x])) } },
    { kind: 'report_count', audience: 'public', data: { round: state.round, reportsIn: placed.reportsIn } },
  ];
  if (placed.reportsIn < assignedCount(state)) return { ok: true, state: { ...placed, stateId: state.stateId + 1 }, events };
  const closed = closeTask(placed, at);
  return { ok: true, state: closed.state, events: [...events, ...closed.events], ...(closed.rewards ? { rewards: closed.rewards } : {}) };
}

export function advanceTo(state: ScoringRuleState, at: number): Transition {
  if (state.over || state.config.roundMs === null) return { state, events: [] };
  if (state.deadline === null) return { state: { ...state, stateId: state.stateId + 1, deadline: at + state.config.roundMs }, events: [] };
  if (at < state.deadline) return { state, events: [] };
  return closeTask(state, state.deadline);
}

function closeTask(state: ScoringRuleState, at: number): Transition {
  const { config, seats } = state;
  const k = config.answers;
  const truth = state.truth;
  const missed = seats.map((_, i) => (state.assigned[i] as boolean) && state.reports[i] === null);
  const reports = state.reports.map((r, i) => (state.assigned[i] ? (r ?? uniformReport(k)) : null));
  const scores = reports.map((r) => (r === null ? null : config.rule === 'accuracy-gap' ? gapScore(r.answer === truth, r.confidence) : scoreOf(config, r.p, truth)));
  const payments = scores.map((s) => (s === null ? 0 : tidy(config.scale * s)));
  const w = config.reputationWeight;
  const scored = state.scored.map((n, i) => n + (scores[i] === null ? 0 : 1));
  // The mean of the scores with the initial reputation as one more, or a moving average.
  const reputations = state.reputations.map((rep, i) => (scores[i] === null ? rep : tidy(w === null ? rep + ((scores[i] as number) - rep) / ((scored[i] as number) + 1) : (1 - w) * rep + w * (scores[i] as number))));
  const record: TaskRecord = { round: state.round, truth, assigned: state.assigned, signals: state.signals, reports, missed, scores, payments, reputations };
  const t = state.tally;
  let n = 0;
  let score = 0;
  let brier = 0;
  let confidence = 0;
  let hits = 0;
  let acc = 0;
  reports.forEach((r, i) => {
    if (!r) return;
    n++;
    score += scores[i] as number;
    brier += r.p.reduce((s, x, y) => s + (x - (y === truth ? 1 : 0)) ** 2, 0);
    confidence += r.confidence;
    if (r.answer === truth) hits++;
    acc += state.accuracies[i] as number;
  });
  const tally: Tally = {
    tasks: t.tasks + 1,
    reports: t.reports + n,
    score: t.score + score,
    brier: t.brier + brier,
    confidence: t.confidence + confidence,
    hits: t.hits + hits,
    assignedAccuracy: t.assignedAccuracy + acc,
    missed: t.missed + missed.filter(Boolean).length,
    paid: tidy(t.paid + payments.reduce((a, b) => a + b, 0)),
  };
  const totals = state.totals.map((x, i) => tidy(x + (payments[i] as number)));
  const over = state.round >= config.rounds;
  const names = answerNames(k);
  const events: MechEvent[] = [{ kind: 'task_closed', audience: 'public', data: { ...publicTask(config, seats, names, record), over } }];
  const rewards: Record<SeatId, number> = {};
  const rows: ParticipantRound[] = [];
  seats.forEach((seat, i) => {
    events.push({ kind: 'task_result', audience: [seat], data: { ...ownTask(config, seats, names, record, i), accuracy: state.accuracies[i] as number, totalPayoff: totals[i] as number } });
    if (payments[i] !== 0) rewards[seat] = payments[i] as number;
    const r = reports[i];
    rows.push({
      round: state.round,
      seat,
      role: 'agent',
      fields: {
        accuracy: state.accuracies[i] as number,
        assigned: state.assigned[i] as boolean,
        signal: state.signals[i] === null ? null : (names[state.signals[i] as number] as string),
        answer: r ? (names[r.answer] as string) : null,
        confidence: r ? r.confidence : null,
        truth: names[truth] as string,
        right: r ? r.answer === truth : null,
        missed: missed[i] as boolean,
        score: scores[i] ?? null,
        reputation: reputations[i] as number,
      },
      payoff: payments[i] as number,
      outside: 0,
    });
  });
  events.push({ kind: ROUND_RECORD, audience: 'experimenter', data: { round: state.round, rows } });
  let next = { truth, signals: state.signals, shared: state.shared, streams: state.streams };
  let assigned = state.assigned;
  if (!over) {
    let shared: RngState;
    [assigned, shared] = assign(config, reputations, state.shared);
    next = drawTask(config, state.accuracies, assigned, shared, state.streams);
  }
  const recent = keepRecent(state.recent, record, config.recall);
  const stateId = state.stateId + 1;
  return {
    state: {
      ...state,
      stateId,
      phaseId: stateId,
      deadline: over || config.roundMs === null ? null : at + config.roundMs,
      over,
      round: over ? state.round : state.round + 1,
      truth: next.truth,
      assigned,
      signals: next.signals,
      reports: over ? state.reports : seats.map(() => null),
      reportsIn: over ? state.reportsIn : 0,
      reputations,
      scored,
      recent,
      tally,
      totals,
      streams: next.streams,
      shared: next.shared,
    },
    events,
    rewards,
  };
}

/** What everyone learns of a task: the true answer, who had it, and everyone's reputation after it. */
/**
 * What everyone learns of a task: the true answer and, with public reputations, who had it and
 * everyone's reputation after it; without, an agent (`who`) learns only its own part of these.
 */
export function publicTask(config: Pick<ScoringRuleConfig, 'publicReputations'>, seats: readonly SeatId[], names: readonly string[], r: TaskRecord, who: number | null = null) {
  const shown = (i: number) => config.publicReputations || i === who;
  return {
    round: r.round,
    truth: names[r.truth] as string,
    assigned: seats.filter((_, i) => r.assigned[i] && shown(i)),
    reputations: Object.fromEntries(seats.flatMap((s, i) => (shown(i) ? [[s, r.reputations[i] as number]] : []))) as Record<SeatId, number>,
  };
}
export type PublicTask = ReturnType<typeof publicTask>;

/** A task as the agent saw it: its signal, report, score and payment, with the public part. */
export function ownTask(config: Pick<ScoringRuleConfig, 'publicReputations'>, seats: readonly SeatId[], names: readonly string[], r: TaskRecord, i: number) {
  const rep = r.reports[i];
  return {
    ...publicTask(config, seats, names, r, i),
    signal: r.signals[i] === null ? null : (names[r.signals[i] as number] as string),
    answer: rep ? (names[rep.answer] as string) : null,
    confidence: rep ? rep.confidence : null,
    missed: r.missed[i] as boolean,
    score: r.scores[i] ?? null,
    payment: r.payments[i] as number,
  };
}
export type OwnTask = ReturnType<typeof ownTask>;
