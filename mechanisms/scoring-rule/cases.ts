import { addressedValues, type MechanismCases } from '../core/cases.ts';
import type { LedgerEvent } from '../core/ledger.ts';

const accuracyOf = addressedValues('task_result', 'accuracy');

/** Each agent's accuracy (drawn once, with many decimals), read from its task results. */
export function accuracies(events: readonly LedgerEvent[]): Map<string, number[]> {
  return new Map([...accuracyOf(events)].map(([seat, values]) => [seat, [...new Set(values)]]));
}

export const cases: MechanismCases = {
  golden: [
    { name: 'binary-quadratic', config: { rounds: 4, recall: 2 }, seats: 3, seed: 1 },
    { name: 'three-answers-log-top-two-deadlines', config: { rounds: 4, answers: 3, rule: 'logarithmic', assign: 'top', taskSize: 2, roundMs: 2000 }, seats: 4, seed: 2, passRate: 0.3 },
    { name: 'confidence-accuracy-gap', config: { rounds: 4, report: 'confidence', rule: 'accuracy-gap' }, seats: 2, seed: 3 },
  ],
  live: {
    seed: 8282,
    config: { rounds: 3, roundMs: 300, publicReputations: false, accuracy: { kind: 'uniform', low: 0.6, high: 0.9 }, communication: { channels: ['public'] } },
    seats: [{ kind: 'human', count: 2 }, { kind: 'bot', policy: 'random' }, { kind: 'bot', policy: 'random' }],
    decide: (_view, legal) => (legal.some((a) => a.type === 'forecast') ? { type: 'forecast', probabilities: { a: 0.5, b: 0.5 } } : null),
    secrets: accuracies,
  },
};
