/**
 * Verifies recorded matches: the hash chain is intact and replaying the inputs
 * reproduces the recorded final hash. Reads records match by match, so a large
 * events.jsonl is checked in constant memory.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { LedgerEvent } from '../mechanisms/core/ledger.ts';
import { verifyChain } from '../mechanisms/core/ledger.ts';
import { replay } from '../mechanisms/core/replay.ts';
import { findMechanism } from '../mechanisms/registry.ts';

export interface Verdict {
  readonly match: string;
  readonly ok: boolean;
  readonly events: number;
  readonly inputs: number;
  readonly hash: string | null;
  readonly problem: string | null;
}

export function verifyMatch(events: readonly LedgerEvent[]): Verdict {
  const match = events[0]?.match ?? '?';
  const chainProblem = verifyChain(events);
  if (chainProblem) return { match, ok: false, events: events.length, inputs: 0, hash: null, problem: `hash chain broken at ${chainProblem}` };
  try {
    const r = replay(findMechanism, events);
    const problem = r.problem ?? (r.recordedHash === null ? 'the record has no match_ended or session_ended event: the match did not finish' : null);
    return { match, ok: problem === null, events: events.length, inputs: r.inputs, hash: r.hash, problem };
  } catch (error) {
    return { match, ok: false, events: events.length, inputs: 0, hash: null, problem: (error as Error).message };
  }
}

/** Groups consecutive events by match and verifies each group. */
export async function verifyRecords(events: Iterable<LedgerEvent> | AsyncIterable<LedgerEvent>): Promise<Verdict[]> {
  const verdicts: Verdict[] = [];
  let current: LedgerEvent[] = [];
  for await (const e of events) {
    if (current.length && current[0]?.match !== e.match) {
      verdicts.push(verifyMatch(current));
      current = [];
    }
    current.push(e);
  }
  if (current.length) verdicts.push(verifyMatch(current));
  return verdicts;
}

/** Ledger events from a JSONL file, one per line, read lazily. */
export async function* readJsonl(file: string): AsyncGenerator<LedgerEvent> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (!line.trim()) continue;
    try {
      yield JSON.parse(line) as LedgerEvent;
    } catch {
      throw new Error(`${file}:${n}: not a JSON line`);
    }
  }
}
