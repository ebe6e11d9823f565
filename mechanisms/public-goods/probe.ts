/** What `arena probe` tries on the public goods game: any conditional-cooperation rule (free riding among them), against changes to the returns and the information shown. */
import type { MechanismProbe } from '../core/probe.ts';

export const probe: MechanismProbe = {
  deviations: [
    {
      name: 'contribution-rule',
      deviation: {
        class: 'a conditional cooperator with any slope from 0 to 1 and any first contribution from 0 to 1 of the endowment (slope 0, first 0: a free rider)',
        policy: 'conditional-cooperator',
        params: { slope: { grid: [0, 0.25, 0.5, 0.75, 1] }, initial: { grid: [0, 0.25, 0.5, 1] } },
        search: 'grid',
      },
    },
  ],
  mitigations: [
    { name: 'higher-returns', config: { mpcr: 0.8 }, why: 'each point kept earns 1, each point given returns the MPCR: the closer the MPCR is to 1, the less keeping pays' },
    { name: 'totals-only', config: { reveal: 'total' }, why: 'with only the group total shown, a free rider is not singled out, and conditional cooperators answer the group' },
  ],
};
