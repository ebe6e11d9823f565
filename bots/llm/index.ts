/**
 * The `llm` policy: a seat played by a language model through any OpenAI-compatible
 * endpoint. Its params are the seat's (model, endpoint, sampling, objective, tools...,
 * see settings.ts); what the seats of a study share comes in the SeatContext's services
 * as an LlmRuntime. The fallback is a named scripted policy, found through the lookup the
 * registry hands in (bots/registry.ts imports this module, not the other way round).
 */
import type { AsyncPolicy, PolicyFactory, Policy } from '../policy.ts';
import { LlmAgent } from './agent.ts';
import { LlmRuntime } from './runtime.ts';
import { agentParamsSchema, type AgentParams } from './settings.ts';

export { LlmRuntime, endpointOf, type SeatDecisions } from './runtime.ts';
export { preflightLlmSeats, type LlmSeatPlan } from './preflight.ts';
export { LlmAgent } from './agent.ts';
export { llmSettingsSchema, agentParamsSchema, type LlmSettings, type LlmSettingsInput, type AgentParams } from './settings.ts';

type ScriptedLookup = (name: string) => PolicyFactory<unknown> | undefined;

/** A runtime for callers that give none (a lone seat): default settings, no cache, no budget. */
let solitary: LlmRuntime | null = null;

export function llmPolicy(findScripted: ScriptedLookup): PolicyFactory<AgentParams, AsyncPolicy> {
  return {
    name: 'llm',
    description: 'A language model through any OpenAI-compatible endpoint (params: model, baseURL, apiKeyEnv, temperature, seed, agent, tools, fallback...).',
    mechanisms: '*',
    lifetime: 'episode',
    asynchronous: true,
    paramsSchema: agentParamsSchema.superRefine((p, ctx) => {
      const fallback = findScripted(p.fallback.policy);
      if (!fallback) ctx.addIssue({ code: 'custom', path: ['fallback', 'policy'], message: `unknown scripted policy '${p.fallback.policy}'` });
      else {
        const params = fallback.paramsSchema.safeParse(p.fallback.params);
        if (!params.success) ctx.addIssue({ code: 'custom', path: ['fallback', 'params'], message: params.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ') });
      }
    }),
    create(params, context) {
      if (!context) throw new Error('an llm seat needs its seat context (mechanism, config, seat)');
      const factory = findScripted(params.fallback.policy);
      if (!factory) throw new Error(`unknown fallback policy '${params.fallback.policy}'`);
      if (factory.mechanisms !== '*' && !context.mechanism.policies.includes(factory.name)) throw new Error(`fallback policy '${factory.name}' does not play ${context.mechanism.id}`);
      const fallback = factory.create(factory.paramsSchema.parse(params.fallback.params), context) as Policy;
      const services = context.services as { llm?: unknown; session?: unknown } | undefined;
      const runtime = services?.llm instanceof LlmRuntime ? services.llm : (solitary ??= new LlmRuntime());
      return new LlmAgent(params, runtime, context, fallback, typeof services?.session === 'string' ? services.session : `${context.seat}`);
    },
  };
}
