import { addressedValues, type MechanismCases } from '../core/cases.ts';

export const cases: MechanismCases = {
  golden: [
    { name: 'three-bidders-reserve', config: { rounds: 3, reveal: 'allBids', reserve: 30 }, seats: 3, seed: 12 },
    { name: 'lowest-seat-ties', config: { rounds: 4, values: { kind: 'discrete', values: [10, 20] }, bidStep: 10, tieBreak: 'lowestSeat', reveal: 'allBids' }, seats: 4, seed: 8 },
    { name: 'deadlines-and-passes', config: { rounds: 2, roundMs: 2000, reveal: 'nothing' }, seats: 5, seed: 4, passRate: 0.6 },
  ],
  live: {
    seed: 77,
    config: { rounds: 3, roundMs: 250, values: { kind: 'uniform', low: 10, high: 90 }, reveal: 'winningPrice' },
    seats: [{ kind: 'human', count: 2 }, { kind: 'bot', policy: 'shader', params: { fraction: 0.7 } }, { kind: 'bot', policy: 'shader', params: { fraction: 0.9 } }],
    decide: () => ({ type: 'bid', amount: 2 }),
    secrets: addressedValues('round_result', 'value'),
  },
};
