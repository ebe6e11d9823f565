/**
 * The wire protocol of an arena: every message a client may send, as zod schemas
 * checked at the boundary, and every message the server sends. One module, imported
 * by the room, the bots and the web client, so humans and bots speak the same protocol.
 */
import { z } from 'zod';
import type { PublicViewMessage, SeatViewMessage } from './views.ts';

/** Hard bound on any inbound message, before parsing its fields. */
export const MAX_MESSAGE_BYTES = 8 * 1024;

const seatId = z.string().regex(/^p\d{1,4}$/, 'a seat id like p0');
const coalitionId = z.string().regex(/^c\d{1,6}$/, 'a coalition id like c1');

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Plain, bounded JSON: finite numbers, well-formed strings, shallow nesting. What the ledger can hash. */
export function isPlainJson(value: unknown, depth = 0): boolean {
  if (depth > 6) return false;
  if (value === null || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value === 'string') return value.length <= 1000 && !LONE_SURROGATE.test(value);
  if (Array.isArray(value)) return value.length <= 200 && value.every((v) => isPlainJson(v, depth + 1));
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return entries.length <= 200 && entries.every(([k, v]) => !LONE_SURROGATE.test(k) && isPlainJson(v, depth + 1));
  }
  return false;
}

/** An action for the engine, naming the stateId the seat acted on. The action itself is checked by the mechanism's schema. */
export const actMessage = z
  .object({
    stateId: z.number().int().min(0),
    action: z.looseObject({ type: z.string().min(1).max(64) }).refine((a) => isPlainJson(a) && JSON.stringify(a).length <= MAX_MESSAGE_BYTES, {
      message: `an action is plain JSON (finite numbers, well-formed text) of at most ${MAX_MESSAGE_BYTES} bytes`,
    }),
  })
  .strict();
export type ActMessage = z.infer<typeof actMessage>;

export const chatMessage = z.discriminatedUnion('channel', [
  z.object({ channel: z.literal('public'), text: z.string().min(1).max(2000) }).strict(),
  z.object({ channel: z.literal('private'), to: seatId, text: z.string().min(1).max(2000) }).strict(),
  z.object({ channel: z.literal('coalition'), coalition: coalitionId, text: z.string().min(1).max(2000) }).strict(),
]);
export type ChatMessage = z.infer<typeof chatMessage>;

export const coalitionMessage = z.discriminatedUnion('op', [
  /** Invite a seat into your coalition; without `coalition`, founds a new one. */
  z.object({ op: z.literal('invite'), to: seatId, coalition: coalitionId.optional() }).strict(),
  z.object({ op: z.literal('accept'), coalition: coalitionId }).strict(),
  z.object({ op: z.literal('decline'), coalition: coalitionId }).strict(),
  z.object({ op: z.literal('leave'), coalition: coalitionId }).strict(),
  /** Founder only. */
  z.object({ op: z.literal('dissolve'), coalition: coalitionId }).strict(),
]);
export type CoalitionMessage = z.infer<typeof coalitionMessage>;

/**
 * Words a person types about themselves: trimmed, bounded, no control or format
 * characters (nothing that could hide text or break a CSV line).
 */
const personText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(/^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+$/u, 'plain text without control characters')
    .refine((s) => !LONE_SURROGATE.test(s), 'well-formed text');

/** The URL parameters an online panel (Prolific) adds to a study link, kept with the participant. */
export const PANEL_FIELDS = ['PROLIFIC_PID', 'STUDY_ID', 'SESSION_ID'] as const;

/**
 * Who takes a human seat, as they said it when joining (join option `participant`): a
 * nickname, a participant label (a student id, a panel id) and the panel's URL parameters.
 * Recorded as a `participant` event for the experimenter; never shown to other seats
 * unless the session's spec says so (`showNicknames`).
 */
export const participantMessage = z
  .object({
    nickname: personText(40).nullable().default(null),
    label: personText(80).nullable().default(null),
    fields: z.partialRecord(z.enum(PANEL_FIELDS), personText(100)).default({}),
  })
  .strict();
export type Participant = { nickname: string | null; label: string | null; fields: Record<string, string> };

/** What the seat page notices about its own use, never blocking anything: tab hidden/visible, window focus/blur, a paste into chat, and (`onTask`, every half minute while it is in use) the time on task so far. */
export const INTEGRITY_SIGNALS = ['hidden', 'visible', 'focus', 'blur', 'paste', 'onTask'] as const;
export type IntegritySignal = (typeof INTEGRITY_SIGNALS)[number];
export const integrityMessage = z
  .object({
    signal: z.enum(INTEGRITY_SIGNALS),
    /** Time the page has been visible and focused since it opened, in ms (the seat's time on task). */
    onTaskMs: z.number().int().min(0).max(7 * 24 * 3_600_000),
    /** For 'paste': how many characters were pasted (never the text). */
    chars: z.number().int().min(0).max(1_000_000).optional(),
  })
  .strict();
export type IntegrityMessage = z.infer<typeof integrityMessage>;

/** The experimenter's announcement to every seat and the projector (shown until each dismisses it); empty text withdraws it. */
export const announceMessage = z
  .object({
    text: z
      .string()
      .trim()
      .max(500)
      .regex(/^[^\p{Cc}\p{Cf}]*$/u, 'plain text without control characters')
      .refine((s) => !LONE_SURROGATE.test(s), 'well-formed text'),
  })
  .strict();
export type AnnounceMessage = z.infer<typeof announceMessage>;

export const ADMIN_OPS = ['start', 'pause', 'resume', 'advance', 'end'] as const;
export const adminMessage = z.object({ op: z.enum(ADMIN_OPS) }).strict();
export type AdminMessage = z.infer<typeof adminMessage>;

/** Join option `events`: every event the client may see (the default), or only those addressed to its own seat (a page that shows no event feed). */
export const eventsWanted = z.enum(['all', 'own']).optional();
export type EventsWanted = NonNullable<z.infer<typeof eventsWanted>>;

/** A request for the whole of the views the client may see (rooms/views.ts): when it joins, comes back, or misses a version. */
export const viewsRequest = z.object({}).strict();

/** Client -> server message types. */
export type ClientMessageType = 'act' | 'chat' | 'coalition' | 'admin' | 'integrity' | 'announce' | 'views';

/** Rejection codes of the room itself, beside the engine's (mechanisms/core/types.ts). */
export const ROOM_REJECT_CODES = ['BAD_MESSAGE', 'FORBIDDEN', 'NOT_RUNNING', 'NO_DEADLINE', 'RATE_LIMITED', 'NO_CHANNEL', 'TOO_LARGE', 'NO_SUCH_COALITION', 'STORE_FAILED', 'NO_SUCH_SEAT'] as const;
export type RoomRejectCode = (typeof ROOM_REJECT_CODES)[number];

export const ROLES = ['player', 'spectator', 'experimenter'] as const;
export type Role = (typeof ROLES)[number];

/** An engine event as a client receives it. */
export interface EventMessage {
  kind: string;
  data: Record<string, unknown>;
  at: number;
}

/**
 * Server -> client messages. A request (`room.request`) of any client message type gets
 * its verdict as the reply: `{ ok: true }` (for `act`, `{ ok: true, stateId }`) or
 * `{ ok: false, code, message }`. A plain `send` gets nothing when it went well and a
 * `rejected` message when it did not. A message that does not match its schema, or of
 * a type the room does not know, is refused with code BAD_MESSAGE and the connection
 * stays open (a flood beyond the message rate still closes it).
 */
export interface ServerMessages {
  /** A refused plain `send` (for `act`, the engine's codes too); `for` is 'unknown' for an unknown message type. */
  rejected: { for: ClientMessageType | 'unknown'; code: RoomRejectCode | (string & {}); message: string };
  /** channel, from, text, and `to` (private) or `coalition` (coalition chat). */
  chat: Record<string, unknown> & { id: number; channel: ChatMessage['channel']; at: number; round: unknown };
  coalition: Record<string, unknown> & { at: number };
  /** The engine events addressed to this client since the last state patch, sent right after it (public ones to everyone). */
  events: EventMessage[];
  /** The delta of the public view (rooms/views.ts), to everyone in the room. */
  pub: PublicViewMessage;
  /** The delta of a seat's own views (rooms/views.ts), to its holder and the experimenter only. */
  own: SeatViewMessage;
  /** Something stops the session until the experimenter clears it (code 'STORE_FAILED': the record cannot be written, the session is paused); an empty code when it is cleared. Also in the state's `alert`. */
  alert: { code: string; message: string };
}
