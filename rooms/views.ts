/**
 * Views on the wire. The synchronized schema carries the small, slow facts (status,
 * stateId, deadline, seats); the views themselves travel as versioned deltas, so an
 * order in a market costs every client the few bytes of the book level it changed
 * instead of the whole market, once for the public view and once more inside each
 * seat's own view.
 *
 * - `pub` (to everyone in the room): the delta of mechanism.publicView since the last
 *   one, numbered v = 1, 2, 3...
 * - `own` (to the seat's holder and the experimenter only): the delta of the seat's own
 *   part of its view and of its legal actions, numbered per seat. A seat's view is
 *   sent as its key order (`keys`) and the values that differ from the public view's
 *   value under the same key; the others (the book, the tape, the period) are the
 *   public view's, which the client already has. Equal means equal JSON, so the
 *   view the client composes is the view the engine made.
 * - `views` (a request any client makes): the whole of what it may see, at the
 *   current versions; a client asks for it when it joins, when it comes back after a
 *   lost connection and when it finds a version missing.
 *
 * Deltas are jsondiffpatch deltas without the removed values (they are never undone),
 * items of arrays matched by their JSON, so that an insertion into a sorted book is
 * one item and not a shift of all that follow.
 */
import { create, patch, type Delta } from 'jsondiffpatch';
import type { Legal } from '../mechanisms/core/types.ts';

export type { Delta } from 'jsondiffpatch';

export interface PublicViewMessage {
  readonly v: number;
  /** The state the view belongs to. */
  readonly stateId: number;
  readonly delta: Delta;
}

export interface SeatViewMessage {
  readonly seat: string;
  readonly v: number;
  readonly stateId: number;
  /** The delta of the seat's own part, when it changed. */
  readonly own?: Delta;
  /** The view's keys in order, when they changed; null when the view is not an object (then `own` is all of it). */
  readonly keys?: readonly string[] | null;
  /** The delta of the legal actions, when they changed. */
  readonly legal?: Delta;
}

export interface SeatViews {
  readonly v: number;
  readonly own: unknown;
  readonly keys: readonly string[] | null;
  readonly legal: Legal;
}

/** What a `views` request gets (as `{ ok: true, views }`): everything the asking client may see, at the versions the deltas continue from. */
export interface ViewsSnapshot {
  readonly v: number;
  readonly stateId: number;
  readonly pub: unknown;
  readonly seats: Readonly<Record<string, SeatViews>>;
}

/**
 * An array item's identity, for matching the items of two versions of a list: its `id`,
 * `orderId` or `type` (an order, a legal action), else its JSON. Matched items are diffed
 * field by field; the rest are added or removed whole. Any choice gives a correct delta;
 * this one gives small ones for lists of orders, legal actions and price levels.
 */
function identity(item: object | null): string {
  if (item === null) return 'null';
  const o = item as { id?: unknown; orderId?: unknown; type?: unknown };
  const key = o.id ?? o.orderId ?? o.type;
  return typeof key === 'string' || typeof key === 'number' ? `#${String(key)}` : JSON.stringify(item);
}

const differ = create({ objectHash: identity, omitRemovedValues: true, arrays: { detectMove: false } });

/** In JSON, a key jsondiffpatch cannot carry: one every object inherits (`__proto__`, `toString`...), or its own array marker `_t`. */
const AWKWARD_KEY = new RegExp(`"(${[...Object.getOwnPropertyNames(Object.prototype), '_t'].join('|')})":`);

/**
 * The delta from `left` to `right` (JSON `leftJson`, `rightJson`); undefined when they are
 * equal. jsondiffpatch reads keys such as `toString` or `__proto__` as the inherited
 * property, and `_t` as its own marker: a value with such a key goes whole, as a
 * replacement of the root.
 */
function deltaOf(left: unknown, right: unknown, leftJson: string, rightJson: string): Delta {
  if (AWKWARD_KEY.test(leftJson) || AWKWARD_KEY.test(rightJson)) return [0, right];
  try {
    return differ.diff(left, right);
  } catch {
    return [0, right];
  }
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const hasToJson = (x: object): boolean => typeof (x as { toJSON?: unknown }).toJSON === 'function';

/** The JSON of each value of a record, by key, in the record's key order (values JSON leaves out are left out). */
function partsOf(x: Record<string, unknown>): Map<string, string> {
  const parts = new Map<string, string>();
  for (const k of Object.keys(x)) {
    const json = JSON.stringify(x[k]) as string | undefined;
    if (json !== undefined) parts.set(k, json);
  }
  return parts;
}

/** The record's JSON made from its parts: what JSON.stringify writes of it. */
function recordJson(parts: ReadonlyMap<string, string>): string {
  let out = '';
  for (const [k, json] of parts) out += `${out ? ',' : ''}${JSON.stringify(k)}:${json}`;
  return `{${out}}`;
}

/**
 * The delta between two records whose values' JSON is known: what jsondiffpatch makes of them,
 * without walking the values that stayed the same. Undefined when nothing changed.
 */
function recordDelta(left: Record<string, unknown>, right: Record<string, unknown>, leftParts: ReadonlyMap<string, string>, rightParts: ReadonlyMap<string, string>): Delta {
  const delta: Record<string, unknown> = {};
  let changed = false;
  for (const [k, json] of rightParts) {
    const was = leftParts.get(k);
    if (was === json) continue;
    changed = true;
    delta[k] = was === undefined ? [right[k]] : (deltaOf(left[k], right[k], was, json) ?? [0, right[k]]);
  }
  for (const k of leftParts.keys()) {
    if (rightParts.has(k)) continue;
    changed = true;
    delta[k] = [0, 0, 0];
  }
  return changed ? (delta as Delta) : undefined;
}

interface SeatStream {
  v: number;
  own: unknown;
  ownJson: string;
  keys: readonly string[] | null;
  keysJson: string;
  legal: Legal;
  legalJson: string;
}

/** The server's side: the last views it published, and the deltas from them to new ones. */
export class ViewPublisher {
  #v = 0;
  #stateId = 0;
  #pub: unknown = null;
  #pubJson = 'null';
  /** JSON of each value of the public view, by key (made once per public view, when a seat's view is split). */
  #pubParts: Map<string, string> | null = null;
  readonly #seats = new Map<string, SeatStream>();

  /** The public view as last published, as JSON. */
  get publicJson(): string {
    return this.#pubJson;
  }

  /** Takes the public view of state `stateId`; the message for everyone, or null when it is unchanged. */
  publishPublic(view: unknown, stateId: number): PublicViewMessage | null {
    this.#stateId = stateId;
    const parts = isRecord(view) && !hasToJson(view) ? partsOf(view) : null;
    const json = parts ? recordJson(parts) : (JSON.stringify(view) ?? 'null');
    if (json === this.#pubJson) return null;
    const was = this.#pub;
    const wasParts = this.#pubParts;
    const delta = parts && wasParts && isRecord(was) && !AWKWARD_KEY.test(json) && !AWKWARD_KEY.test(this.#pubJson) ? recordDelta(was, view as Record<string, unknown>, wasParts, parts) : deltaOf(was, view, this.#pubJson, json);
    this.#pub = view;
    this.#pubJson = json;
    this.#pubParts = parts;
    if (delta === undefined) return null;
    this.#v++;
    return { v: this.#v, stateId, delta };
  }

  /**
   * Takes a seat's view and legal actions (after publishPublic of the same state); the
   * message for its holder, or null when neither changed. The message carries `legal` exactly
   * when the legal actions changed (or are the seat's first). `legalJson` is
   * JSON.stringify(legal), when the caller has it already.
   */
  publishSeat(seat: string, view: unknown, legal: Legal, stateId: number, legalJson = JSON.stringify(legal)): SeatViewMessage | null {
    const { own, ownJson, keys } = this.#split(view);
    const keysJson = keys === null ? '' : keys.join('\u0000');
    const was = this.#seats.get(seat);
    if (was && was.ownJson === ownJson && was.keysJson === keysJson && was.legalJson === legalJson) return null;
    const message: { -readonly [K in keyof SeatViewMessage]: SeatViewMessage[K] } = { seat, v: (was?.v ?? 0) + 1, stateId };
    if (!was || was.ownJson !== ownJson) message.own = deltaOf(was?.own ?? null, own, was?.ownJson ?? 'null', ownJson) ?? [0, own];
    if (!was || was.keysJson !== keysJson) message.keys = keys;
    if (!was || was.legalJson !== legalJson) message.legal = deltaOf(was?.legal ?? null, legal, was?.legalJson ?? 'null', legalJson) ?? [0, legal];
    this.#seats.set(seat, { v: message.v, own, ownJson, keys, keysJson, legal, legalJson });
    return message;
  }

  /** What a client may see now: the public view and the streams of `seats`. */
  snapshot(seats: Iterable<string>): ViewsSnapshot {
    const out: Record<string, SeatViews> = {};
    for (const seat of seats) {
      const s = this.#seats.get(seat);
      if (s) out[seat] = { v: s.v, own: s.own, keys: s.keys, legal: s.legal };
    }
    return { v: this.#v, stateId: this.#stateId, pub: this.#pub, seats: out };
  }

  /**
   * A seat's view as its own part and keys: values equal (as JSON) to the public view's under
   * the same key are left to it. Most values are settled without JSON: a primitive equal to the
   * public one, or the public view's own object (a mechanism may hand out the same object).
   */
  #split(view: unknown): { own: unknown; ownJson: string; keys: readonly string[] | null } {
    const pub = this.#pub;
    if (!isRecord(view) || !isRecord(pub)) return { own: view, ownJson: JSON.stringify(view) ?? 'null', keys: null };
    const own: Record<string, unknown> = {};
    const keys: string[] = [];
    for (const k of Object.keys(view)) {
      const v = view[k];
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      keys.push(k);
      if (Object.hasOwn(pub, k) && this.#isPublic(k, v, pub[k])) continue;
      own[k] = v;
    }
    return { own, ownJson: JSON.stringify(own), keys };
  }

  /** Whether `v` has the same JSON as `p`, the public view's value under `k`. */
  #isPublic(k: string, v: unknown, p: unknown): boolean {
    if (v === p) return true;
    if (typeof v !== 'object' || v === null || typeof p !== 'object' || p === null) return false;
    const json = this.#pubParts?.get(k) ?? JSON.stringify(p);
    return JSON.stringify(v) === json;
  }
}

/** What a follower needs of a room: the SDK's Room has it. */
export interface FollowedRoom {
  onMessage(type: string, callback: (payload: never) => void): () => void;
  request(type: string, payload?: unknown): Promise<unknown>;
  /** Told when a lost connection is back (what was sent meanwhile is lost): the follower asks for a snapshot. */
  readonly onReconnect?: ((callback: () => void) => unknown) & { remove?(callback: () => void): void };
}

export interface FollowerOptions {
  /**
   * Whether to build the views (default true). A client that only acts on its legal
   * actions (a load generator) sets false: versions and legal actions are still kept.
   */
  readonly views?: boolean;
  /**
   * Told after every change: 'snapshot' when a whole snapshot came in (consistent in itself),
   * 'delta' for one message. The messages of one state come one by one (the public view's,
   * then the seat's own), right before the synchronized state's patch of that state: a client
   * that decides on a seat's view and legal actions together waits for that patch (or a
   * snapshot), not for each delta.
   */
  readonly onChange?: (what: 'snapshot' | 'delta') => void;
  /** Told when a `views` request failed (the room went away, it timed out). */
  readonly onError?: (error: unknown) => void;
}

interface FollowedSeat {
  v: number;
  own: unknown;
  keys: readonly string[] | null;
  legal: Legal;
  /** The composed view, made on demand, for public version `pubV`. */
  view: unknown;
  pubV: number;
}

const copy = <T>(x: T): T => (x === null || typeof x !== 'object' ? x : structuredClone(x));
/** Applies a delta without touching `left` (whose objects a reader may still hold); throws when it does not apply. */
const applied = (left: unknown, delta: Delta): unknown => (delta === undefined ? left : patch(copy(left), delta));

/**
 * The client's side: follows a room's `pub` and `own` messages from a `views` snapshot,
 * asks for a new snapshot when a version is missing, and composes each seat's view.
 * The objects it hands out are never changed afterwards: a delta makes new ones.
 */
export class ViewFollower {
  #pubV = -1;
  #pub: unknown = null;
  #stateId = -1;
  readonly #seats = new Map<string, FollowedSeat>();
  readonly #room: FollowedRoom;
  readonly #options: FollowerOptions;
  readonly #off: (() => void)[] = [];
  #asking: Promise<void> | null = null;
  #ready: Promise<void>;
  #disposed = false;

  constructor(room: FollowedRoom, options: FollowerOptions = {}) {
    this.#room = room;
    this.#options = options;
    this.#off.push(room.onMessage('pub', ((m: PublicViewMessage) => this.#onPublic(m)) as (payload: never) => void));
    this.#off.push(room.onMessage('own', ((m: SeatViewMessage) => this.#onSeat(m)) as (payload: never) => void));
    if (room.onReconnect) {
      const back = () => void this.resync();
      room.onReconnect(back);
      this.#off.push(() => room.onReconnect?.remove?.(back));
    }
    this.#ready = this.resync();
  }

  /** Resolves once the first snapshot is in. */
  get ready(): Promise<void> {
    return this.#ready;
  }

  /** Whether a snapshot has arrived. */
  get synced(): boolean {
    return this.#pubV >= 0;
  }

  /** The state the newest view this follower holds belongs to; -1 before the first snapshot. */
  get stateId(): number {
    return this.#stateId;
  }

  get publicView(): unknown {
    return this.#pub;
  }

  /** The seats whose views this client gets (its own; every seat for the experimenter). */
  get seats(): string[] {
    return [...this.#seats.keys()];
  }

  /** Version of a seat's views; -1 when this client does not get them. */
  version(seat: string): number {
    return this.#seats.get(seat)?.v ?? -1;
  }

  legal(seat: string): Legal | null {
    return this.#seats.get(seat)?.legal ?? null;
  }

  /** A seat's view as the engine made it, or null when this client does not get it. */
  view(seat: string): unknown {
    const s = this.#seats.get(seat);
    if (!s) return null;
    if (s.keys === null) return s.own;
    if (s.pubV !== this.#pubV || s.view === undefined) {
      const own = s.own as Record<string, unknown>;
      const pub = (this.#pub ?? {}) as Record<string, unknown>;
      const view: Record<string, unknown> = {};
      for (const k of s.keys) view[k] = Object.hasOwn(own, k) ? own[k] : pub[k];
      s.view = view;
      s.pubV = this.#pubV;
    }
    return s.view;
  }

  /** Asks the room for a whole snapshot (after a lost connection, or a missing version). */
  resync(): Promise<void> {
    if (this.#asking) return this.#asking;
    const asking = this.#room.request('views', {}).then(
      (reply) => {
        if (this.#asking === asking) this.#asking = null;
        const r = reply as { ok?: boolean; views?: ViewsSnapshot; code?: string; message?: string } | undefined;
        if (r?.ok && r.views) this.#take(r.views);
        else if (!this.#disposed) this.#options.onError?.(new Error(`${r?.code ?? 'NO_REPLY'}: ${r?.message ?? 'the room sent no views'}`));
      },
      (error: unknown) => {
        if (this.#asking === asking) this.#asking = null;
        if (!this.#disposed) this.#options.onError?.(error);
      },
    );
    this.#asking = asking;
    return asking;
  }

  dispose(): void {
    this.#disposed = true;
    for (const off of this.#off.splice(0)) off();
  }

  #take(snapshot: ViewsSnapshot): void {
    if (this.#disposed) return;
    const views = this.#options.views !== false;
    // Deltas the follower applied before the reply are already in it; newer ones come after it.
    if (snapshot.v >= this.#pubV) {
      this.#pubV = snapshot.v;
      this.#pub = views ? snapshot.pub : null;
    }
    for (const [seat, s] of Object.entries(snapshot.seats ?? {})) {
      const had = this.#seats.get(seat);
      if (had && had.v > s.v) continue;
      this.#seats.set(seat, { v: s.v, own: views ? s.own : null, keys: views ? s.keys : null, legal: s.legal, view: undefined, pubV: -1 });
    }
    this.#stateId = Math.max(this.#stateId, snapshot.stateId);
    this.#options.onChange?.('snapshot');
  }

  #onPublic(m: PublicViewMessage): void {
    if (this.#disposed || m.v <= this.#pubV) return;
    if (this.#pubV < 0 || m.v !== this.#pubV + 1) {
      void this.resync();
      return;
    }
    if (this.#options.views !== false) {
      try {
        this.#pub = applied(this.#pub, m.delta);
      } catch {
        void this.resync();
        return;
      }
    }
    this.#pubV = m.v;
    this.#stateId = Math.max(this.#stateId, m.stateId);
    this.#options.onChange?.('delta');
  }

  #onSeat(m: SeatViewMessage): void {
    if (this.#disposed) return;
    const s = this.#seats.get(m.seat);
    if (s && m.v <= s.v) return;
    // A seat's first message (v 1) is a whole one: it may be followed from there.
    if (s ? m.v !== s.v + 1 : m.v !== 1) {
      void this.resync();
      return;
    }
    const views = this.#options.views !== false;
    const was: FollowedSeat = s ?? { v: 0, own: null, keys: null, legal: [], view: undefined, pubV: -1 };
    let next: FollowedSeat;
    try {
      next = {
        v: m.v,
        own: views && 'own' in m ? applied(was.own, m.own) : was.own,
        keys: views && 'keys' in m ? (m.keys ?? null) : was.keys,
        legal: 'legal' in m ? (applied(was.legal, m.legal) as Legal) : was.legal,
        view: undefined,
        pubV: -1,
      };
    } catch {
      void this.resync();
      return;
    }
    this.#seats.set(m.seat, next);
    this.#stateId = Math.max(this.#stateId, m.stateId);
    this.#options.onChange?.('delta');
  }
}
