/**
 * Who holds each seat of an arena and who may come in (DESIGN §4). A join is decided
 * when the seat is reserved (the matchmaking request), not when the socket opens, so
 * nobody can hold seats they never take:
 *
 * - a player's seat belongs to one holder: while its holder is connected, joining, or
 *   dropped and within its grace period, a second join is refused (SEAT_TAKEN,
 *   SEAT_HELD). In a stand-in session a person may take a human seat over from the bot
 *   playing it; the experimenter may release a seat (a new device), which ends the old
 *   holder's hold first.
 * - spectators have a capacity of their own, counted with their pending joins and
 *   bounded per address, so spectators can never keep a player or the experimenter out;
 *   experimenters have a few places of their own.
 *
 * Pure bookkeeping, told the time: the room calls it from its Colyseus hooks.
 */
import type { Role } from './protocol.ts';
import type { SeatAssignment } from './session.ts';

export interface SeatingLimits {
  /** Spectators connected or joining at once. */
  readonly spectators: number;
  /** Spectators connected or joining at once from one address. */
  readonly spectatorsPerAddress: number;
  /** Experimenter connections at once. */
  readonly experimenters: number;
  /** How long a granted join waits for its socket (the room's seat reservation time). */
  readonly joinMs: number;
}

export const SEATING_LIMITS: SeatingLimits = { spectators: 500, spectatorsPerAddress: 50, experimenters: 16, joinMs: 10_000 };

/** A refused join: an HTTP status for the matchmaking reply, a code and plain words. */
export interface Refused {
  readonly ok: false;
  readonly status: 403 | 409 | 429 | 503;
  readonly code: 'WRONG_SESSION' | 'NO_SUCH_SEAT' | 'SEAT_TAKEN' | 'SEAT_HELD' | 'FULL' | 'DELAYED_SPECTATORS' | 'COOLING_DOWN';
  readonly message: string;
}

/** A granted join, kept until its socket arrives (or it expires). */
export interface Granted {
  readonly ok: true;
  readonly ticket: string;
  readonly role: Role;
  readonly seat: string | null;
  /** The holder the server seated this join as: a bot only when its token says so. */
  readonly bot: boolean;
  /** A person taking a human seat over from the bot playing it (stand-in sessions). */
  readonly claim: boolean;
  readonly address: string;
  readonly until: number;
}

interface Holder {
  readonly client: string;
  readonly bot: boolean;
  /** Connected, or dropped and allowed back until `until`. */
  state: 'connected' | 'grace';
  until: number;
}

interface SeatEntry {
  readonly assignment: SeatAssignment;
  holder: Holder | null;
  joining: Granted | null;
  /** A person has held the seat: it is theirs to come back to, never handed out by the class link again. */
  everHuman: boolean;
  /** Handed out by the class link until then (epoch ms): its token is on its way to a person. */
  reservedUntil: number;
}

/** How many human seats a class link can still hand out, in all and by role. */
export interface ClassSeats {
  readonly total: number;
  readonly taken: number;
  readonly roles: readonly { readonly role: string; readonly total: number; readonly free: number }[];
}

export interface JoinRequest {
  readonly session: string;
  readonly role: Role;
  readonly seat: string;
  /** The server seated a bot (its token says so); never what a client claims to be. */
  readonly bot: boolean;
  readonly address: string;
}

const refuse = (status: Refused['status'], code: Refused['code'], message: string): Refused => ({ ok: false, status, code, message });

export class Seating {
  readonly #session: string;
  readonly #standIn: boolean;
  readonly #reclaim: boolean;
  readonly #limits: SeatingLimits;
  readonly #seats = new Map<string, SeatEntry>();
  /** Spectator and experimenter joins not yet connected, by ticket. */
  readonly #joining = new Map<string, Granted>();
  /** Connected spectators and experimenters: client -> address. */
  readonly #watchers = { spectator: new Map<string, string>(), experimenter: new Map<string, string>() };
  /** Spectators watch elsewhere (the delayed mirror room). */
  spectatorsElsewhere = false;

  constructor(session: string, seats: readonly SeatAssignment[], options: { standIn: boolean; reclaim?: boolean; limits?: SeatingLimits }) {
    this.#session = session;
    this.#standIn = options.standIn;
    this.#reclaim = options.reclaim ?? false;
    this.#limits = options.limits ?? SEATING_LIMITS;
    for (const assignment of seats) this.#seats.set(assignment.seat, { assignment, holder: null, joining: null, everHuman: false, reservedUntil: 0 });
  }

  get limits(): SeatingLimits {
    return this.#limits;
  }

  /** Decides a join (at its seat reservation); a granted one is held for `joinMs`. */
  admit(request: JoinRequest, ticket: string, now: number): Granted | Refused {
    this.#expire(now);
    if (request.session !== this.#session) return refuse(403, 'WRONG_SESSION', 'this token is for another session');
    const grant = (seat: string | null, claim: boolean): Granted => ({ ok: true, ticket, role: request.role, seat, bot: request.bot, claim, address: request.address, until: now + this.#limits.joinMs });
    if (request.role === 'player') {
      const entry = this.#seats.get(request.seat);
      if (!entry) return refuse(403, 'NO_SUCH_SEAT', 'this session has no such seat');
      if (entry.joining) return refuse(409, 'SEAT_TAKEN', 'someone is joining this seat right now');
      const holder = entry.holder;
      let claim = false;
      if (holder) {
        claim = this.#claimable(entry, request.bot);
        if (!claim && holder.state === 'grace') {
          const seconds = Math.max(1, Math.ceil((holder.until - now) / 1000));
          return refuse(409, 'SEAT_HELD', `this seat's holder lost the connection and may come back for another ${seconds} s; ask the experimenter to release the seat for a new device`);
        }
        if (!claim) return refuse(409, 'SEAT_TAKEN', 'this seat is already taken');
      }
      entry.joining = grant(request.seat, claim);
      return entry.joining;
    }
    if (request.role === 'spectator') {
      if (this.spectatorsElsewhere) return refuse(403, 'DELAYED_SPECTATORS', 'the spectators of this session watch with a delay, in its spectator room');
      if (this.#count('spectator') >= this.#limits.spectators) return refuse(503, 'FULL', `this arena has room for ${this.#limits.spectators} spectators; try again later`);
      if (this.#count('spectator', request.address) >= this.#limits.spectatorsPerAddress) return refuse(429, 'FULL', `at most ${this.#limits.spectatorsPerAddress} spectators from one address`);
    } else if (this.#count('experimenter') >= this.#limits.experimenters) {
      return refuse(503, 'FULL', `at most ${this.#limits.experimenters} experimenter connections at once`);
    }
    const granted = grant(null, false);
    this.#joining.set(ticket, granted);
    return granted;
  }

  /**
   * The socket of a granted join arrived: it holds the seat now. Returns the grant (with
   * the bot it takes the seat from, for a claim), or a refusal when the grant expired or
   * was never made (a join decided by another process); then the join is decided now.
   */
  arrive(request: JoinRequest, client: string, now: number): (Granted & { replaces: string | null }) | Refused {
    this.#expire(now);
    let granted = this.#granted(client);
    if (!granted) {
      const admitted = this.admit(request, client, now);
      if (!admitted.ok) return admitted;
      granted = admitted;
    }
    if (granted.role !== 'player' || granted.seat === null) {
      this.#joining.delete(client);
      this.#watchers[granted.role === 'experimenter' ? 'experimenter' : 'spectator'].set(client, granted.address);
      return { ...granted, replaces: null };
    }
    const entry = this.#seats.get(granted.seat) as SeatEntry;
    entry.joining = null;
    const replaces = entry.holder?.client ?? null;
    entry.holder = { client, bot: granted.bot, state: 'connected', until: 0 };
    if (!granted.bot) {
      entry.everHuman = true;
      entry.reservedUntil = 0;
    }
    return { ...granted, replaces };
  }

  /** A granted join that did not become a holder (its join failed after the grant). */
  abandon(ticket: string): void {
    this.#joining.delete(ticket);
    for (const entry of this.#seats.values()) if (entry.joining?.ticket === ticket) entry.joining = null;
  }

  /** The seat's holder lost its connection; it may come back until `until`. */
  dropped(client: string, until: number): void {
    const entry = this.#held(client);
    if (entry?.holder) {
      entry.holder.state = 'grace';
      entry.holder.until = until;
    }
  }

  reconnected(client: string): void {
    const entry = this.#held(client);
    if (entry?.holder) entry.holder.state = 'connected';
  }

  /** A client is gone for good; true when it held a seat (which is free now). */
  left(client: string): boolean {
    this.#watchers.spectator.delete(client);
    this.#watchers.experimenter.delete(client);
    const entry = this.#held(client);
    if (!entry) return false;
    entry.holder = null;
    return true;
  }

  /** Ends the hold on a seat (the experimenter hands it to a new device); returns the client that held it, if any. */
  release(seat: string): string | null {
    const entry = this.#seats.get(seat);
    if (!entry) return null;
    const client = entry.holder?.client ?? null;
    entry.holder = null;
    entry.joining = null;
    return client;
  }

  /** The seat a client holds, if any. */
  seatOf(client: string): string | null {
    return this.#held(client)?.assignment.seat ?? null;
  }

  holderOf(seat: string): { client: string; bot: boolean; state: 'connected' | 'grace' } | null {
    const h = this.#seats.get(seat)?.holder;
    return h ? { client: h.client, bot: h.bot, state: h.state } : null;
  }

  /**
   * A stand-in session lets a person take a human seat over from the bot that plays it; a
   * session whose dropouts are replaced by bots lets a person come back to their seat (with
   * its token) and take it back from the bot.
   */
  #claimable(entry: SeatEntry, bot: boolean): boolean {
    return (this.#standIn || (this.#reclaim && entry.everHuman)) && !bot && entry.holder?.bot === true && entry.assignment.kind === 'human';
  }

  /** A human seat the class link may hand out now: nobody joining, nobody reserved it, no person ever held it, no person or bot of its own holds it. */
  #free(entry: SeatEntry, now: number): boolean {
    if (entry.assignment.kind !== 'human' || entry.joining || entry.everHuman || entry.reservedUntil > now) return false;
    return !entry.holder || (this.#standIn && entry.holder.bot);
  }

  /**
   * The class link: picks the first free human seat (of `role`, when given) and keeps it
   * for the person it goes to for `holdMs` (two minutes by default: time for a slow phone to
   * open its seat page), so two people asking at once get two seats.
   * Null when none is free.
   */
  reserveFree(role: string | null, now: number, holdMs = 12 * this.#limits.joinMs): string | null {
    this.#expire(now);
    for (const entry of this.#seats.values()) {
      if ((role === null || entry.assignment.role === role) && this.#free(entry, now)) {
        entry.reservedUntil = now + holdMs;
        return entry.assignment.seat;
      }
    }
    return null;
  }

  /** The human seats as the class link counts them: taken (held by a person, joining, or handed out) or free. */
  classSeats(now: number): ClassSeats {
    this.#expire(now);
    const roles = new Map<string, { role: string; total: number; free: number }>();
    let total = 0;
    let taken = 0;
    for (const entry of this.#seats.values()) {
      if (entry.assignment.kind !== 'human') continue;
      const r = roles.get(entry.assignment.role) ?? { role: entry.assignment.role, total: 0, free: 0 };
      roles.set(entry.assignment.role, r);
      total++;
      r.total++;
      if (this.#free(entry, now)) r.free++;
      else taken++;
    }
    return { total, taken, roles: [...roles.values()] };
  }

  #granted(ticket: string): Granted | null {
    const watcher = this.#joining.get(ticket);
    if (watcher) return watcher;
    for (const entry of this.#seats.values()) if (entry.joining?.ticket === ticket) return entry.joining;
    return null;
  }

  #held(client: string): SeatEntry | null {
    for (const entry of this.#seats.values()) if (entry.holder?.client === client) return entry;
    return null;
  }

  #count(role: 'spectator' | 'experimenter', address?: string): number {
    let n = 0;
    for (const a of this.#watchers[role].values()) if (address === undefined || a === address) n++;
    for (const g of this.#joining.values()) if (g.role === role && (address === undefined || g.address === address)) n++;
    return n;
  }

  #expire(now: number): void {
    for (const [ticket, g] of this.#joining) if (g.until <= now) this.#joining.delete(ticket);
    for (const entry of this.#seats.values()) if (entry.joining && entry.joining.until <= now) entry.joining = null;
  }
}
