/**
 * Chat and coalitions as channels of the mechanism (DESIGN §5): which channels exist,
 * message length and rate per seat come from the mechanism's communication policy;
 * each accepted message or membership change says who its audience is. The room
 * records it in the ledger and delivers it to that audience plus the experimenter.
 * Chat text is cleaned first (chatText); answers about coalitions never tell an outsider
 * whether a coalition id exists.
 */
import { randomInt } from 'node:crypto';
import type { Communication } from '../mechanisms/core/policy.ts';
import type { ChatMessage, CoalitionMessage, RoomRejectCode } from './protocol.ts';

export type Refusal = { readonly ok: false; readonly code: RoomRejectCode; readonly message: string };
const refuse = (code: RoomRejectCode, message: string): Refusal => ({ ok: false, code, message });

export interface Delivery {
  readonly ok: true;
  /** Seats that receive it; 'public' for everyone in the room. The experimenter always does. */
  readonly audience: 'public' | readonly string[];
  readonly data: Record<string, unknown>;
}

interface Coalition {
  readonly founder: string;
  readonly members: Set<string>;
  readonly invited: Set<string>;
}

/**
 * Characters removed from chat text: bidi embeddings, overrides and isolates (U+202A-202E,
 * U+2066-2069), which make a text display in another order than it is written and read
 * (a quoted price or seat shown reversed); and control characters (C0, DEL, C1) but tab
 * and newline (CR and CRLF become newline). The bidi marks U+200E, U+200F and U+061C stay:
 * right-to-left writing needs them, and they reorder no text around them.
 */
const STRIPPED = /[\u202A-\u202E\u2066-\u2069]|(?![\t\n])\p{Cc}/gu;
/** Nothing anyone would see: white space and invisible format characters only. */
const INVISIBLE = /^[\s\p{Cf}]*$/u;

/** The text as delivered and recorded, or null when nothing visible is left. */
export function chatText(text: string): string | null {
  const clean = text.replace(/\r\n?/g, '\n').replace(STRIPPED, '');
  return INVISIBLE.test(clean) ? null : clean;
}

const NOT_A_MEMBER = 'you are not in that coalition';
const NOT_INVITED = 'you have no invitation to that coalition';

const MAX_COALITIONS = 200;
/** Coalition ids are drawn at random (`c` and up to six digits, see the protocol): an id says nothing about how many coalitions exist. */
const COALITION_IDS = 1_000_000;

export class Conversation {
  readonly #policy: Communication;
  readonly #seats: ReadonlySet<string>;
  /** Token buckets per seat: tokens left and when they were last topped up. */
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #coalitions = new Map<string, Coalition>();
  /** Every id handed out in this session, never reused (an old invitation must not name a new coalition). */
  readonly #usedIds = new Set<string>();

  constructor(policy: Communication, seats: readonly string[]) {
    this.#policy = policy;
    this.#seats = new Set(seats);
  }

  get policy(): Communication {
    return this.#policy;
  }

  /**
   * RATE_LIMITED when the seat has no message left in its allowance, else null. Only an
   * accepted message spends one (#spend): a refused attempt costs nothing.
   */
  #limited(seat: string, now: number): Refusal | null {
    const capacity = this.#policy.ratePerMinute;
    const bucket = this.#buckets.get(seat) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) * capacity) / 60_000);
    bucket.at = now;
    this.#buckets.set(seat, bucket);
    return bucket.tokens < 1 ? refuse('RATE_LIMITED', `at most ${capacity} messages a minute`) : null;
  }

  #spend<T extends Delivery>(seat: string, delivery: T): T {
    const bucket = this.#buckets.get(seat);
    if (bucket) bucket.tokens -= 1;
    return delivery;
  }

  #newCoalitionId(): string {
    for (;;) {
      const id = `c${randomInt(1, COALITION_IDS)}`;
      if (!this.#usedIds.has(id)) {
        this.#usedIds.add(id);
        return id;
      }
    }
  }

  chat(from: string, msg: ChatMessage, now: number): Delivery | Refusal {
    const delivery = this.#chatDelivery(from, msg);
    if (!delivery.ok) return delivery;
    return this.#limited(from, now) ?? this.#spend(from, delivery);
  }

  #chatDelivery(from: string, msg: ChatMessage): Delivery | Refusal {
    if (!this.#policy.channels.includes(msg.channel)) return refuse('NO_CHANNEL', `there is no ${msg.channel} chat in this session`);
    const text = chatText(msg.text);
    if (text === null) return refuse('BAD_MESSAGE', 'the message has no text once control and direction-override characters are removed');
    if (text.length > this.#policy.maxLength) return refuse('TOO_LARGE', `messages are at most ${this.#policy.maxLength} characters`);
    switch (msg.channel) {
      case 'public':
        return { ok: true, audience: 'public', data: { channel: 'public', from, text } };
      case 'private':
        if (!this.#seats.has(msg.to) || msg.to === from) return refuse('FORBIDDEN', 'no such seat to write to');
        return { ok: true, audience: [from, msg.to], data: { channel: 'private', from, to: msg.to, text } };
      case 'coalition': {
        const c = this.#coalitions.get(msg.coalition);
        if (!c || !c.members.has(from)) return refuse('NO_SUCH_COALITION', NOT_A_MEMBER);
        return { ok: true, audience: [...c.members], data: { channel: 'coalition', from, coalition: msg.coalition, text } };
      }
    }
  }

  coalition(by: string, msg: CoalitionMessage, now: number): Delivery | Refusal {
    if (!this.#policy.channels.includes('coalition')) return refuse('NO_CHANNEL', 'there are no coalitions in this session');
    // Every check comes before the rate limit, and the rate limit before any change: a refused op costs and changes nothing.
    const change = (id: string, c: Coalition, op: string, seat: string, extra: readonly string[] = []): Delivery =>
      this.#spend(by, {
        ok: true,
        audience: [...new Set([...c.members, ...extra])],
        data: { coalition: id, op, seat, by, members: [...c.members].sort() },
      });
    if (msg.op === 'invite') {
      if (!this.#seats.has(msg.to) || msg.to === by) return refuse('FORBIDDEN', 'no such seat to invite');
      let id = msg.coalition;
      let c = id ? this.#coalitions.get(id) : undefined;
      if (id && (!c || !c.members.has(by))) return refuse('NO_SUCH_COALITION', NOT_A_MEMBER);
      if (c?.members.has(msg.to)) return refuse('FORBIDDEN', `${msg.to} is already a member`);
      if (!c && this.#coalitions.size >= MAX_COALITIONS) return refuse('FORBIDDEN', 'too many coalitions in this session');
      const limited = this.#limited(by, now);
      if (limited) return limited;
      if (!c) {
        id = this.#newCoalitionId();
        c = { founder: by, members: new Set([by]), invited: new Set() };
        this.#coalitions.set(id, c);
      }
      c.invited.add(msg.to);
      return change(id as string, c, 'invite', msg.to, [msg.to]);
    }
    // An outsider gets one answer whether the id exists or not: ids cannot be probed.
    const c = this.#coalitions.get(msg.coalition);
    switch (msg.op) {
      case 'accept':
      case 'decline': {
        if (!c?.invited.has(by)) return refuse('NO_SUCH_COALITION', NOT_INVITED);
        const limited = this.#limited(by, now);
        if (limited) return limited;
        c.invited.delete(by);
        if (msg.op === 'accept') c.members.add(by);
        return change(msg.coalition, c, msg.op, by, [by]);
      }
      case 'leave': {
        if (!c?.members.has(by)) return refuse('NO_SUCH_COALITION', NOT_A_MEMBER);
        const limited = this.#limited(by, now);
        if (limited) return limited;
        c.members.delete(by);
        const delivery = change(msg.coalition, c, 'leave', by, [by]);
        if (c.members.size === 0) this.#coalitions.delete(msg.coalition);
        return delivery;
      }
      case 'dissolve': {
        // A founder who left is no longer a member: it may not dissolve what it left.
        if (!c?.members.has(by)) return refuse('NO_SUCH_COALITION', NOT_A_MEMBER);
        if (c.founder !== by) return refuse('FORBIDDEN', 'only the founder dissolves a coalition');
        const limited = this.#limited(by, now);
        if (limited) return limited;
        const delivery = change(msg.coalition, c, 'dissolve', by);
        this.#coalitions.delete(msg.coalition);
        return delivery;
      }
    }
  }
}
