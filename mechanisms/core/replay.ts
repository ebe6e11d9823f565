/**
 * Replay is a fold: start the match from its header, feed it every recorded input
 * (actions, rejections, ticks) in order, and compare the final state hash with the
 * recorded one. Rejections recorded with their action must be rejected again with the
 * same code; those recorded by fingerprint only (large actions) changed nothing and are
 * skipped.
 */
import type { AnyMechanism, SeatId } from './types.ts';
import { Match, type MatchEntry, type MatchHeader } from './match.ts';

export interface ReplayResult {
  readonly ok: boolean;
  readonly hash: string;
  readonly recordedHash: string | null;
  readonly inputs: number;
  readonly problem: string | null;
  readonly match: Match;
  /** How many entries the record holds, and the last of them (a resumed chain goes on from it). */
  readonly entries: number;
  readonly last: MatchEntry;
}

/**
 * Folds a record, entry by entry: `entries` may be any iterable (a ledger read page by
 * page), so a long record is never held in memory whole.
 */
export function replay<E extends MatchEntry>(find: (ref: string) => AnyMechanism | undefined, entries: Iterable<E>): ReplayResult & { readonly last: E } {
  const it = entries[Symbol.iterator]();
  const head = it.next();
  const first = head.done ? undefined : head.value;
  if (!first || first.kind !== 'match_started') throw new Error('a record starts with a match_started event');
  const header = first.data as unknown as MatchHeader;
  const mechanism = find(header.mechanism);
  if (!mechanism) throw new Error(`unknown mechanism ${header.mechanism}`);
  const match = new Match(mechanism, header);
  let problem: string | null = null;
  let recordedHash: string | null = null;
  let inputs = 0;
  let i = 0;
  let last: E = first;
  const fail = (at: number, kind: string, why: string) => {
    problem ??= `entry ${at} (${kind}): ${why}`;
  };
  if (first.data.hash !== undefined && first.data.hash !== match.hash()) fail(0, first.kind, 'the initial state differs from the recorded one');
  for (let next: IteratorResult<E> = { done: false, value: first }; !next.done; next = it.next(), i++) {
    const e = next.value;
    last = e;
    const data = e.data as Record<string, unknown>;
    switch (e.kind) {
      case 'tick':
        inputs++;
        match.tick(e.at);
        if (data.stateId !== match.state.stateId) fail(i, e.kind, `stateId ${match.state.stateId} after the tick, recorded ${String(data.stateId)}`);
        break;
      case 'action': {
        inputs++;
        const r = match.submit(e.seat as SeatId, data.stateId as number, data.action, e.at);
        if (!r.ok) fail(i, e.kind, `recorded as accepted, now rejected with ${r.code}`);
        else if (r.stateId !== data.next) fail(i, e.kind, `stateId ${r.stateId}, recorded ${String(data.next)}`);
        break;
      }
      case 'rejection': {
        if (e.seat === null) break; // unknown seats change nothing and name no seat to replay
        if (!('action' in data)) break; // recorded by fingerprint only
        inputs++;
        const r = match.submit(e.seat, data.stateId as number, data.action, e.at);
        if (r.ok) fail(i, e.kind, 'recorded as rejected, now accepted');
        else if (r.code !== data.code) fail(i, e.kind, `rejected with ${r.code}, recorded ${String(data.code)}`);
        break;
      }
      // A live session the experimenter ended early closes with its state's hash (session_ended).
      case 'match_ended':
      case 'session_ended':
        if (typeof data.hash === 'string') recordedHash = data.hash;
        break;
    }
  }
  const hash = match.hash();
  if (recordedHash !== null && recordedHash !== hash) fail(i - 1, last.kind, `final hash ${hash} differs from the recorded ${recordedHash}`);
  return { ok: problem === null, hash, recordedHash, inputs, problem, match, entries: i, last };
}
