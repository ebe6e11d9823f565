/**
 * The headless runner: plays every episode of every treatment in-process, through
 * the same match runner and policy code as live arenas, and streams the results
 * into a results folder (manifest.json, episodes.csv, rounds.csv, summary.json,
 * and events.jsonl when asked).
 *
 * Episode e of every treatment uses the same seed, deriveSeed(study seed, e), so
 * treatments are compared on the same draws (common random numbers).
 */
import { Match, type MatchHeader, type Recorder } from '../mechanisms/core/match.ts';
import { deriveSeed } from '../mechanisms/core/random.ts';
import { mechanismKey, type Outcome } from '../mechanisms/core/types.ts';
import { Chain, type LedgerEvent } from '../mechanisms/core/ledger.ts';
import { hashOf } from '../mechanisms/core/hash.ts';
import { HarnessRngs, playHeadless } from '../bots/harness.ts';
import type { ResolvedStudy, Treatment } from './spec.ts';
import { episodeMetrics, MetricSet, type MetricSummary } from './metrics.ts';
import { CsvFile, StagedDir, StreamFile } from './output.ts';

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
  readonly onProgress?: (done: number, total: number) => void;
  /** A ledger store that receives every episode's events (one transaction per episode). */
  readonly ledger?: { append(event: LedgerEvent): void; transaction<T>(fn: () => T): T };
  /** Recorded in the manifest. */
  readonly code?: { readonly version: string; readonly commit: string | null };
}

export interface Summary {
  readonly study: string;
  readonly mechanism: string;
  readonly episodes: number;
  readonly treatments: readonly { readonly name: string; readonly metrics: Readonly<Record<string, MetricSummary>> }[];
}

export interface RunReport {
  readonly summary: Summary;
  readonly out: string | null;
  readonly seconds: number;
  readonly decisions: number;
}

export const episodeSeed = (studySeed: number, episode: number): number => deriveSeed(studySeed, episode);

interface Sinks {
  readonly episodes: CsvFile;
  readonly rounds: CsvFile | null;
  readonly events: StreamFile | null;
}

function roundRows(sinks: Sinks, treatment: Treatment, episode: number, outcome: Outcome): void {
  if (!sinks.rounds) return;
  const policyOf = new Map(treatment.seats.map((s) => [s.seat, s.policy]));
  for (const row of outcome.rows) {
    const line: Record<string, unknown> = {
      treatment: treatment.name,
      episode,
      round: row.round,
      'participant.seat': row.seat,
      'participant.role': row.role,
      'participant.policy': policyOf.get(row.seat),
    };
    for (const k in row.fields) line[`player.${k}`] = row.fields[k];
    line['player.payoff'] = row.payoff;
    line['player.outside'] = row.outside;
    sinks.rounds.row(line);
  }
}

export function runStudy(resolved: ResolvedStudy, options: RunOptions = {}): RunReport {
  const { study, mechanism } = resolved;
  const episodes = options.episodes ?? study.episodes;
  const seed = options.seed ?? study.seed;
  const wantRounds = options.rounds ?? study.output.rounds;
  const wantEvents = options.events ?? study.output.events;
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const dir = options.out ? new StagedDir(options.out, { replace: options.replace ?? false }) : null;
  const sinks: Sinks | null = dir
    ? {
        episodes: new CsvFile(dir.file('episodes.csv')),
        rounds: wantRounds ? new CsvFile(dir.file('rounds.csv')) : null,
        events: wantEvents ? new StreamFile(dir.file('events.jsonl')) : null,
      }
    : null;
  const total = episodes * resolved.treatments.length;
  const every = Math.max(1, Math.floor(total / 200));
  let done = 0;
  let decisions = 0;
  const results: Summary['treatments'][number][] = [];
  try {
    for (const treatment of resolved.treatments) {
      const metrics = new MetricSet();
      const seats = treatment.seats.map((s) => s.seat);
      for (let e = 0; e < episodes; e++) {
        const episodeSeedValue = episodeSeed(seed, e);
        const header: MatchHeader = { mechanism: mechanismKey(mechanism), config: treatment.config, seats, seed: episodeSeedValue };
        let record: Recorder | undefined;
        const file = sinks?.events;
        const ledger = options.ledger;
        if (file || ledger) {
          const chain = new Chain(`${study.name}/${treatment.name}/${e}`);
          record = (entry) => {
            const event = chain.append(entry);
            file?.write(`${JSON.stringify(event)}\n`);
            ledger?.append(event);
          };
        }
        const play = () => {
          const match = new Match(mechanism, header, record);
          const policies = treatment.seats.map((s) => s.factory.create(s.params));
          return { match, played: playHeadless(match, policies, new HarnessRngs(episodeSeedValue), { stepMs: study.clock.stepMs }) };
        };
        const { match, played } = ledger ? ledger.transaction(play) : play();
        decisions += played.decisions;
        const outcome = match.outcome();
        const values = episodeMetrics(outcome, played.rejections);
        metrics.push(values);
        if (sinks) {
          sinks.episodes.row({ treatment: treatment.name, episode: e, seed: episodeSeedValue, decisions: played.decisions, ...values });
          roundRows(sinks, treatment, e, outcome);
        }
        if (++done % every === 0 || done === total) options.onProgress?.(done, total);
      }
      results.push({ name: treatment.name, metrics: metrics.summary() });
    }
    const summary: Summary = { study: study.name, mechanism: mechanismKey(mechanism), episodes, treatments: results };
    if (dir && sinks) {
      const files: Record<string, string> = { 'episodes.csv': sinks.episodes.close() };
      if (sinks.rounds) files['rounds.csv'] = sinks.rounds.close();
      if (sinks.events) files['events.jsonl'] = sinks.events.close();
      const summaryFile = new StreamFile(dir.file('summary.json'));
      summaryFile.write(`${JSON.stringify(summary, null, 2)}\n`);
      files['summary.json'] = summaryFile.close();
      const manifest = {
        study,
        studyHash: hashOf(study),
        mechanism: mechanismKey(mechanism),
        episodes,
        seed,
        seeds: 'episode e of every treatment uses deriveSeed(seed, e) from mechanisms/core/random.ts',
        treatments: resolved.treatments.map((t) => ({
          name: t.name,
          config: t.config,
          configHash: hashOf(t.config),
          seats: t.seats.map((s) => ({ seat: s.seat, role: s.role, policy: s.policy, params: s.params })),
        })),
        clock: study.clock,
        code: options.code ?? null,
        node: process.version,
        startedAt,
        finishedAt: new Date().toISOString(),
        files,
      };
      const manifestFile = new StreamFile(dir.file('manifest.json'));
      manifestFile.write(`${JSON.stringify(manifest, null, 2)}\n`);
      manifestFile.close();
      dir.commit();
    }
    return { summary, out: dir?.target ?? null, seconds: (performance.now() - started) / 1000, decisions };
  } catch (error) {
    if (sinks) for (const sink of [sinks.episodes, sinks.rounds, sinks.events]) sink?.abandon();
    dir?.discard();
    throw error;
  }
}
