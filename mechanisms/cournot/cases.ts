import type { MechanismCases } from '../core/cases.ts';
import { profitsBySeat } from '../bertrand/cases.ts';

export const cases: MechanismCases = {
  golden: [
    { name: 'textbook-duopoly', config: { periods: 4, grid: 7, recall: 2 }, seats: 2, seed: 1 },
    { name: 'three-firms-price-only-deadlines', config: { periods: 4, grid: 5, costs: [1, 2, 1.5], capacities: [3, 10, 2], reveal: 'priceOnly', periodMs: 2500, recall: 2 }, seats: 3, seed: 2, passRate: 0.5 },
    { name: 'continuous-window', config: { periods: 3, grid: null, intercept: 100, slope: 2, costs: 10, gainWindow: 2, recall: 1 }, seats: 2, seed: 3 },
  ],
  live: {
    seed: 1838,
    // Costs with many decimals make every firm's profits its own: no two firms earn the same.
    config: { periods: 3, periodMs: 250, reveal: 'priceOnly', costs: [1.01374, 0.98627, 1.00719, 0.99283], communication: { channels: ['public'] } },
    seats: [{ kind: 'human', count: 2 }, { kind: 'bot', policy: 'random' }, { kind: 'bot', policy: 'random' }],
    decide: (_view, legal) => {
      const spec = legal[0]?.params.quantity;
      return spec?.kind === 'choice' ? { type: 'quantity', quantity: spec.options[3] } : null;
    },
    secrets: profitsBySeat,
  },
};
