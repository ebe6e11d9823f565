/**
 * Spreads the state patches of every arena room in the process over the patch
 * interval. With one timer per room (Colyseus' default), Node runs all timers that are
 * due in one go and rooms drift into the same slot: every 50 ms the event loop then
 * encodes and sends the patches of all rooms at once, and an action arriving meanwhile
 * waits for all of them before it is even read. Here rooms are dealt into SLOTS
 * groups and one short timer patches one group at a time, so I/O is read between groups.
 */

export interface Patchable {
  broadcastPatch(): boolean;
}

const SLOTS = 10;

export class PatchScheduler {
  readonly #intervalMs: number;
  readonly #slots: Set<Patchable>[] = Array.from({ length: SLOTS }, () => new Set());
  #next = 0;
  #timer: NodeJS.Timeout | null = null;
  readonly #onError: (error: unknown) => void;

  constructor(intervalMs: number, onError: (error: unknown) => void) {
    this.#intervalMs = intervalMs;
    this.#onError = onError;
  }

  /** Patches `room` once per interval from now on, in the least busy slot. */
  add(room: Patchable): void {
    let slot = this.#slots[0] as Set<Patchable>;
    for (const s of this.#slots) if (s.size < slot.size) slot = s;
    slot.add(room);
    this.#timer ??= setInterval(() => this.#run(), this.#intervalMs / SLOTS);
  }

  remove(room: Patchable): void {
    for (const s of this.#slots) s.delete(room);
    if (this.#slots.every((s) => s.size === 0) && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
  }

  #run(): void {
    const slot = this.#slots[this.#next] as Set<Patchable>;
    this.#next = (this.#next + 1) % SLOTS;
    for (const room of slot) {
      try {
        room.broadcastPatch();
      } catch (error) {
        this.#onError(error);
      }
    }
  }
}
