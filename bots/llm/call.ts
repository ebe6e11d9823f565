/**
 * One chat-completion request through the SDK, the way a decision needs it: from the
 * cache when it holds the answer, else within the concurrency slots, with backoff on 429
 * and 5xx that honours Retry-After, and never past the decision's deadline.
 */
import OpenAI from 'openai';
import type ChatApi from 'openai';
import type { LlmRuntime } from './runtime.ts';

export type CompletionRequest = ChatApi.Chat.Completions.ChatCompletionCreateParamsNonStreaming;
export type Completion = ChatApi.Chat.Completions.ChatCompletion;

export interface CallResult {
  readonly response: Completion;
  readonly latencyMs: number;
  readonly cached: boolean;
  readonly sample: number;
  /** 429/5xx/timeouts retried before this answer. */
  readonly transportRetries: number;
}

/** A request that could not be answered in time (or at all); the decision falls back. */
export class CallFailed extends Error {
  readonly transportRetries: number;
  readonly status: number | null;
  constructor(message: string, transportRetries: number, status: number | null) {
    super(message);
    this.name = 'CallFailed';
    this.transportRetries = transportRetries;
    this.status = status;
  }
}

const BACKOFF_BASE_MS = 250;
const BACKOFF_MAX_MS = 20_000;

/** Milliseconds a 429/503 asks us to wait: retry-after-ms, or Retry-After in seconds or as an HTTP date. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | null {
  const ms = Number(headers?.get('retry-after-ms'));
  if (headers?.get('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers?.get('retry-after');
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : null;
}

const retryable = (status: number | null): boolean => status === null || status === 408 || status === 409 || status === 429 || status >= 500;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export async function complete(runtime: LlmRuntime, client: OpenAI, baseURL: string, request: CompletionRequest, deadlineAt: number, signal: AbortSignal, timeoutMs: number): Promise<CallResult> {
  const cache = runtime.cache;
  const { key, sample } = cache.enabled ? cache.keyFor({ baseURL, request }) : { key: '', sample: 0 };
  if (cache.enabled) {
    const hit = cache.get(key);
    if (hit) return { response: hit.response as Completion, latencyMs: hit.latencyMs, cached: true, sample, transportRetries: 0 };
  }
  let transportRetries = 0;
  for (let attempt = 0; ; attempt++) {
    const left = deadlineAt - performance.now();
    if (left <= 0 || signal.aborted) throw new CallFailed('deadline reached', transportRetries, null);
    let release: (() => void) | null = null;
    let status: number | null = null;
    let wait: number | null = null;
    let reason: string;
    try {
      release = await runtime.acquire(baseURL, signal);
      const started = performance.now();
      const response = await client.chat.completions.create(request, { signal, timeout: Math.max(1, Math.floor(Math.min(timeoutMs, deadlineAt - started))), maxRetries: 0 });
      const latencyMs = Math.round((performance.now() - started) * 1000) / 1000;
      cache.put(key, { response, latencyMs });
      return { response, latencyMs, cached: false, sample, transportRetries };
    } catch (error) {
      if (error instanceof OpenAI.APIError && error.status !== undefined) {
        status = error.status;
        wait = retryAfterMs(error.headers);
      }
      reason = error instanceof Error ? error.message : String(error);
      if (!retryable(status)) throw new CallFailed(reason, transportRetries, status);
    } finally {
      release?.();
    }
    const delay = wait ?? Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt * (0.5 + Math.random() / 2));
    if (performance.now() + delay >= deadlineAt || signal.aborted) throw new CallFailed(`${reason}; no time left to retry`, transportRetries, status);
    transportRetries++;
    await sleep(delay, signal);
  }
}
