/**
 * How a matrix game moves: every player chooses an action, all at once; the round closes
 * when everyone has chosen or at its deadline (a player who has not chosen repeats last
 * round's action, in round 1 takes their first one, and is recorded as having missed it);
 * the payoffs of the profile are paid; the match ends after the last round, or, with a
 * continuation probability, when the shared stream's draw says so.
 */
import { OPENING, ROUND_RECORD, type ApplyResult, type BaseState, type MechEvent, type ParticipantRound, type Rewards, type SeatId } from '../core/types.ts';
import { draw, sharedStream, type RngState, type SeedSet } from '../core/random.ts';
import type { MatrixGameConfig } from './config.ts';
import { cooperativeProfiles, gameOf, payoffAt, profileKey, profileOf, pureNash, type Game } from './game.ts';
import { keepRecent } from '../core/recent.ts';

export const MECHANISM_ID = 'matrix-game';

/** One closed round; arrays by seat index. */
export interface RoundRecord {
  readonly round: number;
  /** Each player's action index. */
  readonly choices: readonly number[];
  readonly missed: readonly boolean[];
  readonly payoffs: readonly number[];
  readonly profile: number;
}

/** Sums over the closed rounds: what the outcome and the measures are made of. */
export interface Tally {
  readonly rounds: number;
  /** Choices of a player's first action. */
  readonly first: number;
  readonly cooperative: number;
  readonly nash: number;
  readonly missed: number;
  readonly welfare: number;
}

export interface MatrixGameState extends BaseState {
  readonly config: MatrixGameConfig;
  readonly seats: readonly SeatId[];
  readonly round: number;
  /** This round's choices by seat index; null: not yet. */
  readonly choices: readonly (number | null)[];
  readonly choicesIn: number;
  /** Each player's action last round (what a player who misses the deadline repeats); null in round 1. */
  readonly previous: readonly number[] | null;
  /** The last `recall` closed rounds (the record has every one, as round_record events). */
  readonly recent: readonly RoundRecord[];
  readonly tally: Tally;
  readonly totals: readonly number[];
  /** The shared stream for the continuation draws; null with a fixed horizon. */
  readonly rng: RngState | null;
}

const EMPTY: Tally = { rounds: 0, first: 0, cooperative: 0, nash: 0, missed: 0, welfare: 0 };

/** The game's equilibria and cooperative profiles, found once per game. */
const facts = new WeakMap<Game, { nash: ReadonlySet<number>; cooperative: ReadonlySet<number>; welfare: number }>();
export function factsOf(game: Game): { nash: ReadonlySet<number>; cooperative: ReadonlySet<number>; welfare: number } {
  let f = facts.get(game);
  if (!f) {
    const coop = cooperativeProfiles(game);
    facts.set(game, (f = { nash: new Set(pureNash(game)), cooperative: new Set(coop.profiles), welfare: coop.welfare }));
  }
  return f;
}

export function firstRound(config: MatrixGameConfig, seats: readonly SeatId[], seeds: SeedSet): MatrixGameState {
  return {
    ...OPENING,
    config,
    seats,
    round: 1,
    choices: new Array<number | null>(seats.length).fill(null),
    choicesIn: 0,
    previous: null,
    recent: [],
    tally: EMPTY,
    totals: new Array<number>(seats.length).fill(0),
    rng: config.continuation === null ? null : sharedStream(seeds),
  };
}

interface Transition {
  readonly state: MatrixGameState;
  readonly events: MechEvent[];
  readonly rewards?: Rewards;
}

/** Takes a player's action (legal() has checked the label); the last one in closes the round. */
export function choose(state: MatrixGameState, seat: SeatId, label: string, at: number): ApplyResult<MatrixGameState> {
  const i = state.seats.indexOf(seat);
  if (state.choices[i] !== null) return { ok: false, code: 'NOT_YOUR_TURN', message: 'you have chosen this round' };
  const game = gameOf(state.config);
  const action = (game.actions[i] as readonly string[]).indexOf(label);
  if (action < 0) return { ok: false, code: 'OUT_OF_RANGE', message: `'${label}' is not one of your actions (${(game.actions[i] as readonly string[]).join(', ')})` };
  const choices = state.choices.slice();
  choices[i] = action;
  const placed: MatrixGameState = { ...state, choices, choicesIn: state.choicesIn + 1 };
  const events: MechEvent[] = [
    { kind: 'chosen', audience: [seat], data: { round: state.round, action: label } },
    { kind: 'choice_count', audience: 'public', data: { round: state.round, choicesIn: placed.choicesIn } },
  ];
  if (placed.choicesIn < state.seats.length) return { ok: true, state: { ...placed, stateId: state.stateId + 1 }, events };
  const closed = closeRound(placed, at);
  return { ok: true, state: closed.state, events: [...events, ...closed.events], ...(closed.rewards ? { rewards: closed.rewards } : {}) };
}

/** Lets time pass: schedules the open round's deadline, or closes the round once it has come. */
export function advanceTo(state: MatrixGameState, at: number): Transition {
  if (state.over || state.config.roundMs === null) return { state, events: [] };
  if (state.deadline === null) return { state: { ...state, stateId: state.stateId + 1, deadline: at + state.config.roundMs }, events: [] };
  if (at < state.deadline) return { state, events: [] };
  return closeRound(state, state.deadline);
}

/** A round's public report: the round, and under reveal 'actions' every action and payoff. */
export function publicRound(state: Pick<MatrixGameState, 'config' | 'seats'>, r: RoundRecord): PublicRound {
  if (state.config.reveal !== 'actions') return { round: r.round };
  const game = gameOf(state.config);
  const actions: Record<SeatId, string> = {};
  const payoffs: Record<SeatId, number> = {};
  state.seats.forEach((s, i) => {
    actions[s] = (game.actions[i] as readonly string[])[r.choices[i] as number] as string;
    payoffs[s] = r.payoffs[i] as number;
  });
  return { round: r.round, actions, payoffs };
}

export interface PublicRound {
  readonly round: number;
  /** reveal 'actions': what each player chose. */
  readonly actions?: Readonly<Record<SeatId, string>>;
  readonly payoffs?: Readonly<Record<SeatId, number>>;
}

/** A closed round as one player sees it: its own action and payoff, and what the reveal shows of the others. */
export interface OwnRound extends PublicRound {
  readonly action: string;
  readonly payoff: number;
  /** The deadline passed before the player chose: it repeated its last action (round 1: its first). */
  readonly missed: boolean;
}

export function ownRound(state: Pick<MatrixGameState, 'config' | 'seats'>, r: RoundRecord, i: number): OwnRound {
  const game = gameOf(state.config);
  return { ...publicRound(state, r), action: (game.actions[i] as readonly string[])[r.choices[i] as number] as string, payoff: r.payoffs[i] as number, missed: r.missed[i] as boolean };
}

/** Closes the round at `at`: pays the profile, records it, opens the next round or ends the match. One transition. */
function closeRound(state: MatrixGameState, at: number): Transition {
  const { config, seats } = state;
  const game = gameOf(config);
  const n = seats.length;
  const missed = state.choices.map((c) => c === null);
  const choices = state.choices.map((c, i) => c ?? state.previous?.[i] ?? 0);
  const profile = profileOf(game, choices);
  const payoffs = choices.map((_, i) => payoffAt(game, profile, i));
  const record: RoundRecord = { round: state.round, choices, missed, payoffs, profile };
  const f = factsOf(game);
  const totals = state.totals.map((t, i) => t + (payoffs[i] as number));
  let welfare = 0;
  for (const x of payoffs) welfare += x;
  const t = state.tally;
  const tally: Tally = {
    rounds: t.rounds + 1,
    first: t.first + choices.filter((c) => c === 0).length,
    cooperative: t.cooperative + (f.cooperative.has(profile) ? 1 : 0),
    nash: t.nash + (f.nash.has(profile) ? 1 : 0),
    missed: t.missed + missed.filter(Boolean).length,
    welfare: t.welfare + welfare,
  };
  let over = state.round >= config.rounds;
  let rng = state.rng;
  if (!over && rng && config.continuation !== null) {
    let u: number;
    [u, rng] = draw(rng, (r) => r.float());
    over = u >= config.continuation;
  }
  const key = profileKey(game, profile);
  const rows: ParticipantRound[] = seats.map((seat, i) => ({
    round: state.round,
    seat,
    role: 'player',
    fields: { action: (game.actions[i] as readonly string[])[choices[i] as number] as string, missed: missed[i] as boolean, profile: key, cooperative: f.cooperative.has(profile), nash: f.nash.has(profile) },
    payoff: payoffs[i] as number,
    outside: game.min,
  }));
  const events: MechEvent[] = [{ kind: 'round_closed', audience: 'public', data: { ...publicRound(state, record), over } }];
  const rewards: Record<SeatId, number> = {};
  seats.forEach((seat, i) => {
    events.push({ kind: 'round_result', audience: [seat], data: { ...ownRound(state, record, i), totalPayoff: totals[i] as number } });
    if (payoffs[i] !== 0) rewards[seat] = payoffs[i] as number;
  });
  events.push({ kind: ROUND_RECORD, audience: 'experimenter', data: { round: state.round, rows } });
  const recent = keepRecent(state.recent, record, config.recall);
  const stateId = state.stateId + 1;
  return {
    state: {
      ...state,
      stateId,
      phaseId: stateId,
      deadline: over || config.roundMs === null ? null : at + config.roundMs,
      over,
      round: over ? state.round : state.round + 1,
      choices: over ? state.choices : new Array<number | null>(n).fill(null),
      choicesIn: over ? state.choicesIn : 0,
      previous: choices,
      recent,
      tally,
      totals,
      rng,
    },
    events,
    rewards,
  };
}
