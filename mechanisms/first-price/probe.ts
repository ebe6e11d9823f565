/** What `arena probe` tries on a first-price auction: shading and overbidding, against the config changes a seller could make. */
import type { MechanismProbe } from '../core/probe.ts';
import { settlementOf } from '../sealed-bid/settlement.ts';

export const probe: MechanismProbe = {
  deviations: [
    {
      name: 'shading',
      role: 'bidder',
      deviation: { class: 'bid a fixed fraction of one’s value, 0.3 to 1.2', policy: 'shader', params: { fraction: { grid: [0.3, 0.4, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1, 1.1, 1.2] } }, search: 'grid' },
    },
  ],
  mitigations: [
    { name: 'reserve-at-half', config: { reserve: 50 }, why: 'a reserve price at the optimal level for values uniform on [0, 100] bounds how low a winning bid may go' },
    { name: 'reveal-winner-only', config: { reveal: 'winner' }, why: 'bidders learn less about the others’ bids from round to round' },
  ],
  sealedBid: settlementOf('first'),
};
