import type { MechanismCases } from '../core/cases.ts';
import type { LedgerEvent } from '../core/ledger.ts';

/** Each seat's values of every bundle, read from its round results (each number once). */
export function valuesBySeat(events: readonly LedgerEvent[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const e of events) {
    if (e.kind !== 'round_result' || !Array.isArray(e.audience) || e.audience.length !== 1) continue;
    const seat = e.audience[0] as string;
    const seen = new Set(out.get(seat) ?? []);
    for (const v of Object.values(e.data.values as Record<string, number>)) seen.add(v);
    out.set(seat, [...seen]);
  }
  return out;
}

export const cases: MechanismCases = {
  golden: [
    { name: 'two-items-complements', config: { rounds: 3, maxBids: 3, bidStep: 1, reveal: 'allBids' }, seats: 3, seed: 11 },
    { name: 'single-item', config: { preset: 'single-item', rounds: 3, bidStep: 1 }, seats: 3, seed: 5 },
    { name: 'global-local', config: { preset: 'global-local', rounds: 2, bidStep: 1, reveal: 'allBids' }, seats: 3, seed: 2 },
    {
      name: 'three-items-substitutes-deadlines',
      config: { items: ['A', 'B', 'C'], valuations: { family: 'unitDemand', item: { kind: 'uniform', low: 0, high: 40 } }, rounds: 3, maxBids: 4, roundMs: 2000, reveal: 'revenue', recall: 2 },
      seats: 4,
      seed: 9,
      passRate: 0.5,
    },
  ],
  live: {
    seed: 6161,
    config: { items: ['A', 'B'], valuations: { family: 'additive', item: { kind: 'uniform', low: 10, high: 90 } }, rounds: 3, roundMs: 250, reveal: 'revenue' },
    seats: [{ kind: 'human', count: 2 }, { kind: 'bot', policy: 'bundle-shader', params: { fraction: 0.7 } }, { kind: 'bot', policy: 'bundle-shader', params: { fraction: 0.9 } }],
    decide: () => ({ type: 'bid', bids: [{ items: ['A'], price: 2 }, { items: ['A', 'B'], price: 3 }] }),
    secrets: valuesBySeat,
  },
};
