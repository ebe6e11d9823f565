/** The server's JSON API as the browser calls it: same origin, errors as thrown ApiErrors with the server's words. */
import type { Benchmark, Legal, Progress } from '../../../mechanisms/core/types.ts';
import type { LiveMeasures } from './arena.svelte.ts';

export class ApiError extends Error {
  readonly status: number;
  readonly issues: unknown;
  constructor(status: number, message: string, issues?: unknown) {
    super(message);
    this.status = status;
    this.issues = issues;
  }
}

export async function api<T>(path: string, init: { method?: string; body?: unknown; token?: string | null } = {}): Promise<T> {
  const headers: Record<string, string> = {};
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let response: Response;
  try {
    response = await fetch(path, { method: init.method ?? (init.body === undefined ? 'GET' : 'POST'), headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  } catch {
    throw new ApiError(0, 'the server cannot be reached; check your connection and try again');
  }
  const text = await response.text();
  let payload: unknown;
  try {
    payload = text ? JSON.parse(text) : null;
  } catch {
    payload = { error: text };
  }
  if (!response.ok) {
    const body = (payload ?? {}) as { error?: string; issues?: unknown };
    throw new ApiError(response.status, body.error ?? `the server answered ${response.status}`, body.issues);
  }
  return payload as T;
}

/** What POST /api/join answers. */
export interface SeatTicket {
  readonly session: string;
  readonly roomId: string;
  readonly seat: string;
  readonly token: string;
  /**
   * The connection's reconnection token, kept by this device: a reloaded page takes its seat
   * back with it while the seat is held for the connection it lost (the seat's grace period).
   */
  readonly reconnection?: string;
}

/** What GET /api/sessions/:id/spectate answers. */
export interface WatchTicket {
  readonly session: string;
  readonly roomId: string;
  readonly token: string;
}

/** What the experimenter API answers for a session. */
export interface SessionInfo {
  readonly session: string;
  readonly roomId: string;
  readonly title: string;
  readonly mechanism: string;
  readonly status: string;
  readonly seats: readonly { seat: string; code: string; link: string }[];
  readonly spectate: string;
  /** The class link: one code and link for everyone, seating each on the next free seat (server/class-api.ts). */
  readonly class?: { readonly code: string; readonly link: string };
  readonly experimenterToken: string;
}

/** One arena of the public directory. */
export interface ArenaEntry {
  readonly session: string;
  readonly title: string;
  readonly mechanism: string;
  /** The mechanism in words ("Continuous double auction"). */
  readonly mechanismTitle?: string;
  readonly status: string;
  readonly demo: boolean;
  readonly seats: { total: number; humans: number; bots: number; open: number };
  /** Codes of free seats, for demo arenas only. */
  readonly join: readonly { seat: string; code: string }[];
  readonly public: unknown;
  readonly createdAt: number;
}

export interface MechanismEntry {
  readonly id: string;
  readonly title: string;
  readonly rules: string;
}

export interface PolicyEntry {
  readonly name: string;
  readonly description: string;
  readonly mechanisms: readonly string[] | '*';
}

/** Who was told of a recorded event: everyone, the listed seats, or the experimenter only. */
export type RecordAudience = 'public' | 'experimenter' | readonly string[];

/** One event of a record as GET /api/records/:match lists it. */
export interface RecordEventLine {
  readonly seq: number;
  readonly kind: string;
  /** The match's clock, in ms. */
  readonly at: number;
  readonly seat: string | null;
  readonly audience: RecordAudience;
  readonly summary: string;
}

/** One chat message of a record. */
export interface RecordChatLine {
  readonly seq: number;
  readonly at: number;
  readonly channel: 'public' | 'private' | 'coalition';
  readonly from: string;
  readonly to: string | null;
  readonly coalition: string | null;
  readonly text: string;
  readonly audience: RecordAudience;
}

/** What GET /api/records/:match answers (experimenter). */
export interface RecordSummary {
  readonly match: string;
  readonly header: {
    readonly mechanism: string;
    readonly config: unknown;
    readonly seats: readonly string[];
    readonly seed: number;
    readonly population?: readonly { readonly seat: string; readonly kind: string; readonly policy?: string; readonly params?: unknown }[];
  } | null;
  readonly mechanismTitle: string | null;
  /** Each seat's role ('buyer', 'bidder'…). */
  readonly roles: Readonly<Record<string, string>>;
  /** The people on human seats, as they said when joining. */
  readonly people: Readonly<Record<string, { readonly nickname: string | null; readonly label: string | null }>>;
  /** Every chat message of the record, in order. */
  readonly chat: readonly RecordChatLine[];
  /** Who held each seat, in order of change. */
  readonly holders: Readonly<Record<string, readonly { readonly kind: 'human' | 'bot'; readonly policy: string | null }[]>>;
  readonly events: readonly RecordEventLine[];
  readonly finalHash: string | null;
  readonly replayedHash: string | null;
  readonly verified: boolean;
  readonly problem: string | null;
}

/** What GET /api/records/:match/state?at=SEQ[&seat=SEAT] answers: the match after that event. */
export interface RecordState {
  readonly match: string;
  readonly seq: number;
  readonly at: number;
  readonly kind: string;
  readonly stateId: number;
  readonly over: boolean;
  readonly progress: Progress;
  readonly publicView: unknown;
  readonly benchmarks: Readonly<Record<string, Benchmark>>;
  readonly measures: LiveMeasures;
  readonly seat: { readonly seat: string; readonly view: unknown; readonly legal: Legal } | null;
}
