/**
 * The function tools an LLM seat may call (bounded per decision and per study):
 *
 * - `rules`: the mechanism's rules text for this config (what every participant is shown).
 * - `history`: the seat's own remembered lines (its decisions, their fate, news it received).
 * - `notebook`: a private notebook kept across rounds, the agent's memory (read, write, append).
 * - `payoff`: the engine itself plays one hypothetical round with the action the agent names
 *   and the actions it believes the others take, and reports the hypothetical outcome for the
 *   agent's seat. The hypothetical match is drawn from its own throwaway seed, so no real
 *   private draw (the agent's or anyone else's) is in it: the agent reads allocation and
 *   price from it and applies its own value. No rule is re-implemented here. Only the agent's
 *   own row and refusals come back. Caveat: private values that a config sets explicitly
 *   (double-auction schedules given by the experimenter) are part of the config, hence of the
 *   hypothetical; do not offer this tool in such studies.
 */
import { z } from 'zod';
import type ChatApi from 'openai';
import { openMatch } from '../../mechanisms/core/match.ts';
import { hashOf } from '../../mechanisms/core/hash.ts';
import { ROUND_RECORD, type AnyMechanism, type MechEvent, type ParticipantRound, type RoundRecordData, type SeatId } from '../../mechanisms/core/types.ts';
import type { Memory } from './prompt.ts';
import type { ToolName } from './settings.ts';

type Tool = ChatApi.Chat.Completions.ChatCompletionFunctionTool;

export const NOTEBOOK_CHARS = 4000;
const RESULT_CHARS = 4000;

export interface ToolContext {
  readonly mechanism: AnyMechanism;
  readonly config: unknown;
  readonly seat: SeatId;
  readonly seats: number;
  readonly memory: readonly Memory[];
  notebook: string;
}

const historyArgs = z.object({ last: z.number().int().min(1).max(50).default(10) }).strict();
const notebookArgs = z.object({ op: z.enum(['read', 'write', 'append']), text: z.string().max(NOTEBOOK_CHARS).nullable().default(null) }).strict();
const payoffArgs = z
  .object({
    action: z.looseObject({ type: z.string() }),
    others: z.array(z.object({ seat: z.string().regex(/^p\d{1,4}$/), action: z.looseObject({ type: z.string() }) }).strict()).max(1000).default([]),
  })
  .strict();

const schemaOf = (s: z.ZodType): Record<string, unknown> => {
  const json = z.toJSONSchema(s, { unrepresentable: 'any', io: 'input' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
};

const DEFINITIONS: Record<ToolName, { description: string; parameters: z.ZodType }> = {
  rules: { description: 'The rules of this market or game, as every participant is shown them.', parameters: z.object({}).strict() },
  history: { description: 'Your own recent decisions, whether they were refused, and the news you received.', parameters: historyArgs },
  notebook: { description: 'Your private notebook, kept across rounds: read it, replace it (write) or add a line (append).', parameters: notebookArgs },
  payoff: {
    description:
      'Plays one hypothetical round in the real engine: you take `action`, each listed other seat takes its `action` (your beliefs). Returns your hypothetical row (allocation, price, payoff). Private draws in the hypothetical are random placeholders, not yours: use your own value with the allocation and price.',
    parameters: payoffArgs,
  },
};

export function toolDefinitions(names: readonly ToolName[]): Tool[] {
  return names.map((name) => ({ type: 'function', function: { name, description: DEFINITIONS[name].description, parameters: schemaOf(DEFINITIONS[name].parameters) } }));
}

/**
 * One hypothetical round in the engine, from the seat's stated action and beliefs only:
 * the mechanism's own one-round version of the config (Mechanism.oneRound), played until
 * its first round closes; the seat's row comes from that round's round_record event.
 */
function hypothetical(ctx: ToolContext, args: z.output<typeof payoffArgs>): unknown {
  const config = ctx.mechanism.oneRound(ctx.config);
  const match = openMatch(ctx.mechanism, { config, seats: ctx.seats, seed: Number.parseInt(hashOf(args).slice(0, 8), 16) });
  const rows: ParticipantRound[] = [];
  const collect = (events: readonly MechEvent[]) => {
    for (const e of events) if (e.kind === ROUND_RECORD && rows.length === 0) rows.push(...(e.data as unknown as RoundRecordData).rows);
  };
  // Only the agent's own refusals are told in full: the reason another seat's stated action
  // was refused could depend on that seat's draws (placeholders here, but kept out on principle).
  const refused: { code: string; message: string }[] = [];
  const play = (seat: SeatId, action: unknown) => {
    const r = match.submit(seat, match.state.stateId, action, match.now);
    if (!r.ok && seat === ctx.seat) refused.push({ code: r.code, message: r.message });
    if (r.ok) collect(r.events);
  };
  collect(match.tick(0));
  play(ctx.seat, args.action);
  for (const other of args.others) if (other.seat !== ctx.seat) play(other.seat as SeatId, other.action);
  for (let i = 0; i < 100 && rows.length === 0 && !match.over && match.state.deadline !== null; i++) collect(match.tick(match.state.deadline));
  const mine = rows.filter((r) => r.seat === ctx.seat);
  return {
    closed: rows.length > 0,
    refused,
    yourRow: mine.map((r) => ({ fields: r.fields, payoff: r.payoff })),
    note: rows.length > 0 ? 'placeholder private draws: apply your own value' : 'the round did not close: state an action for every other seat',
  };
}

/** Runs one tool call; the result is JSON text for the model (bounded). */
export function runTool(ctx: ToolContext, name: string, rawArgs: string): string {
  let args: unknown;
  try {
    args = rawArgs ? JSON.parse(rawArgs) : {};
  } catch {
    return JSON.stringify({ error: 'arguments are not valid JSON' });
  }
  let result: unknown;
  switch (name) {
    case 'rules':
      result = { rules: ctx.mechanism.rules(ctx.config) };
      break;
    case 'history': {
      const parsed = historyArgs.safeParse(args);
      result = parsed.success ? { lines: ctx.memory.slice(-parsed.data.last).map((m) => m.line) } : { error: parsed.error.issues[0]?.message };
      break;
    }
    case 'notebook': {
      const parsed = notebookArgs.safeParse(args);
      if (!parsed.success) {
        result = { error: parsed.error.issues[0]?.message };
        break;
      }
      const { op, text } = parsed.data;
      if (op === 'write') ctx.notebook = (text ?? '').slice(0, NOTEBOOK_CHARS);
      if (op === 'append') ctx.notebook = `${ctx.notebook}${ctx.notebook ? '\n' : ''}${text ?? ''}`.slice(-NOTEBOOK_CHARS);
      result = { notebook: ctx.notebook };
      break;
    }
    case 'payoff': {
      const parsed = payoffArgs.safeParse(args);
      result = parsed.success ? hypothetical(ctx, parsed.data) : { error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
      break;
    }
    default:
      result = { error: `no tool named ${name}` };
  }
  return JSON.stringify(result).slice(0, RESULT_CHARS);
}
