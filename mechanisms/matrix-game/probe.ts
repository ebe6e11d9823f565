/** What `arena probe` tries on a matrix game: always the same action, each of them, against changes to the horizon and to what is revealed. */
import type { MechanismProbe } from '../core/probe.ts';

export const probe: MechanismProbe = {
  deviations: [
    {
      name: 'constant-action',
      deviation: { class: 'always the same action (the first, cooperate in the dilemma, or the second, defect)', policy: 'always', params: { action: { grid: [0, 1] } }, search: 'grid' },
    },
  ],
  mitigations: [
    { name: 'uncertain-end', config: { continuation: 0.9, rounds: 200 }, why: 'with no known last round, defecting at the end cannot be planned, and reciprocity has a future to protect' },
    { name: 'actions-revealed', config: { reveal: 'actions' }, why: 'when every action is shown, a reciprocating player can answer the one who defected' },
  ],
};
