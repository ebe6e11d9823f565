/**
 * A counting semaphore with a bounded waiting line: at most `slots` requests run at
 * once, at most `queue` wait; a request past that, or one whose decision runs out of
 * time while waiting, is refused instead of piling up.
 */
export class Slots {
  readonly slots: number;
  readonly queue: number;
  #running = 0;
  readonly #waiting: { grant: () => void; refuse: (why: Error) => void }[] = [];

  constructor(slots: number, queue: number) {
    this.slots = slots;
    this.queue = queue;
  }

  get running(): number {
    return this.#running;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  /** Resolves with a release function once a slot is free; rejects when the line is full or the signal aborts. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(new Error('deadline reached before a slot was free'));
    if (this.#running < this.slots) {
      this.#running++;
      return Promise.resolve(this.#releaser());
    }
    if (this.#waiting.length >= this.queue) return Promise.reject(new Error(`more than ${this.queue} requests waiting`));
    return new Promise((resolve, reject) => {
      const entry = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          this.#running++;
          resolve(this.#releaser());
        },
        refuse: reject,
      };
      const onAbort = () => {
        const i = this.#waiting.indexOf(entry);
        if (i >= 0) this.#waiting.splice(i, 1);
        reject(new Error('deadline reached before a slot was free'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(entry);
    });
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#running--;
      this.#waiting.shift()?.grant();
    };
  }
}
