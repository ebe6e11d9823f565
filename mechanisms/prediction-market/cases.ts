import type { MechanismCases } from '../core/cases.ts';
import { addressedValues } from '../core/cases.ts';

export const cases: MechanismCases = {
  golden: [
    { name: 'binary-coin', config: { markets: 2, marketMs: 8000, liquidity: 5, budget: 20, recall: 1, tapeLength: 5 }, seats: 3, seed: 1, passRate: 0.3 },
    {
      name: 'three-outcomes-gaussian-shown-traders-bets-against',
      config: { outcomes: ['low', 'mid', 'high'], prior: [0.5, 0.3, 0.2], signal: { kind: 'gaussian', noise: 0.8 }, markets: 2, marketMs: 6000, liquidity: 2, budget: 10, showTraders: true, betAgainst: true },
      seats: 2,
      seed: 2,
    },
    {
      name: 'four-outcomes-sure-signal-one-market',
      config: { outcomes: ['a', 'b', 'c', 'd'], signal: { kind: 'symmetric', accuracy: 1 }, markets: 1, marketMs: 10_000, liquidity: 0.5, budget: 3 },
      seats: 4,
      seed: 3,
      passRate: 0.5,
    },
  ],
  live: {
    seed: 77,
    // Gaussian signals: each seat's signal is a number with many decimals that no other seat holds.
    config: { signal: { kind: 'gaussian', noise: 0.6 }, markets: 2, marketMs: 500, liquidity: 10, budget: 50 },
    seats: [{ kind: 'human', count: 2 }, { kind: 'bot', policy: 'bayesian' }, { kind: 'bot', policy: 'noise' }],
    decide: (_view, legal) => (legal.some((a) => a.type === 'buy') ? { type: 'buy', outcome: 'yes', spend: 1.5 } : null),
    secrets: addressedValues('signal', 'signal'),
  },
};
