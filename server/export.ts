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

/**
 * Who held each seat during each round: the holders in turn ('open', 'human', 'bot'),
 * joined by '>' when the seat changed hands during the round ('open>human': a person
 * arrived mid-round). A round ends at its `*_closed` event (round_closed, period_closed).
 */
export function holdersByRound(events: readonly LedgerEvent[]): (round: number, seat: string) => string {
  const now = new Map<string, string>();
  const during = new Map<string, string[]>();
  const closed = new Map<string, string>();
  const closedRounds = new Set<number>();
  let playing = false;
  const see = (seat: string, holder: string) => {
    now.set(seat, holder);
    // A seat first taken once play has begun was empty until then.
    const list = during.get(seat) ?? (playing ? ['open'] : []);
    if (list.at(-1) !== holder) list.push(holder);
    during.set(seat, list);
  };
  for (const e of events) {
    if (e.kind === 'action') playing = true;
    if (e.kind === 'seat_joined' && e.seat) see(e.seat, String(e.data.holder));
    else if (e.kind === 'seat_replaced' && e.seat) see(e.seat, 'bot');
    else if (/_closed$/.test(e.kind) && e.audience === 'public') {
      const round = e.data.round ?? e.data.period;
      if (typeof round !== 'number' || closedRounds.has(round)) continue;
      closedRounds.add(round);
      playing = true;
      for (const [seat, list] of during) {
        closed.set(`${round}/${seat}`, list.join('>'));
        during.set(seat, [now.get(seat) as string]);
      }
    }
  }
  return (round, seat) => closed.get(`${round}/${seat}`) ?? (closedRounds.has(round) ? 'open' : (during.get(seat) ?? ['open']).join('>'));
}

export function sessionCsv(row: SessionRow, events: readonly LedgerEvent[]): string {
  if (!events.length) return '';
  const outcome = replay(findMechanism, events).match.outcome();
  const holder = holdersByRound(events);
  const lines: string[] = [];
  for (const r of outcome.rows) {
    const cells: Record<string, unknown> = { session: row.id, mechanism: row.mechanism, round: r.round, 'participant.seat': r.seat, 'participant.role': r.role, 'participant.holder': holder(r.round, r.seat) };
    for (const k in r.fields) cells[`player.${k}`] = r.fields[k];
    cells['player.payoff'] = r.payoff;
    cells['player.outside'] = r.outside;
    if (!lines.length) lines.push(csvLine(Object.keys(cells)));
    lines.push(csvLine(Object.values(cells)));
  }
  return lines.join('\n') + (lines.length ? '\n' : '');
}
