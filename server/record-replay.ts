/**
 * Records as the replay page reads them: a record's header, its events with a one-line
 * summary each and whether it verifies (studies/records.ts: the hash chain is intact and
 * replay reproduces the final hash), and the state after any event, rebuilt by the engine.
 *
 * The work is bounded. A record is read and folded once (and again only when it has grown,
 * as a live session's does), keeping the engine state every `checkpointEvery` events; the
 * state after event SEQ is then rebuilt from the checkpoint at or before it, so one request
 * folds at most `checkpointEvery` events. Records longer than `maxEvents` are refused
 * (`arena replay` verifies those), and at most `cached` records are kept at once.
 */
import type { LedgerEvent } from '../mechanisms/core/ledger.ts';
import { Match, type MatchCheckpoint, type MatchHeader } from '../mechanisms/core/match.ts';
import type { AnyMechanism, Audience, Benchmark, Legal, Progress, SeatId } from '../mechanisms/core/types.ts';
import { findMechanism } from '../mechanisms/registry.ts';
import { verifyMatch } from '../studies/records.ts';
import type { Ledger } from './storage/stores.ts';

export const REPLAY_LIMITS = { maxEvents: 50_000, checkpointEvery: 200, cached: 4 } as const;

export type ReplayLimits = { readonly [K in keyof typeof REPLAY_LIMITS]: number };

/** One event as the page lists it. */
export interface EventLine {
  readonly seq: number;
  readonly kind: string;
  readonly at: number;
  readonly seat: SeatId | null;
  readonly audience: Audience;
  /** The event's data in one short line. */
  readonly summary: string;
}

/** One chat message of a record, as the replay page's chat pane shows it. */
export interface ChatLine {
  readonly seq: number;
  readonly at: number;
  readonly channel: 'public' | 'private' | 'coalition';
  readonly from: SeatId;
  /** The other party of a private message. */
  readonly to: SeatId | null;
  readonly coalition: string | null;
  readonly text: string;
  /** The seats it was delivered to; 'public' for everyone. */
  readonly audience: Audience;
}

/** Who held a human seat, as they said when joining (the last `participant` event of the seat). */
export interface SeatPerson {
  readonly nickname: string | null;
  readonly label: string | null;
}

/** A seat's holder: a person, or a bot with its policy. */
export interface SeatHolding {
  readonly kind: 'human' | 'bot';
  readonly policy: string | null;
}

/** What GET /api/records/:match answers. */
export interface RecordSummary {
  readonly match: string;
  /** Null when the record does not start with its header (match_started). */
  readonly header: Pick<MatchHeader, 'mechanism' | 'config' | 'seats' | 'seed' | 'population'> | null;
  /** The mechanism's title, null when the server does not know the mechanism. */
  readonly mechanismTitle: string | null;
  /** Each seat's role under the record's config ('buyer', 'bidder'…), empty when the mechanism is unknown. */
  readonly roles: Readonly<Record<string, string>>;
  /** The people on human seats (nickname, label), for the experimenter's names. */
  readonly people: Readonly<Record<string, SeatPerson>>;
  /** Every chat message of the record, in order. */
  readonly chat: readonly ChatLine[];
  /** Who held each seat, in order of change (a headless record's population; a live one's seat_joined and seat_replaced events). */
  readonly holders: Readonly<Record<string, readonly SeatHolding[]>>;
  readonly events: readonly EventLine[];
  /** The final state hash the record ends with (match_ended or session_ended), null while it goes on. */
  readonly finalHash: string | null;
  /** The hash replay reached, null when the record could not be replayed. */
  readonly replayedHash: string | null;
  readonly verified: boolean;
  /** Why it does not verify, in words; null when it does. */
  readonly problem: string | null;
}

/** What GET /api/records/:match/state answers: the match after event `seq`. */
export interface StateAt {
  readonly match: string;
  readonly seq: number;
  readonly at: number;
  readonly kind: string;
  readonly stateId: number;
  readonly over: boolean;
  readonly progress: Progress;
  readonly publicView: unknown;
  /** The public benchmarks of the record's config, by name. */
  readonly benchmarks: Readonly<Record<string, Benchmark>>;
  /** The outcome so far, as the experimenter's live view shows it. */
  readonly measures: {
    readonly welfare: number;
    readonly maxWelfare: number;
    readonly efficiency: number | null;
    readonly revenue: number;
    readonly measures: Readonly<Record<string, number | null>>;
  };
  readonly seat: { readonly seat: SeatId; readonly view: unknown; readonly legal: Legal } | null;
}

/** A request the record cannot answer: the API says it with this status. */
export class ReplayRefusal extends Error {
  override readonly name = 'ReplayRefusal';
  readonly status: 400 | 404 | 409 | 413;
  constructor(status: 400 | 404 | 409 | 413, message: string) {
    super(message);
    this.status = status;
  }
}

const INPUTS = new Set(['action', 'rejection', 'tick']);
const SUMMARY_CHARS = 100;

/** A value in a few characters: numbers to three decimals, short strings as they are, lists and objects by size. */
function brief(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(3)));
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return value.length <= 24 ? value : `${value.slice(0, 23)}…`;
  if (Array.isArray(value)) return value.length <= 4 && value.every((v) => typeof v === 'number') ? `[${value.map(brief).join(', ')}]` : `[${value.length}]`;
  return '{…}';
}

const fields = (data: Readonly<Record<string, unknown>>, skip: readonly string[] = []): string =>
  Object.entries(data)
    .filter(([k]) => !skip.includes(k))
    .map(([k, v]) => `${k} ${brief(v)}`)
    .join(', ');

const clip = (text: string): string => (text.length <= SUMMARY_CHARS ? text : `${text.slice(0, SUMMARY_CHARS - 1)}…`);

/** The event's data in one line: `placeOrder side bid, price 96`, `refused bid (OUT_OF_RANGE)`, `round 2, price 61`. */
export function summarize(e: Pick<LedgerEvent, 'kind' | 'data'>): string {
  const data = e.data;
  switch (e.kind) {
    case 'match_started': {
      const seats = Array.isArray(data.seats) ? data.seats.length : 0;
      return clip(`${String(data.mechanism)}, ${seats} seat${seats === 1 ? '' : 's'}, seed ${brief(data.seed)}`);
    }
    case 'action': {
      const action = (data.action ?? {}) as Record<string, unknown>;
      const rest = fields(action, ['type']);
      return clip(`${String(action.type ?? 'action')}${rest ? ` ${rest}` : ''}`);
    }
    case 'rejection':
      return clip(`refused ${String(data.type ?? 'action')} (${String(data.code)})`);
    case 'tick':
      return `time passes (state ${brief(data.stateId)})`;
    case 'match_ended':
    case 'session_ended':
      return typeof data.hash === 'string' ? `final hash ${data.hash.slice(0, 12)}…` : clip(fields(data));
    default:
      return clip(fields(data));
  }
}

/** Feeds one recorded input to a match, as replay (mechanisms/core/replay.ts) does; verifying is replay's. */
function feed(match: Match, e: LedgerEvent): void {
  const data = e.data;
  if (e.kind === 'tick') match.tick(e.at);
  else if (e.kind === 'action' || (e.kind === 'rejection' && e.seat !== null && 'action' in data)) match.submit(e.seat as SeatId, data.stateId as number, data.action, e.at);
}

interface Folded {
  readonly mechanism: AnyMechanism;
  readonly header: MatchHeader;
  /** The match after event `seq`, every `checkpointEvery` events from 0. */
  readonly checkpoints: readonly (MatchCheckpoint & { readonly seq: number })[];
  /** The record's inputs in order (nothing else changes the state). */
  readonly inputs: readonly LedgerEvent[];
}

interface Entry {
  readonly count: number;
  readonly summary: RecordSummary;
  /** The events' times and kinds, by seq. */
  readonly lines: readonly EventLine[];
  /** Null when the record cannot be replayed (then `problem` says why). */
  readonly folded: Folded | null;
  readonly problem: string | null;
}

/**
 * The records of one ledger for the replay page, with their folds cached.
 *
 * ```ts
 * const replays = new RecordReplays(ledger);
 * replays.record('study/treatment/3').verified; // true
 * replays.stateAt('study/treatment/3', 12, 'p1').seat?.view;
 * ```
 */
export class RecordReplays {
  readonly #ledger: Pick<Ledger, 'count' | 'stream'>;
  readonly #find: (ref: string) => AnyMechanism | undefined;
  readonly #limits: ReplayLimits;
  /** Least recently used first. */
  readonly #cache = new Map<string, Entry>();

  constructor(ledger: Pick<Ledger, 'count' | 'stream'>, options: { find?: (ref: string) => AnyMechanism | undefined; limits?: Partial<ReplayLimits> } = {}) {
    this.#ledger = ledger;
    this.#find = options.find ?? findMechanism;
    this.#limits = { ...REPLAY_LIMITS, ...options.limits };
  }

  /** The record's header, events and verdict; throws ReplayRefusal (404 unknown, 413 too long). */
  record(match: string): RecordSummary {
    return this.#entry(match).summary;
  }

  /** The state after event `seq` (and `seat`'s view); throws ReplayRefusal naming the bad input. */
  stateAt(match: string, seq: number, seat?: string): StateAt {
    // Events before a cached count never change (a record only grows), so the cache answers them.
    const cached = this.#cache.get(match);
    const entry = cached && seq < cached.count ? this.#touch(match, cached) : this.#entry(match);
    if (!Number.isInteger(seq) || seq < 0 || seq >= entry.count || entry.lines[lastAtOrBefore(entry.lines, seq)]?.seq !== seq) {
      throw new ReplayRefusal(400, `at: there is no event ${seq}; this record has events 0 to ${entry.count - 1}`);
    }
    const folded = entry.folded;
    if (!folded) throw new ReplayRefusal(409, `this record cannot be replayed: ${entry.problem ?? 'unknown problem'}`);
    if (seat !== undefined && !folded.header.seats.includes(seat as SeatId)) {
      throw new ReplayRefusal(400, `seat: no seat '${seat}' in this match (its seats are ${folded.header.seats.join(', ')})`);
    }
    const from = folded.checkpoints[lastAtOrBefore(folded.checkpoints, seq)] as Folded['checkpoints'][number];
    const m = new Match(folded.mechanism, folded.header, undefined, { state: from.state, now: from.now });
    for (let i = lastAtOrBefore(folded.inputs, from.seq) + 1; i < folded.inputs.length; i++) {
      const e = folded.inputs[i] as LedgerEvent;
      if (e.seq > seq) break;
      feed(m, e);
    }
    const outcome = m.outcome();
    const line = entry.lines[lastAtOrBefore(entry.lines, seq)] as EventLine;
    const benchmarks = folded.mechanism.benchmarks(folded.header.config, folded.header.seats.length);
    return {
      match,
      seq,
      at: line.at,
      kind: line.kind,
      stateId: m.state.stateId,
      over: m.over,
      progress: m.progress(),
      publicView: m.publicView(),
      benchmarks: Object.fromEntries(Object.entries(benchmarks).filter(([, b]) => b.audience === 'public')),
      measures: {
        welfare: outcome.welfare,
        maxWelfare: outcome.maxWelfare,
        efficiency: outcome.maxWelfare > 0 ? outcome.welfare / outcome.maxWelfare : null,
        revenue: outcome.revenue,
        measures: outcome.measures,
      },
      seat: seat === undefined ? null : { seat: seat as SeatId, view: m.view(seat as SeatId), legal: m.legal(seat as SeatId) },
    };
  }

  #touch(match: string, entry: Entry): Entry {
    this.#cache.delete(match);
    this.#cache.set(match, entry);
    return entry;
  }

  #entry(match: string): Entry {
    const count = this.#ledger.count(match);
    if (count === 0) throw new ReplayRefusal(404, `there is no record '${match}' in this server's ledger`);
    if (count > this.#limits.maxEvents) {
      throw new ReplayRefusal(413, `this record has ${count} events; the replay page opens records of at most ${this.#limits.maxEvents} (arena replay --session verifies longer ones)`);
    }
    const cached = this.#cache.get(match);
    if (cached?.count === count) return this.#touch(match, cached);
    const entry = this.#build(match);
    this.#cache.delete(match);
    this.#cache.set(match, entry);
    while (this.#cache.size > this.#limits.cached) this.#cache.delete(this.#cache.keys().next().value as string);
    return entry;
  }

  #build(match: string): Entry {
    const events = [...this.#ledger.stream(match)];
    const verdict = verifyMatch(events);
    const lines = events.map((e): EventLine => ({ seq: e.seq, kind: e.kind, at: e.at, seat: e.seat, audience: e.audience, summary: summarize(e) }));
    const start = events[0];
    const recorded = start?.kind === 'match_started' ? (start.data as unknown as MatchHeader & { title?: unknown }) : null;
    let folded: Folded | null = null;
    let problem: string | null = verdict.problem;
    try {
      folded = recorded ? this.#fold(recorded, events) : null;
      if (!recorded) problem = 'a record starts with a match_started event';
    } catch (error) {
      problem = (error as Error).message;
    }
    let finalHash: string | null = null;
    for (const e of events) if ((e.kind === 'match_ended' || e.kind === 'session_ended') && typeof e.data.hash === 'string') finalHash = e.data.hash;
    const chat: ChatLine[] = [];
    const people: Record<string, SeatPerson> = {};
    const holders: Record<string, SeatHolding[]> = {};
    const held = (seat: string, holding: SeatHolding) => {
      const list = (holders[seat] ??= []);
      const last = list.at(-1);
      if (!last || last.kind !== holding.kind || last.policy !== holding.policy) list.push(holding);
    };
    for (const p of recorded?.population ?? []) if (p.kind !== 'open') held(p.seat, { kind: p.kind === 'human' ? 'human' : 'bot', policy: p.kind === 'human' ? null : (p.policy ?? null) });
    for (const e of events) {
      if ((e.kind === 'seat_joined' || e.kind === 'seat_replaced') && e.seat !== null) {
        const kind = e.kind === 'seat_replaced' || e.data.holder === 'bot' ? 'bot' : 'human';
        const policy = e.kind === 'seat_replaced' ? e.data.to : e.data.policy;
        held(e.seat, { kind, policy: kind === 'bot' && typeof policy === 'string' ? policy : null });
      }
      const text = e.data.text;
      if (e.kind === 'chat' && e.seat !== null && typeof text === 'string') {
        const d = e.data;
        const channel = d.channel === 'private' || d.channel === 'coalition' ? d.channel : 'public';
        chat.push({ seq: e.seq, at: e.at, channel, from: (typeof d.from === 'string' ? d.from : e.seat) as SeatId, to: typeof d.to === 'string' ? (d.to as SeatId) : null, coalition: typeof d.coalition === 'string' ? d.coalition : null, text, audience: e.audience });
      } else if (e.kind === 'participant' && e.seat !== null) {
        people[e.seat] = { nickname: typeof e.data.nickname === 'string' ? e.data.nickname : null, label: typeof e.data.label === 'string' ? e.data.label : null };
      }
    }
    const roles = folded && recorded ? seatRoles(folded.mechanism, recorded) : {};
    const header = recorded ? { mechanism: recorded.mechanism, config: recorded.config, seats: recorded.seats, seed: recorded.seed, ...(recorded.population ? { population: recorded.population } : {}) } : null;
    return {
      count: events.length,
      lines,
      folded,
      problem,
      summary: {
        match,
        header,
        mechanismTitle: folded ? folded.mechanism.title : null,
        roles,
        people,
        chat,
        holders,
        events: lines,
        finalHash,
        replayedHash: verdict.hash,
        verified: verdict.ok,
        problem: verdict.ok ? null : (verdict.problem ?? problem),
      },
    };
  }

  /** One fold of the whole record, keeping a checkpoint every `checkpointEvery` events. */
  #fold(recorded: MatchHeader, events: readonly LedgerEvent[]): Folded {
    const mechanism = this.#find(recorded.mechanism);
    if (!mechanism) throw new Error(`unknown mechanism ${recorded.mechanism}`);
    const { hash: _initial, ...header } = recorded as MatchHeader & { hash?: unknown };
    const match = new Match(mechanism, header);
    const every = this.#limits.checkpointEvery;
    const checkpoints: (MatchCheckpoint & { seq: number })[] = [{ seq: 0, ...match.checkpoint() }];
    const inputs: LedgerEvent[] = [];
    events.forEach((e, i) => {
      if (INPUTS.has(e.kind)) {
        inputs.push(e);
        feed(match, e);
      }
      if (i > 0 && i % every === 0) checkpoints.push({ seq: e.seq, ...match.checkpoint() });
    });
    return { mechanism, header, checkpoints, inputs };
  }
}

/** Each seat's role under the record's config, as the mechanism assigns them. */
function seatRoles(mechanism: AnyMechanism, header: MatchHeader): Record<string, string> {
  try {
    const roles = mechanism.seats(mechanism.configSchema.parse(header.config)).roles(header.seats.length);
    return Object.fromEntries(header.seats.map((seat, i) => [seat, roles[i] ?? '']));
  } catch {
    return {};
  }
}

/** Index of the last item at or before event `seq` in a list in seq order; -1 when there is none. */
function lastAtOrBefore(items: readonly { readonly seq: number }[], seq: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((items[mid] as { seq: number }).seq <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
