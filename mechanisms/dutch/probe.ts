/** What `arena probe` tries on a Dutch auction: stopping at other fractions of one's value than the equilibrium's (n−1)/n, against the config changes a seller could make. */
import type { MechanismProbe } from '../core/probe.ts';

export const probe: MechanismProbe = {
  deviations: [
    {
      name: 'shading',
      role: 'bidder',
      deviation: { class: 'stop the clock at a fixed fraction of one’s value, 0.3 to 1', policy: 'dutch-shader', params: { fraction: { grid: [0.3, 0.4, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1] } }, search: 'grid' },
    },
  ],
  mitigations: [
    { name: 'reserve-at-half', config: { reserve: 50 }, why: 'a reserve price at the optimal level for values uniform on [0, 100] bounds how low the clock may go' },
    { name: 'finer-clock', config: { decrement: 1 }, why: 'a finer clock leaves less room between a bidder’s target and the price it pays' },
  ],
};
