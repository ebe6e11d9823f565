/** What `arena probe` tries on the Bertrand market: a firm pricing at a benchmark instead of its policy, against hiding rivals' prices. */
import type { MechanismProbe } from '../core/probe.ts';

export const probe: MechanismProbe = {
  deviations: [
    {
      name: 'benchmark-pricing',
      deviation: { class: 'price at the Nash price or at the monopoly price every period', policy: 'benchmark', params: { benchmark: { grid: ['nash_price', 'monopoly_price'] } }, search: 'grid' },
    },
  ],
  mitigations: [
    { name: 'hide-rival-prices', config: { reveal: 'ownOnly' }, why: 'firms that see only their own price and sales cannot condition on, or punish, a rival’s price' },
  ],
};
