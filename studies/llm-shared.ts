/**
 * An LLM study's limits shared by the processes that play it (a job queue's workers), in
 * Redis. The study's token and money budget and its tool-call budget are one account for the
 * whole run, a hash counted up with HINCRBY and HINCRBYFLOAT; its request slots
 * (`llm.concurrency`: global, per endpoint) are Redis semaphores (redis-semaphore), each held
 * for the length of one request and renewed while it lasts, so that a worker that dies gives
 * its slots back when their lease runs out.
 *
 * A decision reads the shared account before each call, after this process's own charges have
 * reached it: the budget is overrun by at most the calls in flight over all the workers when
 * it is reached, as within one process it is overrun by the calls in flight there.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { Semaphore } from 'redis-semaphore';
import { Account, type Usage } from '../bots/llm/budget.ts';
import type { SharedLimits } from '../bots/llm/runtime.ts';
import type { LlmSettings } from '../bots/llm/settings.ts';

/** A run's shared account outlives an abandoned run by a day at most. */
const TTL_MS = 24 * 3600 * 1000;
/** A slot's lease: renewed every third of it while its request lasts; a dead worker's slot is free after it. */
const SLOT_LEASE_MS = 30_000;

/** The keys of one run's shared limits: its account, and its slots' semaphores under `<key>:slots:`. */
export const sharedKeys = (key: string) => ({ account: key, slots: `${key}:slots:` });

export class RedisLimits implements SharedLimits {
  readonly #redis: Redis;
  readonly #key: string;
  readonly #settings: LlmSettings;
  /** The charges sent and not yet confirmed: a refusal waits for them, so this process's own calls are counted. */
  #pending: Promise<unknown> = Promise.resolve();
  #failure: Error | null = null;

  constructor(redis: Redis, key: string, settings: LlmSettings) {
    this.#redis = redis;
    this.#key = key;
    this.#settings = settings;
  }

  charge(usage: Usage, usd: number | null): void {
    const sent = this.#redis
      .multi()
      .hincrby(this.#key, 'calls', 1)
      .hincrby(this.#key, 'promptTokens', usage.promptTokens)
      .hincrby(this.#key, 'completionTokens', usage.completionTokens)
      .hincrbyfloat(this.#key, 'usd', usd ?? 0)
      .pexpire(this.#key, TTL_MS)
      .exec()
      .catch((error: Error) => {
        this.#failure ??= error;
      });
    this.#pending = Promise.all([this.#pending, sent]);
  }

  async refusal(): Promise<string | null> {
    await this.#pending;
    if (this.#failure) throw new Error(`the study's shared LLM budget in Redis could not be counted: ${this.#failure.message}`);
    const [calls, promptTokens, completionTokens, usd] = await this.#redis.hmget(this.#key, 'calls', 'promptTokens', 'completionTokens', 'usd');
    const account = new Account('study', this.#settings.budget);
    account.calls = Number(calls ?? 0);
    account.promptTokens = Number(promptTokens ?? 0);
    account.completionTokens = Number(completionTokens ?? 0);
    account.usd = Number(usd ?? 0);
    const why = account.exhausted();
    return why === null ? null : `${why} (over every worker of the run)`;
  }

  async takeToolCall(): Promise<boolean> {
    const taken = await this.#redis.hincrby(this.#key, 'toolCalls', 1);
    return taken <= this.#settings.toolCalls;
  }

  async slot(scope: string, limit: number, signal: AbortSignal): Promise<() => void> {
    const name = createHash('sha256').update(scope).digest('hex').slice(0, 16);
    const semaphore = new Semaphore(this.#redis, `${sharedKeys(this.#key).slots}${name}`, limit, {
      lockTimeout: SLOT_LEASE_MS,
      refreshInterval: SLOT_LEASE_MS / 3,
      // The decision's deadline bounds the wait (the signal aborts it).
      acquireTimeout: 24 * 3600 * 1000,
      retryInterval: 15,
      // A lease lost (Redis unreachable for a while) frees the slot; the request goes on.
      onLockLost: () => {},
    });
    try {
      await semaphore.acquire(signal);
    } catch (error) {
      if (signal.aborted) throw new Error('deadline reached before a slot was free', { cause: error });
      throw error;
    }
    return () => void semaphore.release().catch(() => {});
  }
}
