/** Participant-round rows from a record: each closed round's round_record event holds them. */
import { ROUND_RECORD, type ParticipantRound, type RoundRecordData } from './types.ts';

export function rowsOf(entries: Iterable<{ readonly kind: string; readonly data: Readonly<Record<string, unknown>> }>): ParticipantRound[] {
  const rows: ParticipantRound[] = [];
  for (const e of entries) if (e.kind === ROUND_RECORD) rows.push(...(e.data as unknown as RoundRecordData).rows);
  return rows;
}
