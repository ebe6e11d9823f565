import type { MechanismCases } from '../core/cases.ts';
import type { LedgerEvent } from '../core/ledger.ts';
import { allProfiles } from './config.ts';

/**
 * Each player's running totals after round 1, read from its round results: under reveal
 * 'own' nobody else learns them, and being sums of several entries of the table (whose
 * entries carry many decimals), none of them is an entry everybody sees.
 */
export function totalsBySeat(events: readonly LedgerEvent[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const e of events) {
    if (e.kind !== 'round_result' || !Array.isArray(e.audience) || e.audience.length !== 1 || (e.data.round as number) < 2) continue;
    const seat = e.audience[0] as string;
    out.set(seat, [...(out.get(seat) ?? []), e.data.totalPayoff as number]);
  }
  return out;
}

/** A four-player game of two actions each whose every payoff is its own number. */
const actions = [0, 1, 2, 3].map(() => ['give', 'keep']);
const fourPlayers = {
  actions,
  payoffs: Object.fromEntries(allProfiles(actions).map((profile, k) => [profile.join('/'), profile.map((_, p) => Number((1.01374 + p * 0.98627 + k * 0.07193 + 0.000613 * (p + 1)).toFixed(6)))])),
};

export const cases: MechanismCases = {
  golden: [
    { name: 'prisoners-dilemma', config: { rounds: 4, recall: 2 }, seats: 2, seed: 1 },
    { name: 'stag-hunt-own-deadlines', config: { game: 'stag-hunt', rounds: 4, reveal: 'own', roundMs: 3000 }, seats: 2, seed: 2, passRate: 0.4 },
    {
      name: 'three-players-continuation',
      config: {
        game: 'custom',
        table: {
          actions: [
            ['a', 'b'],
            ['a', 'b', 'c'],
            ['x', 'y'],
          ],
          payoffs: Object.fromEntries(allProfiles([['a', 'b'], ['a', 'b', 'c'], ['x', 'y']]).map((p, k) => [p.join('/'), [k % 3, (k * 7) % 5, -((k * 3) % 4)]])),
        },
        rounds: 12,
        continuation: 0.75,
        recall: 3,
      },
      seats: 3,
      seed: 3,
    },
  ],
  live: {
    seed: 4242,
    config: { game: 'custom', table: fourPlayers, rounds: 3, roundMs: 250, reveal: 'own', communication: { channels: ['public'] } },
    seats: [{ kind: 'human', count: 2 }, { kind: 'bot', policy: 'random' }, { kind: 'bot', policy: 'random' }],
    decide: (_view, legal) => {
      const spec = legal[0]?.params.action;
      return spec?.kind === 'choice' ? { type: 'choose', action: spec.options[1] } : null;
    },
    secrets: totalsBySeat,
  },
};
