/**
 * How an LLM seat is doing, for the seat monitor: its decisions so far and how many its
 * fallback policy made (a missing key, an endpoint down, answers refused), as the server
 * counts them (GET /api/sessions/:id/llm).
 */
import { api } from '../lib/api.ts';

export interface SeatDecisions {
  readonly decisions: number;
  readonly fallbacks: number;
  /** Why the fallback decided last, or null. */
  readonly lastFallback: string | null;
}

export type LlmSeats = Readonly<Record<string, SeatDecisions>>;

export async function fetchLlmSeats(session: string, token: string): Promise<LlmSeats> {
  return (await api<{ seats: LlmSeats }>(`/api/sessions/${session}/llm`, { token })).seats;
}

/** "2 of 9 decisions by the fallback", or "no decisions yet". */
export function fallbackWords(d: SeatDecisions | undefined): string {
  if (!d || d.decisions === 0) return 'no decisions yet';
  if (d.fallbacks === 0) return `${d.decisions} decision${d.decisions === 1 ? '' : 's'}, none by the fallback`;
  return `${d.fallbacks} of ${d.decisions} decision${d.decisions === 1 ? '' : 's'} by the fallback`;
}

/** Splits a server message on `backticks` so that names show as code: "unknown key `reserv`" → text, code. */
export function codeParts(message: string): { readonly text: string; readonly code: boolean }[] {
  return message.split('`').map((text, i) => ({ text, code: i % 2 === 1 })).filter((p) => p.text !== '');
}
