/**
 * Headless records onto the replay page: the episodes of a results folder's events.jsonl
 * (`arena run --events`), each verified, copied into the server's ledger so that its replay
 * page (`/replay/<match id>`) opens them like a live session's record. A match already in
 * the ledger with the same events is left as it is; one with other events under the same id
 * (another run of a study of that name) is refused, not overwritten.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LedgerEvent } from '../mechanisms/core/ledger.ts';
import { verifyRecords, type Verdict } from '../studies/records.ts';
import { UsageError } from './usage-error.ts';

/** The record file of a path: a results folder's events.jsonl, or the file itself. */
export function recordFile(path: string): string {
  if (!existsSync(path)) throw new UsageError(`${path}: no such file or folder`);
  if (!statSync(path).isDirectory()) return path;
  const file = join(path, 'events.jsonl');
  if (!existsSync(file)) throw new UsageError(`${path}: this results folder has no events.jsonl; run the study with --events to keep its records`);
  return file;
}

export interface OpenedRecord {
  readonly match: string;
  readonly events: number;
  /** 'added' to the ledger, 'present' (the same events were there), or 'refused' (a verdict or a clash says why). */
  readonly outcome: 'added' | 'present' | 'refused';
  readonly problem: string | null;
}

interface LedgerLike {
  count(match: string): number;
  events(match: string): LedgerEvent[];
  append(event: LedgerEvent): void;
  transaction<T>(fn: () => T): T;
}

/** Verifies each match of `events` and copies the ones that verify into `ledger`. */
export async function openRecords(events: AsyncIterable<LedgerEvent> | Iterable<LedgerEvent>, ledger: LedgerLike): Promise<OpenedRecord[]> {
  const byMatch = new Map<string, LedgerEvent[]>();
  for await (const e of events) {
    const list = byMatch.get(e.match);
    if (list) list.push(e);
    else byMatch.set(e.match, [e]);
  }
  const verdicts = new Map<string, Verdict>((await verifyRecords([...byMatch.values()].flat())).map((v) => [v.match, v]));
  const opened: OpenedRecord[] = [];
  for (const [match, list] of byMatch) {
    const verdict = verdicts.get(match);
    if (!verdict?.ok) {
      opened.push({ match, events: list.length, outcome: 'refused', problem: `it does not verify: ${verdict?.problem ?? 'unknown problem'}` });
      continue;
    }
    const held = ledger.count(match);
    if (held > 0) {
      const same = held === list.length && ledger.events(match).at(-1)?.hash === list.at(-1)?.hash;
      opened.push(same ? { match, events: list.length, outcome: 'present', problem: null } : { match, events: list.length, outcome: 'refused', problem: `the ledger already holds another record '${match}' (${held} events); run the study under another name, or use another --db` });
      continue;
    }
    ledger.transaction(() => list.forEach((e) => ledger.append(e)));
    opened.push({ match, events: list.length, outcome: 'added', problem: null });
  }
  return opened;
}
