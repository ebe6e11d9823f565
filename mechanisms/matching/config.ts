/**
 * The matching market's parameters and its one action. Every field has a default: three
 * schools of one seat each, student-proposing deferred acceptance, three rounds of fresh
 * preferences, the whole matching shown after each round.
 */
import { z } from 'zod';
import { communicationSchema } from '../core/policy.ts';
import { strictObject } from '../core/config.ts';

export const MAX_SCHOOLS = 8;
export const MAX_STUDENTS = 16;
export const MAX_CAPACITY = 16;

export const RULES = ['student-da', 'school-da', 'boston'] as const;
export type ClearingRule = (typeof RULES)[number];

export const REVEALS = ['matching', 'own'] as const;
export type Reveal = (typeof REVEALS)[number];

const schoolName = z
  .string()
  .min(1)
  .max(24)
  .regex(/^[A-Za-z0-9][A-Za-z0-9 _-]*$/, 'a school name is letters, digits, spaces, _ or -');

const schoolSchema = strictObject({
  name: schoolName,
  /** Seats the school fills. */
  capacity: z.number().int().min(1).max(MAX_CAPACITY).default(1).meta({ title: 'Capacity', description: 'Seats the school fills.' }),
});

const seatId = z.string().regex(/^p\d+$/, 'a student is named by its seat, p0, p1, ...');

/**
 * Preferences and priorities written out instead of drawn: each student's true order of the
 * schools (by seat, p0 first) and each school's order of the students (by school, in the
 * order of `schools`, each a list of seats). The number of students is then fixed.
 */
export const givenSchema = strictObject({
  students: z.array(z.array(schoolName)).min(2).max(MAX_STUDENTS).meta({ title: 'Students' }),
  priorities: z.array(z.array(seatId)).min(2).max(MAX_SCHOOLS).meta({ title: 'Priorities' }),
});
export type GivenPreferences = z.infer<typeof givenSchema>;

const DEFAULT_SCHOOLS = [
  { name: 'A', capacity: 1 },
  { name: 'B', capacity: 1 },
  { name: 'C', capacity: 1 },
];

export const matchingConfigSchema = strictObject({
  /** The schools (the mechanism's side: they do not play, they rank students by priority). */
  schools: z.array(schoolSchema).min(2).max(MAX_SCHOOLS).default(DEFAULT_SCHOOLS).meta({ title: 'Schools', description: 'The schools (the mechanism\'s side: they do not play, they rank students by priority).' }),
  /** Deferred acceptance with students ('student-da') or schools ('school-da') proposing, or immediate acceptance ('boston'). */
  rule: z.enum(RULES).default('student-da').meta({ title: 'Rule', description: 'Deferred acceptance with students (\'student-da\') or schools (\'school-da\') proposing, or immediate acceptance (\'boston\').' }),
  /** Rounds, each with fresh preferences and priorities (the same given ones every round). */
  rounds: z.number().int().min(1).max(10_000).default(3).meta({ title: 'Rounds', description: 'Rounds, each with fresh preferences and priorities (the same given ones every round).' }),
  /**
   * Weight of the schools' common quality in a student's values, from 0 (purely private
   * tastes) to 1 (every student ranks the schools alike): value = 100·(w·quality + (1 − w)·taste).
   */
  correlation: z.number().min(0).max(1).default(0.5).meta({ title: 'Correlation', description: 'Weight of the schools\' common quality in a student\'s values, from 0 (purely private tastes) to 1 (every student ranks the schools alike): value = 100·(w·quality + (1 − w)·taste).' }),
  /** Weight of a student's common score in the schools' priorities, from 0 (each school its own view) to 1 (one ranking for all). */
  priorityCorrelation: z.number().min(0).max(1).default(0.5).meta({ title: 'Priority correlation', description: 'Weight of a student\'s common score in the schools\' priorities, from 0 (each school its own view) to 1 (one ranking for all).' }),
  /**
   * Whether the schools are seats too (the last seats, one per school, in the order of
   * `schools`): each then holds private values for the students (a common score, weight
   * `priorityCorrelation`, plus its own taste), submits its priority order and earns the
   * values of the students it admits. false: the schools are the mechanism's side with public priorities.
   */
  schoolsPlay: z.boolean().default(false).meta({ title: 'Schools are players', description: 'Whether the schools are seats too (the last seats, one per school, in the order of `schools`): each then holds private values for the students (a common score, weight `priorityCorrelation`, plus its own taste), submits its priority order and earns the values of the students it admits. false: the schools are the mechanism\'s side with public priorities.' }),
  /** Preferences and priorities given instead of drawn; null: drawn each round. */
  given: givenSchema.nullable().default(null).meta({ title: 'Given preferences and priorities', description: 'Preferences and priorities given instead of drawn; none: drawn each round.' }),
  /** How many schools of a rank-order list count (the first ones); null: all of them. */
  maxList: z.number().int().min(1).max(MAX_SCHOOLS).nullable().default(null).meta({ title: 'Longest list counted', description: 'How many schools of a rank-order list count (the first ones); none: all of them.' }),
  /** What everyone learns after a round: who got which school ('matching'), or only their own school ('own'). */
  reveal: z.enum(REVEALS).default('matching').meta({ title: 'What everyone learns', description: 'What everyone learns after a round: who got which school (\'matching\'), or only their own school (\'own\').' }),
  /** How long a round stays open in ms; null: until every student has submitted. A student without a list by then stays unmatched that round. */
  roundMs: z.number().int().positive().nullable().default(null).meta({ title: 'Round length', unit: 'ms', description: 'How long a round stays open; none: until every student has submitted. A student without a list by then stays unmatched that round.' }),
  /** How many past rounds a view shows (the record keeps them all). */
  recall: z.number().int().min(0).max(1000).default(20).meta({ title: 'Rounds shown', description: 'How many past rounds a view shows (the record keeps them all).' }),
  communication: communicationSchema,
}).superRefine((c, ctx) => {
  const names = c.schools.map((s) => s.name);
  if (new Set(names).size !== names.length) ctx.addIssue({ code: 'custom', path: ['schools'], message: 'school names repeat' });
  if (c.maxList !== null && c.maxList > c.schools.length) ctx.addIssue({ code: 'custom', path: ['maxList'], message: `at most ${c.schools.length}, the number of schools` });
  const g = c.given;
  if (!g) return;
  const seats = g.students.map((_, i) => `p${i}`);
  g.students.forEach((order, i) => {
    if (order.length !== names.length || new Set(order).size !== order.length || !names.every((n) => order.includes(n)))
      ctx.addIssue({ code: 'custom', path: ['given', 'students', i], message: `p${i}'s order must list each of ${names.join(', ')} once` });
  });
  if (g.priorities.length !== names.length) ctx.addIssue({ code: 'custom', path: ['given', 'priorities'], message: `one priority order per school: ${names.length}` });
  g.priorities.forEach((order, j) => {
    if (order.length !== seats.length || new Set(order).size !== order.length || !seats.every((s) => order.includes(s)))
      ctx.addIssue({ code: 'custom', path: ['given', 'priorities', j], message: `school ${names[j] ?? j}'s priority order must list each of ${seats.join(', ')} once` });
  });
});
export type MatchingConfig = z.infer<typeof matchingConfigSchema>;

export const matchingActionSchema = z.discriminatedUnion('type', [z.object({ type: z.literal('rank'), order: z.array(z.string()) })]);
export type MatchingAction = z.infer<typeof matchingActionSchema>;
