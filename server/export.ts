/**
 * Session exports: the complete record as JSONL, and one CSV row per participant-round
 * (oTree-style wide columns) from the outcome of replaying the record.
 */
import type { LedgerEvent } from '../mechanisms/core/ledger.ts';
import { replay } from '../mechanisms/core/replay.ts';
import { findMechanism } from '../mechanisms/registry.ts';
import { csvLine } from '../studies/output.ts';
import type { SessionRow } from './storage/sessions.ts';

export function sessionJsonl(events: readonly LedgerEvent[]): string {
  return events.map((e) => JSON.stringify(e)).join('\n') + (events.length ? '\n' : '');
}

/**
 * The LLM transcript of a session: one JSON line per recorded LLM call (seat, model,
 * parameters, messages, raw responses, parsed action, tool calls, tokens, cost, latency,
 * retries, fallback), in ledger order. No API key is ever recorded, so none is here.
 */
export function sessionTranscript(events: readonly LedgerEvent[]): string {
  const lines = events.filter((e) => e.kind === 'llm_call').map((e) => JSON.stringify({ match: e.match, seq: e.seq, at: e.at, ...e.data }));
  return lines.join('\n') + (lines.length ? '\n' : '');
}

export function sessionCsv(row: SessionRow, events: readonly LedgerEvent[]): string {
  if (!events.length) return '';
  const outcome = replay(findMechanism, events).match.outcome();
  const holders = new Map<string, string>();
  for (const e of events) {
    if ((e.kind === 'seat_joined' || e.kind === 'seat_replaced') && e.seat) holders.set(e.seat, e.kind === 'seat_replaced' ? 'bot' : String(e.data.holder));
  }
  const lines: string[] = [];
  for (const r of outcome.rows) {
    const cells: Record<string, unknown> = { session: row.id, mechanism: row.mechanism, round: r.round, 'participant.seat': r.seat, 'participant.role': r.role, 'participant.holder': holders.get(r.seat) ?? 'open' };
    for (const k in r.fields) cells[`player.${k}`] = r.fields[k];
    cells['player.payoff'] = r.payoff;
    cells['player.outside'] = r.outside;
    if (!lines.length) lines.push(csvLine(Object.keys(cells)));
    lines.push(csvLine(Object.values(cells)));
  }
  return lines.join('\n') + (lines.length ? '\n' : '');
}
