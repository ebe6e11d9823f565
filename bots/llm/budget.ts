/**
 * Token and money accounting: every response's usage (as the endpoint reports it) is
 * added to the study's and the session's account, priced from the price table. A
 * decision that finds an account at its limit does not call the model: its fallback
 * decides and the record says why. Cached answers count as if called, so a replayed
 * study takes the same fallbacks as the run it replays.
 */
import type { Limit, Price } from './settings.ts';

export interface Usage {
  readonly promptTokens: number;
  readonly completionTokens: number;
}

export function costOf(prices: Readonly<Record<string, Price>>, model: string, usage: Usage): number | null {
  const price = prices[model];
  if (!price) return null;
  return (usage.promptTokens * price.input + usage.completionTokens * price.output) / 1_000_000;
}

export class Account {
  readonly name: string;
  readonly limit: Limit | undefined;
  promptTokens = 0;
  completionTokens = 0;
  usd = 0;
  calls = 0;

  constructor(name: string, limit: Limit | undefined) {
    this.name = name;
    this.limit = limit;
  }

  get tokens(): number {
    return this.promptTokens + this.completionTokens;
  }

  /** Why this account refuses another call, or null when it has room. */
  exhausted(): string | null {
    if (this.limit?.tokens !== undefined && this.tokens >= this.limit.tokens) return `${this.name} token budget of ${this.limit.tokens} reached`;
    if (this.limit?.usd !== undefined && this.usd >= this.limit.usd) return `${this.name} budget of $${this.limit.usd} reached`;
    return null;
  }

  charge(usage: Usage, usd: number | null): void {
    this.calls++;
    this.promptTokens += usage.promptTokens;
    this.completionTokens += usage.completionTokens;
    this.usd += usd ?? 0;
  }

  snapshot(): { calls: number; promptTokens: number; completionTokens: number; usd: number } {
    return { calls: this.calls, promptTokens: this.promptTokens, completionTokens: this.completionTokens, usd: Math.round(this.usd * 1e6) / 1e6 };
  }
}
