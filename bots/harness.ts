/**
 * The in-process harness: policies play a match directly, each seeing only its
 * seat's view and legal actions, through the same match runner (validation,
 * stateId checks, events) that live rooms use. Seats are asked in a fresh random
 * order every sweep; the clock moves `stepMs` per decision and jumps to the next
 * deadline when a sweep brings no accepted move.
 */
import type { Match } from '../mechanisms/core/match.ts';
import { ROUND_RECORD, type MechEvent, type RoundRecordData, type SeatId } from '../mechanisms/core/types.ts';
import { Rng, deriveSeed } from '../mechanisms/core/random.ts';
import { isPending, SeatObservation, type AnyPolicy, type Decision } from './policy.ts';

export interface HeadlessResult {
  readonly decisions: number;
  readonly rejections: number;
}

export interface HeadlessOptions {
  readonly stepMs: number;
  /** Guard against matches that never end; a bug in a mechanism or a policy. */
  readonly maxDecisions?: number;
  /**
   * Seats (by index) whose policies build their actions from legal(): their actions take the
   * lean path (Match.submitTrusted), which gives the same record without re-checking them.
   */
  readonly trusted?: readonly boolean[];
  /** Told each closed round's participant rows (the mechanism's round_record events). */
  readonly onRound?: (round: RoundRecordData) => void;
  /** Asked after every sweep of the seats: true ends the episode there (every learner has converged). */
  readonly until?: () => boolean;
}

/** Random sources of one episode: the scheduler's, and one per seat's policy (made on first use). */
export class HarnessRngs {
  readonly order: Rng;
  readonly #seed: number;
  readonly #seats: (Rng | undefined)[] = [];

  constructor(episodeSeed: number) {
    this.#seed = episodeSeed;
    this.order = new Rng(deriveSeed(episodeSeed, 0x0de7));
  }

  seat(i: number): Rng {
    let rng = this.#seats[i];
    if (!rng) {
      rng = Rng.lazy(deriveSeed(this.#seed, 0x5ea7 + i));
      this.#seats[i] = rng;
    }
    return rng;
  }
}

/**
 * One episode's loop, written once for both drivers: it yields only when a policy's
 * decision is still on its way, and is resumed with the settled decision.
 */
function* turns(match: Match, policies: readonly AnyPolicy[], rngs: HarnessRngs, options: HeadlessOptions): Generator<Promise<Decision | null>, HeadlessResult, Decision | null> {
  const seats = match.header.seats;
  const maxDecisions = options.maxDecisions ?? Number.MAX_SAFE_INTEGER;
  const trusted = options.trusted ?? [];
  const onRound = options.onRound;
  // Seats whose policies hear their rewards, told after each transition.
  const observers = policies.flatMap((p, i) => (p.observe ? [i] : []));
  const told = (events: readonly MechEvent[], now: number) => {
    if (onRound) for (const e of events) if (e.kind === ROUND_RECORD) onRound(e.data as unknown as RoundRecordData);
    for (const i of observers) {
      const reward = match.rewards.take(i);
      if (reward !== 0) (policies[i] as AnyPolicy).observe?.({ reward, now });
    }
  };
  let clock = match.now;
  let decisions = 0;
  let rejections = 0;
  told(match.tick(clock), clock);
  const order = seats.map((_, i) => i);
  while (!match.over) {
    let acted = false;
    // A fresh order every sweep from the order's own stream, shuffled from seat order in one reused array.
    for (let k = 0; k < order.length; k++) order[k] = k;
    for (const i of rngs.order.shuffleInPlace(order)) {
      if (match.over) break;
      const seat = seats[i] as SeatId;
      let legal = match.legal(seat);
      if (legal.length === 0) continue;
      // A decision takes stepMs; a deadline falling within it closes the phase first,
      // so the seat decides on what it would see at that moment.
      const at = clock + options.stepMs;
      let deadline = match.state.deadline;
      if (deadline !== null && at >= deadline) {
        clock = at;
        told(match.tick(clock), clock);
        if (match.over) break;
        legal = match.legal(seat);
        if (legal.length === 0) continue;
        deadline = match.state.deadline;
      }
      const policy = policies[i] as AnyPolicy;
      const observation = new SeatObservation(match.mechanism.id, seat, match.state.stateId, match.view(seat), legal, at, match.mechanism.describe, deadline);
      const decided = policy.decide(observation, rngs.seat(i));
      const decision = isPending(decided) ? yield decided : decided;
      if (!decision) continue;
      clock = at;
      const result = trusted[i] ? match.submitTrusted(seat, decision.action, clock) : match.submit(seat, observation.stateId, decision.action, clock);
      if (result.ok) {
        acted = true;
        told(result.events, clock);
      } else {
        rejections++;
        policy.rejected?.(result);
      }
      if (++decisions > maxDecisions) throw new Error(`${match.header.mechanism}: no end after ${maxDecisions} decisions`);
    }
    if (options.until?.()) break;
    if (!acted && !match.over) {
      const deadline = match.state.deadline;
      if (deadline === null) {
        throw new Error(`${match.header.mechanism}: no seat made an accepted move and no deadline is set, so the match cannot go on (check the policies, or set a deadline in the config)`);
      }
      clock = Math.max(clock, deadline);
      told(match.tick(clock), clock);
    }
  }
  return { decisions, rejections };
}

/** Plays a match whose policies all decide at once (scripted play: no awaits anywhere). */
export function playHeadless(match: Match, policies: readonly AnyPolicy[], rngs: HarnessRngs, options: HeadlessOptions): HeadlessResult {
  const step = turns(match, policies, rngs, options).next();
  if (!step.done) throw new Error(`${match.header.mechanism}: a policy decides asynchronously; play this match with playHeadlessAsync`);
  return step.value;
}

/** Plays a match with policies that may decide asynchronously (LLM seats); awaits only their pending decisions. */
export async function playHeadlessAsync(match: Match, policies: readonly AnyPolicy[], rngs: HarnessRngs, options: HeadlessOptions): Promise<HeadlessResult> {
  const loop = turns(match, policies, rngs, options);
  let step = loop.next();
  while (!step.done) step = loop.next(await step.value);
  return step.value;
}
