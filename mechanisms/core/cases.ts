/**
 * What each mechanism's folder gives the suites that run over every mechanism, in its
 * `cases.ts`: small configs for the conformance suite and the golden playthroughs, and a
 * live session for the raw-frame leak test. Nothing outside the folder names the mechanism.
 */
import type { GoldenCase } from './golden.ts';
import type { LedgerEvent } from './ledger.ts';
import type { Legal } from './types.ts';

/** A live session the leak test plays to its end, looking for every seat's private numbers in every client's bytes. */
export interface LiveCase {
  readonly seed: number;
  readonly config: Readonly<Record<string, unknown>>;
  /**
   * The session's seat plan (as POST /api/sessions takes it): two human seats first, then
   * bots, four seats in all; an information policy that hides who bid, ordered or traded.
   */
  readonly seats: readonly Readonly<Record<string, unknown>>[];
  /** What a human seat does once per round when it may act. */
  decide(view: Readonly<Record<string, unknown>>, legal: Legal): Record<string, unknown> | null;
  /**
   * Each seat's private numbers over the session, read from its ledger. Chosen so that no
   * number is held by two seats and none can turn up by accident (many decimals).
   */
  secrets(events: readonly LedgerEvent[]): Map<string, number[]>;
}

export interface MechanismCases {
  /** At least two; each runs the conformance suite and has a recorded playthrough in `golden/<name>.json`. */
  readonly golden: readonly GoldenCase[];
  readonly live: LiveCase;
}

/** Values addressed to one seat in events of `kind` (the seat is the event's only audience): a seat's private numbers. */
export function addressedValues(kind: string, field: string): (events: readonly LedgerEvent[]) => Map<string, number[]> {
  return (events) => {
    const out = new Map<string, number[]>();
    for (const e of events) {
      if (e.kind !== kind || !Array.isArray(e.audience) || e.audience.length !== 1) continue;
      const seat = e.audience[0] as string;
      out.set(seat, [...(out.get(seat) ?? []), e.data[field] as number]);
    }
    return out;
  };
}
