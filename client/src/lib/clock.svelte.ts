/** A countdown to a server deadline (epoch ms), ticking four times a second while mounted. */
export class Countdown {
  now = $state(Date.now());

  constructor() {
    $effect(() => {
      const timer = setInterval(() => (this.now = Date.now()), 250);
      return () => clearInterval(timer);
    });
  }

  /** Whole seconds left to `deadline`, or null when there is none. */
  secondsLeft(deadline: number): number | null {
    if (!deadline) return null;
    return Math.max(0, Math.ceil((deadline - this.now) / 1000));
  }
}

export function formatSeconds(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m > 0 ? `${m}:${String(s).padStart(2, '0')}` : `${s}s`;
}

export const money = (x: number | null | undefined): string => (x === null || x === undefined || Number.isNaN(x) ? '–' : Number.isInteger(x) ? String(x) : x.toFixed(2));
