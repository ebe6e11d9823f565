import { addressedValues, type MechanismCases } from '../core/cases.ts';

export const cases: MechanismCases = {
  golden: [
    { name: 'three-bidders-named', config: { rounds: 2, values: { kind: 'uniformInt', low: 0, high: 20 }, decrement: 2 }, seats: 3, seed: 7, passRate: 0.85 },
    { name: 'reserve-lowest-seat-anonymous', config: { rounds: 3, reserve: 10, decrement: 4, startPrice: 30, values: { kind: 'uniform', low: 0, high: 30 }, identities: false, tieBreak: 'lowestSeat' }, seats: 4, seed: 8, passRate: 0.9 },
  ],
  live: {
    seed: 525252,
    // Values with many decimals (uniform draws) cannot turn up in a frame by accident; prices are multiples of 5.
    config: { rounds: 3, tickMs: 100, decrement: 5, startPrice: 100, values: { kind: 'uniform', low: 10, high: 90 }, identities: false, communication: { channels: ['public'] } },
    seats: [{ kind: 'human', count: 2 }, { kind: 'bot', policy: 'dutch-shader' }, { kind: 'bot', policy: 'dutch-shader' }],
    decide: (_view, legal) => (legal.some((a) => a.type === 'stop') ? { type: 'stop' } : null),
    secrets: addressedValues('round_result', 'value'),
  },
};
