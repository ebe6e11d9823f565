/**
 * public-goods@1 — the linear public goods game (voluntary contribution mechanism),
 * with an optional Fehr–Gächter punishment stage.
 *
 * Rules: n players (2 to 1000) play `rounds` rounds. Each round every player holds an
 * endowment E_i and contributes c_i in [0, E_i] (multiples of `contributionStep`; 0 =
 * any amount) to a public account. Round earnings: E_i - c_i + mpcr * sum_j c_j. The
 * contribution stage closes when everyone has contributed, or at its deadline
 * (`roundMs`, null = no deadline), where a seat that has not contributed contributes 0
 * and is recorded as having missed it. With `punishment` set, a punishment stage
 * follows: each player assigns points to other players (allocation over the other
 * seats, each within [0, maxPointsPerTarget] on the `pointStep` grid, in all at most
 * maxPointsTotal and at most what the player can pay out of this round's earnings;
 * `{}` punishes nobody, yourself never). Each point costs the punisher costPerPoint
 * and takes effectPerPoint from the target; the stage closes when everyone has
 * submitted or at its deadline (`stageMs`), where a missing seat assigns nothing.
 * Round payoff = earnings - cost of points given - effect of points received; it may
 * be negative (through punishment received only). The match payoff is the sum over rounds.
 *
 * Parameters: rounds, endowment (a number: common and public; a distribution: drawn
 * per seat from that seat's own stream, private; `freshEndowments` redraws each round,
 * `revealEndowments` shows them with the contributions), mpcr, contributionStep,
 * reveal ('individual' | 'total'), roundMs, punishment (null or { costPerPoint,
 * effectPerPoint, maxPointsPerTarget, maxPointsTotal, pointStep, stageMs,
 * revealPunishers }; requires reveal 'individual'), communication.
 *
 * Seats see: their own endowment, their own contribution, how many have contributed,
 * the stage, the deadline; when a contribution stage closes, what `reveal` says (each
 * seat's contribution, or only the total and average); in the punishment stage their
 * earnings and their own submission; after each round their own result: earnings,
 * points given and their cost, points received (in total, or by punisher with
 * `revealPunishers`) and their effect, payoff. Never another seat's endowment (unless
 * revealed), earnings or payoff, nor who punished whom.
 * Spectators see: the counts of submissions, the stage, the deadline, and the same
 * revealed contributions; nothing about punishment and no private endowment.
 *
 * Outcome: revenue = all contributions into the public account over the match;
 * welfare = the sum of payoffs; maxWelfare = everyone contributing everything and
 * nobody punishing when n * mpcr > 1, else everyone keeping everything. `outside`
 * of a row is the seat's endowment that round (keeping everything, unpunished).
 */
import type { ApplyResult, Legal, Mechanism, MechEvent, Outcome, ParticipantRound, SeatId } from '../core/types.ts';
import { cents, drawFrom } from '../core/policy.ts';
import { draw, seatStream, type RngState, type SeedSet } from '../core/random.ts';
import { isDrawn, MAX_PLAYERS, maxEndowment, meanEndowment, publicGoodsActionSchema, publicGoodsConfigSchema, type PublicGoodsAction, type PublicGoodsConfig, type Reveal } from './config.ts';
import { publicGoodsRules } from './rules.ts';
import {
  floorToGrid,
  makeReport,
  ownRound,
  seatIndex,
  tidy,
  type OwnRound,
  type PointsBySeat,
  type PublicGoodsState,
  type RoundRecord,
  type RoundReport,
  type Stage,
} from './reports.ts';

export type { PublicGoodsConfig, PublicGoodsAction } from './config.ts';
export type { OwnRound, PublicGoodsState, RoundRecord, RoundReport } from './reports.ts';

/** What a player knows now. */
export interface PlayerView {
  readonly mechanism: 'public-goods';
  readonly seat: SeatId;
  readonly players: number;
  readonly round: number;
  readonly rounds: number;
  readonly over: boolean;
  readonly stage: Stage | 'over';
  readonly deadline: number | null;
  readonly mpcr: number;
  readonly reveal: Reveal;
  readonly contributionStep: number;
  /** 'common': everyone has the same, public endowment; 'private': drawn per seat. */
  readonly endowments: 'common' | 'private';
  /** Mean endowment (the common one, or the mean of the distribution). */
  readonly endowmentMean: number;
  /** Your endowment this round. */
  readonly endowment: number;
  readonly myContribution: number | null;
  readonly contributionsIn: number;
  /** This round's contributions as revealed, once the contribution stage has closed (punishment stage). */
  readonly current: RoundReport | null;
  /** Your earnings this round before punishment, in the punishment stage. */
  readonly myEarnings: number | null;
  /** The points you assigned this round, once submitted. */
  readonly myPunishment: PointsBySeat | null;
  readonly punishmentsIn: number;
  readonly punishment: PunishmentTerms | null;
  readonly history: readonly OwnRound[];
  readonly totalPayoff: number;
}

export interface PunishmentTerms {
  readonly costPerPoint: number;
  readonly effectPerPoint: number;
  readonly maxPointsPerTarget: number;
  readonly maxPointsTotal: number | null;
  readonly pointStep: number;
  readonly revealPunishers: boolean;
}

/** What spectators know now. */
export interface PublicGoodsPublicView {
  readonly mechanism: 'public-goods';
  readonly players: number;
  readonly round: number;
  readonly rounds: number;
  readonly over: boolean;
  readonly stage: Stage | 'over';
  readonly deadline: number | null;
  readonly mpcr: number;
  readonly reveal: Reveal;
  /** The common endowment; null when endowments are private draws. */
  readonly endowment: number | null;
  readonly endowmentMean: number;
  readonly contributionsIn: number;
  readonly punishmentsIn: number;
  readonly current: RoundReport | null;
  readonly history: readonly RoundReport[];
}

const ID = 'public-goods';

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

const stageMs = (state: PublicGoodsState): number | null => (state.stage === 'contribute' ? state.config.roundMs : (state.config.punishment?.stageMs ?? null));

const earningsOf = (config: PublicGoodsConfig, endowment: number, contribution: number, total: number): number => tidy(endowment - contribution + config.mpcr * total);

function totalOf(contributions: readonly (number | null)[]): number {
  let total = 0;
  for (const c of contributions) total += c ?? 0;
  return tidy(total);
}

/** Closes the round at `at`: payoffs, history, and the next round (or the end). One transition. */
function closeRound(state: PublicGoodsState, at: number): { state: PublicGoodsState; events: MechEvent[] } {
  const { config, seats } = state;
  const n = seats.length;
  const total = totalOf(state.contributions);
  const p = config.punishment;
  const earnings: number[] = [];
  const payoffs: number[] = [];
  let punishment: RoundRecord['punishment'] = null;
  if (p && state.punishments) {
    const given = new Array<number>(n).fill(0);
    const received = new Array<number>(n).fill(0);
    state.punishments.forEach((points, i) => {
      if (!points) return;
      let sum = 0;
      for (const target in points) {
        const amount = points[target as SeatId] as number;
        sum += amount;
        const j = seatIndex(seats, target as SeatId);
        received[j] = (received[j] as number) + amount;
      }
      given[i] = tidy(sum);
    });
    for (let j = 0; j < n; j++) received[j] = tidy(received[j] as number);
    punishment = { points: state.punishments, given, received };
  }
  const totals: number[] = [];
  for (let i = 0; i < n; i++) {
    const e = earningsOf(config, state.endowments[i] as number, state.contributions[i] ?? 0, total);
    earnings.push(e);
    const payoff = punishment && p ? tidy(e - (punishment.given[i] as number) * p.costPerPoint - (punishment.received[i] as number) * p.effectPerPoint) : e;
    payoffs.push(payoff);
    totals.push(tidy((state.totals[i] as number) + payoff));
  }
  const report = state.revealed ?? makeReport(config, seats, state.round, state.contributions, state.endowments);
  const record: RoundRecord = { round: state.round, report, endowments: state.endowments, contributions: state.contributions, total, punishment, earnings, payoffs };
  const history = [...state.history, record];
  const over = state.round >= config.rounds;
  const events: MechEvent[] = [{ kind: 'round_closed', audience: 'public', data: { ...report, over } }];
  seats.forEach((seat, i) => {
    events.push({ kind: 'round_result', audience: [seat], data: { ...ownRound(config, seats, record, i), totalPayoff: totals[i] as number } });
  });
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
      history,
      totals,
      rng,
    },
    events,
  };
}

/** Closes the contribution stage at `at`: reveals it and opens punishment, or closes the round. One transition. */
function closeContributions(state: PublicGoodsState, at: number): { state: PublicGoodsState; events: MechEvent[] } {
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

/** The group total of this round, once its contribution stage has closed. */
const roundTotal = (state: PublicGoodsState): number => state.revealed?.total ?? totalOf(state.contributions);

const num = (x: number): string => String(tidy(x));
const points = (x: number): string => `${num(x)} point${x === 1 ? '' : 's'}`;

const contributeLegalCache = new WeakMap<PublicGoodsConfig, Legal>();

function contributeLegal(config: PublicGoodsConfig, endowment: number): Legal {
  const common = !isDrawn(config.endowment);
  if (common) {
    const cached = contributeLegalCache.get(config);
    if (cached) return cached;
  }
  const step = config.contributionStep;
  const legal: Legal = [
    {
      type: 'contribute',
      params: { amount: { kind: 'number', min: 0, max: floorToGrid(endowment, step), ...(step > 0 ? { step } : {}) } },
      hint: `your endowment is ${num(endowment)}; each point you contribute pays ${config.mpcr} to every player`,
    },
  ];
  if (common) contributeLegalCache.set(config, legal);
  return legal;
}

const othersCache = new WeakMap<readonly SeatId[], (readonly SeatId[])[]>();

/** Every seat but seat i, cached per seats array. */
function othersOf(seats: readonly SeatId[], i: number): readonly SeatId[] {
  let bySeat = othersCache.get(seats);
  if (!bySeat) {
    bySeat = [];
    othersCache.set(seats, bySeat);
  }
  let others = bySeat[i];
  if (!others) {
    others = seats.filter((_, j) => j !== i);
    bySeat[i] = others;
  }
  return others;
}

function punishLegal(state: PublicGoodsState, i: number): Legal {
  const p = state.config.punishment;
  if (!p) return [];
  const earnings = earningsOf(state.config, state.endowments[i] as number, state.contributions[i] ?? 0, roundTotal(state));
  const perTarget = floorToGrid(p.maxPointsPerTarget, p.pointStep);
  const others = othersOf(state.seats, i);
  let total = perTarget * others.length;
  if (p.maxPointsTotal !== null) total = Math.min(total, p.maxPointsTotal);
  // Spending is capped at this round's earnings, so punishing can never cost more than you have.
  if (p.costPerPoint > 0) total = Math.min(total, Math.max(0, earnings / p.costPerPoint));
  total = floorToGrid(total, p.pointStep);
  return [
    {
      type: 'punish',
      params: { points: { kind: 'allocation', keys: others, min: 0, max: perTarget, ...(p.pointStep > 0 ? { step: p.pointStep } : {}), total } },
      hint: `you earned ${earnings} this round; each point you assign costs you ${p.costPerPoint} and takes ${p.effectPerPoint} from its target; {} punishes nobody`,
    },
  ];
}

function punishmentTerms(config: PublicGoodsConfig): PunishmentTerms | null {
  const p = config.punishment;
  if (!p) return null;
  return {
    costPerPoint: p.costPerPoint,
    effectPerPoint: p.effectPerPoint,
    maxPointsPerTarget: p.maxPointsPerTarget,
    maxPointsTotal: p.maxPointsTotal,
    pointStep: p.pointStep,
    revealPunishers: p.revealPunishers,
  };
}


export const publicGoods: Mechanism<PublicGoodsConfig, PublicGoodsState, PublicGoodsAction, PlayerView, PublicGoodsPublicView> = {
  id: ID,
  version: 1,
  title: 'Public goods game',
  rules: publicGoodsRules,
  configSchema: publicGoodsConfigSchema,
  actionSchema: publicGoodsActionSchema,

  seats() {
    return { min: 2, max: MAX_PLAYERS, roles: (n) => new Array<string>(n).fill('player') };
  },

  setup(config, seats, seeds: SeedSet) {
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
      stateId: 0,
      phaseId: 0,
      deadline: null,
      over: false,
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
      history: [],
      totals: new Array<number>(n).fill(0),
      rng,
    };
  },

  legal(state, seat) {
    if (state.over) return [];
    const i = seatIndex(state.seats, seat);
    if (i < 0) return [];
    if (state.stage === 'contribute') return state.contributions[i] === null ? contributeLegal(state.config, state.endowments[i] as number) : [];
    return state.punishments?.[i] === null ? punishLegal(state, i) : [];
  },

  apply(state, seat, action, at): ApplyResult<PublicGoodsState> {
    const i = seatIndex(state.seats, seat);
    if (action.type === 'contribute') {
      if (state.stage !== 'contribute') return { ok: false, code: 'NOT_ALLOWED', message: 'contributions are closed for this round' };
      if (state.contributions[i] !== null) return { ok: false, code: 'NOT_YOUR_TURN', message: 'you have contributed this round' };
      const contributions = state.contributions.slice();
      contributions[i] = action.amount + 0;
      const placed: PublicGoodsState = { ...state, contributions, contributionsIn: state.contributionsIn + 1 };
      const events: MechEvent[] = [
        { kind: 'contributed', audience: [seat], data: { round: state.round, amount: action.amount + 0 } },
        { kind: 'contribution_count', audience: 'public', data: { round: state.round, contributionsIn: placed.contributionsIn } },
      ];
      if (placed.contributionsIn < state.seats.length) return { ok: true, state: { ...placed, stateId: state.stateId + 1 }, events };
      const closed = closeContributions(placed, at);
      return { ok: true, state: closed.state, events: [...events, ...closed.events] };
    }
    if (state.stage !== 'punish' || !state.punishments) return { ok: false, code: 'NOT_ALLOWED', message: 'there is no punishment stage open now' };
    if (state.punishments[i] !== null) return { ok: false, code: 'NOT_YOUR_TURN', message: 'you have submitted your punishment this round' };
    // Keep only positive points (legal() has checked every key is another seat).
    const points: Record<SeatId, number> = {};
    for (const target in action.points) {
      const amount = action.points[target] as number;
      if (amount > 0) points[target as SeatId] = amount;
    }
    const punishments = state.punishments.slice();
    punishments[i] = points;
    const placed: PublicGoodsState = { ...state, punishments, punishmentsIn: state.punishmentsIn + 1 };
    const events: MechEvent[] = [
      { kind: 'punished', audience: [seat], data: { round: state.round, points } },
      { kind: 'punishment_count', audience: 'public', data: { round: state.round, punishmentsIn: placed.punishmentsIn } },
    ];
    if (placed.punishmentsIn < state.seats.length) return { ok: true, state: { ...placed, stateId: state.stateId + 1 }, events };
    const closed = closeRound(placed, at);
    return { ok: true, state: closed.state, events: [...events, ...closed.events] };
  },

  advance(state, at) {
    if (state.over) return { state, events: [] };
    const ms = stageMs(state);
    if (ms === null) return { state, events: [] };
    if (state.deadline === null) return { state: { ...state, stateId: state.stateId + 1, deadline: at + ms }, events: [] };
    if (at < state.deadline) return { state, events: [] };
    return state.stage === 'contribute' ? closeContributions(state, state.deadline) : closeRound(state, state.deadline);
  },

  view(state, seat): PlayerView {
    const { config, seats } = state;
    const i = seatIndex(seats, seat);
    const punishing = !state.over && state.stage === 'punish';
    return {
      mechanism: ID,
      seat,
      players: seats.length,
      round: state.round,
      rounds: config.rounds,
      over: state.over,
      stage: state.over ? 'over' : state.stage,
      deadline: state.deadline,
      mpcr: config.mpcr,
      reveal: config.reveal,
      contributionStep: config.contributionStep,
      endowments: isDrawn(config.endowment) ? 'private' : 'common',
      endowmentMean: meanEndowment(config),
      endowment: state.endowments[i] as number,
      myContribution: state.contributions[i] ?? null,
      contributionsIn: state.contributionsIn,
      current: state.revealed,
      myEarnings: punishing ? earningsOf(config, state.endowments[i] as number, state.contributions[i] ?? 0, roundTotal(state)) : null,
      myPunishment: punishing ? (state.punishments?.[i] ?? null) : null,
      punishmentsIn: state.punishmentsIn,
      punishment: punishmentTerms(config),
      history: state.history.map((r) => ownRound(config, seats, r, i)),
      totalPayoff: state.totals[i] as number,
    };
  },

  publicView(state): PublicGoodsPublicView {
    const { config } = state;
    return {
      mechanism: ID,
      players: state.seats.length,
      round: state.round,
      rounds: config.rounds,
      over: state.over,
      stage: state.over ? 'over' : state.stage,
      deadline: state.deadline,
      mpcr: config.mpcr,
      reveal: config.reveal,
      endowment: isDrawn(config.endowment) ? null : config.endowment,
      endowmentMean: meanEndowment(config),
      contributionsIn: state.contributionsIn,
      punishmentsIn: state.punishmentsIn,
      current: state.revealed,
      history: state.history.map((r) => r.report),
    };
  },

  describe(view) {
    const lines = [
      `You are player ${view.seat} of ${view.players} in a public goods game, round ${view.round} of ${view.rounds}.`,
      `Round payoff: endowment - your contribution + ${view.mpcr} x (sum of all contributions)${view.punishment ? ' - cost of points you assign - effect of points you receive' : ''}.`,
    ];
    if (view.stage === 'contribute') {
      lines.push(
        view.myContribution === null
          ? `Your endowment this round is ${num(view.endowment)}. Contribute between 0 and ${num(view.endowment)}${view.contributionStep > 0 ? ` in steps of ${view.contributionStep}` : ''}.`
          : `You contributed ${num(view.myContribution)} of ${num(view.endowment)}; waiting for the others (${view.contributionsIn} of ${view.players} in).`,
      );
    } else if (view.stage === 'punish' && view.current && view.punishment) {
      const p = view.punishment;
      const shown = view.current.contributions ? Object.entries(view.current.contributions).map(([s, c]) => `${s}${s === view.seat ? ' (you)' : ''}: ${num(c)}`) : [];
      lines.push(`Contributions this round (total ${num(view.current.total)}, average ${num(view.current.average)}): ${shown.join(', ')}.`);
      lines.push(`You earned ${num(view.myEarnings ?? 0)} before punishment.`);
      lines.push(
        view.myPunishment === null
          ? `Punishment stage: assign up to ${p.maxPointsPerTarget} points to each other player; each costs you ${p.costPerPoint} and takes ${p.effectPerPoint} from its target. You may assign none.`
          : `You assigned ${Object.keys(view.myPunishment).length ? JSON.stringify(view.myPunishment) : 'no points'}; waiting for the others (${view.punishmentsIn} of ${view.players} in).`,
      );
    }
    for (const r of view.history.slice(-5)) {
      const group = `group total ${num(r.group.total)}, average ${num(r.group.average)}`;
      const by = r.punishedBy && Object.keys(r.punishedBy).length ? ` from ${Object.entries(r.punishedBy).map(([s, k]) => `${s}: ${num(k)}`).join(', ')}` : '';
      const punished = view.punishment ? `, you assigned ${points(r.pointsGiven)} (cost ${num(r.punishmentCost)}) and received ${points(r.pointsReceived)}${by} (loss ${num(r.punishmentLoss)})` : '';
      lines.push(`Round ${r.round}: endowment ${num(r.endowment)}, you contributed ${r.missed ? '0 (missed the deadline)' : num(r.contribution)}, ${group}, earnings ${num(r.earnings)}${punished}, payoff ${num(r.payoff)}.`);
    }
    lines.push(`Your total payoff so far: ${num(view.totalPayoff)}.`);
    return lines.join('\n');
  },

  outcome(state): Outcome {
    const { config, seats } = state;
    const n = seats.length;
    const payoffs: Record<SeatId, number> = {};
    seats.forEach((s, i) => {
      payoffs[s] = state.totals[i] as number;
    });
    const rows: ParticipantRound[] = [];
    const cooperative = n * config.mpcr > 1;
    let revenue = 0;
    let welfare = 0;
    let maxWelfare = 0;
    let endowed = 0;
    let zero = 0;
    let full = 0;
    let missed = 0;
    let points = 0;
    let antisocial = 0;
    let cost = 0;
    let loss = 0;
    const p = config.punishment;
    for (const r of state.history) {
      let roundEndowed = 0;
      for (const e of r.endowments) roundEndowed += e;
      endowed += roundEndowed;
      revenue += r.total;
      const fullShare = tidy(config.mpcr * roundEndowed);
      for (let i = 0; i < n; i++) {
        const seat = seats[i] as SeatId;
        const endowment = r.endowments[i] as number;
        const raw = r.contributions[i] ?? null;
        const contribution = raw ?? 0;
        const given = r.punishment?.given[i] ?? 0;
        const received = r.punishment?.received[i] ?? 0;
        const payoff = r.payoffs[i] as number;
        welfare += payoff;
        maxWelfare += cooperative ? fullShare : endowment;
        if (raw === null) missed++;
        if (contribution <= 0) zero++;
        if (contribution >= floorToGrid(endowment, config.contributionStep) - 1e-9) full++;
        points += given;
        if (p) {
          cost += given * p.costPerPoint;
          loss += received * p.effectPerPoint;
        }
        const assigned = r.punishment?.points[i] ?? null;
        if (assigned) {
          // Antisocial punishment: points to someone who contributed at least as much as the punisher.
          for (const target in assigned) if ((r.contributions[seatIndex(seats, target as SeatId)] ?? 0) >= contribution) antisocial += assigned[target as SeatId] as number;
        }
        rows.push({
          round: r.round,
          seat,
          role: 'player',
          fields: {
            endowment,
            contribution,
            missed: raw === null,
            group_total: r.total,
            group_average: r.total / n,
            earnings: r.earnings[i] as number,
            punishment_given: given,
            punishment_cost: p ? tidy(given * p.costPerPoint) : 0,
            punishment_received: received,
            punishment_loss: p ? tidy(received * p.effectPerPoint) : 0,
            missed_punishment: r.punishment ? r.punishment.points[i] === null : false,
          },
          payoff,
          outside: endowment,
        });
      }
    }
    const rateOf = (r: RoundRecord | undefined): number => {
      if (!r) return 0;
      let e = 0;
      for (const x of r.endowments) e += x;
      return e > 0 ? r.total / e : 0;
    };
    const seatRounds = n * state.history.length;
    return {
      payoffs,
      revenue: tidy(revenue),
      welfare: tidy(welfare),
      maxWelfare: tidy(maxWelfare),
      rows,
      measures: {
        contribution_rate: endowed > 0 ? revenue / endowed : 0,
        first_round_contribution_rate: rateOf(state.history[0]),
        final_round_contribution_rate: rateOf(state.history.at(-1)),
        zero_contribution_share: seatRounds ? zero / seatRounds : 0,
        full_contribution_share: seatRounds ? full / seatRounds : 0,
        missed_deadline_share: seatRounds ? missed / seatRounds : 0,
        punishment_points: tidy(points),
        antisocial_punishment_points: tidy(antisocial),
        punishment_cost: tidy(cost),
        punishment_loss: tidy(loss),
      },
    };
  },

  payoffBounds(config, n) {
    const e = maxEndowment(config);
    const others = n - 1;
    // Best round: keep (or, with mpcr > 1, contribute) everything while everyone else contributes everything.
    const best = Math.max(1, config.mpcr) * e + config.mpcr * others * e;
    // Worst round: earnings are never negative and spending on punishment never exceeds them,
    // so only points received can take a round below 0.
    const p = config.punishment;
    const worst = p ? -p.effectPerPoint * p.maxPointsPerTarget * others : 0;
    return { min: config.rounds * worst, max: config.rounds * best };
  },

  revealsPrivate(state) {
    // Once an endowment is shown with the contributions, views legitimately differ between draws.
    return state.config.revealEndowments && isDrawn(state.config.endowment) && (state.history.length > 0 || state.stage === 'punish');
  },
};
