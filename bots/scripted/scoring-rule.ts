/**
 * Forecasters for the scoring-rule mechanism (mechanisms/scoring-rule): the calibrated one
 * reports its posterior (its accuracy on its signal, the rest spread evenly), the best reply
 * under any proper rule; the overconfident one adds `bias` to the probability of its signal.
 */
import { z } from 'zod';
import type { PlayerView } from '../../mechanisms/scoring-rule/index.ts';
import type { Decision, Observation, PolicyFactory } from '../policy.ts';
import { decision } from '../policy.ts';

type Obs = Observation<PlayerView>;

/** Reports probability `q` on its signal, the rest spread over the other answers. */
function reportWith(obs: Obs, q: number): Decision | null {
  const v = obs.view;
  if (v.signal === null || !obs.legal.length) return null;
  const k = v.answers.length;
  const p = Math.min(1, Math.max(0, q));
  if (obs.legal.some((a) => a.type === 'answer')) return decision({ type: 'answer', answer: v.signal, confidence: p });
  const rest = (1 - p) / (k - 1);
  const probabilities = Object.fromEntries(v.answers.map((a) => [a, a === v.signal ? p : rest]));
  // Exactly 1 in all, whatever the rounding.
  probabilities[v.signal] = 1 - rest * (k - 1);
  return decision({ type: 'forecast', probabilities });
}

export const calibrated: PolicyFactory<Record<string, never>> = {
  name: 'calibrated',
  description: 'Reports its posterior: its accuracy on its signal, the rest spread evenly over the other answers.',
  trusted: true,
  paramsSchema: z.object({}).strict(),
  create: () => ({ name: 'calibrated', decide: (obs: Obs) => reportWith(obs, obs.view.accuracy) }),
};

export const overconfident: PolicyFactory<{ bias: number }> = {
  name: 'overconfident',
  description: 'Reports its accuracy plus `bias` (default 0.3, up to certainty) on its signal.',
  trusted: true,
  paramsSchema: z.object({ bias: z.number().min(0).max(1).default(0.3) }).strict(),
  create: ({ bias }) => ({ name: 'overconfident', decide: (obs: Obs) => reportWith(obs, obs.view.accuracy + bias) }),
};

export const SCORING_RULE_POLICIES = [calibrated, overconfident];
