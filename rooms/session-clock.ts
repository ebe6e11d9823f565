/**
 * A live session's match clock: ms of running time since the session started, paused
 * time excluded, plus any jump the experimenter made to a deadline ("next round"). The
 * engine is told this time; deadlines go out to clients as wall-clock times.
 */
export class SessionClock {
  #startedWall = 0;
  #pausedWall = 0;
  #pausedTotal = 0;
  #jumped = 0;
  #state: 'lobby' | 'running' | 'paused' = 'lobby';
  readonly #wall: () => number;

  /** `resumedAt`: the match time a resumed session had reached (its record's last input). */
  constructor(resumedAt = 0, wall: () => number = Date.now) {
    this.#jumped = resumedAt;
    this.#wall = wall;
  }

  /** Match time now. */
  now(): number {
    if (this.#state === 'lobby') return this.#jumped;
    const wall = this.#state === 'paused' ? this.#pausedWall : this.#wall();
    return wall - this.#startedWall - this.#pausedTotal + this.#jumped;
  }

  /** Starts the clock; returns the wall-clock time it started at. */
  start(): number {
    this.#startedWall = this.#wall();
    this.#state = 'running';
    return this.#startedWall;
  }

  pause(): void {
    if (this.#state !== 'running') return;
    this.#pausedWall = this.#wall();
    this.#state = 'paused';
  }

  resume(): void {
    if (this.#state !== 'paused') return;
    this.#pausedTotal += this.#wall() - this.#pausedWall;
    this.#state = 'running';
  }

  /** Moves match time forward to `at` (never back). */
  jumpTo(at: number): void {
    this.#jumped += Math.max(0, at - this.now());
  }

  /** Wall-clock time of a match time, for deadlines (stable between calls: no second reading of the clock). */
  wallOf(at: number): number {
    return this.#startedWall + this.#pausedTotal - this.#jumped + at;
  }
}
