/**
 * Baseline students of the matching market (mechanisms/matching): the truthful reporter,
 * and two Boston-style strategists. Under immediate acceptance a school fills with the
 * students who rank it first, so a student whose favourite is out of reach loses its second
 * choice too by listing it first; the strategists move a school where they are likely to be
 * admitted to the top of the list and keep the rest of their true order. A school seat
 * (when the schools play) reads the same view: the truthful reporter and skip-top play it
 * too, over its order of the students; safe-first is truthful where priorities are not public.
 */
import { z } from 'zod';
import type { SeatView } from '../../mechanisms/matching/index.ts';
import type { Decision, Observation, PolicyFactory } from '../policy.ts';
import { decision } from '../policy.ts';

type Obs = Observation<SeatView>;

/** The list with `first` moved to the top and the true order otherwise, or null when ranking is not open. */
function submit(obs: Obs, first: string | null, note?: string): Decision | null {
  const spec = obs.legal.find((a) => a.type === 'rank')?.params.order;
  if (!spec || spec.kind !== 'ranking') return null;
  const truth = obs.view.myTrueOrder.filter((s) => spec.options.includes(s));
  const order = first === null || !truth.includes(first) ? truth : [first, ...truth.filter((s) => s !== first)];
  return decision({ type: 'rank', order }, note);
}

export const truthfulRanker: PolicyFactory<Record<string, never>> = {
  name: 'truthful-ranker',
  description: 'Lists its options (a student: the schools; a school seat: the students) in its true order of values, every round (a dominant strategy for students under student-proposing deferred acceptance with full lists).',
  trusted: true,
  paramsSchema: z.object({}).strict(),
  create: () => ({ name: 'truthful-ranker', decide: (obs: Obs) => submit(obs, null) }),
};

export const skipTop: PolicyFactory<{ skip: number }> = {
  name: 'skip-top',
  description: 'Skips its top choices: lists first the school `skip` places down its true order (default 1: its second choice), then the rest in true order.',
  trusted: true,
  paramsSchema: z.object({ skip: z.number().int().min(0).max(7).default(1) }).strict(),
  create: ({ skip }) => ({
    name: 'skip-top',
    decide: (obs: Obs) => {
      const truth = obs.view.myTrueOrder;
      const first = truth[Math.min(skip, truth.length - 1)] ?? null;
      return submit(obs, first, `skips ${skip}: ${first} first`);
    },
  }),
};

export const safeFirst: PolicyFactory<{ margin: number }> = {
  name: 'safe-first',
  description:
    "Lists first its most preferred school where it stands within the school's capacity plus `margin` in the priority order (margin 0: a school that must admit it if it applies there first under Boston), then the rest in true order; truthful when its top school is already safe.",
  trusted: true,
  paramsSchema: z.object({ margin: z.number().int().min(0).max(16).default(0) }).strict(),
  create: ({ margin }) => ({
    name: 'safe-first',
    decide: (obs: Obs) => {
      const view = obs.view;
      const priority = view.myPriority;
      if (priority === null) return submit(obs, null, 'priorities not public: truthful');
      const capacity = Object.fromEntries(view.schools.map((s) => [s.name, s.capacity]));
      const safe = view.myTrueOrder.find((s) => (priority[s] ?? Infinity) <= (capacity[s] ?? 0) + margin) ?? null;
      return submit(obs, safe, safe === null ? 'no safe school: truthful' : `${safe} first`);
    },
  }),
};

export const MATCHING_POLICIES = [truthfulRanker, skipTop, safeFirst];
