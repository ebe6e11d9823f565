/**
 * Random legal play: the driver behind the conformance suite and the golden
 * playthroughs. Seats act in a shuffled order, each with a legal action drawn by
 * sampleLegal(); the clock moves `stepMs` per action and jumps to the next
 * deadline when nobody can act.
 */
import type { Match } from './match.ts';
import type { SeatId } from './types.ts';
import type { Rng } from './random.ts';
import { sampleLegal } from './legal.ts';

export interface PlayOptions {
  readonly stepMs?: number;
  readonly maxSteps?: number;
  /** Probability that a seat with legal actions passes this turn. */
  readonly passRate?: number;
  /** Called before each submit, e.g. to inspect views. */
  readonly onStep?: (seat: SeatId, action: unknown) => void;
}

/** Plays until the match ends; throws if it does not end within maxSteps (a termination bug). */
export function playRandom(match: Match, rng: Rng, options: PlayOptions = {}): { steps: number; rejections: number } {
  const stepMs = options.stepMs ?? 1000;
  const maxSteps = options.maxSteps ?? 100_000;
  const passRate = options.passRate ?? 0;
  let steps = 0;
  let rejections = 0;
  match.tick(match.now);
  while (!match.over) {
    let acted = false;
    let couldAct = false;
    for (const seat of rng.shuffle(match.header.seats)) {
      if (match.over) break;
      const action = sampleLegal(match.legal(seat), rng);
      if (!action) continue;
      couldAct = true;
      if (rng.float() < passRate) continue;
      options.onStep?.(seat, action);
      const result = match.submit(seat, match.state.stateId, action, match.now + stepMs);
      if (!result.ok) rejections++;
      acted = true;
      if (++steps > maxSteps) throw new Error(`${match.header.mechanism} did not end within ${maxSteps} actions`);
    }
    if (!acted && !couldAct && !match.over) {
      const deadline = match.state.deadline;
      if (deadline === null) throw new Error(`${match.header.mechanism} is stuck: nobody can act and no deadline is set`);
      match.tick(Math.max(deadline, match.now));
    }
  }
  return { steps, rejections };
}
