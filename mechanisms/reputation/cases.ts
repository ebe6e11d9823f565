import type { MechanismCases } from '../core/cases.ts';
import type { LedgerEvent } from '../core/ledger.ts';

/**
 * Each seat's private numbers: a seller's cost shocks, a buyer's tastes (drawn with six
 * decimals from ranges that do not meet).
 */
export function privateNumbers(events: readonly LedgerEvent[]): Map<string, number[]> {
  const out = new Map<string, Set<number>>();
  for (const e of events) {
    if (e.kind !== 'round_result' || !Array.isArray(e.audience) || e.audience.length !== 1) continue;
    const seat = e.audience[0] as string;
    const x = typeof e.data.taste === 'number' ? e.data.taste : (e.data.costShock as number);
    if (x !== 0) out.set(seat, (out.get(seat) ?? new Set()).add(x));
  }
  return new Map([...out].map(([seat, values]) => [seat, [...values]]));
}

/** The live case's human sellers: high quality, and the cheaper one alternates by round, so that both sell. */
function liveOffer(view: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const odd = (view.round as number) % 2 === 1;
  const price = view.seat === 'p0' ? (odd ? 41 : 57) : odd ? 63 : 29;
  return { type: 'offer', quality: 'high', price };
}

export const cases: MechanismCases = {
  golden: [
    { name: 'two-sellers-two-buyers', config: { rounds: 3, recall: 2, costSpread: 1.5, tasteSpread: 2 }, seats: 4, seed: 1 },
    { name: 'simulated-buyers-window-deadlines', config: { rounds: 4, sellers: 2, simulatedBuyers: 5, window: 2, decay: 0.5, stageMs: 2000, tasteSpread: 3 }, seats: 3, seed: 2, passRate: 0.3 },
    { name: 'prices-only', config: { rounds: 3, sellers: 1, information: 'prices', priceStep: 0, simulatedBuyers: 3, simulatedChoice: 'random' }, seats: 2, seed: 3 },
  ],
  live: {
    seed: 8282,
    config: {
      rounds: 4,
      sellers: 2,
      values: { high: 90.5, low: 9 },
      costs: { high: 3.17391, low: 1.29173 },
      priceRange: { low: 0, high: 100 },
      tasteSpread: 5.37,
      costSpread: 0.91,
      stageMs: 400,
      communication: { channels: ['public'] },
    },
    seats: [{ kind: 'human', count: 2 }, { kind: 'bot', policy: 'rating-buyer', params: { explore: 0 } }, { kind: 'bot', policy: 'rating-buyer', params: { explore: 0 } }],
    decide: (view, legal) => (legal.some((a) => a.type === 'offer') ? liveOffer(view) : null),
    secrets: privateNumbers,
  },
};
