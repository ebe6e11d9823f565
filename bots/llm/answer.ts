/**
 * The shape of an LLM seat's answer. The JSON schema sent as structured output is made
 * from the mechanism's zod action union, narrowed by legal() (only the open action
 * types, with their current bounds); the answer is then checked with the very schema
 * and legal() check the room applies, so a model is held to the same rules as a human.
 */
import { z } from 'zod';
import type { AnyMechanism, Legal, ParamSpec, Rejection } from '../../mechanisms/core/types.ts';
import { checkLegal, reject } from '../../mechanisms/core/legal.ts';
import { chatMessage, coalitionMessage, type ChatMessage, type CoalitionMessage } from '../../rooms/protocol.ts';
import type { Action } from '../policy.ts';

/** What the model is asked to return. */
export interface Answer {
  readonly action: Action;
  readonly reasoning: string;
  readonly chat: readonly ChatMessage[];
  readonly coalition: readonly CoalitionMessage[];
}

function paramSchema(spec: ParamSpec): z.ZodType {
  switch (spec.kind) {
    case 'number':
      return spec.min === spec.max ? z.literal(spec.min) : z.number().min(spec.min).max(spec.max);
    case 'choice': {
      const [first, ...rest] = spec.options.map((o) => z.literal(o));
      if (!first) return z.never();
      return rest.length ? z.union([first, ...rest]) : first;
    }
    case 'integer':
      return z.number().int().min(spec.min).max(spec.max);
    case 'allocation':
      // Strict structured output wants every key present: a key left out is null.
      return z.object(Object.fromEntries(spec.keys.map((k) => [k, z.number().min(spec.min).max(spec.max).nullable()]))).strict();
    case 'simplex':
      return z.object(Object.fromEntries(spec.keys.map((k) => [k, z.number().min(0).max(1)]))).strict();
    case 'ranking':
      return z.array(z.enum(spec.options as [string, ...string[]])).length(spec.options.length);
    case 'bundle':
      return z
        .array(z.object({ items: z.array(z.enum(spec.items as [string, ...string[]])).min(1), price: z.number().min(spec.min).max(spec.max) }).strict())
        .max(spec.maxBids);
  }
}

/** The option of the mechanism's discriminated union for an action type, if the schema is one. */
function unionOption(actionSchema: z.ZodType, type: string): z.ZodObject | null {
  const options = (actionSchema as unknown as { options?: unknown[] }).options;
  if (!Array.isArray(options)) return null;
  for (const option of options) {
    if (!(option instanceof z.ZodObject)) continue;
    const tag = option.shape.type as unknown;
    if (tag instanceof z.ZodLiteral && tag.values.has(type)) return option;
  }
  return null;
}

/** The mechanism's action union, narrowed to what legal() opens now. */
export function narrowedActionSchema(mechanism: AnyMechanism, legal: Legal): z.ZodType {
  const variants = legal.map((open) => {
    const params = Object.fromEntries(Object.entries(open.params).map(([name, spec]) => [name, paramSchema(spec)]));
    const option = unionOption(mechanism.actionSchema, open.type);
    const base = option ?? z.object({ type: z.literal(open.type) });
    return base.extend(params).strict();
  });
  const [first, ...rest] = variants;
  if (!first) return z.never();
  return rest.length ? z.union([first, ...rest]) : first;
}

const SCHEMAS_KEPT = 128;
const schemaMemo = new Map<string, Record<string, unknown>>();

/** The JSON schema of the answer envelope, memoised by mechanism and legal() (bounded). */
export function answerJsonSchema(mechanism: AnyMechanism, legal: Legal, talk: boolean): Record<string, unknown> {
  const key = `${mechanism.id}@${mechanism.version}|${talk ? 1 : 0}|${JSON.stringify(legal)}`;
  const known = schemaMemo.get(key);
  if (known) return known;
  const shape: Record<string, z.ZodType> = { reasoning: z.string(), action: narrowedActionSchema(mechanism, legal) };
  if (talk) {
    shape.chat = z.array(z.object({ channel: z.enum(['public', 'private', 'coalition']), to: z.string().nullable(), coalition: z.string().nullable(), text: z.string() }).strict()).nullable();
    shape.coalition = z.array(z.object({ op: z.enum(['invite', 'accept', 'decline', 'leave', 'dissolve']), to: z.string().nullable(), coalition: z.string().nullable() }).strict()).nullable();
  }
  const schema = z.toJSONSchema(z.object(shape).strict(), { unrepresentable: 'any' }) as Record<string, unknown>;
  delete schema.$schema;
  if (schemaMemo.size >= SCHEMAS_KEPT) schemaMemo.delete(schemaMemo.keys().next().value as string);
  schemaMemo.set(key, schema);
  return schema;
}

const dropNulls = (x: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(x).filter(([, v]) => v !== null));

/** Allocation params come back with null for keys left out; the engine wants them absent. */
function actionWithoutNulls(action: Record<string, unknown>, legal: Legal): Record<string, unknown> {
  const open = legal.find((l) => l.type === action.type);
  if (!open) return action;
  const out = { ...action };
  for (const [name, spec] of Object.entries(open.params)) {
    const value = out[name];
    if (spec.kind === 'allocation' && value && typeof value === 'object') out[name] = dropNulls(value as Record<string, unknown>);
  }
  return out;
}

/** A rejection of an answer, with the code the model is told. */
export type AnswerRejection = Rejection | { readonly ok: false; readonly code: 'INVALID_JSON' | 'NO_ACTION' | 'INVALID_CHAT'; readonly message: string };

/**
 * Parses and checks a model's answer: JSON, the envelope, the action against the
 * mechanism's action schema and legal() (what the room does), chat and coalition moves
 * against the wire protocol's schemas.
 */
export function checkAnswer(mechanism: AnyMechanism, legal: Legal, content: string | null | undefined): { ok: true; answer: Answer } | AnswerRejection {
  let raw: unknown;
  try {
    raw = JSON.parse(content ?? '');
  } catch {
    return { ok: false, code: 'INVALID_JSON', message: 'the answer is not valid JSON: reply with one JSON object only' };
  }
  if (typeof raw !== 'object' || raw === null || typeof (raw as { action?: unknown }).action !== 'object' || (raw as { action?: unknown }).action === null) {
    return { ok: false, code: 'NO_ACTION', message: 'the answer must be an object with an "action" object' };
  }
  const envelope = raw as { action: Record<string, unknown>; reasoning?: unknown; chat?: unknown; coalition?: unknown };
  const parsed = mechanism.actionSchema.safeParse(actionWithoutNulls(envelope.action, legal));
  if (!parsed.success) return reject('INVALID_ACTION', parsed.error.issues.map((i) => `${i.path.join('.') || 'action'}: ${i.message}`).join('; '));
  const action = parsed.data as Action;
  const refused = checkLegal(legal, action);
  if (refused) return refused;
  const chat: ChatMessage[] = [];
  for (const item of Array.isArray(envelope.chat) ? envelope.chat : []) {
    const message = chatMessage.safeParse(dropNulls(item as Record<string, unknown>));
    if (!message.success) return { ok: false, code: 'INVALID_CHAT', message: `chat: ${message.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` };
    chat.push(message.data);
  }
  const coalition: CoalitionMessage[] = [];
  for (const item of Array.isArray(envelope.coalition) ? envelope.coalition : []) {
    const move = coalitionMessage.safeParse(dropNulls(item as Record<string, unknown>));
    if (!move.success) return { ok: false, code: 'INVALID_CHAT', message: `coalition: ${move.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` };
    coalition.push(move.data);
  }
  return { ok: true, answer: { action, reasoning: typeof envelope.reasoning === 'string' ? envelope.reasoning.slice(0, 4000) : '', chat: chat.slice(0, 4), coalition: coalition.slice(0, 4) } };
}
