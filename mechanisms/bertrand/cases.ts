import type { MechanismCases } from '../core/cases.ts';
import type { LedgerEvent } from '../core/ledger.ts';
import { ROUND_RECORD, type RoundRecordData } from '../core/types.ts';

/** Each firm's profits over the session, read from the period records (each value once). */
export function profitsBySeat(events: readonly LedgerEvent[]): Map<string, number[]> {
  const out = new Map<string, Set<number>>();
  for (const e of events) {
    if (e.kind !== ROUND_RECORD) continue;
    for (const row of (e.data as unknown as RoundRecordData).rows) out.set(row.seat, (out.get(row.seat) ?? new Set()).add(row.payoff));
  }
  return new Map([...out].map(([seat, values]) => [seat, [...values]]));
}

export const cases: MechanismCases = {
  golden: [
    { name: 'baseline-duopoly', config: { periods: 4, recall: 2 }, seats: 2, seed: 1 },
    { name: 'three-firms-own-prices-deadlines', config: { periods: 4, grid: 5, costs: [1, 0.9, 1.1], reveal: 'ownOnly', periodMs: 2500, recall: 2 }, seats: 3, seed: 2, passRate: 0.5 },
    { name: 'continuous-asymmetric-window', config: { periods: 3, grid: null, qualities: [2, 2.2], costs: [1, 1.2], gainWindow: 2, recall: 1 }, seats: 2, seed: 3 },
  ],
  live: {
    seed: 2020,
    // Costs with many decimals make every firm's profits its own: no two firms earn the same.
    config: { periods: 3, periodMs: 250, reveal: 'ownOnly', costs: [1.01374, 0.98627, 1.00719, 0.99283], communication: { channels: ['public'] } },
    seats: [{ kind: 'human', count: 2 }, { kind: 'bot', policy: 'random' }, { kind: 'bot', policy: 'random' }],
    decide: (_view, legal) => {
      const spec = legal[0]?.params.price;
      return spec?.kind === 'choice' ? { type: 'price', price: spec.options[3] } : null;
    },
    secrets: profitsBySeat,
  },
};
