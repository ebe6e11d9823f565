/**
 * Q-learning exactly as Calvano, Calzolari, Denicolò and Pastorello (2020) run it in a
 * repeated Bertrand market, for any mechanism whose legal() is finite (or discretised):
 * a table Q(s, a) over states made of view features (the last period's actions of every
 * seat, by default) and the seat's enumerated actions; Q(s,a) ← (1−α)Q(s,a) + α(r + δ max
 * Q(s′,·)), exploring with probability ε_t = e^(−βt); Q₀ the discounted payoff against
 * rivals who pick uniformly at random (or 0). The policy lives for the whole run and says
 * it has converged once its greedy action at the states it reached has not changed for
 * `stableFor` consecutive periods. A fork is greedy and frozen: it neither explores nor
 * learns (what the limit cycle and the impulse response are played with).
 */
import { z } from 'zod';
import { strictObject } from '../../mechanisms/core/config.ts';
import { openMatch } from '../../mechanisms/core/match.ts';
import type { Rng } from '../../mechanisms/core/random.ts';
import type { SeatId } from '../../mechanisms/core/types.ts';
import { decision, type Action, type Decision, type Feedback, type Observation, type Policy, type PolicyFactory, type SeatContext } from '../policy.ts';
import { ActionSpace, StateCoder, featureSchema } from './spaces.ts';

export const qLearningParams = strictObject({
  alpha: z.number().gt(0).max(1).default(0.15),
  delta: z.number().min(0).lt(1).default(0.95),
  /** Exploration ε_t = e^(−βt), t the seat's decisions so far. */
  beta: z.number().min(0).default(4e-6),
  /** View features the state is made of; by default every seat's last action (the field `lastIndices`). */
  state: z.array(featureSchema).default([{ field: 'lastIndices', kind: 'indices' }]),
  /** How many periods of features a state holds. */
  memory: z.number().int().min(1).max(4).default(1),
  /** Points a continuous legal range is cut into. */
  points: z.number().int().min(2).max(10_000).optional(),
  /** Q₀: the discounted payoff against uniformly random rivals (Calvano et al.), or 0. */
  q0: z.enum(['uniformRival', 'zero']).default('uniformRival'),
  /** Converged once the greedy action has not changed for this many consecutive periods. */
  stableFor: z.number().int().min(1).default(100_000),
  /**
   * Keep the table from one episode to the next (one long learning run over episodes); by
   * default every episode starts afresh, as the independent sessions of Calvano et al.
   */
  keep: z.boolean().default(false),
});
export type QLearningParams = z.output<typeof qLearningParams>;

/**
 * One period's reward of `seat` when every seat takes the given action: a hypothetical
 * round played in the engine (the mechanism's one-round config), so the learner needs no
 * formula of the game. Private draws in it are placeholders (a fixed seed).
 */
export function oneRoundReward(ctx: SeatContext, actions: readonly Action[]): number {
  const match = openMatch(ctx.mechanism, { config: ctx.mechanism.oneRound(ctx.config), seats: ctx.seats, seed: 1 });
  match.tick(0);
  actions.forEach((a, i) => {
    if (!match.over) match.submitTrusted(`p${i}` as SeatId, a, 0);
  });
  return match.rewards.totals[Number(ctx.seat.slice(1))] as number;
}

/** Q₀(a) for every own action: mean reward over every profile of the others' actions, discounted for ever. */
function uniformRivalQ0(ctx: SeatContext, space: ActionSpace, delta: number): Float64Array {
  const me = Number(ctx.seat.slice(1));
  const m = space.size;
  const others = ctx.seats - 1;
  const profiles = m ** others;
  if (m * profiles > 5_000_000) throw new Error(`Q₀ against random rivals needs ${m * profiles} hypothetical rounds: use q0 'zero'`);
  const q0 = new Float64Array(m);
  const actions: Action[] = new Array<Action>(ctx.seats);
  for (let a = 0; a < m; a++) {
    let sum = 0;
    for (let k = 0; k < profiles; k++) {
      let rest = k;
      for (let i = 0; i < ctx.seats; i++) {
        if (i === me) actions[i] = space.actions[a] as Action;
        else {
          actions[i] = space.actions[rest % m] as Action;
          rest = Math.floor(rest / m);
        }
      }
      sum += oneRoundReward(ctx, actions);
    }
    q0[a] = sum / profiles / (1 - delta);
  }
  return q0;
}

interface Table {
  readonly space: ActionSpace;
  readonly coder: StateCoder;
  readonly q: Float64Array;
  /** The greedy action of each state (ties to the lowest index). */
  readonly greedy: Int32Array;
}

export class QLearner implements Policy {
  readonly name = 'q-learning';
  readonly #p: QLearningParams;
  readonly #ctx: SeatContext;
  #table: Table | null = null;
  #eps = 1;
  readonly #decay: number;
  #prevState = -1;
  #prevAction = -1;
  #reward = 0;
  #stable = 0;
  #frozen = false;
  /** Q₀ of the action list, made once and reused by every fresh table. */
  #q0: Float64Array | null = null;

  constructor(params: QLearningParams, context: SeatContext) {
    this.#p = params;
    this.#ctx = context;
    this.#decay = Math.exp(-params.beta);
  }

  /** The action list and the table, made at the first decision from what is legal then. */
  #init(obs: Observation): Table {
    const space = new ActionSpace(obs.legal, this.#p.points);
    const coder = new StateCoder(this.#p.state, this.#ctx.seats, space.size, this.#p.memory);
    const m = space.size;
    const q = new Float64Array(coder.size * m);
    const greedy = new Int32Array(coder.size);
    if (this.#p.q0 === 'uniformRival') {
      const q0 = (this.#q0 ??= uniformRivalQ0(this.#ctx, space, this.#p.delta));
      let best = 0;
      for (let a = 1; a < m; a++) if ((q0[a] as number) > (q0[best] as number)) best = a;
      for (let s = 0; s < coder.size; s++) q.set(q0, s * m);
      greedy.fill(best);
    }
    return { space, coder, q, greedy };
  }

  decide(obs: Observation, rng: Rng): Decision | null {
    if (obs.legal.length === 0) return null;
    const t = (this.#table ??= this.#init(obs));
    const m = t.space.size;
    const s = t.coder.code(obs.view as Readonly<Record<string, unknown>>, rng);
    if (this.#prevState >= 0 && !this.#frozen) this.#learn(t, s);
    let a: number;
    if (!this.#frozen && rng.float() < this.#eps) a = rng.int(0, m - 1);
    else a = t.greedy[s] as number;
    this.#eps *= this.#decay;
    this.#prevState = s;
    this.#prevAction = a;
    this.#reward = 0;
    return decision(t.space.actions[a] as Action);
  }

  /** The update of the last state and action, with the reward since and the state now (s′), or none when the episode has ended. */
  #learn(t: Table, next: number | null): void {
    const m = t.space.size;
    const s = this.#prevState;
    const a = this.#prevAction;
    const row = s * m;
    const target = this.#reward + (next === null ? 0 : this.#p.delta * (t.q[next * m + (t.greedy[next] as number)] as number));
    const old = t.q[row + a] as number;
    const updated = old + this.#p.alpha * (target - old);
    t.q[row + a] = updated;
    const before = t.greedy[s] as number;
    let after = before;
    if (a === before) {
      if (updated < old) {
        // The greedy action lost value: look again over the whole row.
        after = 0;
        for (let b = 1; b < m; b++) if ((t.q[row + b] as number) > (t.q[row + after] as number)) after = b;
      }
    } else if (updated > (t.q[row + before] as number)) after = a;
    t.greedy[s] = after;
    this.#stable = after === before ? this.#stable + 1 : 0;
  }

  observe(feedback: Feedback): void {
    this.#reward += feedback.reward;
  }

  /** A learner that keeps its table learns from the episode's last decision too: its reward, with nothing after it. */
  endEpisode(): void {
    const t = this.#table;
    if (!this.#p.keep || !t || this.#frozen || this.#prevState < 0) return;
    this.#learn(t, null);
    this.#prevState = -1;
  }

  startEpisode(): void {
    this.#prevState = -1;
    this.#table?.coder.reset();
    if (this.#p.keep) return;
    // A fresh session: a new table, full exploration, nothing stable yet.
    this.#table = null;
    this.#eps = 1;
    this.#stable = 0;
  }

  /** Its greedy action at every state it reached has not changed for `stableFor` periods. */
  converged(): boolean {
    return this.#stable >= this.#p.stableFor;
  }

  /** A greedy, frozen copy: it plays its greedy action and learns nothing (limit cycles, impulse responses). */
  fork(): QLearner {
    const copy = new QLearner(this.#p, this.#ctx);
    const t = this.#table;
    if (t) copy.#table = { space: t.space, coder: t.coder.fork(), q: t.q.slice(), greedy: t.greedy.slice() };
    copy.#frozen = true;
    copy.#eps = 0;
    return copy;
  }

  /** How the learner stands: decisions made, exploration rate, periods without a change of its greedy action. */
  get stats(): { readonly epsilon: number; readonly stable: number; readonly states: number; readonly actions: number } {
    return { epsilon: this.#eps, stable: this.#stable, states: this.#table?.coder.size ?? 0, actions: this.#table?.space.size ?? 0 };
  }
}

export const qLearning: PolicyFactory<QLearningParams, QLearner> = {
  name: 'q-learning',
  carriesOver: true,
  description: 'Tabular Q-learning as in Calvano et al. (2020): state = features of the view (default every seat\'s last action), ε = e^(−βt), Q₀ against random rivals (params: alpha, delta, beta, state, memory, points, q0, stableFor).',
  version: 1,
  mechanisms: '*',
  trusted: true,
  paramsSchema: qLearningParams,
  create(params, context) {
    if (!context) throw new Error('a q-learning seat needs its seat context (mechanism, config, seat)');
    return new QLearner(params, context);
  },
};
