/** Shared fixtures of the LLM tests: a first-price study with LLM seats against scripted ones, run headless. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveStudy, type StudyInput } from '../../studies/spec.ts';
import { runStudyAsync, type RunReport } from '../../studies/runner.ts';
import { LlmRuntime } from '../../bots/llm/index.ts';
import type { LedgerEvent } from '../../mechanisms/core/ledger.ts';
import { tempDir } from '../temp.ts';

export const tmp = (): string => tempDir('llm');

export function llmStudy(baseURL: string, seat: Record<string, unknown> = {}, extra: Partial<StudyInput> = {}): StudyInput {
  return {
    name: 'llm-test',
    mechanism: 'first-price',
    config: { rounds: 2, reveal: 'allBids' },
    seats: [
      { policy: 'llm', count: 2, params: { model: 'fake-model', baseURL, apiKeyEnv: 'FAKE_API_KEY', fallback: { policy: 'truthful' }, deadlineMs: 5000, ...seat } },
      { policy: 'equilibrium', count: 2 },
    ],
    episodes: 2,
    seed: 7,
    output: { events: true },
    ...extra,
  };
}

export interface Ran {
  readonly report: RunReport;
  readonly events: LedgerEvent[];
  readonly calls: (LedgerEvent & { data: Record<string, unknown> })[];
  readonly transcript: Record<string, unknown>[];
  readonly runtime: LlmRuntime;
  readonly out: string;
  readonly eventsText: string;
}

const lines = (file: string): Record<string, unknown>[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** Runs a study headless into a fresh folder and reads back its ledger and transcript. */
export async function run(input: StudyInput, runtime?: LlmRuntime): Promise<Ran> {
  const resolved = resolveStudy(input);
  const llm = runtime ?? new LlmRuntime(resolved.study.llm ?? {}, { FAKE_API_KEY: 'sk-test-secret' });
  const out = join(tmp(), 'out');
  const report = await runStudyAsync(resolved, { out, llm });
  const eventsText = readFileSync(join(out, 'events.jsonl'), 'utf8');
  const events = lines(join(out, 'events.jsonl')) as unknown as LedgerEvent[];
  return { report, events, calls: events.filter((e) => e.kind === 'llm_call') as Ran['calls'], transcript: lines(join(out, 'llm-transcript.jsonl')), runtime: llm, out, eventsText };
}
