/** What `arena probe` tries on an English auction: dropping out early or late (staying in up to one's value is dominant on the clock, so a gain is a defect), against the config changes a seller could make. */
import type { MechanismProbe } from '../core/probe.ts';

export const probe: MechanismProbe = {
  deviations: [
    {
      name: 'drop-early-or-late',
      role: 'bidder',
      deviation: { class: 'stay in up to one’s value plus a margin, −30 to +20', policy: 'value-dropper', params: { margin: { grid: [-30, -20, -10, -5, -2, 0, 2, 5, 10, 20] } }, search: 'grid' },
    },
  ],
  mitigations: [
    { name: 'reserve-at-half', config: { reserve: 50 }, why: 'a reserve price at the optimal level for values uniform on [0, 100] sets the price when the second value is low' },
    { name: 'hide-dropouts', config: { showActive: false, showDropouts: false }, why: 'bidders cannot condition their exits on the others’ exits' },
  ],
};
