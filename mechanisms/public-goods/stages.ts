/**
 * How a round moves: it opens with the contribution stage (endowments drawn per seat
 * when they are private), which closes into the punishment stage when there is one,
 * which closes the round; the last round's close ends the match. A stage closes when
 * every seat is in (see submissions.ts) or at its deadline, set when the stage opens
 * (round 1's by the first `advance`).
 */
import { OPENING, ROUND_RECORD, type MechEvent, type Rewards, type SeatId } from '../core/types.ts';
import { cents, drawFrom } from '../core/policy.ts';
import { draw, seatStream, type RngState, type SeedSet } from '../core/random.ts';
import { isDrawn, type PublicGoodsConfig } from './config.ts';
import { settleRound } from './payoffs.ts';
import { EMPTY_TALLY, makeReport, ownRound, type PointsBySeat, type PublicGoodsState, type RoundRecord } from './reports.ts';
import { closedRound } from './outcome.ts';
import { keepRecent } from '../core/recent.ts';

/** One transition's result. */
export interface Transition {
  state: PublicGoodsState;
  events: MechEvent[];
  rewards?: Rewards;
}

function drawEndowments(config: PublicGoodsConfig, streams: readonly RngState[]): [number[], RngState[]] {
  const dist = config.endowment;
  if (!isDrawn(dist)) throw new Error('drawEndowments needs a distribution');
  const values: number[] = [];
  const next: RngState[] = [];
  for (const stream of streams) {
    const [value, after] = draw(stream, (rng) => drawFrom(dist, rng));
    // Continuous draws in cents, so that endowments print and compare cleanly.
    values.push(dist.kind === 'uniform' ? cents(value) : value);
    next.push(after);
  }
  return [values, next];
}

/** The match before anything has happened: round 1's contribution stage, with no deadline until the first `advance`. */
export function firstRound(config: PublicGoodsConfig, seats: readonly SeatId[], seeds: SeedSet): PublicGoodsState {
  const n = seats.length;
  let endowments: number[];
  let rng: RngState[] = [];
  if (isDrawn(config.endowment)) {
    [endowments, rng] = drawEndowments(
      config,
      seats.map((_, i) => seatStream(seeds, i)),
    );
    if (!config.freshEndowments) rng = [];
  } else endowments = new Array<number>(n).fill(config.endowment);
  return {
    ...OPENING,
    config,
    seats,
    round: 1,
    stage: 'contribute',
    endowments,
    contributions: new Array<number | null>(n).fill(null),
    contributionsIn: 0,
    revealed: null,
    punishments: null,
    punishmentsIn: 0,
    recent: [],
    tally: EMPTY_TALLY,
    totals: new Array<number>(n).fill(0),
    rng,
  };
}

const stageMs = (state: PublicGoodsState): number | null => (state.stage === 'contribute' ? state.config.roundMs : (state.config.punishment?.stageMs ?? null));

/** Lets time pass to `at`: schedules the open stage's deadline, or closes the stage once its deadline has come. */
export function advanceTo(state: PublicGoodsState, at: number): Transition {
  if (state.over) return { state, events: [] };
  const ms = stageMs(state);
  if (ms === null) return { state, events: [] };
  if (state.deadline === null) return { state: { ...state, stateId: state.stateId + 1, deadline: at + ms }, events: [] };
  if (at < state.deadline) return { state, events: [] };
  return state.stage === 'contribute' ? closeContributions(state, state.deadline) : closeRound(state, state.deadline);
}

/** Closes the round at `at`: payoffs, history, and the next round (or the end). One transition. */
export function closeRound(state: PublicGoodsState, at: number): Transition {
  const { config, seats } = state;
  const n = seats.length;
  const { total, punishment, earnings, payoffs, totals } = settleRound(state);
  const report = state.revealed ?? makeReport(config, seats, state.round, state.contributions, state.endowments);
  const record: RoundRecord = { round: state.round, report, endowments: state.endowments, contributions: state.contributions, total, punishment, earnings, payoffs };
  const recall = config.recall;
  const recent = keepRecent(state.recent, record, recall);
  const closed = closedRound(state, record);
  const over = state.round >= config.rounds;
  const events: MechEvent[] = [{ kind: 'round_closed', audience: 'public', data: { ...report, over } }];
  const rewards: Record<SeatId, number> = {};
  seats.forEach((seat, i) => {
    events.push({ kind: 'round_result', audience: [seat], data: { ...ownRound(config, seats, record, i), totalPayoff: totals[i] as number } });
    if (payoffs[i] !== 0) rewards[seat] = payoffs[i] as number;
  });
  events.push({ kind: ROUND_RECORD, audience: 'experimenter', data: { round: record.round, rows: closed.rows } });
  let endowments = state.endowments;
  let rng = state.rng;
  if (!over && rng.length > 0) [endowments, rng] = drawEndowments(config, rng);
  const stateId = state.stateId + 1;
  return {
    state: {
      ...state,
      stateId,
      phaseId: stateId,
      deadline: over || config.roundMs === null ? null : at + config.roundMs,
      over,
      round: over ? state.round : state.round + 1,
      stage: 'contribute',
      endowments,
      contributions: over ? state.contributions : new Array<number | null>(n).fill(null),
      contributionsIn: over ? state.contributionsIn : 0,
      revealed: null,
      punishments: null,
      punishmentsIn: 0,
      recent,
      tally: closed.tally,
      totals,
      rng,
    },
    events,
    rewards,
  };
}

/** Closes the contribution stage at `at`: reveals it and opens punishment, or closes the round. One transition. */
export function closeContributions(state: PublicGoodsState, at: number): Transition {
  const p = state.config.punishment;
  if (!p) return closeRound(state, at);
  const stateId = state.stateId + 1;
  const report = makeReport(state.config, state.seats, state.round, state.contributions, state.endowments);
  return {
    state: {
      ...state,
      stateId,
      phaseId: stateId,
      deadline: p.stageMs === null ? null : at + p.stageMs,
      stage: 'punish',
      revealed: report,
      punishments: new Array<PointsBySeat | null>(state.seats.length).fill(null),
      punishmentsIn: 0,
    },
    events: [{ kind: 'contributions_revealed', audience: 'public', data: { ...report } }],
  };
}
