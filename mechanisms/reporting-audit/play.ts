/**
 * How a reporting round moves: every taxpayer, knowing its own amount, reports, all at once,
 * and pays the tax on the report; then the audits are chosen (drawn from the shared stream
 * by the audit rule, or by the regulator seat, who sees the reports, within its budget); an
 * audit of a report below the amount collects the unpaid tax and the fine on it. The round
 * closes when everyone is in or at its deadline (a missing report is 0, a missing regulator
 * audits nobody).
 */
import { OPENING, ROUND_RECORD, type ApplyResult, type BaseState, type MechEvent, type ParticipantRound, type Rewards, type SeatId } from '../core/types.ts';
import { cents, drawFrom, tidy } from '../core/policy.ts';
import { draw, seatStream, sharedStream, type RngState, type SeedSet } from '../core/random.ts';
import type { ReportingAuditConfig } from './config.ts';
import { keepRecent } from '../core/recent.ts';

export const MECHANISM_ID = 'reporting-audit';
export type Stage = 'report' | 'audit';

export const hasRegulator = (c: ReportingAuditConfig): boolean => c.auditMode === 'regulator';
export const isRegulator = (c: ReportingAuditConfig, i: number): boolean => hasRegulator(c) && i === 0;
export const taxpayerCount = (c: ReportingAuditConfig, seats: number): number => (hasRegulator(c) ? seats - 1 : seats);

/** One closed round; arrays by seat index (the regulator's entries unused). */
export interface RoundRecord {
  readonly round: number;
  readonly incomes: readonly number[];
  /** null: missed the deadline (reported 0). */
  readonly reports: readonly (number | null)[];
  readonly audited: readonly boolean[];
  readonly taxes: readonly number[];
  /** Unpaid tax and fine an audit collected from each seat. */
  readonly penalties: readonly number[];
  readonly payoffs: readonly number[];
  readonly audits: number;
  readonly auditCost: number;
  /** Tax and penalties collected. */
  readonly collected: number;
}

export interface Tally {
  readonly rounds: number;
  readonly reported: number;
  readonly income: number;
  readonly full: number;
  readonly filings: number;
  readonly collected: number;
  readonly audits: number;
  readonly found: number;
  readonly auditCost: number;
  readonly missed: number;
}

export interface ReportingAuditState extends BaseState {
  readonly config: ReportingAuditConfig;
  readonly seats: readonly SeatId[];
  readonly round: number;
  readonly stage: Stage;
  readonly incomes: readonly number[];
  readonly reports: readonly (number | null)[];
  readonly reportsIn: number;
  readonly recent: readonly RoundRecord[];
  readonly tally: Tally;
  readonly totals: readonly number[];
  readonly streams: readonly RngState[];
  readonly shared: RngState;
}

const EMPTY: Tally = { rounds: 0, reported: 0, income: 0, full: 0, filings: 0, collected: 0, audits: 0, found: 0, auditCost: 0, missed: 0 };

function drawIncomes(config: ReportingAuditConfig, streams: readonly RngState[]): [number[], RngState[]] {
  const incomes: number[] = [];
  const next: RngState[] = [];
  streams.forEach((s, i) => {
    if (isRegulator(config, i)) {
      incomes.push(0);
      next.push(s);
      return;
    }
    const [y, after] = draw(s, (rng) => (config.income.kind === 'uniform' ? cents(drawFrom(config.income, rng)) : drawFrom(config.income, rng)));
    incomes.push(y);
    next.push(after);
  });
  return [incomes, next];
}

export function firstRound(config: ReportingAuditConfig, seats: readonly SeatId[], seeds: SeedSet): ReportingAuditState {
  const [incomes, streams] = drawIncomes(
    config,
    seats.map((_, i) => seatStream(seeds, i)),
  );
  return {
    ...OPENING,
    config,
    seats,
    round: 1,
    stage: 'report',
    incomes,
    reports: new Array<number | null>(seats.length).fill(null),
    reportsIn: 0,
    recent: [],
    tally: EMPTY,
    totals: new Array<number>(seats.length).fill(0),
    streams,
    shared: sharedStream(seeds),
  };
}

interface Transition {
  readonly state: ReportingAuditState;
  readonly events: MechEvent[];
  readonly rewards?: Rewards;
}

const withRewards = (t: Transition, events: MechEvent[]): ApplyResult<ReportingAuditState> => ({ ok: true, state: t.state, events: [...events, ...t.events], ...(t.rewards ? { rewards: t.rewards } : {}) });

export function report(state: ReportingAuditState, seat: SeatId, amount: number, at: number): ApplyResult<ReportingAuditState> {
  const i = state.seats.indexOf(seat);
  if (state.stage !== 'report' || isRegulator(state.config, i)) return { ok: false, code: 'NOT_ALLOWED', message: 'taxpayers report while reporting is open' };
  if (state.reports[i] !== null) return { ok: false, code: 'NOT_YOUR_TURN', message: 'you have reported this round' };
  const reports = state.reports.slice();
  reports[i] = amount + 0;
  const placed: ReportingAuditState = { ...state, reports, reportsIn: state.reportsIn + 1 };
  const events: MechEvent[] = [
    { kind: 'reported', audience: [seat], data: { round: state.round, amount: amount + 0 } },
    { kind: 'report_count', audience: 'public', data: { round: state.round, reportsIn: placed.reportsIn } },
  ];
  if (placed.reportsIn < taxpayerCount(state.config, state.seats.length)) return { ok: true, state: { ...placed, stateId: state.stateId + 1 }, events };
  return withRewards(closeReports(placed, at), events);
}

/** The regulator's audits: the seats given 1. */
export function audit(state: ReportingAuditState, seat: SeatId, targets: Readonly<Record<string, number>>, at: number): ApplyResult<ReportingAuditState> {
  const i = state.seats.indexOf(seat);
  if (state.stage !== 'audit' || !isRegulator(state.config, i)) return { ok: false, code: 'NOT_ALLOWED', message: 'the regulator audits once the reports are in' };
  const audited = state.seats.map((s) => (targets[s] ?? 0) >= 1);
  return withRewards(settle(state, audited, at), [{ kind: 'audits_ordered', audience: [seat], data: { round: state.round, targets: state.seats.filter((_, k) => audited[k]) } }]);
}

export function advanceTo(state: ReportingAuditState, at: number): Transition {
  if (state.over || state.config.roundMs === null) return { state, events: [] };
  if (state.deadline === null) return { state: { ...state, stateId: state.stateId + 1, deadline: at + state.config.roundMs }, events: [] };
  if (at < state.deadline) return { state, events: [] };
  return state.stage === 'report' ? closeReports(state, state.deadline) : settle(state, state.seats.map(() => false), state.deadline);
}

/** The audit probability a report meets under a random rule. */
export function auditChance(config: ReportingAuditConfig, reported: number): number {
  if (config.auditMode === 'threshold') return reported < config.threshold ? config.auditProbability : config.probabilityAbove;
  return config.auditProbability;
}

/** Reports are in: the regulator's turn, or the random audits and the round's end. */
function closeReports(state: ReportingAuditState, at: number): Transition {
  const { config } = state;
  if (hasRegulator(config)) {
    const stateId = state.stateId + 1;
    return { state: { ...state, stage: 'audit', stateId, phaseId: stateId, deadline: config.roundMs === null ? null : at + config.roundMs }, events: [{ kind: 'reports_in', audience: 'public', data: { round: state.round } }] };
  }
  let shared = state.shared;
  const audited = state.seats.map((_, i) => {
    let u: number;
    [u, shared] = draw(shared, (rng) => rng.float());
    return u < auditChance(config, state.reports[i] ?? 0);
  });
  return settle({ ...state, shared }, audited, at);
}

function settle(state: ReportingAuditState, audited: readonly boolean[], at: number): Transition {
  const { config, seats } = state;
  const t = config.taxRate;
  const n = seats.length;
  const taxes: number[] = [];
  const penalties: number[] = [];
  const payoffs: number[] = [];
  const flags = seats.map((_, i) => !isRegulator(config, i) && (audited[i] as boolean));
  let collected = 0;
  let found = 0;
  seats.forEach((_, i) => {
    if (isRegulator(config, i)) {
      taxes.push(0);
      penalties.push(0);
      payoffs.push(0);
      return;
    }
    const y = state.incomes[i] as number;
    const r = state.reports[i] ?? 0;
    const tax = tidy(t * r);
    const unpaid = tidy(t * Math.max(0, y - r));
    const penalty = flags[i] ? tidy(unpaid * (1 + config.fineMultiple)) : 0;
    if (flags[i] && unpaid > 0) found++;
    taxes.push(tax);
    penalties.push(penalty);
    payoffs.push(tidy(y - tax - penalty));
    collected += tax + penalty;
  });
  const audits = flags.filter(Boolean).length;
  const auditCost = tidy(audits * config.auditCost);
  collected = tidy(collected);
  if (hasRegulator(config)) payoffs[0] = tidy(collected - auditCost);
  const record: RoundRecord = { round: state.round, incomes: state.incomes, reports: state.reports, audited: flags, taxes, penalties, payoffs, audits, auditCost, collected };
  const taxpayers = taxpayerCount(config, n);
  const tl = state.tally;
  let reported = 0;
  let income = 0;
  let full = 0;
  let missed = 0;
  seats.forEach((_, i) => {
    if (isRegulator(config, i)) return;
    const r = state.reports[i] ?? null;
    reported += r ?? 0;
    income += state.incomes[i] as number;
    if ((r ?? 0) >= (state.incomes[i] as number) - 1e-9) full++;
    if (r === null) missed++;
  });
  const tally: Tally = {
    rounds: tl.rounds + 1,
    reported: tidy(tl.reported + reported),
    income: tidy(tl.income + income),
    full: tl.full + full,
    filings: tl.filings + taxpayers,
    collected: tidy(tl.collected + collected),
    audits: tl.audits + audits,
    found: tl.found + found,
    auditCost: tidy(tl.auditCost + auditCost),
    missed: tl.missed + missed,
  };
  const totals = state.totals.map((x, i) => tidy(x + (payoffs[i] as number)));
  const over = state.round >= config.rounds;
  const events: MechEvent[] = [{ kind: 'round_closed', audience: 'public', data: { ...publicRound(config, seats, record), over } }];
  const rewards: Record<SeatId, number> = {};
  const rows: ParticipantRound[] = [];
  seats.forEach((seat, i) => {
    const regulator = isRegulator(config, i);
    events.push({ kind: 'round_result', audience: [seat], data: { ...(regulator ? regulatorRound(seats, record) : taxpayerRound(config, seats, record, i)), totalPayoff: totals[i] as number } });
    if (payoffs[i] !== 0) rewards[seat] = payoffs[i] as number;
    const r = state.reports[i] ?? null;
    rows.push({
      round: state.round,
      seat,
      role: regulator ? 'regulator' : 'taxpayer',
      fields: regulator
        ? { audits, audit_cost: auditCost, collected }
        : { income: state.incomes[i] as number, report: r ?? 0, missed: r === null, tax: taxes[i] as number, audited: flags[i] as boolean, penalty: penalties[i] as number },
      payoff: payoffs[i] as number,
      outside: 0,
    });
  });
  events.push({ kind: ROUND_RECORD, audience: 'experimenter', data: { round: state.round, rows } });
  let incomes = state.incomes;
  let streams = state.streams;
  if (!over) [incomes, streams] = drawIncomes(config, state.streams);
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
      stage: 'report',
      incomes,
      reports: over ? state.reports : new Array<number | null>(n).fill(null),
      reportsIn: over ? state.reportsIn : 0,
      recent,
      tally,
      totals,
      streams,
    },
    events,
    rewards,
  };
}

/** What everyone learns of a closed round: how many audits, and under reveal 'audits' who was audited and what they paid. */
export function publicRound(config: ReportingAuditConfig, seats: readonly SeatId[], r: RoundRecord) {
  const out: { round: number; audits: number; penalties?: Record<SeatId, number> } = { round: r.round, audits: r.audits };
  if (config.reveal === 'audits') out.penalties = Object.fromEntries(seats.filter((_, i) => r.audited[i]).map((s) => [s, r.penalties[seats.indexOf(s)] as number]));
  return out;
}
export type PublicRound = ReturnType<typeof publicRound>;

export function taxpayerRound(config: ReportingAuditConfig, seats: readonly SeatId[], r: RoundRecord, i: number) {
  return { ...publicRound(config, seats, r), income: r.incomes[i] as number, report: r.reports[i] ?? 0, missed: r.reports[i] === null, tax: r.taxes[i] as number, audited: r.audited[i] as boolean, penalty: r.penalties[i] as number, payoff: r.payoffs[i] as number };
}
export type TaxpayerRound = ReturnType<typeof taxpayerRound>;

/** The regulator's view of a round: every report, whom it audited and what each audit collected. */
export function regulatorRound(seats: readonly SeatId[], r: RoundRecord) {
  const reports: Record<SeatId, number> = {};
  const found: Record<SeatId, number> = {};
  seats.forEach((s, i) => {
    if (i === 0) return;
    reports[s] = r.reports[i] ?? 0;
    if (r.audited[i]) found[s] = r.penalties[i] as number;
  });
  return { round: r.round, audits: r.audits, reports, found, collected: r.collected, auditCost: r.auditCost, payoff: r.payoffs[0] as number };
}
export type RegulatorRound = ReturnType<typeof regulatorRound>;
