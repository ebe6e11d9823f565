/**
 * Session exports: the complete record as JSONL, and one CSV row per participant-round
 * (oTree-style wide columns) from the record's closed rounds, with who held the
 * seat, which bot policy played it and how many of its LLM decisions fell back. Each is a
 * generator of text chunks over a record read as it goes (`Record`: iterable afresh each
 * time, page by page from the ledger), so an export never holds a whole record in memory;
 * `writeChunks` sends one to a stream, waiting when the reader is slow.
 */
import type { Writable } from 'node:stream';
import type { LedgerEvent } from '../mechanisms/core/ledger.ts';
import { ROUND_RECORD, type ParticipantRound, type RoundRecordData } from '../mechanisms/core/types.ts';
import { csvLine } from '../studies/output.ts';
import { llmDecisionsByRound } from '../studies/llm-decisions.ts';
import type { SessionRow } from './storage/sessions.ts';
import { holderStints, stintOfRound } from './holders.ts';

/** A record that can be read again and again, each pass from its start (ledger.stream behind an iterable). */
export type SessionRecord = Iterable<LedgerEvent>;

/** The record as JSONL: one event a line. */
export function* sessionJsonl(events: SessionRecord): Generator<string> {
  for (const e of events) yield `${JSON.stringify(e)}\n`;
}

/**
 * The LLM transcript of a session: one JSON line per recorded LLM call (seat, model,
 * parameters, messages, raw responses, parsed action, tool calls, tokens, cost, latency,
 * retries, fallback), in ledger order. No API key is ever recorded, so none is here.
 */
export function* sessionTranscript(events: SessionRecord): Generator<string> {
  for (const e of events) if (e.kind === 'llm_call') yield `${JSON.stringify({ match: e.match, seq: e.seq, at: e.at, ...e.data })}\n`;
}

/**
 * Writes the chunks to `out` as they come, in batches of about 64 KB, waiting for it to
 * drain when it is full; then ends it (unless `end: false`, as for stdout) and resolves.
 */
export async function writeChunks(out: Writable, chunks: Iterable<string>, options: { end?: boolean } = {}): Promise<void> {
  let batch = '';
  const send = async (text: string) => {
    if (text && !out.write(text)) await new Promise<void>((done) => out.once('drain', () => done()));
  };
  for (const chunk of chunks) {
    batch += chunk;
    if (batch.length < 64 * 1024) continue;
    await send(batch);
    batch = '';
  }
  await send(batch);
  if (options.end !== false) await new Promise<void>((done, fail) => out.once('error', fail).end(() => done()));
}

/**
 * What marked each seat during each round, as `labelOf` reads the record: the labels in
 * turn (`empty` while nobody held the seat). A round ends at its round_record event.
 */
function labelsByRound(events: Iterable<LedgerEvent>, labelOf: (e: LedgerEvent) => string | undefined, empty: string): (round: number, seat: string) => readonly string[] {
  const now = new Map<string, string>();
  const during = new Map<string, string[]>();
  const closed = new Map<string, string[]>();
  const closedRounds = new Set<number>();
  let playing = false;
  const see = (seat: string, label: string) => {
    now.set(seat, label);
    // A seat first taken once play has begun was empty until then.
    const list = during.get(seat) ?? (playing ? [empty] : []);
    if (list.at(-1) !== label) list.push(label);
    during.set(seat, list);
  };
  for (const e of events) {
    if (e.kind === 'action') playing = true;
    const label = e.seat ? labelOf(e) : undefined;
    if (label !== undefined && e.seat) see(e.seat, label);
    else if (e.kind === ROUND_RECORD) {
      const round = (e.data as unknown as RoundRecordData).round;
      if (typeof round !== 'number' || closedRounds.has(round)) continue;
      closedRounds.add(round);
      playing = true;
      for (const [seat, list] of during) {
        closed.set(`${round}/${seat}`, list);
        during.set(seat, [now.get(seat) as string]);
      }
    }
  }
  return (round, seat) => closed.get(`${round}/${seat}`) ?? (closedRounds.has(round) ? [empty] : (during.get(seat) ?? [empty]));
}

/**
 * Who held each seat during each round: the holders in turn ('open', 'human', 'bot'),
 * joined by '>' when the seat changed hands during the round ('open>human': a person
 * arrived mid-round).
 */
export function holdersByRound(events: Iterable<LedgerEvent>): (round: number, seat: string) => string {
  const labels = labelsByRound(events, (e) => (e.kind === 'seat_joined' ? String(e.data.holder) : e.kind === 'seat_replaced' ? 'bot' : undefined), 'open');
  return (round, seat) => labels(round, seat).join('>');
}

/** The bot policy seated on a seat by this event ('' for a person), or undefined when the event seats nobody. */
function seatedPolicy(e: LedgerEvent): string | undefined {
  if (e.kind === 'seat_replaced') return String(e.data.to);
  if (e.kind !== 'seat_joined') return undefined;
  if (typeof e.data.policy === 'string') return e.data.policy;
  // Records written before seat_joined carried the policy: the bot's agent name.
  const agent = e.data.agent;
  return typeof agent === 'string' && agent.startsWith('bot:') ? agent.slice(4) : '';
}

/** The policies of the bots that played each seat during each round, joined by '>' ('' when only people or nobody did). */
export function policiesByRound(events: Iterable<LedgerEvent>): (round: number, seat: string) => string {
  const labels = labelsByRound(events, seatedPolicy, '');
  return (round, seat) => labels(round, seat).filter(Boolean).join('>');
}

/**
 * One CSV line per participant-round, from the rounds the record closed (its round_record
 * events); the record is read a few times over (holders, policies, LLM decisions, rows).
 */
export function* sessionCsv(row: SessionRow, events: SessionRecord): Generator<string> {
  const holder = holdersByRound(events);
  const policy = policiesByRound(events);
  const llm = llmDecisionsByRound(events);
  const stints = holderStints(events);
  let header = false;
  for (const e of events) {
    if (e.kind !== ROUND_RECORD) continue;
    for (const r of (e.data as unknown as RoundRecordData).rows) yield* rowLines(r);
  }
  function* rowLines(r: ParticipantRound): Generator<string> {
    const counts = llm(r.round, r.seat);
    const stint = stintOfRound(stints, r.seat, r.round);
    const cells: Record<string, unknown> = {
      session: row.id,
      mechanism: row.mechanism,
      round: r.round,
      'participant.seat': r.seat,
      'participant.role': r.role,
      'participant.holder': holder(r.round, r.seat),
      'participant.policy': policy(r.round, r.seat),
      // The holder the round was paid to (server/holders.ts): their stint on the seat (0, 1, ...), and who they said they are.
      'participant.stint': stint?.index ?? '',
      'participant.stint_holder': stint?.kind ?? '',
      'participant.nickname': stint?.nickname ?? '',
      'participant.label': stint?.label ?? '',
      // Decisions of the seat's LLM in the round, and how many of them its fallback made.
      'participant.llm_decisions': counts.decisions,
      'participant.llm_fallbacks': counts.fallbacks,
    };
    for (const k in r.fields) cells[`player.${k}`] = r.fields[k];
    cells['player.payoff'] = r.payoff;
    cells['player.outside'] = r.outside;
    if (!header) yield `${csvLine(Object.keys(cells))}\n`;
    header = true;
    yield `${csvLine(Object.values(cells))}\n`;
  }
}
