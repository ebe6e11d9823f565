import type { MechanismCases } from '../core/cases.ts';
import type { LedgerEvent } from '../core/ledger.ts';

/**
 * Each seat's private numbers: a buyer's values, and the seller's non-zero profits (under
 * reveal 'price' nobody else learns its sales, and a unit cost with many decimals keeps its
 * profit from equalling any price or value).
 */
export function privateNumbers(events: readonly LedgerEvent[]): Map<string, number[]> {
  const out = new Map<string, Set<number>>();
  for (const e of events) {
    if (e.kind !== 'round_result' || !Array.isArray(e.audience) || e.audience.length !== 1) continue;
    const seat = e.audience[0] as string;
    const x = typeof e.data.value === 'number' ? e.data.value : (e.data.profit as number);
    // Each value once (a seller who posts the same price to the same takers earns the same profit).
    if (x !== 0) out.set(seat, (out.get(seat) ?? new Set()).add(x));
  }
  return new Map([...out].map(([seat, values]) => [seat, [...values]]));
}

export const cases: MechanismCases = {
  golden: [
    { name: 'seller-and-three-buyers', config: { rounds: 4, priceStep: 5, recall: 2 }, seats: 4, seed: 1 },
    {
      name: 'fixed-price-one-unit-deadlines',
      config: { rounds: 4, fixedPrice: 40, units: 1, simulatedBuyers: 2, buyMs: 2000, values: { kind: 'uniformInt', low: 0, high: 100 } },
      seats: 3,
      seed: 2,
      passRate: 0.4,
    },
    { name: 'seller-against-simulated-demand', config: { rounds: 5, simulatedBuyers: 10, unitCost: 20, reveal: 'price', postMs: 3000, priceStep: 0 }, seats: 1, seed: 3, passRate: 0.3 },
  ],
  live: {
    seed: 6060,
    config: { rounds: 3, values: { kind: 'uniform', low: 1000, high: 9000 }, priceRange: { low: 0, high: 10000 }, unitCost: 17.3791, reveal: 'price', postMs: 400, buyMs: 400, communication: { channels: ['public'] } },
    seats: [{ kind: 'human', count: 2 }, { kind: 'bot', policy: 'truthful-buyer' }, { kind: 'bot', policy: 'truthful-buyer' }],
    decide: (_view, legal) => (legal.some((a) => a.type === 'post') ? { type: 'post', price: 1000 } : legal.some((a) => a.type === 'buy') ? { type: 'buy' } : null),
    secrets: privateNumbers,
  },
};
