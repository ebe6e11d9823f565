/**
 * The match runner: the one place where actions meet the engine. It checks the
 * seat, the action schema, the stateId and legal(), lets time pass, and reports
 * every input and every engine event to an optional recorder, so that a match is
 * a record and replay is a fold over it.
 */
import type { AnyMechanism, Audience, BaseState, MechEvent, Outcome, Progress, Rejection, Rewards, SeatId } from './types.ts';
import { mechanismKey } from './types.ts';
import { checkLegal, reject } from './legal.ts';
import { canonicalJson, hashOf, sha256 } from './hash.ts';
import type { SeedSet } from './random.ts';

/**
 * Who held a seat when the match began: a policy (with its params and version), a person,
 * or nobody yet. Every later change of holder is an event of the record (seat_joined,
 * seat_replaced, seat_claimed, seat_released).
 */
export interface SeatHolder {
  readonly seat: SeatId;
  readonly kind: 'policy' | 'human' | 'open';
  readonly policy?: string;
  readonly version?: number;
  readonly params?: Readonly<Record<string, unknown>>;
  /** The principal a seat plays for: several seats of one principal are one player (sybil identities). */
  readonly principal?: string;
}

/** Everything needed to start a match again. */
export interface MatchHeader {
  readonly mechanism: string; // id@version
  readonly config: unknown; // parsed, defaults filled
  readonly seats: readonly SeatId[];
  readonly seed: number;
  readonly seatOverrides?: Readonly<Record<number, number>>;
  /** Who played each seat, so that a record can be played again with one seat swapped. */
  readonly population?: readonly SeatHolder[];
}

/** One thing to write down, in order. Inputs are `action`, `rejection` and `tick`; the rest are outputs. */
export interface MatchEntry {
  readonly kind: string;
  readonly at: number;
  readonly seat: SeatId | null;
  readonly audience: Audience;
  readonly data: Readonly<Record<string, unknown>>;
}

export type Recorder = (entry: MatchEntry) => void;

export type SubmitResult = { readonly ok: true; readonly stateId: number; readonly events: readonly MechEvent[] } | Rejection;

/** Rewards summed per seat index since the last look (a learner's feedback). */
export class RewardLedger {
  readonly #seats: readonly SeatId[];
  #totals: number[] | null = null;
  #pending: number[] | null = null;

  constructor(seats: readonly SeatId[]) {
    this.#seats = seats;
  }

  /** Each seat's rewards so far, in seat order (their sum is its payoff). */
  get totals(): readonly number[] {
    return (this.#totals ??= new Array<number>(this.#seats.length).fill(0));
  }

  /** Seat index of a seat: seats are p0, p1... in order, so its name says where to look. */
  #index(seat: string): number {
    const guess = Number(seat.slice(1));
    return this.#seats[guess] === seat ? guess : this.#seats.indexOf(seat as SeatId);
  }

  add(rewards: Rewards | undefined): void {
    if (!rewards) return;
    const totals = (this.#totals ??= new Array<number>(this.#seats.length).fill(0));
    const pending = (this.#pending ??= new Array<number>(this.#seats.length).fill(0));
    for (const seat in rewards) {
      const r = rewards[seat as SeatId] as number;
      const i = this.#index(seat);
      if (i < 0 || r === 0) continue;
      totals[i] = (totals[i] as number) + r;
      pending[i] = (pending[i] as number) + r;
    }
  }

  /** What seat `i` earned since the last call for it. */
  take(i: number): number {
    const pending = this.#pending;
    if (!pending) return 0;
    const r = pending[i] as number;
    pending[i] = 0;
    return r;
  }
}

export const seatIds = (n: number): SeatId[] => Array.from({ length: n }, (_, i) => `p${i}` as SeatId);

/** Refused actions up to this size (canonical JSON, bytes) are recorded whole, so replay can refuse them again. */
export const REFUSAL_KEPT_BYTES = 256;

/**
 * How a refused action is recorded: its code, the action's type, size and SHA-256
 * fingerprint (of its canonical JSON), and the action itself only when it is small. A
 * refusal changes nothing, so a record without the action still replays to the same
 * state; one that keeps it is refused again, with the same code, by replay.
 */
export function refusalData(stateId: unknown, action: unknown, code: string, message: string): Record<string, unknown> {
  let text: string;
  try {
    text = canonicalJson(action ?? null);
  } catch {
    text = JSON.stringify(String(action));
  }
  const bytes = new TextEncoder().encode(text).length;
  const type = typeof (action as { type?: unknown } | null)?.type === 'string' ? String((action as { type: string }).type).slice(0, 64) : null;
  return { stateId, code, message: message.slice(0, 200), type, bytes, digest: sha256(text), ...(bytes <= REFUSAL_KEPT_BYTES ? { action: action ?? null } : {}) };
}

/** A match as it was at one moment (states are immutable, so this is cheap), to go back to. */
export interface MatchCheckpoint {
  readonly state: BaseState;
  readonly now: number;
  readonly ended: boolean;
}

export class Match<S extends BaseState = BaseState> {
  readonly mechanism: AnyMechanism;
  readonly header: MatchHeader;
  #state: S;
  #now = 0;
  readonly #record: Recorder | undefined;
  #ended = false;
  /** Every seat's rewards so far (their sum is its payoff) and since the harness last looked. */
  readonly rewards: RewardLedger;

  /**
   * `config` must already be parsed by the mechanism's configSchema (see `openMatch`).
   * With `resume`, the match continues from a stored state instead of setting up a new one.
   */
  constructor(mechanism: AnyMechanism, header: MatchHeader, record?: Recorder, resume?: { readonly state: S; readonly now: number }) {
    this.mechanism = mechanism;
    this.header = header;
    this.#record = record;
    this.rewards = new RewardLedger(header.seats);
    if (resume) {
      this.#state = resume.state;
      this.#now = resume.now;
      this.#ended = resume.state.over;
      return;
    }
    const seeds: SeedSet = { seed: header.seed, seatOverrides: header.seatOverrides };
    this.#state = mechanism.setup(header.config, header.seats, seeds) as S;
    record?.({ kind: 'match_started', at: 0, seat: null, audience: 'experimenter', data: { ...header, hash: this.hash() } });
  }

  get state(): S {
    return this.#state;
  }

  /** Where the match is now; `restore` goes back to it (a live room does when its inputs could not be recorded). */
  checkpoint(): MatchCheckpoint {
    return { state: this.#state, now: this.#now, ended: this.#ended };
  }

  restore(checkpoint: MatchCheckpoint): void {
    this.#state = checkpoint.state as S;
    this.#now = checkpoint.now;
    this.#ended = checkpoint.ended;
  }

  get over(): boolean {
    return this.#state.over;
  }

  get now(): number {
    return this.#now;
  }

  /**
   * Lets time pass up to `at`, closing every phase whose deadline falls at or before it
   * (a jump past two deadlines closes both); returns what happened.
   */
  tick(at: number): readonly MechEvent[] {
    this.#now = Math.max(this.#now, at);
    const start = this.#state;
    let events: readonly MechEvent[] = [];
    for (let steps = 0; ; steps++) {
      const prev = this.#state;
      const next = this.mechanism.advance(prev, this.#now);
      if (next.state === prev) break;
      this.#transition(prev, next.state as S);
      this.rewards.add(next.rewards);
      events = events.length ? [...events, ...next.events] : next.events;
      const deadline = this.#state.deadline;
      if (this.#state.over || deadline === null || deadline > this.#now) break;
      if (steps > 100_000) throw new Error(`${this.header.mechanism}: advance() keeps changing the state at time ${this.#now}`);
    }
    if (this.#state === start) return events;
    this.#record?.({ kind: 'tick', at: this.#now, seat: null, audience: 'experimenter', data: { stateId: this.#state.stateId } });
    this.#emit(events, null);
    this.#maybeEnd();
    return events;
  }

  /** Submits an action for a seat, naming the stateId the seat acted on. Never throws on bad input. */
  submit(seat: SeatId, stateId: number, action: unknown, at: number): SubmitResult {
    const deadline = this.#state.deadline;
    const pending = deadline !== null && at >= deadline ? this.tick(at) : [];
    this.#now = Math.max(this.#now, at);
    const checked = this.#check(seat, stateId, action);
    if (!checked.ok) {
      this.#record?.({
        kind: 'rejection',
        at: this.#now,
        seat: this.header.seats.includes(seat) ? seat : null,
        audience: this.header.seats.includes(seat) ? [seat] : 'experimenter',
        data: refusalData(stateId, action, checked.code, checked.message),
      });
      return checked;
    }
    const parsed = checked.action;
    const prev = this.#state;
    const result = this.mechanism.apply(prev, seat, parsed, this.#now);
    if (!result.ok) {
      this.#record?.({ kind: 'rejection', at: this.#now, seat, audience: [seat], data: refusalData(stateId, parsed, result.code, result.message) });
      return result;
    }
    this.#transition(prev, result.state as S);
    this.rewards.add(result.rewards);
    this.#record?.({ kind: 'action', at: this.#now, seat, audience: 'experimenter', data: { stateId, action: parsed, next: result.state.stateId } });
    this.#emit(result.events, seat);
    this.#maybeEnd();
    return { ok: true, stateId: result.state.stateId, events: pending.length ? [...pending, ...result.events] : result.events };
  }

  /**
   * The lean path, for in-process policies whose actions are built from legal() on the
   * current state: the same transition and the same record as `submit`, without the
   * checks that cannot fail for such an action (the schema, the stateId, legal()). A
   * refusal by the engine itself is still recorded and returned. The conformance suite
   * plays every mechanism both ways and compares records and hashes.
   */
  submitTrusted(seat: SeatId, action: { readonly type: string }, at: number): SubmitResult {
    const deadline = this.#state.deadline;
    const pending = deadline !== null && at >= deadline ? this.tick(at) : [];
    if (at > this.#now) this.#now = at;
    const prev = this.#state;
    const stateId = prev.stateId;
    const result = this.mechanism.apply(prev, seat, action, this.#now);
    if (!result.ok) {
      this.#record?.({ kind: 'rejection', at: this.#now, seat, audience: [seat], data: refusalData(stateId, action, result.code, result.message) });
      return result;
    }
    this.#transition(prev, result.state as S);
    this.rewards.add(result.rewards);
    this.#record?.({ kind: 'action', at: this.#now, seat, audience: 'experimenter', data: { stateId, action, next: result.state.stateId } });
    if (this.#record) this.#emit(result.events, seat);
    if (result.state.over) this.#maybeEnd();
    return { ok: true, stateId: result.state.stateId, events: pending.length ? [...pending, ...result.events] : result.events };
  }

  #check(seat: SeatId, stateId: number, action: unknown): Rejection | { ok: true; action: { type: string } } {
    const state = this.#state;
    if (state.over) return reject('GAME_OVER', 'the match has ended');
    if (!this.header.seats.includes(seat)) return reject('UNKNOWN_SEAT', 'no such seat in this match');
    const parsed = this.mechanism.actionSchema.safeParse(action);
    if (!parsed.success) return reject('INVALID_ACTION', parsed.error.issues.map((i) => `${i.path.join('.') || 'action'}: ${i.message}`).join('; '));
    if (!Number.isInteger(stateId) || stateId < state.phaseId || stateId > state.stateId) {
      return reject('STALE_STATE', `the state has moved on (now ${state.stateId}); look again and resend`);
    }
    const parsedAction = parsed.data as { type: string };
    return checkLegal(this.mechanism.legal(state, seat), parsedAction) ?? { ok: true, action: parsedAction };
  }

  #transition(prev: S, next: S): void {
    if (next.stateId !== prev.stateId + 1) {
      throw new Error(`${mechanismKey(this.mechanism)} moved stateId from ${prev.stateId} to ${next.stateId}; every transition bumps it by one`);
    }
    this.#state = next;
  }

  #emit(events: readonly MechEvent[], seat: SeatId | null): void {
    if (!this.#record) return;
    for (const e of events) this.#record({ kind: e.kind, at: this.#now, seat, audience: e.audience, data: e.data });
  }

  #maybeEnd(): void {
    if (!this.#state.over || this.#ended) return;
    this.#ended = true;
    // The outcome holds every seat's private draws: experimenter only.
    this.#record?.({ kind: 'match_ended', at: this.#now, seat: null, audience: 'experimenter', data: { hash: this.hash(), outcome: this.outcome() } });
  }

  legal(seat: SeatId) {
    return this.mechanism.legal(this.#state, seat);
  }

  view(seat: SeatId): unknown {
    return this.mechanism.view(this.#state, seat);
  }

  publicView(): unknown {
    return this.mechanism.publicView(this.#state);
  }

  outcome(): Outcome {
    return this.mechanism.outcome(this.#state);
  }

  progress(): Progress {
    return this.mechanism.progress(this.#state);
  }

  hash(): string {
    return hashOf(this.#state);
  }
}

/** Errors in a config, each with the path of the bad field. */
export class ConfigError extends Error {
  readonly issues: readonly { readonly path: string; readonly message: string }[];
  constructor(issues: readonly { readonly path: string; readonly message: string }[]) {
    super(issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('\n'));
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** Parses a config (filling defaults) and checks the seat count; throws ConfigError naming the bad fields. */
export function parseConfig(mechanism: AnyMechanism, config: unknown, seatCount?: number): unknown {
  const parsed = mechanism.configSchema.safeParse(config ?? {});
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  if (seatCount !== undefined) {
    const plan = mechanism.seats(parsed.data);
    if (seatCount < plan.min || seatCount > plan.max) {
      const want = plan.min === plan.max ? `${plan.min}` : `${plan.min} to ${plan.max}`;
      throw new ConfigError([{ path: 'seats', message: `${mechanismKey(mechanism)} takes ${want} seats under this config, got ${seatCount}` }]);
    }
  }
  return parsed.data;
}

/** Opens a match from a raw config: parses it, then starts the match. */
export function openMatch(mechanism: AnyMechanism, spec: { config: unknown; seats: number | readonly SeatId[]; seed: number; seatOverrides?: Record<number, number> }, record?: Recorder): Match {
  const seats = typeof spec.seats === 'number' ? seatIds(spec.seats) : spec.seats;
  const config = parseConfig(mechanism, spec.config, seats.length);
  return new Match(mechanism, { mechanism: mechanismKey(mechanism), config, seats, seed: spec.seed, ...(spec.seatOverrides ? { seatOverrides: spec.seatOverrides } : {}) }, record);
}
