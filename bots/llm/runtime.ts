/**
 * What the LLM seats of one study (or one live server) share: SDK clients per endpoint,
 * concurrency slots (global and per endpoint), the response cache, the study's and each
 * session's token and money accounts, the study's tool-call budget, and counters.
 * API keys are read from the environment when a client is made and kept only inside it.
 */
import OpenAI from 'openai';
import { Account, costOf, type Usage } from './budget.ts';
import { ResponseCache } from './cache.ts';
import { Slots } from './limiter.ts';
import { keyVariableProblem, llmSettingsSchema, type AgentParams, type LlmSettings, type LlmSettingsInput } from './settings.ts';

const OPENAI_URL = 'https://api.openai.com/v1';

/** The base URL a seat's requests go to: its own, else OPENAI_BASE_URL, else OpenAI's; no trailing slash. */
export const endpointOf = (params: Pick<AgentParams, 'baseURL'>, env: NodeJS.ProcessEnv = process.env): string => (params.baseURL ?? env.OPENAI_BASE_URL ?? OPENAI_URL).replace(/\/+$/, '');

/** How long one decision took against what it was allowed (for deadline checks and benchmarks; not recorded). */
export interface DecisionTiming {
  /** The session (a live session, or one headless episode) the seat plays in. */
  readonly session: string;
  readonly seat: string;
  readonly elapsedMs: number;
  readonly budgetMs: number;
  readonly fallback: string | null;
}

/** One seat's decisions in one session so far, and how many its fallback made. */
export interface SeatDecisions {
  decisions: number;
  fallbacks: number;
  /** Why the last fallback decided, or null when none has. */
  lastFallback: string | null;
}

export interface RuntimeCounters {
  decisions: number;
  calls: number;
  cachedCalls: number;
  retries: number;
  transportRetries: number;
  fallbacks: number;
  toolCalls: number;
}

/**
 * What the LLM seats of one study share with the other processes playing it (a job queue's
 * workers; studies/llm-shared.ts keeps it in Redis): the study's budget and tool-call budget
 * and its request slots, counted over every process instead of in this one.
 */
export interface SharedLimits {
  /** Why the study's budget, over every process, refuses another call (charges made here counted), or null. */
  refusal(): Promise<string | null>;
  /** Adds a response's usage to the study's shared account (sent at once; refusal waits for it). */
  charge(usage: Usage, usd: number | null): void;
  /** Takes one call from the study's shared tool budget; false when it is spent. */
  takeToolCall(): Promise<boolean>;
  /** One of `limit` request slots of `scope` ('global', or an endpoint's base URL) over every process; resolves to its release. */
  slot(scope: string, limit: number, signal: AbortSignal): Promise<() => void>;
}

/** Sessions whose accounts are kept at once; the oldest is dropped past this. */
const SESSIONS_KEPT = 10_000;

export class LlmRuntime {
  readonly settings: LlmSettings;
  readonly cache: ResponseCache;
  readonly study: Account;
  readonly global: Slots;
  readonly counters: RuntimeCounters = { decisions: 0, calls: 0, cachedCalls: 0, retries: 0, transportRetries: 0, fallbacks: 0, toolCalls: 0 };
  /** Called after every decision; tests and benchmarks watch deadlines through it. */
  observe: ((timing: DecisionTiming) => void) | undefined;
  readonly #sessions = new Map<string, Account>();
  readonly #seatDecisions = new Map<string, Map<string, SeatDecisions>>();
  readonly #listeners = new Set<(timing: DecisionTiming) => void>();
  readonly #endpoints = new Map<string, Slots>();
  readonly #clients = new Map<string, OpenAI>();
  readonly #env: NodeJS.ProcessEnv;
  /** The limits shared with the study's other processes, when it is played by several. */
  readonly shared: SharedLimits | null;

  constructor(settings: LlmSettingsInput | LlmSettings = {}, env: NodeJS.ProcessEnv = process.env, shared: SharedLimits | null = null) {
    this.settings = llmSettingsSchema.parse(settings);
    this.#env = env;
    this.shared = shared;
    const { cache, concurrency } = this.settings;
    this.cache = new ResponseCache(cache.mode, cache.dir, cache.samples);
    this.study = new Account('study', this.settings.budget);
    this.global = new Slots(concurrency.global, concurrency.queue);
  }

  /** The session's account (a live session, or one headless episode). */
  session(id: string): Account {
    let account = this.#sessions.get(id);
    if (!account) {
      if (this.#sessions.size >= SESSIONS_KEPT) this.#sessions.delete(this.#sessions.keys().next().value as string);
      account = new Account('session', this.settings.sessionBudget);
      this.#sessions.set(id, account);
    }
    return account;
  }

  endSession(id: string): void {
    this.#sessions.delete(id);
    this.#seatDecisions.delete(id);
  }

  /** Counts a decision of a seat (and its fallback, if the fallback made it), then tells observe and the listeners. */
  decided(timing: DecisionTiming): void {
    let seats = this.#seatDecisions.get(timing.session);
    if (!seats) {
      if (this.#seatDecisions.size >= SESSIONS_KEPT) this.#seatDecisions.delete(this.#seatDecisions.keys().next().value as string);
      seats = new Map();
      this.#seatDecisions.set(timing.session, seats);
    }
    const seat = seats.get(timing.seat) ?? { decisions: 0, fallbacks: 0, lastFallback: null };
    seat.decisions++;
    if (timing.fallback !== null) {
      seat.fallbacks++;
      seat.lastFallback = timing.fallback;
    }
    seats.set(timing.seat, seat);
    this.observe?.(timing);
    for (const listener of this.#listeners) listener(timing);
  }

  /** Calls `listener` after every decision (a progress display); returns the function that stops it. */
  onDecision(listener: (timing: DecisionTiming) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Each seat's decisions and fallbacks in a session so far, by seat (copies). */
  seatDecisions(session: string): Record<string, SeatDecisions> {
    return Object.fromEntries([...(this.#seatDecisions.get(session) ?? [])].map(([seat, d]) => [seat, { ...d }]));
  }

  baseURL(params: AgentParams): string {
    return endpointOf(params, this.#env);
  }

  endpointSlots(baseURL: string): Slots {
    let slots = this.#endpoints.get(baseURL);
    if (!slots) {
      slots = new Slots(this.settings.concurrency.perEndpoint, this.settings.concurrency.queue);
      this.#endpoints.set(baseURL, slots);
    }
    return slots;
  }

  /** The SDK client of an endpoint and key variable; retries are ours (deadline-aware), so the SDK makes none. */
  client(params: AgentParams): OpenAI {
    const baseURL = this.baseURL(params);
    const key = `${baseURL} ${params.apiKeyEnv}`;
    let client = this.#clients.get(key);
    if (!client) {
      // Local servers (vLLM, Ollama, llama.cpp) accept any key; the SDK insists on one. A variable
      // the params schema would refuse is never read, however the params got here.
      const apiKey = (keyVariableProblem(params.apiKeyEnv, this.#env) ? undefined : this.#env[params.apiKeyEnv]) || 'none';
      client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: params.timeoutMs });
      this.#clients.set(key, client);
    }
    return client;
  }

  /** Why a call may not be made now (a budget reached: this process's, the session's, or the study's over every process), or null. */
  async admit(session: Account): Promise<string | null> {
    return this.study.exhausted() ?? session.exhausted() ?? (this.shared && this.settings.budget ? await this.shared.refusal() : null);
  }

  charge(session: Account, model: string, usage: Usage): number | null {
    const usd = costOf(this.settings.prices, model, usage);
    this.study.charge(usage, usd);
    session.charge(usage, usd);
    this.shared?.charge(usage, usd);
    return usd;
  }

  /** Takes one call from the study's tool budget (over every process, when shared); false when it is spent. */
  async takeToolCall(): Promise<boolean> {
    if (this.counters.toolCalls >= this.settings.toolCalls) return false;
    if (this.shared && !(await this.shared.takeToolCall())) return false;
    this.counters.toolCalls++;
    return true;
  }

  /**
   * A request slot: one of the study's global slots and one of the endpoint's, in this process
   * and, when shared, over every process. Resolves to the function that gives them back.
   */
  async acquire(baseURL: string, signal: AbortSignal): Promise<() => void> {
    const releases: (() => void)[] = [];
    const release = () => {
      for (const r of releases.splice(0).reverse()) r();
    };
    try {
      releases.push(await this.global.acquire(signal));
      releases.push(await this.endpointSlots(baseURL).acquire(signal));
      if (this.shared) {
        const { global, perEndpoint } = this.settings.concurrency;
        releases.push(await this.shared.slot('global', global, signal));
        releases.push(await this.shared.slot(baseURL, perEndpoint, signal));
      }
      return release;
    } catch (error) {
      release();
      throw error;
    }
  }

  usage(): { study: ReturnType<Account['snapshot']>; counters: RuntimeCounters } {
    return { study: this.study.snapshot(), counters: { ...this.counters } };
  }

  close(): void {
    this.cache.close();
  }
}
