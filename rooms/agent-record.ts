/**
 * Records an agent seated by the server may add to its session's ledger besides its
 * actions: an LLM call (prompt, response, tokens, cost, latency). Experimenter audience
 * only; validated and bounded before the room appends it.
 */
import { z } from 'zod';

/** Upper bound of one record's JSON (a long prompt, a few retries and tool results fit). */
export const MAX_AGENT_RECORD_BYTES = 512 * 1024;

export const AGENT_RECORD_KINDS = ['llm_call'] as const;

export const agentRecord = z
  .object({
    kind: z.enum(AGENT_RECORD_KINDS),
    data: z.record(z.string(), z.unknown()).refine((d) => JSON.stringify(d).length <= MAX_AGENT_RECORD_BYTES, { message: `a record is at most ${MAX_AGENT_RECORD_BYTES} bytes of JSON` }),
  })
  .strict();
export type AgentRecord = z.infer<typeof agentRecord>;
