/**
 * What the room knows of the people on its human seats, for the experimenter: who each
 * says they are (nickname, label, panel fields), what the seat page noticed (tab hidden
 * or visible, focus, paste into chat) with its time on task, and when each seat was
 * shown its current decision (its legal actions changed, or it had just acted), so that an
 * action can carry its response time.
 *
 * Integrity signals never block anyone: past a seat's bounds they are counted here and
 * no longer written to the record. Pure bookkeeping, told the time.
 */
import { INTEGRITY_SIGNALS, type IntegrityMessage, type IntegritySignal, type Participant } from './protocol.ts';

export interface IntegrityLimits {
  /** Signals written to the record per seat over the whole session. */
  readonly perSeat: number;
  /** Signals written per seat and minute (a page flickering between tabs). */
  readonly perMinute: number;
}

export const INTEGRITY_LIMITS: IntegrityLimits = { perSeat: 400, perMinute: 30 };

/** One seat as the experimenter's console shows it (the state's `people` field). */
export interface SeatPerson {
  readonly nickname: string | null;
  readonly label: string | null;
  readonly fields: Readonly<Record<string, string>>;
  readonly integrity: Readonly<Record<IntegritySignal, number>>;
  /** The seat page's time visible and focused, as it last reported it (ms). */
  readonly onTaskMs: number;
  /** Signals beyond the bounds: counted, not recorded. */
  readonly unrecorded: number;
}

interface Entry {
  person: Participant | null;
  integrity: Record<IntegritySignal, number>;
  onTaskMs: number;
  recorded: number;
  unrecorded: number;
  minute: { start: number; n: number };
}

const noSignals = (): Record<IntegritySignal, number> => Object.fromEntries(INTEGRITY_SIGNALS.map((s) => [s, 0])) as Record<IntegritySignal, number>;

export class Participants {
  readonly #limits: IntegrityLimits;
  readonly #seats = new Map<string, Entry>();
  /** Per seat: when (match clock) it was shown its current decision. */
  readonly #offered = new Map<string, number>();

  constructor(limits: IntegrityLimits = INTEGRITY_LIMITS) {
    this.#limits = limits;
  }

  #entry(seat: string): Entry {
    let e = this.#seats.get(seat);
    if (!e) {
      e = { person: null, integrity: noSignals(), onTaskMs: 0, recorded: 0, unrecorded: 0, minute: { start: -Infinity, n: 0 } };
      this.#seats.set(seat, e);
    }
    return e;
  }

  /** The seat's holder said who they are (or a bot took the seat: null). */
  identify(seat: string, person: Participant | null): void {
    this.#entry(seat).person = person;
  }

  person(seat: string): Participant | null {
    return this.#seats.get(seat)?.person ?? null;
  }

  /** The name other seats see when the session shows nicknames: the nickname, else ''. */
  nickname(seat: string): string {
    return this.#seats.get(seat)?.person?.nickname ?? '';
  }

  /** Counts a signal; true when it is to be written to the record (within the seat's bounds). `wallMs` is epoch ms. */
  signal(seat: string, msg: IntegrityMessage, wallMs: number): boolean {
    const e = this.#entry(seat);
    e.integrity[msg.signal]++;
    e.onTaskMs = Math.max(e.onTaskMs, msg.onTaskMs);
    if (wallMs - e.minute.start >= 60_000) e.minute = { start: wallMs, n: 0 };
    if (e.recorded >= this.#limits.perSeat || e.minute.n >= this.#limits.perMinute) {
      e.unrecorded++;
      return false;
    }
    e.recorded++;
    e.minute.n++;
    return true;
  }

  /** The seat's legal actions changed, shown at `at`: a new decision. */
  offer(seat: string, at: number): void {
    this.#offered.set(seat, at);
  }

  /** The seat acted at `at`: its next decision starts now, even when its legal actions stay the same (a market's next order). */
  acted(seat: string, at: number): void {
    if (this.#offered.has(seat)) this.#offered.set(seat, at);
  }

  /** Ms from the moment the seat was shown its current decision to `at` (its action), or null when it was never shown one. */
  responseMs(seat: string, at: number): number | null {
    const offered = this.#offered.get(seat);
    return offered === undefined ? null : Math.max(0, at - offered);
  }

  /** Every seat with something known, for the experimenter. */
  summary(): Record<string, SeatPerson> {
    const out: Record<string, SeatPerson> = {};
    for (const [seat, e] of this.#seats) {
      out[seat] = { nickname: e.person?.nickname ?? null, label: e.person?.label ?? null, fields: e.person?.fields ?? {}, integrity: { ...e.integrity }, onTaskMs: e.onTaskMs, unrecorded: e.unrecorded };
    }
    return out;
  }
}
