/**
 * scoring-rule@1 — forecasts paid by a scoring rule, with a reputation that decides who gets
 * the next task.
 *
 * Rules: each round is a task with `answers` possible answers, the true one drawn uniformly by
 * the seed. Each agent has a private accuracy (drawn once from its own stream); on a task it
 * is given, it sees a private signal, the true answer with that probability and another
 * answer at random otherwise. It reports a probability for every answer ('distribution') or
 * one answer with its confidence ('confidence'). When every agent of the task is in (or at
 * the deadline; a missing report counts as the uniform distribution), the true answer is
 * revealed and each report is paid `scale` × its score under `rule`: quadratic (Brier),
 * logarithmic, spherical, or accuracy-gap (1[right] − |confidence − 1[right]|). Reputation
 * is the mean score (or a moving average, `reputationWeight`), starting optimistic (the rule's
 * best score, `initialReputation`); with assign 'top' the next task goes to the
 * `taskSize` agents of highest reputation.
 *
 * Seats see their accuracy, their signal, their reports and results; everyone sees the true
 * answers once revealed, who had each task and every reputation. Benchmarks: the expected score
 * of a calibrated agent of mean accuracy, and whether the rule is proper. Outcome: revenue 0;
 * welfare = the payments; maxWelfare = what agents reporting certainty on the true answer would
 * be paid (the rule's best score on every report).
 */
import type { Benchmark, Legal, MeasureSpec, Mechanism, SeatId } from '../core/types.ts';
import { support } from '../core/policy.ts';
import { answerNames, MAX_SEATS, scoringRuleActionSchema, scoringRuleConfigSchema, type ScoringRuleAction, type ScoringRuleConfig, type ScoringRuleName } from './config.ts';
import { advanceTo, firstTask, fromAnswer, fromDistribution, MECHANISM_ID, ownTask, publicTask, submit, type OwnTask, type PublicTask, type ScoringRuleState } from './play.ts';
import { expectedScore, posterior, scoreBounds } from './rules.ts';

export type { ScoringRuleConfig, ScoringRuleAction } from './config.ts';
export type { ScoringRuleState, TaskRecord, OwnTask, PublicTask, Report } from './play.ts';

interface Status {
  readonly mechanism: typeof MECHANISM_ID;
  readonly round: number;
  readonly rounds: number;
  readonly over: boolean;
  readonly deadline: number | null;
  readonly answers: readonly string[];
  readonly rule: ScoringRuleName;
  readonly report: 'distribution' | 'confidence';
  readonly scale: number;
  /** Who has the task under way. */
  readonly assigned: readonly SeatId[];
  readonly reportsIn: number;
  readonly reputations: Readonly<Record<SeatId, number>>;
}

export interface PlayerView extends Status {
  readonly seat: SeatId;
  /** Your accuracy: the chance your signal is the true answer. */
  readonly accuracy: number;
  /** Your signal on the task under way; null when it is not yours. */
  readonly signal: string | null;
  readonly reported: boolean;
  readonly history: readonly OwnTask[];
  readonly totalPayoff: number;
}

export interface ScoringRulePublicView extends Status {
  readonly history: readonly PublicTask[];
}

const RULE_WORDS: Record<ScoringRuleName, string> = {
  quadratic: 'the quadratic (Brier) rule: 1 − Σ (p_k − 1 if k is the true answer, else 0)²',
  logarithmic: 'the logarithmic rule: ln(the probability you gave the true answer)',
  spherical: 'the spherical rule: (the probability you gave the true answer) / √(Σ p_k²)',
  'accuracy-gap': 'accuracy minus the gap: 1 if your answer is right (else 0), minus |your confidence − that|',
};

/** The match as `who` (a seat index; null: a spectator) may see it. */
function status(state: ScoringRuleState, who: number | null): Status {
  const c = state.config;
  const shown = (i: number) => c.publicReputations || i === who;
  return {
    mechanism: MECHANISM_ID,
    round: state.round,
    rounds: c.rounds,
    over: state.over,
    deadline: state.deadline,
    answers: answerNames(c.answers),
    rule: c.rule,
    report: c.report,
    scale: c.scale,
    assigned: state.over ? [] : state.seats.filter((_, i) => state.assigned[i] && shown(i)),
    reportsIn: state.reportsIn,
    reputations: Object.fromEntries(state.seats.flatMap((s, i) => (shown(i) ? [[s, state.reputations[i] as number]] : []))) as Record<SeatId, number>,
  };
}

const num = (x: number | null): string => (x === null ? '–' : String(Math.round(x * 1000) / 1000));

function rules(c: ScoringRuleConfig): string {
  const names = answerNames(c.answers);
  const { low, high } = support(c.accuracy);
  return [
    `Forecasting tasks paid by a scoring rule, ${c.rounds} task${c.rounds === 1 ? '' : 's'}.`,
    `Each task has ${c.answers} possible answers (${names.join(', ')}); the true one is drawn at random, each equally likely.`,
    `Each agent has its own accuracy, drawn once between ${low} and ${high} and known only to it. On each task it is given, it sees a private signal: the true answer with that probability, otherwise one of the other answers at random.`,
    c.report === 'distribution' ? 'You report a probability for every answer (together 1).' : 'You report one answer and your confidence that it is right (a probability).',
    `When the task closes the true answer is revealed and each report is paid ${c.scale} × its score under ${RULE_WORDS[c.rule]}.`,
    c.reputationWeight === null
      ? `Reputation: the average of your scores so far, counting a starting reputation of ${c.initialReputation ?? scoreBounds(c).max} as one more${c.publicReputations ? "; everyone sees everyone's reputation" : ''}.`
      : `Reputation: everyone starts at ${c.initialReputation ?? scoreBounds(c).max}; after each task yours moves ${Math.round(c.reputationWeight * 100)}% of the way to your score${c.publicReputations ? "; everyone sees everyone's reputation" : ''}.`,
    c.publicReputations ? '' : 'Each agent sees only its own reputation, and whether it has the task.',
    c.assign === 'all'
      ? 'Every agent gets every task.'
      : `Each task goes to the ${c.taskSize} agent${c.taskSize === 1 ? '' : 's'} of highest reputation (ties: the lower seat)${c.explore > 0 ? `, except that each place goes with probability ${c.explore} to another agent drawn at random` : ''}.`,
    c.roundMs === null ? '' : `A task closes after ${c.roundMs / 1000} seconds; a missing report counts as equal probabilities on every answer.`,
    'Your total payoff is the sum of your payments.',
  ]
    .filter(Boolean)
    .join('\n');
}

function describe(view: PlayerView): string {
  const lines = [`Forecasting task ${view.round} of ${view.rounds}; you are ${view.seat}, with accuracy ${num(view.accuracy)}. Payment: ${view.scale} × ${RULE_WORDS[view.rule]}.`];
  if (view.over) lines.push('The tasks are over.');
  else if (view.signal === null) lines.push(view.assigned.length ? `This task went to ${view.assigned.join(', ')}.` : 'This task went to other agents.');
  else if (view.reported) lines.push(`You have reported; waiting for the others (${view.reportsIn} of ${view.assigned.length} in).`);
  else lines.push(`Your signal says ${view.signal}. ${view.report === 'distribution' ? `Report a probability for each of ${view.answers.join(', ')}.` : `Report an answer (${view.answers.join(', ')}) and your confidence that it is right.`}`);
  for (const t of view.history.slice(-5)) lines.push(`Task ${t.round}: true answer ${t.truth}${t.signal === null ? ' (not yours)' : `, your signal ${t.signal}, you said ${t.answer} with confidence ${num(t.confidence)}${t.missed ? ' (missed)' : ''}, score ${num(t.score)}, paid ${num(t.payment)}`}.`);
  lines.push(`Reputations: ${Object.entries(view.reputations).map(([s, r]) => `${s}${s === view.seat ? ' (you)' : ''} ${num(r)}`).join(', ')}. Your total payoff so far: ${num(view.totalPayoff)}.`);
  return lines.join('\n');
}

export const SCORING_RULE_MEASURES: readonly MeasureSpec[] = [
  { name: 'mean_score', unit: 'score', definition: 'the score of a report under the rule, averaged over reports' },
  { name: 'brier_score', unit: 'score', definition: 'Σ (p_k − 1[k true])² per report, averaged (0 perfect, whatever the paying rule)' },
  { name: 'accuracy', unit: 'share', definition: "reports whose first-ranked answer is the true one" },
  { name: 'calibration_error', unit: 'probability', definition: 'mean confidence in the first-ranked answer minus the share of those answers that were right (above 0: overconfident)' },
  { name: 'assigned_accuracy', unit: 'probability', definition: "the true accuracy of the agents who got the tasks, averaged over reports (the reputation rule's choice)" },
  { name: 'missed_share', unit: 'share', definition: 'reports missed at the deadline' },
];

const legalCache = new WeakMap<ScoringRuleConfig, Legal>();
function legalOf(c: ScoringRuleConfig): Legal {
  let legal = legalCache.get(c);
  if (!legal) {
    const names = answerNames(c.answers);
    legal =
      c.report === 'distribution'
        ? [{ type: 'forecast', params: { probabilities: { kind: 'simplex', keys: names } }, hint: 'a probability for every answer, together 1' }]
        : [{ type: 'answer', params: { answer: { kind: 'choice', options: names }, confidence: { kind: 'number', min: 0, max: 1 } }, hint: 'your answer and your probability that it is right' }];
    legalCache.set(c, legal);
  }
  return legal;
}

export const scoringRule: Mechanism<ScoringRuleConfig, ScoringRuleState, ScoringRuleAction, PlayerView, ScoringRulePublicView> = {
  id: MECHANISM_ID,
  version: 1,
  title: 'Scoring-rule forecasts with reputation',
  traits: { timing: 'simultaneous', utility: 'general', chance: true, private: ['its accuracy', 'its signal on each task', 'its reports'] },
  rules,
  configSchema: scoringRuleConfigSchema,
  actionSchema: scoringRuleActionSchema,
  measures: SCORING_RULE_MEASURES,
  policies: ['calibrated', 'overconfident'],
  baseline: { policy: 'calibrated' },
  seats: (config) => ({ min: config.assign === 'top' ? Math.max(1, config.taskSize) : 1, max: MAX_SEATS, roles: (n) => new Array<string>(n).fill('agent') }),
  setup: firstTask,
  legal(state, seat) {
    if (state.over) return [];
    const i = state.seats.indexOf(seat);
    return i >= 0 && state.assigned[i] && state.reports[i] === null ? legalOf(state.config) : [];
  },
  apply(state, seat, action, at) {
    const names = answerNames(state.config.answers);
    const report = action.type === 'forecast' ? fromDistribution(names.map((n) => action.probabilities[n] ?? 0)) : fromAnswer(state.config.answers, names.indexOf(action.answer), action.confidence);
    return submit(state, seat, report, at);
  },
  advance: advanceTo,
  view(state, seat) {
    const i = state.seats.indexOf(seat);
    const names = answerNames(state.config.answers);
    const signal = state.over ? null : state.signals[i];
    return {
      ...status(state, i),
      seat,
      accuracy: state.accuracies[i] as number,
      signal: signal === null || signal === undefined ? null : (names[signal] as string),
      reported: state.reports[i] !== null && !state.over,
      history: state.recent.map((r) => ownTask(state.config, state.seats, names, r, i)),
      totalPayoff: state.totals[i] as number,
    };
  },
  publicView: (state) => ({ ...status(state, null), history: state.recent.map((r) => publicTask(state.config, state.seats, answerNames(state.config.answers), r)) }),
  describe,
  progress: (state) => ({ round: state.round, rounds: state.config.rounds, unit: 'round', phase: state.over ? 'over' : 'forecasting' }),
  outcome(state) {
    const t = state.tally;
    const best = scoreBounds(state.config).max * state.config.scale;
    return {
      payoffs: Object.fromEntries(state.seats.map((s, i) => [s, state.totals[i] as number])),
      revenue: 0,
      welfare: t.paid,
      maxWelfare: Math.round(best * t.reports * 1e9) / 1e9,
      measures: {
        mean_score: t.reports ? t.score / t.reports : null,
        brier_score: t.reports ? t.brier / t.reports : null,
        accuracy: t.reports ? t.hits / t.reports : null,
        calibration_error: t.reports ? (t.confidence - t.hits) / t.reports : null,
        assigned_accuracy: t.reports ? t.assignedAccuracy / t.reports : null,
        missed_share: t.reports ? t.missed / t.reports : null,
      },
    };
  },
  benchmarks(config): Record<string, Benchmark> {
    const { low, high } = support(config.accuracy);
    const a = config.accuracy.kind === 'discrete' ? config.accuracy.values.reduce((x, y) => x + y, 0) / config.accuracy.values.length : (low + high) / 2;
    const k = config.answers;
    const q = posterior(a, 0, k);
    // A calibrated agent reports its posterior; its expected score given its belief.
    const calibrated = config.rule === 'accuracy-gap' ? a * a - (1 - a) * a : expectedScore(config, q, q);
    const certain = config.rule === 'accuracy-gap' ? 2 * a - 1 : expectedScore(config, fromAnswer(k, 0, config.rule === 'logarithmic' ? 1 - config.logFloor * (k - 1) : 1).p, q);
    const of = (value: number | null, unit: string, definition: string): Benchmark => ({ value, unit, definition, audience: 'public' });
    return {
      calibrated_score: of(calibrated, 'score', 'the expected score of an agent of the mean accuracy who reports its posterior (its accuracy on its signal)'),
      certain_score: of(certain, 'score', 'the expected score of the same agent claiming certainty in its signal'),
      proper: of(config.rule === 'accuracy-gap' ? 0 : 1, 'yes (1) or no (0)', 'whether reporting one\u2019s belief maximises the expected score (quadratic, logarithmic and spherical rules are strictly proper; accuracy-gap is not)'),
    };
  },
  // Reputations move with the scores, and so with every agent's signals: the rules show them to all.
  revealedFields: () => ['reputations', 'assigned', 'history'],
  payoffBounds(config) {
    const b = scoreBounds(config);
    return { min: Math.min(0, b.min * config.scale * config.rounds), max: Math.max(0, b.max * config.scale * config.rounds) };
  },
  oneRound: (config) => ({ ...config, rounds: 1 }),
};

export default scoringRule;
