/**
 * The scoring-rule mechanism's parameters and actions: tasks with a hidden answer drawn by the
 * seed, each agent's private accuracy, what agents report (a probability for every answer, or
 * one answer and a confidence), the payment rule, and the reputation that decides who gets the
 * next task.
 */
import { z } from 'zod';
import { communicationSchema, distributionSchema } from '../core/policy.ts';
import { strictObject } from '../core/config.ts';

export const MAX_SEATS = 200;
export const RULES = ['quadratic', 'logarithmic', 'spherical', 'accuracy-gap'] as const;
export type ScoringRuleName = (typeof RULES)[number];
export const REPORTS = ['distribution', 'confidence'] as const;

export const scoringRuleConfigSchema = strictObject({
  rounds: z.number().int().min(1).max(1_000_000).default(20).meta({ title: 'Rounds' }),
  /** Possible answers of every task; the true one is drawn uniformly by the seed. */
  answers: z.number().int().min(2).max(10).default(2).meta({ title: 'Answers', description: 'Possible answers of every task; the true one is drawn uniformly by the seed.' }),
  /** Each agent's accuracy (the chance its private signal is the true answer; otherwise another answer at random), drawn once from its own stream. */
  accuracy: distributionSchema.default({ kind: 'uniform', low: 0.55, high: 0.95 }).meta({ title: 'Accuracy', description: 'Each agent\'s accuracy (the chance its private signal is the true answer; otherwise another answer at random), drawn once from its own stream.' }),
  /** 'distribution': agents report a probability for every answer; 'confidence': one answer and their probability that it is right. */
  report: z.enum(REPORTS).default('distribution').meta({ title: 'Report kind', description: '\'distribution\': agents report a probability for every answer; \'confidence\': one answer and their probability that it is right.' }),
  /** quadratic (Brier): 1 − Σ(p_k − 1[k = truth])²; logarithmic: ln p_truth (floored at ln logFloor); spherical: p_truth/‖p‖; accuracy-gap: 1[right] − |confidence − 1[right]|. */
  rule: z.enum(RULES).default('quadratic').meta({ title: 'Rule', description: 'Quadratic (Brier): 1 − Σ(p_k − 1[k = truth])²; logarithmic: ln p_truth (floored at ln logFloor); spherical: p_truth/‖p‖; accuracy-gap: 1[right] − |confidence − 1[right]|.' }),
  logFloor: z.number().gt(0).lt(1).default(0.01).meta({ title: 'Log score floor' }),
  /** Payment = scale × score. */
  scale: z.number().min(0).max(1e6).default(10).meta({ title: 'Scale', description: 'Payment = scale × score.' }),
  /**
   * Reputation after each task: null, the mean of the agent's scores with its initial
   * reputation counted as one more; a number w, (1 − w)·reputation + w·score, which follows
   * recent tasks but drops a good forecaster below a steady mediocre one after one miss.
   */
  reputationWeight: z.number().gt(0).max(1).nullable().default(null).meta({ title: 'Reputation weight', description: 'Reputation after each task: null, the mean of the agent\'s scores with its initial reputation counted as one more; a number w, (1 − w)·reputation + w·score, which follows recent tasks but drops a good forecaster below a steady mediocre one after one miss.' }),
  /** Everyone's reputation before any task; null: the rule's best score, so that with assign 'top' every agent is tried before its record counts. */
  initialReputation: z.number().nullable().default(null).meta({ title: 'Initial reputation', description: 'Everyone\'s reputation before any task; none: the rule\'s best score, so that with assign \'top\' every agent is tried before its record counts.' }),
  /** Who gets each task: every agent ('all'), or the `taskSize` agents of highest reputation (ties: the lower seat). */
  assign: z.enum(['all', 'top']).default('all').meta({ title: 'Task assignment', description: 'Who gets each task: every agent (\'all\'), or the `taskSize` agents of highest reputation (ties: the lower seat).' }),
  taskSize: z.number().int().min(1).default(2).meta({ title: 'Task size' }),
  /** Whether everyone sees every agent's reputation and who has each task; false: each agent sees only its own, spectators neither. */
  publicReputations: z.boolean().default(true).meta({ title: 'Public reputations', description: 'Whether everyone sees every agent\'s reputation and who has each task; off: each agent sees only its own, spectators neither.' }),
  /** With assign 'top': the chance that a place on a task goes to another agent drawn at random instead. */
  explore: z.number().min(0).max(1).default(0.1).meta({ title: 'Exploration', description: 'With assign \'top\': the chance that a place on a task goes to another agent drawn at random instead.' }),
  /** How long a task stays open in ms; null: until every assigned agent has reported. A missing report scores as the uniform distribution. */
  roundMs: z.number().int().positive().nullable().default(null).meta({ title: 'Round length', unit: 'ms', description: 'How long a task stays open; none: until every assigned agent has reported. A missing report scores as the uniform distribution.' }),
  recall: z.number().int().min(0).max(1000).default(20).meta({ title: 'Rounds shown' }),
  communication: communicationSchema,
}).superRefine((c, ctx) => {
  if (c.rule === 'accuracy-gap' && c.report !== 'confidence') ctx.addIssue({ code: 'custom', path: ['rule'], message: "the accuracy-gap rule scores one answer and a confidence: set report to 'confidence'" });
});
export type ScoringRuleConfig = z.infer<typeof scoringRuleConfigSchema>;

export const scoringRuleActionSchema = z.discriminatedUnion('type', [
  /** A probability for every answer ('a', 'b', ...), summing to 1. */
  z.object({ type: z.literal('forecast'), probabilities: z.record(z.string(), z.number()) }),
  z.object({ type: z.literal('answer'), answer: z.string(), confidence: z.number() }),
]);
export type ScoringRuleAction = z.infer<typeof scoringRuleActionSchema>;

/** The answers' names: 'a', 'b', 'c', ... */
export const answerNames = (k: number): string[] => Array.from({ length: k }, (_, i) => String.fromCharCode(97 + i));
