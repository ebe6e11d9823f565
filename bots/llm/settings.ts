/**
 * What an LLM seat and an LLM study are configured with: per seat (model, endpoint,
 * sampling, deadline, retries, fallback, objective, tools, pacing) and per study or
 * session (cache, budgets, prices, concurrency, tool budget). All zod, all with defaults.
 */
import { z } from 'zod';
import { strictObject } from '../../mechanisms/core/config.ts';

export const AGENT_TYPES = ['honest', 'myopic', 'long-horizon', 'risk-averse', 'risk-seeking', 'collusive', 'saboteur', 'exploit-seeker', 'prosocial'] as const;
export type AgentType = (typeof AGENT_TYPES)[number];

export const TOOL_NAMES = ['payoff', 'history', 'notebook', 'rules'] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]{0,63}$/, 'an environment variable name like OPENAI_API_KEY');

/** The server's own secrets: never sent to an endpoint, even when the operator lists them. */
const SERVER_SECRETS: ReadonlySet<string> = new Set(['ARENA_ADMIN_TOKEN', 'ARENA_SECRET']);

/** The key variables the operator allows besides `*_API_KEY`: ARENA_LLM_KEY_VARS, comma-separated. */
export const listedKeyVariables = (env: NodeJS.ProcessEnv = process.env): string[] =>
  (env.ARENA_LLM_KEY_VARS ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);

/**
 * Why a seat may not take its API key from this environment variable, or null when it may:
 * names ending in `_API_KEY` outside the server's `ARENA_` namespace, and those the operator
 * lists in ARENA_LLM_KEY_VARS; never ARENA_ADMIN_TOKEN or ARENA_SECRET. The key is sent to
 * the seat's endpoint, which the spec names: without this, a spec could send any secret of
 * the process to an address of its choice.
 */
export function keyVariableProblem(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  if (SERVER_SECRETS.has(name)) return `${name} is one of the server's own secrets; it is never sent to an LLM endpoint`;
  if (listedKeyVariables(env).includes(name)) return null;
  if (name.endsWith('_API_KEY') && !name.startsWith('ARENA_')) return null;
  return `${name} is not allowed as a key variable: use one whose name ends in _API_KEY (outside ARENA_), or have the operator list it in ARENA_LLM_KEY_VARS`;
}

export const agentParamsSchema = strictObject({
  model: z.string().min(1).max(200).default('gpt-4o-mini'),
  /** Any OpenAI-compatible endpoint; default: OPENAI_BASE_URL, else OpenAI's. */
  baseURL: z.url().optional(),
  /** The environment variable holding the API key (the key itself is never in a spec or a record). */
  apiKeyEnv: envName
    .superRefine((name, ctx) => {
      const problem = keyVariableProblem(name);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .default('OPENAI_API_KEY'),
  temperature: z.number().min(0).max(2).default(1),
  seed: z.number().int().min(0).max(0x7fffffff).optional(),
  maxTokens: z.number().int().min(16).max(32_000).default(600),
  /** One HTTP request's timeout. */
  timeoutMs: z.number().int().min(100).max(600_000).default(30_000),
  /** Upper bound of one decision's wall time; the phase's own deadline may make it shorter. */
  deadlineMs: z.number().int().min(50).max(3_600_000).default(60_000),
  /** Invalid answers fed back to the model (with the rejection's code and message) before the fallback decides. */
  retries: z.number().int().min(0).max(10).default(2),
  fallback: strictObject({ policy: z.string().min(1).default('random'), params: z.record(z.string(), z.unknown()).default({}) }).prefault({}),
  agent: strictObject({
    type: z.enum(AGENT_TYPES).default('honest'),
    /** Prosocial: the weight on the others' payoffs. */
    lambda: z.number().min(0).max(1).default(0.5),
    /** Extra instruction appended to the objective. */
    instruction: z.string().max(2000).optional(),
  }).prefault({}),
  /** How many of the seat's past decisions (and news received) the prompt repeats. */
  history: z.number().int().min(0).max(50).default(5),
  tools: z.array(z.enum(TOOL_NAMES)).max(TOOL_NAMES.length).default([]),
  /** Tool calls allowed within one decision. */
  maxToolCalls: z.number().int().min(0).max(20).default(4),
  /** Whether the agent may chat and make coalition moves (on the channels the mechanism opens). */
  talk: z.boolean().default(false),
  /** Human-like pacing for mixed studies: think time before acting, typing speed for chat. Never past the deadline. */
  pacing: strictObject({ thinkMs: z.tuple([z.number().int().min(0), z.number().int().min(0)]).default([0, 0]), charsPerSecond: z.number().min(1).max(1000).default(8) }).optional(),
  /** 'json_schema' (structured output) or 'json_object' for endpoints without schema support. */
  responseFormat: z.enum(['json_schema', 'json_object']).default('json_schema'),
});
export type AgentParams = z.output<typeof agentParamsSchema>;

const limitSchema = strictObject({ tokens: z.number().int().min(1).optional(), usd: z.number().min(0).optional() });
export type Limit = z.output<typeof limitSchema>;

/** USD per million tokens, by model. */
export const priceSchema = strictObject({ input: z.number().min(0), output: z.number().min(0) });
export type Price = z.output<typeof priceSchema>;

export const CACHE_MODES = ['off', 'read-write', 'replay-only'] as const;
export type CacheMode = (typeof CACHE_MODES)[number];

export const llmSettingsSchema = strictObject({
  cache: strictObject({
    mode: z.enum(CACHE_MODES).default('off'),
    /** Folder of the cache file (relative to the working directory). */
    dir: z.string().min(1).default('.cache/llm'),
    /** k independent samples per identical request: the n-th repetition uses sample n mod k. */
    samples: z.number().int().min(1).max(1000).default(1),
  }).prefault({}),
  /** For the whole study (all episodes, all seats). */
  budget: limitSchema.optional(),
  /** For one session: a live session, or one episode of a headless study. */
  sessionBudget: limitSchema.optional(),
  prices: z.record(z.string(), priceSchema).default({}),
  concurrency: strictObject({
    global: z.number().int().min(1).max(10_000).default(64),
    perEndpoint: z.number().int().min(1).max(10_000).default(32),
    /** Requests allowed to wait for a slot; past it a decision falls back at once. */
    queue: z.number().int().min(1).max(1_000_000).default(10_000),
  }).prefault({}),
  /** Tool calls allowed in the whole study. */
  toolCalls: z.number().int().min(0).max(10_000_000).default(10_000),
  /** Headless: episodes played at once (1 keeps the cache's sample order, hence the ledger, reproducible). */
  episodeConcurrency: z.number().int().min(1).max(1000).default(1),
  /**
   * Start even when an LLM seat's key is not set or its endpoint does not answer (checked
   * before anything runs, bots/llm/preflight.ts): those seats' decisions are then made by
   * their fallback policy, each recorded with its reason. Off: such a study or session is refused.
   */
  allowFallback: z.boolean().default(false),
});
export type LlmSettings = z.output<typeof llmSettingsSchema>;
export type LlmSettingsInput = z.input<typeof llmSettingsSchema>;
