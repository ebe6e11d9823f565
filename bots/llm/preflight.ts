/**
 * Checks LLM seats before a study or a live session starts, so that a missing key or an
 * endpoint that is down is said at once in plain words instead of every decision quietly
 * falling back to a scripted policy (each after waiting out its deadline). For each
 * endpoint and key variable the seats use:
 *
 * - the key variable must be set, unless the endpoint is on this machine or its network
 *   (local servers such as Ollama or vLLM take any key);
 * - GET {baseURL}/models must answer within a few seconds, and not with 401 or 403
 *   (a server without that route answers 404: reachable, which is what is checked).
 *
 * A replay-only cache run makes no request, so it needs neither.
 */
import { endpointOf } from './runtime.ts';
import type { AgentParams, LlmSettings } from './settings.ts';

/** LLM seats of one seat group (a study's, or a session's seat plan), by where the group is written. */
export interface LlmSeatPlan {
  /** Where the group's params are written, e.g. `seats[0].params` or `seats.0.params`. */
  readonly path: string;
  readonly seats: readonly string[];
  readonly params: AgentParams;
}

export interface PreflightIssue {
  readonly path: string;
  readonly message: string;
}

export interface PreflightOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** How long the endpoint may take to answer GET /models. */
  readonly timeoutMs?: number;
}

const PROBE_TIMEOUT_MS = 3000;

/** Whether a URL's host is this machine or a private network (where servers commonly take any key). */
export function isLocalEndpoint(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return false;
  }
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host === 'host.docker.internal') return true;
  if (host.includes(':')) return host === '::1' || /^f[cd][0-9a-f]{2}:/.test(host) || host.startsWith('fe80:');
  const ip = host.split('.').map(Number);
  if (ip.length !== 4 || ip.some((n) => !Number.isInteger(n) || n < 0 || n > 255)) return false;
  const [a, b] = ip as [number, number, number, number];
  return a === 127 || a === 10 || (a === 192 && b === 168) || (a === 172 && b >= 16 && b <= 31) || (a === 169 && b === 254) || a === 0;
}

const seatsWord = (seats: readonly string[]) => (seats.length === 1 ? `seat ${seats[0]} uses` : `seats ${seats.join(', ')} use`);

/** Why a request did not get an answer, in a few words. */
function failure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs / 1000} s`;
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

/**
 * What would make these seats' decisions fall back from the start: one issue per endpoint
 * and key variable, at the path of the first group using it. Empty when all is well, and
 * always for a replay-only cache.
 */
export async function preflightLlmSeats(plans: readonly LlmSeatPlan[], settings: LlmSettings, options: PreflightOptions = {}): Promise<PreflightIssue[]> {
  if (settings.cache.mode === 'replay-only' || plans.length === 0) return [];
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? PROBE_TIMEOUT_MS;
  const endpoints = new Map<string, { path: string; baseURL: string; keyVar: string; seats: Set<string>; models: Set<string> }>();
  for (const plan of plans) {
    const baseURL = endpointOf(plan.params, env);
    const id = `${baseURL} ${plan.params.apiKeyEnv}`;
    const entry = endpoints.get(id) ?? { path: plan.path, baseURL, keyVar: plan.params.apiKeyEnv, seats: new Set<string>(), models: new Set<string>() };
    for (const seat of plan.seats) entry.seats.add(seat);
    entry.models.add(plan.params.model);
    endpoints.set(id, entry);
  }
  const checks = [...endpoints.values()].map(async (e): Promise<PreflightIssue | null> => {
    const who = `${seatsWord([...e.seats])} model ${[...e.models].join(', ')} at ${e.baseURL}`;
    const key = env[e.keyVar] || undefined;
    if (!key && !isLocalEndpoint(e.baseURL)) return { path: e.path, message: `${who} but ${e.keyVar} is not set` };
    let status: number;
    try {
      const response = await fetch(`${e.baseURL}/models`, { headers: key ? { authorization: `Bearer ${key}` } : {}, signal: AbortSignal.timeout(timeoutMs) });
      status = response.status;
      await response.body?.cancel();
    } catch (error) {
      return { path: e.path, message: `${who}, which does not answer (${failure(error, timeoutMs)}): start the server or correct baseURL` };
    }
    if (status === 401 || status === 403) {
      return { path: e.path, message: key ? `${who}, which refuses the key in ${e.keyVar} (${status})` : `${who}, which wants a key (${status}) but ${e.keyVar} is not set` };
    }
    return null;
  });
  return (await Promise.all(checks)).filter((issue): issue is PreflightIssue => issue !== null);
}

/** What the caller adds when it refuses: how to run anyway. */
/** The issues as lines for a message, one a seat, indented; `strong` sets off the seat's path (a terminal's bold). */
export const issueLines = (issues: readonly PreflightIssue[], strong: (text: string) => string = (text) => text): string => issues.map((i) => `  ${strong(i.path)}: ${i.message}`).join('\n');

export const ALLOW_FALLBACK_HINT = 'to play these seats by their fallback policy instead, set "allowFallback": true in the llm block';
