/**
 * Golden playthroughs: a recorded random legal play per case, stored beside each
 * mechanism (`<id>/golden/<name>.json`) and compared with a fresh run in CI. Each step
 * pins what every seat was shown (its observation text, whenever it changed), what the
 * acting seat could do (legal) and did, the engine's answer and everyone's rewards, so a
 * change of behaviour shows as a diff. `npm run golden` rewrites them after an intended change.
 */
import type { AnyMechanism, Legal, SeatId } from './types.ts';
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

export interface GoldenStep {
  readonly at: number;
  readonly seat: SeatId | null;
  readonly legal?: Legal;
  readonly action?: unknown;
  readonly result?: string;
  /** Rewards earned in this step, by seat (seats that earned nothing left out). */
  readonly rewards: Readonly<Record<string, number>>;
  /** Each seat's observation text after the step, where it changed. */
  readonly observations: Readonly<Record<string, string>>;
  readonly progress: unknown;
}

export interface Playthrough {
  readonly mechanism: string;
  readonly case: GoldenCase;
  readonly steps: readonly GoldenStep[];
  readonly entries: readonly MatchEntry[];
  readonly finalViews: Readonly<Record<SeatId, unknown>>;
  readonly publicView: unknown;
  readonly outcome: unknown;
  readonly hash: string;
}

export function playGolden(mechanism: AnyMechanism, golden: GoldenCase): Playthrough {
  const entries: MatchEntry[] = [];
  const match = openMatch(mechanism, { config: golden.config, seats: golden.seats, seed: golden.seed }, (e) => entries.push(e));
  const seen = new Map<SeatId, string>();
  const observe = (): Record<string, string> => {
    const changed: Record<string, string> = {};
    for (const seat of match.header.seats) {
      const text = mechanism.describe(match.view(seat));
      if (seen.get(seat) !== text) changed[seat] = text;
      seen.set(seat, text);
    }
    return changed;
  };
  const steps: GoldenStep[] = [{ at: match.now, seat: null, rewards: {}, observations: observe(), progress: match.progress() }];
  playRandom(match, new Rng(golden.seed), {
    passRate: golden.passRate ?? 0,
    onPlayed: (step) => {
      const rewards: Record<string, number> = {};
      match.header.seats.forEach((seat, i) => {
        const r = match.rewards.take(i);
        if (r !== 0) rewards[seat] = r;
      });
      steps.push({ at: step.at, seat: step.seat, ...(step.seat ? { legal: step.legal, action: step.action, result: step.result } : {}), rewards, observations: observe(), progress: match.progress() });
    },
  });
  const finalViews: Record<SeatId, unknown> = {};
  for (const seat of match.header.seats) finalViews[seat] = match.view(seat);
  // Round-trip through JSON so the stored file and a fresh run compare equal.
  return JSON.parse(
    JSON.stringify({ mechanism: match.header.mechanism, case: golden, steps, entries, finalViews, publicView: match.publicView(), outcome: match.outcome(), hash: match.hash() }),
  ) as Playthrough;
}
