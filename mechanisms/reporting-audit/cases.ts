import { addressedValues, type MechanismCases } from '../core/cases.ts';

export const cases: MechanismCases = {
  golden: [
    { name: 'uniform-audits', config: { rounds: 3, auditProbability: 0.4, recall: 2 }, seats: 4, seed: 1 },
    { name: 'threshold-deadlines-revealed', config: { rounds: 3, auditMode: 'threshold', threshold: 90, reveal: 'audits', roundMs: 2000, reportStep: 5 }, seats: 3, seed: 2, passRate: 0.3 },
    { name: 'regulator-budget-two', config: { rounds: 3, auditMode: 'regulator', auditBudget: 2, auditCost: 3, fineMultiple: 2, income: { kind: 'uniform', low: 10, high: 60 }, reportStep: 0 }, seats: 4, seed: 3 },
  ],
  live: {
    seed: 7171,
    config: { rounds: 3, roundMs: 300, income: { kind: 'uniform', low: 1000, high: 9000 }, reportStep: 0, communication: { channels: ['public'] } },
    seats: [{ kind: 'human', count: 2 }, { kind: 'bot', policy: 'honest' }, { kind: 'bot', policy: 'risk-neutral' }],
    decide: (_view, legal) => (legal.some((a) => a.type === 'report') ? { type: 'report', amount: 10 } : null),
    secrets: addressedValues('round_result', 'income'),
  },
};
