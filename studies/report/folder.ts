/**
 * What the report reads of a results folder: manifest.json and summary.json (small, read
 * whole), exploit.json when an exploitability search wrote one, and which row files are
 * there (read later, streaming). Shapes are checked as far as the report relies on them,
 * so a folder that is not a results folder is refused with a plain reason.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Benchmark } from '../../mechanisms/core/types.ts';
import type { MetricSummary } from '../metrics.ts';
import type { FactorEffects } from '../effects.ts';

/** A folder the report cannot be made from; the message says why in plain words. */
export class NotResultsFolder extends Error {}

export interface ManifestSeat {
  readonly seat: string;
  readonly role?: string;
  readonly policy: string;
  readonly params?: Readonly<Record<string, unknown>>;
}

export interface ManifestTreatment {
  readonly name: string;
  readonly config?: Readonly<Record<string, unknown>>;
  readonly configHash?: string;
  readonly seats?: readonly ManifestSeat[];
  /** A factorial study's cell: factor -> level. */
  readonly levels?: Readonly<Record<string, string>>;
}

/** A cell of a factorial study: its name (a treatment of the summary) and the level of each factor. */
export interface ManifestCell {
  readonly name: string;
  readonly factors: Readonly<Record<string, unknown>>;
}

export interface Manifest {
  readonly study: {
    readonly name: string;
    readonly description?: string;
    readonly seats?: unknown;
    readonly treatments?: readonly { readonly name: string; readonly config?: unknown; readonly seats?: unknown }[];
    /** A factorial study's factors as the study file wrote them: each level's config override, seats and params. */
    readonly factors?: readonly { readonly name: string; readonly levels: readonly { readonly name: string; readonly config?: unknown; readonly seats?: unknown; readonly params?: unknown }[] }[];
    readonly learning?: { readonly deviator?: number; readonly impulse?: number };
  };
  readonly studyHash?: string;
  readonly mechanism: string;
  readonly episodes?: number;
  readonly seed?: number;
  readonly seeds?: string;
  readonly treatments?: readonly ManifestTreatment[];
  /** A factorial study's factors, each with its levels (the reference first). */
  readonly factors?: readonly { readonly name: string; readonly levels: readonly string[] }[];
  /** Cells with their factor levels, in the shape of a hand-made or older folder (`treatments[].levels` is what the runner writes). */
  readonly cells?: readonly ManifestCell[];
  readonly clock?: { readonly stepMs?: number };
  readonly code?: { readonly version: string; readonly commit: string | null } | null;
  readonly node?: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly files?: Readonly<Record<string, string>>;
}

export interface SummaryTreatment {
  readonly name: string;
  readonly episodes: number;
  readonly metrics: Readonly<Record<string, MetricSummary>>;
  readonly measures: Readonly<Record<string, MetricSummary>>;
  readonly benchmarks: Readonly<Record<string, Benchmark>>;
  /** A study with principals: each principal's seats and summed payoff. */
  readonly principals?: readonly { readonly principal: string; readonly seats: readonly string[]; readonly payoff: MetricSummary }[];
}

export interface SummaryFile {
  readonly study: string;
  readonly mechanism: string;
  readonly episodes: number;
  readonly treatments: readonly SummaryTreatment[];
  /** A factorial study's main effects: each level against the factor's reference, paired over the shared seeds. */
  readonly effects?: readonly FactorEffects[];
  readonly llm?: { readonly study?: Readonly<Record<string, number>>; readonly counters?: Readonly<Record<string, number>> };
}

export interface ExploitCandidate {
  readonly name: string;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly estimate: number;
  readonly se: number;
  readonly episodes?: number;
  readonly round: number;
}

/** exploit.json, written by an exploitability search over a declared deviation class. */
export interface ExploitLog {
  readonly seat?: string;
  readonly class?: string;
  readonly baseline?: { readonly policy?: string; readonly params?: Readonly<Record<string, unknown>> };
  readonly candidates: readonly ExploitCandidate[];
  readonly best?: {
    readonly name: string;
    readonly params?: Readonly<Record<string, unknown>>;
    readonly gain: number;
    readonly ci95: readonly [number, number];
    readonly lowerBound?: number;
    readonly n?: number;
  };
}

export interface ResultsFolder {
  readonly dir: string;
  readonly manifest: Manifest;
  readonly summary: SummaryFile;
  readonly exploit: ExploitLog | null;
  /** Path of a row file when the folder has it. */
  file(name: string): string | null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function readJson(dir: string, name: string): unknown {
  const path = join(dir, name);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (error) {
    throw new NotResultsFolder(`${path} is not valid JSON (${(error as Error).message})`);
  }
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function checkExploit(raw: unknown, path: string): ExploitLog {
  const bad = (why: string) => new NotResultsFolder(`${path}: ${why}`);
  if (!isObject(raw) || !Array.isArray(raw.candidates)) throw bad('expected an object with a `candidates` array');
  raw.candidates.forEach((c: unknown, i: number) => {
    if (!isObject(c) || typeof c.name !== 'string' || !finite(c.estimate) || !finite(c.se) || !finite(c.round)) throw bad(`candidates[${i}] needs name, estimate, se and round`);
  });
  if (raw.best !== undefined) {
    const b = raw.best;
    if (!isObject(b) || typeof b.name !== 'string' || !finite(b.gain) || !Array.isArray(b.ci95) || !b.ci95.every(finite)) throw bad('best needs name, gain and ci95 [lo, hi]');
  }
  return raw as unknown as ExploitLog;
}

/** Opens a results folder; throws NotResultsFolder with the reason when `dir` is not one. */
export function openResultsFolder(dir: string): ResultsFolder {
  if (!existsSync(dir)) throw new NotResultsFolder(`${dir}: no such folder`);
  if (!statSync(dir).isDirectory()) throw new NotResultsFolder(`${dir} is a file, not a results folder (give the folder \`arena run\` wrote)`);
  for (const name of ['manifest.json', 'summary.json']) {
    if (!existsSync(join(dir, name))) throw new NotResultsFolder(`${dir} is not a results folder: it has no ${name} (\`arena run\` writes manifest.json, summary.json and the row files)`);
  }
  const manifest = readJson(dir, 'manifest.json');
  if (!isObject(manifest) || typeof manifest.mechanism !== 'string' || !isObject(manifest.study) || typeof manifest.study.name !== 'string') {
    throw new NotResultsFolder(`${join(dir, 'manifest.json')} is not a results manifest (it needs \`study.name\` and \`mechanism\`)`);
  }
  const summary = readJson(dir, 'summary.json');
  if (!isObject(summary) || !Array.isArray(summary.treatments) || !summary.treatments.every((t) => isObject(t) && typeof t.name === 'string' && isObject(t.metrics))) {
    throw new NotResultsFolder(`${join(dir, 'summary.json')} is not a study summary (it needs \`treatments\`, each with a name and metrics)`);
  }
  const exploitPath = join(dir, 'exploit.json');
  const exploit = existsSync(exploitPath) ? checkExploit(readJson(dir, 'exploit.json'), exploitPath) : null;
  const treatments = (summary.treatments as Record<string, unknown>[]).map((t) => ({ measures: {}, benchmarks: {}, episodes: 0, ...t }) as unknown as SummaryTreatment);
  return {
    dir,
    manifest: manifest as unknown as Manifest,
    summary: { ...(summary as unknown as SummaryFile), treatments },
    exploit,
    file(name) {
      const path = join(dir, name);
      return existsSync(path) ? path : null;
    },
  };
}
