import { addressedValues, type MechanismCases } from '../core/cases.ts';

export const cases: MechanismCases = {
  golden: [
    { name: 'four-players-individual', config: { rounds: 3, endowment: 20, mpcr: 0.4, reveal: 'individual' }, seats: 4, seed: 21 },
    { name: 'total-only-with-deadlines', config: { rounds: 3, endowment: 10, mpcr: 0.5, contributionStep: 0.5, reveal: 'total', roundMs: 5000 }, seats: 3, seed: 22, passRate: 0.4 },
    {
      name: 'punishment-private-endowments',
      config: {
        rounds: 3,
        endowment: { kind: 'uniformInt', low: 10, high: 30 },
        mpcr: 0.4,
        reveal: 'individual',
        roundMs: 6000,
        punishment: { costPerPoint: 1, effectPerPoint: 3, maxPointsPerTarget: 5, maxPointsTotal: 8, stageMs: 4000 },
      },
      seats: 4,
      seed: 23,
      passRate: 0.3,
    },
  ],
  live: {
    seed: 9001,
    config: { rounds: 3, roundMs: 250, endowment: { kind: 'uniform', low: 1000, high: 9000 }, reveal: 'total', contributionStep: 1, mpcr: 0.4 },
    seats: [{ kind: 'human', count: 2 }, { kind: 'bot', policy: 'conditional-cooperator' }, { kind: 'bot', policy: 'free-rider' }],
    decide: () => ({ type: 'contribute', amount: 3 }),
    secrets: addressedValues('round_result', 'endowment'),
  },
};
