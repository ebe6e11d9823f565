/** Random legal play: any mechanism, any seat, an action drawn from legal(). */
import { z } from 'zod';
import { sampleLegal } from '../../mechanisms/core/legal.ts';
import type { PolicyFactory } from '../policy.ts';

export const randomLegal: PolicyFactory<{ passRate: number }> = {
  name: 'random',
  description: 'Takes a uniformly drawn legal action (param: passRate, the chance of doing nothing on a turn).',
  mechanisms: '*',
  trusted: true,
  paramsSchema: z.object({ passRate: z.number().min(0).max(1).default(0) }).strict(),
  create: ({ passRate }) => ({
    name: 'random',
    decide(obs, rng) {
      if (passRate > 0 && rng.float() < passRate) return null;
      const action = sampleLegal(obs.legal, rng);
      return action ? { action } : null;
    },
  }),
};
