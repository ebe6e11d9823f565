/**
 * A matrix game as the engine plays it (payoffs in one flat table, a profile as a mixed-radix
 * index) and what game theory says of it: the pure Nash equilibria, the cooperative
 * (welfare-maximising) profiles, the completely mixed equilibrium of a 2×2 game, and the
 * smallest continuation probability at which grim trigger sustains cooperation.
 */
import { PRESETS, type GameTable, type MatrixGameConfig } from './config.ts';

export interface Game {
  /** The preset's name, or null for a table of one's own. */
  readonly preset: string | null;
  readonly players: number;
  readonly actions: readonly (readonly string[])[];
  /** Profiles in all. */
  readonly profiles: number;
  /** Profile index = Σ choice_p · stride_p (player 0's stride largest). */
  readonly strides: readonly number[];
  /** payoffs[profile · players + p]. */
  readonly table: Float64Array;
  readonly min: number;
  readonly max: number;
}

const cache = new WeakMap<object, Game>();
const presetGames = new Map<string, Game>();

function build(preset: string | null, g: GameTable): Game {
  const players = g.actions.length;
  const strides = new Array<number>(players).fill(1);
  for (let p = players - 2; p >= 0; p--) strides[p] = (strides[p + 1] as number) * (g.actions[p + 1] as readonly string[]).length;
  const profiles = (strides[0] as number) * (g.actions[0] as readonly string[]).length;
  const table = new Float64Array(profiles * players);
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < profiles; k++) {
    const key = choicesOf({ players, strides, actions: g.actions }, k)
      .map((c, p) => (g.actions[p] as readonly string[])[c])
      .join('/');
    const row = g.payoffs[key] as readonly number[];
    for (let p = 0; p < players; p++) {
      const x = row[p] as number;
      table[k * players + p] = x;
      if (x < min) min = x;
      if (x > max) max = x;
    }
  }
  return { preset, players, actions: g.actions, profiles, strides, table, min, max };
}

/** The game a config plays (built once per config). */
export const gameOf = (config: MatrixGameConfig): Game => gameFrom(config.game === 'custom' ? (config.table as GameTable) : config.game);

/** The game of a preset's name or a table (built once per table). */
export function gameFrom(g: Exclude<MatrixGameConfig['game'], 'custom'> | GameTable): Game {
  if (typeof g === 'string') {
    let game = presetGames.get(g);
    if (!game) presetGames.set(g, (game = build(g, PRESETS[g])));
    return game;
  }
  let game = cache.get(g);
  if (!game) cache.set(g, (game = build(null, g)));
  return game;
}

/** The profile index of each player's action index. */
export function profileOf(game: Game, choices: readonly number[]): number {
  let k = 0;
  for (let p = 0; p < game.players; p++) k += (choices[p] as number) * (game.strides[p] as number);
  return k;
}

/** Each player's action index in a profile. */
export function choicesOf(game: Pick<Game, 'players' | 'strides' | 'actions'>, profile: number): number[] {
  const out: number[] = [];
  for (let p = 0; p < game.players; p++) out.push(Math.floor(profile / (game.strides[p] as number)) % (game.actions[p] as readonly string[]).length);
  return out;
}

export const payoffAt = (game: Game, profile: number, player: number): number => game.table[profile * game.players + player] as number;

/** The profile's labels, 'cooperate/defect'. */
export const profileKey = (game: Game, profile: number): string =>
  choicesOf(game, profile)
    .map((c, p) => (game.actions[p] as readonly string[])[c])
    .join('/');

export function welfareAt(game: Game, profile: number): number {
  let w = 0;
  for (let p = 0; p < game.players; p++) w += payoffAt(game, profile, p);
  return w;
}

/** Player p's best payoff against the others' actions in `profile`. */
export function bestDeviation(game: Game, profile: number, p: number): number {
  const stride = game.strides[p] as number;
  const own = Math.floor(profile / stride) % (game.actions[p] as readonly string[]).length;
  const base = profile - own * stride;
  let best = -Infinity;
  for (let a = 0; a < (game.actions[p] as readonly string[]).length; a++) best = Math.max(best, payoffAt(game, base + a * stride, p));
  return best;
}

/** Player p's best reply (an action index, the first of ties) to the others' actions in `profile`. */
export function bestReply(game: Game, profile: number, p: number): number {
  const stride = game.strides[p] as number;
  const own = Math.floor(profile / stride) % (game.actions[p] as readonly string[]).length;
  const base = profile - own * stride;
  let best = 0;
  for (let a = 1; a < (game.actions[p] as readonly string[]).length; a++) if (payoffAt(game, base + a * stride, p) > payoffAt(game, base + best * stride, p)) best = a;
  return best;
}

const EPS = 1e-12;

/** Every pure Nash equilibrium, as profile indices in order. */
export function pureNash(game: Game): number[] {
  const out: number[] = [];
  for (let k = 0; k < game.profiles; k++) {
    let stable = true;
    for (let p = 0; p < game.players && stable; p++) stable = bestDeviation(game, k, p) <= payoffAt(game, k, p) + EPS;
    if (stable) out.push(k);
  }
  return out;
}

/** The profiles of the greatest total payoff (the cooperative outcome), in order. */
export function cooperativeProfiles(game: Game): { welfare: number; profiles: number[] } {
  let welfare = -Infinity;
  let profiles: number[] = [];
  for (let k = 0; k < game.profiles; k++) {
    const w = welfareAt(game, k);
    if (w > welfare + EPS) {
      welfare = w;
      profiles = [k];
    } else if (Math.abs(w - welfare) <= EPS) profiles.push(k);
  }
  return { welfare, profiles };
}

/**
 * A 2×2 game's completely mixed equilibrium: each player's probability of its first action
 * that makes the other indifferent; null when the game is not 2×2 or has none.
 */
export function mixed2x2(game: Game): [number, number] | null {
  if (game.players !== 2 || game.profiles !== 4) return null;
  // u(p)[r][c]: player p's payoff when the row player takes r and the column player c.
  const u = (p: number, r: number, c: number) => payoffAt(game, r * 2 + c, p);
  const denom1 = u(1, 0, 0) - u(1, 1, 0) - (u(1, 0, 1) - u(1, 1, 1));
  const denom0 = u(0, 0, 0) - u(0, 0, 1) - (u(0, 1, 0) - u(0, 1, 1));
  if (Math.abs(denom0) < EPS || Math.abs(denom1) < EPS) return null;
  const row = (u(1, 1, 1) - u(1, 1, 0)) / denom1;
  const column = (u(0, 1, 1) - u(0, 0, 1)) / denom0;
  return row > EPS && row < 1 - EPS && column > EPS && column < 1 - EPS ? [row, column] : null;
}

/**
 * The smallest continuation probability δ at which grim trigger (cooperate until anyone
 * deviates, then play the least-welfare pure Nash equilibrium for ever) is an equilibrium of
 * the repeated game: max over players of (d − c)/(d − v), with c the cooperative payoff, d
 * the best one-round deviation from it and v the reversion payoff (Friedman 1971). 0 when
 * the cooperative profile is itself an equilibrium; null when there is no pure equilibrium
 * to revert to, or it does not punish every player who could gain by deviating.
 */
export function grimThreshold(game: Game): number | null {
  const nash = pureNash(game);
  const coop = cooperativeProfiles(game).profiles[0] as number;
  if (nash.includes(coop)) return 0;
  if (!nash.length) return null;
  const reversion = nash.reduce((worst, k) => (welfareAt(game, k) < welfareAt(game, worst) - EPS ? k : worst));
  let delta = 0;
  for (let p = 0; p < game.players; p++) {
    const c = payoffAt(game, coop, p);
    const d = bestDeviation(game, coop, p);
    const v = payoffAt(game, reversion, p);
    if (d <= c + EPS) continue;
    if (v >= c - EPS) return null;
    delta = Math.max(delta, (d - c) / (d - v));
  }
  return delta;
}

/** Expected rounds of a match capped at `rounds` that goes on after each round with probability δ. */
export const expectedRounds = (rounds: number, continuation: number | null): number => (continuation === null ? rounds : (1 - continuation ** rounds) / (1 - continuation));
