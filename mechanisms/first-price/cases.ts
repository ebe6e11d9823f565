import { addressedValues, type MechanismCases } from '../core/cases.ts';

export const cases: MechanismCases = {
  golden: [
    { name: 'three-bidders-all-bids', config: { rounds: 3, reveal: 'allBids', reserve: 20 }, seats: 3, seed: 11 },
    { name: 'ties-on-a-grid', config: { rounds: 4, values: { kind: 'uniformInt', low: 0, high: 4 }, bidStep: 1, tieBreak: 'random', reveal: 'winner' }, seats: 4, seed: 5 },
    { name: 'deadlines-and-passes', config: { rounds: 3, roundMs: 5000, freshValues: false, reveal: 'winningPrice' }, seats: 3, seed: 3, passRate: 0.5 },
  ],
  live: {
    seed: 424242,
    // Values with many decimals (uniform draws) cannot turn up in a frame by accident.
    config: { rounds: 3, roundMs: 250, values: { kind: 'uniform', low: 10, high: 90 }, reveal: 'winningPrice', communication: { channels: ['public'] } },
    seats: [{ kind: 'human', count: 2 }, { kind: 'bot', policy: 'shader', params: { fraction: 0.7 } }, { kind: 'bot', policy: 'equilibrium' }],
    decide: () => ({ type: 'bid', amount: 1 }),
    secrets: addressedValues('round_result', 'value'),
  },
};
