/**
 * The delayed spectator view (DESIGN §4): a session with `spectatorDelayMs` > 0 has a
 * second room, the arena's mirror, where its spectators sit. The arena copies its
 * public part (status, stateId, phaseId, deadline, publicView, seats) into the mirror
 * and forwards its public events and public chat, each `spectatorDelayMs` late, so a
 * spectator sees exactly what one of the live room would have seen that long ago, in
 * the same state shape (ArenaState, with no private entries and no full state).
 * Players and the experimenter stay in the live room, undelayed. The mirror holds no
 * rule and writes nothing to the ledger: it only shows what the arena already recorded.
 */
import { matchMaker, Room, ServerError, generateId, type AuthContext, type Client } from '@colyseus/core';
import { StateView } from '@colyseus/schema';
import { viewsRequest, type ServerMessages } from './protocol.ts';
import { ViewPublisher } from './views.ts';
import { ArenaState, SeatInfo, type ArenaStateT } from './schema.ts';
import { arenaEnvironment } from './environment.ts';
import type { SeatClaims } from './tokens.ts';
import { Seating, type Refused } from './seating.ts';

/** What the arena hands its mirror: the public part of its state at one moment. */
export interface PublicSnapshot {
  readonly status: string;
  readonly alert: string;
  /** The experimenter's announcement, as the arena's state holds it. */
  readonly announcement: string;
  readonly stateId: number;
  readonly phaseId: number;
  readonly deadline: number;
  /** JSON of the public view (the mirror sends its deltas, rooms/views.ts). */
  readonly publicView: string;
  readonly progress: string;
  readonly seats: readonly { seat: string; role: string; holder: string; policy: string; connected: boolean; waiting: boolean }[];
}

/** Fields that never change after the arena opens. */
export interface StaticFacts {
  readonly session: string;
  readonly mechanism: string;
  readonly title: string;
  readonly rules: string;
  readonly communication: string;
  readonly benchmarks: string;
}

export interface SpectatorRoomOptions {
  readonly session: string;
}

const mirrors = new Map<string, SpectatorRoom>();

/** The mirror room of a session in this process, if it has one. */
export const mirrorOf = (session: string): SpectatorRoom | undefined => mirrors.get(session);

type MirrorAuth = SeatClaims & { readonly sessionId: string; readonly address: string };
const refusal = (r: Refused): ServerError => new ServerError(r.status, `${r.code}: ${r.message}`);

export class SpectatorRoom extends Room<{ state: ArenaStateT; client: Client<{ auth: MirrorAuth; messages: ServerMessages }> }> {
  override state = new ArenaState();
  override autoDispose = false;
  override maxMessagesPerSecond = 20;
  override patchRate: number | null = 50;
  session = '';
  /** Spectator places, decided when a join is reserved, bounded in all and per address (seating.ts). */
  #seating = new Seating('', [], { standIn: false });
  /** The public view as the spectators last got it. */
  readonly #views = new ViewPublisher();

  static override async onAuth(token: string | undefined, options: { token?: unknown } | undefined, context: AuthContext): Promise<MirrorAuth> {
    const claims = arenaEnvironment().tokens.verify(options?.token ?? token);
    if (!claims) throw new ServerError(401, 'invalid or expired token');
    const auth: MirrorAuth = { ...claims, sessionId: generateId(), address: context?.ip ?? 'unknown' };
    const room = mirrors.get(claims.session);
    if (room) {
      if (claims.role !== 'spectator') throw new ServerError(403, 'WRONG_SESSION: this room is for the spectators of its session');
      const granted = room.#seating.admit({ session: claims.session, role: 'spectator', seat: '-', bot: false, address: auth.address }, auth.sessionId, Date.now());
      if (!granted.ok) throw refusal(granted);
    }
    return auth;
  }

  override onCreate(options: SpectatorRoomOptions): void {
    this.session = options.session;
    this.#seating = new Seating(this.session, [], { standIn: false });
    const limits = this.#seating.limits;
    this.maxClients = limits.spectators + 1;
    this.seatReservationTimeout = Math.ceil(limits.joinMs / 1000);
    mirrors.set(this.session, this);
    this.setMetadata({ session: this.session, spectators: true });
    // Spectators ask for the public view when they join or miss a version, and send nothing else.
    this.onMessage('views', (_client, raw) => (viewsRequest.safeParse(raw ?? {}).success ? { ok: true, views: this.#views.snapshot([]) } : { ok: false, code: 'BAD_MESSAGE', message: 'views takes no fields' }));
    // Anything else gets the same coded refusal as in the arena.
    this.onMessage('*', (client, type) => client.send('rejected', { for: type === 'chat' || type === 'act' || type === 'coalition' || type === 'admin' ? type : 'unknown', code: 'FORBIDDEN', message: 'spectators of a delayed session only watch' }));
  }

  override onJoin(client: Client, _options: unknown, auth: MirrorAuth): void {
    if (auth.session !== this.session || auth.role !== 'spectator') throw new ServerError(403, 'WRONG_SESSION: this room is for the spectators of its session');
    const arrived = this.#seating.arrive({ session: auth.session, role: 'spectator', seat: '-', bot: false, address: auth.address }, client.sessionId, Date.now());
    if (!arrived.ok) throw refusal(arrived);
    client.view = new StateView();
  }

  override onLeave(client: Client): void {
    this.#seating.left(client.sessionId);
    client.view?.dispose();
  }

  override onDispose(): void {
    if (mirrors.get(this.session) === this) mirrors.delete(this.session);
  }

  /** Called once by the arena when it opens. */
  setFacts(facts: StaticFacts): void {
    const s = this.state;
    s.session = facts.session;
    s.mechanism = facts.mechanism;
    s.title = facts.title;
    s.rules = facts.rules;
    s.communication = facts.communication;
    s.benchmarks = facts.benchmarks;
  }

  /** Shows the arena's public part as it was (the arena calls this after the delay). */
  show(snapshot: PublicSnapshot): void {
    const s = this.state;
    s.status = snapshot.status;
    s.alert = snapshot.alert;
    s.announcement = snapshot.announcement;
    s.stateId = snapshot.stateId;
    s.phaseId = snapshot.phaseId;
    s.deadline = snapshot.deadline;
    const pub = this.#views.publishPublic(JSON.parse(snapshot.publicView) as unknown, snapshot.stateId);
    if (pub) this.broadcast('pub', pub);
    s.progress = snapshot.progress;
    for (const seat of snapshot.seats) {
      let info = s.seats.get(seat.seat);
      if (!info) {
        info = new SeatInfo({ seat: seat.seat, role: seat.role });
        s.seats.set(seat.seat, info);
      }
      info.holder = seat.holder;
      info.policy = seat.policy;
      info.connected = seat.connected;
      info.waiting = seat.waiting;
    }
  }

  /** The public view as the spectators see it now, as JSON. */
  get publicViewJson(): string {
    return this.#views.publicJson;
  }

  /** Public events and public chat, as a live spectator got them (the arena calls this after the delay). */
  forward<K extends 'events' | 'chat'>(type: K, message: ServerMessages[K]): void {
    this.broadcast(type, message);
  }
}

/** What the link needs of the arena room's clock (Colyseus's room clock: stopped with the room). */
interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
}

/**
 * The arena room's side of a delayed session's mirror: hands it the public part and the public
 * messages, each after the session's spectator delay. The mirror room is opened in this process.
 */
export class MirrorLink {
  readonly roomId: string;
  readonly #mirror: SpectatorRoom;
  readonly #delayMs: number;
  readonly #timers: Timers;
  /** The public part last handed over, as JSON. */
  #shown = '';

  private constructor(roomId: string, mirror: SpectatorRoom, delayMs: number, timers: Timers) {
    this.roomId = roomId;
    this.#mirror = mirror;
    this.#delayMs = delayMs;
    this.#timers = timers;
  }

  /** Opens the mirror room of `session` (room type `roomType`) and tells it the session's fixed facts. */
  static async open(roomType: string, session: string, facts: StaticFacts, delayMs: number, timers: Timers): Promise<MirrorLink> {
    const cache = await matchMaker.createRoom(roomType, { session } satisfies SpectatorRoomOptions);
    const mirror = mirrorOf(session);
    if (!mirror || mirror.roomId !== cache.roomId) throw new Error(`the spectator room of ${session} did not open in this process`);
    mirror.setFacts(facts);
    return new MirrorLink(cache.roomId, mirror, delayMs, timers);
  }

  /** The public part as it is now, shown after the delay (when it changed). */
  show(snapshot: PublicSnapshot): void {
    const key = JSON.stringify(snapshot);
    if (key === this.#shown) return;
    this.#shown = key;
    this.#timers.setTimeout(() => this.#mirror.show(snapshot), this.#delayMs);
  }

  /** Public events and public chat, after the delay (and a message's own delay). */
  forward<K extends 'events' | 'chat'>(type: K, message: ServerMessages[K], extraDelayMs = 0): void {
    this.#timers.setTimeout(() => this.#mirror.forward(type, message), this.#delayMs + extraDelayMs);
  }

  close(): void {
    this.#mirror.disconnect().catch(() => undefined);
  }
}
