/**
 * The headless runner: plays every episode of every treatment in-process, through
 * the same match runner and policy code as live arenas, and streams the results
 * into a results folder (manifest.json, episodes.csv, rounds.csv, summary.json,
 * and events.jsonl when asked; principals.csv when seat groups name principals, whose
 * payoff is the sum of their seats').
 *
 * Episode e of every treatment uses the same seed, deriveSeed(study seed, e), so
 * treatments are compared on the same draws (common random numbers).
 */
import { Match, type MatchHeader, type Recorder } from '../mechanisms/core/match.ts';
import { deriveSeed } from '../mechanisms/core/random.ts';
import { mechanismKey, type Benchmark, type ParticipantRound, type RoundRecordData, type SeatId } from '../mechanisms/core/types.ts';
import { Chain, type LedgerEvent } from '../mechanisms/core/ledger.ts';
import { hashOf } from '../mechanisms/core/hash.ts';
import { HarnessRngs, playHeadless, playHeadlessAsync, type HeadlessResult } from '../bots/harness.ts';
import type { AnyPolicy, SeatContext } from '../bots/policy.ts';
import { LlmRuntime } from '../bots/llm/index.ts';
import { principalOf, principalsOf, studyHasPrincipals, type FactorLevels, type ResolvedStudy, type Treatment } from './spec.ts';
import { CellValues, EFFECTS_METHOD, mainEffects, type FactorEffects } from './effects.ts';
import { episodeMetrics, IrCount, MetricSet, RunningStat, type MetricSummary } from './metrics.ts';
import { CsvFile, StagedDir, StreamFile } from './output.ts';
import { writeStudyTables } from './tables.ts';
import { llmDecisionsByRound, llmDecisionsOf, type LlmDecisions } from './llm-decisions.ts';
import { impulseResponse, limitCycle, numericParams, profitGain } from './learning.ts';
import { writeParquetFiles } from './parquet.ts';
import { reportAtFinish } from './report/sync.ts';

export interface RunOptions {
  /** Overrides the study's episode count. */
  readonly episodes?: number;
  /** Overrides the study's seed. */
  readonly seed?: number;
  /** Results folder; without it nothing is written and only the summary is returned. */
  readonly out?: string;
  readonly replace?: boolean;
  readonly rounds?: boolean;
  readonly events?: boolean;
  /**
   * Told as episodes finish; in a study with LLM seats also after every LLM decision, with
   * the decisions made so far in this run and how many of them the fallback made.
   */
  readonly onProgress?: (done: number, total: number, llm?: LlmDecisions) => void;
  /** A ledger store that receives every episode's events (one transaction per episode). */
  readonly ledger?: { append(event: LedgerEvent): void; transaction<T>(fn: () => T): T };
  /** Recorded in the manifest. */
  readonly code?: { readonly version: string; readonly commit: string | null };
  /** LLM seats share this runtime (tests and benchmarks pass one to watch it); made from the study's `llm` block otherwise. */
  readonly llm?: LlmRuntime;
  /** Told every finished episode, in order: what the instruments (exploit searches, indicators) read without files. */
  readonly onEpisode?: (episode: EpisodeResult) => void;
  /** Keep each episode's participant rows for onEpisode even without rounds.csv. */
  readonly keepRows?: boolean;
  /** Write the Parquet copies of the row files and report.html (default true; a grid's part folders skip them, the merged folder has its own). */
  readonly exports?: boolean;
  /**
   * Play only episodes [from, to) of each treatment (a grid's chunk of a cell), with the seeds
   * and match ids they have in the whole run; the summary then counts those episodes.
   */
  readonly range?: { readonly from: number; readonly to: number };
}

/** One finished episode as the instruments read it. */
export interface EpisodeResult {
  readonly treatment: string;
  readonly episode: number;
  readonly seed: number;
  /** Each seat's payoff. */
  readonly payoffs: Readonly<Record<string, number>>;
  /** A study with principals: each principal's payoff, the sum of its seats' (empty otherwise). */
  readonly principals: Readonly<Record<string, number>>;
  readonly metrics: Readonly<Record<string, number>>;
  readonly measures: Readonly<Record<string, number>>;
  /** The closed rounds' participant rows (when the run keeps them: rounds.csv or `keepRows`). */
  readonly rows: readonly ParticipantRound[] | null;
}

export interface TreatmentSummary {
  readonly name: string;
  readonly episodes: number;
  /** The harness's metrics (revenue, efficiency, ...). */
  readonly metrics: Readonly<Record<string, MetricSummary>>;
  /** The mechanism's declared measures, in a namespace of their own. */
  readonly measures: Readonly<Record<string, MetricSummary>>;
  /** The engine's reference values for the treatment's config (equilibrium prices, ...). */
  readonly benchmarks: Readonly<Record<string, Benchmark>>;
  /** A study with principals: each principal's seats and its payoff per episode (the sum of its seats'). */
  readonly principals?: readonly PrincipalSummary[];
}

/** One principal of a treatment: its seats and its episode payoff, the sum over them. */
export interface PrincipalSummary {
  readonly principal: string;
  readonly seats: readonly SeatId[];
  readonly payoff: MetricSummary;
}

export interface Summary {
  readonly study: string;
  readonly mechanism: string;
  readonly episodes: number;
  /** The treatments, or a factorial study's cells. */
  readonly treatments: readonly TreatmentSummary[];
  /** A factorial study's factors and each level's main effect (studies/effects.ts). */
  readonly factors?: readonly FactorLevels[];
  readonly effects?: readonly FactorEffects[];
}

export interface RunReport {
  readonly summary: Summary;
  readonly out: string | null;
  readonly seconds: number;
  readonly decisions: number;
  /** Tokens, cost and counters of the LLM seats, when there are any. */
  readonly llm?: ReturnType<LlmRuntime['usage']>;
}

export const episodeSeed = (studySeed: number, episode: number): number => deriveSeed(studySeed, episode);

/** A factorial cell's levels as columns of episodes.csv (\`factor.<name>\`); none for a plain treatment. */
const factorColumns = (treatment: Treatment): Record<string, string> => {
  const out: Record<string, string> = {};
  if (treatment.levels) for (const [factor, level] of Object.entries(treatment.levels)) out[`factor.${factor}`] = level;
  return out;
};

/** The summary of a run from its treatments' (or cells') summaries; a factorial study's main effects from its per-episode values. */
export function summaryOf(resolved: ResolvedStudy, episodes: number, treatments: readonly TreatmentSummary[], values: CellValues | null): Summary {
  const { study, mechanism, factors } = resolved;
  const base: Summary = { study: study.name, mechanism: mechanismKey(mechanism), episodes, treatments };
  if (!factors.length || !values) return base;
  return { ...base, factors, effects: mainEffects(factors, values) };
}

/** What the manifest says of a run beside the study: episodes, seed, LLM usage, code, start time. */
export interface RunFacts {
  readonly episodes: number;
  readonly seed: number;
  readonly llm?: ReturnType<LlmRuntime['usage']> | undefined;
  readonly code: RunOptions['code'] | null;
  readonly startedAt: string;
  /** Parquet copies and report.html (default true). */
  readonly exports?: boolean;
}

/**
 * Writes summary.json (effects.json for a factorial study) and manifest.json, with the hashes
 * of the data files already written, and moves the folder into place.
 */
export function writeResults(dir: StagedDir, resolved: ResolvedStudy, summary: Summary, data: Readonly<Record<string, string>>, facts: RunFacts): void {
  const { study, mechanism } = resolved;
  const principals = studyHasPrincipals(study);
  const files: Record<string, string> = { ...data };
  // The tidy tables and their dictionary, from the record (only a folder with events.jsonl has one).
  if (data['events.jsonl']) Object.assign(files, writeStudyTables(dir.staging, dir.file('events.jsonl')));
  // Parquet copies of the row files are hashed with them; report.html comes after the manifest, unhashed (it shows the manifest; `arena report DIR` rebuilds it).
  if (facts.exports !== false) Object.assign(files, writeParquetFiles(dir.staging, { study: study.name, studyHash: hashOf(study), mechanism: mechanismKey(mechanism), code: facts.code ?? null }, data));
  const json = (name: string, value: unknown) => {
    const file = new StreamFile(dir.file(name));
    file.write(`${JSON.stringify(value, null, 2)}\n`);
    files[name] = file.close();
  };
  json('summary.json', facts.llm ? { ...summary, llm: facts.llm } : summary);
  if (summary.effects) json('effects.json', { method: EFFECTS_METHOD, factors: summary.factors, effects: summary.effects });
  const manifest = {
    study,
    studyHash: hashOf(study),
    mechanism: mechanismKey(mechanism),
    episodes: facts.episodes,
    seed: facts.seed,
    seeds: 'episode e of every treatment uses deriveSeed(seed, e) from mechanisms/core/random.ts',
    ...(resolved.factors.length ? { factors: resolved.factors } : {}),
    treatments: resolved.treatments.map((t, i) => ({
      name: t.name,
      ...(t.levels ? { levels: t.levels } : {}),
      episodes: summary.treatments[i]?.episodes,
      config: t.config,
      configHash: hashOf(t.config),
      seats: t.seats.map((s) => ({ seat: s.seat, role: s.role, policy: s.policy, params: s.params, ...(principals ? { principal: principalOf(s) } : {}), ...(s.shareDraws ? { shareDraws: true } : {}) })),
    })),
    clock: study.clock,
    ...(facts.llm ? { llm: facts.llm } : {}),
    code: facts.code,
    node: process.version,
    startedAt: facts.startedAt,
    finishedAt: new Date().toISOString(),
    files,
  };
  const manifestFile = new StreamFile(dir.file('manifest.json'));
  manifestFile.write(`${JSON.stringify(manifest, null, 2)}\n`);
  manifestFile.close();
  if (facts.exports !== false) reportAtFinish(dir.staging, dir.target);
  dir.commit();
}

interface Sinks {
  readonly episodes: CsvFile;
  readonly rounds: CsvFile | null;
  /** Studies with principals: one row per episode and principal (principals.csv). */
  readonly principals: CsvFile | null;
  /** Studies with a learning block: the limit cycle of every episode, and the impulse responses. */
  readonly learning: CsvFile | null;
  readonly impulse: CsvFile | null;
  readonly events: StreamFile | null;
  /** One line per LLM call record: llm-transcript.jsonl. */
  readonly transcript: StreamFile | null;
}

/** True when some seat of the study decides asynchronously (an LLM seat): run it with runStudyAsync. */
export const isAsyncStudy = (resolved: ResolvedStudy): boolean => resolved.treatments.some((t) => t.seats.some((s) => s.factory.asynchronous === true));

/** Seat index -> index of the principal's first seat, for the seats that share its draws. */
function sharedDraws(treatment: Treatment): (readonly [number, number])[] {
  const first = new Map<string, number>();
  const pairs: [number, number][] = [];
  treatment.seats.forEach((s, i) => {
    if (s.principal === undefined) return;
    const from = first.get(s.principal) ?? i;
    first.set(s.principal, from);
    if (s.shareDraws && from !== i) pairs.push([i, from]);
  });
  return pairs;
}

/** LLM columns of a round row: the seat's LLM decisions in the round and how many the fallback made. */
type LlmByRound = (round: number, seat: string) => LlmDecisions;

function roundRows(sinks: Sinks, treatment: Treatment, episode: number, rows: readonly ParticipantRound[], llm: LlmByRound | null, principals: boolean): void {
  if (!sinks.rounds) return;
  const policyOf = new Map(treatment.seats.map((s) => [s.seat, s.policy]));
  const principalOfSeat = principals ? new Map(treatment.seats.map((s) => [s.seat, principalOf(s)])) : null;
  for (const row of rows) {
    const line: Record<string, unknown> = {
      treatment: treatment.name,
      episode,
      round: row.round,
      'participant.seat': row.seat,
      'participant.role': row.role,
      'participant.policy': policyOf.get(row.seat),
    };
    if (principalOfSeat) line['participant.principal'] = principalOfSeat.get(row.seat);
    if (llm) {
      const counts = llm(row.round, row.seat);
      line['participant.llm_decisions'] = counts.decisions;
      line['participant.llm_fallbacks'] = counts.fallbacks;
    }
    for (const k in row.fields) line[`player.${k}`] = row.fields[k];
    line['player.payoff'] = row.payoff;
    line['player.outside'] = row.outside;
    sinks.rounds.row(line);
  }
}

/** What an episode folds from its closed rounds: IR violations always, the rows when rounds.csv wants them. */
class EpisodeRounds {
  readonly ir = new IrCount();
  readonly rows: ParticipantRound[] | null;
  constructor(keepRows: boolean) {
    this.rows = keepRows ? [] : null;
  }
  readonly add = (round: RoundRecordData): void => {
    this.ir.add(round.rows);
    this.rows?.push(...round.rows);
  };
}

/** One episode as played: its match, its harness result, and (async runs) its buffered events. */
interface Played {
  readonly treatment: Treatment;
  readonly episode: number;
  readonly seed: number;
  readonly match: Match;
  readonly result: HeadlessResult;
  readonly rounds: EpisodeRounds;
  /** The episode's record (async runs, which always keep it): the LLM columns are read from it. */
  readonly events?: readonly LedgerEvent[];
}

/**
 * The parts of a run both drivers share: sinks, episode setup and bookkeeping, the
 * results folder. The sync driver writes each event as it happens; the async driver
 * buffers an episode's events and commits episodes in order.
 */
class StudyRun {
  readonly resolved: ResolvedStudy;
  readonly options: RunOptions;
  readonly episodes: number;
  readonly seed: number;
  readonly started = performance.now();
  readonly startedAt = new Date().toISOString();
  readonly dir: StagedDir | null;
  readonly sinks: Sinks | null;
  readonly total: number;
  readonly every: number;
  readonly llm: LlmRuntime | null;
  readonly #ownsLlm: boolean;
  readonly #unwatch: (() => void) | null;
  done = 0;
  decisions = 0;
  /** Treatment name -> the policies that live through all its episodes (lifetime 'run'). */
  readonly #kept = new Map<string, (AnyPolicy | null)[]>();
  /** Treatment name -> its match header but for the seed (the same for every episode). */
  readonly #headers = new Map<string, MatchHeader>();
  /** Treatment name -> the seats that draw their principal's draws (seat index, first seat's index). */
  readonly #shared = new Map<string, readonly (readonly [number, number])[]>();
  /** LLM decisions finished in this run, and how many the fallback made (the progress display's). */
  llmDecisions = { decisions: 0, fallbacks: 0 };
  readonly metrics = new Map<string, MetricSet>();
  readonly measures = new Map<string, MetricSet>();
  /** A factorial study's per-episode values, for the effects. */
  readonly values: CellValues | null;
  /** Whether the study names principals (then the record, rounds.csv, principals.csv and the summary name every seat's). */
  readonly hasPrincipals: boolean;
  /** Treatment name -> each principal's seats and the running summary of its payoff. */
  readonly principalPayoffs = new Map<string, { principal: string; seats: readonly SeatId[]; payoff: RunningStat }[]>();

  constructor(resolved: ResolvedStudy, options: RunOptions, asynchronous: boolean) {
    const { study } = resolved;
    this.resolved = resolved;
    this.options = options;
    this.episodes = options.episodes ?? study.episodes;
    this.seed = options.seed ?? study.seed;
    const wantRounds = options.rounds ?? study.output.rounds;
    const wantEvents = options.events ?? study.output.events;
    this.hasPrincipals = studyHasPrincipals(study);
    this.#ownsLlm = asynchronous && !options.llm;
    this.llm = asynchronous ? (options.llm ?? new LlmRuntime(study.llm ?? {})) : null;
    this.#unwatch =
      this.llm?.onDecision((timing) => {
        this.llmDecisions = { decisions: this.llmDecisions.decisions + 1, fallbacks: this.llmDecisions.fallbacks + (timing.fallback === null ? 0 : 1) };
        options.onProgress?.(this.done, this.total, this.llmDecisions);
      }) ?? null;
    this.dir = options.out ? new StagedDir(options.out, { replace: options.replace ?? false }) : null;
    this.sinks = this.dir
      ? {
          episodes: new CsvFile(this.dir.file('episodes.csv')),
          rounds: wantRounds ? new CsvFile(this.dir.file('rounds.csv')) : null,
          principals: this.hasPrincipals ? new CsvFile(this.dir.file('principals.csv')) : null,
          learning: study.learning ? new CsvFile(this.dir.file('learning.csv')) : null,
          impulse: study.learning && study.learning.impulse > 0 ? new CsvFile(this.dir.file('impulse.csv')) : null,
          events: wantEvents ? new StreamFile(this.dir.file('events.jsonl')) : null,
          transcript: asynchronous ? new StreamFile(this.dir.file('llm-transcript.jsonl')) : null,
        }
      : null;
    this.total = resolved.treatments.reduce((n, t) => {
      const { from, to } = this.playedOf(t);
      return n + to - from;
    }, 0);
    this.every = Math.max(1, Math.floor(this.total / 200));
    this.values = resolved.factors.length ? new CellValues() : null;
    for (const t of resolved.treatments) {
      this.metrics.set(t.name, new MetricSet());
      this.measures.set(t.name, new MetricSet());
      this.values?.cell(t.name, t.levels ?? {});
      if (this.hasPrincipals) this.principalPayoffs.set(t.name, principalsOf(t.seats).map((p) => ({ ...p, payoff: new RunningStat() })));
    }
  }

  /** Whether episodes keep their participant rows (for rounds.csv, or for onEpisode). */
  get keepRows(): boolean {
    return (this.sinks !== null && this.sinks.rounds !== null) || this.options.keepRows === true;
  }

  /** Episodes of a treatment: the run's override, else its own count, else the study's. */
  episodesOf(treatment: Treatment): number {
    return this.options.episodes ?? treatment.episodes ?? this.resolved.study.episodes;
  }

  /** The episodes of a treatment this run plays: all of them, or its range's. */
  playedOf(treatment: Treatment): { readonly from: number; readonly to: number } {
    const all = this.episodesOf(treatment);
    const range = this.options.range;
    return range ? { from: Math.min(range.from, all), to: Math.min(range.to, all) } : { from: 0, to: all };
  }

  /**
   * The record's header: the match and who plays each seat (policy, version, params, and in a
   * study with principals the principal of every seat). A seat that shares its principal's
   * draws gets the stream of the principal's first seat as its override.
   */
  header(treatment: Treatment, seed: number): MatchHeader {
    let base = this.#headers.get(treatment.name);
    if (!base) {
      const population = treatment.seats.map((s) => ({ seat: s.seat, kind: 'policy' as const, policy: s.policy, version: s.factory.version ?? 1, params: s.params as Readonly<Record<string, unknown>>, ...(this.hasPrincipals ? { principal: principalOf(s) } : {}) }));
      base = { mechanism: mechanismKey(this.resolved.mechanism), config: treatment.config, seats: treatment.seats.map((s) => s.seat), seed: 0, population };
      this.#headers.set(treatment.name, base);
      this.#shared.set(treatment.name, sharedDraws(treatment));
    }
    const shared = this.#shared.get(treatment.name) ?? [];
    if (!shared.length) return { ...base, seed };
    const seatOverrides: Record<number, number> = {};
    for (const [i, from] of shared) seatOverrides[i] = deriveSeed(seed, from + 1);
    return { ...base, seed, seatOverrides };
  }

  /** Which seats' actions may take the lean path (policies that build them from legal()). */
  trusted(treatment: Treatment): boolean[] {
    return treatment.seats.map((s) => s.factory.trusted === true);
  }

  /**
   * Policies of one episode: those that live for the whole run are made at the treatment's
   * first episode and kept (a learner keeps what it learned); those of lifetime 'episode'
   * (LLM seats) are made afresh, with the study's runtime, the episode as their session and the recorder.
   */
  policies(treatment: Treatment, matchId: string, record: Recorder | undefined, index: number, seed: number): AnyPolicy[] {
    let kept = this.#kept.get(treatment.name);
    if (!kept) {
      kept = treatment.seats.map((s) => (s.factory.lifetime === 'episode' ? null : s.factory.create(s.params, this.context(treatment, s, matchId, undefined))));
      this.#kept.set(treatment.name, kept);
    }
    const policies = treatment.seats.map((s, i) => kept[i] ?? s.factory.create(s.params, this.context(treatment, s, matchId, record)));
    for (const p of policies) p.startEpisode?.({ index, seed });
    return policies;
  }

  /** What a policy may know of its seat; scripted play needs none of it (the hot path stays free of it). */
  context(treatment: Treatment, s: Treatment['seats'][number], matchId: string, record: Recorder | undefined): SeatContext | undefined {
    const { mechanism } = this.resolved;
    // A seat may know which seats share its principal, nothing else of them.
    const principal = s.principal === undefined ? {} : { principalSeats: treatment.seats.filter((o) => o.principal === s.principal).map((o) => o.seat) };
    if (!this.llm && s.factory.lifetime !== 'episode') return { mechanism, config: treatment.config, seat: s.seat, seats: treatment.seats.length, ...principal };
    {
      const context: SeatContext = {
        mechanism,
        config: treatment.config,
        seat: s.seat,
        seats: treatment.seats.length,
        ...principal,
        ...(record ? { record: (e) => record({ kind: e.kind, at: e.at, seat: s.seat, audience: 'experimenter', data: e.data }) } : {}),
        ...(this.llm ? { services: { llm: this.llm, session: matchId } } : {}),
      };
      return context;
    }
  }

  /** Releases every kept policy (the run is over). */
  disposePolicies(): void {
    for (const kept of this.#kept.values()) for (const p of kept) p?.dispose?.();
    this.#kept.clear();
  }

  /** Writes one event to the files that want it (not the ledger store, which the caller handles). */
  write(event: LedgerEvent): void {
    this.sinks?.events?.write(`${JSON.stringify(event)}\n`);
    if (event.kind === 'llm_call' && this.sinks?.transcript) this.sinks.transcript.write(`${JSON.stringify({ match: event.match, seq: event.seq, at: event.at, ...event.data })}\n`);
  }

  /**
   * A learning episode's limit cycle (and impulse response): its metrics (periods to
   * convergence, cycle length, profit gain on the cycle), and its rows in learning.csv and impulse.csv.
   */
  learned(played: Played, policies: readonly AnyPolicy[], rngs: HarnessRngs): Record<string, number> {
    const settings = this.resolved.study.learning;
    if (!settings) return {};
    const { treatment, episode, match } = played;
    const stepMs = this.resolved.study.clock.stepMs;
    const seats = match.header.seats;
    const converged = policies.every((p) => !p.converged || p.converged());
    const cycle = limitCycle(match, policies, rngs, stepMs, settings.cyclePeriods);
    const n = cycle.periods.length;
    const meanReward = seats.map((_, i) => (n ? cycle.periods.reduce((sum, p) => sum + (p.rewards[i] as number), 0) / n : Number.NaN));
    const benchmarks = this.resolved.mechanism.benchmarks(treatment.config, seats.length);
    const gain = profitGain(meanReward.reduce((a, b) => a + b, 0) / seats.length, benchmarks);
    const progress = match.progress();
    const metrics: Record<string, number> = {
      converged: converged ? 1 : 0,
      periods: progress.round,
      cycle_length: n || Number.NaN,
      cycle_profit_gain: gain ?? Number.NaN,
    };
    if (this.sinks?.learning) {
      const row: Record<string, unknown> = { treatment: treatment.name, episode, seed: played.seed, converged, periods: progress.round, cycle_length: n, cycle_profit_gain: gain };
      seats.forEach((seat, i) => {
        const params: Record<string, number> = {};
        for (const p of cycle.periods) for (const [k, v] of Object.entries(numericParams(p.actions[i] ?? { type: 'none' }))) params[k] = (params[k] ?? 0) + v / n;
        for (const [k, v] of Object.entries(params)) row[`cycle.${seat}.${k}`] = v;
        row[`cycle.${seat}.reward`] = meanReward[i];
      });
      // The cycle itself, period by period: each seat's numeric action parameters, joined by '/'.
      row.cycle = cycle.periods.map((p) => p.actions.map((a) => Object.values(numericParams(a)).join(':')).join(' ')).join(' / ');
      this.sinks.learning.row(row);
    }
    if (settings.impulse > 0 && n > 0 && this.sinks?.impulse) {
      const context = { mechanism: this.resolved.mechanism, config: treatment.config, seat: seats[settings.deviator] as SeatId, seats: seats.length };
      const response = impulseResponse(match, policies, rngs, stepMs, cycle, settings.deviator, settings.impulse, context);
      response.forEach((period, tau) => {
        const row: Record<string, unknown> = { treatment: treatment.name, episode, tau };
        seats.forEach((seat, i) => {
          for (const [k, v] of Object.entries(numericParams(period.actions[i] ?? { type: 'none' }))) row[`${seat}.${k}`] = v;
          row[`${seat}.reward`] = period.rewards[i];
        });
        this.sinks?.impulse?.row(row);
      });
    }
    return metrics;
  }

  finishEpisode(played: Played, policies: readonly AnyPolicy[], rngs?: HarnessRngs): void {
    const { treatment, episode, seed, match, result, events, rounds } = played;
    this.decisions += result.decisions;
    const outcome = match.outcome();
    const learned = rngs ? this.learned(played, policies, rngs) : {};
    for (const [i, p] of policies.entries()) p.endEpisode?.({ payoff: outcome.payoffs[treatment.seats[i]?.seat as keyof typeof outcome.payoffs] ?? 0 });
    const episodeValues = episodeMetrics(outcome, result.rejections, rounds.ir);
    const metrics = { ...episodeValues.metrics, ...learned };
    const measures = episodeValues.measures;
    this.metrics.get(treatment.name)?.push(metrics);
    this.measures.get(treatment.name)?.push(measures);
    this.values?.push(treatment.name, episode, { metrics, measures });
    const principals: Record<string, number> = {};
    for (const p of this.principalPayoffs.get(treatment.name) ?? []) {
      let payoff = 0;
      for (const seat of p.seats) payoff += outcome.payoffs[seat] ?? 0;
      principals[p.principal] = payoff;
    }
    this.options.onEpisode?.({ treatment: treatment.name, episode, seed, payoffs: outcome.payoffs, principals, metrics, measures, rows: rounds.rows });
    if (this.sinks) {
      // Studies with LLM seats say how many decisions the fallbacks made, per episode and per participant-round.
      const llm = this.llm && events ? llmDecisionsOf(events) : null;
      const measureColumns: Record<string, number> = {};
      for (const name in measures) measureColumns[`measure.${name}`] = measures[name] as number;
      this.sinks.episodes.row({ treatment: treatment.name, ...factorColumns(treatment), episode, seed, decisions: result.decisions, ...(llm ? { llm_decisions: llm.decisions, llm_fallbacks: llm.fallbacks } : {}), ...metrics, ...measureColumns });
      roundRows(this.sinks, treatment, episode, rounds.rows ?? [], this.llm && events ? llmDecisionsByRound(events) : null, this.hasPrincipals);
    }
    for (const p of this.principalPayoffs.get(treatment.name) ?? []) {
      const payoff = principals[p.principal] as number;
      p.payoff.push(payoff);
      this.sinks?.principals?.row({ treatment: treatment.name, ...factorColumns(treatment), episode, seed, principal: p.principal, seats: p.seats.join(' '), payoff });
    }
    if (++this.done % this.every === 0 || this.done === this.total) this.options.onProgress?.(this.done, this.total, this.llm ? this.llmDecisions : undefined);
  }

  finish(): RunReport {
    const { mechanism } = this.resolved;
    const results: TreatmentSummary[] = this.resolved.treatments.map((t) => ({
      name: t.name,
      episodes: this.playedOf(t).to - this.playedOf(t).from,
      metrics: (this.metrics.get(t.name) as MetricSet).summary(),
      measures: (this.measures.get(t.name) as MetricSet).summary(),
      benchmarks: mechanism.benchmarks(t.config, t.seats.length),
      ...(this.hasPrincipals ? { principals: (this.principalPayoffs.get(t.name) ?? []).map((p) => ({ principal: p.principal, seats: p.seats, payoff: p.payoff.summary() })) } : {}),
    }));
    const summary = summaryOf(this.resolved, this.episodes, results, this.values);
    const llm = this.llm?.usage();
    const { dir, sinks } = this;
    if (dir && sinks) {
      const files: Record<string, string> = { 'episodes.csv': sinks.episodes.close() };
      if (sinks.rounds) files['rounds.csv'] = sinks.rounds.close();
      if (sinks.principals) files['principals.csv'] = sinks.principals.close();
      if (sinks.learning) files['learning.csv'] = sinks.learning.close();
      if (sinks.impulse) files['impulse.csv'] = sinks.impulse.close();
      if (sinks.events) files['events.jsonl'] = sinks.events.close();
      if (sinks.transcript) files['llm-transcript.jsonl'] = sinks.transcript.close();
      writeResults(dir, this.resolved, summary, files, { episodes: this.episodes, seed: this.seed, llm, code: this.options.code ?? null, startedAt: this.startedAt, exports: this.options.exports ?? this.resolved.study.output.exports });
    }
    this.close();
    return { summary, out: dir?.target ?? null, seconds: (performance.now() - this.started) / 1000, decisions: this.decisions, ...(llm ? { llm } : {}) };
  }

  abandon(): void {
    if (this.sinks) for (const sink of [this.sinks.episodes, this.sinks.rounds, this.sinks.principals, this.sinks.learning, this.sinks.impulse, this.sinks.events, this.sinks.transcript]) sink?.abandon();
    this.dir?.discard();
    this.close();
  }

  close(): void {
    this.disposePolicies();
    this.#unwatch?.();
    if (this.#ownsLlm) this.llm?.close();
  }
}

/** Plays a study whose policies all decide at once (scripted seats): no awaits anywhere. */
export function runStudy(resolved: ResolvedStudy, options: RunOptions = {}): RunReport {
  if (isAsyncStudy(resolved)) throw new Error(`${resolved.study.name} has seats that decide asynchronously (LLM seats): run it with runStudyAsync`);
  const run = new StudyRun(resolved, options, false);
  const { study, mechanism } = resolved;
  try {
    for (const treatment of resolved.treatments) {
      const trusted = run.trusted(treatment);
      const { from, to } = run.playedOf(treatment);
      for (let e = from; e < to; e++) {
        const seed = episodeSeed(run.seed, e);
        const header = run.header(treatment, seed);
        let record: Recorder | undefined;
        const ledger = options.ledger;
        const matchId = `${study.name}/${treatment.name}/${e}`;
        if (run.sinks?.events || ledger) {
          const chain = new Chain(matchId);
          record = (entry) => {
            const event = chain.append(entry);
            run.write(event);
            ledger?.append(event);
          };
        }
        const rounds = new EpisodeRounds(run.keepRows);
        const policies = run.policies(treatment, matchId, record, e, seed);
        const rngs = new HarnessRngs(seed);
        // Learning studies end an episode once every learner has converged.
        const learners = study.learning?.untilConverged ? policies.filter((p) => p.converged) : [];
        const until = learners.length ? () => learners.every((p) => p.converged?.() === true) : undefined;
        const play = () => {
          const match = new Match(mechanism, header, record);
          return { match, result: playHeadless(match, policies, rngs, { stepMs: study.clock.stepMs, trusted, onRound: rounds.add, ...(until ? { until } : {}) }) };
        };
        const { match, result } = ledger ? ledger.transaction(play) : play();
        run.finishEpisode({ treatment, episode: e, seed, match, result, rounds }, policies, rngs);
      }
    }
    return run.finish();
  } catch (error) {
    run.abandon();
    throw error;
  }
}

/**
 * Plays a study with LLM seats: episodes run `llm.episodeConcurrency` at a time, each
 * buffering its events (LLM call records included) until it ends; finished episodes are
 * committed in episode order, so files and ledger read the same whatever the concurrency.
 */
export async function runStudyAsync(resolved: ResolvedStudy, options: RunOptions = {}): Promise<RunReport> {
  const run = new StudyRun(resolved, options, true);
  const { study, mechanism } = resolved;
  const width = study.llm?.episodeConcurrency ?? 1;
  const jobs = resolved.treatments.flatMap((treatment) => {
    const { from, to } = run.playedOf(treatment);
    return Array.from({ length: to - from }, (_, i) => ({ treatment, e: from + i }));
  });
  const finished = new Map<number, { played: Played; events: LedgerEvent[]; policies: AnyPolicy[] }>();
  let next = 0;
  let committed = 0;
  let failure: unknown = null;

  const commitReady = () => {
    for (let ready = finished.get(committed); ready; ready = finished.get(committed)) {
      finished.delete(committed);
      const write = () => {
        for (const event of ready.events) {
          run.write(event);
          options.ledger?.append(event);
        }
      };
      if (options.ledger) options.ledger.transaction(write);
      else write();
      run.finishEpisode(ready.played, ready.policies);
      committed++;
    }
  };

  const worker = async () => {
    while (failure === null && next < jobs.length) {
      const index = next++;
      const { treatment, e } = jobs[index] as (typeof jobs)[number];
      const seed = episodeSeed(run.seed, e);
      const matchId = `${study.name}/${treatment.name}/${e}`;
      const chain = new Chain(matchId);
      const events: LedgerEvent[] = [];
      const record: Recorder = (entry) => events.push(chain.append(entry));
      try {
        const match = new Match(mechanism, run.header(treatment, seed), record);
        const policies = run.policies(treatment, matchId, record, e, seed);
        const rounds = new EpisodeRounds(run.keepRows);
        const result = await playHeadlessAsync(match, policies, new HarnessRngs(seed), { stepMs: study.clock.stepMs, trusted: run.trusted(treatment), onRound: rounds.add });
        treatment.seats.forEach((s, i) => {
          if (s.factory.lifetime === 'episode') policies[i]?.dispose?.();
        });
        run.llm?.endSession(matchId);
        finished.set(index, { played: { treatment, episode: e, seed, match, result, events, rounds }, events, policies });
        commitReady();
      } catch (error) {
        failure ??= error;
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: Math.min(width, jobs.length) }, worker));
    if (failure !== null) throw failure;
    return run.finish();
  } catch (error) {
    run.abandon();
    throw error;
  }
}
