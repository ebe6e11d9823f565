import { addressedValues, type MechanismCases } from '../core/cases.ts';

export const cases: MechanismCases = {
  golden: [
    { name: 'clock-everything-shown', config: { rounds: 2, values: { kind: 'uniformInt', low: 0, high: 20 }, increment: 2 }, seats: 3, seed: 7, passRate: 0.6 },
    { name: 'clock-reserve-nothing-shown', config: { rounds: 3, reserve: 10, increment: 5, values: { kind: 'uniform', low: 0, high: 30 }, showActive: false, showDropouts: false, identities: false, tieBreak: 'lowestSeat' }, seats: 4, seed: 8, passRate: 0.7 },
    { name: 'outcry-soft-close', config: { format: 'outcry', rounds: 2, durationMs: 3000, tickMs: 500, extendMs: 1500, increment: 5, values: { kind: 'uniform', low: 0, high: 50 } }, seats: 3, seed: 9, passRate: 0.8 },
    { name: 'outcry-hard-close-anonymous', config: { format: 'outcry', rounds: 2, durationMs: 4000, tickMs: 1000, close: 'hard', increment: 2, startPrice: 10, identities: false }, seats: 2, seed: 10, passRate: 0.85 },
  ],
  live: {
    seed: 515151,
    // Values with many decimals (uniform draws) cannot turn up in a frame by accident; prices are multiples of 5.
    config: { rounds: 3, tickMs: 100, increment: 5, values: { kind: 'uniform', low: 10, high: 90 }, identities: false, communication: { channels: ['public'] } },
    seats: [{ kind: 'human', count: 2 }, { kind: 'bot', policy: 'value-dropper' }, { kind: 'bot', policy: 'value-dropper' }],
    decide: (_view, legal) => (legal.some((a) => a.type === 'drop') ? { type: 'drop' } : null),
    secrets: addressedValues('round_result', 'value'),
  },
};
