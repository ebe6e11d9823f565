/**
 * An LLM seat: asks the model for a decision with structured output, feeds refusals
 * back (schema, legal() and engine rejections, with their codes) up to `retries` times
 * within the decision's deadline, lets it call its tools, and otherwise hands the
 * decision to a named scripted fallback. Every decision leaves one `llm_call` record.
 */
import type ChatApi from 'openai';
import type { Communication } from '../../mechanisms/core/policy.ts';
import type { Rng } from '../../mechanisms/core/random.ts';
import type { AsyncPolicy, Decision, Observation, Policy, SeatContext } from '../policy.ts';
import { answerJsonSchema, checkAnswer, type Answer } from './answer.ts';
import { CallFailed, complete, type Completion, type CompletionRequest } from './call.ts';
import { buildMessages, feedbackMessage, type Memory } from './prompt.ts';
import type { LlmRuntime } from './runtime.ts';
import type { AgentParams } from './settings.ts';
import { runTool, toolDefinitions, type ToolContext } from './tools.ts';
import type { Account } from './budget.ts';

type Message = ChatApi.Chat.Completions.ChatCompletionMessageParam;

/** Time kept back from the phase's deadline for the action to reach the room. */
export const DEADLINE_MARGIN_MS = 150;
const MEMORY_KEPT = 200;

/** One request/response of a decision, as recorded. */
interface CallTrace {
  sample: number;
  cached: boolean;
  latencyMs: number;
  transportRetries: number;
  response: Completion | null;
  error: string | null;
}

interface Trace {
  messages: Message[];
  calls: CallTrace[];
  toolCalls: { name: string; arguments: string; result: string }[];
  refusals: { code: string; message: string }[];
  promptTokens: number;
  completionTokens: number;
  costUsd: number | null;
  answer: Answer | null;
}

export class LlmAgent implements AsyncPolicy {
  readonly name = 'llm';
  readonly params: AgentParams;
  readonly #runtime: LlmRuntime;
  readonly #context: SeatContext;
  readonly #fallback: Policy;
  readonly #sessionId: string;
  readonly #session: Account;
  readonly #tools: ToolContext;
  readonly #memory: Memory[] = [];
  readonly #channels: readonly string[];
  #refusedByEngine: { code: string; message: string } | null = null;

  /** `session` names the live session or headless episode the seat plays in; its account is the runtime's. */
  constructor(params: AgentParams, runtime: LlmRuntime, context: SeatContext, fallback: Policy, session: string) {
    this.params = params;
    this.#runtime = runtime;
    this.#context = context;
    this.#fallback = fallback;
    this.#sessionId = session;
    this.#session = runtime.session(session);
    this.#tools = { mechanism: context.mechanism, config: context.config, seat: context.seat, seats: context.seats, memory: this.#memory, notebook: '' };
    this.#channels = (context.config as { communication?: Communication } | null)?.communication?.channels ?? [];
  }

  get notebook(): string {
    return this.#tools.notebook;
  }

  rejected(rejection: { readonly code: string; readonly message: string }): void {
    this.#refusedByEngine = { code: rejection.code, message: rejection.message };
  }

  #remember(at: number, line: string): void {
    this.#memory.push({ at, line: line.slice(0, 500) });
    if (this.#memory.length > MEMORY_KEPT) this.#memory.splice(0, this.#memory.length - MEMORY_KEPT);
  }

  async decide(obs: Observation, rng: Rng): Promise<Decision | null> {
    const started = performance.now();
    const phaseLeft = obs.deadline === null || obs.deadline === undefined ? Infinity : obs.deadline - obs.now - DEADLINE_MARGIN_MS;
    const budgetMs = Math.max(0, Math.min(this.params.deadlineMs, phaseLeft));
    const deadlineAt = started + budgetMs;
    for (const item of obs.inbox ?? []) this.#remember(obs.now, `${item.kind}: ${JSON.stringify(item.data)}`);
    const engineRefusal = this.#refusedByEngine;
    this.#refusedByEngine = null;
    if (engineRefusal) this.#remember(obs.now, `your last action was refused: ${engineRefusal.code}: ${engineRefusal.message}`);
    const trace: Trace = { messages: [], calls: [], toolCalls: [], refusals: [], promptTokens: 0, completionTokens: 0, costUsd: null, answer: null };
    this.#runtime.counters.decisions++;

    let fallback: string | null = (await this.#runtime.admit(this.#session)) ?? (budgetMs <= 0 ? 'no time left before the deadline' : null);
    if (!fallback) {
      const controller = new AbortController();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeUp = new Promise<'deadline'>((resolve) => (timer = setTimeout(() => resolve('deadline'), budgetMs)));
      const thinking = this.#think(obs, budgetMs, deadlineAt, controller.signal, trace);
      try {
        const outcome = await Promise.race([thinking, timeUp]);
        if (outcome === 'deadline') fallback = 'deadline reached';
        else fallback = outcome;
      } finally {
        clearTimeout(timer);
        controller.abort();
      }
      thinking.catch(() => undefined);
    }

    let decision: Decision | null;
    if (fallback === null && trace.answer) {
      const { action, reasoning, chat, coalition } = trace.answer;
      const talk = this.params.talk && this.#channels.length > 0;
      decision = { action, ...(reasoning ? { note: reasoning.slice(0, 500) } : {}), ...(talk && chat.length ? { chat } : {}), ...(talk && coalition.length ? { coalition } : {}) };
    } else {
      this.#runtime.counters.fallbacks++;
      decision = this.#fallback.decide(obs, rng);
    }
    this.#remember(obs.now, decision ? `you chose ${JSON.stringify(decision.action)}${fallback ? ' (by the fallback rule)' : ''}` : 'you did nothing');
    this.#record(obs, trace, decision, fallback, engineRefusal, budgetMs);
    this.#runtime.decided({ session: this.#sessionId, seat: this.#context.seat, elapsedMs: performance.now() - started, budgetMs, fallback });
    if (decision && this.params.pacing) await this.#pace(decision, deadlineAt);
    return decision;
  }

  /** Asks until an answer passes (null) or it cannot (the reason to fall back). Throws only on a replay-only cache miss. */
  async #think(obs: Observation, budgetMs: number, deadlineAt: number, signal: AbortSignal, trace: Trace): Promise<string | null> {
    const p = this.params;
    const runtime = this.#runtime;
    const messages = buildMessages({ rules: this.#context.mechanism.rules(this.#context.config), params: p, obs, memory: this.#memory, notebook: this.#tools.notebook, budgetMs, channels: this.#channels });
    trace.messages = messages;
    const schema = answerJsonSchema(this.#context.mechanism, obs.legal, p.talk && this.#channels.length > 0);
    const tools = p.tools.length ? toolDefinitions(p.tools) : null;
    const client = runtime.client(p);
    const baseURL = runtime.baseURL(p);
    let toolCallsLeft = p.maxToolCalls;
    let refusals = 0;
    for (;;) {
      const budget = await runtime.admit(this.#session);
      if (budget) return budget;
      const request: CompletionRequest = {
        model: p.model,
        messages,
        temperature: p.temperature,
        max_completion_tokens: p.maxTokens,
        ...(p.seed !== undefined ? { seed: p.seed } : {}),
        response_format: p.responseFormat === 'json_schema' ? { type: 'json_schema', json_schema: { name: 'decision', schema, strict: true } } : { type: 'json_object' },
        ...(tools && toolCallsLeft > 0 ? { tools, tool_choice: 'auto' as const, parallel_tool_calls: false } : {}),
      };
      let result;
      try {
        result = await complete(runtime, client, baseURL, request, deadlineAt, signal, p.timeoutMs);
      } catch (error) {
        if (!(error instanceof CallFailed)) throw error;
        runtime.counters.transportRetries += error.transportRetries;
        trace.calls.push({ sample: 0, cached: false, latencyMs: 0, transportRetries: error.transportRetries, response: null, error: `${error.status ?? 'network'}: ${error.message}`.slice(0, 500) });
        return `the endpoint did not answer: ${error.message}`.slice(0, 300);
      }
      if (signal.aborted) return 'deadline reached';
      runtime.counters.calls++;
      if (result.cached) runtime.counters.cachedCalls++;
      runtime.counters.transportRetries += result.transportRetries;
      trace.calls.push({ sample: result.sample, cached: result.cached, latencyMs: result.latencyMs, transportRetries: result.transportRetries, response: result.response, error: null });
      const usage = { promptTokens: result.response.usage?.prompt_tokens ?? 0, completionTokens: result.response.usage?.completion_tokens ?? 0 };
      trace.promptTokens += usage.promptTokens;
      trace.completionTokens += usage.completionTokens;
      const usd = runtime.charge(this.#session, p.model, usage);
      if (usd !== null) trace.costUsd = (trace.costUsd ?? 0) + usd;
      const message = result.response.choices?.[0]?.message;
      const toolCalls = (message?.tool_calls ?? []).filter((c) => c.type === 'function');
      if (message && toolCalls.length) {
        messages.push({ role: 'assistant', content: message.content ?? null, tool_calls: toolCalls });
        for (const call of toolCalls) {
          const allowed = toolCallsLeft > 0 && (await runtime.takeToolCall());
          toolCallsLeft--;
          const output = allowed ? runTool(this.#tools, call.function.name, call.function.arguments) : JSON.stringify({ error: 'no tool calls left: answer now' });
          trace.toolCalls.push({ name: call.function.name, arguments: call.function.arguments.slice(0, 2000), result: output });
          messages.push({ role: 'tool', tool_call_id: call.id, content: output });
        }
        continue;
      }
      const checked = checkAnswer(this.#context.mechanism, obs.legal, message?.content);
      if (checked.ok) {
        trace.answer = checked.answer;
        return null;
      }
      trace.refusals.push({ code: checked.code, message: checked.message });
      if (++refusals > p.retries) return `${p.retries} retries used; last refusal ${checked.code}`;
      runtime.counters.retries++;
      messages.push({ role: 'assistant', content: message?.content ?? '' }, feedbackMessage(checked.code, checked.message));
    }
  }

  #record(obs: Observation, trace: Trace, decision: Decision | null, fallback: string | null, engineRefusal: { code: string; message: string } | null, budgetMs: number): void {
    const p = this.params;
    this.#context.record?.({
      kind: 'llm_call',
      at: obs.now,
      data: {
        seat: this.#context.seat,
        stateId: obs.stateId,
        model: p.model,
        endpoint: this.#runtime.baseURL(p),
        params: { temperature: p.temperature, seed: p.seed ?? null, maxTokens: p.maxTokens, timeoutMs: p.timeoutMs, responseFormat: p.responseFormat, tools: p.tools, agent: p.agent, history: p.history },
        // Copies: a request still winding down after the deadline must not change a hashed record.
        messages: [...trace.messages],
        calls: [...trace.calls],
        toolCalls: [...trace.toolCalls],
        parsed: trace.answer,
        action: decision?.action ?? null,
        chat: decision?.chat ?? [],
        coalition: decision?.coalition ?? [],
        refusals: [...trace.refusals],
        retries: Math.min(trace.refusals.length, p.retries),
        engineRefusal,
        promptTokens: trace.promptTokens,
        completionTokens: trace.completionTokens,
        costUsd: trace.costUsd === null ? null : Math.round(trace.costUsd * 1e9) / 1e9,
        latencyMs: Math.round(trace.calls.reduce((sum, c) => sum + c.latencyMs, 0) * 1000) / 1000,
        budgetMs: Math.round(budgetMs),
        fallback: fallback === null ? null : { policy: this.#fallback.name, reason: fallback },
      },
    });
  }

  /** Human-like pacing: think time and typing time for chat, never past the deadline. */
  async #pace(decision: Decision, deadlineAt: number): Promise<void> {
    const pacing = this.params.pacing;
    if (!pacing) return;
    const [low, high] = pacing.thinkMs;
    const typed = (decision.chat ?? []).reduce((n, c) => n + c.text.length, 0);
    const want = low + (high - low) * Math.random() + (typed / pacing.charsPerSecond) * 1000;
    const wait = Math.min(want, deadlineAt - performance.now());
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
