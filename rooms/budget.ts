/**
 * What one seat may cost the server, whatever connection it uses (a client that floods,
 * is closed and reconnects at once starts from the budget it left with):
 *
 * - messages: a token bucket per seat; a message beyond it is refused (RATE_LIMITED)
 *   before it is parsed, and nothing is written;
 * - refusals in the record: a second, smaller bucket; refusals beyond it are counted,
 *   not written one by one, and their count goes into the record in one summary later;
 * - reconnections: a seat whose connection was closed for abuse (a flood, an oversized
 *   frame) may not reconnect for a cooling-down time that doubles with each repeat.
 *
 * Together these bound the bytes a seat adds to the ledger and the work it causes per
 * second (README, Security). Told the time, no timers of its own.
 */

export interface BudgetLimits {
  /** Messages a seat may send in a burst, and per second after it. */
  readonly messageBurst: number;
  readonly messagesPerSecond: number;
  /** Refusals recorded one by one in a burst, and per second after it. */
  readonly refusalBurst: number;
  readonly refusalsPerSecond: number;
  /** Cooling down after the first abusive close, and the most it grows to. */
  readonly coolDownMs: number;
  readonly maxCoolDownMs: number;
}

export const BUDGET_LIMITS: BudgetLimits = { messageBurst: 40, messagesPerSecond: 10, refusalBurst: 20, refusalsPerSecond: 0.5, coolDownMs: 2000, maxCoolDownMs: 20_000 };

class Bucket {
  readonly #capacity: number;
  readonly #perSecond: number;
  #tokens: number;
  #at: number;
  constructor(capacity: number, perSecond: number, now: number) {
    this.#capacity = capacity;
    this.#perSecond = perSecond;
    this.#tokens = capacity;
    this.#at = now;
  }

  take(now: number): boolean {
    this.#tokens = Math.min(this.#capacity, this.#tokens + ((now - this.#at) / 1000) * this.#perSecond);
    this.#at = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

interface SeatBudget {
  readonly messages: Bucket;
  readonly refusals: Bucket;
  /** Refusals not written one by one since the last summary, by code. */
  suppressed: Map<string, number>;
  coolDownUntil: number;
  coolDownMs: number;
}

export class Budgets {
  readonly #limits: BudgetLimits;
  readonly #seats = new Map<string, SeatBudget>();

  constructor(limits: BudgetLimits = BUDGET_LIMITS) {
    this.#limits = limits;
  }

  #of(key: string, now: number): SeatBudget {
    let b = this.#seats.get(key);
    if (!b) {
      const l = this.#limits;
      b = { messages: new Bucket(l.messageBurst, l.messagesPerSecond, now), refusals: new Bucket(l.refusalBurst, l.refusalsPerSecond, now), suppressed: new Map(), coolDownUntil: 0, coolDownMs: 0 };
      this.#seats.set(key, b);
    }
    return b;
  }

  /** Whether one more message from `key` (a seat, or a connection without one) may be handled now. */
  message(key: string, now: number): boolean {
    return this.#of(key, now).messages.take(now);
  }

  /** Whether a refusal of `key`'s may be written one by one now; if not, it is counted under `code`. */
  recordRefusal(key: string, code: string, now: number): boolean {
    const b = this.#of(key, now);
    if (b.refusals.take(now)) return true;
    b.suppressed.set(code, (b.suppressed.get(code) ?? 0) + 1);
    return false;
  }

  /** The refusals counted but not written since the last call, by code, when the bucket allows one summary now; else null. */
  takeSuppressed(key: string, now: number): Record<string, number> | null {
    const b = this.#seats.get(key);
    if (!b || b.suppressed.size === 0 || !b.refusals.take(now)) return null;
    const counts = Object.fromEntries(b.suppressed);
    b.suppressed = new Map();
    return counts;
  }

  /** Keys with refusals counted but not yet summarised. */
  suppressedKeys(): string[] {
    return [...this.#seats].filter(([, b]) => b.suppressed.size > 0).map(([k]) => k);
  }

  /** `key`'s connection was closed for abuse: it cools down before it may reconnect. Returns the cooling-down time in ms. */
  abused(key: string, now: number): number {
    const b = this.#of(key, now);
    b.coolDownMs = b.coolDownMs ? Math.min(this.#limits.maxCoolDownMs, b.coolDownMs * 2) : this.#limits.coolDownMs;
    b.coolDownUntil = now + b.coolDownMs;
    return b.coolDownMs;
  }

  /** Ms `key` still has to wait before reconnecting (0: it may). */
  coolingDown(key: string, now: number): number {
    const b = this.#seats.get(key);
    return b ? Math.max(0, b.coolDownUntil - now) : 0;
  }

  /** Forgets a connection without a seat (its budget dies with it). */
  forget(key: string): void {
    this.#seats.delete(key);
  }
}
