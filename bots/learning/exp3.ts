/**
 * EXP3 (Auer, Cesa-Bianchi, Freund and Schapire 2002), a no-regret bandit: weights over
 * the seat's enumerated actions, played with probability (1−γ)·w/Σw + γ/K; the reward of
 * the action played, scaled into [0, 1], updates its weight by exp(γ·x̂/K) with the
 * importance-weighted estimate x̂ = x/p. It needs no model of the game and no state; its
 * regret against the best fixed action grows only like √(T K log K).
 */
import { z } from 'zod';
import { strictObject } from '../../mechanisms/core/config.ts';
import type { Rng } from '../../mechanisms/core/random.ts';
import { decision, type Action, type Decision, type Feedback, type Observation, type Policy, type PolicyFactory, type SeatContext } from '../policy.ts';
import { ActionSpace } from './spaces.ts';

export const exp3Params = strictObject({
  /** Exploration share γ in (0, 1]. */
  gamma: z.number().gt(0).max(1).default(0.05),
  /** Rewards of one decision are scaled from [min, max] into [0, 1]; by default the payoff bounds of one round. */
  rewardMin: z.number().optional(),
  rewardMax: z.number().optional(),
  /** Points a continuous legal range is cut into. */
  points: z.number().int().min(2).max(10_000).optional(),
});
export type Exp3Params = z.output<typeof exp3Params>;

export class Exp3 implements Policy {
  readonly name = 'exp3';
  readonly #p: Exp3Params;
  readonly #ctx: SeatContext;
  #space: ActionSpace | null = null;
  /** Log-weights (numerically stable over long runs). */
  #logW: Float64Array | null = null;
  #probs: Float64Array | null = null;
  #last = -1;
  #reward = 0;
  #frozen = false;
  readonly #range: [number, number];

  constructor(params: Exp3Params, context: SeatContext) {
    this.#p = params;
    this.#ctx = context;
    const bounds = context.mechanism.payoffBounds(context.config, context.seats);
    const rounds = Math.max(1, context.mechanism.progress(context.mechanism.setup(context.config, Array.from({ length: context.seats }, (_, i) => `p${i}` as const), { seed: 0 })).rounds ?? 1);
    this.#range = [params.rewardMin ?? bounds.min / rounds, params.rewardMax ?? bounds.max / rounds];
  }

  decide(obs: Observation, rng: Rng): Decision | null {
    if (obs.legal.length === 0) return null;
    const space = (this.#space ??= new ActionSpace(obs.legal, this.#p.points));
    const k = space.size;
    const logW = (this.#logW ??= new Float64Array(k));
    const probs = (this.#probs ??= new Float64Array(k));
    if (this.#last >= 0 && !this.#frozen) {
      const [lo, hi] = this.#range;
      const x = hi > lo ? Math.min(1, Math.max(0, (this.#reward - lo) / (hi - lo))) : 0;
      logW[this.#last] = (logW[this.#last] as number) + (this.#p.gamma * (x / (probs[this.#last] as number))) / k;
    }
    let max = -Infinity;
    for (let a = 0; a < k; a++) max = Math.max(max, logW[a] as number);
    let sum = 0;
    for (let a = 0; a < k; a++) sum += Math.exp((logW[a] as number) - max);
    const gamma = this.#frozen ? 0 : this.#p.gamma;
    for (let a = 0; a < k; a++) probs[a] = (1 - gamma) * (Math.exp((logW[a] as number) - max) / sum) + gamma / k;
    let pick = rng.float();
    let chosen = k - 1;
    for (let a = 0; a < k; a++) {
      pick -= probs[a] as number;
      if (pick < 0) {
        chosen = a;
        break;
      }
    }
    this.#last = chosen;
    this.#reward = 0;
    return decision(space.actions[chosen] as Action);
  }

  observe(feedback: Feedback): void {
    this.#reward += feedback.reward;
  }

  startEpisode(): void {
    this.#last = -1;
  }

  /** A frozen copy that plays its current mixed strategy without exploring or learning. */
  fork(): Exp3 {
    const copy = new Exp3(this.#p, this.#ctx);
    copy.#space = this.#space;
    copy.#logW = this.#logW?.slice() ?? null;
    copy.#probs = this.#probs?.slice() ?? null;
    copy.#frozen = true;
    return copy;
  }
}

export const exp3: PolicyFactory<Exp3Params, Exp3> = {
  name: 'exp3',
  carriesOver: true,
  description: 'EXP3, a no-regret bandit over the enumerated legal actions (params: gamma, rewardMin, rewardMax, points).',
  version: 1,
  mechanisms: '*',
  trusted: true,
  paramsSchema: exp3Params,
  create(params, context) {
    if (!context) throw new Error('an exp3 seat needs its seat context (mechanism, config, seat)');
    return new Exp3(params, context);
  },
};
