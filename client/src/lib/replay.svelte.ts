/**
 * The replay cursor: one record, the event it stands at, the seat whose view is shown, and
 * the state after that event as the server rebuilt it (GET /api/records/...). Moving the
 * cursor shows the new event at once and asks for its state a moment later, so scrubbing
 * the slider sends one request for where it stops; answers that arrive for a place the
 * cursor has left are dropped, and the states already seen are kept for stepping back.
 * A record still being written (a running session's: no final hash yet) is read again
 * every few seconds; a cursor at its last event follows the new ones as they come.
 */
import { api, ApiError, type RecordEventLine, type RecordState, type RecordSummary } from './api.ts';

/** How long the cursor rests before its state is asked for (ms). */
const SETTLE_MS = 90;
/** Time between steps while playing (ms). */
export const PLAY_STEP_MS = 600;
const KEPT_STATES = 400;
/** How often a record still being written is read again (ms). */
export const FOLLOW_MS = 2000;

const path = (match: string) => `/api/records/${encodeURIComponent(match)}`;

export class ReplayCursor {
  readonly match: string;
  /** The record, once loaded. */
  record = $state.raw<RecordSummary | null>(null);
  /** The event the cursor stands at. */
  seq = $state(0);
  /** The seat whose view is shown, or null for the public view alone. */
  seat = $state<string | null>(null);
  /** The state last received; its `seq` may lag `this.seq` while the next one loads. */
  shown = $state.raw<RecordState | null>(null);
  loading = $state(false);
  playing = $state(false);
  /** Why the record or a state could not be shown, in words. */
  problem = $state<string | null>(null);
  /** The server refused the token (or there is none): the page asks for it. */
  unauthorized = $state(false);
  /** For a record still being written: move to each new event as it arrives (while at the last one). */
  follow = $state(true);

  #token: string;
  #wanted: number | null;
  #settle: ReturnType<typeof setTimeout> | null = null;
  #player: ReturnType<typeof setInterval> | null = null;
  #reader: ReturnType<typeof setInterval> | null = null;
  #asked = 0;
  readonly #states = new Map<string, RecordState>();

  constructor(match: string, token: string, at: number | null) {
    this.match = match;
    this.#token = token;
    this.#wanted = at;
  }

  /** The last event's seq (-1 before the record is loaded). */
  get last(): number {
    return (this.record?.events.length ?? 0) - 1;
  }

  get event(): RecordEventLine | null {
    return this.record?.events[this.seq] ?? null;
  }

  /** Whether the record is still being written (a session that has not ended). */
  get growing(): boolean {
    return this.record !== null && this.record.finalHash === null;
  }

  async load(): Promise<void> {
    this.problem = null;
    try {
      const record = await api<RecordSummary>(path(this.match), { token: this.#token });
      this.record = record;
      const at = this.#wanted ?? 0;
      if (at > this.last) this.problem = `The record has no event ${at}; it has events 0 to ${this.last}. Showing event ${this.last}.`;
      this.#wanted = null;
      this.#moveTo(Math.min(at, this.last), true);
      if (this.growing && this.#reader === null) this.#reader = setInterval(() => void this.refresh(), FOLLOW_MS);
    } catch (error) {
      this.#fail(error);
    }
  }

  /** Reads the record again; a cursor at its last event (following) moves to the new last one. */
  async refresh(): Promise<void> {
    if (!this.record) return;
    try {
      const record = await api<RecordSummary>(path(this.match), { token: this.#token });
      if (record.events.length < (this.record?.events.length ?? 0)) return;
      const atEnd = this.seq >= this.last;
      this.record = record;
      if (!this.growing) this.#stopReading();
      if (this.follow && atEnd && !this.playing && this.seq < this.last) this.#moveTo(this.last, true);
    } catch {
      // A missed reading is retried at the next one; the page keeps what it shows.
    }
  }

  #stopReading(): void {
    if (this.#reader !== null) clearInterval(this.#reader);
    this.#reader = null;
  }

  /** Moves to an event (clamped to the record) and asks for its state once the cursor rests. */
  go(seq: number): void {
    if (!this.record) return;
    this.#moveTo(Math.max(0, Math.min(this.last, Math.round(seq))), false);
  }

  step(by: number): void {
    this.go(this.seq + by);
  }

  showSeat(seat: string | null): void {
    this.seat = seat;
    this.#request(true);
  }

  play(): void {
    if (!this.record || this.playing) return;
    if (this.seq >= this.last) this.go(0);
    this.playing = true;
    this.#player = setInterval(() => {
      // Wait for the state on show before stepping on, so a slow server is never sent a pile.
      if (this.loading) return;
      if (this.seq >= this.last) this.pause();
      else this.#moveTo(this.seq + 1, true);
    }, PLAY_STEP_MS);
  }

  pause(): void {
    this.playing = false;
    if (this.#player !== null) clearInterval(this.#player);
    this.#player = null;
  }

  /** Stops the player and any pending request (the page is leaving). */
  close(): void {
    this.pause();
    this.#stopReading();
    if (this.#settle !== null) clearTimeout(this.#settle);
    this.#asked++;
  }

  #moveTo(seq: number, now: boolean): void {
    this.seq = seq;
    this.#request(now);
  }

  #request(now: boolean): void {
    if (this.#settle !== null) clearTimeout(this.#settle);
    this.#settle = null;
    const key = `${this.seq}|${this.seat ?? ''}`;
    const known = this.#states.get(key);
    if (known) {
      this.#asked++;
      this.shown = known;
      this.loading = false;
      return;
    }
    this.loading = true;
    if (now) void this.#fetch(this.seq, this.seat);
    else this.#settle = setTimeout(() => void this.#fetch(this.seq, this.seat), SETTLE_MS);
  }

  async #fetch(seq: number, seat: string | null): Promise<void> {
    const ticket = ++this.#asked;
    try {
      const state = await api<RecordState>(`${path(this.match)}/state?at=${seq}${seat ? `&seat=${encodeURIComponent(seat)}` : ''}`, { token: this.#token });
      if (this.#states.size >= KEPT_STATES) this.#states.delete(this.#states.keys().next().value as string);
      this.#states.set(`${seq}|${seat ?? ''}`, state);
      if (ticket !== this.#asked) return;
      this.shown = state;
      this.loading = false;
    } catch (error) {
      if (ticket !== this.#asked) return;
      this.loading = false;
      this.pause();
      this.#fail(error);
    }
  }

  #fail(error: unknown): void {
    if (error instanceof ApiError && error.status === 401) {
      this.unauthorized = true;
      this.problem = 'That token was not accepted. The server printed the experimenter token when it started (also in data/admin-token).';
    } else if (error instanceof ApiError && error.status === 404) {
      this.problem = `There is no record '${this.match}' on this server.`;
    } else {
      this.problem = (error as Error).message;
    }
  }
}

/** A match clock reading in words: `0.0 s`, `12.4 s`, `3:05.2`. */
export function clockWords(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const m = Math.floor(seconds / 60);
  return `${m}:${(seconds - m * 60).toFixed(1).padStart(4, '0')}`;
}

/** Who was told of an event, in words (seats by `seatName`). */
export function audienceWords(audience: RecordEventLine['audience'], seatName: (seat: string) => string = (s) => s): string {
  if (audience === 'public') return 'everyone';
  if (audience === 'experimenter') return 'experimenter only';
  return audience.map(seatName).join(', ');
}

/** The chat lines a seat was sent (or, for null, every line), up to event `seq`. */
export function chatUpTo<L extends { readonly seq: number; readonly audience: RecordEventLine['audience'] }>(lines: readonly L[], seq: number, seat: string | null): L[] {
  return lines.filter((l) => l.seq <= seq && (seat === null || l.audience === 'public' || (Array.isArray(l.audience) && l.audience.includes(seat))));
}
