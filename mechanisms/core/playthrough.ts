/**
 * Random legal play: the driver behind the conformance suite and the golden
 * playthroughs. Seats act in a shuffled order, each with a legal action drawn by
 * sampleLegal() from the state it is submitted on (time is moved first, closing any
 * phase whose deadline falls in the step), so a rejection is the engine refusing what
 * legal() offered. The clock moves `stepMs` per action and jumps to the next deadline
 * when nobody can act.
 */
import type { Match } from './match.ts';
import type { Legal, MechEvent, SeatId } from './types.ts';
import type { Rng } from './random.ts';
import { sampleLegal } from './legal.ts';

/** One thing random play did: a seat's action (accepted or refused) or a step of time. */
export interface PlayStep {
  readonly at: number;
  /** The acting seat; null for a step of time. */
  readonly seat: SeatId | null;
  readonly legal?: Legal;
  readonly action?: unknown;
  /** 'ok', or the code the engine refused the action with. */
  readonly result?: string;
  readonly events: readonly MechEvent[];
}

export interface PlayOptions {
  readonly stepMs?: number;
  readonly maxSteps?: number;
  /** Probability that a seat with legal actions passes this turn. */
  readonly passRate?: number;
  /** Called before each submit, e.g. to inspect views. */
  readonly onStep?: (seat: SeatId, action: unknown) => void;
  /** Called after each action and each step of time that changed the match. */
  readonly onPlayed?: (step: PlayStep) => void;
}

/** Plays until the match ends; throws if it does not end within maxSteps (a termination bug). */
export function playRandom(match: Match, rng: Rng, options: PlayOptions = {}): { steps: number; rejections: number } {
  const stepMs = options.stepMs ?? 1000;
  const maxSteps = options.maxSteps ?? 100_000;
  const passRate = options.passRate ?? 0;
  const played = options.onPlayed;
  let steps = 0;
  let rejections = 0;
  const tick = (at: number) => {
    const before = match.state;
    const events = match.tick(at);
    if (match.state !== before) played?.({ at, seat: null, events });
  };
  tick(match.now);
  while (!match.over) {
    let acted = false;
    let couldAct = false;
    for (const seat of rng.shuffle(match.header.seats)) {
      if (match.over) break;
      const at = match.now + stepMs;
      if (match.state.deadline !== null && at >= match.state.deadline) {
        tick(at);
        if (match.over) break;
      }
      const legal = match.legal(seat);
      const action = sampleLegal(legal, rng);
      if (!action) continue;
      couldAct = true;
      if (rng.float() < passRate) continue;
      options.onStep?.(seat, action);
      const result = match.submit(seat, match.state.stateId, action, at);
      if (!result.ok) rejections++;
      played?.({ at, seat, legal, action, result: result.ok ? 'ok' : result.code, events: result.ok ? result.events : [] });
      acted = true;
      if (++steps > maxSteps) throw new Error(`${match.header.mechanism} did not end within ${maxSteps} actions`);
    }
    if (!acted && !couldAct && !match.over) {
      const deadline = match.state.deadline;
      if (deadline === null) throw new Error(`${match.header.mechanism} is stuck: nobody can act and no deadline is set`);
      tick(Math.max(deadline, match.now));
    }
  }
  return { steps, rejections };
}
