/**
 * Golden playthroughs: a recorded random legal play per case, stored beside each
 * mechanism (`<id>/golden/<name>.json`) and compared with a fresh run in CI.
 * `npm run golden` rewrites them after an intended change of behaviour.
 */
import type { AnyMechanism, SeatId } from './types.ts';
import { openMatch, type MatchEntry } from './match.ts';
import { Rng } from './random.ts';
import { playRandom } from './playthrough.ts';

export interface GoldenCase {
  readonly name: string;
  readonly config: unknown;
  readonly seats: number;
  readonly seed: number;
  readonly passRate?: number;
}

export interface Playthrough {
  readonly mechanism: string;
  readonly case: GoldenCase;
  readonly entries: readonly MatchEntry[];
  readonly finalViews: Readonly<Record<SeatId, unknown>>;
  readonly publicView: unknown;
  readonly outcome: unknown;
  readonly hash: string;
}

export function playGolden(mechanism: AnyMechanism, golden: GoldenCase): Playthrough {
  const entries: MatchEntry[] = [];
  const match = openMatch(mechanism, { config: golden.config, seats: golden.seats, seed: golden.seed }, (e) => entries.push(e));
  playRandom(match, new Rng(golden.seed), { passRate: golden.passRate ?? 0 });
  const finalViews: Record<SeatId, unknown> = {};
  for (const seat of match.header.seats) finalViews[seat] = match.view(seat);
  // Round-trip through JSON so the stored file and a fresh run compare equal.
  return JSON.parse(
    JSON.stringify({ mechanism: match.header.mechanism, case: golden, entries, finalViews, publicView: match.publicView(), outcome: match.outcome(), hash: match.hash() }),
  ) as Playthrough;
}
