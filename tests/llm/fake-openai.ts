/**
 * A local OpenAI-compatible endpoint for tests and benchmarks (node:http): it answers
 * POST .../chat/completions from a script the test gives, one reply per request, and
 * GET .../models with one model; it keeps every request body and the usage it reported,
 * so tests can compare accounting, and can insist on a key as OpenAI does.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatRequest {
  model: string;
  messages: { role: string; content?: string | null; tool_calls?: unknown[]; tool_call_id?: string }[];
  response_format?: { type: string; json_schema?: { schema: unknown } };
  tools?: { function: { name: string } }[];
  seed?: number;
  temperature?: number;
}

export type Reply =
  | { kind?: 'answer'; content: string; delayMs?: number; usage?: { prompt: number; completion: number } }
  | { kind: 'tools'; calls: { name: string; arguments: unknown }[]; delayMs?: number }
  | { kind: 'error'; status: number; headers?: Record<string, string>; delayMs?: number }
  /** Never answers (until the server closes): a timeout. */
  | { kind: 'hang' };

export type Script = (request: ChatRequest, n: number) => Reply;

/** An answer with an action, as a model would give it. */
export const answer = (action: unknown, extra: Record<string, unknown> = {}): Reply => ({ content: JSON.stringify({ reasoning: 'because', action, ...extra }) });

/** The usage a reply reports when the script names none: a function of the request, so it varies. */
const defaultUsage = (request: ChatRequest) => ({ prompt: 50 + Math.ceil(JSON.stringify(request.messages).length / 4), completion: 17 });

export class FakeOpenAI {
  readonly requests: ChatRequest[] = [];
  /** The Authorization header of every request that reached the server, any route. */
  readonly authorizations: (string | null)[] = [];
  readonly usage = { prompt: 0, completion: 0 };
  /** Completion requests received and not yet answered, and the most there were at once. */
  inFlight = 0;
  maxInFlight = 0;
  script: Script;
  /** When set, every request without `Authorization: Bearer <requireKey>` is answered 401, as OpenAI does. */
  requireKey: string | null = null;
  #server: http.Server;
  #port = 0;
  #hanging = new Set<http.ServerResponse>();

  constructor(script: Script) {
    this.script = script;
    this.#server = http.createServer((req, res) => this.#handle(req, res));
    this.#server.keepAliveTimeout = 60_000;
  }

  get baseURL(): string {
    return `http://127.0.0.1:${this.#port}/v1`;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.#port = (this.#server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    for (const res of this.#hanging) res.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.authorizations.push(req.headers.authorization ?? null);
      if (this.requireKey !== null && req.headers.authorization !== `Bearer ${this.requireKey}`) {
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } }));
        return;
      }
      if (req.method === 'GET' && req.url?.endsWith('/models')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: [{ id: 'fake-model', object: 'model', owned_by: 'test' }] }));
        return;
      }
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'no such route' } }));
        return;
      }
      const request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequest;
      const n = this.requests.length;
      this.requests.push(request);
      this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
      res.on('close', () => this.inFlight--);
      const reply = this.script(request, n);
      if (reply.kind === 'hang') {
        this.#hanging.add(res);
        res.on('close', () => this.#hanging.delete(res));
        return;
      }
      const send = () => this.#send(res, request, reply);
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  }

  #send(res: http.ServerResponse, request: ChatRequest, reply: Exclude<Reply, { kind: 'hang' }>): void {
    if (res.destroyed) return;
    if (reply.kind === 'error') {
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end(JSON.stringify({ error: { message: `scripted ${reply.status}`, type: 'test' } }));
      return;
    }
    const usage = reply.kind === 'tools' ? defaultUsage(request) : (reply.usage ?? defaultUsage(request));
    this.usage.prompt += usage.prompt;
    this.usage.completion += usage.completion;
    const message =
      reply.kind === 'tools'
        ? { role: 'assistant', content: null, tool_calls: reply.calls.map((c, i) => ({ id: `call_${this.requests.length}_${i}`, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.arguments) } })) }
        : { role: 'assistant', content: reply.content };
    const body = {
      id: `chatcmpl-${this.requests.length}`,
      object: 'chat.completion',
      created: 1_700_000_000,
      model: request.model,
      choices: [{ index: 0, message, finish_reason: reply.kind === 'tools' ? 'tool_calls' : 'stop', logprobs: null }],
      usage: { prompt_tokens: usage.prompt, completion_tokens: usage.completion, total_tokens: usage.prompt + usage.completion },
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
}

/** The bid amount's bounds the answer schema sent with a request allows (first/second-price). */
export function bidBounds(request: ChatRequest): { min: number; max: number } {
  const text = JSON.stringify(request.response_format?.json_schema?.schema ?? {});
  const min = Number(/"minimum":(-?[\d.e+-]+)/.exec(text)?.[1] ?? 0);
  const max = Number(/"maximum":(-?[\d.e+-]+)/.exec(text)?.[1] ?? 0);
  return { min, max };
}
