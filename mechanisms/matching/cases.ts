import type { MechanismCases } from '../core/cases.ts';
import type { LedgerEvent } from '../core/ledger.ts';

/**
 * Each student's values over the session, from its ledger: the values of rounds after the
 * first (told as each round opens) and the value of the school it got (0, unmatched, left
 * out: everybody's zero). Six decimals each, so none turns up in a frame by accident.
 */
export function valuesBySeat(events: readonly LedgerEvent[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const add = (seat: string, values: readonly number[]) => out.set(seat, [...new Set([...(out.get(seat) ?? []), ...values.filter((v) => v !== 0)])]);
  for (const e of events) {
    if (!Array.isArray(e.audience) || e.audience.length !== 1) continue;
    const seat = e.audience[0] as string;
    if (e.kind === 'preferences') add(seat, e.data.values as number[]);
    if (e.kind === 'round_result') add(seat, [e.data.value as number]);
  }
  return out;
}

/** Gale and Shapley's (1962) three-by-three example with three stable matchings, students as the men, schools as the women. */
export const GALE_SHAPLEY_1962 = {
  schools: [
    { name: 'A', capacity: 1 },
    { name: 'B', capacity: 1 },
    { name: 'C', capacity: 1 },
  ],
  given: {
    students: [
      ['A', 'B', 'C'],
      ['B', 'C', 'A'],
      ['C', 'A', 'B'],
    ],
    priorities: [
      ['p1', 'p2', 'p0'],
      ['p2', 'p0', 'p1'],
      ['p0', 'p1', 'p2'],
    ],
  },
};

export const cases: MechanismCases = {
  golden: [
    { name: 'student-proposing', config: { rounds: 2 }, seats: 3, seed: 1 },
    {
      name: 'boston-deadlines-own',
      config: { schools: [{ name: 'North', capacity: 2 }, { name: 'South' }, { name: 'East' }], rule: 'boston', rounds: 3, correlation: 0.8, reveal: 'own', roundMs: 3000, recall: 2 },
      seats: 5,
      seed: 2,
      passRate: 0.4,
    },
    {
      name: 'schools-play-deadlines',
      config: { schools: [{ name: 'North', capacity: 2 }, { name: 'South' }], schoolsPlay: true, rounds: 2, roundMs: 2000, priorityCorrelation: 0.3 },
      seats: 6,
      seed: 4,
      passRate: 0.3,
    },
    { name: 'school-proposing-given-truncated', config: { ...GALE_SHAPLEY_1962, rule: 'school-da', rounds: 2, maxList: 2 }, seats: 3, seed: 3 },
  ],
  live: {
    seed: 4242,
    config: { schools: [{ name: 'A' }, { name: 'B' }, { name: 'C', capacity: 2 }], rounds: 3, roundMs: 250, correlation: 0.3, reveal: 'own', communication: { channels: ['public'] } },
    seats: [{ kind: 'human', count: 2 }, { kind: 'bot', policy: 'truthful-ranker' }, { kind: 'bot', policy: 'skip-top', params: { skip: 1 } }],
    decide: (_view, legal) => {
      const spec = legal[0]?.params.order;
      return spec?.kind === 'ranking' ? { type: 'rank', order: [...spec.options].reverse() } : null;
    },
    secrets: valuesBySeat,
  },
};
