/**
 * Baseline players of repeated matrix games (mechanisms/matrix-game): an unconditional
 * player, the reciprocators of Axelrod's tournaments (tit for tat, grim trigger) and Nowak
 * and Sigmund's win-stay, lose-shift, the equilibrium player and the myopic best responder.
 * In the presets a player's first action is the cooperative one (cooperate, stag, swerve);
 * the reciprocators read "the others cooperated" as "every other player took its first
 * action", from the revealed actions, or under reveal 'own' from their own payoff (it equals
 * the payoff of their action against everyone else's first action).
 */
import { z } from 'zod';
import type { OwnRound, PlayerView } from '../../mechanisms/matrix-game/index.ts';
import { bestReply, gameFrom, mixed2x2, payoffAt, profileOf, pureNash, welfareAt, type Game } from '../../mechanisms/matrix-game/game.ts';
import type { Rng } from '../../mechanisms/core/random.ts';
import type { Decision, Observation, PolicyFactory } from '../policy.ts';
import { decision } from '../policy.ts';

type Obs = Observation<PlayerView>;

const gameOfView = (view: PlayerView): Game => gameFrom((view.preset ?? view.game) as Parameters<typeof gameFrom>[0]);


/** The action with this index, or null when choosing is not open. */
function play(obs: Obs, index: number, note?: string): Decision | null {
  const spec = obs.legal.find((a) => a.type === 'choose')?.params.action;
  if (!spec || spec.kind !== 'choice') return null;
  const label = spec.options[Math.min(index, spec.options.length - 1)] as string;
  return decision({ type: 'choose', action: label }, note);
}

/** The others' action indices in a round, when the reveal shows them. */
function othersOf(view: PlayerView, game: Game, round: OwnRound): number[] | null {
  if (!round.actions) return null;
  return Array.from({ length: view.players }, (_, p) => (game.actions[p] as readonly string[]).indexOf(round.actions?.[`p${p}`] ?? ''));
}

/** Whether every other player took its first action in `round`: seen, or read off the player's own payoff. */
function othersCooperated(view: PlayerView, game: Game, round: OwnRound): boolean {
  const seen = othersOf(view, game, round);
  if (seen) return seen.every((a, p) => p === view.player || a === 0);
  const mine = view.myActions.indexOf(round.action);
  const profile = profileOf(
    game,
    Array.from({ length: view.players }, (_, p) => (p === view.player ? mine : 0)),
  );
  return Math.abs(payoffAt(game, profile, view.player) - round.payoff) < 1e-9;
}

/** Its action in the best pure equilibrium; in a 2×2 game without one, a draw from the mixed equilibrium; otherwise uniform. */
function equilibriumAction(view: PlayerView, game: Game, rng: Rng): number {
  const nash = pureNash(game);
  if (nash.length) {
    const best = nash.reduce((b, k) => (welfareAt(game, k) > welfareAt(game, b) + 1e-12 ? k : b));
    return Math.floor(best / (game.strides[view.player] as number)) % view.myActions.length;
  }
  const mixed = mixed2x2(game);
  if (mixed) return rng.float() < (mixed[view.player] as number) ? 0 : 1;
  return rng.int(0, view.myActions.length - 1);
}

const noParams = z.object({}).strict();

export const always: PolicyFactory<{ action: string | number }> = {
  name: 'always',
  description: 'Takes the same action every round (param: action, a label or an index; default the first action: cooperate, stag, swerve, heads).',
  trusted: true,
  paramsSchema: z.object({ action: z.union([z.string().min(1), z.number().int().min(0)]).default(0) }).strict(),
  create: ({ action }) => ({
    name: 'always',
    decide: (obs: Obs) => play(obs, typeof action === 'number' ? action : Math.max(0, obs.view.myActions.indexOf(action))),
  }),
};

export const titForTat: PolicyFactory<Record<string, never>> = {
  name: 'tit-for-tat',
  description: 'Cooperates (first action) in round 1, then cooperates exactly when every other player cooperated the round before, and otherwise takes its second action.',
  trusted: true,
  paramsSchema: noParams,
  create: () => ({
    name: 'tit-for-tat',
    decide(obs: Obs) {
      const last = obs.view.history.at(-1);
      return play(obs, !last || othersCooperated(obs.view, gameOfView(obs.view), last) ? 0 : 1);
    },
  }),
};

export const grim: PolicyFactory<Record<string, never>> = {
  name: 'grim',
  description: 'Grim trigger: cooperates (first action) until any other player does not, then takes its second action for the rest of the match.',
  trusted: true,
  // A fresh trigger every episode.
  lifetime: 'episode',
  paramsSchema: noParams,
  create: () => {
    let triggered = false;
    let seen = 0;
    return {
      name: 'grim',
      decide(obs: Obs) {
        const view = obs.view;
        if (view.round <= 1) triggered = false;
        const last = view.history.at(-1);
        if (last && last.round > seen) {
          seen = last.round;
          if (!othersCooperated(view, gameOfView(view), last)) triggered = true;
        }
        return play(obs, triggered ? 1 : 0);
      },
    };
  },
};

export const winStayLoseShift: PolicyFactory<{ aspiration: number | null }> = {
  name: 'win-stay-lose-shift',
  description: "Nowak and Sigmund's Pavlov: cooperates (first action) in round 1, repeats its action after a payoff at or above the aspiration and switches to its next action after one below (param: aspiration; default halfway between its smallest and largest payoff).",
  trusted: true,
  paramsSchema: z.object({ aspiration: z.number().nullable().default(null) }).strict(),
  create: ({ aspiration }) => ({
    name: 'win-stay-lose-shift',
    decide(obs: Obs) {
      const view = obs.view;
      const last = view.history.at(-1);
      if (!last) return play(obs, 0);
      let goal = aspiration;
      if (goal === null) {
        const game = gameOfView(view);
        let lo = Infinity;
        let hi = -Infinity;
        for (let k = 0; k < game.profiles; k++) {
          const x = payoffAt(game, k, view.player);
          lo = Math.min(lo, x);
          hi = Math.max(hi, x);
        }
        goal = (lo + hi) / 2;
      }
      const mine = view.myActions.indexOf(last.action);
      return play(obs, last.payoff >= goal ? mine : (mine + 1) % view.myActions.length);
    },
  }),
};

export const nashPlayer: PolicyFactory<Record<string, never>> = {
  name: 'nash',
  description: "Plays its part of the stage game's best pure Nash equilibrium every round; in a 2×2 game without one, the mixed equilibrium.",
  trusted: true,
  paramsSchema: noParams,
  create: () => ({ name: 'nash', decide: (obs: Obs, rng: Rng) => play(obs, equilibriumAction(obs.view, gameOfView(obs.view), rng)) }),
};

export const bestResponse: PolicyFactory<Record<string, never>> = {
  name: 'best-response',
  description: "The myopic optimiser: plays a best reply to the others' actions of the round before (round 1, and under reveal 'own': the equilibrium action).",
  trusted: true,
  paramsSchema: noParams,
  create: () => ({
    name: 'best-response',
    decide(obs: Obs, rng: Rng) {
      const view = obs.view;
      const game = gameOfView(view);
      const last = view.history.at(-1);
      const others = last ? othersOf(view, game, last) : null;
      if (!others || others.some((a) => a < 0)) return play(obs, equilibriumAction(view, game, rng));
      return play(obs, bestReply(game, profileOf(game, others), view.player));
    },
  }),
};

export const MATRIX_GAME_POLICIES = [always, titForTat, grim, winStayLoseShift, nashPlayer, bestResponse];
