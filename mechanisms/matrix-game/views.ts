/**
 * What each audience sees of a matrix game, and the rules and a player's view in words.
 * The game (actions and payoffs) is common knowledge; a player sees its own choice this
 * round, how many have chosen, its own results, and of the others what `reveal` shows;
 * spectators see the counts and the revealed rounds.
 */
import type { SeatId } from '../core/types.ts';
import { PRESETS, type GameTable, type MatrixGameConfig, type Reveal } from './config.ts';
import { gameOf, profileKey } from './game.ts';
import { MECHANISM_ID, ownRound, publicRound, type MatrixGameState, type OwnRound, type PublicRound } from './play.ts';

interface MatchStatus {
  readonly mechanism: typeof MECHANISM_ID;
  readonly players: number;
  readonly round: number;
  /** The number of rounds; with a continuation probability, the most there can be. */
  readonly rounds: number;
  readonly continuation: number | null;
  readonly over: boolean;
  readonly stage: 'choose' | 'over';
  readonly deadline: number | null;
  readonly reveal: Reveal;
  /** The game everyone knows: each player's actions and every profile's payoffs. */
  readonly game: GameTable;
  /** The preset's name, or null. */
  readonly preset: string | null;
  readonly choicesIn: number;
}

export interface PlayerView extends MatchStatus {
  readonly seat: SeatId;
  /** Your position in the payoff table (0: the first label of a profile and the first payoff). */
  readonly player: number;
  readonly myActions: readonly string[];
  readonly myChoice: string | null;
  readonly history: readonly OwnRound[];
  readonly totalPayoff: number;
}

export interface MatrixGamePublicView extends MatchStatus {
  readonly history: readonly PublicRound[];
}

/** The table a view shows: the preset's own object, or the config's (shared, never copied). */
const tableOf = (config: MatrixGameConfig): GameTable => (config.game === 'custom' ? (config.table as GameTable) : PRESETS[config.game]);

function status(state: MatrixGameState): MatchStatus {
  const { config } = state;
  return {
    mechanism: MECHANISM_ID,
    players: state.seats.length,
    round: state.round,
    rounds: config.rounds,
    continuation: config.continuation,
    over: state.over,
    stage: state.over ? 'over' : 'choose',
    deadline: state.deadline,
    reveal: config.reveal,
    game: tableOf(config),
    preset: config.game === 'custom' ? null : config.game,
    choicesIn: state.choicesIn,
  };
}

export function playerView(state: MatrixGameState, seat: SeatId): PlayerView {
  const i = state.seats.indexOf(seat);
  const game = gameOf(state.config);
  const mine = game.actions[i] as readonly string[];
  const choice = state.choices[i] ?? null;
  return {
    ...status(state),
    seat,
    player: i,
    myActions: mine,
    myChoice: choice === null ? null : (mine[choice] as string),
    history: state.recent.map((r) => ownRound(state, r, i)),
    totalPayoff: state.totals[i] as number,
  };
}

export function spectatorView(state: MatrixGameState): MatrixGamePublicView {
  return { ...status(state), history: state.recent.map((r) => publicRound(state, r)) };
}

const num = (x: number): string => String(Math.round(x * 1e9) / 1e9);

/** The payoff table in words, one profile a line. */
function tableLines(config: MatrixGameConfig): string[] {
  const game = gameOf(config);
  const lines: string[] = [];
  for (let k = 0; k < game.profiles; k++) {
    const pays = Array.from({ length: game.players }, (_, p) => num(game.table[k * game.players + p] as number));
    lines.push(`  ${profileKey(game, k).split('/').join(' / ')}: ${pays.join(', ')}`);
  }
  return lines;
}

const TITLES: Record<string, string> = { 'prisoners-dilemma': "the prisoner's dilemma", 'stag-hunt': 'the stag hunt', chicken: 'chicken', 'matching-pennies': 'matching pennies' };

export function matrixGameRules(config: MatrixGameConfig): string {
  const game = gameOf(config);
  return [
    config.game !== 'custom' ? `A repeated ${game.players}-player game: ${TITLES[config.game]}.` : `A repeated ${game.players}-player game given by a payoff table.`,
    config.continuation === null
      ? `You play ${config.rounds} round${config.rounds === 1 ? '' : 's'}.`
      : `After each round the game goes on with probability ${config.continuation} (and ends otherwise), for at most ${config.rounds} rounds; nobody knows in advance which round is the last.`,
    `Every round each player chooses one action, all at the same time. Player 1's actions: ${game.actions.map((a, p) => `${p === 0 ? '' : `player ${p + 1}'s: `}${a.join(', ')}`).join('; ')}.`,
    'The payoffs of each combination of actions (player 1 first, then player 2, ...):',
    ...tableLines(config),
    config.reveal === 'actions' ? 'After each round everyone sees what every player chose and earned.' : 'After each round you learn only your own payoff, not what the others chose.',
    config.roundMs === null ? 'A round closes once everyone has chosen.' : `A round closes once everyone has chosen or after ${config.roundMs / 1000} seconds; a player who has not chosen by then repeats their action of the round before (in round 1, their first action).`,
    'Your total payoff is the sum of your round payoffs.',
  ].join('\n');
}

export function describeView(view: PlayerView): string {
  const rows: string[] = [];
  for (const [profile, pays] of Object.entries(view.game.payoffs)) rows.push(`  ${profile.split('/').join(' / ')}: ${pays.map(num).join(', ')}`);
  const horizon = view.continuation === null ? `round ${view.round} of ${view.rounds}` : `round ${view.round} (the game goes on after each round with probability ${view.continuation}, at most ${view.rounds} rounds)`;
  const lines = [
    `You are player ${view.player + 1} (${view.seat}) of ${view.players} in a repeated game, ${horizon}.`,
    `Payoffs by combination of actions (player 1 first), each player's payoff in player order:`,
    ...rows,
  ];
  if (view.stage === 'choose')
    lines.push(view.myChoice === null ? `Choose one of: ${view.myActions.join(', ')}.` : `You chose ${view.myChoice}; waiting for the others (${view.choicesIn} of ${view.players} in).`);
  for (const r of view.history.slice(-5)) {
    const others = r.actions ? `; everyone: ${Object.entries(r.actions).map(([s, a]) => `${s}${s === view.seat ? ' (you)' : ''} ${a}`).join(', ')}` : '';
    lines.push(`Round ${r.round}: you played ${r.action}${r.missed ? ' (missed the deadline)' : ''} and earned ${num(r.payoff)}${others}.`);
  }
  lines.push(`Your total payoff so far: ${num(view.totalPayoff)}.`);
  return lines.join('\n');
}
