/**
 * Counterfactual replay (DESIGN §8): fork a record at an event, give chosen seats other
 * policies, play on with the same seeds, and compare both outcomes from the fork to the end.
 * The indicators' honest replays (studies/indicators.ts) are forks at event 0.
 *
 * Where the fork is: after event `at` and the rest of the transition it belongs to, that
 * is at the first input (action, rejection, tick) after it. Every decision from there on is
 * made by the new population; events before it are the record's, unchanged.
 *
 * How the match gets to the fork:
 * - re-driven, when every seat of the record's population is a scripted policy (a headless
 *   run): a fresh match is played by those policies with the harness's random sources made
 *   from the episode seed, and checked event by event against the record up to the fork, so
 *   the continuation starts with every policy and every random stream where it was. A fork
 *   without swaps then reproduces the record exactly, at any event.
 * - resumed, otherwise (a live session, a human or LLM seat, a prefix that the policies of
 *   today no longer reproduce): the record is folded to the fork and the match goes on from
 *   that state, the harness's random sources starting afresh from the seed. Every seat is
 *   then played by a policy: a seat held at the fork by a human, by nobody or by an LLM must
 *   be swapped (it is refused otherwise: a person's or a model's choices in a world that has
 *   changed are not in the record).
 */
import { Chain, eventHash, GENESIS, type LedgerEvent } from '../mechanisms/core/ledger.ts';
import { Match, type MatchEntry, type MatchHeader, type Recorder } from '../mechanisms/core/match.ts';
import { replay } from '../mechanisms/core/replay.ts';
import { canonicalJson } from '../mechanisms/core/hash.ts';
import { mechanismKey, ROUND_RECORD, type AnyMechanism, type Outcome, type RoundRecordData, type SeatId } from '../mechanisms/core/types.ts';
import { findMechanism } from '../mechanisms/registry.ts';
import { HarnessRngs, playHeadless } from '../bots/harness.ts';
import type { AnyPolicy, Decision, Feedback, Policy, PolicyFactory, SeatContext } from '../bots/policy.ts';
import { findPolicy, policySupports, POLICIES } from '../bots/registry.ts';
import { episodeMetrics, IrCount } from './metrics.ts';

/** A seat given another policy. */
export interface Swap {
  readonly seat: SeatId;
  readonly policy: string;
  readonly params?: Readonly<Record<string, unknown>>;
}

/** Finds a policy by name (the registry's, by default; tests add their own). */
export type PolicyLookup = (name: string) => PolicyFactory<unknown, AnyPolicy> | undefined;

/** Something about the record or the request that the caller must fix (the CLI says it and exits with code 2). */
export class RecordProblem extends Error {
  override readonly name = 'RecordProblem';
}

/** A record that can be read again, each pass from its start (an array, or a ledger's pages). */
export type RecordEvents = Iterable<LedgerEvent>;

/** A record whose hash chain is intact and whose replay reproduces its final hash. */
export interface VerifiedRecord {
  readonly match: string;
  readonly header: MatchHeader;
  readonly mechanism: AnyMechanism;
  readonly events: number;
  /** The final state hash. */
  readonly hash: string;
  readonly outcome: Outcome;
}

const INPUTS = new Set(['action', 'rejection', 'tick']);

/**
 * Verifies a record in one pass (the chain as it is read, the replay as it goes): throws
 * RecordProblem naming the first problem.
 */
export function verifyRecord(events: RecordEvents, find: (ref: string) => AnyMechanism | undefined = findMechanism): VerifiedRecord {
  let count = 0;
  let match = '';
  function* chained(): Generator<LedgerEvent> {
    let prev = GENESIS;
    for (const e of events) {
      if (count === 0) match = e.match;
      else if (e.match !== match) throw new RecordProblem(`event ${count} belongs to match '${e.match}', not '${match}'`);
      if (e.seq !== count) throw new RecordProblem(`hash chain broken at event ${count}: its seq is ${e.seq}`);
      if (e.prev !== prev) throw new RecordProblem(`hash chain broken at event ${count}: prev does not match the hash of event ${count - 1}`);
      if (eventHash(prev, e) !== e.hash) throw new RecordProblem(`hash chain broken at event ${count}: its hash does not match its content`);
      prev = e.hash;
      count++;
      yield e;
    }
  }
  let result;
  try {
    result = replay(find, chained());
  } catch (error) {
    if (error instanceof RecordProblem) throw error;
    throw new RecordProblem(count === 0 ? 'the record is empty' : (error as Error).message);
  }
  if (!result.ok) throw new RecordProblem(`replay does not reproduce the record: ${result.problem}`);
  if (result.recordedHash === null) throw new RecordProblem('the record has no match_ended or session_ended event: the match did not finish');
  const { hash: _initial, ...header } = result.match.header as MatchHeader & { hash?: string };
  return { match, header, mechanism: result.match.mechanism, events: count, hash: result.hash, outcome: result.match.outcome() };
}

/** Who held a seat at some point of a record. */
export interface Holder {
  readonly kind: 'policy' | 'human' | 'open' | 'unknown';
  readonly policy?: string;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly version?: number;
}

const holderLabel = (h: Holder): string => (h.kind === 'policy' ? (h.policy ?? '?') : h.kind);

/** Each seat's holder before event `until`: the header's population, then the record's seat events. */
export function holdersAt(header: MatchHeader, events: RecordEvents, until: number): Map<SeatId, Holder> {
  const holders = new Map<SeatId, Holder>(header.seats.map((s) => [s, { kind: 'unknown' }]));
  for (const h of header.population ?? []) {
    holders.set(h.seat, h.kind === 'policy' ? { kind: 'policy', policy: h.policy ?? '?', params: h.params ?? {}, ...(h.version !== undefined ? { version: h.version } : {}) } : { kind: h.kind });
  }
  for (const e of events) {
    if (e.seq >= until) break;
    if (e.seat === null || !holders.has(e.seat)) continue;
    const d = e.data as Record<string, unknown>;
    switch (e.kind) {
      case 'seat_joined':
        holders.set(e.seat, d.holder === 'human' ? { kind: 'human' } : typeof d.policy === 'string' ? { kind: 'policy', policy: d.policy, params: {} } : { kind: 'unknown' });
        break;
      case 'seat_replaced':
        if (typeof d.to === 'string') holders.set(e.seat, { kind: 'policy', policy: d.to, params: (d.params as Record<string, unknown> | undefined) ?? {} });
        break;
      case 'seat_claimed':
        holders.set(e.seat, { kind: 'human' });
        break;
      case 'seat_released':
      case 'seat_left':
        holders.set(e.seat, { kind: 'open' });
        break;
    }
  }
  return holders;
}

/** The time of the first submission of a headless record: the harness's step (its clock starts at 0). */
export function inferStepMs(events: RecordEvents): number | null {
  for (const e of events) if ((e.kind === 'action' || e.kind === 'rejection') && e.at > 0) return e.at;
  return null;
}

interface Made {
  readonly policy: AnyPolicy;
  readonly trusted: boolean;
  readonly name: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly version: number;
}

/** Makes a policy for a seat, or says why not (`who` names the request in the message). */
function makePolicy(lookup: PolicyLookup, mechanism: AnyMechanism, header: MatchHeader, seat: SeatId, name: string, params: unknown, who: string): Made {
  const factory = lookup(name);
  if (!factory) throw new RecordProblem(`${who}: unknown policy '${name}' (known: ${POLICIES.map((p) => p.name).join(', ')})`);
  if (!policySupports(factory, mechanism)) {
    const plays = [...mechanism.policies, ...POLICIES.filter((p) => p.mechanisms === '*').map((p) => p.name)];
    throw new RecordProblem(`${who}: policy '${name}' does not play ${mechanismKey(mechanism)} (it is played by ${plays.join(', ')})`);
  }
  if (factory.asynchronous) throw new RecordProblem(`${who}: policy '${name}' decides asynchronously (an LLM seat); a counterfactual is played by policies that decide at once`);
  const parsed = factory.paramsSchema.safeParse(params ?? {});
  if (!parsed.success) throw new RecordProblem(`${who}: params of '${name}': ${parsed.error.issues.map((i) => `${i.path.join('.') || '(params)'}: ${i.message}`).join('; ')}`);
  // A seat of a named principal (the record names it; a seat that is its own principal is named by its id) knows which seats share it.
  const principal = header.population?.find((h) => h.seat === seat)?.principal;
  const principalSeats = principal !== undefined && principal !== seat ? (header.population ?? []).filter((h) => h.principal === principal).map((h) => h.seat) : null;
  const context: SeatContext = { mechanism, config: header.config, seat, seats: header.seats.length, ...(principalSeats ? { principalSeats } : {}) };
  let policy: AnyPolicy;
  try {
    policy = factory.create(parsed.data, context);
  } catch (error) {
    throw new RecordProblem(`${who}: ${(error as Error).message}`);
  }
  return { policy, trusted: factory.trusted === true, name, params: (parsed.data ?? {}) as Readonly<Record<string, unknown>>, version: factory.version ?? 1 };
}

/** Counts of the record from some event on: refusals, closed rounds, IR violations. */
class Tally {
  rejections = 0;
  rounds = 0;
  readonly ir = new IrCount();
  add(e: { readonly kind: string; readonly data: Readonly<Record<string, unknown>> }): void {
    if (e.kind === 'rejection') this.rejections++;
    else if (e.kind === ROUND_RECORD) {
      this.rounds++;
      this.ir.add((e.data as unknown as RoundRecordData).rows);
    }
  }
}

/** One side of the comparison: the record as played, the original or the counterfactual. */
export interface Side {
  readonly hash: string;
  readonly events: number;
  /** Each seat's payoff over the whole match. */
  readonly payoffs: Readonly<Record<string, number>>;
  /** From the fork to the end: what each seat earned, the harness's metrics on those amounts, the rounds closed. */
  readonly since: { readonly payoffs: Readonly<Record<string, number>>; readonly metrics: Readonly<Record<string, number>>; readonly rounds: number };
  /** The whole match (the part before the fork is the same on both sides): metrics and the mechanism's measures. */
  readonly final: { readonly metrics: Readonly<Record<string, number>>; readonly measures: Readonly<Record<string, number>> };
}

export interface ForkResult {
  readonly record: { readonly match: string; readonly mechanism: string; readonly seed: number; readonly events: number; readonly hash: string };
  readonly fork: {
    /** The event asked for, and the first input after it (where the new population starts deciding). */
    readonly at: number;
    readonly from: number;
    /** The match's clock and round at the fork. */
    readonly time: number;
    readonly round: number;
    readonly mode: 're-driven' | 'resumed';
    readonly stepMs: number;
    readonly harnessSeed: number;
    readonly notes: readonly string[];
  };
  readonly seats: readonly { readonly seat: SeatId; readonly original: string; readonly counterfactual: string; readonly params: Readonly<Record<string, unknown>>; readonly swapped: boolean }[];
  readonly original: Side;
  readonly counterfactual: Side;
  /** counterfactual − original, key by key. */
  readonly difference: {
    readonly payoffs: Readonly<Record<string, number>>;
    readonly since: { readonly payoffs: Readonly<Record<string, number>>; readonly metrics: Readonly<Record<string, number>> };
    readonly final: { readonly metrics: Readonly<Record<string, number>>; readonly measures: Readonly<Record<string, number>> };
  };
  /** The counterfactual record (complete: the prefix, seat_replaced events at the fork, the continuation), unless `keep: false`. */
  readonly events: readonly LedgerEvent[] | null;
}

export interface ForkOptions {
  /** The event to fork after (seq). */
  readonly at: number;
  readonly swaps?: readonly Swap[];
  readonly policies?: PolicyLookup;
  /** Headless time per decision; default: read from the record's first submission, else 100 ms. */
  readonly stepMs?: number;
  /** The seed of the harness's random sources (scheduling order, policies' draws); default the episode seed. */
  readonly harnessSeed?: number;
  /** Match id of the counterfactual record; default `<match>~cf@<at>`. */
  readonly id?: string;
  /** Keep the counterfactual record's events in the result (default true). */
  readonly keep?: boolean;
  /** The record's verification, when the caller has it already. */
  readonly verified?: VerifiedRecord;
}

class Diverged extends Error {}

const entryOf = (e: MatchEntry): MatchEntry => ({ kind: e.kind, at: e.at, seat: e.seat, audience: e.audience, data: e.data });
const sameEntry = (a: MatchEntry, b: MatchEntry): boolean => canonicalJson(entryOf(a)) === canonicalJson(entryOf(b));

const subtract = (a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) out[k] = (a[k] ?? Number.NaN) - (b[k] ?? Number.NaN);
  return out;
};

/** What the match produced after the fork, as an outcome of its own (sums only; measures are the final ones). */
function sinceFork(final: Outcome, atFork: Outcome): Outcome {
  return {
    payoffs: subtract(final.payoffs, atFork.payoffs),
    revenue: final.revenue - atFork.revenue,
    welfare: final.welfare - atFork.welfare,
    maxWelfare: final.maxWelfare - atFork.maxWelfare,
    measures: final.measures,
  };
}

function sideOf(hash: string, events: number, final: Outcome, atFork: Outcome, whole: Tally, after: Tally): Side {
  const since = sinceFork(final, atFork);
  const wholeMetrics = episodeMetrics(final, whole.rejections, whole.ir);
  return {
    hash,
    events,
    payoffs: final.payoffs,
    since: { payoffs: since.payoffs, metrics: episodeMetrics(since, after.rejections, after.ir).metrics, rounds: after.rounds },
    final: wholeMetrics,
  };
}

/** A seat's decisions, by whichever policy plays it now (the fork switches them). */
function relay(active: AnyPolicy[], i: number): Policy {
  return {
    name: 'relay',
    decide: (obs, rng) => (active[i] as AnyPolicy).decide(obs, rng) as Decision | null,
    observe: (feedback: Feedback) => active[i]?.observe?.(feedback),
    rejected: (rejection) => active[i]?.rejected?.(rejection),
  };
}

/**
 * Forks a record after event `options.at`, plays on with the swapped seats' new policies,
 * and returns both outcomes. Throws RecordProblem for a record that does not verify, an
 * event beyond it, an unknown seat or policy, a policy that does not play the mechanism,
 * bad params, or a seat that no policy holds at the fork.
 */
export function counterfactual(events: RecordEvents, options: ForkOptions): ForkResult {
  const lookup = options.policies ?? findPolicy;
  const v = options.verified ?? verifyRecord(events);
  const { header, mechanism } = v;
  const at = options.at;
  if (!Number.isInteger(at) || at < 0) throw new RecordProblem(`--at must be a whole number of at least 0, got ${at}`);
  if (at >= v.events) throw new RecordProblem(`--at ${at} is beyond the record: it has ${v.events} events (0 to ${v.events - 1})`);
  const notes: string[] = [];

  // The fork: the first input after `at`; the prefix folded to it.
  let from = v.events;
  for (const e of events) {
    if (e.seq > at && INPUTS.has(e.kind)) {
      from = e.seq;
      break;
    }
  }
  function* prefix(): Generator<LedgerEvent> {
    for (const e of events) {
      if (e.seq >= from) return;
      yield e;
    }
  }
  const folded = replay(() => mechanism, prefix()).match;
  const atFork = folded.outcome();

  // The swaps, checked before anything is played.
  const swaps = new Map<SeatId, Swap>();
  for (const s of options.swaps ?? []) {
    if (!header.seats.includes(s.seat)) throw new RecordProblem(`--swap ${s.seat}: no such seat; the record's seats are ${header.seats.join(', ')}`);
    if (swaps.has(s.seat)) throw new RecordProblem(`--swap ${s.seat}: the seat is swapped twice`);
    swaps.set(s.seat, s);
  }
  const makeSwaps = () => new Map([...swaps].map(([seat, s]) => [seat, makePolicy(lookup, mechanism, header, seat, s.policy, s.params, `--swap ${seat}=${s.policy}`)]));
  const swapped = makeSwaps();

  const holders = holdersAt(header, events, from);
  const stepMs = options.stepMs ?? inferStepMs(events) ?? 100;
  const harnessSeed = options.harnessSeed ?? header.seed;
  const id = options.id ?? `${v.match}~cf@${at}`;
  const keep = options.keep !== false;
  const index = Number(/\/(\d+)$/.exec(v.match)?.[1] ?? 0);
  const episode = { index, seed: header.seed };

  // The counterfactual record, and its counts from the fork on.
  let chain = new Chain(id);
  let out: LedgerEvent[] = [];
  let whole = new Tally();
  let after = new Tally();
  let written = 0;
  const emit = (entry: MatchEntry) => {
    const e = chain.append(entry);
    if (keep) out.push(e);
    whole.add(e);
    if (written >= from) after.add(e);
    written++;
  };
  const restart = () => {
    chain = new Chain(id);
    out = [];
    whole = new Tally();
    after = new Tally();
    written = 0;
  };
  let lastAt = 0;
  const announce = (made: ReadonlyMap<SeatId, Made>) => {
    for (const [seat, m] of made) {
      const was = holders.get(seat) ?? { kind: 'unknown' };
      emit({ kind: 'seat_replaced', at: lastAt, seat, audience: 'experimenter', data: { from: holderLabel(was), to: m.name, params: m.params, version: m.version, counterfactual: true, fork: at } });
    }
  };

  const seatsOf = (population: ReadonlyMap<SeatId, Made | Holder>) =>
    header.seats.map((seat) => {
      const s = swapped.get(seat);
      const was = holders.get(seat) ?? { kind: 'unknown' as const };
      const now = population.get(seat);
      return { seat, original: holderLabel(was), counterfactual: s ? s.name : holderLabel(was), params: s ? s.params : ((now && 'params' in now ? now.params : undefined) ?? {}), swapped: s !== undefined };
    });

  // Re-driven: every seat of the population is a scripted policy we can make.
  let match: Match | null = null;
  let mode: 're-driven' | 'resumed' = 'resumed';
  const population = header.population;
  let original: Made[] | null = null;
  if (population && population.length === header.seats.length && population.every((h) => h.kind === 'policy')) {
    try {
      original = header.seats.map((seat) => {
        const h = holders.get(seat) as Holder;
        return makePolicy(lookup, mechanism, header, seat, h.policy ?? '?', h.params, `the recorded policy of ${seat}`);
      });
      for (const [i, h] of population.entries()) {
        const made = original[i] as Made;
        if (h.version !== undefined && h.version !== made.version) notes.push(`${h.seat}: the record names ${h.policy} version ${h.version}, this code has version ${made.version}`);
      }
    } catch (error) {
      if (!(error instanceof RecordProblem)) throw error;
      notes.push(`the prefix is not re-driven (${error.message})`);
      original = null;
    }
  }
  if (original && harnessSeed !== header.seed && from > 1) {
    notes.push('the prefix is folded, not re-driven: the harness seed differs from the episode seed');
    original = null;
  }
  if (original) {
    const active = original.map((m) => m.policy);
    const trusted = original.map((m) => m.trusted);
    const recorded = events[Symbol.iterator]();
    let seen = 0;
    let forked = false;
    let pending: ReadonlyMap<SeatId, Made> | null = null;
    const record: Recorder = (entry) => {
      if (!forked) {
        const r = recorded.next();
        if (r.done || !sameEntry(r.value, entry)) throw new Diverged(`event ${seen}${r.done ? ' is not in the record' : ` (${r.value.kind}) differs from the record`}`);
      }
      if (pending && INPUTS.has(entry.kind)) {
        announce(pending);
        pending = null;
      }
      emit(entry);
      lastAt = entry.at;
      if (!forked && seen === at) {
        forked = true;
        for (const [seat, m] of swapped) {
          const i = header.seats.indexOf(seat);
          active[i] = m.policy;
          trusted[i] = m.trusted;
          m.policy.startEpisode?.(episode);
        }
        if (swapped.size) pending = swapped;
      }
      seen++;
    };
    try {
      for (const m of original) m.policy.startEpisode?.(episode);
      const m = new Match(mechanism, header, record);
      playHeadless(m, header.seats.map((_, i) => relay(active, i)), new HarnessRngs(harnessSeed), { stepMs, trusted });
      if (pending) announce(pending);
      match = m;
      mode = 're-driven';
    } catch (error) {
      if (!(error instanceof Diverged)) throw error;
      notes.push(`the recorded policies do not reproduce the record (${error.message}): the prefix is folded instead, and the harness's random sources start afresh at the fork`);
      restart();
    }
  }
  let made: Map<SeatId, Made> = new Map();
  if (!match) {
    // Resumed: fold to the fork, then every seat by a policy (its swap, or its holder at the fork).
    const fresh = makeSwaps();
    const unplayable: string[] = [];
    for (const seat of header.seats) {
      const s = fresh.get(seat);
      if (s) {
        made.set(seat, s);
        continue;
      }
      const h = holders.get(seat) ?? { kind: 'unknown' };
      if (h.kind !== 'policy') {
        unplayable.push(`${seat} (${h.kind === 'unknown' ? 'the record does not say who held it' : h.kind === 'open' ? 'nobody held it' : 'a human held it'})`);
        continue;
      }
      const factory = lookup(h.policy ?? '?');
      if (factory?.asynchronous) {
        unplayable.push(`${seat} (an LLM seat, '${h.policy}')`);
        continue;
      }
      made.set(seat, makePolicy(lookup, mechanism, header, seat, h.policy ?? '?', h.params, `the recorded policy of ${seat}`));
    }
    if (unplayable.length) {
      throw new RecordProblem(`the continuation is played by policies only, and at the fork (event ${from}) no policy of this code holds ${unplayable.join(', ')}: give each a policy with --swap SEAT=POLICY`);
    }
    for (const e of events) {
      if (e.seq >= from) break;
      emit(e);
      lastAt = e.at;
    }
    if (fresh.size) announce(fresh);
    const m = new Match(mechanism, header, (entry) => emit(entry), { state: folded.state, now: folded.now });
    const policies = header.seats.map((seat) => (made.get(seat) as Made).policy);
    for (const p of policies) p.startEpisode?.(episode);
    playHeadless(m, policies, new HarnessRngs(harnessSeed), { stepMs, trusted: header.seats.map((seat) => (made.get(seat) as Made).trusted) });
    match = m;
  } else {
    made = new Map(header.seats.map((seat, i) => [seat, swapped.get(seat) ?? (original as Made[])[i] as Made]));
  }

  // The original from the fork on.
  const origWhole = new Tally();
  const origAfter = new Tally();
  for (const e of events) {
    origWhole.add(e);
    if (e.seq >= from) origAfter.add(e);
  }
  const originalSide = sideOf(v.hash, v.events, v.outcome, atFork, origWhole, origAfter);
  const counterSide = sideOf(match.hash(), written, match.outcome(), atFork, whole, after);
  for (const p of made.values()) p.policy.dispose?.();
  const progress = mechanism.progress(folded.state);
  return {
    record: { match: v.match, mechanism: header.mechanism, seed: header.seed, events: v.events, hash: v.hash },
    fork: { at, from, time: folded.now, round: progress.round, mode, stepMs, harnessSeed, notes },
    seats: seatsOf(made),
    original: originalSide,
    counterfactual: counterSide,
    difference: {
      payoffs: subtract(counterSide.payoffs, originalSide.payoffs),
      since: { payoffs: subtract(counterSide.since.payoffs, originalSide.since.payoffs), metrics: subtract(counterSide.since.metrics, originalSide.since.metrics) },
      final: { metrics: subtract(counterSide.final.metrics, originalSide.final.metrics), measures: subtract(counterSide.final.measures, originalSide.final.measures) },
    },
    events: keep ? out : null,
  };
}
