/**
 * What `arena probe` tries on a prediction market: a trader who holds back (moves the price
 * only part of the way to its posterior, or ignores what the price says), against a deeper
 * market maker and against showing who traded. Holding back is the strategic reticence of
 * LMSR markets: an early trader may earn more by leaving its signal for later (Chen, Dimitrov,
 * Sami, Reeves, Pennock, Hanson, Fortnow and Gonen 2010, "Gaming prediction markets:
 * equilibrium strategies with a market maker", Algorithmica 58(4):930–969).
 */
import type { MechanismProbe } from '../core/probe.ts';

export const probe: MechanismProbe = {
  deviations: [
    {
      name: 'reticence',
      deviation: {
        class: 'a Bayesian trader that moves the log-prices only part of the way to its posterior (reach 1: all the way), reading the price or not',
        policy: 'bayesian',
        params: { reach: { grid: [0.1, 0.25, 0.5, 0.75, 1] }, learnFromPrice: { grid: [true, false] } },
        search: 'grid',
      },
    },
  ],
  mitigations: [
    { name: 'deeper-market', config: { liquidity: 40 }, why: 'with a larger b the price moves less per share, so a trader who holds back leaves less of the move to others and gains less by waiting' },
    { name: 'traders-shown', config: { showTraders: true }, why: 'when the tape names who traded, the others can tell a trader who moved the price only a little and read its signal all the same' },
  ],
};
