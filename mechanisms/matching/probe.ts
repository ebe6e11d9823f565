/** What `arena probe` tries on the matching market: skipping top choices, or listing a safe school first, against a switch to deferred acceptance. */
import type { MechanismProbe } from '../core/probe.ts';

export const probe: MechanismProbe = {
  deviations: [
    {
      name: 'skip-top',
      deviation: { class: 'list first the school 0 to 2 places down the true order, the rest truthful (0: truthful)', policy: 'skip-top', params: { skip: { grid: [0, 1, 2] } }, search: 'grid' },
    },
    {
      name: 'safe-first',
      deviation: { class: 'list first the best school where one stands within its capacity plus a margin of 0 to 2 in the priorities', policy: 'safe-first', params: { margin: { grid: [0, 1, 2] } }, search: 'grid' },
    },
  ],
  mitigations: [
    { name: 'deferred-acceptance', config: { rule: 'student-da', maxList: null }, why: 'under student-proposing deferred acceptance with full lists no misreport gains (Dubins and Freedman 1981, Roth 1982): a school listed first is not lost by applying there second' },
    { name: 'own-results-only', config: { reveal: 'own' }, why: "showing each student only its own school hides how contested each school was, which strategists read to guess where they would be admitted" },
  ],
};
