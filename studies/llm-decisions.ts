/**
 * How many decisions of each LLM seat its fallback made, read from a record (the
 * `llm_call` events, one per decision, with `fallback` null or `{policy, reason}`):
 * per episode, and per seat and round for the participant-round tables (rounds.csv, the
 * session CSV). A decision counts for the round that was open when it was recorded; a
 * round ends at its round_record event.
 */
import { ROUND_RECORD } from '../mechanisms/core/types.ts';

interface RecordedEvent {
  readonly kind: string;
  readonly seat: string | null;
  readonly audience: unknown;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface LlmDecisions {
  readonly decisions: number;
  readonly fallbacks: number;
}

const NONE: LlmDecisions = { decisions: 0, fallbacks: 0 };

const add = (counts: LlmDecisions | undefined, fellBack: boolean): LlmDecisions => ({ decisions: (counts?.decisions ?? 0) + 1, fallbacks: (counts?.fallbacks ?? 0) + (fellBack ? 1 : 0) });

const fellBack = (e: RecordedEvent): boolean => e.data.fallback !== null && e.data.fallback !== undefined;

/** Every LLM decision of a record and how many the fallbacks made. */
export function llmDecisionsOf(events: readonly RecordedEvent[]): LlmDecisions {
  let counts = NONE;
  for (const e of events) if (e.kind === 'llm_call') counts = add(counts, fellBack(e));
  return counts;
}

/** The LLM decisions of each seat in each round (zero for seats without an LLM). */
export function llmDecisionsByRound(events: Iterable<RecordedEvent>): (round: number, seat: string) => LlmDecisions {
  const closed = new Map<string, LlmDecisions>();
  const closedRounds = new Set<number>();
  let open = new Map<string, LlmDecisions>();
  for (const e of events) {
    if (e.kind === 'llm_call' && e.seat) open.set(e.seat, add(open.get(e.seat), fellBack(e)));
    else if (e.kind === ROUND_RECORD) {
      const round = e.data.round;
      if (typeof round !== 'number' || closedRounds.has(round)) continue;
      closedRounds.add(round);
      for (const [seat, counts] of open) closed.set(`${round}/${seat}`, counts);
      open = new Map();
    }
  }
  // A round still open when the record ends (a session ended mid-round) has what was decided so far.
  return (round, seat) => closed.get(`${round}/${seat}`) ?? (closedRounds.has(round) ? NONE : (open.get(seat) ?? NONE));
}

/** Each seat's LLM decisions in a record, how many the fallback made, and why the last one did. */
export function llmDecisionsBySeat(events: readonly RecordedEvent[]): Record<string, LlmDecisions & { readonly lastFallback: string | null }> {
  const bySeat: Record<string, LlmDecisions & { lastFallback: string | null }> = {};
  for (const e of events) {
    if (e.kind !== 'llm_call' || !e.seat) continue;
    const before = bySeat[e.seat];
    const reason = (e.data.fallback as { reason?: unknown } | null | undefined)?.reason;
    bySeat[e.seat] = { ...add(before, fellBack(e)), lastFallback: fellBack(e) ? String(reason ?? 'unknown') : (before?.lastFallback ?? null) };
  }
  return bySeat;
}
