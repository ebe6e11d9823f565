/**
 * What a learning session is measured on (Calvano et al. 2020, §III): once every learner
 * has converged, the greedy policies are played on, frozen (their forks), until the joint
 * actions repeat: that limit cycle is where prices and the profit gain are measured. The
 * impulse response forces one seat to deviate for one period to its static best reply,
 * then lets the greedy policies play and records what everyone does (the punishment).
 * Works on any mechanism whose seats act once per period; the match and the policies are
 * forked, so the session itself is not changed.
 */
import { Match } from '../mechanisms/core/match.ts';
import type { Benchmark, Legal, SeatId } from '../mechanisms/core/types.ts';
import { SeatObservation, isPending, type Action, type AnyPolicy, type SeatContext } from '../bots/policy.ts';
import type { HarnessRngs } from '../bots/harness.ts';
import { oneRoundReward } from '../bots/learning/q-learning.ts';
import { ActionSpace } from '../bots/learning/spaces.ts';

/** One period of greedy play: every seat's action and reward. */
export interface Period {
  readonly actions: readonly Action[];
  readonly rewards: readonly number[];
}

export interface Cycle {
  /** The periods of the cycle, in order (empty when none was found within the limit). */
  readonly periods: readonly Period[];
  /** Periods played before the cycle began. */
  readonly lead: number;
}

/** A match and frozen copies of its policies, to play on without touching the originals. */
function forkOf(match: Match, policies: readonly AnyPolicy[]): { match: Match; policies: AnyPolicy[] } {
  return { match: new Match(match.mechanism, match.header, undefined, { state: match.state, now: match.now }), policies: policies.map((p) => p.fork?.() ?? p) };
}

/** Every seat decides on what it sees now (greedy copies decide at once); `override` replaces a seat's action. */
function decideAll(match: Match, policies: readonly AnyPolicy[], rngs: HarnessRngs, at: number, override?: (actions: (Action | null)[]) => void): (Action | null)[] {
  const seats = match.header.seats;
  const actions = seats.map((seat, i) => {
    const legal = match.legal(seat);
    if (legal.length === 0) return null;
    const obs = new SeatObservation(match.mechanism.id, seat, match.state.stateId, match.view(seat), legal, at, match.mechanism.describe, match.state.deadline);
    const d = (policies[i] as AnyPolicy).decide(obs, rngs.seat(i));
    if (isPending(d)) throw new Error('a limit cycle is played with policies that decide at once');
    return d?.action ?? null;
  });
  override?.(actions);
  return actions;
}

/** Plays one period: the actions, then the rewards each seat earned. */
function playPeriod(match: Match, actions: readonly (Action | null)[], at: number): Period {
  const seats = match.header.seats;
  actions.forEach((a, i) => {
    if (a && !match.over) match.submitTrusted(seats[i] as SeatId, a, at);
  });
  return { actions: actions.map((a) => a ?? { type: 'none' }), rewards: seats.map((_, i) => match.rewards.take(i)) };
}

/**
 * The limit cycle of the greedy policies from where the session stopped: periods are
 * played until a joint action repeats; the cycle runs from its first occurrence.
 */
export function limitCycle(match: Match, policies: readonly AnyPolicy[], rngs: HarnessRngs, stepMs: number, maxPeriods = 10_000): Cycle {
  const fork = forkOf(match, policies);
  fork.match.header.seats.forEach((_, i) => fork.match.rewards.take(i));
  const seen = new Map<string, number>();
  const played: Period[] = [];
  let at = fork.match.now;
  for (let t = 0; t < maxPeriods && !fork.match.over; t++) {
    at += stepMs;
    const actions = decideAll(fork.match, fork.policies, rngs, at);
    const key = JSON.stringify(actions);
    const first = seen.get(key);
    if (first !== undefined) return { periods: played.slice(first), lead: first };
    seen.set(key, played.length);
    played.push(playPeriod(fork.match, actions, at));
  }
  return { periods: [], lead: played.length };
}

/** The action of the seat's finite action space that earns it most in one period against the others' actions. */
export function staticBestReply(context: SeatContext, legal: Legal, others: readonly (Action | null)[], points?: number): Action {
  const space = new ActionSpace(legal, points);
  const me = Number(context.seat.slice(1));
  let best: Action = space.actions[0] as Action;
  let bestReward = -Infinity;
  for (const a of space.actions) {
    const profile = others.map((o, i) => (i === me ? a : (o ?? a)));
    const r = oneRoundReward(context, profile);
    if (r > bestReward + 1e-12) {
      best = a;
      bestReward = r;
    }
  }
  return best;
}

/**
 * The impulse response: from the first period of the limit cycle, `deviator` plays its
 * static best reply for one period (τ = 1) while the others play their greedy actions;
 * from τ = 2 on everyone plays greedy. Period 0 is the cycle's own first period.
 */
export function impulseResponse(match: Match, policies: readonly AnyPolicy[], rngs: HarnessRngs, stepMs: number, cycle: Cycle, deviator: number, periods: number, context: SeatContext): Period[] {
  const fork = forkOf(match, policies);
  fork.match.header.seats.forEach((_, i) => fork.match.rewards.take(i));
  let at = fork.match.now;
  // Reach the cycle's first period.
  for (let t = 0; t < cycle.lead && !fork.match.over; t++) playPeriod(fork.match, decideAll(fork.match, fork.policies, rngs, (at += stepMs)), at);
  const out: Period[] = [];
  if (fork.match.over) return out;
  out.push(playPeriod(fork.match, decideAll(fork.match, fork.policies, rngs, (at += stepMs)), at));
  for (let tau = 1; tau <= periods && !fork.match.over; tau++) {
    at += stepMs;
    const seat = fork.match.header.seats[deviator] as SeatId;
    const actions = decideAll(fork.match, fork.policies, rngs, at, (acts) => {
      if (tau === 1) acts[deviator] = staticBestReply({ ...context, seat }, fork.match.legal(seat), acts);
    });
    out.push(playPeriod(fork.match, actions, at));
  }
  return out;
}

/** The numeric parameters of an action (a price, a quantity), for tables. */
export function numericParams(action: Action): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(action)) if (typeof v === 'number') out[k] = v;
  return out;
}

/**
 * The profit gain Δ = (π̄ − π^N)/(π^M − π^N) of a mean profit per seat and period, when the
 * mechanism declares the one-shot Nash and the collusive (joint-profit) profit per seat
 * among its benchmarks (`nash_profit` and `monopoly_profit`); null otherwise.
 */
export function profitGain(meanProfit: number, benchmarks: Readonly<Record<string, Benchmark>>): number | null {
  const nash = benchmarks.nash_profit?.value;
  const monopoly = benchmarks.monopoly_profit?.value;
  if (nash === null || nash === undefined || monopoly === null || monopoly === undefined || monopoly === nash) return null;
  return (meanProfit - nash) / (monopoly - nash);
}
