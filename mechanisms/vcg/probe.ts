/** What `arena probe` tries on a VCG auction: shading and overbidding on every bundle (truthful bidding is dominant, so a gain is a defect), against changes to what is revealed. */
import type { MechanismProbe } from '../core/probe.ts';

export const probe: MechanismProbe = {
  deviations: [
    {
      name: 'shading',
      role: 'bidder',
      deviation: { class: 'bid a fixed fraction of one’s value on every bundle, 0.3 to 1.5', policy: 'bundle-shader', params: { fraction: { grid: [0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 1, 1.05, 1.1, 1.25, 1.5] } }, search: 'grid' },
    },
  ],
  mitigations: [
    { name: 'reveal-nothing', config: { reveal: 'nothing' }, why: 'bidders learn nothing of the others’ bids or payments from round to round' },
    { name: 'reveal-revenue-only', config: { reveal: 'revenue' }, why: 'bidders learn the revenue and whether the outcome was in the core, but not who won or what anyone bid' },
  ],
};
